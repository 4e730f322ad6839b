"""The reader's pages (issue 11): light, free of errors, the path in the first screen, and the finish.

Checked in headless Chromium at a desktop and a phone size, in light and dark mode, on the session's one build.
No test asserts a time: `make bench` measures weight and speed.
"""

from __future__ import annotations

import html as html_lib
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from bookhelpers import ROOT, BuildResult, whole_book

from chapterkit.book import frontmatter
from chapterkit.site import pathmap

pytestmark = pytest.mark.site

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
MODES = ("light", "dark")
LOOKS = [(v, m) for v in VIEWPORTS for m in MODES]
CHAPTER = "chapters/technical-debt/index.html"
SAMPLE_PAGES = ["intro.html", CHAPTER, "chapters/cs329s/monitoring.html", "notebooks/technical-debt/monitoring.html",
                "glossary.html", "bibliography.html"]


@pytest.fixture(params=LOOKS, ids=[f"{v}-{m}" for v, m in LOOKS])
def look(request: pytest.FixtureRequest, browser) -> Iterator[tuple[str, object]]:
    """A tab at one viewport and colour scheme; the theme follows the scheme (default_mode: auto)."""
    viewport, mode = request.param
    phone = viewport == "phone"
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=mode, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    yield mode, page
    context.close()


def _watch(page, site: str) -> tuple[list[str], list[str]]:
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    return requests, errors


# --------------------------------------------------------------------------- 1. half the weight, 2. no errors
def test_pages_load_no_icon_javascript_fonts_or_other_host(look, site: str) -> None:
    """The sample pages, one after the other in one tab of each look (a new tab per page cost a renderer each)."""
    mode, page = look
    requests, errors = _watch(page, site)
    for name in SAMPLE_PAGES:
        requests.clear()
        page.goto(f"{site}/{name}", wait_until="networkidle")
        assert page.evaluate("document.documentElement.dataset.theme") == mode
        heavy = [u for u in requests if re.search(r"fontawesome|\.woff2?(\?|$)|\.ttf(\?|$)", u)]
        assert heavy == [], f"{name} still loads icon JavaScript or fonts: {heavy}"
        elsewhere = [u for u in requests if not u.startswith(site) and not u.startswith("data:")]
        assert elsewhere == [], f"{name} asks another host: {elsewhere}"
        assert errors == [], f"{name} ({mode}): {errors}"
        left = page.locator("i[class*='fa-'], span[class*='fa-solid'], span[class*='fa-brands']").count()
        assert left == 0, f"{name}: {left} Font Awesome element(s) left unconverted"
        # The header's icons are drawn, each as an SVG the size of its text.
        icons = page.locator(".article-header-buttons svg.svg-inline--fa:visible")
        assert icons.count() >= 3, f"{name}: only {icons.count()} visible header icons"
        box = icons.first.bounding_box()
        assert box is not None and 8 <= box["height"] <= 40 and box["width"] > 4, box


def test_admonition_icons_are_drawn_without_the_icon_font(browser, site: str) -> None:
    page = browser.new_page()
    page.goto(f"{site}/{CHAPTER}", wait_until="networkidle")
    style = page.evaluate(
        "() => { const t = document.querySelector('.admonition > .admonition-title');"
        " const s = getComputedStyle(t, '::after');"
        " return {mask: s.maskImage || s.webkitMaskImage, width: s.width, font: s.fontFamily}; }"
    )
    page.close()
    assert style["mask"].startswith('url("data:image/svg+xml'), style
    assert "Font Awesome" not in style["font"] and style["width"] != "0px", style


def test_built_pages_keep_each_script_once_and_no_thebe(built_book: BuildResult) -> None:
    for name in ("intro.html", CHAPTER, "chapters/cs329s/deployment.html"):
        html = (built_book.html / name).read_text(encoding="utf-8")
        assert "THEBE_JS_URL" not in html and "sphinx-thebe.js" not in html, name
        assert "fontawesome.js" not in html, name
        inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
        assert len(inline) == len(set(inline)), f"{name}: an inline script is written twice"
        sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
        assert len(sources) == len(set(sources)), f"{name}: a script is loaded twice"


# --------------------------------------------------------------------------- 3. the path in the first screen
def _chapters() -> list[tuple[str, frontmatter.ChapterMeta]]:
    return [(slug, meta) for slug, meta, _ in pathmap.chapters_in_path(ROOT)]


def test_map_markdown_says_where_to_start_and_how_long() -> None:
    chapters = _chapters()
    assert len(chapters) >= 2
    lines = pathmap.map_markdown(chapters)
    text = "\n".join(lines)
    assert text.count("Start here") == 2, "one 'Start here' line above the map and one badge on the first card"
    total = sum(meta.path.minutes for _, meta in chapters)
    assert pathmap._duration(total) in text
    for _slug, meta in chapters:
        assert meta.path.summary and meta.path.summary in text


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("mode", MODES)
def test_path_map_starts_in_the_first_screen(browser, site: str, viewport: str, mode: str) -> None:
    size = VIEWPORTS[viewport]
    context = browser.new_context(viewport=size, color_scheme=mode, is_mobile=viewport == "phone")
    page = context.new_page()
    page.goto(f"{site}/intro.html", wait_until="networkidle")
    cards = page.locator(".chapterkit-path-map .sd-card")
    chapters = _chapters()
    assert cards.count() == len(chapters)
    top = cards.first.bounding_box()
    assert top is not None and top["y"] + 40 < size["height"], f"first card starts at {top} ({viewport})"
    for number, (_slug, meta) in enumerate(chapters):
        card = cards.nth(number).inner_text()
        assert meta.path.summary in card, f"card {number + 1} lacks its summary"
        assert meta.path.level in card and "read first:" in card, card
    assert "Start here" in cards.first.inner_text() and "Start here" not in cards.nth(1).inner_text()
    total = page.locator(".chapterkit-path-total").inner_text()
    assert "Start here" in total and "The whole path takes about" in total, total
    context.close()


def test_every_chapter_has_a_one_line_summary() -> None:
    for slug, meta in _chapters():
        assert meta.path.summary.strip() and "\n" not in meta.path.summary, slug


# --------------------------------------------------------------------------- 4. citations in one style
CITATION_LABEL = re.compile(r'<div class="citation" id="([^"]+)" role="doc-biblioentry">\s*<span class="label">'
                            r'<span class="fn-bracket">\[</span>(.*?)<span class="fn-bracket">\]</span>')
CITATION_REF = re.compile(r'<a class="reference internal" href="#([^"]+)" title="[^"]*">(.*?)</a>')


def _text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment).strip()


def test_citations_read_the_same_in_the_text_and_the_lists(built_book: BuildResult) -> None:
    checked = 0
    for file in sorted(built_book.html.rglob("*.html")):
        html = file.read_text(encoding="utf-8")
        labels = {anchor: _text(label) for anchor, label in CITATION_LABEL.findall(html)}
        for anchor, text in CITATION_REF.findall(html):
            if anchor in labels:
                checked += 1
                assert _text(text) == labels[anchor], f"{file.name}: cited as [{_text(text)}], listed as [{labels[anchor]}]"
        for label in labels.values():
            # A year, or "n.d." (no date) for an undated web page, as APA writes it.
            assert re.fullmatch(r"[^,\[\]]+, (.*\d{4}.*|n\.d\.)", label), f"{file.name}: list label [{label}] is not author-year"
    assert checked > 20, f"only {checked} citations checked"


# --------------------------------------------------------------------------- 5. rendered math
MATH_PAGE = r"""# Math

Inline, the role: {math}`\mathrm{PSI} = \sum_i (a_i - e_i) \ln \frac{a_i}{e_i}`; and with dollars: $x^2 + y^2$.
Money stays text: it cost $5 and $10.

$$
\hat{y} = \sigma(w^\top x + b)
$$ (logit)

See {eq}`logit`.
"""


def test_formulas_render_as_mathml_offline(tmp_path, browser) -> None:
    import subprocess
    import sys

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'chapterkit.site.mathml']\nhtml_math_renderer = 'mathml'\n"
        "myst_enable_extensions = ['dollarmath']\nmyst_dmath_allow_digits = False\n", encoding="utf-8")
    (src / "index.md").write_text(MATH_PAGE, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src), str(tmp_path / "out")],
                          check=False, capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert html.count("<math ") == 3 and 'display="block"' in html
    assert not re.search(r"<script[^>]*(mathjax|katex)", html, re.IGNORECASE) and "$5 and $10" in html
    assert '<span class="eqno">(1)' in html
    page = browser.new_page()
    page.goto((tmp_path / "out" / "index.html").as_uri())
    widths = page.eval_on_selector_all("math", "els => els.map(e => e.getBoundingClientRect().width)")
    page.close()
    assert len(widths) == 3 and all(w > 10 for w in widths), widths


# --------------------------------------------------------------------------- 4. hover previews
PREVIEW_LINKS = {
    "glossary term": ".bd-article a.reference.internal:has(.std-term)",
    "cross-reference": ".bd-article a.reference.internal:has(.std-ref)",
    "citation": ".bd-article .bibtex-citation a.reference.internal",
}


@pytest.mark.parametrize("mode", MODES)
def test_hover_previews_for_terms_references_and_citations(browser, site: str, mode: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"], color_scheme=mode)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site}/{CHAPTER}", wait_until="networkidle")
    tip = page.locator("#mp-preview")
    for what, selector in PREVIEW_LINKS.items():
        link = page.locator(selector).first
        link.scroll_into_view_if_needed()
        link.hover()
        tip.wait_for(state="visible", timeout=5_000)
        text = tip.inner_text()
        assert len(text) > 40, f"{what}: preview {text!r}"
        assert link.get_attribute("aria-describedby") == "mp-preview"
        colours = tip.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
        assert colours[0] != colours[1], f"{what}: unreadable preview {colours}"
        page.mouse.move(1, 1)
        tip.wait_for(state="hidden", timeout=5_000)
    term = page.locator(PREVIEW_LINKS["glossary term"]).first
    definition_start = term.inner_text().strip().lower()
    term.focus()
    tip.wait_for(state="visible", timeout=5_000)
    assert definition_start.split()[0] in tip.inner_text().lower()
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden", timeout=5_000)
    context.close()
    assert errors == []


# --------------------------------------------------------------------------- 6. sources one click away
def _folder_chapters() -> list[tuple[str, object]]:
    from chapterkit.book import sources

    found = []
    for folder in sorted((ROOT / "chapters").iterdir()):
        if folder.is_dir() and (folder / sources.FILE).is_file():
            found.append((folder.name, sources.load(folder)))
    return found


def test_sources_files_cover_every_page_with_https_links() -> None:
    from chapterkit.book.provenance import has_list

    chapters = dict(_folder_chapters())
    if whole_book(ROOT):
        assert {"technical-debt", "cs329s"} <= set(chapters), "each of the first two chapters keeps a sources.yml"
    for slug, pages in chapters.items():
        # A chapter's generated "Where this comes from" page summarizes no material of its own.
        on_disk = {p.stem for p in (ROOT / "chapters" / slug).glob("*.md") if not has_list(p)}
        assert set(pages) == on_disk, (f"chapters/{slug}/sources.yml: pages without an entry "
                                       f"{sorted(on_disk - set(pages))}, entries without a page {sorted(set(pages) - on_disk)}")
        for page, entries in pages.items():
            assert entries and all(e.url.startswith("https://") and e.title for e in entries), (slug, page)


def test_sources_file_errors_say_what_and_where() -> None:
    from chapterkit.book import sources

    with pytest.raises(sources.SourcesError, match=r"x\.yml: pages\.intro entry 1 \(Slides\): url 'http://a\.b/' "):
        sources.parse("pages:\n  intro:\n    - {title: Slides, url: 'http://a.b/'}\n", "x.yml")
    with pytest.raises(sources.SourcesError, match=r"pages\.intro entry 2 has no title"):
        sources.parse("pages:\n  intro:\n    - {title: A, url: 'https://a.b/'}\n    - {url: 'https://a.b/'}\n", "x.yml")
    with pytest.raises(sources.SourcesError, match="needs a 'pages:' mapping"):
        sources.parse("- just a list\n", "x.yml")


def test_every_section_page_links_its_source_material(built_book: BuildResult) -> None:
    for slug, pages in _folder_chapters():
        for page, entries in pages.items():
            html = (built_book.html / "chapters" / slug / f"{page}.html").read_text(encoding="utf-8")
            block = re.search(r'<p class="chapterkit-sources">(.*?)</p>', html, re.DOTALL)
            assert block, f"chapters/{slug}/{page}.html: no Source material line"
            hrefs = re.findall(r'href="([^"]+)"', block.group(1))
            assert hrefs == [e.url.replace("&", "&amp;") for e in entries], (slug, page, hrefs)
            title_at = html.index("</h1>")
            assert html.index('class="chapterkit-sources"') > title_at, "the links sit under the title"


# --------------------------------------------------------------------------- 7. ways in
def test_glossary_is_one_list_with_an_a_to_z_bar_and_chapter_tags(built_book: BuildResult) -> None:
    from chapterkit.site.waysin import initial

    html = (built_book.html / "glossary.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section [^>]*id="glossary"[^>]*>(.*)</section>', html, re.DOTALL)
    assert len(sections) == 1 and html.count('<dl class="glossary') == 1, "one glossary, one A-Z list"
    for body in sections:
        bar = re.search(r'<p class="chapterkit-az">(.*?)</p>', body, re.DOTALL)
        assert bar, "a glossary list without its A-Z bar"
        links = re.findall(r'href="#([^"]+)">([A-Z#])</a>', bar.group(1))
        terms = re.findall(r'<dt id="([^"]+)">(.*?)<a class="headerlink"', body, re.DOTALL)
        first: dict[str, str] = {}
        for anchor, text in terms:
            first.setdefault(initial(_text(text)), anchor)
        assert links == sorted(((a, letter) for letter, a in first.items()), key=lambda x: (x[1] == "#", x[1])), links
    # Every term is tagged with the chapters that use it, computed from the pages' {term} links.
    tags = re.findall(r'<p class="glossary-tags">(.*?)</p>', html, re.DOTALL)
    assert len(tags) == len(re.findall(r"<dd[ >]", html)), "a term without its chapter tags (one per definition)"
    names = [_text(t) for t in tags]
    assert any("CS 329S" in n and "The ML Test Score" in n for n in names), "a term used by two chapters has both tags"


def test_general_index_is_linked_and_lists_each_entry_once(built_book: BuildResult) -> None:
    html = (built_book.html / "genindex.html").read_text(encoding="utf-8")
    # Top-level entries only (sub-entries, indented deeper, may repeat under different entries).
    names = [_text(a or b) for a, b in re.findall(r"\n {6}<li>(?:<a [^>]*><strong>([^<]+)</strong>|([^<\n]+))", html)]
    assert len(names) > 50
    lower = [n.lower() for n in names]
    twice = sorted({n for n in lower if lower.count(n) > 1})
    assert twice == [], f"listed more than once by case: {twice}"
    letters = re.findall(r'<h2 id="([^"]+)">', html)
    assert all(re.fullmatch(r"[A-Z]|Symbols", x) for x in letters), letters
    for name in ("intro.html", CHAPTER, "glossary.html"):
        page = (built_book.html / name).read_text(encoding="utf-8")
        footer = page.split('class="bd-footer-content', 1)[-1]
        assert re.search(r'href="(\.\./)*genindex\.html"', footer), f"{name}: the footer does not link the index"


# --------------------------------------------------------------------------- 9. the finish
def _contrast(fg: tuple[float, ...], bg: tuple[float, ...]) -> float:
    def lum(rgb: tuple[float, ...]) -> float:
        chans = [c / 255 for c in rgb[:3]]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in chans]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted([lum(fg), lum(bg)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _hex(colour: str) -> tuple[int, ...]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


@pytest.mark.parametrize("mode", MODES)
def test_logo_wordmark_reads_in_both_modes(browser, site: str, built_book: BuildResult, mode: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"], color_scheme=mode)
    page = context.new_page()
    page.goto(f"{site}/intro.html", wait_until="networkidle")
    logo = page.locator("img.logo__image:visible")
    assert logo.count() == 1
    src = logo.get_attribute("src")
    background = page.evaluate("getComputedStyle(document.querySelector('.bd-sidebar-primary')).backgroundColor")
    context.close()
    svg = (built_book.html / src).read_text(encoding="utf-8")
    fill = re.search(r'<text [^>]*fill="(#[0-9a-fA-F]{6})"', svg).group(1)
    bg = tuple(int(x) for x in re.findall(r"\d+", background)[:3])
    ratio = _contrast(_hex(fill), bg)
    assert ratio >= 4.5, f"{mode}: wordmark {fill} on {background} is {ratio:.1f}:1 ({src})"


def test_footer_has_licences_citation_index_and_date(built_book: BuildResult) -> None:
    import subprocess

    import yaml

    cff = yaml.safe_load((built_book.html / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"].startswith("1.2") and cff["title"] and cff["authors"]
    for name in ("intro.html", CHAPTER, "chapters/cs329s/deployment.html"):
        html = (built_book.html / name).read_text(encoding="utf-8")
        footer = html.split('class="bd-footer-content', 1)[1]
        assert "creativecommons.org/licenses/by/4.0/" in footer and "/LICENSE" in footer, name
        cite = re.search(r'href="([^"]*cite\.html)">Cite this book</a>', footer)
        assert cite and (built_book.html / name).parent.joinpath(cite.group(1)).resolve().is_file(), name
        source = name.replace(".html", ".md")
        git = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%cs", "--", source],
                             check=False, capture_output=True, text=True)
        if git.returncode == 0 and git.stdout.strip():
            assert f"Last updated on {git.stdout.strip()}." in footer, f"{name}: not dated {git.stdout.strip()}"


def test_cite_page_gives_apa_and_bibtex_to_copy(built_book: BuildResult) -> None:
    """"Cite this book" opens a page (not a .cff download) with APA and BibTeX text, each with a copy button; the
    citation file's abstract names every resource the book summarizes."""
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    html = (built_book.html / "cite.html").read_text(encoding="utf-8")
    article = html.split('<article class="bd-article"', 1)[1]
    text = html_lib.unescape(_text(article))
    assert f"{cff['authors'][0]['name']}. ({cff['year']}). {cff['title']}. {cff['url']}" in text
    assert "@misc{mlopspath2026," in text and "author       = {{The MLOps Path authors}}" in text
    assert "highlight-text" in article and "highlight-bibtex" in article, "APA and BibTeX as code blocks"
    assert "copybutton.js" in html, "no copy button on the texts"
    for _slug, meta, _source in pathmap.chapters_in_path(ROOT):
        name = meta.resource.title.split(":")[0].replace("Stanford ", "")
        assert name in " ".join(cff["abstract"].split()), f"CITATION.cff's abstract does not name {name}"


def test_times_and_titles_read_the_same_on_the_card_and_the_chapter(built_book: BuildResult) -> None:
    """The landing page's card and the chapter's At a glance write the time one way; the card's title is the
    sidebar's (the chapter page's title)."""
    intro = html_lib.unescape((built_book.html / "intro.html").read_text(encoding="utf-8"))
    for _slug, meta, source in pathmap.chapters_in_path(ROOT):
        page = html_lib.unescape((built_book.html / source.relative_to(ROOT).with_suffix(".html"))
                                 .read_text(encoding="utf-8"))
        time = pathmap._duration(meta.path.minutes)
        assert f"Time:</strong> about {time}, reading" in page and f"about {time} ·" in intro, source
        heading = pathmap.page_heading(source)
        assert heading and re.search(rf"\d+\. {re.escape(heading)}\s*</", intro), f"card title is not {heading!r}"


def test_pages_carry_one_viewport_sized_images_and_no_theme_templates(built_book: BuildResult) -> None:
    html = built_book.html
    assert not (html / "_static" / "webpack-macros.html").exists()
    assert not (html / "_static" / "sbt-webpack-macros.html").exists()
    assert (html / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00", "no /favicon.ico"
    for name in SAMPLE_PAGES:
        page = (html / name).read_text(encoding="utf-8")
        metas = page.count('name="viewport"')
        assert metas == 1, f"{name}: {metas} viewport metas"
        for img in re.findall(r"<img\b[^>]*>", page):
            if "_images/" in img or "logo__image" in img:
                assert 'width="' in img and 'height="' in img, f"{name}: unsized {img[:120]}"
        assert 'class="dataframe' not in page or 'border="1"' not in page
    notebook = (html / "notebooks" / "technical-debt" / "monitoring.html").read_text(encoding="utf-8")
    assert "window.print()" in notebook and ">Print<" in notebook and ">.pdf<" not in notebook


def test_technical_debt_notebooks_sit_under_their_sections() -> None:
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    chapter = next(c for part in toc["parts"] for c in part["chapters"] if c["file"] == "chapters/technical-debt/index")
    top = [s["file"] for s in chapter["sections"]]
    assert not [f for f in top if f.startswith("notebooks/")], "a notebook after the chapter's pages"
    for section in chapter["sections"]:
        for nb in section.get("sections", []):
            first = nbformat_first_markdown(ROOT / f"{nb['file']}.ipynb")
            page = Path(section["file"]).name
            assert f"{page}.md" in first, f"{nb['file']} accompanies another page than {section['file']}"


def nbformat_first_markdown(path: Path) -> str:
    import json

    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "".join(next(c for c in cells if c["cell_type"] == "markdown")["source"])


def test_pages_have_a_title_description_and_link_preview(built_book: BuildResult) -> None:
    pages = [p for p in built_book.html.rglob("*.html")
             if p.relative_to(built_book.html).parts[0] not in {"_static", "_sources"} and p.name != "404.html"
             and p.relative_to(built_book.html).as_posix() != "index.html"]
    assert len(pages) > (20 if whole_book(built_book.root) else 5)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", html).group(1)
        assert title.count("MLOps Path") == 1, f"{page.name}: title {title!r}"
        for prop in ("og:title", "og:site_name", "og:type", "og:url"):
            assert f'property="{prop}"' in html, f"{page.name}: no {prop}"
        if page.name not in {"search.html", "genindex.html"}:
            desc = re.search(r'<meta name="description" content="([^"]+)"', html)
            text = _text(desc.group(1)) if desc else ""
            assert 30 < len(html_lib.unescape(text)) <= 201, f"{page.name}: description {text!r}"
    if whole_book(built_book.root):  # the landing page is titled by the book's name alone
        assert re.search(r"<title>MLOps Path</title>", (built_book.html / "intro.html").read_text(encoding="utf-8"))
    # Every shape of chapter: a folder's index page or a single page (chapters/<slug>.md).
    for _slug, meta, source in pathmap.chapters_in_path(ROOT):
        page = built_book.html / source.relative_to(ROOT).with_suffix(".html")
        html = page.read_text(encoding="utf-8")
        assert f'<meta name="description" content="{html_lib.escape(meta.path.summary)}"' in html, page


def test_404_page_links_from_the_site_root(built_book: BuildResult, browser, site: str, axe_script: dict[str, str]) -> None:
    """The 404 page works at any depth on GitHub Pages (under html_baseurl's path) and under make serve (the site
    at /): its links are relative to a <base> its script sets; its dark logo shows in dark mode."""
    import yaml

    base = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]["html_baseurl"]
    root = urllib.parse.urlsplit(base).path
    text = (built_book.html / "404.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', text)
    local = [link for link in links if not link.startswith(("https://", "data:"))]
    assert {"intro.html", "glossary.html", "genindex.html"} <= set(local)
    for link in local:
        assert (built_book.html / link).is_file(), link
    assert not re.search(r'(src|srcset|href)="data:[^"]* ', text), "a space in a data URI ends it in srcset"

    def served(route) -> None:
        """GitHub Pages: the site under its path; any other address answers with 404.html."""
        path = urllib.parse.urlsplit(route.request.url).path
        file = built_book.html / path[len(root):] if path.startswith(root) else None
        if file is not None and file.is_file():
            route.fulfill(path=str(file))
        else:
            route.fulfill(status=404, path=str(built_book.html / "404.html"))

    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and not m.text.startswith("Failed to load resource")
            and errors.append(m.text))
    page.route("https://pages.test/**", served)
    for address, home in ((f"https://pages.test{root}no/such/page.html", f"https://pages.test{root}"),
                          (f"{site}/404.html", f"{site}/")):
        page.goto(address, wait_until="load")
        hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.href)")
        assert hrefs and all(h.startswith(home) for h in hrefs), (address, hrefs)
        for href in set(hrefs):
            assert (built_book.html / href[len(home):]).is_file(), href
        assert page.evaluate("document.querySelector('picture img').currentSrc === "
                             "document.querySelector('picture source').srcset"), "the dark logo does not show"
    assert errors == [], f"the 404 page must carry its own images: {errors}"
    page.add_script_tag(**axe_script)
    violations = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations.map(v => v.id)")
    context.close()
    assert violations == []


# --------------------------------------------------------------------------- 9. provenance, diagrams, formulas
ORIGINS = ("source", "companion", "secondary", "ours")


def _chapter_pages(built_book: BuildResult) -> dict[str, list[Path]]:
    """Chapter slug -> its built pages and notebook pages (not its "Where this comes from" page)."""
    found: dict[str, list[Path]] = {}
    for slug in sorted(p.name for p in (ROOT / "chapters").iterdir() if p.is_dir()):
        pages = sorted((built_book.html / "chapters" / slug).glob("*.html"))
        pages += sorted((built_book.html / "notebooks" / slug).glob("*.html"))
        found[slug] = [p for p in pages if p.name != "where-this-comes-from.html"]
    return found


def test_every_chapter_marks_where_its_claims_come_from(built_book: BuildResult) -> None:
    marker = re.compile(r'<span class="provenance" data-origin="([a-z]+)"[^>]*tabindex="0"[^>]*>(.*?)</span></span>')
    for slug, pages in _chapter_pages(built_book).items():
        counts = dict.fromkeys(ORIGINS, 0)
        for page in pages:
            for origin, inner in marker.findall(page.read_text(encoding="utf-8")):
                assert origin in ORIGINS, (page, origin)
                assert f'<span class="provenance-word">{origin}</span>' in inner, "the origin is a word on the tag"
                if origin != "ours":
                    assert '<span class="provenance-locator">: ' in inner, (page, "a source without its locator")
                counts[origin] += 1
        assert counts["source"] and counts["ours"], f"{slug}: markers per origin {counts}"


def test_each_chapter_lists_its_companion_and_secondary_claims_with_links_back(built_book: BuildResult) -> None:
    for slug in _chapter_pages(built_book):
        page = built_book.html / "chapters" / slug / "where-this-comes-from.html"
        assert page.is_file(), f"chapters/{slug}: no 'Where this comes from' page"
        html = page.read_text(encoding="utf-8")
        assert "<h1>Where This Comes From" in html
        assert re.search(r"Markers in this chapter: \d+ source, \d+ companion, \d+ secondary, \d+ ours\.", html)
        links = re.findall(r'<a class="reference internal" href="([^"#]+)#(prov-\d+)"', html)
        listed = len(re.findall(r"From (?:companion works|secondary accounts) \((\d+)\)", html))
        assert listed == 2, "both lists, even when empty"
        for href, anchor in links:
            target = (page.parent / href).resolve().read_text(encoding="utf-8")
            assert f'id="{anchor}"' in target, f"{slug}: a claim's link back does not land ({href}#{anchor})"
            origin = re.search(rf'data-origin="([a-z]+)" id="{anchor}"', target)
            assert origin and origin.group(1) in ("companion", "secondary"), (href, anchor)


def test_diagrams_are_inline_svg_named_for_a_reader_and_captioned(built_book: BuildResult) -> None:
    total = 0
    for page in sorted(built_book.html.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        for figure in re.findall(r'<figure class="diagram[^"]*"[^>]*>(.*?)</figure>', html, re.DOTALL):
            total += 1
            svg = re.search(r'<svg [^>]*role="img" aria-label="([^"]+)"', figure)
            assert svg and len(svg.group(1).split()) >= 5, f"{page.name}: a diagram without a real text alternative"
            assert "<title>" not in figure and "<img" not in figure, "drawn inline, without node-name tooltips"
            caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, re.DOTALL)
            assert caption and _text(caption.group(1)), f"{page.name}: a diagram without a caption"
    assert total >= (25 if whole_book(built_book.root) else 1), f"a diagram wherever a page explains a mechanism: {total}"


def test_formulas_are_mathml_on_the_pages_that_use_them(built_book: BuildResult) -> None:
    pages = [p for p in sorted(built_book.html.rglob("*.html")) if "_static" not in p.parts]
    with_math = [p for p in pages if "<math " in p.read_text(encoding="utf-8")]
    assert len(with_math) >= 5, f"formulas rendered on {len(with_math)} pages"
    for page in pages:
        html = page.read_text(encoding="utf-8")
        prose = re.sub(r"<(script|pre|code)\b.*?</\1>", "", html, flags=re.DOTALL)
        assert not re.search(r"\$[^$<]*\\[a-zA-Z]+[^$<]*\$", prose), f"{page.name}: a formula left as TeX"


@pytest.mark.parametrize("mode", ["dark"])
def test_diagrams_and_markers_pass_axe_in_dark_mode(built_book: BuildResult, browser, site: str,
                                                     axe_script: dict[str, str], mode: str) -> None:
    """The figures and tags added to every chapter, checked by axe in dark mode (one page of each chapter that has
    a diagram). In light mode axe checks every page whole (tests/test_site.py)."""
    pages = []
    for chapter_pages in _chapter_pages(built_book).values():
        page = next((p for p in chapter_pages if 'class="diagram' in p.read_text(encoding="utf-8")), None)
        if page is not None:
            pages.append(page.relative_to(built_book.html).as_posix())
    assert len(pages) >= 3
    context = browser.new_context()
    context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
    tab = context.new_page()
    found = []
    for name in pages:
        tab.goto(f"{site}/{name}", wait_until="load")
        assert tab.evaluate("document.documentElement.dataset.theme") == mode
        tab.add_script_tag(**axe_script)
        found += [f"{name}: {v}" for v in tab.evaluate(
            "async () => (await axe.run({include: [['figure.diagram'], ['.provenance']]}, {runOnly: {type: 'tag', "
            "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations"
            ".map(v => `${v.id}: ${v.nodes.length} node(s), e.g. ${v.nodes[0].target}`)")]
        # A marker's locator is hidden until the marker has the keyboard's focus (or the pointer).
        marker = tab.locator(".provenance:has(.provenance-locator):visible").first
        assert not marker.locator(".provenance-locator").is_visible()
        marker.focus()
        assert marker.locator(".provenance-locator").is_visible()
    context.close()
    assert found == [], "axe-core found:\n" + "\n".join(found)

"""The book's search (Pagefind, built by the book build; chapterkit/site/search.py and chapterkit-search.js).

The query set lives in tests/search-queries/: one YAML file per chapter (named by its slug) and general.yml for
the book's general pages. Each entry is ``{q: what a learner types, page: the page that explains it, anchor:
its section}`` (anchor optional); an entry the search does not get right yet carries ``xfail: why``.

Beside the query set, the mechanisms that keep a learner out of dead ends are tested one by one in the browser:
hyphen, slash and space between words match each other; a learner's words and a glossary term's other names are
searched as the book's terms; a word no page holds is corrected or left out, and the status line says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from bookhelpers import ROOT, BuildResult, whole_book

from chapterkit.site import search

pytestmark = pytest.mark.site

QUERIES_DIR = ROOT / "tests" / "search-queries"
FIRST_RESULT_RATE = 0.95
# The book's own bar for its first chapters (the contract's SRCH001 asks every published chapter for 10); a copy of
# the machinery without these chapters (the newcomer's end-to-end test in the mini-book) is held to SRCH001 only.
MIN_CHAPTER_QUERIES = {"technical-debt": 25, "cs329s": 25, "ml-test-score": 25}
MIN_QUERIES = 150
THEME_TEXT = re.compile(r"Repository|Open issue|Contents|Ctrl\+K|Skip to main|Color mode|Download")


def load_queries() -> list[dict[str, Any]]:
    entries = []
    for path in sorted(QUERIES_DIR.glob("*.yml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            entries.append({**entry, "file": path.stem})
    return entries


QUERIES = load_queries()


def _param(entry: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=entry["xfail"])] if entry.get("xfail") else []
    return pytest.param(entry, id=f"{entry['file']}:{entry['q']}", marks=marks)


def expected_url(entry: dict[str, Any]) -> str:
    return "/" + entry["page"] + (f"#{entry['anchor']}" if entry.get("anchor") else "")


FIRST_SECTION = re.compile(r'<section\b[^>]*\bid="([^"]+)"')


def page_top_anchor(html: Path, page: str) -> str | None:
    """The id of a page's outermost section, the one its title heads: a link to it and a link to the page are the
    same place."""
    path = html / page
    found = FIRST_SECTION.search(path.read_text(encoding="utf-8")) if path.is_file() else None
    return found.group(1) if found else None


def is_hit(entry: dict[str, Any], results: list[dict[str, Any]], html: Path) -> bool:
    if not results:
        return False
    first = results[0]["url"]
    if first.split("#")[0] != "/" + entry["page"]:
        return False
    if not entry.get("anchor") or first == expected_url(entry):
        return True
    return "#" not in first and entry["anchor"] == page_top_anchor(html, entry["page"])


@pytest.fixture(scope="module")
def tab(browser, site: str) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/intro.html", wait_until="load")
    page.wait_for_function("() => window.chapterkitSearch")
    yield page
    context.close()


@pytest.fixture(scope="module")
def answers(tab) -> dict[str, list[dict[str, Any]]]:
    """Every query of the set, searched in one page through the same function the search box uses."""
    queries = sorted({entry["q"] for entry in QUERIES})
    found = tab.evaluate(
        "async (qs) => { const out = {}; for (const q of qs) out[q] = await chapterkitSearch.find(q, 3);"
        " return out; }", queries)
    return found


def test_query_files_are_well_formed(built_book: BuildResult) -> None:
    """Every entry names a built page and, if it gives one, a section id of that page; each chapter has enough."""
    problems = []
    for entry in QUERIES:
        where = f"tests/search-queries/{entry['file']}.yml: {entry.get('q')!r}"
        if set(entry) - {"q", "page", "anchor", "xfail", "file"} or not entry.get("q") or not entry.get("page"):
            problems.append(f"{where}: needs q and page (anchor, xfail optional), has {sorted(entry)}")
            continue
        html = built_book.html / entry["page"]
        if not html.is_file():
            problems.append(f"{where}: no page {entry['page']}")
        elif entry.get("anchor") and f'id="{entry["anchor"]}"' not in html.read_text(encoding="utf-8"):
            problems.append(f"{where}: {entry['page']} has no section #{entry['anchor']}")
    present = [slug for slug in MIN_CHAPTER_QUERIES if (built_book.root / "chapters" / slug).is_dir()]
    counts = {slug: sum(e["file"] == slug for e in QUERIES) for slug in present}
    problems += [f"{slug}.yml has {n} queries, needs {MIN_CHAPTER_QUERIES[slug]}"
                 for slug, n in counts.items() if n < MIN_CHAPTER_QUERIES[slug]]
    assert problems == []
    if whole_book(built_book.root):
        total = sum(counts.values())
        assert total >= MIN_QUERIES, f"the first chapters have {total} queries together, the book keeps {MIN_QUERIES}"


@pytest.mark.parametrize("entry", [_param(e) for e in QUERIES])
def test_query_lands_on_the_explaining_section(answers, built_book: BuildResult, entry: dict[str, Any]) -> None:
    results = answers[entry["q"]]
    got = [r["url"] for r in results]
    assert is_hit(entry, results, built_book.html), f"search for {entry['q']!r}: first result should be {expected_url(entry)}, got {got}"


def test_first_result_rate(answers, built_book: BuildResult) -> None:
    misses = [f"{e['q']!r}: want {expected_url(e)}, got {answers[e['q']][0]['url'] if answers[e['q']] else None}"
              for e in QUERIES if not is_hit(e, answers[e["q"]], built_book.html)]
    rate = 1 - len(misses) / len(QUERIES)
    assert rate >= FIRST_RESULT_RATE, f"first-result rate {rate:.1%} < {FIRST_RESULT_RATE:.0%}:\n" + "\n".join(misses)


def test_short_terms_plurals_and_hyphens_are_found(answers) -> None:
    """The field's short forms and inflections find pages at all (their exact targets are in the query set)."""
    for query in ["KS test", "PSI", "A/B testing", "ε-features", "feature stores", "multiple-language smell"]:
        assert answers[query], f"nothing found for {query!r}"
    assert answers["feature stores"][0]["page"] == answers["feature store"][0]["page"]


def test_excerpts_show_article_text(answers) -> None:
    for query in ["glue code", "covariate shift", "technical debt"]:
        for result in answers[query]:
            for section in result["sections"]:
                text = re.sub(r"</?mark>", "", section["excerpt"])
                assert "<mark>" in section["excerpt"], f"{query!r}: excerpt without a highlight: {text!r}"
                assert not THEME_TEXT.search(text), f"{query!r}: theme text in the excerpt: {text!r}"


def test_excerpt_markup_is_never_parsed_as_html(tab) -> None:
    made = tab.evaluate(
        "() => { const box = document.createElement('p');"
        " box.append(...chapterkitSearch.excerptNodes('&lt;img src=x onerror=alert(1)&gt; <img src=y> <mark>hit</mark>'));"
        " return {imgs: box.querySelectorAll('img').length, marks: box.querySelectorAll('mark').length,"
        " text: box.textContent}; }")
    assert made == {"imgs": 0, "marks": 1, "text": "<img src=x onerror=alert(1)> <img src=y> hit"}


def _open_dialog(page, query: str) -> None:
    page.keyboard.press("Control+K")
    page.locator("#chapterkit-search-input").wait_for(state="visible", timeout=5_000)
    page.keyboard.type(query)
    # Results come as the reader types: wait for those of the whole query, not of its first letters.
    page.locator("#chapterkit-search-status").filter(has_text=f"found for “{query}”").wait_for(timeout=10_000)


@pytest.fixture
def fresh(browser) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def test_results_as_you_type_with_page_section_and_excerpt(fresh, site: str) -> None:
    fresh.goto(f"{site}/chapters/technical-debt/index.html", wait_until="load")
    url = fresh.url
    _open_dialog(fresh, "pipeline jungles")  # no Enter
    assert fresh.url == url
    first = fresh.locator("#chapterkit-search-results .chapterkit-result").first
    assert first.locator(".chapterkit-result-page").inner_text() == "ML-System Anti-Patterns"
    section = first.locator("a.chapterkit-result-section").first
    assert section.get_attribute("href").endswith("/chapters/technical-debt/anti-patterns.html#pipeline-jungles")
    assert section.locator(".chapterkit-result-heading").inner_text() == "Pipeline jungles"
    assert section.locator("mark").count() >= 1


def test_keyboard_navigation(fresh, site: str) -> None:
    fresh.goto(f"{site}/intro.html", wait_until="load")
    _open_dialog(fresh, "glue code")
    links = fresh.locator("#chapterkit-search-results a")
    fresh.keyboard.press("ArrowDown")
    assert links.first.evaluate("a => a === document.activeElement")
    fresh.keyboard.press("ArrowDown")
    assert links.nth(1).evaluate("a => a === document.activeElement")
    fresh.keyboard.press("ArrowUp")
    fresh.keyboard.press("ArrowUp")
    assert fresh.evaluate("() => document.activeElement.id") == "chapterkit-search-input"
    fresh.keyboard.press("ArrowDown")
    target = links.first.evaluate("a => a.href")
    fresh.keyboard.press("Enter")
    fresh.wait_for_url(target, timeout=10_000)
    assert fresh.url == target
    fresh.keyboard.press("Control+K")
    assert fresh.locator("#chapterkit-search-input").is_visible()
    fresh.keyboard.press("Escape")
    assert not fresh.locator("#chapterkit-search-dialog").is_visible()


def test_enter_goes_to_the_first_result(fresh, site: str) -> None:
    fresh.goto(f"{site}/intro.html", wait_until="load")
    _open_dialog(fresh, "correction cascades")
    fresh.keyboard.press("Enter")
    fresh.wait_for_url(re.compile(r"eroding-boundaries\.html#correction-cascades$"), timeout=10_000)


def test_search_page_keeps_shared_links_working(fresh, site: str) -> None:
    fresh.goto(f"{site}/search.html?q=hidden%20feedback%20loops", wait_until="load")
    first = fresh.locator(".chapterkit-results .chapterkit-result a").first
    first.wait_for(timeout=10_000)
    assert first.get_attribute("href").endswith("/chapters/technical-debt/feedback-loops.html#hidden-feedback-loops")
    assert fresh.locator("#chapterkit-search-page-input").input_value() == "hidden feedback loops"
    fresh.locator("#chapterkit-search-page-input").fill("glue code")
    fresh.wait_for_function("() => location.search === '?q=glue+code'")
    fresh.locator(".chapterkit-results a[href*='anti-patterns.html#glue-code']").first.wait_for(timeout=10_000)


@pytest.mark.parametrize(("mode", "width"), [("light", 1280), ("dark", 1280), ("dark", 390)])
def test_open_search_has_no_accessibility_violations(browser, site: str, axe_script: dict[str, str], mode: str,
                                                      width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=width < 500)
    page = context.new_page()
    page.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
    page.goto(f"{site}/chapters/cs329s/monitoring.html", wait_until="load")
    assert page.evaluate("() => document.documentElement.dataset.theme") == mode
    page.locator(".chapterkit-search-open:visible").first.click()
    page.locator("#chapterkit-search-input").wait_for(state="visible")
    page.keyboard.type("covariate shift")
    page.locator("#chapterkit-search-results .chapterkit-result").first.wait_for(timeout=10_000)
    page.add_script_tag(**axe_script)
    violations = page.evaluate(
        "async () => (await axe.run(document.getElementById('chapterkit-search-dialog'), {runOnly: {type: 'tag',"
        " values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations"
        ".map(v => `${v.id} (${v.impact}): ${v.nodes.length} node(s), e.g. ${v.nodes[0].target}`)")
    box = page.locator("#chapterkit-search-dialog").bounding_box()
    context.close()
    assert violations == []
    assert box is not None and box["width"] <= width, f"the dialog overflows a {width} px screen: {box}"


@pytest.mark.parametrize("width", [1280, 390])
def test_one_search_box_on_desktop_and_phone(browser, site: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=width < 500)
    page = context.new_page()
    page.goto(f"{site}/chapters/cs329s/monitoring.html", wait_until="load")
    visible = page.locator(".chapterkit-search-open:visible").count()
    header = page.locator("#pst-header").bounding_box()
    old_boxes = page.locator(".search-button__button, #pst-search-dialog, form.bd-search").count()
    icon_fonts = page.locator(".chapterkit-search-open i").count()
    context.close()
    assert visible == 1, f"{visible} search boxes visible at {width} px"
    assert old_boxes == 0 and icon_fonts == 0
    assert header is None or header["height"] < 8, f"an empty header bar is shown: {header}"


def test_from_a_file_url_search_says_to_serve_the_site(fresh, built_book: BuildResult) -> None:
    errors: list[str] = []
    fresh.on("console", lambda m: m.type == "error" and "THEBE_JS_URL" not in m.text and errors.append(m.text))
    fresh.on("requestfailed", lambda r: "pagefind" in r.url and errors.append(f"request failed: {r.url}"))
    fresh.goto((built_book.html / "intro.html").as_uri(), wait_until="load")
    fresh.keyboard.press("Control+K")
    fresh.locator("#chapterkit-search-input").wait_for(state="visible")
    fresh.keyboard.type("glue code")
    status = fresh.locator("#chapterkit-search-status")
    status.filter(has_text="make serve").wait_for(timeout=5_000)
    assert "served" in status.inner_text()
    assert errors == []


def test_no_page_loads_sphinx_search_and_pagefind_loads_on_first_use(built_book: BuildResult, fresh,
                                                                      site: str) -> None:
    html = built_book.html
    assert not (html / "searchindex.js").exists()
    loading = [p.relative_to(html).as_posix() for p in html.rglob("*.html")
               if re.search(r"searchindex\.js|searchtools\.js", p.read_text(encoding="utf-8"))]
    assert loading == []
    requests: list[str] = []
    fresh.on("request", lambda r: requests.append(r.url))
    fresh.goto(f"{site}/chapters/cs329s/monitoring.html", wait_until="load")
    assert not [u for u in requests if "/pagefind/" in u], "Pagefind should load only when the reader searches"
    _open_dialog(fresh, "alert fatigue")
    assert any(u.endswith("/pagefind/pagefind.js") for u in requests)


def test_only_article_bodies_are_indexed(built_book: BuildResult) -> None:
    html = built_book.html
    for name in ["genindex.html", "search.html", "index.html"]:
        assert "data-pagefind-body" not in (html / name).read_text(encoding="utf-8"), name
    page = (html / "chapters/technical-debt/anti-patterns.html").read_text(encoding="utf-8")
    assert page.count("data-pagefind-body") == 1
    article = page.index('<article class="bd-article">')
    assert article < page.index("data-pagefind-body") < page.index("</article>")
    glossary = (html / "glossary.html").read_text(encoding="utf-8")
    assert f'data-pagefind-weight="{search.LOW_WEIGHT["glossary"]:g}"' in glossary
    assert f'data-pagefind-weight="{search.DEFINES_WEIGHT:g}"' in page  # main index entries of the page
    assert (html / "pagefind" / "pagefind.js").stat().st_size > 10_000


@pytest.mark.parametrize(("html", "recap"), [
    ('<section id="what-the-section-asks-for-in-short">\n<h2>What the section asks for, in short</h2>', True),
    ('<section id="monitoring-at-a-glance"><span id="x"></span><h2>At a glance</h2>', True),
    ('<section id="takeaways-for-teams"><h2>Takeaways for teams</h2>', True),
    ('<section id="common-misreadings"><h2>Common misreadings</h2>', True),
    ('<div class="ck" id="ck-debt-audit">', True),
    ('<div class="sd-card chapterkit-glance docutils">', True),
    ('<div class="tip admonition">\n<p class="admonition-title">Learning objectives</p>', True),
    ('<section id="monitor-5-models-are-numerically-stable"><h2>Monitor 5</h2>', False),
    ('<section id="short-term-memory"><h2>Short-term memory</h2>', False),
    ('<div class="admonition note">\n<p class="admonition-title">Note</p>', False),
    ('<div class="ckx">', False),
])
def test_recap_blocks_are_found_by_their_form(html: str, recap: bool) -> None:
    """Recap sections by their heading's form, checklists, at-a-glance cards and learning objectives weigh as
    recaps (their heading too); other sections and blocks keep their weight."""
    marked = search.weighted_body(html, 1.0)
    weight = f'data-pagefind-weight="{search.RECAP_WEIGHT:g}"'
    assert (weight in marked) == recap, marked
    if recap and "<h2" in html:
        assert f"<h2 {weight}>" in marked, marked
    notebook = search.weighted_body(html, search.NOTEBOOK_WEIGHT)
    assert notebook.count("<h2 data-pagefind-weight") == html.count("<h2"), notebook  # one weight per heading


def test_index_terms_missing_from_the_text_are_indexed(built_book: BuildResult) -> None:
    """A main index entry whose words are not in its section's text (Monitor 5, "numerical stability") is
    indexed through an attribute; one whose words are there adds nothing."""
    page = (built_book.html / "chapters/ml-test-score/monitoring.html").read_text(encoding="utf-8")
    assert f'{search.TERMS_ATTR}="numerical stability"' in page
    assert f'data-pagefind-index-attrs="{search.TERMS_ATTR}"' in page
    assert f'{search.TERMS_ATTR}="Models are numerically stable' not in page
    assert search.index_terms_html(['a "b" <c>']) == (
        f'<span {search.TERMS_ATTR}="a &quot;b&quot; &lt;c&gt;" data-pagefind-index-attrs="{search.TERMS_ATTR}"></span>')


def test_crosswalk_weighs_as_a_restating_page() -> None:
    assert search.page_weight("chapters/ml-test-score/crosswalk") < 1
    assert search.page_weight("chapters/ml-test-score/computing-the-score") == 1


def test_weights_in_the_script_agree_with_the_build() -> None:
    script = (Path(search.__file__).parent / "static" / "chapterkit-search.js").read_text(encoding="utf-8")
    defines = re.search(r"const DEFINES = ([0-9.]+);", script)
    recap = re.search(r"const RECAP = ([0-9.]+);", script)
    assert defines and float(defines.group(1)) == search.DEFINES_WEIGHT
    assert recap and float(recap.group(1)) == search.RECAP_WEIGHT


def test_results_link_inside_a_site_served_under_a_path(browser, built_book: BuildResult, tmp_path: Path) -> None:
    """GitHub Pages serves a project's site under /<repository>/: results must keep that prefix."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    (tmp_path / "mlops-path").symlink_to(built_book.html, target_is_directory=True)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/mlops-path/chapters/cs329s/monitoring.html")
        page.wait_for_function("() => window.chapterkitSearch")
        urls = page.evaluate("async () => (await chapterkitSearch.find('glue code')).map(r => r.url)")
        page.close()
    finally:
        server.shutdown()
        server.server_close()
    assert urls and urls[0] == "/mlops-path/chapters/technical-debt/anti-patterns.html#glue-code"


def _search(tab, query: str) -> dict[str, Any]:
    """``chapterkitSearch.search``: the first results' URLs, what was searched, the book's term, the words left out."""
    return tab.evaluate("async (q) => { const a = await chapterkitSearch.search(q, 3);"
                        " return {...a, results: a.results.map((r) => r.url)}; }", query)


def test_hyphen_slash_and_space_between_words_match(tab, answers) -> None:
    """training-serving = training/serving = training serving: the script searches the words apart (Pagefind
    indexes each part of a hyphenated or slashed word too); one-letter parts ("A/B", "ε-features") stay joined."""
    normalized = tab.evaluate("() => ['training-serving skew', 'training/serving', 'A/B testing', 'ε-features',"
                              " 'multi\u2011armed'].map(chapterkitSearch.normalize)")
    assert normalized == ["training serving skew", "training serving", "A/B testing", "ε-features", "multi armed"]
    firsts = {q: answers[q][0]["url"] for q in ("training-serving skew", "training/serving skew", "training serving skew")}
    assert len(set(firsts.values())) == 1, firsts
    assert firsts["training-serving skew"].endswith("/monitoring.html#monitor-3-training-and-serving-are-not-skewed")


def test_a_learners_words_find_the_books_terms(tab, built_book: BuildResult) -> None:
    """Aliases are data: the index's "see" entries and search-aliases.yml (a learner's words -> the book's term)
    and the glossary's terms (their names, and the page their "See" points to), written at build time; the script
    searches the book's term, and ranks first the page the glossary names."""
    static = built_book.html / "_static"
    words = json.loads((static / search.WORDS_FILE).read_text(encoding="utf-8"))
    aliases = {tuple(alias) for alias in words["aliases"]}
    assert ("data drift", "data distribution shift") in aliases  # an index "see" entry (glossary.md)
    assert ("KS", "Kolmogorov-Smirnov") in aliases  # search-aliases.yml
    terms = {term[1]: [words["pages"][term[0]], *term[2:]] for term in words["terms"]}
    assert terms["Kolmogorov-Smirnov test"] == ["chapters/cs329s/monitoring.html", "KS test"]
    assert terms["Glue code"] == ["chapters/technical-debt/anti-patterns.html"]
    # of two "See" pages, the one with the term's main index entry
    assert terms["Decoupled objectives"] == ["chapters/cs329s/model-development.html"]
    vocabulary = json.loads((static / search.VOCABULARY_FILE).read_text(encoding="utf-8"))
    assert {"monitoring", "jungles", "kolmogorov"} <= set(vocabulary["words"])
    ks = _search(tab, "KS")
    assert ks["term"] == "Kolmogorov-Smirnov"
    assert ks["results"][0].endswith("/cs329s/monitoring.html#detecting-data-distribution-shifts"), ks
    drift = _search(tab, "how to detect drift")
    assert drift["term"] == "detect data distribution shift"
    assert drift["results"][0].endswith("/cs329s/monitoring.html#detecting-data-distribution-shifts"), drift
    versus = _search(tab, "batch vs online prediction")  # "vs" and "versus" are not searched
    assert versus["results"][0].endswith("/cs329s/deployment.html#batch-prediction-versus-online-prediction")


def _status_after(page, query: str, text: str) -> str:
    box = page.locator("#chapterkit-search-input")
    box.fill(query)
    status = page.locator("#chapterkit-search-status")
    status.filter(has_text=text).wait_for(timeout=10_000)
    return status.inner_text()


def test_no_dead_end(fresh, site: str) -> None:
    """A word no page holds is left out (or corrected to the book's nearest word), and the status says so; words
    that no page holds together are searched without the most common of them; only a query with no word the
    book holds finds nothing."""
    fresh.goto(f"{site}/intro.html", wait_until="load")
    _open_dialog(fresh, "glue code")
    first = fresh.locator("#chapterkit-search-results a.chapterkit-result-section").first
    status = _status_after(fresh, "xyzzy glue code", "No page mentions “xyzzy”")
    assert "No page mentions “xyzzy”; showing" in status and "found for “glue code”" in status, status
    assert first.get_attribute("href").endswith("/anti-patterns.html#glue-code")
    status = _status_after(fresh, "pipline jungles", "No page mentions “pipline”")
    assert "No page mentions “pipline”; showing" in status and "“pipeline jungles”" in status, status
    assert first.get_attribute("href").endswith("/anti-patterns.html#pipeline-jungles")
    status = _status_after(fresh, "Knight Capital SMOTE", "No page mentions all of")
    assert "No page mentions all of “Knight Capital SMOTE”; showing" in status, status
    assert fresh.locator("#chapterkit-search-results .chapterkit-result").count() > 0
    _status_after(fresh, "xyzzy", "Nothing found for “xyzzy”")
    assert fresh.locator("#chapterkit-search-results .chapterkit-result").count() == 0


def test_escape_closes_the_dialog_with_text_in_the_box(fresh, site: str) -> None:
    """The first Escape closes the dialog (a search field would clear itself first, reader review N11)."""
    fresh.goto(f"{site}/intro.html", wait_until="load")
    _open_dialog(fresh, "glue code")
    fresh.keyboard.press("Escape")
    assert not fresh.locator("#chapterkit-search-dialog").is_visible()


FIRST_SEARCH_BYTES = 300_000


def test_a_first_search_is_light(fresh, site: str) -> None:
    """Everything a first search fetches (Pagefind's script, its WebAssembly, the index chunks and fragments, the
    book's words) stays under 300 KB."""
    responses: list[Any] = []
    fresh.goto(f"{site}/chapters/cs329s/monitoring.html", wait_until="load")
    fresh.on("response", lambda response: responses.append(response))
    fresh.keyboard.press("Control+K")
    fresh.locator("#chapterkit-search-input").fill("glue code")
    fresh.locator("#chapterkit-search-status").filter(has_text="found for “glue code”").wait_for(timeout=10_000)
    fetched = {r.url: len(r.body()) for r in responses if r.ok}
    assert any(search.WORDS_FILE in url for url in fetched), sorted(fetched)
    assert not any(search.VOCABULARY_FILE in url for url in fetched), "the vocabulary is for misspelt words only"
    assert sum(fetched.values()) <= FIRST_SEARCH_BYTES, fetched

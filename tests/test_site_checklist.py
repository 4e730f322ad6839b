"""The {checklist} directive in headless Chromium: the debt audit (audit rule) on the built book, over http, and a
fixture book's rubric (min-of-sections rule) from file://. The page's scores are compared with the Python
reference (chapterkit.book.checklist) fed from the same YAML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bookhelpers import ROOT, BuildResult, strict_build

from chapterkit.book import checklist as ck

pytestmark = pytest.mark.site

AUDIT_YAML = ROOT / "chapters" / "technical-debt" / "debt-audit.yml"
AUDIT_PAGE = "chapters/technical-debt/debt-audit.html"
FIXTURE_BOOK = ROOT / "tests" / "fixtures" / "checklist" / "book"
AXE_TAGS = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']"
# sphinx-thebe 0.3.1 writes its configuration script twice on every page (as in test_site.py): not ours.
KNOWN_ERRORS = re.compile(r"Identifier 'THEBE_JS_URL' has already been declared")


def page_errors(tab) -> list[str]:
    """Collects the page's uncaught exceptions, leaving out the known one."""
    errors: list[str] = []
    tab.on("pageerror", lambda e: None if KNOWN_ERRORS.search(str(e)) else errors.append(str(e)))
    return errors


@pytest.fixture(scope="module")
def audit() -> ck.Checklist:
    return ck.load(AUDIT_YAML)


@pytest.fixture(scope="module")
def audit_url(site: str) -> str:
    return f"{site}/{AUDIT_PAGE}"


@pytest.fixture(scope="module")
def context(browser):
    """One browser context for the audit tests that share state (answers, reload, export)."""
    ctx = browser.new_context(accept_downloads=True)
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def page(context, audit_url: str):
    tab = context.new_page()
    errors = page_errors(tab)
    tab.goto(audit_url, wait_until="load")
    tab.wait_for_selector(".ck.ck-ready")
    yield tab
    assert errors == [], errors
    tab.close()


def radio_id(checklist: ck.Checklist, key: str, value: str) -> str:
    section, item = key.split("/")
    return f"ck-{checklist.id}-{section}-{item}-{checklist.values.index(value)}"


def checked(tab) -> dict[str, str]:
    """The answers as the page shows them: the checked radio of each item."""
    return tab.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('.ck-item')]"
        ".map(f => [f.dataset.key, f.querySelector('input:checked')?.value]).filter(([, v]) => v))"
    )


def displayed_audit(tab) -> dict[str, object]:
    overall = tab.inner_text(".ck-overall")
    match = re.search(r"Open items: (\d+) of (\d+) \((\d+) answered", overall)
    assert match, overall
    statuses = [re.search(r"(\d+) of (\d+)", s).groups() for s in tab.locator(".ck-status").all_inner_texts()]
    rows = tab.eval_on_selector_all(".ck-summary table tbody tr",
                                    "rows => rows.map(r => [...r.cells].map(c => c.innerText))")
    # textContent: the list sits in a <details>, folded until the first answer (innerText is empty while folded).
    opened = tab.eval_on_selector_all(".ck-open li", "items => items.map(li => li.textContent)")
    return {"overall": tuple(map(int, match.groups())), "statuses": [tuple(map(int, s)) for s in statuses],
            "rows": rows, "open": opened}


def assert_matches_reference(tab, audit: ck.Checklist) -> None:
    answers = checked(tab)
    ref = ck.score(audit, answers)
    shown = displayed_audit(tab)
    assert shown["overall"] == (ref.open, ref.items, ref.answered)
    assert shown["statuses"] == [(s.open, s.items) for s in ref.sections]
    assert shown["rows"] == [[s.title, str(s.items), str(s.open)] for s in ref.sections]
    numbers = {key: n for n, key in enumerate(audit.keys(), start=1)}
    items = {f"{s.id}/{i.id}": i for s, i in audit.every_item()}
    expected = [f"{numbers[k]}. {items[k].text} ({items[k].source}): "
                f"{audit.option(v).label if v else 'not answered yet'}" for k, v in ref.open_items]
    assert shown["open"] == expected


# ---------------------------------------------------------------------------------------------- keyboard
def test_answer_by_keyboard_and_scores_match_the_python_reference(page, audit: ck.Checklist) -> None:
    keys = audit.keys()
    assert_matches_reference(page, audit)  # nothing answered: everything open
    page.focus(f"#{radio_id(audit, keys[0], 'yes')}")
    page.keyboard.press("Space")  # item 1: yes
    style = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert style[0] != "none" and style[1] >= 2, f"no visible focus on the radio: {style}"
    page.keyboard.press("Tab")  # the item's "Explained in" link
    page.keyboard.press("Tab")  # item 2's radio group
    assert page.evaluate("document.activeElement.id") == radio_id(audit, keys[1], "yes")
    page.keyboard.press("ArrowRight")  # item 2: partly
    page.keyboard.press("ArrowRight")  # item 2: no
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # item 3: yes -> partly -> no -> not applicable
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")  # item 4: partly
    assert checked(page) == {keys[0]: "yes", keys[1]: "no", keys[2]: "na", keys[3]: "partly"}
    assert_matches_reference(page, audit)
    # More answers, by click, in later sections: the per-section counts must follow.
    for key, value in [(keys[10], "yes"), (keys[20], "no"), (keys[41], "yes"), (keys[30], "na")]:
        page.check(f"#{radio_id(audit, key, value)}")
    assert_matches_reference(page, audit)


def test_answers_are_kept_after_a_reload(page, audit: ck.Checklist) -> None:
    before = checked(page)
    assert len(before) >= 4, "run after the keyboard test"
    page.reload(wait_until="load")
    page.wait_for_selector(".ck.ck-ready")
    assert checked(page) == before
    stored = page.evaluate(f"localStorage.getItem({json.dumps(ck.storage_key(audit))})")
    assert json.loads(stored)["answers"] == before
    assert_matches_reference(page, audit)


def test_export_json_and_import_it_into_a_fresh_browser(page, browser, audit_url: str, audit: ck.Checklist,
                                                        tmp_path: Path) -> None:
    before = checked(page)
    with page.expect_download() as info:
        page.click(".ck-export-json")
    exported = tmp_path / "answers.json"
    info.value.save_as(exported)
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["checklist"] == "debt-audit" and data["hash"] == ck.items_hash(audit) and data["answers"] == before
    fresh = browser.new_context()
    try:
        tab = fresh.new_page()
        tab.goto(audit_url, wait_until="load")
        tab.wait_for_selector(".ck.ck-ready")
        assert checked(tab) == {}
        tab.set_input_files(".ck-import-file", str(exported))
        tab.wait_for_function("document.querySelector('.ck-message').textContent.startsWith('Imported')")
        assert checked(tab) == before
        assert displayed_audit(tab) == displayed_audit(page)
    finally:
        fresh.close()


def test_export_markdown_lists_scores_and_open_items_with_sources(page, audit: ck.Checklist,
                                                                  tmp_path: Path) -> None:
    ref = ck.score(audit, checked(page))
    with page.expect_download() as info:
        page.click(".ck-export-md")
    report = tmp_path / "report.md"
    info.value.save_as(report)
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Technical debt audit: results")
    assert f"**Open items: {ref.open} of {ref.items}**" in text
    items = {f"{s.id}/{i.id}": i for s, i in audit.every_item()}
    open_lines = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert len(open_lines) == ref.open
    for (key, _value), line in zip(ref.open_items, open_lines, strict=True):
        assert items[key].text in line and f"({items[key].source})" in line, line
    for s in ref.sections:
        assert f"| {s.title} | {s.items} | {s.open} |" in text


MALICIOUS = "<img src=x onerror=\"window.__pwned = 1\">"


@pytest.mark.parametrize(("payload", "message"), [
    ({"answers": {MALICIOUS: "yes"}}, "unknown item"),
    ({"answers": {"boundaries/whole-model-retest": MALICIOUS}}, "is not one of yes, partly, no, na"),
    ({"checklist": MALICIOUS}, "is for the checklist"),
    ({"hash": "0000000000"}, "another version of this checklist"),
], ids=["unknown-id", "bad-value", "other-checklist", "other-version"])
def test_a_bad_or_malicious_import_is_refused_as_text(page, audit: ck.Checklist, tmp_path: Path,
                                                      payload: dict, message: str) -> None:
    before = checked(page)
    elements = page.evaluate("document.querySelectorAll('*').length")
    data = {"format": "chapterkit-checklist", "version": 1, "checklist": audit.id, "hash": ck.items_hash(audit),
            "answers": {}, **payload}
    file = tmp_path / "evil.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    page.evaluate("document.querySelector('.ck-message').textContent = ''")  # so we wait for this import's
    page.set_input_files(".ck-import-file", str(file))
    page.wait_for_function("document.querySelector('.ck-message').textContent.startsWith('Not imported')")
    shown = page.inner_text(".ck-message")
    assert message in shown, shown
    assert page.locator(".ck-message *").count() == 0, "the message must be text only"
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("document.querySelectorAll('*').length") == elements
    assert page.evaluate("window.__pwned") is None
    assert checked(page) == before, "a refused import must change nothing"


def test_answers_to_an_older_item_list_are_dropped(browser, audit_url: str, audit: ck.Checklist) -> None:
    """Answers stored under another items hash (the checklist changed since) never show under the new items."""
    ctx = browser.new_context()
    try:
        tab = ctx.new_page()
        tab.goto(audit_url, wait_until="load")
        stale = f"chapterkit-checklist:{audit.id}:0000000000"
        answers = dict.fromkeys(audit.keys(), "yes")
        tab.evaluate("([k, v]) => localStorage.setItem(k, v)", [stale, json.dumps({"answers": answers})])
        tab.reload(wait_until="load")
        tab.wait_for_selector(".ck.ck-ready")
        assert checked(tab) == {}
        assert tab.evaluate(f"localStorage.getItem({json.dumps(stale)})") is None
        assert displayed_audit(tab)["overall"] == (42, 42, 0)
    finally:
        ctx.close()


def test_reset_clears_every_answer(browser, audit_url: str, audit: ck.Checklist) -> None:
    ctx = browser.new_context()
    try:
        tab = ctx.new_page()
        tab.goto(audit_url, wait_until="load")
        tab.wait_for_selector(".ck.ck-ready")
        tab.check(f"#{radio_id(audit, audit.keys()[5], 'no')}")
        tab.once("dialog", lambda dialog: dialog.accept())
        tab.click(".ck-reset")
        assert checked(tab) == {}
        assert tab.evaluate(f"localStorage.getItem({json.dumps(ck.storage_key(audit))})") is None
        assert tab.inner_text(".ck-message") == "All answers cleared."
    finally:
        ctx.close()


# ---------------------------------------------------------------------------------------------- no script
def test_without_javascript_the_whole_list_is_there(browser, audit_url: str, audit: ck.Checklist) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    try:
        tab = ctx.new_page()
        tab.goto(audit_url, wait_until="load")
        legends = tab.locator(".ck-item legend").all_inner_texts()
        assert len(legends) == 42
        for n, ((_s, item), legend) in enumerate(zip(audit.every_item(), legends, strict=True), start=1):
            assert legend == f"{n}. {item.text} ({item.source})"
        assert tab.locator(".ck-item input[type=radio]").count() == 42 * 4
        assert tab.locator(".ck-item .ck-link a[href]").count() == 42
        assert tab.locator(".ck-section > legend").all_inner_texts() == [s.title for s in audit.sections]
        assert tab.locator(".ck-noscript").is_visible()
        assert not tab.locator(".ck-tools").is_visible(), "buttons that cannot work must not show"
    finally:
        ctx.close()


# ---------------------------------------------------------------------------------------------- a11y, layout
def run_axe(tab, axe_script: dict[str, str]) -> list[str]:
    tab.add_script_tag(**axe_script)
    return tab.evaluate(
        f"async () => (await axe.run(document, {{runOnly: {{type: 'tag', values: {AXE_TAGS}}}}})).violations"
        ".map(v => `${v.id} (${v.impact}): ${v.nodes.length} node(s), e.g. ${v.nodes[0].target}`)"
    )


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_finds_nothing_with_answers_and_results_shown(browser, audit_url: str, audit: ck.Checklist,
                                                          axe_script: dict[str, str], theme: str) -> None:
    ctx = browser.new_context(color_scheme=theme)
    try:
        tab = ctx.new_page()
        tab.goto(audit_url, wait_until="load")
        tab.wait_for_selector(".ck.ck-ready")
        tab.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        for key, value in zip(audit.keys()[:6], ["yes", "partly", "no", "na", "no", "yes"], strict=True):
            tab.check(f"#{radio_id(audit, key, value)}")
        tab.focus(f"#{radio_id(audit, audit.keys()[0], 'yes')}")
        assert run_axe(tab, axe_script) == []
    finally:
        ctx.close()


def test_fits_a_phone_screen(browser, audit_url: str) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        tab = ctx.new_page()
        tab.goto(audit_url, wait_until="load")
        tab.wait_for_selector(".ck.ck-ready")
        wide = tab.evaluate("() => [...document.querySelectorAll('.ck, .ck *')]"
                            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                            ".map(e => e.className || e.tagName).slice(0, 5)")
        assert wide == [], f"wider than a 390 px screen: {wide}"
    finally:
        ctx.close()


def test_score_and_buttons_stay_in_view_and_open_items_fold_until_an_answer(browser, audit_url: str) -> None:
    """On a phone, far down the audit, the overall line and Export/Import/Reset are on screen (below the theme's
    sticky header); the list of open items is folded while nothing is answered, and unfolds after an answer."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        tab = ctx.new_page()
        tab.goto(audit_url, wait_until="load")
        tab.wait_for_selector(".ck.ck-ready")
        assert tab.locator(".ck-open-list").get_attribute("open") is None, "open items unfolded with no answer"
        for far in (3000, 9000):
            tab.evaluate(f"window.scrollTo(0, document.querySelector('.ck').offsetTop + {far})")
            tab.wait_for_timeout(100)
            header = tab.evaluate("document.querySelector('.bd-header-article').getBoundingClientRect().bottom")
            for part in (".ck-overall", ".ck-export-md", ".ck-export-json", ".ck-import", ".ck-reset"):
                box = tab.locator(part).bounding_box()
                assert box and header - 1 <= box["y"] and box["y"] + box["height"] <= 844, f"{part} out of view"
        bar = tab.locator(".ck-bar").bounding_box()
        assert bar and bar["height"] < 844 * 0.15, f"the bar takes {bar['height']:.0f} px of an 844 px screen"
        tab.locator(".ck-item input[type=radio]").first.check()
        assert tab.locator(".ck-open-list").get_attribute("open") is not None
    finally:
        ctx.close()


def test_checklist_script_and_style_stay_small() -> None:
    import gzip

    from chapterkit.site.checklists import CSS, JS, STATIC

    sizes = {name: len(gzip.compress((STATIC / name).read_bytes(), 9)) for name in (JS, CSS)}
    assert sizes[JS] <= 4500 and sizes[CSS] <= 1200, f"gzipped bytes: {sizes}"


def test_script_and_style_only_on_checklist_pages(built_book: BuildResult) -> None:
    audit_html = (built_book.html / AUDIT_PAGE).read_text(encoding="utf-8")
    assert "_static/chapterkit-checklist.js" in audit_html and "_static/chapterkit-checklist.css" in audit_html
    for other in ("intro.html", "chapters/technical-debt/index.html"):
        html = (built_book.html / other).read_text(encoding="utf-8")
        assert "chapterkit-checklist" not in html, f"{other} loads the checklist script"


# ---------------------------------------------------------------------------------------------- min-of-sections
@pytest.fixture(scope="module")
def fixture_book(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The tiny fixture book with a min-of-sections rubric, built once."""
    result = strict_build(FIXTURE_BOOK, tmp_path_factory.mktemp("checklist-book"))
    assert result.returncode == 0 and not result.problems, "\n".join(result.problems) or result.output[-3000:]
    return result


def test_min_of_sections_scores_minimum_and_band_from_file_url(browser, fixture_book: BuildResult) -> None:
    rubric = ck.load(FIXTURE_BOOK / "rubric.yml")
    ctx = browser.new_context()
    try:
        tab = ctx.new_page()
        errors = page_errors(tab)
        tab.goto((fixture_book.html / "rubric.html").as_uri(), wait_until="load")
        tab.wait_for_selector(".ck.ck-ready")
        steps = [{}, {"data/schema": "1"},
                 {"data/schema": "1", "data/privacy": "1", "model/baseline": "1", "model/slices": "0.5",
                  "infra/rollback": "0.5", "infra/canary": "1"},
                 dict.fromkeys(rubric.keys(), "1")]
        for answers in steps:
            for key, value in answers.items():
                tab.check(f"#{radio_id(rubric, key, value)}")
            ref = ck.score(rubric, checked(tab))
            assert checked(tab) == answers
            statuses = tab.locator(".ck-status").all_inner_texts()
            assert statuses == [f"Section score: {ck.fmt_points(s.score)} of {ck.fmt_points(s.best)}"
                                for s in ref.sections]
            overall = tab.inner_text(".ck-overall")
            current = tab.locator("tr.ck-band[aria-current='true']")
            if ref.score is None:  # nothing answered yet: no verdict, no band
                assert overall == "Overall score: none yet. Answer the items to get a score.", overall
                assert current.count() == 0
                continue
            assert overall.startswith(f"Overall score: {ck.fmt_points(ref.score)}, the lowest section score")
            assert ref.band is not None and f"Band: {ref.band.label}." in overall
            assert current.count() == 1 and ref.band.label in current.inner_text()
        tab.reload(wait_until="load")  # from file:// too, the answers are kept
        tab.wait_for_selector(".ck.ck-ready")
        assert checked(tab) == steps[-1]
        assert errors == []
    finally:
        ctx.close()

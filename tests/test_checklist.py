"""The {checklist} directive's Python side: the schema's loader, both scoring rules, the storage key, and what a
strict build says about a broken checklist."""

from __future__ import annotations

import dataclasses
import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bookhelpers import ANSI, ROOT

from chapterkit.book import checklist as ck

FIXTURES = ROOT / "tests" / "fixtures" / "checklist"
RUBRIC = FIXTURES / "book" / "rubric.yml"
AUDIT = ROOT / "chapters" / "technical-debt" / "debt-audit.yml"
BAD = sorted((FIXTURES / "bad").glob("*.yml"))
EXPECT = re.compile(r"^# expect: (\d+): (.+)$")


# ---------------------------------------------------------------------------------------------- the audit
def test_debt_audit_has_42_items_each_with_a_source_and_link() -> None:
    audit = ck.load(AUDIT)
    assert audit.rule == "audit" and audit.id == "debt-audit"
    pairs = audit.every_item()
    assert len(pairs) == 42
    assert [o.value for o in audit.scale] == ["yes", "partly", "no", "na"]
    for _section, item in pairs:
        assert re.search(r"§[2-9]", item.source), f"{item.id}: source {item.source!r} names no section of the paper"
        assert item.link and item.link.startswith("technical-debt-"), item.id


def test_audit_rule_counts_partly_no_and_unanswered_as_open() -> None:
    audit = ck.load(AUDIT)
    keys = audit.keys()
    answers = {keys[0]: "yes", keys[1]: "partly", keys[2]: "no", keys[3]: "na"}
    result = ck.score(audit, answers)
    assert result.items == 42 and result.answered == 4
    assert result.open == 42 - 2  # yes and na are closed; partly, no and the 38 unanswered are open
    first = result.sections[0]
    assert (first.id, first.items, first.open, first.answered) == ("boundaries", 5, 3, 4)
    assert dict(result.open_items)[keys[1]] == "partly" and dict(result.open_items)[keys[4]] == ""
    assert keys[0] not in dict(result.open_items) and keys[3] not in dict(result.open_items)
    everything_yes = ck.score(audit, dict.fromkeys(keys, "yes"))
    assert everything_yes.open == 0 and all(s.open == 0 for s in everything_yes.sections)


def test_score_refuses_unknown_items_and_values() -> None:
    audit = ck.load(AUDIT)
    with pytest.raises(ValueError, match="unknown item 'boundaries/nope'"):
        ck.score(audit, {"boundaries/nope": "yes"})
    with pytest.raises(ValueError, match="is not one of yes, partly, no, na"):
        ck.score(audit, {audit.keys()[0]: "1"})
    assert ck.validate_answers(audit, {audit.keys()[0]: "<img src=x onerror=alert(1)>"})


# ---------------------------------------------------------------------------------------------- min-of-sections
def test_min_of_sections_default_scale_sums_sections_and_takes_the_minimum() -> None:
    rubric = ck.load(RUBRIC)
    assert [(o.value, o.points) for o in rubric.scale] == [("0", 0), ("0.5", 0.5), ("1", 1)]
    answers = {"data/schema": "1", "data/privacy": "1", "model/baseline": "1", "model/slices": "0.5",
               "model/staleness": "1", "infra/rollback": "0.5"}  # infra/canary unanswered: 0 points
    result = ck.score(rubric, answers)
    assert [(s.id, s.score, s.best) for s in result.sections] == [("data", 2, 2), ("model", 2.5, 3),
                                                                  ("infra", 0.5, 2)]
    assert result.score == 0.5
    assert result.band is not None and result.band.label == "Started"


def test_min_of_sections_gives_no_score_before_the_first_answer() -> None:
    """No verdict ("Overall score: 0, ... Nothing yet") for a rubric nobody has answered yet."""
    rubric = ck.load(RUBRIC)
    empty = ck.score(rubric, {})
    assert (empty.answered, empty.score, empty.band) == (0, None, None)
    one = ck.score(rubric, {"data/schema": "0"})
    assert one.score == 0 and one.band is not None and one.band.label == "Nothing yet"


@pytest.mark.parametrize(("score", "label"), [(0, "Nothing yet"), (0.5, "Started"), (1, "Started"),
                                              (1.5, "Under way"), (2.5, "Under way"), (3, "Strong")])
def test_a_score_falls_in_the_first_band_whose_upto_is_at_least_it(score: float, label: str) -> None:
    band = ck.band_for(ck.load(RUBRIC).bands, score)
    assert band is not None and band.label == label


# ---------------------------------------------------------------------------------------------- storage key
def test_storage_key_changes_with_item_ids_and_texts_only() -> None:
    rubric = ck.load(RUBRIC)
    key = ck.storage_key(rubric)
    assert re.fullmatch(r"chapterkit-checklist:test-rubric:[0-9a-f]{10}", key)
    section = rubric.sections[0]
    item = section.items[0]

    def with_item(new: ck.Item) -> ck.Checklist:
        changed = dataclasses.replace(section, items=(new, *section.items[1:]))
        return dataclasses.replace(rubric, sections=(changed, *rubric.sections[1:]))

    assert ck.storage_key(with_item(dataclasses.replace(item, text=item.text + " Now stricter."))) != key
    assert ck.storage_key(with_item(dataclasses.replace(item, id="schema-v2"))) != key
    assert ck.storage_key(with_item(dataclasses.replace(item, source="Data 9"))) == key
    assert ck.storage_key(dataclasses.replace(rubric, title="Renamed")) == key


def test_page_data_numbers_items_and_carries_the_key() -> None:
    data = ck.page_data(ck.load(AUDIT))
    numbers = [i["n"] for s in data["sections"] for i in s["items"]]
    assert numbers == list(range(1, 43))
    assert data["storageKey"].endswith(data["hash"])


# ---------------------------------------------------------------------------------------------- bad files
@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_a_broken_checklist_names_its_file_and_line(path: Path) -> None:
    match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name}: the first line must be '# expect: LINE: TEXT'"
    line, text = int(match.group(1)), match.group(2)
    with pytest.raises(ck.ChecklistError) as info:
        ck.load(path, f"bad/{path.name}")
    assert info.value.path == f"bad/{path.name}"
    assert text in info.value.message, info.value.message
    assert info.value.line == line, str(info.value)
    assert str(info.value).startswith(f"bad/{path.name}:{line}: ")


def test_every_rule_of_the_schema_has_a_bad_fixture() -> None:
    names = {p.stem for p in BAD}
    assert {"invalid-yaml", "unknown-rule", "duplicate-section", "duplicate-item", "item-without-text",
            "band-order"} <= names


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ck.ChecklistError, match=r"checklist file not found: .*nowhere\.yml"):
        ck.load(tmp_path / "nowhere.yml")


# ---------------------------------------------------------------------------------------------- in a build
CONF = """\
extensions = ["myst_parser", "chapterkit.site"]
myst_enable_extensions = ["colon_fence"]
nitpicky = True
"""


def _page(title: str, target: str) -> str:
    return f"# {title}\n\n:::{{checklist}} {target}\n:::\n"


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One small Sphinx build with a broken checklist on each page; returns its log."""
    src = tmp_path_factory.mktemp("broken")
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    pages = ["missing", "bad-yaml", "dangling-link", "same-id-a", "same-id-b"]
    toctree = "\n".join(pages)
    (src / "index.md").write_text(f"# Index\n\n```{{toctree}}\n{toctree}\n```\n", encoding="utf-8")
    (src / "missing.md").write_text(_page("Missing", "nowhere.yml"), encoding="utf-8")
    (src / "bad-yaml.md").write_text(_page("Bad", "dup.yml"), encoding="utf-8")
    (src / "dup.yml").write_text((FIXTURES / "bad" / "duplicate-item.yml").read_text(encoding="utf-8"),
                                 encoding="utf-8")
    text = RUBRIC.read_text(encoding="utf-8")
    (src / "dangling.yml").write_text(text.replace("link: fixture-intro", "link: no-such-label")
                                      .replace("id: test-rubric", "id: dangling"), encoding="utf-8")
    (src / "dangling-link.md").write_text(_page("Dangling", "dangling.yml"), encoding="utf-8")
    (src / "a.yml").write_text(text.replace("link: fixture-intro", "link: null"), encoding="utf-8")
    (src / "b.yml").write_text(text.replace("link: fixture-intro", "link: null"), encoding="utf-8")
    (src / "same-id-a.md").write_text(_page("A", "a.yml"), encoding="utf-8")
    (src / "same-id-b.md").write_text(_page("B", "b.yml"), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-n", "--keep-going", "-q", str(src),
         str(src / "_build")], check=False, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
    )
    assert proc.returncode != 0, "a strict build with broken checklists must fail"
    return ANSI.sub("", proc.stdout + proc.stderr)


def test_strict_build_names_a_missing_checklist_file(broken_build: str) -> None:
    assert re.search(r"missing\.md:3: WARNING: \{checklist\}: checklist file not found: nowhere\.yml",
                     broken_build), broken_build


def test_strict_build_names_the_yaml_file_and_line(broken_build: str) -> None:
    assert re.search(r"dup\.yml:10: WARNING: \{checklist\}: item id 'x' is already used", broken_build), broken_build


def test_strict_build_names_the_yaml_line_of_a_dangling_link(broken_build: str) -> None:
    assert re.search(r"dangling\.yml:\d+: WARNING: undefined label: 'no-such-label'", broken_build), broken_build


def test_strict_build_refuses_one_checklist_id_on_two_pages(broken_build: str) -> None:
    assert re.search(r"[ab]\.yml:1: WARNING: \{checklist\}: checklist id 'test-rubric' is already used",
                     broken_build), broken_build


def test_script_and_style_stay_under_10_kb_gzipped() -> None:
    static = ROOT / "chapterkit" / "site" / "static"
    sizes = {name: len(gzip.compress((static / name).read_bytes(), 9))
             for name in ("chapterkit-checklist.js", "chapterkit-checklist.css")}
    assert sum(sizes.values()) < 10 * 1024, sizes

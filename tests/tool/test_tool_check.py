"""``check`` over fixture mini-books: each good case passes, each bad case gives exactly its expected.txt."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from tool_helpers import FIXTURES, build_case, case_options

from chapterkit import cli, contract

GOOD = sorted(p for p in (FIXTURES / "good").iterdir() if p.is_dir())
BAD = sorted(p for p in (FIXTURES / "bad").iterdir() if p.is_dir())


def expected_lines(case: Path) -> list[str]:
    next_year = datetime.date.today().year + 1
    text = (case / "expected.txt").read_text(encoding="utf-8").replace("{NEXT_YEAR}", str(next_year))
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("case", GOOD, ids=[p.name for p in GOOD])
def test_good_case_passes(case: Path, tmp_path: Path) -> None:
    book = build_case(case, tmp_path / "book")
    problems = contract.check(book, **case_options(case))
    assert [p.format() for p in problems] == []


@pytest.mark.parametrize("case", BAD, ids=[p.name for p in BAD])
def test_bad_case_reports_expected(case: Path, tmp_path: Path) -> None:
    book = build_case(case, tmp_path / "book")
    problems = contract.check(book, **case_options(case))
    assert [p.format() for p in problems] == expected_lines(case)


def test_base_book_passes() -> None:
    assert contract.check(FIXTURES / "base") == []


def test_every_code_has_a_bad_fixture() -> None:
    covered = {line.split(": ")[1].split()[0] for case in BAD for line in expected_lines(case)}
    assert covered == set(contract.CODES), f"codes without a fixture: {set(contract.CODES) - covered}"


def test_every_code_is_documented_in_contributing() -> None:
    guide = (FIXTURES.parents[2] / "CONTRIBUTING.md").read_text(encoding="utf-8")
    missing = [code for code in contract.CODES if code not in guide]
    assert not missing, f"CONTRIBUTING.md does not explain {missing}"


def test_cli_check_exit_codes_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = build_case(FIXTURES / "good" / "minimal", tmp_path / "good")
    assert cli.main(["check", "--root", str(good)]) == 0
    assert "OK" in capsys.readouterr().out
    bad_case = FIXTURES / "bad" / "wrong-label"
    bad = build_case(bad_case, tmp_path / "bad")
    assert cli.main(["check", "--root", str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[:-1] == expected_lines(bad_case)
    assert out[-1].startswith("chapterkit check: 1 problem in 1 file")


def test_cli_check_paths_filter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = build_case(FIXTURES / "bad" / "wrong-label", tmp_path / "book")
    assert cli.main(["check", "--root", str(book), str(book / "chapters" / "beta")]) == 0
    assert cli.main(["check", "--root", str(book), str(book / "chapters" / "alpha.md")]) == 1
    capsys.readouterr()


def test_cli_check_without_toc_says_how_to_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no _toc.yml" in err and "--root" in err


def test_check_of_a_draft_lists_the_whole_path_to_publishing(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    book = build_case(FIXTURES / "good" / "minimal", tmp_path / "book")
    page = book / "chapters" / "alpha.md"
    page.write_text(page.read_text().replace("---\n(", "status: draft\n---\n(", 1)
                    .replace("## Why it matters\n", "## Why it matters\n\nTODO(chapter): why.\n", 1))
    for queries in (book / "tests" / "search-queries").glob("alpha.yml"):
        queries.unlink()
    assert cli.main(["check", "--root", str(book)]) == 0
    out = capsys.readouterr().out.splitlines()
    draft = [line for line in out if line.startswith("draft 'alpha'")]
    assert len(draft) == 1, out
    steps = ["1. replace its 1 TODO(chapter)", "mark where each claim comes from", "search queries in",
             "run its notebooks", "make own-words", "remove 'status: draft'"]
    positions = [draft[0].find(step) for step in steps]
    assert -1 not in positions, draft[0]
    assert positions == sorted(positions), draft[0]

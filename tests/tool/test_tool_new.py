"""``new``: bad input is refused with a clear message and changes nothing; writes are all or nothing."""

from __future__ import annotations

import datetime
import difflib
import os
from pathlib import Path

import pytest
from tool_helpers import tree_digest

from chapterkit import cli
from chapterkit.author import scaffold

# A fictional resource: the tests must not collide with a chapter the book has, such as one a contributor
# scaffolds to try the tool.
GOOD_ARGS = {
    "--title": "Scaffolding Fixture Resource",
    "--kind": "paper",
    "--url": "https://example.org/scaffolding-fixture-resource",
    "--authors": "Ada Fixture; Bo Example",
    "--year": "2017",
}


def run_new(root: Path, **changes: str) -> list[str]:
    args = dict(GOOD_ARGS)
    args.update({f"--{key.replace('_', '-')}": value for key, value in changes.items()})
    argv = ["new", "--root", str(root)]
    for key, value in args.items():
        argv += [key, value]
    return argv


def refused(root: Path, capsys: pytest.CaptureFixture[str], **changes: str) -> str:
    """Run ``new`` with bad input; assert exit 2 and no byte changed; return what it printed."""
    before = tree_digest(root)
    code = cli.main(run_new(root, **changes))
    err = capsys.readouterr().err
    assert code == 2, err
    assert tree_digest(root) == before
    assert "nothing was changed" in err
    assert "fix:" in err
    return err


def test_empty_title(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(repo_copy, capsys, title="   ")
    assert "error: --title: the title is empty" in err


def test_overlong_title(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(repo_copy, capsys, title="A" * 121)
    assert "error: --title: the title has 121 characters; at most 120" in err


def test_slug_taken_by_chapter_folder(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(repo_copy, capsys, slug="technical-debt")
    assert "slug 'technical-debt' is taken: chapters/technical-debt exists" in err
    assert "SLUG=" in err


def test_slug_taken_by_chapter_file(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo_copy / "chapters" / "scaffolding-fixture-resource.md").write_text("(scaffolding-fixture-resource)=\n# Taken\n")
    err = refused(repo_copy, capsys)
    assert "slug 'scaffolding-fixture-resource' is taken: chapters/scaffolding-fixture-resource.md exists" in err


def test_slug_taken_by_toc_entry(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toc = repo_copy / "_toc.yml"
    toc.write_text(toc.read_text().replace("      - file: glossary\n",
                                           "      - file: glossary\n      - file: chapters/scaffolding-fixture-resource\n"))
    err = refused(repo_copy, capsys)
    assert "error: _toc.yml:" in err
    assert "slug 'scaffolding-fixture-resource' is taken: _toc.yml already lists it" in err


@pytest.mark.parametrize("slug", ["ml/test", "../escape", "..", "ml\\test"])
def test_slug_with_path_separator(repo_copy: Path, capsys: pytest.CaptureFixture[str], slug: str) -> None:
    err = refused(repo_copy, capsys, slug=slug)
    assert f"error: --slug: slug {slug!r} contains a path separator or '..'" in err


def test_url_not_http(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(repo_copy, capsys, url="ftp://example.org/paper.pdf")
    assert "error: --url: URL 'ftp://example.org/paper.pdf' is not an http:// or https:// address" in err


@pytest.mark.parametrize("year", ["1949", str(datetime.date.today().year + 2)])
def test_year_out_of_range(repo_copy: Path, capsys: pytest.CaptureFixture[str], year: str) -> None:
    err = refused(repo_copy, capsys, year=year)
    assert f"error: --year: year {year} is outside 1950..{datetime.date.today().year + 1}" in err


def test_year_not_a_number(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(repo_copy, capsys, year="twenty")
    assert "error: --year: year 'twenty' is not a number" in err


def test_malformed_toc(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toc = repo_copy / "_toc.yml"
    lines = toc.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("- file:")) + 1
    lines.insert(index, "     broken: indentation\n")  # a key at a column that fits no mapping
    toc.write_text("".join(lines))
    err = refused(repo_copy, capsys)
    assert f"error: _toc.yml:{index + 1}: _toc.yml is not valid YAML" in err
    assert "repair _toc.yml" in err


def test_unknown_part(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(repo_copy, capsys, part="No Such Part")
    assert "no part captioned 'No Such Part' in _toc.yml" in err


def test_not_a_book_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(tmp_path, capsys)
    assert "is not the book's root (no _toc.yml there)" in err
    assert "--root" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod; the next test covers this case")
def test_read_only_tree_by_chmod(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folders = [p for p in [repo_copy, *repo_copy.rglob("*")] if p.is_dir()]
    files = [p for p in repo_copy.rglob("*") if p.is_file()]
    for path in files + folders:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        err = refused(repo_copy, capsys)
        assert "is not writable" in err and "chmod -R u+w" in err
    finally:
        for path in folders + files:
            path.chmod(path.stat().st_mode | 0o200)


def test_failed_write_restores_every_file(repo_copy: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The first file is written, the second write fails: everything goes back, byte for byte."""
    real_write = scaffold.write_bytes
    written: list[Path] = []

    def failing_write(path: Path, data: bytes) -> None:
        if written:
            raise PermissionError(13, "Permission denied", str(path))
        real_write(path, data)
        written.append(path)

    monkeypatch.setattr(scaffold, "write_bytes", failing_write)
    before = tree_digest(repo_copy)
    code = cli.main(run_new(repo_copy))
    err = capsys.readouterr().err
    assert code == 2
    assert written, "the first write should have happened"
    assert "writing failed (Permission denied); nothing was changed" in err
    assert tree_digest(repo_copy) == before


def test_failed_write_of_existing_file_restores_it(repo_copy: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail on the last write (_toc.yml), after references.bib was already changed in place."""
    real_write = scaffold.write_bytes

    def failing_write(path: Path, data: bytes) -> None:
        if path.name == "_toc.yml":
            raise PermissionError(13, "Permission denied", str(path))
        real_write(path, data)

    monkeypatch.setattr(scaffold, "write_bytes", failing_write)
    before = tree_digest(repo_copy)
    assert cli.main(run_new(repo_copy)) == 2
    capsys.readouterr()
    assert tree_digest(repo_copy) == before


def test_slug_taken_by_a_label(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(repo_copy, capsys, slug="glossary")
    assert "slug 'glossary' is taken: glossary.md already has the label '(glossary)='" in err


def test_bad_kind_is_refused_by_the_parser(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = tree_digest(repo_copy)
    with pytest.raises(SystemExit) as info:
        cli.main(run_new(repo_copy, kind="blog"))
    assert info.value.code == 2
    assert "invalid choice: 'blog'" in capsys.readouterr().err
    assert tree_digest(repo_copy) == before


def test_new_keeps_toc_comments_and_order(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only the new entry is added to _toc.yml; every other line, comments included, stays as it was."""
    toc = repo_copy / "_toc.yml"
    toc.write_text(toc.read_text() + "  # a trailing comment that must survive\n")
    before = toc.read_text()
    assert any(line.lstrip().startswith("#") for line in before.splitlines())
    assert cli.main(run_new(repo_copy)) == 0, capsys.readouterr().err
    diff = [d for d in difflib.ndiff(before.splitlines(), toc.read_text().splitlines()) if d[:1] in "+-"]
    assert diff == ["+       - file: chapters/scaffolding-fixture-resource", "+         sections:",
                    "+           - file: notebooks/scaffolding-fixture-resource/first-look"]
    assert "Created the draft chapter 'scaffolding-fixture-resource'" in capsys.readouterr().out

"""``folder`` (``make folder SLUG=...``): a single-page chapter becomes a folder chapter in one command, untracked
files too, all or nothing."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from tool_helpers import FIXTURES, tree_digest

from chapterkit import cli, contract
from chapterkit.author import folder


@pytest.fixture
def book(tmp_path: Path) -> Path:
    dest = tmp_path / "book"
    shutil.copytree(FIXTURES / "base", dest)
    return dest


def test_page_becomes_a_folder_that_meets_the_contract(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toc_before = (book / "_toc.yml").read_text()
    page = (book / "chapters" / "alpha.md").read_text()
    assert cli.main(["folder", "alpha", "--root", str(book)]) == 0
    out = capsys.readouterr().out
    assert "chapters/alpha/index.md" in out and "make check" in out
    assert not (book / "chapters" / "alpha.md").exists()
    assert (book / "chapters" / "alpha" / "index.md").read_text() == page
    sources = (book / "chapters" / "alpha" / "sources.yml").read_text()
    assert 'url: "https://example.org/alpha"' in sources
    assert ":::{provenance-list}" in (book / "chapters" / "alpha" / "where-this-comes-from.md").read_text()
    diff = [d for d in difflib.ndiff(toc_before.splitlines(), (book / "_toc.yml").read_text().splitlines())
            if d[:1] in "+-"]
    assert diff == ["-       - file: chapters/alpha", "+       - file: chapters/alpha/index",
                    "+           - file: chapters/alpha/where-this-comes-from"]
    notebook = (book / "notebooks" / "alpha" / "demo.ipynb").read_text()
    assert "](../../chapters/alpha/index.md)" in notebook and "chapters/alpha.md" not in notebook
    assert contract.check(book) == []


@pytest.mark.parametrize(("slug", "says"), [
    ("gamma", "no single-page chapter 'gamma'"),
    ("beta", "chapter 'beta' is already a folder"),
    ("Not A Slug", "is not lowercase words joined by hyphens"),
])
def test_refused_with_the_reason_and_nothing_changed(book: Path, capsys: pytest.CaptureFixture[str], slug: str,
                                                     says: str) -> None:
    before = tree_digest(book)
    assert cli.main(["folder", slug, "--root", str(book)]) == 2
    err = capsys.readouterr().err
    assert says in err and "fix:" in err and "nothing was changed" in err
    assert tree_digest(book) == before


def test_an_existing_folder_beside_the_page_is_refused(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (book / "chapters" / "alpha").mkdir()
    (book / "chapters" / "alpha" / "notes.md").write_text("mine\n")
    before = tree_digest(book)
    assert cli.main(["folder", "alpha", "--root", str(book)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert tree_digest(book) == before


def test_a_failed_write_puts_everything_back(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = tree_digest(book)
    move = folder.plan(book, "alpha")
    real = Path.write_bytes
    calls = {"n": 0}

    def failing(self: Path, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(28, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(Exception, match="nothing was changed"):
        folder.apply(move)
    monkeypatch.undo()
    assert tree_digest(book) == before


def test_notebook_link_to_a_missing_page_is_reported_at_its_cell(book: Path) -> None:
    (book / "chapters" / "alpha.md").rename(book / "chapters" / "alpha-moved.md")
    found = [p for p in contract.check(book) if p.code == "NB011"]
    assert [(p.path, p.message.split(",")[0]) for p in found] == [("notebooks/alpha/demo.ipynb",
                                                                  "cell 1 links ../../chapters/alpha.md")]

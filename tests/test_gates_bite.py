"""The gates bite: break the book in a temporary copy and prove the suite fails, naming the file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bookhelpers import ANSI, copy_repo, strict_build

pytestmark = pytest.mark.slow


def test_strict_build_fails_on_undefined_term_and_broken_ref(tmp_path: Path) -> None:
    book = copy_repo(tmp_path / "book")
    term_page = book / "chapters" / "technical-debt" / "index.md"
    ref_page = book / "chapters" / "cs329s" / "index.md"
    term_page.write_text(term_page.read_text(encoding="utf-8")
                         + "\nA {term}`flux capacitor debt` that the glossary does not define.\n", encoding="utf-8")
    ref_page.write_text(ref_page.read_text(encoding="utf-8")
                        + "\nSee {ref}`no-such-section-anywhere`.\n", encoding="utf-8")

    result = strict_build(book, tmp_path / "out")

    assert result.returncode != 0
    term_lines = [p for p in result.problems if "flux capacitor debt" in p]
    ref_lines = [p for p in result.problems if "no-such-section-anywhere" in p]
    assert term_lines and "chapters/technical-debt/index.md" in term_lines[0], result.problems
    assert ref_lines and "chapters/cs329s/index.md" in ref_lines[0], result.problems


def test_notebook_regression_fails_when_stored_output_changes(tmp_path: Path) -> None:
    """pytest-notebook, with the project's own configuration, fails on a changed printed number."""
    book = copy_repo(tmp_path / "book")
    folder = book / "notebooks" / "broken"
    folder.mkdir()
    path = folder / "stale-output.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Stale output"),
                nbformat.v4.new_code_cell("print(round(0.1 + 0.2, 3))")]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="0.31\n")]  # the truth is 0.3
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, path)

    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-c", str(book / "pytest.ini"),
         "--rootdir", str(book), str(path)],
        check=False, capture_output=True, text=True, cwd=book, timeout=300,
    )

    out = ANSI.sub("", proc.stdout)
    assert proc.returncode == 1, out[-3000:]
    assert "notebooks/broken/stale-output.ipynb" in out
    assert "-0.31" in out and "+0.3" in out, out[-3000:]

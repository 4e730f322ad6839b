"""The version-check cell: each notebook's first code cell compares the installed libraries with the versions the
notebook was tested with (the ``==`` pins of ``requirements.txt``) and says which differ. It never installs
anything, imports only the standard library, and prints the same lines on every run in the tested environment.

``python -m chapterkit version-cell [NOTEBOOKS...]`` inserts the cell (before the first code cell) or brings it up
to date; it is idempotent and rewrites a notebook only when the cell changes (then run ``make notebooks`` to store
its output). The contract (``make check``, code NB010) fails when a notebook's first code cell is not the current
version check.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from chapterkit.book.errors import ChapterkitError
from chapterkit.book.versioncell import (
    TAG,
    expected_source,
    first_code_cell,
    is_version_cell,
)

# Tags the cell carries: its own, and myst-nb's hide-input, which folds its code on the web page (the output shows,
# the .ipynb keeps the code; useful in Colab, boilerplate on the site).
TAGS = (TAG, "hide-input")


@dataclass(frozen=True)
class Outcome:
    path: Path
    status: str  # "inserted" | "updated" | "current"


def update(nb: nbformat.NotebookNode, source: str) -> str:
    """Put the version cell with ``source`` first among the code cells of ``nb``; returns what was done."""
    existing = [i for i, c in enumerate(nb.cells) if is_version_cell(c)]
    first = first_code_cell(nb)
    if existing and existing[0] == first and len(existing) == 1:
        cell = nb.cells[first]
        tags = list(cell.metadata.get("tags", []))
        if str(cell.source) == source and all(tag in tags for tag in TAGS):
            return "current"
        if str(cell.source) != source:
            cell.source = source
            cell.outputs = []
            cell.execution_count = None
        cell.metadata["tags"] = [*tags, *(tag for tag in TAGS if tag not in tags)]
        return "updated"
    for i in reversed(existing):
        del nb.cells[i]
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(TAGS)})
    cell.pop("id", None)
    if nb.nbformat_minor >= 5:
        cell["id"] = "version-check"
    at = first_code_cell(nb)
    nb.cells.insert(at if at is not None else len(nb.cells), cell)
    return "updated" if existing else "inserted"


def apply(path: Path, pins: dict[str, str]) -> Outcome:
    """Insert or update the version cell of one notebook, writing it atomically, only if it changes."""
    try:
        text = path.read_text(encoding="utf-8")
        nb = nbformat.reads(text, as_version=4)
    except (OSError, ValueError, json.JSONDecodeError) as exc:
        raise ChapterkitError(f"is not a readable notebook: {exc}", str(path),
                              "repair it (re-save it from Jupyter), then run the command again") from exc
    status = update(nb, expected_source(nb, pins, str(path)))
    if status != "current":
        nbformat.validate(nb)
        mode = path.stat().st_mode & 0o7777
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                nbformat.write(nb, out)
            os.chmod(tmp, mode)  # mkstemp makes 0600; the notebook keeps its own mode
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return Outcome(path, status)

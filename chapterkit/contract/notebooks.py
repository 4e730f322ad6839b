"""Notebooks (NB001-NB010): valid, small, run, titled, checked, offline, self-contained, readable, accessible,
and opening with the current version check."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any

from chapterkit.book import versioncell
from chapterkit.book.nbimports import ALLOWED_IMPORTS, imports
from chapterkit.contract.context import Book, Notebook
from chapterkit.contract.registry import Finding, rule

MAX_LINE = 88
PLOT_TYPES = ("image/png", "image/svg+xml", "image/jpeg")
NETWORK = [
    (re.compile(r"^\s*(?:import|from)\s+requests\b|\brequests\.(?:get|post|Session)\b"), "requests"),
    (re.compile(r"\burllib\b"), "urllib"),
    (re.compile(r"\bhttp\.client\b|^\s*from\s+http\s+import\s+client\b"), "http.client"),
    (re.compile(r"^\s*(?:import|from)\s+socket\b|\bsocket\.socket\b"), "socket"),
    (re.compile(r"\bfetch_(?:openml|california_housing|covtype|kddcup99|lfw_\w+|olivetti_faces|rcv1|"
                r"species_distributions|20newsgroups\w*|file)\b|^\s*from\s+sklearn\.datasets\s+import\b.*\bfetch_"),
     "sklearn.datasets.fetch_* (downloads data)"),
    (re.compile(r"\bread_[a-z]+\(\s*[rfb]?['\"](?:https?|ftp)://"), "reading a URL"),
    (re.compile(r"^\s*[!%]\s*pip\b"), "pip install"),
    (re.compile(r"^\s*!\s*(?:wget|curl)\b"), "wget/curl"),
]


def parsed(book: Book) -> Iterator[Notebook]:
    """Notebooks that parse (NB001 reports the others)."""
    return (nb for nb in book.notebooks.values() if nb.nb is not None)


def code_cells(book: Book) -> Iterator[tuple[Notebook, int, Any]]:
    """(notebook, index, cell) of every code cell of every notebook that parses."""
    for notebook in parsed(book):
        for i, cell in enumerate(notebook.nb.cells):
            if cell.cell_type == "code":
                yield notebook, i, cell


@rule("NB001", "not a valid notebook")
def valid(book: Book) -> Iterator[Finding]:
    for notebook in book.notebooks.values():
        if notebook.error is not None:
            yield Finding(notebook.rel, *notebook.error)


@rule("NB002", "notebook over the size budget")
def small(book: Book) -> Iterator[Finding]:
    budget = book.notebook_budget
    for notebook in book.notebooks.values():
        if len(notebook.raw) > budget:
            yield Finding(notebook.rel, 1,
                          f"is {len(notebook.raw) / 1024:.0f} KB; the budget is {budget / 1024:.0f} KB",
                          "shrink outputs (short tables, plt.rcParams['figure.dpi'] = 72), then make notebooks")


@rule("NB003", "a code cell has never run")
def executed(book: Book) -> Iterator[Finding]:
    for notebook, i, cell in code_cells(book):
        if str(cell.source).strip() and cell.get("execution_count") is None:
            yield Finding(notebook.rel, notebook.at(i), f"code cell {i + 1} has never run (no stored outputs)",
                          f"make notebooks NB={notebook.rel}")


@rule("NB004", "first cell is not a Markdown '# Title'")
def titled(book: Book) -> Iterator[Finding]:
    for notebook in parsed(book):
        cells = notebook.nb.cells
        if not cells or cells[0].cell_type != "markdown" or not str(cells[0].source).startswith("# "):
            yield Finding(notebook.rel, notebook.at(0), "first cell is not a Markdown cell starting with '# Title'",
                          "start with '# Title', a link to the chapter page, and what the learner will see")


def _checks_section(notebook: Notebook) -> tuple[int | None, bool]:
    """Index of the first ``## Checks`` Markdown cell, and whether a code cell after it asserts."""
    checks_at: int | None = None
    for i, cell in enumerate(notebook.nb.cells):
        source = str(cell.source)
        if cell.cell_type == "markdown" and checks_at is None and re.search(r"^##\s+Checks\s*$", source, re.MULTILINE):
            checks_at = i
        elif cell.cell_type == "code" and checks_at is not None and re.search(r"\bassert\b", source):
            return checks_at, True
    return checks_at, False


@rule("NB005", "no '## Checks' section with an assert")
def ends_with_checks(book: Book) -> Iterator[Finding]:
    for notebook in parsed(book):
        checks_at, has_assert = _checks_section(notebook)
        if checks_at is None:
            yield Finding(notebook.rel, notebook.at(len(notebook.nb.cells) - 1), "no '## Checks' Markdown section",
                          "end with a '## Checks' cell and a code cell of asserts that prove the effect")
        elif not has_assert:
            yield Finding(notebook.rel, notebook.at(checks_at), "the '## Checks' section has no code cell with an "
                          "assert", "add a code cell of asserts after it")


@rule("NB006", "network access in notebook code")
def offline(book: Book) -> Iterator[Finding]:
    for notebook, i, cell in code_cells(book):
        for line in str(cell.source).splitlines():
            what = next((what for pattern, what in NETWORK if pattern.search(line)), None)
            if what is not None:
                yield Finding(notebook.rel, notebook.at(i), f"code cell {i + 1} uses the network ({what}): "
                              f"{line.strip()[:60]}",
                              "generate the data in the notebook or use sklearn.datasets.load_*")


@rule("NB007", "an import outside numpy, pandas, scipy, sklearn, matplotlib and the standard library")
def allowed_imports(book: Book) -> Iterator[Finding]:
    for notebook, i, cell in code_cells(book):
        for module in imports(str(cell.source)):
            if module not in ALLOWED_IMPORTS and module not in sys.stdlib_module_names:
                yield Finding(notebook.rel, notebook.at(i), f"code cell {i + 1} imports '{module}'; notebooks import "
                              "only numpy, pandas, scipy, sklearn, matplotlib and the standard library",
                              "use one of those instead")


@rule("NB008", "a notebook code line over 88 characters")
def short_lines(book: Book) -> Iterator[Finding]:
    """A code line longer than 88 characters scrolls sideways on the page and in Colab."""
    for notebook, i, cell in code_cells(book):
        for number, line in enumerate(str(cell.source).splitlines(), start=1):
            if len(line) > MAX_LINE:
                yield Finding(notebook.rel, notebook.at(i), f"code cell {i + 1}, line {number} is {len(line)} "
                              f"characters; the limit is {MAX_LINE}",
                              "break it inside brackets (black-style), then make notebooks NB=" + notebook.rel)


def _alt(cell: Any) -> str:
    mystnb = cell.get("metadata", {}).get("mystnb", {})
    image = mystnb.get("image", {}) if isinstance(mystnb, dict) else {}
    alt = image.get("alt", "") if isinstance(image, dict) else ""
    return alt.strip() if isinstance(alt, str) else ""


@rule("NB009", "a plot output whose cell has no mystnb.image.alt text")
def plots_have_alt_text(book: Book) -> Iterator[Finding]:
    for notebook, i, cell in code_cells(book):
        draws = any(kind in output.get("data", {}) for output in cell.get("outputs", []) for kind in PLOT_TYPES)
        if draws and not _alt(cell):
            yield Finding(notebook.rel, notebook.at(i), f"code cell {i + 1} draws a plot but has no alt text",
                          'add to the cell\'s metadata {"mystnb": {"image": {"alt": "what the plot shows"}}}')


@rule("NB010", "the first code cell is not the current version check (chapterkit/book/versioncell.py)")
def version_check_first(book: Book) -> Iterator[Finding]:
    """The first code cell compares the installed versions with requirements.txt's pins."""
    requirements = book.root / "requirements.txt"
    if not requirements.is_file():
        return
    pins = versioncell.read_pins(requirements)
    for notebook in parsed(book):
        why = versioncell.problem(notebook.nb, pins, notebook.rel)
        if why is not None:
            first = versioncell.first_code_cell(notebook.nb)
            yield Finding(notebook.rel, notebook.at(first or 0), why, f"make notebooks NB={notebook.rel}")

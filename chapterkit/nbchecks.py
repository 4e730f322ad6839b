"""Notebook checks of the chapter contract that look at one code cell at a time (NB008, NB009).

Each check is a small function from a code cell to the problems it finds, as (code, message, fix); the contract
checker (``contract.Checker.check_notebook``) places them at the cell's line and adds the file name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

MAX_LINE = 88
PLOT_TYPES = ("image/png", "image/svg+xml", "image/jpeg")

Finding = tuple[str, str, str]  # code, message, fix


def long_lines(index: int, cell: Any, rel: str) -> Iterator[Finding]:
    """NB008: a code line longer than 88 characters (it scrolls sideways on the page and in Colab)."""
    for number, line in enumerate(str(cell.source).splitlines(), start=1):
        if len(line) > MAX_LINE:
            yield ("NB008", f"code cell {index + 1}, line {number} is {len(line)} characters; the limit is {MAX_LINE}",
                   "break it inside brackets (black-style), then make notebooks NB=" + rel)


def _alt(cell: Any) -> str:
    mystnb = cell.get("metadata", {}).get("mystnb", {})
    image = mystnb.get("image", {}) if isinstance(mystnb, dict) else {}
    alt = image.get("alt", "") if isinstance(image, dict) else ""
    return alt.strip() if isinstance(alt, str) else ""


def plot_alt_text(index: int, cell: Any, rel: str) -> Iterator[Finding]:
    """NB009: a cell whose output is a plot, without alt text saying what the plot shows."""
    draws = any(kind in output.get("data", {}) for output in cell.get("outputs", []) for kind in PLOT_TYPES)
    if draws and not _alt(cell):
        yield ("NB009", f"code cell {index + 1} draws a plot but has no alt text",
               'add to the cell\'s metadata {"mystnb": {"image": {"alt": "what the plot shows"}}}')


CELL_CHECKS: list[Callable[[int, Any, str], Iterator[Finding]]] = [long_lines, plot_alt_text]


def check_code_cell(index: int, cell: Any, rel: str) -> list[Finding]:
    return [finding for check in CELL_CHECKS for finding in check(index, cell, rel)]

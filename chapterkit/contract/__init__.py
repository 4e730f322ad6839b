"""The chapter contract (DESIGN.md, "The chapter contract" and Quality gate 1), checked.

``check(root)`` reads the whole book once (``context.read_book``), runs every registered rule over it
(``registry.run``) and returns each ``Problem`` found, sorted by path and line. Each subject is one module of
small rules, each under its code (``@rule("NB008", ...)``; CONTRIBUTING.md's table lists every code, and
``tests/fixtures/contract/bad/`` holds a broken copy of a mini-book for each):

- ``toc``: TOC001-TOC003; ``frontmatter``: FM001-FM006; ``sections``: SEC001-SEC009;
- ``markup``: LBL001 labels, ADM001 admonitions; ``citations``: CIT001-CIT003, BIB001; ``terms``: TRM001-TRM002;
- ``notebooks``: NB001-NB010; ``placeholders``: DRF001; ``checklists``: CHK001-CHK003; ``search``: SRCH001;
- ``provenance``: PRV001-PRV008 provenance markers, DIA001-DIA003 diagrams.

A new subject is a new module here whose functions carry ``@rule``, plus its name in the import line below.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from chapterkit.book.errors import Problem
from chapterkit.contract import (  # noqa: F401 - importing a subject registers its rules
    checklists,
    citations,
    frontmatter,
    markup,
    notebooks,
    placeholders,
    provenance,
    search,
    sections,
    terms,
    toc,
)
from chapterkit.contract.context import NOTEBOOK_BUDGET, read_book
from chapterkit.contract.registry import RULES, run

# Code -> what breaks the rule, for every registered rule.
CODES = {code: r.summary for code, r in RULES.items()}


def _wanted(root: Path, paths: Sequence[Path]) -> list[str]:
    wanted = []
    for p in paths:
        absolute = (p if p.is_absolute() else Path.cwd() / p).resolve()
        try:
            wanted.append(absolute.relative_to(root).as_posix())
        except ValueError:
            wanted.append(p.as_posix())
    return wanted


def check(root: Path, paths: Sequence[Path] | None = None, notebook_budget: int = NOTEBOOK_BUDGET
          ) -> list[Problem]:
    """Every contract problem of the book at ``root``; with ``paths``, only those in these files/folders."""
    root = root.resolve()
    problems = run(read_book(root, notebook_budget))
    if not paths:
        return problems
    wanted = _wanted(root, paths)
    return [pr for pr in problems
            if any(w in (".", "") or pr.path == w or pr.path.startswith(w.rstrip("/") + "/") for w in wanted)]

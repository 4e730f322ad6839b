"""Quality gate 1: the book in this repository meets the chapter contract (``make check``)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # plain `pytest` does not put the repository root on sys.path
    sys.path.insert(0, str(ROOT))

from chapterkit import contract


def test_repository_meets_the_chapter_contract() -> None:
    problems = contract.check(ROOT)
    report = "\n".join(p.format() for p in problems)
    assert not problems, f"{len(problems)} contract problem(s); run `make check`:\n{report}"

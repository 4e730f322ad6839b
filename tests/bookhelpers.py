"""Helpers shared by the book's tests: the strict build (chapterkit's own, ``chapterkit.formats.bookbuild``), a
disposable copy of the repository."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` (unlike `python -m pytest`) does not put the repo root on sys.path
    sys.path.insert(0, str(ROOT))

from chapterkit.book.repo import copy_content
from chapterkit.formats.bookbuild import ANSI, BuildResult, strict_build  # noqa: F401 - the tests' build

VENV_BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def copy_repo(dest: Path) -> Path:
    """A copy of the repository's content (no venv, build output, caches or git) to break in a test."""
    return copy_content(ROOT, dest)

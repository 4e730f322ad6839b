"""Helpers shared by the book's tests: the strict build, a disposable copy of the repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` (unlike `python -m pytest`) does not put the repo root on sys.path
    sys.path.insert(0, str(ROOT))

from chapterkit.book.repo import copy_content
from chapterkit.formats.bookbuild import log_problems

VENV_BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@dataclass(frozen=True)
class BuildResult:
    returncode: int
    output: str
    html: Path

    @property
    def problems(self) -> list[str]:
        """Every WARNING or ERROR line of the build log."""
        return log_problems(self.output)


def strict_build(source: Path, output: Path) -> BuildResult:
    """`jupyter-book build` with warnings as errors and nitpicky references, from an empty build folder."""
    shutil.rmtree(output / "_build", ignore_errors=True)
    proc = subprocess.run(
        [str(VENV_BIN / "jupyter-book"), "build", str(source), "-W", "-n", "--keep-going",
         "--path-output", str(output)],
        check=False, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=900,
    )
    text = ANSI.sub("", proc.stdout + proc.stderr)
    return BuildResult(proc.returncode, text, output / "_build" / "html")


def copy_repo(dest: Path) -> Path:
    """A copy of the repository's content (no venv, build output, caches or git) to break in a test."""
    return copy_content(ROOT, dest)

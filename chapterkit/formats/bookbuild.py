"""The strict Jupyter Book build: warnings as errors, nitpicky references, one builder. ``make pdf`` and
``make epub`` start from it, and the tests build the book (and their fixture books) with it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from chapterkit.book.errors import ChapterkitError

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Builders Jupyter Book names itself; any other Sphinx builder goes through its "custom" option.
JB_BUILDERS = {"html", "dirhtml", "singlehtml", "pdfhtml", "latex", "pdflatex", "linkcheck"}
TIMEOUT = 1200  # seconds


def log_problems(log: str) -> list[str]:
    """Every WARNING, ERROR or CRITICAL line of a build log, without colour codes."""
    return [line for line in ANSI.sub("", log).splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line)]


@dataclass(frozen=True)
class BuildResult:
    returncode: int
    output: str  # the build's log, without colour codes
    folder: Path  # where the builder wrote: <out>/_build/<builder>
    root: Path  # the book that was built

    @property
    def html(self) -> Path:
        """The HTML build's pages (``folder`` of an html build)."""
        return self.folder

    @property
    def problems(self) -> list[str]:
        """Every WARNING or ERROR line of the build log."""
        return log_problems(self.output)

    def require(self, artifact: Path, what: str, target: str) -> Path:
        """``artifact`` if the build passed and wrote it; else what failed and how to see it (``make book``
        shows the same problems), for ``make <target>``."""
        if self.returncode == 0 and artifact.is_file():
            return artifact
        lines = self.problems or self.output.splitlines()
        raise ChapterkitError(f"the {what} build of the book failed:\n  " + "\n  ".join(lines[-20:]), str(self.root),
                              f"fix what the log says (make book shows the same problems), then make {target}")


def strict_build(root: Path, out: Path, builder: str = "html") -> BuildResult:
    """``jupyter-book build -W -n --keep-going`` of ``root`` into ``out/_build/<builder>``, which is emptied
    first (the doctrees beside it are kept, so a second build reads only what changed)."""
    folder = out / "_build" / builder
    shutil.rmtree(folder, ignore_errors=True)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    choice = ["--builder", builder] if builder in JB_BUILDERS else ["--builder", "custom", "--custom-builder", builder]
    proc = subprocess.run([str(jupyter_book), "build", str(root), "-W", "-n", "--keep-going", *choice,
                           "--path-output", str(out)], check=False, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"}, timeout=TIMEOUT)
    return BuildResult(proc.returncode, ANSI.sub("", proc.stdout + proc.stderr), folder, root)

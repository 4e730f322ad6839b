"""The strict Jupyter Book build that `make pdf` and `make epub` start from: one builder, warnings as errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from chapterkit.book.errors import ChapterkitError

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Builders Jupyter Book names itself; any other Sphinx builder goes through its "custom" option.
JB_BUILDERS = {"html", "dirhtml", "singlehtml", "pdfhtml", "latex", "pdflatex", "linkcheck"}


def log_problems(log: str) -> list[str]:
    """Every WARNING, ERROR or CRITICAL line of a build log, without colour codes."""
    return [line for line in ANSI.sub("", log).splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line)]


def strict_build(root: Path, out: Path, builder: str, artifact: Path, what: str, target: str) -> Path:
    """``jupyter-book build -W -n --keep-going`` of ``root`` into ``out`` with ``builder``; returns ``artifact``,
    or says what failed and how to see it (``make book`` shows the same problems)."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    choice = ["--builder", builder] if builder in JB_BUILDERS else ["--builder", "custom", "--custom-builder", builder]
    proc = subprocess.run([str(jupyter_book), "build", str(root), "-W", "-n", "--keep-going", *choice,
                           "--path-output", str(out)], check=False, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"}, timeout=1200)
    if proc.returncode != 0 or not artifact.is_file():
        log = proc.stdout + proc.stderr
        lines = log_problems(log) or ANSI.sub("", log).splitlines()
        raise ChapterkitError(f"the {what} build of the book failed:\n  " + "\n  ".join(lines[-20:]), str(root),
                              f"fix what the log says (make book shows the same problems), then make {target}")
    return artifact

"""`make epub`: the whole book as one EPUB 3, with Sphinx's epub builder, checked by epubcheck.

The build goes into its own folder (``_build/epub/``); ``chapterkit.ebook`` (part of the book's Sphinx extension)
adds the cover and metadata and makes the pages valid XHTML. The EPUB is copied to ``_build/mlops-path.epub`` and,
unless told not to, checked with epubcheck (Debian's ``epubcheck`` package; it runs on Java).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from chapterkit.ebook import BASENAME
from chapterkit.errors import ChapterkitError

EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def build_epub(root: Path, work: Path) -> Path:
    """The strict EPUB build of the book; returns the EPUB file."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    shutil.rmtree(work / "_build" / "epub", ignore_errors=True)
    proc = subprocess.run([str(jupyter_book), "build", str(root), "-W", "-n", "--keep-going", "--builder", "custom",
                           "--custom-builder", "epub", "--path-output", str(work)], check=False,
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=1200)
    epub = work / "_build" / "epub" / f"{BASENAME}.epub"
    if proc.returncode != 0 or not epub.is_file():
        log = ANSI.sub("", proc.stdout + proc.stderr)
        problems = [ln for ln in log.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", ln)]
        raise ChapterkitError("the EPUB build of the book failed:\n  "
                              + "\n  ".join(problems[-20:] or log.splitlines()[-20:]), str(root),
                              "fix what the log says (make book shows the same problems), then make epub")
    return epub


def epubcheck(epub: Path) -> list[str]:
    """epubcheck's errors and warnings for ``epub`` (empty: valid)."""
    java = shutil.which("java")
    if java is None or not EPUBCHECK_JAR.is_file():
        raise ChapterkitError("epubcheck is not installed", str(EPUBCHECK_JAR),
                              "sudo apt-get install -y epubcheck  (make epub-tools does it as root)")
    proc = subprocess.run([java, "-jar", str(EPUBCHECK_JAR), "--quiet", str(epub)], check=False,
                          capture_output=True, text=True, timeout=600)
    found = [ln for ln in (proc.stdout + proc.stderr).splitlines()
             if re.match(r"^(FATAL|ERROR|WARNING)\b", ln)]
    if proc.returncode != 0 and not found:
        found.append(f"epubcheck exited {proc.returncode}: {(proc.stdout + proc.stderr)[-1500:]}")
    return found


def make_epub(root: Path, dest: Path, work: Path, check: bool = True) -> Path:
    epub = build_epub(root, work)
    if check:
        problems = epubcheck(epub)
        if problems:
            raise ChapterkitError(f"epubcheck found {len(problems)} problem(s):\n  " + "\n  ".join(problems[:20]),
                                  str(epub), "fix the page or stylesheet it names (chapterkit/epubfix.py mends "
                                  "raw HTML), then make epub")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".epub.part")
    shutil.copyfile(epub, partial)
    os.replace(partial, dest)
    return dest

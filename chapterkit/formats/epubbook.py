"""`make epub`: the whole book as one EPUB 3, with Sphinx's epub builder, checked by epubcheck.

The build goes into its own folder (``_build/epub/``); ``chapterkit.formats.ebook`` (registered by the book's
Sphinx extension) adds the cover and metadata and makes the pages valid XHTML. The EPUB is copied to ``_build/mlops-path.epub`` and,
unless told not to, checked with epubcheck (Debian's ``epubcheck`` package; it runs on Java).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from chapterkit.book.errors import ChapterkitError
from chapterkit.formats.bookbuild import strict_build
from chapterkit.formats.ebook import BASENAME

EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")
# A check runs for seconds: the JVM's quick compiler only and one GC thread halve its CPU time (13 -> 6.6 s).
JAVA_SHORT_RUN = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def build_epub(root: Path, work: Path) -> Path:
    """The strict EPUB build of the book; returns the EPUB file."""
    built = strict_build(root, work, "epub")
    return built.require(built.folder / f"{BASENAME}.epub", "EPUB", "epub")


def epubcheck(epub: Path) -> list[str]:
    """epubcheck's errors and warnings for ``epub`` (empty: valid)."""
    java = shutil.which("java")
    if java is None or not EPUBCHECK_JAR.is_file():
        raise ChapterkitError("epubcheck is not installed", str(EPUBCHECK_JAR),
                              "sudo apt-get install -y epubcheck  (make epub-tools does it as root)")
    proc = subprocess.run([java, *JAVA_SHORT_RUN, "-jar", str(EPUBCHECK_JAR), "--quiet", str(epub)], check=False,
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
                                  str(epub), "fix the page or stylesheet it names (chapterkit/formats/epubfix.py mends "
                                  "raw HTML), then make epub")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".epub.part")
    shutil.copyfile(epub, partial)
    os.replace(partial, dest)
    return dest

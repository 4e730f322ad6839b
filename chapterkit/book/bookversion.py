"""The book's version and date, for the title page of the PDF and the EPUB's metadata.

Version: ``$BOOK_VERSION`` (the release workflow sets it to the tag), else ``git describe --tags --always``, else
``version`` in ``_config.yml``, else "unversioned". Date: the date of the last commit (so that a rebuild of the same
commit prints the same date), else today's.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import yaml


def _git(root: Path, *args: str) -> str:
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], check=False, capture_output=True, text=True,
                              timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout.strip() if proc.returncode == 0 else ""


def book_version(root: Path) -> str:
    forced = os.environ.get("BOOK_VERSION", "").strip()
    if forced:
        return forced
    described = _git(root, "describe", "--tags", "--always")
    if described:
        return described
    try:
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        config = {}
    return str(config.get("version") or "unversioned")


def book_date(root: Path) -> str:
    return _git(root, "log", "-1", "--format=%cs") or dt.date.today().isoformat()

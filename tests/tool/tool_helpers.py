"""Helpers for the contributor tool's tests (a uniquely named module, so that it never clashes with another
conftest)."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "contract"
# Files of a fixture case that describe the case rather than belong to the mini-book.
CASE_FILES = {"expected.txt", "options.json", "about.txt"}

if str(REPO) not in sys.path:  # `pytest` (unlike `python -m pytest`) does not put the repo root on sys.path
    sys.path.insert(0, str(REPO))


def build_case(case: Path, dest: Path) -> Path:
    """The mini-book of a fixture case: the base book with the case's files laid over it."""
    shutil.copytree(FIXTURES / "base", dest)
    for path in sorted(case.rglob("*")):
        rel = path.relative_to(case)
        if path.is_dir() or rel.as_posix() in CASE_FILES:
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return dest


def case_options(case: Path) -> dict[str, int]:
    options = case / "options.json"
    return json.loads(options.read_text()) if options.is_file() else {}


def copy_repo(dest: Path) -> Path:
    """A copy of the repository without virtualenv, build output, git and caches."""
    from chapterkit.book.repo import copy_content

    return copy_content(REPO, dest)


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (and an entry per folder), to prove nothing changed."""
    digest: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_dir():
            digest[rel + "/"] = "dir"
        else:
            digest[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest

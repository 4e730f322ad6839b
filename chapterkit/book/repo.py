"""The book's repository as files: what a disposable copy of it (for tests and benchmarks) leaves out."""

from __future__ import annotations

import shutil
from pathlib import Path

# Environments, build output, version control and caches: none of them is content.
NOT_CONTENT = (".venv", "_build", ".git", ".pytest_cache", ".ruff_cache", "__pycache__", ".ipynb_checkpoints",
               ".bench", "node_modules")


def copy_content(source: Path, dest: Path) -> Path:
    """Copy the repository at ``source`` to ``dest`` without what :data:`NOT_CONTENT` names."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(*NOT_CONTENT), symlinks=True)
    return dest

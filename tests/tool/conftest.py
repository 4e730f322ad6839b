"""Fixtures for the contributor tool's tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tool_helpers import copy_repo


@pytest.fixture(scope="session")
def repo_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the repository per test run; tests copy it again before changing anything."""
    return copy_repo(tmp_path_factory.mktemp("snapshot") / "repo")


@pytest.fixture
def repo_copy(repo_snapshot: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(repo_snapshot, dest, symlinks=True)
    return dest

"""Shared fixtures: one strict build of the book per test session, served over http, and a headless browser."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
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
        return [line for line in self.output.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line)]


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
    ignore = shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", ".ruff_cache", "node_modules",
                                    "__pycache__", ".ipynb_checkpoints", ".bench")
    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return strict_build(ROOT, tmp_path_factory.mktemp("book"))


class _Handler(SimpleHTTPRequestHandler):
    """Static files, plus the header that lets LinkChecker go faster than its polite default."""

    def end_headers(self) -> None:
        self.send_header("LinkChecker", "local test server")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site(built_book: BuildResult) -> Iterator[str]:
    """Base URL of the built site, served on 127.0.0.1."""
    if built_book.returncode != 0:
        pytest.fail("the book did not build, so the site cannot be checked:\n" + "\n".join(built_book.problems))
    handler = functools.partial(_Handler, directory=str(built_book.html))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _need(path: Path, how: str) -> None:
    if path.exists():
        return
    message = f"{path} is missing; {how}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _need(CHROMIUM, "install it with: apt-get install -y chromium (make test does this when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    _need(AXE, "run: make browser (it installs axe-core from the npm registry)")
    return AXE.read_text(encoding="utf-8")

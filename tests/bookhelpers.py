"""Helpers shared by the book's tests: the strict build (chapterkit's own, ``chapterkit.formats.bookbuild``), a
disposable copy of the repository."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` (unlike `python -m pytest`) does not put the repo root on sys.path
    sys.path.insert(0, str(ROOT))

from chapterkit.book.repo import copy_content
from chapterkit.formats.bookbuild import ANSI, TIMEOUT, BuildResult, strict_build  # noqa: F401 - the tests' build

VENV_BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


# The book's first chapters. The suite's floors (so many diagrams, pages, queries: proof that a check saw the book)
# hold for the book; the newcomer's end-to-end test runs the same tests over the mini-book, which is held to the
# per-page checks only.
FIRST_CHAPTERS = ("technical-debt", "cs329s", "ml-test-score")


def whole_book(root: Path) -> bool:
    """Is ``root`` this book (not the mini-book that a test lays over the repository's machinery)?"""
    return all((root / "chapters" / slug).is_dir() for slug in FIRST_CHAPTERS)


AXE_PATH = "/__tests__/axe.min.js"  # axe-core, served beside a site to the tests only


class _Handler(SimpleHTTPRequestHandler):
    def translate_path(self, path: str) -> str:
        if path.split("?", 1)[0] == AXE_PATH:
            return str(AXE)
        return super().translate_path(path)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up early (a browser moving on to the next page) is not an error of the site."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` served on 127.0.0.1 (and axe-core at AXE_PATH) while the block runs; yields the base URL."""
    server = _Server(("127.0.0.1", 0), functools.partial(_Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def copy_repo(dest: Path) -> Path:
    """A copy of the repository's content (no venv, build output, caches or git) to break in a test."""
    return copy_content(ROOT, dest)


CONTRACT_FIXTURES = ROOT / "tests" / "fixtures" / "contract"
FORMATS_FIXTURE = ROOT / "tests" / "fixtures" / "formats"
# The content files of a book at its root; the rest of the root is the machinery (config, extension, theme files).
BOOK_CONTENT = ("_toc.yml", "intro.md", "glossary.md", "bibliography.md", "references.bib")
# A real notebook of the book (HTML tables, a plot, formulas), as the mini-book's notebook page.
MINI_BOOK_NOTEBOOK = ("notebooks/ml-test-score/scoring-the-rubric.ipynb", "notebooks/beta/probe.ipynb")


def mini_book(dest: Path) -> Path:
    """A small book with the repository's machinery and every construct a page can hold (a checklist, a notebook,
    formulas, a diagram, provenance markers, glossary terms, citations): the contract fixtures' mini-book with
    ``tests/fixtures/formats`` laid over it (see its README). Builds in seconds where the whole book takes minutes."""
    book = copy_repo(dest)
    for folder in ("chapters", "notebooks"):
        shutil.rmtree(book / folder)
        shutil.copytree(CONTRACT_FIXTURES / "base" / folder, book / folder)
    for name in BOOK_CONTENT:
        shutil.copyfile(CONTRACT_FIXTURES / "base" / name, book / name)
    shutil.copytree(FORMATS_FIXTURE / "chapters", book / "chapters", dirs_exist_ok=True)
    # Its links to the chapter it belongs to lead to the mini-book's chapter instead.
    notebook = (ROOT / MINI_BOOK_NOTEBOOK[0]).read_text(encoding="utf-8")
    notebook = re.sub(r"(\.\./)+chapters/[\w-]+/[\w-]+\.md", "../../chapters/beta/index.md", notebook)
    (book / MINI_BOOK_NOTEBOOK[1]).write_text(notebook, encoding="utf-8")
    return book


class SharedBuild:
    """The one strict build of the book that every test of a session reads, made in the background from the moment
    a collection shows that a test needs it, so that the other tests run while it builds. Under pytest-xdist the
    workers share ``folder`` (the session's temporary root): the first to claim the build starts it, every worker
    waits for the result file its builder writes (this file run as a script)."""

    def __init__(self, root: Path, folder: Path) -> None:
        self.root = root
        self.out = folder / "book"
        self.claim = folder / "book.claim"
        self.result_file = folder / "book.json"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        try:
            os.close(os.open(self.claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return  # claimed by this process before, or by another worker
        with self.result_file.with_suffix(".log").open("wb") as log:  # a file, not a pipe that could fill up
            self.process = subprocess.Popen([sys.executable, __file__, str(self.root), str(self.out),
                                             str(self.result_file)], stdout=log, stderr=subprocess.STDOUT)

    def result(self) -> BuildResult:
        self.start()
        deadline = time.monotonic() + TIMEOUT + 60
        while not self.result_file.exists():
            if self.process is not None and self.process.poll() is not None and not self.result_file.exists():
                stderr = self.result_file.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
                raise RuntimeError(f"the book's builder stopped without a result (exit {self.process.returncode}):\n"
                                   + stderr[-3000:])
            if time.monotonic() > deadline:
                raise TimeoutError(f"no build of the book after {TIMEOUT + 60} s (waiting for {self.result_file})")
            time.sleep(0.2)
        data = json.loads(self.result_file.read_text(encoding="utf-8"))
        return BuildResult(data["returncode"], data["output"], Path(data["folder"]), Path(data["root"]))


def _build_to_file(root: Path, out: Path, result_file: Path) -> None:
    """Build ``root`` into ``out`` and write the result to ``result_file`` in one move (a waiting worker never
    reads half of it); a builder that fails to build still writes its failure."""
    try:
        result = strict_build(root, out)
        data = {"returncode": result.returncode, "output": result.output, "folder": str(result.folder),
                "root": str(result.root)}
    except Exception as error:  # noqa: BLE001 - every failure must reach the waiting tests
        data = {"returncode": -1, "output": f"the build raised {error!r}", "folder": str(out / "_build" / "html"),
                "root": str(root)}
    partial = result_file.with_suffix(".partial")
    partial.write_text(json.dumps(data), encoding="utf-8")
    os.replace(partial, result_file)


if __name__ == "__main__":
    _build_to_file(*map(Path, sys.argv[1:4]))

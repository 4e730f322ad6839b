"""Shared fixtures: one strict build of the book per test session, served over http, and a headless browser."""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bookhelpers import AXE, CHROMIUM, IN_CI, ROOT, BuildResult, strict_build


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return strict_build(ROOT, tmp_path_factory.mktemp("book"))


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up early (a browser moving on to the next page) is not an error of the site."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def site(built_book: BuildResult) -> Iterator[str]:
    """Base URL of the built site, served on 127.0.0.1."""
    if built_book.returncode != 0:
        pytest.fail("the book did not build, so the site cannot be checked:\n" + "\n".join(built_book.problems))
    handler = functools.partial(_Handler, directory=str(built_book.html))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The shared build's tests first (on their worker, the other tests run beside the build)."""
    def rank(item: pytest.Item) -> int:
        if item.path.name == "test_build.py":
            return 0
        if item.path.name == "test_site.py":
            return 1
        return 2

    items.sort(key=rank)
    # The scheduler below can see test ids only; make sure every test of the shared build is in its group.
    strays = [item.nodeid for item in items if BOOK_FIXTURES.intersection(getattr(item, "fixturenames", ()))
              and not in_book_group(item.nodeid)]
    if strays:
        raise pytest.UsageError("these tests use the shared book build but are not in BOOK_TEST_FILES or BOOK_TESTS "
                                "of tests/conftest.py, so a second worker would build the book again:\n  "
                                + "\n  ".join(strays))
    for fixture, group in SHARED_FIXTURES.items():
        strays = [item.nodeid for item in items if fixture in getattr(item, "fixturenames", ())
                  and group_of(item.nodeid) != group]
        if strays:
            raise pytest.UsageError(f"these tests use {fixture} but are not in group '{group}' of GROUPS in "
                                    "tests/conftest.py, so a second worker would build it again:\n  "
                                    + "\n  ".join(strays))


# Under pytest-xdist (`make test` runs two workers), every test of the one shared build goes to the same worker, so
# the book is built and served once; the other tests spread over both workers. (xdist's own
# `xdist_group` marks do not reach its scheduler under pytest 9, so the group is given by test id here.)
BOOK_FIXTURES = {"built_book", "site"}
BOOK_TEST_FILES = {"tests/test_build.py", "tests/test_reader_pages.py", "tests/test_search.py", "tests/test_site.py",
                   "tests/test_site_checklist.py"}
BOOK_TESTS = {"tests/test_takeaway.py::test_every_notebook_page_names_its_launch_links",
              "tests/test_takeaway.py::test_landing_page_and_footer_link_the_pdf_and_epub"}


def in_book_group(nodeid: str) -> bool:
    return nodeid.split("::", 1)[0] in BOOK_TEST_FILES or nodeid.split("[", 1)[0] in BOOK_TESTS


# Other builds shared by a few tests, each made once: the tests of one go to one worker, by the start of their id.
GROUPS = {"pdf": ("tests/test_takeaway.py::test_pdf_",),
          "epub": ("tests/test_takeaway.py::test_epub_is_", "tests/test_takeaway.py::test_epub_passes_"),
          "broken-fork": ("tests/test_gates_bite.py::test_strict_build_", "tests/test_gates_bite.py::test_a_forks_")}
SHARED_FIXTURES = {"pdf_book": "pdf", "epub_book": "epub", "broken_fork_build": "broken-fork"}


def group_of(nodeid: str) -> str:
    """The scheduler's scope of a test: "book", one of GROUPS, or the test alone."""
    if in_book_group(nodeid):
        return "book"
    return next((name for name, starts in GROUPS.items() if nodeid.startswith(starts)), nodeid)


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    from xdist.scheduler import LoadGroupScheduling

    class BookGroupScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    return BookGroupScheduling(config, log)


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

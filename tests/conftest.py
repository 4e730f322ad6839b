"""Shared fixtures: one strict build of the book per test session (made in the background while other tests run),
served over http, and a headless browser; and how `make test`'s two pytest-xdist workers share the work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bookhelpers import (
    AXE,
    AXE_PATH,
    CHROMIUM,
    IN_CI,
    ROOT,
    BuildResult,
    SharedBuild,
    serve,
)

SHARED_BUILD = pytest.StashKey[SharedBuild]()


def shared_build(config: pytest.Config) -> SharedBuild:
    if SHARED_BUILD not in config.stash:
        base = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
        # An xdist worker's temporary folder is <the session's>/popen-gwN: the book is built once, in the parent.
        folder = base.parent if hasattr(config, "workerinput") else base
        config.stash[SHARED_BUILD] = SharedBuild(ROOT, folder)
    return config.stash[SHARED_BUILD]


@pytest.fixture(scope="session")
def built_book(request: pytest.FixtureRequest) -> BuildResult:
    return shared_build(request.config).result()


@pytest.fixture(scope="session")
def site(built_book: BuildResult) -> Iterator[str]:
    """Base URL of the built site, served on 127.0.0.1."""
    if built_book.returncode != 0:
        pytest.fail("the book did not build, so the site cannot be checked:\n" + "\n".join(built_book.problems))
    with serve(built_book.html) as url:
        yield url


# Tests that share a fixture which builds something (a module's or the session's): the tests of one group go to one
# xdist worker, so that it is built once; every other test is scheduled alone. Given by the start of the test id
# (xdist's own `xdist_group` marks do not reach its scheduler under pytest 9).
GROUPS = {"pdf": ("tests/test_takeaway.py::test_pdf_",),
          "epub": ("tests/test_takeaway.py::test_epub_is_", "tests/test_takeaway.py::test_epub_passes_"),
          "broken-fork": ("tests/test_gates_bite.py::test_strict_build_", "tests/test_gates_bite.py::test_a_forks_"),
          "broken-checklist": ("tests/test_checklist.py::test_strict_build_",),
          "search": ("tests/test_search.py::",),  # every query searched once, in one page (`answers`)
          "checklist-page": ("tests/test_site_checklist.py::",)}
SHARED_FIXTURES = {"pdf_book": "pdf", "epub_book": "epub", "broken_fork_build": "broken-fork",
                   "broken_build": "broken-checklist", "answers": "search", "tab": "search", "page": "checklist-page",
                   "fixture_book": "checklist-page"}
BOOK_FIXTURES = {"built_book", "site"}


def group_of(nodeid: str) -> str:
    """The scheduler's scope of a test: one of GROUPS, or the test alone."""
    return next((name for name, starts in GROUPS.items() if nodeid.startswith(starts)), nodeid)


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start the book's build if a test needs it, and order the tests so that the build is done when they come:
    the grouped builds and the tests without the book first, the book's tests after them (on either worker)."""
    def uses(item: pytest.Item, names: set[str] | dict[str, str]) -> bool:
        return bool(set(names).intersection(getattr(item, "fixturenames", ())))

    for fixture, group in SHARED_FIXTURES.items():
        strays = [item.nodeid for item in items if fixture in getattr(item, "fixturenames", ())
                  and group_of(item.nodeid) != group]
        if strays:
            raise pytest.UsageError(f"these tests use {fixture} but are not in group '{group}' of GROUPS in "
                                    "tests/conftest.py, so a second worker would build it again:\n  "
                                    + "\n  ".join(strays))
    # A group is scheduled as a whole where its first test comes: it waits for the book if one of its tests does.
    waits = {group_of(item.nodeid) for item in items if uses(item, BOOK_FIXTURES)}
    if waits:
        shared_build(config).start()
    def long(item: pytest.Item) -> bool:  # the longest first in each part, the many short ones fill in at the end
        return (item.get_closest_marker("slow") is not None or item.path.suffix == ".ipynb"
                or item.path.name == "test_site.py")

    items.sort(key=lambda item: (group_of(item.nodeid) in waits, group_of(item.nodeid) == item.nodeid,
                                 not long(item)))


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    from xdist.scheduler import LoadGroupScheduling

    class GroupScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    config.option.loadscopereorder = False  # in the order above, not the biggest group first
    return GroupScheduling(config, log)


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
def axe_script(site: str) -> dict[str, str]:
    """``page.add_script_tag(**axe_script)`` puts axe-core in a page. By URL from the test server: Chromium then
    keeps the compiled script between pages (as text, the 560 KB were compiled again on every page)."""
    _need(AXE, "run: make browser (it installs axe-core from the npm registry)")
    return {"url": site + AXE_PATH}

"""The scaffold end to end: new -> check -> strict build -> pytest-notebook -> the chapter on the site.

Two books: a copy of this repository (the real thing; it fails while a chapter of the repository breaks the
contract), and the fixture mini-book inside a copy of the repository's machinery (config, extension,
templates, theme files), which proves the scaffold itself whatever state the real chapters are in.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tool_helpers import FIXTURES

from chapterkit.site import search

SLUG = "scaffolding-fixture-resource"
TITLE = "Scaffolding Fixture Resource"
NEW = ["-m", "chapterkit", "new", "--title", TITLE, "--kind", "paper",
       "--url", "https://example.org/scaffolding-fixture-resource",
       "--authors", "Ada Fixture; Bo Example", "--year", "2017"]
BIN = Path(sys.executable).parent
MINI_BOOK_CONTENT = ("_toc.yml", "intro.md", "glossary.md", "bibliography.md", "references.bib")


def run(args: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=False, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def tail(result: subprocess.CompletedProcess[str], lines: int = 60) -> str:
    return "\n".join((result.stdout + result.stderr).splitlines()[-lines:])


def scaffold_and_verify(book: Path) -> None:
    toc_before = (book / "_toc.yml").read_text()

    made = run([sys.executable, *NEW], book)
    assert made.returncode == 0, tail(made)
    for step in ("make check", "make notebooks", "make book"):
        assert step in made.stdout
    chapter = book / "chapters" / f"{SLUG}.md"
    notebook = book / "notebooks" / SLUG / "first-look.ipynb"
    assert chapter.is_file() and notebook.is_file()
    assert "@inproceedings{fixture2017scaffolding," in (book / "references.bib").read_text()

    # _toc.yml: exactly three lines added; every other line, comments included, is as it was.
    toc_after = (book / "_toc.yml").read_text()
    diff = [d for d in difflib.ndiff(toc_before.splitlines(), toc_after.splitlines()) if d[:1] in "+-"]
    assert diff == [f"+       - file: chapters/{SLUG}", "+         sections:",
                    f"+           - file: notebooks/{SLUG}/first-look"]

    checked = run([sys.executable, "-m", "chapterkit", "check"], book)
    assert checked.returncode == 0, tail(checked)

    built = run([str(BIN / "jupyter-book"), "build", str(book), "-W", "-n", "--keep-going"], book)
    assert built.returncode == 0, tail(built)

    tested = run([sys.executable, "-m", "pytest", str(notebook.parent), "-p", "no:cacheprovider", "-q",
                  "-c", str(book / "pytest.ini"), "--rootdir", str(book)], book)
    assert tested.returncode == 0, tail(tested)
    assert "1 passed" in tested.stdout

    html = book / "_build" / "html"
    intro = (html / "intro.html").read_text()
    sidebar = intro.split('class="bd-sidebar-primary', 1)[1].split("</nav>", 1)[0]
    assert f'href="chapters/{SLUG}.html"' in sidebar and TITLE in sidebar, "not in the navigation"
    path_map = intro.split("chapterkit-path-map", 1)[1].split("</main>", 1)[0]
    assert f'href="chapters/{SLUG}.html#{SLUG}"' in path_map and TITLE in path_map, "not on the path map"
    indexed = search.indexed_pages(html)
    assert indexed.get(f"/chapters/{SLUG}.html") == TITLE, "not in the search index"
    page = (html / "chapters" / f"{SLUG}.html").read_text()
    assert "chapterkit-draft" in page and "At a glance" in page


@pytest.mark.slow
def test_new_chapter_end_to_end_in_the_repository(repo_copy: Path) -> None:
    scaffold_and_verify(repo_copy)


@pytest.mark.slow
def test_new_chapter_end_to_end_in_the_mini_book(repo_copy: Path) -> None:
    """The repository's machinery with the fixture mini-book as content."""
    for folder in ("chapters", "notebooks"):
        shutil.rmtree(repo_copy / folder)
        shutil.copytree(FIXTURES / "base" / folder, repo_copy / folder)
    for name in MINI_BOOK_CONTENT:
        shutil.copyfile(FIXTURES / "base" / name, repo_copy / name)
    shutil.rmtree(repo_copy / "tests" / "search-queries")
    shutil.copytree(FIXTURES / "base" / "tests" / "search-queries", repo_copy / "tests" / "search-queries")
    # The repository pins its versions (requirements.txt), so its notebooks open with the version check (NB010).
    shutil.copytree(FIXTURES / "good" / "version-check" / "notebooks", repo_copy / "notebooks", dirs_exist_ok=True)
    scaffold_and_verify(repo_copy)

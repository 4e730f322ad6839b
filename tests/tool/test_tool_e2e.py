"""The contributor's path end to end: new -> check -> the suite's chapter-wide tests -> the chapters on the site.

Two scaffolded chapters, one of each shape the scaffold offers: a single page left as the scaffold made it (a
draft), and a folder chapter (``new --folder``, the same move as ``make folder``) published with stand-in text and
ten search queries. In a copy of this repository they go into the real _toc.yml and pass the contract beside the
real chapters. In the mini-book (the repository's machinery and tests with a small book as content, see
``bookhelpers.mini_book``) the suite's tests that read every chapter (the strict build, the reader pages, the search
query set, the site's launch links) and the notebooks' regression tests run on them, in a pytest of its own, over
one build: a shape that breaks any of them fails here. The whole book with the chapters is not built: the chapter-wide
tests read each chapter alone, and the real chapters pass them in the suite's own build.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bookhelpers import mini_book
from tool_helpers import FIXTURES

from chapterkit.site import search

SLUG = "scaffolding-fixture-resource"
TITLE = "Scaffolding Fixture Resource"
NEW = ["-m", "chapterkit", "new", "--title", TITLE, "--kind", "paper",
       "--url", "https://example.org/scaffolding-fixture-resource",
       "--authors", "Ada Fixture; Bo Example", "--year", "2017"]
FOLDER_SLUG = "folded-fixture-guide"
FOLDER_TITLE = "Folded Fixture Guide"
NEW_FOLDER = ["-m", "chapterkit", "new", "--title", FOLDER_TITLE, "--kind", "guide",
              "--url", "https://example.org/folded-fixture-guide", "--authors", "Cy Fixture", "--year", "2019",
              "--folder"]
# The tests of the suite that read every chapter (they take the shapes from chapters/ and _toc.yml).
CHAPTER_WIDE_FILES = ["tests/test_build.py", "tests/test_reader_pages.py", "tests/test_search.py", "tests/test_site.py"]
CHAPTER_WIDE_TESTS = (
    "test_strict_build", "test_every_toc_entry", "test_search_index_is_built", "test_front_matter_is_not",
    "test_notebook_pages_show", "test_landing_page_maps", "test_map_markdown", "test_every_chapter_has_a_one_line",
    "test_pages_have_a_title", "test_sources_files_cover", "test_every_section_page_links",
    "test_every_chapter_marks", "test_each_chapter_lists", "test_diagrams_are_inline", "test_query_files",
    "test_launch_and_download", f"(test_query_lands and {FOLDER_SLUG})")
CHAPTER_WIDE = " or ".join(CHAPTER_WIDE_TESTS)
# Stand-in words for the published chapter: each is on its page only, so each is a query that lands there.
WORDS = ["quokkaflume", "zarbitonic", "plindrovex", "murgatrine", "vexillobar", "snorquelid", "drumbelvane",
         "fenwickory", "glorpantic", "hastrimble"]
BIN = Path(sys.executable).parent


def run(args: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=False, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def tail(result: subprocess.CompletedProcess[str], lines: int = 60) -> str:
    return "\n".join((result.stdout + result.stderr).splitlines()[-lines:])


def scaffold(book: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    made = run([sys.executable, *args], book)
    assert made.returncode == 0, tail(made)
    for step in ("make check", "make notebooks", "make book", "make search", "make own-words", "status: draft"):
        assert step in made.stdout, step
    return made


def publish(book: Path, slug: str, page: str) -> None:
    """What a contributor does before publishing, with stand-in text: placeholders replaced (one made-up word per
    paragraph of the page; the front matter's summary, which the landing page shows too, in plain words), ten search
    queries, status: draft removed."""
    path = book / page
    _, front, body = path.read_text().split("---\n", 2)
    count = iter(range(10_000))
    body = re.sub(r"TODO\(chapter\)", lambda _: WORDS[next(count) % len(WORDS)], body)
    front = front.replace("TODO(chapter)", "Stand-in").replace("status: draft\n", "")
    path.write_text(f"---\n{front}---\n{body}")
    for notebook in (book / "notebooks" / slug).glob("*.ipynb"):
        notebook.write_text(notebook.read_text().replace("TODO(chapter)", "Stand-in"))
    bib = book / "references.bib"
    bib.write_text(bib.read_text().replace("TODO(chapter)", "Stand-in"))
    html = page.removesuffix(".md") + ".html"
    queries = "".join(f'- {{q: "{word}", page: "{html}"}}\n' for word in WORDS)
    (book / "tests" / "search-queries" / f"{slug}.yml").write_text(queries)


def add_published_folder_chapter(book: Path) -> None:
    """The folder chapter scaffolded and published beside the single page; the contract passes."""
    scaffold(book, NEW_FOLDER)
    for name in ("index.md", "sources.yml", "where-this-comes-from.md"):
        assert (book / "chapters" / FOLDER_SLUG / name).is_file(), name
    assert not (book / "chapters" / f"{FOLDER_SLUG}.md").exists()
    publish(book, FOLDER_SLUG, f"chapters/{FOLDER_SLUG}/index.md")
    checked = run([sys.executable, "-m", "chapterkit", "check"], book)
    assert checked.returncode == 0, tail(checked)


@pytest.mark.slow
def test_new_chapters_fit_the_real_book(repo_copy: Path) -> None:
    """In a copy of this repository (it fails while a chapter of the repository breaks the contract): the scaffold
    adds to _toc.yml only its lines, in the right part, with every comment kept, and ``check`` passes with the
    two new chapters beside the real ones (no clash of labels, keys, terms or pages)."""
    toc_before = (repo_copy / "_toc.yml").read_text()
    scaffold(repo_copy, NEW)
    toc_after = (repo_copy / "_toc.yml").read_text()
    diff = [d for d in difflib.ndiff(toc_before.splitlines(), toc_after.splitlines()) if d[:1] in "+-"]
    assert diff == [f"+       - file: chapters/{SLUG}", "+         sections:",
                    f"+           - file: notebooks/{SLUG}/first-look"]
    assert "@inproceedings{fixture2017scaffolding," in (repo_copy / "references.bib").read_text()
    assert (repo_copy / "tests" / "search-queries" / f"{SLUG}.yml").is_file()
    add_published_folder_chapter(repo_copy)


@pytest.mark.slow
def test_new_chapters_of_both_shapes_pass_the_chapter_wide_tests(tmp_path: Path) -> None:
    """In the mini-book (the repository's machinery and tests, a small book as content, so that it builds in
    seconds), the two scaffolded chapters pass the suite's chapter-wide tests and their notebooks' regression tests,
    and are in the navigation, on the path map and in the search index."""
    book = mini_book(tmp_path / "book")
    shutil.rmtree(book / "tests" / "search-queries")
    shutil.copytree(FIXTURES / "base" / "tests" / "search-queries", book / "tests" / "search-queries")
    # The repository pins its versions (requirements.txt), so its notebooks open with the version check (NB010).
    shutil.copytree(FIXTURES / "good" / "version-check" / "notebooks", book / "notebooks", dirs_exist_ok=True)
    scaffold(book, NEW)
    add_published_folder_chapter(book)

    notebooks = [f"notebooks/{SLUG}", f"notebooks/{FOLDER_SLUG}"]
    basetemp = tmp_path / "suite"
    tested = run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", "--basetemp", str(basetemp),
                  *CHAPTER_WIDE_FILES, *notebooks, "-k", f"{CHAPTER_WIDE} or ipynb"], book)
    assert tested.returncode == 0, tail(tested)
    summary = tested.stdout.splitlines()[-1]
    assert " passed" in summary and "skipped" not in summary, tail(tested)
    regressions = re.findall(r"^PASSED (notebooks/\S+\.ipynb)::nbregression", tested.stdout, re.MULTILINE)
    made = sorted(p.relative_to(book).as_posix() for folder in notebooks for p in (book / folder).glob("*.ipynb"))
    assert made and sorted(regressions) == made, tail(tested)

    html = next(basetemp.glob("book*/_build/html"))
    intro = (html / "intro.html").read_text()
    sidebar = intro.split('class="bd-sidebar-primary', 1)[1].split("</nav>", 1)[0]
    path_map = intro.split("chapterkit-path-map", 1)[1].split("</main>", 1)[0]
    indexed = search.indexed_pages(html)
    for href, title, draft in ((f"chapters/{SLUG}.html", TITLE, True),
                               (f"chapters/{FOLDER_SLUG}/index.html", FOLDER_TITLE, False)):
        slug = href.split("/")[1].removesuffix(".html")
        assert f'href="{href}"' in sidebar and title in sidebar, f"{title}: not in the navigation"
        assert f'href="{href}#{slug}"' in path_map and title in path_map, f"{title}: not on the path map"
        assert indexed.get(f"/{href}") == title, f"{title}: not in the search index"
        page = (html / href).read_text()
        assert ("chapterkit-draft" in page) == draft and "At a glance" in page, title

"""The contributor's path end to end: new -> check -> the suite's chapter-wide tests -> the chapters on the site.

In a copy of this repository (the real thing; it fails while a chapter of the repository breaks the contract),
two scaffolded chapters, one of each shape the scaffold offers: a single page left as the scaffold made it (a
draft), and a folder chapter (``new --folder``, the same move as ``make folder``) published with stand-in text and
ten search queries. Then the suite's tests that read every chapter (the strict build, the reader pages, the
search query set, the site's launch links) run on the copy, in a pytest of its own, over one build shared by both
chapters: a shape that breaks any of them fails here. The fixture mini-book inside a copy of the repository's
machinery proves the scaffold and the contract whatever state the real chapters are in (no build there).
"""

from __future__ import annotations

import difflib
import re
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
MINI_BOOK_CONTENT = ("_toc.yml", "intro.md", "glossary.md", "bibliography.md", "references.bib")


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
    paragraph), ten search queries, status: draft removed."""
    path = book / page
    text = path.read_text()
    count = iter(range(10_000))
    text = re.sub(r"TODO\(chapter\)", lambda _: WORDS[next(count) % len(WORDS)], text)
    path.write_text(text.replace("status: draft\n", ""))
    for notebook in (book / "notebooks" / slug).glob("*.ipynb"):
        notebook.write_text(notebook.read_text().replace("TODO(chapter)", "Stand-in"))
    bib = book / "references.bib"
    bib.write_text(bib.read_text().replace("TODO(chapter)", "Stand-in"))
    html = page.removesuffix(".md") + ".html"
    queries = "".join(f'- {{q: "{word}", page: "{html}"}}\n' for word in WORDS)
    (book / "tests" / "search-queries" / f"{slug}.yml").write_text(queries)


@pytest.mark.slow
def test_new_chapters_of_both_shapes_pass_the_chapter_wide_tests(repo_copy: Path, tmp_path: Path) -> None:
    toc_before = (repo_copy / "_toc.yml").read_text()
    scaffold(repo_copy, NEW)
    # _toc.yml: exactly three lines added; every other line, comments included, is as it was.
    toc_after = (repo_copy / "_toc.yml").read_text()
    diff = [d for d in difflib.ndiff(toc_before.splitlines(), toc_after.splitlines()) if d[:1] in "+-"]
    assert diff == [f"+       - file: chapters/{SLUG}", "+         sections:",
                    f"+           - file: notebooks/{SLUG}/first-look"]
    assert "@inproceedings{fixture2017scaffolding," in (repo_copy / "references.bib").read_text()
    assert (repo_copy / "tests" / "search-queries" / f"{SLUG}.yml").is_file()

    scaffold(repo_copy, NEW_FOLDER)
    index = f"chapters/{FOLDER_SLUG}/index.md"
    assert not (repo_copy / "chapters" / f"{FOLDER_SLUG}.md").exists()
    for name in ("index.md", "sources.yml", "where-this-comes-from.md"):
        assert (repo_copy / "chapters" / FOLDER_SLUG / name).is_file(), name
    publish(repo_copy, FOLDER_SLUG, index)

    checked = run([sys.executable, "-m", "chapterkit", "check"], repo_copy)
    assert checked.returncode == 0, tail(checked)

    notebooks = [f"notebooks/{SLUG}", f"notebooks/{FOLDER_SLUG}"]
    basetemp = tmp_path / "suite"
    tested = run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--basetemp", str(basetemp), *CHAPTER_WIDE_FILES, *notebooks, "-k",
                  f"{CHAPTER_WIDE} or ipynb"], repo_copy)
    assert tested.returncode == 0, tail(tested)
    assert " passed" in tested.stdout and "skipped" not in tested.stdout.splitlines()[-1], tail(tested)

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


@pytest.mark.slow
def test_new_chapter_end_to_end_in_the_mini_book(repo_copy: Path) -> None:
    """The repository's machinery with the fixture mini-book as content: the scaffold, the contract and the
    notebook's regression test."""
    for folder in ("chapters", "notebooks"):
        shutil.rmtree(repo_copy / folder)
        shutil.copytree(FIXTURES / "base" / folder, repo_copy / folder)
    for name in MINI_BOOK_CONTENT:
        shutil.copyfile(FIXTURES / "base" / name, repo_copy / name)
    shutil.rmtree(repo_copy / "tests" / "search-queries")
    shutil.copytree(FIXTURES / "base" / "tests" / "search-queries", repo_copy / "tests" / "search-queries")
    # The repository pins its versions (requirements.txt), so its notebooks open with the version check (NB010).
    shutil.copytree(FIXTURES / "good" / "version-check" / "notebooks", repo_copy / "notebooks", dirs_exist_ok=True)
    scaffold(repo_copy, NEW)
    checked = run([sys.executable, "-m", "chapterkit", "check"], repo_copy)
    assert checked.returncode == 0, tail(checked)
    notebook = repo_copy / "notebooks" / SLUG
    tested = run([sys.executable, "-m", "pytest", str(notebook), "-p", "no:cacheprovider", "-q",
                  "-c", str(repo_copy / "pytest.ini"), "--rootdir", str(repo_copy)], repo_copy)
    assert tested.returncode == 0, tail(tested)
    assert "1 passed" in tested.stdout

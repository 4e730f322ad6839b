"""Quality gate 3: the strict build passes from an empty build folder, and renders what it should."""

from __future__ import annotations

import yaml
from bookhelpers import ROOT, BuildResult

from chapterkit.book import toc
from chapterkit.site import search


def toc_docnames() -> list[str]:
    """Every document of _toc.yml, read with the parser Jupyter Book uses."""
    return toc.index(toc.parse(ROOT / "_toc.yml")).order


def test_strict_build_has_no_warnings(built_book: BuildResult) -> None:
    assert built_book.problems == [], "the strict build warned:\n" + "\n".join(built_book.problems)
    assert built_book.returncode == 0, built_book.output[-3000:]


def test_every_toc_entry_becomes_a_page(built_book: BuildResult) -> None:
    missing = [name for name in toc_docnames() if not (built_book.html / f"{name}.html").exists()]
    assert missing == [], f"pages in _toc.yml with no HTML: {missing}"


def test_search_index_is_built(built_book: BuildResult) -> None:
    """The build itself runs Pagefind: every page of _toc.yml is in the index, and Sphinx's own index is gone."""
    indexed = search.indexed_pages(built_book.html)
    missing = [name for name in toc_docnames() if f"/{name}.html" not in indexed]
    assert missing == [], f"pages missing from the Pagefind index: {missing}"
    assert not (built_book.html / "searchindex.js").exists()


def test_front_matter_is_not_rendered_on_the_page(built_book: BuildResult) -> None:
    """Chapter front matter is for tools; the theme must not print it as a field list."""
    for page in (built_book.html / "chapters").rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        assert "field-list" not in html, f"{page.relative_to(built_book.html)} renders a field list"
        assert "prerequisites:" not in html and "cite:" not in html, page


def test_notebook_pages_show_committed_outputs(built_book: BuildResult) -> None:
    pages = sorted((built_book.html / "notebooks").rglob("*.html"))
    assert pages, "no notebook pages were built"
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "cell_output" in html, f"{page.relative_to(built_book.html)} shows no cell output"


def test_build_does_not_execute_notebooks() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["execute"]["execute_notebooks"] == "off"


def test_landing_page_maps_every_chapter(built_book: BuildResult) -> None:
    html = (built_book.html / "intro.html").read_text(encoding="utf-8")
    # A chapter is chapters/<slug> (one page) or chapters/<slug>/index (several pages).
    chapters = [n for n in toc_docnames()
                if n.startswith("chapters/") and (n.count("/") == 1 or n.endswith("/index"))]
    assert chapters
    for name in chapters:
        assert f'href="{name}.html' in html, f"the path map on the landing page does not link {name}"

"""The gates bite: break the book in a temporary copy and prove the suite fails, naming the file."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bookhelpers import ANSI, ROOT, BuildResult, mini_book, strict_build

pytestmark = pytest.mark.slow


FORK = "a-fork-owner/their-copy"


@pytest.fixture(scope="module")
def broken_fork_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """One build of the book a fork's deploy would make (``set-repository``), with an undefined term and a broken
    reference planted in it. The book is the mini-book (``bookhelpers.mini_book``: the repository's machinery,
    its _config.yml among it, and one page of each construct), so that the build takes seconds: what is proven is
    the machinery's, whatever the content."""
    tmp_path = tmp_path_factory.mktemp("broken-fork")
    book = mini_book(tmp_path / "book")
    term_page = book / "chapters" / "alpha.md"
    ref_page = book / "chapters" / "beta" / "index.md"
    term_page.write_text(term_page.read_text(encoding="utf-8")
                         + "\nA {term}`flux capacitor debt` that the glossary does not define.\n", encoding="utf-8")
    ref_page.write_text(ref_page.read_text(encoding="utf-8")
                        + "\nSee {ref}`no-such-section-anywhere`.\n"
                        + "\nA claim {prov}`companion: nosuchbook ch. 1` from an undeclared work.\n"
                        + "\n:::{diagram} diagrams/broken.dot\n:alt: Two boxes.\nThe book's own drawing.\n:::\n",
                        encoding="utf-8")
    (ref_page.parent / "diagrams").mkdir(exist_ok=True)
    (ref_page.parent / "diagrams" / "broken.dot").write_text("digraph g {\n  a -> b;\n  c -> -> d;\n}\n",
                                                              encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "chapterkit", "set-repository", FORK], cwd=book, check=False,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return strict_build(book, tmp_path / "out")


def test_strict_build_fails_on_undefined_term_and_broken_ref(broken_fork_build: BuildResult) -> None:
    result = broken_fork_build
    assert result.returncode != 0
    term_lines = [p for p in result.problems if "flux capacitor debt" in p]
    ref_lines = [p for p in result.problems if "no-such-section-anywhere" in p]
    assert term_lines and "chapters/alpha.md" in term_lines[0], result.problems
    assert ref_lines and "chapters/beta/index.md" in ref_lines[0], result.problems
    # A marker naming a work its chapter does not declare, and a diagram whose DOT does not parse.
    prov_lines = [p for p in result.problems if "'nosuchbook' is not declared under 'companions:'" in p]
    assert prov_lines and "chapters/beta/index.md" in prov_lines[0], result.problems
    dot_lines = [p for p in result.problems if "chapters/beta/diagrams/broken.dot:3" in p]
    assert dot_lines and "syntax error" in dot_lines[0], result.problems


def test_a_forks_site_points_its_buttons_at_the_fork(broken_fork_build: BuildResult) -> None:
    """The deploy's rewrite, end to end: edit, issue, Colab and Binder buttons all name the fork."""
    html = broken_fork_build.html
    chapter = (html / "chapters" / "beta" / "index.html").read_text(encoding="utf-8")
    assert f'href="https://github.com/{FORK}/edit/main/chapters/beta/index.md"' in chapter
    assert f"https://github.com/{FORK}/issues/new" in chapter
    assert "mlops-path/mlops-path" not in chapter and "mlops-path.github.io" not in chapter
    assert 'content="https://a-fork-owner.github.io/their-copy/chapters/beta/index.html"' in chapter
    notebook = next((html / "notebooks").rglob("*.html"))
    rel = notebook.relative_to(html).with_suffix(".ipynb").as_posix()
    page = notebook.read_text(encoding="utf-8")
    assert f"https://colab.research.google.com/github/{FORK}/blob/main/{rel}" in page
    assert f"https://mybinder.org/v2/gh/{FORK}/main?urlpath=lab/tree/{rel}" in page


def test_notebook_regression_fails_when_stored_output_changes(tmp_path: Path) -> None:
    """pytest-notebook, with the project's own configuration, fails on a changed printed number."""
    book = tmp_path / "book"
    folder = book / "notebooks" / "broken"
    folder.mkdir(parents=True)
    (book / "pytest.ini").write_text((ROOT / "pytest.ini").read_text(encoding="utf-8"), encoding="utf-8")
    path = folder / "stale-output.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Stale output"),
                nbformat.v4.new_code_cell("print(round(0.1 + 0.2, 3))")]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="0.31\n")]  # the truth is 0.3
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, path)

    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-c", str(book / "pytest.ini"),
         "--rootdir", str(book), str(path)],
        check=False, capture_output=True, text=True, cwd=book, timeout=300,
    )

    out = ANSI.sub("", proc.stdout)
    assert proc.returncode == 1, out[-3000:]
    assert "notebooks/broken/stale-output.ipynb" in out
    assert "-0.31" in out and "+0.3" in out, out[-3000:]


def test_link_check_names_each_broken_link_and_anchor(tmp_path: Path) -> None:
    """The site's link check (tests/sitelinks.py) finds a missing page, image, style-sheet url(), folder index and
    anchor, in the page that holds each; it passes good links, external ones and the ignored downloads."""
    import re

    from sitelinks import check_site

    (tmp_path / "_static").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "empty").mkdir()
    (tmp_path / "docs" / "index.html").write_text('<h1 id="top">Docs</h1><a name="old-name"></a>', encoding="utf-8")
    (tmp_path / "_static" / "site.css").write_text(
        "a { background: url('icon.svg'); } b { background: url(data:image/png;base64,AAAA); }", encoding="utf-8")
    (tmp_path / "_static" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "page.html").write_text(
        '<link rel="stylesheet" href="_static/site.css?v=1"><p id="here">'
        '<a href="#here">ok</a> <a href="docs/#top">ok</a> <a href="docs/index.html#old-name">ok</a>'
        '<a href="https://example.org/x#y">external</a> <a href="mailto:a@b.c">mail</a>'
        '<a href="downloads/book.pdf">ignored</a> <img src="_static/logo.svg?digest=1" alt="">'
        '<a href="missing.html">1</a> <a href="docs/#gone">2</a> <img src="_static/nope.png" alt="">'
        '<a href="empty/">3</a> <a href="#nowhere">4</a></p>', encoding="utf-8")
    report = check_site(tmp_path, ignore=re.compile(r"^/downloads/book\.pdf$"))
    assert report.pages == 2 and report.links == 11, report
    assert report.problems == [
        "page.html: missing.html -> no such file /missing.html",
        "page.html: docs/#gone -> docs/index.html has no #gone",
        "page.html: _static/nope.png -> no such file /_static/nope.png",
        "page.html: empty/ -> no such file /empty/index.html",
        "page.html: #nowhere -> page.html has no #nowhere",
        "_static/site.css: url(icon.svg) -> no such file /_static/icon.svg",
    ]


def test_site_crawl_names_console_errors_faint_text_and_code_too_wide_for_a_laptop(browser, tmp_path: Path) -> None:
    """The book's page crawl (tests/test_site.py) fails on a page that logs an error, on text too faint to read
    (axe-core), and on a notebook code cell wider than a laptop screen, naming the page; it passes a clean page."""
    import test_site
    from bookhelpers import AXE, AXE_PATH, IN_CI, serve

    if not AXE.is_file():
        (pytest.fail if IN_CI else pytest.skip)("axe-core is missing: run make browser")
    page = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{0}</title>'
            '<link rel="icon" href="data:,"></head><body><main>'
            '<h1>{0}</h1>{1}</main></body></html>')
    bodies = {"clean.html": "<p>Readable text.</p>",
              "logs.html": "<p>Text.</p><script>console.error('a planted error')</script>",
              "faint.html": '<p style="color:#ddd;background:#fff">Faint text.</p>',
              "notebooks/wide.html": '<div class="cell_input"><pre tabindex="0" style="overflow:auto;margin:0">'
                                     + "x = 1  # " + "a long comment " * 20 + "</pre></div>"}
    for name, body in bodies.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(page.format(name, body), encoding="utf-8")
    crawl = test_site.test_every_page_loads_cleanly_passes_axe_and_fits_a_laptop
    with serve(tmp_path) as url:
        axe = {"url": url + AXE_PATH}
        crawl(browser, url, ["clean.html"] * test_site.CRAWL_PARTS * 3, axe, 0)
        with pytest.raises(AssertionError) as failed:
            bad = ("logs.html", "faint.html", "notebooks/wide.html")  # the crawl's part 0: every fourth page
            crawl(browser, url, [p for name in bad for p in (name, *["clean.html"] * 3)], axe, 0)
    report = str(failed.value)
    for name, says in (("logs.html", "a planted error"), ("faint.html", "color-contrast (serious)"),
                       ("notebooks/wide.html", "a long comment")):
        assert re.search(rf"{re.escape(name)}.*{re.escape(says)}", report), report
    assert "clean.html" not in report, report

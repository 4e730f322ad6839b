"""Small pure functions of chapterkit: slugs, bib keys, the toc editor, Markdown scanning, the path map."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import nbformat
import pytest
from tool_helpers import FIXTURES, REPO

from chapterkit.author import scaffold
from chapterkit.book import bib, mdscan, toc
from chapterkit.site import pathmap


@pytest.mark.parametrize(("title", "slug"), [
    ("The ML Test Score", "the-ml-test-score"),
    ("  CS 329S: Machine Learning Systems Design!  ", "cs-329s-machine-learning-systems-design"),
    ("Rules of ML — Best Practices", "rules-of-ml-best-practices"),
    ("x" * 80, "x" * 60),
    ("word " * 30, "-".join(["word"] * 12)),
])
def test_slugify(title: str, slug: str) -> None:
    assert scaffold.slugify(title) == slug
    assert len(scaffold.slugify(title)) <= 60


def test_bib_key() -> None:
    authors = ["Eric Breck", "D. Sculley"]
    assert bib.make_key(authors, 2017, "The ML Test Score", set()) == "breck2017ml"
    assert bib.make_key(authors, 2017, "The ML Test Score", {"breck2017ml"}) == "breck2017mlb"
    assert bib.make_key(["Jean-François Crespo"], 2015, "On the Hidden Debt", set()) == "crespo2015hidden"
    assert bib.make_key(["Sculley, D."], 2015, "A Study", set()) == "sculley2015study"


def test_bib_entry_renders_and_parses() -> None:
    entry = bib.render_entry("breck2017ml", "paper", "The ML Test Score", ["Eric Breck", "D. Sculley"], 2017,
                             "https://research.google/pubs/pub46555/", "TODO(chapter)")
    assert entry.startswith("@inproceedings{breck2017ml,\n")
    assert "author    = {Breck, Eric and Sculley, D.}" in entry
    assert "title     = {The {ML} Test Score}" in entry
    assert "TODO(chapter)" in entry
    assert [e.key for e in bib.entries(entry)] == ["breck2017ml"]


TOC_WITH_COMMENTS = """\
# top comment
format: jb-book
root: intro  # the landing page
parts:
  - caption: First
    chapters:
      - file: chapters/a   # first chapter
        sections:
          - file: notebooks/a/x

      # trailing comment of part First
  # Part Second follows
  - caption: Second
    chapters:
      - file: glossary
"""


@pytest.mark.parametrize(("part", "expected_chapters"), [
    (None, ["chapters/a", "chapters/new", "glossary"]),
    ("Second", ["chapters/a", "glossary", "chapters/new"]),
])
def test_add_chapter_keeps_every_other_line(part: str | None, expected_chapters: list[str]) -> None:
    new_text = toc.add_chapter(TOC_WITH_COMMENTS, "chapters/new", ["notebooks/new/first-look"], part)
    added = ["      - file: chapters/new", "        sections:", "          - file: notebooks/new/first-look"]
    diff = [d for d in difflib.ndiff(TOC_WITH_COMMENTS.splitlines(), new_text.splitlines()) if d[:1] in "+-"]
    assert diff == [f"+ {line}" for line in added]
    index = toc.index(toc.parse_text(new_text))
    assert index.chapters == expected_chapters
    assert index.parent["notebooks/new/first-look"] == "chapters/new"


def test_add_chapter_to_unknown_part() -> None:
    with pytest.raises(toc.TocError, match="no part captioned 'Third'.*'First', 'Second'"):
        toc.add_chapter(TOC_WITH_COMMENTS, "chapters/new", [], "Third")


def test_toc_yaml_error_has_line() -> None:
    with pytest.raises(toc.TocError) as info:
        toc.parse_text("format: jb-book\nroot: intro\nparts:\n  - caption: A\n     chapters: x\n")
    assert info.value.line == 5


def test_markup_lines_skip_code_and_comments() -> None:
    text = "(a)=\n# T\n```python\n## no\n```\n% {term}`no`\n```{bibliography}\n```\n## Yes {cite:p}`k1, k2`\n"
    lines = list(mdscan.markup_lines(text))
    assert [h.text for h in mdscan.headings(lines)] == ["T", "Yes {cite:p}`k1, k2`"]
    assert [(r.number, r.name, mdscan.cite_keys(r.content)) for r in mdscan.roles(lines)] == [
        (9, "cite:p", ["k1", "k2"])]
    assert mdscan.term_target("drift <Data drift>") == "Data drift"


def test_notebook_template_follows_the_contract() -> None:
    template = (REPO / "templates" / "notebook.py").read_text()
    nb = scaffold.notebook_from_template(template, {
        "title": "T", "topic_title": "First look", "slug": "t"})
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# T: First look")
    assert "../../chapters/t.md" in nb.cells[0].source
    assert any(c.cell_type == "markdown" and c.source.startswith("## Checks") for c in nb.cells)
    assert "assert" in nb.cells[-1].source


def test_chapters_in_path_reads_single_page_and_folder_chapters() -> None:
    found = pathmap.chapters_in_path(FIXTURES / "base")
    assert [(slug, file.relative_to(FIXTURES / "base").as_posix()) for slug, _, file in found] == [
        ("alpha", "chapters/alpha.md"), ("beta", "chapters/beta/index.md")]
    assert found[0][1].resource.cite == "alpha2020first"


def test_map_lists_draft_badge(tmp_path: Path) -> None:
    found = pathmap.chapters_in_path(FIXTURES / "base")
    meta = found[0][1]
    lines = pathmap.map_markdown([("alpha", meta)])
    assert ":link: alpha" in lines and not any("draft" in line for line in lines)


def test_strip_volatile_merges_split_stream_outputs() -> None:
    """Timing splits a cell's prints into chunks; the committed notebook must hold them merged."""
    import nbformat

    from chapterkit.author.notebooks import strip_volatile

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1); print(2)")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="1\n"),
        nbformat.v4.new_output("stream", name="stdout", text="2\n"),
        nbformat.v4.new_output("stream", name="stderr", text="warn\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "3"}, execution_count=1),
        nbformat.v4.new_output("stream", name="stdout", text="4\n"),
    ]
    nb.cells = [cell]
    strip_volatile(nb)
    texts = [(o.output_type, o.get("name"), o.get("text")) for o in nb.cells[0].outputs]
    assert texts == [("stream", "stdout", "1\n2\n"), ("stream", "stderr", "warn\n"),
                     ("execute_result", None, None), ("stream", "stdout", "4\n")]


def test_bib_entry_fits_the_venue_and_the_kind() -> None:
    journal = bib.render_entry("a2020x", "paper", "X", ["Ann Author"], 2020, "https://a.b/", "TODO", "journal")
    assert journal.startswith("@article{a2020x,") and "journal = {TODO the journal's name}" in journal
    conference = bib.render_entry("a2020x", "paper", "X", ["Ann Author"], 2020, "https://a.b/", "TODO",
                                  "conference")
    assert conference.startswith("@inproceedings{") and "booktitle" in conference
    assert bib.render_entry("a2020x", "paper", "X", ["A B"], 2020, "https://a.b/", "T").startswith("@inproceedings{")
    guide = bib.render_entry("a2020x", "guide", "X", ["A B"], 2020, "https://a.b/", "T")
    assert guide.startswith("@misc{") and "howpublished" in guide


def test_search_stub_is_comments_only_and_says_the_format() -> None:
    import yaml

    stub = scaffold.search_stub("new-thing", "New Thing")
    assert yaml.safe_load(stub) is None and all(line.startswith("#") for line in stub.splitlines())
    assert 'page: "chapters/new-thing.html"' in stub and "make search" in stub and "10" in stub


def test_version_cell_update_keeps_the_file_mode(tmp_path: Path) -> None:
    from chapterkit.author import versioncell as writer

    notebook = tmp_path / "demo.ipynb"
    shutil.copyfile(FIXTURES / "base" / "notebooks" / "alpha" / "demo.ipynb", notebook)
    notebook.chmod(0o644)
    assert writer.apply(notebook, {"numpy": "2.0.0"}).status != "current"
    assert notebook.stat().st_mode & 0o777 == 0o644


def test_notebooks_run_with_one_blas_thread_in_make_notebooks_and_in_make_test(tmp_path: Path) -> None:
    """`make notebooks` (chapterkit's execute) and pytest-notebook (pytest.ini) give the kernel the same thread
    settings, so that the committed outputs are made as the tests make them."""
    import configparser

    from chapterkit.author import notebooks

    ini = configparser.ConfigParser()
    ini.read(REPO / "pytest.ini")
    tested = dict(line.split("=", 1) for line in ini["pytest"]["nb_exec_env"].split())
    assert tested == notebooks.ONE_THREAD
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os\nprint(sorted((k, os.environ[k]) for k in "
                                          f"{sorted(notebooks.ONE_THREAD)!r}))")]
    path = tmp_path / "threads.ipynb"
    nbformat.write(nb, path)
    notebooks.execute(path)
    printed = nbformat.read(path, as_version=4).cells[0].outputs[0]["text"]
    assert printed.strip() == str(sorted(notebooks.ONE_THREAD.items()))

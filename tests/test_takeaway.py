"""Take the book with you: the whole book as PDF and EPUB, notebooks that launch with pinned versions.

- the launch line of each notebook page (Binder, Colab, download) has the right form for the repository, branch
  and notebook path, on the built site;
- binder/ pins the same versions as requirements.txt, and names the Python the book is tested with;
- the version-check cell: inserted and updated by ``python -m chapterkit version-cell``, idempotent, stdlib only,
  lines of at most 88 characters, a deterministic report; the contract flags a notebook without it (NB010);
- the EPUB's pages are mended into well-formed XHTML;
- slow: ``make pdf``'s PDF (every chapter's title, the glossary, an outline by part and chapter, more pages than
  chapters, the version on the title page) and ``make epub``'s EPUB (a valid container, every page, epubcheck).
  Each is built once per session (``pdf_book``, ``epub_book``), of the mini-book (``bookhelpers.mini_book``: the
  repository's machinery and one page of each construct, a real notebook among them), which builds in seconds
  where the whole book takes minutes. The whole book's PDF and EPUB are built where they are published: the
  deploy and release workflows run ``make pdf epub`` (``make epub`` fails on any epubcheck finding), and so can an
  author.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import nbformat
import pytest
import yaml
from bookhelpers import CHROMIUM, IN_CI, ROOT, BuildResult, mini_book

from chapterkit import contract
from chapterkit.author import versioncell as writer
from chapterkit.book import nbimports, versioncell
from chapterkit.book.errors import ChapterkitError
from chapterkit.formats import epubfix
from chapterkit.site import launch

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
NOTEBOOK_LIBRARIES = ("numpy", "pandas", "scipy", "scikit-learn", "matplotlib", "ipykernel", "jupyterlab")


def toc_files(root: Path = ROOT) -> list[str]:
    """Every docname of the book's _toc.yml, in order."""
    toc = TOC if root == ROOT else yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    found: list[str] = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries or []:
            if "file" in entry:
                found.append(re.sub(r"\.(md|ipynb)$", "", entry["file"]))
            walk(entry.get("sections") or [])

    for part in toc.get("parts") or []:
        walk(part.get("chapters") or [])
    return found


def notebook_docs() -> list[str]:
    return [d for d in toc_files() if (ROOT / f"{d}.ipynb").is_file()]


def chapter_titles(root: Path = ROOT) -> list[str]:
    """The '# Title' of every chapter of the path (the first-level entries of its first part)."""
    titles = []
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    for entry in toc["parts"][0]["chapters"]:
        source = root / f"{entry['file']}.md"
        match = re.search(r"^# (.+)$", source.read_text(encoding="utf-8"), re.MULTILINE)
        assert match, f"{source}: no '# Title'"
        titles.append(match.group(1).strip())
    return titles


# --- launch links -----------------------------------------------------------------------------------------------

def expected_links(notebook: str) -> dict[str, str]:
    """The three links, written out by hand from _config.yml: what Binder and Colab document as their URL form."""
    owner, name = CONFIG["repository"]["url"].removeprefix("https://github.com/").split("/")
    branch = CONFIG["repository"]["branch"]
    path = f"{CONFIG['repository'].get('path_to_book') or ''}".strip("/")
    path = f"{path}/{notebook}" if path else notebook
    return {
        "Binder": f"https://mybinder.org/v2/gh/{owner}/{name}/{branch}?urlpath=lab%2Ftree%2F"
                  + path.replace("/", "%2F"),
        "Colab": f"https://colab.research.google.com/github/{owner}/{name}/blob/{branch}/{path}",
        "download": f"https://github.com/{owner}/{name}/raw/{branch}/{path}",
    }


def test_launch_links_have_the_form_binder_and_colab_expect() -> None:
    options = {"repository_url": CONFIG["repository"]["url"], "repository_branch": CONFIG["repository"]["branch"],
               "path_to_docs": CONFIG["repository"].get("path_to_book", ""),
               "launch_buttons": CONFIG["launch_buttons"]}
    notebook = "notebooks/technical-debt/entanglement.ipynb"
    found = launch.launch_for(options, notebook)
    assert found is not None
    want = expected_links(notebook)
    assert (found.binder, found.colab, found.github_download) == (want["Binder"], want["Colab"], want["download"])
    # A book in a sub-folder, another branch and a fork.
    moved = launch.launch_for({**options, "repository_url": "https://github.com/someone/fork",
                               "repository_branch": "draft", "path_to_docs": "book/"}, notebook)
    assert moved is not None
    assert moved.colab == f"https://colab.research.google.com/github/someone/fork/blob/draft/book/{notebook}"
    assert moved.binder.startswith("https://mybinder.org/v2/gh/someone/fork/draft?urlpath=lab%2Ftree%2Fbook%2F")
    assert launch.launch_for({**options, "repository_url": "https://gitlab.com/a/b"}, notebook) is None


def test_landing_page_and_footer_link_the_pdf_and_epub(built_book: BuildResult, tmp_path: Path) -> None:
    """A format is linked only when the built site holds its file (downloads/ when the build starts): this build
    has neither, so no page links them and the landing page says how to build them. The deploy builds both
    first, puts them in downloads/, then builds the site and checks that it links them."""
    from chapterkit.site import reader

    for page in built_book.html.rglob("*.html"):
        assert "downloads/mlops-path." not in page.read_text(encoding="utf-8"), f"{page}: links a missing file"
    intro = (built_book.html / "intro.html").read_text(encoding="utf-8")
    assert "make</span> <span class=\"pre\">pdf" in intro and "make</span> <span class=\"pre\">epub" in intro
    assert reader.downloads_in(tmp_path) == []
    (tmp_path / "downloads").mkdir()
    (tmp_path / "downloads" / "mlops-path.epub").write_bytes(b"PK")
    assert reader.downloads_in(tmp_path) == ["epub"]
    (tmp_path / "downloads" / "mlops-path.pdf").write_bytes(b"%PDF")
    assert reader.downloads_in(tmp_path) == ["pdf", "epub"]
    deploy = (ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    formats, copy, book = (deploy.index("make VENV=/tmp/venv pdf epub"),
                           deploy.index("cp _build/mlops-path.pdf _build/mlops-path.epub _build/html/downloads/"),
                           deploy.index("make book"))
    assert formats < copy < book, "the deploy builds the PDF and EPUB, puts them in downloads/, then the site"
    for fmt in ("pdf", "epub"):
        assert f"grep -q 'href=\"downloads/mlops-path.{fmt}\"' _build/html/intro.html" in deploy


def test_every_notebook_page_names_its_launch_links(built_book: BuildResult) -> None:
    assert built_book.returncode == 0, "\n".join(built_book.problems)
    docs = notebook_docs()
    assert docs, "no notebook in _toc.yml"
    for doc in docs:
        html = (built_book.html / f"{doc}.html").read_text(encoding="utf-8")
        line = re.search(r'<p class="chapterkit-launch">(.*?)</p>', html, re.DOTALL)
        assert line, f"{doc}.html: no 'Run this notebook' line"
        assert "Run this notebook:" in line.group(1)
        links = {text: href.replace("&amp;", "&") for href, text in
                 re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(?:<[^>]+>)*([^<]+)', line.group(1))}
        want = expected_links(f"{doc}.ipynb")
        assert links.get("Binder") == want["Binder"], f"{doc}: {links}"
        assert links.get("Colab") == want["Colab"], f"{doc}: {links}"
        # On the site, "download" is the notebook file itself, beside the page.
        download = links.get("download", "")
        target = (built_book.html / doc).parent / download
        assert download.endswith(Path(doc).name + ".ipynb") and target.is_file(), f"{doc}: download {download}"
        assert json.loads(target.read_text(encoding="utf-8"))["cells"], f"{target} is not the notebook"
        note = re.search(r'<p class="chapterkit-launch-note">(.*?)</p>', html, re.DOTALL)
        assert note and "Colab" in note.group(1) and "may differ" in note.group(1), f"{doc}: no Colab note"


# --- binder/ ----------------------------------------------------------------------------------------------------

def test_binder_pins_the_same_versions_as_requirements() -> None:
    root = versioncell.read_pins(ROOT / "requirements.txt")
    binder = versioncell.read_pins(ROOT / "binder" / "requirements.txt")
    assert set(NOTEBOOK_LIBRARIES) <= set(binder), f"binder/requirements.txt lacks {set(NOTEBOOK_LIBRARIES) - set(binder)}"
    assert {name: binder[name] for name in binder} == {name: root.get(name) for name in binder}
    lines = [ln for ln in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert all("==" in ln for ln in lines), "every binder requirement is pinned with =="
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime)
    # The Python the book is tested with: CI's image, and the deploy's setup-python.
    ci = (ROOT / ".github" / "workflows" / "test.yml").read_text()
    assert f"python:{runtime.removeprefix('python-')}-" in ci


# --- the version-check cell -------------------------------------------------------------------------------------

PINS = {"numpy": "2.4.6", "pandas": "3.1.1", "scikit-learn": "1.9.1", "matplotlib": "3.11.2", "scipy": "1.17.1"}


def fixture_notebook(path: Path, imports: str = "import numpy as np\nimport pandas as pd") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A fixture\n\nWhat it shows."),
                nbformat.v4.new_markdown_cell("Some words before the code."),
                nbformat.v4.new_code_cell(imports, execution_count=1),
                nbformat.v4.new_markdown_cell("## Checks"),
                nbformat.v4.new_code_cell("assert np.zeros(1).sum() == 0", execution_count=2)]
    nbformat.write(nb, path)
    return path


def run_cell(source: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<version-check>", "exec"), {})  # noqa: S102 - the cell's own code, as a kernel runs it
    return out.getvalue()


def test_version_cell_is_inserted_first_among_code_cells_and_is_idempotent(tmp_path: Path) -> None:
    path = fixture_notebook(tmp_path / "a.ipynb")
    assert writer.apply(path, PINS).status == "inserted"
    nb = nbformat.read(path, as_version=4)
    first = versioncell.first_code_cell(nb)
    assert first == 2, "inserted before the first code cell, after the Markdown ones"
    assert versioncell.is_version_cell(nb.cells[first])
    assert nb.cells[first].metadata["tags"] == ["version-check", "hide-input"], "its code folds on the web page"
    assert '"numpy": "2.4.6"' in nb.cells[first].source and '"pandas": "3.1.1"' in nb.cells[first].source
    assert "scikit-learn" not in nb.cells[first].source, "only the libraries the notebook imports"
    written = path.read_bytes()
    assert writer.apply(path, PINS).status == "current"
    assert path.read_bytes() == written, "a second run changes no byte"
    assert len([c for c in nbformat.read(path, as_version=4).cells if versioncell.is_version_cell(c)]) == 1
    # New pins: the cell is updated in place, its stale output dropped.
    nb.cells[first].outputs = [nbformat.v4.new_output("stream", text="old\n")]
    nb.cells[first].execution_count = 1
    nbformat.write(nb, path)
    assert writer.apply(path, {**PINS, "numpy": "9.9.9"}).status == "updated"
    cell = nbformat.read(path, as_version=4).cells[first]
    assert '"numpy": "9.9.9"' in cell.source and cell.outputs == [] and cell.execution_count is None


def test_version_cell_moves_a_misplaced_check_to_the_front(tmp_path: Path) -> None:
    path = fixture_notebook(tmp_path / "b.ipynb")
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(versioncell.cell_source({"numpy": "1.0"}),
                                              metadata={"tags": [versioncell.TAG]}))
    nbformat.write(nb, path)
    assert writer.apply(path, PINS).status == "updated"
    cells = nbformat.read(path, as_version=4).cells
    assert [i for i, c in enumerate(cells) if versioncell.is_version_cell(c)] == [2]
    # A current cell without the hide-input tag gets it, keeping its other tags and its output.
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].metadata["tags"] = ["version-check", "mine"]
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="numpy as tested\n")]
    nbformat.write(nb, path)
    assert writer.apply(path, PINS).status == "updated"
    cell = nbformat.read(path, as_version=4).cells[2]
    assert cell.metadata["tags"] == ["version-check", "mine", "hide-input"] and cell.outputs


def test_version_cell_is_stdlib_short_lines_and_reports_deterministically() -> None:
    source = versioncell.cell_source({"numpy": "2.4.6", "scikit-learn": "1.9.1"})
    assert all(len(line) <= 88 for line in source.splitlines())
    modules = nbimports.imports(source)
    assert modules and all(m in sys.stdlib_module_names for m in modules), modules
    assert "pip" not in source and "install(" not in source
    installed = versioncell.read_pins(ROOT / "requirements.txt")
    here = versioncell.cell_source({name: installed[name] for name in ("numpy", "pandas", "scikit-learn")})
    report = run_cell(here)
    assert report == run_cell(here), "the same lines on every run"
    assert report.splitlines()[-1] == "All as tested." and report.count("as tested") == 4, report
    other = run_cell(versioncell.cell_source({"numpy": "0.0.1", "no-such-package-here": "1.0"}))
    assert "tested with 0.0.1" in other and "missing" in other and other.splitlines()[-1] == (
        "2 differ from the tested versions.")


def test_version_cell_command_reports_and_refuses_unpinned_libraries(tmp_path: Path) -> None:
    from chapterkit import cli

    path = fixture_notebook(tmp_path / "c.ipynb", imports="import scipy")
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("numpy==2.4.6\n", encoding="utf-8")
    before = path.read_bytes()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["version-cell", "--requirements", str(requirements), str(path)])
    assert code == 2 and "pins no version of scipy" in err.getvalue() and "fix:" in err.getvalue()
    assert path.read_bytes() == before, "bad input changes nothing"
    requirements.write_text("numpy==2.4.6\nscipy==1.17.1\n", encoding="utf-8")
    with contextlib.redirect_stdout(out):
        assert cli.main(["version-cell", "--requirements", str(requirements), str(path)]) == 0
    assert f"{path}: version check inserted" in out.getvalue() and "make notebooks NB=" in out.getvalue()


def test_contract_wants_the_current_version_cell_first(tmp_path: Path) -> None:
    path = fixture_notebook(tmp_path / "d.ipynb")
    pins = versioncell.read_pins(ROOT / "requirements.txt")
    nb = nbformat.read(path, as_version=4)
    assert versioncell.problem(nb, pins, "d.ipynb") == "the first code cell is not the version check"
    writer.update(nb, versioncell.expected_source(nb, pins, "d.ipynb"))
    assert versioncell.problem(nb, pins, "d.ipynb") is None
    stale = versioncell.cell_source({"numpy": "0.1", "pandas": "0.1"})
    nb.cells[versioncell.first_code_cell(nb)].source = stale
    assert "does not match requirements.txt" in (versioncell.problem(nb, pins, "d.ipynb") or "")
    assert "NB010" in contract.CODES


def test_contract_reports_nb008_with_the_command_that_fixes_it(tmp_path: Path) -> None:
    from bookhelpers import copy_repo

    book = copy_repo(tmp_path / "book")
    notebook = notebook_docs()[0] + ".ipynb"
    nb = nbformat.read(book / notebook, as_version=4)
    nb.cells = [c for c in nb.cells if not versioncell.is_version_cell(c)]
    nbformat.write(nb, book / notebook)
    found = [p for p in contract.check(book, [book / notebook]) if p.code == "NB010"]
    assert len(found) == 1, found
    assert f"make notebooks NB={notebook}" in found[0].fix


# --- EPUB pages as XHTML -----------------------------------------------------------------------------------------

def test_epub_pages_are_mended_into_well_formed_xhtml() -> None:
    page = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml">'
            "<head><title>t</title></head><body><div><style scoped>.a > b { x: 1 }</style>"
            '<input checked id="t" type="radio"><label for="t">tab</label><br>'
            '<svg viewBox="0 0 2 2"><linearGradient id="g"/><path d="M0 0"></path></svg>'
            "<table><tr><th halign=left>h</th><th valign=top>v</th></tr></table>"
            "<p>a&nbsp;b &amp; c &copy;</p><script>if (a < b) { run(); }</script></div></body></html>")
    with pytest.raises(ElementTree.ParseError):
        ElementTree.fromstring(page.split("\n", 2)[2])
    fixed = epubfix.hoist_styles(epubfix.to_xhtml(page))
    tree = ElementTree.fromstring(fixed.split("\n", 2)[2])
    ns = {"x": "http://www.w3.org/1999/xhtml", "s": "http://www.w3.org/2000/svg"}
    assert tree.find(".//x:script", ns) is None and "run()" not in fixed
    assert tree.find("x:head/x:style", ns) is not None and tree.find("x:body//x:style", ns) is None
    assert tree.find(".//s:svg", ns).get("viewBox") == "0 0 2 2", "SVG keeps its case and namespace"
    assert tree.find(".//s:linearGradient", ns) is not None
    assert tree.find(".//x:input", ns).get("checked") == "checked"
    assert "halign" not in fixed and "valign" not in fixed and "scoped" not in fixed
    assert "a\u00a0b & c \u00a9" in "".join(tree.find(".//x:p", ns).itertext())
    assert epubfix.to_xhtml(fixed) == fixed, "mending a mended page changes nothing"
    opf = '<manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml" /><item id="b" href="b.xhtml" /></manifest>'
    declared = epubfix.declare_properties(opf, {"a.xhtml": "svg"})
    assert '<item properties="svg" id="a"' in declared and '<item id="b"' in declared


# --- PDF and EPUB, of the mini-book (slow: each is built once per session) --------------------------------------

@dataclass(frozen=True)
class Epub:
    path: Path
    problems: list[str]
    root: Path  # the book it was made of


def _need_or_fail(condition: bool, message: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


TEST_VERSION = "v0.0-test"


@dataclass(frozen=True)
class Pdf:
    path: Path
    pages: int
    outline: list[tuple[int, str, int]]  # (depth, title, 1-based page)
    text: dict[int, str]  # page -> its text, for the title page, the contents and each part's or chapter's page
    root: Path  # the book it was made of


@pytest.fixture(scope="session")
def formats_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini-book the PDF and EPUB are made of: the repository's machinery, every construct, a real notebook."""
    return mini_book(tmp_path_factory.mktemp("formats") / "book")


@pytest.fixture(scope="session")
def pdf_book(formats_book: Path, tmp_path_factory: pytest.TempPathFactory) -> Pdf:
    """`make pdf` once, with the version a release would put on the title page; the pages the tests read."""
    from pypdf import PdfReader

    _need_or_fail(CHROMIUM.exists(), "chromium is missing: apt-get install -y chromium (make test does it as root)")
    work = tmp_path_factory.mktemp("pdf")
    dest = work / "mlops-path.pdf"
    # `make pdf`'s own command, in a process of its own: Playwright's sync API cannot start a second time in a
    # worker whose browser fixture already runs one.
    proc = subprocess.run([sys.executable, "-m", "chapterkit", "pdf", "--root", str(formats_book),
                           "--output", str(dest), "--work", str(work)],
                          cwd=ROOT, env={**os.environ, "BOOK_VERSION": TEST_VERSION}, check=False,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        pytest.fail(f"make pdf failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    reader = PdfReader(str(dest))
    outline: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                outline.append((depth, " ".join(str(item.title).split()),
                                reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    wanted = {1, 2, 3, len(reader.pages)} | {page for depth, _, page in outline if depth <= 1}
    text = {n: " ".join((reader.pages[n - 1].extract_text() or "").split()) for n in sorted(wanted)}
    return Pdf(dest, len(reader.pages), outline, text, formats_book)


@pytest.fixture(scope="session")
def epub_book(formats_book: Path, tmp_path_factory: pytest.TempPathFactory) -> Epub:
    from chapterkit.formats import epubbook

    _need_or_fail(epubbook.EPUBCHECK_JAR.is_file(), "epubcheck is missing: apt-get install -y epubcheck "
                  "(make test does it as root)")
    work = tmp_path_factory.mktemp("epub")
    try:
        epub = epubbook.build_epub(formats_book, work)
    except ChapterkitError as exc:
        pytest.fail(exc.format())
    return Epub(epub, epubbook.epubcheck(epub), formats_book)


@pytest.mark.slow
@pytest.mark.xdist_group("pdf")
def test_pdf_holds_every_chapter_the_glossary_and_an_outline(pdf_book: Pdf) -> None:
    toc = yaml.safe_load((pdf_book.root / "_toc.yml").read_text(encoding="utf-8"))
    assert pdf_book.pages > len(chapter_titles(pdf_book.root)), f"{pdf_book.pages} pages"
    # Outline: the parts at the top, the chapters under the first, the glossary under "Reference"; each entry
    # leads to the page that starts with its title.
    top = [title for depth, title, _ in pdf_book.outline if depth == 0]
    assert [part["caption"] for part in toc["parts"]] == [t for t in top if t != "Introduction"], top
    chapters = {title: page for depth, title, page in pdf_book.outline if depth == 1}
    for title in chapter_titles(pdf_book.root):
        entry = next((name for name in chapters if name.endswith(title)), None)
        assert entry, f"chapter '{title}' is not in the outline: {list(chapters)}"
        assert " ".join(title.split()) in pdf_book.text[chapters[entry]], f"page {chapters[entry]} is not '{title}'"
    assert "Glossary" in chapters and "Glossary" in pdf_book.text[chapters["Glossary"]]
    assert "Bibliography" in chapters
    for depth, title, page in pdf_book.outline:
        assert 1 <= page <= pdf_book.pages, f"outline entry '{title}' points at page {page}"


@pytest.mark.slow
@pytest.mark.xdist_group("pdf")
def test_pdf_title_page_and_contents(pdf_book: Pdf) -> None:
    first = pdf_book.text[1]
    assert CONFIG["title"] in first and CONFIG["author"] in first
    assert f"Version {TEST_VERSION}" in first, first
    assert pdf_book.text[2].startswith("Contents")
    # The contents give each chapter's page, the same as the outline's; every page has "n / total" in its footer.
    contents = pdf_book.text[2] + " " + pdf_book.text[3]
    for depth, title, page in pdf_book.outline:
        if depth == 1 and title in contents:
            after = contents.split(title, 1)[1]
            assert re.match(rf"\W*{page}\b", after), f"contents: '{title}' is not on page {page}: {after[:40]}"
    for number, text in pdf_book.text.items():
        assert f"{number} / {pdf_book.pages}" in text, f"page {number} has no page number"


@pytest.mark.slow
@pytest.mark.xdist_group("epub")
def test_epub_is_a_valid_container_with_every_page(epub_book: Epub) -> None:
    with zipfile.ZipFile(epub_book.path) as book:
        infos = book.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert book.read("mimetype") == b"application/epub+zip"
        container = ElementTree.fromstring(book.read("META-INF/container.xml"))
        rootfile = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
        assert rootfile is not None and rootfile.get("full-path") in book.namelist()
        names = set(book.namelist())
        docs = toc_files(epub_book.root)
        missing = [doc for doc in docs if f"{doc}.xhtml" not in names]
        assert not missing, f"pages missing from the EPUB: {missing}"
        opf = book.read(rootfile.get("full-path")).decode("utf-8")
        assert 'properties="cover-image"' in opf and "nav.xhtml" in opf
        assert any(n.startswith("_images/") for n in names), "no figures in the EPUB"
        # The reader's table of contents lists every page, in the order of _toc.yml.
        nav = book.read("nav.xhtml").decode("utf-8")
        listed = re.findall(r'<a href="([^"#]+)\.xhtml"', nav)
        assert listed == docs, f"nav.xhtml lists {listed}"
        for doc in docs:  # every page parses as XML
            ElementTree.fromstring(book.read(f"{doc}.xhtml"))
        # Every construct a page can hold is in this EPUB, and so under epubcheck's eye (test_epub_passes_epubcheck).
        pages = {doc: book.read(f"{doc}.xhtml").decode("utf-8") for doc in docs}
        constructs = {"a checklist": 'class="ck-item', "a formula (MathML)": "<math",
                      "a diagram (inline SVG)": 'class="diagram', "a provenance marker": 'class="provenance"',
                      "a glossary term": "std-term", "a citation": 'class="bibtex-citation"',
                      "a notebook's HTML table": "<table", "a notebook's plot": 'src="../../_images/'}
        absent = [what for what, mark in constructs.items() if not any(mark in page for page in pages.values())]
        assert not absent, f"the EPUB's pages hold no {', no '.join(absent)}"
        assert "<svg" in pages["chapters/beta/part-one"], "the diagram is not inline SVG"


@pytest.mark.slow
@pytest.mark.xdist_group("epub")
def test_epub_passes_epubcheck(epub_book: Epub) -> None:
    assert epub_book.problems == []

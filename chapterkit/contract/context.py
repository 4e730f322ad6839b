"""The shared context of every contract rule: the book's files, read and parsed once (``read_book``).

Reading reports nothing: what does not parse is kept (``toc_error``, a page's ``fm_error``, a notebook's
``error``) for the rule of that code to report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml

from chapterkit.book import bib, frontmatter, mdscan, toc

TOP_LEVEL_PAGES = ("intro.md", "glossary.md", "bibliography.md")
NOTEBOOK_BUDGET = 300 * 1024


@dataclass
class Page:
    """A Markdown page or a notebook's Markdown cells, reduced to what the contract is about."""

    rel: str
    text: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    labels: list[tuple[int, str]] = field(default_factory=list)
    roles: list[mdscan.Role] = field(default_factory=list)
    lines: list[mdscan.Line] = field(default_factory=list)  # the body's markup lines (Markdown pages)
    fm_lines: int = 0  # lines the front matter takes, fences included
    fm_error: frontmatter.FrontMatterError | None = None


@dataclass
class Notebook:
    """A notebook file: its bytes, and the parsed notebook unless ``error`` says why not."""

    rel: str
    raw: bytes
    text: str
    nb: nbformat.NotebookNode | None = None
    error: tuple[int, str, str] | None = None  # line, message, fix (NB001)
    cell_lines: list[int] = field(default_factory=list)  # file line of each cell

    def at(self, index: int) -> int:
        """File line of cell ``index`` (1 when unknown)."""
        return self.cell_lines[index] if index < len(self.cell_lines) else 1


@dataclass
class Book:
    root: Path
    notebook_budget: int = NOTEBOOK_BUDGET
    files: list[str] = field(default_factory=list)  # content files that must be in the toc
    toc_text: str = ""
    toc_index: toc.TocIndex | None = None
    toc_error: tuple[int, str, str] | None = None  # line, message, fix (TOC001)
    bib_entries: list[bib.Entry] = field(default_factory=list)  # every entry, duplicates too
    bib_keys: dict[str, bib.Entry] = field(default_factory=dict)  # the first entry of each key
    glossary: list[tuple[int, str, str]] = field(default_factory=list)  # line, lower-cased term, as written
    terms: dict[str, int] = field(default_factory=dict)  # lower-cased term -> line of its first definition
    pages: dict[str, Page] = field(default_factory=dict)  # Markdown pages and notebooks, by path
    notebooks: dict[str, Notebook] = field(default_factory=dict)
    chapters: dict[str, str] = field(default_factory=dict)  # slug -> path of its chapter page
    drafts: set[str] = field(default_factory=set)  # slugs of draft chapters
    memo: dict[Any, Any] = field(default_factory=dict)  # what rules derive and share (see ``derived``)

    def derived(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()``, computed once per book for ``key``: analyses several rules read."""
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    def labels(self) -> set[str]:
        return {label for page in self.pages.values() for _, label in page.labels}


def rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def content_files(root: Path) -> list[str]:
    """Every file that must be in ``_toc.yml``: chapter pages, notebooks and the top-level pages."""
    found = [name for name in TOP_LEVEL_PAGES if (root / name).is_file()]
    if (root / "chapters").is_dir():
        found += [rel(root, p) for p in sorted((root / "chapters").rglob("*.md"))]
    if (root / "notebooks").is_dir():
        found += [rel(root, p) for p in sorted((root / "notebooks").rglob("*.ipynb"))
                  if ".ipynb_checkpoints" not in p.parts]
    return found


def owner_slug(rel: str) -> str | None:
    """The chapter a sub-page or notebook belongs to (``chapters/<slug>/x.md``, ``notebooks/<slug>/...``)."""
    parts = rel.split("/")
    if len(parts) >= 3 and parts[0] in ("chapters", "notebooks"):
        return parts[1]
    return None


def front_matter_length(text: str) -> int:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return 0
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            return end + 1
    return 0


def read_toc(book: Book) -> None:
    path = book.root / "_toc.yml"
    if not path.is_file():
        book.toc_error = (1, "_toc.yml not found",
                          "create it (see Jupyter Book's jb-book format) or run from the book's root (--root)")
        return
    book.toc_text = path.read_text(encoding="utf-8")
    try:
        book.toc_index = toc.index(toc.parse_text(book.toc_text))
    except toc.TocError as exc:
        book.toc_error = (exc.line, exc.message,
                          "correct _toc.yml there (format: jb-book, root:, parts: > chapters: > sections:)")


def read_bib(book: Book) -> None:
    path = book.root / "references.bib"
    if path.is_file():
        book.bib_entries = bib.entries(path.read_text(encoding="utf-8"))
    for entry in book.bib_entries:
        book.bib_keys.setdefault(entry.key, entry)


def read_glossary(book: Book) -> None:
    path = book.root / "glossary.md"
    if not path.is_file():
        return
    in_block: tuple[str, int] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if in_block is None:
            opened = mdscan.directive_name(line)
            if opened and opened[2] == "glossary":
                in_block = (opened[0], opened[1])
            continue
        if mdscan.closes(line, *in_block):
            in_block = None
            continue
        if not line.strip() or line[0].isspace() or line.startswith((":", "%")):
            continue
        term = re.split(r"\s+:\s+", line.strip())[0].strip().lower()
        book.glossary.append((number, term, line.strip()))
        book.terms.setdefault(term, number)


def read_markdown(book: Book, rel: str) -> None:
    text = (book.root / rel).read_text(encoding="utf-8", errors="replace")
    page = Page(rel, text=text)
    book.pages[rel] = page
    try:
        page.meta, page.fm_lines = frontmatter.split(text)
    except frontmatter.FrontMatterError as exc:
        page.fm_error, page.fm_lines = exc, front_matter_length(text)
    body = "\n".join(text.splitlines()[page.fm_lines:])
    page.lines = list(mdscan.markup_lines(body, page.fm_lines + 1))
    page.labels = mdscan.labels(page.lines)
    page.roles = mdscan.roles(page.lines)
    slug = toc.chapter_slug(rel)
    if slug is not None:
        book.chapters[slug] = rel
        if page.meta.get("status") == "draft":
            book.drafts.add(slug)


def parse_notebook(notebook: Notebook) -> None:
    try:
        json.loads(notebook.text)
    except json.JSONDecodeError as exc:
        notebook.error = (exc.lineno, f"is not valid JSON: {exc.msg}", "repair the file")
        return
    try:
        nb = nbformat.reads(notebook.text, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many types for a broken notebook
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        notebook.error = (1, f"is not a valid notebook (nbformat 4): {message}",
                          "re-save it from Jupyter, then make notebooks")
        return
    notebook.nb = nb
    notebook.cell_lines = [n for n, ln in enumerate(notebook.text.splitlines(), start=1)
                           if re.match(r'^\s*"cell_type"\s*:', ln)]


def read_notebook(book: Book, rel: str) -> None:
    raw = (book.root / rel).read_bytes()
    notebook = Notebook(rel, raw, raw.decode("utf-8", errors="replace"))
    parse_notebook(notebook)
    book.notebooks[rel] = notebook
    page = book.pages[rel] = Page(rel, text=notebook.text)
    if notebook.nb is None:
        return
    for i, cell in enumerate(notebook.nb.cells):
        if cell.cell_type == "markdown":
            lines = list(mdscan.markup_lines(str(cell.source), notebook.at(i)))
            page.labels += [(notebook.at(i), lab) for _, lab in mdscan.labels(lines)]
            page.roles += [mdscan.Role(notebook.at(i), r.name, r.content) for r in mdscan.roles(lines)]


def read_book(root: Path, notebook_budget: int = NOTEBOOK_BUDGET) -> Book:
    """The book at ``root``, every file the contract is about read and parsed once."""
    book = Book(root, notebook_budget, content_files(root))
    read_toc(book)
    read_bib(book)
    read_glossary(book)
    for name in book.files:
        if name.endswith(".md"):
            read_markdown(book, name)
    for name in book.files:
        if name.endswith(".ipynb"):
            read_notebook(book, name)
    return book


def key_lines(text: str, fm_lines: int) -> dict[tuple[Any, ...], int]:
    """File line (1-based) of every key and list item of the front matter, by its path of keys."""
    if fm_lines == 0:
        return {}
    node = yaml.compose("\n".join(text.splitlines()[1:fm_lines - 1]))
    found: dict[tuple[Any, ...], int] = {}

    def walk(current: yaml.Node, prefix: tuple[Any, ...]) -> None:
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                key = (*prefix, key_node.value)
                found[key] = key_node.start_mark.line + 2
                walk(value_node, key)
        elif isinstance(current, yaml.SequenceNode):
            for i, item in enumerate(current.value):
                found[(*prefix, i)] = item.start_mark.line + 2
                walk(item, (*prefix, i))

    if node is not None:
        walk(node, ())
    return found


def key_line_safe(text: str, keys: tuple[Any, ...]) -> int:
    try:
        lines = key_lines(text, front_matter_length(text))
    except yaml.YAMLError:
        return 1
    return lines.get(keys, 1)


@dataclass(frozen=True)
class Chapter:
    """A chapter page whose front matter parses: what the front-matter and section rules check."""

    slug: str
    rel: str
    page: Page
    key_lines: dict[tuple[Any, ...], int]

    def line(self, *keys: Any) -> int:
        """File line of the deepest of ``keys`` the front matter has (1 if none)."""
        for n in range(len(keys), 0, -1):
            if keys[:n] in self.key_lines:
                return self.key_lines[keys[:n]]
        return 1


def chapters(book: Book) -> list[Chapter]:
    """Chapters whose front matter parses (FM001 reports the others), by slug."""
    def make() -> list[Chapter]:
        found = []
        for slug, rel in sorted(book.chapters.items()):
            page = book.pages[rel]
            if page.fm_error is not None:
                continue
            try:
                found.append(Chapter(slug, rel, page, key_lines(page.text, page.fm_lines)))
            except yaml.YAMLError:
                continue
        return found
    return book.derived("chapters", make)

"""Provenance markers (PRV001-PRV007) and diagrams (DIA001-DIA003): every claim says where it comes from.

- PRV001 a commentary box (an admonition titled "Our commentary", "In our reading", "How a team would do it", ...)
  carries no ``{prov}`` marker;
- PRV002 a paragraph that reports someone else's account (a reader's notes, a blog post, one account) carries no
  ``{prov}`secondary: KEY``` marker;
- PRV003 a marker whose origin is not one of source, companion, secondary, ours;
- PRV004 a ``secondary`` marker that names no account, or one its chapter's sources.yml does not declare;
- PRV005 a ``source`` or ``companion`` marker without a locator (where in the work);
- PRV006 a ``companion`` marker naming a work its chapter's sources.yml does not declare;
- PRV007 a chapter's sources.yml whose ``companions:``/``accounts:`` are malformed or cite a key not in
  references.bib;
- PRV008 a published chapter of several pages without its "Where this comes from" page (a page holding
  ``{provenance-list}``);
- DIA001 a ``{diagram}`` without ``:alt:`` text; DIA002 without a caption; DIA003 whose ``.dot`` file is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from chapterkit.book.provenance import (
    DIRECTIVE,
    ROLE,
    SECTIONS,
    MarkerError,
    WorksError,
    has_list,
    parse_marker,
    parse_works,
)
from chapterkit.contract.context import Book, owner_slug
from chapterkit.contract.registry import Finding, rule

COMMENTARY = re.compile(r"\bour commentary\b|\bin our (reading|words|view)\b|\bour reading\b|"
                        r"\bhow a team would\b|\bours\b|\bour (example|mapping|note|take)\b", re.IGNORECASE)
# Words that report what someone else's account of the resource says (not the resource, not the book).
SECONDARY = re.compile(r"\b(a|one|another) readers?['’]s? (published |public |own )?notes\b|\breaders['’] notes\b|"
                       r"\bone (public |secondary )?account\b|\bsomeone else['’]s account\b", re.IGNORECASE)
OPEN = re.compile(r"^\s*(:{3,}|`{3,})\s*\{([a-z-]+)\}\s*(.*?)\s*$")
MARKER_FIX = ("write {prov}`source: WHERE`, {prov}`companion: KEY WHERE`, {prov}`secondary: KEY` or {prov}`ours` "
              "(CONTRIBUTING.md, 'Where each idea comes from')")


def _lines(book: Book, rel: str) -> list[tuple[int, str]]:
    page = book.pages[rel]
    if page.lines:
        return [(ln.number, ln.text) for ln in page.lines]
    return [(n, text) for n, text in enumerate(page.text.splitlines(), start=1)]


def _blocks(lines: list[tuple[int, str]]) -> Iterator[tuple[int, str, str, list[str]]]:
    """(line, directive name, argument, body lines) of every directive block, nested ones too."""
    for i, (number, text) in enumerate(lines):
        opened = OPEN.match(text)
        if not opened:
            continue
        fence = opened.group(1)
        body: list[str] = []
        for _, inner in lines[i + 1:]:
            if inner.strip() == fence:
                break
            body.append(inner)
        yield number, opened.group(2), opened.group(3), body


def _paragraphs(lines: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    start, chunk = 0, []
    for number, text in [*lines, (0, "")]:
        if text.strip() and not OPEN.match(text) and text.strip().strip(":`") != "":
            if not chunk:
                start = number
            chunk.append(text)
        elif chunk:
            yield start, " ".join(chunk)
            chunk = []


def _works(book: Book, slug: str) -> dict | None:
    key = ("prv-works", slug)
    return book.derived(key, lambda: _read_works(book.root / "chapters" / slug))


def _read_works(folder: Path) -> dict | None:
    file = folder / "sources.yml"
    if not file.is_file():
        return None
    try:
        return parse_works(file.read_text(encoding="utf-8"), file.as_posix())
    except WorksError as err:
        return {"error": str(err)}


def _markers(book: Book) -> Iterator[tuple[str, int, str]]:
    for rel in sorted(book.pages):
        for number, text in _lines(book, rel):
            for found in ROLE.finditer(text):
                yield rel, number, found.group(1)
            opened = DIRECTIVE.match(text)
            if opened:
                yield rel, number, opened.group(1)


@rule("PRV001", "a commentary box carries no provenance marker")
def commentary_boxes(book: Book) -> Iterator[Finding]:
    for rel in sorted(book.pages):
        for number, name, title, body in _blocks(_lines(book, rel)):
            if name == "admonition" and COMMENTARY.search(title) and not any(
                    ROLE.search(line) or DIRECTIVE.match(line) for line in body) and not ROLE.search(title):
                yield Finding(rel, number, f"the box '{title[:50]}' says it is commentary but carries no marker",
                              "start its text with {prov}`ours` (or the origin of what it says: a box of the "
                              "companion book's ideas is {prov}`companion: KEY WHERE`)")


@rule("PRV002", "a paragraph reports a secondary account without a secondary marker")
def secondary_reports(book: Book) -> Iterator[Finding]:
    for rel in sorted(book.pages):
        if has_list(book.root / rel):
            continue  # a "Where this comes from" page explains the origins; it reports no account
        for number, text in _paragraphs(_lines(book, rel)):
            if SECONDARY.search(text) and "{prov}`secondary:" not in text:
                yield Finding(rel, number, f"this paragraph reports someone else's account "
                              f"({SECONDARY.search(text).group(0)!r}) but has no secondary marker",
                              "add {prov}`secondary: KEY` naming the account (declare KEY under 'accounts:' in the "
                              "chapter's sources.yml), or reword if it does not rest on one")


@rule("PRV003", "a provenance marker with an unknown origin")
def unknown_origins(book: Book) -> Iterator[Finding]:
    for rel, number, text in _markers(book):
        origin = text.partition(":")[0].strip()
        if origin not in ("source", "companion", "secondary", "ours"):
            yield Finding(rel, number, f"{{prov}}`{text}`: '{origin}' is not an origin", MARKER_FIX)


def _declared(book: Book, rel: str, number: int, text: str, origin: str) -> Iterator[Finding]:
    try:
        mark = parse_marker(text)
    except MarkerError:
        return
    if mark.origin != origin:
        return
    slug = owner_slug(rel) or (rel.split("/")[1].removesuffix(".md") if rel.startswith("chapters/") else None)
    works = _works(book, slug) if slug else None
    section = SECTIONS[origin]
    table = (works or {}).get(section, {}) if works and "error" not in works else {}
    if mark.key not in table:
        known = ", ".join(sorted(table)) or "none yet"
        yield Finding(rel, number, f"{{prov}}`{text}`: '{mark.key}' is not declared under '{section}:' in "
                      f"chapters/{slug}/sources.yml (declared: {known})",
                      f"add '{mark.key}: {{title: ..., cite: KEY or url: https://...}}' under '{section}:' there")


@rule("PRV004", "a secondary marker that names no declared account")
def secondary_accounts(book: Book) -> Iterator[Finding]:
    for rel, number, text in _markers(book):
        if text.partition(":")[0].strip() != "secondary":
            continue
        try:
            parse_marker(text)
        except MarkerError as err:
            yield Finding(rel, number, str(err), "name the account: {prov}`secondary: KEY`")
            continue
        yield from _declared(book, rel, number, text, "secondary")


@rule("PRV005", "a source or companion marker without a locator")
def locators(book: Book) -> Iterator[Finding]:
    for rel, number, text in _markers(book):
        if text.partition(":")[0].strip() not in ("source", "companion"):
            continue
        try:
            parse_marker(text)
        except MarkerError as err:
            yield Finding(rel, number, str(err), "say where: a section, lecture, slide, table, rule or chapter")


@rule("PRV006", "a companion marker naming a work its chapter does not declare")
def companions_declared(book: Book) -> Iterator[Finding]:
    for rel, number, text in _markers(book):
        if text.partition(":")[0].strip() == "companion":
            yield from _declared(book, rel, number, text, "companion")


@rule("PRV007", "a chapter's companions or accounts are malformed or cite an unknown key")
def works_tables(book: Book) -> Iterator[Finding]:
    for slug in sorted(book.chapters):
        works = _works(book, slug)
        rel = f"chapters/{slug}/sources.yml"
        if not works:
            continue
        if "error" in works:
            yield Finding(rel, 1, works["error"], "fix the entry: {title: ..., cite: KEY} or {title: ..., url: https://...}")
            continue
        for section in ("companions", "accounts"):
            for key, work in works[section].items():
                if work.cite is not None and work.cite not in book.bib_keys:
                    yield Finding(rel, 1, f"{section}.{key} cites '{work.cite}', which references.bib does not have",
                                  "add the entry to references.bib, or fix the key")


@rule("PRV008", "a published folder chapter has no 'Where this comes from' page")
def where_pages(book: Book) -> Iterator[Finding]:
    for slug, rel in sorted(book.chapters.items()):
        folder = book.root / "chapters" / slug
        if slug in book.drafts or not rel.endswith("/index.md") or len(list(folder.glob("*.md"))) < 2:
            continue  # a draft, a single page, or a folder of one page has nothing to gather
        if not any(has_list(page) for page in folder.glob("*.md")):
            yield Finding(rel, 1, f"chapter '{slug}' has no 'Where this comes from' page",
                          f"add chapters/{slug}/where-this-comes-from.md holding a '{{provenance-list}}' directive "
                          "(copy another chapter's) and list it last under the chapter in _toc.yml")


def _diagrams(book: Book) -> Iterator[tuple[str, int, str, list[str]]]:
    for rel in sorted(book.pages):
        if rel.endswith(".md"):
            for number, name, argument, body in _blocks(_lines(book, rel)):
                if name == "diagram":
                    yield rel, number, argument, body


@rule("DIA001", "a diagram without a text alternative")
def diagram_alt(book: Book) -> Iterator[Finding]:
    for rel, number, argument, body in _diagrams(book):
        if not any(line.strip().startswith(":alt:") and line.split(":alt:", 1)[1].strip() for line in body):
            yield Finding(rel, number, f"{{diagram}} {argument} has no ':alt:' text",
                          "add ':alt: what the picture shows' (a sentence or two for a reader who cannot see it)")


@rule("DIA002", "a diagram without a caption")
def diagram_caption(book: Book) -> Iterator[Finding]:
    for rel, number, argument, body in _diagrams(book):
        if not any(line.strip() and not line.strip().startswith(":") for line in body):
            yield Finding(rel, number, f"{{diagram}} {argument} has no caption",
                          "add a caption under the options that says where the picture comes from (redrawn after "
                          "the source's figure N, or the book's own, marked {prov}`ours`)")


@rule("DIA003", "a diagram whose .dot file is missing")
def diagram_file(book: Book) -> Iterator[Finding]:
    for rel, number, argument, _body in _diagrams(book):
        path = (book.root / rel).parent / argument
        if not argument.endswith(".dot") or not path.is_file():
            yield Finding(rel, number, f"{{diagram}} {argument}: no such .dot file beside the page",
                          f"create {path.relative_to(book.root).as_posix() if path.is_relative_to(book.root) else argument}"
                          " (Graphviz DOT), or fix the path")

"""The contract's checks of ``{checklist}`` files (``make check``), so that a broken checklist shows before a build.

- CHK001 a checklist file is missing or does not meet the schema (``chapterkit.book.checklist``), at the file's line;
- CHK002 an item's ``link`` is not a label in the book;
- CHK003 two checklists share an id (ids are the readers' storage keys).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from chapterkit.book import checklist, mdscan
from chapterkit.contract.context import Book
from chapterkit.contract.registry import Finding, rule

DIRECTIVE = re.compile(r"^\s*(?::{3,}|`{3,}|~{3,})\s*\{checklist\}\s*(\S*)")
SCHEMA = "see CONTRIBUTING.md, 'Adding a checklist'"


def uses(text: str) -> list[tuple[int, str]]:
    """(line, file argument) of each ``{checklist}`` directive in a page's Markdown."""
    return [(line.number, m.group(1)) for line in mdscan.markup_lines(text)
            if (m := DIRECTIVE.match(line.text))]


@dataclass(frozen=True)
class Use:
    """One ``{checklist}`` directive: where, and the checklist it loads (or why it does not)."""

    rel: str
    line: int
    shown: str  # the file, as the book root sees it
    loaded: checklist.Checklist | None
    problem: Finding | None


def _load(book: Book, rel: str, number: int, argument: str) -> Use:
    if not argument:
        return Use(rel, number, "", None, Finding(rel, number, "{checklist} needs the file name of its YAML",
                                                  "write ':::{checklist} name.yml' with the file beside the page"))
    root = book.root
    base = root if argument.startswith("/") else (root / rel).parent
    path = (base / argument.lstrip("/")).resolve()
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        shown = argument
    if not path.is_file():
        return Use(rel, number, shown, None, Finding(rel, number, f"checklist file not found: {argument}",
                                                     "create it beside the page, or correct the name"))
    try:
        return Use(rel, number, shown, checklist.load(path, shown), None)
    except checklist.ChecklistError as exc:
        return Use(rel, number, shown, None, Finding(shown, exc.line, exc.message, SCHEMA))


def checklist_uses(book: Book) -> list[Use]:
    """Every ``{checklist}`` of the book's Markdown pages, in page order, loaded once."""
    def make() -> list[Use]:
        return [_load(book, rel, number, argument) for rel in sorted(book.pages) if rel.endswith(".md")
                for number, argument in uses(book.pages[rel].text)]
    return book.derived("checklists", make)


@rule("CHK001", "a {checklist} file is missing or does not meet the checklist schema")
def checklists_load(book: Book) -> Iterator[Finding]:
    yield from (use.problem for use in checklist_uses(book) if use.problem is not None)


@rule("CHK002", "a checklist item links to a label that is not in the book")
def item_links_are_labels(book: Book) -> Iterator[Finding]:
    labels = book.labels()
    for use in checklist_uses(book):
        for _section, item in use.loaded.every_item() if use.loaded else ():
            if item.link and item.link not in labels:
                yield Finding(use.shown, item.link_line, f"item '{item.id}' links to '{item.link}', which is not a "
                              "label in the book", "use the '(label)=' of the page or section that explains it, "
                              "or drop the link")


@rule("CHK003", "two checklists share an id")
def unique_ids(book: Book) -> Iterator[Finding]:
    ids: dict[str, str] = {}
    for use in checklist_uses(book):
        if use.loaded is None:
            continue
        found = use.loaded
        if found.id in ids and ids[found.id] != use.shown:
            yield Finding(use.shown, found.line, f"checklist id '{found.id}' is already used by {ids[found.id]}",
                          "give each checklist its own id")
        ids.setdefault(found.id, use.shown)

"""``_toc.yml`` (TOC001-TOC003): it parses, every entry has a file, every content file has an entry."""

from __future__ import annotations

from collections.abc import Iterator

from chapterkit.book import toc
from chapterkit.contract.context import Book
from chapterkit.contract.registry import Finding, rule


@rule("TOC001", "_toc.yml is missing or does not parse")
def toc_parses(book: Book) -> Iterator[Finding]:
    if book.toc_error is not None:
        yield Finding("_toc.yml", *book.toc_error)


@rule("TOC002", "a _toc.yml entry has no file")
def entries_have_files(book: Book) -> Iterator[Finding]:
    for name in book.toc_index.order if book.toc_index else ():
        if toc.source_file(book.root, name) is None:
            yield Finding("_toc.yml", toc.entry_line(book.toc_text, name),
                          f"entry '{name}' has no file {name}.md or {name}.ipynb",
                          "create the file or remove the entry")


@rule("TOC003", "a content file is not in _toc.yml")
def files_are_listed(book: Book) -> Iterator[Finding]:
    if book.toc_index is None:
        return
    for rel in book.files:
        name = toc.docname(rel)
        if name not in book.toc_index.parent:
            yield Finding(rel, 1, "is not in _toc.yml, so the book does not show it",
                          f"add '- file: {name}' under its chapter in _toc.yml")

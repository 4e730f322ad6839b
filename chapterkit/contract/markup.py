"""MyST markup of every page (LBL001, ADM001): labels are unique, untitled admonitions carry no title."""

from __future__ import annotations

from collections.abc import Iterator

from chapterkit.book import mdscan
from chapterkit.contract.context import Book
from chapterkit.contract.registry import Finding, rule

# Admonitions whose title is fixed ("Warning", "Note"): text after the name is not a title but a paragraph.
UNTITLED_ADMONITIONS = {"attention", "caution", "danger", "error", "hint", "important", "note", "tip", "warning"}


@rule("LBL001", "a label is defined twice")
def unique_labels(book: Book) -> Iterator[Finding]:
    seen: dict[str, tuple[str, int]] = {}
    for rel in sorted(book.pages):
        for number, label in book.pages[rel].labels:
            if label in seen:
                first_rel, first_line = seen[label]
                yield Finding(rel, number, f"label '({label})=' is already defined at {first_rel}:{first_line}",
                              "rename one of them (labels are unique in the book)")
            else:
                seen[label] = (rel, number)


@rule("ADM001", "text on the opening line of an admonition that takes no title")
def untitled_admonitions(book: Book) -> Iterator[Finding]:
    """``:::{warning} The misreading`` renders "Warning" as the title and the text as a paragraph: say so."""
    for rel, page in book.pages.items():
        for ln in page.lines:
            opened = mdscan.directive_name(ln.text)
            if opened is None or opened[2] not in UNTITLED_ADMONITIONS:
                continue
            rest = ln.text.split("}", 1)[1].strip() if "}" in ln.text else ""
            if rest:
                yield Finding(rel, ln.number,
                              f"'{{{opened[2]}}}' takes no title, so {rest[:40]!r} would show as its first paragraph",
                              f"write ':::{{admonition}} {rest[:40]}' with ':class: {opened[2]}' on the next line, "
                              "or move the text into the box")

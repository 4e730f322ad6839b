"""Glossary terms (TRM001, TRM002): every ``{term}`` is defined in glossary.md, once."""

from __future__ import annotations

from collections.abc import Iterator

from chapterkit.book import mdscan
from chapterkit.contract.context import Book
from chapterkit.contract.registry import Finding, rule


@rule("TRM001", "a {term} is not in the glossary")
def terms_defined(book: Book) -> Iterator[Finding]:
    for rel in sorted(book.pages):
        for role in book.pages[rel].roles:
            if role.name != "term":
                continue
            target = mdscan.term_target(role.content)
            if target.lower() not in book.terms:
                yield Finding(rel, role.number, f"term '{target}' is not defined in glossary.md",
                              "define it in your chapter's {glossary} block; grep glossary.md first")


@rule("TRM002", "a glossary term is defined twice")
def terms_defined_once(book: Book) -> Iterator[Finding]:
    for number, term, written in book.glossary:
        if book.terms[term] != number:
            yield Finding("glossary.md", number, f"term '{written}' is already defined on line {book.terms[term]}",
                          "keep one definition and delete the other")

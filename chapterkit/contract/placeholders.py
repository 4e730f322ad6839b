"""Placeholders (DRF001): a chapter that is not a draft holds none of the scaffold's ``TODO(chapter)`` text."""

from __future__ import annotations

from collections.abc import Iterator

from chapterkit.book import toc
from chapterkit.book.frontmatter import PLACEHOLDER
from chapterkit.contract.citations import resource_cite
from chapterkit.contract.context import Book, owner_slug
from chapterkit.contract.registry import Finding, rule


def _draft_notebooks(book: Book) -> set[str]:
    found: set[str] = set()
    for slug in book.drafts:
        path = book.pages[book.chapters[slug]].meta.get("path")
        nbs = path.get("notebooks") if isinstance(path, dict) else None
        found |= {nb for nb in nbs or [] if isinstance(nb, str)}
    return found


def _in_draft(book: Book, rel: str, draft_notebooks: set[str]) -> bool:
    """Whether a page belongs to a draft chapter (or to no chapter at all: top-level pages are not checked)."""
    owner = toc.chapter_slug(rel) or owner_slug(rel)
    if rel.endswith(".ipynb"):
        return rel in draft_notebooks or owner in book.drafts
    return owner is None or owner in book.drafts


@rule("DRF001", "placeholder text in a chapter that is not a draft")
def no_placeholders(book: Book) -> Iterator[Finding]:
    draft_notebooks = _draft_notebooks(book)
    for rel in sorted(book.pages):
        if _in_draft(book, rel, draft_notebooks):
            continue
        for number, line in enumerate(book.pages[rel].text.splitlines(), start=1):
            if PLACEHOLDER in line:
                yield Finding(rel, number, f"template placeholder '{PLACEHOLDER}' left in a chapter that is not a "
                              "draft", "write the real text, or put 'status: draft' back")
    published = {resource_cite(book, rel) for slug, rel in book.chapters.items() if slug not in book.drafts}
    for key in sorted(k for k in published if k is not None):
        entry = book.bib_keys.get(key)
        if entry is not None and PLACEHOLDER in entry.text:
            yield Finding("references.bib", entry.line, f"entry '{key}' still holds the placeholder "
                          f"'{PLACEHOLDER}' and its chapter is not a draft",
                          "complete the field from the resource itself")

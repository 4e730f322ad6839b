"""Citations and the bibliography (CIT001-CIT003, BIB001-BIB002): every key cited is in references.bib, once,
every entry is cited and reads differently from the others, and a sub-page cites only what its chapter page
lists under References."""

from __future__ import annotations

from collections.abc import Iterator

from chapterkit.book import mdscan, toc
from chapterkit.book.citelabels import label_of
from chapterkit.contract.context import Book, key_line_safe, owner_slug
from chapterkit.contract.registry import Finding, rule


def resource_cite(book: Book, rel: str) -> str | None:
    """The bib key of the resource a chapter page's front matter names, if any."""
    resource = book.pages[rel].meta.get("resource")
    if isinstance(resource, dict) and isinstance(resource.get("cite"), str):
        return resource["cite"]
    return None


def uses(book: Book, rel: str) -> list[tuple[int, str]]:
    """(line, key) of every citation on a page, the front matter's ``resource.cite`` included."""
    page = book.pages[rel]
    found = [(r.number, k) for r in page.roles if r.name.startswith("cite") for k in mdscan.cite_keys(r.content)]
    cite = resource_cite(book, rel)
    if cite:
        found.append((key_line_safe(page.text, ("resource", "cite")), cite))
    return found


def cited_by(book: Book, rel: str) -> set[str]:
    return {key for _, key in uses(book, rel)}


@rule("BIB001", "a bib key is defined twice")
def unique_bib_keys(book: Book) -> Iterator[Finding]:
    for entry in book.bib_entries:
        first = book.bib_keys[entry.key]
        if first is not entry:
            yield Finding("references.bib", entry.line,
                          f"key '{entry.key}' is defined twice (first on line {first.line})",
                          "merge the two entries or rename one key")


@rule("BIB002", "two bib entries cite as the same author and year")
def distinct_labels(book: Book) -> Iterator[Finding]:
    """Two entries that read ``[Breck et al., 2017]`` cannot be told apart in the text or the lists (and fail the
    strict build): the later one is reported, with the first."""
    first: dict[str, str] = {}
    for key, entry in book.bib_keys.items():
        text = label_of(entry.text)
        if text is None:
            continue
        if text not in first:
            first[text] = key
            continue
        year = text.rsplit(", ", 1)[-1] if ", " in text else "YEAR"
        yield Finding("references.bib", entry.line, f"entry '{key}' cites as [{text}], like '{first[text]}', so a "
                      "reader cannot tell them apart",
                      f"tell them apart by year in both entries, e.g. year = {{{year}a}} and year = {{{year}b}}; "
                      "a course names its term, e.g. year = {Winter 2022}")


@rule("CIT001", "a citation key is not in references.bib")
def known_keys(book: Book) -> Iterator[Finding]:
    for rel in sorted(book.pages):
        for number, key in uses(book, rel):
            if key not in book.bib_keys:
                yield Finding(rel, number, f"citation key '{key}' is not in references.bib",
                              "add the entry to references.bib or correct the key")


@rule("CIT002", "a bib entry is never cited")
def every_entry_cited(book: Book) -> Iterator[Finding]:
    cited = {key for rel in book.pages for _, key in uses(book, rel)}
    for key, entry in book.bib_keys.items():
        if key not in cited:
            yield Finding("references.bib", entry.line, f"entry '{key}' is never cited",
                          "cite it from a chapter or delete the entry")


@rule("CIT003", "a sub-page cites a key its chapter page does not")
def subpages_cite_their_chapters_keys(book: Book) -> Iterator[Finding]:
    chapter_keys = {slug: cited_by(book, rel) for slug, rel in book.chapters.items()}
    any_chapter = set().union(*chapter_keys.values()) if chapter_keys else set()
    for rel in sorted(book.pages):
        if toc.chapter_slug(rel) is not None or rel == "bibliography.md":
            continue
        owner = owner_slug(rel)
        for number, key in uses(book, rel):
            if key not in book.bib_keys:
                continue  # CIT001
            if owner is not None and owner in chapter_keys:
                if key not in chapter_keys[owner]:
                    index = book.chapters[owner]
                    yield Finding(rel, number, f"cites '{key}', which {index} does not cite, so no References "
                                  "list shows it", f"cite '{key}' on {index} too")
            elif key not in any_chapter:
                yield Finding(rel, number, f"cites '{key}', which no chapter page cites, so no References "
                              "list shows it", "cite it on the chapter page it belongs to")

"""Front matter of a chapter page (FM001-FM006): the ``resource:`` and ``path:`` blocks of templates/chapter.md.

Each problem is reported at the line of its key, or of the block that lacks it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

from chapterkit.book import toc
from chapterkit.book.frontmatter import KINDS, LEVELS, STATUSES
from chapterkit.contract.context import Book, Chapter, chapters
from chapterkit.contract.registry import Finding, rule

SUMMARY_MAX = 160  # characters: one line on a path-map card
FIX_FM = "see the front matter in templates/chapter.md"
RESOURCE_KEYS = ("title", "kind", "authors", "year", "url", "cite")
PATH_KEYS = ("level", "minutes", "summary", "prerequisites", "notebooks")


def _is_http_url(url: Any) -> bool:
    if not isinstance(url, str):
        return False
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def _block(chapter: Chapter, name: str) -> dict[str, Any] | None:
    value = chapter.page.meta.get(name)
    return value if isinstance(value, dict) else None


@rule("FM001", "front matter is not valid YAML")
def front_matter_parses(book: Book) -> Iterator[Finding]:
    for rel, page in book.pages.items():
        if page.fm_error is not None:
            yield Finding(rel, page.fm_error.line, str(page.fm_error), "correct the YAML between the '---' lines")


@rule("FM002", "a required front-matter key is missing")
def required_keys(book: Book) -> Iterator[Finding]:
    for ch in chapters(book):
        if ch.page.fm_lines == 0:
            yield Finding(ch.rel, 1, "chapter page has no front matter ('---' block with resource: and path:)",
                          FIX_FM)
            continue
        for name, keys in (("resource", RESOURCE_KEYS), ("path", PATH_KEYS)):
            block = _block(ch, name)
            if block is None:
                yield Finding(ch.rel, ch.line(name), f"front matter has no '{name}:' mapping", FIX_FM)
                continue
            for key in keys:
                missing = block.get(key) in (None, "", []) if name == "resource" else block.get(key) is None
                if missing:
                    yield Finding(ch.rel, ch.line(name), f"{name}.{key} is missing", FIX_FM)


def _resource_values(res: dict[str, Any], line: Any) -> Iterator[tuple[int, str, str]]:
    title, kind, authors = res.get("title"), res.get("kind"), res.get("authors")
    if title not in (None, "") and not isinstance(title, str):
        yield line("resource", "title"), "resource.title must be a string", "quote it"
    if kind not in (None, "") and kind not in KINDS:
        yield (line("resource", "kind"), f"resource.kind is '{kind}'; use one of {', '.join(KINDS)}",
               "change the value")
    if authors not in (None, "", []) and (
            not isinstance(authors, list) or not all(isinstance(a, str) and a.strip() for a in authors)):
        yield (line("resource", "authors"), "resource.authors must be a list of names, e.g. [Eric Breck, D. Sculley]",
               "write the names in [...]")
    year, last = res.get("year"), datetime.date.today().year + 1
    if year not in (None, "") and (not isinstance(year, int) or isinstance(year, bool) or not 1950 <= year <= last):
        yield line("resource", "year"), f"resource.year is {year!r}; use a year from 1950 to {last}", "change the value"
    url = res.get("url")
    if url not in (None, "") and not _is_http_url(url):
        yield (line("resource", "url"), f"resource.url is {url!r}; use an http:// or https:// address",
               "change the value")
    cite = res.get("cite")
    if cite not in (None, "") and not isinstance(cite, str):
        yield line("resource", "cite"), "resource.cite must be a bib key", "change the value"


def _path_values(path: dict[str, Any], line: Any) -> Iterator[tuple[int, str, str]]:
    level = path.get("level")
    if level is not None and level not in LEVELS:
        yield line("path", "level"), f"path.level is '{level}'; use one of {', '.join(LEVELS)}", "change the value"
    minutes = path.get("minutes")
    if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0):
        yield (line("path", "minutes"), f"path.minutes is {minutes!r}; use a whole number of minutes above 0",
               "change the value")
    summary = path.get("summary")
    if summary is not None and (not isinstance(summary, str) or "\n" in summary.strip()
                                or not summary.strip() or len(summary.strip()) > SUMMARY_MAX):
        yield (line("path", "summary"),
               (f"path.summary must be one line of at most {SUMMARY_MAX} characters saying what the "
               f"chapter covers; it is {summary!r:.60}"),
               "write one sentence, e.g. summary: How ML systems accrue hidden maintenance costs")
    for key, what, fix in (("prerequisites", "a list of slugs", "write them in [...]"),
                           ("notebooks", "a list of paths", "write them in [...]")):
        if path.get(key) is not None and not isinstance(path.get(key), list):
            yield line("path", key), f"path.{key} must be {what}", fix


@rule("FM003", "a front-matter value is invalid")
def valid_values(book: Book) -> Iterator[Finding]:
    for ch in chapters(book):
        resource, path = _block(ch, "resource"), _block(ch, "path")
        found = [*(_resource_values(resource, ch.line) if resource else ()),
                 *(_path_values(path, ch.line) if path else ())]
        data = ch.page.meta
        if "status" in data and data.get("status") not in STATUSES:
            found.append((ch.line("status"), (f"status is {data.get('status')!r}; use draft or published "
                          "(or leave it out)"), "change the value"))
        yield from (Finding(ch.rel, *f) for f in found)


def _listed(ch: Chapter, key: str) -> list[Any]:
    path = _block(ch, "path")
    value = path.get(key) if path else None
    return value if isinstance(value, list) else []


@rule("FM004", "a prerequisite is not a chapter slug")
def prerequisites_are_chapters(book: Book) -> Iterator[Finding]:
    for ch in chapters(book):
        for i, slug in enumerate(_listed(ch, "prerequisites")):
            if slug not in book.chapters:
                known = ", ".join(sorted(book.chapters))
                yield Finding(ch.rel, ch.line("path", "prerequisites", i),
                              f"prerequisite '{slug}' is not a chapter slug (chapters: {known})",
                              "use a slug from that list")


@rule("FM005", "a listed notebook does not exist")
def listed_notebooks_exist(book: Book) -> Iterator[Finding]:
    for ch in chapters(book):
        for i, nb in enumerate(_listed(ch, "notebooks")):
            if not isinstance(nb, str) or not (book.root / nb).is_file():
                yield Finding(ch.rel, ch.line("path", "notebooks", i), f"notebook '{nb}' does not exist",
                              "correct the path (relative to the book root) or create the notebook")


@rule("FM006", "a listed notebook is not under its chapter in _toc.yml")
def listed_notebooks_under_chapter(book: Book) -> Iterator[Finding]:
    if book.toc_index is None:
        return
    for ch in chapters(book):
        chapter_doc = toc.docname(ch.rel)
        for i, nb in enumerate(_listed(ch, "notebooks")):
            if not isinstance(nb, str) or not (book.root / nb).is_file():
                continue  # FM005
            name = toc.docname(nb)
            if name in book.toc_index.parent and chapter_doc not in book.toc_index.ancestors(name):
                yield Finding(ch.rel, ch.line("path", "notebooks", i),
                              f"notebook '{nb}' is not under chapter '{ch.slug}' in _toc.yml",
                              f"move '- file: {name}' into the sections of '{chapter_doc}' in _toc.yml")

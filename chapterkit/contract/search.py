"""Search queries (SRCH001): each published chapter has learner queries for the search tests
(``tests/search-queries/<slug>.yml``, run by ``tests/test_search.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from chapterkit.contract.context import Book
from chapterkit.contract.registry import Finding, rule

MIN_SEARCH_QUERIES = 10
SEARCH_QUERIES = "tests/search-queries"


def _count(entries: object) -> int:
    """Queries with both ``q`` and ``page``."""
    if not isinstance(entries, list):
        return 0
    return len([e for e in entries if isinstance(e, dict) and e.get("q") and e.get("page")])


@rule("SRCH001", "a published chapter has too few search queries in tests/search-queries/<slug>.yml")
def search_queries(book: Book) -> Iterator[Finding]:
    for slug, rel in sorted(book.chapters.items()):
        if slug in book.drafts:
            continue
        queries = f"{SEARCH_QUERIES}/{slug}.yml"
        fix = (f"list in {queries} at least {MIN_SEARCH_QUERIES} learner queries like {{q: \"a term\", "
               f"page: {rel[:-3]}.html, anchor: section-id}}, then run: pytest tests/test_search.py")
        path = book.root / queries
        if not path.is_file():
            yield Finding(rel, 1, f"chapter '{slug}' has no search queries", fix)
            continue
        try:
            entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            yield Finding(queries, mark.line + 1 if mark else 1, f"not valid YAML: {getattr(error, 'problem', error)}",
                          fix)
            continue
        if _count(entries) < MIN_SEARCH_QUERIES:
            yield Finding(queries, 1, f"{_count(entries)} search queries with q and page, "
                          f"at least {MIN_SEARCH_QUERIES} needed", fix)

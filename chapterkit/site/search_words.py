"""The book's words for the search script, written at build-finished into the site's ``_static/``.

- ``chapterkit-search-words.json``: aliases from a learner's words to the book's terms (the index's ``see:``
  entries, the hand-kept ``search-aliases.yml``) and every glossary term with its other names and its page;
- ``chapterkit-search-vocabulary.json``: the words of the book's terms and headings, which a misspelt query word
  is corrected to (fetched only when a word is not found).

Part of the search extension (``chapterkit.site.search``), which calls :func:`write_search_words`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
# Pages the index leaves out, and so the book's words too.
NOT_INDEXED = {"genindex", "search", "py-modindex"}
# The book's words for the search script (``_static/`` of the site): aliases from a learner's words to the book's
# terms, and the words of the book's terms and headings that a misspelt word is corrected to.
WORDS_FILE = "chapterkit-search-words.json"
# The words of the book's terms and headings, fetched only when a query holds a word no page has.
VOCABULARY_FILE = "chapterkit-search-vocabulary.json"
# The hand-kept aliases, in the book's root: ``learner's words: the book's term``, one a line.
ALIASES_FILE = "search-aliases.yml"

# --- build-finished: the book's words ---------------------------------------------------------------

_SEPARATOR = re.compile(r"([^\W\d_]{2,})[-/‐-—](?=[^\W\d_]{2,})")


def vocabulary_words(text: str) -> list[str]:
    """The words of ``text`` as the search script compares them: hyphen and slash between words are spaces (one-letter
    parts stay joined: "A/B"), lower case, letters, digits, "/" and "-" only."""
    words = (re.sub(r"[^\w/-]+", "", w.lower()) for w in _SEPARATOR.sub(r"\1 ", text).split())
    return [w for w in words if len(w) > 1 and re.search(r"[^\W\d_]", w)]


def glossary_entries(app: Sphinx) -> list[tuple[list[str], str | None]]:
    """Each glossary entry: its names, its first name first (some have more: "Kolmogorov-Smirnov test" and
    "KS test"), and the page its "See {ref}" points to, the page that explains it (site path, or None); of several
    pages, the one that holds the term's main index entry."""
    labels = app.env.domaindata["std"]["labels"]
    mains: dict[str, set[str]] = {}
    for docname, entries in app.env.get_domain("index").entries.items():  # type: ignore[attr-defined]
        for kind, value, _target, main, _key in entries:
            if main == "main" and kind == "single":
                mains.setdefault(value.split(";")[0].strip().lower(), set()).add(docname)
    found = []
    for docname in sorted(app.env.found_docs):
        doctree = app.env.get_doctree(docname)
        for glossary in doctree.findall(addnodes.glossary):
            for item in glossary.findall(nodes.definition_list_item):
                names = [term.astext().strip() for term in item.findall(nodes.term)]
                if not names:
                    continue
                pages = _see_pages(item, labels)
                explaining = set().union(*(mains.get(name.lower(), set()) for name in names))
                page = next((d for d in pages if d in explaining), pages[0] if pages else None)
                found.append((names, app.builder.get_target_uri(page) if page else None))
    return found


def _see_pages(item: nodes.Element, labels: dict[str, Any]) -> list[str]:
    """The pages of the {ref}s after a definition's last "See" (all its {ref}s if it has no "See")."""
    text = item.astext()
    at = text.rfind("See ")
    pages = []
    for ref in item.findall(addnodes.pending_xref):
        if ref.get("reftype") == "ref" and ref.get("reftarget") in labels and text.find(ref.astext(), max(at, 0)) >= at:
            pages.append(labels[ref["reftarget"]][0])
    return pages


def hand_aliases(srcdir: Path) -> list[list[str]]:
    """The aliases of ``search-aliases.yml`` (a mapping: learner's words -> the book's term)."""
    path = srcdir / ALIASES_FILE
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
                                             for k, v in data.items()):
        raise ValueError(f"{ALIASES_FILE} must map a learner's words to the book's term, one string to one string")
    return [[k.strip(), v.strip()] for k, v in data.items()]


def search_words(app: Sphinx) -> dict[str, list[Any]]:
    """The aliases the search script expands a query with, and the book's vocabulary.

    ``aliases``, a learner's words -> the book's term, searched before the learner's words: an index entry
    ``see: data drift; data distribution shift`` (a "see" entry, not a "see also": that one points from a term the
    book uses to a related one) and the hand-kept ``search-aliases.yml``. ``terms``, each glossary entry as the
    index in ``pages`` of the page its "See {ref}" points to (a query that is the term ranks it first), then its
    names, the first name first: another name ("KS test") is searched after the words as typed, then as the
    first name ("Kolmogorov-Smirnov test"). ``words``: the words of the glossary's terms, of every index entry and of every heading, most frequent
    first."""
    aliases: list[list[str]] = []
    pages: list[str] = [""]
    terms: list[list[Any]] = []
    counts: Counter[str] = Counter()
    for names, page in glossary_entries(app):
        # A glossary term is the book's own word: no alias rewrites part of it (an alias for "drift" leaves
        # "concept drift" alone); a search for the term ranks first the page that explains it.
        if page not in pages:
            pages.append(page or "")
        terms.append([pages.index(page or ""), *names])
        for name in names:
            counts.update(vocabulary_words(name))
    for entries in app.env.get_domain("index").entries.values():  # type: ignore[attr-defined]
        for kind, value, _target, _main, _key in entries:
            parts = [part.strip() for part in value.split(";")]
            if kind == "see" and len(parts) == 2 and all(parts):
                aliases.append(parts)
            counts.update(vocabulary_words(" ".join(parts)))
    for from_, to in hand_aliases(Path(app.srcdir)):
        aliases.append([from_, to])
        counts.update(vocabulary_words(to))
    for docname, toc in app.env.tocs.items():
        if docname not in NOT_INDEXED:
            for ref in toc.findall(nodes.reference):
                counts.update(vocabulary_words(ref.astext()))
    for kind, name in app.env.domaindata["std"]["objects"]:
        if kind == "term":
            counts.update(vocabulary_words(name))
    words = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {"aliases": aliases, "pages": pages, "terms": terms, "words": words}


def write_search_words(app: Sphinx) -> None:
    try:
        data = search_words(app)
    except (ValueError, yaml.YAMLError) as error:
        logger.error("search: %s", error)
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    vocabulary = {"words": data.pop("words")}
    for name, content in ((WORDS_FILE, data), (VOCABULARY_FILE, vocabulary)):
        (static / name).write_text(json.dumps(content, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")



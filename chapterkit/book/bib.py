"""Just enough BibTeX: the entries of ``references.bib`` with their lines, and new entries for the scaffold."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ENTRY = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]\s*([^,\s]+)\s*,", re.MULTILINE)
NOT_ENTRIES = {"comment", "string", "preamble"}
STOPWORDS = {
    "a", "an", "and", "the", "of", "on", "in", "for", "to", "with", "towards", "toward", "from", "at", "by",
    "is", "are", "what", "why", "how", "into", "via", "your", "our", "its",
}
PLACEHOLDER_FIELDS = {
    # kind: (entry type, field the contributor completes, what to put there)
    "paper": ("inproceedings", "booktitle", "the venue: conference proceedings or journal"),
    "course": ("misc", "howpublished", "the institution, e.g. Stanford University course"),
    "book": ("book", "publisher", "the publisher"),
    "article": ("misc", "howpublished", "where it was published, e.g. the blog's name"),
    "talk": ("misc", "howpublished", "the event, e.g. the conference and its year"),
}


@dataclass(frozen=True)
class Entry:
    key: str
    kind: str
    line: int
    text: str


def entries(text: str) -> list[Entry]:
    """Every entry (not @comment/@string/@preamble), in file order, with its 1-based line and its text."""
    found = [m for m in ENTRY.finditer(text) if m.group(1).lower() not in NOT_ENTRIES]
    result = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        line = text.count("\n", 0, match.start(2)) + 1
        result.append(Entry(match.group(2), match.group(1).lower(), line, text[match.start():end]))
    return result


def _ascii_word(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def last_name(author: str) -> str:
    """The family name of "First Last" (or "Last, First")."""
    author = author.strip()
    if "," in author:
        return author.split(",")[0].strip()
    return author.split()[-1] if author.split() else author


def make_key(authors: list[str], year: int, title: str, taken: set[str]) -> str:
    """``breck2017ml``: first author's family name, year, first significant title word; unique in ``taken``."""
    name = _ascii_word(last_name(authors[0])) or "anon"
    words = [_ascii_word(w) for w in re.split(r"[\s\-:/]+", title)]
    significant = [w for w in words if w and w not in STOPWORDS] or [w for w in words if w] or ["work"]
    base = f"{name}{year}{significant[0]}"
    key, suffix = base, ord("b")
    while key in taken:
        key = f"{base}{chr(suffix)}"
        suffix += 1
    return key


def bibtex_author(author: str) -> str:
    author = author.strip()
    if "," in author or len(author.split()) < 2:
        return author
    *given, family = author.split()
    return f"{family}, {' '.join(given)}"


def protect_title(title: str) -> str:
    """Brace words with capitals after their first letter (acronyms) so styles do not lowercase them."""
    return " ".join(f"{{{w}}}" if re.search(r"[A-Z]", w[1:]) else w for w in title.split())


def render_entry(key: str, kind: str, title: str, authors: list[str], year: int, url: str, marker: str) -> str:
    entry_type, field, what = PLACEHOLDER_FIELDS[kind]
    fields = [
        ("title", protect_title(title)),
        ("author", " and ".join(bibtex_author(a) for a in authors)),
        (field, f"{marker} {what}"),
        ("year", str(year)),
        ("url", url),
    ]
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name.ljust(width)} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{key},\n{body}\n}}\n"

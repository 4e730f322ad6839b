"""The words a citation shows, ``Sculley et al., 2015``: the same in the text and in the reference lists
(``chapterkit/site/citations.py`` renders them; the contract's BIB002 finds two entries that would read alike)."""

from __future__ import annotations

import pybtex.database
from pybtex.database import Entry, Person
from pybtex.richtext import Text


def _last(person: Person) -> str:
    return " ".join(str(part.render_as("text")) for part in person.rich_last_names)


def _title(entry: Entry) -> str:
    return str(Text.from_latex(entry.fields.get("title", entry.key)).render_as("text"))


def who(entry: Entry) -> str:
    """The names the author-year citation shows: one, two (``A and B``), or the first and ``et al.``."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_last(p) for p in people]
    if not names:
        return _title(entry)
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def label(entry: Entry) -> str:
    year = str(entry.fields.get("year", "")).strip()
    return f"{who(entry)}, {year}" if year else who(entry)


def label_of(bibtex: str) -> str | None:
    """The label of the one entry in a piece of BibTeX (an entry of ``bib.entries``); None if it does not parse."""
    try:
        data = pybtex.database.parse_string(bibtex, "bibtex")
    except Exception:  # noqa: BLE001 - pybtex raises many types for broken BibTeX; the build reports it
        return None
    return next((label(entry) for entry in data.entries.values()), None)

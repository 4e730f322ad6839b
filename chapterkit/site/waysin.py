"""Sphinx extension: ways into the book besides the path.

- Each glossary list gets an A-Z jump bar under its heading: one link per initial letter, to the first term
  with that letter in that list. The entries themselves are untouched.
- The general index lists each entry once whatever its case: "Abstraction debt" (the glossary term) and
  "abstraction debt" (an ``{index}`` entry in a chapter) become one entry, in the glossary's spelling; and
  an entry that starts with a Greek letter ("ε-feature") is filed under its Latin letter (E), not after Z.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def initial(text: str) -> str:
    """The A-Z letter a term is filed under ('#' for a digit or symbol)."""
    for char in text.strip():
        if char.isalpha():
            name = unicodedata.name(char, "")
            if name.startswith("GREEK"):
                letter = name.split()[-1][0]  # GREEK SMALL LETTER EPSILON -> E
            else:
                letter = unicodedata.normalize("NFKD", char)[0].upper()
            return letter if "A" <= letter <= "Z" else "#"
        if char.isdigit():
            return "#"
    return "#"


def add_jump_bars(app: Sphinx, doctree: nodes.document) -> None:
    for glossary in list(doctree.findall(addnodes.glossary)):
        section = glossary.parent
        while section is not None and not isinstance(section, nodes.section):
            section = section.parent
        first: dict[str, str] = {}
        for term in list(glossary.findall(nodes.term)):
            letter = initial(term.astext())
            if letter not in first and term["ids"]:
                first[letter] = term["ids"][0]
        if len(first) < 2:
            continue
        bar = nodes.paragraph(classes=["chapterkit-az"])
        bar += nodes.strong(text="Jump to: ")
        for n, letter in enumerate(sorted(first, key=lambda x: (x == "#", x))):
            if n:
                bar += nodes.Text(" ")
            bar += nodes.reference(letter, letter, refid=first[letter], internal=True)
        parent = glossary.parent
        parent.insert(parent.index(glossary), bar)


def canonical_forms(values: list[str]) -> dict[str, str]:
    """lower-case text -> the one spelling to use: the capitalized one when there is one (the glossary's)."""
    forms: dict[str, str] = {}
    for value in values:
        key = value.lower()
        if key not in forms or (value[:1].isupper() and not forms[key][:1].isupper()):
            forms[key] = value
    return forms


def merge_index_case(app: Sphinx, env: BuildEnvironment) -> list[str]:
    entries: dict[str, list[tuple[str, str, str, str, str | None]]] = env.domains["index"].entries
    mains = [value.split(";")[0].strip() for items in entries.values()
             for kind, value, *_ in items if kind == "single"]
    forms = canonical_forms(mains)
    for docname, items in entries.items():
        fixed = []
        for kind, value, target, main, key in items:
            if kind == "single":
                head, sep, rest = value.partition(";")
                name = forms.get(head.strip().lower(), head.strip())
                value = name + (sep + rest if sep else "")
                if key is None and initial(name) != "#" and initial(name) != name[:1].upper():
                    key = initial(name)
            fixed.append((kind, value, target, main, key))
        entries[docname] = fixed
    return []


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", add_jump_bars)
    app.connect("env-updated", merge_index_case)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

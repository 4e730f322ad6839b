"""The contract's checks of ``{checklist}`` files (``make check``), so that a broken checklist shows before a build.

- CHK001 a checklist file is missing or does not meet the schema (``chapterkit.checklist``), at the file's line;
- CHK002 an item's ``link`` is not a label in the book;
- CHK003 two checklists share an id (ids are the readers' storage keys).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from chapterkit import checklist, mdscan
from chapterkit.errors import Problem

CODES = {
    "CHK001": "a {checklist} file is missing or does not meet the checklist schema",
    "CHK002": "a checklist item links to a label that is not in the book",
    "CHK003": "two checklists share an id",
}
DIRECTIVE = re.compile(r"^\s*(?::{3,}|`{3,}|~{3,})\s*\{checklist\}\s*(\S*)")
SCHEMA = "see CONTRIBUTING.md, 'Adding a checklist'"


def uses(text: str) -> list[tuple[int, str]]:
    """(line, file argument) of each ``{checklist}`` directive in a page's Markdown."""
    return [(line.number, m.group(1)) for line in mdscan.markup_lines(text)
            if (m := DIRECTIVE.match(line.text))]


def check(root: Path, pages: Mapping[str, str], labels: set[str]) -> list[Problem]:
    """Problems of every checklist used by ``pages`` (rel path -> Markdown text); ``labels``: the book's."""
    problems: list[Problem] = []
    ids: dict[str, str] = {}
    for rel in sorted(pages):
        for number, argument in uses(pages[rel]):
            if not argument:
                problems.append(Problem(rel, number, "CHK001", "{checklist} needs the file name of its YAML",
                                        "write ':::{checklist} name.yml' with the file beside the page"))
                continue
            base = root if argument.startswith("/") else (root / rel).parent
            path = (base / argument.lstrip("/")).resolve()
            try:
                shown = path.relative_to(root).as_posix()
            except ValueError:
                shown = argument
            if not path.is_file():
                problems.append(Problem(rel, number, "CHK001", f"checklist file not found: {argument}",
                                        "create it beside the page, or correct the name"))
                continue
            try:
                found = checklist.load(path, shown)
            except checklist.ChecklistError as exc:
                problems.append(Problem(shown, exc.line, "CHK001", exc.message, SCHEMA))
                continue
            for _section, item in found.every_item():
                if item.link and item.link not in labels:
                    problems.append(Problem(shown, item.link_line, "CHK002",
                                            f"item '{item.id}' links to '{item.link}', which is not a label in "
                                            "the book", "use the '(label)=' of the page or section that explains "
                                            "it, or drop the link"))
            if found.id in ids and ids[found.id] != shown:
                problems.append(Problem(shown, found.line, "CHK003", f"checklist id '{found.id}' is already "
                                        f"used by {ids[found.id]}", "give each checklist its own id"))
            ids.setdefault(found.id, shown)
    return problems

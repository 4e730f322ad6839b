"""The version-check cell: each notebook's first code cell compares the installed libraries with the versions the
notebook was tested with (the ``==`` pins of ``requirements.txt``) and says which differ. It never installs
anything, imports only the standard library, and prints the same lines on every run in the tested environment.

This module says what the cell must be (``expected_source``) and whether a notebook has it (``problem``, the
contract's NB010); ``chapterkit/author/versioncell.py`` writes it into the notebooks.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from chapterkit.book.errors import ChapterkitError
from chapterkit.book.nbimports import ALLOWED_IMPORTS, imports

MARKER = "# Version check"
TAG = "version-check"
# The import name of a library, and the name it is pinned under in requirements.txt.
DISTRIBUTIONS = {"numpy": "numpy", "pandas": "pandas", "scipy": "scipy", "sklearn": "scikit-learn",
                 "matplotlib": "matplotlib", "mpl_toolkits": "matplotlib"}
PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)")


def read_pins(requirements: Path) -> dict[str, str]:
    """``name -> version`` of every ``name==version`` line (names lower-cased)."""
    try:
        text = requirements.read_text(encoding="utf-8")
    except OSError as exc:
        raise ChapterkitError(f"cannot read the pinned versions: {exc.strerror}", str(requirements),
                              "run from the book's root, where requirements.txt is") from exc
    pins = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def libraries(nb: nbformat.NotebookNode) -> list[str]:
    """The distributions a notebook imports (of the allowed ones), in a stable order."""
    found: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and TAG not in cell.get("metadata", {}).get("tags", []):
            found.update(DISTRIBUTIONS[m] for m in imports(str(cell.source)) if m in ALLOWED_IMPORTS)
    return sorted(found)


def cell_source(pins: dict[str, str]) -> str:
    """The cell's code for these ``distribution -> tested version`` pins; every line at most 88 characters."""
    width = max([len(name) for name in pins] + [7])
    tested = "".join(f'    "{name}": "{version}",\n' for name, version in pins.items())
    return (
        f"{MARKER}: the versions this notebook was tested with (requirements.txt), beside\n"
        "# the installed ones. Elsewhere (Colab, say) they may differ, and so may a number or\n"
        "# two below. This cell only reports; it installs nothing.\n"
        "from importlib.metadata import PackageNotFoundError, version\n"
        "\n"
        "TESTED = {\n"
        f"{tested}"
        "}\n"
        "differ = 0\n"
        "for name, tested in TESTED.items():\n"
        "    try:\n"
        "        installed = version(name)\n"
        "    except PackageNotFoundError:\n"
        '        installed = "missing"\n'
        "    differ += installed != tested\n"
        '    verdict = "as tested" if installed == tested else f"tested with {tested}"\n'
        f'    print(f"{{name:<{width}}} {{installed:<10}} {{verdict}}")\n'
        'print("All as tested." if not differ else f"{differ} differ from the tested versions.")\n'
    )


def expected_source(nb: nbformat.NotebookNode, pins: dict[str, str], where: str) -> str:
    wanted = libraries(nb) or ["numpy"]
    missing = [name for name in wanted if name not in pins]
    if missing:
        raise ChapterkitError(f"requirements.txt pins no version of {', '.join(missing)}", where,
                              "pin it there with ==, then run the command again")
    return cell_source({name: pins[name] for name in wanted})


def is_version_cell(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and (TAG in cell.get("metadata", {}).get("tags", [])
                                         or str(cell.source).startswith(MARKER))


def first_code_cell(nb: nbformat.NotebookNode) -> int | None:
    return next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), None)


def problem(nb: nbformat.NotebookNode, pins: dict[str, str], where: str) -> str | None:
    """Why the notebook's first code cell is not the current version check, or None."""
    first = first_code_cell(nb)
    if first is None:
        return None
    try:
        source = expected_source(nb, pins, where)
    except ChapterkitError as exc:
        return exc.message
    cell = nb.cells[first]
    if not is_version_cell(cell):
        return "the first code cell is not the version check"
    if str(cell.source) != source:
        return "the version check does not match requirements.txt and the notebook's imports"
    return None

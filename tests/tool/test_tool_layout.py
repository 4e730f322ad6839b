"""chapterkit's layout holds: imports run one way (cli -> author, formats, site, contract -> book), and no
module or class grows past the size a reader can hold in mind."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from tool_helpers import REPO

PACKAGE = REPO / "chapterkit"
WINGS = ("book", "site", "contract", "author", "formats")
# What each part may import from chapterkit, besides itself. Everything reads book/; nothing imports cli.
ALLOWED = {
    "book": {"book"},
    "site": {"site", "book"},
    "contract": {"contract", "book"},
    "author": {"author", "book"},
    "formats": {"formats", "book"},
    "cli": {"book", "contract", "author", "formats", "site"},
    "package": set(),  # chapterkit/__init__.py
    "main": {"cli"},  # chapterkit/__main__.py
}
MAX_MODULE_LINES = 450
MAX_CLASS_LINES = 200


def part_of(module: str) -> str:
    """``chapterkit.site.search`` -> ``site``; ``chapterkit.cli`` -> ``cli``."""
    parts = module.split(".")
    if len(parts) == 1:
        return "package"
    if parts[1] == "__main__":
        return "main"
    return parts[1]


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def chapterkit_imports(path: Path, package: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, module) of every import of chapterkit in a file, however spelled (``from chapterkit import x``
    names the module ``chapterkit.x``)."""
    found = []
    name = module_name(path, package)
    here = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("chapterkit")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this file's package
                anchor = here.split(".")[: len(here.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base == "chapterkit":
                found += [(node.lineno, f"chapterkit.{alias.name}") for alias in node.names]
            elif base.startswith("chapterkit."):
                found.append((node.lineno, base))
    return found


def crossings(package: Path) -> list[str]:
    """Every import against the direction, as ``file:line: part imports part (module)``."""
    bad = []
    for path in sorted(package.rglob("*.py")):
        here = part_of(module_name(path, package))
        for line, target in chapterkit_imports(path, package):
            there = part_of(target)
            if there not in ALLOWED.get(here, set()):
                bad.append(f"{path.relative_to(package.parent)}:{line}: {here} imports {there} ({target})")
    return bad


def test_every_module_is_in_a_wing() -> None:
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py", "cli.py")]
    assert not loose, f"modules outside the wings {WINGS}: {loose}"
    assert all((PACKAGE / wing / "__init__.py").is_file() for wing in WINGS)


def test_imports_run_one_way() -> None:
    bad = crossings(PACKAGE)
    assert not bad, "imports against cli -> author, formats, site, contract -> book:\n  " + "\n  ".join(bad)


@pytest.mark.parametrize(("line", "target"), [
    ("from chapterkit.contract import check", "chapterkit.contract"),
    ("from chapterkit import contract", "chapterkit.contract"),
    ("import chapterkit.site.search", "chapterkit.site.search"),
    ("from ..site import search", "chapterkit.site"),
])
def test_the_direction_check_catches_a_backward_import(tmp_path: Path, line: str, target: str) -> None:
    book = tmp_path / "chapterkit" / "book"
    book.mkdir(parents=True)
    (book / "toc.py").write_text(f"{line}\n", encoding="utf-8")
    assert crossings(tmp_path / "chapterkit") == [
        f"chapterkit/book/toc.py:1: book imports {part_of(target)} ({target})"]


def test_wings_do_not_import_each_other_sideways(tmp_path: Path) -> None:
    site = tmp_path / "chapterkit" / "site"
    site.mkdir(parents=True)
    (site / "x.py").write_text("from chapterkit.formats import ebook\nfrom chapterkit.book import toc\n",
                               encoding="utf-8")
    assert crossings(tmp_path / "chapterkit") == [
        "chapterkit/site/x.py:1: site imports formats (chapterkit.formats)"]


def test_no_module_or_class_is_too_long() -> None:
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(REPO)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES:
                too_long.append(f"{path.relative_to(REPO)}: class {node.name}, {node.end_lineno - node.lineno + 1}"
                                " lines")
    assert not too_long, (f"split these (modules at most {MAX_MODULE_LINES} lines, classes at most "
                          f"{MAX_CLASS_LINES}):\n  " + "\n  ".join(too_long))

"""``_toc.yml``: read it with Jupyter Book's own parser, edit it with a round-trip YAML library."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from sphinx_external_toc.api import SiteMap
from sphinx_external_toc.parsing import MalformedError, parse_toc_data

if TYPE_CHECKING:  # ruamel.yaml is a dev requirement: only editing _toc.yml needs it, not the book build
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedSeq

SUFFIXES = (".md", ".ipynb")


class TocError(ValueError):
    """``_toc.yml`` does not parse; ``line`` is 1-based."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def parse_text(text: str) -> SiteMap:
    """Parse like Jupyter Book does (``sphinx_external_toc``), with a line number on YAML errors."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark is not None and context_mark.line + 1 != line:
            problem += f" ({context} on line {context_mark.line + 1})"
        raise TocError(f"_toc.yml is not valid YAML: {problem}", line) from None
    try:
        return parse_toc_data(data)
    except MalformedError as exc:
        raise TocError(f"_toc.yml is malformed: {exc}", 1) from None


def parse(path: Path) -> SiteMap:
    return parse_text(path.read_text(encoding="utf-8"))


def docname(item: str) -> str:
    """A toc entry without its suffix (entries may be written with or without one)."""
    for suffix in SUFFIXES:
        if item.endswith(suffix):
            return item[: -len(suffix)]
    return item


def chapter_slug(rel: str) -> str | None:
    """``chapters/<slug>.md`` and ``chapters/<slug>/index.md`` are chapter pages; others are not."""
    parts = rel.split("/")
    if len(parts) == 2 and parts[0] == "chapters" and parts[1].endswith(".md"):
        return parts[1][:-3]
    if len(parts) == 3 and parts[0] == "chapters" and parts[2] == "index.md":
        return parts[1]
    return None


def source_file(root: Path, name: str) -> Path | None:
    """The file behind a docname, or None when there is none."""
    for suffix in SUFFIXES:
        candidate = root / f"{docname(name)}{suffix}"
        if candidate.is_file():
            return candidate
    return None


@dataclass(frozen=True)
class TocIndex:
    """Every document of the toc, with its parent and the top-level chapters in path order."""

    root: str
    parent: dict[str, str | None]
    order: list[str]
    chapters: list[str]

    def ancestors(self, name: str) -> list[str]:
        found = []
        current = self.parent.get(name)
        while current is not None:
            found.append(current)
            current = self.parent.get(current)
        return found


def index(site_map: SiteMap) -> TocIndex:
    root = docname(site_map.root.docname)
    parent: dict[str, str | None] = {root: None}
    order = [root]
    chapters: list[str] = []

    def walk(name: str, raw: str) -> None:
        if raw not in site_map:
            return
        for tree in site_map[raw].subtrees:
            for child in tree.files():
                child_name = docname(str(child))
                if child_name in parent:
                    continue
                parent[child_name] = name
                order.append(child_name)
                if name == root:
                    chapters.append(child_name)
                walk(child_name, str(child))

    walk(root, site_map.root.docname)
    return TocIndex(root, parent, order, chapters)


def entry_line(text: str, name: str) -> int:
    """Line of the ``file:`` (or ``root:``) entry naming ``name``; 1 when not found."""
    pattern = re.compile(
        rf"^\s*(?:-\s*)?(?:file|root)\s*:\s*['\"]?{re.escape(name)}(?:\.md|\.ipynb)?['\"]?\s*(?:#.*)?$"
    )
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 1


def _yaml() -> YAML:
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096
    return rt


def part_captions(text: str) -> list[str]:
    data = _yaml().load(text)
    parts = data.get("parts") if isinstance(data, dict) else None
    return [str(p.get("caption", "")) for p in parts or [] if isinstance(p, dict)]


def _insert_after_last(text: str, chapters: CommentedSeq, chapter: str, sections: list[str]) -> str:
    """Insert the entry as text right after the last chapter of the part, before any trailing comment."""
    lines = text.splitlines(keepends=True)
    last_line = chapters.lc.item(len(chapters) - 1)[0]  # 0-based line of the last item
    dash = re.match(r"^(\s*)-", lines[last_line])
    if dash is None:  # flow style or something unusual: let the caller fall back to a full dump
        raise ValueError("unexpected layout")
    indent = dash.group(1)
    end = len(lines)
    for number in range(last_line + 1, len(lines)):
        stripped = lines[number].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(lines[number]) - len(lines[number].lstrip()) <= len(indent):
            end = number
            break
    while end > last_line + 1 and (not lines[end - 1].strip() or lines[end - 1].strip().startswith("#")):
        end -= 1
    block = [f"{indent}- file: {chapter}\n"]
    if sections:
        block.append(f"{indent}  sections:\n")
        block += [f"{indent}    - file: {section}\n" for section in sections]
    if end > 0 and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    return "".join(lines[:end] + block + lines[end:])


def add_chapter(text: str, chapter: str, sections: list[str], part: str | None = None) -> str:
    """``text`` with ``- file: chapter`` (and its sections) appended to the part captioned ``part``.

    ``part=None`` means the first part. Every other byte of the file stays as it was, comments included.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    rt = _yaml()
    data = rt.load(text)
    parts = data.get("parts") if isinstance(data, dict) else None
    if not isinstance(parts, list) or not parts:
        raise TocError("_toc.yml has no 'parts:' list to add the chapter to", 1)
    if part is None:
        target = parts[0]
    else:
        matches = [p for p in parts if isinstance(p, dict) and str(p.get("caption", "")) == part]
        if not matches:
            captions = ", ".join(repr(c) for c in part_captions(text))
            raise TocError(f"no part captioned {part!r} in _toc.yml (parts: {captions})", 1)
        target = matches[0]
    chapters = target.get("chapters")
    if isinstance(chapters, CommentedSeq) and len(chapters) > 0:
        try:
            return _insert_after_last(text, chapters, chapter, sections)
        except ValueError:
            pass
    if chapters is None:
        chapters = CommentedSeq()
        target["chapters"] = chapters
    entry = CommentedMap()
    entry["file"] = chapter
    if sections:
        seq = CommentedSeq()
        for section in sections:
            item = CommentedMap()
            item["file"] = section
            seq.append(item)
        entry["sections"] = seq
    chapters.append(entry)
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()

"""Read a chapter's YAML front matter into typed values."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FENCE = "---"
# The values a chapter's front matter may take (templates/chapter.md; the contract checks them).
KINDS = ("paper", "course", "book", "article", "talk")
LEVELS = ("beginner", "intermediate", "advanced")
STATUSES = ("draft", "published")
# What the scaffold leaves for the author to write; a chapter that is not a draft must hold none.
PLACEHOLDER = "TODO(chapter)"


class FrontMatterError(ValueError):
    """The front matter is missing or is not valid YAML; ``line`` is 1-based in the file."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def split(text: str) -> tuple[dict[str, Any], int]:
    """Return (front matter mapping, number of lines it takes, fences included).

    A file without front matter gives ({}, 0).
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        return {}, 0
    for end in range(1, len(lines)):
        if lines[end].strip() == FENCE:
            break
    else:
        raise FrontMatterError("front matter opened with '---' on line 1 is never closed", 1)
    try:
        data = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark is not None and context_mark.line + 2 != line:
            problem += f" ({context} on line {context_mark.line + 2})"
        raise FrontMatterError(f"front matter is not valid YAML: {problem}", line) from None
    if not isinstance(data, dict):
        raise FrontMatterError("front matter must be a mapping of keys to values", 2)
    return data, end + 1


def read(path: Path) -> dict[str, Any]:
    return split(path.read_text(encoding="utf-8"))[0]


@dataclass(frozen=True)
class Resource:
    title: str
    kind: str
    authors: list[str]
    year: int
    url: str
    cite: str


@dataclass(frozen=True)
class PathInfo:
    level: str
    minutes: int
    summary: str = ""
    prerequisites: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ChapterMeta:
    resource: Resource
    path: PathInfo
    status: str = "published"

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


def chapter_meta(data: dict[str, Any]) -> ChapterMeta | None:
    """Typed chapter metadata, or None when the page has no ``resource`` block (not a chapter).

    Values are taken as they are; the contract checker reports what is wrong with them.
    """
    res = data.get("resource")
    if not isinstance(res, dict):
        return None
    p = data.get("path") if isinstance(data.get("path"), dict) else {}
    authors = res.get("authors") or []
    return ChapterMeta(
        resource=Resource(
            title=str(res.get("title", "")),
            kind=str(res.get("kind", "")),
            authors=[str(a) for a in authors] if isinstance(authors, list) else [str(authors)],
            year=res.get("year", 0),
            url=str(res.get("url", "")),
            cite=str(res.get("cite", "")),
        ),
        path=PathInfo(
            level=str(p.get("level", "")),
            minutes=p.get("minutes", 0),
            summary=str(p.get("summary") or ""),
            prerequisites=list(p.get("prerequisites") or []),
            notebooks=list(p.get("notebooks") or []),
        ),
        status=str(data.get("status", "published")),
    )

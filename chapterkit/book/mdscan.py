"""Read MyST Markdown line by line: what is prose and directives, and what is literal code.

Nothing here renders Markdown; it finds the few things the chapter contract is about (labels, headings,
directives, roles) while skipping code blocks and ``%`` comments, with 1-based line numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*(.*?)\s*$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LABEL = re.compile(r"^\(([^()\s]+)\)=\s*$")
ROLE = re.compile(r"\{(cite(?::[a-z]+)?|term)\}`([^`]*)`")
INLINE_LITERAL = re.compile(r"(`{2,}).+?\1")
# Directives whose body is code, not Markdown.
LITERAL_DIRECTIVES = {"code", "code-block", "code-cell", "sourcecode", "literalinclude", "math", "raw",
                      "eval-rst"}


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, in the file
    text: str


@dataclass(frozen=True)
class Heading:
    number: int
    level: int
    text: str


@dataclass(frozen=True)
class Role:
    number: int
    name: str  # "cite", "cite:p", "term", ...
    content: str


def _directive_name(info: str) -> str | None:
    match = re.match(r"\{([^}]+)\}", info)
    return match.group(1).strip() if match else None


def markup_lines(text: str, first_line: int = 1) -> Iterator[Line]:
    """Lines that MyST parses as Markdown or directive markup: literal code and ``%`` comments are left out.

    ``first_line`` is the file line number of ``text``'s first line (the body after front matter).
    """
    literal: tuple[str, int] | None = None  # fence character and length of the open code block
    directives: list[tuple[str, int]] = []  # open backtick/tilde directive fences (their body is markup)
    for offset, text_line in enumerate(text.splitlines()):
        number = first_line + offset
        fence = FENCE.match(text_line)
        if literal is not None:
            if fence and closes(text_line, *literal):
                literal = None
            continue
        if fence:
            char, length, info = fence.group(1)[0], len(fence.group(1)), fence.group(2)
            name = _directive_name(info)
            if char != ":" and not info and directives and closes(text_line, *directives[-1]):
                directives.pop()
            elif name in LITERAL_DIRECTIVES or (char != ":" and name is None):
                literal = (char, length)
                continue
            elif char != ":" and name is not None:
                directives.append((char, length))
        if text_line.lstrip().startswith("%"):
            continue
        yield Line(number, text_line)


def headings(lines: list[Line]) -> list[Heading]:
    found = []
    for line in lines:
        match = HEADING.match(line.text)
        if match:
            found.append(Heading(line.number, len(match.group(1)), match.group(2)))
    return found


def labels(lines: list[Line]) -> list[tuple[int, str]]:
    return [(line.number, m.group(1)) for line in lines if (m := LABEL.match(line.text))]


def roles(lines: list[Line]) -> list[Role]:
    found = []
    for line in lines:
        text = INLINE_LITERAL.sub("", line.text)
        for match in ROLE.finditer(text):
            found.append(Role(line.number, match.group(1), match.group(2)))
    return found


def cite_keys(content: str) -> list[str]:
    return [key.strip() for key in content.split(",") if key.strip()]


def term_target(content: str) -> str:
    """``text <Target>`` links to Target; plain ``text`` links to itself."""
    match = re.match(r"^(.*?)\s*<([^<>]+)>\s*$", content)
    return (match.group(2) if match else content).strip()


def directive_name(text_line: str) -> tuple[str, int, str] | None:
    """(fence characters, fence length, directive name) when the line opens a directive."""
    fence = FENCE.match(text_line)
    if not fence:
        return None
    name = _directive_name(fence.group(2))
    if name is None:
        return None
    return fence.group(1)[0], len(fence.group(1)), name


def closes(text_line: str, char: str, length: int) -> bool:
    fence = FENCE.match(text_line)
    return bool(fence and fence.group(1)[0] == char and len(fence.group(1)) >= length and not fence.group(2))

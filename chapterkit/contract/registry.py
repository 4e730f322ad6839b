"""The contract's rules, each registered once under its code (ruff's rule registry is the model).

A rule is a small function of the parsed book (``context.Book``) that yields a ``Finding`` (where, what, how to
fix) for each breach; the ``@rule`` decorator files it under its code, which the runner puts on every problem
it yields. A subject module (``chapterkit/contract/<subject>.py``) is a set of such functions::

    @rule("NB008", "a notebook code line over 88 characters")
    def long_code_lines(book: Book) -> Iterator[Finding]:
        ...
        yield Finding(nb.rel, nb.at(i), f"code cell {i + 1}, line 3 is 91 characters", "break it")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from chapterkit.book.errors import Problem

if TYPE_CHECKING:
    from chapterkit.contract.context import Book


class Finding(NamedTuple):
    """One breach as a rule sees it; the runner adds the rule's code."""

    path: str
    line: int
    message: str
    fix: str = ""


Check = Callable[["Book"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    summary: str  # one line: what breaks the rule (CONTRIBUTING.md's table says more)
    check: Check
    subject: str  # the module it lives in

    def run(self, book: Book) -> list[Problem]:
        return [Problem(f.path, f.line, self.code, f.message, f.fix) for f in self.check(book)]


RULES: dict[str, Rule] = {}


def rule(code: str, summary: str) -> Callable[[Check], Check]:
    """Register the decorated function as the check of ``code`` (each code once)."""
    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule {code} is registered twice: {RULES[code].subject} and {check.__module__}")
        RULES[code] = Rule(code, summary, check, check.__module__.rsplit(".", 1)[-1])
        return check
    return register


def run(book: Book, rules: Iterable[Rule] | None = None) -> list[Problem]:
    """Every problem the rules find in ``book``, once each, sorted by path, line, code and message."""
    problems = {problem for r in (RULES.values() if rules is None else rules) for problem in r.run(book)}
    return sorted(problems, key=lambda p: (p.path, p.line, p.code, p.message))

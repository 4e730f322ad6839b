"""The two ways chapterkit reports trouble: a contract ``Problem`` and a ``ChapterkitError``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One breach of the chapter contract, at ``path:line`` (``path`` relative to the book root)."""

    path: str
    line: int
    code: str
    message: str
    fix: str = ""

    def format(self) -> str:
        fix = f" (fix: {self.fix})" if self.fix else ""
        return f"{self.path}:{self.line}: {self.code} {self.message}{fix}"


class ChapterkitError(Exception):
    """Bad input or a broken tree: what is wrong, where, and the command that fixes it."""

    def __init__(self, message: str, where: str = "", fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.fix = fix

    def format(self) -> str:
        where = f"{self.where}: " if self.where else ""
        fix = f"\n  fix: {self.fix}" if self.fix else ""
        return f"error: {where}{self.message}{fix}"

    def __str__(self) -> str:
        return self.format()

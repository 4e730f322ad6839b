"""Provenance markers as data: what a ``{prov}`...``` marker says, and the works a chapter may name.

A marker is ``ORIGIN`` or ``ORIGIN: LOCATOR``, ORIGIN one of ``source``, ``companion``, ``secondary``, ``ours``.
``companion`` and ``secondary`` locators start with a key declared in the chapter's ``sources.yml``::

    companions:
      dmls: {title: "Designing Machine Learning Systems (Huyen, 2022)", cite: huyen2022designing}
    accounts:
      colyer2019: {title: "A. Colyer's summary in The Morning Paper", url: "https://..."}

The site extension (``chapterkit.site.provenance``) renders markers; the contract (PRV codes) checks them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import yaml

ORIGINS = ("source", "companion", "secondary", "ours")
# The word a reader sees on the tag.
WORD = {"source": "source", "companion": "companion", "secondary": "secondary", "ours": "ours"}
SECTIONS = {"companion": "companions", "secondary": "accounts"}
# A marker in MyST: the role (inline) or the directive's opening line (a block).
ROLE = re.compile(r"\{prov\}`([^`]*)`")
DIRECTIVE = re.compile(r"^\s*:{3,}\s*\{prov\}\s*(.*?)\s*$")


class MarkerError(ValueError):
    """A marker that does not say where its claim comes from; the message says how to fix it."""


@dataclass(frozen=True)
class Marker:
    origin: str
    key: str | None
    locator: str


@dataclass(frozen=True)
class Work:
    key: str
    title: str
    cite: str | None = None
    url: str | None = None


def parse_marker(text: str) -> Marker:
    origin, _, rest = text.partition(":")
    origin, rest = origin.strip(), " ".join(rest.split())
    if origin not in ORIGINS:
        raise MarkerError(f"{{prov}}`{text}`: the origin must be one of {', '.join(ORIGINS)} "
                          "(e.g. {prov}`source: §4 Feedback Loops` or {prov}`ours`)")
    if origin in SECTIONS:
        key, _, locator = rest.replace(",", " ", 1).partition(" ")
        if not key:
            what = "companion work" if origin == "companion" else "account"
            raise MarkerError(f"{{prov}}`{text}`: a {origin} marker names its {what} by its key in the chapter's "
                              f"sources.yml ({SECTIONS[origin]}:), e.g. {{prov}}`{origin}: key where-in-it`")
        locator = locator.strip(" ,")
        if origin == "companion" and not locator:
            raise MarkerError(f"{{prov}}`{text}`: say where in '{key}' the idea is (a chapter, section or page), "
                              f"e.g. {{prov}}`companion: {key} ch. 7`")
        return Marker(origin, key, locator)
    if origin == "source" and not rest:
        raise MarkerError(f"{{prov}}`{text}`: say where in the resource the idea is, e.g. "
                          "{prov}`source: §4 Feedback Loops`, {prov}`source: Lecture 10 note` or {prov}`source: Rule #4`")
    return Marker(origin, None, rest)


def chapter_of(docname: str) -> str | None:
    """The chapter slug a page or notebook belongs to: ``chapters/<slug>[/...]`` or ``notebooks/<slug>/...``."""
    parts = docname.split("/")
    if len(parts) >= 2 and parts[0] == "chapters":
        return parts[1]
    if len(parts) >= 3 and parts[0] == "notebooks":
        return parts[1]
    return None


def has_list(page: Path) -> bool:
    """Whether a page is a chapter's "Where this comes from" page (it holds the ``{provenance-list}``)."""
    try:
        return "{provenance-list}" in page.read_text(encoding="utf-8")
    except OSError:
        return False


class WorksError(ValueError):
    pass


def parse_works(text: str, where: str = "sources.yml") -> dict[str, dict[str, Work]]:
    """``{"companions": {key: Work}, "accounts": {key: Work}}`` from a chapter's sources.yml."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        raise WorksError(f"{where}: not valid YAML: {err}") from None
    found: dict[str, dict[str, Work]] = {}
    for section in ("companions", "accounts"):
        table = data.get(section, {}) if isinstance(data, dict) else {}
        if table is None:
            table = {}
        if not isinstance(table, dict):
            raise WorksError(f"{where}: '{section}:' must map keys to {{title, cite or url}}")
        found[section] = {}
        for key, entry in table.items():
            title = entry.get("title") if isinstance(entry, dict) else None
            if not isinstance(title, str) or not title.strip():
                raise WorksError(f"{where}: {section}.{key} needs a title")
            cite, url = entry.get("cite"), entry.get("url")
            if url is not None and (not isinstance(url, str) or urlparse(url).scheme != "https"):
                raise WorksError(f"{where}: {section}.{key}: url {url!r} is not an https:// address")
            if cite is not None and not isinstance(cite, str):
                raise WorksError(f"{where}: {section}.{key}: cite must be a references.bib key")
            found[section][str(key)] = Work(str(key), " ".join(title.split()), cite, url)
    return found


def load_works(chapter_dir: Path) -> dict[str, dict[str, Work]] | None:
    """A chapter's declared works (None: no sources.yml, or a malformed one, which the sources extension and the
    contract report). Read once per version of the file: a build asks for every marker (1,100 in the book)."""
    file = chapter_dir / "sources.yml"
    try:
        stat = file.stat()
    except OSError:
        return None
    works = _works_of(file, stat.st_mtime_ns, stat.st_size)
    return None if works is None else {section: dict(table) for section, table in works.items()}  # the caller's own


@functools.lru_cache(maxsize=64)
def _works_of(file: Path, mtime_ns: int, size: int) -> dict[str, dict[str, Work]] | None:
    try:
        works = parse_works(file.read_text(encoding="utf-8"), file.as_posix())
    except (WorksError, OSError):
        return None
    return works

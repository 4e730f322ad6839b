"""A folder chapter's ``sources.yml``: the resource's own material each of its pages summarizes.

    pages:
      eroding-boundaries:
        - {title: "The paper (PDF), §2 Complex Models Erode Boundaries", url: "https://..."}

``parse`` says which entry is wrong; the site (``chapterkit/site/sources.py``) links the material on each page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import yaml

FILE = "sources.yml"


@dataclass(frozen=True)
class Source:
    title: str
    url: str


class SourcesError(ValueError):
    pass


def parse(text: str, where: str = FILE) -> dict[str, list[Source]]:
    """Page name -> its sources. Raises SourcesError saying what is wrong, and where."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        raise SourcesError(f"{where}: not valid YAML: {err}") from None
    pages = data.get("pages") if isinstance(data, dict) else None
    if not isinstance(pages, dict):
        raise SourcesError(f"{where}: needs a 'pages:' mapping of page names to lists of {{title, url}}")
    found: dict[str, list[Source]] = {}
    for page, entries in pages.items():
        if not isinstance(entries, list) or not entries:
            raise SourcesError(f"{where}: pages.{page} must be a non-empty list of {{title, url}}")
        found[str(page)] = []
        for n, entry in enumerate(entries, start=1):
            title = entry.get("title") if isinstance(entry, dict) else None
            url = entry.get("url") if isinstance(entry, dict) else None
            if not isinstance(title, str) or not title.strip():
                raise SourcesError(f"{where}: pages.{page} entry {n} has no title")
            parts = urlparse(url) if isinstance(url, str) else None
            if parts is None or parts.scheme != "https" or not parts.netloc:
                raise SourcesError(f"{where}: pages.{page} entry {n} ({title}): url {url!r} is not an https:// address")
            found[str(page)].append(Source(title.strip(), url))
    return found


def load(chapter_dir: Path) -> dict[str, list[Source]] | None:
    file = chapter_dir / FILE
    if not file.is_file():
        return None
    return parse(file.read_text(encoding="utf-8"), file.as_posix())

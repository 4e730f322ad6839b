"""Sphinx extension: "Source material" links at the top of each section or module page.

A folder chapter keeps, in ``chapters/<chapter>/sources.yml``, the resource's own material each of its pages
summarizes (the paper's PDF and section, a lecture's note and slides)::

    pages:
      eroding-boundaries:
        - {title: "The paper (PDF), §2 Complex Models Erode Boundaries", url: "https://..."}

The links are added under the page's title when the page is read, so no page body is edited. A malformed file
is a build warning (an error in the strict build) that says which entry is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from chapterkit.book.provenance import has_list

logger = logging.getLogger(__name__)

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


def sources_node(sources: list[Source]) -> nodes.paragraph:
    para = nodes.paragraph(classes=["chapterkit-sources"])
    para += nodes.strong(text="Source material: ")
    for n, source in enumerate(sources):
        if n:
            para += nodes.Text(" · ")
        para += nodes.reference(source.title, source.title, refuri=source.url)
    return para


def add_sources(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    source = Path(env.doc2path(env.docname))
    chapter_dir = source.parent
    if chapter_dir.parent.name != "chapters" or not (chapter_dir / FILE).is_file():
        return
    if has_list(source):
        return  # the chapter's "Where this comes from" page summarizes no material of its own
    env.note_dependency(str(chapter_dir / FILE))
    try:
        pages = load(chapter_dir) or {}
    except SourcesError as err:
        logger.warning("%s (fix the file; see chapterkit/sources.py)", err, location=env.docname)
        return
    entries = pages.get(source.stem)
    if not entries:
        logger.warning("%s has no entry for this page: add 'pages: %s:' with the resource's material it "
                       "summarizes", (chapter_dir / FILE).as_posix(), source.stem, location=env.docname)
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        return
    at = 1
    while at < len(section) and "chapterkit-draft" in section[at].get("classes", []):
        at += 1
    section.insert(at, sources_node(entries))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", add_sources)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

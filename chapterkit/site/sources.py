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

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from chapterkit.book.provenance import has_list
from chapterkit.book.sources import FILE, Source, SourcesError, load

logger = logging.getLogger(__name__)


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
        logger.warning("%s (fix the file; see chapterkit/book/sources.py)", err, location=env.docname)
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

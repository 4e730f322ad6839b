"""Sphinx extension: render chapter front matter on the page.

- ``{at-a-glance}``: the chapter's "At a glance" card, from its own front matter.
- ``{path-map}``: the learning-path map, one card per chapter listed in ``_toc.yml``, in path order.
- A "draft" banner at the top of every page whose front matter says ``status: draft``.

The cards are written as MyST (sphinx-design) and parsed in place, so they look like hand-written cards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from chapterkit.book import frontmatter, toc
from chapterkit.book.frontmatter import ChapterMeta

KIND_LABEL = {"paper": "Paper", "course": "Course", "book": "Book", "article": "Article", "talk": "Talk", "guide": "Guide"}


def _authors(authors: list[str], most: int = 3) -> str:
    if len(authors) <= most:
        return ", ".join(authors)
    return ", ".join(authors[:most]) + f" and {len(authors) - most} more"


def glance_markdown(meta: ChapterMeta) -> list[str]:
    res, path = meta.resource, meta.path
    prereqs = ", ".join(f"{{ref}}`{p}`" for p in path.prerequisites) or "none"
    nbs = ", ".join(f"{{doc}}`/{Path(nb).with_suffix('').as_posix()}`" for nb in path.notebooks) or "none"
    cite = f" {{cite:p}}`{res.cite}`" if res.cite else ""
    return [
        "::::{card} At a glance",
        ":class-card: chapterkit-glance",
        "",
        f"- **Resource:** [{res.title}]({res.url}){cite}",
        f"- **Kind and year:** {KIND_LABEL.get(res.kind, res.kind)}, {res.year}",
        f"- **By:** {', '.join(res.authors)}",
        f"- **Level:** {path.level}",
        f"- **Time:** about {_minutes(path.minutes)}, reading and notebooks",
        f"- **Read first:** {prereqs}",
        f"- **Notebooks:** {nbs}",
        "::::",
    ]


def _duration(minutes: int) -> str:
    """``7\u00a0h 30\u00a0min``: no line break inside a figure and its unit."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}\u00a0min"
    return f"{hours}\u00a0h {rest:02d}\u00a0min" if rest else f"{hours}\u00a0h"


def _minutes(minutes: object) -> str:
    """A chapter's time as the landing page's card writes it (``5 h 30 min``)."""
    return _duration(minutes) if isinstance(minutes, int) else str(minutes)


def page_heading(file: Path) -> str | None:
    """The page's title, its first ``# `` heading (the sidebar shows it), or None."""
    for line in file.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def map_markdown(chapters: list[tuple[str, ChapterMeta]], headings: dict[str, str] | None = None) -> list[str]:
    """The path map: where to start and how long the whole path takes, then one card per chapter, titled as the
    sidebar titles the chapter (``headings``: slug -> the chapter page's title; else the resource's title)."""
    total = sum(meta.path.minutes for _, meta in chapters if isinstance(meta.path.minutes, int))
    first_slug, first = chapters[0]
    lines = [
        ":::{container} chapterkit-path-total",
        (f"**Start here:** {{ref}}`1. {(headings or {}).get(first_slug) or first.resource.title} <{first_slug}>`, then follow the cards in order. "
        f"The whole path takes about {_duration(total)} ({len(chapters)} chapter"
        f"{'s' if len(chapters) != 1 else ''}, reading and notebooks)."),
        ":::",
        "",
        "::::::{grid} 1 1 2 2", ":gutter: 3", ":class-container: chapterkit-path-map", "",
    ]
    titles = {slug: (headings or {}).get(slug) or meta.resource.title for slug, meta in chapters}
    for number, (slug, meta) in enumerate(chapters, start=1):
        res, path = meta.resource, meta.path
        draft = " {bdg-warning}`draft`" if meta.is_draft else ""
        start = "{bdg-primary}`Start here` " if number == 1 else ""
        prereqs = ", ".join(titles.get(p, p) for p in path.prerequisites) or "none"
        lines += [
            f":::::{{grid-item-card}} {number}. {titles[slug]}",
            f":link: {slug}",
            ":link-type: ref",
            ":class-card: chapterkit-path-card",
            "",
            f"{start}{path.summary}{draft}",
            "",
            (f"{KIND_LABEL.get(res.kind, res.kind)}, {res.year} · {_authors(res.authors)} · "
             f"{path.level} · about {_minutes(path.minutes)} · "
             f"{len(path.notebooks)} notebook{'s' if len(path.notebooks) != 1 else ''} · read first: {prereqs}"),
            ":::::",
            "",
        ]
    lines.append("::::::")
    return lines


def _parse(directive: SphinxDirective, lines: list[str]) -> list[nodes.Node]:
    container = nodes.container()
    directive.state.nested_parse(StringList(lines, source=directive.env.docname), directive.content_offset,
                                 container)
    return container.children


class AtAGlance(SphinxDirective):
    """The chapter's At a glance card, from the front matter of the page it is on."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        path = Path(self.env.doc2path(self.env.docname))
        meta = frontmatter.chapter_meta(frontmatter.read(path))
        if meta is None:
            raise self.error("{at-a-glance} needs a 'resource:' block in the page's front matter")
        return _parse(self, glance_markdown(meta))


def chapters_in_path(srcdir: Path) -> list[tuple[str, ChapterMeta, Path]]:
    """(slug, metadata, file) for each chapter of ``_toc.yml``'s parts, in order."""
    found: list[tuple[str, ChapterMeta, Path]] = []
    for name in toc.index(toc.parse(srcdir / "_toc.yml")).chapters:
        file = toc.source_file(srcdir, name)
        slug = toc.chapter_slug(file.relative_to(srcdir).as_posix()) if file is not None else None
        meta = frontmatter.chapter_meta(frontmatter.read(file)) if slug is not None else None
        if meta is not None:
            found.append((slug, meta, file))
    return found


class PathMap(SphinxDirective):
    """The learning-path map: a card per chapter, in the order of ``_toc.yml``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        srcdir = Path(self.env.srcdir)
        chapters = chapters_in_path(srcdir)
        self.env.note_dependency(str(srcdir / "_toc.yml"))
        for _slug, _meta, file in chapters:
            self.env.note_dependency(str(file))
        if not chapters:
            raise self.error("{path-map} found no chapter with front matter in _toc.yml")
        headings = {slug: heading for slug, _meta, file in chapters if (heading := page_heading(file))}
        return _parse(self, map_markdown([(slug, meta) for slug, meta, _ in chapters], headings))


def add_draft_banner(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    source = Path(env.doc2path(env.docname))
    if source.suffix != ".md":
        return
    data: dict[str, Any] = frontmatter.read(source)
    if data.get("status") != "draft":
        return
    banner = nodes.admonition(classes=["warning", "chapterkit-draft"])
    banner += nodes.title(text="Draft")
    banner += nodes.paragraph(
        text="This chapter is a draft: it was scaffolded and is still being written. "
        "Its summary may be incomplete."
    )
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        section.insert(1, banner)
    else:
        doctree.insert(0, banner)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("at-a-glance", AtAGlance)
    app.add_directive("path-map", PathMap)
    app.connect("doctree-read", add_draft_banner)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: provenance markers, and each chapter's "Where this comes from" list.

Every claim says where it comes from. An author marks a sentence, paragraph, list item or box with the role
``{prov}`ORIGIN: LOCATOR``` (a block with the directive of the same name); ORIGIN is one of

- ``source``: the resource the chapter summarizes; LOCATOR says where in it (``§4 Feedback Loops``, ``Rule #4``);
- ``companion``: a related work the chapter draws on; LOCATOR starts with its key in the chapter's
  ``sources.yml`` (``companions:``), then where in it (``dmls ch. 7``);
- ``secondary``: someone else's account of the source; LOCATOR starts with its key (``accounts:``);
- ``ours``: the book's own example, reading, mapping or commentary (LOCATOR optional).

Each marker becomes ``<span class="provenance" data-origin="...">`` with the origin as a word and the locator
beside it (shown on hover and focus on screen, as text in print and e-books): no script. ``{provenance-list}``
on a chapter's "Where this comes from" page lists every companion and secondary claim of that chapter with its
locator, the sentence around it and a link back. A marker that breaks these rules is a build warning (an error
in the strict build) saying how to fix it; ``make check`` reports the same problems (PRV codes) before a build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from chapterkit.book.provenance import (
    ORIGINS,
    WORD,
    MarkerError,
    chapter_of,
    has_list,
    load_works,
    parse_marker,
)

logger = logging.getLogger(__name__)
SNIPPET = 240


class provenance(nodes.inline):
    """An inline marker: ``origin``, ``locator`` (as the reader sees it), ``key`` (companion/secondary)."""


class provenance_block(nodes.container):
    """A marked block: the marker at its top, then its content."""


class provenance_list(nodes.General, nodes.Element):
    """Placeholder for a chapter's list, filled in when the page is written."""


@dataclass(frozen=True)
class Claim:
    docname: str
    target: str
    origin: str
    locator: str
    snippet: str


def _marker(env: BuildEnvironment, text: str, lineno: int) -> tuple[provenance | None, list[str]]:
    """The marker node for ``text``, or None and the problems (messages with their fix)."""
    docname = env.docname
    try:
        mark = parse_marker(text)
    except MarkerError as err:
        return None, [str(err)]
    locator = mark.locator
    if mark.key is not None:
        chapter_dir = _chapter_dir(env, docname)
        works = load_works(chapter_dir) if chapter_dir is not None else None
        if chapter_dir is not None:
            env.note_dependency(str(chapter_dir / "sources.yml"))
        table = (works or {}).get("companions" if mark.origin == "companion" else "accounts", {})
        work = table.get(mark.key)
        if work is None:
            where = f"{chapter_dir.as_posix()}/sources.yml" if chapter_dir is not None else "the chapter's sources.yml"
            section = "companions" if mark.origin == "companion" else "accounts"
            known = ", ".join(sorted(table)) or "none yet"
            return None, [(f"{{prov}}`{text}`: '{mark.key}' is not declared under '{section}:' in {where} "
                           f"(declared: {known}); add it there as {mark.key}: {{title: ..., cite: ... or url: ...}}")]
        locator = work.title + (f", {mark.locator}" if mark.locator else "")
    node = provenance(classes=["provenance"], origin=mark.origin, locator=locator, key=mark.key or "")
    node.line = lineno
    return node, []


def _chapter_dir(env: BuildEnvironment, docname: str) -> Path | None:
    slug = chapter_of(docname)
    if slug is None:
        return None
    folder = Path(env.srcdir) / "chapters" / slug
    return folder if folder.is_dir() else None


class ProvRole(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        node, problems = _marker(self.env, self.text, self.lineno)
        if node is None:
            for problem in problems:
                logger.warning(problem, location=(self.env.docname, self.lineno), type="chapterkit",
                               subtype="provenance")
            return [nodes.Text(self.text)], []
        return [node], []


class ProvDirective(SphinxDirective):
    """A marked block: ``:::{prov} companion: dmls ch. 10`` ... ``:::``."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        node, problems = _marker(self.env, self.arguments[0], self.lineno)
        if node is None:
            raise self.error("; ".join(problems))
        block = provenance_block(classes=["provenance-block", *self.options.get("class", [])],
                                 origin=node["origin"])
        block += nodes.paragraph("", "", node, classes=["provenance-block-tag"])
        self.state.nested_parse(self.content, self.content_offset, block)
        self.set_source_info(block)
        return [block]


class ProvenanceList(SphinxDirective):
    """``{provenance-list}``: this chapter's companion and secondary claims, filled in at write time."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        if chapter_of(self.env.docname) is None:
            raise self.error("{provenance-list} belongs on a page of a chapter (chapters/<slug>/...)")
        return [provenance_list("")]


# --- HTML ------------------------------------------------------------------------------------------------------


def visit_provenance(self: Any, node: provenance) -> None:
    origin, locator = node["origin"], node["locator"]
    attrs = {"data-origin": origin, "tabindex": "0", "role": "note"}
    self.body.append(self.starttag(node, "span", "", CLASS="provenance", **attrs))
    self.body.append('<span class="provenance-bracket">[</span>')
    self.body.append(f'<span class="provenance-word">{WORD[origin]}</span>')
    if locator:
        self.body.append(f'<span class="provenance-locator">: {self.encode(locator)}</span>')
    self.body.append('<span class="provenance-bracket">]</span></span>')
    raise nodes.SkipNode


def visit_block(self: Any, node: provenance_block) -> None:
    self.body.append(self.starttag(node, "div", **{"data-origin": node["origin"]}))


def depart_block(self: Any, node: provenance_block) -> None:
    self.body.append("</div>\n")


def visit_text_only(self: Any, node: provenance) -> None:
    """Builders other than HTML (text, LaTeX): the marker as words in brackets."""
    self.body.append(f"[{WORD[node['origin']]}{': ' + node['locator'] if node['locator'] else ''}]")
    raise nodes.SkipNode


# --- collecting and listing ------------------------------------------------------------------------------------


def _plain(node: nodes.Node) -> str:
    if isinstance(node, provenance):
        return ""
    copy = node.deepcopy()
    for tag in list(copy.findall(provenance)):
        tag.parent.remove(tag)
    return " ".join(copy.astext().split())


def _short(text: str) -> str:
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1].rsplit(" ", 1)[0] + "\u2026"


def _snippet(node: nodes.Node) -> str:
    """The words a marker tags: the sentence it ends, or (at the start of a paragraph, item or box) the whole."""
    parent = node.parent
    if isinstance(parent, nodes.paragraph) and "provenance-block-tag" not in parent.get("classes", []):
        before = " ".join(_plain(sibling) for sibling in parent.children[: parent.index(node)]).strip()
        if before:
            sentences = re.split(r"(?<=[.!?:])\s+(?=[A-Z\u201c\"(])", before)
            return _short(sentences[-1])
    holder = parent
    while holder is not None and not isinstance(holder, (nodes.paragraph, nodes.list_item, nodes.Admonition,
                                                           provenance_block)):
        holder = holder.parent
    if isinstance(holder, nodes.paragraph) and "provenance-block-tag" in holder.get("classes", []):
        holder = holder.parent
    return _short(_plain(holder)) if holder is not None else ""


def collect(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    claims: list[Claim] = []
    for n, node in enumerate(doctree.findall(provenance), start=1):
        target = f"prov-{n}"
        node["ids"].append(target)
        if node["origin"] in ("companion", "secondary"):
            claims.append(Claim(env.docname, target, node["origin"], node["locator"], _snippet(node)))
    counts = {origin: 0 for origin in ORIGINS}
    for node in doctree.findall(provenance):
        counts[node["origin"]] += 1
    store = _store(env)
    store["claims"][env.docname] = claims
    store["counts"][env.docname] = counts


def _store(env: BuildEnvironment) -> dict[str, dict[str, Any]]:
    if not hasattr(env, "chapterkit_provenance"):
        env.chapterkit_provenance = {"claims": {}, "counts": {}}  # type: ignore[attr-defined]
    return env.chapterkit_provenance  # type: ignore[attr-defined]


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    store = _store(env)
    store["claims"].pop(docname, None)
    store["counts"].pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    store, theirs = _store(env), _store(other)
    for docname in docnames:
        for part in ("claims", "counts"):
            if docname in theirs[part]:
                store[part][docname] = theirs[part][docname]


def outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
             removed: set[str]) -> list[str]:
    """A chapter's list page is written again whenever any page of that chapter changes."""
    touched = {chapter_of(doc) for doc in added | changed | removed} - {None}
    return [doc for doc in env.found_docs if chapter_of(doc) in touched and has_list(Path(env.doc2path(doc)))]


def _title(env: BuildEnvironment, docname: str) -> str:
    title = env.titles.get(docname)
    return title.astext() if title is not None else docname


def fill_lists(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    env = app.env
    store = _store(env)
    slug = chapter_of(docname)
    for placeholder in list(doctree.findall(provenance_list)):
        docs = [doc for doc in env.found_docs if chapter_of(doc) == slug]
        order = reading_order(env)
        docs.sort(key=lambda d: (order.get(d, len(order)), d))
        totals = {origin: sum(store["counts"].get(doc, {}).get(origin, 0) for doc in docs) for origin in ORIGINS}
        out: list[nodes.Node] = [nodes.paragraph(text=(
            "Markers in this chapter: " + ", ".join(f"{totals[o]} {WORD[o]}" for o in ORIGINS) + "."))]
        for origin, heading in (("companion", "From companion works"), ("secondary", "From secondary accounts")):
            items = [claim for doc in docs for claim in store["claims"].get(doc, []) if claim.origin == origin]
            section = nodes.rubric(text=f"{heading} ({len(items)})")
            out.append(section)
            if not items:
                out.append(nodes.paragraph(text="None in this chapter."))
                continue
            listing = nodes.bullet_list(classes=["provenance-claims"])
            for claim in items:
                item = nodes.list_item()
                para = nodes.paragraph()
                para += nodes.strong(text=claim.locator or WORD[origin])
                para += nodes.Text(f": \u201c{claim.snippet}\u201d " if claim.snippet else " ")
                uri = app.builder.get_relative_uri(docname, claim.docname) + "#" + claim.target
                para += nodes.reference("", f"({_title(env, claim.docname)})", internal=True, refuri=uri)
                item += para
                listing += item
            out.append(listing)
        placeholder.replace_self(out)


def reading_order(env: BuildEnvironment) -> dict[str, int]:
    order: list[str] = []

    def walk(doc: str) -> None:
        if doc in order:
            return
        order.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(env.config.root_doc)
    return {doc: i for i, doc in enumerate(order)}


def setup(app: Sphinx) -> dict[str, Any]:
    # HTML handlers only: the EPUB and single-page builders fall back to them, and a builder given handlers of
    # its own stops falling back for every other extension's nodes too.
    app.add_node(provenance, html=(visit_provenance, None), text=(visit_text_only, None),
                 latex=(visit_text_only, None))
    app.add_node(provenance_block, html=(visit_block, depart_block))
    app.add_node(provenance_list)
    app.add_role("prov", ProvRole())
    app.add_directive("prov", ProvDirective)
    app.add_directive("provenance-list", ProvenanceList)
    app.connect("doctree-read", collect)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-get-outdated", outdated)
    app.connect("doctree-resolved", fill_lists)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

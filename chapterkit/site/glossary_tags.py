"""Sphinx extension: one glossary, each term tagged with the chapters that use it.

The glossary is one alphabetical list. Under each term the build adds a tag per chapter whose pages (or
notebooks) link the term with ``{term}`` or whose page the definition points to (its "See {ref}"), named by
the chapter's resource title up to its colon ("CS 329S", "The ML Test Score"). Tags are computed, never written by
hand, so they cannot drift; the glossary page is written again whenever any page changes.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from chapterkit.book.provenance import chapter_of
from chapterkit.site.provenance import reading_order


def _store(env: BuildEnvironment) -> dict[str, Any]:
    if not hasattr(env, "chapterkit_terms"):
        env.chapterkit_terms = {"uses": {}, "glossaries": set()}  # type: ignore[attr-defined]
    return env.chapterkit_terms  # type: ignore[attr-defined]


def collect(app: Sphinx, doctree: nodes.document) -> None:
    store = _store(app.env)
    uses = {node["reftarget"].lower() for node in doctree.findall(addnodes.pending_xref)
            if node.get("refdomain") == "std" and node.get("reftype") == "term"}
    store["uses"][app.env.docname] = uses
    if any(True for _ in doctree.findall(addnodes.glossary)):
        store["glossaries"].add(app.env.docname)
    else:
        store["glossaries"].discard(app.env.docname)


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    store = _store(env)
    store["uses"].pop(docname, None)
    store["glossaries"].discard(docname)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    store, theirs = _store(env), _store(other)
    for docname in docnames:
        if docname in theirs["uses"]:
            store["uses"][docname] = theirs["uses"][docname]
    store["glossaries"] |= {doc for doc in theirs["glossaries"] if doc in docnames}


def outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
             removed: set[str]) -> list[str]:
    return sorted(_store(env)["glossaries"]) if added | changed | removed else []


def short_name(title: str) -> str:
    """ "Stanford CS 329S: Machine Learning Systems Design" -> "CS 329S"."""
    name = title.split(":", 1)[0].strip()
    return name.removeprefix("Stanford ").strip() or title


def chapter_names(env: BuildEnvironment) -> dict[str, str]:
    """Chapter slug -> short name, from the title of each chapter's first page (its index or single page)."""
    names: dict[str, str] = {}
    order = reading_order(env)
    for docname in sorted(env.found_docs, key=lambda d: (order.get(d, len(order)), d)):
        slug = chapter_of(docname)
        if slug is not None and docname.startswith("chapters/") and slug not in names and docname in env.titles:
            names[slug] = short_name(env.titles[docname].astext())
    return names


def add_tags(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    env = app.env
    store = _store(env)
    if docname not in store["glossaries"]:
        return
    names = chapter_names(env)
    order = list(names)
    labels = env.domaindata["std"]["labels"]
    for item in list(doctree.findall(nodes.definition_list_item)):
        terms = [term.astext().lower() for term in item.findall(nodes.term)]
        if not terms:
            continue
        chapters = {chapter_of(doc) for doc, used in store["uses"].items() if any(t in used for t in terms)}
        for ref in item.findall(nodes.reference):
            target = ref.get("refuri", "").split("#")[0].removesuffix(".html")
            chapters.add(chapter_of(_docname_from_uri(app, docname, target)))
        for ref in item.findall(addnodes.pending_xref):  # an unresolved {ref}: its label's page
            label = labels.get(ref.get("reftarget", ""))
            if label:
                chapters.add(chapter_of(label[0]))
        chapters = [slug for slug in order if slug in chapters]
        if not chapters:
            continue
        para = nodes.paragraph(classes=["glossary-tags"])
        para += nodes.inline(text="Used in: ", classes=["glossary-tags-label"])
        for n, slug in enumerate(chapters):
            if n:
                para += nodes.Text(" ")
            para += nodes.inline(text=names[slug], classes=["glossary-tag"])
        definition = next(iter(item.findall(nodes.definition)), None)
        if definition is not None:
            definition += para


def _docname_from_uri(app: Sphinx, fromdoc: str, uri: str) -> str:
    """The docname a relative page link of ``fromdoc`` points to ("chapters/x/y" from "../chapters/x/y")."""
    if not uri:
        return fromdoc
    parts = fromdoc.split("/")[:-1]
    for piece in uri.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", collect)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-get-outdated", outdated)
    app.connect("doctree-resolved", add_tags)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

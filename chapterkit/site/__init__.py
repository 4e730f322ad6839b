"""The Sphinx extensions a reader sees: the one extension ``_config.yml`` loads (``chapterkit.site``).

Each part of the site is a module here with its own ``setup(app)``; this entry only registers them, in the order
below (handlers of one event run in registration order, so the order is kept as it is). Static JS and CSS sit
beside them in ``static/``, the icons in ``icons/``.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

# --- Sub-extensions, registered in this order. Adding one is one line: its module name. -----------------------
EXTENSIONS = (
    "chapterkit.site.inline_icons",  # icons as inline SVG, no icon font
    "chapterkit.site.assets",  # each page loads the scripts and styles it uses, once
    "chapterkit.site.citations",  # [Author et al., year] labels
    "chapterkit.site.mathml",  # formulas as MathML at build time
    "chapterkit.site.sources",  # "Source material" links under a page's title
    "chapterkit.site.waysin",  # ways in besides the path: glossary A-Z bar, one index entry per term
    "chapterkit.site.pagemeta",  # descriptions, link previews, last updated, the 404 page
    "chapterkit.site.provenance",  # {prov} markers and the "Where this comes from" page
    "chapterkit.site.diagrams",  # {diagram}: Graphviz drawn inline
    "chapterkit.site.glossary_tags",  # the chapters that use each glossary term
    "chapterkit.site.pathmap",  # {at-a-glance}, {path-map}, the draft banner
    "chapterkit.site.checklists",  # the {checklist} directive
    "chapterkit.site.search",  # Pagefind search
    "chapterkit.site.launch",  # "Run this notebook" line
    "chapterkit.site.reader",  # the reader's last mile: take-away links, Cite page, valid notebook HTML, sizes
    "chapterkit.formats.ebook",  # the EPUB build's metadata and cover (a no-op for HTML)
)


def setup(app: Sphinx) -> dict[str, Any]:
    for module in EXTENSIONS:
        app.setup_extension(module)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: diagrams written as text (Graphviz DOT) beside their page, drawn as inline SVG at build time.

::

    :::{diagram} diagrams/hidden-feedback-loop.dot
    :alt: What the picture shows, for a reader who cannot see it.
    The caption, which says where the picture comes from.
    :::

``dot`` (Debian's ``graphviz``, installed by ``make``) draws the file; the SVG goes into the page itself, so the
theme's colours apply in light and dark mode (``_static/mlops-path.css``), nothing is fetched, and the PDF and
EPUB carry it too. The SVG is an image with the alt text as its name (``role="img"``, ``aria-label``); Graphviz's
own ``<title>`` tooltips (node names) are dropped. A DOT syntax error fails the build with the file and line; a
missing alt text or caption is an error too (and a ``make check`` problem, DIA codes).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

# Graphviz defaults that the theme's CSS expects: a sans-serif face (the page's own replaces it), modest sizes.
DOT_DEFAULTS = ["-Gfontname=Helvetica", "-Nfontname=Helvetica", "-Efontname=Helvetica",
                "-Nfontsize=12", "-Efontsize=11", "-Gfontsize=12", "-Gbgcolor=transparent", "-Gpad=0.1"]
DOT_ERROR = re.compile(r"(?:syntax error in line|error in line|line) (\d+)(.*)", re.IGNORECASE)


class DiagramError(RuntimeError):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def render_svg(source: Path, alt: str, dot: str = "dot", prefix: str = "") -> str:
    """The inline SVG for ``source``, named by ``alt``. Raises DiagramError with the DOT line of a problem."""
    executable = shutil.which(dot)
    if executable is None:
        raise DiagramError("Graphviz's 'dot' is not installed: run 'make book' (it installs Debian's graphviz) "
                           "or 'sudo apt-get install -y graphviz'")
    done = subprocess.run([executable, "-Tsvg", *DOT_DEFAULTS, str(source)], capture_output=True, text=True,
                          timeout=60, check=False)
    problems = [line for line in done.stderr.splitlines() if line.strip()]
    if done.returncode != 0 or any(p.startswith(("Error", "Warning")) for p in problems):
        first = problems[0] if problems else f"dot exited with {done.returncode}"
        found = DOT_ERROR.search(first)
        raise DiagramError(first.replace(str(source), source.name), int(found.group(1)) if found else None)
    return clean_svg(done.stdout, alt, prefix)


def clean_svg(svg: str, alt: str, prefix: str = "") -> str:
    """Graphviz's SVG made fit for a page: no prolog, no fixed size, no tooltips, named by ``alt``; its ids start
    with ``prefix`` so that two diagrams on one page do not share an id (Graphviz numbers each from graph0)."""
    start = svg.find("<svg")
    if start < 0:
        raise DiagramError("dot produced no SVG")
    svg = svg[start:]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.DOTALL)
    if prefix:
        svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
        svg = re.sub(r'(href|url\()(=?"?)#([^")]+)', rf"\1\2#{prefix}-\3", svg)
    # The root element: drop the fixed width/height (the viewBox keeps the proportions; CSS sizes it).
    head_end = svg.find(">")
    width = re.search(r'\swidth="([\d.]+)pt"', svg[:head_end])
    head = " ".join(re.sub(r'\s(width|height)="[^"]*"', "", svg[:head_end]).split())
    if width:  # never drawn larger than Graphviz laid it out, smaller on a phone
        head += f' style="max-width: {float(width.group(1)) * 1.15:.0f}px"'
    head += f' role="img" aria-label="{html.escape(alt, quote=True)}" focusable="false"'
    svg = head + svg[head_end:]
    return "\n".join(line for line in svg.splitlines() if line.strip())


class Diagram(SphinxDirective):
    required_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"alt": directives.unchanged_required, "name": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        rel = self.arguments[0]
        page = Path(self.env.doc2path(self.env.docname))
        source = (page.parent / rel).resolve()
        alt = " ".join(self.options.get("alt", "").split())
        if not alt:
            raise self.error(f"{{diagram}} {rel}: add ':alt:' with what the picture shows, for a reader who cannot "
                             "see it (a sentence or two)")
        if not "".join(self.content).strip():
            raise self.error(f"{{diagram}} {rel}: add a caption (the directive's content) that says where the "
                             "picture comes from: redrawn after the source's figure N, or the book's own")
        if source.suffix != ".dot" or not source.is_file():
            raise self.error(f"{{diagram}} {rel}: no such .dot file beside the page ({source})")
        self.env.note_dependency(str(source))
        try:
            svg = render_svg(source, alt, prefix=f"diagram-{source.stem}")
        except DiagramError as err:
            where = f"{source.relative_to(Path(self.env.srcdir)).as_posix()}"
            if err.line is not None:
                where += f":{err.line}"
            raise self.error(f"{where}: {err}") from None
        figure = nodes.figure(classes=["diagram"])
        self.add_name(figure)
        figure += nodes.raw("", f'<div class="diagram-svg">{svg}</div>', format="html")
        caption_parent = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, caption_parent)
        first = caption_parent[0] if len(caption_parent) else None
        if isinstance(first, nodes.paragraph):
            caption = nodes.caption(first.rawsource, "", *first.children)
            caption.source, caption.line = first.source, first.line
            figure += caption
            if len(caption_parent) > 1:
                figure += nodes.legend("", *caption_parent[1:])
        else:
            raise self.error(f"{{diagram}} {rel}: the caption must start with a paragraph")
        self.set_source_info(figure)
        return [figure]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("diagram", Diagram)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

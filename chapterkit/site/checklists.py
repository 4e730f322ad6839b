"""Sphinx part of the ``{checklist}`` directive: a self-assessment rendered from a YAML file beside the page.

```
:::{checklist} debt-audit.yml
:::
```

The HTML works with nothing installed: one ``<fieldset>`` per section, each item a nested ``<fieldset>`` whose
``<legend>`` is the item (number, text, source) and whose radio buttons are the answers; the "explained in" link
is a normal cross-reference. The page's own script (``static/chapterkit-checklist.js``, loaded on checklist
pages only) adds the scores, keeps the answers in the browser, and offers export, import and reset.
Other builders (LaTeX) fall back to plain containers and paragraphs: the list prints without the buttons.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from chapterkit.book import checklist as model

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
JS = "chapterkit-checklist.js"
CSS = "chapterkit-checklist.css"
NO_SCRIPT_NOTE = ("The scores are worked out in your browser as you answer; with JavaScript off, the list "
                  "still reads and prints as it is.")


# ---------------------------------------------------------------------------------------------- nodes
class checklist_node(nodes.container):  # docutils names node classes in lowercase
    """The whole checklist; ``data`` is the JSON the page's script reads."""


class checklist_section(nodes.container):
    pass


class checklist_item(nodes.container):
    pass


class checklist_legend(nodes.paragraph):
    pass


class checklist_choices(nodes.container):
    """The radio buttons of one item (HTML only: other builders print nothing for it)."""


class checklist_status(nodes.container):
    """A line the script fills with a section's score."""


class checklist_results(nodes.container):
    """The results block: the scores per section and the open items (the overall score and the buttons are in
    the bar at the top of the checklist)."""


def _attrs(**values: str) -> str:
    return "".join(f' {name.replace("_", "-")}="{html.escape(value, quote=True)}"' for name, value in values.items())


def _json_for_script(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# The overall score and the buttons, in a bar that stays in view (CSS ``position: sticky``) while the reader answers.
BAR = (
    '<div class="ck-bar" data-pagefind-ignore>\n<p class="ck-overall" aria-live="polite"></p>\n'
    '<div class="ck-tools" role="group" aria-label="Your answers: export, import, reset" hidden>'
    '<button type="button" class="ck-export-md">Export Markdown</button>'
    '<button type="button" class="ck-export-json">Export JSON</button>'
    '<button type="button" class="ck-import">Import JSON</button>'
    '<input type="file" class="ck-import-file" accept=".json,application/json" hidden tabindex="-1">'
    '<button type="button" class="ck-reset">Reset</button>'
    '</div>\n<p class="ck-message" role="status"></p>\n</div>\n'
)


def visit_checklist(self: Any, node: checklist_node) -> None:
    self.body.append(f'<div class="ck" id="{node["domid"]}"{_attrs(data_checklist=node["cid"])}>\n'
                     f'<script type="application/json" class="ck-data">{_json_for_script(node["data"])}</script>\n')
    if self.builder.name != "epub":  # an e-book runs no script: no score, no buttons
        self.body.append(BAR)


def depart_div(self: Any, node: nodes.Element) -> None:
    self.body.append("</div>\n")


def visit_section(self: Any, node: checklist_section) -> None:
    self.body.append(f'<fieldset class="ck-section"{_attrs(data_section=node["sid"])}>\n')


def depart_fieldset(self: Any, node: nodes.Element) -> None:
    self.body.append("</fieldset>\n")


def visit_item(self: Any, node: checklist_item) -> None:
    self.body.append(f'<fieldset class="ck-item" id="{node["domid"]}"{_attrs(data_key=node["key"])}>\n')


def visit_legend(self: Any, node: checklist_legend) -> None:
    self.body.append(f'<legend class="{" ".join(node["classes"])}">')


def depart_legend(self: Any, node: checklist_legend) -> None:
    self.body.append("</legend>\n")


def visit_choices(self: Any, node: checklist_choices) -> None:
    parts = ['<div class="ck-choices">']
    for number, (value, label) in enumerate(node["options"]):
        input_id = f'{node["domid"]}-{number}'
        parts.append(f'<span class="ck-choice"><input type="radio" id="{input_id}" name="{node["domid"]}"'
                     f'{_attrs(value=value)}><label for="{input_id}">{html.escape(label)}</label></span>')
    parts.append("</div>\n")
    self.body.append("".join(parts))
    raise nodes.SkipNode


def visit_status(self: Any, node: checklist_status) -> None:
    self.body.append('<p class="ck-status"></p>\n')
    raise nodes.SkipNode


def visit_results(self: Any, node: checklist_results) -> None:
    # The results are the reader's own, not content: search (Pagefind) leaves them out.
    self.body.append(
        '<div class="ck-results" data-pagefind-ignore>\n<p class="ck-results-title">Your results</p>\n'
        '<div class="ck-summary">\n'
    )


def depart_results(self: Any, node: checklist_results) -> None:
    self.body.append('</div>\n</div>\n')


def skip(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


# ---------------------------------------------------------------------------------------------- directive
def _band_range(bands: tuple[model.Band, ...], index: int) -> str:
    band = bands[index]
    low = bands[index - 1].upto if index > 0 else None
    if low is None and band.upto is not None:
        return f"at most {model.fmt_points(band.upto)}"
    if band.upto is None:
        return f"more than {model.fmt_points(low)}" if low is not None else "any score"
    return f"more than {model.fmt_points(low)}, at most {model.fmt_points(band.upto)}"  # type: ignore[arg-type]


def bands_table(checklist: model.Checklist) -> nodes.table:
    table = nodes.table(classes=["ck-bands"])
    group = nodes.tgroup(cols=3)
    table += group
    for width in (20, 25, 55):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for title in ("Overall score", "Band", "What it means"):
        row += nodes.entry("", nodes.paragraph(text=title))
    head += row
    body = nodes.tbody()
    group += body
    for index, band in enumerate(checklist.bands):
        row = nodes.row(classes=["ck-band"])
        for text in (_band_range(checklist.bands, index), band.label, band.meaning):
            row += nodes.entry("", nodes.paragraph(text=text))
        body += row
    title = nodes.title(text=f"{checklist.title}: what the overall score means")
    table.insert(0, title)
    return table


class ChecklistDirective(SphinxDirective):
    """``:::{checklist} file.yml``: the self-assessment in ``file.yml`` (a path relative to the page)."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        rel, absolute = self.env.relfn2path(self.arguments[0], self.env.docname)
        path = Path(absolute)
        shown = Path(rel).as_posix()
        self.env.note_dependency(absolute)
        for asset in (JS, CSS):  # Sphinx copies static files only when a page is rebuilt: make an edit rebuild
            self.env.note_dependency(str(STATIC / asset))
        if not path.is_file():
            logger.warning("{checklist}: checklist file not found: %s (the path is relative to the page)",
                           shown, location=(self.env.docname, self.lineno), type="chapterkit", subtype="checklist")
            return []
        try:
            checklist = model.load(path, shown)
        except model.ChecklistError as exc:
            logger.warning("{checklist}: %s", exc.message, location=f"{absolute}:{exc.line}",
                           type="chapterkit", subtype="checklist")
            return []
        records = self.env.__dict__.setdefault("chapterkit_checklists", [])
        records.append((checklist.id, self.env.docname, absolute))
        return [self.render(checklist, str(path))]

    def render(self, checklist: model.Checklist, source: str) -> checklist_node:
        prefix = f"ck-{checklist.id}"
        root = checklist_node(cid=checklist.id, domid=prefix, data=model.page_data(checklist))
        options = [(o.value, o.label) for o in checklist.scale]
        number = 0
        for section in checklist.sections:
            sec = checklist_section(sid=section.id)
            sec += checklist_legend("", "", nodes.inline(text=section.title, support_smartquotes=False),
                                    classes=["ck-section-title"])
            sec += checklist_status()
            for item in section.items:
                number += 1
                domid = f"{prefix}-{section.id}-{item.id}"
                node = checklist_item(key=f"{section.id}/{item.id}", domid=domid)
                legend = checklist_legend("", classes=["ck-item-text"])
                legend += nodes.inline(text=f"{number}. ", classes=["ck-num"])
                # No typographic quotes: the text stays the same as in the script's export and JSON.
                legend += nodes.inline(text=item.text, classes=["ck-text"], support_smartquotes=False)
                legend += nodes.Text(" ")
                legend += nodes.inline(text=f"({item.source})", classes=["ck-source"], support_smartquotes=False)
                node += legend
                node += checklist_choices(options=options, domid=domid)
                if item.link:
                    xref = addnodes.pending_xref("", nodes.inline(text=item.link), refdomain="std", reftype="ref",
                                                 reftarget=item.link, refexplicit=False, refwarn=True,
                                                 refdoc=self.env.docname)
                    xref.source, xref.line = source, item.link_line
                    link = nodes.paragraph("", "Explained in: ", xref, classes=["ck-link"])
                    node += link
                sec += node
            root += sec
        if checklist.rule == "min-of-sections":
            root += bands_table(checklist)
        results = checklist_results()
        results += nodes.paragraph(text=NO_SCRIPT_NOTE, classes=["ck-noscript"])
        root += results
        return root


# ---------------------------------------------------------------------------------------------- events
def _records(env: BuildEnvironment) -> list[tuple[str, str, str]]:
    return env.__dict__.setdefault("chapterkit_checklists", [])


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    env.chapterkit_checklists = [r for r in _records(env) if r[1] != docname]  # type: ignore[attr-defined]


def merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _records(env).extend(r for r in _records(other) if r[1] in docnames)


def check_unique_ids(app: Sphinx, env: BuildEnvironment) -> None:
    seen: dict[str, tuple[str, str]] = {}
    for cid, docname, path in sorted(_records(env), key=lambda r: (r[1], r[2])):
        if cid in seen and seen[cid][1] != path:
            logger.warning("{checklist}: checklist id %r is already used by %s; ids are storage keys and must be "
                           "unique in the book", cid, seen[cid][1], location=f"{path}:1", type="chapterkit",
                           subtype="checklist")
        else:
            seen.setdefault(cid, (docname, path))


def add_static_path(app: Sphinx, config: Config) -> None:
    """Our script and style are copied into the output's ``_static`` but listed on checklist pages only."""
    config.html_static_path.append(str(STATIC))


def add_assets(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
               doctree: nodes.document | None) -> None:
    if app.builder.name == "epub":
        return  # an e-book runs no script: the checklist reads as a printed list there
    if doctree is not None and next(iter(doctree.findall(checklist_node)), None) is not None:
        app.add_css_file(CSS)
        app.add_js_file(JS, defer="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    html_only = {"text": (skip, None), "latex": (skip, None), "man": (skip, None), "texinfo": (skip, None)}
    app.add_node(checklist_node, html=(visit_checklist, depart_div))
    app.add_node(checklist_section, html=(visit_section, depart_fieldset))
    app.add_node(checklist_item, html=(visit_item, depart_fieldset))
    app.add_node(checklist_legend, html=(visit_legend, depart_legend))
    app.add_node(checklist_choices, html=(visit_choices, None), **html_only)
    app.add_node(checklist_status, html=(visit_status, None), **html_only)
    app.add_node(checklist_results, html=(visit_results, depart_results))
    app.add_directive("checklist", ChecklistDirective)
    app.connect("config-inited", add_static_path)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("env-check-consistency", check_unique_ids)
    app.connect("html-page-context", add_assets)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: the reader's last mile, small things a reader of the built site meets.

- **Take-away formats.** The footer and the landing page link the whole book as PDF and EPUB only when the built
  site holds the file (``downloads/mlops-path.pdf`` or ``.epub`` in the output folder when the build starts:
  ``make pdf``/``make epub`` put them there, and the deploy builds them before the site). The set of formats
  found is a config value, so when it changes every page is read and written again.
- **Cite this book.** ``{cite-this-book}`` renders ``CITATION.cff`` as APA and BibTeX text to copy.
- **Valid HTML from notebooks.** pandas writes ``<table border="1">``, a ``<style scoped>`` inside a ``div`` and
  ``<th halign|valign>``: the attributes and the style go at build time (the style's rules are in ``mlops-path.css``).
- **Sized images.** A notebook's PNG gets its ``width`` and ``height``, so the page does not jump as it loads.
- **One viewport meta** (docutils adds a second one to Sphinx's; the theme's third goes in ``_templates/``).
- The theme's ".pdf" download button calls ``window.print()``: it is labelled "Print".
- The theme's Jinja macros, copied into ``_static/`` with its static files, are removed from the output, and the
  site's ``index.html`` (a redirect to the landing page) is valid HTML.
"""

from __future__ import annotations

import html
import re
import struct
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import SphinxDirective

# Take-away formats: (label, file name under downloads/).
DOWNLOADS = {"pdf": ("PDF", "mlops-path.pdf"), "epub": ("EPUB", "mlops-path.epub")}
THEME_TEMPLATES = ("webpack-macros.html", "sbt-webpack-macros.html")


# ---------------------------------------------------------------------------------------------- downloads
def downloads_in(outdir: Path) -> list[str]:
    """The formats whose file is in the built site's ``downloads/`` folder, in a fixed order."""
    return [fmt for fmt, (_label, name) in DOWNLOADS.items() if (Path(outdir) / "downloads" / name).is_file()]


def find_downloads(app: Sphinx, config: Config) -> None:
    config.chapterkit_downloads = ",".join(downloads_in(Path(app.outdir)))


def download_links(app: Sphinx) -> list[tuple[str, str]]:
    """(label, path from the site's root) of each take-away format the site holds."""
    found = [fmt for fmt in (app.config.chapterkit_downloads or "").split(",") if fmt in DOWNLOADS]
    return [(DOWNLOADS[fmt][0], f"downloads/{DOWNLOADS[fmt][1]}") for fmt in found]


class TakeAway(SphinxDirective):
    """Where to get the whole book as one file: links when the site holds them, else how to build them."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        links = download_links(self.env.app)
        para = nodes.paragraph()
        up = "../" * self.env.docname.count("/")
        if links:
            para += nodes.Text("To take it with you: the whole book as one ")
            for n, (label, path) in enumerate(links):
                if n:
                    para += nodes.Text(" or as an ")
                para += nodes.reference("", label, refuri=up + path)
            para += nodes.Text(" (the footer of every page links them too); each tagged release on GitHub "
                               "attaches both.")
        else:
            para += nodes.Text("To take it with you, ")
            para += nodes.literal(text="make pdf")
            para += nodes.Text(" and ")
            para += nodes.literal(text="make epub")
            para += nodes.Text(" build the whole book as one PDF and as an EPUB; the published site links both "
                               "in every page's footer, and each tagged release on GitHub attaches both.")
        return [para]


# ---------------------------------------------------------------------------------------------- citation
def citation_texts(cff: dict[str, Any]) -> tuple[str, str]:
    """(APA, BibTeX) for the book, from its CITATION.cff (a group author stays whole: braces in BibTeX)."""
    apa_names, bib_names = [], []
    for author in cff.get("authors") or []:
        if author.get("family-names"):
            given = author.get("given-names", "")
            initials = " ".join(part[0] + "." for part in given.split())
            apa_names.append(f"{author['family-names']}, {initials}".rstrip(", "))
            bib_names.append(f"{author['family-names']}, {given}".rstrip(", "))
        else:
            apa_names.append(author["name"])
            bib_names.append("{" + author["name"] + "}")
    year = str(cff.get("year") or str(cff.get("date-released", ""))[:4])
    title, url = cff["title"], cff.get("url") or cff.get("repository-code", "")
    apa = f"{', '.join(apa_names)}. ({year}). {title}. {url}"
    key = re.sub(r"[^a-z0-9]", "", str(title).split(":")[0].lower()) + year
    bibtex = "\n".join([
        f"@misc{{{key},",
        f"  title        = {{{{{title}}}}},",
        f"  author       = {{{' and '.join(bib_names)}}},",
        f"  year         = {{{year}}},",
        f"  howpublished = {{\\url{{{url}}}}},",
        f"  note         = {{Source: \\url{{{cff.get('repository-code', url)}}}}}",
        "}",
    ])
    return apa, bibtex


class CiteThisBook(SphinxDirective):
    """The book's citation as APA and BibTeX, each in a block with a copy button, from ``CITATION.cff``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir) / "CITATION.cff"
        self.env.note_dependency(str(path))
        cff = yaml.safe_load(path.read_text(encoding="utf-8"))
        apa, bibtex = citation_texts(cff)
        out: list[nodes.Node] = []
        for title, text, language in (("APA", apa, "text"), ("BibTeX", bibtex, "bibtex")):
            out.append(nodes.rubric(text=title))
            block = nodes.literal_block(text, text, language=language, classes=["chapterkit-cite"])
            out.append(block)
        return out


# ---------------------------------------------------------------------------------------------- page filters
SCOPED_STYLE = re.compile(r"<style scoped>.*?</style>\s*", re.DOTALL)
TABLE_BORDER = re.compile(r'<table border="1" class="dataframe')
HALIGN = re.compile(r'<th([^>]*?) halign="(left|right|center)"')
VALIGN = re.compile(r'<th([^>]*?) valign="(top|middle|bottom)"')
VIEWPORT = re.compile(r'\s*<meta name="viewport"[^>]*>')
IMG = re.compile(r'<img\b([^>]*?)\bsrc="([^"]*_images/([^"/]+\.png))"([^>]*)>')


def clean_notebook_html(body: str) -> str:
    """pandas' DataFrame HTML made valid: no table border, no scoped style, no ``halign`` or ``valign``."""
    body = SCOPED_STYLE.sub("", body)
    body = TABLE_BORDER.sub('<table class="dataframe', body)
    body = HALIGN.sub(r'<th\1 style="text-align: \2;"', body)
    return VALIGN.sub(r'<th\1 style="vertical-align: \2;"', body)


HIDDEN_SUMMARY = re.compile(r'<summary aria-label="Toggle hidden content">(.*?)</summary>', re.DOTALL)
SUMMARY_P = re.compile(r'<p class="((?:collapsed|expanded) admonition-title)">(.*?)</p>', re.DOTALL)


def clean_hidden_cells(body: str) -> str:
    """myst-nb's folded cells (hide-input): no <p> inside <summary> (invalid HTML), and the summary's name is its
    visible words ("Show code cell source"), not a different aria-label (axe: label-content-name-mismatch)."""
    return HIDDEN_SUMMARY.sub(lambda m: "<summary>" + SUMMARY_P.sub(r'<span class="\1">\2</span>', m.group(1))
                              + "</summary>", body)


def png_size(path: Path) -> tuple[int, int] | None:
    try:
        with path.open("rb") as file:
            head = file.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def size_images(app: Sphinx, body: str) -> str:
    """``width`` and ``height`` on each PNG from the build's images that has neither."""
    sources = {Path(dest).name: src for src, dest in getattr(app.builder, "images", {}).items()}

    def sized(match: re.Match[str]) -> str:
        before, src, name, after = match.groups()
        if re.search(r"\b(width|height)=", before + after) or name not in sources:
            return match.group(0)
        file = Path(sources[name])
        size = png_size(file if file.is_absolute() else Path(app.srcdir) / file)
        if size is None:
            return match.group(0)
        return f'<img{before}src="{src}" width="{size[0]}" height="{size[1]}"{after}>'

    return IMG.sub(sized, body)


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    context["book_downloads"] = download_links(app)
    if "metatags" in context:
        context["metatags"] = VIEWPORT.sub("", context["metatags"])
    body = context.get("body")
    if body:
        if "dataframe" in body:
            body = clean_notebook_html(body)
        if 'aria-label="Toggle hidden content"' in body:
            body = clean_hidden_cells(body)
        if "_images/" in body:
            body = size_images(app, body)
        context["body"] = body
    for group in context.get("header_buttons") or []:
        for button in group.get("buttons") or []:
            if button.get("javascript") == "window.print()":
                button.update(text="Print", tooltip="Print this page")


REDIRECT = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8" />
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={page}" />
<link rel="canonical" href="{page}" />
</head>
<body><p><a href="{page}">{title}</a></p></body>
</html>
"""


def finish_output(app: Sphinx, exception: Exception | None) -> None:
    """The theme's macros out of ``_static``; the site's ``index.html`` a valid page that sends the reader on to
    the landing page (sphinx-external-toc writes a bare ``<meta>`` line when there is none)."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for name in THEME_TEMPLATES:
        (out / "_static" / name).unlink(missing_ok=True)
    root = str(app.config.root_doc)
    index = out / "index.html"
    if app.builder.name != "html" or root == "index":
        return
    if not index.exists() or index.read_text(encoding="utf-8").lstrip().startswith('<meta http-equiv="Refresh"'):
        title = html.escape(str(app.config.html_title or app.config.project))
        index.write_text(REDIRECT.format(lang=app.config.language or "en", title=title, page=f"{root}.html"),
                         encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("chapterkit_downloads", "", "env", types=[str])
    app.connect("config-inited", find_downloads)
    app.add_directive("take-away", TakeAway)
    app.add_directive("cite-this-book", CiteThisBook)
    # After sphinx-book-theme has added its header buttons (priority 500).
    app.connect("html-page-context", page_context, priority=850)
    # Before the search index (chapterkit.search) reads the output, and before sphinx-external-toc's redirect.
    app.connect("build-finished", finish_output, priority=100)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx: what the EPUB build needs beyond Jupyter Book's HTML settings.

- the EPUB metadata Sphinx asks for (version, identifier, description, publisher), from ``_config.yml`` and git;
- a cover: an SVG page with the title, authors and version, written into the build before it is packed;
- the theme's launch buttons off: sphinx-book-theme's handler assumes its own HTML theme and fails under the EPUB
  one. The visible launch line of each notebook page (``chapterkit.site.launch``) is unaffected.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml
from sphinx.application import Sphinx

from chapterkit.book.bookversion import book_date, book_version
from chapterkit.formats import epubfix

COVER = "_static/chapterkit-cover.svg"
EPUB_CSS = Path(__file__).resolve().parent / "print" / "chapterkit-epub.css"
IDENTIFIER = "mlops-path"
BASENAME = "mlops-path"


def _book_config(srcdir: Path) -> dict[str, Any]:
    try:
        return yaml.safe_load((srcdir / "_config.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}


def cover_svg(title: str, author: str, version: str, date: str) -> str:
    """A plain 600 x 900 cover: the title, the authors, the version and date (text only, no fonts to embed)."""
    words, lines, line = title.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > 18 and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    title_lines = "".join(f'<tspan x="300" dy="{0 if i == 0 else 84}">{escape(t)}</tspan>'
                          for i, t in enumerate(lines))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 900" width="600" height="900">'
        f"<title>{escape(title)}</title>"
        '<rect width="600" height="900" fill="#0f3d57"/>'
        '<rect x="40" y="40" width="520" height="820" fill="none" stroke="#f2c14e" stroke-width="4"/>'
        '<text x="300" y="330" fill="#ffffff" font-family="sans-serif" font-size="72" font-weight="bold" '
        f'text-anchor="middle">{title_lines}</text>'
        '<text x="300" y="560" fill="#f2c14e" font-family="sans-serif" font-size="26" text-anchor="middle">'
        "An executable learning path on MLOps</text>"
        '<text x="300" y="740" fill="#ffffff" font-family="sans-serif" font-size="24" text-anchor="middle">'
        f"{escape(author)}</text>"
        '<text x="300" y="780" fill="#ffffff" font-family="sans-serif" font-size="20" text-anchor="middle">'
        f"Version {escape(version)} · {escape(date)}</text>"
        "</svg>\n"
    )


def toc_entries(env: Any, root: str, suffix: str, depth: int) -> list[dict[str, Any]]:
    """Every page below ``root`` in toctree order, as the EPUB builder's ``refnodes`` (level 1 = a chapter)."""
    entries: list[dict[str, Any]] = []

    def walk(doc: str, level: int) -> None:
        for child in env.toctree_includes.get(doc, []):
            title = env.titles[child].astext() if child in env.titles else child
            entries.append({"level": level, "refuri": html.escape(child + suffix),
                            "text": html.escape(" ".join(title.split()))})
            if level < depth:
                walk(child, level + 1)

    walk(root, 1)
    return entries


def configure_epub(app: Sphinx) -> None:
    if app.builder.name != "epub":
        return
    srcdir = Path(app.srcdir)
    book = _book_config(srcdir)
    config = app.config
    title = str(book.get("title") or config.project)
    author = str(book.get("author") or config.author)
    version = book_version(srcdir)
    config.version = config.release = version
    config.epub_title = title
    config.epub_author = config.epub_publisher = config.epub_contributor = author
    config.epub_description = " ".join(str(book.get("description") or title).split())
    repository = str((book.get("repository") or {}).get("url") or "")
    # epubcheck wants the NCX's uid to equal the OPF's identifier, and Sphinx takes the uid from epub_uid, which
    # must be an XML name: one value for both. The repository's address goes into the description.
    config.epub_uid = config.epub_identifier = IDENTIFIER
    config.epub_scheme = ""
    if repository:
        config.epub_description += f" Source: {repository}"
    config.epub_basename = BASENAME
    # sphinx-external-toc writes index.html (a redirect to the root page) at the end of the build: not content.
    config.epub_exclude_files = [*config.epub_exclude_files, "index.html"]
    config.epub_show_urls = "no"
    config.epub_cover = (COVER, "epub-cover.html")
    # The EPUB's contents (nav.xhtml, toc.ncx): Sphinx reads them off the root page's resolved toctrees, where
    # Jupyter Book's hidden ones yield the root page alone. They are built from the toctree structure instead.
    config.epub_tocscope = "includehidden"
    builder: Any = app.builder

    def get_toc() -> None:
        builder.refnodes = toc_entries(app.env, config.root_doc, builder.out_suffix, config.epub_tocdepth)
        builder.toc_add_files(builder.refnodes)

    builder.get_toc = get_toc
    # sphinx-book-theme's launch-button handler needs its own HTML context, which the EPUB theme does not give.
    options = dict(config.html_theme_options or {})
    options["launch_buttons"] = {}
    config.html_theme_options = options
    cover = Path(app.outdir) / COVER
    cover.parent.mkdir(parents=True, exist_ok=True)
    cover.write_text(cover_svg(title, author, version, book_date(srcdir)), encoding="utf-8")


def repack_epub(app: Sphinx, exception: Exception | None) -> None:
    """Make every page valid XHTML, then pack the EPUB again (with the files other extensions wrote at the end
    of the build, such as myst-nb's stylesheet) and declare the pages that hold SVG."""
    if exception is not None or app.builder.name != "epub":
        return
    outdir = Path(app.outdir)
    static = outdir / "_static"
    # myst-nb's stylesheet uses CSS that epubcheck cannot parse (:is(), nesting, empty custom properties): the EPUB
    # gets a small stylesheet of ours for notebook cells instead.
    mystnb_css = sorted(p.name for p in static.glob("mystnb.*.css"))
    shutil.copyfile(EPUB_CSS, static / EPUB_CSS.name)
    builder: Any = app.builder
    # The first packing already wrote the cover page: leave it out of the walk, or it enters the spine twice.
    app.config.epub_exclude_files = [*app.config.epub_exclude_files, *(f"_static/{n}" for n in mystnb_css),
                                     builder.coverpage_name]
    builder.playorder = 0  # the NCX numbering restarts, as on the first packing
    builder.handle_finish()
    declared: dict[str, str] = {}  # page -> what epubcheck wants declared of it (inline SVG, MathML formulas)
    for page in sorted(outdir.rglob("*.xhtml")):
        text = page.read_text(encoding="utf-8")
        fixed = text
        for name in mystnb_css:
            fixed = fixed.replace(f"_static/{name}", f"_static/{EPUB_CSS.name}")
        fixed = epubfix.hoist_styles(epubfix.to_xhtml(fixed))
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
        holds = " ".join(name for name, tag in (("mathml", "<math"), ("svg", "<svg")) if tag in fixed)
        if holds:
            declared[page.relative_to(outdir).as_posix()] = holds
    opf = outdir / "content.opf"
    properties = declared | {COVER: "cover-image"}
    opf.write_text(epubfix.declare_properties(opf.read_text(encoding="utf-8"), properties), encoding="utf-8")
    builder.build_epub()


def setup(app: Sphinx) -> dict[str, Any]:
    # Before Sphinx's own EPUB check of these values (builder-inited, priority 500).
    app.connect("builder-inited", configure_epub, priority=100)
    # After myst-nb's own build-finished handler (priority 500), which writes its stylesheet.
    app.connect("build-finished", repack_epub, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: Font Awesome icons as inline SVG, without Font Awesome's JavaScript or fonts.

The theme marks its icons as ``<i class="fa-solid fa-sun">`` and ships ``fontawesome.js`` (1.5 MB) to turn them
into SVG in the browser, plus two icon fonts for the icons it draws in CSS (admonition titles, ...). Here:

- every page written by this build has its ``<i|span class="fa-...">`` elements replaced by the icon's SVG,
  taken from ``chapterkit/site/icons/`` (Font Awesome Free's own SVG files, CC BY 4.0; see the README there);
- ``_static/chapterkit-icons.css`` draws the theme's pseudo-element icons as CSS masks of the same SVGs;
- ``_templates/static/webpack-macros.html`` no longer loads ``fontawesome.js``.

An icon with no SVG in ``chapterkit/site/icons/`` is a build warning (an error in the strict build) naming the file to
add, so no icon silently disappears.
"""

from __future__ import annotations

import functools
import html
import re
import urllib.parse
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

ICONS = Path(__file__).parent / "icons"
CSS_FILE = "chapterkit-icons.css"

STYLE_CLASSES = {"fa-solid": "solid", "fas": "solid", "fa-brands": "brands", "fab": "brands",
                 "fa-regular": "regular", "far": "regular"}
# Classes that size or place an icon rather than name it.
MODIFIERS = {"fa-lg", "fa-xs", "fa-sm", "fa-xl", "fa-2xs", "fa-2xl", "fa-fw", "fa-1x", "fa-2x", "fa-3x",
             "fa-spin", "fa-pulse", "fa-border", "fa-li", "fa-pull-left", "fa-pull-right"}
# Font Awesome 5 names the theme still uses, and their Font Awesome 6 files.
ALIASES = {"pencil-alt": "pencil", "search": "magnifying-glass", "info-circle": "circle-info",
           "exclamation-circle": "circle-exclamation", "exclamation-triangle": "triangle-exclamation",
           "times-circle": "circle-xmark", "external-link-alt": "arrow-up-right-from-square",
           "search-minus": "magnifying-glass-minus", "times": "xmark"}

ICON_ELEMENT = re.compile(r'<(i|span)\b([^>]*?)\sclass="([^"]*\bfa-[a-z0-9-]+[^"]*)"([^>]*)>\s*</\1>')
VIEWBOX = re.compile(r'viewBox="([^"]+)"')
PATH = re.compile(r'<path d="([^"]+)"')


@functools.cache
def svg_parts(style: str, name: str) -> tuple[str, str] | None:
    """(viewBox, path data) of an icon, or None if chapterkit/site/icons has no file for it."""
    file = ICONS / f"{style}-{ALIASES.get(name, name)}.svg"
    if not file.is_file():
        return None
    text = file.read_text(encoding="utf-8")
    box, path = VIEWBOX.search(text), PATH.search(text)
    if box is None or path is None:
        raise ValueError(f"{file}: no viewBox or path; copy the file unchanged from @fortawesome/fontawesome-free")
    return box.group(1), path.group(1)


def icon_name(classes: list[str]) -> tuple[str, str] | None:
    """(style, name) named by an element's classes, or None when they name no icon."""
    style = next((STYLE_CLASSES[c] for c in classes if c in STYLE_CLASSES), "solid")
    names = [c[3:] for c in classes if c.startswith("fa-") and c not in MODIFIERS and c not in STYLE_CLASSES]
    return (style, names[0]) if names else None


class MissingIcon(LookupError):
    pass


def svg_element(before: str, classes: list[str], after: str) -> str:
    found = icon_name(classes)
    if found is None:
        raise MissingIcon(" ".join(classes))
    style, name = found
    parts = svg_parts(style, name)
    if parts is None:
        raise MissingIcon(f"{style}-{ALIASES.get(name, name)}.svg")
    box, path = parts
    kept = [c for c in classes if c not in STYLE_CLASSES]
    attrs = (before + after).strip()
    if "aria-hidden" not in attrs:
        attrs += ' aria-hidden="true"'
    return (f'<svg class="svg-inline--fa {" ".join(kept)}" {attrs.strip()} focusable="false" '
            f'xmlns="http://www.w3.org/2000/svg" viewBox="{box}"><path fill="currentColor" d="{path}"/></svg>')


def inline_icons(page: str) -> tuple[str, list[str]]:
    """The page with its icon elements as inline SVG, and the icons that have no SVG file (left as they were)."""
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        classes = html.unescape(match.group(3)).split()
        try:
            return svg_element(match.group(2), classes, match.group(4))
        except MissingIcon as err:
            missing.append(str(err))
            return match.group(0)

    return ICON_ELEMENT.sub(replace, page), missing


def mask_url(style: str, name: str) -> str:
    parts = svg_parts(style, name)
    if parts is None:
        raise MissingIcon(f"{style}-{name}.svg")
    box, path = parts
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='{box}'><path d='{path}'/></svg>"
    encoded = urllib.parse.quote(svg, safe=" =:/'")
    return f'url("data:image/svg+xml,{encoded}")'


# The theme's pseudo-element icons (pydata-sphinx-theme and sphinx-book-theme CSS that uses the icon fonts).
ADMONITION_ICONS = {
    "": "bell", "note": "circle-info", "tip": "lightbulb", "hint": "lightbulb", "important": "circle-exclamation",
    "attention": "circle-exclamation", "caution": "triangle-exclamation", "warning": "triangle-exclamation",
    "danger": "triangle-exclamation", "error": "circle-xmark", "seealso": "share", "todo": "pencil",
}
PSEUDO_ICONS = [
    ("a.reference.download:before", "solid", "download"),
    (".nav-link.nav-external:after, nav.bd-links li>a.reference.external:after", "solid",
     "arrow-up-right-from-square"),
    ("ul.bd-breadcrumbs li.breadcrumb-item:not(.breadcrumb-home):before", "solid", "angle-right"),
    ("div#searchbox p.highlight-link a:before", "solid", "magnifying-glass-minus"),
    ("span.versionmodified:before", "solid", "circle-exclamation"),
    (".bd-sidebar-secondary.hide:not(:hover) .onthispage:after", "solid", "angle-down"),
    ("a.github:before", "brands", "github"),
]
MASK = ("content:\"\"!important;font:inherit!important;display:inline-block;width:1em;height:1em;"
        "vertical-align:-.125em;background-color:currentColor;-webkit-mask:var(--ck-icon) center/contain "
        "no-repeat;mask:var(--ck-icon) center/contain no-repeat")


def icons_css() -> str:
    lines = [
        "/* Generated by chapterkit/site/inline_icons.py: Font Awesome Free 6.5.2 icons (CC BY 4.0) as inline SVG",
        "   and CSS masks, in place of fontawesome.js and the icon fonts. */",
        (".svg-inline--fa{display:var(--fa-display,inline-block);height:1em;overflow:visible;"
        "vertical-align:-.125em;box-sizing:content-box}"),
        ".svg-inline--fa.fa-lg{vertical-align:-.2em}",
        ".svg-inline--fa.fa-fw{width:var(--fa-fw-width,1.25em)}",
        ".admonition>.admonition-title:after,div.admonition>.admonition-title:after{"
        + MASK.replace("width:1em;height:1em;vertical-align:-.125em;", "") + "}",
    ]
    for kind, name in ADMONITION_ICONS.items():
        selector = f"div.admonition.{kind}>.admonition-title" if kind else ".admonition>.admonition-title"
        lines.append(f"{selector}{{--ck-icon:{mask_url('solid', name)}}}")
    for selector, style, name in PSEUDO_ICONS:
        lines.append(f"{selector}{{--ck-icon:{mask_url(style, name)};{MASK}}}")
    return "\n".join(lines) + "\n"


_WRITTEN: dict[int, set[str]] = {}


def _note_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Remember the pages this build writes: only they need their icons inlined (the others already have)."""
    _WRITTEN.setdefault(id(app), set()).add(pagename)


def _rewrite_pages(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    (outdir / "_static" / CSS_FILE).write_text(icons_css(), encoding="utf-8")
    pages = _WRITTEN.pop(id(app), set())
    for pagename in sorted(pages):
        file = outdir / app.builder.get_target_uri(pagename)
        if file.suffix != ".html" or not file.is_file():
            continue
        text = file.read_text(encoding="utf-8")
        new, missing = inline_icons(text)
        for icon in sorted(set(missing)):
            logger.warning("icon %s has no SVG in chapterkit/site/icons: copy it from @fortawesome/fontawesome-free "
                           "6.5.2 (see chapterkit/site/icons/README.md)", icon, location=pagename)
        if new != text:
            tmp = file.with_suffix(".html.tmp")
            tmp.write_text(new, encoding="utf-8")
            tmp.replace(file)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_css_file(CSS_FILE)
    app.connect("html-page-context", _note_page)
    app.connect("build-finished", _rewrite_pages)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": False}

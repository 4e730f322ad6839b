"""Sphinx extension: each page loads the scripts and styles it uses, once, without blocking its first paint.

- Sphinx 7.4 emits the inline scripts that sphinx-thebe and sphinx-togglebutton register twice; the second copy
  of ``const THEBE_JS_URL`` is a SyntaxError on every page. Every asset is kept once, in its first place.
- The book has no live-code (Thebe) button, so sphinx-thebe's script, configuration and style are dropped.
- Scripts a page has nothing for are dropped (the copy button's on a page without code, the tabs' without tabs,
  the toggle buttons' without a toggle); the others that wait for the DOM anyway are loaded with ``defer``.
- So are styles: Pygments' and the copy button's on a page without code, the toggle buttons' without a toggle,
  sphinx-design's without a card or tab, myst-nb's without a notebook cell.
- Three small stylesheets (``INLINE_CSS``) are written into the page (``_templates/layout.html`` puts them after
  the linked ones), and so are ``documentation_options.js`` (320 bytes, read by the inline scripts after it) and
  ``mlops-path.js`` (1.6 KB, it waits for DOMContentLoaded as it did deferred), and
  Sphinx's search helpers (``doctools.js``, ``sphinx_highlight.js``), which nothing here uses, are dropped: on a
  slow phone network every request costs a round trip before the page can run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sphinx
from sphinx.application import Sphinx
from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

# Scripts that only wire up the DOM once it is parsed, so they may run after it (``defer`` keeps their order).
DEFERRABLE = {"clipboard.min.js", "copybutton.js", "togglebutton.js", "design-tabs.js",
              "scripts/sphinx-book-theme.js", "mlops-path.js", "mlops-path-previews.js"}
# Sphinx's own search helpers, for a search this book does not use (it is Pagefind): doctools.js serves
# searchtools.js and the search shortcuts of Sphinx's search box; sphinx_highlight.js marks the words of a
# ?highlight= link that only Sphinx's search writes. No other script calls them; each is a request less.
UNUSED = {"doctools.js", "sphinx_highlight.js"}
INLINE = "documentation_options.js"
INLINE_JS = "mlops-path.js"
# Scripts a page needs only when its body holds what they act on: (file, markers in the body).
NEEDED_FOR = {
    "clipboard.min.js": ('class="highlight',),
    "copybutton.js": ('class="highlight',),
    "design-tabs.js": ("sd-tab-set",),
    "togglebutton.js": ("toggle", "dropdown"),
}
# Styles a page needs only when its body holds what they style: (start of the file name, markers in the body).
CSS_NEEDED_FOR = {
    "pygments.css": ('class="highlight',),
    "copybutton.css": ('class="highlight',),
    "togglebutton.css": ("toggle", "dropdown"),
    "sphinx-design.min.css": ("sd-",),
    "mystnb.": ('class="cell',),
}
# Small stylesheets written into the page (after the linked ones, where they were last but for sphinx-design's,
# whose rules they do not share): three requests fewer, about 3.5 KB gzipped more per page.
INLINE_CSS = ("togglebutton.css", "chapterkit-search.css", "mlops-path.css")
THEBE_FILES = {"sphinx-thebe.js", "sphinx-thebe.css"}


def _name(asset: _JavaScript | _CascadingStyleSheet | str) -> str:
    filename = getattr(asset, "filename", asset)
    return str(filename or "").split("?")[0]


def _body(asset: _JavaScript) -> str:
    return getattr(asset, "attributes", {}).get("body", "")


def thebe_enabled(app: Sphinx) -> bool:
    launch = (app.config.html_theme_options or {}).get("launch_buttons", {}) or {}
    # A book built with plain Sphinx (a test's mini-book) has no sphinx-thebe, and so no thebe_config.
    thebe_config = getattr(app.config, "thebe_config", None) or {}
    return bool(launch.get("thebe")) or bool(thebe_config.get("always_load"))


def _is_thebe(asset: Any) -> bool:
    return _name(asset).rsplit("/", 1)[-1] in THEBE_FILES or "THEBE_JS_URL" in _body(asset) or "thebe@" in _name(asset)


def unique(assets: list[Any]) -> list[Any]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for asset in assets:
        key = (_name(asset), _body(asset))
        if key not in seen:
            seen.add(key)
            kept.append(asset)
    return kept


def page_styles(styles: list[_CascadingStyleSheet], body: str, keep_thebe: bool) -> list[_CascadingStyleSheet]:
    """The stylesheets one page loads: each once, without the ones that style nothing on it."""
    kept = []
    for css in unique(styles):
        base = _name(css).rsplit("/", 1)[-1]
        if not keep_thebe and _is_thebe(css):
            continue
        markers = next((m for start, m in CSS_NEEDED_FOR.items() if base.startswith(start)), None)
        if markers is not None and body and not any(marker in body for marker in markers):
            continue
        kept.append(css)
    return kept


def page_scripts(scripts: list[_JavaScript], body: str, keep_thebe: bool,
                 inline: dict[str, str] | None = None) -> list[_JavaScript]:
    """The scripts one page loads: each once, without the ones it has no use for, deferred where safe, and the
    tiny ones in ``inline`` (file name -> its text) written into the page."""
    kept = []
    for js in unique(scripts):
        name = _name(js)
        if not keep_thebe and _is_thebe(js):
            continue
        if name.rsplit("/", 1)[-1] in UNUSED:
            continue
        text = (inline or {}).get(name.rsplit("/", 1)[-1])
        if text is not None:
            kept.append(_JavaScript(None, priority=js.priority, body=text))
            continue
        markers = next((m for suffix, m in NEEDED_FOR.items() if name.endswith(suffix)), None)
        if markers is not None and body and not any(marker in body for marker in markers):
            continue
        attributes = dict(js.attributes)
        if any(name.endswith(suffix) for suffix in DEFERRABLE) and "async" not in attributes:
            attributes["defer"] = "defer"
            js = _JavaScript(js.filename, priority=js.priority, **attributes)
        kept.append(js)
    return kept


_INLINED: dict[int, dict[str, str]] = {}


def inline_texts(app: Sphinx) -> dict[str, str]:
    """File name -> text of the scripts written into the page: ``documentation_options.js`` as Sphinx renders it
    into ``_static`` (from the basic theme's template), and the book's ``mlops-path.js``."""
    if id(app) not in _INLINED:
        template = Path(sphinx.__file__).parent / "themes" / "basic" / "static" / f"{INLINE}.jinja"
        texts = {}
        if template.is_file() and hasattr(app.builder, "templates"):
            text = app.builder.templates.render_string(template.read_text(encoding="utf-8"),
                                                       app.builder.globalcontext)
            texts[INLINE] = text.strip()
        own = static_file(app, INLINE_JS)  # the book's small theme fixes (1.6 KB), which wait for the DOM anyway
        if own is not None:
            texts[INLINE_JS] = own.read_text(encoding="utf-8").replace("</", "<\\/")
        _INLINED[id(app)] = texts
    return _INLINED[id(app)]


def static_file(app: Sphinx, name: str) -> Path | None:
    """A file of the html_static_path folders (the book's, the extensions'), as the build will copy it."""
    for folder in app.config.html_static_path:
        path = Path(app.confdir, folder) / name
        if path.is_file():
            return path
    return None


def inline_styles(app: Sphinx, styles: list[_CascadingStyleSheet]) -> tuple[list[_CascadingStyleSheet], str]:
    """The styles still linked, and the text of those of INLINE_CSS, in their order, for a <style> element."""
    linked, texts = [], []
    for css in styles:
        base = _name(css).rsplit("/", 1)[-1]
        path = static_file(app, base) if base in INLINE_CSS and _name(css) == f"_static/{base}" else None
        if path is None:
            linked.append(css)
        else:
            texts.append(f"/* {base} */\n" + path.read_text(encoding="utf-8").replace("</", "<\\/"))
    return linked, "\n".join(texts)


def _prune(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    keep_thebe = thebe_enabled(app)
    body = context.get("body", "")
    if "script_files" in context:
        inline = inline_texts(app) if app.builder.name in ("html", "dirhtml") else {}
        context["script_files"] = page_scripts(context["script_files"], body, keep_thebe, inline)
    if "css_files" in context:
        styles = page_styles(context["css_files"], body, keep_thebe)
        if app.builder.name in ("html", "dirhtml"):
            styles, context["chapterkit_inline_css"] = inline_styles(app, styles)
        context["css_files"] = styles


def setup(app: Sphinx) -> dict[str, Any]:
    # After the other extensions have added their files for the page.
    app.connect("html-page-context", _prune, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: each page loads the scripts and styles it uses, once, without blocking its first paint.

- Sphinx 7.4 emits the inline scripts that sphinx-thebe and sphinx-togglebutton register twice; the second copy
  of ``const THEBE_JS_URL`` is a SyntaxError on every page. Every asset is kept once, in its first place.
- The book has no live-code (Thebe) button, so sphinx-thebe's script, configuration and style are dropped.
- Scripts a page has nothing for are dropped (the copy button's on a page without code, the tabs' without tabs,
  the toggle buttons' without a toggle); the others that wait for the DOM anyway are loaded with ``defer``.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

# Scripts that only wire up the DOM once it is parsed, so they may run after it (``defer`` keeps their order).
# Not doctools.js: Sphinx's searchtools.js, loaded without defer, calls its ``_ready`` as it loads.
DEFERRABLE = {"clipboard.min.js", "copybutton.js", "togglebutton.js", "design-tabs.js",
              "scripts/sphinx-book-theme.js", "mlops-path.js", "mlops-path-previews.js"}
# Scripts a page needs only when its body holds what they act on: (file, markers in the body).
NEEDED_FOR = {
    "clipboard.min.js": ('class="highlight',),
    "copybutton.js": ('class="highlight',),
    "design-tabs.js": ("sd-tab-set",),
    "togglebutton.js": ("toggle", "dropdown"),
}
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


def page_scripts(scripts: list[_JavaScript], body: str, keep_thebe: bool) -> list[_JavaScript]:
    """The scripts one page loads: each once, without the ones it has no use for, deferred where safe."""
    kept = []
    for js in unique(scripts):
        name = _name(js)
        if not keep_thebe and _is_thebe(js):
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


def _prune(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    keep_thebe = thebe_enabled(app)
    if "script_files" in context:
        context["script_files"] = page_scripts(context["script_files"], context.get("body", ""), keep_thebe)
    if "css_files" in context:
        context["css_files"] = [css for css in unique(context["css_files"]) if keep_thebe or not _is_thebe(css)]


def setup(app: Sphinx) -> dict[str, Any]:
    # After the other extensions have added their files for the page.
    app.connect("html-page-context", _prune, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: what a page says about itself, and the page for a wrong address.

- A description (``<meta name="description">``) and Open Graph tags for link previews: a chapter's one-line
  ``path.summary``, else the page's first paragraph, else the book's description; ``og:url`` when
  ``html_baseurl`` is set.
- "Last updated on" a date from git: the date of the last commit that touched the page's source. Without git
  (a copy of the sources), pages show no date rather than a wrong one.
- ``404.html``: a small page in the site's colours with links to the landing page, the path, the glossary and
  the index. A 404 page is served at any depth, so its links are relative to a ``<base>`` that a tiny inline
  script sets first: the path of ``html_baseurl`` when the address starts with it (GitHub Pages), else the folder
  of ``404.html`` itself (``make serve``, a copy opened as a file). Its images are base64 data URIs.
"""

from __future__ import annotations

import base64
import html
import json
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml
from sphinx.application import Sphinx

from chapterkit.book import frontmatter

DESCRIPTION_MAX = 200
_DATES: dict[int, dict[str, str]] = {}


def git_dates(root: Path) -> dict[str, str]:
    """Path relative to the repository root -> ISO date of the last commit that touched it ({} without git)."""
    try:
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"], check=True,
                             capture_output=True, text=True, timeout=30).stdout.strip()
        log = subprocess.run(["git", "-C", top, "log", "--format=%x00%cs", "--name-only", "--no-renames"],
                             check=True, capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, str] = {}
    prefix = Path(root).resolve().relative_to(Path(top).resolve()).as_posix()
    date = ""
    for line in log.splitlines():
        if line.startswith("\x00"):
            date = line[1:]
        elif line.strip():
            name = line.strip()
            if prefix not in ("", "."):
                if not name.startswith(prefix + "/"):
                    continue
                name = name[len(prefix) + 1:]
            dates.setdefault(name, date)
    return dates


def plain(fragment: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    text = re.sub(r"\s*\[[^\]]*\d{4}[^\]]*\]", "", text)  # citations such as [Sculley et al., 2015]
    return re.sub(r"\s+", " ", text).strip()


def clip(text: str, most: int = DESCRIPTION_MAX) -> str:
    if len(text) <= most:
        return text
    cut = text[:most].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def description(app: Sphinx, pagename: str, body: str) -> str:
    source = Path(app.env.doc2path(pagename)) if pagename in app.env.all_docs else None
    if source is not None and source.suffix == ".md":
        meta = frontmatter.chapter_meta(frontmatter.read(source))
        if meta is not None and meta.path.summary:
            return meta.path.summary
    for para in re.findall(r"<p>(.*?)</p>", body, re.DOTALL):
        text = plain(para)
        if len(text) > 40:
            return clip(text)
    return ""


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    project = book_title(app)
    title = plain(context.get("title") or "")
    text = description(app, pagename, context.get("body", "")) or BOOK_DESCRIPTION.get(id(app), "")
    tags = [f'<meta name="description" content="{html.escape(text)}" />'] if text else []
    tags += [
        '<meta property="og:type" content="website" />',
        f'<meta property="og:site_name" content="{html.escape(project)}" />',
        f'<meta property="og:title" content="{html.escape(title or project)}" />',
    ]
    if text:
        tags.append(f'<meta property="og:description" content="{html.escape(text)}" />')
    if app.config.html_baseurl:
        url = app.config.html_baseurl.rstrip("/") + "/" + app.builder.get_target_uri(pagename)
        tags.append(f'<meta property="og:url" content="{html.escape(url)}" />')
    tags.append('<meta name="twitter:card" content="summary" />')
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(tags) + "\n"
    if pagename in app.env.all_docs:
        source = Path(app.env.doc2path(pagename)).resolve().relative_to(Path(app.srcdir).resolve()).as_posix()
        date = _DATES.get(id(app), {}).get(source)
        context["last_updated"] = date or None


BOOK_DESCRIPTION: dict[int, str] = {}


def read_dates(app: Sphinx) -> None:
    _DATES[id(app)] = git_dates(Path(app.srcdir))
    config = Path(app.srcdir) / "_config.yml"
    data = yaml.safe_load(config.read_text(encoding="utf-8")) if config.is_file() else {}
    text = data.get("description", "") if isinstance(data, dict) else ""
    BOOK_DESCRIPTION[id(app)] = clip(" ".join(str(text or "").split()))


NOT_FOUND = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="robots" content="noindex" />
<title>Page not found — {project}</title>
<script>
  (() => {{
    const site = {root_js}, path = location.pathname, base = document.createElement("base");
    base.href = location.protocol === "file:" ? path.slice(0, path.lastIndexOf("/") + 1)
      : path.startsWith(site) ? site : "/";
    document.head.append(base);
  }})();
</script>
<link rel="icon" href="{favicon}" />
<style>
  :root {{ color-scheme: light dark; --bg: #fff; --fg: #222832; --link: #0a58ca; --muted: #48566b; }}
  @media (prefers-color-scheme: dark) {{ :root {{ --bg: #121212; --fg: #ced6dd; --link: #7fb3f5; --muted: #a8b3bd; }} }}
  body {{ margin: 0; background: var(--bg); color: var(--fg); font: 1rem/1.6 system-ui, sans-serif; }}
  main {{ max-width: 40rem; margin: 4rem auto; padding: 0 1.25rem; }}
  h1 {{ font-size: 2rem; margin: 1rem 0 .5rem; }}
  a {{ color: var(--link); }}
  p.muted {{ color: var(--muted); }}
  img {{ height: 3rem; width: auto; }}
</style>
</head>
<body>
<main>
<a href="intro.html"><picture><source srcset="{logo_dark}" media="(prefers-color-scheme: dark)" />
<img src="{logo}" alt="{project}: home" width="180" height="48" /></picture></a>
<h1>Page not found</h1>
<p>There is no page at this address: it may have moved when the book was reorganized.</p>
<ul>
<li><a href="intro.html">The landing page and the learning path</a></li>
<li><a href="glossary.html">The glossary</a>, every term defined once</li>
<li><a href="genindex.html">The index</a>, every concept and where it is explained</li>
<li><a href="bibliography.html">The bibliography</a></li>
</ul>
<p class="muted">The search box on any page of the book finds a concept by name.</p>
</main>
</body>
</html>
"""


def book_title(app: Sphinx) -> str:
    """The book's title: Jupyter Book sets ``html_title`` from ``title:``, not Sphinx's ``project``."""
    return str(app.config.html_title or app.config.project)


def site_root(app: Sphinx) -> str:
    path = urlparse(app.config.html_baseurl or "").path or "/"
    return path if path.endswith("/") else path + "/"


def data_uri(svg: Path) -> str:
    """The SVG as a base64 data URI: no space in it, so it is also a valid ``srcset`` candidate."""
    if not svg.is_file():
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.read_bytes()).decode("ascii")


def write_not_found(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    dark_logo = ((app.config.html_theme_options or {}).get("logo") or {}).get("image_dark")
    # The page's own images travel inside it: at a wrong address, only its links can use the site's root (its
    # <base>, set by the page's script from the path of html_baseurl).
    out = Path(app.outdir) / "_static"
    page = NOT_FOUND.format(lang=app.config.language or "en", project=html.escape(book_title(app)),
                            root_js=json.dumps(site_root(app)), logo=data_uri(out / Path(app.config.html_logo or "logo.svg").name),
                            favicon=data_uri(out / Path(app.config.html_favicon or "favicon.svg").name),
                            logo_dark=data_uri(out / Path(dark_logo or app.config.html_logo or "logo.svg").name))
    target = Path(app.outdir) / "404.html"
    tmp = target.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", read_dates)
    app.connect("html-page-context", page_context)
    # After pydata-sphinx-theme has copied the dark logo into _static (also at build-finished).
    app.connect("build-finished", write_not_found, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

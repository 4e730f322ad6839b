"""Every internal link of a built site, checked on disk: each page, style sheet, script, image and icon a page
points at exists, and each ``#fragment`` names an element of the page it points into.

This replaces a LinkChecker crawl of the served site in ``make test`` (2,000 URLs over HTTP took 2 to 11 minutes;
this reads the same files in a few seconds). LinkChecker still checks the external links (``make links``, weekly in
CI). What it reads: ``href``, ``src``, ``srcset``, ``poster``, ``data`` and SVG ``xlink:href`` attributes of every
HTML page, ``url(...)`` in ``style`` attributes and ``<style>`` elements, and ``url(...)`` in every local style sheet
a page links. A link to a folder is good when the folder holds an ``index.html``, as on a web server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINK_ATTRIBUTES = {"href", "src", "poster", "data", "xlink:href", "action"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
# Schemes that are not files of the site.
NOT_FILES = ("mailto:", "tel:", "javascript:", "data:", "blob:", "about:")
BASE = "http://site.invalid/"


class _Page(HTMLParser):
    """The ids and the links of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.stylesheets: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        for name in LINK_ATTRIBUTES.intersection(values):
            if tag == "form" and name == "action" and not values[name]:
                continue
            self.links.append(values[name])
        for name in ("srcset", "imagesrcset"):
            if name in values and not values[name].lstrip().lower().startswith("data:"):
                self.links += [part.split()[0] for part in values[name].split(",") if part.strip()]
        if "style" in values:
            self.links += [match[1] for match in CSS_URL.findall(values["style"])]
        if tag == "link" and "stylesheet" in values.get("rel", "").split() and "href" in values:
            self.stylesheets.append(values["href"])
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.links += [match[1] for match in CSS_URL.findall(data)]


@dataclass
class LinkReport:
    pages: int = 0
    links: int = 0  # internal links checked, each occurrence counted
    problems: list[str] = field(default_factory=list)


def check_site(html: Path, ignore: re.Pattern[str] | None = None) -> LinkReport:
    """Check every internal link of every HTML page under ``html`` (``ignore``: a pattern of site paths, such as
    ``/downloads/book.pdf``, that the site gets only when it is published)."""
    report = LinkReport()
    parsed: dict[Path, _Page] = {}

    def page_of(path: Path) -> _Page:
        if path not in parsed:
            parser = _Page()
            parser.feed(path.read_text(encoding="utf-8", errors="replace"))
            parser.close()
            parsed[path] = parser
        return parsed[path]

    def target_of(url: str, base: str) -> tuple[Path | None, str, str]:
        """The file a link leads to (None if it leaves the site), its site path and its fragment."""
        absolute = urljoin(base, url)
        if not absolute.startswith(BASE):
            return None, "", ""
        parts = urlsplit(absolute)
        site_path = unquote(parts.path)
        return html / site_path.lstrip("/"), site_path, unquote(parts.fragment)

    checked_css: set[Path] = set()
    for page in sorted(html.rglob("*.html")):
        report.pages += 1
        rel = page.relative_to(html).as_posix()
        base = BASE + rel
        parsed_page = page_of(page)
        for url in parsed_page.links:
            url = url.strip()
            if not url or url.lower().startswith(NOT_FILES):
                continue
            path, site_path, fragment = target_of(url, base)
            if path is None or (ignore and ignore.search(site_path)):
                continue
            report.links += 1
            if path.is_dir():
                path, site_path = path / "index.html", site_path.rstrip("/") + "/index.html"
            if not path.is_file():
                report.problems.append(f"{rel}: {url} -> no such file {site_path}")
                continue
            if fragment and path.suffix == ".html" and fragment not in page_of(path).ids:
                report.problems.append(f"{rel}: {url} -> {path.relative_to(html).as_posix()} has no #{fragment}")
        for sheet in parsed_page.stylesheets:
            path, _, _ = target_of(sheet, base)
            if path is None or not path.is_file() or path in checked_css:
                continue
            checked_css.add(path)
            css_rel = path.relative_to(html).as_posix()
            for match in CSS_URL.findall(path.read_text(encoding="utf-8", errors="replace")):
                url = match[1].strip()
                if url.lower().startswith(NOT_FILES) or url.startswith("#"):
                    continue
                target, site_path, _ = target_of(url, BASE + css_rel)
                if target is None:
                    continue
                report.links += 1
                if not target.is_file():
                    report.problems.append(f"{css_rel}: url({url}) -> no such file {site_path}")
    return report

"""``search``: try one query against the built book, as a reader's search box answers it (``make search Q=...``).

The built site (``_build/html``) is served on 127.0.0.1 for the moment of the query, and headless Chromium asks
the page's own search (``chapterkitSearch.find``: Pagefind's index, ranked again by chapterkit-search.js), so the
answer is the one a reader and ``tests/test_search.py`` get.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from chapterkit.book.errors import ChapterkitError

CHROMIUM = Path("/usr/bin/chromium")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def find(html: Path, query: str, limit: int = 5) -> list[dict[str, Any]]:
    """The first ``limit`` results: each ``{title, page, url, sections: [{title, url, excerpt}]}``."""
    if not (html / "pagefind" / "pagefind.js").is_file():
        raise ChapterkitError("no built book with a search index", str(html), "run: make book")
    if not query.strip():
        raise ChapterkitError("the query is empty", "Q", 'give one: make search Q="feature store"')
    if not CHROMIUM.exists():
        raise ChapterkitError("Debian's chromium is missing", str(CHROMIUM), "run: make chromium")
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/intro.html", wait_until="load")
            page.wait_for_function("() => window.chapterkitSearch")
            results = page.evaluate("async ([q, n]) => chapterkitSearch.find(q, n)", [query, limit])
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return results


def report(query: str, results: list[dict[str, Any]]) -> str:
    if not results:
        return f"search {query!r}: nothing found"
    lines = [f"search {query!r}: {len(results)} result{'s' if len(results) != 1 else ''}, best first"]
    for number, result in enumerate(results, start=1):
        lines.append(f"  {number}. {result['title']}  {result['page'].lstrip('/')}")
        for section in result.get("sections", [])[:3]:
            if "#" in section["url"]:
                lines.append(f"       § {section['title']}  #{section['url'].split('#', 1)[1]}")
    first = results[0]["url"].lstrip("/")
    page, _, anchor = first.partition("#")
    entry = f'{{q: "{query}", page: "{page}"' + (f', anchor: "{anchor}"' if anchor else "") + "}"
    lines.append(f"As a line of tests/search-queries/<slug>.yml (if the first result is the right place):\n  - {entry}")
    return "\n".join(lines)

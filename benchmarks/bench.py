"""`make bench`: the performance figures of DESIGN.md, printed. Tests never assert on time; this does the timing.

Prints: clean build (execution off) beside the same build with execute_notebooks: force; no-op rebuild; rebuild
after editing one chapter; each notebook's run time and the total; a chapter page's weight (raw and gzipped, from
the browser's network events); the search index build time, size and the bytes a search fetches;
make pdf and make epub; the test suite's wall time.

The page is served gzipped (as GitHub Pages serves it); its weight counts every response, uncompressed and
gzipped. Its timings are taken on a phone-sized page over Chrome's "Fast 3G" with a 4x slower CPU.

Usage: python benchmarks/bench.py [--skip-tests] [--skip-force] [--weight-only _build/html]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHAPTER_PAGE = "chapters/technical-debt/index.html"
EDITED_CHAPTER = "chapters/technical-debt/index.md"
# Measured on this project's machine (DESIGN.md): a default Jupyter Book chapter page.
THEME_DEFAULT_PAGE = ("about 2.5 MB raw, about 960 KiB gzipped; this page before issue 11: 31 requests, "
                      "2.70 MB raw, 995 KiB gzipped")
WEIGHT_GOAL_KIB = 480

sys.path.insert(0, str(ROOT))
from chapterkit.author import notebooks
from chapterkit.book.repo import copy_content


def build(book: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run([str(BIN / "jupyter-book"), "build", str(book), "-W", "-n", "--keep-going"],
                          check=False, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"build of {book} failed:\n{proc.stdout[-3000:]}{proc.stderr[-2000:]}")
    return seconds


def row(label: str, value: str) -> None:
    print(f"  {label:<46} {value}")


def bench_builds(work: Path, force: bool) -> Path:
    print("Builds (strict: -W -n --keep-going)")
    book = copy_content(ROOT, work / "off")
    clean = build(book)
    row("clean build, execute_notebooks: off", f"{clean:6.1f} s")
    if force:
        forced = copy_content(ROOT, work / "force")
        config = forced / "_config.yml"
        config.write_text(config.read_text(encoding="utf-8").replace('execute_notebooks: "off"',
                                                                     'execute_notebooks: "force"'),
                          encoding="utf-8")
        seconds = build(forced)
        row("clean build, execute_notebooks: force", f"{seconds:6.1f} s  ({seconds / clean:.1f}x the build with execution off)")
    noop = min(build(book) for _ in range(2))
    row("no-op rebuild (best of 2)", f"{noop:6.1f} s")
    chapter = book / EDITED_CHAPTER
    edits = []
    for i in range(2):
        chapter.write_text(chapter.read_text(encoding="utf-8") + f"\nAn edit, number {i}.\n", encoding="utf-8")
        edits.append(build(book))
    edit = min(edits)
    row(f"rebuild after editing {EDITED_CHAPTER} (best of 2)", f"{edit:6.1f} s  ({edit / noop:.2f}x the no-op; goal <= 2x)")
    return book / "_build" / "html"


def bench_notebooks(work: Path) -> None:
    print("Notebooks (each executed in a fresh kernel; goal <= 30 s each, aim for 10)")
    folder = work / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    total = 0.0
    for path in notebooks.find_notebooks(folder):
        result = notebooks.execute(path)
        total += result.seconds
        row(path.relative_to(folder).as_posix(), f"{result.seconds:6.1f} s  {path.stat().st_size / 1024:6.0f} KB")
    row("total", f"{total:6.1f} s")


class _Quiet(SimpleHTTPRequestHandler):
    """Static files, gzipped when the browser accepts it, as GitHub Pages serves them."""

    COMPRESS = (".html", ".css", ".js", ".svg", ".json", ".txt", ".xml")

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (path.suffix not in self.COMPRESS or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


# Chrome DevTools' "Fast 3G" preset, and Lighthouse's mobile CPU slowdown.
FAST_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 1_474_560 / 8,
           "uploadThroughput": 675_000 / 8}
CPU_SLOWDOWN = 4


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that hangs up early (the page is closed at the end of a run) is not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _serve(html: Path) -> ThreadingHTTPServer:
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _launch(pw):  # type: ignore[no-untyped-def]
    return pw.chromium.launch(executable_path="/usr/bin/chromium",
                              args=["--headless", "--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking"])


def page_weight(html: Path, page_path: str = CHAPTER_PAGE) -> tuple[dict[str, bytes], list[str]]:
    """The body of every response the browser loads for the page (uncompressed), and any failed request."""
    from playwright.sync_api import sync_playwright

    server = _serve(html)
    responses, failed = [], []
    with sync_playwright() as pw:
        browser = _launch(pw)
        page = browser.new_page()
        page.on("response", lambda response: responses.append(response))
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/{page_path}", wait_until="networkidle")
        bodies = {r.url: r.body() for r in responses if r.ok}
        browser.close()
    server.shutdown()
    return bodies, failed


def fast_3g_timings(html: Path, page_path: str = CHAPTER_PAGE, runs: int = 3) -> dict[str, float]:
    """Median milliseconds to DOMContentLoaded end (the deferred scripts have run: the page responds) and to
    the load event end, on a phone (390x844) over Fast 3G with a 4x slower CPU, from an empty cache."""
    from playwright.sync_api import sync_playwright

    server = _serve(html)
    url = f"http://127.0.0.1:{server.server_address[1]}/{page_path}"
    found: dict[str, list[float]] = {"interactive": [], "load": []}
    with sync_playwright() as pw:
        browser = _launch(pw)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", FAST_3G)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
            page.goto(url, wait_until="load", timeout=120_000)
            timing = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                                   " return [n.domContentLoadedEventEnd, n.loadEventEnd]; }")
            found["interactive"].append(timing[0])
            found["load"].append(timing[1])
            context.close()
        browser.close()
    server.shutdown()
    return {key: sorted(values)[len(values) // 2] for key, values in found.items()}


def bench_page_weight(html: Path) -> None:
    print(f"Page weight of {CHAPTER_PAGE} (every response the browser loads)")
    bodies, failed = page_weight(html)
    raw = sum(len(b) for b in bodies.values())
    gz = sum(len(gzip.compress(b, 6)) for b in bodies.values())
    biggest = sorted(bodies.items(), key=lambda kv: -len(kv[1]))[:3]
    row("requests", f"{len(bodies)}" + (f" ({len(failed)} failed: {failed[:3]})" if failed else ""))
    row("bytes, raw", f"{raw:,} ({raw / 1e6:.2f} MB)")
    row("bytes, gzipped", f"{gz:,} ({gz / 1024:.0f} KiB; goal <= {WEIGHT_GOAL_KIB} KiB)")
    row("largest", ", ".join(f"{u.rsplit('/', 1)[-1].split('?')[0]} {len(b) / 1024:.0f} KiB" for u, b in biggest))
    row("theme default, for comparison", THEME_DEFAULT_PAGE)
    timings = fast_3g_timings(html)
    row("Fast 3G, phone, 4x CPU: interactive (DCL end)", f"{timings['interactive'] / 1000:6.2f} s  (median of 3)")
    row("Fast 3G, phone, 4x CPU: load event end", f"{timings['load'] / 1000:6.2f} s  (median of 3)")


SEARCH_QUERIES = ["feature store", "KS test", "pipeline jungles", "why are hidden feedback loops hard to find",
                  "A/B testing"]


def bench_search(html: Path) -> None:
    """The Pagefind index: its build time, its size, and the bytes a search fetches (cold, then warm)."""
    from playwright.sync_api import sync_playwright

    from chapterkit.site import search

    print("Search (Pagefind)")
    runs = [search.build_index(html) for _ in range(3)]
    row("index build (best of 3)", f"{min(r.seconds for r in runs):6.2f} s  ({runs[0].pages} pages, "
        f"{runs[0].words:,} distinct words)")
    bundle = sum(p.stat().st_size for p in (html / search.OUTPUT).rglob("*") if p.is_file())
    row("index bundle on disk (all of it)", f"{bundle:,} bytes")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cold, warm = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--headless", "--no-sandbox", "--disable-gpu",
                                           "--disable-background-networking"])
        for query in SEARCH_QUERIES:
            context = browser.new_context()
            page = context.new_page()
            fetched: list[int] = []
            page.on("response", lambda r, got=fetched: "/pagefind/" in r.url and r.ok and got.append(len(r.body())))
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{CHAPTER_PAGE}", wait_until="load")
            page.wait_for_function("() => window.chapterkitSearch")
            page.evaluate("q => chapterkitSearch.find(q)", query)
            cold.append(sum(fetched))
            before = sum(fetched)
            page.evaluate("q => chapterkitSearch.find(q)", "model compression")
            warm.append(sum(fetched) - before)
            context.close()
        browser.close()
    server.shutdown()
    row("bytes fetched by a first search (median, max)", f"{sorted(cold)[len(cold) // 2]:,}, {max(cold):,}")
    row("bytes fetched by a next search (median, max)", f"{sorted(warm)[len(warm) // 2]:,}, {max(warm):,}")


def bench_takeaway(work: Path) -> None:
    """`make pdf` and `make epub`, each from a clean build folder (what the deploy and release workflows run)."""
    print("Take-away formats (clean builds; the EPUB time includes epubcheck)")
    for kind in ("pdf", "epub"):
        out = work / kind
        dest = out / f"mlops-path.{kind}"
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "chapterkit", kind, "--output", str(dest), "--work", str(out)],
                              cwd=ROOT, check=False, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            row(f"make {kind}", f"FAILED: {(proc.stdout + proc.stderr).strip().splitlines()[-1:]}")
            continue
        extra = ""
        if kind == "pdf":
            from pypdf import PdfReader

            extra = f", {len(PdfReader(str(dest)).pages)} pages"
        row(f"make {kind}", f"{seconds:6.1f} s  {dest.stat().st_size / 1e6:.1f} MB{extra}")


def bench_tests() -> None:
    print("Test suite")
    start = time.perf_counter()
    # As `make test` runs it: two xdist workers, the shared build's tests on one of them.
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2", "--dist",
                           "loadgroup"], cwd=ROOT,
                          check=False, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "no output"
    row("pytest wall time", f"{seconds:6.1f} s  ({summary}; goal < 300 s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    parser.add_argument("--skip-force", action="store_true", help="do not time the build that executes notebooks")
    parser.add_argument("--weight-only", metavar="HTML", type=Path,
                        help="only weigh the chapter page of an already built site (e.g. _build/html)")
    args = parser.parse_args()
    if args.weight_only:
        bench_page_weight(args.weight_only)
        return 0
    with tempfile.TemporaryDirectory(prefix="mlops-path-bench-") as tmp:
        work = Path(tmp)
        html = bench_builds(work, force=not args.skip_force)
        bench_notebooks(work)
        bench_page_weight(html)
        bench_search(html)
        bench_takeaway(work)
    if not args.skip_tests:
        bench_tests()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

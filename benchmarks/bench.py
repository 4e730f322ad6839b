"""`make bench`: the performance figures of DESIGN.md, printed. Tests never assert on time; this does the timing.

Prints: clean build (execution off) beside the same build with execute_notebooks: force; no-op rebuild; rebuild
after editing one chapter; each notebook's run time and the total; a chapter page's weight (raw and gzipped, from
the browser's network events) and the search index size; make pdf and make epub; the test suite's wall time.

Usage: python benchmarks/bench.py [--skip-tests] [--skip-force]
"""

from __future__ import annotations

import argparse
import functools
import gzip
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
THEME_DEFAULT_PAGE = "about 2.5 MB raw, about 960 KiB gzipped"

sys.path.insert(0, str(ROOT))
from chapterkit import notebooks
from chapterkit.repo import copy_content


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
    def log_message(self, format: str, *args: object) -> None:
        pass


def bench_page_weight(html: Path) -> None:
    from playwright.sync_api import sync_playwright

    print(f"Page weight of {CHAPTER_PAGE} (every response the browser loads)")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    responses = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--headless", "--no-sandbox", "--disable-gpu",
                                           "--disable-background-networking"])
        page = browser.new_page()
        page.on("response", lambda response: responses.append(response))
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/{CHAPTER_PAGE}", wait_until="networkidle")
        bodies = {r.url: r.body() for r in responses if r.ok}
        browser.close()
    server.shutdown()
    raw = sum(len(b) for b in bodies.values())
    gz = sum(len(gzip.compress(b, 6)) for b in bodies.values())
    biggest = sorted(bodies.items(), key=lambda kv: -len(kv[1]))[:3]
    row("requests", f"{len(bodies)}")
    row("bytes, raw", f"{raw:,} ({raw / 1e6:.2f} MB)")
    row("bytes, gzipped", f"{gz:,} ({gz / 1024:.0f} KiB)")
    row("largest", ", ".join(f"{u.rsplit('/', 1)[-1].split('?')[0]} {len(b) / 1024:.0f} KiB" for u, b in biggest))
    row("theme default, for comparison", THEME_DEFAULT_PAGE)
    index = html / "searchindex.js"
    row("search index (searchindex.js)", f"{index.stat().st_size:,} bytes")


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
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT,
                          check=False, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "no output"
    row("pytest wall time", f"{seconds:6.1f} s  ({summary}; goal < 300 s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    parser.add_argument("--skip-force", action="store_true", help="do not time the build that executes notebooks")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlops-path-bench-") as tmp:
        work = Path(tmp)
        html = bench_builds(work, force=not args.skip_force)
        bench_notebooks(work)
        bench_page_weight(html)
        bench_takeaway(work)
    if not args.skip_tests:
        bench_tests()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`make pdf`: the whole book as one PDF, offline, with Chromium.

1. Jupyter Book builds the book as a single HTML page into ``_build/pdf/`` (strict, like `make book`).
2. Chromium (Debian's, through Playwright) opens it from disk with every request to another host refused, and
   ``print/book.js`` keeps the article, adds a title page (title, authors, version, date), the contents and a heading
   per part of ``_toc.yml``; ``print/book.css`` lays it out for A4 paper.
3. Chromium prints it with page numbers in the footer, a tagged PDF and an outline by part, chapter and section.
4. The page of each contents entry is read back from the PDF's named destinations (pypdf), written into the contents, and the book
   printed again. Output: ``_build/mlops-path.pdf``.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from chapterkit.book.bookversion import book_date, book_version
from chapterkit.book.errors import ChapterkitError
from chapterkit.formats.bookbuild import strict_build

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
FOOTER = ('<div style="width:100%;font-size:8px;color:#555;padding:0 17mm;display:flex;'
          'justify-content:space-between;font-family:sans-serif">'
          '<span>{title} · {version}</span><span><span class="pageNumber"></span> / '
          '<span class="totalPages"></span></span></div>')


@dataclass(frozen=True)
class Book:
    root: Path
    title: str
    author: str
    description: str
    version: str
    date: str
    parts: list[tuple[str, str]]  # (caption, docname of the part's first chapter)
    logo: str


def read_book(root: Path) -> Book:
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8")) or {}
    parts = []
    for part in toc.get("parts") or []:
        chapters = part.get("chapters") or []
        if part.get("caption") and chapters and chapters[0].get("file"):
            parts.append((str(part["caption"]), re.sub(r"\.(md|ipynb)$", "", str(chapters[0]["file"]))))
    return Book(root=root, title=str(config.get("title") or "Untitled"), author=str(config.get("author") or ""),
                description=" ".join(str(config.get("description") or "").split()), version=book_version(root),
                date=book_date(root), parts=parts, logo=str(config.get("logo") or ""))


def build_single_page(root: Path, out: Path) -> Path:
    """The strict single-page HTML build of the book; returns the page."""
    built = strict_build(root, out, "singlehtml")
    return built.require(built.folder / "intro.html", "single-page", "pdf")


def anchor_pages(pdf: Path) -> dict[str, int]:
    """The 1-based page of every named destination of ``pdf`` (Chromium names one per linked anchor)."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    return {str(name).lstrip("/"): reader.get_destination_page_number(dest) + 1
            for name, dest in reader.named_destinations.items()}


LEVELS = {"ck-toc-part": 0, "ck-toc-chapter": 1, "ck-toc-section": 2}


def finish_pdf(pdf: Path, outline: list[tuple[int, str, int | None]], book: Book) -> None:
    """Replace Chromium's outline (every heading, some titles garbled) with the contents' own: part > chapter >
    section, and set the document's metadata."""
    from pypdf import PdfReader, PdfWriter

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # Chromium's trailer size is off by a few: harmless
    writer = PdfWriter(clone_from=PdfReader(str(pdf)))
    if "/Outlines" in writer.root_object:
        del writer.root_object["/Outlines"]
    parents: list[Any] = []
    for level, title, page in outline:
        if page is None:
            continue
        del parents[level:]
        parent = parents[-1] if parents else None
        parents.append(writer.add_outline_item(title=title, page_number=page - 1, parent=parent))
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": book.title, "/Author": book.author,
                         "/Subject": f"{book.description} Version {book.version}, {book.date}."})
    with pdf.open("wb") as out:
        writer.write(out)


def print_pdf(page: Path, book: Book, dest: Path) -> int:
    """Print ``page`` to ``dest``; returns the number of contents entries that got a page number."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise ChapterkitError("Chromium is missing", str(CHROMIUM),
                              "install it with: sudo apt-get install -y chromium  (or run make browser as root)")
    refused: list[str] = []
    script = (HERE / "print" / "book.js").read_text(encoding="utf-8")
    logo = (book.root / book.logo).resolve().as_uri() if book.logo and (book.root / book.logo).is_file() else ""
    options = {"title": book.title, "author": book.author, "description": book.description,
               "version": book.version, "date": book.date, "parts": book.parts, "logo": logo}
    footer = FOOTER.format(title=_html(book.title), version=_html(book.version))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            view = browser.new_page()
            view.emulate_media(media="print", color_scheme="light")

            def route(r: Any) -> None:
                if r.request.url.startswith("file:"):
                    r.continue_()
                else:
                    refused.append(r.request.url)
                    r.abort()

            view.route("**/*", route)
            view.goto(page.resolve().as_uri(), wait_until="load", timeout=120_000)
            view.add_style_tag(path=str(HERE / "print" / "book.css"))
            view.evaluate(script, options)
            view.wait_for_load_state("load")
            pdf_args: dict[str, Any] = {
                "format": "A4", "print_background": True, "display_header_footer": True,
                "header_template": "<span></span>", "footer_template": footer,
                "margin": {"top": "18mm", "bottom": "18mm", "left": "0", "right": "0"},
                "outline": True, "tagged": True,
            }
            with tempfile.TemporaryDirectory(prefix="mlops-path-pdf-") as tmp:
                first = Path(tmp) / "first.pdf"
                view.pdf(path=str(first), **pdf_args)
                entries = view.eval_on_selector_all(
                    ".ck-toc li", "els => els.map(e => [e.className, e.querySelector('.ck-toc-text').textContent,"
                    " e.querySelector('a').getAttribute('href')])")
                found = anchor_pages(first)
                pages = [found.get(href.lstrip("#")) for _, _, href in entries]
                view.evaluate("pages => document.querySelectorAll('.ck-toc .ck-toc-page').forEach("
                              "(el, i) => { el.textContent = pages[i] === null ? '' : String(pages[i]); })", pages)
                dest.parent.mkdir(parents=True, exist_ok=True)
                partial = dest.with_suffix(".pdf.part")
                view.pdf(path=str(partial), **pdf_args)
                outline = [(LEVELS.get(kind, 2), " ".join(text.split()), page)
                           for (kind, text, _), page in zip(entries, pages, strict=True)]
                finish_pdf(partial, outline, book)
                os.replace(partial, dest)
        finally:
            browser.close()
    if refused:
        print(f"make pdf: refused {len(refused)} request(s) to other hosts (the PDF is built offline): "
              + ", ".join(sorted(set(refused))[:5]), file=sys.stderr)
    return sum(1 for p in pages if p is not None)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_pdf(root: Path, dest: Path, work: Path) -> tuple[Path, int]:
    book = read_book(root)
    page = build_single_page(root, work)
    numbered = print_pdf(page, book, dest)
    return dest, numbered

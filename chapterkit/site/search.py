"""The book's search: a Pagefind index built by the book build itself, over the article bodies only.

How the pieces fit (DESIGN.md, decision 6):

- ``doctree-resolved``: the block that carries a page's *main* index entry (``:::{index} !term``) gets the class
  ``chapterkit-defines``: that is where the concept is explained. Entry terms that the section's text does not
  hold ("numerical stability" under "Models are numerically stable") go into that block as an attribute that
  Pagefind indexes (``data-pagefind-index-attrs``), so the index's words find the section.
- ``html-page-context``: every content page's body is wrapped in ``<div data-pagefind-body>``, so Pagefind indexes
  the article text and never the navigation, header buttons or footers. Whole pages that restate concepts
  (the glossary, notebooks, the bibliography, a crosswalk) and recaps (sections named in ``RECAP_SECTIONS`` or
  headed in a recap's form, "..., in short", "... at a glance", "Takeaways ..."; a notebook's Checks; the
  interactive checklists, the at-a-glance card and "Learning objectives") carry a lower ``data-pagefind-weight``,
  a recap's heading included; defining blocks a higher one. The general index and the search page are
  not wrapped, so they are not indexed.
- Sphinx's own search is switched off: the builder writes no ``searchindex.js``, ``html-collect-pages`` adds our
  search page (``_templates/search.html``), and the ``<script>`` tags for Sphinx's search that
  pydata-sphinx-theme's ``layout.html`` writes into every head are taken out at ``build-finished`` (a
  ``layout.html`` override that drops them from its ``extrahead`` block would make that step a no-op).
- ``build-finished``: Pagefind (the binary of ``pagefind[bin]``, found through its Python package) indexes every
  wrapped page and writes ``_build/html/pagefind/``.
  Sphinx puts a section's id on ``<section>``; Pagefind splits a page into sections at headings that carry an
  id, so the copy Pagefind reads has each section's id moved onto its heading (the page on disk keeps its own).

The reader's side is ``chapterkit/site/static/chapterkit-search.js``: one dialog, results as you type, Pagefind's JS API
loaded on first use.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
OUTPUT = "pagefind"
# Characters that stay inside a word, so that "A/B" is one word and not "a" and "b".
INCLUDE_CHARACTERS = "/"
DEFINES_CLASS = "chapterkit-defines"
TERMS_ATTR = "data-chapterkit-terms"
# Pages that are not articles: the general index and the search page itself.
NOT_INDEXED = {"genindex", "search", "py-modindex"}
# Weights (Pagefind scales them quadratically: 2 counts about 4x body text, 0.5 about a quarter).
# Headings keep Pagefind's defaults (h1 7, h2 6, h3 5, ...), which rank a section named for a concept first.
DEFINES_WEIGHT = 2.2  # a value no heading weight takes, so the search script can tell a defining block
# Sections that restate what the page explains (the chapter contract's recap sections, a notebook's Checks):
# they count below the sections that explain, so that a result links to the explanation.
RECAP_WEIGHT = 0.4
RECAP_SECTIONS = ("questions-this-module-answers", "key-takeaways", "takeaways", "check-your-understanding",
                  "hands-on", "further-reading", "references", "readings-tutorials-and-guests",
                  "what-changed-from-2021", "what-the-section-recommends-in-short",
                  "what-these-sections-recommend-in-short", "the-sections-that-follow", "checks",
                  "common-misreadings")
# Recap sections by the form of their heading, whatever the rest of it says ("What the section asks for, in
# short", "... at a glance", "Takeaways for ..."): their ids end or begin with these words.
RECAP_PATTERNS = (r"[a-z0-9-]*-in-short", r"[a-z0-9-]*-at-a-glance", r"(?:[a-z0-9-]+-)?(?:key-)?takeaways[a-z0-9-]*",
                  r"(?:[a-z0-9-]+-)?summary")
LOW_WEIGHT = {"glossary": 0.4, "bibliography": 0.3}
# Pages whose last path part says they restate other pages: a crosswalk is a table of links between chapters, and
# a chapter's "Where this comes from" page quotes the sentences its markers tag.
LOW_WEIGHT_NAMES = {"crosswalk": 0.4, "where-this-comes-from": 0.2}
NOTEBOOK_WEIGHT = 0.5
# An interactive checklist ({checklist} directive, a <div class="ck">) restates, one line each, what the
# chapter's sections explain: it counts as a recap, so a query lands on the section that explains.
CHECKLIST_CLASS = "ck"
# Blocks that list what a page teaches rather than teach it: the "at a glance" card and admonitions titled like a
# recap (a chapter's "Learning objectives"). They count as recaps too.
RECAP_BLOCK_CLASSES = ("chapterkit-glance",)
RECAP_ADMONITION_TITLES = r"(?:Learning objectives|At a glance|In short|Key takeaways|Takeaways|Summary)"
# The Sphinx search scripts that pydata-sphinx-theme writes into every page's <head>.
SPHINX_SEARCH_SCRIPT = re.compile(
    r'[ \t]*<script src="[^"]*(?:searchindex\.js|_static/searchtools\.js|_static/language_data\.js)"></script>\n?'
)


def page_weight(pagename: str) -> float:
    """The weight of a whole page's text: lower for pages that restate what a chapter explains."""
    if pagename in LOW_WEIGHT:
        return LOW_WEIGHT[pagename]
    if pagename.startswith("notebooks/"):
        return NOTEBOOK_WEIGHT
    if pagename.rsplit("/", 1)[-1] in LOW_WEIGHT_NAMES:
        return LOW_WEIGHT_NAMES[pagename.rsplit("/", 1)[-1]]
    return 1.0


def main_entry_targets(app: Sphinx, docname: str) -> dict[str, list[str]]:
    """Ids of the targets of the page's main index entries (``!term``), each with its terms."""
    entries = app.env.get_domain("index").entries.get(docname, [])  # type: ignore[attr-defined]
    targets: dict[str, list[str]] = {}
    for kind, value, target, main, _key in entries:
        if main == "main":
            targets.setdefault(target, []).extend(
                [" ".join(value.split(";")).strip()] if kind == "single" else [])
    return targets


def index_terms_html(terms: list[str]) -> str:
    """An empty element whose attribute Pagefind indexes: the words of the index entries a block defines."""
    return (f'<span {TERMS_ATTR}="{html.escape("; ".join(terms))}" '
            f'data-pagefind-index-attrs="{TERMS_ATTR}"></span>')


def mark_defining_blocks(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give the block that holds each main index entry the class that becomes its Pagefind weight.

    An index entry's words are not in the page's text: a block defining "numerical stability" under the
    heading "Models are numerically stable" would not be found by them. The terms that its section's text does
    not already hold go into the block as an attribute Pagefind indexes (nothing a reader sees or hears)."""
    targets = main_entry_targets(app, docname)
    if not targets:
        return
    for node in list(doctree.findall(nodes.Element)):
        ids = set(node.get("ids", []))
        if not ids & set(targets) or isinstance(node, nodes.term):
            continue  # a glossary term is a main entry too, but the glossary restates: it stays low
        block = node.parent if isinstance(node, (nodes.target, nodes.inline)) and node.parent else node
        if isinstance(block, nodes.section):
            continue  # a whole section is too much: its heading already weighs more than body text
        if DEFINES_CLASS not in block["classes"]:
            block["classes"].append(DEFINES_CLASS)
        text = " ".join((_section_of(block) or block).astext().lower().split())
        missing = [t for i in sorted(ids & set(targets)) for t in targets[i] if t and t.lower() not in text]
        if missing and isinstance(block, nodes.TextElement):
            block.append(nodes.raw("", index_terms_html(missing), format="html"))


def _section_of(node: nodes.Node) -> nodes.section | None:
    while node is not None and not isinstance(node, nodes.section):
        node = node.parent
    return node


_DEFINES_TAG = re.compile(r'(<[a-z][a-z0-9]*\b[^>]*\bclass="[^"]*\b' + DEFINES_CLASS + r'\b[^"]*")')


# Pagefind's own heading weights; a heading's weight is its own, not its page's, so a low page scales them itself.
HEADING_WEIGHT = {1: 7.0, 2: 6.0, 3: 5.0, 4: 4.0, 5: 3.0, 6: 2.0}
# A recap section's tag, then its heading (after any targets): both get the recap weight, the heading too, so
# that a recap's heading ("What the section asks for, in short") does not outweigh the sections it restates.
_RECAP_SECTION = re.compile(r'(<section id="(?:' + "|".join(RECAP_SECTIONS + RECAP_PATTERNS)
                            + r')(?:-\d+)?")([^>]*>\s*(?:<span id="[^"]+"></span>\s*)*<h[1-6])(?=[\s>])')
_CHECKLIST_BLOCK = re.compile(r'(<div class="' + CHECKLIST_CLASS + r'"(?=[\s>]))')
_RECAP_BLOCK = re.compile(r'(<div class="[^"]*\b(?:' + "|".join(RECAP_BLOCK_CLASSES) + r')\b[^"]*")')
_RECAP_ADMONITION = re.compile(r'(<div class="[^"]*\badmonition\b[^"]*")(?=[^>]*>\s*<p class="admonition-title">'
                               + RECAP_ADMONITION_TITLES + r'\b)')
_HEADING_TAG = re.compile(r"<h([1-6])(?=[\s>])(?! data-pagefind-weight)")


def weighted_body(body: str, weight: float) -> str:
    """The page body as Pagefind should read it: the article marked as the indexed region, with weights."""
    body = _DEFINES_TAG.sub(rf'\1 data-pagefind-weight="{DEFINES_WEIGHT:g}"', body)
    recap = f' data-pagefind-weight="{RECAP_WEIGHT * weight:g}"'
    body = _RECAP_SECTION.sub(lambda m: m.group(1) + recap + m.group(2) + recap, body)
    for block in (_CHECKLIST_BLOCK, _RECAP_BLOCK, _RECAP_ADMONITION):
        body = block.sub(lambda m: m.group(1) + recap, body)
    if weight != 1.0:  # headings that carry no weight yet (a recap's has its own)
        body = _HEADING_TAG.sub(
            lambda m: f'<h{m.group(1)} data-pagefind-weight="{HEADING_WEIGHT[int(m.group(1))] * weight:g}"', body)
    # The page's weight also goes in as metadata ("rank"): Pagefind normalizes a page's weighted words by its
    # length, which cancels a weight the whole page carries, so the search script applies it to the page.
    attrs = "data-pagefind-body" + (f' data-pagefind-weight="{weight:g}" data-pagefind-meta="rank:{weight:g}"'
                                    if weight != 1.0 else "")
    return f"<div {attrs}>\n{body}\n</div>"


# The builders that make the web site: the single-page (PDF) and EPUB builders are HTML too, but have no search.
SITE_BUILDERS = {"html", "dirhtml"}


def mark_body(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if app.builder.name not in SITE_BUILDERS:
        return
    app.builder.chapterkit_pages_written = getattr(app.builder, "chapterkit_pages_written", 0) + 1  # type: ignore[attr-defined]
    if pagename in NOT_INDEXED or not context.get("body"):
        return
    context["body"] = weighted_body(context["body"], page_weight(pagename))


def collect_search_page(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """The search page (``search.html?q=...``), now that Sphinx's own is switched off."""
    if app.builder.name in SITE_BUILDERS:
        yield "search", {"title": "Search"}, "search.html"


def switch_off_sphinx_search(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    app.builder.search = False  # type: ignore[attr-defined]  # no searchindex.js, no Sphinx search page
    app.config.html_static_path.append(str(STATIC))


# --- build-finished: the index ---------------------------------------------------------------------

_SECTION_HEADING = re.compile(r'<section id="([^"]+)"([^>]*)>(\s*(?:<span id="[^"]+"></span>\s*)*)<h([1-6])([^>]*)>')


_HEADERLINK = re.compile(r'<a class="headerlink" href="[^"]*" title="[^"]*">#</a>')


def for_pagefind(html: str) -> str:
    """The copy of a page that Pagefind reads: each section's id moved onto its heading (Pagefind links a result
    to the section of a heading with an id), and without the "#" link beside each heading."""
    return _HEADERLINK.sub("", _SECTION_HEADING.sub(r'<section\2>\3<h\4 id="\1"\5>', html))


@dataclass
class IndexReport:
    pages: int
    words: int
    seconds: float


def html_pages(outdir: Path) -> list[Path]:
    return sorted(p for p in outdir.rglob("*.html") if p.relative_to(outdir).parts[0] not in {"_static", OUTPUT})


def drop_sphinx_search_scripts(path: Path) -> str:
    """The page without the Sphinx search scripts the theme puts in every head (rewritten only if changed)."""
    html = path.read_text(encoding="utf-8")
    slim = SPHINX_SEARCH_SCRIPT.sub("", html)
    if slim != html:
        tmp = path.with_suffix(".html.tmp")
        tmp.write_text(slim, encoding="utf-8")
        tmp.replace(path)
    return slim


# Pagefind writes its whole UI kit beside the index; the book uses its own script over the JS API.
UNUSED_BUNDLE_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                       "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


def pagefind_binary() -> Path:
    """The Pagefind binary that ``pagefind[bin]`` ships, found by the Pagefind Python package."""
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise FileNotFoundError("the Pagefind binary is missing; run: pip install -r requirements.txt")
    return binary


def build_index(outdir: Path, language: str = "en") -> IndexReport:
    """Index every page of ``outdir`` that has a ``data-pagefind-body`` into ``outdir/pagefind``.

    The pages Pagefind reads are copies made by :func:`for_pagefind`, in a scratch folder with the site's layout
    (so the URLs are the site's). Pagefind's binary runs once over that folder; the Python package's service
    API is not used: it answers one message per 0.1 s (4 s for this book's 34 pages, against 0.3 s), and
    ``write_files`` can return before the files are flushed, which left a truncated ``pagefind.js`` here.
    """
    start = time.perf_counter()
    bundle = outdir / OUTPUT
    (outdir / "searchindex.js").unlink(missing_ok=True)  # left by a build from before Pagefind
    pages = 0
    with tempfile.TemporaryDirectory(prefix="pagefind-") as scratch:
        for path in html_pages(outdir):
            html = drop_sphinx_search_scripts(path)
            if "data-pagefind-body" not in html:
                continue
            copy = Path(scratch) / path.relative_to(outdir)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(for_pagefind(html), encoding="utf-8")
            pages += 1
        fresh = outdir / (OUTPUT + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        proc = subprocess.run(
            [str(pagefind_binary()), "--site", scratch, "--output-path", str(fresh), "--force-language", language,
             "--keep-index-url", "--include-characters", INCLUDE_CHARACTERS],
            check=False, capture_output=True, text=True, timeout=600,
        )
    if proc.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        raise RuntimeError(f"pagefind exited with {proc.returncode}: {(proc.stdout + proc.stderr).strip()[-2000:]}")
    for name in UNUSED_BUNDLE_FILES:
        (fresh / name).unlink(missing_ok=True)
    shutil.rmtree(bundle, ignore_errors=True)
    fresh.rename(bundle)  # the old index stays whole until the new one is complete
    words = re.search(r"Indexed (\d+) words", proc.stdout)
    return IndexReport(pages, int(words.group(1)) if words else 0, time.perf_counter() - start)


def indexed_pages(outdir: Path) -> dict[str, str]:
    """URL -> title of every page in the Pagefind index of ``outdir`` (read from its fragments)."""
    pages = {}
    for fragment in sorted((outdir / OUTPUT / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        record = json.loads(data.removeprefix(b"pagefind_dcd"))
        pages[record["url"]] = record.get("meta", {}).get("title", "")
    return pages


def index_site(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name not in SITE_BUILDERS:
        return
    if not getattr(app.builder, "chapterkit_pages_written", 0) and (Path(app.outdir) / OUTPUT / "pagefind.js").is_file():
        logger.info("search: no page changed, the Pagefind index is up to date")
        return
    try:
        report = build_index(Path(app.outdir), (app.config.language or "en").split("_")[0])
    except Exception as error:  # noqa: BLE001  # any failure of the indexer is a build error, with its cause
        logger.error("search: Pagefind could not index %s: %s. Is pagefind[bin] installed? "
                     "Run: pip install -r requirements.txt", app.outdir, error)
        return
    if report.pages == 0:
        logger.warning("search: no page has a data-pagefind-body, so the search index is empty")
        return
    logger.info("search: Pagefind indexed %d pages (%d words) in %.1f s", report.pages, report.words,
                report.seconds)


def fingerprint() -> str:
    """A hash of this module and its static files. It is a config value of the html builder, so a change to the
    weights or the script rewrites every page (and copies the script) even in an incremental build."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(STATIC.iterdir()):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("chapterkit_search_fingerprint", fingerprint(), "html")
    app.connect("builder-inited", switch_off_sphinx_search)
    app.connect("doctree-resolved", mark_defining_blocks)
    app.connect("html-page-context", mark_body)
    app.connect("html-collect-pages", collect_search_page)
    app.connect("build-finished", index_site)
    app.add_js_file("chapterkit-search.js", loading_method="defer")
    app.add_css_file("chapterkit-search.css")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

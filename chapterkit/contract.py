"""The chapter contract (DESIGN.md, "The chapter contract" and Quality gate 1), checked.

``check(root)`` reads the whole book and returns every ``Problem`` it finds, sorted by path and line.
Codes (each is covered by a fixture in ``tests/fixtures/contract/bad/``):

- TOC001 ``_toc.yml`` missing or unparsable; TOC002 a toc entry has no file; TOC003 a content file is not
  in the toc.
- FM001 front matter is not valid YAML; FM002 a required key is missing; FM003 a value is invalid;
  FM004 a prerequisite is not a chapter; FM005 a listed notebook does not exist; FM006 a listed notebook is
  not under its chapter in the toc.
- SEC001 label; SEC002 title; SEC003 learning objectives; SEC004 at a glance; SEC005 a required section is
  missing; SEC006 sections out of order; SEC007 no summary section; SEC008 fewer than 5 answers;
  SEC009 no filtered bibliography under References.
- LBL001 duplicate label. CIT001 unknown citation key; CIT002 bib entry never cited; CIT003 a sub-page cites
  a key its chapter does not list. BIB001 duplicate bib key. TRM001 undefined term; TRM002 term defined twice.
- NB001 invalid notebook; NB002 over the size budget; NB003 code cell never executed; NB004 first cell is
  not a Markdown title; NB005 no ``## Checks`` with an assert; NB006 network access; NB007 disallowed import;
  NB008 a code line over 88 characters; NB009 a plot without alt text (``chapterkit/nbchecks.py``);
  NB010 the first code cell is not the current version check (``chapterkit/versioncell.py``).
- DRF001 placeholder text left in a chapter that is not a draft.
- CHK001-CHK003 ``{checklist}`` files (``checklist_contract.py``).
- ADM001 an admonition that takes no title (``{warning}``, ``{note}``, ...) has text on its opening line,
  which the build silently turns into its first paragraph.
- SRCH001 a published chapter has no search query file ``tests/search-queries/<slug>.yml``, an unreadable one,
  or fewer than ``MIN_SEARCH_QUERIES`` queries.
"""

from __future__ import annotations

import ast
import datetime
import itertools
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import nbformat
import yaml

from chapterkit import bib, checklist_contract, frontmatter, mdscan, nbchecks, toc
from chapterkit.errors import Problem

PLACEHOLDER = "TODO(chapter)"
KINDS = ("paper", "course", "book", "article", "talk")
LEVELS = ("beginner", "intermediate", "advanced")
STATUSES = ("draft", "published")
TOP_LEVEL_PAGES = ("intro.md", "glossary.md", "bibliography.md")
NOTEBOOK_BUDGET = 300 * 1024
# Admonitions whose title is fixed ("Warning", "Note"): text after the name is not a title but a paragraph.
UNTITLED_ADMONITIONS = {"attention", "caution", "danger", "error", "hint", "important", "note", "tip", "warning"}
SUMMARY_MAX = 160  # characters: one line on a path-map card
MIN_ANSWERS = 5
SUMMARY = "<summary>"
SECTIONS = ("Why it matters", SUMMARY, "Key takeaways", "Common misreadings", "Hands-on",
            "Check your understanding", "Further reading", "References")
# Sections that a multi-page chapter may keep on its sub-pages instead of its index page.
SUBPAGE_SECTIONS = {SUMMARY, "Key takeaways", "Common misreadings"}
ALLOWED_IMPORTS = {"numpy", "pandas", "scipy", "sklearn", "matplotlib", "mpl_toolkits"}
NETWORK = [
    (re.compile(r"^\s*(?:import|from)\s+requests\b|\brequests\.(?:get|post|Session)\b"), "requests"),
    (re.compile(r"\burllib\b"), "urllib"),
    (re.compile(r"\bhttp\.client\b|^\s*from\s+http\s+import\s+client\b"), "http.client"),
    (re.compile(r"^\s*(?:import|from)\s+socket\b|\bsocket\.socket\b"), "socket"),
    (re.compile(r"\bfetch_(?:openml|california_housing|covtype|kddcup99|lfw_\w+|olivetti_faces|rcv1|"
                r"species_distributions|20newsgroups\w*|file)\b|^\s*from\s+sklearn\.datasets\s+import\b.*\bfetch_"),
     "sklearn.datasets.fetch_* (downloads data)"),
    (re.compile(r"\bread_[a-z]+\(\s*[rfb]?['\"](?:https?|ftp)://"), "reading a URL"),
    (re.compile(r"^\s*[!%]\s*pip\b"), "pip install"),
    (re.compile(r"^\s*!\s*(?:wget|curl)\b"), "wget/curl"),
]


LineOf = Callable[..., int]  # front-matter keys -> file line
CODES = {
    "TOC001": "_toc.yml is missing or does not parse",
    "TOC002": "a _toc.yml entry has no file",
    "TOC003": "a content file is not in _toc.yml",
    "FM001": "front matter is not valid YAML",
    "FM002": "a required front-matter key is missing",
    "FM003": "a front-matter value is invalid",
    "FM004": "a prerequisite is not a chapter slug",
    "FM005": "a listed notebook does not exist",
    "FM006": "a listed notebook is not under its chapter in _toc.yml",
    "SEC001": "the label is missing or is not the slug",
    "SEC002": "no '# Title'",
    "SEC003": "learning objectives missing, or not 3-6 bullets",
    "SEC004": "no {at-a-glance}",
    "SEC005": "a required section is missing",
    "SEC006": "sections out of the contract order",
    "SEC007": "no summary section",
    "SEC008": "fewer than 5 answer dropdowns",
    "SEC009": "References lacks a filtered {bibliography}",
    "LBL001": "a label is defined twice",
    "CIT001": "a citation key is not in references.bib",
    "CIT002": "a bib entry is never cited",
    "CIT003": "a sub-page cites a key its chapter page does not",
    "BIB001": "a bib key is defined twice",
    "TRM001": "a {term} is not in the glossary",
    "TRM002": "a glossary term is defined twice",
    "NB001": "not a valid notebook",
    "NB002": "notebook over the size budget",
    "NB003": "a code cell has never run",
    "NB004": "first cell is not a Markdown '# Title'",
    "NB005": "no '## Checks' section with an assert",
    "NB006": "network access in notebook code",
    "NB007": "an import outside numpy, pandas, scipy, sklearn, matplotlib and the standard library",
    "NB008": "a notebook code line over 88 characters",
    "NB009": "a plot output whose cell has no mystnb.image.alt text",
    "NB010": "the first code cell is not the current version check (chapterkit/versioncell.py)",
    "DRF001": "placeholder text in a chapter that is not a draft",
    **checklist_contract.CODES,
    "ADM001": "text on the opening line of an admonition that takes no title",
    "SRCH001": "a published chapter has too few search queries in tests/search-queries/<slug>.yml",
}


@dataclass
class Page:
    """A Markdown page or a notebook's Markdown cells, reduced to what the contract is about."""

    rel: str
    labels: list[tuple[int, str]] = field(default_factory=list)
    roles: list[mdscan.Role] = field(default_factory=list)
    text: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def content_files(root: Path) -> list[str]:
    """Every file that must be in ``_toc.yml``: chapter pages, notebooks and the top-level pages."""
    found = [name for name in TOP_LEVEL_PAGES if (root / name).is_file()]
    if (root / "chapters").is_dir():
        found += [_rel(root, p) for p in sorted((root / "chapters").rglob("*.md"))]
    if (root / "notebooks").is_dir():
        found += [_rel(root, p) for p in sorted((root / "notebooks").rglob("*.ipynb"))
                  if ".ipynb_checkpoints" not in p.parts]
    return found


def owner_slug(rel: str) -> str | None:
    """The chapter a sub-page or notebook belongs to (``chapters/<slug>/x.md``, ``notebooks/<slug>/...``)."""
    parts = rel.split("/")
    if len(parts) >= 3 and parts[0] in ("chapters", "notebooks"):
        return parts[1]
    return None


class Checker:
    def __init__(self, root: Path, notebook_budget: int = NOTEBOOK_BUDGET) -> None:
        self.root = root
        self.notebook_budget = notebook_budget
        self.problems: list[Problem] = []
        self.pages: dict[str, Page] = {}
        self.chapters: dict[str, str] = {}  # slug -> rel of its chapter page
        self.drafts: set[str] = set()  # slugs of draft chapters
        self.toc_index: toc.TocIndex | None = None
        self.toc_text = ""
        self.bib_keys: dict[str, bib.Entry] = {}
        self.terms: dict[str, int] = {}

    def add(self, rel: str, line: int, code: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(rel, line, code, message, fix))

    # ---------------------------------------------------------------- toc
    def check_toc(self, files: list[str]) -> None:
        path = self.root / "_toc.yml"
        if not path.is_file():
            self.add("_toc.yml", 1, "TOC001", "_toc.yml not found",
                     "create it (see Jupyter Book's jb-book format) or run from the book's root (--root)")
            return
        self.toc_text = path.read_text(encoding="utf-8")
        try:
            site_map = toc.parse_text(self.toc_text)
        except toc.TocError as exc:
            self.add("_toc.yml", exc.line, "TOC001", exc.message,
                     "correct _toc.yml there (format: jb-book, root:, parts: > chapters: > sections:)")
            return
        self.toc_index = toc.index(site_map)
        for name in self.toc_index.order:
            if toc.source_file(self.root, name) is None:
                self.add("_toc.yml", toc.entry_line(self.toc_text, name), "TOC002",
                         f"entry '{name}' has no file {name}.md or {name}.ipynb",
                         "create the file or remove the entry")
        listed = set(self.toc_index.parent)
        for rel in files:
            name = toc.docname(rel)
            if name not in listed:
                self.add(rel, 1, "TOC003", "is not in _toc.yml, so the book does not show it",
                         f"add '- file: {name}' under its chapter in _toc.yml")

    # ---------------------------------------------------------------- bib and glossary
    def check_bib(self) -> None:
        path = self.root / "references.bib"
        if not path.is_file():
            return
        for entry in bib.entries(path.read_text(encoding="utf-8")):
            if entry.key in self.bib_keys:
                self.add("references.bib", entry.line, "BIB001",
                         f"key '{entry.key}' is defined twice (first on line {self.bib_keys[entry.key].line})",
                         "merge the two entries or rename one key")
                continue
            self.bib_keys[entry.key] = entry

    def read_glossary(self) -> None:
        path = self.root / "glossary.md"
        if not path.is_file():
            return
        text = path.read_text(encoding="utf-8")
        in_block: tuple[str, int] | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_block is None:
                opened = mdscan.directive_name(line)
                if opened and opened[2] == "glossary":
                    in_block = (opened[0], opened[1])
                continue
            if mdscan.closes(line, *in_block):
                in_block = None
                continue
            if not line.strip() or line[0].isspace() or line.startswith((":", "%")):
                continue
            term = re.split(r"\s+:\s+", line.strip())[0].strip().lower()
            if term in self.terms:
                self.add("glossary.md", number, "TRM002",
                         f"term '{line.strip()}' is already defined on line {self.terms[term]}",
                         "keep one definition and delete the other")
                continue
            self.terms[term] = number

    # ---------------------------------------------------------------- Markdown pages
    def read_markdown(self, rel: str) -> None:
        text = (self.root / rel).read_text(encoding="utf-8", errors="replace")
        page = Page(rel, text=text)
        self.pages[rel] = page
        try:
            data, fm_lines = frontmatter.split(text)
        except frontmatter.FrontMatterError as exc:
            self.add(rel, exc.line, "FM001", str(exc), "correct the YAML between the '---' lines")
            data, fm_lines = {}, _front_matter_length(text)
        page.meta = data
        body = "\n".join(text.splitlines()[fm_lines:])
        lines = list(mdscan.markup_lines(body, fm_lines + 1))
        page.labels = mdscan.labels(lines)
        page.roles = mdscan.roles(lines)
        self.check_admonition_titles(rel, lines)
        slug = toc.chapter_slug(rel)
        if slug is None:
            return
        self.chapters[slug] = rel
        if data.get("status") == "draft":
            self.drafts.add(slug)

    def check_admonition_titles(self, rel: str, lines: list[mdscan.Line]) -> None:
        """``:::{warning} The misreading`` renders "Warning" as the title and the text as a paragraph: say so."""
        for ln in lines:
            opened = mdscan.directive_name(ln.text)
            if opened is None or opened[2] not in UNTITLED_ADMONITIONS:
                continue
            rest = ln.text.split("}", 1)[1].strip() if "}" in ln.text else ""
            if rest:
                self.add(rel, ln.number, "ADM001",
                         f"'{{{opened[2]}}}' takes no title, so {rest[:40]!r} would show as its first paragraph",
                         f"write ':::{{admonition}} {rest[:40]}' with ':class: {opened[2]}' on the next line, "
                         "or move the text into the box")

    def check_chapter(self, slug: str, rel: str) -> None:
        page = self.pages[rel]
        text = page.text
        try:
            _, fm_lines = frontmatter.split(text)
            key_lines = _key_lines(text, fm_lines)
        except (frontmatter.FrontMatterError, yaml.YAMLError):
            return  # FM001 already reported
        self.check_front_matter(slug, rel, page.meta, key_lines, fm_lines)
        body = "\n".join(text.splitlines()[fm_lines:])
        lines = list(mdscan.markup_lines(body, fm_lines + 1))
        self.check_sections(slug, rel, lines, len(text.splitlines()))

    def check_front_matter(self, slug: str, rel: str, data: dict[str, Any],
                           key_lines: dict[tuple[Any, ...], int], fm_lines: int) -> None:
        """Front matter values, each problem at the line of its key (or of the block that lacks it)."""
        def line(*keys: Any) -> int:
            for n in range(len(keys), 0, -1):
                if keys[:n] in key_lines:
                    return key_lines[keys[:n]]
            return 1

        fix_fm = "see the front matter in templates/chapter.md"
        if fm_lines == 0:
            self.add(rel, 1, "FM002", "chapter page has no front matter ('---' block with resource: and path:)",
                     fix_fm)
            return
        resource = data.get("resource")
        if not isinstance(resource, dict):
            self.add(rel, line("resource"), "FM002", "front matter has no 'resource:' mapping", fix_fm)
            resource = None
        else:
            for key in ("title", "kind", "authors", "year", "url", "cite"):
                if resource.get(key) in (None, "", []):
                    self.add(rel, line("resource"), "FM002", f"resource.{key} is missing", fix_fm)
            title, kind, authors = resource.get("title"), resource.get("kind"), resource.get("authors")
            if title not in (None, "") and not isinstance(title, str):
                self.add(rel, line("resource", "title"), "FM003", "resource.title must be a string",
                         "quote it")
            if kind not in (None, "") and kind not in KINDS:
                self.add(rel, line("resource", "kind"), "FM003",
                         f"resource.kind is '{kind}'; use one of {', '.join(KINDS)}", "change the value")
            if authors not in (None, "", []) and (
                    not isinstance(authors, list) or not all(isinstance(a, str) and a.strip() for a in authors)):
                self.add(rel, line("resource", "authors"), "FM003",
                         "resource.authors must be a list of names, e.g. [Eric Breck, D. Sculley]",
                         "write the names in [...]")
            year = resource.get("year")
            last = datetime.date.today().year + 1
            if year not in (None, "") and (not isinstance(year, int) or isinstance(year, bool)
                                           or not 1950 <= year <= last):
                self.add(rel, line("resource", "year"), "FM003",
                         f"resource.year is {year!r}; use a year from 1950 to {last}", "change the value")
            url = resource.get("url")
            if url not in (None, "") and not _is_http_url(url):
                self.add(rel, line("resource", "url"), "FM003",
                         f"resource.url is {url!r}; use an http:// or https:// address", "change the value")
            cite = resource.get("cite")
            if cite not in (None, "") and not isinstance(cite, str):
                self.add(rel, line("resource", "cite"), "FM003", "resource.cite must be a bib key",
                         "change the value")
        path = data.get("path")
        if not isinstance(path, dict):
            self.add(rel, line("path"), "FM002", "front matter has no 'path:' mapping", fix_fm)
        else:
            for key in ("level", "minutes", "summary", "prerequisites", "notebooks"):
                if key not in path or path.get(key) is None:
                    self.add(rel, line("path"), "FM002", f"path.{key} is missing", fix_fm)
            level = path.get("level")
            if level is not None and level not in LEVELS:
                self.add(rel, line("path", "level"), "FM003",
                         f"path.level is '{level}'; use one of {', '.join(LEVELS)}", "change the value")
            minutes = path.get("minutes")
            if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool)
                                        or minutes <= 0):
                self.add(rel, line("path", "minutes"), "FM003",
                         f"path.minutes is {minutes!r}; use a whole number of minutes above 0",
                         "change the value")
            summary = path.get("summary")
            if summary is not None and (not isinstance(summary, str) or "\n" in summary.strip()
                                        or not summary.strip() or len(summary.strip()) > SUMMARY_MAX):
                self.add(rel, line("path", "summary"), "FM003",
                         f"path.summary must be one line of at most {SUMMARY_MAX} characters saying what the "
                         f"chapter covers; it is {summary!r:.60}",
                         "write one sentence, e.g. summary: How ML systems accrue hidden maintenance costs")
            self.check_prerequisites(rel, path.get("prerequisites"), line)
            self.check_listed_notebooks(slug, rel, path.get("notebooks"), line)
        status = data.get("status")
        if "status" in data and status not in STATUSES:
            self.add(rel, line("status"), "FM003", f"status is {status!r}; use draft or published "
                     "(or leave it out)", "change the value")

    def check_prerequisites(self, rel: str, prereqs: Any, line: LineOf) -> None:
        if prereqs is None:
            return
        if not isinstance(prereqs, list):
            self.add(rel, line("path", "prerequisites"), "FM003", "path.prerequisites must be a list of slugs",
                     "write them in [...]")
            return
        for i, slug in enumerate(prereqs):
            if slug not in self.chapters:
                known = ", ".join(sorted(self.chapters))
                self.add(rel, line("path", "prerequisites", i), "FM004",
                         f"prerequisite '{slug}' is not a chapter slug (chapters: {known})",
                         "use a slug from that list")

    def check_listed_notebooks(self, slug: str, rel: str, notebooks: Any, line: LineOf) -> None:
        if notebooks is None:
            return
        if not isinstance(notebooks, list):
            self.add(rel, line("path", "notebooks"), "FM003", "path.notebooks must be a list of paths",
                     "write them in [...]")
            return
        chapter_doc = toc.docname(rel)
        for i, nb in enumerate(notebooks):
            where = line("path", "notebooks", i)
            if not isinstance(nb, str) or not (self.root / nb).is_file():
                self.add(rel, where, "FM005", f"notebook '{nb}' does not exist",
                         "correct the path (relative to the book root) or create the notebook")
                continue
            if self.toc_index is None:
                continue
            name = toc.docname(nb)
            if name not in self.toc_index.parent:
                continue  # TOC003 reports it on the notebook itself
            if chapter_doc not in self.toc_index.ancestors(name):
                self.add(rel, where, "FM006", f"notebook '{nb}' is not under chapter '{slug}' in _toc.yml",
                         f"move '- file: {name}' into the sections of '{chapter_doc}' in _toc.yml")

    def check_sections(self, slug: str, rel: str, lines: list[mdscan.Line], n_lines: int) -> None:
        heads = mdscan.headings(lines)
        title = next((h for h in heads if h.level == 1), None)
        first = next((ln for ln in lines if ln.text.strip()), None)
        labels = mdscan.labels(lines)
        label_before_title = [(n, lab) for n, lab in labels if title is None or n < title.number]
        if not label_before_title:
            self.add(rel, first.number if first else 1, "SEC001", f"no '({slug})=' label before the title",
                     f"put '({slug})=' on the line above '# Title'")
        elif label_before_title[0][1] != slug:
            n, lab = label_before_title[0]
            self.add(rel, n, "SEC001", f"label '({lab})=' is not the chapter's slug '{slug}'",
                     f"write '({slug})='")
        if title is None:
            self.add(rel, first.number if first else 1, "SEC002", "no '# Title' heading",
                     "add '# Title' (Title Case) under the label")
        # Learning objectives admonition and its bullets.
        objectives_line = glance_line = 0
        for i, ln in enumerate(lines):
            opened = mdscan.directive_name(ln.text)
            if opened is None:
                continue
            char, length, name = opened
            rest = ln.text.split("}", 1)[1].strip() if "}" in ln.text else ""
            if name == "admonition" and rest.lower() == "learning objectives" and not objectives_line:
                objectives_line = ln.number
                bullets = 0
                for inner in lines[i + 1:]:
                    if mdscan.closes(inner.text, char, length):
                        break
                    if re.match(r"^(?:[-*+]|\d+[.)])\s+\S", inner.text):
                        bullets += 1
                if not 3 <= bullets <= 6:
                    self.add(rel, ln.number, "SEC003",
                             f"'Learning objectives' has {bullets} bullet(s); write 3 to 6",
                             "one '- ' bullet per thing the learner can do afterwards")
            if name == "at-a-glance" and not glance_line:
                glance_line = ln.number
        if not objectives_line:
            self.add(rel, title.number if title else 1, "SEC003", "no 'Learning objectives' admonition",
                     "add ':::{admonition} Learning objectives' with ':class: tip' under the title")
        if not glance_line:
            self.add(rel, title.number if title else 1, "SEC004", "no '{at-a-glance}' directive",
                     "add ':::{at-a-glance}' and ':::' after the learning objectives")
        h2 = [h for h in heads if h.level == 2]
        subpage_heads = self.subpage_h2(slug, rel)
        required = {name.lower() for name in SECTIONS}
        found: dict[str, int] = {}
        for h in h2:
            key = h.text.strip().lower()
            if key in required and key not in found:
                found[key] = h.number
        why = found.get("why it matters")
        stop = found.get("key takeaways") or found.get("common misreadings") or found.get("hands-on") or 0
        summary = [h for h in h2 if h.text.strip().lower() not in required
                   and (why is None or h.number > why) and (not stop or h.number < stop)]
        if summary:
            found[SUMMARY] = summary[0].number
        multi = bool(subpage_heads is not None)
        order: list[tuple[str, int]] = []
        for name in SECTIONS:
            key = name if name == SUMMARY else name.lower()
            if key in found:
                order.append((name, found[key]))
                continue
            if multi and name in SUBPAGE_SECTIONS and (name == SUMMARY or key in (subpage_heads or set())):
                continue
            later = [found[k if k == SUMMARY else k.lower()] for k in SECTIONS[SECTIONS.index(name) + 1:]
                     if (k if k == SUMMARY else k.lower()) in found]
            where = later[0] if later else n_lines
            if name == SUMMARY:
                self.add(rel, where, "SEC007",
                         "no summary section: add at least one '##' section between 'Why it matters' and "
                         "'Key takeaways'", "follow the resource's own structure, one '##' per part")
            else:
                self.add(rel, where, "SEC005", f"no '## {name}' section",
                         "add it here, in the contract order (see templates/chapter.md)")
        front = [("Learning objectives", objectives_line), ("At a glance", glance_line)]
        sequence = [(n, at) for n, at in front if at] + order
        for (before, at_before), (after, at_after) in itertools.pairwise(sequence):
            if at_after < at_before:
                label = "the summary" if after == SUMMARY else f"'{after}'"
                label_before = "the summary" if before == SUMMARY else f"'{before}'"
                self.add(rel, at_after, "SEC006", f"{label} comes before {label_before}",
                         "order: " + ", ".join("summary" if s == SUMMARY else s for s in
                                               ("Learning objectives", "At a glance", *SECTIONS)))
                break
        if "check your understanding" in found:
            start = found["check your understanding"]
            end = min([h.number for h in h2 if h.number > start], default=n_lines + 1)
            answers = sum(1 for ln in lines if start < ln.number < end
                          and (d := mdscan.directive_name(ln.text)) is not None and d[2] == "dropdown")
            if answers < MIN_ANSWERS:
                self.add(rel, start, "SEC008",
                         f"'Check your understanding' has {answers} answer dropdown(s); write at least "
                         f"{MIN_ANSWERS}", "one ':::{dropdown} Answer' under each question")
        if "references" in found:
            start = found["references"]
            end = min([h.number for h in h2 if h.number > start], default=n_lines + 1)
            section = [ln for ln in lines if start < ln.number < end]
            has_bib = any((d := mdscan.directive_name(ln.text)) is not None and d[2] == "bibliography"
                          for ln in section)
            has_filter = any(re.match(r"^\s*:filter:\s*docname in docnames\s*$", ln.text) for ln in section)
            if not (has_bib and has_filter):
                self.add(rel, start, "SEC009",
                         "'References' needs a '{bibliography}' directive with ':filter: docname in docnames'",
                         "copy the References block from templates/chapter.md")

    def subpage_h2(self, slug: str, rel: str) -> set[str] | None:
        """Lower-cased ``##`` headings of a multi-page chapter's sub-pages; None for a single-page chapter."""
        if not rel.endswith("/index.md"):
            return None
        folder = self.root / "chapters" / slug
        found: set[str] = set()
        subpages = [p for p in sorted(folder.glob("*.md")) if p.name != "index.md"]
        if not subpages:
            return None
        for path in subpages:
            text = path.read_text(encoding="utf-8")
            try:
                _, fm_lines = frontmatter.split(text)
            except frontmatter.FrontMatterError:
                fm_lines = 0
            body = "\n".join(text.splitlines()[fm_lines:])
            found |= {h.text.strip().lower() for h in mdscan.headings(list(mdscan.markup_lines(body)))
                      if h.level == 2}
        return found

    # ---------------------------------------------------------------- notebooks
    def check_notebook(self, rel: str) -> None:
        path = self.root / rel
        raw = path.read_bytes()
        text = raw.decode("utf-8", errors="replace")
        page = Page(rel, text=text)
        self.pages[rel] = page
        if len(raw) > self.notebook_budget:
            self.add(rel, 1, "NB002", f"is {len(raw) / 1024:.0f} KB; the budget is {self.notebook_budget / 1024:.0f} KB",
                     "shrink outputs (short tables, plt.rcParams['figure.dpi'] = 72), then make notebooks")
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            self.add(rel, exc.lineno, "NB001", f"is not valid JSON: {exc.msg}", "repair the file")
            return
        try:
            nb = nbformat.reads(text, as_version=4)
            nbformat.validate(nb)
        except Exception as exc:  # noqa: BLE001 - nbformat raises many types for a broken notebook
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            self.add(rel, 1, "NB001", f"is not a valid notebook (nbformat 4): {message}",
                     "re-save it from Jupyter, then make notebooks")
            return
        cell_lines = [n for n, ln in enumerate(text.splitlines(), start=1)
                      if re.match(r'^\s*"cell_type"\s*:', ln)]

        def at(index: int) -> int:
            return cell_lines[index] if index < len(cell_lines) else 1

        cells = nb.cells
        if not cells or cells[0].cell_type != "markdown" or not str(cells[0].source).startswith("# "):
            self.add(rel, at(0), "NB004", "first cell is not a Markdown cell starting with '# Title'",
                     "start with '# Title', a link to the chapter page, and what the learner will see")
        checks_at: int | None = None
        has_assert = False
        for i, cell in enumerate(cells):
            source = str(cell.source)
            if cell.cell_type == "markdown":
                lines = list(mdscan.markup_lines(source, at(i)))
                page.labels += [(at(i), lab) for _, lab in mdscan.labels(lines)]
                page.roles += [mdscan.Role(at(i), r.name, r.content) for r in mdscan.roles(lines)]
                if checks_at is None and re.search(r"^##\s+Checks\s*$", source, re.MULTILINE):
                    checks_at = i
                continue
            if cell.cell_type != "code":
                continue
            if checks_at is not None and re.search(r"\bassert\b", source):
                has_assert = True
            if source.strip() and cell.get("execution_count") is None:
                self.add(rel, at(i), "NB003", f"code cell {i + 1} has never run (no stored outputs)",
                         f"make notebooks NB={rel}")
            for line in source.splitlines():
                for pattern, what in NETWORK:
                    if pattern.search(line):
                        self.add(rel, at(i), "NB006", f"code cell {i + 1} uses the network ({what}): "
                                 f"{line.strip()[:60]}",
                                 "generate the data in the notebook or use sklearn.datasets.load_*")
                        break
            for code, message, fix in nbchecks.check_code_cell(i, cell, rel):
                self.add(rel, at(i), code, message, fix)
            for module in _imports(source):
                if module not in ALLOWED_IMPORTS and module not in sys.stdlib_module_names:
                    self.add(rel, at(i), "NB007", f"code cell {i + 1} imports '{module}'; notebooks import only "
                             "numpy, pandas, scipy, sklearn, matplotlib and the standard library",
                             "use one of those instead")
        self.check_version_cell(rel, nb, at)
        if checks_at is None:
            self.add(rel, at(len(cells) - 1), "NB005", "no '## Checks' Markdown section",
                     "end with a '## Checks' cell and a code cell of asserts that prove the effect")
        elif not has_assert:
            self.add(rel, at(checks_at), "NB005", "the '## Checks' section has no code cell with an assert",
                     "add a code cell of asserts after it")

    def check_version_cell(self, rel: str, nb: nbformat.NotebookNode, at: Callable[[int], int]) -> None:
        """NB010: the first code cell compares the installed versions with requirements.txt's pins."""
        from chapterkit import versioncell

        requirements = self.root / "requirements.txt"
        if not requirements.is_file():
            return
        pins = versioncell.read_pins(requirements)
        why = versioncell.problem(nb, pins, rel)
        if why is not None:
            first = versioncell.first_code_cell(nb)
            self.add(rel, at(first or 0), "NB010", why,
                     f"make notebooks NB={rel}")

    # ---------------------------------------------------------------- book-wide
    def check_labels(self) -> None:
        seen: dict[str, tuple[str, int]] = {}
        for rel in sorted(self.pages):
            for number, label in self.pages[rel].labels:
                if label in seen:
                    first_rel, first_line = seen[label]
                    self.add(rel, number, "LBL001", f"label '({label})=' is already defined at "
                             f"{first_rel}:{first_line}", "rename one of them (labels are unique in the book)")
                else:
                    seen[label] = (rel, number)

    def cited_by(self, rel: str) -> set[str]:
        page = self.pages.get(rel)
        if page is None:
            return set()
        keys = {k for r in page.roles if r.name.startswith("cite") for k in mdscan.cite_keys(r.content)}
        resource = page.meta.get("resource")
        if isinstance(resource, dict) and isinstance(resource.get("cite"), str):
            keys.add(resource["cite"])
        return keys

    def check_citations(self) -> None:
        all_cited: set[str] = set()
        chapter_keys = {slug: self.cited_by(rel) for slug, rel in self.chapters.items()}
        any_chapter = set().union(*chapter_keys.values()) if chapter_keys else set()
        for rel in sorted(self.pages):
            page = self.pages[rel]
            uses: list[tuple[int, str]] = [(r.number, k) for r in page.roles if r.name.startswith("cite")
                                           for k in mdscan.cite_keys(r.content)]
            resource = page.meta.get("resource")
            if isinstance(resource, dict) and isinstance(resource.get("cite"), str) and resource["cite"]:
                fm_line = _key_line_safe(page.text, ("resource", "cite"))
                uses.append((fm_line, resource["cite"]))
            is_chapter = toc.chapter_slug(rel) is not None
            owner = owner_slug(rel)
            for number, key in uses:
                all_cited.add(key)
                if key not in self.bib_keys:
                    self.add(rel, number, "CIT001", f"citation key '{key}' is not in references.bib",
                             "add the entry to references.bib or correct the key")
                    continue
                if is_chapter or rel == "bibliography.md":
                    continue
                if owner is not None and owner in chapter_keys:
                    if key not in chapter_keys[owner]:
                        index = self.chapters[owner]
                        self.add(rel, number, "CIT003", f"cites '{key}', which {index} does not cite, so no "
                                 "References list shows it", f"cite '{key}' on {index} too")
                elif key not in any_chapter:
                    self.add(rel, number, "CIT003", f"cites '{key}', which no chapter page cites, so no "
                             "References list shows it", "cite it on the chapter page it belongs to")
        for key, entry in self.bib_keys.items():
            if key not in all_cited:
                self.add("references.bib", entry.line, "CIT002", f"entry '{key}' is never cited",
                         "cite it from a chapter or delete the entry")

    def check_terms(self) -> None:
        for rel in sorted(self.pages):
            for role in self.pages[rel].roles:
                if role.name != "term":
                    continue
                target = mdscan.term_target(role.content)
                if target.lower() not in self.terms:
                    self.add(rel, role.number, "TRM001", f"term '{target}' is not defined in glossary.md",
                             "define it in your chapter's {glossary} block; grep glossary.md first")

    def check_placeholders(self) -> None:
        draft_notebooks: set[str] = set()
        published_cites: set[str] = set()
        for slug, rel in self.chapters.items():
            path = self.pages[rel].meta.get("path")
            nbs = path.get("notebooks") if isinstance(path, dict) else None
            if slug in self.drafts:
                draft_notebooks |= {nb for nb in nbs or [] if isinstance(nb, str)}
            else:
                resource = self.pages[rel].meta.get("resource")
                if isinstance(resource, dict) and isinstance(resource.get("cite"), str):
                    published_cites.add(resource["cite"])
        for rel in sorted(self.pages):
            owner = owner_slug(rel) if toc.chapter_slug(rel) is None else toc.chapter_slug(rel)
            if rel.endswith(".ipynb"):
                if rel in draft_notebooks or (owner in self.drafts):
                    continue
            elif owner is None or owner in self.drafts:
                continue
            for number, line in enumerate(self.pages[rel].text.splitlines(), start=1):
                if PLACEHOLDER in line:
                    self.add(rel, number, "DRF001",
                             f"template placeholder '{PLACEHOLDER}' left in a chapter that is not a draft",
                             "write the real text, or put 'status: draft' back")
        for key in sorted(published_cites):
            entry = self.bib_keys.get(key)
            if entry is not None and PLACEHOLDER in entry.text:
                self.add("references.bib", entry.line, "DRF001",
                         f"entry '{key}' still holds the placeholder '{PLACEHOLDER}' and its chapter is not a "
                         "draft", "complete the field from the resource itself")

    def run(self) -> list[Problem]:
        files = content_files(self.root)
        self.check_toc(files)
        self.check_bib()
        self.read_glossary()
        for rel in files:
            if rel.endswith(".md"):
                self.read_markdown(rel)
        for slug, rel in sorted(self.chapters.items()):
            self.check_chapter(slug, rel)
        for rel in files:
            if rel.endswith(".ipynb"):
                self.check_notebook(rel)
        self.check_labels()
        self.check_citations()
        self.check_terms()
        self.check_placeholders()
        self.problems += checklist_contract.check(
            self.root, {rel: page.text for rel, page in self.pages.items() if rel.endswith(".md")},
            {label for page in self.pages.values() for _, label in page.labels})
        self.problems += search_query_problems(self.root, self.chapters, self.drafts)
        return sorted(set(self.problems), key=lambda p: (p.path, p.line, p.code, p.message))


MIN_SEARCH_QUERIES = 10
SEARCH_QUERIES = "tests/search-queries"


def search_query_problems(root: Path, chapters: dict[str, str], drafts: set[str]) -> list[Problem]:
    """SRCH001: each published chapter has learner queries for the search tests (``tests/test_search.py``)."""
    problems = []
    for slug, rel in sorted(chapters.items()):
        if slug in drafts:
            continue
        queries = f"{SEARCH_QUERIES}/{slug}.yml"
        fix = (f"list in {queries} at least {MIN_SEARCH_QUERIES} learner queries like {{q: \"a term\", "
               f"page: {rel[:-3]}.html, anchor: section-id}}, then run: pytest tests/test_search.py")
        path = root / queries
        if not path.is_file():
            problems.append(Problem(rel, 1, "SRCH001", f"chapter '{slug}' has no search queries", fix))
            continue
        try:
            entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problems.append(Problem(queries, mark.line + 1 if mark else 1, "SRCH001",
                                    f"not valid YAML: {getattr(error, 'problem', error)}", fix))
            continue
        valid = [e for e in entries if isinstance(e, dict) and e.get("q") and e.get("page")] \
            if isinstance(entries, list) else []
        if len(valid) < MIN_SEARCH_QUERIES:
            problems.append(Problem(queries, 1, "SRCH001", f"{len(valid)} search queries with q and page, "
                                    f"at least {MIN_SEARCH_QUERIES} needed", fix))
    return problems


def _front_matter_length(text: str) -> int:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return 0
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            return end + 1
    return 0


def _key_lines(text: str, fm_lines: int) -> dict[tuple[Any, ...], int]:
    """File line (1-based) of every key and list item of the front matter, by its path of keys."""
    if fm_lines == 0:
        return {}
    yaml_text = "\n".join(text.splitlines()[1:fm_lines - 1])
    node = yaml.compose(yaml_text)
    found: dict[tuple[Any, ...], int] = {}

    def walk(current: yaml.Node, prefix: tuple[Any, ...]) -> None:
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                key = (*prefix, key_node.value)
                found[key] = key_node.start_mark.line + 2
                walk(value_node, key)
        elif isinstance(current, yaml.SequenceNode):
            for i, item in enumerate(current.value):
                found[(*prefix, i)] = item.start_mark.line + 2
                walk(item, (*prefix, i))

    if node is not None:
        walk(node, ())
    return found


def _key_line_safe(text: str, keys: tuple[Any, ...]) -> int:
    try:
        lines = _key_lines(text, _front_matter_length(text))
    except yaml.YAMLError:
        return 1
    return lines.get(keys, 1)


def _is_http_url(url: Any) -> bool:
    if not isinstance(url, str):
        return False
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def _imports(source: str) -> list[str]:
    """Top-level modules a code cell imports (IPython magics and shell lines are ignored)."""
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    modules: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module.split(".")[0])
    return modules


def check(root: Path, paths: Sequence[Path] | None = None, notebook_budget: int = NOTEBOOK_BUDGET
          ) -> list[Problem]:
    """Every contract problem of the book at ``root``; with ``paths``, only those in these files/folders."""
    root = root.resolve()
    problems = Checker(root, notebook_budget).run()
    if not paths:
        return problems
    wanted = []
    for p in paths:
        absolute = (p if p.is_absolute() else Path.cwd() / p).resolve()
        try:
            wanted.append(absolute.relative_to(root).as_posix())
        except ValueError:
            wanted.append(p.as_posix())
    return [pr for pr in problems
            if any(w in (".", "") or pr.path == w or pr.path.startswith(w.rstrip("/") + "/") for w in wanted)]

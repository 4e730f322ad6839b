"""A chapter page's sections (SEC001-SEC009), in the order of templates/chapter.md: label, title, learning
objectives, at a glance, then Why it matters, the summary, Key takeaways, Common misreadings, Hands-on, Check
your understanding, Further reading, References."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from chapterkit.book import mdscan
from chapterkit.contract.context import Book, Chapter, chapters
from chapterkit.contract.registry import Finding, rule

MIN_ANSWERS = 5
SUMMARY = "<summary>"
SECTIONS = ("Why it matters", SUMMARY, "Key takeaways", "Common misreadings", "Hands-on",
            "Check your understanding", "Further reading", "References")
# Sections that a multi-page chapter may keep on its sub-pages instead of its index page.
SUBPAGE_SECTIONS = {SUMMARY, "Key takeaways", "Common misreadings"}


def _key(name: str) -> str:
    return name if name == SUMMARY else name.lower()


@dataclass
class Outline:
    """What the section rules look at on one chapter page."""

    chapter: Chapter
    lines: list[mdscan.Line]
    heads: list[mdscan.Heading]
    h2: list[mdscan.Heading]
    n_lines: int
    title: mdscan.Heading | None
    objectives: tuple[int, int] = (0, 0)  # line of 'Learning objectives', and its bullet count
    glance_line: int = 0
    found: dict[str, int] | None = None  # section key -> line of its '##'

    def section(self, key: str) -> list[mdscan.Line]:
        """The lines of the ``##`` section ``key`` (empty if it has none)."""
        start = (self.found or {}).get(key)
        if start is None:
            return []
        end = min([h.number for h in self.h2 if h.number > start], default=self.n_lines + 1)
        return [ln for ln in self.lines if start < ln.number < end]


def _front_boxes(outline: Outline) -> None:
    """The 'Learning objectives' admonition (and its bullets) and the '{at-a-glance}' directive."""
    lines = outline.lines
    for i, ln in enumerate(lines):
        opened = mdscan.directive_name(ln.text)
        if opened is None:
            continue
        char, length, name = opened
        rest = ln.text.split("}", 1)[1].strip() if "}" in ln.text else ""
        if name == "admonition" and rest.lower() == "learning objectives" and not outline.objectives[0]:
            bullets = 0
            for inner in lines[i + 1:]:
                if mdscan.closes(inner.text, char, length):
                    break
                bullets += bool(re.match(r"^(?:[-*+]|\d+[.)])\s+\S", inner.text))
            outline.objectives = (ln.number, bullets)
        if name == "at-a-glance" and not outline.glance_line:
            outline.glance_line = ln.number


def _sections(outline: Outline) -> dict[str, int]:
    """Line of each contract section found; the summary is the first other '##' between 'Why it matters' and
    the first of the closing sections."""
    required = {name.lower() for name in SECTIONS}
    found: dict[str, int] = {}
    for h in outline.h2:
        key = h.text.strip().lower()
        if key in required and key not in found:
            found[key] = h.number
    why = found.get("why it matters")
    stop = found.get("key takeaways") or found.get("common misreadings") or found.get("hands-on") or 0
    summary = [h for h in outline.h2 if h.text.strip().lower() not in required
               and (why is None or h.number > why) and (not stop or h.number < stop)]
    if summary:
        found[SUMMARY] = summary[0].number
    return found


def outline_of(book: Book, chapter: Chapter) -> Outline:
    def make() -> Outline:
        page = chapter.page
        heads = mdscan.headings(page.lines)
        outline = Outline(chapter, page.lines, heads, [h for h in heads if h.level == 2], len(page.text.splitlines()),
                          next((h for h in heads if h.level == 1), None))
        _front_boxes(outline)
        outline.found = _sections(outline)
        return outline
    return book.derived(("outline", chapter.rel), make)


def outlines(book: Book) -> Iterator[Outline]:
    return (outline_of(book, chapter) for chapter in chapters(book))


def subpage_h2(book: Book, slug: str, rel: str) -> set[str] | None:
    """Lower-cased ``##`` headings of a multi-page chapter's sub-pages; None for a single-page chapter."""
    if not rel.endswith("/index.md"):
        return None
    prefix = f"chapters/{slug}/"
    subpages = [p for name, p in sorted(book.pages.items()) if name.startswith(prefix) and name != rel
                and name.endswith(".md") and "/" not in name[len(prefix):]]
    if not subpages:
        return None
    return {h.text.strip().lower() for page in subpages for h in mdscan.headings(page.lines) if h.level == 2}


def _first_line(outline: Outline) -> int:
    first = next((ln for ln in outline.lines if ln.text.strip()), None)
    return first.number if first else 1


@rule("SEC001", "the label is missing or is not the slug")
def labelled(book: Book) -> Iterator[Finding]:
    for o in outlines(book):
        slug, title = o.chapter.slug, o.title
        before = [(n, lab) for n, lab in mdscan.labels(o.lines) if title is None or n < title.number]
        if not before:
            yield Finding(o.chapter.rel, _first_line(o), f"no '({slug})=' label before the title",
                          f"put '({slug})=' on the line above '# Title'")
        elif before[0][1] != slug:
            yield Finding(o.chapter.rel, before[0][0], f"label '({before[0][1]})=' is not the chapter's slug '{slug}'",
                          f"write '({slug})='")


@rule("SEC002", "no '# Title'")
def titled(book: Book) -> Iterator[Finding]:
    for o in outlines(book):
        if o.title is None:
            yield Finding(o.chapter.rel, _first_line(o), "no '# Title' heading",
                          "add '# Title' (Title Case) under the label")


@rule("SEC003", "learning objectives missing, or not 3-6 bullets")
def learning_objectives(book: Book) -> Iterator[Finding]:
    for o in outlines(book):
        at, bullets = o.objectives
        if not at:
            yield Finding(o.chapter.rel, o.title.number if o.title else 1, "no 'Learning objectives' admonition",
                          "add ':::{admonition} Learning objectives' with ':class: tip' under the title")
        elif not 3 <= bullets <= 6:
            yield Finding(o.chapter.rel, at, f"'Learning objectives' has {bullets} bullet(s); write 3 to 6",
                          "one '- ' bullet per thing the learner can do afterwards")


@rule("SEC004", "no {at-a-glance}")
def at_a_glance(book: Book) -> Iterator[Finding]:
    for o in outlines(book):
        if not o.glance_line:
            yield Finding(o.chapter.rel, o.title.number if o.title else 1, "no '{at-a-glance}' directive",
                          "add ':::{at-a-glance}' and ':::' after the learning objectives")


def present(book: Book, o: Outline) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(name, line) of the contract sections found, in contract order; and of those missing, at the line of the
    next one found (the sections a multi-page chapter keeps on its sub-pages are not missing)."""
    found = o.found or {}
    subpage_heads = subpage_h2(book, o.chapter.slug, o.chapter.rel)
    order: list[tuple[str, int]] = []
    missing: list[tuple[str, int]] = []
    for name in SECTIONS:
        key = _key(name)
        if key in found:
            order.append((name, found[key]))
            continue
        if subpage_heads is not None and name in SUBPAGE_SECTIONS and (name == SUMMARY or key in subpage_heads):
            continue
        later = [found[_key(k)] for k in SECTIONS[SECTIONS.index(name) + 1:] if _key(k) in found]
        missing.append((name, later[0] if later else o.n_lines))
    return order, missing


@rule("SEC005", "a required section is missing")
def required_sections(book: Book) -> Iterator[Finding]:
    for o in outlines(book):
        for name, where in present(book, o)[1]:
            if name != SUMMARY:
                yield Finding(o.chapter.rel, where, f"no '## {name}' section",
                              "add it here, in the contract order (see templates/chapter.md)")


@rule("SEC006", "sections out of the contract order")
def in_order(book: Book) -> Iterator[Finding]:
    def label(name: str) -> str:
        return "the summary" if name == SUMMARY else f"'{name}'"

    for o in outlines(book):
        front = [("Learning objectives", o.objectives[0]), ("At a glance", o.glance_line)]
        sequence = [(n, at) for n, at in front if at] + present(book, o)[0]
        for (before, at_before), (after, at_after) in itertools.pairwise(sequence):
            if at_after < at_before:
                yield Finding(o.chapter.rel, at_after, f"{label(after)} comes before {label(before)}",
                              "order: " + ", ".join("summary" if s == SUMMARY else s for s in
                                                    ("Learning objectives", "At a glance", *SECTIONS)))
                break


@rule("SEC007", "no summary section")
def summary_section(book: Book) -> Iterator[Finding]:
    for o in outlines(book):
        for name, where in present(book, o)[1]:
            if name == SUMMARY:
                yield Finding(o.chapter.rel, where, "no summary section: add at least one '##' section between "
                              "'Why it matters' and 'Key takeaways'", "follow the resource's own structure, one '##' "
                              "per part")


@rule("SEC008", "fewer than 5 answer dropdowns")
def answers(book: Book) -> Iterator[Finding]:
    for o in outlines(book):
        if "check your understanding" not in (o.found or {}):
            continue
        count = sum(1 for ln in o.section("check your understanding")
                    if (d := mdscan.directive_name(ln.text)) is not None and d[2] == "dropdown")
        if count < MIN_ANSWERS:
            yield Finding(o.chapter.rel, (o.found or {})["check your understanding"],
                          f"'Check your understanding' has {count} answer dropdown(s); write at least {MIN_ANSWERS}",
                          "one ':::{dropdown} Answer' under each question")


@rule("SEC009", "References lacks a filtered {bibliography}")
def references(book: Book) -> Iterator[Finding]:
    for o in outlines(book):
        if "references" not in (o.found or {}):
            continue
        section = o.section("references")
        has_bib = any((d := mdscan.directive_name(ln.text)) is not None and d[2] == "bibliography" for ln in section)
        has_filter = any(re.match(r"^\s*:filter:\s*docname in docnames\s*$", ln.text) for ln in section)
        if not (has_bib and has_filter):
            yield Finding(o.chapter.rel, (o.found or {})["references"],
                          "'References' needs a '{bibliography}' directive with ':filter: docname in docnames'",
                          "copy the References block from templates/chapter.md")

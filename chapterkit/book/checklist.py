"""Self-assessment checklists: the YAML schema, its loader and the scoring rules (the Python reference).

A checklist is a YAML file beside the page that shows it (``:::{checklist} debt-audit.yml``). The schema is in
CONTRIBUTING.md ("Adding a checklist"). ``load(path)`` returns a ``Checklist`` or raises ``ChecklistError``,
whose message names the file and the line. ``score(checklist, answers)`` applies the checklist's rule; the
page's script (``chapterkit/site/static/chapterkit-checklist.js``) implements the same rules, and the browser tests
compare the two.

Rules:

- ``audit``: each item is answered yes / partly / no / na (not applicable). An item is *open* when its answer
  is partly or no, or when it has no answer yet. The result counts open items per section and overall.
- ``min-of-sections``: each answer carries points (by default 0, 0.5 or 1). A section scores the sum of its
  items' points (an unanswered item scores 0); the overall score is the minimum over the sections, and the
  first band whose ``upto`` is at least that score says what it means (``upto: null``: no upper bound). Until
  at least one item is answered there is no overall score and no band (``None``): the page asks for answers
  rather than giving a verdict.

Answers are keyed ``<section id>/<item id>``; they are stored in the reader's browser under
``storage_key(checklist)``, which changes whenever an item's id or text changes, so old answers never show
under new items.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

RULES = ("audit", "min-of-sections")
ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
HASH_LENGTH = 10
AUDIT_VALUES = ("yes", "partly", "no", "na")
AUDIT_OPEN = ("partly", "no")
STORAGE_PREFIX = "chapterkit-checklist"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    points: float | None = None


DEFAULT_SCALES: dict[str, tuple[Option, ...]] = {
    "audit": (Option("yes", "Yes"), Option("partly", "Partly"), Option("no", "No"),
              Option("na", "Not applicable")),
    "min-of-sections": (Option("0", "Not done", 0), Option("0.5", "Done by hand, results documented and shared", 0.5),
                        Option("1", "Automated, run repeatedly", 1)),
}


@dataclass(frozen=True)
class Band:
    upto: float | None  # None: no upper bound
    label: str
    meaning: str
    line: int = 0


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    source: str
    link: str | None = None
    line: int = 0
    link_line: int = 0


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]
    line: int = 0


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    rule: str
    scale: tuple[Option, ...]
    bands: tuple[Band, ...]
    sections: tuple[Section, ...]
    path: str = ""
    line: int = 1

    def keys(self) -> list[str]:
        return [f"{s.id}/{i.id}" for s in self.sections for i in s.items]

    def every_item(self) -> list[tuple[Section, Item]]:
        return [(s, i) for s in self.sections for i in s.items]

    @property
    def values(self) -> list[str]:
        return [o.value for o in self.scale]

    def option(self, value: str) -> Option | None:
        return next((o for o in self.scale if o.value == value), None)


class ChecklistError(Exception):
    """A checklist file that cannot be used: what is wrong and where (``path:line``)."""

    def __init__(self, message: str, path: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# ---------------------------------------------------------------------------------------------- loading
class _Reader:
    """Walks PyYAML's node tree (which keeps line numbers) and builds a ``Checklist``."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, node: yaml.Node | int, message: str) -> ChecklistError:
        line = node if isinstance(node, int) else node.start_mark.line + 1
        return ChecklistError(message, self.path, line)

    def mapping(self, node: yaml.Node, what: str, required: tuple[str, ...], optional: tuple[str, ...]
                ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of keys to values")
        found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in required + optional:
                allowed = ", ".join(required + optional)
                raise self.fail(key_node, f"unknown key {key!r} in {what} (allowed: {allowed})")
            if key in found:
                raise self.fail(key_node, f"key {key!r} appears twice in {what}")
            found[key] = (key_node, value_node)
        for key in required:
            if key not in found:
                raise self.fail(node, f"{what} has no {key!r}")
        return found

    def is_null(self, node: yaml.Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"

    def text(self, node: yaml.Node, what: str) -> str:
        """A scalar as the text written (so ``yes`` and ``0.5`` stay strings), never empty."""
        if not isinstance(node, yaml.ScalarNode) or self.is_null(node):
            raise self.fail(node, f"{what} must be text")
        value = str(node.value).strip()
        if not value:
            raise self.fail(node, f"{what} is empty")
        return value

    def ident(self, node: yaml.Node, what: str) -> str:
        value = self.text(node, what)
        if not ID.match(value):
            raise self.fail(node, f"{what} {value!r} must be lowercase letters, digits, hyphens and underscores")
        return value

    def number(self, node: yaml.Node, what: str) -> float:
        if isinstance(node, yaml.ScalarNode) and node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            value = float(yaml.safe_load(node.value))
            if math.isfinite(value):
                return value
        raise self.fail(node, f"{what} must be a number")

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise self.fail(node, f"{what} must be a non-empty list")
        return list(node.value)

    # ------------------------------------------------------------------ the parts
    def checklist(self, root: yaml.Node | None) -> Checklist:
        if root is None:
            raise self.fail(1, "the file is empty; a checklist needs id, title, rule and sections")
        top = self.mapping(root, "the checklist", ("id", "title", "rule", "sections"), ("scale", "bands"))
        cid = self.ident(top["id"][1], "id")
        title = self.text(top["title"][1], "title")
        rule_node = top["rule"][1]
        rule = self.text(rule_node, "rule")
        if rule not in RULES:
            raise self.fail(rule_node, f"unknown rule {rule!r} (use one of: {', '.join(RULES)})")
        scale = self.scale(top["scale"][1], rule) if "scale" in top else DEFAULT_SCALES[rule]
        sections = self.sections(top["sections"][1])
        if rule == "audit":
            if "bands" in top:
                raise self.fail(top["bands"][0], "bands apply to the min-of-sections rule only")
            bands: tuple[Band, ...] = ()
        else:
            if "bands" not in top:
                raise self.fail(root, "a min-of-sections checklist needs bands (what each score means)")
            bands = self.bands(top["bands"][1], scale, sections)
        return Checklist(cid, title, rule, scale, bands, sections, self.path, root.start_mark.line + 1)

    def scale(self, node: yaml.Node, rule: str) -> tuple[Option, ...]:
        options: list[Option] = []
        for entry in self.sequence(node, "scale"):
            if rule == "audit":
                fields = self.mapping(entry, "a scale entry", ("value", "label"), ())
            else:
                fields = self.mapping(entry, "a scale entry", ("value", "label", "points"), ())
            value = self.text(fields["value"][1], "value")
            if any(o.value == value for o in options):
                raise self.fail(fields["value"][1], f"value {value!r} appears twice in the scale")
            points = None
            if rule == "min-of-sections":
                points = self.number(fields["points"][1], "points")
                if points < 0:
                    raise self.fail(fields["points"][1], "points must be zero or more")
            elif value not in AUDIT_VALUES:
                raise self.fail(fields["value"][1], f"the audit rule's values are {', '.join(AUDIT_VALUES)} "
                                f"(labels may change, values may not); got {value!r}")
            options.append(Option(value, self.text(fields["label"][1], "label"), points))
        if rule == "audit" and sorted(o.value for o in options) != sorted(AUDIT_VALUES):
            missing = [v for v in AUDIT_VALUES if v not in {o.value for o in options}]
            raise self.fail(node, f"the audit scale lacks {', '.join(missing)}")
        return tuple(options)

    def bands(self, node: yaml.Node, scale: tuple[Option, ...], sections: tuple[Section, ...]
              ) -> tuple[Band, ...]:
        bands: list[Band] = []
        entries = self.sequence(node, "bands")
        for number, entry in enumerate(entries):
            fields = self.mapping(entry, "a band", ("upto", "label", "meaning"), ())
            upto_node = fields["upto"][1]
            upto = None if self.is_null(upto_node) else self.number(upto_node, "upto")
            if upto is None and number != len(entries) - 1:
                raise self.fail(upto_node, "only the last band may have upto: null (no upper bound)")
            if bands and upto is not None and bands[-1].upto is not None and upto <= bands[-1].upto:
                raise self.fail(upto_node, f"bands must be in ascending order: upto {upto:g} comes after "
                                f"upto {bands[-1].upto:g}")
            bands.append(Band(upto, self.text(fields["label"][1], "label"),
                              self.text(fields["meaning"][1], "meaning"), entry.start_mark.line + 1))
        best = max(o.points or 0 for o in scale)
        highest = min(len(s.items) for s in sections) * best
        last = bands[-1]
        if last.upto is not None and last.upto < highest:
            raise self.fail(last.line, f"the bands stop at {last.upto:g} but the score can reach {highest:g}: "
                            "give the last band upto: null")
        return tuple(bands)

    def sections(self, node: yaml.Node) -> tuple[Section, ...]:
        sections: list[Section] = []
        for entry in self.sequence(node, "sections"):
            fields = self.mapping(entry, "a section", ("id", "title", "items"), ())
            sid_node = fields["id"][1]
            sid = self.ident(sid_node, "section id")
            if any(s.id == sid for s in sections):
                first = next(s for s in sections if s.id == sid)
                raise self.fail(sid_node, f"section id {sid!r} is already used on line {first.line}")
            items: list[Item] = []
            for item_node in self.sequence(fields["items"][1], f"the items of section {sid!r}"):
                items.append(self.item(item_node, sid, items))
            sections.append(Section(sid, self.text(fields["title"][1], "section title"), tuple(items),
                                    entry.start_mark.line + 1))
        return tuple(sections)

    def item(self, node: yaml.Node, sid: str, before: list[Item]) -> Item:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, "an item must be a mapping with id, text and source")
        fields = self.mapping(node, "an item", (), ("id", "text", "source", "link"))
        if "id" not in fields:
            raise self.fail(node, "an item has no 'id'")
        iid_node = fields["id"][1]
        iid = self.ident(iid_node, "item id")
        for key in ("text", "source"):
            if key not in fields:
                raise self.fail(node, f"item {iid!r} has no {key}")
        for other in before:
            if other.id == iid:
                raise self.fail(iid_node, f"item id {iid!r} is already used in section {sid!r} on line "
                                f"{other.line}")
        text = self.text(fields["text"][1], f"the text of item {iid!r}")
        source = self.text(fields["source"][1], f"the source of item {iid!r}")
        link, link_line = None, 0
        if "link" in fields and not self.is_null(fields["link"][1]):
            link = self.text(fields["link"][1], f"the link of item {iid!r}")
            link_line = fields["link"][1].start_mark.line + 1
        return Item(iid, text, source, link, node.start_mark.line + 1, link_line)


def parse(text: str, path: str) -> Checklist:
    """A checklist from YAML text; ``path`` is how messages name the file."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise ChecklistError(f"not valid YAML: {exc.problem or exc.context}", path, line) from None
    except yaml.YAMLError as exc:
        raise ChecklistError(f"not valid YAML: {exc}", path, 1) from None
    return _Reader(path).checklist(root)


def load(path: Path, shown_as: str | None = None) -> Checklist:
    """Read and validate a checklist file. ``shown_as``: how messages name it (default: ``path``)."""
    name = shown_as or str(path)
    if not path.is_file():
        raise ChecklistError(f"checklist file not found: {name}", name, 1)
    return parse(path.read_text(encoding="utf-8"), name)


# ---------------------------------------------------------------------------------------------- identity
def items_hash(checklist: Checklist) -> str:
    """A short hash of every item's section id, id and text: it changes whenever the items do."""
    payload = [[s.id, i.id, i.text] for s, i in checklist.every_item()]
    digest = hashlib.sha256(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return digest.hexdigest()[:HASH_LENGTH]


def storage_key(checklist: Checklist) -> str:
    """The browser's localStorage key for this checklist's answers."""
    return f"{STORAGE_PREFIX}:{checklist.id}:{items_hash(checklist)}"


# ---------------------------------------------------------------------------------------------- scoring
@dataclass(frozen=True)
class SectionScore:
    id: str
    title: str
    items: int
    open: int = 0          # audit
    answered: int = 0
    score: float = 0.0     # min-of-sections
    best: float = 0.0      # min-of-sections: highest possible score


@dataclass(frozen=True)
class Result:
    rule: str
    sections: tuple[SectionScore, ...]
    items: int
    answered: int
    open: int = 0                                        # audit
    open_items: tuple[tuple[str, str], ...] = ()         # audit: (key, answer or "" when unanswered)
    score: float | None = None                           # min-of-sections: the minimum over sections (None: no answer)
    band: Band | None = None


def validate_answers(checklist: Checklist, answers: Mapping[str, Any]) -> list[str]:
    """Why these answers do not fit the checklist (empty when they do)."""
    keys, values = set(checklist.keys()), checklist.values
    problems = []
    for key, value in answers.items():
        if key not in keys:
            problems.append(f"unknown item {key!r}")
        elif not isinstance(value, str) or value not in values:
            problems.append(f"item {key!r}: {value!r} is not one of {', '.join(values)}")
    return problems


def band_for(bands: tuple[Band, ...], score: float) -> Band | None:
    return next((b for b in bands if b.upto is None or score <= b.upto), None)


def score(checklist: Checklist, answers: Mapping[str, str]) -> Result:
    """Apply the checklist's rule to ``answers`` (``{"section/item": value}``; missing keys: unanswered)."""
    problems = validate_answers(checklist, answers)
    if problems:
        raise ValueError("; ".join(problems))
    sections: list[SectionScore] = []
    open_items: list[tuple[str, str]] = []
    for section in checklist.sections:
        keyed = [(f"{section.id}/{i.id}", answers.get(f"{section.id}/{i.id}", "")) for i in section.items]
        answered = sum(1 for _, v in keyed if v)
        if checklist.rule == "audit":
            opened = [(k, v) for k, v in keyed if v in AUDIT_OPEN or not v]
            open_items += opened
            sections.append(SectionScore(section.id, section.title, len(keyed), open=len(opened),
                                         answered=answered))
        else:
            points = sum((checklist.option(v).points or 0) if v else 0 for _, v in keyed)  # type: ignore[union-attr]
            best = len(keyed) * max(o.points or 0 for o in checklist.scale)
            sections.append(SectionScore(section.id, section.title, len(keyed), answered=answered,
                                         score=points, best=best))
    total = sum(s.items for s in sections)
    answered = sum(s.answered for s in sections)
    if checklist.rule == "audit":
        return Result("audit", tuple(sections), total, answered, open=len(open_items),
                      open_items=tuple(open_items))
    if not answered:  # no verdict before the first answer
        return Result(checklist.rule, tuple(sections), total, answered)
    overall = min(s.score for s in sections)
    return Result(checklist.rule, tuple(sections), total, answered, score=overall,
                  band=band_for(checklist.bands, overall))


def fmt_points(value: float) -> str:
    """Points as the page shows them: ``2``, ``2.5`` (never ``2.0``)."""
    return f"{value:g}"


# ---------------------------------------------------------------------------------------------- for the page
def page_data(checklist: Checklist) -> dict[str, Any]:
    """What the page's script needs, as JSON: the checklist itself, its hash and its storage key."""
    number = 0
    sections = []
    for section in checklist.sections:
        items = []
        for item in section.items:
            number += 1
            items.append({"key": f"{section.id}/{item.id}", "n": number, "text": item.text,
                          "source": item.source})
        sections.append({"id": section.id, "title": section.title, "items": items})
    return {
        "id": checklist.id, "title": checklist.title, "rule": checklist.rule, "hash": items_hash(checklist),
        "storageKey": storage_key(checklist),
        "scale": [{"value": o.value, "label": o.label, "points": o.points} for o in checklist.scale],
        "bands": [{"upto": b.upto, "label": b.label, "meaning": b.meaning} for b in checklist.bands],
        "sections": sections,
    }

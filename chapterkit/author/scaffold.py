"""``new``: scaffold a chapter page, its companion notebook, its bib entry and its ``_toc.yml`` entry.

Everything is computed and validated in memory first (``plan``); ``apply`` then writes all of it or, if any
write fails, puts every file back as it was (byte for byte) and removes what it created.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import string
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from chapterkit.author import notebooks
from chapterkit.author import versioncell as writer
from chapterkit.book import bib, toc, versioncell
from chapterkit.book.errors import ChapterkitError
from chapterkit.book.frontmatter import KINDS, PLACEHOLDER

MAX_TITLE = 120
MAX_SLUG = 60
DEFAULT_TOPIC = "first-look"
PACKAGE_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAKE_EXAMPLE = ('make chapter TITLE="The ML Test Score" KIND=paper URL=https://research.google/pubs/pub46555/ '
                'AUTHORS="Eric Breck; D. Sculley" YEAR=2017')


@dataclass(frozen=True)
class Request:
    title: str
    kind: str
    url: str
    authors: str  # "First Author; Second Author"
    year: int | str
    slug: str | None = None
    part: str | None = None
    topic: str = DEFAULT_TOPIC


@dataclass
class Plan:
    """Files to write (path relative to root -> bytes) and what the scaffold made."""

    root: Path
    slug: str
    cite: str
    chapter: str
    notebook: str
    writes: dict[str, bytes] = field(default_factory=dict)


def slugify(title: str) -> str:
    """Lowercase, non-alphanumerics to hyphens, trimmed, at most 60 characters (cut at a hyphen)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG]
        slug = slug.rsplit("-", 1)[0] if "-" in slug else slug
    return slug.strip("-")


def _yaml_value(value: object) -> str:
    """``value`` as a one-line YAML flow scalar or list, quoted only when it needs to be."""
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip() \
        .removesuffix("...").strip()


def _templates(root: Path) -> Path:
    local = root / "templates"
    return local if (local / "chapter.md").is_file() else PACKAGE_TEMPLATES


def validate(request: Request, root: Path) -> tuple[str, list[str], int]:
    """Checked (title, authors, year), or a ChapterkitError saying what is wrong and how to fix it."""
    title = " ".join(request.title.split())
    if not title:
        raise ChapterkitError("the title is empty", "--title", f"give the resource's title: {MAKE_EXAMPLE}")
    if len(title) > MAX_TITLE:
        raise ChapterkitError(f"the title has {len(title)} characters; at most {MAX_TITLE}", "--title",
                              "shorten it (keep the resource's main title, drop the subtitle)")
    if request.kind not in KINDS:
        raise ChapterkitError(f"kind {request.kind!r} is not one of {', '.join(KINDS)}", "--kind",
                              "use KIND=paper (or course, book, article, talk)")
    url = request.url.strip()
    if not re.match(r"^https?://[^\s/]+", url):
        raise ChapterkitError(f"URL {url!r} is not an http:// or https:// address", "--url",
                              "give the resource's web address, e.g. URL=https://research.google/pubs/pub46555/")
    authors = [a.strip() for a in request.authors.split(";") if a.strip()]
    if not authors:
        raise ChapterkitError("no authors given", "--authors",
                              'separate the names with semicolons: AUTHORS="Eric Breck; D. Sculley"')
    last = datetime.date.today().year + 1
    try:
        year = int(str(request.year).strip())
    except ValueError:
        raise ChapterkitError(f"year {request.year!r} is not a number", "--year", "e.g. YEAR=2017") from None
    if not 1950 <= year <= last:
        raise ChapterkitError(f"year {year} is outside 1950..{last}", "--year",
                              "give the year the resource was published")
    if not root.is_dir() or not (root / "_toc.yml").is_file():
        raise ChapterkitError(f"{root} is not the book's root (no _toc.yml there)", str(root),
                              "run from the repository root, or pass --root DIR")
    return title, authors, year


def check_slug(slug: str, root: Path, toc_text: str) -> None:
    if "/" in slug or "\\" in slug or ".." in slug or os.sep in slug:
        raise ChapterkitError(f"slug {slug!r} contains a path separator or '..'", "--slug",
                              "use lowercase words joined by hyphens, e.g. SLUG=ml-test-score")
    if not SLUG_RE.match(slug):
        raise ChapterkitError(f"slug {slug!r} is not lowercase words joined by hyphens", "--slug",
                              "e.g. SLUG=ml-test-score (or leave SLUG out to derive it from the title)")
    for existing in (f"chapters/{slug}.md", f"chapters/{slug}", f"notebooks/{slug}"):
        if (root / existing).exists():
            raise ChapterkitError(f"slug {slug!r} is taken: {existing} exists", existing,
                                  "pick another slug with SLUG=... (or --slug), or edit the existing chapter")
    label = re.compile(rf"^\({re.escape(slug)}\)=\s*$", re.MULTILINE)
    for page in sorted(root.glob("*.md")) + sorted((root / "chapters").rglob("*.md")):
        if label.search(page.read_text(encoding="utf-8", errors="replace")):
            rel = page.relative_to(root).as_posix()
            raise ChapterkitError(f"slug {slug!r} is taken: {rel} already has the label '({slug})='", rel,
                                  "pick another slug with SLUG=... (or --slug)")
    for number, line in enumerate(toc_text.splitlines(), start=1):
        if re.search(rf"\b(?:chapters|notebooks)/{re.escape(slug)}(?:/|\.md|\.ipynb|\s*$|['\"])", line):
            raise ChapterkitError(f"slug {slug!r} is taken: _toc.yml already lists it", f"_toc.yml:{number}",
                                  "pick another slug with SLUG=... (or --slug)")


def read_toc(root: Path) -> str:
    text = (root / "_toc.yml").read_text(encoding="utf-8")
    try:
        toc.parse_text(text)
    except toc.TocError as exc:
        raise ChapterkitError(exc.message, f"_toc.yml:{exc.line}",
                              "repair _toc.yml (then `make check`), and run the command again") from None
    return text


def notebook_from_template(template: str, fields: dict[str, str]) -> nbformat.NotebookNode:
    """Cells from a percent-format template; the header before the first ``# %%`` is dropped."""
    text = string.Template(template).substitute(fields)
    chunks = re.split(r"^# %%(.*)$", text, flags=re.MULTILINE)
    nb = nbformat.v4.new_notebook()
    for marker, body in zip(chunks[1::2], chunks[2::2], strict=True):
        lines = body.strip("\n").splitlines()
        if "[markdown]" in marker:
            source = "\n".join(re.sub(r"^# ?", "", line) for line in lines)
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            nb.cells.append(nbformat.v4.new_code_cell("\n".join(lines)))
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index + 1}"
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return nb


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Hide what the kernel process writes to stderr (its start-up notices); show it if anything fails."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            sink.seek(0)
            sys.stderr.write(sink.read().decode("utf-8", errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def executed_notebook(nb: nbformat.NotebookNode, name: str) -> bytes:
    """Run the notebook in a scratch folder (never in the book) and return the file's bytes."""
    with tempfile.TemporaryDirectory(prefix="chapterkit-") as scratch:
        path = Path(scratch) / name
        nbformat.write(nb, path)
        try:
            with _quiet_stderr():
                notebooks.execute(path)
        except Exception as exc:  # noqa: BLE001 - whatever the kernel raised, report it as a template problem
            last = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise ChapterkitError(f"the template notebook failed to run: {last}", "templates/notebook.py",
                                  "repair the template; `python -m chapterkit notebooks FILE` shows the error") \
                from None
        return path.read_bytes()


def plan(request: Request, root: Path) -> Plan:
    """Compute and validate every file the scaffold writes, without touching the tree."""
    root = root.resolve()
    title, authors, year = validate(request, root)
    toc_text = read_toc(root)
    slug = request.slug.strip() if request.slug else slugify(title)
    if not slug:
        raise ChapterkitError(f"the title {title!r} gives an empty slug", "--title",
                              "pass a slug with SLUG=... (or --slug)")
    check_slug(slug, root, toc_text)
    topic = request.topic
    if not SLUG_RE.match(topic):
        raise ChapterkitError(f"topic {topic!r} is not lowercase words joined by hyphens", "--topic",
                              "e.g. --topic first-look")
    bib_path = root / "references.bib"
    bib_text = bib_path.read_text(encoding="utf-8") if bib_path.is_file() else ""
    cite = bib.make_key(authors, year, title, {e.key for e in bib.entries(bib_text)})
    chapter = f"chapters/{slug}.md"
    notebook = f"notebooks/{slug}/{topic}.ipynb"
    try:
        new_toc = toc.add_chapter(toc_text, f"chapters/{slug}", [f"notebooks/{slug}/{topic}"], request.part)
    except toc.TocError as exc:
        raise ChapterkitError(exc.message, f"_toc.yml:{exc.line}",
                              "use PART= with one of those captions (or leave it out for the first part)") \
            from None
    templates = _templates(root)
    fields = {
        "slug": slug,
        "title": title,
        "title_yaml": _yaml_value(title),
        "kind": request.kind,
        "authors_yaml": _yaml_value(authors),
        "year": str(year),
        "url_yaml": _yaml_value(request.url.strip()),
        "cite": cite,
        "notebook_path": notebook,
        "notebook_doc": f"notebooks/{slug}/{topic}",
        "topic": topic,
        "topic_title": topic.replace("-", " ").capitalize(),
    }
    try:
        chapter_text = string.Template((templates / "chapter.md").read_text(encoding="utf-8")).substitute(fields)
        nb = notebook_from_template((templates / "notebook.py").read_text(encoding="utf-8"), fields)
    except (OSError, KeyError, ValueError) as exc:
        raise ChapterkitError(f"cannot use the templates in {templates}: {exc}", str(templates),
                              "restore templates/ from git") from None
    entry = bib.render_entry(cite, request.kind, title, authors, year, request.url.strip(), PLACEHOLDER)
    separator = "" if not bib_text or bib_text.endswith("\n\n") else ("\n" if bib_text.endswith("\n") else "\n\n")
    if (root / "requirements.txt").is_file():  # the version check comes first among the code cells (NB010)
        pins = versioncell.read_pins(root / "requirements.txt")
        writer.update(nb, versioncell.expected_source(nb, pins, "templates/notebook.py"))
    nb_bytes = executed_notebook(nb, f"{topic}.ipynb")
    result = Plan(root, slug, cite, chapter, notebook)
    result.writes = {
        chapter: chapter_text.encode("utf-8"),
        notebook: nb_bytes,
        "references.bib": (bib_text + separator + entry).encode("utf-8"),
        "_toc.yml": new_toc.encode("utf-8"),
    }
    check_writable(result)
    return result


def _nearest_existing(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def check_writable(p: Plan) -> None:
    for rel in p.writes:
        target = p.root / rel
        probe = target if target.exists() else _nearest_existing(target.parent)
        if not os.access(probe, os.W_OK):
            raise ChapterkitError(f"{probe} is not writable", rel,
                                  f"make the tree writable (e.g. `chmod -R u+w {p.root}`) and run the command again")


def write_bytes(path: Path, data: bytes) -> None:
    """The one place the scaffold writes a file (tests replace it to simulate a failing disk)."""
    path.write_bytes(data)


def apply(p: Plan) -> None:
    """Write every file of the plan, or none: on failure restore the old bytes and remove what was created."""
    backups: dict[Path, bytes | None] = {}
    created_dirs: list[Path] = []
    try:
        for rel, data in p.writes.items():
            target = p.root / rel
            missing = []
            parent = target.parent
            while not parent.exists():
                missing.append(parent)
                parent = parent.parent
            for folder in reversed(missing):
                folder.mkdir()
                created_dirs.append(folder)
            backups[target] = target.read_bytes() if target.exists() else None
            write_bytes(target, data)
    except OSError as exc:
        for target, old in backups.items():
            try:
                if old is None:
                    target.unlink(missing_ok=True)
                else:
                    target.write_bytes(old)
            except OSError:
                pass
        for folder in reversed(created_dirs):
            try:
                folder.rmdir()
            except OSError:
                pass
        where = getattr(exc, "filename", None) or ""
        raise ChapterkitError(f"writing failed ({exc.strerror or exc}); nothing was changed",
                              str(where), f"make the tree writable (e.g. `chmod -R u+w {p.root}`) and run the "
                              "command again") from None


def next_steps(p: Plan) -> str:
    return "\n".join([
        f"Created the draft chapter '{p.slug}':",
        f"  {p.chapter}  (the chapter page, status: draft)",
        f"  {p.notebook}  (its companion notebook, executed)",
        f"  references.bib  (new entry '{p.cite}')",
        f"  _toc.yml  (chapters/{p.slug} and its notebook)",
        "",
        "Next steps:",
        f"  1. Read the resource. Replace every {PLACEHOLDER} in {p.chapter};",
        "     its % comments say what goes where.",
        f"  2. Make {p.notebook} show the chapter's idea, with real checks; run it:",
        f"       make notebooks NB={p.notebook}",
        f"  3. Complete the '{p.cite}' entry in references.bib from the resource itself.",
        "  4. make check   the chapter contract; each problem says how to fix it",
        "     make own-words SOURCE=<plain-text copy of the resource> PAGES=\"chapters/" + p.slug + " notebooks/"
        + p.slug + "\"",
        "                  how much of your text repeats the resource's wording (keep it under 5%)",
        "  5. make book    the strict build; then open _build/html/index.html",
        "  6. make test    everything CI runs",
        f"To publish, remove 'status: draft' from {p.chapter} (make check then refuses placeholders).",
        "The chapter was added at the end of its part in _toc.yml: move its block if it belongs elsewhere,",
        "and list the chapters to read first in path.prerequisites. A resource too large for one page becomes",
        f"a folder, chapters/{p.slug}/index.md plus one page per part: CONTRIBUTING.md, 'The five-minute path'.",
        "CONTRIBUTING.md walks through the whole path.",
    ])

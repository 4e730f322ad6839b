"""Own words, measured: how much of a page repeats a source's wording outside quotation marks.

For each page (a Markdown file, or the Markdown cells of a notebook) the prose a reader sees is turned into words,
leaving out what the chapter contract does not count as our prose: front matter, code, directive options, labels,
cite keys and link targets, and quoted spans ("...", “...”, and ``>`` block quotes). Words are compared with the
source case-, punctuation- and typography-insensitively (curly quotes, dashes, hyphenation). A word is *shared*
when it sits in a run of at least ``min_run`` consecutive words that also stands in the source. The page's share is
shared unquoted words over all unquoted words; runs of ``list_run`` words or more are listed with where they are.

The source is read from a local file that a contributor makes from their own copy of the resource; it is never part
of the book.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from chapterkit.book import mdscan
from chapterkit.book.errors import ChapterkitError

DEFAULT_MIN_RUN = 6
DEFAULT_LIST_RUN = 10
DEFAULT_LIMIT = 5.0  # percent

FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*(\n|\Z)", re.DOTALL)
OPTION = re.compile(r"^\s*:[A-Za-z][\w-]*:(\s.*)?$")
FENCE_OPEN = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*(\{[^}]*\})?\s*")
ROLE = re.compile(r"\{([\w:.-]+)\}`([^`]*)`")
EXPLICIT_TARGET = re.compile(r"^(.*?)\s*<[^<>]+>\s*$", re.DOTALL)
# Roles whose content is a key, a target or a formula rather than words a reader reads as prose; a provenance
# marker's locator names a place in the source (a section title), which is not our prose either.
DROPPED_ROLES = {"cite", "cite:p", "cite:t", "cite:ps", "cite:ts", "ref", "doc", "numref", "eq", "math",
                 "download", "label", "bdg", "octicon", "fa", "prov"}
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
AUTOLINK = re.compile(r"<(?:https?|mailto):[^>]*>|https?://\S+")
HTML = re.compile(r"<!--.*?-->|</?[A-Za-z][^>]*>", re.DOTALL)
SUBSTITUTION = re.compile(r"\{\{.*?\}\}")

# Typography that must not make two equal words differ.
_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u02bc": "'",
    "\u2010": "-", "\u2011": "-", "\u00ad": "",
    "\u2012": " ", "\u2013": " ", "\u2014": " ", "\u2015": " ", "\u2212": " ",
})
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
QUOTE_CHARS = {'"': "toggle", "\u201c": "open", "\u201d": "close", "\u00ab": "open", "\u00bb": "close"}


@dataclass(frozen=True)
class Token:
    word: str
    line: int  # 1-based line of the page (of the cell, for a notebook)
    quoted: bool
    segment: int  # runs never cross a segment boundary (a paragraph, a quote, a removed block)
    cell: int | None = None  # notebook cell index, for notebooks


@dataclass(frozen=True)
class Run:
    line: int
    cell: int | None
    words: tuple[str, ...]


@dataclass
class PageReport:
    path: str
    words: int  # unquoted words counted
    shared: int  # of those, words in shared runs
    runs: list[Run] = field(default_factory=list)  # runs of list_run words or more

    @property
    def share(self) -> float:
        return 100.0 * self.shared / self.words if self.words else 0.0

    def where(self, run: Run) -> str:
        if run.cell is None:
            return f"{self.path}:{run.line}"
        return f"{self.path}:cell {run.cell}:{run.line}"


def normalize(text: str) -> str:
    """Unicode-fold, lowercase, and join words split by hyphens (``pre-processing``, ``configura-\\ntion``)."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE).lower()
    text = re.sub(r"([^\W_])-[ \t]*\n[ \t]*([^\W_])", r"\1\2", text)  # a word broken over a line end
    return re.sub(r"([^\W_])-(?=[^\W_])", r"\1", text)


def words(text: str) -> list[str]:
    return [w.replace("'", "") for w in WORD.findall(normalize(text))]


def source_ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def _strip_inline(text: str) -> str:
    def role(match: re.Match[str]) -> str:
        name, content = match.group(1), match.group(2)
        explicit = EXPLICIT_TARGET.match(content)
        if explicit:
            return explicit.group(1)
        return "" if name in DROPPED_ROLES else content

    text = HTML.sub(" ", text)
    text = ROLE.sub(role, text)
    text = INLINE_CODE.sub(" ", text)
    text = LINK.sub(lambda m: m.group(1), text)
    text = AUTOLINK.sub(" ", text)
    return SUBSTITUTION.sub(" ", text)


# Directives whose body a reader never reads as prose (index entries, file lists), and directives whose argument
# is a path or a key rather than a title.
NO_PROSE_BODY = {"index", "toctree", "bibliography", "tableofcontents"}
PATH_ARGUMENT = {"figure", "image", "include", "literalinclude", "checklist", "bibliography", "glossary", "index",
                 "diagram", "prov"}


def prose_lines(markdown: str) -> Iterator[tuple[int, str | None]]:
    """(line number, prose) for each line of a MyST page; prose is None where a line breaks the flow of words
    (blank, removed, a directive's fence). Front matter, code, comments, options, labels, index entries and
    file arguments are left out."""
    body_start = 1
    match = FRONT_MATTER.match(markdown)
    if match:
        body_start = markdown.count("\n", 0, match.end()) + 1
        markdown = markdown[match.end():]
    kept = {line.number: line.text for line in mdscan.markup_lines(markdown, first_line=body_start)}
    skipping: tuple[str, int] | None = None  # the fence of an open directive whose body is not prose
    for offset, _ in enumerate(markdown.splitlines()):
        number = body_start + offset
        text = kept.get(number)
        if skipping is not None:
            if text is not None and mdscan.closes(text, *skipping):
                skipping = None
            yield number, None
            continue
        if text is None or not text.strip() or OPTION.match(text) or mdscan.LABEL.match(text):
            yield number, None
            continue
        fence = FENCE_OPEN.match(text)
        if fence:
            yield number, None  # a directive's title is a heading of its own: its words start a new segment
            opened = mdscan.directive_name(text)
            name = opened[2] if opened else ""
            if opened and name in NO_PROSE_BODY:
                skipping = (opened[0], opened[1])
            rest = text[fence.end():]
            if rest.strip() and name not in PATH_ARGUMENT:
                yield number, rest
                yield number, None
            continue
        yield number, text


def tokenize(markdown: str, cell: int | None = None) -> list[Token]:
    tokens: list[Token] = []
    segment = 0
    quoted = False
    closer = ""
    for number, text in prose_lines(markdown):
        if text is None:
            segment += 1
            quoted = False  # an unmatched quote never runs past its paragraph
            continue
        block_quote = text.lstrip().startswith(">")
        if mdscan.HEADING.match(text) or re.match(r"^\s*([-*+]|\d+[.)])\s", text):
            segment += 1  # a heading or a list item starts a new run of words
        text = normalize(_strip_inline(text).translate(_TRANSLATE))
        pos = 0
        pieces: list[tuple[str, bool]] = []
        for index, char in enumerate(text):
            kind = QUOTE_CHARS.get(char)
            if kind is None:
                continue
            opening = (kind == "open") or (kind == "toggle" and not quoted)
            if opening and not quoted:
                pieces.append((text[pos:index], False))
                quoted, closer, pos = True, ('"' if kind == "toggle" else "close"), index + 1
            elif quoted and ((kind == "close" and closer == "close") or (kind == "toggle" and closer == '"')):
                pieces.append((text[pos:index], True))
                quoted, pos = False, index + 1
        pieces.append((text[pos:], quoted))
        for chunk, in_quote in pieces:
            if in_quote:
                segment += 1
            for word in WORD.findall(chunk):
                tokens.append(Token(word.replace("'", ""), number, in_quote or block_quote, segment, cell))
            if in_quote:
                segment += 1
    return tokens


def measure(path: str, tokens: list[Token], grams: set[tuple[str, ...]], min_run: int,
            list_run: int) -> PageReport:
    counted = [t for t in tokens if not t.quoted]
    shared = [False] * len(counted)
    starts: list[int] = []
    for i in range(len(counted) - min_run + 1):
        window = counted[i:i + min_run]
        if window[0].segment != window[-1].segment:
            continue
        if tuple(t.word for t in window) in grams:
            starts.append(i)
            for j in range(i, i + min_run):
                shared[j] = True
    runs: list[Run] = []
    begin = end = None
    for i in starts + [None]:  # merge overlapping matched windows into maximal runs
        if i is not None and end is not None and i <= end:
            end = i + min_run
            continue
        if begin is not None and end - begin >= list_run:
            first = counted[begin]
            runs.append(Run(first.line, first.cell, tuple(t.word for t in counted[begin:end])))
        if i is not None:
            begin, end = i, i + min_run
    return PageReport(path, len(counted), sum(shared), runs)


def read_text(path: Path, what: str) -> str:
    if not path.is_file():
        raise ChapterkitError(f"{what} not found", where=str(path), fix="give the path of an existing file")
    data = path.read_bytes()
    if b"\0" in data:
        raise ChapterkitError(f"{what} is a binary file, not text", where=str(path),
                              fix="for a PDF: pdftotext -layout paper.pdf paper.txt, then pass paper.txt")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ChapterkitError(f"{what} is not UTF-8 text ({exc.reason} at byte {exc.start})", where=str(path),
                              fix="convert it to UTF-8 text") from None


def page_tokens(path: Path) -> list[Token]:
    text = read_text(path, "page")
    if path.suffix != ".ipynb":
        return tokenize(text)
    try:
        notebook = json.loads(text)
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError):
        raise ChapterkitError("not a notebook (invalid JSON, or no cells)", where=str(path),
                              fix="open and save it in Jupyter, or restore it from git") from None
    tokens: list[Token] = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        segment_base = tokens[-1].segment + 1 if tokens else 0
        tokens += [Token(t.word, t.line, t.quoted, t.segment + segment_base, index) for t in tokenize(source, index)]
    return tokens


def find_pages(root: Path, paths: list[str]) -> list[Path]:
    """The Markdown pages and notebooks that ``paths`` name (files or folders), all inside the book at ``root``."""
    root = root.resolve()
    if not paths:
        paths = ["chapters", "notebooks"]
    pages: list[Path] = []
    for given in paths:
        path = (root / given).resolve() if not Path(given).is_absolute() else Path(given).resolve()
        if not path.is_relative_to(root):
            raise ChapterkitError("is outside the book", where=given,
                                  fix=f"name pages or folders inside {root}, e.g. PAGES=chapters/technical-debt")
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in {".md", ".ipynb"}
                           and not any(part.startswith(".") or part == "_build" for part in p.relative_to(root).parts))
            if not found:
                raise ChapterkitError("has no .md page or .ipynb notebook", where=given,
                                      fix="name a folder of chapters or notebooks")
            pages += found
        elif path.is_file():
            if path.suffix not in {".md", ".ipynb"}:
                raise ChapterkitError("is neither a Markdown page (.md) nor a notebook (.ipynb)", where=given,
                                      fix="name .md pages, .ipynb notebooks, or folders of them")
            pages.append(path)
        else:
            raise ChapterkitError("not found", where=given, fix="check the path; it is relative to the book root")
    return list(dict.fromkeys(pages))


def check(root: Path, source: Path, paths: list[str], min_run: int = DEFAULT_MIN_RUN,
          list_run: int = DEFAULT_LIST_RUN) -> list[PageReport]:
    if min_run < 2:
        raise ChapterkitError("--min-run must be at least 2", fix="use the default, 6")
    text = read_text(source, "source")
    if len(words(text)) < min_run:
        raise ChapterkitError("source has no text to compare with (empty, or fewer words than a run)",
                              where=str(source), fix="pass the plain-text copy of the resource")
    grams = source_ngrams(text, min_run)
    root = root.resolve()
    return [measure(page.relative_to(root).as_posix(), page_tokens(page), grams, min_run, list_run)
            for page in find_pages(root, paths)]

"""``folder``: turn a single-page chapter into a folder chapter (``make folder SLUG=...``).

``chapters/<slug>.md`` becomes ``chapters/<slug>/index.md`` (its label stays ``(<slug>)=``); ``_toc.yml`` names
``chapters/<slug>/index`` and lists the new "Where this comes from" page last under it; the chapter's notebooks
link back to ``index.md``; ``sources.yml`` links the resource on the index page. No git: untracked files move
too. Everything is computed first; then all of it is written, or, if a write fails, nothing is left changed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from chapterkit.book import toc
from chapterkit.book.errors import ChapterkitError

WHERE = "where-this-comes-from"
FIX_SLUG = "give the slug of a single-page chapter: make folder SLUG=<slug> (its page is chapters/<slug>.md)"


@dataclass
class Move:
    root: Path
    slug: str
    writes: dict[str, bytes] = field(default_factory=dict)
    removes: list[str] = field(default_factory=list)


def where_page(slug: str) -> str:
    return f"""({slug}-{WHERE})=
# Where This Comes From

Every claim in this chapter is marked with where it comes from.
A small tag beside a sentence, paragraph or box names its origin; hover over it, or reach it with the keyboard, to
see where exactly:

- **source**: the resource itself, with the section, lecture or chapter;
- **companion**: a related work by the same authors that the chapter draws on, named with its chapter or section;
- **secondary**: someone else's account of the resource (a reader's notes, a blog post), named;
- **ours**: the book's own example, reading, mapping or commentary.

The claims that do not rest on the resource itself are the ones to check first.
Here they all are, with the sentence they tag and a link back to where they stand.
This page is generated when the book is built.

:::{{provenance-list}}
:::
"""


def sources_file(title: str, url: str) -> str:
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    return f"""# The resource's own material that each page of this chapter summarizes, linked under the page's title.
# Keys are page names in this folder (every page but {WHERE}); add one entry per page you add.
pages:
  index:
    - {{title: "{quoted}", url: "{url}"}}
# The related works and other people's accounts the chapter's markers name (CONTRIBUTING.md, "Where each idea
# comes from"): {{prov}}`companion: KEY WHERE` and {{prov}}`secondary: KEY`.
# companions:
#   dmls: {{title: "Designing Machine Learning Systems (Huyen, O'Reilly 2022)", cite: huyen2022designing}}
# accounts:
#   colyer2019: {{title: "A. Colyer's summary in The Morning Paper", url: "https://blog.acolyer.org/..."}}
"""


def plan(root: Path, slug: str) -> Move:
    """Every file the move writes and removes, checked, without touching the tree."""
    root = root.resolve()
    if not slug or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise ChapterkitError(f"slug {slug!r} is not lowercase words joined by hyphens", "SLUG", FIX_SLUG)
    page = f"chapters/{slug}.md"
    folder = root / "chapters" / slug
    if (folder / "index.md").is_file():
        raise ChapterkitError(f"chapter '{slug}' is already a folder", f"chapters/{slug}/index.md",
                              "add pages to it (CONTRIBUTING.md, 'The five-minute path')")
    if not (root / page).is_file():
        raise ChapterkitError(f"no single-page chapter '{slug}'", page, FIX_SLUG)
    if folder.exists():
        raise ChapterkitError(f"chapters/{slug} already exists beside {page}", f"chapters/{slug}",
                              "move what it holds out of the way, then run the command again")
    text = (root / page).read_text(encoding="utf-8")
    title, url = _resource(text, page)
    if not url.startswith("https://"):
        raise ChapterkitError(f"the resource's url {url!r} is not https://; sources.yml links only https", page,
                              "write the resource's https:// address in resource.url, then run the command again")
    toc_text = (root / "_toc.yml").read_text(encoding="utf-8")
    try:
        new_toc = toc.to_folder(toc_text, slug, f"chapters/{slug}/{WHERE}")
        toc.parse_text(new_toc)
    except toc.TocError as exc:
        raise ChapterkitError(exc.message, f"_toc.yml:{exc.line}",
                              f"list the chapter as '- file: chapters/{slug}' in _toc.yml, then run the command "
                              "again") from None
    move = Move(root, slug)
    move.writes[f"chapters/{slug}/index.md"] = text.encode("utf-8")
    move.writes[f"chapters/{slug}/sources.yml"] = sources_file(title, url).encode("utf-8")
    move.writes[f"chapters/{slug}/{WHERE}.md"] = where_page(slug).encode("utf-8")
    move.writes["_toc.yml"] = new_toc.encode("utf-8")
    old_link, new_link = f"chapters/{slug}.md)", f"chapters/{slug}/index.md)"
    for notebook in sorted((root / "notebooks" / slug).glob("*.ipynb")):
        raw = notebook.read_text(encoding="utf-8")
        if old_link in raw:
            move.writes[notebook.relative_to(root).as_posix()] = raw.replace(old_link, new_link).encode("utf-8")
    move.removes.append(page)
    for rel in [*move.writes, *move.removes]:
        target = root / rel
        probe = target if target.exists() else target.parent if target.parent.exists() else root / "chapters"
        if not os.access(probe, os.W_OK):
            raise ChapterkitError(f"{probe} is not writable", rel,
                                  f"make the tree writable (e.g. `chmod -R u+w {root}`) and run the command again")
    return move


def _resource(text: str, page: str) -> tuple[str, str]:
    match = re.match(r"^---\n(.*?)\n---\n", text, re.DOTALL)
    data = yaml.safe_load(match.group(1)) if match else None
    resource = data.get("resource") if isinstance(data, dict) else None
    if not isinstance(resource, dict) or not resource.get("url"):
        raise ChapterkitError("the front matter has no resource.url", page,
                              "run `make check` and repair the front matter first")
    return str(resource.get("title") or "The resource"), str(resource["url"])


def apply(move: Move) -> None:
    """Write every file and remove the old page, or, on any failure, put everything back as it was."""
    root = move.root
    backups: dict[Path, bytes | None] = {}
    created: Path | None = None
    removed: dict[Path, bytes] = {}
    try:
        folder = root / "chapters" / move.slug
        if not folder.exists():
            folder.mkdir()
            created = folder
        for rel, data in move.writes.items():
            target = root / rel
            backups[target] = target.read_bytes() if target.exists() else None
            mode = target.stat().st_mode if target.exists() else None
            target.write_bytes(data)
            if mode is not None:
                os.chmod(target, mode)
        for rel in move.removes:
            target = root / rel
            removed[target] = target.read_bytes()
            target.unlink()
    except OSError as exc:
        for target, data in removed.items():
            _quietly(lambda t=target, d=data: t.write_bytes(d))
        for target, old in backups.items():
            _quietly(lambda t=target, o=old: t.unlink(missing_ok=True) if o is None else t.write_bytes(o))
        if created is not None:
            _quietly(created.rmdir)
        where = getattr(exc, "filename", None) or ""
        raise ChapterkitError(f"writing failed ({exc.strerror or exc}); nothing was changed", str(where),
                              f"make the tree writable (e.g. `chmod -R u+w {root}`) and run the command again") \
            from None


def _quietly(action: object) -> None:
    try:
        action()  # type: ignore[operator]
    except OSError:
        pass


def report(move: Move) -> str:
    slug = move.slug
    return "\n".join([
        f"Chapter '{slug}' is now a folder:",
        f"  chapters/{slug}.md -> chapters/{slug}/index.md  (its label stays ({slug})=)",
        f"  chapters/{slug}/sources.yml  (the resource, linked under the index page's title)",
        f"  chapters/{slug}/{WHERE}.md  (the 'Where this comes from' page, filled at build time)",
        f"  _toc.yml  (chapters/{slug}/index, with the new page last under it)",
        *[f"  {rel}  (its link back to the chapter page)" for rel in move.writes if rel.startswith("notebooks/")],
        "Next: add one page per part of the resource, chapters/" + slug + "/<part>.md, each starting with a",
        f"({slug}-<part>)= label and a # Title; list it in _toc.yml under chapters/{slug}/index and in sources.yml",
        "under pages:. Then: make check",
    ])

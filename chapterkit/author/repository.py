"""Point the book at a repository: ``repository.url`` in ``_config.yml`` (the launch, edit and issue buttons) and
``html_baseurl`` (where GitHub Pages publishes it: link previews, the 404 page).

The deploy workflow calls it with ``$GITHUB_REPOSITORY``, so that a fork's site points at the fork. Only the
``url:`` line of the ``repository:`` block and the ``html_baseurl:`` line change; every other line (comments
included) stays as it was, and the file is replaced whole or not at all.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import yaml

from chapterkit.book.errors import ChapterkitError

# GitHub's rules: an owner is 1-39 letters, digits or single hyphens; a repository name letters, digits, . _ -
SLUG = re.compile(r"^(?!-)[A-Za-z0-9-]{1,39}(?<!-)/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$")
BLOCK = re.compile(r"^repository:[ \t]*(#.*)?$")
BASEURL_LINE = re.compile(r"^(?P<indent>[ \t]*)html_baseurl:[ \t]*(?P<value>[^#\n]*?)[ \t]*(?P<comment>#.*)?$")
URL_LINE = re.compile(r"^(?P<indent>[ \t]+)url:[ \t]*(?P<value>[^#\n]*?)[ \t]*(?P<comment>#.*)?$")


def github_url(slug: str) -> str:
    if not SLUG.match(slug):
        raise ChapterkitError(f"{slug!r} is not a GitHub repository name of the form OWNER/NAME",
                              fix="pass it as GitHub spells it, e.g. mlops-path/mlops-path")
    return f"https://github.com/{slug}"


def pages_url(slug: str) -> str:
    """Where GitHub Pages publishes the repository ``slug``: a user site (``owner.github.io``) at the root."""
    owner, name = github_url(slug).removeprefix("https://github.com/").split("/")
    if name.lower() == f"{owner.lower()}.github.io":
        return f"https://{owner.lower()}.github.io/"
    return f"https://{owner.lower()}.github.io/{name}/"


def set_repository(config: Path, slug: str) -> str:
    """Set ``repository.url`` in ``config`` to the GitHub repository ``slug`` (and ``html_baseurl``, where there is
    one, to its GitHub Pages address); return the new repository URL."""
    url = github_url(slug)
    try:
        text = config.read_text(encoding="utf-8")
    except OSError as exc:
        raise ChapterkitError(f"cannot read it ({exc.strerror})", where=str(config),
                              fix="run from the book's root, or pass --config PATH") from None
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if BLOCK.match(line.rstrip("\n"))), None)
    target = None
    if start is not None:
        for i in range(start + 1, len(lines)):
            line = lines[i].rstrip("\n")
            if line.strip() and not line[0].isspace():
                break  # the next top-level key: the block has ended
            match = URL_LINE.match(line)
            if match:
                target = (i, match)
                break
    if target is None:
        raise ChapterkitError("has no 'repository:' block with a 'url:' line", where=str(config),
                              fix="add 'repository:' with '  url: https://github.com/OWNER/NAME' (see DESIGN.md)")
    i, match = target
    comment = f"  {match.group('comment')}" if match.group("comment") else ""
    lines[i] = f"{match.group('indent')}url: {url}{comment}\n"
    for j, line in enumerate(lines):
        base = BASEURL_LINE.match(line.rstrip("\n"))
        if base:
            comment = f"  {base.group('comment')}" if base.group("comment") else ""
            lines[j] = f"{base.group('indent')}html_baseurl: {pages_url(slug)}{comment}\n"
    new_text = "".join(lines)
    parsed = yaml.safe_load(new_text)
    if parsed.get("repository", {}).get("url") != url:
        raise ChapterkitError("the rewritten file would not parse to the new URL; nothing was changed",
                              where=str(config), fix="check the 'repository:' block by hand")
    handle, temp = tempfile.mkstemp(dir=config.parent, prefix=".config-", suffix=".yml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(new_text)
        os.chmod(temp, config.stat().st_mode & 0o7777)
        os.replace(temp, config)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return url

"""Command line: ``python -m chapterkit <command>``.

- ``new``: scaffold a chapter, its notebook, bib entry and ``_toc.yml`` entry (``make chapter``).
- ``check``: check the chapter contract over the whole book (``make check``).
- ``notebooks``: execute notebooks in place and strip volatile metadata (``make notebooks``).
- ``set-repository``: point the launch, edit and issue buttons at a GitHub repository (the deploy workflow).
- ``own-words``: how much of each page repeats a source's wording outside quotes (``make own-words``).
- ``version-cell``: insert or update each notebook's first code cell, the version check (``make notebooks``).
- ``pdf`` and ``epub``: the whole book as one PDF or EPUB (``make pdf``, ``make epub``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chapterkit import contract
from chapterkit.author import notebooks, ownwords, repository, scaffold, versioncell
from chapterkit.book.errors import ChapterkitError
from chapterkit.book.frontmatter import KINDS
from chapterkit.book.versioncell import read_pins

EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2


def _cmd_notebooks(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or notebooks.find_notebooks(Path("notebooks"))
    failed = 0
    for path in paths:
        try:
            result = notebooks.execute(path)
        except Exception as exc:  # noqa: BLE001 - any failure of one notebook is reported, then the next runs
            failed += 1
            print(f"{path}: FAILED: {type(exc).__name__}: {str(exc).splitlines()[-1] if str(exc) else ''}",
                  file=sys.stderr)
            continue
        print(f"{path}: executed in {result.seconds:.1f} s")
    return 1 if failed else 0


def _cmd_check(args: argparse.Namespace) -> int:
    root = Path(args.root)
    if not (root / "_toc.yml").is_file() and not args.paths:
        print(f"error: {root.resolve()}: no _toc.yml here\n  fix: run from the book's root, or pass --root DIR",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    problems = contract.check(root, [Path(p) for p in args.paths])
    for problem in problems:
        print(problem.format())
    files = len({p.path for p in problems})
    if problems:
        print(f"chapterkit check: {len(problems)} problem{'s' if len(problems) != 1 else ''} in {files} "
              f"file{'s' if files != 1 else ''}; the chapter contract is in templates/chapter.md and "
              "CONTRIBUTING.md")
        return EXIT_PROBLEMS
    if args.paths:
        print(f"chapterkit check: OK, no problems in {', '.join(args.paths)}")
    else:
        print("chapterkit check: OK, the book meets the chapter contract")
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    request = scaffold.Request(title=args.title, kind=args.kind, url=args.url, authors=args.authors,
                               year=args.year, slug=args.slug or None, part=args.part or None, topic=args.topic)
    try:
        plan = scaffold.plan(request, Path(args.root))
        scaffold.apply(plan)
    except ChapterkitError as exc:
        print(exc.format(), file=sys.stderr)
        print("nothing was changed", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(scaffold.next_steps(plan))
    return 0


def _cmd_own_words(args: argparse.Namespace) -> int:
    try:
        reports = ownwords.check(Path(args.root), Path(args.source), args.pages, args.min_run, args.list_run)
    except ChapterkitError as exc:
        print(exc.format().replace("\n  fix:", " (fix:") + (")" if exc.fix else ""), file=sys.stderr)
        return EXIT_BAD_INPUT
    over = [r for r in reports if r.share > args.limit]
    for report in reports:
        verdict = "OVER" if report in over else "ok"
        print(f"{report.path}: {report.share:4.1f}% of {report.words} unquoted words in runs of "
              f"{args.min_run}+ shared with the source [{verdict}]")
        for run in report.runs:
            print(f"  {report.where(run)}: {' '.join(run.words)}")
    total = sum(r.words for r in reports)
    shared = sum(r.shared for r in reports)
    overall = 100.0 * shared / total if total else 0.0
    print(f"chapterkit own-words: {len(reports)} page{'s' if len(reports) != 1 else ''}, {overall:.1f}% overall; "
          f"{len(over)} over the {args.limit:g}% limit"
          + ("; put what must stay verbatim in quotation marks and rewrite the rest in your own words"
             if over else ""))
    return 1 if over else 0


def _cmd_set_repository(args: argparse.Namespace) -> int:
    try:
        url = repository.set_repository(Path(args.config), args.slug)
    except ChapterkitError as exc:
        print(exc.format().replace("\n  fix:", " (fix:") + (")" if exc.fix else ""), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"{args.config}: repository.url is now {url}")
    return 0


def _cmd_version_cell(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or notebooks.find_notebooks(Path("notebooks"))
    try:
        pins = read_pins(Path(args.requirements))
        outcomes = [versioncell.apply(path, pins) for path in paths]
    except ChapterkitError as exc:
        print(exc.format(), file=sys.stderr)
        return EXIT_BAD_INPUT
    for outcome in outcomes:
        print(f"{outcome.path}: version check {outcome.status}")
    changed = [o.path.as_posix() for o in outcomes if o.status != "current"]
    if changed:
        print(f"chapterkit version-cell: {len(changed)} changed; store their outputs with: "
              f"make notebooks NB=\"{' '.join(changed)}\"")
    return 0


def _cmd_pdf(args: argparse.Namespace) -> int:
    from chapterkit.formats import pdfbook

    try:
        dest, numbered = pdfbook.make_pdf(Path(args.root).resolve(), Path(args.output).resolve(),
                                          Path(args.work).resolve())
    except ChapterkitError as exc:
        print(exc.format(), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"{dest}: {dest.stat().st_size / 1e6:.1f} MB, {numbered} contents entries with their page")
    return 0


def _cmd_epub(args: argparse.Namespace) -> int:
    from chapterkit.formats import epubbook

    try:
        dest = epubbook.make_epub(Path(args.root).resolve(), Path(args.output).resolve(),
                                  Path(args.work).resolve(), check=not args.no_check)
    except ChapterkitError as exc:
        print(exc.format(), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"{dest}: {dest.stat().st_size / 1e6:.1f} MB" + ("" if args.no_check else ", epubcheck: no problems"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m chapterkit", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("notebooks", help="execute notebooks in place and strip volatile metadata")
    p.add_argument("paths", nargs="*", help="notebooks to run (default: every notebook under notebooks/)")
    p.set_defaults(func=_cmd_notebooks)

    p = sub.add_parser("check", help="check the chapter contract (exit 1 on any problem)")
    p.add_argument("paths", nargs="*", help="report only problems in these files or folders (default: all)")
    p.add_argument("--root", default=".", help="the book's root folder, where _toc.yml is (default: .)")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("own-words", help="share of each page's unquoted words in runs shared with a source text")
    p.add_argument("--source", required=True, help="plain-text copy of the resource (never part of the book)")
    p.add_argument("pages", nargs="*", help="pages, notebooks or folders of them (default: chapters notebooks)")
    p.add_argument("--min-run", type=int, default=ownwords.DEFAULT_MIN_RUN,
                   help=f"words in a shared run (default: {ownwords.DEFAULT_MIN_RUN})")
    p.add_argument("--list-run", type=int, default=ownwords.DEFAULT_LIST_RUN,
                   help=f"list every shared run of at least this many words (default: {ownwords.DEFAULT_LIST_RUN})")
    p.add_argument("--limit", type=float, default=ownwords.DEFAULT_LIMIT,
                   help=f"percent of a page's unquoted words allowed in shared runs (default: {ownwords.DEFAULT_LIMIT:g})")
    p.add_argument("--root", default=".", help="the book's root folder (default: .)")
    p.set_defaults(func=_cmd_own_words)

    p = sub.add_parser("set-repository", help="set repository.url in _config.yml to a GitHub repository")
    p.add_argument("slug", help="OWNER/NAME, e.g. the value of $GITHUB_REPOSITORY")
    p.add_argument("--config", default="_config.yml", help="the book's config file (default: _config.yml)")
    p.set_defaults(func=_cmd_set_repository)

    p = sub.add_parser("version-cell", help="insert or update each notebook's version-check cell")
    p.add_argument("paths", nargs="*", help="notebooks (default: every notebook under notebooks/)")
    p.add_argument("--requirements", default="requirements.txt",
                   help="where the tested versions are pinned (default: requirements.txt)")
    p.set_defaults(func=_cmd_version_cell)

    p = sub.add_parser("pdf", help="the whole book as one PDF (single-page build printed by Chromium)")
    p.add_argument("--root", default=".", help="the book's root folder (default: .)")
    p.add_argument("--output", default="_build/mlops-path.pdf", help="the PDF (default: _build/mlops-path.pdf)")
    p.add_argument("--work", default="_build/pdf", help="folder of the single-page build (default: _build/pdf)")
    p.set_defaults(func=_cmd_pdf)

    p = sub.add_parser("epub", help="the whole book as one EPUB (Sphinx's epub builder), checked by epubcheck")
    p.add_argument("--root", default=".", help="the book's root folder (default: .)")
    p.add_argument("--output", default="_build/mlops-path.epub", help="the EPUB (default: _build/mlops-path.epub)")
    p.add_argument("--work", default="_build/epub", help="folder of the EPUB build (default: _build/epub)")
    p.add_argument("--no-check", action="store_true", help="do not run epubcheck")
    p.set_defaults(func=_cmd_epub)

    p = sub.add_parser("new", help="scaffold a draft chapter, its notebook, bib entry and _toc.yml entry")
    p.add_argument("--title", required=True, help="the resource's title (the chapter's title)")
    p.add_argument("--kind", required=True, choices=KINDS, help="what the resource is")
    p.add_argument("--url", required=True, help="the resource's http(s) address")
    p.add_argument("--authors", required=True, help='authors separated by semicolons: "First Author; Second"')
    p.add_argument("--year", required=True, help="year of publication")
    p.add_argument("--slug", default="", help="file name of the chapter (default: from the title)")
    p.add_argument("--part", default="", help="caption of the _toc.yml part to add it to (default: the first)")
    p.add_argument("--topic", default=scaffold.DEFAULT_TOPIC,
                   help=f"file name of the companion notebook (default: {scaffold.DEFAULT_TOPIC})")
    p.add_argument("--root", default=".", help="the book's root folder, where _toc.yml is (default: .)")
    p.set_defaults(func=_cmd_new)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args))

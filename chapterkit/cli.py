"""Command line: ``python -m chapterkit <command>``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chapterkit import notebooks


def _cmd_notebooks(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or notebooks.find_notebooks(Path("notebooks"))
    failed = 0
    for path in paths:
        try:
            result = notebooks.execute(path)
        except Exception as exc:  # report every notebook, then fail
            failed += 1
            print(f"{path}: FAILED: {type(exc).__name__}: {str(exc).splitlines()[-1] if str(exc) else ''}",
                  file=sys.stderr)
            continue
        print(f"{path}: executed in {result.seconds:.1f} s")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m chapterkit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("notebooks", help="execute notebooks in place and strip volatile metadata")
    p.add_argument("paths", nargs="*", help="notebooks to run (default: every notebook under notebooks/)")
    p.set_defaults(func=_cmd_notebooks)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)

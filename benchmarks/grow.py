"""`make bench GROW=N`: what one more chapter costs the build, the pages, the search index and the test suite.

Copies the book twice, adds N generated chapters to the second copy (each a folder of an index and four section
pages, a "Where this comes from" page, two small notebooks, a bibliography entry, a glossary term and ten search
queries, valid under the chapter contract), and measures both copies the same way:

- clean build (execution off) and the rebuild after editing one page;
- the search index (Pagefind's own time, from the build log);
- a chapter page's HTML, raw and gzipped (the sidebar grows with the table of contents);
- the test suite, as `make test` runs it (skip with --skip-tests).

The marginal cost of a chapter is (figure with N - figure with 0) / N. Aims (issue 20): the suite grows by at most
10 s a chapter, a page's HTML by at most 2 KiB gzipped a chapter.

Usage: python benchmarks/grow.py N [--skip-tests]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PAGE = "chapters/technical-debt/index.html"
EDITED = "chapters/technical-debt/eroding-boundaries.md"
SECTIONS = ("first-part", "second-part", "third-part", "fourth-part")
WORDS = ("quill", "marrow", "tundra", "lattice", "ember", "fjord", "cobalt", "saffron", "obsidian", "juniper",
         "zephyr", "basalt", "lichen", "quartz", "tamarind", "vellum", "walnut", "yarrow", "heron", "ochre")

sys.path.insert(0, str(ROOT))
from chapterkit.book.repo import copy_content


def word(i: int, j: int) -> str:
    """A made-up concept name no other page holds, so that its search query has one right answer."""
    return f"{WORDS[i % len(WORDS)]}{WORDS[(j + 7) % len(WORDS)]}{i}"


def run(args: list[str], cwd: Path, timeout: int = 1800) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, check=False, capture_output=True, text=True, timeout=timeout)


def index_page(slug: str, n: int, cite: str, notebooks: list[str]) -> str:
    quiz = "\n".join(f"{q}. What does part {q} of grown resource {n} say?\n\n   :::{{dropdown}} Answer\n"
                     f"   It says what its section says {{prov}}`source: part {q}`.\n   :::\n" for q in range(1, 6))
    nbs = ", ".join(notebooks)
    links = "\n".join(f"- {{doc}}`/{nb.removesuffix('.ipynb')}`: a small simulation of the chapter's idea." for nb in notebooks)
    return f"""---
resource:
  title: Grown Resource {n}
  kind: paper
  authors: [A. Grower{n}, B. Author]
  year: 2020
  url: https://example.org/grown-{n}
  cite: {cite}
path:
  level: beginner
  minutes: 30
  summary: A generated chapter that measures what one more chapter costs the book
  prerequisites: []
  notebooks: [{nbs}]
---
({slug})=
# Grown Resource {n}

:::{{admonition}} Learning objectives
:class: tip
After this chapter you can:

- explain the generated resource's idea;
- name its four parts;
- run its two notebooks.
:::

:::{{at-a-glance}}
:::

## Why it matters

It measures the book's growth through its {word(n, 8)} and {word(n, 9)} {{cite:p}}`{cite}`. {{prov}}`ours`

## Key takeaways

- One more chapter has a price. {{prov}}`ours`
- The benchmark measures it. {{prov}}`ours`
- The aims bound it. {{prov}}`ours`

## Common misreadings

:::{{admonition}} "Growth is free."
:class: warning
It is not: see the benchmark {{prov}}`ours`.
:::

## Hands-on

{links}

## Check your understanding

{quiz}
## Further reading

- {{ref}}`technical-debt`, the first chapter.

## References

```{{bibliography}}
:filter: docname in docnames
```
"""


def section_page(slug: str, n: int, part: int, cite: str, term: str | None) -> str:
    concept = word(n, part)
    term_line = f"\nIt is also a {{term}}`{term}`. {{prov}}`ours`\n" if term else ""
    return f"""({slug}-{SECTIONS[part]})=
# Part {part + 1} of Grown Resource {n}

The part opens with its idea {{prov}}`source: part {part + 1}` {{cite:p}}`{cite}`.

## The {concept} mechanism

A {concept} is this part's concept, explained in a paragraph of generated prose that gives the search index and
the page something to hold {{prov}}`source: part {part + 1}`.
{term_line}
## Its cost

Every mechanism has a cost, and this one's is measured {{prov}}`ours`.
"""


def notebook(slug: str, n: int, k: int, template: dict) -> dict:
    nb = json.loads(json.dumps(template))
    first = nb["cells"][0]
    first["source"] = (f"# Grown Resource {n}: Simulation {k}\n\nThis notebook accompanies the chapter "
                       f"[Grown Resource {n}](../../chapters/{slug}/index.md). It draws a sample and checks it.")
    return nb


def grow(book: Path, count: int) -> None:
    """Add ``count`` generated chapters to the book at ``book`` (a copy), valid under the contract."""
    template = executed_template(book)
    toc = book / "_toc.yml"
    bib = book / "references.bib"
    glossary = book / "glossary.md"
    entries, bib_text, terms = [], [], []
    for n in range(1, count + 1):
        slug = f"grown-{n}"
        cite = f"grown2020resource{n}"
        folder = book / "chapters" / slug
        (folder / "diagrams").mkdir(parents=True)
        nbs = [f"notebooks/{slug}/simulation-{k}.ipynb" for k in (1, 2)]
        (folder / "index.md").write_text(index_page(slug, n, cite, nbs), encoding="utf-8")
        term = f"Grown term {n}"
        for part in range(4):
            (folder / f"{SECTIONS[part]}.md").write_text(
                section_page(slug, n, part, cite, term if part == 0 else None), encoding="utf-8")
        (folder / "where-this-comes-from.md").write_text(
            f"({slug}-where-this-comes-from)=\n# Where This Comes From\n\n:::{{provenance-list}}\n:::\n",
            encoding="utf-8")
        (folder / "sources.yml").write_text(
            "pages:\n" + "".join(f"  {p}:\n    - {{title: \"Part\", url: \"https://example.org/grown-{n}\"}}\n"
                                 for p in ("index", *SECTIONS)), encoding="utf-8")
        (book / "notebooks" / slug).mkdir(parents=True)
        for k, path in enumerate(nbs, start=1):
            (book / path).write_text(json.dumps(notebook(slug, n, k, template), indent=1) + "\n", encoding="utf-8")
        entries.append(f"      - file: chapters/{slug}/index\n        sections:\n"
                       + "".join(f"          - file: chapters/{slug}/{s}\n" for s in SECTIONS)
                       + "".join(f"          - file: {p.removesuffix('.ipynb')}\n" for p in nbs)
                       + f"          - file: chapters/{slug}/where-this-comes-from\n")
        bib_text.append(f"\n@misc{{{cite},\n  title = {{Grown Resource {n}}},\n  author = {{Grower{n}, A. and Author, B.}},"
                        f"\n  year = {{2020}},\n  howpublished = {{\\url{{https://example.org/grown-{n}}}}}\n}}\n")
        terms.append(f"\n\n{term}\n  A term of a generated chapter. See {{ref}}`{slug}-{SECTIONS[0]}`.")
        queries = [f'- {{q: "{word(n, p)} mechanism", page: chapters/{slug}/{SECTIONS[p]}.html, '
                   f'anchor: the-{word(n, p)}-mechanism}}' for p in range(4)]
        queries += [f'- {{q: "{word(n, p)}", page: chapters/{slug}/{SECTIONS[p]}.html, anchor: the-{word(n, p)}-mechanism}}'
                    for p in range(4)]
        queries += [f'- {{q: "{word(n, w)}", page: chapters/{slug}/index.html, anchor: why-it-matters}}' for w in (8, 9)]
        (book / "tests" / "search-queries" / f"{slug}.yml").write_text("\n".join(queries) + "\n", encoding="utf-8")
    text = toc.read_text(encoding="utf-8")
    marker = "  - caption: Reference\n"
    toc.write_text(text.replace(marker, "".join(entries) + marker, 1), encoding="utf-8")
    bib.write_text(bib.read_text(encoding="utf-8") + "".join(bib_text), encoding="utf-8")
    g = glossary.read_text(encoding="utf-8")
    at = g.rindex("\n:::")
    glossary.write_text(g[:at] + "".join(terms) + g[at:], encoding="utf-8")
    check = run([sys.executable, "-m", "chapterkit", "check"], book)
    if check.returncode != 0:
        sys.exit(f"the generated chapters break the contract:\n{check.stdout[-4000:]}{check.stderr[-2000:]}")


def executed_template(book: Path) -> dict:
    """A tiny notebook that passes the contract, executed once (its outputs are copied into each chapter)."""
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
         "source": "import numpy as np\n\nrng = np.random.default_rng(0)\nsample = rng.normal(size=1_000)\n"
                   "print(f\"mean: {sample.mean():.3f}\")"},
        {"cell_type": "markdown", "metadata": {}, "source": "## Checks\n\nThe sample is centred."},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
         "source": "assert abs(sample.mean()) < 0.1, \"the sample mean should be close to 0\""},
    ], "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "template.ipynb"
        path.write_text(json.dumps(nb), encoding="utf-8")
        for command in ("version-cell", "notebooks"):
            done = run([sys.executable, "-m", "chapterkit", command, str(path)], book)
            if done.returncode != 0:
                sys.exit(f"chapterkit {command} failed on the template notebook:\n{done.stdout}{done.stderr}")
        return json.loads(path.read_text(encoding="utf-8"))


def measure(book: Path, tests: bool) -> dict[str, float]:
    figures: dict[str, float] = {}
    start = time.perf_counter()
    done = run([str(BIN / "jupyter-book"), "build", str(book), "-W", "-n", "--keep-going"], book)
    figures["clean build (s)"] = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"build of {book} failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    found = re.search(r"Pagefind indexed (\d+) pages .* in ([\d.]+) s", done.stdout)
    figures["search index (s)"] = float(found.group(2)) if found else float("nan")
    edited = book / EDITED
    edited.write_text(edited.read_text(encoding="utf-8") + "\nAn edit.\n", encoding="utf-8")
    start = time.perf_counter()
    run([str(BIN / "jupyter-book"), "build", str(book), "-W", "-n", "--keep-going"], book)
    figures["rebuild after editing one page (s)"] = time.perf_counter() - start
    html = (book / "_build" / "html" / PAGE).read_bytes()
    figures["chapter page HTML (KiB)"] = len(html) / 1024
    figures["chapter page HTML, gzipped (KiB)"] = len(gzip.compress(html)) / 1024
    if tests:
        modules = ROOT / "node_modules"
        if modules.is_dir() and not (book / "node_modules").exists():
            (book / "node_modules").symlink_to(modules)
        start = time.perf_counter()
        done = run([sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "-n", "2", "--dist",
                    "loadgroup"], book, timeout=7200)
        figures["test suite (s)"] = time.perf_counter() - start
        last = done.stdout.strip().splitlines()[-1:] or ["no output"]
        print(f"  suite on {book.name}: {last[0]}")
        for line in done.stdout.splitlines():
            if line.startswith("FAILED "):
                print(f"    {line[:300]}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, help="how many generated chapters to add (N)")
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    args = parser.parse_args()
    if args.count < 1:
        parser.error("N must be at least 1")
    with tempfile.TemporaryDirectory(prefix="mlops-path-grow-") as tmp:
        base = copy_content(ROOT, Path(tmp) / "book-0")
        grown = copy_content(ROOT, Path(tmp) / f"book-{args.count}")
        grow(grown, args.count)
        print(f"Growth: the book, and the book plus {args.count} generated chapters")
        before, after = measure(base, not args.skip_tests), measure(grown, not args.skip_tests)
    print(f"  {'figure':<40} {'N = 0':>9} {f'N = {args.count}':>9} {'per chapter':>12}")
    for name, value in before.items():
        per = (after[name] - value) / args.count
        print(f"  {name:<40} {value:9.2f} {after[name]:9.2f} {per:12.3f}")
    print("  aims: the suite at most 10 s more a chapter; a page's HTML at most 2 KiB gzipped more a chapter")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`chapterkit own-words`: the share of a page's unquoted words that repeat a source, on a fictional source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tool_helpers  # noqa: F401 - puts the repository on sys.path

from chapterkit import cli
from chapterkit.author import ownwords

# A made-up resource: no real resource's text is used in the tests.
SOURCE = """\
The lighthouse keeper of Varn Island counted gulls every morning before breakfast.
He wrote each count in a green ledger that nobody else was allowed to read.
When the ferry stopped running in winter, the keeper-in-chief sent his figures by pigeon.
The pigeons preferred the long route over the northern cliffs, which doubled the delay.
"""

# Copied: 13 words in a row from the source, then 6 of our own words.
COPIED = "he wrote each count in a green ledger that nobody else was allowed and then we wrote about boats"


def book(tmp_path: Path, pages: dict[str, str]) -> tuple[Path, Path]:
    root = tmp_path / "book"
    for rel, text in pages.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    source = tmp_path / "source.txt"
    source.write_text(SOURCE, encoding="utf-8")
    return root, source


def report(tmp_path: Path, text: str, **kw: int) -> ownwords.PageReport:
    root, source = book(tmp_path, {"chapters/page.md": text})
    (result,) = ownwords.check(root, source, ["chapters/page.md"], **kw)
    return result


def test_copied_run_is_counted_and_listed(tmp_path: Path) -> None:
    result = report(tmp_path, COPIED + "\n")
    assert result.words == 19
    assert result.shared == 13
    assert result.share == pytest.approx(100 * 13 / 19)
    assert [" ".join(r.words) for r in result.runs] == [" ".join(COPIED.split()[:13])]
    assert result.where(result.runs[0]) == "chapters/page.md:1"


def test_own_words_score_zero(tmp_path: Path) -> None:
    result = report(tmp_path, "Gull counts went into a private notebook, and winter post went by bird.\n")
    assert (result.shared, result.runs) == (0, [])


@pytest.mark.parametrize("quoted", [
    '"he wrote each count in a green ledger that nobody else was allowed" and then we wrote about boats',
    "\u201che wrote each count in a green ledger that nobody else was allowed\u201d and then we wrote about boats",
    "> he wrote each count in a green ledger that nobody else was allowed and then we wrote about boats",
])
def test_quoted_spans_are_left_out(tmp_path: Path, quoted: str) -> None:
    result = report(tmp_path, quoted + "\n")
    assert result.shared == 0
    assert result.words == (0 if quoted.startswith(">") else 6)


def test_case_punctuation_dashes_and_hyphenation_do_not_hide_a_copy(tmp_path: Path) -> None:
    # Capitals, an em dash for a comma, non-breaking hyphens, a curly apostrophe for a straight one.
    text = ("WHEN THE FERRY STOPPED RUNNING IN WINTER \u2014 the keeper\u2011in\u2011chief sent his figures by "
            "pigeon. The pigeon\u2019s route\n")
    result = report(tmp_path, text)
    assert (result.words, result.shared) == (17, 16)  # all but "route"
    assert ownwords.words("The pigeon's route") == ownwords.words("the PIGEON\u2019S route")
    source_with_line_hyphen = "the keeper-\nin-chief sent his figures by pi-\ngeon"
    assert ownwords.words(source_with_line_hyphen) == ["the", "keeperinchief", "sent", "his", "figures", "by",
                                                      "pigeon"]


def test_markup_code_options_labels_front_matter_and_keys_are_left_out(tmp_path: Path) -> None:
    text = f"""---
resource:
  title: {COPIED}
---
(page-label)=
# A page

```python
# {COPIED}
```

:::{{index}} {COPIED}
:::

:::{{figure}} {COPIED.replace(' ', '-')}.png
:::

:::{{note}} Our note
:class: {COPIED}
Text `{COPIED}` and {{cite}}`he-wrote-each-count` and [our link](https://example.org/{COPIED.replace(' ', '-')}).
:::

:::{{prov}} source: {COPIED}
Boats {{prov}}`source: {COPIED}`.
:::

:::{{diagram}} diagrams/{COPIED.replace(' ', '-')}.dot
:alt: {COPIED}
:::
"""
    result = report(tmp_path, text)
    assert result.shared == 0
    assert result.words == 10  # A page Our note Text and and our link Boats


def test_runs_do_not_cross_paragraphs_or_list_items(tmp_path: Path) -> None:
    half = COPIED.split()
    text = " ".join(half[:4]) + "\n\n" + " ".join(half[4:8]) + "\n- " + " ".join(half[8:12]) + "\n"
    assert report(tmp_path, text).shared == 0


def test_notebook_markdown_cells_only(tmp_path: Path) -> None:
    nb = {"cells": [
        {"cell_type": "code", "metadata": {}, "source": [f"# {COPIED}\n"], "outputs": [], "execution_count": None},
        {"cell_type": "markdown", "metadata": {}, "source": ["Intro line.\n", COPIED + "\n"]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    root, source = book(tmp_path, {"notebooks/x/nb.ipynb": json.dumps(nb)})
    (result,) = ownwords.check(root, source, ["notebooks/x"])
    assert (result.words, result.shared) == (21, 13)
    assert result.where(result.runs[0]) == "notebooks/x/nb.ipynb:cell 1:2"


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_exit_codes_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, source = book(tmp_path, {"chapters/ours.md": "Gull counts went into a private notebook.\n",
                                   "chapters/copied.md": COPIED + "\n"})
    code, out, _ = run_cli(["own-words", "--root", str(root), "--source", str(source), "chapters"], capsys)
    assert code == 1
    assert "chapters/copied.md: 68.4% of 19 unquoted words in runs of 6+ shared with the source [OVER]" in out
    assert "chapters/ours.md:  0.0% of 7 unquoted words" in out and "[ok]" in out
    assert "  chapters/copied.md:1: he wrote each count" in out
    assert "1 over the 5% limit" in out
    code, out, _ = run_cli(["own-words", "--root", str(root), "--source", str(source), "--limit", "70",
                            "chapters"], capsys)
    assert code == 0, out
    code, out, _ = run_cli(["own-words", "--root", str(root), "--source", str(source), "chapters/ours.md"], capsys)
    assert code == 0 and "1 page," in out


@pytest.mark.parametrize(("case", "message"), [
    ("missing-source", "source not found"),
    ("empty-source", "source has no text to compare with"),
    ("binary-source", "source is a binary file"),
    ("outside", "is outside the book"),
    ("missing-page", "not found"),
    ("binary-page", "page is a binary file"),
    ("not-a-page", "is neither a Markdown page"),
    ("broken-notebook", "not a notebook"),
])
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str,
                                             message: str) -> None:
    root, source = book(tmp_path, {"chapters/ours.md": "Gull counts.\n", "chapters/pic.md": "x\0y",
                                   "chapters/data.csv": "a,b\n", "notebooks/bad.ipynb": "{not json"})
    page = {"outside": str(tmp_path), "missing-page": "chapters/nope.md", "binary-page": "chapters/pic.md",
            "not-a-page": "chapters/data.csv", "broken-notebook": "notebooks/bad.ipynb"}.get(case, "chapters/ours.md")
    if case == "missing-source":
        source = tmp_path / "nope.txt"
    elif case == "empty-source":
        source.write_text("  \n", encoding="utf-8")
    elif case == "binary-source":
        source.write_bytes(b"%PDF\0\1\2")
    code, out, err = run_cli(["own-words", "--root", str(root), "--source", str(source), page], capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err and "fix:" in err, err

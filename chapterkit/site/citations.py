"""Sphinx extension: one citation style, in the text and in the reference lists.

The text cites author-year, ``[Sculley et al., 2015]`` (``bibtex_reference_style: author_year``). pybtex's
``alpha`` style labels the lists ``[SHG+15]``, which a reader cannot match with the text. The formatting style
``author_year_labels`` (set ``bibtex_default_style`` to it) formats entries as ``alpha`` does but labels each one
with the very words the text uses: ``Sculley et al., 2015``, ``Huyen and Sculley, 2021``, ``Huyen, Winter 2022``.

Two entries with the same label could not be told apart in the text either: that is a build warning, fixed in
``references.bib`` (the course entries already name the term in ``year`` for this reason; two papers of a year
take ``2017a`` and ``2017b``). ``make check`` reports it first (BIB002). The labels are worked out in
``chapterkit/book/citelabels.py``, which the contract reads too.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import pybtex.plugin
from pybtex.database import Entry
from pybtex.style.formatting.alpha import Style as AlphaStyle
from pybtex.style.labels import BaseLabelStyle
from sphinx.application import Sphinx
from sphinx.util import logging

from chapterkit.book.citelabels import label

logger = logging.getLogger(__name__)

STYLE_NAME = "author_year_labels"


class AuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries: Iterable[Entry]) -> Iterator[str]:
        entries = list(sorted_entries)
        labels = [label(e) for e in entries]
        counts = Counter(labels)
        for entry, text in zip(entries, labels, strict=True):
            if counts[text] > 1:
                logger.warning("bibliography: %d entries cite as [%s] (%s among them); give them distinct "
                               "years in references.bib, e.g. 'Winter 2022' for a course term, 2017a and 2017b "
                               "for two papers of a year",
                               counts[text], text, entry.key, type="chapterkit", subtype="citation")
            yield text


class AuthorYearLabelStyle(AlphaStyle):
    """pybtex's ``alpha`` formatting and sorting, with author-year labels."""

    default_label_style = STYLE_NAME


@functools.cache
def _entry_points(**query: str) -> tuple[Any, ...]:
    return tuple(_ENTRY_POINTS(**query))


# pybtex looks its plugins up among the installed packages' entry points on every use (sphinxcontrib-bibtex uses
# them for every citation): 6 of the book's 30 build seconds went to scanning the same packages' metadata again.
# The packages do not change during a build, so each query is answered once.
_ENTRY_POINTS = pybtex.plugin.entry_points
pybtex.plugin.entry_points = _entry_points
pybtex.plugin.register_plugin("pybtex.style.labels", STYLE_NAME, AuthorYearLabels)
pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE_NAME, AuthorYearLabelStyle)


def setup(app: Sphinx) -> dict[str, Any]:
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

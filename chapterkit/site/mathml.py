"""Sphinx extension: formulas rendered at build time as MathML, which browsers draw natively.

No MathJax, no script, no font, no CDN: ``{math}`\\mathrm{PSI} = \\sum_i (a_i - e_i)\\ln(a_i/e_i)``` (or
``$...$`` with MyST's dollarmath) becomes a ``<math>`` element in the page. Select it with
``html_math_renderer: mathml``. A formula latex2mathml cannot read is a build warning (an error in the strict
build) that quotes it, and the page shows the TeX source instead.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number
from sphinx.writers.html5 import HTML5Translator

logger = logging.getLogger(__name__)


def to_mathml(latex: str, display: str, node: nodes.Node) -> str | None:
    try:
        return convert(latex.strip(), display=display)
    except Exception as err:  # noqa: BLE001 - latex2mathml raises many kinds for TeX it cannot read
        logger.warning("cannot render the formula %r as MathML: %s", latex.strip()[:80], err, location=node,
                       type="chapterkit", subtype="math")
        return None


def visit_math(self: HTML5Translator, node: nodes.math) -> None:
    rendered = to_mathml(node.astext(), "inline", node)
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate"))
    self.body.append(rendered if rendered is not None else self.encode(node.astext()))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_displaymath(self: HTML5Translator, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    for part in (p for p in node.astext().split("\n\n") if p.strip()):
        rendered = to_mathml(part, "block", node)
        self.body.append(rendered if rendered is not None else f"<pre>{self.encode(part)}</pre>")
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Make Sphinx's EPUB pages valid XHTML and declare what they hold, so that the EPUB passes epubcheck.

Sphinx writes `.xhtml` files but passes raw HTML through as it is: notebook outputs (pandas writes
``<style scoped>``), sphinx-design's tabs (``<input ...>`` never closed). ``to_xhtml`` re-emits a page with void
elements closed, attributes quoted, named entities as numbers and scripts dropped (an EPUB reader runs none of the
site's scripts) and SVG in its namespace; ``hoist_styles`` moves the outputs' ``<style>`` into the head;
``declare_properties`` adds the ``svg`` and ``mathml`` properties epubcheck asks for to each manifest item whose
page holds inline SVG or MathML.
"""

from __future__ import annotations

import re
from html import escape
from html.entities import name2codepoint
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
# <style scoped> and pandas' <th halign> and <th valign> (a MultiIndex): not HTML5, refused by epubcheck.
DROPPED_ATTRIBUTES = {"scoped", "halign", "valign"}
SVG_NS = "http://www.w3.org/2000/svg"
STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.DOTALL)
TAG_NAME = re.compile(r"<\s*([^\s/>]+)")


class _Xhtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.names: list[str] = []  # open elements, in their original case (SVG's are case-sensitive)
        self.skipping = 0  # inside a <script>

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], close: bool) -> None:
        if tag == "script":
            if not close:
                self.skipping += 1
            return
        if self.skipping:
            return
        raw = self.get_starttag_text() or f"<{tag}>"
        name = (TAG_NAME.match(raw) or re.match(r"(.*)", tag)).group(1)  # type: ignore[union-attr]
        unclosed_void = tag in VOID and not raw.endswith("/>")
        if unclosed_void or any(v is None or a in DROPPED_ATTRIBUTES for a, v in attrs):
            parts = [name] + [f'{a}="{escape(v if v is not None else a, quote=True)}"'
                              for a, v in attrs if a not in DROPPED_ATTRIBUTES]
            raw = "<" + " ".join(parts) + (" />" if close or tag in VOID else ">")
        if tag == "svg" and not any(a == "xmlns" for a, _ in attrs):
            raw = raw.replace(f"<{name}", f'<{name} xmlns="{SVG_NS}"', 1)  # else it is read as an XHTML element
        self.out.append(raw)
        if not close and tag not in VOID:
            self.names.append(name)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, close=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, close=True)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping or tag in VOID:
            return
        while self.names:
            name = self.names.pop()
            self.out.append(f"</{name}>")
            if name.lower() == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.names and self.names[-1].lower() == "style":
            self.out.append(data.replace("&", "&amp;").replace("<", "&lt;"))
        else:
            self.out.append(data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))

    def handle_entityref(self, name: str) -> None:
        if self.skipping:
            return
        if name in XML_ENTITIES:
            self.out.append(f"&{name};")
        elif name in name2codepoint:
            self.out.append(f"&#{name2codepoint[name]};")
        else:
            self.out.append(f"&amp;{name}")

    def handle_charref(self, name: str) -> None:
        if not self.skipping:
            self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        if not self.skipping:
            self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]]>")


def to_xhtml(text: str) -> str:
    """``text`` (an EPUB page as Sphinx wrote it) as well-formed XHTML, without scripts."""
    parser = _Xhtml()
    parser.feed(text)
    parser.close()
    while parser.names:
        parser.out.append(f"</{parser.names.pop()}>")
    return "".join(parser.out)


def hoist_styles(xhtml: str) -> str:
    """Move every ``<style>`` of the body into the head (once each): HTML5 allows them only there."""
    head_end = xhtml.find("</head>")
    body = xhtml.find("<body")
    if head_end < 0 or body < 0:
        return xhtml
    found: list[str] = []
    for style in STYLE.findall(xhtml, body):
        if style not in found:
            found.append(style)
    if not found:
        return xhtml
    rest = STYLE.sub("", xhtml[body:])
    return xhtml[:head_end] + "".join(found) + xhtml[head_end:body] + rest


def declare_properties(opf: str, properties: dict[str, str]) -> str:
    """``content.opf`` with ``properties="..."`` on the manifest item of each href in ``properties`` (``svg`` for a
    page with inline SVG, ``cover-image`` for the cover: EPUB 3's way, beside Sphinx's EPUB 2 ``meta``)."""
    def add(match: re.Match[str]) -> str:
        item = match.group(0)
        href = re.search(r'href="([^"]+)"', item)
        if href is None or href.group(1) not in properties or "properties=" in item:
            return item
        return item.replace("<item ", f'<item properties="{properties[href.group(1)]}" ', 1)

    return re.sub(r"<item\b[^>]*>", add, opf)

"""Markdown to safe HTML for guides: CommonMark without raw HTML, and only harmless links.

Raw HTML in a guide is shown as text (a `<script>` reads as `<script>`), links may only be
https, mailto, tel or relative to this site, and images show their description instead (an
image would be a request to another origin): a guide can never run code or call elsewhere.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup

SAFE_SCHEMES = ("https", "mailto", "tel")
_SLUG = re.compile(r"[^a-z0-9]+")


def safe_link(url: str) -> bool:
    """True for https, mailto and tel links, and for links relative to this site."""
    url = url.strip()
    if not url or any(ord(c) < 32 for c in url) or url.startswith(("//", "\\")) or "\\" in url:
        return False
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return False
    return scheme in SAFE_SCHEMES if scheme else True


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.enable("table")
    md.validateLink = safe_link  # type: ignore[method-assign]

    def link_open(renderer, tokens: list[Token], idx: int, options, env) -> str:  # noqa: ANN001
        href = str(tokens[idx].attrGet("href") or "")
        if href.startswith("https://"):
            tokens[idx].attrSet("rel", "noopener")
        return renderer.renderToken(tokens, idx, options, env)

    def table_open(renderer, tokens: list[Token], idx: int, options, env) -> str:  # noqa: ANN001
        # A wide table scrolls inside its own focusable region instead of widening the page;
        # the region is named in the guide's own language: by the heading above it, else by
        # its column headers (a fixed English word would be read out on every translation).
        return (f'<div class="table-wrap" role="region" {_table_name(tokens, idx)} '
                'tabindex="0">' + renderer.renderToken(tokens, idx, options, env))

    def table_close(renderer, tokens: list[Token], idx: int, options, env) -> str:  # noqa: ANN001
        return renderer.renderToken(tokens, idx, options, env) + "</div>\n"

    def image(renderer, tokens: list[Token], idx: int, options, env) -> str:  # noqa: ANN001
        # An image would be a request to wherever it lives: show its description instead.
        return escapeHtml(renderer.renderInlineAsText(tokens[idx].children or [], options, env))

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("image", image)
    md.add_render_rule("table_open", table_open)
    md.add_render_rule("table_close", table_close)
    return md


_MD = _parser()


def _table_name(tokens: list[Token], idx: int) -> str:
    """The naming attribute of a table's scroll region: the nearest heading above it (by id),
    else its column headers' text."""
    for tok in reversed(tokens[:idx]):
        if tok.type == "heading_open" and tok.attrGet("id"):
            return f'aria-labelledby="{escapeHtml(str(tok.attrGet("id")))}"'
    heads: list[str] = []
    for tok in tokens[idx:]:
        if tok.type == "thead_close":
            break
        if tok.type == "inline" and tok.content.strip():
            heads.append(tok.content.strip())
    return f'aria-label="{escapeHtml(", ".join(heads))}"'


def heading_id(text: str) -> str:
    """A stable anchor for a heading, so a colleague can link to one section."""
    return _SLUG.sub("-", text.lower()).strip("-")[:60] or "section"


def render_markdown(text: str) -> tuple[Markup, list[tuple[int, str]]]:
    """Render a guide body; also return (line, message) for each mistake found in it.

    Lines are 1-based within `text`. A `#` heading is a mistake: the guide's title is the
    page's only first-level heading.
    """
    tokens = _MD.parse(text)
    problems: list[tuple[int, str]] = []
    seen: set[str] = set()
    for i, tok in enumerate(tokens):
        if tok.type != "heading_open":
            continue
        line = (tok.map[0] + 1) if tok.map else 1
        if tok.tag == "h1":
            problems.append((line, "use '##' or deeper for headings in a guide: its title is "
                                   "the page's only '#' heading"))
        inline = tokens[i + 1] if i + 1 < len(tokens) else None
        base = heading_id(inline.content if inline is not None else "")
        anchor, n = base, 2
        while anchor in seen:
            anchor, n = f"{base}-{n}", n + 1
        seen.add(anchor)
        tok.attrSet("id", anchor)
    html = _MD.renderer.render(tokens, _MD.options, {})
    return Markup(html), problems  # noqa: S704 - markdown-it escaped every text and attribute

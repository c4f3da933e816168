"""The card (README.md) and DATASHEET.md render as the tool writes them: no raw HTML (a `<!--` from data hid
most of a card), no link or image with a scheme a browser would run or fetch from elsewhere (`javascript:`,
`data:`, a tracking image on another host). Parsed with markdown-it (CommonMark with GFM tables), the parser
family the Hub's renderer follows."""

from __future__ import annotations

import re
from collections.abc import Iterator

_SAFE_LINK = re.compile(r"^(https?://|mailto:|#|[^:/?#]+(/|$)|[^:]*$)", re.IGNORECASE)


def _tokens(tokens, line: int | None = None) -> Iterator[tuple[object, int | None]]:
    for token in tokens:
        here = token.map[0] + 1 if token.map else line
        yield token, here
        if token.children:
            yield from _tokens(token.children, here)


def markdown_problems(text: str, front_matter_lines: int = 0) -> list[tuple[int | None, str]]:
    """(line, message) for raw HTML and unsafe links or images in a Markdown document."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")
    parser.validateLink = lambda url: True  # markdown-it drops javascript: links; other renderers may not
    problems: list[tuple[int | None, str]] = []
    for token, line in _tokens(parser.parse(text)):
        shown = line + front_matter_lines if line is not None else None
        if token.type in ("html_block", "html_inline"):
            problems.append((shown, f"raw HTML {token.content.strip()[:60]!r}: nothing the tool writes is HTML, "
                                    "so it came from data and may hide or inject content"))
        elif token.type == "link_open" and not _SAFE_LINK.match(str(token.attrs.get("href", ""))):
            problems.append((shown, f"link to {token.attrs.get('href')!r}: only http(s), mailto and relative links"))
        elif token.type == "image" and not re.match(r"^[^:/?#]+(/[^:?#]*)?$", str(token.attrs.get("src", ""))):
            problems.append((shown, f"image {token.attrs.get('src')!r}: images are the release's own plots "
                                    "(a relative path), never fetched from elsewhere"))
    return problems

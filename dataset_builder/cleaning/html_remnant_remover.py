"""Remove what is left of HTML in scraped text: character entities (&nbsp; &ldquo; &#12290;) become the characters
they stand for, <br> and block tags become line breaks, and other known tags are dropped. Only well-formed entities
and known tag names are touched, so "a < b" or "AT&T" in running text stays as it is."""

from __future__ import annotations

import html
import re

from ..document import Document
from .base import CleaningOperator

_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,9}|#\d{2,7}|#[xX][0-9a-fA-F]{2,6});")
_BLOCK_TAGS = "br|p|div|li|tr|h[1-6]|section|article|table|ul|ol|blockquote|dd|dt|hr"
_INLINE_TAGS = "span|a|b|i|u|em|strong|font|img|small|big|sup|sub|td|th|tbody|thead|center|label|iframe|script|style|noscript|ins|del|s|strike|abbr|cite|code|pre"
_BREAK = re.compile(rf"<\s*/?\s*(?:{_BLOCK_TAGS})\b[^<>]{{0,300}}>", re.IGNORECASE)
_TAG = re.compile(rf"<\s*/?\s*(?:{_INLINE_TAGS})\b[^<>]{{0,300}}>", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


class HtmlRemnantRemover(CleaningOperator):
    name = "html_remnant_remover"
    unit = "chars"
    trigger = re.compile("[&<]")

    def __call__(self, doc: Document) -> None:
        text = doc.text
        if "&" not in text and "<" not in text:
            return
        before = len(text)
        changed = 0
        if "<" in text:
            text, n1 = _COMMENT.subn("", text)
            text, n2 = _BREAK.subn("\n", text)
            text, n3 = _TAG.subn("", text)
            changed += n1 + n2 + n3
        if "&" in text:
            text, n4 = _ENTITY.subn(lambda m: html.unescape(m.group(0)), text)
            changed += n4
        if changed:
            doc.text = text
            doc.record_edit(self.name, self.unit, max(changed, before - len(text)))

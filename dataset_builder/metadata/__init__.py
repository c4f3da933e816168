"""The steps of metadata extraction, one module each; `dataset_builder.extract_metadata` runs them in order.

- `names`: what a personal name looks like (surnames, role words that are not names).
- `dates`: publication dates at the precision given, read only from the head of the page.
- `labels`: `label: value` lines (来源, 作者, 关键词, 发布时间 ...).
- `sources`: breadcrumbs, periodical issue lines, news-agency datelines.
- `titles`: the headline, ranked among the head's candidate lines; site banners are never titles.
- `bylines`: authors named in bylines, which stay in the paragraph they open or close.
"""

from __future__ import annotations

from collections.abc import Sequence


class Found:
    """What the steps found on one page; the stage then lets given metadata win over it."""

    __slots__ = ("title", "published", "sources", "authors", "keywords")  # one is made per document

    def __init__(self) -> None:
        self.title: str | None = None
        self.published: str | None = None
        self.sources: dict[str, str] = {}  # kind -> value; the best kind wins
        self.authors: list[str] = []
        self.keywords: list[str] = []

    def author(self, names: Sequence[str]) -> None:
        for name in names:
            if name not in self.authors:
                self.authors.append(name)

    def source(self) -> str | None:
        if not self.sources:
            return None
        for kind in ("label", "periodical", "breadcrumb", "dateline"):
            if kind in self.sources:
                return self.sources[kind]
        return None

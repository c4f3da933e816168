"""Cross-document evidence: a line that recurs in many documents of one source is boilerplate (a site's footer,
menu or disclaimer), whatever its wording.

Documents are grouped by source: the source given by the input, else the URL's host, else the input file's folder.
A line is removed from every document of a group when it occurs in at least `min_docs` documents and in at least
`min_fraction` of the group. Metadata lines (dates, 来源/作者 labels, breadcrumbs) are kept for the extractor.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from urllib.parse import urlsplit

from ..document import Document
from .metadata_lines import is_metadata_line

_MIN_LINE_CHARS = 4  # shorter lines (a poem's title, a name) recur naturally
_MAX_LINE_CHARS = 200


def source_key(doc: Document) -> str:
    given = doc.given.get("source")
    if given:
        return f"source:{given}"
    url = doc.given.get("url")
    if url:
        host = urlsplit(url).hostname
        if host:
            return f"host:{host}"
    folder = doc.origin.file.rsplit("/", 1)[0] if "/" in doc.origin.file else ""
    return f"file:{doc.origin.file}" if doc.origin.line is not None or doc.origin.row is not None else f"folder:{folder}"


class CrossDocumentBoilerplateRemover:
    name = "cross_document_boilerplate_remover"
    unit = "lines"

    def __init__(self, min_docs: int = 5, min_fraction: float = 0.2) -> None:
        self.min_docs = min_docs
        self.min_fraction = min_fraction

    def apply(self, docs: list[Document]) -> None:
        """Remove, in place, the lines that recur across documents of one source."""
        if self.min_docs <= 0:
            return
        groups: dict[str, list[Document]] = defaultdict(list)
        for doc in docs:
            if doc.rejection is None and doc.text:
                groups[source_key(doc)].append(doc)
        for members in groups.values():
            if len(members) < self.min_docs:
                continue
            counts: Counter[str] = Counter()
            for doc in members:
                counts.update({line for line in doc.text.split("\n") if _MIN_LINE_CHARS <= len(line) <= _MAX_LINE_CHARS})
            needed = max(self.min_docs, self.min_fraction * len(members))
            common = {line for line, count in counts.items() if count >= needed and not is_metadata_line(line)}
            if not common:
                continue
            for doc in members:
                lines = doc.text.split("\n")
                kept = [line for line in lines if line not in common]
                if len(kept) != len(lines):
                    doc.record_edit(self.name, self.unit, len(lines) - len(kept))
                    doc.text = "\n".join(kept)

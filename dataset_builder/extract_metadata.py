"""Metadata from the page text: title, publication time, source, authors and keywords. Lines consumed as metadata
leave the body. Metadata given by the input (sidecar, JSONL fields, Parquet columns) wins over what is extracted.

The steps, each in its own module of `dataset_builder.metadata`, run in this order:
1. metadata lines in the head and the tail of the page (`labels`, `dates`, `sources`): labelled lines, the first
   date line above the running text (the publication date), breadcrumbs, periodical issue lines;
2. the headline (`titles`), ranked among the head's candidates; the page furniture above it goes;
3. bylines (`bylines`): a lone name under the headline or date, bylines opening or closing a paragraph, credits;
4. a news-agency dateline opening the body (`sources`).
"""

from __future__ import annotations

import re

from .cleaning.base import BatchTrigger, candidate_lines
from .cleaning.metadata_lines import BREADCRUMB_WORDS, LABELLED, LABELS, is_breadcrumb, is_date_line
from .cleaning.text_units import alternation, is_paragraph
from .cleaning.word_triggers import Layout
from .document import Document
from .metadata import Found
from .metadata.bylines import read_closing_bylines, read_lone_names, read_opening_byline
from .metadata.dates import is_event_time, iso_datetime, read_date_line
from .metadata.labels import read_labels, split_keywords
from .metadata.layout import HEAD_LINES, TAIL_LINES, head_end
from .metadata.names import is_person_name
from .metadata.sources import read_breadcrumb, read_dateline, read_periodical
from .metadata.titles import choose_title, plain_titles, title_like
from .stage import Stage

__all__ = ["MetadataExtractor", "is_person_name", "iso_datetime", "split_keywords", "title_like"]

# Any line that may carry metadata has one of these; the others are not examined further.
_METADATA_CANDIDATE = re.compile(
    alternation(
        tuple(w for words in LABELS.values() for w in words)
        + BREADCRUMB_WORDS
        + ("19", "20", "１９", "２０", ">", "＞", "»", "›", "期")
    )
)
_REPORTER = re.compile("记者|記者|通讯员|通訊員")  # an opening byline names its reporters so
_DATELINE_MARK = re.compile("[讯訊电電]")
_CLOSING_PARENTHESIS = re.compile("[)）]")
_HEAD_FURNITURE_LINES = 6  # a headline further down is not at the top of a page: nothing above it is trimmed
# What any step but the headline and the lone name needs in the text. A text without one of these (a poem: title,
# poet, verses) has no metadata line, byline or dateline, so only the headline and a lone name are read.
_MARKS = (_METADATA_CANDIDATE, _CLOSING_PARENTHESIS, _REPORTER, _DATELINE_MARK)


class MetadataExtractor(Stage):
    name = "extract_metadata"

    def __init__(self) -> None:
        super().__init__()
        self._marks = BatchTrigger(_MARKS)

    def process_many(self, docs: list[Document]) -> None:
        """The marks every step but the headline and the lone name needs are looked up for the whole batch at once
        (in numpy, `BatchTrigger`); a text with none of them skips those steps. So is whether each first line is a
        plain title (`plain_titles`), which most headlines and poem titles are."""
        texts = [doc.text for doc in docs]
        marked = set(self._marks.candidates(Layout(texts)))
        plain = plain_titles([text.partition("\n")[0] for text in texts])
        for i, doc in enumerate(docs):
            self.process(doc, marked=i in marked, plain_first=plain[i])

    def process(self, doc: Document, marked: bool = True, plain_first: bool = False) -> None:
        """`marked=False` says the text holds none of `_MARKS`: no metadata line (so nothing consumed, no date, no
        anchor), no byline closing with a parenthesis, no reporter, no dateline; the headline and a lone name are
        read alike. `plain_first=True` says its first line is a plain title (see `choose_title`)."""
        lines = doc.text.split("\n") if doc.text else []
        found = Found()
        consumed: set[int] = set()
        date_index, anchors = self._metadata_lines(lines, doc.text, found, consumed) if marked else (None, set())
        title_index = choose_title(lines, consumed, date_index, anchors, plain_first)
        if title_index is not None:
            found.title = lines[title_index]
            consumed.add(title_index)
            if title_index:  # nothing is above a first line
                self._trim_head(lines, title_index, consumed, doc)
        # the line the lone name sits under: the later of the title and the date (no max() call: this runs per text)
        anchor = title_index if title_index is not None else -1
        if date_index is not None and date_index > anchor:
            anchor = date_index
        read_lone_names(lines, consumed, anchor, found)
        if marked:
            self._bylines_and_dateline(lines, doc.text, consumed, found)
        self._publish(doc, found)
        kept = _open_lines(lines, consumed)
        doc.record_edit(self.name, "lines", len(lines) - len(kept))
        doc.text = "\n".join(kept)
        if not doc.text:
            doc.reject(self.name, "empty_after_extraction")

    @staticmethod
    def _bylines_and_dateline(lines: list[str], text: str, consumed: set[int], found: Found) -> None:
        # The cheap questions first: what each step reads cannot be there without its mark (the steps only shorten
        # lines, so the text as it came in answers for all of them).
        if _CLOSING_PARENTHESIS.search(text) is not None:  # a byline or credit closes with its parenthesis
            read_closing_bylines(lines, consumed, found)
        if _REPORTER.search(text) is not None:
            read_opening_byline(lines, consumed, HEAD_LINES, found)
        if _DATELINE_MARK.search(text) is not None:  # 某某讯, 某某社北京7月8日电
            first = next((i for i, line in enumerate(lines[:HEAD_LINES]) if i not in consumed and is_paragraph(line)), None)
            if first is not None:
                read_dateline(lines[first], found)

    @staticmethod
    def _metadata_lines(lines: list[str], text: str, found: Found, consumed: set[int]) -> tuple[int | None, set[int]]:
        """Read the metadata lines of the head and the tail; return the date line's index and the anchors (date,
        source and author lines) the headline sits above."""
        date_index: int | None = None
        anchors: set[int] = set()
        candidates = candidate_lines(_METADATA_CANDIDATE, lines, text)
        if not candidates:
            return None, anchors
        body_start = head_end(lines)
        tail_start = max(body_start, len(lines) - TAIL_LINES)
        for i in candidates:
            if body_start <= i < tail_start:
                continue  # labelled lines inside the text ("作者：" of a quoted work, a meeting's time) are text
            line = lines[i]
            if read_labels(line, found):
                consumed.add(i)
                if i < body_start:
                    anchors.add(i)
            if is_date_line(line):
                labelled = i in consumed
                # Only a date above the running text, or one labelled as the publication time, is the page's date;
                # a later date line is content (a schedule, a meeting's time, a letter's date).
                if found.published is not None or (i >= body_start and not _is_publication_label(line)) or is_event_time(line):
                    continue
                if read_date_line(line, found):
                    date_index = i
                    anchors.add(i)
                if labelled or i < body_start:
                    consumed.add(i)
            elif is_breadcrumb(line):
                consumed.add(i)
                read_breadcrumb(line, found)
            elif read_periodical(line, found):
                consumed.add(i)
                anchors.add(i)
        return date_index, anchors

    @staticmethod
    def _trim_head(lines: list[str], title_index: int, consumed: set[int], doc: Document) -> None:
        """Above the headline only page furniture is left (a channel name, a site banner, a menu): short lines that
        are not running text go; a paragraph there (a lead, a summary) stays."""
        above = [j for j in range(title_index) if j not in consumed and not is_paragraph(lines[j])]
        if above and title_index <= _HEAD_FURNITURE_LINES:
            consumed.update(above)
            doc.record_edit("page_head_trimmer", "lines", len(above))

    @staticmethod
    def _publish(doc: Document, found: Found) -> None:
        get = doc.given.get
        doc.title = get("title") or found.title
        doc.published_at = get("published_at") or found.published
        doc.source = get("source") or found.source()
        # The given lists are copied; what was found is the document's own (`found` goes with this call).
        authors, keywords = get("authors"), get("keywords")
        doc.authors = list(authors) if authors else found.authors
        doc.keywords = list(keywords) if keywords else found.keywords
        doc.url = get("url")
        doc.license = get("license")


def _open_lines(lines: list[str], consumed: set[int]) -> list[str]:
    """The lines not consumed, empty ones left out. Most often the consumed lines are the first few (a title and an
    author): then the rest is one slice."""
    if not consumed or max(consumed) == len(consumed) - 1:
        rest = lines[len(consumed) :]
        if "" not in rest:
            return rest
    return [line for i, line in enumerate(lines) if i not in consumed and line]


def _is_publication_label(line: str) -> bool:
    return any(m.lastgroup == "date" for m in LABELLED.finditer(line))

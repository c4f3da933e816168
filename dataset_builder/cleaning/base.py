"""The cleaning-operator contract.

An operator is a small named step that changes `doc.text` in place and records how much it changed with
`doc.record_edit(self.name, self.unit, n)`, so every row and the manifest can say why the text looks as it does.
Names follow `<what>_<kind>`: `pinyin_annotation_remover`, `script_converter`, ...

An operator that can only act where a pattern occurs declares it as `trigger` (or a tuple of patterns, any of which
may find something: a pure alternation of literals is searched fast, one mixed with other shapes is not): the stage
asks the texts of a whole batch at once (`BatchTrigger`: words and character classes in numpy, other patterns with one
search over the texts joined by line breaks) and runs the operator only on the documents where something was found, so most operators cost a share of one compiled-regex scan per batch. A
trigger must find something in every text the operator would change (it may find more), and must find it in the
joined texts too: no start or end of string (`^` and `$` only with re.MULTILINE), and no lookaround that a
neighbouring line break would change. An operator without a trigger may answer `may_change` itself.

Two kinds exist:
- `CleaningOperator`: works on the whole text (Unicode repair, script conversion, ...).
- `LineOperator`: decides line by line (boilerplate, spam, repeats). `LineOperator.__call__` splits the text into
  lines, asks `kept_lines` and joins the lines again when any went.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..document import Document
from .word_triggers import Layout, WordTrigger, word_spec


class CleaningOperator:
    name: str = "operator"
    unit: str = "lines"  # lines | chars | annotations | paragraphs
    trigger: re.Pattern[str] | tuple[re.Pattern[str], ...] | None = None  # None: the operator looks at every text

    def triggers(self) -> tuple[re.Pattern[str], ...]:
        if self.trigger is None:
            return ()
        return self.trigger if isinstance(self.trigger, tuple) else (self.trigger,)

    def may_change(self, text: str) -> bool:
        """The cheap question asked first: could this operator change `text` at all?"""
        return self.trigger is None or any(p.search(text) is not None for p in self.triggers())

    def batch_candidates(self, layout: Layout) -> list[int] | None:
        """The indexes of the batch's texts this operator may change (a superset of those it would change), answered
        for the whole batch at once; None when it has no batch form: then the trigger picks the texts, or, without
        one, the operator sees every text."""
        return None

    def __call__(self, doc: Document) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def process_many(self, docs: list[Document]) -> None:
        """The operator over the documents of a batch its trigger picked; an operator with a vectorised form of its
        work (script conversion) overrides this."""
        for doc in docs:
            self(doc)


class LineOperator(CleaningOperator):
    """An operator that keeps or drops (or rewrites) whole lines. Lines are already white-space normalised."""

    unit = "lines"

    def kept_lines(self, lines: list[str], doc: Document) -> list[str]:  # pragma: no cover - abstract
        """The lines to keep, as a new list when anything changed (`lines` itself is never edited in place). Must record
        its own edits (normally the number of lines dropped)."""
        raise NotImplementedError

    def __call__(self, doc: Document) -> None:
        if self.may_change(doc.text):
            self.edit_lines(doc)

    def edit_lines(self, doc: Document) -> None:
        lines = doc.text.split("\n") if doc.text else []
        kept = self.kept_lines(lines, doc)
        if kept != lines:
            doc.text = "\n".join(kept)

    def confirmed_by_batch(self, trigger: BatchTrigger) -> bool:
        """Whether the batch's answer (`BatchTrigger.matches`) is this operator's `may_change`, so the documents it
        picks need no search of their own (`edit_lines`)."""
        return trigger.exact and type(self).may_change is CleaningOperator.may_change


class BatchTrigger:
    """An operator's triggers asked of a whole batch: the word and character-class ones merged into one numpy table
    (`word_triggers`), the others searched by `batch_candidates`."""

    def __init__(self, patterns: tuple[re.Pattern[str], ...]) -> None:
        specs = [word_spec(p) for p in patterns]
        self.words = WordTrigger([s for s in specs if s is not None]) if any(s is not None for s in specs) else None
        self.word_patterns = tuple(p for p, s in zip(patterns, specs) if s is not None)
        self.patterns = tuple(p for p, s in zip(patterns, specs) if s is None)
        # Only words and classes: `matches` answers exactly where one of the patterns finds something.
        self.exact = self.words is not None and not self.patterns

    def __bool__(self) -> bool:
        return self.words is not None or bool(self.patterns)

    def candidates(self, layout: Layout) -> list[int]:
        found = self.words.candidates(layout) if self.words is not None else set()
        if self.patterns:
            found.update(batch_candidates(self.patterns, layout.texts))
        return sorted(found)

    def matches(self, layout: Layout) -> list[int]:
        """For an `exact` trigger: the indexes of the texts where `may_change` (of the base class) says True."""
        assert self.words is not None and self.exact
        return sorted(self.words.matches(layout, self.word_patterns))


def batch_candidates(patterns: tuple[re.Pattern[str], ...], texts: list[str]) -> list[int]:
    """Indexes of the texts in which one of the patterns finds something, with one search per pattern and per text
    found (not per text) over the texts joined by line breaks: after a hit the search goes on at the next text.

    A match that spans a line break between two texts counts for every text it touches, so a text is never missed:
    where a pattern matches in a text alone, it matches at the same place in the joined texts (see the trigger
    contract above), and the search finds it or an earlier match that reaches into the text."""
    if not texts:
        return []
    joined = "\n".join(texts)
    starts: list[int] | None = None
    found: set[int] = set()
    for pattern in patterns:
        match = pattern.search(joined)
        while match is not None:
            if starts is None:
                starts = [0]
                for text in texts[:-1]:
                    starts.append(starts[-1] + len(text) + 1)
            first = bisect_right(starts, match.start()) - 1
            last = max(first, bisect_right(starts, match.end() - 1) - 1)
            found.update(range(first, last + 1))
            if last + 1 >= len(texts):
                break
            match = pattern.search(joined, starts[last + 1])
    return sorted(found)


def candidate_lines(pattern: re.Pattern[str], lines: list[str], text: str | None = None) -> list[int]:
    """Indexes of the lines where `pattern` matches, found with one search over the whole text.

    This is what keeps line operators fast: a document with no match costs one regex search, not a Python call per
    line. `pattern` must not match across a line break.
    """
    if text is None:
        text = "\n".join(lines)
    first = pattern.search(text)
    if first is None:
        return []
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    found: list[int] = []
    for match in pattern.finditer(text, first.start()):
        index = bisect_right(starts, match.start()) - 1
        if not found or found[-1] != index:
            found.append(index)
    return found


def drop_lines(operator: LineOperator, lines: list[str], doc: Document, drop: set[int]) -> list[str]:
    """Drop the lines at the given indexes and record how many went."""
    if not drop:
        return lines
    doc.record_edit(operator.name, operator.unit, len(drop))
    return [line for i, line in enumerate(lines) if i not in drop]

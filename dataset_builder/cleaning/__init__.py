"""The cleaning stage: an ordered list of small operators, each in its own module, then cross-document evidence.

Character-level operators run first (repair, Pinyin, script, white space, punctuation width), then line operators that each drop a
kind of line (and record how many), then, once every document has been cleaned alone, the lines that recur across
documents of one source. A document left empty is rejected (`empty_after_cleaning`); one that is mostly spam is
rejected by the spam operator (`spam`).
"""

from __future__ import annotations

from ..config import CleanConfig
from ..document import Document
from ..stage import Stage
from .base import BatchTrigger, CleaningOperator, LineOperator
from .control_char_remover import ControlCharRemover
from .cross_document import CrossDocumentBoilerplateRemover
from .gbk_misalignment_repairer import GbkMisalignmentRepairer
from .html_remnant_remover import HtmlRemnantRemover
from .page_chrome import CopyrightRemover, HttpErrorRemover, JunkLineRemover, NavigationRemover
from .pinyin_annotation_remover import PinyinAnnotationRemover
from .punctuation_width_normalizer import PunctuationWidthNormalizer
from .related_lists import PageTailTrimmer, RelatedListRemover
from .repeats import DuplicateLineRemover, TeaserRemover
from .script_converter import ScriptConverter
from .spam import SpamLineRemover
from .unicode_fixer import UnicodeFixer
from .whitespace_normalizer import WhitespaceNormalizer
from .word_triggers import Layout


def build_operators(config: CleanConfig) -> list[CleaningOperator]:
    """The operators in the order they run; read top to bottom."""
    operators: list[CleaningOperator] = [HtmlRemnantRemover(), UnicodeFixer(config.unicode_form), ControlCharRemover()]
    if config.repair_gbk_misalignment:
        operators.append(GbkMisalignmentRepairer())  # before Pinyin removal and conversion: it re-encodes to GBK
    if config.remove_pinyin_annotations:
        operators.append(PinyinAnnotationRemover())  # before conversion: readings are looked up on the original
    operators.append(ScriptConverter(config.to_simplified, config.opencc_profile, config.convert_metadata))
    operators.append(WhitespaceNormalizer())
    if config.full_width_punctuation:
        operators.append(PunctuationWidthNormalizer())  # after white space: the spaces around a mark are single
    # Line operators: the text is one paragraph per line from here on.
    operators.append(JunkLineRemover())
    if config.remove_spam:
        operators.append(SpamLineRemover(config.max_spam_share))
    if config.remove_boilerplate:
        operators += [HttpErrorRemover(), CopyrightRemover(), NavigationRemover(), RelatedListRemover(), PageTailTrimmer()]
    if config.remove_repeats:
        operators += [TeaserRemover(), DuplicateLineRemover(config.duplicate_line_min_chars)]
    return operators


class CleanStage(Stage):
    name = "clean"

    def __init__(self, config: CleanConfig) -> None:
        super().__init__()
        self.operators = build_operators(config)
        self._operators = [(op, BatchTrigger(op.triggers())) for op in self.operators]
        # Cross-document evidence needs every document of a source: a global step after each is cleaned alone.
        if config.remove_boilerplate and config.cross_document_min_docs > 0:
            self.global_step = CrossDocumentBoilerplateRemover(
                config.cross_document_min_docs, config.cross_document_min_fraction
            )

    def process(self, doc: Document) -> None:
        self.process_many([doc])

    def process_many(self, docs: list[Document]) -> None:
        """Clean each document alone (every operator but the cross-document one), operator by operator over the
        batch: each operator's trigger (or its own batch form, `batch_candidates`) is asked of the batch's current
        texts at once, and the operator runs only on the documents it picked. The texts' code points are shared by the
        triggers until an operator changes a text. A document rejected by an operator (spam) is not handed to the next."""
        layout: Layout | None = None
        for operator, trigger in self._operators:
            layout = layout or Layout([doc.text for doc in docs])  # code points only once a trigger asks
            picked = operator.batch_candidates(layout)  # the operator's own batch form first, else its trigger's
            confirmed = picked is None and isinstance(operator, LineOperator) and operator.confirmed_by_batch(trigger)
            if confirmed:
                picked = trigger.matches(layout)
            elif picked is None and trigger:
                picked = trigger.candidates(layout)
            indexes = range(len(docs)) if picked is None else sorted(picked)
            todo = docs if picked is None else [docs[i] for i in indexes]
            before = layout.texts if picked is None else [layout.texts[i] for i in indexes]
            if confirmed:
                for doc in todo:
                    operator.edit_lines(doc)  # the batch's answer was the operator's own question
            else:
                operator.process_many(todo)
            changed = {i: doc.text for i, doc, text in zip(indexes, todo, before) if doc.text is not text}
            if changed:
                layout = layout.replaced(changed)
            if any(doc.rejection is not None for doc in todo):  # only the documents it saw can it have rejected
                docs, layout = [doc for doc in docs if doc.rejection is None], None

    def finish(self, doc: Document) -> None:
        """After the cross-document lines are gone: a document left empty is rejected."""
        if doc.rejection is None and not doc.text:
            doc.reject(self.name, "empty_after_cleaning")

"""The cleaning stage: an ordered list of small operators, each in its own module."""

from __future__ import annotations

from ..config import CleanConfig
from ..document import Document
from ..stage import Stage
from .base import CleaningOperator
from .pinyin_annotation_remover import PinyinAnnotationRemover
from .script_converter import ScriptConverter
from .unicode_fixer import UnicodeFixer
from .whitespace_normalizer import WhitespaceNormalizer


def build_operators(config: CleanConfig) -> list[CleaningOperator]:
    """The operators in the order they run; read top to bottom."""
    operators: list[CleaningOperator] = [UnicodeFixer(config.unicode_form)]
    if config.remove_pinyin_annotations:
        operators.append(PinyinAnnotationRemover())  # before conversion: readings are looked up on the original
    operators.append(ScriptConverter(config.to_simplified, config.opencc_profile))
    operators.append(WhitespaceNormalizer())
    return operators


class CleanStage(Stage):
    name = "clean"

    def __init__(self, config: CleanConfig) -> None:
        super().__init__()
        self.operators = build_operators(config)

    def process(self, doc: Document) -> None:
        for operator in self.operators:
            operator(doc)
        if not doc.text:
            doc.reject(self.name, "empty_after_cleaning")

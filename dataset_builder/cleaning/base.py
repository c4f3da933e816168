"""The cleaning-operator contract.

An operator is a small named step that changes `doc.text` in place and records how much it changed with
`doc.record_edit(self.name, self.unit, n)`, so every row and the manifest can say why the text looks as it does.
Names follow `<what>_<kind>`: `pinyin_annotation_remover`, `script_converter`, ...
"""

from __future__ import annotations

from ..document import Document


class CleaningOperator:
    name: str = "operator"
    unit: str = "lines"  # lines | chars | annotations | paragraphs

    def __call__(self, doc: Document) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

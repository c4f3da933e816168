from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dataset_builder.document import Document, Origin  # noqa: E402


@pytest.fixture
def make_doc():
    def make(text: str, **given) -> Document:
        return Document(id="t", text=text, raw_text=text, origin=Origin("t.txt"), given=given)

    return make

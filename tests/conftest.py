from __future__ import annotations

from pathlib import Path

import pytest

from release_fixture import write_release

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def release(tmp_path: Path) -> tuple[Path, Path]:
    """(config path, release dir) of a freshly written small release."""
    return write_release(tmp_path)


@pytest.fixture
def seed_answers() -> Path:
    return REPO / "datasheet.yaml"

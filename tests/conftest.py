from __future__ import annotations

import random
import shutil
import tomllib
from pathlib import Path

import pytest

from dataset_builder.document import Document, Origin

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
ROOT = REPO
# The seed dataset's current version, as dataset.toml says: tests follow it when the version is bumped.
SEED_VERSION = tomllib.loads((REPO / "dataset.toml").read_text("utf-8"))["version"]
SEED_RELEASE = f"dist/zh-web-seeds/{SEED_VERSION}"


@pytest.fixture
def seed_project(tmp_path: Path) -> Path:
    """A copy of the seed dataset's config and raw inputs, with no release built yet."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copy(REPO / "dataset.toml", tmp_path / "dataset.toml")
    for extra in ("datasheet.yaml",):
        if (REPO / extra).exists():
            shutil.copy(REPO / extra, tmp_path / extra)
    return tmp_path


def write_config(folder: Path, inputs: str, extra: str = "", split: str = "train = 0.8\nvalidation = 0.1\ntest = 0.1") -> Path:
    """A minimal valid config over the given [[inputs]] tables."""
    path = folder / "dataset.toml"
    path.write_text(
        f'name = "demo"\nversion = "1.0.0"\ndescription = "demo"\nlicense = "cc-by-4.0"\nlanguage = ["zh"]\n'
        f"{extra}\n{inputs}\n[split]\n{split}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def release(tmp_path: Path) -> tuple[Path, Path]:
    """(config path, release dir) of a small hand-made release whose every figure is known."""
    from tests.release_fixture import write_release

    return write_release(tmp_path)


@pytest.fixture
def seed_answers() -> Path:
    """The seed dataset's datasheet answers."""
    return REPO / "datasheet.yaml"


@pytest.fixture
def make_doc():
    """A one-off document with the given text and input metadata."""
    def make(text: str, **given) -> Document:
        return Document(id="t", text=text, raw_text=text, origin=Origin("t.txt"), given=given)

    return make


@pytest.fixture(scope="session")
def seed_release(tmp_path_factory) -> Path:
    """The seed release as the library builds it, once per test session (identical to the committed dist/)."""
    from tests.validate_helpers import build_seed_release

    return build_seed_release(tmp_path_factory.mktemp("seed"))


_POOL = "国务院今日召开常务会议研究部署进一步扩大内需的政策措施强调坚持稳中求进工作总基调山水风雨春秋日月星辰城乡教育医疗"


def distinct_text(k: int, chars: int = 120) -> str:
    """Chinese sentences of characters drawn at random (seeded by k) from one pool: texts of two different k share
    almost no 5-gram, so deduplication keeps each (neither exact nor near duplicates)."""
    rng = random.Random(f"distinct-{k}")
    return "".join("".join(rng.choices(_POOL, k=19)) + "。" for _ in range(chars // 20))

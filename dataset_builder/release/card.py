"""The Hub dataset card (README.md): YAML front matter computed from the written shards, never typed by hand."""

from __future__ import annotations

from ..config import Config
from ..schema import document_features
from ..vocab import size_category
from .parquet_shards import WrittenFile


def card_yaml(config: Config, shards: dict[str, list[WrittenFile]]) -> str:
    """The front matter: configs with data_files per split, dataset_info with exact sizes, and the vocabulary fields."""
    from datasets.info import DatasetInfo, DatasetInfosDict
    from datasets.splits import SplitDict, SplitInfo
    from huggingface_hub import DatasetCardData

    splits = SplitDict()
    for split, files in shards.items():
        splits.add(SplitInfo(name=split, num_bytes=sum(f.arrow_bytes for f in files), num_examples=sum(f.rows or 0 for f in files)))
    info = DatasetInfo(
        features=document_features(),
        splits=splits,
        download_size=sum(f.bytes for files in shards.values() for f in files),
        dataset_size=sum(s.num_bytes for s in splits.values()),
    )
    total = sum(s.num_examples for s in splits.values())
    card_data = DatasetCardData(
        language=list(config.language),
        license=config.license,
        pretty_name=config.pretty_name or config.name,
        size_categories=[size_category(total)],
        task_categories=list(config.task_categories) or None,
        configs=[
            {
                "config_name": "default",
                "data_files": [{"split": split, "path": f"data/{split}-*"} for split in shards],
            }
        ],
    )
    DatasetInfosDict({"default": info}).to_dataset_card_data(card_data)
    return card_data.to_yaml()


def render_card(config: Config, shards: dict[str, list[WrittenFile]], body: str) -> str:
    from huggingface_hub import DatasetCard

    card = DatasetCard(f"---\n{card_yaml(config, shards)}\n---\n\n{body.strip()}\n")
    return str(card)

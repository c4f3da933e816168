"""croissant.json: machine-readable metadata of a release in Croissant 1.1 (with the Responsible AI
extension), built with mlcroissant's own API so that `mlcroissant validate` accepts it.

- every Parquet shard of `data/` is a FileObject with its sha256 and size (from the release files);
- one FileSet `parquet-files` covers the shards, and the RecordSet `default` reads its typed columns from it;
- the RecordSet `splits` enumerates the splits, and the field `default/split` takes each row's split from the
  shard's file name;
- the Responsible AI properties carry the maintainer's datasheet answers.

The nested columns `origin`, `edits` and `quality` are not fields of `default`: mlcroissant 1.1.1 cannot read
nested Parquet columns, and a field it cannot read would make the file claim more than it can deliver.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from ..hashing import file_sha256
from ..config import Config
from ..schema import load_schema
from .answers import Answers
from .facts import ReleaseFacts

CROISSANT = "http://mlcommons.org/croissant/1.1"
CROISSANT_RAI = "http://mlcommons.org/croissant/RAI/1.0"
PARQUET = "application/x-parquet"
NESTED = ("origin", "edits", "quality")



def _field_type(mlc: Any, node: dict[str, Any]) -> tuple[Any, bool]:
    kinds = node.get("type")
    kinds = [k for k in ([kinds] if isinstance(kinds, str) else kinds) if k != "null"]
    kind = kinds[0]
    if kind == "array":
        return _field_type(mlc, node["items"])[0], True
    return {
        "string": mlc.DataType.TEXT,
        "integer": mlc.DataType.INTEGER,
        "number": mlc.DataType.FLOAT64,
        "boolean": mlc.DataType.BOOL,
    }[kind], False


def plain_citation(config: Config, answers: Answers, facts: ReleaseFacts) -> str:
    """A citation made from the release's own facts, for when datasheet.yaml gives no BibTeX."""
    creators = ", ".join(c["name"] for c in (answers.about("creators") or [])) or "Unknown creators"
    year = (answers.about("date_published") or "")[:4] or "n.d."
    url = answers.about("url") or config.homepage
    return f"{creators} ({year}). {config.pretty_name or config.name}, version {facts.version}." + (
        f" {url}" if url else ""
    )


def _rai(answers: Answers) -> dict[str, Any]:
    """Responsible AI properties from the datasheet answers (only the answered ones)."""

    def text(*keys: tuple[str, str]) -> str | None:
        parts = [answers.get(*k) for k in keys]
        parts = [p for p in parts if isinstance(p, str)]
        return "\n\n".join(parts) or None

    def listed(*keys: tuple[str, str]) -> list[str] | None:
        value = text(*keys)
        return [value] if value else None

    rai = {
        "data_collection": text(("collection_process", "acquisition"), ("collection_process", "mechanisms"),
                                ("collection_process", "sampling_strategy"), ("collection_process", "collectors")),
        "data_collection_missing_data": text(("composition", "missing_information")),
        "data_collection_raw_data": text(("preprocessing", "raw_data_saved")),
        "data_preprocessing_protocol": listed(("preprocessing", "done")),
        "data_biases": listed(("composition", "sample")),
        "data_limitations": listed(("composition", "errors_noise_redundancy"), ("uses", "impact_future_uses")),
        "data_use_cases": listed(("uses", "other_tasks"), ("uses", "not_for")),
        "data_social_impact": text(("uses", "impact_future_uses")),
        "personal_sensitive_information": listed(("composition", "identify_individuals"), ("composition", "sensitive")),
        "data_release_maintenance_plan": text(("maintenance", "updates"), ("maintenance", "older_versions")),
    }
    return {k: v for k, v in rai.items() if v}


def build_croissant(release_dir: Path, config: Config, answers: Answers, facts: ReleaseFacts) -> dict[str, Any]:
    """The Croissant JSON-LD of the release, as mlcroissant writes it."""
    import mlcroissant as mlc  # imported lazily: slow to import, and only needed here

    split_names = [s.name for s in facts.splits]
    date = answers.about("date_published")
    citation = answers.about("citation") or plain_citation(config, answers, facts)
    creators = [
        mlc.Organization(name=c["name"], url=c.get("url"), email=c.get("email"))
        if "email" in c or "url" in c else mlc.Organization(name=c["name"])
        for c in (answers.about("creators") or [])
    ]
    metadata = mlc.Metadata(
        name=config.name,
        description=config.description,
        version=facts.version,
        license=[config.license],
        url=answers.about("url") or config.homepage,
        creators=creators,
        date_published=dt.datetime.strptime(date, "%Y-%m-%d") if date else None,
        in_language=list(config.language),
        keywords=list(config.task_categories) or None,
        cite_as=citation,
        conforms_to=[CROISSANT, CROISSANT_RAI],
        distribution=_distribution(mlc, Path(release_dir), facts),
        record_sets=[_splits_record_set(mlc, split_names), _default_record_set(mlc, split_names)],
        **_rai(answers),
    )
    return metadata.to_json()


def _distribution(mlc: Any, release_dir: Path, facts: ReleaseFacts) -> list[Any]:
    """A FileObject per shard and the FileSet of them all."""
    distribution: list[Any] = []
    for split in facts.splits:
        for rel in split.files:
            # Hashed from the file itself, not copied from the manifest: croissant.json must describe the
            # bytes that are there (a disagreement with the manifest is reported by compute_facts).
            path = release_dir / rel
            distribution.append(mlc.FileObject(
                id=rel, name=rel, content_url=rel, encoding_formats=[PARQUET],
                sha256=file_sha256(path)[0], content_size=f"{path.stat().st_size} B",
                description=f"Shard of the {split.name} split.",
            ))
    distribution.append(mlc.FileSet(
        id="parquet-files", name="parquet-files", encoding_formats=[PARQUET], includes=["data/*.parquet"],
        description="Every Parquet shard of every split.",
    ))
    return distribution


def _splits_record_set(mlc: Any, split_names: list[str]) -> Any:
    return mlc.RecordSet(
        id="splits", name="splits", description="The splits of the dataset.",
        data_types=[mlc.DataType.SPLIT], key=["splits/name"],
        fields=[mlc.Field(id="splits/name", name="name", description="Split name.", data_types=[mlc.DataType.TEXT])],
        data=[{"splits/name": name} for name in split_names],
    )


def _default_record_set(mlc: Any, split_names: list[str]) -> Any:
    """The rows: a field per flat column of the row schema, and the split taken from the shard's file name."""
    fields = []
    for name, node in load_schema("document")["properties"].items():
        if name in NESTED:
            continue
        kind, is_array = _field_type(mlc, node)
        fields.append(mlc.Field(
            id=f"default/{name}", name=name, description=node.get("description"), data_types=[kind],
            is_array=True if is_array else None, array_shape="-1" if is_array else None,
            source=mlc.Source(file_set="parquet-files", extract=mlc.Extract(column=name)),
        ))
    pattern = "|".join(re.escape(n) for n in split_names)
    fields.append(mlc.Field(
        id="default/split", name="split", description="The split of the row, from its shard's file name.",
        data_types=[mlc.DataType.TEXT], references=mlc.Source(field="splits/name"),
        source=mlc.Source(
            file_set="parquet-files", extract=mlc.Extract(file_property=mlc.FileProperty.fullpath),
            # Matches the shard path and, as mlcroissant re-applies it, the split name it produced.
            transforms=[mlc.Transform(regex=f"^(?:.*/)?({pattern})(?:-[0-9]+-of-[0-9]+\\.parquet)?$")],
        ),
    ))
    return mlc.RecordSet(
        id="default", name="default", key=["default/id"], fields=fields,
        description="One row per kept document (schema/document.schema.json of dataset-builder; the nested "
        "columns origin, edits and quality are in the Parquet files but not described here).",
    )


def dump_croissant(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

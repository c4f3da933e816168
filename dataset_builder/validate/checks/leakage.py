"""No near-duplicate leaks from train into validation or test.

A build assigns the split from the near-duplicate cluster, so two documents above the threshold never sit in
different splits. This check re-derives it from the release alone: MinHash signatures of every kept row (with
the settings the manifest records under `dedup`), the LSH candidates between a validation or test row and the
train rows (the build's own band search, vectorised with numpy), confirmed by the estimated Jaccard similarity. A
leak is a problem naming both ids. It holds one signature per kept row (512 bytes with the defaults).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from ...config import DedupConfig
from ...dedup_near import candidate_pairs, estimated_jaccard, signatures
from ...release.reader import Release
from ..report import Problem
from ..view import ReleaseView, problem

EVALUATION_SPLITS = ("validation", "test")


@dataclass(frozen=True)
class Leak:
    file: str  # the validation or test shard
    row: int
    id: str
    train_id: str
    similarity: float


def dedup_settings(manifest: Any) -> DedupConfig | None:
    """The near-duplicate settings the release was built with; None when near-duplicate removal was off."""
    recorded = manifest.get("dedup") if isinstance(manifest, dict) else None
    if not isinstance(recorded, dict):
        return DedupConfig()
    if recorded.get("near") is False:
        return None
    names = {f.name for f in fields(DedupConfig)}
    return DedupConfig(**{k: v for k, v in recorded.items() if k in names})


def split_leaks(release: Release, config: DedupConfig) -> list[Leak]:
    """Validation and test rows whose estimated similarity to a train row reaches the threshold: the build's own
    candidate search (LSH bands, dedup_near.candidate_pairs) over every kept row, then the pairs that join an
    evaluation row to a train row, confirmed by the estimated Jaccard similarity. Each leaking row is reported once,
    with its most similar train row (the lowest id among equals)."""
    by_id: dict[str, bytes] = {}  # signatures
    train: set[str] = set()
    where: dict[str, tuple[str, int]] = {}  # evaluation id -> (file, row)
    for split in ("train", *EVALUATION_SPLITS):
        for rel in release.split_files(split):
            for n, id_, sig in _signed_rows(release, rel, config):
                by_id[id_] = sig
                if split == "train":
                    train.add(id_)
                else:
                    where[id_] = (rel, n)
    best: dict[str, tuple[float, str]] = {}  # evaluation id -> (similarity, train id)
    for a, b in candidate_pairs(by_id, sorted(by_id), config):
        if (a in train) == (b in train):
            continue
        mine, theirs = (a, b) if b in train else (b, a)
        similarity = estimated_jaccard(by_id[mine], by_id[theirs])
        if similarity >= config.threshold and (mine not in best or (-similarity, theirs) < (-best[mine][0], best[mine][1])):
            best[mine] = (similarity, theirs)
    return [Leak(*where[id_], id_, train_id, similarity)
            for id_, (similarity, train_id) in sorted(best.items(), key=lambda kv: where[kv[0]])]


_ROWS_AT_ONCE = 4096


def _signed_rows(release: Release, rel: str, config: DedupConfig) -> Iterator[tuple[int, str, bytes]]:
    """(row number, id, signature bytes) of each row of a shard whose text has a signature, the signatures computed
    a batch of rows at a time (`dedup_near.signatures`, the values `signature` gives each text alone): row by row,
    they were 3.7 of the 7 s `validate` took on the whole bench corpus's release."""
    first = 0
    for batch in release.batches(rel, ["id", "text"], _ROWS_AT_ONCE):
        ids = batch.column("id").to_pylist()
        matrix, signed = signatures([text or "" for text in batch.column("text").to_pylist()], config)
        for n in np.flatnonzero(signed).tolist():
            yield first + n, ids[n], matrix[n].tobytes()
        first += len(ids)


def leakage_problems(view: ReleaseView) -> Iterator[Problem]:
    try:
        settings = dedup_settings(view.release.manifest())
    except (OSError, ValueError):
        settings = DedupConfig()  # the manifest check reports it; the defaults still find leaks
    if settings is None:
        return
    for leak in split_leaks(view.release, settings):
        yield problem(leak.file, f"{leak.id!r} is a near-duplicate of train document {leak.train_id!r} (estimated "
                      f"Jaccard {leak.similarity:.2f} >= {settings.threshold:g}): evaluation data leaks into training",
                      row=leak.row, field="text", check="leakage", kind="leak")

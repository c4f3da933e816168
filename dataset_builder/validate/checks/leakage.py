"""No near-duplicate leaks from train into validation or test.

A build assigns the split from the near-duplicate cluster, so two documents above the threshold never sit in
different splits. This check re-derives it from the release alone: MinHash signatures of every kept row (with
the settings the manifest records under `dedup`), LSH candidates between a validation or test row and the train
rows, confirmed by the estimated Jaccard similarity. A leak is a problem naming both ids.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from collections.abc import Iterator

from ...config import DedupConfig
from ...dedup_near import band_keys, estimated_jaccard, signature
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
    """Validation and test rows whose estimated similarity to a train row reaches the threshold."""
    buckets: dict[bytes, list[tuple[str, bytes]]] = {}
    for row in release.rows(release.split_files("train"), ["id", "text"]):
        sig = signature(row["text"] or "", config)
        if sig is not None:
            for key in band_keys(sig.tobytes(), config):
                buckets.setdefault(key, []).append((row["id"], sig.tobytes()))
    leaks: list[Leak] = []
    for split in EVALUATION_SPLITS:
        for rel in release.split_files(split):
            for n, row in enumerate(release.rows(rel, ["id", "text"])):
                sig = signature(row["text"] or "", config)
                if sig is None:
                    continue
                mine = sig.tobytes()
                best: tuple[float, str] | None = None
                for key in band_keys(mine, config):
                    for train_id, theirs in buckets.get(key, ()):
                        similarity = estimated_jaccard(mine, theirs)
                        if similarity >= config.threshold and (best is None or (-similarity, train_id) < (-best[0], best[1])):
                            best = (similarity, train_id)
                if best is not None:
                    leaks.append(Leak(rel, n, row["id"], best[1], best[0]))
    return leaks


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

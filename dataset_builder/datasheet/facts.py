"""Figures about a release, from a tally of its rows: filled by the build as it writes them (no shard is read
back), or by one scan of the files of an existing release folder (Parquet shards and manifest.json), so the
documents of a release can be regenerated without rebuilding it, and every figure in them can be checked
against the data. Both ways go through the same `FactsTally`, so they agree.
"""

from __future__ import annotations

import heapq
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..release.reader import Release
from ..split_assign import SPLITS
from .answers import DatasheetError

UNKNOWN = "(unknown)"
# Metadata columns whose absence is worth counting: (column, "null" or "empty list").
METADATA_COLUMNS = ("title", "published_at", "source", "authors", "keywords", "url")


@dataclass(frozen=True)
class SplitFacts:
    name: str
    documents: int
    characters: int
    files: tuple[str, ...]  # release-relative paths of its shards


@dataclass(frozen=True)
class HistogramBin:
    low: int  # inclusive
    high: int  # exclusive
    count: int


@dataclass
class ReleaseFacts:
    name: str
    version: str
    manifest: dict[str, Any]
    splits: list[SplitFacts]
    lengths: list[int]  # num_chars of every kept document, ascending
    histogram: list[HistogramBin]
    years: list[tuple[str, int]]  # (year or UNKNOWN, documents), years ascending, unknown last
    date_range: tuple[str, str] | None  # earliest and latest published_at as given
    sources: list[tuple[str, int]]  # most documents first, then by name; UNKNOWN for null
    scripts: list[tuple[str, int]]
    languages: list[tuple[str, int]]
    flags: list[tuple[str, int]]
    missing_metadata: list[tuple[str, int]]  # (column, kept documents without it)
    cleaning: list[dict[str, Any]]  # per (operator, unit) over kept rows: count, documents
    rejected_by_reason: list[tuple[str, str, int]]  # (stage, reason, documents)
    duplicates_by_kind: list[tuple[str, int]]  # (kind: exact | near, documents), by kind
    duplicate_originals: int  # kept documents of which at least one copy was removed
    duplicate_examples: list[tuple[str, str, str]]  # the DUPLICATE_EXAMPLES first (id, duplicate_of, kind) by id
    licenses: list[tuple[str, int]] = field(default_factory=list)  # per-document `license`; UNKNOWN: none stated
    warnings: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return sum(n for _, _, n in self.rejected_by_reason)

    @property
    def duplicates(self) -> int:
        return sum(n for _, n in self.duplicates_by_kind)

    @property
    def kept(self) -> int:
        return sum(s.documents for s in self.splits)

    @property
    def characters(self) -> int:
        return sum(s.characters for s in self.splits)

    @property
    def counts(self) -> dict[str, Any]:
        return self.manifest.get("counts", {})

    def length_summary(self) -> dict[str, float]:
        """min, quartiles, median, mean and max of document length (characters); empty when nothing is kept."""
        values = self.lengths
        if not values:
            return {}
        return {
            "min": values[0],
            "p25": _quantile(values, 0.25),
            "median": _quantile(values, 0.5),
            "p75": _quantile(values, 0.75),
            "max": values[-1],
            "mean": round(sum(values) / len(values), 1),
        }


def _quantile(sorted_values: list[int], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), rounded to 0.1."""
    pos = (len(sorted_values) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    value = sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)
    return round(value, 1)


def _nice_width(span: int, target_bins: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that covers `span` in at most `target_bins` bins."""
    raw = max(span / target_bins, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if step * magnitude >= raw:
            return int(step * magnitude)
    return int(10 * magnitude)  # pragma: no cover


def length_histogram(lengths: list[int], target_bins: int = 10) -> list[HistogramBin]:
    """Equal-width bins with round edges over the bulk of the lengths, then one wider bin for the long tail.

    The bulk ends at Tukey's upper fence (third quartile + 1.5 interquartile ranges): web text has a few pages far
    longer than the rest, and equal bins stretched to reach them would put nearly every document in the first."""
    if not lengths:
        return []
    values = sorted(lengths)
    q1, q3 = _quantile(values, 0.25), _quantile(values, 0.75)
    bulk_top = min(values[-1], int(q3 + 1.5 * (q3 - q1)))
    width = _nice_width(bulk_top - values[0] + 1, target_bins)
    start = (values[0] // width) * width
    end = (bulk_top // width + 1) * width
    # Counted in numpy: a release has a length per kept document, and the datasheet needs the bins three times.
    array = np.asarray(values, dtype=np.int64)
    below = array[array < end]
    counts = np.bincount((below - start) // width, minlength=(end - start) // width).tolist()
    bins = [HistogramBin(start + i * width, start + (i + 1) * width, counts[i]) for i in range((end - start) // width)]
    tail = len(array) - len(below)
    if tail:
        bins.append(HistogramBin(end, values[-1] + 1, tail))
    return bins


def _by_count(counter: Counter) -> list[tuple[str, int]]:
    """Most documents first, ties by name; the unknown bucket always last."""
    items = [(UNKNOWN if k is None else str(k), n) for k, n in counter.items()]
    return sorted(items, key=lambda kv: (kv[0] == UNKNOWN, -kv[1], kv[0]))



def read_manifest(release: Release) -> dict[str, Any]:
    path = release.path("manifest.json")
    try:
        return release.manifest()
    except OSError as exc:
        raise DatasheetError(f"{path}: cannot read the release manifest: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise DatasheetError(f"{path}: not valid JSON: {exc}") from None


def split_names(release: Release, manifest: dict[str, Any]) -> list[str]:
    found = {f[len("data/"):].split("-", 1)[0] for f in release.parquet_files("data")}
    found |= set(manifest.get("counts", {}).get("splits", {}))
    return [s for s in SPLITS] + sorted(found - set(SPLITS))


DUPLICATE_EXAMPLES = 5  # duplicates listed in the datasheet
KEPT_COLUMNS = ["id", "num_chars", "published_at", "source", "script", "language", "flags", "edits",
                "title", "authors", "keywords", "url", "license"]


@dataclass
class FactsTally:
    """Mergeable counts of a release's rows, filled by the build while it writes them or by one scan of an
    existing release: the figures of the datasheet and card come from this either way. It holds no row per
    document, only counters and `duplicate_of`, the set of kept documents that have a removed copy (at most one
    id per kept document): lists of (id, stage, reason, details) and (id, duplicate_of, kind), 300,000 rows for a
    16x repeated input, were the largest part of the memory its release writer used."""

    split_documents: Counter = field(default_factory=Counter)
    split_characters: Counter = field(default_factory=Counter)
    split_files: dict[str, list[str]] = field(default_factory=dict)
    lengths: Counter = field(default_factory=Counter)  # num_chars -> kept documents
    years: Counter = field(default_factory=Counter)
    first_date: str | None = None
    last_date: str | None = None
    sources: Counter = field(default_factory=Counter)
    scripts: Counter = field(default_factory=Counter)
    licenses: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    flags: Counter = field(default_factory=Counter)
    missing: Counter = field(default_factory=Counter)
    cleaning: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    rejected: Counter = field(default_factory=Counter)  # (stage, reason) -> documents
    duplicates: Counter = field(default_factory=Counter)  # kind -> documents
    duplicate_of: set[str] = field(default_factory=set)
    duplicate_examples: list[tuple[str, str, str]] = field(default_factory=list)  # see ReleaseFacts

    def add_file(self, split: str, path: str) -> None:
        self.split_files.setdefault(split, []).append(path)

    def add_tally(self, other: FactsTally) -> None:
        """Add the rows counted by `other` as if they were counted here after this tally's own: counters and lists
        end in the same order too, so tallies of sinks written side by side, added in sink order, equal one tally
        of the sinks written one after another (the datasheet lists ties of its counters in that order)."""
        for name, counter in vars(other).items():
            if isinstance(counter, Counter):  # every counter field, one added later too
                getattr(self, name).update(counter)
        for split, paths in other.split_files.items():
            self.split_files.setdefault(split, []).extend(paths)
        dates = [d for d in (self.first_date, other.first_date) if d is not None]
        self.first_date = min(dates) if dates else None
        dates = [d for d in (self.last_date, other.last_date) if d is not None]
        self.last_date = max(dates) if dates else None
        for key, (total, documents) in other.cleaning.items():
            counted = self.cleaning.setdefault(key, [0, 0])
            counted[0] += total
            counted[1] += documents
        self.duplicate_of |= other.duplicate_of
        self._keep_examples(other.duplicate_examples)

    def _keep_examples(self, duplicates) -> None:
        self.duplicate_examples = heapq.nsmallest(DUPLICATE_EXAMPLES, [*self.duplicate_examples, *duplicates])

    def add_kept(self, split: str, batch: pa.RecordBatch) -> None:
        """Count a batch of kept rows (KEPT_COLUMNS at least), a column at a time."""
        lengths = batch.column("num_chars")
        self.split_documents[split] += batch.num_rows
        self.split_characters[split] += pc.sum(lengths).as_py() or 0
        self.lengths.update(lengths.to_pylist())
        dates = [d for d in batch.column("published_at").to_pylist() if d]
        if len(dates) < batch.num_rows:
            self.years[None] += batch.num_rows - len(dates)
        self.years.update(d[:4] for d in dates)
        if dates:
            first, last = min(dates), max(dates)
            self.first_date = first if self.first_date is None else min(self.first_date, first)
            self.last_date = last if self.last_date is None else max(self.last_date, last)
        for counter, column in ((self.sources, "source"), (self.scripts, "script"), (self.languages, "language")):
            counter.update(batch.column(column).to_pylist())
        if "license" in batch.schema.names:
            self.licenses.update(batch.column("license").to_pylist())
        else:  # a release written before the column
            self.licenses[None] += batch.num_rows
        self.flags.update(pc.list_flatten(batch.column("flags")).to_pylist())
        for column in METADATA_COLUMNS:
            self.missing[column] += _missing(batch.column(column))
        self._add_edits(pc.list_flatten(batch.column("edits")))

    def _add_edits(self, edits: pa.StructArray) -> None:
        """Each edit's count and one document into `cleaning[(operator, unit)]`, keys in the order the edits
        first name them. Grouped in Arrow (dictionary_encode numbers the keys in that order): an edit at a time
        in Python was a quarter of the train split's writing, the longest part of publishing (0.2 s for the bench
        corpus's 300k edits)."""
        operators, units, counts = edits.field("operator"), edits.field("unit"), edits.field("count")
        if operators.null_count or units.null_count or counts.null_count or pc.any(
                pc.match_substring(operators, "\x00")).as_py():  # not a release of ours: one at a time
            for key in zip(operators.to_pylist(), units.to_pylist(), counts.to_pylist()):
                total = self.cleaning.setdefault(key[:2], [0, 0])
                total[0] += key[2] or 0
                total[1] += 1
            return
        groups = pc.dictionary_encode(pc.binary_join_element_wise(operators, units, "\x00"))
        numbers = groups.indices.to_numpy()
        changes = np.bincount(numbers, weights=counts.to_numpy(), minlength=len(groups.dictionary))
        documents = np.bincount(numbers, minlength=len(groups.dictionary))
        for key, changed, edited in zip(groups.dictionary.to_pylist(), changes.tolist(), documents.tolist()):
            total = self.cleaning.setdefault(tuple(key.split("\x00", 1)), [0, 0])
            total[0] += int(changed)  # a sum of integers below 2**53: exact in float64
            total[1] += edited

    def add_rejected(self, batch: pa.RecordBatch) -> None:
        self.rejected.update(zip(batch.column("stage").to_pylist(), batch.column("reason").to_pylist()))

    def add_duplicates(self, batch: pa.RecordBatch) -> None:
        kinds = batch.column("kind").to_pylist() if "kind" in batch.schema.names else [None] * batch.num_rows  # 0.2.0
        kinds = [kind or "exact" for kind in kinds]
        originals = batch.column("duplicate_of").to_pylist()
        self.duplicates.update(kinds)
        self.duplicate_of.update(originals)
        self._keep_examples(zip(batch.column("id").to_pylist(), originals, kinds))

    def add_batch(self, sink: str, batch: pa.RecordBatch) -> None:
        if sink == "rejected":
            self.add_rejected(batch)
        elif sink == "duplicates":
            self.add_duplicates(batch)
        else:
            self.add_kept(sink, batch)


def _missing(column: pa.Array) -> int:
    """Rows where a metadata column is null, an empty string or an empty list."""
    empty = pc.equal(pc.list_value_length(column), 0) if pa.types.is_list(column.type) else pc.equal(column, "")
    return pc.sum(pc.fill_null(empty, True)).as_py() or 0


def facts_from_tally(release_dir: Path, tally: FactsTally, splits: list[str] | None = None) -> ReleaseFacts:
    """The release's figures from a tally of its rows (and its manifest.json, read now)."""
    release_dir = Path(release_dir)
    manifest = read_manifest(Release(release_dir))
    lengths = list(chain.from_iterable(repeat(n, count) for n, count in sorted(tally.lengths.items())))
    names = splits if splits is not None else split_names(Release(release_dir), manifest)
    return ReleaseFacts(
        name=manifest.get("name", release_dir.parent.name),
        version=manifest.get("version", release_dir.name),
        manifest=manifest,
        splits=[SplitFacts(s, tally.split_documents[s], tally.split_characters[s], tuple(tally.split_files.get(s, ())))
                for s in names],
        lengths=lengths,
        histogram=length_histogram(lengths),
        years=sorted(_by_count(tally.years), key=lambda kv: (kv[0] == UNKNOWN, kv[0])),
        date_range=(tally.first_date, tally.last_date) if tally.first_date else None,
        sources=_by_count(tally.sources),
        scripts=_by_count(tally.scripts),
        languages=_by_count(tally.languages),
        flags=_by_count(tally.flags),
        missing_metadata=[(column, tally.missing[column]) for column in METADATA_COLUMNS],
        cleaning=[
            {"operator": op, "unit": unit, "count": n, "documents": docs}
            for (op, unit), (n, docs) in sorted(tally.cleaning.items())
        ],
        rejected_by_reason=[(stage, reason, n) for (stage, reason), n in sorted(tally.rejected.items())],
        duplicates_by_kind=sorted(tally.duplicates.items()),
        duplicate_originals=len(tally.duplicate_of),
        duplicate_examples=tally.duplicate_examples,
        licenses=_by_count(tally.licenses),
    )


def compute_facts(release_dir: Path, tally: FactsTally | None = None) -> ReleaseFacts:
    """Every figure the datasheet and card print: from the build's `tally` of the rows it wrote, else from one
    scan of the release folder's Parquet files (and, both ways, its manifest)."""
    release_dir = Path(release_dir)
    if tally is not None:
        facts = facts_from_tally(release_dir, tally)
        facts.warnings += check_counts(release_dir, facts)
        return facts
    release = Release(release_dir)
    manifest = read_manifest(release)
    tally = FactsTally()
    names = split_names(release, manifest)
    for split in names:
        for path in release.split_files(split):
            tally.add_file(split, path)
            present = set(release.parquet(path).schema_arrow.names)
            for batch in release.batches([path], [c for c in KEPT_COLUMNS if c in present]):
                tally.add_kept(split, batch)
    for batch in release.batches(release.parquet_files("rejected"), ["stage", "reason"]):
        tally.add_rejected(batch)
    duplicates = release.parquet_files("duplicates")
    kind = ["kind"] if duplicates and "kind" in release.parquet(duplicates[0]).schema_arrow.names else []
    for batch in release.batches(duplicates, ["id", "duplicate_of", *kind]):
        tally.add_duplicates(batch)
    facts = facts_from_tally(release_dir, tally, names)
    facts.warnings += check_against_manifest(release, facts)
    return facts


def check_counts(release_dir: Path, facts: ReleaseFacts) -> list[str]:
    """Disagreements between the rows counted and manifest.json's counts."""
    problems: list[str] = []
    where = Path(release_dir) / "manifest.json"
    counts = facts.counts
    for split in facts.splits:
        expected = counts.get("splits", {}).get(split.name)
        if expected is not None and expected != split.documents:
            problems.append(f"{where}: counts.splits.{split.name} is {expected}, the data has {split.documents} rows")
    for key, actual in (("kept", facts.kept), ("rejected", facts.rejected), ("duplicates", facts.duplicates)):
        if key in counts and counts[key] != actual:
            problems.append(f"{where}: counts.{key} is {counts[key]}, the release files have {actual}")
    return problems


def check_against_manifest(release: Release, facts: ReleaseFacts) -> list[str]:
    """Disagreements between the data files and manifest.json: a datasheet of such a release would not
    describe what it ships."""
    problems = check_counts(release.root, facts)
    where = release.path("manifest.json")
    for entry in facts.manifest.get("files", []):
        if not entry["path"].endswith(".parquet"):
            continue  # documents are (re)written with the datasheet
        if not release.has(entry["path"]):
            problems.append(f"{where}: lists {entry['path']}, which is missing")
        elif release.sha256(entry["path"]) != entry.get("sha256"):
            problems.append(f"{where}: {entry['path']} does not match its sha256")
    return problems

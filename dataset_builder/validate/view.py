"""What validation knows about a release: the release (read through `release.reader.Release`) and the figures
the reading checks gather while they stream its tables once (rows per split, Arrow bytes, ids, side-table
tallies). The other checks are functions of this view; none of them re-reads a shard."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pyarrow as pa

from ..release.reader import Release, ShardFile
from .report import Problem

# Problems of one kind in one file beyond this many are counted, not listed.
MAX_PER_KIND = 20


@dataclass
class ReleaseView:
    release: Release
    strict: bool = False
    max_per_kind: int = MAX_PER_KIND
    # the data shards by split, from the file names (layout reports names that are not shard names)
    shards: dict[str, list[ShardFile]] = field(default_factory=dict)
    # filled by the rows checks while they read every table
    split_rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    split_nbytes: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # as a build measures in memory
    split_nbytes_raw: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # as read back
    split_nbytes_slack: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # batch boundaries may add
    parquet_rows: dict[str, int] = field(default_factory=dict)
    readable_shards: set[str] = field(default_factory=set)
    kept_ids: list[pa.Array] = field(default_factory=list)
    kept_id_files: list[str] = field(default_factory=list)
    rejected_rows: int = 0
    rejected_reasons: Counter = field(default_factory=Counter)
    rejected_complete: bool | None = None  # every rejected/ file read with its stage and reason columns
    duplicates_rows: int = 0
    rows_checked: int = 0
    invalid_rows: int = 0  # rows the row schema rejects, all of them counted (messages are capped)
    # invalid rows whose messages the row validator did not produce, by "<file>: <column>: invalid rows"
    unreported: Counter = field(default_factory=Counter)

    @property
    def files(self) -> list[str]:
        return self.release.files

    def split_fully_read(self, split: str) -> bool:
        return all(s.path in self.readable_shards for s in self.shards.get(split, []))

    def all_read(self) -> bool:
        return all(self.split_fully_read(s) for s in self.shards)

    @property
    def kept_rows(self) -> int:
        return sum(self.split_rows.values())


def problem(file: str, message: str, row: int | None = None, field: str | None = None, line: int | None = None,
            check: str = "", kind: str = "") -> Problem:
    """A Problem; `kind` (with file, check and field) groups row problems for the per-kind cap."""
    return Problem(file=file, message=message, row=row, field=field, line=line, check=check, kind=kind)

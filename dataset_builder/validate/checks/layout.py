"""Layout: the required files, shard names the Hub resolves, shard counts per split, rejected/ and duplicates/.
Also the links check: a symbolic link may lead outside the release, so when there is one nothing else runs."""

from __future__ import annotations

import re
from typing import Iterator

from ...release.reader import SHARD_RE, SIDE_TABLES, parse_shard_name
from ..containment import link_problems
from ..report import Problem
from ..view import ReleaseView, problem

# The Hub's rule for split names.
SPLIT_RE = re.compile(r"^\w+(\.\w+)*$")


def link_check(view: ReleaseView) -> list[Problem]:
    """Every symbolic link in the release."""
    return [problem(file, message, check="layout") for file, message in link_problems(view.release.root)]


def layout_problems(view: ReleaseView) -> Iterator[Problem]:
    for required in ("README.md", "manifest.json", "DATASHEET.md"):
        if not view.release.has(required):
            yield problem(required, "missing: every release has README.md (card), manifest.json and DATASHEET.md",
                          check="layout")
    yield from _data_file_problems(view)
    for split, shards in sorted(view.shards.items()):
        yield from _shard_count_problems(split, shards)
    # A split with no rows has no shard and is left out of the card (datasets cannot load an empty split);
    # the manifest still counts it, and the counts check holds its shards to that count.
    for side in SIDE_TABLES:
        yield from _side_table_layout(view, side)


def _data_file_problems(view: ReleaseView) -> Iterator[Problem]:
    """Names under data/; fills `view.shards` with the files named as shards."""
    data_files = view.release.files_under("data")
    if not data_files:
        yield problem("data/", "no data shards: expected data/<split>-00000-of-0000N.parquet", check="layout")
    for f in data_files:
        shard = parse_shard_name(f)
        if shard is None:
            yield problem(f, "not a shard name the Hub resolves: expected data/<split>-<index:05d>-of-<count:05d>"
                          ".parquet", check="layout")
            continue
        if not SPLIT_RE.match(shard.split):
            yield problem(f, f"split name {shard.split!r} is not allowed by the Hub (must match ^\\w+(\\.\\w+)*$)",
                          check="layout", field="split")
        view.shards.setdefault(shard.split, []).append(shard)


def _shard_count_problems(split: str, shards) -> Iterator[Problem]:
    counts = {s.count for s in shards}
    indices = sorted(s.index for s in shards)
    first = min(shards, key=lambda s: (s.index, s.count, s.path)).path
    if len(counts) != 1:
        yield problem(first, f"split {split!r}: shards disagree on the shard count ({sorted(counts)})", check="layout")
        return
    count = counts.pop()
    missing = sorted(set(range(count)) - set(indices))
    if missing:
        names = ", ".join(f"data/{split}-{i:05d}-of-{count:05d}.parquet" for i in missing)
        yield problem(f"data/{split}-{missing[0]:05d}-of-{count:05d}.parquet",
                      f"split {split!r} has {count} shards but {len(missing)} missing: {names}", check="layout")
    for i in (i for i in indices if i >= count):
        yield problem(f"data/{split}-{i:05d}-of-{count:05d}.parquet",
                      f"shard index {i} is out of range for {count} shards", check="layout")


def _side_table_layout(view: ReleaseView, side: str) -> Iterator[Problem]:
    files = view.release.files_under(side)
    if not files:
        what = "rejected document" if side == "rejected" else "duplicate document"
        yield problem(f"{side}/{side}-00000-of-00001.parquet", f"missing: the release keeps every {what} in "
                      f"{side}/ (an empty Parquet file when there are none)", check="layout")
    for f in files:
        m = SHARD_RE.match(f[len(side) + 1:])
        if m is None or m.group("split") != side:
            yield problem(f, f"unexpected file name: expected {side}/{side}-<index:05d>-of-<count:05d>.parquet",
                          check="layout")

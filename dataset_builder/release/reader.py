"""One way to read a release folder `dist/<name>/<version>/`, read-only: its files, manifest, card, row schema
and Parquet tables (data shards by split, rejected/, duplicates/), streamed in row-group-sized batches so no
shard ever sits in memory whole.

Validation, the datasheet, diff and publish read releases through `Release`; none of them globs the folder or
opens Parquet files itself. Nothing here writes, and nothing follows a symbolic link: `files` lists regular
files only (validation reports links before anything is opened).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from ..hashing import file_sha256
from ..schema import document_arrow_schema
from ..split_assign import SPLITS  # the splits every release has, in the order shown; others may follow

SIDE_TABLES = ("rejected", "duplicates")
MANIFEST = "manifest.json"
CARD = "README.md"
DATASHEET = "DATASHEET.md"
CROISSANT = "croissant.json"
# push_to_hub's shard names: {split}-{index:05d}-of-{count:05d}.parquet
SHARD_RE = re.compile(r"^(?P<split>.+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.parquet$")
# Rows per batch when streaming: Parquet row groups are read whole, then cut to at most this many rows.
BATCH_ROWS = 65_536


def split_order(split: str) -> tuple[int, str]:
    """Sort key: train, validation, test, then any other split by name."""
    return (SPLITS.index(split) if split in SPLITS else len(SPLITS), split)


@dataclass(frozen=True)
class ShardFile:
    """A Parquet file of the release named like push_to_hub's shards: `<folder>/<split>-<index>-of-<count>`."""

    path: str  # release-relative, POSIX
    split: str  # for rejected/ and duplicates/, the folder's name
    index: int
    count: int


def parse_shard_name(path: str) -> ShardFile | None:
    """The shard a release-relative path names, or None when it is not `<folder>/<split>-NNNNN-of-NNNNN.parquet`
    directly inside its folder."""
    folder, _, name = path.partition("/")
    m = SHARD_RE.match(name)
    if not folder or "/" in name or m is None:
        return None
    return ShardFile(path, m.group("split"), int(m.group("index")), int(m.group("count")))


class CardFormatError(ValueError):
    """README.md has no readable YAML front matter; `line` is 1-based."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Card:
    """README.md split into its YAML front matter (parsed) and body."""

    text: str
    lines: list[str]  # every line of the file
    end: int  # index of the closing `---` line
    meta: dict[str, Any]

    @property
    def front_matter_lines(self) -> list[str]:
        return self.lines[:self.end]

    def key_line(self, key: str) -> int | None:
        """1-based line of a top-level key of the front matter."""
        for i in range(1, self.end):
            if re.match(rf"^{re.escape(key)}\s*:", self.lines[i]):
                return i + 1
        return None

    def line_of(self, *patterns: str) -> int | None:
        """1-based line of the front matter matching the regexes in sequence (each after the previous)."""
        start, found = 0, None
        for pattern in patterns:
            found = next((i for i in range(start, self.end) if re.search(pattern, self.lines[i])), None)
            if found is None:
                return None
            start = found + 1
        return found + 1 if found is not None else None


def parse_card(text: str) -> Card:
    """Parse a card's front matter; CardFormatError (with the line) when there is none or it is not a mapping."""
    import yaml

    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise CardFormatError("no YAML front matter (the card starts with a line `---`)", 1)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)  # an indented --- is YAML
    if end is None:
        raise CardFormatError("YAML front matter is not closed by a line `---`", 1)
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CardFormatError(f"YAML front matter does not parse: {exc}", (mark.line + 2) if mark else 1) from None
    if not isinstance(meta, dict):
        raise CardFormatError("YAML front matter is not a mapping", 2)
    return Card(text, lines, end, meta)


class Release:
    """A release folder, read-only. Paths given to and returned by its methods are release-relative POSIX."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._files: list[str] | None = None

    # -- identity and files ------------------------------------------------------------------------------------

    @property
    def folder_name(self) -> str:
        """The name the folder layout gives (dist/<name>/<version>)."""
        return self.root.parent.name

    @property
    def folder_version(self) -> str:
        return self.root.name

    @property
    def files(self) -> list[str]:
        """Every regular file of the release (symbolic links left out), sorted."""
        if self._files is None:
            self._files = sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*")
                                 if p.is_file() and not p.is_symlink())
        return self._files

    def path(self, rel: str) -> Path:
        return self.root / rel

    def has(self, rel: str) -> bool:
        return (self.root / rel).is_file()

    def files_under(self, folder: str) -> list[str]:
        return [f for f in self.files if f.startswith(f"{folder}/")]

    def size(self, rel: str) -> int:
        return (self.root / rel).stat().st_size

    def sha256(self, rel: str) -> str:
        """SHA-256 of a file, streamed in blocks."""
        return file_sha256(self.root / rel)[0]

    def read_bytes(self, rel: str) -> bytes:
        return (self.root / rel).read_bytes()

    def read_text(self, rel: str, errors: str = "strict") -> str:
        return (self.root / rel).read_text("utf-8", errors=errors)

    # -- manifest, card, schema ------------------------------------------------------------------------------

    def manifest_text(self) -> str:
        """manifest.json as text; OSError or UnicodeDecodeError as raised."""
        return self.read_bytes(MANIFEST).decode("utf-8")

    def manifest(self) -> Any:
        """manifest.json parsed; OSError, UnicodeDecodeError or json.JSONDecodeError as raised."""
        return json.loads(self.manifest_text())

    def card(self) -> Card:
        """README.md with its front matter parsed (undecodable bytes replaced); CardFormatError when broken."""
        return parse_card(self.read_text(CARD, errors="replace"))

    @staticmethod
    def row_schema() -> pa.Schema:
        """The Arrow schema every data shard has (from schema/document.schema.json)."""
        return document_arrow_schema()

    # -- Parquet tables --------------------------------------------------------------------------------------

    def data_shards(self) -> list[ShardFile]:
        """Files under data/ named as shards, in path order (layout validation reports the others)."""
        return [s for s in map(parse_shard_name, self.files_under("data")) if s is not None]

    def shards_by_split(self) -> dict[str, list[ShardFile]]:
        """Data shards grouped by split, splits in `split_order`, shards by index."""
        out: dict[str, list[ShardFile]] = {}
        for shard in sorted(self.data_shards(), key=lambda s: (split_order(s.split), s.index, s.path)):
            out.setdefault(shard.split, []).append(shard)
        return out

    def split_names(self) -> list[str]:
        return list(self.shards_by_split())

    def split_files(self, split: str) -> list[str]:
        """The data files of one split: data/<split>-*.parquet, in path order."""
        return [f for f in self.parquet_files("data") if f[len("data/"):].startswith(f"{split}-")]

    def parquet_files(self, folder: str) -> list[str]:
        """The Parquet files directly inside a folder (data/, rejected/, duplicates/), in path order."""
        return [f for f in self.files_under(folder) if f.endswith(".parquet") and "/" not in f[len(folder) + 1:]]

    def parquet(self, rel: str) -> pq.ParquetFile:
        """Open one Parquet file of the release (its footer only; rows are read by `batches`)."""
        return pq.ParquetFile(self.root / rel)

    def batches(self, files: str | Sequence[str], columns: list[str] | None = None,
                batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        """Record batches of one file or of several files in turn, only the given columns, a row group at a time."""
        for rel in [files] if isinstance(files, str) else files:
            yield from self.parquet(rel).iter_batches(batch_size=batch_rows, columns=columns)

    def split_batches(self, split: str, columns: list[str] | None = None,
                      batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        """Record batches of one split's data files in path order."""
        return self.batches(self.split_files(split), columns, batch_rows)

    def rows(self, files: str | Sequence[str], columns: list[str]) -> Iterator[dict[str, Any]]:
        """The rows of one or several files as dicts of the given columns, a batch at a time."""
        for batch in self.batches(files, columns):
            yield from batch.to_pylist()

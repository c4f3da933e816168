"""The shard plan: the inputs cut into pieces that can be processed alone, in any order, on any worker.

A shard is a run of text files of one input, a range of lines of one JSONL (or .jsonl.zst) file, or a run of row
groups of one Parquet file. The cut depends on the inputs and on `documents_per_shard` alone, never on the number
of workers, so a plan can be resumed by another run with another worker count. Planning reads each input file
once (to hash it and to find line offsets); it reads no document.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import Config, InputSpec
from .document import Document
from .errors import InputError
from .readers import unique_ids
from .readers.files import HashedReader, ReadLog, input_files, open_input
from .readers.jsonl import plan_jsonl_file, read_jsonl_lines
from .readers.parquet import plan_parquet_file, read_parquet_groups
from .readers.txt import read_txt_files, txt_files

DOCUMENTS_PER_SHARD = 5000  # small enough to spread a 300k-document corpus over many cores, big enough to amortise


@dataclass(frozen=True)
class Shard:
    index: int  # position in the plan: the order of the inputs, files and lines
    input: int  # index of the config's [[inputs]] entry
    files: tuple[str, ...]  # as shown in messages and the manifest; one file unless txt
    paths: tuple[str, ...]  # where they are read from
    stamps: tuple[tuple[int, int], ...]  # (size, mtime_ns) of each file when planned: a changed input is refused
    start: int = 0  # jsonl: first line (1-based); parquet: first row group
    stop: int = 0  # exclusive
    offset: int = 0  # jsonl: byte offset of the first line (of the uncompressed stream); parquet: first row number
    documents: int = 0  # lines, rows or files: an upper bound of the documents, for progress
    bytes: int = 0  # input bytes it covers, for progress

    @property
    def name(self) -> str:
        return f"shard-{self.index:06d}"


@dataclass(frozen=True)
class InputSet:
    """What the shard plan reads of a config: its folder and its `[[inputs]]`. `dataset-builder clean` makes one
    per path it is given, so it reads them exactly as a build reads its inputs."""

    root: Path
    inputs: tuple[InputSpec, ...]


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class ShardPlan:
    shards: tuple[Shard, ...]
    files: tuple[InputFile, ...]  # every file the build reads (data files and sidecars), sorted by path
    documents_per_shard: int

    @property
    def key(self) -> str:
        """What the plan was made from: the hashes of every input file and the cut."""
        digest = hashlib.sha256(f"documents_per_shard={self.documents_per_shard}\n".encode())
        for f in self.files:
            digest.update(f"{f.path}\t{f.sha256}\t{f.bytes}\n".encode())
        return digest.hexdigest()


def hash_file(file: Path, shown: str, log: ReadLog) -> None:
    with open_input(file, shown) as handle:
        reader = HashedReader(handle, shown, log)
        for _ in reader.blocks():
            pass
        reader.finish()


def _stamp(path: Path) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_size, stat.st_mtime_ns


def plan_shards(config: Config | InputSet, documents_per_shard: int = DOCUMENTS_PER_SHARD) -> ShardPlan:
    """Cut every input into shards; each input file is read once here, and hashed."""
    root = config.root
    shards: list[Shard] = []
    log = ReadLog()
    _txt_inputs.clear()

    def add(files: list[tuple[Path, str]], **fields) -> None:
        shards.append(Shard(index=len(shards), files=tuple(s for _, s in files), paths=tuple(str(f) for f, _ in files),
                            stamps=tuple(_stamp(f) for f, _ in files), **fields))

    for number, spec in enumerate(config.inputs):
        if spec.format == "txt":
            _, paths, _ = txt_files(root, spec.path, spec.metadata, spec.glob, log)
            for k in range(0, len(paths), documents_per_shard):
                part = paths[k:k + documents_per_shard]
                for file, shown in part:
                    hash_file(file, shown, log)
                add(part, input=number, documents=len(part), bytes=sum(_stamp(f)[0] for f, _ in part))
        elif spec.format == "jsonl":
            _, paths = input_files(root, spec.path, "*.jsonl*", spec.glob)
            for file, shown in paths:
                for first, stop, offset, nbytes in plan_jsonl_file(file, shown, documents_per_shard, log):
                    add([(file, shown)], input=number, start=first, stop=stop, offset=offset,
                        documents=stop - first, bytes=nbytes)
        elif spec.format == "parquet":
            _, paths = input_files(root, spec.path, "*.parquet", spec.glob)
            for file, shown in paths:
                ranges = plan_parquet_file(file, shown, documents_per_shard, log, spec.field_map)
                size, total = _stamp(file)[0], sum(r[3] for r in ranges) or 1
                for first, stop, row, rows in ranges:
                    add([(file, shown)], input=number, start=first, stop=stop, offset=row, documents=rows,
                        bytes=size * rows // total)
        else:  # pragma: no cover - the config schema admits no other
            raise ValueError(f"unknown input format {spec.format!r}")
    files = tuple(InputFile(path, sha256, size) for path, (sha256, size) in sorted(log.files.items()))
    return ShardPlan(tuple(shards), files, documents_per_shard)


def read_shard(config: Config | InputSet, shard: Shard) -> Iterator[Document]:
    """The documents of one shard, in input order; an input changed since it was planned is an error (call
    `check_unchanged` again once the shard is read)."""
    check_unchanged(shard)
    spec = config.inputs[shard.input]
    files = [Path(p) for p in shard.paths]
    if spec.format == "txt":
        folder, _, sidecar = _txt_input(config, shard.input)
        return read_txt_files(folder, list(zip(files, shard.files)), spec.metadata, sidecar)
    if spec.format == "jsonl":
        return read_jsonl_lines(files[0], shard.files[0], shard.start, shard.stop, shard.offset, spec.field_map)
    return read_parquet_groups(files[0], shard.files[0], range(shard.start, shard.stop), shard.offset,
                               spec.field_map)


def read_documents(*input_sets: Config | InputSet) -> Iterator[Document]:
    """Every document of the inputs, in order, read as a build reads them: every input planned (so read once and
    hashed) before the first document, then shard by shard; an id used twice is the build's input error."""
    plans = [(inputs, plan_shards(inputs)) for inputs in input_sets]
    return unique_ids(doc for inputs, plan in plans for shard in plan.shards for doc in read_shard(inputs, shard))


def check_unchanged(shard: Shard) -> None:
    for path, shown, stamp in zip(shard.paths, shard.files, shard.stamps):
        try:
            now = _stamp(Path(path))
        except OSError as exc:
            raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from None
        if now != stamp:
            raise InputError(f"{shown}: the file changed while it was being read; read it again when it is complete")


_txt_inputs: dict = {}


def _txt_input(config: Config | InputSet, number: int):
    """A text input's folder and sidecar, read once per process (a worker reads many shards of it)."""
    key = (config, number)
    if key not in _txt_inputs:
        spec = config.inputs[number]
        _txt_inputs.clear()
        _txt_inputs[key] = txt_files(config.root, spec.path, spec.metadata, spec.glob)
    return _txt_inputs[key]

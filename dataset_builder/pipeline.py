"""The whole pipeline in one place: read -> clean -> extract metadata -> quality filter -> exact dedup -> split,
then the release writer. Each stage is its own module; this file only lists them in order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .cleaning import CleanStage
from .config import CleanConfig, Config, FilterConfig
from .dedup_exact import ExactDeduplicator
from .document import Document
from .extract_metadata import MetadataExtractor
from .quality_filter import QualityFilter
from .readers import ReadLog, read_input, unique_ids
from .split_assign import SPLITS, SplitAssigner
from .stage import Stage


def cleaning_stages(clean: CleanConfig, filter: FilterConfig) -> list[Stage]:
    """The per-document part of the pipeline; `dataset-builder clean` runs these alone."""
    return [
        CleanStage(clean),
        MetadataExtractor(),
        QualityFilter(filter),
    ]


def build_stages(config: Config) -> list[Stage]:
    """The pipeline, read top to bottom."""
    return [
        *cleaning_stages(config.clean, config.filter),
        ExactDeduplicator(),
        SplitAssigner(config.split),
    ]


@dataclass
class InputFile:
    path: str
    sha256: str
    bytes: int
    documents: int = 0


@dataclass
class PipelineResult:
    documents: list[Document]
    stages: list[Stage]
    inputs: list[InputFile] = field(default_factory=list)

    @property
    def kept(self) -> dict[str, list[Document]]:
        by_split: dict[str, list[Document]] = {s: [] for s in SPLITS}
        for doc in self.documents:
            if doc.rejection is None and doc.duplicate_of is None:
                by_split[doc.split].append(doc)
        return by_split

    @property
    def rejected(self) -> list[Document]:
        return [d for d in self.documents if d.rejection is not None]

    @property
    def duplicates(self) -> list[Document]:
        return [d for d in self.documents if d.rejection is None and d.duplicate_of is not None]


def read_all(config: Config, log: ReadLog | None = None) -> Iterator[Document]:
    """Every input document, in config order; an id seen twice is an input error naming both places."""
    return unique_ids(doc for spec in config.inputs for doc in read_input(config.root, spec, log))


def input_files(log: ReadLog, documents: Iterable[Document]) -> list[InputFile]:
    """Each file the build read (data files and metadata sidecars), with the hash and size of the bytes that
    were read and its document count."""
    counts: dict[str, int] = {}
    for doc in documents:
        counts[doc.origin.file] = counts.get(doc.origin.file, 0) + 1
    return [InputFile(path, sha256, size, counts.get(path, 0)) for path, (sha256, size) in sorted(log.files.items())]


def run_pipeline(config: Config, on_document: Callable[[], None] | None = None) -> PipelineResult:
    stages = build_stages(config)

    def counted(docs: Iterator[Document]) -> Iterator[Document]:
        for doc in docs:
            if on_document is not None:
                on_document()
            yield doc

    log = ReadLog()
    stream: Iterable[Document] = counted(read_all(config, log))
    for stage in stages:
        stream = stage.run(stream)
    documents = list(stream)
    return PipelineResult(documents, stages, input_files(log, documents))

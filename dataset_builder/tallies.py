"""Mergeable counts filled while documents pass through the last phase, summed across shards and workers (the
way datatrove sums its stats with `+`). The manifest's counts and cleaning totals come from them: the build
reads no shard back to count."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .document import Document


@dataclass
class BuildTally:
    read_per_file: Counter = field(default_factory=Counter)  # origin file -> documents read
    rejected_by_reason: Counter = field(default_factory=Counter)  # (stage, reason) -> documents
    duplicates_by_kind: Counter = field(default_factory=Counter)  # exact | near -> documents
    kept_per_split: Counter = field(default_factory=Counter)
    edits: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (operator, unit) -> [changes, documents]
    # origin file -> {input field that fills no row field -> documents with a value (not null) in it}: the build
    # names them once per file
    unknown_fields: dict[str, Counter] = field(default_factory=dict)

    def add(self, doc: Document) -> None:
        self.read_per_file[doc.origin.file] += 1
        if doc.rejection is not None:
            self.rejected_by_reason[(doc.rejection.stage, doc.rejection.reason)] += 1
        elif doc.duplicate_of is not None:
            self.duplicates_by_kind[doc.duplicate_kind or "exact"] += 1
        else:
            self.kept_per_split[doc.split] += 1
        for edit in doc.edits:
            total = self.edits.setdefault((edit.operator, edit.unit), [0, 0])
            total[0] += edit.count
            total[1] += 1
        if doc.extra:
            self.unknown_fields.setdefault(doc.origin.file, Counter()).update(
                {name: int(value is not None) for name, value in doc.extra.items()})

    def merge(self, other: BuildTally) -> BuildTally:
        self.read_per_file.update(other.read_per_file)
        self.rejected_by_reason.update(other.rejected_by_reason)
        self.duplicates_by_kind.update(other.duplicates_by_kind)
        self.kept_per_split.update(other.kept_per_split)
        for key, (count, documents) in other.edits.items():
            total = self.edits.setdefault(key, [0, 0])
            total[0] += count
            total[1] += documents
        for file, names in other.unknown_fields.items():
            self.unknown_fields.setdefault(file, Counter()).update(names)
        return self

    @property
    def read(self) -> int:
        return sum(self.read_per_file.values())

    @property
    def duplicates(self) -> int:
        return sum(self.duplicates_by_kind.values())

    @property
    def rejected(self) -> int:
        return sum(self.rejected_by_reason.values())

    @property
    def kept(self) -> int:
        return sum(self.kept_per_split.values())


def unknown_field_warnings(tally: BuildTally) -> list[str]:
    """One line per input file with fields that fill no row field: their names, and where they went."""
    def counted(name: str, n: int) -> str:
        return f"{name!r} ({n} document{'s' if n > 1 else ''})" if n else f"{name!r} (always null: left out)"

    return [
        f"{file}: input field{'s' if len(names) > 1 else ''} not in the row schema, kept in the extra column (JSON): "
        + ", ".join(counted(name, n) for name, n in sorted(names.items()))
        + "; [inputs.fields] in the config maps an input field to a row field"
        for file, names in sorted(tally.unknown_fields.items())
    ]

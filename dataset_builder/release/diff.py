"""What changed between two releases of a dataset, by id and text hash (never by comparing whole rows).

- added / removed: ids kept in one release and not in the other;
- changed: ids kept in both with another text_sha256;
- moved_split: ids kept in both in different splits. Splits come from a hash of the cluster key, so this should
  never happen; it is reported loudly because it would leak evaluation data into training;
- schema: columns added, removed or retyped in the data shards; config: the config file's hash;
  dependencies: versions in the manifest's environment that differ;
- counts: per split, per rejection reason and duplicates, old and new.

Releases are read through release/reader.py: the manifest and the id and text_sha256 columns of the data shards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from ..errors import DatasetBuilderError
from .reader import Release

EXAMPLES = 5  # ids shown per kind of change in the card and the text report


class DiffError(DatasetBuilderError):
    pass


@dataclass(frozen=True)
class ReleaseIndex:
    version: str
    manifest: dict[str, Any]
    kept: dict[str, tuple[str, str]]  # id -> (split, text_sha256)
    schema: dict[str, str]  # data column -> Arrow type


def index_release(release_dir: Path, manifest: dict[str, Any] | None = None) -> ReleaseIndex:
    """Ids, splits and text hashes of a release's kept rows; `manifest` when the folder has none yet (a build)."""
    release = Release(release_dir)
    if manifest is None:
        try:
            manifest = release.manifest()
        except (OSError, ValueError) as exc:
            raise DiffError(f"{release.path('manifest.json')}: not a release manifest: {exc}") from None
    kept: dict[str, tuple[str, str]] = {}
    schema: dict[str, str] = {}
    for split, shards in release.shards_by_split().items():
        files = [s.path for s in shards]
        schema = {f.name: str(f.type) for f in release.parquet(files[0]).schema_arrow}
        for row in release.rows(files, ["id", "text_sha256"]):
            kept[row["id"]] = (split, row["text_sha256"])
    return ReleaseIndex(str(manifest.get("version", release.folder_version)), manifest, kept, schema)


@dataclass
class ReleaseDiff:
    old: str
    new: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    moved_split: list[dict[str, str]] = field(default_factory=list)  # {"id", "from", "to"}
    schema: dict[str, Any] = field(default_factory=dict)
    config: dict[str, str] | None = None
    dependencies: dict[str, dict[str, str]] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old, "new": self.new, "added": self.added, "removed": self.removed, "changed": self.changed,
            "moved_split": [m["id"] for m in self.moved_split], "moves": self.moved_split, "schema": self.schema,
            "config": self.config, "dependencies": self.dependencies, "counts": self.counts,
        }


def diff_indexes(old: ReleaseIndex, new: ReleaseIndex) -> ReleaseDiff:
    both = sorted(set(old.kept) & set(new.kept))
    diff = ReleaseDiff(old.version, new.version)
    diff.added = sorted(set(new.kept) - set(old.kept))
    diff.removed = sorted(set(old.kept) - set(new.kept))
    diff.changed = [i for i in both if old.kept[i][1] != new.kept[i][1]]
    diff.moved_split = [{"id": i, "from": old.kept[i][0], "to": new.kept[i][0]}
                        for i in both if old.kept[i][0] != new.kept[i][0]]
    diff.schema = {
        "added": sorted(set(new.schema) - set(old.schema)),
        "removed": sorted(set(old.schema) - set(new.schema)),
        "retyped": sorted(c for c in set(old.schema) & set(new.schema) if old.schema[c] != new.schema[c]),
    }
    old_config, new_config = old.manifest.get("config", {}), new.manifest.get("config", {})
    key = "settings_sha256" if "settings_sha256" in old_config and "settings_sha256" in new_config else "sha256"
    if old_config.get(key) != new_config.get(key):  # settings: a bump alone changes the file, not the settings
        diff.config = {"old": old_config.get(key, ""), "new": new_config.get(key, "")}
    old_env, new_env = old.manifest.get("environment", {}), new.manifest.get("environment", {})
    diff.dependencies = {k: {"old": old_env.get(k, "absent"), "new": new_env.get(k, "absent")}
                         for k in sorted(set(old_env) | set(new_env)) if old_env.get(k) != new_env.get(k)}
    diff.counts = _count_changes(old.manifest.get("counts", {}), new.manifest.get("counts", {}))
    return diff


def _count_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    def reasons(counts: dict[str, Any]) -> dict[str, int]:
        return {f"{r['stage']}:{r['reason']}": r["count"] for r in counts.get("rejected_by_reason", [])}

    def pairs(a: dict[str, int], b: dict[str, int]) -> dict[str, dict[str, int]]:
        return {k: {"old": a.get(k, 0), "new": b.get(k, 0)} for k in sorted(set(a) | set(b))}

    totals = {k: {"old": old.get(k, 0), "new": new.get(k, 0)} for k in ("read", "kept", "rejected", "duplicates")}
    return {**totals, "splits": pairs(old.get("splits", {}), new.get("splits", {})),
            "rejected_by_reason": pairs(reasons(old), reasons(new))}


def diff_releases(old_dir: Path, new_dir: Path) -> ReleaseDiff:
    return diff_indexes(index_release(old_dir), index_release(new_dir))


def changes_summary(diff: ReleaseDiff) -> dict[str, Any]:
    """What a manifest and card say about the previous release: counts and a few example ids per kind."""
    moved = [m["id"] for m in diff.moved_split]
    kinds = {"added": diff.added, "removed": diff.removed, "changed": diff.changed, "moved_split": moved}
    return {**{k: len(v) for k, v in kinds.items()}, "examples": {k: v[:EXAMPLES] for k, v in kinds.items()},
            "splits": diff.counts["splits"], "schema": diff.schema, "config_changed": diff.config is not None,
            "dependencies": diff.dependencies}


def _examples(ids: list[str]) -> str:
    shown = ", ".join(ids[:EXAMPLES])
    return shown + (f", ... ({len(ids) - EXAMPLES} more)" if len(ids) > EXAMPLES else "")


def render_text(diff: ReleaseDiff) -> str:
    lines = [f"{diff.old} -> {diff.new}"]
    for name in ("added", "removed", "changed"):
        ids = getattr(diff, name)
        lines.append(f"{name}: {len(ids)}" + (f" ({_examples(ids)})" if ids else ""))
    if diff.moved_split:
        lines.append(f"MOVED SPLIT: {len(diff.moved_split)} documents changed split; a kept document must keep its "
                     "split, or evaluation data leaks into training:")
        lines += [f"  {m['id']}: {m['from']} -> {m['to']}" for m in diff.moved_split]
    else:
        lines.append("moved split: 0")
    for kind, cols in diff.schema.items():
        if cols:
            lines.append(f"schema: columns {kind}: {', '.join(cols)}")
    if diff.config:
        lines.append(f"config: changed (sha256 {diff.config['old'][:12]} -> {diff.config['new'][:12]})")
    for name, v in diff.dependencies.items():
        lines.append(f"dependency {name}: {v['old']} -> {v['new']}")
    for key, value in diff.counts.items():
        rows = value.items() if key in ("splits", "rejected_by_reason") else [(None, value)]
        for sub, v in rows:
            if v["old"] != v["new"]:
                lines.append(f"count {key}{'.' + sub if sub else ''}: {v['old']} -> {v['new']}")
    return "\n".join(lines) + "\n"

"""Versions of one dataset: which are released, the next one, the previous one a build follows.

A release is `<output_dir>/<name>/<MAJOR.MINOR.PATCH>/` holding a manifest.json; anything else in that folder
(hidden temporaries, locks, stray folders) is not a release. `build --bump` takes the latest release, bumps one
part and writes the new version into dataset.toml in place (only the `version = "..."` line changes, so comments
and layout stay); the manifest of every release after the first names its previous version and that manifest's
SHA-256, so a chain of releases can be checked.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..config import Config
from ..errors import ConfigError
from ..writing import write_atomic

PARTS = ("major", "minor", "patch")
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


def version_key(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(p) for p in version.split("."))
    return major, minor, patch


def released_versions(dataset_dir: Path) -> list[str]:
    """The released versions under dist/<name>/, oldest first."""
    if not dataset_dir.is_dir():
        return []
    found = [p.name for p in dataset_dir.iterdir()
             if p.is_dir() and _SEMVER.match(p.name) and (p / "manifest.json").is_file()]
    return sorted(found, key=version_key)


def bumped(version: str, part: str) -> str:
    major, minor, patch = version_key(version)
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    if part == "patch":
        return f"{major}.{minor}.{patch + 1}"
    raise ValueError(f"unknown version part {part!r}: one of {', '.join(PARTS)}")


def next_version(config: Config, part: str) -> str:
    """The latest release of the dataset with `part` bumped; an error when nothing is released yet."""
    dataset_dir = config.release_dir.parent
    released = released_versions(dataset_dir)
    if not released:
        raise ConfigError(f"{dataset_dir}: no release of {config.name} yet, so there is nothing to bump: "
                          f"build version {config.version} without --bump first")
    return bumped(released[-1], part)


def previous_release(config: Config) -> Path | None:
    """The highest release below the config's version: the one this build follows."""
    below = [v for v in released_versions(config.release_dir.parent) if version_key(v) < version_key(config.version)]
    return config.release_dir.parent / below[-1] if below else None


def previous_kept_ids(config: Config) -> frozenset[str]:
    """The ids the previous release kept (in any split): deduplication keeps them as their clusters' survivors."""
    from .reader import Release

    previous = previous_release(config)
    if previous is None:
        return frozenset()
    release = Release(previous)
    return frozenset(id_ for split in release.split_names() for batch in release.split_batches(split, ["id"])
                     for id_ in batch.column("id").to_pylist())


def previous_record(previous: Path | None) -> dict[str, str] | None:
    """What the manifest says about the previous release: its version and its manifest's SHA-256."""
    if previous is None:
        return None
    digest = hashlib.sha256((previous / "manifest.json").read_bytes()).hexdigest()
    return {"version": previous.name, "manifest_sha256": digest}


_VERSION_LINE = re.compile(r'^(?P<head>version\s*=\s*)(?P<q>["\'])(?P<v>[^"\']*)(?P=q)', re.MULTILINE)


def with_version(toml_text: str, version: str) -> str:
    """The config text with its top-level `version` set, every other byte (comments included) unchanged."""
    first_table = re.search(r"^\s*\[", toml_text, re.MULTILINE)
    top = toml_text[:first_table.start()] if first_table else toml_text
    match = _VERSION_LINE.search(top)
    if match is None:
        raise ConfigError("version: no top-level `version = \"...\"` line to update")
    q = match["q"]
    return toml_text[:match.start()] + f"{match['head']}{q}{version}{q}" + toml_text[match.end():]


def write_version(config_path: Path, version: str) -> bytes:
    """Set the version in the config file in place; return the old bytes (to restore if the build fails)."""
    old = config_path.read_bytes()
    write_atomic(config_path, with_version(old.decode("utf-8"), version).encode("utf-8"))
    return old

"""build/: what the release was built from. build/dataset.toml must be the very config the manifest records
(its SHA-256) and a valid config; build/datasheet.yaml valid datasheet answers. A release without them (written
before they were kept) is a problem only under --strict."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterator

from ...config import ConfigFileError, check_config_data, parse_config_bytes
from ...datasheet.answers import DatasheetError, load_answers
from ...datasheet.documents import BUILD_ANSWERS, BUILD_CONFIG
from ...release.reader import MANIFEST
from ..report import Problem
from ..view import ReleaseView, problem


def _recorded_config_sha256(view: ReleaseView) -> str | None:
    try:
        return (json.loads(view.release.manifest_text()).get("config") or {}).get("sha256")
    except (OSError, ValueError, AttributeError):
        return None  # the manifest check reports an unreadable manifest


def build_input_problems(view: ReleaseView) -> Iterator[Problem]:
    release = view.release
    if not release.has(BUILD_CONFIG):
        if view.strict:
            yield problem(BUILD_CONFIG, "missing: the config the release was built from is not in it", check="build")
    else:
        data = release.read_bytes(BUILD_CONFIG)
        recorded = _recorded_config_sha256(view) if release.has(MANIFEST) else None
        if recorded and hashlib.sha256(data).hexdigest() != recorded:
            yield problem(BUILD_CONFIG, f"is not the config {MANIFEST} records (config.sha256 {recorded[:12]}…)",
                          check="build")
        try:
            _, parsed = parse_config_bytes(data, Path(BUILD_CONFIG))
        except ConfigFileError as exc:
            yield problem(BUILD_CONFIG, exc.what, check="build")  # as for dataset.toml
        else:
            for message in check_config_data(parsed, BUILD_CONFIG):
                yield problem(BUILD_CONFIG, message.removeprefix(f"{BUILD_CONFIG}: "), check="build")
    if release.has(BUILD_ANSWERS):
        try:
            load_answers(release.path(BUILD_ANSWERS))  # the loader the build uses (dates stay strings)
        except DatasheetError as exc:
            for line in str(exc).splitlines():
                yield problem(BUILD_ANSWERS, line.split(": ", 1)[-1], check="build")

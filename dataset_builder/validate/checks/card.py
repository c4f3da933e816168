"""The card's YAML front matter (README.md): the Hub vocabularies (license, size_categories, task_categories,
language, pretty_name), configs whose data_files match each split's shards, and dataset_info (features, splits
with num_examples and num_bytes, download_size, dataset_size) agreeing with the data."""

from __future__ import annotations

import fnmatch
import re
from typing import Callable, Iterator

from ...release.reader import CARD, Card, CardFormatError
from ...schema import document_features
from ..report import Problem
from ..view import ReleaseView, problem
from ...vocab import LICENSES, SIZE_CATEGORIES, TASK_CATEGORIES, is_language_code, size_category
from .layout import SPLIT_RE

# bad(key, message, line=None): a card problem on a front-matter key
Bad = Callable[..., Problem]


def card_problems(view: ReleaseView) -> Iterator[Problem]:
    if not view.release.has(CARD):
        return
    try:
        card = view.release.card()
    except CardFormatError as exc:
        yield problem(CARD, str(exc), line=exc.line, check="card")
        return

    def bad(key: str, msg: str, line: int | None = None) -> Problem:
        return problem(CARD, msg, field=key, line=line or card.key_line(key.split(".")[0].split("[")[0]),
                       check="card")

    meta = card.meta
    yield from _vocabulary_problems(view, meta, bad)
    if not isinstance(meta.get("pretty_name"), str) or not meta.get("pretty_name", "").strip():
        yield bad("pretty_name", "pretty_name missing")
    yield from _config_problems(view, meta, bad)
    yield from _info_problems(view, card, bad)


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else value if isinstance(value, list) else [value]


def _vocabulary_problems(view: ReleaseView, meta: dict, bad: Bad) -> Iterator[Problem]:
    total = view.kept_rows
    lic = meta.get("license")
    for value in ([lic] if isinstance(lic, str) else lic) if isinstance(lic, (str, list)) else [None]:
        if value not in LICENSES:
            yield bad("license", f"license {value!r} is not a Hub licence identifier (e.g. apache-2.0, cc-by-4.0, "
                      "unknown, other)")
    if lic == "other" and not meta.get("license_name"):
        yield bad("license", "license other needs license_name (and a LICENSE file)")
    sizes = meta.get("size_categories")
    sizes = [sizes] if isinstance(sizes, str) else sizes
    if not isinstance(sizes, list) or not sizes:
        yield bad("size_categories", "size_categories missing (one of " + ", ".join(SIZE_CATEGORIES) + ")")
    else:
        for s in sizes:
            if s not in SIZE_CATEGORIES:
                yield bad("size_categories", f"size category {s!r} is not one of the Hub's: "
                          f"{', '.join(SIZE_CATEGORIES)}")
        if view.all_read() and size_category(total) not in sizes:
            yield bad("size_categories", f"size_categories {sizes} but the release has {total} rows "
                      f"({size_category(total)})")
    tasks = meta.get("task_categories")
    if tasks is not None:
        for t in _as_list(tasks):
            if t not in TASK_CATEGORIES:
                yield bad("task_categories", f"task category {t!r} is not one of the Hub's")
    langs = meta.get("language")
    if not langs:
        yield bad("language", "language missing")
    else:
        for code in _as_list(langs):
            if not is_language_code(code):
                yield bad("language", f"language {code!r} is not a language code (ISO 639-1/2/3, e.g. zh)")


def _config_problems(view: ReleaseView, meta: dict, bad: Bad) -> Iterator[Problem]:
    configs = meta.get("configs")
    if not isinstance(configs, list) or not configs:
        yield bad("configs", "configs missing: [{config_name: default, data_files: [{split, path: data/<split>-*}]}]")
        return
    default = [c for c in configs if isinstance(c, dict) and c.get("config_name") == "default"]
    if not default:
        yield bad("configs", "no config with config_name: default")
        return
    data_files = default[0].get("data_files")
    if not isinstance(data_files, list):
        yield bad("configs", "configs[default].data_files must be a list of {split, path}")
        return
    data = [f for f in view.files if f.startswith("data/")]
    seen = set()
    for k, entry in enumerate(data_files):
        if not isinstance(entry, dict) or "split" not in entry or "path" not in entry:
            yield bad("configs", f"data_files[{k}] must be {{split, path}}")
            continue
        split, patterns = str(entry["split"]), entry["path"]
        patterns = [patterns] if isinstance(patterns, str) else patterns
        seen.add(split)
        if not SPLIT_RE.match(split):
            yield bad("configs", f"split name {split!r} is not allowed by the Hub (^\\w+(\\.\\w+)*$)")
        matched = {f for f in data for p in patterns if fnmatch.fnmatchcase(f, p)}
        expected = {s.path for s in view.shards.get(split, [])}
        if not matched:
            yield bad("configs", f"split {split!r}: data_files path {entry['path']!r} matches no file")
        elif matched != expected:
            yield bad("configs", f"split {split!r}: data_files path {entry['path']!r} matches "
                      f"{', '.join(sorted(matched))}, not the split's shards {', '.join(sorted(expected)) or '(none)'}")
    for split in sorted(view.shards):
        if split not in seen:
            yield bad("configs", f"split {split!r} has shards but no data_files entry")


def _info_problems(view: ReleaseView, card: Card, bad: Bad) -> Iterator[Problem]:
    from datasets.features import Features

    info = card.meta.get("dataset_info")
    if isinstance(info, list):
        info = next((i for i in info if isinstance(i, dict) and i.get("config_name", "default") == "default"), None)
    if not isinstance(info, dict):
        yield bad("dataset_info", "dataset_info missing (features, splits, download_size, dataset_size)")
        return
    try:
        features = Features._from_yaml_list(info["features"])
    except Exception as exc:
        yield bad("dataset_info.features", f"features do not parse: {type(exc).__name__}: {exc}")
    else:
        if features != document_features():
            yield bad("dataset_info.features", "features differ from the row schema's")
    splits = info.get("splits")
    if not isinstance(splits, list):
        yield bad("dataset_info.splits", "splits missing: [{name, num_bytes, num_examples}]")
        return
    named = {}
    for k, s in enumerate(splits):
        if not isinstance(s, dict) or not isinstance(s.get("name"), str):
            yield bad("dataset_info.splits", f"splits[{k}] needs name, num_bytes, num_examples")
            continue
        named[s["name"]] = s
    yield from _split_info_problems(view, card, named, bad)
    yield from _size_problems(view, card, info, named, bad)


def _split_info_problems(view: ReleaseView, card: Card, named: dict, bad: Bad) -> Iterator[Problem]:
    for name in sorted(set(named) | set(view.shards)):
        if name not in named:
            yield bad("dataset_info.splits", f"split {name!r} has shards but is not in dataset_info.splits")
            continue
        if name not in view.shards:
            yield bad("dataset_info.splits", f"split {name!r} is in dataset_info.splits but has no shards")
            continue
        s = named[name]
        if not view.split_fully_read(name):
            continue
        rows = view.split_rows[name]
        split_line = (r"^dataset_info:", r"^\s*splits:", rf"^\s*- name: ['\"]?{re.escape(name)}['\"]?\s*$")
        if s.get("num_examples") != rows:
            yield bad("dataset_info.splits", f"split {name!r}: num_examples is {s.get('num_examples')!r}, its shards "
                      f"hold {rows} rows (load_dataset would fail with NonMatchingSplitsSizesError)",
                      line=card.line_of(*split_line, r"^\s*num_examples:"))
        nb, actual = s.get("num_bytes"), view.split_nbytes[name]
        if not isinstance(nb, int) or isinstance(nb, bool) or nb < 0:
            yield bad("dataset_info.splits", f"split {name!r}: num_bytes {nb!r} is not a byte count",
                      line=card.line_of(*split_line, r"^\s*num_bytes:"))
        elif nb != view.split_nbytes_raw[name] and abs(nb - actual) > view.split_nbytes_slack[name]:
            yield bad("dataset_info.splits", f"split {name!r}: num_bytes is {nb}, its rows take {actual} bytes in "
                      f"Arrow (the table's nbytes as written)", line=card.line_of(*split_line, r"^\s*num_bytes:"))


def _size_problems(view: ReleaseView, card: Card, info: dict, named: dict, bad: Bad) -> Iterator[Problem]:
    data_bytes = sum(view.release.size(f) for f in view.files if f.startswith("data/"))
    if info.get("download_size") != data_bytes:
        yield bad("dataset_info.download_size", f"download_size is {info.get('download_size')!r}; the data shards "
                  f"hold {data_bytes} bytes", line=card.line_of(r"^dataset_info:", r"^\s*download_size:"))
    nbs = [s.get("num_bytes") for s in named.values()]
    if all(isinstance(x, int) for x in nbs) and info.get("dataset_size") != sum(nbs):
        yield bad("dataset_info.dataset_size", f"dataset_size is {info.get('dataset_size')!r}; the splits' num_bytes "
                  f"add up to {sum(nbs)}", line=card.line_of(r"^dataset_info:", r"^\s*dataset_size:"))

"""`dataset.toml`: loaded, checked against `schema/config.schema.json` and turned into typed settings before any
build work starts. Every problem names the file and the key."""

from __future__ import annotations

import hashlib
import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .schema import load_schema, schema_error_key
from .vocab import LICENSES, TASK_CATEGORIES, is_language_code


@dataclass(frozen=True)
class InputSpec:
    path: str
    format: str
    metadata: str | None = None
    glob: str | None = None
    # [inputs.fields]: (input field, row field) pairs, sorted; a tuple so the spec stays hashable
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def field_map(self) -> dict[str, str]:
        return dict(self.fields)

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> InputSpec:
        return cls(**{**table, "fields": tuple(sorted((table.get("fields") or {}).items()))})


@dataclass(frozen=True)
class SplitConfig:
    train: float
    validation: float
    test: float
    salt: str = ""

    def ratios(self) -> dict[str, float]:
        return {"train": self.train, "validation": self.validation, "test": self.test}


@dataclass(frozen=True)
class CleanConfig:
    unicode_form: str = "NFC"
    to_simplified: bool = True
    opencc_profile: str = "t2s"
    full_width_punctuation: bool = True
    convert_metadata: bool = True
    remove_pinyin_annotations: bool = True
    repair_gbk_misalignment: bool = True
    remove_spam: bool = True
    max_spam_share: float = 0.5
    remove_boilerplate: bool = True
    remove_repeats: bool = True
    duplicate_line_min_chars: int = 10
    cross_document_min_docs: int = 5
    cross_document_min_fraction: float = 0.2


@dataclass(frozen=True)
class FilterConfig:
    # Defaults are deliberately permissive; dataset.toml says where each value it sets came from.
    min_chars: int = 50
    min_han_ratio: float = 0.3
    min_line_end_punct_ratio: float = 0.0
    max_repeated_ngram_ratio: float = 1.0
    min_chinese_share: float = 0.5


@dataclass(frozen=True)
class DedupConfig:
    # Defaults measured on a labelled set of reposts and same-template negatives (docs/deduplication.md).
    near: bool = True
    ngram_size: int = 5
    num_perm: int = 128
    bands: int = 32
    rows: int = 4
    seed: int = 42
    threshold: float = 0.5


@dataclass(frozen=True)
class Config:
    path: Path
    sha256: str
    settings_sha256: str  # of the parsed settings without `version`: equal across a bump that changed nothing else
    name: str
    version: str
    description: str
    license: str
    language: tuple[str, ...]
    inputs: tuple[InputSpec, ...]
    split: SplitConfig
    pretty_name: str | None = None
    task_categories: tuple[str, ...] = ()
    homepage: str | None = None
    output_dir: str = "dist"
    clean: CleanConfig = field(default_factory=CleanConfig)
    filter: FilterConfig = field(default_factory=FilterConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)

    @property
    def root(self) -> Path:
        """The folder inputs and output are relative to."""
        return self.path.parent

    @property
    def release_dir(self) -> Path:
        return self.root / self.output_dir / self.name / self.version


def check_config_data(data: dict[str, Any], where: str) -> list[str]:
    """All problems of a parsed config, each as `<file>: <key>: <what is wrong>`."""
    import jsonschema  # here, not at the top: the build's workers import this module and never check a config

    validator = jsonschema.Draft202012Validator(load_schema("config"))
    problems = [f"{where}: {key}: {what}" for key, what in _value_problems(data)]
    problems += [
        f"{where}: {schema_error_key(e)}: {e.message}"
        for e in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    ]
    split = data.get("split")
    if not problems and isinstance(split, dict):
        total = sum(float(split[k]) for k in ("train", "validation", "test"))
        if abs(total - 1.0) > 1e-9:
            problems.append(f"{where}: split: train + validation + test must add up to 1, got {total:g}")
    clean = data.get("clean") or {}
    if not problems and clean.get("unicode_form") == "NFKC":
        problems.append(f"{where}: clean.unicode_form: NFKC folds full-width punctuation to ASCII")
    dedup = data.get("dedup") or {}
    if not problems and dedup.get("bands", 32) * dedup.get("rows", 4) != dedup.get("num_perm", 128):
        problems.append(f"{where}: dedup: bands x rows must equal num_perm (every signature value in one band)")
    problems += _hub_vocabulary_problems(data, where)
    problems += _glob_problems(data, where)
    problems += _field_map_problems(data, where)
    return problems


def _field_map_problems(data: dict[str, Any], where: str) -> list[str]:
    """[inputs.fields] maps record fields, so a text input has none; two input fields cannot fill one row field."""
    inputs = data.get("inputs") if isinstance(data.get("inputs"), list) else []
    problems = []
    for k, spec in enumerate(inputs):
        fields = spec.get("fields") if isinstance(spec, dict) else None
        if not isinstance(fields, dict) or not fields:
            continue
        if spec.get("format") == "txt":
            problems.append(f"{where}: inputs[{k}].fields: a txt input has no fields to map (its sidecar's fields "
                            "are the row's: file_name, id, title, ...); only jsonl and parquet inputs take a mapping")
        filled: dict[str, str] = {}
        for source, target in fields.items():
            if not isinstance(target, str):
                continue  # the schema names it
            if target in filled:
                problems.append(f"{where}: inputs[{k}].fields: {filled[target]!r} and {source!r} both fill "
                                f"{target!r}; a row field takes one input field")
            filled.setdefault(target, source)
    return problems


def _glob_problems(data: dict[str, Any], where: str) -> list[str]:
    from .readers.files import glob_problem

    inputs = data.get("inputs") if isinstance(data.get("inputs"), list) else []
    return [f"{where}: inputs[{k}].glob: {spec['glob']!r} {why}" for k, spec in enumerate(inputs)
            if isinstance(spec, dict) and isinstance(spec.get("glob"), str) and (why := glob_problem(spec["glob"]))]


# Keys whose value is one line of text: a control character (a trailing newline, a carriage return) would pass
# the schema (its `$` matches before a final newline) and end up in folder names, the card's YAML or the manifest.
_ONE_LINE_KEYS = {"name", "version", "pretty_name", "license", "homepage", "output_dir", "language",
                  "task_categories", "path", "format", "metadata", "glob", "salt", "unicode_form", "opencc_profile"}


def _value_problems(data: Any, key: str = "") -> list[tuple[str, str]]:
    """(key, problem) for values the schema cannot refuse: NaN and infinities (TOML `nan`, `inf` pass every
    minimum/maximum) and control characters in one-line strings."""
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _value_problems(v, f"{key}.{k}" if key else str(k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _value_problems(v, f"{key}[{i}]")]
    if isinstance(data, float) and not math.isfinite(data):
        return [(key, f"{data} is not a finite number")]
    last = re.sub(r"\[\d+\]$", "", key).rsplit(".", 1)[-1]
    if isinstance(data, str) and last in _ONE_LINE_KEYS and re.search(r"[\x00-\x1f\x7f\u2028\u2029]", data):
        return [(key, f"{data!r} contains a control character (newline, carriage return, ...); it must be one line")]
    return []


def _hub_vocabulary_problems(data: dict[str, Any], where: str) -> list[str]:
    """The Hub checks licence ids, task categories and language codes only when a card is pushed; checking them
    here makes a build fail before any work instead of at publishing time."""
    problems = []
    license_id = data.get("license")
    if isinstance(license_id, str) and license_id not in LICENSES:
        problems.append(f"{where}: license: {license_id!r} is not a Hub licence identifier "
                        "(e.g. apache-2.0, cc-by-4.0, unknown, other)")
    for k, task in enumerate(data.get("task_categories") or []):
        if isinstance(task, str) and task not in TASK_CATEGORIES:
            problems.append(f"{where}: task_categories[{k}]: {task!r} is not one of the Hub's task categories")
    for k, code in enumerate(data.get("language") or []):
        if isinstance(code, str) and not is_language_code(code):
            problems.append(f"{where}: language[{k}]: {code!r} is not a language code (ISO 639, e.g. zh)")
    return problems


class ConfigFileError(ConfigError):
    """dataset.toml cannot be read, is not UTF-8 or is not TOML: `what` without the file name, `line` when known."""

    def __init__(self, path: Path, what: str, line: int | None = None):
        super().__init__(f"{path}: {what}")
        self.what = what
        self.line = line


def read_config_file(path: Path) -> tuple[str, dict[str, Any]]:
    """The text of a TOML config and its parsed tables; ConfigFileError when it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigFileError(path, f"cannot read the config: {exc.strerror or exc}") from None
    return parse_config_bytes(raw, path)


def parse_config_bytes(raw: bytes, path: Path) -> tuple[str, dict[str, Any]]:
    """The text and parsed tables of a config's bytes (`path` names it in errors); ConfigFileError when they are
    not UTF-8 TOML. The one TOML loading of configs: dataset.toml, and build/dataset.toml inside a release."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigFileError(path, f"not UTF-8 at byte {exc.start}") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigFileError(path, f"not valid TOML: {exc}", int(m.group(1)) if m else None) from None


def toml_key_line(text: str, key: str) -> int | None:
    """Best-effort line of a dotted key (`split.train`, `inputs[0].format`) in a TOML file, for annotations."""
    parts = [p for p in re.split(r"[.\[\]]+", key) if p and not p.isdigit()]
    if not parts:
        return None
    lines = text.splitlines()
    last = parts[-1]
    for n, line in enumerate(lines, 1):
        if re.match(rf"^\s*\[\[?\s*{re.escape(key.split('[')[0])}\s*\]\]?\s*$", line) and len(parts) == 1:
            return n
        if re.match(rf"^\s*\"?{re.escape(last)}\"?\s*=", line):
            return n
    return None


def _with_line(problem: str, where: str, text: str) -> str:
    """`<file>: <key>: <what>` with ` (line N)` when the key's line is found."""
    key = problem[len(where) + 2:].partition(": ")[0]
    line = toml_key_line(text, key)
    return f"{problem} (line {line})" if line else problem


def settings_digest(data: dict[str, Any]) -> str:
    settings = {k: v for k, v in data.items() if k != "version"}
    return hashlib.sha256(json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def load_config(path: str | Path) -> Config:
    """Read and check `dataset.toml`; raise ConfigError naming the file and key on the first problems."""
    path = Path(path)
    text, data = read_config_file(path)
    problems = check_config_data(data, str(path))
    if problems:
        raise ConfigError("\n".join(_with_line(p, str(path), text) for p in problems))
    return Config(
        path=path.resolve(),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        settings_sha256=settings_digest(data),
        name=data["name"],
        version=data["version"],
        description=data["description"].strip(),
        license=data["license"],
        language=tuple(data["language"]),
        inputs=tuple(InputSpec.from_table(spec) for spec in data["inputs"]),
        split=SplitConfig(**data["split"]),
        pretty_name=data.get("pretty_name"),
        task_categories=tuple(data.get("task_categories", ())),
        homepage=data.get("homepage"),
        output_dir=data.get("output_dir", "dist"),
        clean=CleanConfig(**data.get("clean", {})),
        filter=FilterConfig(**data.get("filter", {})),
        dedup=DedupConfig(**data.get("dedup", {})),
    )

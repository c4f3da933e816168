"""`datasheet.yaml`: the maintainer's answers to Datasheets for Datasets, loaded and checked against
`schema/datasheet.schema.json`.

The questions themselves live only in that schema (each answer key's `title` is the question, its
`description` the full question with the paper's follow-ups); `questions()` reads them from there, so the
file a maintainer fills in, the checks and the rendered documents can never disagree about the wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from ..errors import DatasetBuilderError
from ..schema import load_schema, schema_error_key

MISSING = "[More Information Needed]"
# The seven sections of the paper, in its order; `about` holds card/Croissant facts no question asks for.
GEBRU_SECTIONS = (
    "motivation",
    "composition",
    "collection_process",
    "preprocessing",
    "uses",
    "distribution",
    "maintenance",
)


class DatasheetError(DatasetBuilderError):
    """datasheet.yaml is unreadable or wrong, an answer is missing under --strict, or the release is
    inconsistent with its manifest."""


@dataclass(frozen=True)
class Question:
    section: str
    key: str
    title: str  # the question
    text: str  # the full question, with the paper's follow-ups

    @property
    def follow_up(self) -> str:
        """The paper's follow-up prompts after the question itself, or ''."""
        return self.text[len(self.title):].strip() if self.text.startswith(self.title) else self.text


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    questions: tuple[Question, ...]


def questions() -> tuple[Section, ...]:
    """Every section and question of Datasheets for Datasets, in the paper's order, from the schema."""
    schema = load_schema("datasheet")
    sections = []
    for key in GEBRU_SECTIONS:
        node = schema["properties"][key]
        sections.append(
            Section(
                key=key,
                title=node["title"],
                intro=node.get("description", ""),
                questions=tuple(
                    Question(key, qkey, q["title"], q["description"]) for qkey, q in node["properties"].items()
                ),
            )
        )
    return tuple(sections)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as the strings they were written as (2026-11-22 stays a string)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _no_duplicate_keys(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}: the later answer would silently replace the earlier",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)


@dataclass(frozen=True)
class Answers:
    """The parsed answers; `get` returns None for an unanswered question."""

    path: Path | None
    data: dict[str, Any]

    def get(self, section: str, key: str) -> str | None:
        value = (self.data.get(section) or {}).get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = value.strip()
            return value if value and value != MISSING else None
        return value

    def text(self, section: str, key: str) -> str:
        """The answer as Markdown, or the missing-answer marker."""
        value = self.get(section, key)
        return value if isinstance(value, str) else MISSING

    def about(self, key: str) -> Any:
        return self.get("about", key)

    def missing(self) -> list[str]:
        """`section.key` of every unanswered question and every unset `about` entry, in schema order."""
        gaps = [f"{q.section}.{q.key}" for s in questions() for q in s.questions if self.get(s.key, q.key) is None]
        about_keys = load_schema("datasheet")["properties"]["about"]["properties"]
        # In `about`, an explicit null means "there is none"; only a key left out (or blank) is missing.
        about = self.data.get("about") or {}
        gaps += [f"about.{key}" for key in about_keys if key not in about or about[key] in ([], "")]
        return gaps


def check_answers_data(data: Any, where: str) -> list[str]:
    """Every schema problem of parsed answers, as `<file>: <key>: <what is wrong>`."""
    validator = jsonschema.Draft202012Validator(load_schema("datasheet"))
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{where}: {schema_error_key(e, name_required=False)}: {e.message}" for e in errors]


def load_answers(path: str | Path) -> Answers:
    """Read and check datasheet.yaml; raise DatasheetError naming the file and key of every problem."""
    path = Path(path)
    try:
        raw = path.read_text("utf-8")
    except OSError as exc:
        raise DatasheetError(f"{path}: cannot read the datasheet answers: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise DatasheetError(f"{path}: not UTF-8 at byte {exc.start}") from None
    try:
        data = yaml.load(raw, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise DatasheetError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        data = {}
    problems = check_answers_data(data, str(path))
    if problems:
        raise DatasheetError("\n".join(problems))
    return Answers(path, data)


def load_answers_or_none(path: str | Path, detailed: bool = False) -> tuple[Answers, list[str]]:
    """The answers and their warnings; a missing file gives empty answers and one warning, and so do unanswered
    questions: one summary line (how many, in which sections, the command that lists them), or with `detailed`
    one line per unanswered question (what --strict reports)."""
    path = Path(path)
    if not path.exists():
        count = sum(len(s.questions) for s in questions())
        return Answers(path, {}), [
            f"{path}: not found; all {count} questions of Datasheets for Datasets show {MISSING} "
            "(`dataset-builder init` writes a datasheet.yaml with every question)"
        ]
    answers = load_answers(path)
    return answers, missing_answer_warnings(answers) if detailed else missing_answer_summary(answers)


LIST_UNANSWERED = "dataset-builder datasheet --unanswered"


def missing_answer_summary(answers: Answers) -> list[str]:
    """One line for all unanswered questions and unset `about` entries, or none when everything is answered."""
    gaps = answers.missing()
    if not gaps:
        return []
    where = answers.path if answers.path is not None else "datasheet answers"
    total = sum(len(s.questions) for s in questions())
    per_section: dict[str, int] = {}
    for key in gaps:
        section = key.split(".", 1)[0]
        per_section[section] = per_section.get(section, 0) + 1
    asked = sum(n for section, n in per_section.items() if section != "about")
    sections = ", ".join(f"{section} {n}" for section, n in per_section.items() if section != "about")
    about = per_section.get("about", 0)
    parts = [f"{asked} of {total} questions unanswered ({sections})" if asked else "every question answered"]
    if about:
        parts.append(f"{about} `about` entr{'y' if about == 1 else 'ies'} unset")
    return [f"{where}: {', '.join(parts)}; shown as {MISSING}; `{LIST_UNANSWERED}` lists them"]


def missing_answer_warnings(answers: Answers) -> list[str]:
    """One line per unanswered question (with the question) or unset `about` entry."""
    where = answers.path if answers.path is not None else "datasheet answers"
    titles = {f"{q.section}.{q.key}": q.title for s in questions() for q in s.questions}
    return [
        f"{where}: {key}: no answer" + (f" ({titles[key]})" if key in titles else "") + f"; shown as {MISSING}"
        for key in answers.missing()
    ]

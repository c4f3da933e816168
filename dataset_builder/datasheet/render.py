"""DATASHEET.md: the maintainer's answers merged with figures computed from the release, and the blocks of
computed figures (`FactBlocks`, `FACTS_FOR`) the Hub card body (card_body.py) prints under the same questions.

Every figure comes from `ReleaseFacts` (computed from the release's files); every question from the schema
(`answers.questions()`); every answer from datasheet.yaml. Output depends on nothing else — no dates, no
environment — so two renders of the same release are byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import __version__
from ..config import Config
from ..schema import load_schema
from .answers import MISSING, Answers, questions
from .facts import UNKNOWN, ReleaseFacts
from .markdown import Md, cell, code, text
from .plots import Plot

GEBRU = "*Datasheets for Datasets* (Gebru et al., Communications of the ACM 64(12), 2021)"




def table(header: tuple[str, ...], rows: list[tuple[object, ...]], align: str = "") -> str:
    """A Markdown table; `align` has one letter per column, l or r (default l)."""
    marks = ["---:" if (align[i:i + 1] == "r") else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# A table of one row per source, input file, duplicate, ... would grow with the dataset: at most this many rows
# are shown, then one line says how many more there are (and how many documents they hold).
SHOWN_ROWS = 10


def capped_table(header: tuple[str, ...], rows: list[tuple[object, ...]], align: str, what: str,
                 documents_column: int | None = None, shown: int = SHOWN_ROWS) -> str:
    out = table(header, rows[:shown], align)
    rest = rows[shown:]
    if rest:
        held = f", {_n(sum(int(r[documents_column]) for r in rest))} documents" if documents_column is not None else ""
        out += f"\n\n… and {_n(len(rest))} more {what}{held} (not listed)."
    return out


def _n(value: int | float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


class FactBlocks:
    """The computed figures as Markdown blocks, shared by the datasheet and the card."""

    def __init__(self, config: Config, facts: ReleaseFacts, plots: dict[str, Plot], asset_prefix: str = "") -> None:
        self.config, self.facts, self.plots, self.prefix = config, facts, plots, asset_prefix

    def image(self, name: str) -> str:
        plot = self.plots.get(name)
        return f"![{plot.title}]({self.prefix}{plot.file})" if plot else ""

    def counts(self) -> str:
        f, c = self.facts, self.facts.counts
        read = c.get("read")
        line = (
            f"Documents read: {_n(read) if read is not None else MISSING}; kept: {_n(f.kept)}; "
            f"rejected: {_n(f.rejected)}; duplicates removed: {_n(f.duplicates)}{_by_kind(f.duplicates_by_kind)}."
        )
        rows = [(s.name, _n(s.documents), _n(s.characters)) for s in f.splits]
        rows.append((Md("**total**"), Md(f"**{_n(f.kept)}**"), Md(f"**{_n(f.characters)}**")))
        return line + "\n\n" + table(("split", "documents", "characters"), rows, "lrr")

    def changes(self) -> str:
        """"Changes since <previous>": counts and a few example ids, from the manifest's `previous` entry."""
        previous = self.facts.manifest.get("previous")
        if not previous:
            return ""
        changes = previous["changes"]
        rows = [(kind.replace("_", " "), _n(changes[kind]), Md(", ".join(code(i) for i in changes["examples"][kind])))
                for kind in ("added", "removed", "changed", "moved_split")]
        parts = [f"## Changes since {text(previous['version'])}",
                 f"Compared with version {text(previous['version'])} (manifest SHA-256 "
                 f"`{previous['manifest_sha256']}`), by document id and text hash; `dataset-builder diff` lists "
                 "every id.",
                 table(("kept documents", "count", "examples"), rows, "lrl")]
        if changes["moved_split"]:
            parts.append(f"**Warning:** {changes['moved_split']} documents changed split since the previous "
                         "version; evaluations comparing the two versions are not comparable.")
        splits = changes.get("splits", {})
        moved = [(text(s), _n(v["old"]), _n(v["new"])) for s, v in splits.items() if v["old"] != v["new"]]
        if moved:
            parts.append(table(("split", previous["version"], self.facts.version), moved, "lrr"))
        schema = changes.get("schema", {})
        for kind in ("added", "removed", "retyped"):
            if schema.get(kind):
                parts.append(f"Columns {kind}: {', '.join(code(c) for c in schema[kind])}.")
        if changes.get("config_changed"):
            parts.append("The build configuration changed.")
        deps = changes.get("dependencies", {})
        if deps:
            parts.append("Software versions changed: " + ", ".join(
                f"{code(k)} {text(v['old'])} → {text(v['new'])}" for k, v in deps.items()) + ".")
        return "\n\n".join(parts)

    def lengths(self) -> str:
        summary = self.facts.length_summary()
        if not summary:
            return "No documents are kept, so there is no length distribution."
        stats = table(
            ("min", "25 %", "median", "75 %", "max", "mean"),
            [tuple(_n(summary[k]) for k in ("min", "p25", "median", "p75", "max", "mean"))],
            "rrrrrr",
        )
        bins = table(
            ("characters", "documents"),
            [(f"{_n(b.low)}–{_n(b.high - 1)}", b.count) for b in self.facts.histogram],
            "lr",
        )
        return "\n\n".join(
            x for x in ("Length of the kept documents in characters (Unicode code points of `text`):", stats,
                        self.image("length_histogram"), bins) if x
        )

    def sources(self) -> str:
        return "Sources named by the pages (`source`):\n\n" + capped_table(
            ("source", "documents"), self.facts.sources, "lr", "sources", 1)

    def scripts(self) -> str:
        return (
            "Script of the original text (`script`, before any conversion) and language (`language`):\n\n"
            + capped_table(("script", "documents"), self.facts.scripts, "lr", "scripts", 1)
            + "\n\n"
            + capped_table(("language", "documents"), self.facts.languages, "lr", "languages", 1)
        )

    def columns(self) -> str:
        schema = load_schema("document")
        rows = []
        for name, node in schema["properties"].items():
            kind = node.get("type")
            kind = " or ".join(kind) if isinstance(kind, list) else kind
            rows.append((code(name), kind, Md(node.get("description", ""))))
        return "Columns of every row of `data/` (from `schema/document.schema.json`):\n\n" + table(
            ("column", "type", "description"), rows
        )

    def missing(self) -> str:
        kept = self.facts.kept
        rows = [(code(col), n, f"{kept - n}") for col, n in self.facts.missing_metadata]
        return f"Kept documents without each metadata field (null or empty), of {kept}:\n\n" + table(
            ("field", "missing", "present"), rows, "lrr"
        )

    def splits(self) -> str:
        ratios = self.config.split.ratios()
        salt = self.config.split.salt
        method = (
            "Each kept document's id is hashed with SHA-256"
            + (f" (salted with `{salt}`)" if salt else "")
            + " to a point in [0, 1); the split is the band the point falls in: "
            + ", ".join(f"{name} {ratios[name]:g}" for name in ratios)
            + ". A document therefore keeps its split when others are added or removed; with few documents the "
            "realised shares differ from the ratios."
        )
        kept = self.facts.kept or 1
        rows = [(s.name, f"{ratios.get(s.name, 0):g}", s.documents, f"{s.documents / kept:.2f}") for s in self.facts.splits]
        empty = [s.name for s in self.facts.splits if s.documents == 0]
        note = (
            f"\n\nEmpty split(s): {', '.join(empty)} — no shard is written for them." if empty else ""
        )
        return method + "\n\n" + table(("split", "target ratio", "documents", "realised share"), rows, "lrrr") + note

    def noise(self) -> str:
        f = self.facts
        parts = []
        if f.duplicates:
            examples = len(f.duplicate_examples)
            parts.append(
                f"Duplicates removed: {_n(f.duplicates)}{_by_kind(f.duplicates_by_kind)}, copies of "
                f"{_n(f.duplicate_originals)} kept documents (every one is in `duplicates/` with the id of the kept document "
                "of its cluster and its estimated similarity to it). "
                + ("For example:" if examples < f.duplicates else "They are:") + "\n\n"
                + table(("removed id", "duplicate of", "kind"), f.duplicate_examples)
            )
        else:
            parts.append("Duplicates removed: 0 (exact or near).")
        if f.flags:
            parts.append("Kept documents with warning flags (`flags`):\n\n"
                         + capped_table(("flag", "documents"), f.flags, "lr", "flags", 1))
        else:
            parts.append("No kept document carries a warning flag.")
        return "\n\n".join(parts)

    def timeframe(self) -> str:
        f = self.facts
        if f.date_range:
            first, last = f.date_range
            line = f"Publication dates stated by the kept pages (`published_at`) range from {text(first)} to {text(last)}."
        else:
            line = "No kept page states a publication date."
        years = capped_table(("year", "documents"), f.years, "lr", "years", 1, shown=40) if f.date_range else ""
        parts = [line, self.image("documents_per_year"), years]
        return "\n\n".join(p for p in parts if p)

    def cleaning(self) -> str:
        f = self.facts
        total = {(c["operator"], c["unit"]): c for c in f.manifest.get("cleaning", [])}
        kept = {(c["operator"], c["unit"]): c for c in f.cleaning}
        rows = []
        for key in sorted(set(total) | set(kept)):
            k, t = kept.get(key, {}), total.get(key, {})
            rows.append((
                code(key[0]), key[1], _n(k.get("count", 0)), _n(k.get("documents", 0)),
                _n(t["count"]) if t else "–", _n(t["documents"]) if t else "–",
            ))
        ops = (
            "Changes made by each cleaning operator, in kept documents (from each row's `edits`) and in all "
            "documents read (from `manifest.json`):\n\n"
            + table(("operator", "unit", "changes (kept)", "documents (kept)", "changes (all read)",
                     "documents (all read)"), rows, "llrrrr")
            if rows else "No cleaning operator changed any document."
        )
        if f.rejected_by_reason:
            rejected = f"Documents rejected: {f.rejected} (kept in `rejected/` with their raw text):\n\n" + capped_table(
                ("stage", "reason", "documents"), f.rejected_by_reason, "llr", "reasons", 2, shown=20
            )
        else:
            rejected = "Documents rejected: 0."
        removed = self.image("removals_per_reason")
        return "\n\n".join(p for p in (ops, rejected, removed) if p)

    def raw(self) -> str:
        m = self.facts.manifest
        rows = [(code(i["path"]), _n(i.get("documents", 0)), _n(i.get("bytes", 0)), code(i.get("sha256", "")))
                for i in m.get("inputs", [])]
        config = m.get("config", {})
        parts = []
        if rows:
            parts.append("Inputs of this release (from `manifest.json`, which lists every one):\n\n" + capped_table(
                ("input", "documents", "bytes", "sha256"), rows, "lrrl", "input files"))
        if config:
            parts.append(f"Configuration: {code(config.get('file'))}, sha256 {code(config.get('sha256'))}.")
        return "\n\n".join(parts)

    def software(self) -> str:
        env = self.facts.manifest.get("environment", {})
        if not env:
            return ""
        return "Software that built this release (from `manifest.json`):\n\n" + table(
            ("package", "version"), sorted(env.items()))

    def license(self) -> str:
        release = f"Licence identifier of the release (`license` in `{self.config.path.name}`): `{self.config.license}`."
        return "\n\n".join(x for x in (release, self.document_licenses()) if x)

    def document_licenses(self) -> str:
        """What the inputs say of each document's licence, when any states one: the licences vary then."""
        stated = [(name, n) for name, n in self.facts.licenses if name != UNKNOWN]
        if not stated:
            return ""
        rows = [(code(name), n) for name, n in stated]
        rows += [("none stated (the release's licence applies)", n) for name, n in self.facts.licenses if name == UNKNOWN]
        return (f"Licences vary by document: {_n(sum(n for _, n in stated))} of {_n(self.facts.kept)} kept documents "
                "state their own in the `license` column:\n\n"
                + capped_table(("license", "documents"), rows, "lr", "licences", 1))


# Which computed figures are printed under which question.
FACTS_FOR: dict[tuple[str, str], tuple[Callable[[FactBlocks], str], ...]] = {
    ("composition", "instances"): (FactBlocks.sources, FactBlocks.scripts),
    ("composition", "count"): (FactBlocks.counts, FactBlocks.lengths),
    ("composition", "instance_data"): (FactBlocks.columns,),
    ("composition", "missing_information"): (FactBlocks.missing,),
    ("composition", "splits"): (FactBlocks.splits,),
    ("composition", "errors_noise_redundancy"): (FactBlocks.noise,),
    ("collection_process", "timeframe"): (FactBlocks.timeframe,),
    ("preprocessing", "done"): (FactBlocks.cleaning,),
    ("preprocessing", "raw_data_saved"): (FactBlocks.raw,),
    ("preprocessing", "software_available"): (FactBlocks.software,),
    ("distribution", "license"): (FactBlocks.license,),
}


def _computed(blocks: FactBlocks, section: str, key: str) -> str:
    parts = [render(blocks) for render in FACTS_FOR.get((section, key), ())]
    parts = [p for p in parts if p]
    return "**Computed from the release:**\n\n" + "\n\n".join(parts) if parts else ""


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.splitlines())


def render_datasheet(config: Config, answers: Answers, facts: ReleaseFacts, plots: dict[str, Plot],
                     asset_prefix: str = "") -> str:
    """DATASHEET.md: every question of the paper with its answer, and the computed figures under the
    questions they answer. `asset_prefix` is prepended to plot links (for a copy outside the release)."""
    blocks = FactBlocks(config, facts, plots, asset_prefix)
    title = config.pretty_name or config.name
    out = [
        f"# Datasheet for {text(title)} {text(facts.version)}",
        f"This datasheet follows {GEBRU}: it asks every question of the paper, section by section. The "
        f"answers are the maintainer's (`datasheet.yaml`); the figures marked *Computed from the release* are "
        f"computed by dataset-builder {__version__} from this release's files, not typed by hand. An unanswered "
        f"question shows {MISSING}.",
        completeness(answers),
        table(("release", ""), [
            ("name", code(facts.name)), ("version", facts.version), ("licence", code(config.license)),
            ("language(s)", ", ".join(config.language)),
            ("documents kept", _n(facts.kept)), ("characters kept", _n(facts.characters)),
        ]),
        config.description,
    ]
    for section in questions():
        out.append(f"## {section.title}")
        if section.intro:
            out.append(f"*{section.intro}*")
        for number, q in enumerate(section.questions, 1):
            out.append(f"### {number}. {q.title}")
            if q.follow_up:
                out.append(_quote(q.follow_up))
            out.append(answers.text(section.key, q.key))
            computed = _computed(blocks, section.key, q.key)
            if computed:
                out.append(computed)
    return "\n\n".join(out).rstrip() + "\n"


def completeness(answers: Answers) -> str:
    """What the documents can claim: every question answered, or how many are not and where."""
    asked = [(s.key, q.key) for s in questions() for q in s.questions]
    gaps = [k for k in asked if answers.get(*k) is None]
    if not gaps:
        return f"All {len(asked)} questions of Datasheets for Datasets are answered."
    sections = sorted({section for section, _ in gaps}, key=[s.key for s in questions()].index)
    return (f"**Incomplete:** {len(gaps)} of {len(asked)} questions of Datasheets for Datasets are not answered "
            f"yet (in {', '.join(sections)}); they show {MISSING}.")


def _by_kind(by_kind: list[tuple[str, int]]) -> str:
    """" (exact: 3, near: 2)", the kinds present; nothing when there are no duplicates."""
    return f" ({', '.join(f'{k}: {_n(n)}' for k, n in by_kind)})" if by_kind else ""

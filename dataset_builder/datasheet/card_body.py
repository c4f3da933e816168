"""The Hub card body: the official dataset card template's sections, filled with the same answers and computed
figures as DATASHEET.md (render.py), each datasheet question at most once."""

from __future__ import annotations

from ..config import Config
from .answers import MISSING, Answers, questions
from .croissant import plain_citation
from .facts import UNKNOWN, ReleaseFacts
from .markdown import text
from .plots import Plot
from .plots import plots as make_plots
from .render import FACTS_FOR, FactBlocks, completeness


def _varies(facts: ReleaseFacts) -> str:
    if all(name == UNKNOWN for name, _ in facts.licenses):
        return ""
    return " (licences vary by document: see the `license` column)"


def _inline(text: str) -> str:
    """An answer folded onto one line, for a list item."""
    return " ".join(text.split())


def _creators(answers: Answers) -> str:
    creators = answers.about("creators") or []
    return ", ".join(c["name"] for c in creators) or MISSING


# The card's headings (the official dataset card template's) and the datasheet questions answered under each.
# Every question appears at most once, followed by the figures computed for it (FACTS_FOR), so an answer that
# says "computed below" is true in the card as in DATASHEET.md. A heading with no questions only structures.
CARD_SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("## Uses", ()),
    ("### Direct Use", (("uses", "already_used"), ("uses", "other_tasks"))),
    ("### Out-of-Scope Use", (("uses", "not_for"),)),
    ("## Dataset Structure", (("composition", "instances"), ("composition", "count"), ("composition", "splits"),
                              ("composition", "instance_data"))),
    ("## Dataset Creation", ()),
    ("### Curation Rationale", (("motivation", "purpose"),)),
    ("### Source Data", ()),
    ("#### Data Collection and Processing", (
        ("collection_process", "acquisition"), ("collection_process", "mechanisms"),
        ("collection_process", "sampling_strategy"), ("collection_process", "timeframe"), ("preprocessing", "done"))),
    ("#### Who are the source data producers?", (("collection_process", "collectors"),
                                                 ("collection_process", "direct_or_third_party"))),
    ("### Annotations", (("composition", "labels"),)),
    ("### Personal and Sensitive Information", (
        ("composition", "identify_individuals"), ("composition", "sensitive"), ("composition", "confidential"),
        ("collection_process", "consent"))),
    ("## Bias, Risks, and Limitations", (
        ("composition", "sample"), ("composition", "errors_noise_redundancy"), ("composition", "offensive"),
        ("composition", "missing_information"))),
    ("### Recommendations", (("uses", "impact_future_uses"),)),
)


def _card_section(answers: Answers, blocks: FactBlocks, keys: tuple[tuple[str, str], ...]) -> str:
    """The answers under one card heading, each introduced by its question when there are several and followed
    by its computed figures; the unanswered ones named in one line instead of a marker each."""
    by_key = {(q.section, q.key): q for s in questions() for q in s.questions}
    parts, unanswered = [], []
    for key in keys:
        answer = answers.get(*key)
        if isinstance(answer, str):
            parts.append(f"**{by_key[key].title}** {answer}" if len(keys) > 1 else answer)
        else:
            unanswered.append(by_key[key].title)
        parts += [p for p in (render(blocks) for render in FACTS_FOR.get(key, ())) if p]
    if unanswered:
        parts.append(f"{MISSING} " + " ".join(f"*{title}*" for title in unanswered))
    return "\n\n".join(parts)


def render_card_body(config: Config, answers: Answers, facts: ReleaseFacts, plots: dict[str, Plot] | None = None,
                     asset_prefix: str = "") -> str:
    """The Hub dataset card body (Markdown, without the YAML front matter) in the sections of the official
    dataset card template, from the same answers and computed figures as DATASHEET.md."""
    if plots is None:
        plots = make_plots(facts)
    blocks = FactBlocks(config, facts, plots, asset_prefix)
    a = answers
    url = a.about("url") or config.homepage
    out = [
        f"# {text(config.pretty_name or config.name)}",
        "## Dataset Details",
        "### Dataset Description",
        config.description,
        completeness(a),
        "\n".join([
            f"- **Curated by:** {_creators(a)}",
            f"- **Funded by:** {_inline(a.text('motivation', 'funding'))}",
            f"- **Shared by:** {_inline(a.text('maintenance', 'maintainer'))}",
            f"- **Language(s) (NLP):** {', '.join(config.language)}",
            f"- **License:** `{config.license}`: {_inline(a.text('distribution', 'license'))}{_varies(facts)}",
            f"- **Version:** {facts.version}",
        ]),
        "### Dataset Sources",
        f"- **Repository:** {url or 'none published'}",
    ]
    for heading, keys in CARD_SECTIONS:
        out += [heading, _card_section(a, blocks, keys)]
        if heading == "## Dataset Structure":
            out.append(
                "Removed documents are kept beside the splits: `rejected/` (with stage, reason and raw text) and "
                "`duplicates/` (exact copies and near-duplicate reposts, each with the kept id it duplicates, the "
                "kind and the similarity). `manifest.json` lists every file with its SHA-256; `croissant.json` describes the files and columns in Croissant 1.1; `DATASHEET.md` asks "
                "every question of Datasheets for Datasets.")
            out.append(blocks.changes())
    out += _card_end(config, a, facts, asset_prefix)
    return "\n\n".join(p.strip() for p in out if p and p.strip()).rstrip() + "\n"


def _card_end(config: Config, a: Answers, facts: ReleaseFacts, asset_prefix: str) -> list[str]:
    citation = a.about("citation")
    return [
        "## Citation",
        f"```bibtex\n{citation.strip()}\n```" if citation else (
            ("There is no publication to cite." if "citation" in (a.data.get("about") or {}) else MISSING)
            + f" To cite this release:\n\n> {text(plain_citation(config, a, facts))}"),
        "## Glossary",
        a.about("glossary") or MISSING,
        "## More Information",
        (a.about("more_information") or MISSING) + "\n\nThe datasheet, with every question of Datasheets for "
        f"Datasets and the figures computed for each: [DATASHEET.md]({asset_prefix}DATASHEET.md).",
        "## Dataset Card Authors",
        a.about("card_authors") or MISSING,
        "## Dataset Card Contact",
        a.text("maintenance", "contact"),
    ]

"""DATASHEET.md, plots, card body and croissant.json of a release, checked against the release's data."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
import yaml

from dataset_builder.config import load_config
from dataset_builder.datasheet import (
    MISSING, DatasheetError, card_body, compute_facts, load_answers, questions, write_documents,
)
from dataset_builder.datasheet.facts import HistogramBin, length_histogram
from dataset_builder.schema import load_schema
from tests.release_fixture import DUPLICATES, REJECTED, kept_documents

REPO = Path(__file__).resolve().parent.parent
DOCS = ("DATASHEET.md", "croissant.json", "plots/length_histogram.svg", "plots/documents_per_year.svg",
        "plots/removals_per_reason.svg")


def _write(release, answers: Path, **kw) -> tuple[list[str], str]:
    config_path, release_dir = release
    warnings = write_documents(release_dir, load_config(config_path), answers, **kw)
    return warnings, (release_dir / "DATASHEET.md").read_text("utf-8")


# --- the questions -------------------------------------------------------------------------------------

def test_schema_is_valid_2020_12_and_holds_all_57_questions():
    schema = load_schema("datasheet")
    jsonschema.Draft202012Validator.check_schema(schema)
    sections = questions()
    assert [s.title for s in sections] == [
        "Motivation", "Composition", "Collection Process", "Preprocessing/cleaning/labeling", "Uses",
        "Distribution", "Maintenance",
    ]
    assert [len(s.questions) for s in sections] == [4, 16, 12, 4, 6, 7, 8]
    for section in sections:
        assert section.questions[-1].title == "Any other comments?"
        for q in section.questions:
            assert q.text.startswith(q.title) and q.title.endswith("?"), q
    every = [q.title for s in sections for q in s.questions]
    for known in ("Who funded the creation of the dataset?", "Is there an erratum?",
                  "Does the dataset identify any subpopulations (e.g., by age, gender)?",
                  "When will the dataset be distributed?"):
        assert known in every


def test_seed_answers_answer_every_question(seed_answers):
    answers = load_answers(seed_answers)
    assert answers.missing() == []
    for section in questions():
        for q in section.questions:
            assert answers.get(section.key, q.key), f"{section.key}.{q.key}"
    # the honest essentials
    assert "not representative" in answers.get("composition", "sample")
    assert "unknown" in answers.get("distribution", "license")
    assert "not" in answers.get("uses", "not_for").lower()


# --- answers: missing, strict, wrong ---------------------------------------------------------------------

def test_every_question_appears_with_its_answer_in_order(release, seed_answers):
    warnings, text = _write(release, seed_answers)
    assert warnings == []
    answers = load_answers(seed_answers)
    position = 0
    for section in questions():
        position = text.index(f"## {section.title}\n", position)
        for number, q in enumerate(section.questions, 1):
            position = text.index(f"### {number}. {q.title}\n", position)
            answer = answers.get(section.key, q.key)
            position = text.index(answer, position)
    assert text.count(MISSING) == 1  # only where the introduction explains the marker


def _answers_without(tmp_path: Path, seed_answers: Path, *gaps: tuple[str, str]) -> Path:
    data = yaml.safe_load(seed_answers.read_text("utf-8"))
    for section, key in gaps:
        data[section].pop(key)
    path = tmp_path / "partial.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_missing_answer_is_a_warning_and_shows_the_marker(release, seed_answers, tmp_path):
    path = _answers_without(tmp_path, seed_answers, ("uses", "not_for"), ("maintenance", "erratum"))
    warnings, text = _write(release, path)
    # one summary line: how many, in which sections, and the command that lists them
    assert warnings == [f"{path}: 2 of 57 questions unanswered (uses 1, maintenance 1); shown as {MISSING}; "
                        "`dataset-builder datasheet --unanswered` lists them"]
    after = text.split("Are there tasks for which the dataset should not be used?", 1)[1]
    assert after.split("###", 1)[0].count(MISSING) == 1
    assert text.split("### 3. Is there an erratum?", 1)[1].split("###", 1)[0].count(MISSING) == 1


def test_missing_answer_under_strict_is_an_error_and_writes_nothing(release, seed_answers, tmp_path):
    path = _answers_without(tmp_path, seed_answers, ("motivation", "funding"))
    with pytest.raises(DatasheetError, match=r"motivation.funding: no answer \(Who funded the creation"):
        _write(release, path, strict=True)
    assert not (release[1] / "DATASHEET.md").exists()
    assert not (release[1] / "croissant.json").exists()


def test_null_and_blank_answers_count_as_missing(release, seed_answers, tmp_path):
    data = yaml.safe_load(seed_answers.read_text("utf-8"))
    data["uses"]["repository"] = None
    data["uses"]["other_tasks"] = "   "
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    warnings, _ = _write(release, path)
    assert len(warnings) == 1 and "2 of 57 questions unanswered (uses 2)" in warnings[0]
    assert load_answers(path).missing() == ["uses.repository", "uses.other_tasks"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("motivation:\n  purpose: x\n  purpse: y\n", "purpse"),
        ("motivation:\n  purpose: x\n  purpose: y\n", "duplicate key"),
        ("about:\n  date_published: 22.11.2026\n", "date_published"),
        ("composition:\n  count: [1, 2]\n", "composition.count"),
        ("motivation: [", "not valid YAML"),
    ],
)
def test_wrong_answers_file_is_an_error_naming_the_key(tmp_path, text, message):
    path = tmp_path / "datasheet.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasheetError, match=re.escape(message)):
        load_answers(path)


# --- computed figures ------------------------------------------------------------------------------------

def _table_after(text: str, heading: str) -> list[list[str]]:
    """Rows of the first Markdown table after `heading`."""
    rest = text.split(heading, 1)[1]
    block = next(b for b in rest.split("\n\n") if b.startswith("|"))
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in block.splitlines()[2:]]


def test_figures_match_the_data(release, seed_answers):
    _, text = _write(release, seed_answers)
    kept = kept_documents()
    every = [d for docs in kept.values() for d in docs]

    rows = _table_after(text, "Documents read:")
    expected = [[s, str(len(kept[s])), f"{sum(len(d.text) for d in kept[s]):,}"] for s in ("train", "validation", "test")]
    assert rows[:3] == expected
    assert rows[3] == ["**total**", f"**{len(every)}**", f"**{sum(len(d.text) for d in every):,}**"]
    assert f"Documents read: 10; kept: {len(every)}; rejected: {len(REJECTED)}; duplicates removed: {len(DUPLICATES)} (exact: {len(DUPLICATES)})." in text

    years = dict(tuple(r) for r in _table_after(text, "range from"))
    assert years == {"2014": "2", "2015": "2", "(unknown)": "2"}
    assert "range from 2014-07-08T20:51:54 to 2015-08-12T10:49" in text

    sources = _table_after(text, "Sources named by the pages")
    assert sources == [["红网", "3"], ["贞丰在线", "1"], ["(unknown)", "2"]]
    scripts = _table_after(text, "Script of the original text")
    assert scripts == [["Hans", "4"], ["Hant", "2"]]

    rejected = _table_after(text, "Documents rejected: 3")
    assert rejected == [["quality_filter", "low_han_ratio", "1"], ["quality_filter", "too_short", "2"]]
    assert ["dup01", "doc00", "exact"] in _table_after(text, "Duplicates removed: 1 (exact: 1)")

    cleaning = {r[0]: r for r in _table_after(text, "Changes made by each cleaning operator")}
    # kept rows: whitespace 3 + 2 lines in 2 docs; all read (manifest): 9 lines in 3 docs
    assert cleaning["`whitespace_normalizer`"] == ["`whitespace_normalizer`", "lines", "5", "2", "9", "3"]
    assert cleaning["`script_converter`"][2:4] == ["45", "2"]

    lengths = sorted(len(d.text) for d in every)
    summary = _table_after(text, "Length of the kept documents")[0]
    assert summary[0] == str(lengths[0]) and summary[4] == str(lengths[-1])
    assert summary[2] == f"{(lengths[2] + lengths[3]) / 2:.1f}"
    bins = _table_after(text, "![Document length")
    assert sum(int(r[1]) for r in bins) == len(every)

    missing = {r[0]: int(r[1]) for r in _table_after(text, "Kept documents without each metadata field")}
    assert missing["`url`"] == sum(1 for d in every if d.url is None)
    assert missing["`published_at`"] == sum(1 for d in every if d.published_at is None)


def test_histogram_bins_cover_every_length():
    values = [1586, 2362, 2398, 2488, 3731]
    bins = length_histogram(values)
    assert sum(b.count for b in bins) == len(values)
    assert bins[0].low <= min(values) and bins[-1].high > max(values)
    # 3731 lies beyond Tukey's upper fence (2488 + 1.5 * 126): it has a bin of its own, the rest equal round bins
    assert bins[-1] == HistogramBin(2800, 3732, 1)
    assert len({b.high - b.low for b in bins[:-1]}) == 1 and len(bins) <= 11
    assert length_histogram([]) == [] and length_histogram([7])[0].count == 1


def test_histogram_bins_follow_the_bulk_when_a_few_pages_are_very_long():
    # 222 ordinary pages of 300-3,000 characters and 18 huge ones: equal bins up to the longest would hold
    # nearly everything in the first bar
    values = [300 + (i * 2700) // 221 for i in range(222)] + [50_000 + 8_000 * i for i in range(18)]
    bins = length_histogram(values)
    assert sum(b.count for b in bins) == 240
    assert max(b.count for b in bins) < 240 / 4
    assert bins[-1].count == 18 and bins[-1].high == max(values) + 1
    assert sum(1 for b in bins if b.count) >= 6


def test_plots_are_svg_shown_inline_and_removed_when_stale(release, seed_answers):
    _, release_dir = release
    (release_dir / "plots").mkdir()
    (release_dir / "plots" / "old_figure.svg").write_text("<svg/>")
    _, text = _write(release, seed_answers)
    for name in ("length_histogram", "documents_per_year", "removals_per_reason"):
        svg = (release_dir / "plots" / f"{name}.svg").read_text("utf-8")
        assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
        assert f"(plots/{name}.svg)" in text
    assert not (release_dir / "plots" / "old_figure.svg").exists()
    removals = (release_dir / "plots" / "removals_per_reason.svg").read_text("utf-8")
    assert "quality_filter: too_short: 2" in removals and "dedup: exact duplicate: 1" in removals


def test_two_renders_are_byte_identical(tmp_path, seed_answers):
    from tests.release_fixture import write_release

    digests = []
    for name in ("a", "b"):
        config_path, release_dir = write_release(tmp_path / name)
        write_documents(release_dir, load_config(config_path), seed_answers)
        first = {p: (release_dir / p).read_bytes() for p in DOCS + ("manifest.json",)}
        write_documents(release_dir, load_config(config_path), seed_answers)  # regenerating changes nothing
        assert first == {p: (release_dir / p).read_bytes() for p in first}
        digests.append({p: hashlib.sha256(b).hexdigest() for p, b in first.items()})
    assert digests[0] == digests[1]


def test_manifest_lists_the_documents_it_did_not_have(release, seed_answers):
    _, release_dir = release
    before = json.loads((release_dir / "manifest.json").read_text("utf-8"))
    _write(release, seed_answers)
    after = json.loads((release_dir / "manifest.json").read_text("utf-8"))
    assert {k: v for k, v in after.items() if k != "files"} == {k: v for k, v in before.items() if k != "files"}
    files = {f["path"]: f for f in after["files"]}
    assert set(files) == {f["path"] for f in before["files"]} | set(DOCS)
    for path, entry in files.items():
        data = (release_dir / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    assert files["data/train-00000-of-00001.parquet"]["rows"] == 4
    assert [f["path"] for f in after["files"]] == sorted(files)


def test_release_disagreeing_with_its_manifest_is_reported(release, seed_answers):
    _, release_dir = release
    manifest = json.loads((release_dir / "manifest.json").read_text("utf-8"))
    manifest["counts"]["splits"]["train"] = 5
    (release_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (release_dir / "data" / "test-00000-of-00001.parquet").write_bytes(b"PAR1")
    with pytest.raises(Exception):
        compute_facts(release_dir)  # an unreadable shard is not silently skipped
    (release_dir / "data" / "test-00000-of-00001.parquet").unlink()
    facts = compute_facts(release_dir)
    assert any("counts.splits.train is 5, the data has 4 rows" in w for w in facts.warnings)
    assert any("test-00000-of-00001.parquet, which is missing" in w for w in facts.warnings)
    with pytest.raises(DatasheetError, match="counts.splits.train"):
        _write(release, seed_answers, strict=True)


# --- the card body ---------------------------------------------------------------------------------------

CARD_SECTIONS = [
    "## Dataset Details", "### Dataset Description", "### Dataset Sources", "## Uses", "### Direct Use",
    "### Out-of-Scope Use", "## Dataset Structure", "## Dataset Creation", "### Curation Rationale",
    "### Source Data", "### Annotations", "### Personal and Sensitive Information",
    "## Bias, Risks, and Limitations", "## Citation", "## Glossary", "## More Information",
    "## Dataset Card Authors", "## Dataset Card Contact",
]


def test_card_body_has_the_official_sections_and_the_same_figures(release, seed_answers):
    config_path, release_dir = release
    _, datasheet = _write(release, seed_answers)
    body = card_body(release_dir, load_config(config_path), seed_answers)
    position = 0
    for heading in CARD_SECTIONS:
        position = body.index(heading + "\n", position)
    assert _table_after(body, "Documents read:") == _table_after(datasheet, "Documents read:")
    assert _table_after(body, "Sources named by the pages") == _table_after(datasheet, "Sources named by the pages")
    answers = load_answers(seed_answers)
    assert answers.get("uses", "not_for") in body
    assert "(plots/length_histogram.svg)" in body
    assert not body.startswith("---")  # the YAML front matter is the build's
    assert body == card_body(release_dir, load_config(config_path), seed_answers)


# --- croissant.json --------------------------------------------------------------------------------------

def _mlcroissant() -> str:
    exe = shutil.which("mlcroissant") or str(Path(sys.executable).parent / "mlcroissant")
    assert Path(exe).exists(), "mlcroissant is not installed"
    return exe


def test_croissant_validates_offline_and_describes_the_shards(release, seed_answers):
    _, release_dir = release
    _write(release, seed_answers)
    run = subprocess.run([_mlcroissant(), "validate", "--jsonld", "croissant.json"], cwd=release_dir,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "error" not in (run.stdout + run.stderr).lower()
    assert "warning" not in (run.stdout + run.stderr).lower(), run.stderr

    data = json.loads((release_dir / "croissant.json").read_text("utf-8"))
    shards = {d["contentUrl"]: d for d in data["distribution"] if d["@type"] == "cr:FileObject"}
    assert set(shards) == {"data/train-00000-of-00001.parquet", "data/test-00000-of-00001.parquet"}
    for path, entry in shards.items():
        assert entry["sha256"] == hashlib.sha256((release_dir / path).read_bytes()).hexdigest()
        assert entry["encodingFormat"] == "application/x-parquet"
    record_sets = {r["@id"]: r for r in data["recordSet"]}
    assert [d["splits/name"] for d in record_sets["splits"]["data"]] == ["train", "validation", "test"]
    types = {f["name"]: f["dataType"] for f in record_sets["default"]["field"]}
    assert types["num_chars"] == "sc:Integer" and types["text"] == "sc:Text"
    assert data["datePublished"].startswith("2026-11-22")
    assert data["license"] == "cc-by-4.0"


def test_croissant_records_are_the_parquet_rows(release, seed_answers):
    import mlcroissant as mlc

    _, release_dir = release
    _write(release, seed_answers)
    dataset = mlc.Dataset(jsonld=str(release_dir / "croissant.json"))
    got = sorted(
        (r["default/id"].decode(), r["default/split"].decode(), r["default/num_chars"])
        for r in dataset.records("default")
    )
    expected = sorted(
        (row["id"], path.name.split("-")[0], row["num_chars"])
        for path in (release_dir / "data").glob("*.parquet")
        for row in pq.read_table(path, columns=["id", "num_chars"]).to_pylist()
    )
    assert got == expected


# --- edge cases ------------------------------------------------------------------------------------------

def test_release_with_no_kept_document(release, seed_answers):
    config_path, release_dir = release
    shutil.rmtree(release_dir / "data")
    manifest = json.loads((release_dir / "manifest.json").read_text("utf-8"))
    manifest["counts"].update(kept=0, splits={"train": 0, "validation": 0, "test": 0})
    manifest["files"] = [f for f in manifest["files"] if not f["path"].startswith("data/")]
    (release_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    warnings, text = _write(release, seed_answers)
    assert warnings == []
    assert "No documents are kept, so there is no length distribution." in text
    assert "No kept page states a publication date." in text
    assert not (release_dir / "plots" / "length_histogram.svg").exists()
    assert (release_dir / "plots" / "removals_per_reason.svg").exists()
    data = json.loads((release_dir / "croissant.json").read_text("utf-8"))
    assert [d["@type"] for d in data["distribution"]] == ["cr:FileSet"]


def test_release_without_manifest_is_an_error(release, seed_answers):
    _, release_dir = release
    (release_dir / "manifest.json").unlink()
    with pytest.raises(DatasheetError, match="manifest.json: cannot read the release manifest"):
        _write(release, seed_answers)


def test_about_key_left_out_warns_but_explicit_null_does_not(release, seed_answers, tmp_path):
    data = yaml.safe_load(seed_answers.read_text("utf-8"))
    assert data["about"]["url"] is None  # the seed says deliberately that there is no URL yet
    del data["about"]["date_published"]
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    warnings, _ = _write(release, path)
    assert len(warnings) == 1 and "every question answered, 1 `about` entry unset" in warnings[0]
    assert load_answers(path).missing() == ["about.date_published"]
    croissant = json.loads((release[1] / "croissant.json").read_text("utf-8"))
    assert "datePublished" not in croissant
    assert croissant["url"] == "https://example.org/fixture-news"  # the config's homepage


def test_card_with_body_keeps_the_front_matter_byte_for_byte():
    from dataset_builder.datasheet import card_with_body

    card = "---\nlicense: unknown\nconfigs:\n- config_name: default\n---\n\n# old body\n\n---\nrule\n"
    assert card_with_body(card, "# new\n\nbody\n") == "---\nlicense: unknown\nconfigs:\n- config_name: default\n---\n\n# new\n\nbody\n"
    with pytest.raises(DatasheetError):
        card_with_body("# no front matter\n", "x")


def test_no_answers_file_gives_one_warning_and_marked_documents(release, tmp_path):
    warnings, text = _write(release, tmp_path / "absent.yaml")
    assert len(warnings) == 1 and "not found; all 57 questions" in warnings[0]
    assert text.count(MISSING) == 2 + 57  # the introduction's explanation, the incompleteness line
    assert "**Incomplete:** 57 of 57 questions" in text and "it answers every question" not in text
    with pytest.raises(DatasheetError, match="not found"):
        _write(release, tmp_path / "absent.yaml", strict=True)


# --- properties ------------------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=200))
def test_histogram_of_any_lengths(values):
    bins = length_histogram(values)
    assert sum(b.count for b in bins) == len(values)
    assert bins[0].low <= min(values) < bins[0].high and bins[-1].low <= max(values) < bins[-1].high
    assert len({b.high - b.low for b in bins[:-1]}) <= 1  # equal round bins, the last one may hold the long tail
    assert all(a.high == b.low for a, b in zip(bins, bins[1:]))
    assert len(bins) <= 12


@settings(max_examples=50)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=60).filter(lambda s: "\x00" not in s),
                          st.integers(min_value=0, max_value=10**6)), max_size=12))
def test_bar_chart_is_well_formed_svg_for_any_labels(bars):
    import xml.etree.ElementTree as ET

    from dataset_builder.datasheet.plots import bar_chart

    labels = ["".join(ch for ch in label if ch.isprintable()) or "?" for label, _ in bars]
    svg = bar_chart("Title & <stuff>", labels, [n for _, n in bars], "x", "y")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert svg == bar_chart("Title & <stuff>", labels, [n for _, n in bars], "x", "y")


def test_creators_with_url_and_email_reach_croissant(release, seed_answers, tmp_path):
    data = yaml.safe_load(seed_answers.read_text("utf-8"))
    data["about"]["creators"] = [{"name": "A Team", "url": "https://example.org/a", "email": "a@example.org"},
                                 {"name": "B"}]
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _write(release, path)
    croissant = json.loads((release[1] / "croissant.json").read_text("utf-8"))
    assert croissant["creator"] == [
        {"@type": "sc:Organization", "name": "A Team", "email": "a@example.org", "url": "https://example.org/a"},
        {"@type": "sc:Organization", "name": "B"},
    ]


def test_config_other_than_the_release_one_is_reported(release, seed_answers):
    config_path, _ = release
    config_path.write_text(config_path.read_text("utf-8").replace("A made-up release", "An edited release"), "utf-8")
    warnings, text = _write(release, seed_answers)
    assert len(warnings) == 1 and "not the config" in warnings[0] and "manifest.json records" in warnings[0]
    with pytest.raises(DatasheetError, match="not the config"):
        _write(release, seed_answers, strict=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 60) | st.integers(0, 100_000), min_size=1, max_size=400))
def test_histogram_bins_count_the_lengths_inside_them(values):
    bins = length_histogram(values)
    assert all(a.high == b.low for a, b in zip(bins, bins[1:]))
    assert [b.count for b in bins] == [sum(1 for n in values if b.low <= n < b.high) for b in bins]
    assert sum(b.count for b in bins) == len(values)

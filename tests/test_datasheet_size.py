"""Cards and datasheets stay readable at any size, repeat nothing, point at nothing absent, and say what is
missing instead of claiming to be complete."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset_builder.config import load_config
from dataset_builder.datasheet import MISSING, compute_facts, load_answers, plots, render_card_body, render_datasheet
from dataset_builder.datasheet.answers import Answers
from dataset_builder.datasheet.card_body import CARD_SECTIONS
from dataset_builder.datasheet.render import FACTS_FOR, SHOWN_ROWS


def _big(facts):
    """The fixture release's facts as if it had 20,000 duplicates, 3,000 sources and 5,000 input files."""
    manifest = dict(facts.manifest, inputs=[{"path": f"raw/{i:05d}.txt", "documents": 1, "bytes": 900,
                                              "sha256": f"{i:064x}"} for i in range(5000)])
    duplicates = [(f"copy{i:05d}", f"doc{i % 6:02d}", "exact") for i in range(20_000)]
    return dataclasses.replace(
        facts, manifest=manifest, duplicates_by_kind=[("exact", len(duplicates))],
        duplicate_originals=len({of for _, of, _ in duplicates}), duplicate_examples=sorted(duplicates)[:5],
        sources=[(f"站点{i}", 3) for i in range(3000)],
    )


def test_twenty_thousand_duplicates_give_a_summary_and_a_few_examples_not_a_row_each(release, seed_answers):
    config_path, release_dir = release
    config, answers = load_config(config_path), load_answers(seed_answers)
    facts = _big(compute_facts(release_dir))
    card = render_card_body(config, answers, facts)
    sheet = render_datasheet(config, answers, facts, plots(facts))
    for doc in (card, sheet):
        assert len(doc.encode("utf-8")) < 40_000, len(doc)
        assert "Duplicates removed: 20,000 (exact: 20,000), copies of 6 kept documents" in doc
        assert doc.count("| `copy") + doc.count("| copy") <= 5
    assert "… and 2,990 more sources, 8,970 documents (not listed)." in sheet
    assert "… and 4,990 more input files (not listed)." in sheet
    assert sum(1 for line in sheet.splitlines() if line.startswith("| ")) < 40 * SHOWN_ROWS


def test_no_paragraph_of_the_card_or_datasheet_is_repeated(release, seed_answers):
    config_path, release_dir = release
    config, answers = load_config(config_path), load_answers(seed_answers)
    facts = compute_facts(release_dir)
    for doc in (render_card_body(config, answers, facts), render_datasheet(config, answers, facts, plots(facts))):
        paragraphs = [p.strip() for p in doc.split("\n\n") if len(p.strip()) > 60]
        repeated = {p[:80] for p in paragraphs if paragraphs.count(p) > 1}
        assert not repeated


def test_every_answer_that_points_below_is_followed_by_figures_in_the_card(seed_answers):
    data = yaml.safe_load(seed_answers.read_text("utf-8"))
    in_card = [key for _, keys in CARD_SECTIONS for key in keys]
    assert len(in_card) == len(set(in_card))  # each question at most once
    pointing = [key for key in in_card if re.search(r"\bbelow\b", str(data[key[0]].get(key[1], "")))
                and "contact below" not in str(data[key[0]].get(key[1], ""))]
    assert pointing  # the seed answers do say "computed below"
    assert all(key in FACTS_FOR for key in pointing), [k for k in pointing if k not in FACTS_FOR]


def test_without_answers_the_card_says_what_is_missing_instead_of_claiming_completeness(release, tmp_path):
    config_path, release_dir = release
    config, facts = load_config(config_path), compute_facts(release_dir)
    card = render_card_body(config, Answers(tmp_path / "absent.yaml", {}), facts)
    assert "**Incomplete:** 57 of 57 questions of Datasheets for Datasets are not answered yet" in card
    assert "every question of Datasheets for Datasets answered" not in card and "answers every" not in card
    # one marker per card heading, naming the unanswered questions, never one per question
    assert card.count(MISSING) <= 25
    assert "*Are there tasks for which the dataset should not be used?*" in card
    complete = render_card_body(config, load_answers(Path(__file__).parent.parent / "datasheet.yaml"), facts)
    assert "All 57 questions of Datasheets for Datasets are answered." in complete


def test_plots_are_left_out_when_there_is_nothing_to_plot(release):
    _, release_dir = release
    facts = compute_facts(release_dir)
    assert {"length_histogram", "documents_per_year"} <= set(plots(facts))
    undated = dataclasses.replace(facts, date_range=None, years=[("(unknown)", facts.kept)])
    assert "documents_per_year" not in plots(undated)
    empty = dataclasses.replace(facts, lengths=[], histogram=[], date_range=None, years=[], rejected_by_reason=[],
                                duplicates_by_kind=[])
    assert plots(empty) == {}



def tallies_added_in_order_equal_one_tally(release_dir) -> int:
    """The release writer counts each sink in its own tally while the sinks are written side by side, then adds
    them in sink order: the result, down to the order of every counter (ties in the datasheet follow it), must be
    the tally of the same batches counted one sink after another. Returns that tally."""
    import pyarrow.parquet as pq

    from dataset_builder.datasheet.facts import FactsTally

    sinks = [("train", "data/train-*.parquet"), ("validation", "data/validation-*.parquet"),
             ("test", "data/test-*.parquet"), ("rejected", "rejected/*.parquet"), ("duplicates", "duplicates/*.parquet")]
    batches = {sink: [b for path in sorted(release_dir.glob(pattern)) for b in pq.read_table(path).to_batches(97)]
               for sink, pattern in sinks}
    one, added = FactsTally(), FactsTally()
    for sink, _ in sinks:
        own = FactsTally()
        for batch in batches[sink]:
            one.add_batch(sink, batch)
            own.add_batch(sink, batch)
        one.add_file(sink, f"{sink}.parquet")
        added.add_tally(own)
        added.add_file(sink, f"{sink}.parquet")

    def in_order(tally):
        return {name: list(value.items()) if isinstance(value, dict) else value for name, value in vars(tally).items()}

    assert in_order(added) == in_order(one)
    return one


def test_tallies_of_sinks_added_in_order_equal_one_tally_of_every_sink(seed_release):
    tally = tallies_added_in_order_equal_one_tally(seed_release)
    assert sum(tally.split_documents.values()) == 5 and len(tally.sources) > 1 and tally.cleaning


_EDIT_TYPE = pa.list_(pa.struct([("operator", pa.string()), ("unit", pa.string()), ("count", pa.int64())]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(["ftfy", "opencc", "a\x00b", "a", "行"]),
                                   st.sampled_from(["lines", "chars", "b\x00lines"]), st.integers(1, 10**6)),
                         max_size=4), max_size=30))
def test_cleaning_counts_of_a_batch_are_each_edit_added_in_the_order_first_met(rows):
    """FactsTally groups a batch's edits in Arrow; the plain definition adds them one at a time, keys in the order
    the edits first name them (the datasheet lists ties in that order)."""
    from dataset_builder.datasheet.facts import FactsTally

    column = pa.array([[{"operator": o, "unit": u, "count": c} for o, u, c in edits] for edits in rows], _EDIT_TYPE)
    tally = FactsTally()
    tally.cleaning[("opencc", "chars")] = [5, 1]  # counted before: its place stays first
    tally._add_edits(pa.compute.list_flatten(column))
    expected = {("opencc", "chars"): [5, 1]}
    for operator, unit, count in (edit for edits in rows for edit in edits):
        total = expected.setdefault((operator, unit), [0, 0])
        total[0] += count
        total[1] += 1
    assert list(tally.cleaning.items()) == list(expected.items())

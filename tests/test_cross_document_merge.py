"""The cross-document step's partial states: however the documents are cut into shards and however the shards'
states are merged (two at a time in any tree, or many at once), the merged state is the state of all documents."""

from __future__ import annotations

import random
from functools import reduce

import pytest

from dataset_builder.cleaning.cross_document import CrossDocumentBoilerplateRemover

from .test_dedup_near import corpus


def sites_corpus():
    """The dedup corpus (seeds, reposts, one site's chrome around other stories), spread over three sources, so
    that some lines recur within a source and others across sources."""
    docs = corpus() * 2
    for number, doc in enumerate(docs):
        doc.given = {"source": f"site{number % 3}"}
    return docs


def as_plain(state):
    return {source: (c.documents, c.hashes.tolist(), c.counts.tolist()) for source, c in state.items()}


@pytest.mark.parametrize("trial", range(5))
def test_merging_shard_states_in_any_grouping_gives_the_state_of_all_documents(trial):
    step = CrossDocumentBoilerplateRemover(min_docs=2, min_fraction=0.1)
    docs = sites_corpus()
    whole = as_plain(step.observe(docs))
    rng = random.Random(trial)
    rng.shuffle(docs)
    cuts = sorted(rng.sample(range(1, len(docs)), rng.randrange(2, 12)))
    states = [step.observe(docs[a:b]) for a, b in zip([0, *cuts], [*cuts, len(docs)])]
    rng.shuffle(states)
    at_once = step.merge_many(states)
    in_pairs = reduce(step.merge, states)
    grouped = step.merge_many([step.merge_many(states[:3]), step.merge_many(states[3:])])
    assert len(whole) == 3 and any(len(hashes) > 1 and max(counts) > 1 for _, hashes, counts in whole.values())
    for merged in (at_once, in_pairs, grouped):
        assert as_plain(merged) == whole
    assert step.decide(at_once) == step.decide(step.observe(docs)) and step.decide(at_once)


def _dedup_plain(state):
    return (state.ids, state.published, state.digests.tolist(), state.signatures.tolist(), state.signed.tolist())


@pytest.mark.parametrize("kind", ["boilerplate", "dedup"])
def test_the_driver_merging_in_levels_gives_the_state_of_one_merge_of_every_shard(tmp_path, monkeypatch, kind):
    """The driver merges shard states as they finish, in a stack of levels (phases._MergedState): 11 shards
    finishing out of order, merged two at a time, give the state one merge of all of them in shard order gives,
    layout included, and no merge is handed the whole state again for every later pair of shards; a state that
    merging does not shrink is merged once."""
    from types import SimpleNamespace

    from dataset_builder import phases
    from dataset_builder.config import DedupConfig
    from dataset_builder.dedup import Duplicates
    from dataset_builder.shards import Shard
    from dataset_builder.work import WorkFolder

    step = CrossDocumentBoilerplateRemover(min_docs=2, min_fraction=0.1) if kind == "boilerplate" \
        else Duplicates(DedupConfig())
    plain = as_plain if kind == "boilerplate" else _dedup_plain
    docs = sites_corpus()
    cuts = [len(docs) * k // 11 for k in range(12)]
    parts = [docs[a:b] for a, b in zip(cuts, cuts[1:])]
    work = WorkFolder.open(tmp_path / "work", {"test": kind}, resume=False)
    shards = [Shard(i, 0, ("f",), ("f",), ((0, 0),)) for i in range(len(parts))]
    for shard, part in zip(shards, parts):
        work.save(1, shard.name + phases.STATE, step.observe(part))
    monkeypatch.setattr(phases._MergedState, "MERGE_AT_ONCE", 2)
    given: list[int] = []  # how many states each merge is handed
    merge_many = step.merge_many
    monkeypatch.setattr(step, "merge_many", lambda states: given.append(len(states)) or merge_many(states))
    merging = phases._MergedState(work, SimpleNamespace(index=1), step, shards)
    finished: set[int] = set()
    for index in [1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 10]:
        finished.add(index)
        merging.advance(finished)
    merging.advance(finished, last=True)
    one_merge = merge_many([step.observe(part) for part in parts])
    assert merging.merged == len(shards) and plain(merging.state) == plain(one_merge)
    # The dedup state does not shrink when merged (a row per document): its shard states are merged once, at the
    # end, instead of being copied at every level.
    assert given == ([2, 3, 2, 4, 2, 3] if step.merge_shrinks else [11]) and len(merging.levels) == 1

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

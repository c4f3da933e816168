"""The deduplication global step (exact and near), on Documents built from the real seed texts and reposts of them."""

from __future__ import annotations

import random
import re
import unicodedata
from functools import reduce

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rensa import RMinHash

from dataset_builder.config import DedupConfig
from dataset_builder.dedup import Deduplicator, Duplicates
from dataset_builder import dedup_near
from dataset_builder.dedup_near import (
    _NOT_LETTER_OR_DIGIT, _grams, candidate_pairs, estimated_jaccard, letters_or_digits, normalise, normalised_grams,
    signature, signatures,
)
from dataset_builder.document import Document, Origin

from .conftest import SEEDS
from .reposts import add_paragraph, drop_paragraph, repost, small_edits, with_chrome

CONFIG = DedupConfig()
SEED_TEXTS = {p.stem[:3]: p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def doc(id_: str, text: str, published_at: str | None = None) -> Document:
    return Document(id=id_, text=text, origin=Origin(f"{id_}.txt"), published_at=published_at)


def corpus() -> list[Document]:
    """The five seeds, two reposts of each (other chrome, a dropped or added paragraph, small edits), and each
    seed's story wrapped in one site's chrome (same template, other story: must stay apart)."""
    rng = random.Random(7)
    docs = []
    for key, text in SEED_TEXTS.items():
        docs.append(doc(f"s{key}", text))
        other = SEED_TEXTS[min(k for k in SEED_TEXTS if k != key)]
        docs.append(doc(f"s{key}-r1", with_chrome(small_edits(drop_paragraph(text, rng), rng), 0)))
        docs.append(doc(f"s{key}-r2", with_chrome(add_paragraph(text, other.split("\n")[2], rng), 1)))
    return docs


def clusters_of(decision) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for id_, cluster in decision.items():
        out.setdefault(cluster.cluster_id, set()).add(id_)
    return out


def test_reposts_cluster_with_their_story_and_distinct_stories_stay_apart():
    step = Duplicates(CONFIG)
    decision = step.decide(step.observe(corpus()))
    assert clusters_of(decision) == {f"s{k}": {f"s{k}", f"s{k}-r1", f"s{k}-r2"} for k in SEED_TEXTS}
    for id_, cluster in decision.items():
        assert cluster.cluster_size == 3
        assert cluster.kind == (None if id_ == cluster.cluster_id else "near")
        assert (cluster.similarity == 1.0) == (id_ == cluster.cluster_id)
        assert CONFIG.threshold <= cluster.similarity <= 1.0


def test_same_site_chrome_around_other_stories_is_not_a_duplicate():
    docs = [doc(f"t{k}", with_chrome(text, 2)) for k, text in SEED_TEXTS.items()]
    step = Duplicates(CONFIG)
    assert step.decide(step.observe(docs)) == {}
    sigs = [signature(d.text, CONFIG).tobytes() for d in docs]
    assert max(estimated_jaccard(a, b) for i, a in enumerate(sigs) for b in sigs[i + 1:]) < 0.3


@pytest.mark.parametrize("trial", range(6))
def test_decision_does_not_depend_on_batches_or_merge_order(trial):
    docs = corpus()
    step = Duplicates(CONFIG)
    whole = step.decide(step.observe(docs))
    rng = random.Random(trial)
    rng.shuffle(docs)
    cuts = sorted(rng.sample(range(1, len(docs)), rng.randrange(1, 8)))
    batches = [docs[a:b] for a, b in zip([0, *cuts], [*cuts, len(docs)])]
    states = [step.observe(batch) for batch in batches]
    rng.shuffle(states)
    while len(states) > 1:  # a random merge tree
        i = rng.randrange(len(states) - 1)
        states[i:i + 2] = [step.merge(states[i], states[i + 1])]
    assert step.decide(states[0]) == whole
    assert step.decide(reduce(step.merge, reversed([step.observe(b) for b in batches]))) == whole


def test_survivor_previous_version_then_earliest_published_then_lowest_id():
    text = SEED_TEXTS["001"]
    copies = [doc("b", with_chrome(text, 0), "2014-03-02"), doc("a", with_chrome(text, 1)),
              doc("c", with_chrome(text, 2), "2014-03-01"), doc("d", with_chrome(text, 3), "2014-03-01")]
    survivor = lambda step: {c.cluster_id for c in step.decide(step.observe(copies)).values()}  # noqa: E731
    assert survivor(Duplicates(CONFIG)) == {"c"}  # earliest date; c before d; undated a last
    assert survivor(Duplicates(CONFIG, previous_kept={"b"})) == {"b"}
    undated = [doc(d.id, d.text) for d in copies]
    step = Duplicates(CONFIG)
    assert {c.cluster_id for c in step.decide(step.observe(undated)).values()} == {"a"}


def test_stage_marks_copies_and_gives_every_document_its_cluster():
    docs = corpus() + [doc("zz-rejected", SEED_TEXTS["000"])]
    docs[-1].reject("quality_filter", "too_short")
    out = list(Deduplicator(CONFIG).run(docs))
    by_id = {d.id: d for d in out}
    assert len(out) == len(docs)
    copy = by_id["s002-r1"]
    assert (copy.duplicate_of, copy.duplicate_kind, copy.cluster_id, copy.cluster_size) == ("s002", "near", "s002", 3)
    assert 0.7 <= copy.duplicate_similarity < 1.0
    kept = by_id["s002"]
    assert (kept.duplicate_of, kept.cluster_id, kept.cluster_size) == (None, "s002", 3)
    assert by_id["zz-rejected"].duplicate_of is None and by_id["zz-rejected"].cluster_id is None


def test_threshold_confirms_candidates_and_zero_accepts_them():
    text = SEED_TEXTS["003"]
    half = "\n".join(text.split("\n")[: len(text.split("\n")) // 2])
    docs = [doc("x", text), doc("y", half)]
    strict, loose = Duplicates(DedupConfig(threshold=0.95)), Duplicates(DedupConfig(bands=128, rows=1,
                                                                                             threshold=0.0))
    assert strict.decide(strict.observe(docs)) == {}
    assert set(loose.decide(loose.observe(docs))) == {"x", "y"}


def test_normalise_folds_width_and_drops_punctuation_and_space():
    assert normalise("２０１２年，北京 市。\n ＡＢＣ！") == "2012年北京市ABC"
    assert signature("，。！ \n", CONFIG) is None
    assert signature("中文", CONFIG) is not None  # shorter than n: one gram


# Texts where width folding meets composition: a combining mark right after full-width punctuation, decomposed
# and precomposed Latin, Hangul jamo, full-width digits and letters, ideographic space, ligatures.
TRICKY_TEXTS = ["e，\u0301x", "（\u0308a）", "Cafe\u0301，café：ｃａｆé", "\u1100\uff0c\u1161\u11a8", "ﬁ，ﬂ！",
                "２０１２年\u3000北京；上海？", "，", "（）：；？！", "甲，乙（丙）丁：戊；己？庚！"]


def reference_signature(text: str) -> np.ndarray | None:
    """The signature as first defined: NFKC of the text as it is, then RMinHash over the set of distinct n-grams."""
    norm = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text))
    if not norm:
        return None
    n = CONFIG.ngram_size
    grams = {norm} if len(norm) <= n else {norm[i:i + n] for i in range(len(norm) - n + 1)}
    minhash = RMinHash(num_perm=CONFIG.num_perm, seed=CONFIG.seed)
    minhash.update(sorted(grams))
    return np.asarray(minhash.digest(), dtype="<u4")


def test_signature_equals_nfkc_of_the_text_as_it_is_over_distinct_shingles():
    """`normalise` replaces common full-width punctuation before NFKC and `signature` hashes repeated grams: both
    only to save time, so the signatures must be those of the plain definition, on real and on tricky text."""
    texts = [*SEED_TEXTS.values(), *TRICKY_TEXTS]
    texts += [line for text in SEED_TEXTS.values() for line in text.splitlines()]
    for text in texts:
        expected = reference_signature(text)
        got = signature(text, CONFIG)
        assert (got is None) == (expected is None), text
        assert got is None or np.array_equal(got, expected), text
    # the mark belongs to the comma and goes with it: dropping the comma before NFKC would have made é
    assert normalise("e，\u0301x") == "ex"


def test_signatures_of_a_batch_are_each_texts_signature_row_by_row():
    """`signatures` (what the dedup step observes) gathers the values of many texts into one matrix: each row must
    be that text's signature, and a text without letters or digits an unsigned row of zeros, wherever it stands."""
    texts = [*TRICKY_TEXTS, *SEED_TEXTS.values(), "，。！", *[line for t in SEED_TEXTS.values() for line in t.splitlines()]]
    matrix, signed = signatures(texts, CONFIG)
    assert matrix.shape == (len(texts), CONFIG.num_perm) and matrix.dtype == np.dtype("<u4")
    assert signed.tolist() == [reference_signature(text) is not None for text in texts] and not signed.all()
    for text, row, has in zip(texts, matrix, signed):
        assert np.array_equal(row, reference_signature(text) if has else np.zeros(CONFIG.num_perm, "<u4")), text
    empty, none_signed = signatures([], CONFIG)
    assert empty.shape == (0, CONFIG.num_perm) and none_signed.shape == (0,)


# Letters and digits of every width and plane, and what normalise removes or changes: punctuation of both widths,
# "_", white space, NUL, a combining mark (composes under NFKC), ligatures and circled digits (NFKC changes length).
_TRICKY_CHARACTERS = st.sampled_from("a1中文字ab\U00020000\U0002a6d6\uff41\u00e9e\u0301，。, _\n\x00\ufb01\u2460\u3231\U0001f600")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(_TRICKY_CHARACTERS, max_size=12), max_size=12), st.integers(1, 6), st.integers(1, 20))
def test_normalised_grams_of_many_texts_are_each_texts_grams(texts, n, at_once):
    """The grams of many texts are cut at once: each text must get exactly the grams of its own normalised text,
    never a window across into the next text, with the texts split into batches anywhere (`_GRAMS_AT_ONCE`)."""
    original = dedup_near._GRAMS_AT_ONCE
    dedup_near._GRAMS_AT_ONCE = at_once
    try:
        got = list(normalised_grams(texts, n))
    finally:
        dedup_near._GRAMS_AT_ONCE = original
    assert got == [_grams(normalise(text), n) if normalise(text) else [] for text in texts]


def test_letters_or_digits_are_what_the_regex_keeps_over_every_code_point():
    codes = np.arange(0x110000, dtype=np.uint32)
    kept = letters_or_digits(codes)
    assert kept.tolist() == [_NOT_LETTER_OR_DIGIT.match(chr(code)) is None for code in range(0x110000)]
    assert kept.sum() > 100_000 and not kept[ord("_")] and kept[0x20000]  # both planes' paths answered


def test_reposts_helper_makes_every_kind():
    rng = random.Random(1)
    kinds = {repost(SEED_TEXTS["000"], rng, "另一段。")[1] for _ in range(40)}
    assert kinds == {"chrome", "drop", "add", "edit", "mixed"}


def test_config_refuses_bands_times_rows_other_than_num_perm(tmp_path):
    from dataset_builder.config import load_config
    from dataset_builder.errors import ConfigError

    from .conftest import write_config

    path = write_config(tmp_path, '[[inputs]]\npath = "x"\nformat = "txt"\n', "[dedup]\nnum_perm = 128\nbands = 20\n")
    with pytest.raises(ConfigError, match=r"dedup: bands x rows must equal num_perm"):
        load_config(path)
    path.write_text(path.read_text("utf-8").replace("bands = 20", "bands = 32\nrows = 4\nngram_size = 3"), "utf-8")
    assert load_config(path).dedup == DedupConfig(bands=32, rows=4, ngram_size=3)


def test_sorted_band_candidates_equal_hashed_band_buckets():
    """candidate_pairs (decide and the leak check) groups equal bands by sorting; an independent oracle, a dict of
    each band's exact bytes, must give the same pairs."""
    from itertools import combinations

    config = DedupConfig(bands=64, rows=2, num_perm=128)
    step = Duplicates(config)
    signatures = step.observe(corpus() + [doc(f"t{k}", with_chrome(t, 2)) for k, t in SEED_TEXTS.items()]).signatures_by_id()
    ids = sorted(signatures)
    buckets: dict[tuple[int, bytes], list[str]] = {}
    for id_ in ids:
        sig, width = signatures[id_], 4 * config.rows
        for band in range(config.bands):
            buckets.setdefault((band, sig[band * width:(band + 1) * width]), []).append(id_)
    hashed = {p for b in buckets.values() for p in combinations(b, 2)}
    assert len(hashed) > 10 and candidate_pairs(signatures, ids, config) == hashed


def test_exact_and_near_copies_form_one_cluster_pointing_at_its_survivor():
    """An exact copy of a repost points at the cluster's survivor (never at the repost), as a near duplicate; an
    exact copy of the survivor is exact; the survivor's cluster_size counts them all."""
    text = SEED_TEXTS["001"]
    reposted = with_chrome(text, 1)
    docs = [doc("b-orig", text, "2014-01-01"), doc("a-copy", text, "2014-02-01"), doc("c-repost", reposted),
            doc("d-repost-copy", reposted), doc("e-other", SEED_TEXTS["002"])]
    by_id = {d.id: d for d in Deduplicator(CONFIG).run(docs)}
    assert [(i, d.duplicate_of, d.duplicate_kind, d.cluster_id, d.cluster_size) for i, d in sorted(by_id.items())] == [
        ("a-copy", "b-orig", "exact", "b-orig", 4),
        ("b-orig", None, None, "b-orig", 4),
        ("c-repost", "b-orig", "near", "b-orig", 4),
        ("d-repost-copy", "b-orig", "near", "b-orig", 4),
        ("e-other", None, None, "e-other", 1),
    ]
    assert by_id["a-copy"].duplicate_similarity == 1.0
    assert by_id["c-repost"].duplicate_similarity == by_id["d-repost-copy"].duplicate_similarity < 1.0


def test_near_off_keeps_reposts_and_still_removes_exact_copies():
    text = SEED_TEXTS["003"]
    docs = [doc("x", text), doc("y", text), doc("z", with_chrome(text, 2))]
    by_id = {d.id: d for d in Deduplicator(DedupConfig(near=False)).run(docs)}
    assert (by_id["y"].duplicate_of, by_id["y"].duplicate_kind, by_id["x"].cluster_size) == ("x", "exact", 2)
    assert (by_id["z"].duplicate_of, by_id["z"].cluster_id, by_id["z"].cluster_size) == (None, "z", 1)


@pytest.mark.parametrize("mix", [None, 0, 1])
def test_equal_rows_groups_exactly_the_equal_rows_even_when_their_mixes_collide(mix, monkeypatch):
    """equal_rows sorts rows by a 64-bit mix of their values; a mix of 0 makes every row collide and 1 makes
    rows with the same XOR of values collide: the groups must still be exactly those of equal values."""
    from itertools import combinations

    import numpy as np

    from dataset_builder import dedup_near

    if mix is not None:
        monkeypatch.setattr(dedup_near, "_MIX", np.uint64(mix))
    state = Duplicates(DedupConfig()).observe(corpus() + [doc(f"t{k}", with_chrome(t, 2)) for k, t in SEED_TEXTS.items()])
    values = state.signatures[state.signed].reshape(-1, 4)
    values = np.vstack([values, values[::7], values[:, ::-1]])  # repeats, and rows of the same values reordered
    oracle: dict[bytes, list[int]] = {}
    for row in range(len(values)):
        oracle.setdefault(values[row].tobytes(), []).append(row)
    expected = sorted(group for group in oracle.values() if len(group) > 1)
    assert len(expected) > 10 and sorted(sorted(g) for g in dedup_near.equal_rows(values)) == expected
    # the same groups two by two, as the LSH bands take them (groups of three or more among them)
    pairs = dedup_near.equal_row_pairs(values).tolist()
    assert any(len(group) > 2 for group in expected)
    assert sorted(map(tuple, pairs)) == sorted(p for group in expected for p in combinations(group, 2))


@pytest.mark.parametrize("seed", range(3))
def test_exact_groups_sorted_as_integers_equal_those_of_a_dict_of_digests(seed):
    """exact_groups finds equal digests by sorting them as pairs of integers; a dict keyed by the digest bytes,
    in any row order, must give the same groups and survivors (digests that differ in one half only included)."""
    import random

    import numpy as np

    from dataset_builder.dedup_exact import exact_groups

    rng = random.Random(seed)
    pool = [rng.randbytes(16) for _ in range(40)]
    pool += [d[:8] + pool[0][8:] for d in pool[1:6]] + [pool[0][:8] + d[8:] for d in pool[6:11]]
    ids = [f"d{n:04d}" for n in range(600)]
    rng.shuffle(ids)
    digests = [rng.choice(pool) for _ in ids]
    rank = lambda id_: (int(id_[1:]) % 7, id_)  # noqa: E731
    oracle: dict[bytes, list[str]] = {}
    for id_, digest in zip(ids, digests):
        oracle.setdefault(digest, []).append(id_)
    expected = {}
    for members in oracle.values():
        if len(members) > 1:
            survivor = min(members, key=rank)
            expected[survivor] = sorted(m for m in members if m != survivor)
    found = exact_groups(ids, np.frombuffer(b"".join(digests), np.uint8).reshape(-1, 16), rank)
    assert len(expected) > 20 and found == expected

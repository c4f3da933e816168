"""Choose and check the near-duplicate defaults on a labelled set of reposts made from real texts.

    python bench/dedup_eval.py [--corpus ../shared/bench/zh_mixed_316k.jsonl.zst] [--seed 0] [--grid]

Stories are real news and encyclopedia texts from the shared corpus: Sohu news (`sogoucs-`, title and body) and
Wikipedia articles (`drcd-`, three consecutive paragraphs of one article form a story; an article with six or
more paragraphs gives two stories on one topic: hard negatives). Each story is published once under one site's
chrome and reposted once or twice (tests/reposts.py): other header and footer, plus a dropped paragraph, an
added paragraph from another story, about 1% of characters edited, or all three. Stories under the same site
chrome are the other hard negatives. The labelled set lives in memory only: nothing derived from the corpus is
written.

Prints, per configuration, pair precision and recall (pairs put in one cluster vs pairs of one story), recall by
repost kind, and the detection probability at Jaccard 0.8: 1 - (1 - 0.8^rows)^bands in theory, and measured on
the positive pairs whose exact n-gram Jaccard lies in [0.75, 0.85].
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import zstandard

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from dataset_builder.config import DedupConfig  # noqa: E402
from dataset_builder.dedup import Duplicates  # noqa: E402
from dataset_builder.dedup_near import shingles  # noqa: E402
from dataset_builder.document import Document, Origin  # noqa: E402
from tests.reposts import SITES, repost, with_chrome  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "zh_mixed_316k.jsonl.zst"
SENTENCE_END = re.compile(r"(?<=[。！？])")


def read_stories(corpus: Path) -> list[tuple[str, str, str]]:
    """(story id, group of hard negatives, text with one paragraph a line)."""
    drcd: dict[str, list[tuple[int, str]]] = defaultdict(list)
    stories = []
    with corpus.open("rb") as raw, io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), "utf-8") as f:
        for line in f:
            if not ('"drcd-' in line or '"sogoucs-' in line):
                continue
            row = json.loads(line)
            if row["id"].startswith("drcd-"):
                _, article, para = row["id"].split("-")
                drcd[article].append((int(para), row["text"].strip()))
            elif row["id"].startswith("sogoucs-") and len(row["text"]) >= 150:
                title, _, body = row["text"].partition("\n")
                sentences = [s for s in SENTENCE_END.split(body) if s.strip()]
                paras = ["".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2)]
                stories.append((row["id"], "sogoucs", "\n".join([title, *paras])))
    for article, paras in sorted(drcd.items()):
        paras.sort()
        for k in range(0, len(paras) - 2, 3):
            stories.append((f"drcd-{article}-{k // 3}", f"drcd-{article}", "\n".join(p for _, p in paras[k:k + 3])))
    return stories


def distinct_stories(stories, n: int = 5, most: float = 0.3) -> list[tuple[str, str, str]]:
    """The stories with no earlier story sharing more than `most` of its n-grams (exact Jaccard): the source
    corpus has its own reposts (SogouCS carries some stories twice under two ids), which would be unlabelled
    positives."""
    kept, grams = [], []
    for story in stories:
        mine = set(shingles(story[2], n))
        if all(len(mine & g) / len(mine | g) <= most for g in grams):
            kept.append(story)
            grams.append(mine)
    return kept


def labelled_set(stories, seed: int) -> tuple[list[Document], dict[str, str], dict[str, str]]:
    """Documents, their story, and for reposts the kind of repost."""
    rng = random.Random(seed)
    docs, story_of, kind_of = [], {}, {}
    for n, (story, _, text) in enumerate(stories):
        site = rng.randrange(len(SITES))
        docs.append(Document(id=f"{story}/0", text=with_chrome(text, site), origin=Origin(story)))
        story_of[docs[-1].id] = story
        extra = stories[(n * 7919 + 13) % len(stories)][2].split("\n")[-1]
        for r in range(1, 2 + rng.randrange(2)):
            text_r, kind = repost(text, rng, extra)
            docs.append(Document(id=f"{story}/{r}", text=text_r, origin=Origin(story)))
            story_of[docs[-1].id], kind_of[docs[-1].id] = story, kind
    return docs, story_of, kind_of


def true_jaccard(a: str, b: str, n: int) -> float:
    sa, sb = set(shingles(a, n)), set(shingles(b, n))
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def score(step: Duplicates, state, docs, story_of, kind_of, jaccards) -> dict:
    decision = step.decide(state)
    cluster = {d.id: decision[d.id].cluster_id if d.id in decision else d.id for d in docs}
    members: dict[str, list[str]] = defaultdict(list)
    for id_, c in cluster.items():
        members[c].append(id_)
    predicted = {p for group in members.values() for p in combinations(sorted(group), 2)}
    by_story: dict[str, list[str]] = defaultdict(list)
    for id_, s in story_of.items():
        by_story[s].append(id_)
    truth = {p for group in by_story.values() for p in combinations(sorted(group), 2)}
    hit = predicted & truth
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for id_, kind in kind_of.items():
        pair = tuple(sorted((id_, id_.rsplit("/", 1)[0] + "/0")))
        kinds[kind][0] += pair in hit
        kinds[kind][1] += 1
    near80 = [p for p, j in jaccards.items() if 0.75 <= j <= 0.85]
    c = step.config
    return {
        "config": f"n={c.ngram_size} perm={c.num_perm} {c.bands}x{c.rows} t={c.threshold}",
        "precision": len(hit) / len(predicted) if predicted else 1.0,
        "recall": len(hit) / len(truth),
        "false_pairs": len(predicted - truth),
        "p_detect_0.8_theory": 1 - (1 - 0.8 ** c.rows) ** c.bands,
        "p_detect_0.8_measured": (sum(p in hit for p in near80) / len(near80)) if near80 else None,
        "pairs_near_0.8": len(near80),
        "recall_by_kind": {k: round(h / t, 3) for k, (h, t) in sorted(kinds.items())},
    }


GRID = [(n, b, r, t) for n in (3, 5, 7, 9, 24) for b, r in ((16, 8), (32, 4), (14, 8), (20, 13))
        for t in (0.0, 0.5, 0.6, 0.7, 0.8)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--grid", action="store_true", help="score the whole grid, not only the defaults")
    args = parser.parse_args()
    found = read_stories(args.corpus)
    stories = distinct_stories(found)
    print(f"{len(found) - len(stories)} stories left out: a near-duplicate of an earlier one in the corpus itself")
    docs, story_of, kind_of = labelled_set(stories, args.seed)
    by_story = defaultdict(list)
    for d in docs:
        by_story[story_of[d.id]].append(d)
    groups = defaultdict(set)
    for story, group, _ in stories:
        groups[group].add(story)
    print(f"{len(stories)} stories, {len(docs)} documents, {len(kind_of)} reposts; "
          f"{sum(len(g) * (len(g) - 1) // 2 for k, g in groups.items() if k != 'sogoucs')} same-article story pairs")
    default = DedupConfig()
    grid = GRID if args.grid else [(default.ngram_size, default.bands, default.rows, default.threshold)]
    states, jaccards = {}, {}
    for n, b, r, t in grid:
        config = DedupConfig(ngram_size=n, num_perm=b * r, bands=b, rows=r, threshold=t, seed=default.seed)
        step = Duplicates(config)
        if (n, b * r) not in states:
            states[(n, b * r)] = step.observe(docs)
        if n not in jaccards:
            jaccards[n] = {tuple(sorted((a.id, c.id))): true_jaccard(a.text, c.text, n)
                           for group in by_story.values() for a, c in combinations(group, 2)}
        print(json.dumps(score(step, dict(states[(n, b * r)]), docs, story_of, kind_of, jaccards[n]),
                         ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()

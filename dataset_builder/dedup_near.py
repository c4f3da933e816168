"""Near-duplicate clustering: MinHash signatures, LSH banding, union-find (the near half of dedup.py).

Reposts of one story on several sites differ in headers, footers, a paragraph or a few words; exact dedup keeps
them all. Each document's text is normalised (NFKC, then everything but letters and digits removed: punctuation,
symbols, white space), cut into overlapping character n-grams (characters, not words, so Chinese needs no
segmenter) and summarised by a MinHash signature (rensa's RMinHash, pinned: signatures change between versions).

Candidates are pairs of documents whose signatures agree on every value of one LSH band (`bands` bands of `rows`
values); a candidate pair whose estimated Jaccard similarity reaches `threshold` is an edge, and clusters are the
connected components (union-find). The survivor of each cluster is chosen by the caller's rank (dedup.py: kept
by the previous version, then earliest `published_at`, then lowest id). The input is a map keyed by id, so the
result depends on the set of documents alone, never on their order.
"""

from __future__ import annotations

import os
import re
import struct
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib.metadata import version as installed_version
from itertools import combinations

import numpy as np
from rensa import RMinHash

from .cleaning.text_units import code_points, per_text, text_bounds, text_groups
from .config import DedupConfig

LIBRARY = "rensa"
ALGORITHM = "RMinHash"  # rensa's classic MinHash over n-gram strings (not its C-MinHash or Rho sketches)
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
# Full-width punctuation common in Chinese text, each with its compatibility decomposition. NFKC decomposes every
# character fully and then composes, so putting a character's decomposition in its place first cannot change
# the result. Once they are replaced, most Chinese text passes NFKC's quick check and `normalize` returns it as it
# is, instead of decomposing and recomposing all of it (30 µs for a 95-character poem holding one ，).
_COMPATIBILITY_FORMS = (("，", ","), ("（", "("), ("）", ")"), ("：", ":"), ("；", ";"), ("？", "?"), ("！", "!"))


def normalise(text: str) -> str:
    """The text MinHash sees: NFKC (so full-width and half-width forms compare equal), letters and digits only."""
    return _NOT_LETTER_OR_DIGIT.sub("", _nfkc(text))


def _nfkc(text: str) -> str:
    for form, decomposition in _COMPATIBILITY_FORMS:
        text = text.replace(form, decomposition)
    return unicodedata.normalize("NFKC", text)


def shingles(text: str, n: int) -> list[str]:
    """The distinct character n-grams of the normalised text; a text shorter than n is its own single gram."""
    norm = normalise(text)
    return list(set(_grams(norm, n))) if norm else []


def _grams(norm: str, n: int) -> list[str]:
    """Every character n-gram of a non-empty normalised text, repeats included; a short text is its own gram."""
    return [norm] if len(norm) <= n else [norm[i:i + n] for i in range(len(norm) - n + 1)]


def signature(text: str, config: DedupConfig) -> np.ndarray | None:
    """The MinHash signature (num_perm unsigned 32-bit values), or None for a text with no letters or digits."""
    norm = normalise(text)
    return np.asarray(_minhash_values(norm, config), dtype="<u4") if norm else None


def _minhash_values(norm: str, config: DedupConfig) -> list[int]:
    """The signature's values of a non-empty normalised text."""
    return _digest(_grams(norm, config.ngram_size), config)


def _digest(grams: list[str], config: DedupConfig) -> list[int]:
    minhash = RMinHash(num_perm=config.num_perm, seed=config.seed)
    # Repeated grams included: a MinHash value is a minimum over the grams' hashes, which a repeat cannot change,
    # so this is the signature of the distinct shingles without building their set.
    minhash.update(grams)
    return minhash.digest()


def signatures(texts: Sequence[str], config: DedupConfig) -> tuple[np.ndarray, np.ndarray]:
    """`signature` of each text, as one (n, num_perm) little-endian uint32 matrix (zeros where a text has none) and
    a bool array of the texts that have one. Each text's values are packed into little-endian bytes at once
    (`struct`) and the matrix made of them all: building 192k small arrays and then stacking them was 8% of the
    signatures' time (0.385 -> 0.352 s for 20k bench documents), and extending one array of C unsigned ints by each
    text's list of values took 15% more than packing (60k bench texts: 1.0-1.1 -> 0.83-0.94 CPU-s)."""
    width = config.num_perm
    pack, parts, signed, unsigned = struct.Struct(f"<{width}I").pack, [], [], bytes(4 * width)
    for grams in normalised_grams(texts, config.ngram_size):
        signed.append(bool(grams))
        parts.append(pack(*_digest(grams, config)) if grams else unsigned)
    matrix = np.frombuffer(bytearray(b"".join(parts)), "<u4").reshape(len(signed), width)  # writable, as before
    return matrix, np.array(signed, bool).reshape(len(signed))


_GRAMS_AT_ONCE = 1 << 12  # characters cut into grams at once: 4096 kept the strings in cache (0.15 s at 65536)


def normalised_grams(texts: Sequence[str], n: int) -> Iterator[list[str]]:
    """`_grams(normalise(text), n)` of each text (an empty list for a text with no letter or digit), for many texts
    at once. numpy sees the NFKC texts' code points laid end to end, keeps the letters and digits, and takes every
    window of n of them as one n-character string (`<U{n}`), made Python strings by one `tolist`; each text takes
    its own windows, none that crosses into the next text. Removing the other characters with the regex and slicing
    every gram in Python, a text at a time, took 0.72 s of the signatures of 40k bench documents; this way they take
    0.53-0.55 s. (numpy drops trailing NULs from such strings: a NUL is no letter or digit, never in a window.)"""
    for first, last in text_groups(texts, _GRAMS_AT_ONCE):
        yield from _grams_of_batch([_nfkc(text) for text in texts[first:last]], n)


def _grams_of_batch(nfkc: list[str], n: int) -> list[list[str]]:
    codes = code_points("".join(nfkc))
    kept = letters_or_digits(codes)
    lengths = per_text(kept, *text_bounds(nfkc)).tolist()  # each text's normalised length
    codes = codes[kept]
    windows = []
    if len(codes) >= n:
        windows = np.lib.stride_tricks.sliding_window_view(codes, n).view(f"<U{n}")[:, 0].tolist()
    short = codes.tobytes().decode("utf-32-le") if any(0 < length <= n for length in lengths) else ""
    out, first = [], 0
    for length in lengths:
        if length > n:
            out.append(windows[first:first + length - n + 1])
        else:  # a text as short as a gram is its own gram; one with no letter or digit has none
            out.append([short[first:first + length]] if length else [])
        first += length
    return out


@lru_cache(maxsize=1)
def _bmp_letters_or_digits() -> np.ndarray:
    return np.fromiter(map(str.isalnum, map(chr, range(0x10000))), bool, 0x10000)


def letters_or_digits(codes: np.ndarray) -> np.ndarray:
    """Which code points `normalise` keeps: `str.isalnum`, which is what the regex's `\\w` is, less "_". A table
    of the Basic Multilingual Plane (5 ms to build; the whole range would take 0.08 s in every worker), each
    character beyond it (rare) asked one by one."""
    kept = np.take(_bmp_letters_or_digits(), np.minimum(codes, 0xFFFF))  # U+FFFF is a noncharacter: not kept
    beyond = np.flatnonzero(codes > 0xFFFF)
    if len(beyond):
        kept[beyond] = [chr(code).isalnum() for code in codes[beyond].tolist()]
    return kept


def estimated_jaccard(a: bytes, b: bytes) -> float:
    """The share of equal signature values: MinHash's unbiased estimate of the n-gram sets' Jaccard similarity."""
    sa, sb = np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(sa == sb)) / len(sa)


def manifest_entry(config: DedupConfig) -> dict:
    """The manifest's `dedup`: the settings and the library that made the signatures (validate re-derives them)."""
    return {**library_versions(), **asdict(config)}


def library_versions() -> dict[str, str]:
    """What the manifest records: signatures are only comparable under the same library and algorithm."""
    return {"library": LIBRARY, "version": installed_version(LIBRARY), "algorithm": ALGORITHM}


@dataclass(frozen=True)
class Member:
    survivor: str  # the id of the cluster's survivor
    similarity: float  # estimated Jaccard similarity to the survivor (1.0 for the survivor)


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {item: item for item in items}

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # the smaller root wins: the forest does not depend on order


def near_clusters(ids: list[str], signatures: np.ndarray, rows: Sequence[int], config: DedupConfig,
                  rank: Callable[[str], tuple]) -> dict[str, Member]:
    """Members of the clusters of two or more among `ids` (the signature of `ids[i]`, num_perm uint32 values, is
    row `rows[i]` of `signatures`; any order): candidate pairs from LSH bands, confirmed by the estimated Jaccard
    similarity (unless `threshold` is 0), joined by union-find. A cluster's survivor is its member with the lowest
    `rank`; every member maps to the survivor and its estimated similarity to it (1.0 for the survivor itself)."""
    pairs = sorted(candidate_row_pairs(signatures, rows, ids, config))
    paired = sorted({id_ for pair in pairs for id_ in pair})  # a document in no pair stays alone: no forest
    row = dict(zip(ids, rows))
    similar = _similarities(signatures, [row[a] for a, _ in pairs], [row[b] for _, b in pairs])
    forest = _UnionFind(paired)
    for (a, b), similarity in zip(pairs, similar):
        if config.threshold <= 0 or similarity >= config.threshold:
            forest.union(a, b)
    groups: dict[str, list[str]] = {}
    for id_ in paired:
        groups.setdefault(forest.find(id_), []).append(id_)
    clustered, survivors = [], []  # each member of a cluster of two or more, and its cluster's survivor
    for group in groups.values():
        if len(group) > 1:
            survivor = min(group, key=rank)
            clustered += group
            survivors += [survivor] * len(group)
    # every member's similarity to its survivor in one call (a call a cluster was 0.06 s of 2,600 clusters)
    to_survivor = _similarities(signatures, [row[i] for i in clustered], [row[s] for s in survivors])
    return {id_: Member(survivor, 1.0 if id_ == survivor else similarity)
            for id_, survivor, similarity in zip(clustered, survivors, to_survivor)}


def _similarities(signatures: np.ndarray, rows_a: list[int], rows_b: list[int]) -> list[float]:
    """estimated_jaccard of each pair of rows, computed for all pairs at once (the same floats)."""
    similarities: list[float] = []
    for start in range(0, len(rows_a), _PAIRS_AT_ONCE):  # bounded temporaries, however many candidates
        a, b = rows_a[start:start + _PAIRS_AT_ONCE], rows_b[start:start + _PAIRS_AT_ONCE]
        equal = np.count_nonzero(signatures[a] == signatures[b], axis=1)
        similarities += [count / signatures.shape[1] for count in equal.tolist()]
    return similarities


_PAIRS_AT_ONCE = 16384  # two such blocks of 128-value signatures are 16 MiB


def candidate_pairs(signatures: dict[str, bytes], ids: list[str], config: DedupConfig) -> set[tuple[str, str]]:
    """Pairs (a < b) of documents whose signatures (id -> signature bytes) agree on every row of at least one band."""
    if len(ids) < 2:
        return set()
    matrix = np.frombuffer(b"".join(signatures[i] for i in ids), dtype="<u4").reshape(len(ids), -1)
    return candidate_row_pairs(matrix, range(len(ids)), ids, config)


def candidate_row_pairs(signatures: np.ndarray, rows: Sequence[int], ids: list[str],
                        config: DedupConfig) -> set[tuple[str, str]]:
    """candidate_pairs of `ids`, the signature of `ids[i]` being row `rows[i]` of `signatures` (any order). One
    band's values are taken at a time (no copy of the whole matrix), the bands in threads: the sort that groups a
    band's rows is most of the time and runs without the GIL (0.57 s -> 0.29 s on two cores for the bench corpus's
    192k signatures, a step every worker waits for). Each band's pairs stay numbers (positions in `ids`, one
    integer a pair) and are made id pairs once, after the bands: turning every band's groups into id pairs in
    Python took 0.15 s of that step, most pairs being found again by other bands."""
    if len(ids) < 2:
        return set()
    picked = np.asarray(rows, dtype=np.intp)
    count = np.int64(len(ids))  # a pair (a, b) is a * count + b: one int64 holds it up to 3 billion documents

    def band_pairs(band: int) -> np.ndarray:  # a band's groups do not overlap: each pair once
        pairs = equal_row_pairs(signatures[picked, band * config.rows:(band + 1) * config.rows])
        return pairs[:, 0].astype(np.int64) * count + pairs[:, 1]

    found = np.zeros(0, np.int64)
    with ThreadPoolExecutor(max_workers=min(config.bands, os.cpu_count() or 1, _BANDS_AT_ONCE)) as pool:
        for keys in pool.map(band_pairs, range(config.bands)):
            found = np.union1d(found, keys)  # held once, however many bands find a pair
    firsts, seconds = np.divmod(found, count)
    pairs: set[tuple[str, str]] = set()
    for a, b in zip(firsts.tolist(), seconds.tolist()):
        first, second = ids[a], ids[b]
        pairs.add((first, second) if first < second else (second, first))
    return pairs


# Each band in flight holds about 70 bytes a signature (its values and their copy, the 64-bit mix, its bucket, the
# order of the rows sorted) and 32 MB of bucket counts at most: 0.7 GB at 10 million documents. Four at once bound
# that whatever the number of cores.
_BANDS_AT_ONCE = 4
_MAX_BUCKET_BITS = 22

_MIX = np.uint64(0x9E3779B97F4A7C15)  # an odd 64-bit constant (2^64 / golden ratio): multiplying spreads the bits


def equal_rows(values: np.ndarray) -> list[list[int]]:
    """The groups (two or more row numbers) of equal rows of a 2-D array of unsigned 32-bit integers. Rows are
    sorted by a 64-bit mix of their values (one integer sort; sorting the rows' bytes as opaque values is 10x
    slower), and a run of equal mixes is split by the rows' exact values, so a collision of mixes costs time,
    never a wrong group."""
    runs = _equal_mix_runs(values)
    if runs is None:
        return []
    order, starts, ends, collided = runs
    groups: list[list[int]] = []
    for run, (start, end) in enumerate(zip(starts.tolist(), ends.tolist())):
        rows = order[start:end + 1].tolist()
        groups += _by_value(values, rows) if run in collided else [rows]
    return groups


def equal_row_pairs(values: np.ndarray) -> np.ndarray:
    """Every pair of equal rows (the groups of `equal_rows`, two by two) as an (m, 2) array of row numbers, the
    smaller first. Most groups are pairs whose mixes did not collide: those are taken in numpy at once."""
    runs = _equal_mix_runs(values)
    if runs is None:
        return np.zeros((0, 2), np.intp)
    order, starts, ends, collided = runs
    simple = ends - starts == 1
    simple[list(collided)] = False
    pairs = [np.sort(np.stack([order[starts[simple]], order[starts[simple] + 1]], axis=1), axis=1)]
    for run in np.flatnonzero(~simple).tolist():  # a group of three or more, or mixes that collided
        rows = order[starts[run]:ends[run] + 1].tolist()
        for group in _by_value(values, rows) if run in collided else [rows]:
            pairs.append(np.array(list(combinations(sorted(group), 2)), np.intp).reshape(-1, 2))
    return np.concatenate(pairs)


def _equal_mix_runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, set[int]] | None:
    """(order, starts, ends, collided): the rows sorted by their mixes (those sharing a bucket only), and each run
    of two or more equal mixes as `order[starts[k]:ends[k] + 1]`, `collided` the runs whose rows' values are not
    all equal; None when no two mixes are equal."""
    mix = np.zeros(len(values), np.uint64)
    for column in _as_words(values).T:
        mix = (mix ^ column) * _MIX
    # Only rows whose mix shares its bucket (its top bits) with another row's can have an equal: equal rows have
    # equal mixes. With 4-8 buckets a row, a band of the bench corpus's 192k signatures leaves 33k such rows, and
    # counting plus sorting them took 3.4 ms instead of the 10.5 ms of sorting every mix. At most 2^22 buckets
    # (32 MB of counts): beyond 1M rows more of them share a bucket, and more are sorted.
    bits = min(max(len(values), 1).bit_length() + 2, _MAX_BUCKET_BITS)
    bucket = (mix >> np.uint64(64 - bits)).astype(np.intp)
    shared = np.flatnonzero(np.bincount(bucket, minlength=1 << bits)[bucket] > 1)
    order = shared[np.argsort(mix[shared])]  # the order within a run does not matter: its rows are grouped by value
    ordered = mix[order]
    same = np.flatnonzero(ordered[1:] == ordered[:-1])  # k: the k-th and (k+1)-th mixes are equal
    if not len(same):
        return None
    breaks = np.diff(same) > 1
    starts, ends = same[np.r_[True, breaks]], same[np.r_[breaks, True]] + 1  # runs of equal mixes, inclusive
    unequal = np.flatnonzero((values[order[same + 1]] != values[order[same]]).any(axis=1))  # mixes collided
    return order, starts, ends, set(np.searchsorted(ends, same[unequal]).tolist())


def _as_words(values: np.ndarray) -> np.ndarray:
    """The rows' values as 64-bit words (two 32-bit values a word; a row of an odd width is padded with a zero), so
    the mix takes half the steps: equal rows still have equal words, and the groups are told by the values."""
    values = np.ascontiguousarray(values, dtype=np.uint32)
    if values.shape[1] % 2:
        values = np.hstack([values, np.zeros((len(values), 1), np.uint32)])
    return values.view(np.uint64)


def _by_value(values: np.ndarray, rows: list[int]) -> list[list[int]]:
    """The groups of two or more of `rows` (a run whose mixes collided) whose values are equal."""
    by_value: dict[bytes, list[int]] = {}
    for row in rows:
        by_value.setdefault(values[row].tobytes(), []).append(row)
    return [group for group in by_value.values() if len(group) > 1]

"""OpenCC's conversion as a per-character table, with OpenCC itself called only where a phrase could apply.

OpenCC converts by longest match against its dictionaries: phrases first (憑藉 -> 凭借, not 凭藉), then single
characters. Where a text contains no multi-character dictionary key, every match is a single character, so the
result is what OpenCC makes of each character alone: `str.translate` with that table gives the same text more
than ten times faster. Texts containing a key, a character the profile normalises first (the CJK compatibility
ideographs) or an ideographic description sequence (which OpenCC leaves alone) go to OpenCC.

The table is what OpenCC itself returns for each character alone, and the keys are read from the profile's own
dictionaries with the `opencc_dict` tool shipped in the OpenCC wheel, so both follow the pinned OpenCC version.
Only single-step profiles (t2s: one group of dictionaries) take the fast path: in a chain of steps a later step's
phrase could form out of an earlier step's output. When the tool or the profile's files cannot be read, every text
goes to OpenCC: slower, never different. `bench/conversion.py` proves the two agree on the whole benchmark corpus.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import tempfile
from functools import lru_cache

import numpy as np
import opencc

from .text_units import among_sorted, code_points, converter, pair_key, per_text, text_bounds

# Ideographic description sequences (⿰木養: a character described by its parts) are left as they are by OpenCC,
# parts included: a text with one goes to OpenCC.
_IDS = "\u2ff0-\u2fff\u31ef"


class FastConverter:
    """`convert(text)` equals `converter(profile).convert(text)`, and says how many characters it changed (position
    by position) when the table did the work and keeps lengths."""

    def __init__(self, profile: str, table: dict[int, str] | None, phrases: set[str], special: set[str]) -> None:
        self.profile = profile
        self.table = table
        self.same_length = table is not None and all(len(v) == 1 for v in table.values())
        self.codes: np.ndarray | None = None  # code point -> converted code point, when every value is one character
        if table is not None and self.same_length:
            self.codes = np.arange(0x110000, dtype=np.uint32)
            for code, value in table.items():
                self.codes[code] = ord(value)
        # One scan finds what sends a text to OpenCC: a special character of the Basic Multilingual Plane, any
        # character beyond it (checked against the set: Python's regex engine tests those against a class member by
        # member, which is slow), or the first two characters of a phrase (then checked against the phrases).
        self.special_astral = {c for c in special if ord(c) > 0xFFFF}
        self.by_pair: dict[str, list[str]] = {}
        for phrase in sorted(phrases, key=len, reverse=True):
            self.by_pair.setdefault(phrase[:2], []).append(phrase)
        as_class = lambda chars: "".join(re.escape(c) for c in sorted(chars))  # noqa: E731
        alternatives = [
            f"(?P<special>[{_IDS}{as_class(c for c in special if ord(c) <= 0xFFFF)}])",
            "(?P<astral>[\U00010000-\U0010ffff])",
        ]
        if phrases:
            alternatives.append(f"[{as_class({p[0] for p in phrases})}](?=[{as_class({p[1] for p in phrases})}])")
        self.scan = re.compile("|".join(alternatives))
        # The same question for a whole batch in numpy (`convert_many`): which code points are special, and which
        # pairs of code points open a phrase (the scan above tries a phrase only at a character of the Basic
        # Multilingual Plane: a character beyond it is taken by the `astral` alternative first).
        self.special_mask = np.zeros(0x110000, dtype=bool)
        self.special_mask[[0x31EF, *range(0x2FF0, 0x3000), *(ord(c) for c in special)]] = True
        pairs = [(ord(p[0]), ord(p[1])) for p in self.by_pair if ord(p[0]) <= 0xFFFF]
        self.pair_keys = np.array(sorted({pair_key(a, b) for a, b in pairs}), dtype=np.uint64)
        self.pair_first = np.zeros(0x110000, dtype=bool)  # the pairs' characters: most positions fail here, cheaply
        self.pair_second = np.zeros(0x110000, dtype=bool)
        self.pair_first[[a for a, _ in pairs]] = True
        self.pair_second[[b for _, b in pairs]] = True

    def needs_opencc(self, text: str) -> bool:
        if self.table is None:
            return True
        for match in self.scan.finditer(text):
            kind = match.lastgroup
            if kind == "special":
                return True
            if kind == "astral":
                if match.group() in self.special_astral:
                    return True
                continue
            start = match.start()
            for phrase in self.by_pair.get(text[start : start + 2], ()):
                if text.startswith(phrase, start):
                    return True
        return False

    def convert(self, text: str) -> tuple[str, int | None]:
        """(converted text, changed characters or None when not counted here)."""
        if self.needs_opencc(text):
            return converter(self.profile).convert(text), None
        assert self.table is not None
        if self.codes is None:
            return text.translate(self.table), None
        # One pass over the code points: the converted ones, and how many differ.
        before = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        after = self.codes[before]
        changed = int(np.count_nonzero(after != before))
        return (after.tobytes().decode("utf-32-le") if changed else text), changed


    def convert_many(self, texts: list[str]) -> list[tuple[str, int | None]]:
        """`convert` of each text, the question "does it need OpenCC?" and the table's work done for the whole batch
        in a few numpy passes."""
        if self.table is None or self.codes is None or not texts:
            return [self.convert(text) for text in texts]
        before = code_points("".join(texts))
        starts, ends = text_bounds(texts)
        # np.take: a table look-up for each code point, faster than fancy indexing
        special = per_text(np.take(self.special_mask, before), starts, ends)
        phrase_opening = self._phrase_openings(before, ends)
        after = np.take(self.codes, before)
        changed = per_text(after != before, starts, ends)
        converted = after.tobytes().decode("utf-32-le", "surrogatepass") if changed.any() else ""
        # Python ints from here: a numpy scalar costs a conversion at each use.
        start_list = starts.tolist()
        out: list[tuple[str, int | None]] = [
            (converted[start:end], count) if count else (text, 0)
            for text, start, end, count in zip(texts, start_list, ends.tolist(), changed.tolist())
        ]
        # The few texts the table cannot answer for: a special character, or a phrase opening where a phrase is.
        needs = set(np.flatnonzero(special).tolist())
        for k, openings in phrase_opening.items():
            if k not in needs and any(self._opens_phrase(texts[k], p - start_list[k]) for p in openings):
                needs.add(k)
        for k in needs:
            out[k] = (converter(self.profile).convert(texts[k]), None)
        return out

    def _phrase_openings(self, codes: np.ndarray, ends: np.ndarray) -> dict[int, list[int]]:
        """Text index -> positions (in the batch) where the text's next two characters open a phrase."""
        if len(self.pair_keys) == 0 or len(codes) < 2:
            return {}
        maybe = np.take(self.pair_first, codes[:-1]) & np.take(self.pair_second, codes[1:])
        maybe[ends[ends <= len(maybe)] - 1] = False  # a pair across the end of a text is no pair
        positions = np.flatnonzero(maybe)
        keys = pair_key(codes[positions].astype(np.uint64), codes[positions + 1].astype(np.uint64))
        positions = positions[among_sorted(self.pair_keys, keys)]
        owners = np.searchsorted(ends, positions, side="right")
        openings: dict[int, list[int]] = {}
        for owner, position in zip(owners.tolist(), positions.tolist()):
            openings.setdefault(owner, []).append(position)
        return openings

    def _opens_phrase(self, text: str, start: int) -> bool:
        return any(text.startswith(phrase, start) for phrase in self.by_pair.get(text[start : start + 2], ()))


@lru_cache(maxsize=None)
def fast_converter(profile: str) -> FastConverter:
    keys = _single_step_keys(profile)
    if keys is None:
        return FastConverter(profile, None, set(), set())
    phrases, normalised = keys
    table = _character_table(profile, phrases | normalised)
    return FastConverter(profile, table, {k for k in phrases if len(k) > 1}, normalised)


def _character_table(profile: str, keys: set[str]) -> dict[int, str]:
    """What OpenCC makes of each character alone, for the characters it changes. A single-step profile changes
    only what matches a key of its dictionaries, so the single-character ones of `keys` (5,600 for t2s) are all it can
    change alone: converting them, not all 123k code points of the CJK blocks, took 0.13 s off each worker's first
    shard. tests/test_opencc_table.py converts every code point of those blocks to prove the table misses none."""
    chars = sorted(c for c in keys if len(c) == 1 and c != "\n" and not 0xD800 <= ord(c) <= 0xDFFF)
    converted = converter(profile).convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - OpenCC keeps lines
        raise RuntimeError("OpenCC changed the number of lines while deriving its character table")
    return {ord(c): v for c, v in zip(chars, converted) if v != c}


# OpenCC's own dictionaries and its tool that exports them, shipped in the wheel
_SHARE = os.path.join(os.path.dirname(opencc.__file__), "clib", "share", "opencc")
_TOOL = os.path.join(os.path.dirname(opencc.__file__), "clib", "bin", "opencc_dict")


def _profile_config(profile: str) -> dict:
    with open(os.path.join(_SHARE, f"{profile}.json"), encoding="utf-8") as handle:
        return json.load(handle)


def _single_step_keys(profile: str) -> tuple[set[str], set[str]] | None:
    """(keys of the conversion step's dictionaries, keys of its normalisation dictionaries), or None when the
    profile has several conversion steps or its dictionaries cannot be read."""
    try:
        config = _profile_config(profile)
        chain = config.get("conversion_chain", [])
        if len(chain) != 1:
            return None
        phrases = _dictionary_keys(_dictionary_files(chain[0]["dict"]))
        normalised = _dictionary_keys([f for step in config.get("normalization", []) for f in _dictionary_files(step["dict"])])
    except (OSError, ValueError, KeyError, subprocess.SubprocessError):
        return None
    return phrases, normalised


@lru_cache(maxsize=None)
def length_keeping_key_chars(profile: str) -> frozenset[str] | None:
    """Every character of every key of the profile's dictionaries (normalisation, segmentation and each conversion
    step), when every entry's value (the first, which OpenCC writes) is as long as its key; None when one is not,
    or the dictionaries cannot be read. Then no match can span a character outside these, and none is converted, so
    the profile converts a text as it converts each run of these characters alone, the others left as they are, and
    the text keeps its length: a character's conversion can be read from its run's (`script_converter`)."""
    try:
        config = _profile_config(profile)
        specs = [step["dict"] for key in ("normalization", "conversion_chain") for step in config.get(key, [])]
        if "segmentation" in config:
            specs.append(config["segmentation"]["dict"])
        entries = _dictionary_entries([f for spec in specs for f in _dictionary_files(spec)])
    except (OSError, ValueError, KeyError, TypeError, subprocess.SubprocessError):
        return None
    if not entries or any(len(values[0]) != len(key) for key, values in entries):
        return None
    return frozenset(char for key, _ in entries for char in key)


def _dictionary_files(spec: dict) -> list[str]:
    if spec.get("type") == "group":
        return [f for d in spec["dicts"] for f in _dictionary_files(d)]
    if spec.get("type") != "ocd2":
        raise ValueError(f"unsupported OpenCC dictionary type {spec.get('type')!r}")
    return [spec["file"]]


def _dictionary_keys(files: list[str]) -> set[str]:
    return {key for key, _ in _dictionary_entries(files)}


def _dictionary_entries(files: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    return [entry for name in files for entry in _file_entries(name)]


@lru_cache(maxsize=None)
def _file_entries(name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(key, its values) of every line of one dictionary, as `opencc_dict` writes it out in text form: to its
    standard output where the system has one to name (a build writes nothing outside its release, not even a
    temporary file), else to a file in a temporary folder. Exported once a process: t2s's table and tw2s's key
    characters share four of their dictionaries."""
    entries = []
    # read as a text file reads (universal newlines), whichever way it came
    for line in io.TextIOWrapper(io.BytesIO(_dictionary_text(_TOOL, os.path.join(_SHARE, name))), encoding="utf-8"):
        key, tab, values = line.rstrip("\n").partition("\t")
        if tab:
            entries.append((key, tuple(values.split(" "))))
    return tuple(entries)


def _dictionary_text(tool: str, dictionary: str) -> bytes:
    def export(out: str) -> bytes:
        return subprocess.run([tool, "-i", dictionary, "-o", out, "-f", "ocd2", "-t", "text"],
                              check=True, capture_output=True, timeout=60).stdout

    if os.path.exists("/dev/stdout"):
        return export("/dev/stdout")
    with tempfile.TemporaryDirectory() as scratch:  # pragma: no cover - a system without /dev/stdout
        out = os.path.join(scratch, "dict.txt")
        export(out)
        with open(out, "rb") as handle:
            return handle.read()


@lru_cache(maxsize=None)
def simplified_sources() -> dict[str, frozenset[str]]:
    """Traditional character -> every Simplified character that OpenCC's Simplified-to-Traditional character table
    can turn into it (瞭 <- 了, 乾 <- 干 and 乾). Content farms convert Simplified text with such tables, so the
    character shown may stand for any of them. Empty when the dictionary cannot be read."""
    try:
        entries = _dictionary_entries(["STCharacters.ocd2"])
    except (OSError, subprocess.SubprocessError):
        return {}
    sources: dict[str, set[str]] = {}
    for simplified, traditional in entries:
        for char in traditional:
            sources.setdefault(char, set()).add(simplified)
    return {char: frozenset(found) for char, found in sources.items()}

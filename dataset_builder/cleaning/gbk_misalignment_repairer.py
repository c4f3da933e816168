"""Repair text that was decoded from GBK one byte out of step, a corruption content farms leave behind.

When a tool inserts something (or drops a byte) in the middle of a two-byte GBK character, the lead byte is lost
(it shows as `?`, often followed by the pinyin the tool inserted, e.g. `?shù)`), and every following character is
decoded from the trail byte of one character and the lead byte of the next: 當地群眾解決 becomes
當?shù)厝罕娊鉀Q. The decoder gets back in step at the first byte that is ASCII on its own (the `Q` is the trail
byte of 決). Such a run is repaired by encoding it back to GBK and decoding it one byte later; the run is
replaced only when the result is made of common characters and the run was not.

The character whose lead byte was lost is guessed from its surviving trail byte: among the characters with that
trail byte, the one forming the most frequent two-character word with a neighbour (flag
`gbk_misalignment_guessed_char`: the guess can be wrong). When nothing fits it is dropped (flag
`gbk_misalignment_lost_char`). Damage that cannot be repaired is left and flagged `gbk_misalignment`.
"""

from __future__ import annotations

import re

from ..document import Document
from .base import CleaningOperator
from .common_chars import bigram_frequency, common_chars, word_coverage
from .text_units import converter

_PINYIN = "a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ"
# `?`, maybe the inserted reading and `)`, maybe `!` (a lead byte 0xA1 with its high bit stripped), then the run:
# non-ASCII characters and readings the tool inserted inside it, ended by one ASCII character that may be a trail.
_DAMAGED = re.compile(
    rf"\?(?P<reading>[{_PINYIN}]{{1,7}}[1-5]?\))?(?P<bang>!)?"
    rf"(?P<run>(?:[^\x00-\x7f?]|\([{_PINYIN}]{{1,7}}[1-5]?\))+)"
    r"(?P<end>[\x40-\x7e](?<!\()|\?)?"
)
_READING = re.compile(rf"\([{_PINYIN}]{{1,7}}[1-5]?\)")
# What is left of a damaged run that could not be repaired: the document is flagged.
_LEFTOVER = re.compile(rf"\?!|\?[{_PINYIN}]{{1,7}}[1-5]?\)")
_CLOSERS = {"“": "”", "‘": "’", "（": "）", "《": "》", "「": "」"}


def _lost_char(trail: int, lead: int | None, before: str, after: str) -> str | None:
    """The most likely character with the known byte, by two-character words formed with its neighbours."""
    if lead == 0xA1:  # the punctuation row of GBK
        try:
            return bytes([0xA1, trail]).decode("gbk")
        except UnicodeDecodeError:
            return None
    to_simplified = converter("t2s").convert
    common = common_chars()
    best, best_score = None, 0
    for candidate_lead in range(0x81, 0xFF):
        try:
            char = bytes([candidate_lead, trail]).decode("gbk")
        except UnicodeDecodeError:
            continue
        if char not in common:
            continue
        simple = to_simplified(char)
        score = 0
        if before:
            score += bigram_frequency(to_simplified(before) + simple)
        if after:
            score += bigram_frequency(simple + to_simplified(after))
        if score > best_score:
            best, best_score = char, score
    return best


def _repair(match: re.Match[str], text: str) -> tuple[str, bool, bool] | None:
    """(replacement, lost a character, guessed a character) for one damaged run, or None when it is not one."""
    run = _READING.sub("", match["run"])
    end = match["end"] or ""
    end_given = bool(match["end"]) and match["end"] != "?"
    if len(run) < 2 and not end_given:
        return None
    try:
        data = run.encode("gbk")
    except UnicodeEncodeError:
        return None
    if len(data) != 2 * len(run):  # only two-byte characters can be out of step
        return None
    shifted = data[1:]
    lost_tail = False
    if end and end != "?":
        shifted += end.encode("ascii")
    else:
        shifted = shifted[:-1]  # the last lead byte lost its trail byte
        lost_tail = True
    try:
        repaired = shifted.decode("gbk")
    except UnicodeDecodeError:
        return None
    preceding = _READING.sub("", text[max(0, match.start() - 12) : match.start()])
    before = preceding[-1:]
    after = text[match.end() : match.end() + 1]
    # Real text is made of words; the out-of-step run is not. Both are judged with one neighbour on each side.
    if word_coverage(repaired + after) < 0.6 or word_coverage(before + match["run"]) > 0.3:
        return None
    lost = guessed = False
    head = ""
    if match["bang"]:  # `?!`: a whole character lost, then a 0xA1 lead byte whose high bit was stripped
        second = _lost_char(data[0], 0xA1, "", "")
        if second is None:
            return None
        if second in _CLOSERS.values():
            head = "。" + second  # a closing quote after a lost character: the lost one ends the sentence
        else:
            head, lost = second, True
    else:
        guess = _lost_char(data[0], None, before, repaired[:1])
        if guess is None:
            lost = True
        else:
            head, guessed = guess, True
    tail = ""
    if lost_tail:
        guess = _lost_char(data[-1], None, repaired[-1:], "") if data[-1] != 0xA1 else None
        if data[-1] == 0xA1:
            opened = [c for c in repaired if c in _CLOSERS]
            tail = _CLOSERS[opened[-1]] if opened else ""
        elif guess:
            tail, guessed = guess, True
        if not tail:
            lost = True
        if end == "?":
            end = ""
    return head + repaired + tail, lost, guessed


class GbkMisalignmentRepairer(CleaningOperator):
    name = "gbk_misalignment_repairer"
    unit = "chars"
    trigger = re.compile(r"\?")  # a lost lead byte shows as "?"

    def __call__(self, doc: Document) -> None:
        text = doc.text
        if "?" not in text:
            return
        changed = 0
        lost_any = guessed_any = False
        pieces: list[str] = []
        position = 0
        for match in _DAMAGED.finditer(text):
            result = _repair(match, text)
            if result is None:
                continue
            replacement, lost, guessed = result
            pieces.append(text[position : match.start()])
            pieces.append(replacement)
            position = match.end()
            changed += match.end() - match.start()
            lost_any = lost_any or lost
            guessed_any = guessed_any or guessed
        if changed:
            pieces.append(text[position:])
            doc.text = "".join(pieces)
        if _LEFTOVER.search(doc.text) and "gbk_misalignment" not in doc.flags:
            doc.flags.append("gbk_misalignment")  # damage that could not be repaired
        if not changed:
            return
        doc.record_edit(self.name, self.unit, changed)
        if "gbk_misalignment_repaired" not in doc.flags:
            doc.flags.append("gbk_misalignment_repaired")
        if lost_any and "gbk_misalignment_lost_char" not in doc.flags:
            doc.flags.append("gbk_misalignment_lost_char")
        if guessed_any and "gbk_misalignment_guessed_char" not in doc.flags:
            doc.flags.append("gbk_misalignment_guessed_char")

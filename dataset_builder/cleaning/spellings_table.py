"""Rewrites `traditional_spellings.json`, the Traditional spellings of the stages' vocabulary (see
`text_units.known_spellings`), from OpenCC. Run it after adding or changing a word of any pattern:

    python -m dataset_builder.cleaning.spellings_table
"""

from __future__ import annotations

import json


def spellings_table() -> dict[str, list[str]]:
    """Every word the stages' patterns are made of (asked while they are imported), with OpenCC's spellings."""
    from .. import pipeline  # noqa: F401  imports every stage, so every pattern is made
    from .text_units import ASKED, opencc_spellings

    return {word: opencc_spellings(word) for word in sorted(ASKED)}


def main() -> None:
    from .text_units import SPELLINGS_FILE

    table = spellings_table()
    lines = [f"{json.dumps(word, ensure_ascii=False)}: {json.dumps(spellings, ensure_ascii=False)}"
             for word, spellings in table.items()]  # a word a line: a change of vocabulary is a readable diff
    SPELLINGS_FILE.write_text("{\n" + ",\n".join(lines) + "\n}\n", "utf-8")
    print(f"{SPELLINGS_FILE}: {len(table)} words")


if __name__ == "__main__":
    main()

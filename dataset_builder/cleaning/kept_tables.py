"""Tables derived from OpenCC and kept in the package, so no process of a build loads the converters they come
from: the Traditional spellings of the stages' vocabulary (`text_units.known_spellings`) and the characters only
one script has (`script_converter._script_sets`). Tests hold each equal to what this module derives. Run it after
changing a word of any pattern, or OpenCC's version:

    python -m dataset_builder.cleaning.kept_tables
"""

from __future__ import annotations

import json


def spellings_table() -> dict[str, list[str]]:
    """Every word the stages' patterns are made of (asked while they are imported), with OpenCC's spellings."""
    from .. import pipeline  # noqa: F401  imports every stage, so every pattern is made
    from .text_units import ASKED, opencc_spellings

    return {word: opencc_spellings(word) for word in sorted(ASKED)}


def script_sets_table() -> dict[str, str]:
    """The Traditional-only and the Simplified-only characters, each set as one string in code point order."""
    from .script_converter import derive_script_sets

    hant, hans = derive_script_sets()
    return {"hans": "".join(sorted(hans)), "hant": "".join(sorted(hant))}


def main() -> None:
    from .script_converter import SCRIPT_SETS_FILE
    from .text_units import SPELLINGS_FILE

    lines = [f"{json.dumps(word, ensure_ascii=False)}: {json.dumps(spellings, ensure_ascii=False)}"
             for word, spellings in spellings_table().items()]  # a word a line: a change of vocabulary is a readable diff
    SPELLINGS_FILE.write_text("{\n" + ",\n".join(lines) + "\n}\n", "utf-8")
    SCRIPT_SETS_FILE.write_text(json.dumps(script_sets_table(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"{SPELLINGS_FILE}: {len(lines)} words; {SCRIPT_SETS_FILE}")


if __name__ == "__main__":
    main()

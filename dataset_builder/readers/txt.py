"""Folders of text files, with an optional metadata sidecar (JSONL, one object per file, keyed by `file_name`).

Files are decoded as UTF-8 when they are UTF-8; otherwise GB18030 or Big5 is detected. A file that cannot be
decoded becomes a rejected document (reason `undecodable`), so the build goes on and the file is accounted for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from ..document import Document, Origin
from ..errors import InputError
from .files import ReadLog, input_files, read_whole
from .jsonl import json_objects
from .given_metadata import LIST_FIELDS, STRING_FIELDS, checked_id, given_metadata, record_id


_CANDIDATES = ("gb18030", "big5")
_MAX_BAD_SHARE = 0.001  # a few stray bytes in a long page are tolerated (replaced), a wrong codec is not


def _common_share(text: str) -> float:
    from ..cleaning.common_chars import common_share

    return common_share(text)


def decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of raw bytes, or None when no supported encoding fits.

    UTF-8 (with or without BOM) is taken when the bytes are valid UTF-8, or nearly (a page cut in the middle of
    its last character loses that character). Otherwise GB18030 (a superset of GBK and
    GB2312) and Big5 are both tried: bytes of one are often valid in the other, but then decode to rare
    characters, so the candidate whose Han characters are most often common ones wins (the common characters are
    the first level of GB2312 and the frequent characters of Big5). A candidate with more than one bad byte in a
    thousand is not taken.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Checked first: mostly-ASCII UTF-16 is also valid UTF-8 (with a NUL after every letter).
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # A UTF-8 page cut in the middle of a character (or with a stray byte) is still UTF-8: a GBK or Big5 reading
    # of it would turn every character into mojibake.
    lenient = data.decode("utf-8", errors="replace")
    if lenient.count("\ufffd") <= _MAX_BAD_SHARE * len(data) + 1:
        return lenient.replace("\ufffd", ""), "utf-8"
    best: tuple[float, str, str] | None = None
    for encoding in _CANDIDATES:
        text = data.decode(encoding, errors="replace")
        bad = text.count("\ufffd")
        if bad > _MAX_BAD_SHARE * len(data) + (1 if len(data) > 200 else 0):
            continue
        score = _common_share(text) - bad / max(1, len(text))
        if best is None or score > best[0]:
            best = (score, text, encoding)
    if best is None or best[0] < 0.5:
        return None
    return best[1], best[2]


SIDECAR_FIELDS = ("file_name", "id", "sha256", *STRING_FIELDS, *LIST_FIELDS)


def _unknown_field(entry: dict, where: str) -> None:
    for key in entry:
        if key not in SIDECAR_FIELDS:
            close = [f for f in SIDECAR_FIELDS if f.lower() == str(key).lower().strip()]
            hint = f"did you mean {close[0]!r}?" if close else f"known fields: {', '.join(SIDECAR_FIELDS)}"
            raise InputError(f"{where}: field {key!r} is not a metadata field ({hint}); it would be ignored")


def read_sidecar(path: Path, shown: str, log: ReadLog | None = None) -> dict[str, tuple[dict, str]]:
    """file_name -> (entry, where) for every line of the sidecar."""
    entries: dict[str, tuple[dict, str]] = {}
    if not path.is_file():
        what = "not a file" if path.exists() else "no such file"
        raise InputError(f"{shown}: cannot read the metadata sidecar: {what}")
    lines = read_whole(path, shown, log).split(b"\n")
    for number, entry in json_objects(iter(lines), shown):
        where = f"{shown}:{number}"
        _unknown_field(entry, where)
        name = entry.get("file_name")
        if not isinstance(name, str) or not name:
            raise InputError(f"{where}: field 'file_name' is missing or not a string")
        if name in entries:
            raise InputError(f"{where}: field 'file_name': {name!r} already described at {entries[name][1]}")
        entries[name] = (entry, where)
    return entries


def _name_id(name: str, shown: str) -> str:
    """The id a file without a sidecar id gets: its path in the folder without the suffix."""
    return checked_id(Path(name).with_suffix("").as_posix(),
                      f"{shown}: the id taken from the file name (give it an `id` in the metadata sidecar)")


def txt_files(root: Path, path: str, metadata: str | None, glob: str | None, log: ReadLog | None = None):
    """(folder, [(file, shown)], sidecar) of a text input; a sidecar entry naming no file is an error, found
    before any file is read."""
    sidecar_path = (root / metadata).resolve() if metadata else None
    folder, files = input_files(root, path, "*.txt", glob, exclude=frozenset([sidecar_path] if metadata else []))
    sidecar = read_sidecar(root / metadata, metadata, log) if metadata else {}
    missing = sorted(set(sidecar) - {file.relative_to(folder).as_posix() for file, _ in files})
    if missing:
        raise InputError(f"{sidecar[missing[0]][1]}: field 'file_name': {missing[0]!r} is not a file under {path}")
    return folder, files, sidecar


def read_txt_files(folder: Path, files: list[tuple[Path, str]], metadata: str | None, sidecar: dict,
                   log: ReadLog | None = None) -> Iterator[Document]:
    """The documents of some files of a text input (`folder`: the input's folder)."""
    for file, shown in files:
        name = file.relative_to(folder).as_posix()
        data = read_whole(file, shown, log)
        entry, where = sidecar.get(name, ({}, f"{metadata}"))
        if name in sidecar:
            expected = entry.get("sha256")
            if expected is not None and expected != hashlib.sha256(data).hexdigest():
                raise InputError(f"{where}: field 'sha256' does not match the bytes of {shown}")
            doc_id = record_id(entry, where) if entry.get("id") is not None else _name_id(name, shown)
        else:
            doc_id = _name_id(name, shown)
        decoded = decode_text(data)
        if decoded is None:
            doc = Document(id=doc_id, text="", raw_text=data.decode("utf-8", "replace"), origin=Origin(shown, encoding="unknown"))
            doc.reject("read", "undecodable", "not UTF-8, GB18030 or Big5")
            yield doc
            continue
        text, encoding = decoded
        yield Document(
            id=doc_id,
            text=text,
            raw_text=text,
            origin=Origin(shown, encoding=encoding),
            given=given_metadata(entry, where),
        )


def read_txt(root: Path, path: str, metadata: str | None, glob: str | None,
             log: ReadLog | None = None) -> Iterator[Document]:
    folder, files, sidecar = txt_files(root, path, metadata, glob, log)
    yield from read_txt_files(folder, files, metadata, sidecar, log)

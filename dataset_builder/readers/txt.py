"""Folders of text files, with an optional metadata sidecar (JSONL, one object per file, keyed by `file_name`).

Files are decoded as UTF-8 when they are UTF-8; otherwise GB18030 or Big5 is detected. A file that cannot be
decoded becomes a rejected document (reason `undecodable`), so the build goes on and the file is accounted for.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from ..document import Document, Origin
from ..errors import InputError
from .given_metadata import given_metadata, record_id


def decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of raw bytes, or None when no supported encoding fits."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
    if best is None:
        return None
    encoding = "gb18030" if best.encoding in ("gb18030", "gbk", "gb2312") else best.encoding
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return None


def read_sidecar(path: Path, shown: str) -> dict[str, tuple[dict, str]]:
    """file_name -> (entry, where) for every line of the sidecar."""
    entries: dict[str, tuple[dict, str]] = {}
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{shown}: cannot read the metadata sidecar: {exc}") from None
    for number, line in enumerate(lines, start=1):
        where = f"{shown}:{number}"
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON: {exc.msg} at column {exc.colno}") from None
        if not isinstance(entry, dict):
            raise InputError(f"{where}: expected a JSON object")
        name = entry.get("file_name")
        if not isinstance(name, str) or not name:
            raise InputError(f"{where}: field 'file_name' is missing or not a string")
        if name in entries:
            raise InputError(f"{where}: field 'file_name': {name!r} already described at {entries[name][1]}")
        entries[name] = (entry, where)
    return entries


def read_txt(root: Path, path: str, metadata: str | None, glob: str | None) -> Iterator[Document]:
    base = root / path
    if base.is_file():
        files = [base]
        folder = base.parent
    elif base.is_dir():
        files = sorted(p for p in base.glob(glob or "*.txt") if p.is_file())
        folder = base
    else:
        raise InputError(f"{path}: no such file or folder")
    sidecar = read_sidecar(root / metadata, metadata) if metadata else {}
    described = set()
    for file in files:
        shown = file.relative_to(root).as_posix()
        name = file.relative_to(folder).as_posix()
        data = file.read_bytes()
        entry, where = sidecar.get(name, ({}, f"{metadata}"))
        if name in sidecar:
            described.add(name)
            expected = entry.get("sha256")
            if expected is not None and expected != hashlib.sha256(data).hexdigest():
                raise InputError(f"{where}: field 'sha256' does not match the bytes of {shown}")
            doc_id = record_id(entry, where) if entry.get("id") is not None else Path(name).with_suffix("").as_posix()
        else:
            doc_id = Path(name).with_suffix("").as_posix()
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
    missing = sorted(set(sidecar) - described)
    if missing:
        raise InputError(f"{sidecar[missing[0]][1]}: field 'file_name': {missing[0]!r} is not a file under {path}")

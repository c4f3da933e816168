"""The work folder of a build: what each shard produced in each phase, so an interrupted build can resume.

It sits beside the release (`dist/<name>/.<version>.work/`) and is keyed by the config's hash and the shard
plan's (every input file's hash and the cut): `key.json` says which build it belongs to, and `--resume` refuses a
folder of another build instead of reusing it. Every file is written under a temporary name and renamed into
place; a shard's phase is complete when its marker (the outcome file) exists, and that is written last. A
finished build removes the folder.
"""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path
from typing import Any

from .document_codec import decode_documents, encode_documents
from .errors import WorkFolderError
from .writing import dump_json, write_atomic

WORK_FORMAT = 7  # 2: every phase writes sink runs of the documents it finished; 3: cross-document line hashes from line_hashes.py; 4: the dedup state as columns (dedup.Observed);
# 5: documents stored by column with marshal; 6: by column with pickle (document_codec); 7: `Document` has slots


class WorkFolder:
    def __init__(self, root: Path, key: dict[str, Any]) -> None:
        self.root = root
        self.key = {"work_format": WORK_FORMAT, **key}

    @classmethod
    def open(cls, root: Path, key: dict[str, Any], resume: bool) -> WorkFolder:
        """A fresh folder, or with `resume` the existing one if it belongs to this very build."""
        work = cls(root, key)
        key_file = root / "key.json"
        if resume and root.exists():
            try:
                found = json.loads(key_file.read_text("utf-8"))
            except (OSError, ValueError):
                found = None
            if found != work.key:
                raise WorkFolderError(
                    f"{root}: the work folder belongs to another build (its config or inputs differ, or it is "
                    "incomplete); it is not reused: delete it, or build without --resume to start afresh"
                )
            return work
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        write_atomic(key_file, dump_json(work.key).encode("utf-8"))
        return work

    def path(self, phase: int, name: str) -> Path:
        return self.root / f"phase{phase}" / name

    def save(self, phase: int, name: str, value: Any) -> Path:
        path = self.path(phase, name)
        write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return path

    def load(self, phase: int, name: str) -> Any:
        with self.path(phase, name).open("rb") as handle:
            return pickle.load(handle)

    def save_documents(self, phase: int, name: str, docs: list) -> Path:
        """A shard's documents for the next phase (by column: document_codec)."""
        path = self.path(phase, name)
        write_atomic(path, encode_documents(docs))
        return path

    def load_documents(self, phase: int, name: str) -> list:
        return decode_documents(self.path(phase, name).read_bytes())

    def exists(self, phase: int, name: str) -> bool:
        return self.path(phase, name).is_file()

    def drop(self, phase: int, suffix: str) -> None:
        """Delete the phase's files ending in `suffix` (documents no later phase needs)."""
        folder = self.root / f"phase{phase}"
        for path in folder.glob(f"*{suffix}") if folder.is_dir() else ():
            path.unlink(missing_ok=True)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

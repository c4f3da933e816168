"""A hostile user's playground: a project folder beside an `outside` folder the project must never touch, the
CLI run in-process, and snapshots proving what changed on disk."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from dataset_builder.cli import main

from .conftest import distinct_text

_BASE = "国务院今日召开常务会议，研究部署进一步扩大内需的政策措施，会议强调要坚持稳中求进工作总基调。"


def article(k: int) -> str:
    """A Chinese article long enough to pass the default filters, neither an exact nor a near duplicate of another
    k's: the shared opening sentence plus text of its own."""
    return f"第{k}号通知。" + _BASE + distinct_text(k) + f"本文编号{k}，完。"


def jsonl_lines(n: int, start: int = 0) -> str:
    return "".join(json.dumps({"id": f"doc-{k}", "text": article(k)}, ensure_ascii=False) + "\n"
                   for k in range(start, start + n))


def snapshot(folder: Path) -> dict[str, object]:
    """Every path under `folder` (hidden ones and symlinks too) with its bytes or link target."""
    state: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                state[rel] = ("link", os.readlink(path))
            elif path.is_file():
                state[rel] = path.read_bytes()
            else:
                state[rel] = "dir"
    return state


def changed(before: dict[str, object], after: dict[str, object]) -> set[str]:
    return {k for k in set(before) | set(after) if before.get(k) != after.get(k)}


@dataclass
class Run:
    code: int
    output: str


@dataclass
class Playground:
    """tmp/project (dataset.toml, inputs, dist/) and tmp/outside (files nothing may read or write)."""

    tmp: Path

    @property
    def project(self) -> Path:
        return self.tmp / "project"

    @property
    def outside(self) -> Path:
        return self.tmp / "outside"

    @property
    def release(self) -> Path:
        return self.project / "dist" / "demo" / "1.0.0"

    def config(self, inputs: str, extra: str = "", split: str = "train = 0.8\nvalidation = 0.1\ntest = 0.1",
               head: str = 'name = "demo"\nversion = "1.0.0"\n') -> Path:
        path = self.project / "dataset.toml"
        path.write_text(f'{head}description = "demo"\nlicense = "cc-by-4.0"\nlanguage = ["zh"]\n{extra}\n'
                        f"{inputs}\n[split]\n{split}\n", encoding="utf-8")
        return path

    def write(self, rel: str, data: str | bytes) -> Path:
        path = self.project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def state(self) -> dict[str, object]:
        return snapshot(self.tmp)

    def cli(self, *args: str) -> Run:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        return Run(result.exit_code, result.output)

    def build(self, *args: str) -> Run:
        return self.cli("build", "--config", str(self.project / "dataset.toml"), *args)

    def fails_cleanly(self, run: Run, *named: str) -> None:
        """A user error: exit 1, one message naming each of `named`, no traceback or internal error."""
        assert run.code == 1, run.output
        assert "error:" in run.output and "internal error" not in run.output and "Traceback" not in run.output
        for text in named:
            assert text in run.output, (text, run.output)


def playground(tmp_path: Path) -> Playground:
    ground = Playground(tmp_path)
    ground.project.mkdir()
    ground.outside.mkdir()
    (ground.outside / "secret.txt").write_text("外部文件，不许读。" * 20, encoding="utf-8")
    return ground


# -- what a piece of code opened, renamed and removed, through Python's audit hooks (PEP 578) ----------------------

_WATCHERS: list[list[tuple[str, str, bool]]] = []
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _audit(event: str, args: tuple) -> None:
    if not _WATCHERS:
        return
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        path, mode, flags = args
        writes = bool(mode and any(c in str(mode) for c in "wax+")) or bool(flags and flags & _WRITE_FLAGS)
        _WATCHERS[-1].append(("open", os.fsdecode(path), writes))
    elif event in ("os.remove", "os.rmdir", "os.mkdir"):
        path, dir_fd = args[0], args[-1]
        if isinstance(path, (str, bytes, os.PathLike)):
            base = os.readlink(f"/proc/self/fd/{dir_fd}") if isinstance(dir_fd, int) and dir_fd >= 0 else ""
            _WATCHERS[-1].append((event, os.path.join(base, os.fsdecode(path)), True))
    elif event in ("os.rename", "shutil.rmtree", "os.symlink", "os.truncate"):
        for arg in args[:2]:
            if isinstance(arg, (str, bytes, os.PathLike)):
                _WATCHERS[-1].append((event, os.fsdecode(arg), True))


_HOOKED = False


class Audit:
    """Every path Python code opened (and whether for writing), renamed, removed or created inside the block.
    Arrow's C++ reads and writes of Parquet files do not pass through it."""

    def __enter__(self) -> list[tuple[str, str, bool]]:
        global _HOOKED
        if not _HOOKED:
            import sys

            sys.addaudithook(_audit)
            _HOOKED = True
        self.events: list[tuple[str, str, bool]] = []
        _WATCHERS.append(self.events)
        return self.events

    def __exit__(self, *exc) -> None:
        _WATCHERS.pop()

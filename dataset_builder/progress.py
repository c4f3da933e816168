"""Build progress for people: per phase, shards, documents and bytes with totals, rate and time left — a live
bar on a terminal, a plain log line every few seconds otherwise (CI logs)."""

from __future__ import annotations

import time
from typing import TextIO

LOG_EVERY_SECONDS = 5.0


def _eta(done: int, total: int, elapsed: float) -> str:
    if not done or done >= total or elapsed <= 0:
        return ""
    left = elapsed * (total - done) / done
    return f", about {left:,.0f} s left"


class LogProgress:
    """One line per phase start and end, and one every LOG_EVERY_SECONDS in between."""

    def __init__(self, stream: TextIO, every: float = LOG_EVERY_SECONDS) -> None:
        self.stream = stream
        self.every = every
        self.phase = None
        self.started = self.logged = 0.0

    def __call__(self, phase: str, shards: int, shards_total: int, docs: int, docs_total: int, nbytes: int,
                 bytes_total: int) -> None:
        now = time.monotonic()
        if phase != self.phase:
            self.phase, self.started, self.logged = phase, now, 0.0
        finished = shards >= shards_total
        if now - self.logged < self.every and not finished and self.logged:
            return
        self.logged = now
        elapsed = now - self.started
        rate = f", {nbytes / 1e6 / elapsed:.1f} MB/s" if elapsed > 0 and nbytes else ""
        line = f"build: {phase}: {shards}/{shards_total} shards"
        if docs_total:
            line += f", {docs:,}/{docs_total:,} documents, {nbytes / 1e6:,.1f}/{bytes_total / 1e6:,.1f} MB{rate}"
        line += _eta(nbytes or shards, bytes_total or shards_total, elapsed) + (" (done)" if finished and docs_total else "")
        print(line, file=self.stream, flush=True)


class BarProgress:
    """A rich progress bar per phase."""

    def __init__(self, progress) -> None:
        self.progress = progress
        self.tasks: dict[str, int] = {}

    def __call__(self, phase: str, shards: int, shards_total: int, docs: int, docs_total: int, nbytes: int,
                 bytes_total: int) -> None:
        if phase not in self.tasks:
            for task in self.tasks.values():
                self.progress.update(task, visible=False)
            self.tasks[phase] = self.progress.add_task(phase, total=bytes_total or None)
        total_docs = f"{docs:,}/{docs_total:,} documents, {shards}/{shards_total} shards" if docs_total else ""
        self.progress.update(self.tasks[phase], completed=nbytes, documents=total_docs)


def rich_columns():
    from rich.progress import (BarColumn, DownloadColumn, SpinnerColumn, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn, TransferSpeedColumn)

    return (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[documents]}"),
            DownloadColumn(), TransferSpeedColumn(), TimeElapsedColumn(), TimeRemainingColumn())

"""A pool of worker processes, one shard per task. Outcomes come back in shard order, so the first error
reported is the one of the earliest failing shard, whatever the number of workers."""

from __future__ import annotations

import importlib.abc
import multiprocessing
import signal
import sys
from collections.abc import Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING

from .local import Engine

if TYPE_CHECKING:
    from ..phases import PhaseJob, ShardOutcome
    from ..shards import Shard


def _start_worker() -> None:
    from ..memory import tune_allocator

    # Ctrl-C reaches every process of the terminal's group: the parent handles it and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tune_allocator()
    without_pandas()
    from .. import phases  # noqa: F401  the stages (half a second), imported before the first shard arrives


def without_pandas() -> None:
    """Make `import pandas` fail in this process. No stage or sink uses pandas, but pyarrow imports it (when it is
    installed, as `datasets` needs it) on the first `pa.array` of a Python list, only to ask whether the list is a
    pandas object: 0.25 s of CPU and 49 MB in each worker, on the first shard. pyarrow takes the ImportError for
    "no pandas" and converts as before. (A None in sys.modules is not enough: pyarrow's compiled import returns it.)"""
    if "pandas" not in sys.modules and not any(isinstance(f, _NoPandas) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoPandas())


class _NoPandas(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r} (not imported by the build's workers)", name=name)
        return None


class ProcessEngine(Engine):
    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool = None

    def _get_pool(self):
        if self._pool is None:
            context = multiprocessing.get_context("spawn")  # no fork of a threaded parent (progress display)
            self._pool = context.Pool(self.workers, initializer=_start_worker)
        return self._pool

    def prepare(self) -> None:
        self._get_pool()  # each worker imports the stages (about half a second) while the driver plans the shards

    def run_phase(self, job: PhaseJob, shards: Sequence[Shard]) -> Iterator[ShardOutcome]:
        if not shards:
            return
        from ..phases import run_shard

        try:
            yield from self._get_pool().imap(partial(run_shard, job), shards, chunksize=1)
        except BaseException:
            self.close(terminate=True)
            raise

    def finish(self) -> None:
        # The workers are idle and hold nothing (every outcome is in, every file they wrote complete): stopped at
        # once instead of each shutting down in turn (0.4 s of the driver's time for two, at the end of every build).
        self.close(terminate=True)

    def close(self, terminate: bool = False) -> None:
        if self._pool is not None:
            if terminate:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None

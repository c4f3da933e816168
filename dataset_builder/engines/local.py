"""The engine interface and the in-process engine."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # an engine is made before the stages are imported (cli.build): it imports them when it runs
    from ..phases import PhaseJob, ShardOutcome
    from ..shards import Shard


class Engine:
    """Runs `run_shard(job, shard)` for every shard; yields the outcomes in shard order. An engine may keep
    workers between phases; `close` releases them."""

    def run_phase(self, job: PhaseJob, shards: Sequence[Shard]) -> Iterator[ShardOutcome]:  # pragma: no cover
        raise NotImplementedError

    def prepare(self) -> None:
        """Start what takes time to start (worker processes) before the first phase; the build plans meanwhile."""

    def finish(self) -> None:
        """Every phase is done: release the workers now, before the release is written."""
        self.close()

    def close(self) -> None:
        pass

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class LocalEngine(Engine):
    def run_phase(self, job: PhaseJob, shards: Sequence[Shard]) -> Iterator[ShardOutcome]:
        from ..phases import run_shard

        for shard in shards:
            yield run_shard(job, shard)

"""The Ray Data engine: each phase is a `map_batches` over the shard plan, one shard per batch.

The unit of work is the same `run_shard(job, shard)` the other engines run, so the release is the same bytes:
a shard's output and completion marker go to the work folder, the global steps' partial states are merged and
decided once by the driver (phases.run_phases), and the sinks merge the sorted runs. Ray's row order is not
stable (`preserve_order` is off), so nothing here depends on it: outcomes are keyed by shard index, and of
several failing shards the earliest one's error is raised, as on the other engines.

On a cluster every node must see the inputs and the output folder (the work folder sits beside the release)
at the same paths, and have this package installed. Ray is imported only when this engine is chosen.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence

from ..errors import ConfigError
from ..phases import PhaseJob, ShardOutcome, run_shard
from ..shards import Shard
from .local import Engine

INSTALL_HINT = 'the Ray engine needs the ray extra: pip install "zh-dataset-builder[ray]"'


class _ShardRunner:
    """The stage adapter Ray calls: shard indices in, pickled outcomes (or the shard's error) out."""

    def __init__(self, job: PhaseJob, shards: Sequence[Shard]) -> None:
        self.job = job
        self.shards = shards

    def __call__(self, batch: dict) -> dict:
        indices, results, failed = [], [], []
        for index in batch["shard"]:
            try:
                result, error = run_shard(self.job, self.shards[int(index)]), False
            except Exception as exc:  # noqa: BLE001 - carried to the driver, which raises the earliest shard's
                result, error = exc, True
            indices.append(int(index))
            results.append(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
            failed.append(error)
        return {"shard": indices, "result": results, "failed": failed}


class RayEngine(Engine):
    """Joins the cluster at `address`, or starts a local Ray with `workers` CPUs when there is none."""

    def __init__(self, workers: int, address: str | None = None) -> None:
        try:
            import ray
        except ImportError:
            raise ConfigError(INSTALL_HINT) from None
        self.workers = workers
        self.address = address
        self._ray = ray
        self._started = False

    def _connect(self) -> None:
        """Join the cluster, or start a local Ray (about 12 s), at the first phase: a bad input, found while the
        build plans its shards, fails without waiting for it."""
        ray = self._ray
        if not ray.is_initialized():
            options = dict(include_dashboard=False, log_to_driver=False, configure_logging=False)
            if self.address:
                ray.init(address=self.address, **options)
            else:
                ray.init(num_cpus=self.workers, **options)
            self._started = True

    def run_phase(self, job: PhaseJob, shards: Sequence[Shard]) -> Iterator[ShardOutcome]:
        if not shards:
            return
        self._connect()
        import ray.data

        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        items = ray.data.from_items([{"shard": i} for i in range(len(shards))], override_num_blocks=len(shards))
        results = items.map_batches(
            _ShardRunner, fn_constructor_args=(job, list(shards)), batch_size=1, concurrency=(1, self.workers),
            num_cpus=1,
        )
        errors: dict[int, BaseException] = {}
        for row in results.iter_rows():
            value = pickle.loads(row["result"])
            if row["failed"]:
                errors[int(row["shard"])] = value
            else:
                yield value
        if errors:
            raise errors[min(errors)]

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()
            self._started = False

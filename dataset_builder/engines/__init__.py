"""Execution backends. An engine runs one phase of the pipeline over some shards and yields each shard's
outcome; everything else (the plan, the phases, the global decisions, the sinks) is shared.
Stages never import an engine.

    LocalEngine()                   one shard after another, in this process
    ProcessEngine(workers)          a pool of worker processes
    RayEngine(workers, address)     Ray Data map_batches over the shards (the `ray` extra)
"""

import os

from .local import Engine, LocalEngine
from .processes import ProcessEngine

ENGINES = ("local", "ray")


def default_workers() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def engine_for(workers: int, engine: str = "local", ray_address: str | None = None) -> Engine:
    if engine == "ray":
        from .ray_data import RayEngine  # Ray is imported only when asked for

        return RayEngine(workers, ray_address)
    return LocalEngine() if workers <= 1 else ProcessEngine(workers)


__all__ = ["ENGINES", "Engine", "LocalEngine", "ProcessEngine", "default_workers", "engine_for"]

"""Execution backends. An engine runs one phase of the pipeline over some shards and yields each shard's
outcome, in shard order; everything else (the plan, the phases, the global decisions, the sinks) is shared.
Stages never import an engine.

    LocalEngine()            one shard after another, in this process
    ProcessEngine(workers)   a pool of worker processes
"""

from .local import Engine, LocalEngine
from .processes import ProcessEngine


def engine_for(workers: int) -> Engine:
    return LocalEngine() if workers <= 1 else ProcessEngine(workers)


__all__ = ["Engine", "LocalEngine", "ProcessEngine", "engine_for"]

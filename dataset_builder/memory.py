"""Handing freed memory back to the operating system, so a build's peak is what it holds, not what its allocators
kept from earlier work.

Two allocators keep freed memory by default. Arrow's default pool (mimalloc in the wheels) keeps the pages of
freed buffers for reuse: every run written, merged and read back left its pages behind, so the peak of writing
the sinks grew with the input (a one-worker build of 16x the base input: 964 MiB, of which Arrow held 157 MiB
at most). The system allocator returns large buffers at once. glibc keeps the pages of the phases' freed Python
objects (texts over 512 bytes are plain mallocs) until asked: about 150 MiB at the end of the same build's
phases. Neither changes a byte of output.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
from collections.abc import Iterator

import pyarrow as pa


def use_system_arrow_pool() -> None:
    """For a worker process, which does nothing else: Arrow allocates with the system allocator from now on."""
    pa.set_memory_pool(pa.system_memory_pool())


@contextlib.contextmanager
def system_arrow_pool() -> Iterator[None]:
    """The system allocator for Arrow while a build runs in this process, the caller's pool again after it."""
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows): nothing to trim
        return None


_TRIM = _malloc_trim()


def return_freed_memory() -> None:
    """glibc's free pages back to the system (malloc_trim); elsewhere nothing."""
    if _TRIM is not None:
        _TRIM(0)

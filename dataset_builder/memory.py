"""Handing freed memory back to the operating system between a build's steps, so the peak of writing the release
is what it holds, not what the allocators kept from the phases before it.

Two allocators keep freed memory by default: Arrow's pool (mimalloc in the wheels) keeps the pages of freed
buffers for reuse, and glibc keeps those of freed Python objects (texts over 512 bytes are plain mallocs) until
asked. At the end of the phases of a one-worker build of 16x the bench's first 20,000 documents they held about
150 MiB nobody used. Neither changes a byte of output.
"""

from __future__ import annotations

import ctypes
import ctypes.util

import pyarrow as pa


def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows): nothing to trim
        return None


_TRIM = _malloc_trim()


def return_freed_memory() -> None:
    """Arrow's pool's free pages back to the system, and glibc's (malloc_trim; elsewhere glibc's are kept)."""
    pa.default_memory_pool().release_unused()
    if _TRIM is not None:
        _TRIM(0)

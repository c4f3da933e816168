"""glibc's allocator tuned for the workers' large temporary arrays, and freed memory handed back to the operating
system between a build's steps, so the peak of writing the release is what it holds, not what the allocators kept
from the phases before it.

By default glibc serves an allocation above a threshold (128 KiB, raised as such blocks are freed) with its own
mmap and unmaps it when it is freed, so every batch's numpy arrays of code points and hashes came in fresh pages
the kernel had to zero: 5.5-5.7 s of system time in a two-worker build of the bench corpus, against 2.8-3.0 with
the workers' threshold at 32 MiB and their freed heap kept up to 256 MiB (both must be set: setting one fixes the
other at its default, and the system time doubled).

Two allocators keep freed memory by default: Arrow's pool (mimalloc in the wheels) keeps the pages of freed
buffers for reuse, and glibc keeps those of freed Python objects (texts over 512 bytes are plain mallocs) until
asked. At the end of the phases of a one-worker build of 16x the bench's first 20,000 documents they held about
150 MiB nobody used. Neither changes a byte of output.
"""

from __future__ import annotations

import ctypes
import ctypes.util

import pyarrow as pa


def _glibc():
    """The C library when it is glibc (it has malloc_trim and mallopt), else None (musl, macOS, Windows)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


_GLIBC = _glibc()
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (malloc.h)


def tune_allocator() -> None:
    """For a worker process, which does nothing else: glibc keeps blocks up to 32 MiB (its largest mmap
    threshold) in its heap and up to 256 MiB of free heap before trimming. Not for the build's own process: it
    would change the caller's allocator for good (glibc cannot read back the old values), and on one worker it
    raised the 16x peak (751-765 MiB against 624-633) for a 1.5 s gain. Elsewhere than glibc, nothing."""
    if _GLIBC is not None:
        _GLIBC.mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024)
        _GLIBC.mallopt(_M_TRIM_THRESHOLD, 256 * 1024 * 1024)


def return_freed_memory() -> None:
    """Arrow's pool's free pages back to the system, and glibc's (malloc_trim; elsewhere glibc's are kept)."""
    pa.default_memory_pool().release_unused()
    if _GLIBC is not None:
        _GLIBC.malloc_trim(0)

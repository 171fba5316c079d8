"""glibc malloc settings for extraction: large arrays reuse freed heap memory instead of fresh pages.

Each batch through the CNN allocates arrays of several megabytes (token vectors, hidden layers, scores). Above
glibc's mmap threshold every one is a fresh mapping whose pages the kernel faults in and zeroes, and is unmapped on
free: about a tenth of the fast pipeline's CPU time went there. With higher mmap and trim thresholds the freed
memory stays in the heap and the next batch reuses it. numpy also asks the kernel for huge pages on each large array
(madvise), and where transparent huge pages are "madvise" the kernel compacts memory to find them while the first
batch grows the heap (system time in page faults), so that is switched off too. The numbers computed
are the same.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_TRIM_THRESHOLD = -1  # mallopt parameters, from glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 256 * 1024 * 1024  # allocations above this still get their own mapping
TRIM_THRESHOLD = 512 * 1024 * 1024  # free heap kept for reuse before any is given back
ENV_OVERRIDES = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")  # the user's own settings win
HUGEPAGE_OVERRIDE = "NUMPY_MADVISE_HUGEPAGE"  # numpy's own switch, read when numpy is imported

_done = False


def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds once per process; False where it is not glibc or the user set them."""
    global _done
    if _done:
        return True
    no_huge_pages()
    if not sys.platform.startswith("linux") or any(name in os.environ for name in ENV_OVERRIDES):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    _done = bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)) and bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    return _done


def no_huge_pages() -> bool:
    """Stop numpy asking for transparent huge pages (False where the user set numpy's variable or numpy lacks it)."""
    if HUGEPAGE_OVERRIDE in os.environ:
        return False
    import numpy

    switch = getattr(getattr(getattr(numpy, "_core", None), "multiarray", None), "_set_madvise_hugepage", None)
    if switch is None:
        return False
    switch(False)
    return True

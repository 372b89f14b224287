"""Helpers that let the formula functions broadcast like NumPy ufuncs: compute into an
``out=`` array when the engine gives one, return a scalar for scalar arguments."""

from __future__ import annotations

import numpy as np


def uniform(values):
    """A Python float when every batch member has the same value, the array otherwise:
    NumPy's power is much faster with a scalar exponent."""
    if isinstance(values, float):
        return values
    arr = np.asarray(values, dtype=float)
    if not arr.ndim:
        return float(arr)
    if arr.size and (arr == arr.flat[0]).all():
        return float(arr.flat[0])
    return arr


def result_array(out, *args) -> np.ndarray:
    """``out``, or a new float array of the broadcast shape of ``args`` to compute into."""
    if out is not None:
        return out
    return np.empty(np.broadcast(*args).shape)


def returned(result: np.ndarray, out):
    """What a function computing into ``result`` returns: ``result`` itself, except a
    NumPy scalar (not a 0-d array) for scalar arguments when no ``out`` was given."""
    return result if out is not None or result.ndim else result[()]


#: glibc ``mallopt`` parameters (malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: Arrays up to this size come from the heap, not from fresh ``mmap`` pages ...
MMAP_THRESHOLD = 32 << 20
#: ... and up to this much freed memory is kept for the next batch.
TRIM_THRESHOLD = 128 << 20


def retain_freed_memory() -> bool:
    """Let glibc's allocator keep the memory of freed temporaries (Linux/glibc only).

    The engine allocates and frees arrays of tens of KB to a few MB per step of a batch.
    By default glibc serves the large ones with fresh ``mmap`` pages and returns freed
    heap to the system, so every batch pays ~15,000 page faults (about a tenth of the
    five-power evaluation time). With a fixed ``mmap`` threshold of 32 MB (the largest
    glibc's own adaptive threshold reaches) and up to 128 MB of freed memory kept, the
    same pages are reused. Left alone where the user set ``MALLOC_*`` environment
    variables or the C library is not glibc. Returns whether the settings were applied."""
    import os
    import platform

    if platform.system() != "Linux" or any(k.startswith("MALLOC_") for k in os.environ):
        return False
    if platform.libc_ver()[0] != "glibc":
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # pragma: no cover - not glibc after all
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )

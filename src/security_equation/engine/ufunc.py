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

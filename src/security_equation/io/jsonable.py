"""Plain JSON values from results: one place that turns NumPy values into Python ones and
non-finite numbers into ``None`` (JSON has no NaN or infinity)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np


def finite_or_none(value) -> float | None:
    """``value`` as a Python float, or ``None`` when it is NaN, infinite or missing.
    A one-element array gives its element."""
    if value is None:
        return None
    number = float(np.asarray(value, dtype=float).reshape(-1)[0])
    return number if math.isfinite(number) else None


def _plain(value: Any) -> Any:
    """One table cell as a JSON value: missing (None, NaN, pandas NA/NaT) as ``None``,
    timestamps as ``YYYY-MM-DD``, NumPy scalars as Python numbers."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and not hasattr(value, "__len__") and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def records(frame) -> list[dict]:
    """A pandas DataFrame's rows as JSON-ready dicts (see :func:`_plain` for the cells)."""
    return [{str(k): _plain(v) for k, v in row.items()} for row in frame.astype(object).to_dict("records")]


def json_safe(obj: Any) -> Any:
    """``obj`` with NumPy scalars and arrays as Python values, tuples and sets as lists,
    mapping keys as strings, and NaN/inf as ``None``. Objects with a ``to_dict`` method
    are not expanded here: results build their own dicts (see :mod:`model.sections`)."""
    if isinstance(obj, Mapping):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set):
        return [json_safe(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return json_safe(obj.tolist())
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def fallback(obj: Any) -> Any:
    """A JSON value for what :func:`json_safe` leaves as it is and ``json`` cannot write
    (``json.dumps(..., default=fallback)``): an object's ``to_dict()``, a dataclass's fields,
    a date as ``YYYY-MM-DD``, a missing pandas value as ``None``, else its text; NaN and
    infinity inside as ``None`` (never a ``ValueError`` from ``allow_nan=False``)."""
    import dataclasses
    import datetime as dt

    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return json_safe(obj.to_dict())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return json_safe(dataclasses.asdict(obj))
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if type(obj).__name__ in ("NAType", "NaTType"):  # pandas' missing values
        return None
    try:
        number = float(obj)
    except (TypeError, ValueError, OverflowError):
        return str(obj)
    return number if math.isfinite(number) else None

"""New START aggregate numbers 2011–2023 and their status against the central limits.

The data are the official aggregates declared by each side (``data/newstart_aggregates.csv``,
copied from shared/reference; an empty cell means no figure was found). The limits, the
date from which they bind (2018-02-05) and the expiry date come from the bundled
``new-start`` framework, whose limit names are the CSV's column names.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pandas as pd

from security_equation.data import DATA_DIR
from security_equation.io.jsonable import records
from security_equation.schema.framework import Framework
from security_equation.treaty.frameworks import load_framework

DATA_FILE = DATA_DIR / "newstart_aggregates.csv"
FRAMEWORK = "new-start"
#: The CSV columns that are New START limits, in the treaty's order (a), (b), (c).
LIMIT_COLUMNS = ("deployed_launchers", "deployed_warheads", "total_launchers")
SIDE_LABELS = {"US": "United States", "RU": "Russia"}

COMPLIANT = "compliant"
EXCEEDS = "exceeds limit"
NOT_YET_BINDING = "not yet binding"
EXPIRED = "expired"
NO_DATA = "no data"
PARTIAL = "compliant (partial data)"


def framework() -> Framework:
    """The bundled New START framework (limits and dates)."""
    fw = load_framework(FRAMEWORK)
    missing = [c for c in LIMIT_COLUMNS if c not in fw.limits]
    if missing:  # pragma: no cover - guards the bundled file
        raise RuntimeError(f"bundled framework '{FRAMEWORK}' lacks limits {missing}")
    return fw


def limits() -> dict[str, int]:
    """New START limit per CSV column: ``{"deployed_launchers": 700, …}``."""
    fw = framework()
    return {c: fw.limits[c].limit for c in LIMIT_COLUMNS}


@lru_cache(maxsize=1)
def _read() -> pd.DataFrame:
    df = pd.read_csv(
        DATA_FILE,
        dtype={c: "Int64" for c in LIMIT_COLUMNS} | {"note": "string"},
        keep_default_na=False,
        na_values={c: [""] for c in LIMIT_COLUMNS},
    )
    df["as_of"] = pd.to_datetime(df["as_of"], format="%Y-%m-%d")
    df["note"] = df["note"].fillna("")
    return df.sort_values("as_of", kind="stable").reset_index(drop=True)


def aggregates() -> pd.DataFrame:
    """The official aggregates: one row per data date and side.

    Columns: ``as_of`` (datetime), ``side`` (US/RU), ``deployed_launchers``,
    ``deployed_warheads``, ``total_launchers`` (nullable integers; <NA> = no figure found),
    ``source_id``, ``tag`` (official, official-via-press, inferred), ``note``.
    """
    return _read().copy()


def limit_status(
    value, limit: int, as_of: dt.date, binding_from: dt.date | None, expires: dt.date | None
) -> str:
    """Status of one declared figure against one limit on its date."""
    if value is None or pd.isna(value):
        return NO_DATA
    if binding_from is not None and as_of < binding_from:
        return NOT_YET_BINDING
    if expires is not None and as_of >= expires:
        return EXPIRED
    return COMPLIANT if int(value) <= limit else EXCEEDS


def row_status(statuses: list[str]) -> str:
    """One status for a row from its per-limit statuses."""
    known = [s for s in statuses if s != NO_DATA]
    if not known:
        return NO_DATA
    for special in (NOT_YET_BINDING, EXPIRED):
        if known[0] == special:
            return special
    if EXCEEDS in known:
        return EXCEEDS
    return COMPLIANT if len(known) == len(statuses) else PARTIAL


def compliance_table() -> pd.DataFrame:
    """Each row of the aggregates with its status against the limits in force on its date.

    Adds, per limit column, ``<column>_limit`` and ``<column>_status`` (compliant, exceeds
    limit, not yet binding before 2018-02-05, no data) and ``above_limit`` flags; ``status``
    sums up the row; ``compliant`` is True/False once the limits bind, else <NA>.
    """
    fw = framework()
    df = aggregates()
    values = limits()
    statuses = []
    for _, row in df.iterrows():
        as_of = row["as_of"].date()
        per = {c: limit_status(row[c], values[c], as_of, fw.binding_from, fw.expires) for c in LIMIT_COLUMNS}
        statuses.append(per)
    for c in LIMIT_COLUMNS:
        df[f"{c}_limit"] = values[c]
        df[f"{c}_status"] = [s[c] for s in statuses]
        df[f"{c}_above_limit"] = [bool(pd.notna(v) and int(v) > values[c]) for v in df[c]]
    df["status"] = [row_status([s[c] for c in LIMIT_COLUMNS]) for s in statuses]
    df["compliant"] = pd.array(
        [None if st in (NOT_YET_BINDING, NO_DATA, EXPIRED) else st != EXCEEDS for st in df["status"]],
        dtype="boolean",
    )
    return df


def to_records(df: pd.DataFrame | None = None) -> list[dict]:
    """The compliance table as JSON-ready records (dates as YYYY-MM-DD, <NA> as None)."""
    return records(compliance_table() if df is None else df)


def summary() -> dict:
    """Everything `seceq treaty history --format json` prints."""
    fw = framework()
    return {
        "framework": fw.name,
        "title": fw.title,
        "binding_from": fw.binding_from.isoformat() if fw.binding_from else None,
        "expires": fw.expires.isoformat() if fw.expires else None,
        "limits": {
            c: {"label": fw.limits[c].label, "limit": fw.limits[c].limit, "article": fw.limits[c].article}
            for c in LIMIT_COLUMNS
        },
        "source": "data/newstart_aggregates.csv (official aggregates; see `note` and `tag` per row)",
        "rows": to_records(),
    }

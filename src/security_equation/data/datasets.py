"""Bundled public data: a registry of the CSV files in ``data/`` and their loaders.

Every row of every dataset carries a ``source_id`` naming one or more entries of the
source register (``data/sources.csv``, separated by ``;``). Empty cells mean "no figure
found", never zero: they load as missing values.

>>> from security_equation.data import datasets
>>> datasets.load("newstart-limits")["value"].tolist()
[700, 1550, 800]
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from security_equation.io.errors import InputError

if TYPE_CHECKING:  # pandas is imported lazily: the CLI starts faster without it
    import pandas as pd

from security_equation.data import DATA_DIR
from security_equation.io import jsonable

SOURCE_COLUMN = "source_id"
SOURCE_SEPARATOR = ";"


@dataclass(frozen=True)
class Dataset:
    """One bundled table: its file, what it holds and what each column means."""

    name: str
    file: str
    description: str
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return DATA_DIR / self.file

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "file": f"data/{self.file}",
            "description": self.description,
            "columns": dict(self.columns),
        }


_SOURCE = {SOURCE_COLUMN: "Source id(s) in the source register (`seceq data show sources`), ';'-separated."}
_GRADE = {
    "grade": "Grade of each cited source as given in the reference notes (A official or FAS/SIPRI; "
    "B reputable re-use; C low authority; S2 secondary re-report)."
}

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "sources",
            "sources.csv",
            "The source register: every source id cited by the bundled data and scenarios.",
            {
                SOURCE_COLUMN: "Id used in all data files and scenario `sources:` notes.",
                "title": "Title or description of the document(s).",
                "organisation_or_author": "Publisher or author(s).",
                "date": "Publication date (YYYY-MM-DD, YYYY-MM or YYYY); several separated by ';'.",
                "url_or_repo_path": "URL(s) separated by ' ; ', or 'repo owner/name, path @ commit'.",
                "grade": "A official (or FAS/SIPRI authors' own); B reputable press or expert re-use; "
                "C low-authority; S2 secondary re-report.",
            },
        ),
        Dataset(
            "newstart-limits",
            "newstart_limits.csv",
            "The three central limits of New START (Article II): 700 deployed launchers, 1,550 "
            "deployed warheads, 800 deployed and non-deployed launchers.",
            {
                "framework": "Treaty framework the limit belongs to.",
                "limit_id": "Name of the counted total (matches the newstart-aggregates columns).",
                "article": "Treaty article.",
                "counted_items": "What the limit counts.",
                "value": "The limit.",
                "binding_from": "Date the limit became binding.",
                "expired": "Date the treaty expired.",
                **_SOURCE,
                "note": "Which source supports which figure; caveats.",
            },
        ),
        Dataset(
            "newstart-aggregates",
            "newstart_aggregates.csv",
            "Official New START aggregate numbers for both sides, 2011-2023 (one row per data "
            "date and side).",
            {
                "as_of": "Date the figures describe (YYYY-MM-DD).",
                "side": "US or RU.",
                "deployed_launchers": "Deployed ICBMs + SLBMs + heavy bombers (limit 700).",
                "deployed_warheads": "Warheads on deployed ICBMs and SLBMs + 1 per deployed heavy "
                "bomber (limit 1,550).",
                "total_launchers": "Deployed and non-deployed launchers and heavy bombers (limit 800).",
                **_SOURCE,
                "tag": "official, official-via-press or inferred (see note).",
                "note": "Caveats, corroboration and the method for inferred values.",
            },
        ),
        Dataset(
            "us-newstart-by-system",
            "us_newstart_2020-09-01_by_system.csv",
            "US New START counts by system as of 2020-09-01 (State Department fact sheet). Sum "
            "the launcher and heavy-bomber rows for the treaty aggregates; test items are "
            "already inside the totals.",
            {
                "system": "Minuteman III, Trident II, B-2A, B-52H.",
                "category": "ICBM missiles, ICBM launchers, SLBM missiles, SLBM launchers or heavy bombers.",
                "deployed": "Deployed items.",
                "non_deployed": "Non-deployed items.",
                "test": "Test items as listed (already included in non_deployed; never add).",
                **_SOURCE,
            },
        ),
        Dataset(
            "warhead-estimates",
            "warhead_estimates.csv",
            "FAS and SIPRI estimates of US and Russian warheads by category and year "
            "(stockpile, deployed, per leg, reserve, retired, total).",
            {
                "side": "US or RU.",
                "year": "Year of the estimate (FAS: early year; SIPRI: January).",
                "estimator": "FAS or SIPRI.",
                "measure": "stockpile, deployed, deployed_strategic, on_icbms, on_slbms, "
                "at_bomber_bases, non_strategic(_europe), reserve(_strategic), stored, "
                "retired, total_inventory.",
                "value": "Warheads.",
                "approx": "True where published as approximate ('~', 'nearly').",
                **_SOURCE,
                **_GRADE,
                "note": "Caveats and arithmetic.",
            },
        ),
        Dataset(
            "delivery-systems",
            "delivery_systems.csv",
            "US and Russian delivery systems: launchers, loadings, warhead types, yields and "
            "capacities per system (US), leg totals (Russia), and the only public CEP figures "
            "(grade C placeholders).",
            {
                "side": "US or RU.",
                "system": "Delivery system or force element.",
                "as_of": "Date or year the figure describes; empty where the source gives none.",
                "item": "What is counted or measured.",
                "value": "The figure.",
                "unit": "Unit of the figure.",
                "approx": "True where published as approximate.",
                **_SOURCE,
                **_GRADE,
                "note": "Caveats.",
            },
        ),
        Dataset(
            "missile-defence",
            "missile_defence.csv",
            "Missile-defence inventories and plans: US GMD and Aegis BMD, the Moscow ABM system.",
            {
                "side": "US or RU.",
                "system": "GMD, Aegis BMD, Aegis Ashore, A-35, Moscow ABM, A-135 (53T6).",
                "as_of": "Date, year or fiscal year of the figure.",
                "item": "What is counted.",
                "value": "The figure.",
                "approx": "True where published as approximate.",
                **_SOURCE,
                **_GRADE,
                "note": "Caveats.",
            },
        ),
        Dataset(
            "stockpile-series",
            "stockpile_series.csv",
            "FAS military stockpile series 2010-2023 for the nine nuclear-armed states, and the "
            "world total inventory (including retired warheads). The series was revised in 2023; "
            "do not mix it with the yearly snapshots in warhead-estimates.",
            {
                "state": "State (or World).",
                "year": "Year.",
                "measure": "military_stockpile, or total_inventory for World.",
                "value": "Warheads.",
                **_SOURCE,
                "note": "Caveats.",
            },
        ),
    )
}


def names() -> list[str]:
    """Names of the bundled datasets, in registry order."""
    return list(DATASETS)


def get(name: str) -> Dataset:
    """The dataset called ``name``; unknown names raise ``InputError`` with a suggestion."""
    key = name.strip().lower().replace("_", "-")
    if key in DATASETS:
        return DATASETS[key]
    for dataset in DATASETS.values():  # accept the file name too
        stem = dataset.file.lower().removesuffix(".csv")
        if name.strip().lower() in (dataset.file.lower(), stem) or key == stem.replace("_", "-"):
            return dataset
    hint = difflib.get_close_matches(key, names(), n=1, cutoff=0.5)
    extra = f"; did you mean '{hint[0]}'?" if hint else ""
    raise InputError.single(f"no bundled dataset named '{name}'{extra} (available: {', '.join(names())})")


def _read(path: Path) -> pd.DataFrame:
    """Numbers as nullable integers/floats, text as Python strings, empty cells as missing."""
    import pandas as pd

    frame = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype_backend="numpy_nullable")
    for column in frame.columns:
        if str(frame[column].dtype) in ("string", "boolean"):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts (missing values as ``None``, numbers as Python numbers)."""
    return jsonable.records(frame)


@cache
def _cached(name: str) -> pd.DataFrame:
    return _read(DATASETS[name].path)


def load(name: str) -> pd.DataFrame:
    """A bundled dataset as a pandas DataFrame (a fresh copy; empty cells are missing values)."""
    return _cached(get(name).name).copy()


def source_ids(cell: object) -> list[str]:
    """The source ids in one ``source_id`` cell: ``"SD1;PODV"`` → ``["SD1", "PODV"]``."""
    if cell is None or (isinstance(cell, float) and cell != cell):
        return []
    return [part.strip() for part in str(cell).split(SOURCE_SEPARATOR) if part.strip()]


def cited_sources(name: str) -> list[str]:
    """Every source id a dataset cites, in order of first use."""
    seen: dict[str, None] = {}
    for cell in load(name)[SOURCE_COLUMN]:
        for sid in source_ids(cell):
            seen.setdefault(sid)
    return list(seen)


def unknown_sources(name: str) -> list[tuple[int, str]]:
    """``(row number, id)`` for every cited id missing from the register (row 1 = first data row)."""
    register = set(load("sources")[SOURCE_COLUMN])
    bad = []
    for row, cell in enumerate(load(name)[SOURCE_COLUMN], start=1):
        ids = source_ids(cell)
        if not ids:
            bad.append((row, ""))
        bad.extend((row, sid) for sid in ids if sid not in register)
    return bad


def sources_for(ids: list[str]) -> pd.DataFrame:
    """Register rows for the given ids, in the order given."""
    register = load("sources").set_index(SOURCE_COLUMN)
    present = [sid for sid in ids if sid in register.index]
    return register.loc[present].reset_index()


# --------------------------------------------------------------------------- New START checks
LAUNCHER_CATEGORIES = ("ICBM launchers", "SLBM launchers", "heavy bombers")


def newstart_aggregates_from_systems(by_system: pd.DataFrame | None = None) -> dict[str, int]:
    """The New START launcher aggregates that a per-system table gives.

    Sums the launcher and heavy-bomber rows (missile rows count missiles, which the
    limits do not cap; ``test`` items are already inside the totals):
    ``deployed_launchers`` (limit 700) and ``total_launchers`` (deployed + non-deployed,
    limit 800). Warheads (limit 1,550) cannot be derived: the file has no
    reentry-vehicle counts.
    """
    frame = load("us-newstart-by-system") if by_system is None else by_system
    rows = frame[frame["category"].isin(LAUNCHER_CATEGORIES)]
    deployed = int(rows["deployed"].sum())
    non_deployed = int(rows["non_deployed"].sum())
    return {
        "deployed_launchers": deployed,
        "non_deployed_launchers": non_deployed,
        "total_launchers": deployed + non_deployed,
    }


def official_aggregates(as_of: str, side: str) -> dict[str, int | None]:
    """The official New START aggregates for one data date and side (``"2020-09-01", "US"``)."""
    frame = load("newstart-aggregates")
    rows = frame[(frame["as_of"] == as_of) & (frame["side"] == side.upper())]
    if rows.empty:
        raise InputError.single(f"no New START aggregates for {side} as of {as_of}")
    import pandas as pd

    row = rows.iloc[0]
    return {
        column: None if pd.isna(row[column]) else int(row[column])
        for column in ("deployed_launchers", "deployed_warheads", "total_launchers")
    }

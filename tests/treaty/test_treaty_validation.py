"""Validation against official data: the US breakdown of 2020-09-01 and every aggregate row."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd

import security_equation
from security_equation.treaty import assess, history, load_framework

DATA = Path(security_equation.__file__).resolve().parent / "data"
CATEGORY = {"ICBM launchers": "icbm_silo", "SLBM launchers": "slbm", "heavy bombers": "bomber"}


def us_2020_systems(make) -> dict:
    """Scenario systems from the launcher and heavy-bomber rows of the SD1 breakdown.

    The missile rows count missiles, which the limits do not cap, and are skipped. Test items
    are listed but not additional (they go to ``test_launchers``). The breakdown gives no
    reentry vehicles per system: Minuteman III carries one each (ACA2, NN-US20), so the
    Trident II loading is inferred from the official warhead total as
    (1,457 − 397 − 48 bombers) / 230 = 4.4. Bombers get a real bomb load (16 and 20), to
    show that each counts as one. The 41 B-52H converted to non-nuclear armaments (SD1)
    are added as converted launchers, which are not accountable.
    """
    systems = {}
    with open(DATA / "us_newstart_2020-09-01_by_system.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["category"] not in CATEGORY:
                continue
            name = row["system"].lower().replace(" ", "_").replace("-", "")
            category = CATEGORY[row["category"]]
            loading = {"icbm_silo": 1.0, "slbm": 4.4, "bomber": 16.0 if name == "b2a" else 20.0}[category]
            systems[name] = make.system(
                category,
                launchers=int(row["deployed"]),
                non_deployed_launchers=int(row["non_deployed"]),
                test_launchers=int(row["test"] or 0),
                converted_launchers=41 if name == "b52h" else 0,
                warheads_per_launcher=loading,
                max_warheads_per_launcher=loading,
            )
    assert set(systems) == {"minuteman_iii", "trident_ii", "b2a", "b52h"}
    return systems


def official(as_of: str, side: str) -> dict[str, int]:
    df = history.aggregates()
    row = df[(df["as_of"] == as_of) & (df["side"] == side)].iloc[0]
    return {c: int(row[c]) for c in history.LIMIT_COLUMNS}


def test_us_2020_09_01_by_system_gives_the_official_aggregates(make):
    sc = make.scenario(us_2020_systems(make))
    result = assess(sc, "new-start")
    counted = {name: c.counted for name, c in result.sides["us"].limits.items()}
    assert counted == {"deployed_launchers": 675, "deployed_warheads": 1457, "total_launchers": 800}
    assert counted == official("2020-09-01", "US")
    lims = result.sides["us"].limits
    assert lims["deployed_launchers"].by_system == {
        "minuteman_iii": 397,
        "trident_ii": 230,
        "b2a": 12,
        "b52h": 36,
    }
    assert lims["total_launchers"].by_system == {
        "minuteman_iii": 454,
        "trident_ii": 280,
        "b2a": 20,
        "b52h": 46,
    }
    assert lims["deployed_warheads"].by_system == {
        "minuteman_iii": 397,
        "trident_ii": 1012,
        "b2a": 12,
        "b52h": 36,
    }
    assert lims["total_launchers"].headroom == 0 and result.sides["us"].compliant


def test_aggregates_file_has_the_expected_rows():
    df = history.aggregates()
    assert len(df) == 47
    assert df["as_of"].min().date() == dt.date(2011, 2, 5) and df["as_of"].max().date() == dt.date(2023, 3, 1)
    assert set(df["side"]) == {"US", "RU"}
    assert str(df["deployed_warheads"].dtype) == "Int64"


def test_every_official_row_against_the_limits_in_force_on_its_date():
    fw = load_framework("new-start")
    limits = {name: lim.limit for name, lim in fw.limits.items()}
    binding = fw.binding_from
    assert binding == dt.date(2018, 2, 5)
    table = history.compliance_table()
    by_key = {(r["as_of"].date().isoformat(), r["side"]): r for r in table.to_dict(orient="records")}
    seen = 0
    above_before_binding = 0
    with open(DATA / "newstart_aggregates.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            seen += 1
            got = by_key[(row["as_of"], row["side"])]
            date = dt.date.fromisoformat(row["as_of"])
            statuses = []
            for column, limit in limits.items():
                raw = row[column]
                if raw == "":
                    expected = "no data"
                elif date < binding:
                    expected = "not yet binding"
                    above_before_binding += int(raw) > limit
                else:
                    expected = "compliant" if int(raw) <= limit else "exceeds limit"
                assert got[f"{column}_status"] == expected, (row, column)
                assert got[f"{column}_limit"] == limit
                statuses.append(expected)
            if date < binding:
                assert got["status"] == "not yet binding"
                assert pd.isna(got["compliant"])
            else:
                # Every declaration once the limits bound was within all three of them.
                assert got["status"] == "compliant" and bool(got["compliant"]) is True, row
    assert seen == len(table) == 47
    assert above_before_binding > 0  # e.g. the US 1,800 warheads of 2011: not a violation then


def test_status_rules():
    b, e = dt.date(2018, 2, 5), dt.date(2026, 2, 5)
    assert history.limit_status(None, 700, dt.date(2019, 1, 1), b, e) == "no data"
    assert history.limit_status(900, 700, dt.date(2017, 9, 1), b, e) == "not yet binding"
    assert history.limit_status(700, 700, b, b, e) == "compliant"
    assert history.limit_status(701, 700, b, b, e) == "exceeds limit"
    assert history.limit_status(100, 700, e, b, e) == "expired"
    assert history.row_status(["compliant", "exceeds limit", "no data"]) == "exceeds limit"
    assert history.row_status(["compliant", "no data", "compliant"]) == "compliant (partial data)"
    assert history.row_status(["no data"] * 3) == "no data"


def test_framework_agrees_with_the_bundled_limits_table():
    path = DATA / "newstart_limits.csv"
    assert path.is_file(), f"bundled data missing: {path}"
    fw = load_framework("new-start")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["framework"] == "new-start"]
    assert {r["limit_id"]: int(r["value"]) for r in rows} == {k: v.limit for k, v in fw.limits.items()}
    assert {r["binding_from"] for r in rows} == {fw.binding_from.isoformat()}

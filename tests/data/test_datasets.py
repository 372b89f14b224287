"""Bundled public data: every row sourced, the official New START numbers reproduced."""

from __future__ import annotations

import csv

import pytest

from security_equation.data import DATA_DIR, datasets
from security_equation.io.errors import InputError

CSV_FILES = sorted(p.name for p in DATA_DIR.glob("*.csv"))
# Missing bundled data must fail here, not turn the parametrized tests below into skips.
assert len(CSV_FILES) >= 8, f"bundled CSV files missing from {DATA_DIR}"


def _register() -> set[str]:
    with open(DATA_DIR / "sources.csv", newline="", encoding="utf-8") as fh:
        return {row["source_id"] for row in csv.DictReader(fh)}


# --------------------------------------------------------------------------- sources
@pytest.mark.parametrize("file", CSV_FILES)
def test_every_row_cites_registered_sources(file):
    """Read with the csv module (not the code under test): every row names at least one
    source id, and every id it names is in data/sources.csv."""
    register = _register()
    with open(DATA_DIR / file, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert "source_id" in (reader.fieldnames or []), f"{file} has no source_id column"
        rows = list(reader)
    assert rows, f"{file} is empty"
    problems = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        assert None not in row, f"{file}:{number} has more cells than the header"
        ids = [part.strip() for part in (row["source_id"] or "").split(";") if part.strip()]
        if not ids:
            problems.append(f"{file}:{number}: no source id")
        problems += [f"{file}:{number}: unknown source id '{sid}'" for sid in ids if sid not in register]
    assert not problems, "\n".join(problems)


def test_every_csv_file_is_registered():
    assert sorted(d.file for d in datasets.DATASETS.values()) == CSV_FILES


def test_sources_register_ids_are_unique_and_graded():
    frame = datasets.load("sources")
    assert frame["source_id"].is_unique
    assert frame["grade"].notna().all()


@pytest.mark.parametrize("name", datasets.names())
def test_dataset_loads_with_documented_columns(name):
    frame = datasets.load(name)
    assert len(frame) > 0
    assert list(frame.columns) == list(datasets.get(name).columns)
    assert datasets.unknown_sources(name) == []


def test_load_returns_a_copy():
    frame = datasets.load("newstart-limits")
    frame.loc[0, "value"] = 1
    assert datasets.load("newstart-limits").loc[0, "value"] == 700


def test_empty_cells_are_missing_not_zero():
    rows = datasets.records(datasets.load("newstart-aggregates"))
    row = next(r for r in rows if r["as_of"] == "2012-09-01" and r["side"] == "US")
    assert row["deployed_launchers"] is None and row["deployed_warheads"] == 1722


def test_source_ids_split():
    assert datasets.source_ids("SD1;PODV") == ["SD1", "PODV"]
    assert datasets.source_ids(" P-2013a ; P-2013b ") == ["P-2013a", "P-2013b"]
    assert datasets.source_ids(None) == []


def test_names_resolve_loosely_and_unknown_names_suggest():
    assert datasets.get("missile_defence").name == "missile-defence"
    assert datasets.get("newstart_limits.csv").name == "newstart-limits"
    with pytest.raises(InputError, match="did you mean 'missile-defence'"):
        datasets.get("missle-defense")


# --------------------------------------------------------------------------- New START
def test_newstart_limits():
    limits = datasets.load("newstart-limits").set_index("limit_id")["value"].to_dict()
    assert limits == {"deployed_launchers": 700, "deployed_warheads": 1550, "total_launchers": 800}


def test_newstart_framework_uses_the_same_limits():
    from security_equation.treaty.frameworks import load_framework

    framework = load_framework("new-start")
    table = datasets.load("newstart-limits").set_index("limit_id")
    assert set(framework.limits) == set(table.index)
    for limit_id, limit in framework.limits.items():
        assert limit.limit == table.loc[limit_id, "value"]
        assert set(datasets.source_ids(limit.source)) <= set(
            datasets.source_ids(table.loc[limit_id, "source_id"])
        )


def test_us_2020_per_system_file_reproduces_official_aggregates():
    """SD1, data as of 2020-09-01: 397 + 230 + 12 + 36 = 675 deployed launchers;
    454 + 280 + 20 + 46 = 800 deployed and non-deployed; and with the 48 deployed heavy
    bombers counted as one warhead each, the official 1,457 warheads leave 1,409 reentry
    vehicles on deployed missiles (reference/validation.md)."""
    official = datasets.official_aggregates("2020-09-01", "US")
    assert official == {"deployed_launchers": 675, "deployed_warheads": 1457, "total_launchers": 800}

    derived = datasets.newstart_aggregates_from_systems()
    assert derived["deployed_launchers"] == official["deployed_launchers"] == 675
    assert derived["total_launchers"] == official["total_launchers"] == 800
    assert derived["non_deployed_launchers"] == 800 - 675

    by_system = datasets.load("us-newstart-by-system")
    bombers = by_system[by_system["category"] == "heavy bombers"]
    deployed_bombers = int(bombers["deployed"].sum())
    assert deployed_bombers == 48
    assert official["deployed_warheads"] - deployed_bombers == 1409


def test_per_system_test_items_are_inside_the_totals():
    """Test launchers are part of non-deployed, never added: adding them would break 800."""
    frame = datasets.load("us-newstart-by-system")
    launchers = frame[frame["category"].isin(datasets.LAUNCHER_CATEGORIES)]
    with_tests = int((launchers["deployed"] + launchers["non_deployed"] + launchers["test"]).sum())
    assert with_tests != 800
    assert (launchers["test"] <= launchers["non_deployed"]).all()


def test_aggregates_within_limits_once_binding():
    limits = datasets.load("newstart-limits").set_index("limit_id")["value"]
    frame = datasets.load("newstart-aggregates")
    binding = frame[frame["as_of"] >= "2018-02-05"]
    assert len(binding) >= 10
    for column, limit in limits.items():
        values = binding[column].dropna()
        assert (values <= limit).all(), f"{column} above {limit}"


def test_official_aggregates_unknown_date():
    with pytest.raises(InputError, match="no New START aggregates"):
        datasets.official_aggregates("2022-09-01", "US")


# --------------------------------------------------------------------------- FAS / SIPRI estimates
def _estimate(side: str, year: int, measure: str, estimator: str = "FAS") -> int:
    frame = datasets.load("warhead-estimates")
    rows = frame[
        (frame["side"] == side)
        & (frame["year"] == year)
        & (frame["measure"] == measure)
        & (frame["estimator"] == estimator)
    ]
    assert len(rows) == 1, (side, year, measure, estimator)
    return int(rows["value"].iloc[0])


@pytest.mark.parametrize(("year", "europe"), [(2020, 150), (2022, 100), (2023, 100), (2024, 100)])
def test_us_deployed_is_the_sum_of_its_legs(year, europe):
    legs = sum(_estimate("US", year, m) for m in ("on_icbms", "on_slbms", "at_bomber_bases"))
    assert legs + _estimate("US", year, "non_strategic_europe") == _estimate("US", year, "deployed")
    assert _estimate("US", year, "non_strategic_europe") == europe


@pytest.mark.parametrize("year", [2022, 2024])
def test_russian_deployed_strategic_is_the_sum_of_its_legs(year):
    legs = sum(_estimate("RU", year, m) for m in ("on_icbms", "on_slbms", "at_bomber_bases"))
    assert legs == _estimate("RU", year, "deployed_strategic")


@pytest.mark.parametrize(
    ("side", "year"),
    [
        ("US", 2020),
        ("US", 2022),
        ("US", 2023),
        ("US", 2024),
        ("RU", 2022),
        ("RU", 2023),
        ("RU", 2024),
        ("RU", 2025),
    ],
)
def test_total_inventory_is_stockpile_plus_retired(side, year):
    total = _estimate(side, year, "stockpile") + _estimate(side, year, "retired")
    estimator = "SIPRI" if (side, year) == ("RU", 2025) else "FAS"  # 2025: only SIPRI's total
    assert total == _estimate(side, year, "total_inventory", estimator)


def test_sipri_2024_matches_fas_2024():
    for side in ("US", "RU"):
        assert _estimate(side, 2024, "total_inventory", "SIPRI") == _estimate(side, 2024, "total_inventory")
        assert _estimate(side, 2024, "retired", "SIPRI") == _estimate(side, 2024, "retired")


def test_stockpile_series_matches_snapshots_where_unrevised():
    series = datasets.load("stockpile-series")
    us = series[(series["state"] == "US") & (series["measure"] == "military_stockpile")]
    assert us.set_index("year").loc[2023, "value"] == _estimate("US", 2023, "stockpile") == 3708
    ru = series[(series["state"] == "Russia")].set_index("year")
    assert ru.loc[2022, "value"] == _estimate("RU", 2022, "stockpile") == 4477


# --------------------------------------------------------------------------- delivery systems, defences
def _item(dataset: str, system: str, item: str, as_of: str | None = None) -> int:
    frame = datasets.load(dataset)
    rows = frame[(frame["system"] == system) & (frame["item"] == item)]
    if as_of is not None:
        rows = rows[rows["as_of"] == as_of]
    assert len(rows) == 1, (system, item, as_of)
    return int(rows["value"].iloc[0])


def test_delivery_system_arithmetic():
    assert (
        _item("delivery-systems", "Minuteman III", "W78_Mk12A_missiles") * 3
        + _item("delivery-systems", "Minuteman III", "W87_Mk21_missiles")
        == _item("delivery-systems", "Minuteman III", "warhead_capacity")
        == 800
    )
    assert (
        _item("delivery-systems", "Bomber weapons", "ALCM_W80-1")
        + _item("delivery-systems", "Bomber weapons", "B61-7_B61-11_bombs")
        == _item("delivery-systems", "Bomber weapons", "total_weapons")
        == 850
    )
    assert (
        _item("delivery-systems", "ICBM force", "deployed_warheads")
        + _item("delivery-systems", "ICBM force", "stored_warheads")
        == _item("delivery-systems", "ICBM force", "warhead_capacity", "2022")
        == 1185
    )
    assert (
        _item("delivery-systems", "B-52H", "deployed")
        + _item("delivery-systems", "B-52H", "non_deployed")
        + _item("delivery-systems", "B-52H", "converted_non_nuclear")
        == _item("delivery-systems", "B-52H", "aircraft")
        == 87
    )


def test_us_per_system_counts_agree_with_the_newstart_file():
    by_system = datasets.load("us-newstart-by-system").set_index(["system", "category"])
    assert (
        _item("delivery-systems", "Trident II D5", "deployed_slbms")
        == by_system.loc[("Trident II", "SLBM launchers"), "deployed"]
    )
    assert (
        _item("delivery-systems", "B-2A", "deployed") == by_system.loc[("B-2A", "heavy bombers"), "deployed"]
    )
    assert (
        _item("delivery-systems", "B-52H", "non_deployed")
        == by_system.loc[("B-52H", "heavy bombers"), "non_deployed"]
    )


def test_missile_defence_inventories():
    assert (
        _item("missile-defence", "GMD", "gbis_fort_greely")
        + _item("missile-defence", "GMD", "gbis_vandenberg")
        == _item("missile-defence", "GMD", "gbis_total")
        == 44
    )
    assert (
        _item("missile-defence", "GMD", "gbis_total") + _item("missile-defence", "GMD", "ngi_planned")
        == _item("missile-defence", "GMD", "gbis_proposed")
        == 64
    )
    assert _item("missile-defence", "A-135 (53T6)", "launchers") == 68

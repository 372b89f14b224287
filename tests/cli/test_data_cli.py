"""`seceq data list` and `seceq data show NAME` through the real entry point."""

from __future__ import annotations

import json

from security_equation.data import datasets


def test_data_list_table(seceq):
    code, out, err = seceq("data", "list")
    assert code == 0, err
    for name in datasets.names():
        assert name in out


def test_data_list_json(seceq):
    code, out, _ = seceq("data", "list", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["name"] for r in rows] == datasets.names()
    by_name = {r["name"]: r for r in rows}
    assert by_name["newstart-limits"]["rows"] == 3
    assert "SD2" in by_name["newstart-limits"]["sources"]
    assert "source_id" in by_name["missile-defence"]["columns"]


def test_data_show_json_rows_carry_sources(seceq):
    code, out, _ = seceq("data", "show", "newstart-limits", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [r["value"] for r in data["rows"]] == [700, 1550, 800]
    assert all(r["source_id"] for r in data["rows"])
    assert data["sources"]["SD2"]["organisation_or_author"] == "US State Dept"
    assert data["sources"]["SD2"]["grade"] == "A"


def test_data_show_json_missing_cells_are_null(seceq):
    code, out, _ = seceq("data", "show", "newstart-aggregates", "-f", "json")
    assert code == 0
    rows = json.loads(out)["rows"]
    assert any(r["total_launchers"] is None for r in rows)
    us_2020 = next(r for r in rows if r["as_of"] == "2020-09-01" and r["side"] == "US")
    assert (us_2020["deployed_launchers"], us_2020["deployed_warheads"], us_2020["total_launchers"]) == (
        675,
        1457,
        800,
    )


def test_data_show_table_lists_cited_sources(seceq):
    code, out, _ = seceq("data", "show", "us-newstart-by-system")
    assert code == 0
    assert "Minuteman III" in out and "Sources cited" in out and "SD1" in out


def test_data_show_sources(seceq):
    code, out, _ = seceq("data", "show", "sources", "--format", "json")
    assert code == 0
    ids = [r["source_id"] for r in json.loads(out)["rows"]]
    assert "SD1" in ids and "CRS-HYP" in ids and len(ids) == len(set(ids))
    code, out, _ = seceq("data", "show", "sources")
    assert code == 0 and "SD1" in out


def test_data_show_unknown_name_exits_2_with_suggestion(seceq):
    code, out, err = seceq("data", "show", "missle-defense")
    assert code == 2
    assert out == ""
    assert "no bundled dataset named 'missle-defense'; did you mean 'missile-defence'?" in err
    assert "Traceback" not in err

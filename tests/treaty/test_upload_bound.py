"""Issue 11, item 1: launcher capacity against upload potential.

The upload potential is the launcher capacity bounded by the stored warheads of each
system's types (``upload_warheads_available``) and by the side's reserve
(``Side.reserve``): the figures of the bundled scenarios, with their sources (ATOM,
NN-US23, KUETT, NN-RU22; docs/examples/us-russia-2023.md).
"""

from __future__ import annotations

import json

import pytest

from security_equation.io.errors import InputError
from security_equation.io.loading import load_scenario
from security_equation.treaty import assess
from security_equation.treaty.counting import (
    BOUND_AVAILABLE,
    BOUND_CAPACITY,
    BOUND_RESERVE,
    upload_rows,
    uploaded,
)
from tests.factories import scenario, side, system


def _rows(name: str, side_name: str) -> dict:
    return {r.system: r for r in upload_rows(load_scenario(name).sides[side_name])}


# --------------------------------------------------------------------------- us-russia-2023
def test_us_bounds_per_system():
    """Launcher capacity added / stored warheads / upload potential, per US system."""
    rows = _rows("us-russia-2023", "us")
    got = {
        n: (r.launcher_capacity_added, r.warheads_available, r.added_warheads, r.bound)
        for n, r in rows.items()
    }
    assert got == {
        # ATOM 800 W78/W87 - 400 deployed (NN-US23)
        "minuteman_iii": (508, 400, 400, BOUND_AVAILABLE),
        # ATOM 1,920 W76-1/W76-2/W88 - 971 loaded (SD3; NN-US23)
        "trident_ii": (1269, 949, 949, BOUND_AVAILABLE),
        # ATOM 322 B61 bombs - 75 loaded: the launchers bind (245 < 247)
        "b2a": (245, 247, 245, BOUND_CAPACITY),
        # ATOM 528 ALCM - 225 loaded
        "b52h": (695, 303, 303, BOUND_AVAILABLE),
    }
    assert rows["trident_ii"].bound_source.startswith("ATOM (W76-1 1,489")
    assert rows["b2a"].bound_source == "ACA2 (actual load 16-20 weapons)"  # the capacity's source


def test_russia_bounds_per_system():
    rows = _rows("us-russia-2023", "russia")
    got = {
        n: (r.launcher_capacity_added, r.warheads_available, r.added_warheads, r.bound)
        for n, r in rows.items()
    }
    assert got == {
        # KUETT: 373 stored ICBM warheads, split 193 / 180 by assumption
        "icbm_silo": (988, 193, 193, BOUND_AVAILABLE),
        "icbm_mobile": (480, 180, 180, BOUND_AVAILABLE),
        # KUETT; NN-RU22: 800 SLBM warheads - 576 deployed
        "slbm": (584, 224, 224, BOUND_AVAILABLE),
        # KUETT 580 bomber weapons - ~200 at the bases (NN-RU22) = 380 = the capacity
        "bombers": (380, 380, 380, BOUND_CAPACITY),
    }
    assert "assumption: KUETT gives only the ICBM total" in rows["icbm_silo"].bound_source


def test_side_totals_and_after_upload_counts():
    """US +2,717 → +1,897 and Russia +2,432 → +977; the counts after upload use the
    bounded figure (filled on deployed launchers first)."""
    result = assess(load_scenario("us-russia-2023"))
    us, ru = result.sides["us"], result.sides["russia"]
    assert (us.launcher_capacity_added, us.added_warheads) == (2717, 1897)
    assert (ru.launcher_capacity_added, ru.added_warheads) == (2432, 977)
    assert us.reserve[0] == 1938 and us.reserve[1].startswith("NN-US23")
    assert ru.reserve[0] == 977 and ru.reserve[1].startswith("NN-RU22")
    assert us.added_warheads <= us.reserve[0] and ru.added_warheads <= ru.reserve[0]
    # US: 400 + 400 MM III, 971 + 949 Trident II, bombers count one each (20 + 36).
    assert {k: c.counted for k, c in us.after_upload.items()} == {
        "deployed_launchers": 400 + 240 + 20 + 36,
        "deployed_warheads": 800 + 1920 + 20 + 36,
        "total_launchers": 800,
    }
    # Russia: 501 silo, 720 Yars, 800 SLBM warheads; 58 bombers count one each.
    assert {k: c.counted for k, c in ru.after_upload.items()} == {
        "deployed_launchers": 136 + 180 + 160 + 58,
        "deployed_warheads": 501 + 720 + 800 + 58,
        "total_launchers": 761,
    }
    trident = next(r for r in us.upload if r.system == "trident_ii")
    # 214 tubes filled to 8 (741), the remaining 208 on 26 of the 66 non-deployed tubes.
    assert (trident.added_on_deployed, trident.added_on_non_deployed, trident.redeployed_launchers) == (
        741,
        208,
        26,
    )


def test_json_keeps_the_old_keys_and_adds_the_new(seceq):
    code, out, err = seceq("treaty", "us-russia-2023", "--format", "json")
    assert code == 0, err
    up = json.loads(out)["sides"]["us"]["upload"]
    assert up["added_warheads"] == up["upload_potential"] == 1897
    assert up["launcher_capacity_added"] == 2717
    assert up["reserve"]["warheads"] == 1938 and "NN-US23" in up["reserve"]["source"]
    mm3 = up["by_system"][0]
    assert mm3["system"] == "minuteman_iii"
    assert (mm3["capacity"], mm3["added_warheads"]) == (908, 400)  # old keys
    assert (mm3["launcher_capacity_added"], mm3["warheads_available"], mm3["upload_potential"]) == (
        508,
        400,
        400,
    )
    assert mm3["bound"] == BOUND_AVAILABLE and mm3["bound_source"].startswith("ATOM")


def test_cli_table_labels_both_figures(seceq):
    code, out, err = seceq("treaty", "us-russia-2023")
    assert code == 0, err
    assert "launcher capacity and upload potential" in out
    for label in ("launcher", "+ launcher", "+ upload", "potential", "stored warheads", "bounded by"):
        assert label in out
    assert "side reserve" in out and "1,938" in out
    assert "2,717" in out and "1,897" in out and "2,432" in out
    assert "launcher capacity: every deployed and non-deployed launcher loaded" in " ".join(out.split())
    assert "trident_ii (stored warheads): ATOM" in out  # each bound with its source


# --------------------------------------------------------------------------- post-new-start-upload
def test_post_new_start_upload_loads_no_more_than_exists():
    """The scenario's loadings stay within the sources' warheads: Minuteman III 800 W78/W87
    over 450 missiles, Trident II 1,920, B-52H 528 ALCM, Russian SLBMs 800; only 66 B-2A
    bombs (US) and 37 silo-ICBM warheads (Russia) are left to upload."""
    sc = load_scenario("post-new-start-upload")
    us, ru = sc.sides["us"].systems, sc.sides["russia"].systems
    loaded = {n: round(s.launchers * s.warheads_per_launcher) for n, s in us.items()}
    assert loaded == {"minuteman_iii": 800, "trident_ii": 1920, "b2a": 256, "b52h": 528}
    assert round(ru["slbm"].launchers * ru["slbm"].warheads_per_launcher) == 800
    result = assess(sc)
    assert (result.sides["us"].launcher_capacity_added, result.sides["us"].added_warheads) == (884, 64)
    assert (result.sides["russia"].launcher_capacity_added, result.sides["russia"].added_warheads) == (
        1492,
        37,
    )
    assert result.sides["us"].reserve[0] == 105 and result.sides["russia"].reserve[0] == 37


# --------------------------------------------------------------------------- rules
def test_no_figure_means_launcher_capacity():
    sc = scenario(side({"m": system("icbm_silo", 100, 1, 3, non_deployed_launchers=10)}))
    (row,) = upload_rows(sc.sides["a"])
    assert (row.warheads_available, row.added_warheads, row.bound) == (None, 230, BOUND_CAPACITY)
    after = uploaded(sc.sides["a"]).systems["m"]
    assert (after.launchers, after.non_deployed_launchers, after.warheads_per_launcher) == (110, 0, 3)


def test_the_side_reserve_is_shared_in_proportion():
    """Two systems could take 300 and 100 stored warheads; the side holds 200: 150 and 50."""
    a = side(
        {
            "m": system("icbm_silo", 100, 1, 4, upload_warheads_available=300),
            "s": system("slbm", 50, 2, 4, upload_warheads_available=100),
        }
    )
    a["reserve"] = {"warheads": 200, "sources": {"warheads": "assumption: test"}}
    rows = {r.system: r for r in upload_rows(scenario(a).sides["a"])}
    assert {n: (r.added_warheads, r.bound) for n, r in rows.items()} == {
        "m": (150, BOUND_RESERVE),
        "s": (50, BOUND_RESERVE),
    }
    assert "shared among its systems in proportion" in rows["m"].bound_source


def test_a_negative_figure_is_a_located_error():
    with pytest.raises(InputError) as exc:
        scenario(side({"m": system(upload_warheads_available=-5)}))
    assert "a.systems.m.upload_warheads_available" in str(exc.value)


def test_bad_figure_on_the_command_line_exits_2(seceq):
    code, _, err = seceq("treaty", "--set", "us.reserve.warheads=-1")
    assert code == 2
    assert "us.reserve.warheads" in err

"""The arms race uploads no more than the stored warheads (issue 11, item 1): uploads and
redeployments draw on each system's ``upload_warheads_available`` and the side's
``reserve``; new launchers (``production``) bring their own warheads."""

from __future__ import annotations

import numpy as np

from security_equation.engine.race import action_reaction, build_path
from security_equation.engine.race.forces import deployed_warheads
from security_equation.engine.race.path import BUILD, REDEPLOY, UPLOAD
from security_equation.io.loading import load_scenario
from security_equation.model.compile import compile_scenario
from tests.factories import compile_pair, side, system


def _bounded(available=None, reserve=None, requirement=None):
    fields = {} if available is None else {"upload_warheads_available": available}
    a = side(
        {"silo": system("icbm_silo", 100, 1, 4, cep=100, non_deployed_launchers=20, **fields)},
        requirement=requirement,
    )
    if reserve is not None:
        a["reserve"] = {"warheads": reserve, "sources": {"warheads": "assumption: test"}}
    return compile_pair(a, side({"icbm": system("icbm_silo", 300, 3, 3, cep=100)}))


def test_upload_and_redeploy_stop_at_the_stored_warheads():
    # Unbounded: 100 x 3 upload + 20 x 4 redeploy.
    free = build_path(_bounded().sides[0], production=0)
    assert free.u_max == 300 + 80
    # 50 stored warheads of the system's type: 50 uploaded, nothing left to redeploy.
    path = build_path(_bounded(available=50).sides[0], production=0)
    assert (path.u_max, path.stop) == (50, "stock")  # launcher room left, no warheads
    assert list(path.kind) == [UPLOAD]
    # The side's reserve binds below the system's figure.
    path = build_path(_bounded(available=350, reserve=320).sides[0], production=0)
    assert list(path.kind) == [UPLOAD, REDEPLOY] and list(path.capacity) == [300, 20]
    # Production still builds new launchers after the stored warheads are used up.
    built = build_path(_bounded(available=50).sides[0], production=10)
    assert list(built.kind) == [UPLOAD, BUILD] and built.u_max == 50 + 40


def test_the_race_never_uploads_beyond_the_bound():
    arrays = _bounded(available=120, reserve=100, requirement=10_000)
    start = float(deployed_warheads(arrays.sides[0])[0])
    race = action_reaction(arrays, rounds=5, production=0)
    added = sum(e["sides"]["a"]["added_warheads"] for e in race.path)
    assert added == 100
    assert float(deployed_warheads(race.final.sides[0])[0]) == start + 100
    assert race.final.sides[0].scalars["upload_reserve"][0] == 0
    assert race.final.sides[0].systems["upload_warheads_available"][0, 0] == 20
    assert race.capped == {"a": "stock"}
    assert race.outcome == "stopped by the stock"


def test_bundled_bounds_reach_the_engine():
    """us-russia-2023: the per-system bounds and the reserves as compiled arrays, and the
    build path's uploads and redeployments within them."""
    arrays = compile_scenario(load_scenario("us-russia-2023"))
    for k, (stored, reserve) in enumerate((([400, 949, 247, 303], 1938), ([193, 180, 224, 380], 977))):
        s = arrays.sides[k]
        assert s.systems["upload_warheads_available"][0].tolist() == stored
        assert s.scalars["upload_reserve"][0] == reserve
        path = build_path(s, production=0)
        drawn = np.zeros(len(stored))
        for kind, col, cap in zip(path.kind, path.system, path.capacity, strict=True):
            assert kind in (UPLOAD, REDEPLOY)
            drawn[col] += cap
        assert (drawn <= np.array(stored) + 1e-9).all()
        assert drawn.sum() <= reserve + 1e-9
    # US: 400 + 949 + 245 (B-2A capacity) + 303; Russia: 977, its whole reserve.
    assert build_path(arrays.sides[0], production=0).u_max == 1897
    assert build_path(arrays.sides[1], production=0).u_max == 977

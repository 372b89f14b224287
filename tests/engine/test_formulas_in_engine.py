"""The engine evaluates each formula of docs/model.md through its one documented function.

``tests/engine/test_effects_defence_damage.py`` checks those functions against published
values; this file ties the exchange engine (and the plain-Python reference) to them on
random inputs, so a change to a formula shows in the engine's results:

* the kill matrix is ``effects.terminal_kill_probability``; for one weapon type, n full
  layers on a class kill ``effects.repeated_shots(p, n)`` of it;
* leakage is ``defence.layer_leakers`` / ``expected_leakers`` / ``leak_through_layers``
  (with decoys or shoot–look–shoot, ``decoyed_leakers`` / ``shoot_look_shoot_leakers``),
  the chance all are stopped ``all_stopped_given_leakers``;
* damage is ``damage.damage_fraction`` (or ``tabulated_damage``), costs ``damage.cost``;
* ``r`` and FSI are ``stability.break_even`` and ``stability.first_strike_stability``;

and "tripwire" tests change a documented function or the constant it reads and show the
engine's results follow.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import typing
from pathlib import Path

import numpy as np
import pytest

from security_equation import load_scenario
from security_equation.engine import constants, damage, defence, effects, exchange, reference, stability
from security_equation.model.compile import compile_scenario
from security_equation.schema import scenario as schema_scenario
from tests.factories import compile_pair, side, system

SEED = 20_261_204
SCENARIOS = ("us-russia-2023", "us-missile-defence-expansion", "conventional-prompt-strike")


@functools.cache
def _compiled(name: str):
    return compile_scenario(load_scenario(name))


def random_batch(name: str, batch: int = 200, *, vary_settings: bool = True, seed: int = SEED):
    """``batch`` copies of a bundled scenario, every number scaled by a random factor;
    with ``vary_settings`` the model settings differ between members too."""
    arrays = _compiled(name).repeat(batch)
    rng = np.random.default_rng(seed)
    for s in arrays.sides:
        for field, values in s.systems.items():
            scaled = values * rng.uniform(0.7, 1.3, values.shape)
            if field in ("reliability", "alert_day_to_day", "alert_generated"):
                scaled = np.clip(scaled, 0.0, 1.0)
            values[:] = scaled
        s.layers["interceptors"][:] *= rng.uniform(0.2, 3.0, s.layers["interceptors"].shape)
        k = s.layers["kill_probability"]
        k[:] = np.clip(k * rng.uniform(0.7, 1.3, k.shape), 0.0, 1.0)
        s.scalars["w80"][:] *= rng.uniform(0.7, 1.3, batch)
    if vary_settings:
        st = arrays.settings
        st["lethal_radius_nmi"][:] *= rng.uniform(0.9, 1.1, batch)
        st["lethal_radius_exponent"][:] *= rng.uniform(0.9, 1.1, batch)
        st["cost_exponent"][:] = rng.uniform(0.5, 1.0, batch)
        st["cost_enemy_weight"][:] = rng.uniform(0.1, 0.5, batch)
    return arrays


def with_damage_table(arrays, table=((0.0, 150.0, 500.0, 2000.0), (0.0, 0.35, 0.75, 0.97))):
    """The arrays with a tabulated damage curve on every side."""
    sides = tuple(
        dataclasses.replace(s, structure=dataclasses.replace(s.structure, damage_table=table))
        for s in arrays.sides
    )
    return dataclasses.replace(arrays, sides=sides)


def expected_kill_matrix(attacker, victim, settings, **kwargs):
    """``R · SSPK`` from ``effects`` where no kill probability is given, (batch, na, nv)."""
    a, v = attacker.systems, victim.systems
    p = effects.terminal_kill_probability(
        a["yield_kt"][:, :, None],
        a["cep_m"][:, :, None],
        v["hardness_psi"][:, None, :],
        a["reliability"][:, :, None],
        constant_nmi=kwargs.get("constant_nmi", settings["lethal_radius_nmi"][:, None, None]),
        exponent=settings["lethal_radius_exponent"][:, None, None],
    )
    columns = [constants.CATEGORIES.index(c) for c in victim.structure.categories]
    given = attacker.kill_given[:, :, columns]
    p = np.where(np.isnan(given), p, given)
    p[:, ~attacker.structure.counterforce] = 0.0
    return p


def computed(attacker, victim):
    """Where the kill matrix is ``R · SSPK``: no kill probability given, counterforce weapon."""
    columns = [constants.CATEGORIES.index(c) for c in victim.structure.categories]
    return np.isnan(attacker.kill_given[:, :, columns]) & attacker.structure.counterforce[None, :, None]


# ---------------------------------------------------------------- kill matrix
@pytest.mark.parametrize("vary_settings", [False, True])
@pytest.mark.parametrize("name", SCENARIOS)
def test_kill_matrix_is_terminal_kill_probability(name, vary_settings):
    arrays = random_batch(name, vary_settings=vary_settings)
    for a, v in exchange.ordered_pairs(2):
        attacker, victim = arrays.sides[a], arrays.sides[v]
        got = exchange.kill_matrix(attacker, victim, arrays.settings)
        np.testing.assert_allclose(
            got, expected_kill_matrix(attacker, victim, arrays.settings), rtol=1e-15, atol=0
        )


def test_kill_matrix_is_r_times_the_documented_sspk():
    arrays = random_batch("us-russia-2023", vary_settings=False)
    attacker, victim = arrays.sides
    got = exchange.kill_matrix(attacker, victim, arrays.settings)
    a, v = attacker.systems, victim.systems
    ratio = (
        effects.lethal_radius_m(a["yield_kt"][:, :, None], v["hardness_psi"][:, None, :])
        / a["cep_m"][:, :, None]
    )
    closed_form = a["reliability"][:, :, None] * (1.0 - 0.5 ** (ratio * ratio))
    mask = computed(attacker, victim)
    assert mask.any()
    np.testing.assert_allclose(got[mask], closed_form[mask], rtol=1e-13)


# ---------------------------------------------------------------- repeated shots
@pytest.mark.parametrize("layers", [1, 2, 3, 5])
def test_full_layers_of_one_weapon_type_kill_repeated_shots(layers):
    """n full layers of one weapon type on one class leave survival ``1 − repeated_shots(p, n)``;
    layer k adds ``added_kill(p, k)`` of the class."""
    targets, mirv, batch = 100, 3, 50
    arrays = compile_pair(
        side({"icbm": system("icbm_silo", targets * layers, 1, reliability=1.0)}, per_target=layers),
        side({"icbm": system("icbm_silo", targets, mirv)}),
        batch=batch,
    )
    rng = np.random.default_rng(SEED + layers)
    attacker, victim = arrays.sides
    attacker.systems["cep_m"][:] = rng.uniform(60.0, 600.0, (batch, 1))
    attacker.systems["reliability"][:] = rng.uniform(0.5, 1.0, (batch, 1))
    p = effects.terminal_kill_probability(
        attacker.systems["yield_kt"][:, 0],
        attacker.systems["cep_m"][:, 0],
        victim.systems["hardness_psi"][:, 0],
        attacker.systems["reliability"][:, 0],
    )
    assert np.ptp(p) > 0.1  # random kill probabilities
    curve = exchange.draw_down(attacker, victim, arrays.settings)
    assert curve.spend.shape[1] == layers + 1
    np.testing.assert_allclose(curve.spend[:, -1], targets * layers)
    for k in range(1, layers + 1):
        np.testing.assert_allclose(
            curve.destroyed[:, k], targets * mirv * effects.repeated_shots(p, k), rtol=1e-12
        )
        np.testing.assert_allclose(
            curve.destroyed[:, k] - curve.destroyed[:, k - 1],
            targets * mirv * effects.added_kill(p, k),
            rtol=1e-10,
        )


# ---------------------------------------------------------------- leakage
@pytest.mark.parametrize("name", ["us-russia-2023", "us-missile-defence-expansion"])
def test_value_leakage_is_leak_through_layers(name):
    arrays = random_batch(name)
    rng = np.random.default_rng(SEED)
    checked = 0
    for s in arrays.sides:
        if not s.layers["interceptors"].shape[1]:
            continue
        target = exchange._Target(s)
        ballistic = rng.uniform(0.0, 3000.0, arrays.batch)
        ballistic[::7] = 0.0
        air = rng.uniform(0.0, 500.0, arrays.batch)
        share = s.structure.layer_value_share[None, :]
        expected = defence.leak_through_layers(
            ballistic,
            s.layers["interceptors"] * share,
            s.layers["kill_probability"],
            s.layers["system_reliability"],
            s.layers["shots_per_warhead"],
        )
        expected = expected + air * s.scalars["penetration_probability"]
        np.testing.assert_allclose(target.arriving(ballistic, air), expected, rtol=1e-15, atol=0)
        checked += 1
    assert checked


@pytest.mark.parametrize("cap", [None, 1.0, 2.0, 3.0])
def test_leak_kernel_is_the_documented_even_split(cap):
    """``layer_leakers`` (what the engine runs) against the unfused formula of docs/model.md:
    ``m − r`` warheads get ``⌊N/m⌋`` shots and ``r = N mod m`` get one more, at most ``cap``."""
    rng = np.random.default_rng(SEED)
    m = np.concatenate([rng.uniform(0.0, 50.0, 500), rng.integers(0, 50, 500).astype(float)])
    n = np.concatenate([rng.uniform(0.0, 200.0, 500), rng.integers(0, 200, 500).astype(float)])
    k, t = rng.uniform(0.0, 1.0, m.size), rng.uniform(0.0, 1.0, m.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.floor(n / m)
        high = n - low * m
    if cap is not None:
        high = np.where(low >= cap, 0.0, high)
        low = np.minimum(low, cap)
    stop_low = defence.layer_stop_probability(low, k, t)
    stop_high = defence.layer_stop_probability(low + 1.0, k, t)
    unfused = np.where(m > 0, (m - high) * (1.0 - stop_low) + high * (1.0 - stop_high), 0.0)
    caps = np.inf if cap is None else cap
    np.testing.assert_allclose(defence.expected_leakers(m, n, k, t, caps), unfused, rtol=1e-12, atol=1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        kernel = defence.layer_leakers(np.where(m > 0, m, 0.0), n, 1.0 - k, k, t, cap)
    np.testing.assert_allclose(kernel, unfused, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- damage and cost
@pytest.mark.parametrize("name", SCENARIOS)
def test_target_damage_is_damage_fraction(name):
    arrays = random_batch(name)
    rng = np.random.default_rng(SEED)
    for s in arrays.sides:
        w80 = s.scalars["w80"]
        arriving = rng.uniform(0.0, 3.0, (7, arrays.batch)) * w80
        got = exchange._Target(s).damage(arriving)
        np.testing.assert_array_equal(got, damage.damage_fraction(arriving, w80))
        np.testing.assert_allclose(got, 1.0 - np.exp(-arriving * np.log(5.0) / w80), rtol=1e-12)


def test_target_damage_is_tabulated_damage():
    arrays = with_damage_table(random_batch("us-russia-2023"))
    table = arrays.sides[0].structure.damage_table
    arriving = np.random.default_rng(SEED).uniform(0.0, 2500.0, (5, arrays.batch))
    got = exchange._Target(arrays.sides[0]).damage(arriving)
    np.testing.assert_array_equal(got, damage.tabulated_damage(arriving, *table))


def damage_of(side, arriving):
    """Damage to the side's value (``arriving`` has the batch on its first axis): its
    tabulated curve if it has one, else the default curve."""
    if side.structure.damage_table is not None:
        return damage.tabulated_damage(arriving, *side.structure.damage_table)
    w80 = side.scalars["w80"]
    return damage.damage_fraction(arriving, w80.reshape(w80.shape + (1,) * (np.ndim(arriving) - 1)))


def arriving_on_value(side, ballistic, air):
    """Warheads arriving on the side's value at points (batch, points) on a curve:
    ballistic ones through its value-defending layers, air-breathing ones through air defence."""
    share = side.structure.layer_value_share[None, :]
    leaked = np.stack(
        [
            defence.leak_through_layers(
                np.maximum(ballistic[:, i], 0.0),
                side.layers["interceptors"] * share,
                side.layers["kill_probability"],
                side.layers["system_reliability"],
                side.layers["shots_per_warhead"],
            )
            for i in range(ballistic.shape[1])
        ],
        axis=1,
    )
    return leaked + air * side.scalars["penetration_probability"][:, None]


@pytest.mark.parametrize("table", [False, True])
@pytest.mark.parametrize("name", SCENARIOS)
def test_strike_damage_and_costs_are_the_documented_functions(name, table):
    arrays = random_batch(name)
    if table:
        arrays = with_damage_table(arrays)
    ex = exchange.exchange(arrays)
    st = arrays.settings
    kwargs = {"exponent": st["cost_exponent"], "enemy_weight": st["cost_enemy_weight"]}
    for (a, v), strike in zip(ex.pairs, ex.strikes, strict=True):
        np.testing.assert_array_equal(
            strike.damage_attacker, damage_of(arrays.sides[a], strike.arriving_retaliation)
        )
        np.testing.assert_array_equal(
            strike.damage_victim, damage_of(arrays.sides[v], strike.arriving_first_strike)
        )
        np.testing.assert_array_equal(
            strike.cost_attacker, damage.cost(strike.damage_attacker, strike.damage_victim, **kwargs)
        )
        np.testing.assert_array_equal(
            strike.cost_victim, damage.cost(strike.damage_victim, strike.damage_attacker, **kwargs)
        )
        # The costs the stop rule compares along the curve, from the documented functions alone.
        c = strike.curve
        d_att = damage_of(
            arrays.sides[a], arriving_on_value(arrays.sides[a], c.victim_ballistic, c.victim_air)
        )
        d_vic = damage_of(
            arrays.sides[v], arriving_on_value(arrays.sides[v], c.attacker_ballistic, c.attacker_air)
        )
        c_att, c_vic = exchange.curve_costs(arrays.sides[a], arrays.sides[v], st, c)
        per_point = {name: value[:, None] for name, value in kwargs.items()}
        np.testing.assert_allclose(c_att, damage.cost(d_att, d_vic, **per_point), rtol=1e-15)
        np.testing.assert_allclose(c_vic, damage.cost(d_vic, d_att, **per_point), rtol=1e-15)


# ---------------------------------------------------------------- r and FSI
@pytest.mark.parametrize("name", SCENARIOS)
def test_r_and_fsi_are_break_even_and_first_strike_stability(name):
    ex = exchange.exchange(random_batch(name))
    st = stability.stability(ex)
    for own, adversary in ((0, 1), (1, 0)):
        c1, c2 = ex.strike(own, adversary).cost_attacker, ex.strike(adversary, own).cost_victim
        np.testing.assert_array_equal(st.r[own, adversary], stability.break_even(c1, c2))
        np.testing.assert_allclose(st.r[own, adversary], np.minimum(1.0, c1 / c2), rtol=1e-15)
        # The uncapped ratio behind r (docs/model.md "Stability"), and r is its cap.
        np.testing.assert_array_equal(st.c1_over_c2[own, adversary], stability.cost_ratio(c1, c2))
        np.testing.assert_allclose(st.c1_over_c2[own, adversary], c1 / c2, rtol=1e-15)
        np.testing.assert_array_equal(st.r[own, adversary], np.minimum(1.0, st.c1_over_c2[own, adversary]))
    np.testing.assert_array_equal(st.fsi[0, 1], stability.first_strike_stability(st.r[0, 1], st.r[1, 0]))


@pytest.mark.parametrize("allocation", ["reliable", "greedy"])
def test_reference_agrees_with_the_engine_on_random_inputs(allocation):
    arrays = dataclasses.replace(
        random_batch("us-missile-defence-expansion", batch=20), allocation=allocation
    )
    fsi = stability.stability(exchange.exchange(arrays)).fsi[0, 1]
    ref = np.array([reference.exchange_one(arrays, k)["fsi"] for k in range(arrays.batch)])
    np.testing.assert_allclose(ref, fsi, atol=1e-12)
    if allocation == "greedy":  # the two orders do differ on this batch
        other = dataclasses.replace(arrays, allocation="reliable")
        assert np.abs(stability.stability(exchange.exchange(other)).fsi[0, 1] - fsi).max() > 1e-4
    with pytest.raises(ValueError, match="'reliable' and 'greedy'"):
        reference.exchange_one(dataclasses.replace(arrays, allocation="best"))


# ---------------------------------------------------------------- tripwires
DOCUMENTED = [
    (effects, "lethal_radius_m"),
    (effects, "sspk"),
    (effects, "terminal_kill_probability"),
    (defence, "_even_split"),
    (defence, "layer_leakers"),
    (defence, "expected_leakers"),
    (defence, "leak_through_layers"),
    (defence, "objects_per_warhead"),
    (defence, "all_stopped_given_leakers"),
    (damage, "damage_fraction"),
    (damage, "cost"),
    (damage, "cost_pair"),
    (stability, "cost_ratio"),
    (stability, "break_even"),
    (stability, "first_strike_stability"),
]


def _spy(monkeypatch, module, name, calls):
    original = getattr(module, name)

    @functools.wraps(original)
    def spy(*args, **kwargs):
        calls[name] = calls.get(name, 0) + 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)


def test_engine_and_reference_call_every_documented_function(monkeypatch):
    calls: dict[str, int] = {}
    for module, name in DOCUMENTED:
        _spy(monkeypatch, module, name, calls)
    arrays = _compiled("us-missile-defence-expansion")
    stability.stability(exchange.exchange(arrays))
    assert set(calls) == {name for _, name in DOCUMENTED}
    calls.clear()
    reference.exchange_one(arrays)
    assert set(calls) >= {
        "lethal_radius_m",
        "sspk",
        "terminal_kill_probability",
        "layer_leakers",
        "expected_leakers",
        "objects_per_warhead",
        "all_stopped_given_leakers",
        "damage_fraction",
        "cost_pair",
        "break_even",
        "first_strike_stability",
    }


def with_decoys_and_look(arrays, seed: int = SEED):
    """The arrays with random decoys, discrimination and firing on every layer."""
    rng = np.random.default_rng(seed)
    for s in arrays.sides:
        shape = s.layers["interceptors"].shape
        s.layers["decoys_per_warhead"][:] = rng.uniform(0.0, 4.0, shape)
        s.layers["discrimination_probability"][:] = rng.uniform(0.0, 1.0, shape)
        s.layers["shoot_look_shoot"][:] = rng.integers(0, 2, shape)
    return arrays


LAYER_OPTIONS = ("decoyed_leakers", "shoot_look_shoot_leakers")


def test_the_engine_calls_the_decoy_and_firing_formulas_only_where_a_layer_uses_them(monkeypatch):
    calls: dict[str, int] = {}
    for name in LAYER_OPTIONS:
        _spy(monkeypatch, defence, name, calls)
    arrays = _compiled("us-missile-defence-expansion").copy()
    exchange.exchange(arrays)
    reference.exchange_one(arrays)
    assert calls == {}  # the defaults keep the plain kernel
    batch = with_decoys_and_look(arrays.repeat(4))
    exchange.exchange(batch)
    assert set(calls) == set(LAYER_OPTIONS)
    calls.clear()
    reference.exchange_one(batch)
    assert set(calls) == set(LAYER_OPTIONS)


def test_value_leakage_with_decoys_and_look_is_leak_through_layers():
    arrays = with_decoys_and_look(random_batch("us-missile-defence-expansion"))
    rng = np.random.default_rng(SEED)
    for s in arrays.sides:
        ballistic = rng.uniform(0.0, 3000.0, arrays.batch)
        ballistic[::7] = 0.0
        share = s.structure.layer_value_share[None, :]
        expected = defence.leak_through_layers(
            ballistic,
            s.layers["interceptors"] * share,
            s.layers["kill_probability"],
            s.layers["system_reliability"],
            s.layers["shots_per_warhead"],
            s.layers["decoys_per_warhead"],
            s.layers["discrimination_probability"],
            s.layers["shoot_look_shoot"] > 0.5,
        )
        np.testing.assert_allclose(exchange._Target(s).leaked(ballistic), expected, rtol=1e-13, atol=1e-12)


def test_reference_agrees_with_the_engine_with_decoys_and_look():
    arrays = with_decoys_and_look(random_batch("us-missile-defence-expansion", batch=20))
    ex = exchange.exchange(arrays)
    fsi = stability.stability(ex).fsi[0, 1]
    for k in range(arrays.batch):
        ref = reference.exchange_one(arrays, k)
        assert ref["fsi"] == pytest.approx(fsi[k], abs=1e-9)
        for direction in range(2):
            for field in ("all_stopped_retaliation", "all_stopped_first_strike", "arriving_retaliation"):
                assert ref["strikes"][direction][field] == pytest.approx(
                    getattr(ex.strikes[direction], field)[k], rel=1e-7, abs=1e-9
                )


def test_layer_stop_probability_goes_through_the_leak_kernel(monkeypatch):
    calls: dict[str, int] = {}
    _spy(monkeypatch, defence, "layer_leakers", calls)
    _spy(monkeypatch, defence, "_even_split", calls)
    defence.layer_stop_probability(2, 0.9, 0.9)
    defence.all_stopped_probability(44, 10, 0.25)
    assert calls == {"layer_leakers": 1, "_even_split": 2}


def test_a_changed_sspk_changes_the_engine_and_the_reference(monkeypatch):
    """The mutation the issue describes: change the formula in ``effects.sspk`` and the
    kill matrix, us-russia-2023's FSI and the reference's FSI all move with it."""
    arrays = _compiled("us-russia-2023")
    attacker, victim = arrays.sides
    before_p = exchange.kill_matrix(attacker, victim, arrays.settings)
    before_fsi = stability.stability(exchange.exchange(arrays)).fsi[0, 1][0]
    before_ref = reference.exchange_one(arrays)["fsi"]
    original = effects.sspk

    def weaker_sspk(*args, out=None, **kwargs):
        p = original(*args, out=out, **kwargs)
        return p * 0.8 if out is None else np.multiply(p, 0.8, out=p)

    monkeypatch.setattr(effects, "sspk", weaker_sspk)
    after_p = exchange.kill_matrix(attacker, victim, arrays.settings)
    mask = computed(attacker, victim) & (before_p > 0)
    assert mask.any()
    np.testing.assert_allclose(after_p[mask], 0.8 * before_p[mask], rtol=1e-15)
    after_fsi = stability.stability(exchange.exchange(arrays)).fsi[0, 1][0]
    after_ref = reference.exchange_one(arrays)["fsi"]
    assert after_fsi != pytest.approx(before_fsi, abs=1e-6)
    assert after_ref != pytest.approx(before_ref, abs=1e-6)
    assert after_ref == pytest.approx(after_fsi, abs=1e-9)


def test_the_constants_the_formulas_read_reach_the_engine(monkeypatch):
    arrays = random_batch("us-russia-2023", batch=20, vary_settings=False)
    attacker, victim = arrays.sides
    before = exchange.kill_matrix(attacker, victim, arrays.settings)
    before_fsi = stability.stability(exchange.exchange(arrays)).fsi[0, 1]
    monkeypatch.setattr(constants, "METRES_PER_NMI", constants.METRES_PER_NMI * 1.1)
    monkeypatch.setattr(damage, "LN5", damage.LN5 * 1.2)  # w80 destroys more than 80 %
    after = exchange.kill_matrix(attacker, victim, arrays.settings)
    np.testing.assert_allclose(after, expected_kill_matrix(attacker, victim, arrays.settings), rtol=1e-15)
    assert not np.allclose(after, before)
    target = exchange._Target(victim)
    w80 = victim.scalars["w80"]
    np.testing.assert_allclose(target.damage(w80), 1.0 - 0.2**1.2, rtol=1e-14)
    after_fsi = stability.stability(exchange.exchange(arrays)).fsi[0, 1]
    assert np.abs(after_fsi - before_fsi).max() > 1e-3


# ---------------------------------------------------------------- the engine stands alone
def test_engine_imports_nothing_from_pydantic_or_the_schema():
    engine = Path(exchange.__file__).parent
    for path in engine.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for imported in names:
                assert not imported.startswith(("pydantic", "security_equation.schema")), (path, imported)


def test_schema_categories_are_the_engines():
    assert schema_scenario.CATEGORIES is constants.CATEGORIES
    assert typing.get_args(schema_scenario.Category) == constants.CATEGORIES

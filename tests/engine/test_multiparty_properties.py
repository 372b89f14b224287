"""Properties of exchanges between three and more powers (docs/model.md, "Three and more
powers"; ``engine/thirdparty.py``; issue 13), over random scenarios drawn by hypothesis
with fixed seeds (``derandomize``).

Sign convention (``engine/stability.py``): ``r_X = min(1, C1_X / C2_X)`` is X's
break-even probability of enemy attack; the *lower* ``r_X``, the more willing X is to
strike first. "Never more willing" is "``r`` never falls".

What is guaranteed, and what is not (each stated where it is tested):

1. A side without nuclear warheads changes nothing for the others, in every reserve mode,
   with and without commitments: it adds no reserve requirement (``n = 0`` against a side
   with no nuclear warheads) and no allied salvo.
2. A committed ally ``k → B`` (k not committed to A) never lowers A's cost of striking B,
   ``C1_A``; where B keeps a fixed reserve it leaves ``C2_A`` unchanged, so ``r_A`` never
   falls. With an endogenous reserve on B it can: B no longer holds a reserve against its
   new ally k, so B's own first strike on A grows (``C2_A`` rises, ``r_A`` falls; 33 of
   300 random all-endogenous cases). Where k already defends A, k → B makes k an ally of
   both, which stays out, so r_A can fall with fixed reserves too.
3. A larger requirement for the attacker (endogenous reserve) never lowers its reserve,
   never leaves it more weapons of any system and, with ``allocation: best``, never lowers
   ``C1`` (with the default it can: CAP_CASE); its optimal counterforce spend *can* rise
   (11 and 21 of 300 random cases on two samples).
4. A coalition's pooled first strike costs it no more than its best member's alone (both
   on the coalition's combined value) with ``allocation: best``; with the default
   allocation it can cost more (2–3 of 200 random cases).

The xfail(strict) tests hold the issue's properties where they fail, each with a shrunk
case; ``-m slow`` runs the guaranteed ones on many more examples.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from security_equation.engine import coalitions
from security_equation.engine.exchange import exchange, third_party_contexts
from security_equation.engine.stability import stability
from security_equation.model.compile import compile_scenario
from tests.engine.test_stability_properties import defences, sides, unit
from tests.factories import powers, side, system, unarmed_side

PROPERTY = settings(
    max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
#: The ``-m slow`` runs: many more examples of the same properties.
MANY = settings(PROPERTY, max_examples=400)
EXACT = 1e-12
TOL = 1e-9
NAMES = ("a", "b", "c", "d", "e")


# ----------------------------------------------------------------- scenario generator
@st.composite
def worlds(draw, count=(3, 4), reserve="fixed", commitments=True):
    """A mapping of ``count`` (a range) random side mappings by name (requirement 10–300
    arriving warheads each; posture.reserve ``fixed``, ``endogenous`` or, ``mixed``, drawn
    per side) with, if ``commitments``, random commitments that never form a cycle: side i
    may commit to side j only where j comes before it."""
    n = draw(st.integers(*count))
    out = {}
    for i, name in enumerate(NAMES[:n]):
        mapping = draw(sides())
        mode = draw(st.sampled_from(["fixed", "endogenous"])) if reserve == "mixed" else reserve
        mapping["posture"]["reserve"] = mode
        mapping["requirement"] = {"arriving_warheads": draw(unit(10.0, 300.0))}
        if commitments:
            mapping["commits_to"] = [NAMES[j] for j in range(i) if draw(st.integers(0, 2)) == 0]
        out[name] = mapping
    return out


def numbers(arrays, names, pairs=None):
    """r, C1, C2 and the uncapped ratio of every ordered pair, FSI of every unordered pair,
    and the attacker's reserve in each strike where it is reported (``None`` on the plain
    path of fixed reserves and no commitments), keyed by side names."""
    index = {name: i for i, name in enumerate(arrays.side_names)}
    ordered = tuple((index[x], index[y]) for x in names for y in names if x != y) if pairs is None else pairs
    ex = exchange(arrays, ordered)
    s = stability(ex)
    out = {}
    for i, j in ordered:
        key = (arrays.side_names[i], arrays.side_names[j])
        if ex.strike(i, j).attacker_reserve is not None:
            out[("reserve", *key)] = ex.strike(i, j).attacker_reserve
        if (i, j) in s.r:
            for name in ("r", "c1", "c2", "c1_over_c2"):
                out[(name, *key)] = getattr(s, name)[i, j]
            if i < j:
                out[("fsi", *key)] = s.fsi[i, j]
    return out


# ----------------------------------------------------------------- 1. an unarmed side
def _unarmed_side_changes_nothing(data, reserve, commitments):
    world = data.draw(worlds(count=(2, 3), reserve=reserve, commitments=commitments), label="world")
    names = tuple(world)
    z = unarmed_side(
        conventional=data.draw(st.booleans(), label="conventional"),
        w80=data.draw(unit(50.0, 1000.0)),
        defences=data.draw(defences(), label="defences"),
        reserve=data.draw(st.sampled_from(["fixed", "endogenous"])),
        requirement=data.draw(unit(10.0, 300.0)),
    )
    # The newcomer may commit to an existing side or be protected by one (not both: that
    # could close an ally cycle through the existing commitments, which the schema refuses).
    grown = dict(world)
    if commitments:
        other = data.draw(st.sampled_from(names), label="other")
        if data.draw(st.booleans(), label="z protects"):
            z["commits_to"] = [other]
        else:
            grown[other] = {**world[other], "commits_to": [*world[other].get("commits_to", []), "z"]}
    at = data.draw(st.integers(0, len(names)), label="position")
    order = [*names[:at], "z", *names[at:]]
    grown = {name: (z if name == "z" else grown[name]) for name in order}

    before = numbers(compile_scenario(powers(world)), names)
    after = numbers(compile_scenario(powers(grown)), names)
    assert {k for k in before if k[0] != "reserve"} == {k for k in after if k[0] != "reserve"}
    if reserve == "endogenous":
        assert any(k[0] == "reserve" for k in after)
    for key, value in before.items():
        if key in after:
            np.testing.assert_allclose(after[key], value, rtol=0, atol=EXACT, err_msg=str(key))


@pytest.mark.parametrize(
    ("reserve", "commitments"), [("fixed", False), ("endogenous", True), ("mixed", True)]
)
@PROPERTY
@given(data=st.data())
def test_a_side_without_nuclear_weapons_changes_nothing(reserve, commitments, data):
    """Adding a side with no nuclear warheads (a system of no launchers, or prompt
    conventional missiles only), anywhere in the order, committed to an existing side or
    protected by one: every existing ordered pair's r, C1, C2, C1/C2 and reserve and every
    pair's FSI are the same to 1e-12. (``-m slow``: every mode with and without
    commitments.)"""
    _unarmed_side_changes_nothing(data, reserve, commitments)


@pytest.mark.slow
@pytest.mark.parametrize("commitments", [False, True])
@pytest.mark.parametrize("reserve", ["fixed", "endogenous", "mixed"])
@MANY
@given(data=st.data())
def test_a_side_without_nuclear_weapons_changes_nothing_many(reserve, commitments, data):
    _unarmed_side_changes_nothing(data, reserve, commitments)


@PROPERTY
@given(a=sides(), b=sides(), required=unit(10.0, 300.0), conventional=st.booleans())
def test_no_endogenous_reserve_is_held_against_a_side_without_nuclear_warheads(a, b, required, conventional):
    """Two armed sides with endogenous reserves and a positive requirement, and a third
    side with no nuclear warheads: it is the only other adversary of each, and neither keeps
    anything back against it (attacker's reserve and victim's reserve exactly 0). Control:
    one nuclear warhead on the third side makes both reserves positive."""
    for mapping in (a, b):
        mapping["posture"]["reserve"] = "endogenous"
        mapping["requirement"] = {"arriving_warheads": required}
    z = unarmed_side(conventional=conventional)
    arrays = compile_scenario(powers({"a": a, "b": b, "z": z}))
    for pair in ((0, 1), (1, 0)):
        context = third_party_contexts(arrays, (pair,))[pair]
        np.testing.assert_array_equal(context.attacker_reserve, 0.0)
        np.testing.assert_array_equal(context.victim_reserve, 0.0)
        np.testing.assert_array_equal(exchange(arrays, (pair,)).strikes[0].attacker_reserve, 0.0)
    armed = unarmed_side()
    armed["systems"]["none"]["launchers"] = 1
    arrays = compile_scenario(powers({"a": a, "b": b, "z": armed}))
    for pair in ((0, 1), (1, 0)):
        context = third_party_contexts(arrays, (pair,))[pair]
        assert np.all(context.attacker_reserve > 0.0)
        assert np.all(context.victim_reserve > 0.0)


# ----------------------------------------------------------------- 2. a committed ally
@st.composite
def ally_cases(draw, reserve, count=(3, 4), commitments=True):
    """``(sides, (a, b, k), allocation)``: a world, an attacker a, the side b it strikes
    and a third side k that will commit to defend b (b comes before k, so the commitment
    never closes a cycle)."""
    world = draw(worlds(count=count, reserve=reserve, commitments=commitments))
    names = tuple(world)
    b = draw(st.integers(0, len(names) - 2))
    k = draw(st.integers(b + 1, len(names) - 1))
    a = draw(st.sampled_from([i for i in range(len(names)) if i not in (b, k)]))
    return world, (names[a], names[b], names[k]), draw(st.sampled_from(["reliable", "best"]))


def ally_worlds(case, protected_reserve=None):
    """The case compiled without and with ``k → b``. In the first, k is committed neither
    to a nor to b (so k → b adds a defender of b that is not also a's). With
    ``protected_reserve`` b's posture.reserve is set to it in both."""
    world, (a, b, k), allocation = case
    world = dict(world)
    world[k] = {**world[k], "commits_to": [x for x in world[k].get("commits_to", []) if x not in (a, b)]}
    if protected_reserve is not None:
        world[b] = {**world[b], "posture": {**world[b]["posture"], "reserve": protected_reserve}}
    allied = {**world, k: {**world[k], "commits_to": [*world[k]["commits_to"], b]}}
    return (
        compile_scenario(powers(world, allocation=allocation)),
        compile_scenario(powers(allied, allocation=allocation)),
    )


def attack_and_reply(arrays, a, b):
    """``numbers`` of a striking b and b striking a."""
    i, j = arrays.side_names.index(a), arrays.side_names.index(b)
    return numbers(arrays, (a, b), pairs=((i, j), (j, i)))


def _ssbn_force(
    boats: int, mirv: int, *, silos: int = 10, silo_mirv: int = 1, reliability: float = 1.0
) -> dict:
    """Silos and boats that are all in port (hand-built cases below)."""
    return {
        "silo": system("icbm_silo", silos, silo_mirv, cep=50, yield_kt=100, reliability=reliability),
        "ssbn": system("slbm", boats, mirv, cep=80, yield_kt=50, reliability=reliability, alert=(0.0, 0.0)),
    }


#: Shrunk by hypothesis, then scaled by hand: a large b (10 silos, 30 boats of 8 in port:
#: 226 usable warheads) that must deliver 100 warheads on each other adversary (none has
#: defences: 100 warheads), a one-silo, one-boat k and a small a. Every side endogenous.
ENDOGENOUS_ALLY_CASE = (
    {
        "b": side(_ssbn_force(30, 8), 50, per_target=1, reserve="endogenous", requirement=100),
        "k": side(
            _ssbn_force(1, 1, silos=1, reliability=0.75),
            50,
            per_target=1,
            reserve="endogenous",
            requirement=10,
        ),
        "a": side(_ssbn_force(10, 1), 50, per_target=1, reserve="endogenous", requirement=10),
    },
    ("a", "b", "k"),
    "reliable",
)


def _ally_never_tempts_the_adversary(case, reserve):
    """k → b: C1_a does not fall, C2_a and C1_b are unchanged, so r_a does not fall
    (b keeps a fixed reserve)."""
    a, b, _ = case[1]
    without, allied = ally_worlds(case, protected_reserve="fixed" if reserve == "mixed" else None)
    before, after = attack_and_reply(without, a, b), attack_and_reply(allied, a, b)
    assert after[("c1", a, b)][0] >= before[("c1", a, b)][0] - TOL
    # b's first strike on a is untouched: k is not committed to a, b keeps a fixed reserve
    np.testing.assert_array_equal(after[("c2", a, b)], before[("c2", a, b)])
    np.testing.assert_array_equal(after[("c1", b, a)], before[("c1", b, a)])
    assert after[("r", a, b)][0] >= before[("r", a, b)][0] - TOL
    assert after[("c1_over_c2", a, b)][0] >= before[("c1_over_c2", a, b)][0] - TOL


@pytest.mark.parametrize("reserve", ["fixed", "mixed"])
@PROPERTY
@given(data=st.data())
def test_a_committed_ally_never_makes_the_adversary_more_willing_to_strike(reserve, data):
    """k commits to defend b (k not committed to a): a's break-even probability against b,
    ``r_a = min(1, C1_a/C2_a)``, never falls (a is never more willing to strike b), nor
    does the uncapped ratio behind it. That is the right quantity: a's willingness to strike
    b is ``r_a`` (R-3765), and the commitment acts on it only through a's cost of striking
    first, ``C1_a``, which cannot fall (k's salvo joins b's retaliation at every point of
    a's draw-down curve). ``C2_a`` and ``C1_b`` (b striking a) are unchanged to the bit.

    Guaranteed where b keeps a fixed reserve (``mixed``: every other side may be
    endogenous); where b is endogenous see the next tests. (b's own r may move either
    way: a's best strike on b changes.)"""
    _ally_never_tempts_the_adversary(data.draw(ally_cases(reserve), label="case"), reserve)


@pytest.mark.slow
@pytest.mark.parametrize("reserve", ["fixed", "mixed"])
@MANY
@given(data=st.data())
def test_a_committed_ally_never_makes_the_adversary_more_willing_to_strike_many(reserve, data):
    _ally_never_tempts_the_adversary(data.draw(ally_cases(reserve), label="case"), reserve)


@PROPERTY
@given(case=ally_cases("endogenous"))
@example(case=ENDOGENOUS_ALLY_CASE)
def test_a_committed_ally_never_makes_striking_the_protected_side_cheaper(case):
    """Every side endogenous: a's cost of striking b first, ``C1_a``, never falls when k
    commits to b (b keeps no reserve against its new ally and retaliates with more; k adds
    its salvo)."""
    a, b, _ = case[1]
    without, allied = ally_worlds(case)
    before, after = attack_and_reply(without, a, b), attack_and_reply(allied, a, b)
    assert after[("c1", a, b)][0] >= before[("c1", a, b)][0] - TOL


@pytest.mark.xfail(
    strict=True,
    reason="With an endogenous reserve on the protected side b, k → b can lower r_a: b no"
    " longer holds a reserve against its new ally, so b's own first strike on a grows and a's"
    " cost when struck first (C2_a) rises faster than C1_a (ENDOGENOUS_ALLY_CASE: r_a 0.926 →"
    " 0.918; measured in 33 of 300 random all-endogenous cases, worst fall 0.063;"
    " docs/model.md, 'Three and more powers').",
)
@PROPERTY
@given(case=ally_cases("endogenous"))
@example(case=ENDOGENOUS_ALLY_CASE)
def test_with_endogenous_reserves_a_committed_ally_never_makes_the_adversary_more_willing(case):
    """The issue's property with every side endogenous: it does not hold."""
    a, b, _ = case[1]
    without, allied = ally_worlds(case)
    before, after = attack_and_reply(without, a, b), attack_and_reply(allied, a, b)
    assert after[("r", a, b)][0] >= before[("r", a, b)][0] - TOL


def test_the_protected_side_strikes_harder_once_it_keeps_no_reserve_against_its_ally():
    """The mechanism on ENDOGENOUS_ALLY_CASE. Without the commitment b keeps 100 warheads
    back against k when it strikes a; once k defends b, k is no adversary of b, b keeps
    nothing back and strikes a with 100 warheads more (126 → 226; 116 → 216 arrive). Its
    retaliation on a grows by those 100 too, plus k's 1.4 reliable warheads, but a's damage
    when it strikes first is already near saturation (150 arriving on a w80 of 50): C1_a
    rises by 0.006, C2_a by 0.017, and r_a falls from 0.926 to 0.918. The commitment makes
    a *more* willing to strike b."""
    without, allied = ally_worlds(ENDOGENOUS_ALLY_CASE)
    b_on_a, a_on_b = [], []
    for arrays in (without, allied):  # sides b, k, a
        ex = exchange(arrays, ((0, 2), (2, 0)))
        b_on_a.append(ex.strike(0, 2))
        a_on_b.append(ex.strike(2, 0))
    np.testing.assert_allclose(b_on_a[0].attacker_reserve, 100.0, rtol=1e-9)
    np.testing.assert_array_equal(b_on_a[1].attacker_reserve, 0.0)
    np.testing.assert_allclose(b_on_a[0].attacker_weapons, 126.0, rtol=1e-9)
    np.testing.assert_allclose(b_on_a[1].attacker_weapons, 226.0, rtol=1e-9)
    np.testing.assert_allclose(a_on_b[1].allied_retaliating, 0.75 * (1 + 0.9), rtol=1e-9)
    np.testing.assert_allclose(
        a_on_b[1].arriving_retaliation - a_on_b[0].arriving_retaliation, 100.0 + 1.425, rtol=1e-9
    )
    before, after = (attack_and_reply(x, "a", "b") for x in (without, allied))
    assert before[("r", "a", "b")][0] == pytest.approx(0.9262, abs=1e-4)
    assert after[("r", "a", "b")][0] == pytest.approx(0.9184, abs=1e-4)
    c1_rise = after[("c1", "a", "b")][0] - before[("c1", "a", "b")][0]
    c2_rise = after[("c2", "a", "b")][0] - before[("c2", "a", "b")][0]
    assert 0 < c1_rise < 0.01 < c2_rise  # C1_a rises, as guaranteed; C2_a more
    # With b's reserve fixed (any holdback share) the same commitment cannot lower r_a.
    fixed = ally_worlds(ENDOGENOUS_ALLY_CASE, protected_reserve="fixed")
    before, after = (attack_and_reply(x, "a", "b") for x in fixed)
    assert after[("r", "a", "b")][0] >= before[("r", "a", "b")][0]


def test_an_ally_of_both_sides_stays_out_so_a_second_commitment_withdraws_the_first():
    """Outside the property's condition (k not committed to a): k already defends a;
    committing k to b as well makes k an ally of both, and an ally of both stays out of
    their exchange (``thirdparty.defenders``). b's first strike on a no longer faces k's
    salvo, so a's cost when struck first changes (either way, through b's stop rule; here it
    rises) and r_a falls even with fixed reserves (47 of 123 random cases measured, worst
    0.15). C1_a does not change: k never defended b against a. Shrunk by hypothesis."""
    world = {
        "a": side(_ssbn_force(10, 1, silo_mirv=2), 50, per_target=1),
        "b": side(_ssbn_force(10, 1), 50, per_target=1),
        "k": side(_ssbn_force(10, 1), 50, per_target=1, commits_to=["a"]),
    }
    both = {**world, "k": {**world["k"], "commits_to": ["a", "b"]}}
    before, after = (attack_and_reply(compile_scenario(powers(w)), "a", "b") for w in (world, both))
    np.testing.assert_array_equal(after[("c1", "a", "b")], before[("c1", "a", "b")])
    assert after[("c2", "a", "b")][0] > before[("c2", "a", "b")][0] + 0.01
    assert after[("r", "a", "b")][0] < before[("r", "a", "b")][0] - 0.1


# ----------------------------------------------------------------- 3. a larger requirement
#: The attacker's requirement (arriving warheads on each other adversary), one batch member
#: per step.
LADDER = (0.0, 25.0, 100.0, 300.0, 1000.0, 5000.0)


@st.composite
def requirement_cases(draw):
    """``(sides, (a, b), allocation)``: a world whose attacker a keeps an endogenous
    reserve (the others: either), and its victim b."""
    world = draw(worlds(reserve="mixed"))
    names = tuple(world)
    a = draw(st.sampled_from(names))
    b = draw(st.sampled_from([x for x in names if x != a]))
    world[a] = {**world[a], "posture": {**world[a]["posture"], "reserve": "endogenous"}}
    return world, (a, b), draw(st.sampled_from(["reliable", "best"]))


def requirement_ladder(case):
    """a's strike on b with a's requirement at each step of LADDER: ``(context, strike)``."""
    world, (a, b), allocation = case
    arrays = compile_scenario(powers(world, allocation=allocation), batch=len(LADDER))
    pair = (arrays.side_names.index(a), arrays.side_names.index(b))
    arrays.sides[pair[0]].scalars["required_arriving_warheads"][:] = LADDER
    return arrays, third_party_contexts(arrays, (pair,))[pair], exchange(arrays, (pair,)).strikes[0]


#: Shrunk by hypothesis: a (10 silos of 4 warheads, reliability 0.75; 10 single-warhead
#: boats, reliability 1, half at sea) strikes b; b and c alike (10 single-warhead silos,
#: 10 single-warhead boats all in port). Every side endogenous.
REQUIREMENT_CASE = (
    {
        "a": side(
            {
                "silo": system("icbm_silo", 10, 4, cep=50, yield_kt=100, reliability=0.75),
                "ssbn": system("slbm", 10, 1, cep=80, yield_kt=50, reliability=1.0, alert=(0.5, 1.0)),
            },
            50,
            per_target=1,
            reserve="endogenous",
            requirement=10,
        ),
        "b": side(_ssbn_force(10, 1), 50, per_target=1, reserve="endogenous", requirement=10),
        "c": side(_ssbn_force(10, 1), 50, per_target=1, reserve="endogenous", requirement=10),
    },
    ("a", "b"),
    "reliable",
)


def _a_larger_requirement_never_frees_weapons(case):
    arrays, context, strike = requirement_ladder(case)
    assert np.all(np.diff(context.attacker_reserve) >= -TOL)
    np.testing.assert_array_equal(strike.attacker_reserve, context.attacker_reserve)
    assert np.all(np.diff(context.weapons, axis=0) <= TOL)  # every system
    assert np.all(np.diff(strike.attacker_weapons) <= TOL)
    if case[2] == "best":  # fewer weapons: striking costs no less (see CAP_CASE for reliable)
        assert np.all(np.diff(strike.cost_attacker) >= -TOL)
    # the strike never spends more prompt warheads than the reserve leaves
    attacker = arrays.sides[arrays.side_names.index(case[1][0])]
    prompt = (context.weapons * attacker.structure.counterforce).sum(axis=1)
    assert np.all(strike.counterforce_spent <= prompt + 1e-6)
    # the requirement bites: against an armed adversary other than b, something is held
    others = [i for i in range(len(arrays.sides)) if arrays.side_names[i] not in case[1]]
    name = case[1][0]
    if any(
        arrays.side_names[i] not in case[0][name].get("commits_to", [])
        and name not in case[0][arrays.side_names[i]].get("commits_to", [])
        for i in others
    ):
        assert context.attacker_reserve[0] == 0.0 and context.attacker_reserve[-1] > 0.0


@PROPERTY
@given(case=requirement_cases())
@example(case=REQUIREMENT_CASE)
def test_a_larger_third_party_requirement_never_frees_weapons_for_the_strike(case):
    """The attacker's requirement raised 0 → 25 → 100 → 300 → 1,000 → 5,000 arriving
    warheads (endogenous reserve): its reserve never falls, the warheads left for the
    strike never rise in any system, and the counterforce strike never spends more prompt
    warheads than are left (docs/model.md, 'Three and more powers': the guaranteed forms).
    With ``allocation: best`` its cost of striking first never falls either; with the
    default it can (CAP_CASE)."""
    _a_larger_requirement_never_frees_weapons(case)


@pytest.mark.slow
@MANY
@given(case=requirement_cases())
def test_a_larger_third_party_requirement_never_frees_weapons_for_the_strike_many(case):
    _a_larger_requirement_never_frees_weapons(case)


@pytest.mark.xfail(
    strict=True,
    reason="A larger requirement can raise the attacker's optimal counterforce spend"
    " (measured: 11 and 21 of 300 random cases on two samples, 0.7-2.6 % of steps, up to"
    " 142 warheads). Mechanisms: (1) the reserve takes the most survivable warheads first,"
    " which may be the attacker's most lethal on some targets, so the same kill takes more of"
    " the weapons left (REQUIREMENT_CASE, 0 → 25 required: a's reliable SLBMs go to the"
    " reserve and its 0.75-reliable MIRVs need 13.3 warheads where 10.3 did for b's boats in"
    " port); (2) forces-defending interceptors face the whole prompt ballistic inventory"
    " (exchange.draw_down), so a smaller inventory leaks less per warhead; (3) the stop"
    " rule's optimum is not separable. With one counterforce system: 4 of 300 cases.",
)
@PROPERTY
@given(case=requirement_cases())
@example(case=REQUIREMENT_CASE)
def test_a_larger_third_party_requirement_never_raises_the_counterforce_spend(case):
    """The issue's property: the attacker's optimal counterforce spend (warheads) does not
    rise when its requirement does. It does not hold."""
    _, _, strike = requirement_ladder(case)
    assert np.all(np.diff(strike.counterforce_spent) <= 0.05)  # refinement: 3e-5 of a piece


def test_the_reserve_takes_the_attackers_most_lethal_warheads_first():
    """The first mechanism on REQUIREMENT_CASE, 0 → 25 required: a's reserve takes its
    SLBM warheads (the most survivable: half at sea) and 21⅓ silo warheads. Its SLBMs
    (reliability 1) kill b's boats in port with probability 1, its silo MIRVs (0.75) with
    0.75, so destroying the same 10 of b's warheads takes 13⅓ warheads instead of 10⅓."""
    world, pair, allocation = REQUIREMENT_CASE
    arrays, context, strike = requirement_ladder((world, pair, allocation))
    np.testing.assert_allclose(context.attacker_reserve[:2], [0.0, 30.0 + 1 / 3], rtol=1e-9)
    np.testing.assert_allclose(context.weapons[:2], [[40.0, 9.0], [18.0 + 2 / 3, 0.0]], rtol=1e-9)
    np.testing.assert_allclose(strike.destroyed[:2], 10.0, atol=1e-3)
    np.testing.assert_allclose(strike.counterforce_spent[:2], [10.0 + 1 / 3, 13.0 + 1 / 3], atol=1e-2)
    assert strike.cost_attacker[1] > strike.cost_attacker[0]


# ----------------------------------------------------------------- 4. a coalition's strike
@st.composite
def coalition_cases(draw, reserve="fixed"):
    """``(sides, allocation)``: three or four sides; the first two form the coalition
    ``pact`` (one holdback share, so merging them keeps it exactly), the third is the
    victim, a fourth a bystander."""
    world = draw(worlds(count=(3, 4), reserve=reserve, commitments=False))
    holdback = draw(unit(0.0, 0.2))
    for name in NAMES[:2]:
        world[name] = {**world[name], "posture": {**world[name]["posture"], "holdback_fraction": holdback}}
    return world, draw(st.sampled_from(["reliable", "best"]))


def pooled_and_alone(case):
    """The coalition's cost of striking the victim first, ``C1``: with its pooled weapons,
    and with each member's weapons alone (the other member's launchers set to 0). Both are
    the merged side's cost, so on the coalition's combined value (``w80`` summed, each
    member's share through its own defences) and against the same victim, whose retaliation
    lands on the coalition either way."""
    world, allocation = case
    arrays = compile_scenario(powers(world, coalitions={"pact": ["a", "b"]}, allocation=allocation))
    pooled = coalitions.party_exchange(arrays, (0, 1), (2,)).stability.c1[0, 1]
    alone = []
    for silent in (1, 0):
        single = arrays.copy()
        single.sides[silent].systems["launchers"][:] = 0.0
        alone.append(coalitions.party_exchange(single, (0, 1), (2,)).stability.c1[0, 1])
    return pooled, alone


#: Shrunk by hypothesis: a (10 single-warhead silos, CEP 50 m, reliability 0.75; 10
#: single-warhead boats) and b (10 silos of two warheads, CEP 54 m, reliability 1; 10 boats
#: of two) strike c (10 single-warhead silos and boats, all in port), one warhead per
#: target. Per reliable warhead forgone a's silo warheads are the better counterforce
#: weapon (CEP 50), per shot b's (reliability 1).
COALITION_CASE = (
    {
        "a": side(
            {
                "silo": system("icbm_silo", 10, 1, cep=50, yield_kt=100, reliability=0.75),
                "ssbn": _ssbn_force(10, 1)["ssbn"],
            },
            50,
            per_target=1,
        ),
        "b": side(
            {
                "silo": system("icbm_silo", 10, 2, cep=54, yield_kt=100, reliability=1.0),
                "ssbn": _ssbn_force(10, 2)["ssbn"],
            },
            50,
            per_target=1,
        ),
        "c": side(_ssbn_force(10, 1), 50, per_target=1),
    },
    "best",
)


def _pooled_never_worse(case):
    pooled, alone = pooled_and_alone(case)
    assert pooled[0] <= min(alone[0][0], alone[1][0]) + TOL, (pooled, alone)


@pytest.mark.parametrize("reserve", ["fixed", "endogenous"])
@PROPERTY
@given(data=st.data())
def test_a_coalitions_pooled_strike_never_does_worse_than_its_best_member_alone(reserve, data):
    """A coalition (declared, so its members are allies) striking a victim first with its
    pooled weapons costs it no more than its best member striking alone: the pooled side
    can make the same strike and add the other member's warheads to the value attack. The
    cost is the coalition's (``C1`` of the merged side: its combined value, the victim's
    whole retaliation on it), not the member's own ``C1`` in the world where it is alone:
    that one counts damage to the member's value only and would compare different things.

    Stated for ``settings.allocation: best``, where it held in every random case measured
    (200 fixed-reserve cases); with the default allocation it does not (the xfail below)."""
    world, _ = data.draw(coalition_cases(reserve), label="case")
    _pooled_never_worse((world, "best"))


@pytest.mark.slow
@pytest.mark.parametrize("reserve", ["fixed", "endogenous", "mixed"])
@MANY
@given(data=st.data())
def test_a_coalitions_pooled_strike_never_does_worse_than_its_best_member_alone_many(reserve, data):
    world, _ = data.draw(coalition_cases(reserve), label="case")
    _pooled_never_worse((world, "best"))


def test_the_coalition_case_pooled_with_each_plan():
    """COALITION_CASE: with ``best`` pooling beats b alone (C1 0.079 against 0.139) and a
    alone (0.411); with the default ``reliable`` plan the pool fills the one slot per
    target with a's silo warheads and does worse than b alone (0.160)."""
    pooled, alone = pooled_and_alone(COALITION_CASE)
    assert pooled[0] == pytest.approx(0.0785, abs=1e-3)
    assert alone[1][0] == pytest.approx(0.1388, abs=1e-3) and alone[0][0] == pytest.approx(0.4110, abs=1e-3)
    reliable, _ = pooled_and_alone((COALITION_CASE[0], "reliable"))
    assert reliable[0] == pytest.approx(0.1599, abs=1e-3)


@pytest.mark.xfail(
    strict=True,
    reason="With the default allocation (reliable) a coalition's pooled strike can cost it"
    " more than its best member's alone (2 of 200 random fixed-reserve cases, 3 of 200"
    " endogenous, worst +0.035 in C1): where the per-target cap binds, the greedy order"
    " gives the slots to the weapons cheapest per reliable warhead forgone (a's"
    " 0.75-reliable silo warheads) rather than the most lethal per shot (b's), docs/model.md"
    " step 3. COALITION_CASE: pooled C1 0.160, b alone 0.139. allocation: best removes it.",
)
@PROPERTY
@given(case=coalition_cases("fixed"))
@example(case=(COALITION_CASE[0], "reliable"))
def test_with_the_default_allocation_a_pooled_strike_never_does_worse(case):
    """The issue's property under the default allocation: it does not hold."""
    _pooled_never_worse((case[0], "reliable"))


#: Found by the ``-m slow`` run: x (10 silos; 10 boats of 4, all in port; 3 mobiles of 4
#: warheads of reliability 0.75, half in the field) strikes v, one warhead per target;
#: o is the other adversary x keeps its reserve for.
CAP_CASE = (
    {
        "o": side(_ssbn_force(10, 1), 50, per_target=1),
        "x": side(
            {
                "silo": system("icbm_silo", 10, 1, cep=50, yield_kt=100, reliability=1.0),
                "ssbn": system("slbm", 10, 4, cep=88, yield_kt=458, reliability=1.0, alert=(0.0, 0.0)),
                "mobile": system(
                    "icbm_mobile", 3, 4, cep=81, yield_kt=548, reliability=0.75, alert=(0.5, 1.0)
                ),
            },
            50,
            per_target=1,
            reserve="endogenous",
            requirement=10,
        ),
        "v": side(_ssbn_force(10, 1), 50, per_target=1),
    },
    ("x", "v"),
    "reliable",
)


def test_with_the_default_allocation_a_larger_requirement_can_make_striking_cheaper():
    """CAP_CASE, 0 → 25 required: the reserve takes x's mobile warheads first (the most
    survivable). With the default allocation those 0.75-reliable warheads had taken the
    one slot per target (cheapest per reliable warhead forgone: docs/model.md step 3), so
    without them the same 20 counterforce warheads destroy 20 of v's warheads instead of
    17.5, and x's cost of striking first *falls* (0.219 → 0.194) although it has 27.7
    warheads fewer. With ``best`` it rises (0.080 → 0.194)."""
    expected = {"reliable": ((0.2190, 0.1938), (17.5, 20.0)), "best": ((0.0799, 0.1938), (20.0, 20.0))}
    for allocation, (c1, destroyed) in expected.items():
        _, context, strike = requirement_ladder((CAP_CASE[0], CAP_CASE[1], allocation))
        np.testing.assert_allclose(context.attacker_reserve[:2], [0.0, 27.7], atol=1e-6)
        np.testing.assert_allclose(strike.counterforce_spent[:2], 20.0, atol=0.01)
        np.testing.assert_allclose(strike.destroyed[:2], destroyed, atol=0.01)
        np.testing.assert_allclose(strike.cost_attacker[:2], c1, atol=1e-4)

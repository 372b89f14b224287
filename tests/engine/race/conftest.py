"""Small two-sided forces for the arms-race tests, built with the shared builders of
``tests.factories``, and limits built the one way the package builds them: from a
framework's rules (``treaty.engine_limits``)."""

from __future__ import annotations

import textwrap

import pytest

from security_equation.engine.exchange import exchange
from security_equation.model.compile import compile_scenario
from security_equation.treaty import engine_limits, framework_from_text
from tests.factories import compile_pair, scenario, side, system

#: Counting rules per limit kind for :func:`limits`: every nuclear system alike.
_ALL = "categories: [icbm_silo, icbm_mobile, slbm, bomber]"
_RULES = {
    "deployed_warheads": [f"- {{{_ALL}, count: deployed_launchers, each: loaded_warheads}}"],
    "deployed_launchers": [f"- {{{_ALL}, count: deployed_launchers}}"],
    "total_launchers": [f"- {{{_ALL}, count: launchers}}"],
}
_BOMBERS_ONE = [
    "- {categories: [icbm_silo, icbm_mobile, slbm], count: deployed_launchers, each: loaded_warheads}",
    "- {categories: [bomber], count: deployed_launchers, each: 1}",
]


def standard_forces():
    return {
        "silo": system("icbm_silo", 200, 3, 6, cep=100),
        "ssbn": system("slbm", 100, 4, 8, alert=(0.5, 0.8), non_deployed_launchers=20),
    }


def symmetric_scenario(requirement):
    return scenario(
        side(standard_forces(), requirement=requirement), side(standard_forces(), requirement=requirement)
    )


def symmetric(requirement):
    return compile_scenario(symmetric_scenario(requirement))


def arriving(arrays):
    ex = exchange(arrays)
    return ex.strike(1, 0).arriving_retaliation, ex.strike(0, 1).arriving_retaliation


def limits(sc, *, bombers_count_one=False, **values):
    """Engine limits per side from a small framework with the limits ``values``
    (``deployed_warheads``, ``deployed_launchers``, ``total_launchers``) over every
    nuclear system; with ``bombers_count_one`` a bomber counts one warhead (New START)."""
    blocks = []
    for name, value in values.items():
        rules = _BOMBERS_ONE if name == "deployed_warheads" and bombers_count_one else _RULES[name]
        unit = "warheads" if name == "deployed_warheads" else "launchers"
        blocks.append(
            f"  {name}:\n    label: {name}\n    unit: {unit}\n    limit: {int(value)}\n    source: test\n"
            "    rules:\n" + "".join(f"      {r}\n" for r in rules)
        )
    text = "name: test\ntitle: test limits\nlimits:\n" + "".join(blocks)
    fw = framework_from_text(textwrap.dedent(text))
    return {name: side_limits.limits for name, side_limits in engine_limits(fw, sc).items()}


@pytest.fixture
def race():
    """Builders: ``race.system``, ``race.side``, ``race.scenario`` and ``race.pair``
    (``tests.factories``: ``scenario`` and ``compile_pair``), ``race.symmetric``,
    ``race.limits`` and the rest of this module's helpers."""

    class Race:
        pass

    r = Race()
    for f in (
        system,
        side,
        standard_forces,
        scenario,
        symmetric_scenario,
        symmetric,
        arriving,
        limits,
    ):
        setattr(r, f.__name__, f)
    r.pair = compile_pair
    return r

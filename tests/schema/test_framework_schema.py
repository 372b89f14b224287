"""The framework schema's fields for more than two powers: ``sides``, ``per_side``,
``coalition`` and ``coalitions`` (docs/model.md, "Frameworks for more than two powers")."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from security_equation.schema.framework import Framework, Limit

RULE = {"categories": ["slbm"], "count": "deployed_launchers"}


def limit(**extra) -> dict:
    return {"label": "L", "unit": "launchers", "limit": 100, "source": "SD2", "rules": [RULE], **extra}


def framework(limits: dict, **extra) -> Framework:
    return Framework.model_validate({"name": "t", "title": "T", "limits": limits, **extra})


def errors(exc: ValidationError) -> dict[tuple, str]:
    return {tuple(e["loc"]): e["msg"] for e in exc.errors()}


def test_defaults_cover_every_side_at_one_value():
    lim = Limit.model_validate(limit())
    assert lim.sides is None and lim.per_side == {} and lim.coalition is None
    assert lim.covers("anyone") and lim.value_for("anyone") == 100


def test_sides_and_per_side():
    lim = Limit.model_validate(limit(sides=["us", "china"], per_side={"china": 40}))
    assert lim.covers("us") and not lim.covers("uk")
    assert lim.value_for("china") == 40 and lim.value_for("us") == 100
    # Without `sides` a per-side value may name any side.
    assert Limit.model_validate(limit(per_side={"uk": 5})).value_for("uk") == 5


def test_cross_references_are_checked_at_their_paths():
    with pytest.raises(ValidationError) as err:
        framework(
            {
                "a": limit(sides=["us", "us"], per_side={"uk": 1}, coalition="nato"),
                "b": limit(sides=[]),
            },
            coalitions={"west": ["us"]},
        )
    got = errors(err.value)
    assert "named twice" in got["limits", "a", "sides", 1]
    assert "not among the sides" in got["limits", "a", "per_side", "uk"]
    assert "no coalition named 'nato'" in got["limits", "a", "coalition"]
    assert "limits nothing" in got["limits", "b", "sides"]
    assert "at least two different sides" in got["coalitions", "west"]


def test_an_aggregate_only_limit_is_valid():
    fw = framework({"a": limit(sides=[], coalition="nato")}, coalitions={"nato": ["us", "uk", "france"]})
    assert fw.limits["a"].sides == [] and fw.coalitions["nato"] == ["us", "uk", "france"]


def test_unknown_keys_and_bad_names_are_refused():
    with pytest.raises(ValidationError):
        framework({"a": limit(per_sides={"us": 1})})
    with pytest.raises(ValidationError):
        framework({"a": limit(sides=["u.s"])})
    with pytest.raises(ValidationError):
        framework({"a": limit(per_side={"us": -1})})


def test_json_schema_documents_the_fields():
    schema = Framework.model_json_schema()
    props = schema["$defs"]["Limit"]["properties"]
    assert {"sides", "per_side", "coalition", "coalition_source"} <= set(props)
    assert "coalitions" in schema["properties"]

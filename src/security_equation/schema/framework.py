"""The data model of a treaty framework: named limits, each a sum of counting rules.

A framework file (YAML, bundled in ``data/frameworks`` or the user's own) looks like::

    name: new-start
    title: New START (2010) central limits
    limits:
      deployed_launchers:
        label: Deployed ICBMs, deployed SLBMs and deployed heavy bombers
        unit: launchers
        limit: 700
        source: SD2; CRS1
        rules:
          - categories: [icbm_silo, icbm_mobile, slbm]
            count: deployed_launchers        # what is counted on each matching system
            each: 1                          # how many per unit counted

Models are strict and frozen like the scenario's: an unknown key is an error.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from security_equation.schema.base import StrictModel, located_problems
from security_equation.schema.scenario import MAX_MAGNITUDE, Category, Name, SideName, coalition_problems

NonNegative = Annotated[float, Field(ge=0.0, le=MAX_MAGNITUDE)]
#: A count or limit: whole, not negative, and no larger than any model input may be.
WholeCount = Annotated[int, Field(ge=0, le=MAX_MAGNITUDE)]

#: What a rule counts on each matching system (or, for ``interceptors``, each missile-defence layer).
CountWhat = Literal[
    "deployed_launchers",  # System.launchers: missiles in launchers, deployed bombers
    "non_deployed_launchers",  # System.non_deployed_launchers: empty launchers, non-deployed bombers
    "launchers",  # deployed + non-deployed (never test, converted or training ones)
    "converted_launchers",  # System.converted_launchers: converted to non-nuclear roles
    "training_launchers",  # System.training_launchers: held as training launchers, outside New START
    "interceptors",  # MissileDefence.interceptors of the side's missile-defence layers
]
COUNT_WHAT: tuple[str, ...] = CountWhat.__args__  # type: ignore[attr-defined]

#: ``each: loaded_warheads`` counts the warheads actually loaded (average per launcher).
LOADED = "loaded_warheads"


class Rule(StrictModel):
    """One term of a limit: which systems match, what is counted on them and how many each.

    A selector left out (``null``) matches any value. Converted and training launchers
    count only under a rule that names them (``count: converted_launchers`` or
    ``count: training_launchers``, e.g. Russia's count of US launchers, MFA1). Test
    launchers are never counted: there is nothing to count them with.
    """

    categories: list[Category] | None = Field(
        None,
        min_length=1,
        description="System categories that match (required unless counting interceptors).",
    )
    nuclear: bool | None = Field(
        None, description="Only nuclear (true) or only conventional (false) systems."
    )
    ballistic: bool | None = None
    heavy_bomber: bool | None = None
    newstart_accountable: bool | None = Field(
        None, description="Only systems whose scenario flag newstart_accountable has this value."
    )
    count: CountWhat
    each: NonNegative | Literal["loaded_warheads"] = Field(
        1.0,
        description="How many are counted per unit: a number (1 per launcher, 1 per bomber, 1 per"
        " interceptor) or 'loaded_warheads' (the average warheads loaded per deployed launcher).",
    )
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        if self.count == "interceptors":
            given = [
                k
                for k in ("categories", "nuclear", "ballistic", "heavy_bomber", "newstart_accountable")
                if getattr(self, k) is not None
            ]
            if given:
                raise ValueError(
                    f"a rule counting interceptors selects missile-defence layers, not systems:"
                    f" remove {', '.join(given)}"
                )
        elif self.categories is None:
            raise ValueError(
                "give the system categories this rule counts, e.g. categories: [icbm_silo, slbm]"
            )
        if self.each == LOADED and self.count != "deployed_launchers":
            raise ValueError(
                "each: loaded_warheads only applies to count: deployed_launchers"
                " (non-deployed, converted and training launchers carry no warheads)"
            )
        return self


class Allowance(StrictModel):
    """A fixed count for one side, outside the scenario's systems (e.g. stored warheads)."""

    label: str
    count: WholeCount
    source: str = Field(description="Source id(s) or 'assumption: reason'.")
    upload_source: bool = Field(
        False,
        description="Stored warheads that an upload draws on first: in the totals after upload this"
        " count shrinks by the warheads added (not below zero) instead of the warheads being new.",
    )


class Limit(StrictModel):
    """A named limit: the sum of its rules over a side's systems (plus allowances) ≤ limit.

    Whom it limits (docs/model.md, "Frameworks for more than two powers"): each side of
    ``sides`` one by one (default: every side of the scenario; ``[]``: none, for a limit on
    a coalition's aggregate only), at ``per_side[side]`` where given, else at ``limit``;
    and, with ``coalition``, the sum over the members of that coalition at ``limit``."""

    label: str
    unit: str = Field(description="What is counted, plural: launchers, warheads, interceptors, items.")
    limit: WholeCount
    source: str = Field(description="Source id(s) of the limit value, or 'assumption: reason'.")
    article: str | None = None
    description: str = ""
    rules: list[Rule] = Field(min_length=1)
    allowances: dict[str, dict[str, Allowance]] = Field(
        default_factory=dict,
        description="Side name -> named fixed counts added to that side's total (not scaled by the"
        " scenario).",
    )
    sides: list[SideName] | None = Field(
        None,
        description="The sides limited one by one (default: every side of the scenario; [] for none,"
        " e.g. a limit on a coalition's aggregate only). Sides not in a scenario are skipped (a note"
        " says so).",
    )
    per_side: dict[SideName, WholeCount] = Field(
        default_factory=dict,
        description="Side name -> its own limit value, instead of `limit` (only for sides the limit covers).",
    )
    coalition: Name | None = Field(
        None,
        description="Also cap the sum over the members of this coalition (the scenario's coalition of"
        " that name, else the framework's own) at `limit`; applies where at least two members are"
        " sides of the scenario.",
    )
    coalition_source: str = Field(
        "",
        description="Source id(s) of the limit on the coalition's aggregate, or 'assumption: reason'"
        " (shown where the aggregate applies).",
    )

    def covers(self, side: str) -> bool:
        """Whether the limit applies to ``side`` on its own."""
        return self.sides is None or side in self.sides

    def value_for(self, side: str) -> int:
        """The limit value for ``side`` on its own: ``per_side[side]``, else ``limit``."""
        return self.per_side.get(side, self.limit)


class Framework(StrictModel):
    """A treaty framework: limits that apply to each side alike."""

    name: str
    title: str
    description: str = ""
    status: Literal["treaty", "proposal", "user"] = "user"
    binding_from: Annotated[dt.date, Field(strict=False)] | None = Field(
        None, description="Date from which the limits bind (YYYY-MM-DD)."
    )
    expires: Annotated[dt.date, Field(strict=False)] | None = Field(
        None,
        description="Date the framework lapsed or lapses (YYYY-MM-DD): not in force from this date"
        " on (a scenario dated then is shown as if in force, labelled expired).",
    )
    assumptions: list[str] = Field(default_factory=list, description="Assumptions behind the counting.")
    sources: dict[str, str] = Field(default_factory=dict, description="Source ids cited: id -> what for.")
    coalitions: dict[Name, list[SideName]] = Field(
        default_factory=dict,
        description="Coalitions the limits may name (e.g. nato: [us, uk, france]), used where the"
        " scenario does not name a coalition of that name itself.",
    )
    limits: dict[str, Limit] = Field(min_length=1)
    origin: str | None = Field(None, description="File the framework came from.")

    @model_validator(mode="after")
    def _dates(self) -> Framework:
        if self.binding_from and self.expires and self.expires <= self.binding_from:
            raise ValueError(f"expires ({self.expires}) must be after binding_from ({self.binding_from})")
        return self

    @model_validator(mode="after")
    def _references(self) -> Framework:
        """Sides and coalitions the limits name, each problem at its own dotted path."""
        error = located_problems("Framework", reference_problems(self))
        if error is not None:
            raise error
        return self


def reference_problems(framework: Framework) -> list[tuple[tuple, str, object]]:
    """``(loc, message, value)`` for every side named twice (in a limit's ``sides`` or a
    coalition), ``per_side`` value for a side the limit does not cover, coalition of fewer
    than two sides, and limit that names a coalition the framework does not define or that
    limits nobody (``sides: []`` and no coalition)."""
    problems: list[tuple[tuple, str, object]] = []
    for group, members in framework.coalitions.items():
        problems += coalition_problems(("coalitions", group), members)
    known = ", ".join(framework.coalitions) or "none defined"
    for name, limit in framework.limits.items():
        if limit.sides is not None:
            problems += coalition_problems(("limits", name, "sides"), limit.sides, at_least_two=False)
            for side in limit.per_side:
                if side not in limit.sides:
                    problems.append(
                        (
                            ("limits", name, "per_side", side),
                            f"{side!r} is not among the sides this limit covers"
                            f" ({', '.join(limit.sides) or 'none'}): add it to sides or remove its value",
                            side,
                        )
                    )
        if limit.coalition is not None and limit.coalition not in framework.coalitions:
            problems.append(
                (
                    ("limits", name, "coalition"),
                    f"no coalition named {limit.coalition!r} in the framework (coalitions: {known});"
                    f" define it under coalitions: (a scenario's coalition of that name is used"
                    f" where it has one)",
                    limit.coalition,
                )
            )
        if limit.sides == [] and limit.coalition is None:
            problems.append(
                (
                    ("limits", name, "sides"),
                    "the limit covers no side and no coalition: it limits nothing",
                    [],
                )
            )
    return problems

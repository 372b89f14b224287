"""Counting rules: pure functions from a side's forces and a limit to counted numbers.

- A rule matches a system by category and the optional flags (nuclear, ballistic,
  heavy_bomber, newstart_accountable); a selector left out matches anything.
- It counts deployed, non-deployed, deployed + non-deployed, converted or training
  launchers (test launchers never count: no rule can name them), or the interceptors of
  the side's missile-defence layers; ``each`` says how many per unit, or
  ``loaded_warheads`` for the average loading of the deployed launchers.
- Converted and training launchers, which New START does not count, are items of their
  own in a limit's breakdown (``"trident_ii (converted)"``, ``"minuteman_iii
  (training)"``), so a count such as Russia's 101 US launchers over the 800 limit (56
  converted Trident II tubes, 41 converted B-52H, 4 training silos; MFA1) shows its
  parts.
- Warheads from fractional averages: each system's contribution to a limit (and each of
  its converted or training items) is rounded to the nearest whole number (halves up)
  once, after adding the rules that match it; the total is the sum of those whole
  numbers, so the contributions add up to the total.
- Allowances are fixed counts per side named in the framework (e.g. stored warheads that a
  scenario does not describe).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

from security_equation.schema.framework import LOADED, Framework, Limit, Rule
from security_equation.schema.scenario import MissileDefence, Side, System


def round_half_up(value: float) -> int:
    """Nearest whole number, halves rounded up (1,012.5 → 1,013), with float noise removed.
    Validated input is finite (``schema.base.StrictModel``); a count that is not (an
    unbounded upload potential) is a ``ValueError`` that names it, never an OverflowError."""
    if not math.isfinite(value):
        raise ValueError(f"cannot count {value} as a whole number")
    return int(math.floor(round(value, 9) + 0.5))


def matches(system: System, rule: Rule) -> bool:
    """Does ``rule`` count this system?"""
    if rule.count == "interceptors" or rule.categories is None:
        return False
    if system.category not in rule.categories:
        return False
    for flag in ("nuclear", "ballistic", "heavy_bomber", "newstart_accountable"):
        wanted = getattr(rule, flag)
        if wanted is not None and getattr(system, flag) != wanted:
            return False
    return True


#: What a rule can count on a system, per unit: a deployed launcher, a non-deployed
#: launcher, a launcher converted to non-nuclear roles, a training launcher, a warhead
#: loaded on a deployed launcher. Test launchers are not among them: no rule can count them.
HOLDINGS = (
    "deployed_launchers",
    "non_deployed_launchers",
    "converted_launchers",
    "training_launchers",
    "loaded_warheads",
)

#: Holdings outside New START's count, shown as items of their own in a limit's
#: breakdown: holding -> the label added to the system's name.
SEPARATE_ITEMS = {"converted_launchers": "converted", "training_launchers": "training"}

#: The launchers each ``count`` of a rule takes in (``launchers`` = deployed + non-deployed).
_LAUNCHERS = {
    "deployed_launchers": ("deployed_launchers",),
    "non_deployed_launchers": ("non_deployed_launchers",),
    "launchers": ("deployed_launchers", "non_deployed_launchers"),
    "converted_launchers": ("converted_launchers",),
    "training_launchers": ("training_launchers",),
}


def holdings(system: System) -> dict[str, float]:
    """How many of each of :data:`HOLDINGS` a system has."""
    return {
        "deployed_launchers": system.launchers,
        "non_deployed_launchers": system.non_deployed_launchers,
        "converted_launchers": system.converted_launchers,
        "training_launchers": system.training_launchers,
        "loaded_warheads": system.launchers * system.warheads_per_launcher,
    }


def unit_weights(system: System, rule: Rule) -> dict[str, float]:
    """What one unit of each of :data:`HOLDINGS` adds to ``rule``'s count on this system
    (all zero if the rule does not match): the one statement of a rule's arithmetic, used
    by :func:`system_term` and for the arms race's limits (:mod:`treaty.limits`)."""
    weights = dict.fromkeys(HOLDINGS, 0.0)
    if not matches(system, rule):
        return weights
    if rule.each == LOADED:  # only with count: deployed_launchers (see Rule)
        weights["loaded_warheads"] = 1.0
    else:
        for what in _LAUNCHERS[rule.count]:
            weights[what] = float(rule.each)
    return weights


def holding_terms(system: System, rule: Rule) -> dict[str, float]:
    """One rule's count on one system, by holding (unrounded; zeros if the rule does not match)."""
    weights = unit_weights(system, rule)
    have = holdings(system)
    return {what: weights[what] * have[what] for what in HOLDINGS}


def system_term(system: System, rule: Rule) -> float:
    """One rule's count on one system (unrounded; zero if the rule does not match)."""
    return sum(holding_terms(system, rule).values())


def item_name(system_name: str, holding: str, taken: Collection[str] = ()) -> str:
    """The breakdown's name for a system's converted or training launchers
    (``"b52h (converted)"``), made distinct from the names in ``taken``."""
    name = f"{system_name} ({SEPARATE_ITEMS[holding]})"
    return name if name not in taken else f"{system_name} ({holding})"


def loaded_warheads(system: System) -> int:
    """Warheads loaded on a system's deployed launchers, rounded to a whole number."""
    return round_half_up(system.launchers * system.warheads_per_launcher)


@dataclass(frozen=True)
class LimitCount:
    """A limit counted for one side: total and each system's (or item's) contribution.

    Items besides systems: a system's converted and training launchers (see
    :func:`item_name`), missile-defence layers and the framework's allowances."""

    name: str
    limit: Limit
    counted: int
    by_system: dict[str, int] = field(default_factory=dict)

    @property
    def headroom(self) -> int:
        """Limit minus counted: positive is room left, negative is the excess."""
        return self.limit.limit - self.counted

    @property
    def compliant(self) -> bool:
        return self.counted <= self.limit.limit


def count_limit(
    side: Side, name: str, limit: Limit, side_name: str | None = None, drawn: int = 0
) -> LimitCount:
    """Sum a limit's rules over a side's systems and missile-defence layers, plus allowances.

    A system's converted and training launchers, where a rule counts them, are items of
    their own (:func:`item_name`); the system's own entry is there when a rule counting
    anything else matches it.

    ``side_name`` selects the framework's allowances for this side (none if not given);
    ``drawn`` warheads are taken out of the allowances marked ``upload_source`` (in file
    order, none below zero): used for the totals after upload, where uploaded warheads come
    out of storage first.
    """
    by_system: dict[str, int] = {}
    system_rules = [r for r in limit.rules if r.count != "interceptors"]
    for sys_name, system in side.systems.items():
        if not any(matches(system, r) for r in system_rules):
            continue
        parts = dict.fromkeys(HOLDINGS, 0.0)
        for rule in system_rules:
            for what, value in holding_terms(system, rule).items():
                parts[what] += value
        if any(matches(system, r) and r.count not in SEPARATE_ITEMS for r in system_rules):
            by_system[sys_name] = round_half_up(
                sum(value for what, value in parts.items() if what not in SEPARATE_ITEMS)
            )
        for what in SEPARATE_ITEMS:
            if parts[what]:
                by_system[item_name(sys_name, what, side.systems)] = round_half_up(parts[what])
    interceptor_rules = [r for r in limit.rules if r.count == "interceptors"]
    if interceptor_rules:
        for def_name, layer in side.defences.items():
            if not isinstance(layer, MissileDefence):
                continue
            key = def_name if def_name not in by_system else f"{def_name} (interceptors)"
            by_system[key] = round_half_up(sum(layer.interceptors * float(r.each) for r in interceptor_rules))
    if side_name is not None:
        for allow_name, allowance in limit.allowances.get(side_name, {}).items():
            key = allow_name if allow_name not in by_system else f"{allow_name} (allowance)"
            count = allowance.count
            if allowance.upload_source and drawn > 0:
                taken = min(drawn, count)
                count, drawn = count - taken, drawn - taken
            by_system[key] = count
    return LimitCount(name, limit, sum(by_system.values()), by_system)


def for_side(limit: Limit, side_name: str | None) -> Limit:
    """``limit`` as it applies to one side: its ``per_side`` value where it has one."""
    if side_name is None or side_name not in limit.per_side:
        return limit
    return limit.model_copy(update={"limit": limit.value_for(side_name)})


def count_side(
    side: Side, framework: Framework, side_name: str | None = None, drawn: int = 0
) -> dict[str, LimitCount]:
    """Every limit of a framework that covers the side (``Limit.sides``; all of them when
    ``side_name`` is None) counted for it at its own value (``Limit.per_side``; ``drawn``:
    see :func:`count_limit`)."""
    return {
        name: count_limit(side, name, for_side(limit, side_name), side_name, drawn)
        for name, limit in framework.limits.items()
        if side_name is None or limit.covers(side_name)
    }


@dataclass(frozen=True)
class Aggregate:
    """A limit on a coalition's aggregate as it applies to one scenario: the limit, the
    coalition's name, its members that are sides of the scenario (file order; at least two)
    and where the coalition is defined (``"scenario"`` or ``"framework"``)."""

    limit_name: str
    limit: Limit
    coalition: str
    members: tuple[str, ...]
    defined_by: str


def aggregates(
    framework: Framework, sides: Collection[str], coalitions: Mapping[str, list[str]]
) -> list[Aggregate]:
    """The framework's limits on a coalition's aggregate that apply to a scenario with these
    ``sides`` (file order) and ``coalitions`` (the scenario's): the scenario's coalition of
    the limit's name where it has one, else the framework's; only where at least two
    members are sides of the scenario (so a two-side scenario with one member is counted
    as before)."""
    out = []
    for name, limit in framework.limits.items():
        if limit.coalition is None:
            continue
        if limit.coalition in coalitions:
            members, defined_by = coalitions[limit.coalition], "scenario"
        else:
            members, defined_by = framework.coalitions.get(limit.coalition, []), "framework"
        present = tuple(s for s in sides if s in members)
        if len(present) >= 2:
            out.append(Aggregate(name, limit, limit.coalition, present, defined_by))
    return out


def skipped_sides(framework: Framework, sides: Collection[str]) -> list[str]:
    """Notes on the sides a limit names one by one that are not sides of the scenario."""
    notes = []
    for name, limit in framework.limits.items():
        missing = [s for s in limit.sides or () if s not in sides]
        if missing:
            notes.append(
                f"{name}: {', '.join(missing)} not in the scenario; the limit on"
                f" {'that side' if len(missing) == 1 else 'those sides'} is skipped"
            )
    return notes


# --------------------------------------------------------------------------- upload
#: What bounds a system's upload (``UploadRow.bound``).
BOUND_CAPACITY = "launcher capacity"
BOUND_AVAILABLE = "stored warheads"
BOUND_RESERVE = "side reserve"


@dataclass(frozen=True)
class UploadRow:
    """What a nuclear system could add: the *launcher capacity* (every deployed and
    non-deployed launcher loaded to ``max_warheads_per_launcher``) and the *upload
    potential*, that capacity bounded by the stored warheads of the system's types
    (``upload_warheads_available``) and by the side's reserve (``Side.reserve``).

    ``bound`` says which of :data:`BOUND_CAPACITY`, :data:`BOUND_AVAILABLE` or
    :data:`BOUND_RESERVE` binds; ``bound_source`` is the bound's source note (or
    ``assumption: …``)."""

    system: str
    deployed_launchers: int
    non_deployed_launchers: int
    warheads_per_launcher: float
    max_warheads_per_launcher: float
    warheads_now: int
    capacity: int
    #: Stored warheads of the system's types (None: the scenario gives no figure).
    warheads_available: int | None = None
    #: Warheads the side can add: launcher capacity bounded by the warheads that exist
    #: (None: the launcher capacity, nothing else bounds it).
    upload_potential: int | None = None
    bound: str = BOUND_CAPACITY
    bound_source: str = ""

    @property
    def launcher_capacity_added(self) -> int:
        """Warheads the launchers could carry beyond today's loading (capacity − now)."""
        return self.capacity - self.warheads_now

    @property
    def added_warheads(self) -> int:
        """The upload potential (the bounded figure; see the class)."""
        return self.launcher_capacity_added if self.upload_potential is None else self.upload_potential

    @property
    def capacity_on_deployed(self) -> int:
        """Launcher capacity left on launchers already deployed."""
        return round_half_up(self.deployed_launchers * self.max_warheads_per_launcher) - self.warheads_now

    @property
    def added_on_deployed(self) -> int:
        """Of the upload potential, what goes on launchers already deployed (filled first)."""
        return max(min(self.capacity_on_deployed, self.added_warheads), 0)

    @property
    def added_on_non_deployed(self) -> int:
        """Of the upload potential, what goes on today's non-deployed launchers."""
        return self.added_warheads - self.added_on_deployed

    @property
    def redeployed_launchers(self) -> int:
        """Non-deployed launchers deployed to carry :attr:`added_on_non_deployed`, each
        loaded to capacity (the last one perhaps less)."""
        if self.added_on_non_deployed <= 0 or self.max_warheads_per_launcher <= 0:
            return 0
        needed = math.ceil(round(self.added_on_non_deployed / self.max_warheads_per_launcher, 9))
        return min(needed, self.non_deployed_launchers)

    def to_dict(self) -> dict:
        return {
            "system": self.system,
            "deployed_launchers": self.deployed_launchers,
            "non_deployed_launchers": self.non_deployed_launchers,
            "warheads_now": self.warheads_now,
            "capacity": self.capacity,
            "launcher_capacity_added": self.launcher_capacity_added,
            "warheads_available": self.warheads_available,
            "upload_potential": self.added_warheads,
            "bound": self.bound,
            "bound_source": self.bound_source,
            "added_on_deployed": self.added_on_deployed,
            "added_on_non_deployed": self.added_on_non_deployed,
            "redeployed_launchers": self.redeployed_launchers,
            "added_warheads": self.added_warheads,
        }


def _shares(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` as whole numbers adding up to ``total``
    (largest remainders first, ties in order)."""
    whole = sum(weights)
    if whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    out = [math.floor(round(e, 9)) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def upload_rows(side: Side) -> list[UploadRow]:
    """Launcher capacity and upload potential of each nuclear system (see :class:`UploadRow`).

    Launcher capacity: deployed + non-deployed launchers at ``max_warheads_per_launcher``
    each, less the warheads loaded now (test, converted and training launchers left out).
    Upload potential: that, at most the system's ``upload_warheads_available``; when the
    systems together would take more than the side's ``reserve``, each system's share of
    the reserve is in proportion to its bounded figure (assumption: no public source says
    which system the stored warheads would go to)."""
    rows = []
    for name, system in side.systems.items():
        if not system.nuclear:
            continue
        total = system.launchers + system.non_deployed_launchers
        now = loaded_warheads(system)
        capacity = round_half_up(total * system.max_warheads_per_launcher)
        room = max(capacity - now, 0)
        available = system.upload_warheads_available
        if available is not None and round_half_up(available) < room:
            available = round_half_up(available)
            potential, bound = available, BOUND_AVAILABLE
            note = system.sources.get("upload_warheads_available", "")
        else:
            available = None if available is None else round_half_up(available)
            potential, bound = room, BOUND_CAPACITY
            note = system.sources.get("max_warheads_per_launcher", "")
        rows.append(
            UploadRow(
                system=name,
                deployed_launchers=system.launchers,
                non_deployed_launchers=system.non_deployed_launchers,
                warheads_per_launcher=system.warheads_per_launcher,
                max_warheads_per_launcher=system.max_warheads_per_launcher,
                warheads_now=now,
                capacity=capacity,
                warheads_available=available,
                upload_potential=potential,
                bound=bound,
                bound_source=note,
            )
        )
    if side.reserve is not None:
        reserve = round_half_up(side.reserve.warheads)
        wanted = [r.added_warheads for r in rows]
        if sum(wanted) > reserve:
            note = (
                f"{side.reserve.sources.get('warheads', '')}; assumption: the side's {reserve:,} stored"
                " warheads shared among its systems in proportion to what each could take"
            ).lstrip("; ")
            shares = _shares(reserve, wanted)
            rows = [
                replace(r, upload_potential=share, bound=BOUND_RESERVE, bound_source=note)
                if share < r.added_warheads
                else r
                for r, share in zip(rows, shares, strict=True)
            ]
    return rows


def uploaded(side: Side, rows: list[UploadRow] | None = None) -> Side:
    """The side after upload (``rows``: :func:`upload_rows`, computed if not given): each
    nuclear system's upload potential loaded on its deployed launchers first, up to
    capacity, the rest on as many of its non-deployed launchers as it fills (they become
    deployed). With no bound this deploys every launcher loaded to capacity. Conventional
    systems and defences are unchanged."""
    by_name = {r.system: r for r in (upload_rows(side) if rows is None else rows)}
    systems: dict[str, System] = {}
    for name, system in side.systems.items():
        row = by_name.get(name)
        if row is not None:
            launchers = system.launchers + row.redeployed_launchers
            warheads = row.warheads_now + row.added_warheads
            system = system.model_copy(
                update={
                    "launchers": launchers,
                    "non_deployed_launchers": system.non_deployed_launchers - row.redeployed_launchers,
                    "warheads_per_launcher": warheads / launchers if launchers else 0.0,
                }
            )
        systems[name] = system
    return side.model_copy(update={"systems": systems})


def totals(counts: Mapping[str, LimitCount]) -> dict[str, int]:
    return {name: c.counted for name, c in counts.items()}

"""Treaty assessment of a scenario under a framework: counts, compliance, upload potential.

Upload: each nuclear system's *launcher capacity* (what its launchers can carry) and its
*upload potential* (that capacity bounded by the stored warheads of its types and by the
side's reserve, :func:`counting.upload_rows`); the counts after upload use the bounded figure.

An assessment knows the framework's status on the scenario's ``date`` (today's date when
the scenario gives none): in force, not yet binding (before ``binding_from``) or expired
(on or after ``expires``; New START's limits bound from 2018-02-05, SD2, and it expired
on 2026-02-05, EXP and ACA1 in ``data/sources.csv``). Counts and compliance are always computed as if the
limits were in force; every output that says "compliant" or "exceeds" carries the status
when it is not "in force" (:func:`status_qualifier`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from security_equation.data.sources import is_assumption
from security_equation.io.errors import InputError, Problem
from security_equation.schema.framework import LOADED, Framework, Limit
from security_equation.schema.scenario import Scenario, Side
from security_equation.treaty import counting
from security_equation.treaty.counting import LimitCount, UploadRow
from security_equation.treaty.frameworks import load_framework, with_limits

#: The status of a framework on a date whose limits bind.
IN_FORCE = "in force"
#: The status before the framework's ``binding_from`` date.
NOT_YET_BINDING = "not yet binding"


def as_of_date(scenario: Scenario) -> dt.date:
    """The date a framework is judged on: the scenario's ``date``, else today's date."""
    return scenario.date if scenario.date is not None else dt.date.today()


def framework_status(framework: Framework, on: dt.date) -> str:
    """``"in force"``, ``"not yet binding"`` (before ``binding_from``) or
    ``"expired on YYYY-MM-DD — shown as if in force"`` (on or after ``expires``, the date
    the framework lapsed: it binds until the day before)."""
    if framework.binding_from is not None and on < framework.binding_from:
        return NOT_YET_BINDING
    if framework.expires is not None and on >= framework.expires:
        return f"expired on {framework.expires.isoformat()} — shown as if in force"
    return IN_FORCE


def status_qualifier(status: str | None) -> str:
    """What follows a "compliant" / "exceeds" verdict: ``""`` when the limits are in force
    (or the status is unknown), else ``" (<status>)"``, e.g. ``" (expired on 2026-02-05 —
    shown as if in force)"``."""
    return f" ({status})" if status and status != IN_FORCE else ""


@dataclass(frozen=True)
class SideAssessment:
    """One side under the framework: each limit counted, and the upload potential."""

    name: str
    label: str
    limits: dict[str, LimitCount]
    upload: list[UploadRow]
    after_upload: dict[str, LimitCount]
    #: The side's non-deployed warheads available for upload and their source (None: the
    #: scenario gives no side total).
    reserve: tuple[float, str] | None = None

    @property
    def compliant(self) -> bool:
        return all(c.compliant for c in self.limits.values())

    @property
    def added_warheads(self) -> int:
        """The upload potential: launcher capacity bounded by the warheads that exist."""
        return sum(r.added_warheads for r in self.upload)

    @property
    def launcher_capacity_added(self) -> int:
        """What the launchers could carry beyond today's loading, warheads or not."""
        return sum(r.launcher_capacity_added for r in self.upload)

    @property
    def compliant_after_upload(self) -> bool:
        return all(c.compliant for c in self.after_upload.values())

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "compliant": self.compliant,
            "limits": [
                {
                    "name": c.name,
                    "label": c.limit.label,
                    "unit": c.limit.unit,
                    "limit": c.limit.limit,
                    "counted": c.counted,
                    "headroom": c.headroom,
                    "compliant": c.compliant,
                    "by_system": dict(c.by_system),
                }
                for c in self.limits.values()
            ],
            "upload": {
                "by_system": [r.to_dict() for r in self.upload],
                "launcher_capacity_added": self.launcher_capacity_added,
                "upload_potential": self.added_warheads,
                "reserve": None
                if self.reserve is None
                else {"warheads": self.reserve[0], "source": self.reserve[1]},
                "added_warheads": self.added_warheads,
                "totals_after_upload": counting.totals(self.after_upload),
                "compliant_after_upload": self.compliant_after_upload,
            },
        }


def counts_warheads(limit) -> bool:
    """Whether a limit counts warheads (its unit, or a rule counting loaded warheads)."""
    return limit.unit == "warheads" or any(r.each == LOADED for r in limit.rules)


@dataclass(frozen=True)
class CoalitionCount:
    """One limit on a coalition's aggregate: the members' counted totals summed, now and
    after each member's upload potential (each bounded by its stored warheads)."""

    name: str
    limit: Limit
    by_member: dict[str, int]
    after_by_member: dict[str, int]
    #: The members' upload potential summed (warheads; each bounded by the warheads that exist).
    upload_potential: int

    @property
    def counted(self) -> int:
        return sum(self.by_member.values())

    @property
    def after_upload(self) -> int:
        return sum(self.after_by_member.values())

    @property
    def headroom(self) -> int:
        return self.limit.limit - self.counted

    @property
    def compliant(self) -> bool:
        return self.counted <= self.limit.limit

    @property
    def compliant_after_upload(self) -> bool:
        return self.after_upload <= self.limit.limit

    @property
    def upload_within_limit(self) -> int | None:
        """For a limit on warheads: the members' upload potential bounded by the aggregate
        limit where it binds (less what the count after upload exceeds it by, not below 0);
        None for a limit counting something else."""
        if not counts_warheads(self.limit):
            return None
        excess = max(self.after_upload - max(self.limit.limit, self.counted), 0)
        return max(self.upload_potential - excess, 0)

    def to_dict(self) -> dict:
        within = self.upload_within_limit
        return {
            "name": self.name,
            "label": self.limit.label,
            "unit": self.limit.unit,
            "limit": self.limit.limit,
            "counted": self.counted,
            "headroom": self.headroom,
            "compliant": self.compliant,
            "by_member": dict(self.by_member),
            "upload": {
                "upload_potential": self.upload_potential,
                "upload_within_limit": within,
                "bound": None
                if within is None
                else (
                    "aggregate limit" if within < self.upload_potential else "stored warheads and launchers"
                ),
                "after_upload": self.after_upload,
                "by_member_after_upload": dict(self.after_by_member),
                "compliant_after_upload": self.compliant_after_upload,
            },
        }


@dataclass(frozen=True)
class CoalitionAssessment:
    """A coalition under the framework's limits on its aggregate: its members that are
    sides of the scenario, where the coalition is defined and each limit counted."""

    name: str
    members: tuple[str, ...]
    defined_by: str
    limits: dict[str, CoalitionCount]

    @property
    def compliant(self) -> bool:
        return all(c.compliant for c in self.limits.values())

    def to_dict(self) -> dict:
        return {
            "members": list(self.members),
            "defined_by": self.defined_by,
            "compliant": self.compliant,
            "limits": [c.to_dict() for c in self.limits.values()],
        }


@dataclass(frozen=True)
class TreatyAssessment:
    """A scenario counted under a framework, for both sides."""

    framework: Framework
    scenario_name: str
    sides: dict[str, SideAssessment]
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: The date the framework's status is judged on (the scenario's ``date``, else today).
    as_of: dt.date = field(default_factory=dt.date.today)
    #: Whether ``as_of`` is the scenario's own date (False: today's, the scenario has none).
    dated: bool = False
    #: Coalitions under limits on their aggregate (at least two members in the scenario).
    coalitions: dict[str, CoalitionAssessment] = field(default_factory=dict)

    @property
    def compliant(self) -> bool:
        """Every side within the limits that cover it, every coalition within its aggregate."""
        return all(s.compliant for s in self.sides.values()) and all(
            c.compliant for c in self.coalitions.values()
        )

    @property
    def status(self) -> str:
        """The framework's status on ``as_of`` (:func:`framework_status`)."""
        return framework_status(self.framework, self.as_of)

    @property
    def in_force(self) -> bool:
        return self.status == IN_FORCE

    def assumptions(self) -> list[str]:
        """The framework's assumptions, each limit value marked as an assumption, and notes
        on applying the framework to this scenario."""
        out = list(self.framework.assumptions)
        for name, limit in self.framework.limits.items():
            if is_assumption(limit.source):
                reason = limit.source.split(":", 1)[1].strip() if ":" in limit.source else limit.source
                out.append(f"limit {name} = {limit.limit:,}: {reason}")
            for side, items in limit.allowances.items():
                for item_name, item in items.items():
                    if is_assumption(item.source) or "inferred" in item.source:
                        out.append(f"{name}: {side} {item_name} = {item.count:,} ({item.source})")
        out.extend(self.notes)
        return out

    def to_dict(self) -> dict:
        fw = self.framework
        return {
            "framework": {
                "name": fw.name,
                "title": fw.title,
                "description": " ".join(fw.description.split()),
                "origin": fw.origin,
                "assumptions": self.assumptions(),
            },
            "compliant": self.compliant,
            "sides": {name: side.to_dict() for name, side in self.sides.items()},
            "status": self.status,
            "as_of": self.as_of.isoformat(),
            **(
                {"coalitions": {n: c.to_dict() for n, c in self.coalitions.items()}}
                if self.coalitions
                else {}
            ),
        }


def _scenario_dir(scenario: Scenario) -> Path | None:
    """The directory of a user scenario file, for frameworks named relative to it."""
    if scenario.origin is None:
        return None
    path = Path(scenario.origin)
    return path if path.is_file() else None


def resolve_for(scenario: Scenario, framework: str | Path | Framework | None) -> Framework:
    """The framework to use: the one given, else the scenario's own ``framework`` field."""
    if isinstance(framework, Framework):
        return framework
    if framework is not None:
        return load_framework(framework)
    try:
        return load_framework(scenario.framework, relative_to=_scenario_dir(scenario))
    except InputError as exc:
        # Point at the scenario's `framework:` field for a name that cannot be resolved.
        raise InputError(
            [p if p.file else Problem(p.message, "framework", scenario.origin, p.line) for p in exc.problems]
        ) from None


def assess(
    scenario: Scenario,
    framework: str | Path | Framework | None = None,
    *,
    limits: Mapping[str, Any] | None = None,
) -> TreatyAssessment:
    """Count a scenario's forces under a treaty framework.

    ``framework``: a bundled name (``new-start``, ``all-warheads-cap``, ``security-equation``),
    a YAML file, or a loaded ``Framework``; ``None`` uses ``scenario.framework``.
    ``limits`` changes limit values (``{"all_warheads": 3500}``), e.g. for the hypothetical
    frameworks whose values are assumptions. Bad input raises ``InputError``.
    """
    fw = resolve_for(scenario, framework)
    if limits:
        fw = with_limits(fw, limits)
    notes = counting.skipped_sides(fw, scenario.sides)
    sides: dict[str, SideAssessment] = {}
    #: Side -> (the side after its upload, the warheads that upload adds).
    uploads: dict[str, tuple[Side, int]] = {}
    for side_name, side in scenario.sides.items():
        counts = counting.count_side(side, fw, side_name)
        rows = counting.upload_rows(side)
        added = sum(r.added_warheads for r in rows)
        after_side = counting.uploaded(side, rows)
        uploads[side_name] = (after_side, added)
        after = counting.count_side(after_side, fw, side_name, drawn=added)
        sides[side_name] = SideAssessment(
            name=side_name,
            label=side.label or side_name,
            limits=counts,
            upload=rows,
            after_upload=after,
            reserve=None
            if side.reserve is None
            else (side.reserve.warheads, side.reserve.sources.get("warheads", "")),
        )
    for limit_name, limit in fw.limits.items():
        if limit.allowances:
            for side_name in scenario.sides:
                if limit.covers(side_name) and side_name not in limit.allowances:
                    known = ", ".join(limit.allowances)
                    notes.append(
                        f"{limit_name}: no allowance for side '{side_name}' in the framework"
                        f" (it has: {known}); items outside the scenario are counted as 0"
                    )
    coalitions: dict[str, CoalitionAssessment] = {}
    for agg in counting.aggregates(fw, list(scenario.sides), scenario.coalitions):
        why = f" ({' '.join(agg.limit.coalition_source.split())})" if agg.limit.coalition_source else ""
        notes.append(
            f"{agg.limit_name}: also caps the sum over coalition {agg.coalition} ({', '.join(agg.members)};"
            f" as the {agg.defined_by} defines it) at {agg.limit.limit:,}{why}"
        )
        now, after_upload, potential = {}, {}, 0
        for member in agg.members:
            after_side, added = uploads[member]
            side = scenario.sides[member]
            now[member] = counting.count_limit(side, agg.limit_name, agg.limit, member).counted
            after_upload[member] = counting.count_limit(
                after_side, agg.limit_name, agg.limit, member, drawn=added
            ).counted
            potential += added
        entry = coalitions.setdefault(
            agg.coalition, CoalitionAssessment(agg.coalition, agg.members, agg.defined_by, {})
        )
        entry.limits[agg.limit_name] = CoalitionCount(agg.limit_name, agg.limit, now, after_upload, potential)
    return TreatyAssessment(
        fw,
        scenario.name,
        sides,
        tuple(notes),
        as_of=as_of_date(scenario),
        dated=scenario.date is not None,
        coalitions=coalitions,
    )

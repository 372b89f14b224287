"""The scenario data model: strict, frozen pydantic models with units in names.

Every model forbids unknown keys, so a typo is an error, not a silent default.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, PrivateAttr, field_validator, model_validator

from security_equation.engine import constants
from security_equation.schema.base import StrictModel, located_problems

#: The largest count or magnitude any field takes: far beyond anything plausible (those
#: are warnings, ``schema.plausible``), but finite after any product the model forms, and
#: whole numbers that convert to floats and NumPy integers.
MAX_MAGNITUDE = 10**12

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Count = Annotated[int, Field(ge=0, le=MAX_MAGNITUDE)]
NonNegative = Annotated[float, Field(ge=0.0, le=MAX_MAGNITUDE)]
Positive = Annotated[float, Field(gt=0.0, le=MAX_MAGNITUDE)]

#: Fewest and most sides a scenario takes (every ordered pair is an exchange: 8 sides
#: are 56 first strikes).
MIN_SIDES = 2
MAX_SIDES = 8


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a side, system, defence or override (they are parts of
    dotted paths such as ``us.systems.minuteman_iii.cep_m``), or None."""
    if not name:
        return "a name may not be empty"
    if "." in name:
        return f"{name!r} may not be a name: it has a dot, which separates the parts of a dotted path"
    # Spaces inside a name are allowed (``b52 (converted)``); at its ends, or as tabs and
    # line breaks, white space is invisible in messages and on the command line.
    if name != name.strip() or any(c.isspace() and c != " " for c in name):
        return f"{name!r} may not be a name: it has white space at an end, or a tab or line break"
    if not name.isprintable() or any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        return f"{name!r} may not be a name: it has a control or unprintable character"
    return None


def _name(value: str) -> str:
    problem = name_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _side_name(value: str) -> str:
    _name(value)
    if value in RESERVED_SIDE_NAMES:
        raise ValueError(f"'{value}' may not name a side: it is a top-level key of a scenario")
    return value


#: A side, system or defence name: no dots, white space or control characters.
Name = Annotated[str, AfterValidator(_name)]
SideName = Annotated[str, AfterValidator(_side_name)]

Category = Literal["icbm_silo", "icbm_mobile", "slbm", "bomber", "cruise_missile", "conventional_strike"]
#: Categories based in fixed, known locations: all of them are targets, whatever the alert.
FIXED_CATEGORIES = frozenset({"icbm_silo"})
CATEGORIES: tuple[str, ...] = constants.CATEGORIES  # the engine's order; Category must list the same


class AlertFractions(StrictModel):
    """Share of a survivable force that survives a surprise attack (at sea, dispersed, on alert)."""

    day_to_day: Probability
    generated: Probability

    @model_validator(mode="after")
    def _generated_not_below_day_to_day(self) -> AlertFractions:
        if self.generated < self.day_to_day:
            raise ValueError(
                f"generated ({self.generated}) must be >= day_to_day ({self.day_to_day}):"
                " generating forces puts more of them on alert"
            )
        return self


class System(StrictModel):
    """One weapon system of a side: launchers, loading, effects, posture and treaty flags."""

    category: Category
    nuclear: bool
    ballistic: bool
    launchers: Count = Field(description="Deployed launchers (missiles in launchers, deployed bombers).")
    non_deployed_launchers: Count = 0
    test_launchers: Count = Field(0, description="Test launchers: listed, never counted.")
    converted_launchers: Count = Field(
        0, description="Launchers or bombers converted to non-nuclear roles: not accountable."
    )
    training_launchers: Count = Field(
        0,
        description="Launchers the side treats as training launchers, outside New START's count"
        " (e.g. the 4 US 'training silos' of MFA1): carry no missile, counted only by a rule"
        " that names them.",
    )
    warheads_per_launcher: NonNegative = Field(description="Average warheads loaded per deployed launcher.")
    max_warheads_per_launcher: NonNegative = Field(description="Upload capacity per launcher.")
    upload_warheads_available: NonNegative | None = Field(
        None,
        description="Non-deployed (stored) warheads of this system's types that exist to upload"
        " onto it: bounds its upload potential (`seceq treaty`) and the arms race's uploads and"
        " redeployments. None: not bounded (only the launchers' capacity). Cite a source or"
        " 'assumption: reason'.",
    )
    yield_kt: NonNegative = 0.0
    cep_m: Positive
    reliability: Probability
    alert_fraction: AlertFractions | None = Field(
        None, description="Required for survivable categories; fixed silos have none."
    )
    hardness_psi: Positive = Field(
        description="Hardness of one aim point (a silo, a boat in port, a bomber base) as a target."
    )
    aim_points_per_launcher: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        1.0,
        description="Aim points an attacker strikes per launcher (docs/model.md, 'First strike"
        " and retaliation', step 2): 1 for silos, mobile launchers or bombers aimed at one"
        " by one; 1/tubes for a submarine in port (one shot kills the boat and every tube);"
        " bases/aircraft for bombers aimed at per base. Cite a source or 'assumption: reason'.",
    )
    prompt: bool | None = Field(
        None,
        description="Fast enough for a disarming first strike (counterforce). Default: the"
        " ballistic flag (ballistic missiles and boost-glide weapons are prompt; bombers and"
        " cruise missiles are not).",
    )
    kill_probability: dict[Category, Probability] | None = Field(
        None,
        description="Terminal kill probability per target category, given directly instead of"
        " yield/CEP (required for non-nuclear systems).",
    )
    newstart_accountable: bool = True
    heavy_bomber: bool = False
    sources: dict[str, str] = Field(
        default_factory=dict,
        description="Source id per field (see `seceq data show sources`) or 'assumption: reason'.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> System:
        problems = []
        if self.max_warheads_per_launcher < self.warheads_per_launcher:
            problems.append(
                f"max_warheads_per_launcher ({self.max_warheads_per_launcher}) must be >="
                f" warheads_per_launcher ({self.warheads_per_launcher})"
            )
        if self.category not in FIXED_CATEGORIES and self.alert_fraction is None:
            problems.append(f"alert_fraction is required for category '{self.category}'")
        if self.category in FIXED_CATEGORIES and self.alert_fraction is not None:
            problems.append("alert_fraction does not apply to fixed silos (use posture.launch_under_attack)")
        if not self.nuclear and self.kill_probability is None:
            problems.append("kill_probability is required for a non-nuclear system")
        if self.nuclear and self.yield_kt <= 0 and self.kill_probability is None:
            problems.append("a nuclear system needs yield_kt > 0 or kill_probability")
        if self.prompt and self.category == "bomber":
            problems.append("a bomber is not prompt (too slow for a disarming first strike)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def fixed(self) -> bool:
        return self.category in FIXED_CATEGORIES

    @property
    def is_prompt(self) -> bool:
        """Takes part in a counterforce strike: ``prompt`` if given, else ``ballistic``."""
        return self.ballistic if self.prompt is None else self.prompt


class MissileDefence(StrictModel):
    """A layer of missile defence against ballistic warheads (docs/model.md, "Defences")."""

    kind: Literal["missile_defence"]
    interceptors: Count
    kill_probability: Probability
    shots_per_warhead: Annotated[int, Field(ge=1)]
    system_reliability: Probability
    protects: Literal["value", "forces", "both"] = "value"
    decoys_per_warhead: NonNegative = Field(
        0.0,
        description="Decoys accompanying each warhead as this layer sees them (a midcourse layer"
        " sees light decoys, a terminal one few).",
    )
    discrimination_probability: Probability = Field(
        1.0, description="Chance the layer recognises a decoy as one and ignores it."
    )
    firing: Literal["salvo", "shoot_look_shoot"] = Field(
        "salvo",
        description="salvo: up to shots_per_warhead at once; shoot_look_shoot: half of them"
        " (at least one), look, then the rest at the survivors.",
    )
    sources: dict[str, str] = Field(default_factory=dict)


class AirDefence(StrictModel):
    """Air defence against bombers and cruise missiles."""

    kind: Literal["air_defence"]
    penetration_probability: Probability
    sources: dict[str, str] = Field(default_factory=dict)


Defence = Annotated[MissileDefence | AirDefence, Field(discriminator="kind")]


class Value(StrictModel):
    """The countervalue target base: w80 arriving warheads destroy 80 % of it,
    or a tabulated damage curve of (warheads, damage) points."""

    w80: Positive | None = None
    table: list[tuple[NonNegative, Probability]] | None = None
    sources: dict[str, str] = Field(default_factory=dict)

    @field_validator("table", mode="before")
    @classmethod
    def _points_from_lists(cls, value):
        # YAML and TOML have no tuples: accept each point as a two-element list.
        if isinstance(value, list):
            return [tuple(p) if isinstance(p, list) else p for p in value]
        return value

    @model_validator(mode="after")
    def _one_form(self) -> Value:
        if (self.w80 is None) == (self.table is None):
            raise ValueError("give exactly one of w80 or table")
        if self.table is not None:
            xs = [w for w, _ in self.table]
            ds = [d for _, d in self.table]
            if len(self.table) < 2 or xs[0] != 0 or ds[0] != 0:
                raise ValueError("table needs at least two points and must start at (0, 0)")
            if any(b <= a for a, b in zip(xs, xs[1:], strict=False)) or any(
                b < a for a, b in zip(ds, ds[1:], strict=False)
            ):
                raise ValueError("table warheads must increase and damage must not decrease")
        return self


class Posture(StrictModel):
    """How a side holds its forces in a crisis."""

    alert: Literal["day_to_day", "generated"]
    launch_under_attack: Probability = Field(
        description="Share of fixed forces launched before enemy warheads arrive."
    )
    holdback_fraction: Probability = Field(description="Share of weapons kept for third countries.")
    reserve: Literal["fixed", "endogenous"] = Field(
        "fixed",
        description="What the side keeps back from a strike for its other adversaries: 'fixed'"
        " = holdback_fraction; 'endogenous' = enough to meet requirement.arriving_warheads"
        " against each other adversary, most survivable warheads first (docs/model.md,"
        " 'Three and more powers').",
    )
    max_warheads_per_target: Annotated[int, Field(ge=1, le=10)] = Field(
        description="Most warheads this side aims at one counterforce target."
    )
    sources: dict[str, str] = Field(default_factory=dict)


class Requirement(StrictModel):
    """What a side holds as enough, and how it builds (the action–reaction model,
    docs/model.md "Arms race")."""

    arriving_warheads: NonNegative = Field(
        description="Assured retaliation: retaliatory warheads that must arrive after absorbing"
        " the adversary's best first strike."
    )
    counterforce_share: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.0,
        description="Counterforce coverage: the share of the adversary's aim points the side"
        " holds at risk with its prompt nuclear warheads, at its per-target cap"
        " (posture.max_warheads_per_target warheads per aim point); 0: no such requirement.",
    )
    builds: str | None = Field(
        None,
        description="The system the side builds new launchers of once uploads and redeployments"
        " are used up (default: its most survivable nuclear system).",
    )
    sources: dict[str, str] = Field(default_factory=dict)


class Reserve(StrictModel):
    """A side's non-deployed strategic warheads, the whole pool every upload draws on."""

    warheads: NonNegative = Field(
        description="Non-deployed warheads available for upload, side total: bounds the sum of"
        " the systems' uploads (`seceq treaty`, arms race). Cite a source or 'assumption: reason'."
    )
    sources: dict[str, str] = Field(default_factory=dict)


class Side(StrictModel):
    """One of the powers of a scenario."""

    label: str | None = None
    systems: dict[Name, System]
    defences: dict[Name, Defence] = Field(default_factory=dict)
    value: Value
    posture: Posture
    requirement: Requirement | None = None
    commits_to: list[str] = Field(
        default_factory=list,
        description="Sides this side is committed to defend (extended deterrence): when one of"
        " them is struck, this side's forces retaliate on the attacker's value too.",
    )
    reserve: Reserve | None = Field(
        None, description="Non-deployed warheads available for upload, side total (None: not bounded)."
    )
    sources: dict[str, str] = Field(
        default_factory=dict,
        description="Source id(s) or 'assumption: reason' for the side's own fields (commits_to).",
    )

    @model_validator(mode="after")
    def _has_systems(self) -> Side:
        if not self.systems:
            raise ValueError("a side needs at least one system")
        if sum(isinstance(d, AirDefence) for d in self.defences.values()) > 1:
            raise ValueError("at most one air_defence entry per side")
        builds = self.requirement.builds if self.requirement else None
        if builds is not None:
            system = self.systems.get(builds)
            can_build = [n for n, s in self.systems.items() if s.nuclear and s.max_warheads_per_launcher > 0]
            if system is None or builds not in can_build:
                raise ValueError(
                    f"requirement.builds must name one of this side's nuclear systems that carry"
                    f" warheads ({', '.join(can_build) or 'none'}); got {builds!r}"
                )
        return self


class Settings(StrictModel):
    """Model constants (defaults from the literature, see security_equation.engine.constants)."""

    lethal_radius_nmi: Positive = constants.LETHAL_RADIUS_NMI
    lethal_radius_exponent: Positive = constants.LETHAL_RADIUS_EXPONENT
    cost_exponent: Positive = constants.COST_EXPONENT
    cost_enemy_weight: NonNegative = constants.COST_ENEMY_WEIGHT
    attacker_survivable_available: Probability = constants.ATTACKER_SURVIVABLE_AVAILABLE
    allocation: Literal["greedy", "reliable", "best"] = Field(
        "reliable",
        description="How a first strike's counterforce allocation is planned (docs/model.md,"
        " step 3): 'reliable' ranks options by the victim's reliable warheads destroyed per"
        " reliable warhead forgone; 'greedy' counts all warheads destroyed (the rule before"
        " 2026-12); 'best' also plans shot-first for attackers with two weapon types or more"
        " and keeps the plan cheaper for the attacker (monotone, about half the speed).",
    )


#: The parameters each distribution takes, in the order they are shown.
_DISTRIBUTION_PARAMETERS = {
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("median", "sigma"),
}


class Distribution(StrictModel):
    """An uncertain value: ``{dist: uniform, low: 1, high: 2}`` and so on."""

    dist: Literal["uniform", "triangular", "normal", "lognormal"]
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: Annotated[float, Field(gt=0)] | None = None
    median: Annotated[float, Field(gt=0)] | None = None
    sigma: Annotated[float, Field(gt=0)] | None = None
    bounds: tuple[float, float] | None = None

    @field_validator("bounds", mode="before")
    @classmethod
    def _bounds_from_list(cls, value):
        # YAML has no tuples: accept a two-element list, as strict mode otherwise refuses it.
        return tuple(value) if isinstance(value, list) else value

    def describe(self) -> str:
        """One line: ``normal(mean=0.5, sd=0.1) in [0, 1]``."""
        names = _DISTRIBUTION_PARAMETERS[self.dist]
        text = f"{self.dist}(" + ", ".join(f"{n}={getattr(self, n):g}" for n in names) + ")"
        if self.bounds is not None:
            text += f" in [{self.bounds[0]:g}, {self.bounds[1]:g}]"
        return text

    @model_validator(mode="after")
    def _parameters(self) -> Distribution:
        need = _DISTRIBUTION_PARAMETERS[self.dist]
        given = {
            k
            for k in ("low", "high", "mode", "mean", "sd", "median", "sigma")
            if getattr(self, k) is not None
        }
        missing = [k for k in need if k not in given]
        extra = sorted(given - set(need))
        if missing:
            raise ValueError(f"{self.dist} needs {', '.join(need)}; missing {', '.join(missing)}")
        if extra:
            raise ValueError(f"{self.dist} takes {', '.join(need)}; unexpected {', '.join(extra)}")
        if self.dist in ("uniform", "triangular") and not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be < high ({self.high})")
        if self.dist == "triangular" and not self.low <= self.mode <= self.high:
            raise ValueError("mode must lie within [low, high]")
        if self.bounds is not None and not self.bounds[0] < self.bounds[1]:
            raise ValueError("bounds must be (lower, upper) with lower < upper")
        return self

    def nominal(self) -> float:
        """The central value used where one number is needed."""
        import math

        value = {
            "uniform": lambda: (self.low + self.high) / 2,
            "triangular": lambda: self.mode,
            "normal": lambda: self.mean,
            "lognormal": lambda: self.median,
        }[self.dist]()
        if self.bounds is not None:
            value = min(max(value, self.bounds[0]), self.bounds[1])
        return float(value) if not math.isnan(value) else value

    def support(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take (±inf where unbounded)."""
        lo, hi = {
            "uniform": (self.low, self.high),
            "triangular": (self.low, self.high),
            "normal": (-float("inf"), float("inf")),
            "lognormal": (0.0, float("inf")),
        }[self.dist]
        if self.bounds is not None:
            lo, hi = max(lo, self.bounds[0]), min(hi, self.bounds[1])
        return lo, hi


class Edit(StrictModel):
    """One value changed from the scenario as its files give it: by ``--set``, a named
    override, a web edit or a sweep axis, with the value and source note it replaced
    (recorded by ``io.loading``; docs/model.md, "Provenance of edited values")."""

    path: str = Field(description="Dotted path of the changed field, e.g. us.defences.gmd.interceptors.")
    by: str = Field(description="What changed it: '--set', 'override <name>', 'web edit' or 'sweep axis'.")
    value: Any = Field(description="The value now in the scenario.")
    original_value: Any = Field(None, description="The value the files give (None: not set there).")
    original_source: str | None = Field(None, description="The field's source note in the files, if any.")

    def describe(self, note: str | None = None) -> str:
        """The source text of the edited figure, e.g. ``edited by --set (was 64: MD2; MD3)``;
        ``note`` is the field's note now, kept in front when the edit gave a new one."""
        was = "not set" if self.original_value is None else f"was {_plain(self.original_value)}"
        text = f"edited by {self.by} ({was}" + (f": {self.original_source})" if self.original_source else ")")
        return f"{note}; {text}" if note and note != self.original_source else text


def _plain(value: Any) -> str:
    """A value as a note shows it (a date as YYYY-MM-DD, a mapping in flow style)."""
    if isinstance(value, dt.date | str | int | float):
        return str(value)
    import json

    return json.dumps(value, default=str)


def coalition_problems(
    loc: tuple, members: list[str], sides: dict | None = None, *, at_least_two: bool = True
) -> list[tuple[tuple, str, Any]]:
    """``(loc, message, value)`` for a coalition (or, without ``at_least_two``, any list of
    sides) at ``loc``: fewer than two different sides, a member that is no side of ``sides``
    (when given) and a member named twice, each member at ``loc + (index,)``."""
    problems = []
    if at_least_two and len(set(members)) < 2:
        problems.append((loc, "a coalition needs at least two different sides", members))
    for i, member in enumerate(members):
        if sides is not None and member not in sides:
            problems.append(((*loc, i), f"no side named {member!r} (sides: {', '.join(sides)})", member))
        elif members.index(member) != i:
            problems.append(((*loc, i), f"{member!r} is named twice", member))
    return problems


def relation_problems(sides: dict, coalitions: dict) -> list[tuple[tuple, str, Any]]:
    """``(loc, message, value)`` for every commitment or coalition that names no side of
    the scenario, a side committed to itself, a coalition of fewer than two sides or named
    like a side, and every ally cycle (a side committed, through others, to a side committed
    to it: commitments run from protector to protected; mutual defence is a coalition)."""
    problems = []
    names = ", ".join(sides)
    for name, side in sides.items():
        for i, other in enumerate(side.commits_to):
            loc = ("sides", name, "commits_to", i)
            if other == name:
                problems.append((loc, f"a side cannot be committed to itself ({name!r})", other))
            elif other not in sides:
                problems.append((loc, f"no side named {other!r} (sides: {names})", other))
            elif side.commits_to.index(other) != i:
                problems.append((loc, f"{other!r} is named twice", other))
    for group, members in coalitions.items():
        if group in sides:
            problems.append(
                (("coalitions", group), f"a coalition cannot be named like a side ({group!r})", group)
            )
        problems += coalition_problems(("coalitions", group), members, sides)
    # Ally cycles: a depth-first walk over the commitments between known sides.
    edges = {n: [o for o in s.commits_to if o in sides and o != n] for n, s in sides.items()}
    state: dict[str, int] = {}
    reported: set[frozenset] = set()

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in edges[node]:
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    # Each commitment of the cycle, so the one the user wrote is named
                    # wherever the others come from (a base file, --set).
                    for source, protected in zip(cycle, cycle[1:], strict=False):
                        i = sides[source].commits_to.index(protected)
                        problems.append(
                            (
                                ("sides", source, "commits_to", i),
                                "an ally cycle: " + " → ".join(cycle) + " (a commitment runs from"
                                " protector to protected; for mutual defence name a coalition)",
                                protected,
                            )
                        )
            elif nxt not in state:
                walk(nxt, path + [nxt])
        state[node] = 2

    for node in sides:
        if node not in state:
            walk(node, [node])
    return problems


class Scenario(StrictModel):
    """A complete, validated scenario: two to eight sides and the model settings. The
    engine runs every ordered pair of sides (docs/model.md, "Three and more powers")."""

    name: str
    description: str = ""
    framework: str = "new-start"
    date: Annotated[dt.date, Field(strict=False)] | None = Field(
        None,
        description="The date the forces describe (YYYY-MM-DD). A framework is judged in force,"
        " not yet binding or expired on this date (today's date when none is given).",
    )
    sides: dict[SideName, Side]
    coalitions: dict[Name, list[str]] = Field(
        default_factory=dict,
        description="Named groups of two or more sides (e.g. nato: [us, uk, france]): members are"
        " allies, not adversaries; a coalition strikes together (pooled weapons, each with its own"
        " kill probabilities) and is struck together, and frameworks may limit its aggregate"
        " (docs/model.md, 'Coalitions').",
    )
    settings: Settings = Settings()
    references: dict[str, str] = Field(
        default_factory=dict, description="Extra source ids this scenario cites: id -> description."
    )
    uncertainty: dict[str, Distribution] = Field(
        default_factory=dict, description="Dotted path -> distribution (filled from inline dists)."
    )
    applied_overrides: tuple[str, ...] = ()
    origin: str | None = Field(None, description="File the scenario came from.")
    edits: tuple[Edit, ...] = Field(
        (), description="Values changed from the files (set by the loader, never by a file)."
    )
    #: Values outside their plausible ranges (``schema.plausible``), as located
    #: ``io.errors.Problem``s: set by the loader, never by a file; not dumped.
    _warnings: tuple = PrivateAttr(())

    @field_validator("sides")
    @classmethod
    def _side_count(cls, sides: dict) -> dict:
        # A field validator, so the problem is located at ``sides`` in the file.
        if len(sides) < MIN_SIDES:
            raise ValueError(f"a scenario needs at least two sides, got {len(sides)}")
        if len(sides) > MAX_SIDES:
            raise ValueError(f"a scenario takes at most {MAX_SIDES} sides, got {len(sides)}")
        return sides

    @model_validator(mode="after")
    def _relations(self) -> Scenario:
        """Commitments and coalitions name sides of this scenario, and commitments run one
        way (no ally cycle); each problem located at its own dotted path."""
        error = located_problems("Scenario", relation_problems(self.sides, self.coalitions))
        if error is not None:
            raise error
        return self

    @property
    def warnings(self) -> tuple:
        """Located warnings the loader found (``io.errors.Problem``; docs/model.md,
        "Plausible ranges"): the model runs, but the values deserve a check."""
        return self._warnings

    @property
    def side_names(self) -> tuple[str, ...]:
        """The sides in file order (two to :data:`MAX_SIDES`)."""
        return tuple(self.sides)


#: Keys of a scenario file's top level (the scenario's fields and the loader's ``extends``
#: and ``overrides``): a side may not be named as one (``settings.x`` or ``coalitions.x``
#: would be ambiguous as a dotted path; ``io.paths.TOP_LEVEL_KEYS`` reads them so).
RESERVED_SIDE_NAMES = frozenset(Scenario.model_fields) | {"extends", "overrides"}

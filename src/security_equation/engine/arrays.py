"""Array containers the engine works on: one leading batch axis everywhere.

``SideArrays`` holds a side's numbers as ``(batch, systems)``, ``(batch, layers)`` and
``(batch,)`` arrays, plus the structure that no batch member can change (which
system is a silo, which is ballistic, …).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

#: Numeric per-system fields, as array names.
SYSTEM_FIELDS = (
    "launchers",
    "non_deployed_launchers",
    "warheads_per_launcher",
    "max_warheads_per_launcher",
    # stored warheads of the system's types, the bound on its uploads and redeployments
    # (inf: not bounded; docs/model.md "Arms race")
    "upload_warheads_available",
    "yield_kt",
    "cep_m",
    "reliability",
    "hardness_psi",
    "aim_points_per_launcher",  # aim points per launcher (docs/model.md, step 2)
    "alert_day_to_day",
    "alert_generated",
)
#: Numeric per-missile-defence-layer fields (``shoot_look_shoot`` is 1.0 for that firing
#: doctrine, 0.0 for a salvo; docs/model.md, "Defences").
LAYER_FIELDS = (
    "interceptors",
    "kill_probability",
    "shots_per_warhead",
    "system_reliability",
    "decoys_per_warhead",
    "discrimination_probability",
    "shoot_look_shoot",
)
#: Per-side scalars.
SIDE_SCALARS = (
    "penetration_probability",
    "w80",
    "generated",
    "launch_under_attack",
    "holdback_fraction",
    "max_warheads_per_target",
    "required_arriving_warheads",
    "counterforce_share",  # share of each adversary's aim points to hold at risk (0: none)
    "upload_reserve",  # the side's stored warheads, bound on all its uploads (inf: not bounded)
    "reserve_mode",  # RESERVE_FIXED or RESERVE_ENDOGENOUS (engine/thirdparty.py)
)
#: ``reserve_mode`` values: how a side keeps back weapons for its other adversaries
#: (``engine/thirdparty.py``): the fixed ``holdback_fraction``, or what its
#: ``required_arriving_warheads`` against each other adversary needs.
RESERVE_FIXED = 0.0
RESERVE_ENDOGENOUS = 1.0
#: Model-wide scalars.
SETTINGS = (
    "lethal_radius_nmi",
    "lethal_radius_exponent",
    "cost_exponent",
    "cost_enemy_weight",
    "attacker_survivable_available",
)


@dataclass(frozen=True)
class SideStructure:
    """What is fixed for every member of a batch."""

    system_names: tuple[str, ...]
    categories: tuple[str, ...]
    fixed: np.ndarray  # (systems,) bool: silo-based
    nuclear: np.ndarray  # (systems,) bool
    ballistic: np.ndarray  # (systems,) bool
    counterforce: np.ndarray  # (systems,) bool: prompt enough for a first strike
    layer_names: tuple[str, ...]
    layer_value_share: np.ndarray  # (layers,) share of interceptors defending value
    layer_forces_share: np.ndarray  # (layers,) share defending forces
    damage_table: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    builds: int | None = None  # system column new launchers are built of (None: most survivable)


@dataclass
class SideArrays:
    structure: SideStructure
    systems: dict[str, np.ndarray]  # name -> (batch, systems)
    kill_given: np.ndarray  # (batch, systems, categories); NaN where not given
    layers: dict[str, np.ndarray]  # name -> (batch, layers)
    scalars: dict[str, np.ndarray]  # name -> (batch,)
    #: A coalition's merged side (``engine/coalitions.py``): its members, whose value and
    #: value-defending layers stay their own. Empty for a single side.
    members: tuple[SideArrays, ...] = ()

    @property
    def batch(self) -> int:
        return next(iter(self.scalars.values())).shape[0]

    def take(self, index) -> SideArrays:
        return replace(
            self,
            systems={k: v[index] for k, v in self.systems.items()},
            kill_given=self.kill_given[index],
            layers={k: v[index] for k, v in self.layers.items()},
            scalars={k: v[index] for k, v in self.scalars.items()},
            members=tuple(m.take(index) for m in self.members),
        )

    def copy(self) -> SideArrays:
        return replace(
            self,
            systems={k: v.copy() for k, v in self.systems.items()},
            kill_given=self.kill_given.copy(),
            layers={k: v.copy() for k, v in self.layers.items()},
            scalars={k: v.copy() for k, v in self.scalars.items()},
            members=tuple(m.copy() for m in self.members),
        )


@dataclass
class ScenarioArrays:
    """Every side and the settings of a batch of scenarios sharing one structure."""

    side_names: tuple[str, ...]
    sides: tuple[SideArrays, ...]
    settings: dict[str, np.ndarray]
    #: Dotted path -> (where, side index, array name, column) for sweeps and sampling.
    slots: dict[str, tuple] = field(default_factory=dict)
    #: How first strikes plan their counterforce allocation (``engine.exchange.ALLOCATIONS``).
    allocation: str = "reliable"
    #: Committed allies (extended deterrence), the same for every batch member:
    #: ``committed[k, b]`` is True where side ``k`` is committed to defend side ``b``
    #: (``(sides, sides)`` bool; the diagonal is ignored). ``None``: no commitments.
    #: When A strikes B, every side committed to B (not A itself, and not committed to A
    #: too) retaliates on A's value with B (``engine/thirdparty.py``).
    committed: np.ndarray | None = None
    #: Coalitions, the same for every batch member: name -> member side indices (two or
    #: more). Members are allies (``engine/thirdparty.py``); ``engine/coalitions.py``
    #: evaluates their joint strikes.
    coalitions: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @property
    def batch(self) -> int:
        return self.sides[0].batch

    def take(self, index) -> ScenarioArrays:
        return replace(
            self,
            sides=tuple(side.take(index) for side in self.sides),
            settings={k: v[index] for k, v in self.settings.items()},
        )

    def copy(self) -> ScenarioArrays:
        return replace(
            self,
            sides=tuple(side.copy() for side in self.sides),
            settings={k: v.copy() for k, v in self.settings.items()},
        )

    def repeat(self, batch: int) -> ScenarioArrays:
        """The first member repeated ``batch`` times (a fresh, writable copy)."""
        return self.take(np.zeros(batch, dtype=int)).copy()

    def swapped(self) -> ScenarioArrays:
        """The same batch with the order of the sides reversed (for two sides: exchanged)."""
        committed = None if self.committed is None else self.committed[::-1, ::-1].copy()
        last = len(self.sides) - 1
        coalitions = {k: tuple(sorted(last - i for i in v)) for k, v in self.coalitions.items()}
        return replace(
            self,
            side_names=self.side_names[::-1],
            sides=self.sides[::-1],
            slots={},
            committed=committed,
            coalitions=coalitions,
        )

    def set(self, path: str, values) -> None:
        """Set the field at a dotted path for every batch member (values broadcast)."""
        try:
            where, side, name, column = self.slots[path]
        except KeyError:
            known = ", ".join(sorted(self.slots)[:8])
            raise KeyError(f"'{path}' is not a numeric field of this scenario (e.g. {known}, …)") from None
        values = np.broadcast_to(np.asarray(values, dtype=float), (self.batch,))
        if where == "settings":
            self.settings[name][:] = values
            return
        target = self.sides[side]
        if where == "systems":
            target.systems[name][:, column] = values
        elif where == "kill_given":
            target.kill_given[:, column[0], column[1]] = values
        elif where == "layers":
            target.layers[name][:, column] = values
        else:
            target.scalars[name][:] = values

    def get(self, path: str) -> np.ndarray:
        where, side, name, column = self.slots[path]
        if where == "settings":
            return self.settings[name]
        target = self.sides[side]
        if where == "systems":
            return target.systems[name][:, column]
        if where == "kill_given":
            return target.kill_given[:, column[0], column[1]]
        if where == "layers":
            return target.layers[name][:, column]
        return target.scalars[name]

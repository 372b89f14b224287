"""Limits on a side's forces in the engine's terms: caps on weighted counts (docs/model.md
"Arms race").

The weights say what one deployed launcher, one non-deployed launcher and one warhead
loaded on a deployed launcher of each system add to each limit.
``security_equation.treaty.limits.engine_limits`` derives them from a framework's counting
rules, so the race counts as the treaty assessment does; the engine only multiplies and
compares.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

#: What a limit counts, for reports: a side stopped by a limit is reported with its kind.
#: When two limits bind at the same point, the kind listed first is reported.
LIMIT_KINDS = ("deployed_warheads", "deployed_launchers", "total_launchers", "interceptors")


@dataclass(frozen=True, eq=False)
class Limits:
    """Caps on one side's forces, one row per limit.

    Row ``l`` counts, over the side's systems ``i``::

        Σ_i  launchers_i · per_launcher[l, i]
           + non_deployed_launchers_i · per_non_deployed[l, i]
           + launchers_i · warheads_per_launcher_i · per_warhead[l, i]

    and the count may not exceed ``caps[l]`` (``inf``: no cap). ``kinds[l]`` (one of
    :data:`LIMIT_KINDS`) says what the row counts and ``labels[l]`` names it for reports.
    Weight arrays have shape ``(rows, systems)``.
    """

    kinds: tuple[str, ...]
    caps: np.ndarray
    per_launcher: np.ndarray
    per_non_deployed: np.ndarray
    per_warhead: np.ndarray
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        rows = len(self.kinds)
        unknown = sorted(set(self.kinds) - set(LIMIT_KINDS))
        if unknown:
            raise ValueError(f"The 'kinds' of Limits must be among {LIMIT_KINDS}. Got {unknown}.")
        caps = np.asarray(self.caps, dtype=float).reshape(-1)
        weights = [np.atleast_2d(np.asarray(w, dtype=float)) for w in self.weights()]
        if caps.shape != (rows,) or any(w.shape != weights[0].shape or w.shape[0] != rows for w in weights):
            raise ValueError(
                "Limits need one cap and one row of weights per kind, all weight arrays of shape "
                f"(rows, systems). Got {rows} kinds, caps {caps.shape}, weights {[w.shape for w in weights]}."
            )
        labels = tuple(self.labels) or tuple(k.replace("_", " ") for k in self.kinds)
        if len(labels) != rows:
            raise ValueError(f"Limits need one label per row. Got {len(labels)} for {rows} rows.")
        object.__setattr__(self, "caps", caps)
        for name, w in zip(("per_launcher", "per_non_deployed", "per_warhead"), weights, strict=True):
            object.__setattr__(self, name, w)
        object.__setattr__(self, "labels", labels)

    def weights(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.per_launcher, self.per_non_deployed, self.per_warhead

    @property
    def rows(self) -> int:
        return len(self.kinds)

    @property
    def systems(self) -> int:
        return self.per_launcher.shape[1]


def contributions(systems: Mapping[str, np.ndarray], limits: Limits) -> np.ndarray:
    """Each system's count toward each limit, (batch, rows, systems). ``systems``: a
    side's system arrays (``SideArrays.systems``: ``launchers``,
    ``non_deployed_launchers``, ``warheads_per_launcher``, each (batch, systems))."""
    launchers = systems["launchers"][:, None, :]
    non_deployed = systems["non_deployed_launchers"][:, None, :]
    loaded = (systems["launchers"] * systems["warheads_per_launcher"])[:, None, :]
    return (
        launchers * limits.per_launcher[None]
        + non_deployed * limits.per_non_deployed[None]
        + loaded * limits.per_warhead[None]
    )


def counted(systems: Mapping[str, np.ndarray], limits: Limits) -> np.ndarray:
    """A side's count toward each limit, (batch, rows); ``systems`` as in :func:`contributions`."""
    return contributions(systems, limits).sum(axis=-1)


@dataclass(frozen=True, eq=False)
class CoalitionLimit:
    """A cap on the sum of several sides' counts: a framework's limit on a coalition's
    aggregate (docs/model.md "Frameworks for more than two powers").

    ``members``: the member sides' indices; ``weights``: one one-row :class:`Limits` per
    member (its weights for this limit; its cap unused); ``cap``: the cap on the members'
    summed count in the engine's terms (the limit less what the treaty counts beyond the
    members' nuclear forces); ``kind``, ``label`` as for :class:`Limits`; ``coalition``
    names the coalition."""

    coalition: str
    members: tuple[int, ...]
    kind: str
    cap: float
    weights: tuple[Limits, ...]
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in LIMIT_KINDS:
            raise ValueError(
                f"The 'kind' of a CoalitionLimit must be among {LIMIT_KINDS}. Got {self.kind!r}."
            )
        if len(self.weights) != len(self.members) or any(w.rows != 1 for w in self.weights):
            raise ValueError(
                "A CoalitionLimit needs one one-row Limits of weights per member. "
                f"Got {len(self.weights)} for {len(self.members)} members."
            )

    def count(self, member: int, systems: Mapping[str, np.ndarray]) -> np.ndarray:
        """Side ``member``'s count toward the aggregate, (batch,)."""
        return counted(systems, self.weights[self.members.index(member)])[:, 0]


def with_coalition_rows(
    limits: Limits | None,
    k: int,
    coalition_limits,
    sides,
) -> Limits | None:
    """Side ``k``'s limits with one row per coalition aggregate it belongs to, capped at
    the aggregate's cap less the other members' current counts (``sides``: every side's
    arrays, batch member 0, the one the race models run on): the simplest exact way for
    one side to stop where the members' summed count reaches the cap. ``limits``
    unchanged when ``k`` is in no coalition limit."""
    rows = [c for c in coalition_limits if k in c.members]
    if not rows:
        return limits
    if limits is None:
        kinds, labels, caps, weights = [], [], [], [[], [], []]
    else:
        kinds, labels, caps = list(limits.kinds), list(limits.labels), list(limits.caps)
        weights = [list(w) for w in limits.weights()]
    for c in rows:
        others = sum(float(c.count(j, sides[j].systems)[0]) for j in c.members if j != k)
        own = c.weights[c.members.index(k)]
        kinds.append(c.kind)
        labels.append(c.label or f"{c.coalition} aggregate {c.kind.replace('_', ' ')}")
        caps.append(c.cap - others)
        for lst, w in zip(weights, own.weights(), strict=True):
            lst.append(w[0])
    return Limits(
        tuple(kinds),
        np.array(caps, dtype=float),
        *(np.array(w, dtype=float) for w in weights),
        labels=tuple(labels),
    )

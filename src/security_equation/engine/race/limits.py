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

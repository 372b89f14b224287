"""A side's nuclear forces as the race models see them: what it deploys and how much of
each system survives a surprise attack (docs/model.md "Arms race"). Arrays of shape
``(batch,)`` or ``(batch, systems)``.
"""

from __future__ import annotations

import numpy as np

from security_equation.engine.arrays import SideArrays
from security_equation.engine.exchange import alert_share, nuclear_warheads


def deployed_warheads(side: SideArrays) -> np.ndarray:
    """Nuclear warheads loaded on deployed launchers, (batch,)."""
    return nuclear_warheads(side)


def deployed_launchers(side: SideArrays) -> np.ndarray:
    """Deployed launchers of nuclear systems, (batch,)."""
    return (side.systems["launchers"] * side.structure.nuclear[None, :]).sum(axis=1)


def non_deployed_launchers(side: SideArrays) -> np.ndarray:
    """Non-deployed launchers of nuclear systems, (batch,)."""
    return (side.systems["non_deployed_launchers"] * side.structure.nuclear[None, :]).sum(axis=1)


def survivability(side: SideArrays) -> np.ndarray:
    """Share of each system surviving a surprise attack (alert share; launch-under-attack
    share for silos), (batch, systems): the build order's priority."""
    lua = side.scalars["launch_under_attack"][:, None]
    return np.where(side.structure.fixed[None, :], lua, alert_share(side))

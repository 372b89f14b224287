"""Build paths: how a side adds force, as a function of the warheads it adds
(docs/model.md "Arms race").

Upload on the side's most survivable systems first, then redeploy non-deployed launchers
(both bounded by the stored warheads of each system's types and the side's reserve), then
build new launchers (of the system its requirement names, else its most survivable), within
limits (:class:`~security_equation.engine.race.limits.Limits`) and capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from security_equation.engine.arrays import SideArrays
from security_equation.engine.race.forces import deployed_launchers, survivability
from security_equation.engine.race.limits import LIMIT_KINDS, Limits, counted

#: Build-path segment kinds.
UPLOAD, REDEPLOY, BUILD = 0, 1, 2

#: Why a path ends short of what a side wants (besides a limit, named by its kind in
#: :data:`~security_equation.engine.race.limits.LIMIT_KINDS`): ``production`` (the new
#: launchers one round can build; the next round goes on), ``stock`` (no stored warheads
#: left to upload and no new builds allowed), ``capacity`` (launchers full, no new builds).
PRODUCTION, STOCK, CAPACITY = "production", "stock", "capacity"


@dataclass
class BuildPath:
    """How a side adds force, as a function of ``u`` = warheads added, from one state.

    Segments in order: upload on each system (most survivable first), redeploy each
    system's non-deployed launchers (loaded to capacity), build new launchers (of the
    system ``SideStructure.builds`` names, else the most survivable). Uploads and
    redeployments draw on stored warheads: at most each system's
    ``upload_warheads_available`` and, together, the side's ``upload_reserve`` (in the
    build order); new launchers come with new warheads (``production``). ``u_max`` is where
    the path stops: a limit binds, or what can be added is used up; ``stop`` says which (the
    kind of the limit, see :data:`~security_equation.engine.race.limits.LIMIT_KINDS`, or
    :data:`PRODUCTION`, :data:`STOCK`, :data:`CAPACITY`). ``counterforce`` marks the
    segments whose warheads are prompt (count toward counterforce coverage).
    """

    kind: np.ndarray  # (segments,) UPLOAD, REDEPLOY or BUILD
    system: np.ndarray  # (segments,) system column
    capacity: np.ndarray  # (segments,) warheads
    start: np.ndarray  # (segments,) u at which each segment starts
    u_max: float
    stop: str
    base: dict[str, np.ndarray]  # the side's system arrays at the start (1-D)
    reserve: float = np.inf  # the side's stored warheads at the start (upload_reserve)
    counterforce: np.ndarray | None = None  # (segments,) bool: prompt warheads
    #: The label of the limit that ends the path ("" when no limit does).
    stop_label: str = ""

    def counterforce_added(self, u: np.ndarray) -> np.ndarray:
        """Prompt (counterforce) warheads added along the path by ``u``, shape (len(u),)."""
        u = np.minimum(np.asarray(u, dtype=float), self.u_max)
        amounts = np.clip(u[:, None] - self.start[None, :], 0.0, self.capacity[None, :])
        marks = np.zeros(self.kind.size, dtype=bool) if self.counterforce is None else self.counterforce
        return amounts[:, marks].sum(axis=1)

    def apply(self, u: np.ndarray) -> dict[str, np.ndarray]:
        """System arrays (len(u), systems) after adding ``u`` warheads along the path."""
        u = np.minimum(np.asarray(u, dtype=float), self.u_max)
        nsys = self.base["launchers"].size
        amounts = np.clip(u[:, None] - self.start[None, :], 0.0, self.capacity[None, :])
        cap = self.base["max_warheads_per_launcher"]
        upload = np.zeros((u.size, nsys))
        redeploy = np.zeros((u.size, nsys))
        built = np.zeros((u.size, nsys))
        for s_idx, (kind, col) in enumerate(zip(self.kind, self.system, strict=True)):
            if kind == UPLOAD:
                upload[:, col] += amounts[:, s_idx]
            elif kind == REDEPLOY:
                redeploy[:, col] += amounts[:, s_idx] / cap[col]
            else:
                built[:, col] += amounts[:, s_idx] / cap[col]
        l0 = self.base["launchers"][None, :]
        w0 = l0 * self.base["warheads_per_launcher"][None, :]
        launchers = l0 + redeploy + built
        warheads = w0 + upload + (redeploy + built) * cap[None, :]
        wpl = np.divide(
            warheads,
            launchers,
            out=np.broadcast_to(self.base["warheads_per_launcher"][None, :], warheads.shape).copy(),
            where=launchers > 0,
        )
        # Stored warheads drawn by uploads and redeployments leave the stock (inf stays inf).
        drawn = upload + redeploy * cap[None, :]
        return {
            "launchers": launchers,
            "warheads_per_launcher": np.minimum(wpl, cap[None, :]),
            "non_deployed_launchers": self.base["non_deployed_launchers"][None, :] - redeploy,
            "upload_warheads_available": np.maximum(
                self.base["upload_warheads_available"][None, :] - drawn, 0.0
            ),
        }

    def reserve_after(self, u: np.ndarray) -> np.ndarray:
        """The side's stored warheads (``upload_reserve``) left after adding ``u`` warheads:
        uploads and redeployments draw on it, new launchers do not. Shape (len(u),)."""
        u = np.minimum(np.asarray(u, dtype=float), self.u_max)
        amounts = np.clip(u[:, None] - self.start[None, :], 0.0, self.capacity[None, :])
        drawn = amounts[:, self.kind != BUILD].sum(axis=1)
        return np.maximum(self.reserve - drawn, 0.0)


def build_path(
    side: SideArrays, limits: Limits | None = None, *, production: float | None = None, member: int = 0
) -> BuildPath:
    """The side's build path from batch member ``member`` (see :class:`BuildPath`).

    ``production``: new launchers the side can build in one round (None: as many as it
    now deploys, i.e. it can at most double its launchers per round; 0: no new builds).
    """
    s = {k: v[member].astype(float) for k, v in side.systems.items()}
    st = side.structure
    surv = survivability(side)[member]
    cap = s["max_warheads_per_launcher"]
    eligible = st.nuclear & (cap > 0)
    # Most survivable first; ties: ballistic (prompt, no air defence to penetrate) before
    # air-breathing, then more warheads per launcher, then file order.
    order = sorted(np.flatnonzero(eligible), key=lambda i: (-surv[i], not st.ballistic[i], -cap[i], i))
    builds = st.builds if st.builds is not None and eligible[st.builds] else (order[0] if order else None)
    if limits is None:
        rows = 0
        per_launcher = per_non_deployed = per_warhead = np.zeros((0, cap.size))
    else:
        rows = limits.rows
        per_launcher, per_non_deployed, per_warhead = limits.weights()

    kinds: list[int] = []
    systems: list[int] = []
    caps: list[float] = []
    slopes: list[np.ndarray] = []  # each limit's count added per warhead added, (rows,)

    def segment(kind: int, i: int, room: float) -> None:
        if room <= 1e-9:
            return
        if kind == UPLOAD:
            slope = per_warhead[:, i]
        elif kind == REDEPLOY:  # a launcher moves from non-deployed to deployed, loaded to capacity
            slope = per_warhead[:, i] + (per_launcher[:, i] - per_non_deployed[:, i]) / cap[i]
        else:  # a new deployed launcher, loaded to capacity
            slope = per_warhead[:, i] + per_launcher[:, i] / cap[i]
        kinds.append(kind)
        systems.append(i)
        caps.append(room)
        slopes.append(slope)

    # Uploads and redeployments draw on stored warheads: each system's own types
    # (upload_warheads_available) and the side's reserve (upload_reserve), inf if not given.
    stored = s["upload_warheads_available"].copy()
    reserve = start_reserve = float(side.scalars["upload_reserve"][member])
    stock_bound = False  # some launcher room left empty for want of stored warheads
    rooms = {
        UPLOAD: s["launchers"] * np.maximum(cap - s["warheads_per_launcher"], 0.0),
        REDEPLOY: s["non_deployed_launchers"] * cap,
    }
    for kind, launcher_room in rooms.items():
        for i in order:
            room = max(min(launcher_room[i], stored[i], reserve), 0.0)
            stock_bound |= room < launcher_room[i] - 1e-9
            stored[i] -= room
            reserve -= room
            segment(kind, i, room)
    if production is None:
        production = float(deployed_launchers(side)[member])
    if builds is not None:
        segment(BUILD, builds, production * cap[builds])
    caps_a = np.array(caps, dtype=float)
    starts = np.concatenate([[0.0], np.cumsum(caps_a)[:-1]]) if caps else np.zeros(0)
    u_max = float(caps_a.sum())
    if kinds and kinds[-1] == BUILD:
        stop = PRODUCTION
    else:
        stop = STOCK if stock_bound else CAPACITY
    stop_label = ""
    if rows:
        current = counted(side.systems, limits)[member]
        # Where two limits bind together, report the kind listed first in LIMIT_KINDS.
        for d in sorted(range(rows), key=lambda d: LIMIT_KINDS.index(limits.kinds[d])):
            limit = limits.caps[d]
            if not np.isfinite(limit):
                continue
            c = current[d]
            for seg, slope in enumerate(slopes):
                rate = slope[d]
                if rate <= 0:
                    continue
                if c >= limit - 1e-9:
                    u_stop = starts[seg]
                else:
                    room = (limit - c) / rate
                    if room >= caps_a[seg]:
                        c += rate * caps_a[seg]
                        continue
                    u_stop = starts[seg] + room
                if u_stop < u_max - 1e-9:
                    u_max, stop, stop_label = float(u_stop), limits.kinds[d], limits.labels[d]
                break
    return BuildPath(
        np.array(kinds, dtype=int),
        np.array(systems, dtype=int),
        caps_a,
        starts,
        max(u_max, 0.0),
        stop,
        s,
        start_reserve,
        st.counterforce[np.array(systems, dtype=int)] if systems else np.zeros(0, dtype=bool),
        stop_label,
    )

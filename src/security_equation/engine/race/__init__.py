"""Arms-race stability (docs/model.md "Arms race"): pure functions on the engine's arrays.

- :mod:`.richardson` — Richardson's reference model (Richardson, 1960);
- :mod:`.marginal` — marginal effects ("drivers") by batched finite differences;
- :mod:`.requirements` — a side's two requirements: assured retaliation and
  counterforce coverage;
- :mod:`.path` — how a side adds force (upload, redeploy, build) within stock, limits
  and capacity;
- :mod:`.search` — the least addition along a path that meets (or first breaks) a side's
  requirements, batched;
- :mod:`.buildup` — the action–reaction model;
- :mod:`.reactions` — reaction functions linearised, and the Richardson model they imply;
- :mod:`.limits` — treaty limits as caps on weighted counts, per side and on a
  coalition's aggregate (weights from ``security_equation.treaty.limits``);
- :mod:`.forces`, :mod:`.metrics` — what a side deploys, and the numbers read off one
  exchange call, shared by the models above.
"""

from security_equation.engine.race.buildup import (
    OUTCOMES,
    RUNS_AWAY,
    SETTLES,
    STOPPED_BY_CAPACITY,
    STOPPED_BY_LIMIT,
    STOPPED_BY_STOCK,
    ArmsRace,
    action_reaction,
)
from security_equation.engine.race.forces import (
    deployed_launchers,
    deployed_warheads,
    non_deployed_launchers,
    survivability,
)
from security_equation.engine.race.limits import (
    LIMIT_KINDS,
    CoalitionLimit,
    Limits,
    contributions,
    counted,
    with_coalition_rows,
)
from security_equation.engine.race.marginal import ACTIONS, MarginalEffects, marginal_effects
from security_equation.engine.race.metrics import RaceMetrics, race_metrics
from security_equation.engine.race.path import CAPACITY, PRODUCTION, STOCK, BuildPath, build_path
from security_equation.engine.race.reactions import ReactionSlopes, reaction_slopes, reaction_slopes_many
from security_equation.engine.race.requirements import (
    Gaps,
    counterforce_warheads,
    coverage_required,
    gaps,
)
from security_equation.engine.race.richardson import Richardson, richardson
from security_equation.engine.race.search import Probe, least

__all__ = [
    "ACTIONS",
    "CAPACITY",
    "LIMIT_KINDS",
    "OUTCOMES",
    "PRODUCTION",
    "RUNS_AWAY",
    "SETTLES",
    "STOCK",
    "STOPPED_BY_CAPACITY",
    "STOPPED_BY_LIMIT",
    "STOPPED_BY_STOCK",
    "ArmsRace",
    "CoalitionLimit",
    "BuildPath",
    "Gaps",
    "Limits",
    "MarginalEffects",
    "Probe",
    "RaceMetrics",
    "ReactionSlopes",
    "Richardson",
    "action_reaction",
    "build_path",
    "contributions",
    "counted",
    "counterforce_warheads",
    "coverage_required",
    "deployed_launchers",
    "deployed_warheads",
    "gaps",
    "least",
    "marginal_effects",
    "non_deployed_launchers",
    "race_metrics",
    "reaction_slopes",
    "reaction_slopes_many",
    "richardson",
    "survivability",
    "with_coalition_rows",
]

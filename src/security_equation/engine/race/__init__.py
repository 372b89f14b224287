"""Arms-race stability (docs/model.md "Arms race"): pure functions on the engine's arrays.

- :mod:`.richardson` — Richardson's reference model (Richardson, 1960);
- :mod:`.marginal` — marginal effects ("drivers") by batched finite differences;
- :mod:`.buildup` — build paths, least additions, the action–reaction model and the
  reaction slopes between two sides;
- :mod:`.limits` — treaty limits as caps on weighted counts (weights from
  ``security_equation.treaty.limits``);
- :mod:`.forces`, :mod:`.metrics` — what a side deploys, and the numbers read off one
  exchange call, shared by the models above.
"""

from security_equation.engine.race.buildup import (
    RACE_TO_LIMITS,
    RUNS_AWAY,
    SETTLES,
    ArmsRace,
    BuildPath,
    ReactionSlopes,
    action_reaction,
    build_path,
    least_additions,
    reaction_slopes,
)
from security_equation.engine.race.forces import (
    deployed_launchers,
    deployed_warheads,
    non_deployed_launchers,
    survivability,
)
from security_equation.engine.race.limits import LIMIT_KINDS, Limits, contributions, counted
from security_equation.engine.race.marginal import ACTIONS, MarginalEffects, marginal_effects
from security_equation.engine.race.metrics import RaceMetrics, race_metrics
from security_equation.engine.race.richardson import Richardson, richardson

__all__ = [
    "ACTIONS",
    "LIMIT_KINDS",
    "RACE_TO_LIMITS",
    "RUNS_AWAY",
    "SETTLES",
    "ArmsRace",
    "BuildPath",
    "Limits",
    "MarginalEffects",
    "RaceMetrics",
    "ReactionSlopes",
    "Richardson",
    "action_reaction",
    "build_path",
    "contributions",
    "counted",
    "deployed_launchers",
    "deployed_warheads",
    "least_additions",
    "marginal_effects",
    "non_deployed_launchers",
    "race_metrics",
    "reaction_slopes",
    "richardson",
    "survivability",
]

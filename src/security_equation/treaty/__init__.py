"""Treaty accounting: frameworks as data, counting rules, compliance and upload potential,
and the one mapping from a framework to the arms race's limits (:mod:`.limits`).

>>> from security_equation.io import load_scenario
>>> from security_equation.treaty import assess
>>> result = assess(load_scenario("us-russia-2023"), "new-start")
>>> result.to_dict()["sides"]["us"]["limits"][0]["name"]
'deployed_launchers'
"""

from security_equation.schema.framework import Framework, Limit, Rule
from security_equation.treaty.assessment import SideAssessment, TreatyAssessment, assess
from security_equation.treaty.frameworks import (
    DEFAULT_FRAMEWORK,
    bundled_frameworks,
    framework_from_text,
    load_framework,
)
from security_equation.treaty.limits import SideLimits, engine_limits

__all__ = [
    "DEFAULT_FRAMEWORK",
    "Framework",
    "Limit",
    "Rule",
    "SideAssessment",
    "SideLimits",
    "TreatyAssessment",
    "assess",
    "bundled_frameworks",
    "engine_limits",
    "framework_from_text",
    "load_framework",
]

"""Security Equation: strategic stability between nuclear powers.

Load a scenario, evaluate it, and read the results::

    import security_equation as se
    scenario = se.load_scenario("us-russia-2023")
    result = se.evaluate(scenario)
"""

from security_equation.io import load_scenario
from security_equation.io.errors import InputError, Problem
from security_equation.model import Evaluation, evaluate
from security_equation.schema.scenario import Scenario

__version__ = "0.1.0"

__all__ = ["Evaluation", "InputError", "Problem", "Scenario", "evaluate", "load_scenario", "__version__"]

"""The model facade: scenario in, labelled evaluation out.

``evaluate`` is what the CLI, the report and the web API call; it runs each part
of the model on a validated scenario and gathers the results with their provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from security_equation import posture
from security_equation.provenance import assumptions, unsourced
from security_equation.scenario.schema import Scenario


@dataclass
class Evaluation:
    """Everything the model says about one scenario."""

    scenario: Scenario
    posture: dict
    assumptions: list
    unsourced: list[str]
    sections: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = {
            "scenario": self.scenario.name,
            "description": self.scenario.description,
            "origin": self.scenario.origin,
            "applied_overrides": list(self.scenario.applied_overrides),
            "posture": self.posture,
        }
        for name, section in self.sections.items():
            out[name] = section.to_dict() if hasattr(section, "to_dict") else section
        out["assumptions"] = [a.to_dict() for a in self.assumptions]
        out["unsourced"] = self.unsourced
        return out


def evaluate(scenario: Scenario, *, framework: str | None = None) -> Evaluation:
    """Evaluate a scenario: posture, and each later part of the model."""
    result = Evaluation(
        scenario=scenario,
        posture=posture.summarize(scenario),
        assumptions=assumptions(scenario),
        unsourced=unsourced(scenario),
    )
    return result

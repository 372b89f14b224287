"""The typed sections of an evaluation beyond the exchange: treaty status, drivers and
the arms race. Each is a :class:`Section`: an object presenters read by attribute, with a
JSON-ready ``to_dict()``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from security_equation.treaty.assessment import TreatyAssessment


class Section(ABC):
    """One part of an :class:`~security_equation.model.evaluation.Evaluation`."""

    #: Key of the section in ``Evaluation.sections`` and in the JSON output.
    name: ClassVar[str]

    @abstractmethod
    def to_dict(self) -> dict:
        """Plain JSON values (no NumPy types, no NaN: missing numbers are ``None``)."""


@dataclass(frozen=True)
class TreatySection(Section):
    """The scenario counted under one arms-control framework."""

    name: ClassVar[str] = "treaty"
    assessment: TreatyAssessment

    def to_dict(self) -> dict:
        return self.assessment.to_dict()

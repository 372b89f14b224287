"""The model: a validated scenario compiled to arrays, run through the engine, and
gathered into a labelled :class:`Evaluation` with its provenance."""

from security_equation.model.evaluation import SECTIONS, VARIANTS, Evaluation, evaluate

__all__ = ["SECTIONS", "VARIANTS", "Evaluation", "evaluate"]

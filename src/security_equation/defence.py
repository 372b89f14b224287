"""Missile and air defence (public API; implemented in :mod:`security_equation.engine.defence`)."""

from security_equation.engine.defence import (
    all_stopped_probability,
    expected_leakers,
    layer_stop_probability,
    leak_through_layers,
)

__all__ = ["all_stopped_probability", "expected_leakers", "layer_stop_probability", "leak_through_layers"]

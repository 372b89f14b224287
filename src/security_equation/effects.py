"""Weapon effects (public API; implemented in :mod:`security_equation.engine.effects`)."""

from security_equation.engine.effects import (
    added_kill,
    lethal_radius_m,
    repeated_shots,
    sspk,
    terminal_kill_probability,
)

__all__ = ["added_kill", "lethal_radius_m", "repeated_shots", "sspk", "terminal_kill_probability"]

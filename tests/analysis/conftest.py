"""The reference sweep of the store and fault tests (``tests.factories.sweep_grid``)."""

from __future__ import annotations

import pytest

from tests.factories import sweep_grid


@pytest.fixture(scope="module")
def reference(uncertain):
    """The sweep computed in one go, for resumed and recomputed ones to equal."""
    return sweep_grid(uncertain)

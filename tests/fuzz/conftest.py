"""Fixtures of the fuzz tests (issue 12): a warmed-up work directory and web app.

Each case runs in a forked child (``mutations.isolated``): a hang is killed after
``FUZZ_HANG_SECONDS`` (10 s) and a crash of the child is reported, not suffered by the test
session. Children inherit what the parent imported, so the fixtures run every command once
first. ``FUZZ_EXAMPLES`` scales the number of hypothesis examples of the default runs.
"""

from __future__ import annotations

import warnings

import pytest

from tests.fuzz import mutations


@pytest.fixture(scope="session")
def fuzz_app():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from security_equation.web.app import create_app

        return create_app()


@pytest.fixture(scope="session")
def fuzz_dir(tmp_path_factory, fuzz_app):
    """Where the mutated files are written (one file per case, named after its seed)."""
    directory = tmp_path_factory.mktemp("fuzz")
    mutations.warm_up(directory, fuzz_app)
    return directory

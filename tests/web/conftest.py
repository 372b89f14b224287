"""Fixtures for the web tests: one app and test client for the session."""

from __future__ import annotations

import warnings

import pytest


@pytest.fixture(scope="session")
def client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette: "httpx with TestClient is deprecated"
        from fastapi.testclient import TestClient

    from security_equation.web.app import create_app

    with TestClient(create_app()) as test_client:
        yield test_client

"""The web API returns the loader's warnings (issue 11 item 9; docs/model.md, "Plausible
ranges"): a value outside its plausible range is no error, the response is 200 and says
which field to check."""

from __future__ import annotations

import pytest

from security_equation.io.loading import bundled_names

GMD = "us.defences.gmd.interceptors"


def test_evaluate_returns_the_warning(client):
    response = client.post("/api/evaluate", json={"scenario": "us-russia-2023", "set": {GMD: 1_000_000_000}})
    assert response.status_code == 200, response.text
    (warning,) = response.json()["warnings"]
    assert (warning["path"], warning["file"]) == (GMD, "--set")
    assert "outside the plausible range (≤ 10,000:" in warning["message"]


@pytest.mark.parametrize("name", bundled_names())
def test_bundled_scenarios_give_no_warnings(client, name):
    data = client.post("/api/evaluate", json={"scenario": name}).json()
    assert data["warnings"] == []


def test_an_upload_warning_gives_its_line(client):
    text = "extends: us-russia-2023\nsides:\n  us:\n    value:\n      w80: 1000000\n"
    data = client.post("/api/evaluate", json={"yaml": text}).json()
    (warning,) = data["warnings"]
    assert (warning["file"], warning["line"], warning["path"]) == ("<upload>", 5, "us.value.w80")


def test_scenario_payload_carries_the_warnings(client):
    payload = client.post("/api/scenario", json={"scenario": "us-russia-2023", "set": {GMD: 20_000}}).json()
    assert [w["path"] for w in payload["warnings"]] == [GMD]
    assert client.get("/api/scenarios/us-russia-2023").json()["warnings"] == []

"""The web API reports a framework's status on the scenario's date (issue 11, item 5):
New START expired on 2026-02-05, so a scenario dated after it is shown as if in force."""

from __future__ import annotations

EXPIRED = "expired on 2026-02-05 — shown as if in force"
DATED = "extends: us-russia-2023\nname: dated\ndate: 2026-06-01\n"


def test_evaluate_and_treaty_carry_the_status(client):
    data = client.post("/api/evaluate", json={"yaml": DATED, "sections": ["treaty", "arms_race"]}).json()
    assert (data["treaty"]["status"], data["treaty"]["as_of"]) == (EXPIRED, "2026-06-01")
    assert data["treaty"]["compliant"] is True  # counted as if in force
    race = data["arms_race"]
    assert race["framework_status"] == EXPIRED and race["limits_applied"] is False
    assert race["limits"]["us"]["deployed_warheads"] is None
    assert any("use --limits-in-force" in note for note in race["notes"])
    treaty = client.post("/api/treaty", json={"yaml": DATED}).json()
    assert (treaty["status"], treaty["as_of"]) == (EXPIRED, "2026-06-01")
    default = client.post("/api/evaluate", json={"scenario": "us-russia-2023", "sections": ["treaty"]}).json()
    assert (default["treaty"]["status"], default["treaty"]["as_of"]) == ("in force", "2023-03-01")


def test_a_bad_date_is_a_located_error(client):
    response = client.post("/api/evaluate", json={"yaml": DATED.replace("2026-06-01", "soon")})
    assert response.status_code == 422
    (problem,) = response.json()["problems"]
    assert (problem["path"], problem["line"]) == ("date", 3)
    assert problem["message"] == "must be a date (YYYY-MM-DD), got 'soon'"

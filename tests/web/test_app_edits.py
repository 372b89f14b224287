"""The web API shows edited values with their original value and source (issue 11,
item 3; docs/model.md, "Provenance of edited values"): evaluate, download, sweep."""

from __future__ import annotations

from security_equation.io import dump_scenario, load_scenario, scenario_from_text

MDE = "us-missile-defence-expansion"
GMD = "us.defences.gmd.interceptors"
GMD_NOTE = (
    "MD2; MD3 (inferred: 44 GBIs + 20 NGIs planned for the 20 empty Fort Greely silos = 64);"
    " MD1 (64 proposed for FY2017-18)"
)
NOTE = "(edited: 1 value changed from the bundled scenario; see edited values)"


def test_web_evaluate_marks_web_edits(client):
    data = client.post("/api/evaluate", json={"scenario": MDE, "set": {GMD: 500}}).json()
    assert data["description_note"] == NOTE
    assert data["edited_values"] == [
        {
            "path": GMD,
            "value": 500,
            "original_value": 64,
            "original_source": GMD_NOTE,
            "by": "web edit",
            "source": f"edited by web edit (was 64: {GMD_NOTE})",
        }
    ]
    (row,) = (a for a in data["assumptions"] if a["path"] == "us.defences.gmd.kill_probability")
    assert "edited" not in row
    back = client.post("/api/evaluate", json={"scenario": MDE, "set": {GMD: 64}}).json()
    assert back["edited_values"] == [] and back["description_note"] is None


def test_web_override_and_upload_edits(client):
    data = client.post(
        "/api/evaluate", json={"scenario": "us-russia-2023", "overrides": ["generated"]}
    ).json()
    assert [(e["path"], e["by"]) for e in data["edited_values"]] == [
        ("us.posture.alert", "override generated"),
        ("russia.posture.alert", "override generated"),
    ]
    text = dump_scenario(load_scenario(MDE))
    data = client.post("/api/evaluate", json={"yaml": text, "set": {GMD: 100}}).json()
    (edit,) = data["edited_values"]
    assert (edit["by"], edit["original_value"], edit["original_source"]) == ("web edit", 64, GMD_NOTE)
    assert data["description_note"] == (
        "(edited: 1 value changed from the scenario as uploaded; see edited values)"
    )


def test_web_download_notes_the_edit(client):
    response = client.post("/api/scenario?format=yaml", json={"scenario": MDE, "set": {GMD: 500}})
    assert response.status_code == 200
    back = scenario_from_text(response.text)
    assert back.sides["us"].defences["gmd"].interceptors == 500
    assert (
        back.sides["us"].defences["gmd"].sources["interceptors"] == f"edited by web edit (was 64: {GMD_NOTE})"
    )
    payload = client.post("/api/scenario", json={"scenario": MDE, "set": {GMD: 500}}).json()
    assert payload["scenario"]["edits"][0]["original_value"] == 64


def test_web_sweep_reports_what_its_axes_replace(client):
    data = client.post(
        "/api/sweep",
        json={"scenario": MDE, "axes": [{"path": GMD, "start": 0, "stop": 100, "num": 2}]},
    ).json()
    assert data["swept_values"] == [
        {"path": GMD, "by": "sweep axis", "original_value": 64, "original_source": GMD_NOTE}
    ]
    assert data["edited_values"] == []

"""Three powers through the web: the API returns the pairwise section, the page renders the
r matrix and the FSI per pair (hidden for two sides), in headless Chromium."""

from __future__ import annotations

import pytest

from security_equation.io import dump_scenario
from security_equation.model import evaluate
from tests.factories import three_powers


@pytest.fixture(scope="module")
def three_text():
    return dump_scenario(three_powers())


def test_the_api_returns_every_pair(client, three_text):
    data = client.post("/api/evaluate", json={"yaml": three_text}).json()
    expected = evaluate(three_powers(), sections=()).to_dict()
    assert data["fsi"] == pytest.approx(expected["fsi"], abs=1e-12)
    assert data["fsi_pairs"] == pytest.approx(expected["fsi_pairs"], abs=1e-12)
    assert [(p["side"], p["adversary"]) for p in data["pairs"]] == [
        (p["side"], p["adversary"]) for p in expected["pairs"]
    ]
    assert {s["binding_adversary"] for s in data["sides"].values()} <= {"a", "b", "c"}
    edited = client.post("/api/evaluate", json={"yaml": three_text, "set": {"c.systems.silo.launchers": 60}})
    assert edited.status_code == 200, edited.text
    assert edited.json()["fsi_pairs"] != data["fsi_pairs"]


def test_two_sides_get_no_pairwise_section(client):
    data = client.post("/api/evaluate", json={"scenario": "us-russia-2023"}).json()
    assert not {"pairs", "fsi_pairs", "fsi_pair"} & set(data)


def test_the_page_holds_the_matrix_table(client):
    page = client.get("/").text
    assert 'id="pair-matrix" hidden' in page and 'id="matrix-table"' in page and 'id="fsi-pairs"' in page
    script = client.get("/static/app.js").text
    assert "function renderMatrix" in script


@pytest.mark.browser
def test_the_page_renders_the_matrix_of_an_uploaded_three_power_file(opened_page, three_text, tmp_path):
    from playwright.sync_api import expect

    from tests.web.test_web_browser import _wait_for_the_figures

    page, errors = opened_page
    path = tmp_path / "three.yaml"
    path.write_text(three_text)
    expected = evaluate(three_powers(), sections=()).to_dict()
    # The page opens on the default, five-powers-2026: five sides, so the matrix shows.
    expect(page.locator("#scenario-select")).to_have_value("five-powers-2026")
    expect(page.locator("#pair-matrix")).to_be_visible(timeout=20_000)
    _wait_for_the_figures(page)  # the default's figures take the server some seconds
    page.select_option("#scenario-select", "us-russia-2023")
    expect(page.locator("#pair-matrix")).to_be_hidden(timeout=20_000)  # two sides: no matrix
    page.set_input_files("#upload", str(path))
    expect(page.locator("#source")).to_have_text("uploaded file three.yaml", timeout=20_000)
    expect(page.locator("#pair-matrix")).to_be_visible(timeout=20_000)
    expect(page.locator("#metric-fsi")).to_have_text(f"{expected['fsi']:.3f}", timeout=20_000)
    cell = next(p for p in expected["pairs"] if (p["side"], p["adversary"]) == ("a", "c"))
    expect(page.locator("#matrix-a-c")).to_have_text(f"{cell['r']:.3f} ({cell['c1_over_c2']:.3f})")
    expect(page.locator("#matrix-a-a")).to_have_text("—")
    expect(page.locator("#fsi-pairs tbody tr")).to_have_count(3)
    expect(page.locator("#fsi-pair-a-c")).to_have_text(f"{expected['fsi_pairs']['a,c']:.3f}")
    expect(page.locator("#fsi-pairs tr.least")).to_contain_text("least stable")
    page.screenshot(path=str(tmp_path / "three-powers.png"), full_page=True)
    assert errors == []


@pytest.mark.parametrize("kind", ["square", "waterfall", "drawdown", "forces", "treaty"])
def test_every_page_figure_draws_three_sides(client, three_text, kind):
    response = client.post(f"/api/plot/{kind}", json={"yaml": three_text})
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\x89PNG")


def test_report_compare_and_sweep_work_for_three_sides(client, three_text):
    report = client.post("/api/report", json={"yaml": three_text})
    assert report.status_code == 200 and 'id="pair-matrix"' in report.text
    compared = client.post("/api/compare", json={"scenarios": [{"yaml": three_text}] * 2}).json()
    keys = {m["key"] for m in compared["metrics"]}
    assert {"fsi[a,c]", "a.r[c]", "c.r[b]"} <= keys
    swept = client.post(
        "/api/sweep",
        json={
            "yaml": three_text,
            "axes": [{"path": "c.systems.silo.launchers", "start": 10, "stop": 50, "num": 3}],
        },
    )
    assert swept.status_code == 200, swept.text

"""Coalitions and the two-peer question on the web: /api/evaluate passes the new fields,
the page holds the coalition and two-peer tables under the matrix, /api/plot draws the
matrix and the two-peer figure, and headless Chromium shows them for five-powers-2026
and an uploaded coalition file (hidden for two sides)."""

from __future__ import annotations

import re

import pytest

from security_equation.present.tables import coalition_rows, two_peer_view
from tests.factories import COALITION_YAML


@pytest.fixture(scope="module")
def coalition_data(client):
    response = client.post("/api/evaluate", json={"yaml": COALITION_YAML})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_api_returns_coalitions_and_the_two_peer_question(coalition_data):
    data = coalition_data
    assert data["coalitions"] == {"nato": ["us", "uk", "france"], "partners": ["russia", "china"]}
    assert len(data["coalition_pairs"]) == 6
    assert set(data["two_peer"]) == {"us", "russia", "china", "uk", "france"}
    assert data["two_peer"]["us"]["adversaries"] == ["russia", "china"]


def test_two_sides_get_no_coalition_fields(client):
    data = client.post("/api/evaluate", json={"scenario": "us-russia-2023"}).json()
    assert not {"coalitions", "coalition_pairs", "two_peer"} & set(data)


def test_the_page_holds_the_coalition_and_two_peer_tables(client):
    page = client.get("/").text
    assert 'id="coalitions" hidden' in page and 'id="coalition-table"' in page
    assert 'id="two-peer" hidden' in page and 'id="two-peer-tables"' in page
    assert 'id="plot-matrix"' in page and 'id="plot-two-peer"' in page
    script = client.get("/static/app.js").text
    assert "function renderCoalitions" in script and "function renderTwoPeer" in script


@pytest.mark.parametrize("kind", ["matrix", "two-peer"])
def test_the_plot_api_draws_the_matrix_and_the_two_peer_figure(client, kind):
    response = client.post(f"/api/plot/{kind}", json={"yaml": COALITION_YAML})
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\x89PNG")
    svg = client.get(f"/api/plot/{kind}", params={"scenario": "five-powers-2026", "format": "svg"})
    assert svg.status_code == 200 and b"<svg" in svg.content[:500]


def test_the_two_peer_figure_of_two_sides_is_refused(client):
    response = client.post("/api/plot/two-peer", json={"scenario": "us-russia-2023"})
    assert response.status_code == 422
    assert "more than two sides" in response.json()["message"]


@pytest.mark.browser
def test_the_page_shows_coalitions_and_the_two_peer_question(opened_page, client, coalition_data, tmp_path):
    from playwright.sync_api import expect

    page, errors = opened_page
    path = tmp_path / "coalition-test.yaml"
    path.write_text(COALITION_YAML)
    five = client.post("/api/evaluate", json={"scenario": "five-powers-2026"}).json()

    # The bundled five powers: the two-peer question of every side, the figures drawn.
    page.select_option("#scenario-select", "five-powers-2026")
    expect(page.locator("#source")).to_have_text("bundled scenario five-powers-2026", timeout=30_000)
    expect(page.locator("#two-peer")).to_be_visible(timeout=30_000)
    us = next(v for v in two_peer_view(five) if v["side"] == "us")
    expect(page.locator("#two-peer-verdict-us")).to_have_text(us["verdict"], timeout=30_000)
    expect(page.locator("#two-peer-tables table.two-peer")).to_have_count(len(five["two_peer"]))
    for kind in ("matrix", "two-peer"):
        expect(page.locator(f"#plot-{kind}")).to_have_attribute("src", re.compile("^blob:"), timeout=60_000)
        # Drawn for this scenario (an earlier figure stays, dimmed, until redrawn).
        expect(page.locator(f"#plot-{kind}")).not_to_have_class(re.compile(r"\bstale\b"), timeout=60_000)
        expect(page.locator(f"#plot-{kind}")).to_be_visible()

    # An uploaded file with coalitions: the coalition table and allies in the matrix.
    page.set_input_files("#upload", str(path))
    expect(page.locator("#source")).to_have_text("uploaded file coalition-test.yaml", timeout=30_000)
    expect(page.locator("#coalitions")).to_be_visible(timeout=30_000)
    rows = coalition_rows(coalition_data)
    expect(page.locator("#coalition-table tbody tr")).to_have_count(len(rows))
    first = rows[0]
    a, b = first["parties"]
    expect(page.locator(f"#coalition-{a}-{b}-fsi")).to_have_text(f"{first['fsi']:.3f}")
    expect(page.locator(f"#coalition-{a}-{b}-r-{a}")).to_have_text(f"{first['r'][0]:.3f}")
    expect(page.locator("#matrix-us-uk")).to_contain_text("ally")
    expect(page.locator("#matrix-us-china")).not_to_contain_text("ally")
    expect(page.locator("#fsi-pairs")).to_contain_text("Russia – China (allies)")
    us = next(v for v in two_peer_view(coalition_data) if v["side"] == "us")
    expect(page.locator("#two-peer-verdict-us")).to_have_text(us["verdict"])
    row = page.locator("#two-peer-us tbody tr.worst td")
    expect(row.nth(1)).to_have_text(f"{us['rows'][us['worst']]['survivors']:,.0f}")
    page.screenshot(path=str(tmp_path / "coalitions.png"), full_page=True)

    # Two sides: none of it.
    page.select_option("#scenario-select", "us-russia-2023")
    expect(page.locator("#pair-matrix")).to_be_hidden(timeout=30_000)
    expect(page.locator("#plot-two-peer")).to_be_hidden()
    expect(page.locator("#plot-matrix")).to_be_hidden()
    assert errors == []

"""The JSON API with FastAPI's TestClient: results equal the model's, bad input gets the
CLI's located messages, size limits hold, and no request touches files it should not."""

from __future__ import annotations

import re
import time

import pytest
import yaml

from security_equation.io import bundled_names, dump_scenario, load_scenario, scenario_from_text
from security_equation.io.errors import InputError
from security_equation.model import evaluate
from security_equation.web import app as web_app
from security_equation.web import inputs

#: The last-official-data scenario (the default is five-powers-2026): named in every request.
US_RUSSIA = "us-russia-2023"
EDIT = {"russia.systems.icbm_mobile.launchers": 60, "us.posture.alert": "generated"}
#: Aiming per tube at submarines in port: Russia's r is capped at 1 (not in us-russia-2023 as bundled).
PER_TUBE = {
    "us.systems.trident_ii.aim_points_per_launcher": 1,
    "russia.systems.slbm.aim_points_per_launcher": 1,
}
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def default_text():
    return dump_scenario(load_scenario(US_RUSSIA))


# --------------------------------------------------------------------------- page and meta
def test_page_and_static_files_are_served_without_other_hosts(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for ref in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert ref.startswith("/"), ref
        if ref.startswith("/static/"):
            asset = client.get(ref)
            assert asset.status_code == 200, ref
            assert not re.search(r"https?://", asset.text), f"{ref} names another host"
    assert 'id="metric-fsi"' in page.text


def test_openapi_documents_the_api(client):
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/evaluate",
        "/api/treaty",
        "/api/compare",
        "/api/sweep",
        "/api/scenarios",
        "/api/scenarios/{name}",
        "/api/report",
        "/api/plot/{kind}",
        "/api/scenario",
    ):
        assert path in spec["paths"], path
    assert client.get("/docs").status_code == 200


def test_unknown_route_is_a_json_404(client):
    response = client.get("/api/nope")
    assert response.status_code == 404 and response.json()["error"] == "not found"


# --------------------------------------------------------------------------- scenarios
def test_scenario_list_and_get(client):
    names = [row["name"] for row in client.get("/api/scenarios").json()]
    assert US_RUSSIA in names and names == sorted(names)
    data = client.get(f"/api/scenarios/{US_RUSSIA}").json()
    assert data["name"] == US_RUSSIA
    assert set(data["scenario"]["sides"]) == {"us", "russia"}
    assert scenario_from_text(data["yaml"]).sides == load_scenario(US_RUSSIA).sides
    response = client.get(f"/api/scenarios/{US_RUSSIA}?format=yaml")
    assert response.headers["content-type"].startswith("application/yaml")
    assert "attachment" in response.headers["content-disposition"]
    assert yaml.safe_load(response.text)["sides"]["us"]["label"] == "United States"


def test_edited_scenario_downloads_as_yaml_that_loads_back(client):
    response = client.post("/api/scenario?format=yaml", json={"scenario": US_RUSSIA, "set": EDIT})
    assert response.status_code == 200
    assert f"{US_RUSSIA}-edited.yaml" in response.headers["content-disposition"]
    back = scenario_from_text(response.text)
    edited = load_scenario(US_RUSSIA, set_values=EDIT)

    def values(scenario):  # every value; the edited values' source notes now say "edited"
        data = scenario.model_dump(include={"sides"})
        for side in data["sides"].values():
            for part in ("systems", "defences"):
                for item in side.get(part, {}).values():
                    item.pop("sources", None)
            for part in ("posture", "value", "requirement"):
                if isinstance(side.get(part), dict):
                    side[part].pop("sources", None)
        return data

    assert values(back) == values(edited)
    note = back.sides["russia"].systems["icbm_mobile"].sources["launchers"]
    assert note.startswith("edited by web edit (was ")


# --------------------------------------------------------------------------- evaluate
def test_evaluate_matches_the_model(client):
    data = client.post("/api/evaluate", json={"scenario": US_RUSSIA}).json()
    expected = evaluate(load_scenario(US_RUSSIA), sections=())
    assert data["fsi"] == pytest.approx(expected.fsi, abs=1e-12)
    for side in ("us", "russia"):
        for key in ("r", "c1_over_c2", "c1", "c2", "surviving_warheads", "arriving_warheads"):
            assert data["sides"][side][key] == pytest.approx(expected.exchange.side(side)[key])
    assert data["framework"] in (None, "new-start")


def test_evaluate_returns_the_uncapped_ratio_behind_r(client):
    """Aimed per tube at submarines in port (``aim_points_per_launcher`` 1, as before aim
    points) Russia's r is capped at 1; the API returns the ratio C1/C2 behind it
    (docs/model.md "Stability") right after r, also in a comparison."""
    per_tube = {"scenario": US_RUSSIA, "set": PER_TUBE}
    data = client.post("/api/evaluate", json=per_tube).json()
    russia = data["sides"]["russia"]
    assert list(russia)[list(russia).index("r") + 1] == "c1_over_c2"
    assert russia["r"] == 1.0 and round(russia["c1_over_c2"], 3) == 1.030
    assert russia["c1_over_c2"] == pytest.approx(russia["c1"] / russia["c2"], rel=1e-15)
    compared = client.post("/api/compare", json={"scenarios": [per_tube] * 2}).json()
    rows = {m["key"]: m for m in compared["metrics"]}
    assert rows["russia.c1_over_c2"]["values"] == [russia["c1_over_c2"]] * 2
    assert rows["russia.c1_over_c2"]["metric"] == "C1/C2 (uncapped)"


def test_edits_are_applied_like_the_cli_set(client):
    data = client.post("/api/evaluate", json={"scenario": US_RUSSIA, "set": EDIT}).json()
    expected = evaluate(load_scenario(US_RUSSIA, set_values=EDIT), sections=())
    assert data["fsi"] == pytest.approx(expected.fsi, abs=1e-12)
    assert data["fsi"] != pytest.approx(
        client.post("/api/evaluate", json={"scenario": US_RUSSIA}).json()["fsi"]
    )
    with_override = client.post(
        "/api/evaluate", json={"scenario": US_RUSSIA, "overrides": ["generated"]}
    ).json()
    assert with_override["applied_overrides"] == ["generated"]


@pytest.mark.parametrize(
    "bad",
    [
        {"us.systems.minuteman_iii.launchers": -5},
        {"us.systems.minuteman_iii.launchers": 10.5},
        {"us.systems.minuteman_iii.warheads_per_launcher": 9},
        {"us.systems.nope.launchers": 1},
        {"usa.posture.alert": "generated"},
        {"us.posture.alert": "panic"},
        {"us..launchers": 1},
    ],
)
def test_bad_edits_get_the_cli_message(client, bad):
    response = client.post("/api/evaluate", json={"scenario": US_RUSSIA, "set": bad})
    assert response.status_code == 422
    body = response.json()
    with pytest.raises(InputError) as cli:
        load_scenario(US_RUSSIA, set_values=bad)
    assert body["message"] == str(cli.value)
    assert body["problems"] == [p.to_dict() for p in cli.value.problems]


def test_evaluate_sections_on_request(client):
    data = client.post(
        "/api/evaluate", json={"scenario": US_RUSSIA, "sections": ["treaty", "drivers"]}
    ).json()
    assert data["drivers"]["drivers"]
    assert set(data["treaty"]["sides"]) == {"us", "russia"}
    response = client.post("/api/evaluate", json={"scenario": US_RUSSIA, "sections": ["gossip"]})
    assert response.status_code == 422 and "sections" in response.json()["message"]


# --------------------------------------------------------------------------- uploads
def test_upload_text_and_file(client, default_text):
    text = default_text.replace("name: us-russia-2023", "name: mine", 1)
    data = client.post("/api/evaluate", json={"yaml": text, "set": EDIT}).json()
    assert data["scenario"] == "mine"
    assert data["fsi"] == pytest.approx(
        client.post("/api/evaluate", json={"scenario": US_RUSSIA, "set": EDIT}).json()["fsi"]
    )
    response = client.post("/api/upload", files={"file": ("mine.yaml", text, "application/yaml")})
    assert response.status_code == 200 and response.json()["name"] == "mine"
    child = "extends: us-russia-2023\nname: child\nsides:\n  us:\n    posture:\n      alert: generated\n"
    assert client.post("/api/evaluate", json={"yaml": child}).json()["scenario"] == "child"


def test_malformed_upload_gets_the_cli_located_error(client, default_text, tmp_path):
    lines = default_text.splitlines()
    k = next(i for i, line in enumerate(lines) if line.strip() == "launchers: 400")
    lines[k] = lines[k].replace("400", "-400")
    text = "\n".join(lines) + "\n"
    response = client.post("/api/evaluate", json={"yaml": text})
    assert response.status_code == 422
    message = response.json()["message"]
    assert message.startswith(f"<upload>:{k + 1} us.systems.minuteman_iii.launchers: must be >= 0")
    # The same file through the CLI's loader: the same problem at the same line.
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as cli:
        load_scenario(path)
    assert message == str(cli.value).replace(str(path), "<upload>")
    # With edits too (the upload's own problems keep their lines).
    again = client.post("/api/evaluate", json={"yaml": text, "set": EDIT}).json()["message"]
    assert again == message


def test_yaml_syntax_error_names_the_line(client):
    response = client.post("/api/evaluate", json={"yaml": "name: x\nsides: [\n"})
    assert response.status_code == 422
    assert re.match(r"<upload>:\d+: not valid YAML", response.json()["message"])


def test_alias_bombs_are_refused_quickly(client):
    rows = ["a0: &a0 {" + ", ".join(f"k{j}: 1" for j in range(10)) + "}"]
    for i in range(1, 9):  # 10**9 nodes once expanded, 900 bytes of text
        rows.append(f"a{i}: &a{i} {{" + ", ".join(f"k{j}: *a{i - 1}" for j in range(10)) + "}")
    started = time.perf_counter()
    response = client.post("/api/evaluate", json={"yaml": "\n".join(rows) + "\n"})
    assert time.perf_counter() - started < 2.0
    assert response.status_code == 422
    assert response.json()["message"].startswith("<upload>:2: YAML aliases are not accepted")


def test_overrides_apply_to_bundled_scenarios_only(client, default_text):
    response = client.post("/api/evaluate", json={"yaml": default_text, "overrides": ["generated"]})
    assert response.status_code == 422 and "bundled scenarios only" in response.json()["message"]


# --------------------------------------------------------------------------- files and paths
TRAVERSAL = [
    "../../etc/passwd",
    "/etc/passwd",
    "..",
    "us-russia-2023/../../etc/passwd",
    "C:\\Windows\\win.ini",
    "~root/.ssh/id_rsa",
]


@pytest.mark.parametrize("name", TRAVERSAL)
def test_no_request_reads_files_by_name(client, name):
    for body in (
        {"scenario": name},
        {"scenario": US_RUSSIA, "framework": name},
        {"yaml": f"extends: {name}\nname: x\n"},
        {
            "yaml": dump_scenario(load_scenario(US_RUSSIA)).replace(
                "framework: new-start", f"framework: '{name}'"
            )
        },
        {"scenario": US_RUSSIA, "set": {"framework": name}},
    ):
        response = client.post("/api/evaluate", json=body)
        assert response.status_code == 422, (body, response.text)
        text = response.text
        assert "root:" not in text and "No such file" not in text and "Permission" not in text
        assert "bundled" in response.json()["message"]
    assert client.get(f"/api/scenarios/{name}").status_code == 404
    assert client.get("/api/plot/square", params={"scenario": name}).status_code == 422


def test_path_parameters_cannot_escape(client):
    for url in (
        "/api/scenarios/..%2F..%2Fetc%2Fpasswd",
        "/api/scenarios/%2Fetc%2Fpasswd",
        "/static/../app.py",
        "/static/..%2Fapp.py",
        "/static/%2E%2E/inputs.py",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "import" not in response.text


def test_check_name_accepts_bundled_names_only():
    assert inputs.check_name(US_RUSSIA) == US_RUSSIA
    for name in TRAVERSAL + ["us-russia-2023.yaml", "", None]:
        with pytest.raises(InputError, match="no bundled scenario"):
            inputs.check_name(name)


# --------------------------------------------------------------------------- limits
def test_large_bodies_get_413_with_a_json_message(client):
    big = {"yaml": "# " + "x" * (web_app.MAX_BODY_BYTES + 10)}
    response = client.post("/api/evaluate", json=big)
    assert response.status_code == 413
    assert response.json() == {
        "error": "request too large",
        "message": f"the request body is larger than the limit of {web_app.MAX_BODY_BYTES:,} bytes",
    }

    def chunks():  # no Content-Length: counted as it streams
        for _ in range(40):
            yield b"x" * 50_000

    response = client.post("/api/evaluate", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "request too large"
    response = client.post("/api/upload", files={"file": ("big.yaml", b"a" * 1_200_000)})
    assert response.status_code == 413


def test_sweep_small_grid_and_caps(client):
    axes = [{"path": "us.systems.minuteman_iii.launchers", "start": 0, "stop": 400, "num": 5}]
    data = client.post("/api/sweep", json={"scenario": US_RUSSIA, "axes": axes}).json()
    assert data["points"] == 5 and len(data["metrics"]["fsi"]) == 5
    assert data["metrics"]["fsi"][-1] == pytest.approx(
        client.post("/api/evaluate", json={"scenario": US_RUSSIA}).json()["fsi"], abs=1e-9
    )
    image = client.post("/api/sweep?format=png", json={"scenario": US_RUSSIA, "axes": axes})
    assert image.content.startswith(PNG)
    big = [
        dict(axes[0], num=200),
        {"path": "russia.systems.slbm.launchers", "start": 0, "stop": 200, "num": 200},
    ]
    response = client.post("/api/sweep", json={"scenario": US_RUSSIA, "axes": big})
    assert response.status_code == 422
    assert "40,000 points" in response.json()["message"] and "limit" in response.json()["message"]
    three = [
        dict(axes[0], num=2),
        dict(axes[0], path="us.systems.b2a.launchers", num=2),
        dict(axes[0], path="us.systems.b52h.launchers", num=2),
    ]
    response = client.post("/api/sweep", json={"scenario": US_RUSSIA, "axes": three})
    assert response.status_code == 422 and "at most 2 axes" in response.json()["message"]
    response = client.post(
        "/api/sweep",
        json={"scenario": US_RUSSIA, "axes": [dict(axes[0], path="us.systems.minuteman.launchers")]},
    )
    assert response.status_code == 422 and "no such numeric field" in response.json()["message"]
    response = client.post("/api/sweep", json={"scenario": US_RUSSIA, "axes": [dict(axes[0], num=10**9)]})
    assert response.status_code == 422 and "axes.0.num" in response.json()["message"]


def test_compare_caps_columns(client):
    specs = [{"scenario": US_RUSSIA}] * 7
    response = client.post("/api/compare", json={"scenarios": specs})
    assert response.status_code == 422 and "at most 6 columns" in response.json()["message"]


# --------------------------------------------------------------------------- compare, treaty
def test_compare_scenarios_lines_up_differences(client):
    data = client.post(
        "/api/compare",
        json={
            "scenarios": [{"scenario": US_RUSSIA}, {"scenario": US_RUSSIA, "set": EDIT}],
            "labels": ["original", "edited"],
        },
    ).json()
    assert data["columns"] == ["original", "edited"]
    fsi = next(m for m in data["metrics"] if m["key"] == "fsi")
    assert fsi["difference"][0] == 0
    assert fsi["difference"][1] == pytest.approx(fsi["values"][1] - fsi["values"][0])


def test_compare_two_frameworks(client):
    # The three bundled frameworks; a missing one is a packaging error, not a reason to skip.
    assert bundled_names("frameworks") == [
        "all-warheads-cap",
        "new-start",
        "new-start-extended",
        "proportional-cuts",
        "security-equation",
    ]
    a, b = "all-warheads-cap", "new-start"
    data = client.post(
        "/api/compare", json={"scenarios": [{"scenario": US_RUSSIA}], "frameworks": [a, b]}
    ).json()
    assert data["columns"] == [f"{US_RUSSIA} @ {a}", f"{US_RUSSIA} @ {b}"]
    keys = {m["key"] for m in data["metrics"]}
    assert "treaty.compliant" in keys
    fsi = next(m for m in data["metrics"] if m["key"] == "fsi")
    assert fsi["difference"][1] == 0  # a framework does not change the exchange
    response = client.post(
        "/api/compare", json={"scenarios": [{"scenario": US_RUSSIA}], "frameworks": ["../../etc/passwd"]}
    )
    assert response.status_code == 422


def test_treaty_endpoint(client):
    data = client.post("/api/treaty", json={"scenario": US_RUSSIA, "framework": "new-start"}).json()
    us = data["sides"]["us"]
    assert us["limits"] and {"limit", "counted", "headroom", "compliant"} <= set(us["limits"][0])
    frameworks = client.get("/api/frameworks").json()
    assert "new-start" in [f["name"] for f in frameworks]


# --------------------------------------------------------------------------- figures, report
@pytest.mark.parametrize("kind", ["square", "waterfall", "drawdown", "forces"])
def test_plots_as_png_and_svg(client, kind):
    png = client.post(f"/api/plot/{kind}", json={"scenario": US_RUSSIA, "set": EDIT})
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(PNG)
    svg = client.get(f"/api/plot/{kind}", params={"format": "svg"})
    assert svg.headers["content-type"] == "image/svg+xml" and b"<svg" in svg.content[:2000]


def test_bad_plot_requests(client):
    assert client.post("/api/plot/pie", json={"scenario": US_RUSSIA}).status_code == 422
    assert client.post("/api/plot/square?format=gif", json={"scenario": US_RUSSIA}).status_code == 422
    response = client.post("/api/plot/drawdown", json={"scenario": US_RUSSIA, "attacker": "china"})
    assert response.status_code == 422 and "--attacker" in response.json()["message"]


def test_report_download_is_self_contained(client):
    response = client.post(
        "/api/report", json={"scenario": US_RUSSIA, "set": EDIT, "compare": [{"scenario": US_RUSSIA}]}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert f'filename="{US_RUSSIA}-report.html"' in response.headers["content-disposition"]
    html = response.text
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert '<section id="comparison">' in html
    assert "russia.systems.icbm_mobile.launchers" in html  # the edit, in the provenance table
    too_many = client.post("/api/report", json={"samples": 10**6})
    assert too_many.status_code == 422

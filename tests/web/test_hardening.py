"""Issue 12: what the CLI refuses gets a JSON 4xx (never a plain-text 500), an unexpected
error is a JSON 500 that keeps the connection, caches stay at their caps, other ``Host``
names are refused (DNS rebinding), no response may be framed, and /docs loads nothing
from other hosts."""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
import warnings

import pytest

from security_equation.io import dump_scenario, load_scenario, scenario_from_text
from security_equation.io.errors import InputError
from security_equation.web import app as web_app
from security_equation.web import inputs

DEFAULT = "us-russia-2023"
JSON = {"content-type": "application/json"}


def _raw(client, url: str, text: str):
    """POST JSON text as written (``\\ud800`` escapes and ``NaN`` stay as they are)."""
    return client.post(url, content=text.encode("ascii"), headers=JSON)


def _json_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"error", "message"} and "Traceback" not in response.text
    return body


# --------------------------------------------------------------------------- 1. 4xx, not 5xx
@pytest.mark.parametrize(
    ("url", "text", "path"),
    [
        # The case: a scenario text with a lone surrogate (JSON may escape one).
        ("/api/evaluate", '{"yaml": "name: \\"\\ud800\\"\\n"}', "yaml"),
        ("/api/scenario", '{"scenario": "us-russia-2023", "set": {"name": "a\\udfffb"}}', "set.name"),
        ("/api/evaluate", '{"scenario": "us-russia-2023", "set": {"x\\ud800": 1}}', "set.x\\ud800"),
        (
            "/api/compare",
            '{"scenarios": [{"scenario": "us-russia-2023"}], "labels": ["\\udc00"]}',
            "labels.0",
        ),
        (
            "/api/sweep",
            '{"scenario": "us-russia-2023", "axes": [{"path": "\\ud800", "start": 0, "stop": 1, "num": 2}]}',
            "axes.0.path",
        ),
    ],
)
def test_lone_surrogates_get_a_located_422(client, url, text, path):
    body = _json_error(_raw(client, url, text), 422)
    assert body["error"] == "invalid input"
    [problem] = body["problems"]
    assert problem["path"] == path
    assert problem["message"].startswith("text is not valid Unicode: lone surrogate \\u")
    assert body["message"] == f"{path}: {problem['message']}"


@pytest.mark.parametrize(
    ("url", "text", "path", "message"),
    [
        # Found by fuzzing: these were 500s (ValueError in io.paths.split; NaN accepted).
        (
            "/api/sweep",
            '{"scenario": "us-russia-2023", "axes": [{"path": "a..b", "start": 0, "stop": 1, "num": 2}]}',
            "axes.0.path",
            "'a..b' is not a dotted path",
        ),
        (
            "/api/sweep",
            '{"scenario": "us-russia-2023", "axes": '
            '[{"path": "us.systems.minuteman_iii.launchers", "start": NaN, "stop": 1, "num": 2}]}',
            "axes.0.start",
            "finite number",
        ),
        (
            "/api/sweep",
            '{"scenario": "us-russia-2023", "axes": '
            '[{"path": "us.systems.minuteman_iii.launchers", "start": 0, "stop": Infinity, "num": 2}]}',
            "axes.0.stop",
            "finite number",
        ),
        (
            "/api/evaluate",
            '{"scenario": "us-russia-2023", "set": {"us.systems.minuteman_iii.launchers": '
            + "9" * 400
            + "}}",
            "us.systems.minuteman_iii.launchers",
            "",
        ),
        (
            "/api/plot/forces",
            '{"scenario": "us-russia-2023", "set": {"us.systems.minuteman_iii.yield_kt": 1e999}}',
            "us.systems.minuteman_iii.yield_kt",
            "",
        ),
    ],
)
def test_fuzzed_inputs_that_were_500s_are_422s(client, url, text, path, message):
    body = _json_error(_raw(client, url, text), 422)
    assert any(path in p["path"] and message in p["message"] for p in body["problems"]), body


def test_input_errors_carry_the_cli_problems(client):
    """The same problems list (file, line, path, message) as the command line prints."""
    text = dump_scenario(load_scenario(DEFAULT)).replace("launchers: 400\n", "launchers: -5\n", 1)
    with pytest.raises(InputError) as cli:
        scenario_from_text(text, inputs.UPLOAD)
    body = _json_error(client.post("/api/evaluate", json={"yaml": text}), 422)
    assert body["problems"] == [p.to_dict() for p in cli.value.problems]
    assert body["message"] == str(cli.value)
    [problem] = body["problems"]
    assert problem["file"] == "<upload>" and problem["line"] > 1
    assert problem["path"] == "us.systems.minuteman_iii.launchers"


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (OverflowError("int too large to convert to float"), "too large to compute with"),
        (ValueError("arange: cannot compute length"), "arange: cannot compute length"),
        (UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"), "not valid Unicode"),
        (RecursionError("maximum recursion depth exceeded"), "nested too deeply"),
    ],
)
def test_value_errors_deep_in_the_model_are_422(client, monkeypatch, exc, words):
    def fail(*args, **kwargs):
        raise exc

    monkeypatch.setattr(web_app, "_evaluate", fail)
    body = _json_error(client.post("/api/evaluate", json={"scenario": DEFAULT}), 422)
    assert body["error"] == "invalid input" and words in body["message"]
    assert body["problems"][0]["message"] == body["message"]


def test_an_unexpected_error_is_a_json_500_that_names_nothing_internal(client, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("secret detail at /srv/internal/path.py")

    monkeypatch.setattr(web_app, "_evaluate", fail)
    response = client.post("/api/evaluate", json={"scenario": DEFAULT})
    body = _json_error(response, 500)
    assert body == {
        "error": "internal error",
        "message": "the server could not handle this request (the error is logged)",
    }
    assert "secret" not in response.text and "RuntimeError" not in response.text
    assert response.headers["x-frame-options"] == "DENY"
    monkeypatch.undo()
    assert client.post("/api/evaluate", json={"scenario": DEFAULT}).status_code == 200


# --------------------------------------------------------------------------- a real server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live():
    """uvicorn in a thread, serving the app plus a route that fails unexpectedly."""
    import uvicorn

    app = web_app.create_app()

    @app.get("/api/test-boom", include_in_schema=False)
    def boom() -> dict:
        raise RuntimeError("boom")

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def test_a_500_keeps_the_connection_alive(live):
    conn = http.client.HTTPConnection("127.0.0.1", live, timeout=20)
    try:
        conn.request("GET", "/api/test-boom")
        first = conn.getresponse()
        body = json.loads(first.read())
        assert first.status == 500 and body["error"] == "internal error"
        assert first.getheader("content-type") == "application/json"
        assert (first.getheader("connection") or "").lower() != "close"
        sock = conn.sock
        conn.request("GET", "/api/health")
        second = conn.getresponse()
        assert second.status == 200 and json.loads(second.read())["status"] == "ok"
        assert conn.sock is sock  # the same connection answered both
    finally:
        conn.close()


# --------------------------------------------------------------------------- 2. caches
def test_distinct_requests_leave_the_composed_cache_at_its_cap(client):
    """200 distinct requests: bundled compositions kept stay at the cache's cap."""
    cap = inputs._composed.cache_info().maxsize
    assert cap == web_app.CACHE_LIMITS["composed scenarios"]
    inputs._composed.cache_clear()
    for k in range(200):
        # Distinct (scenario, overrides) keys: a named override repeated k times.
        overrides = ["generated"] * (k % 32 + 1) + ["launch-under-attack"] * (k // 32)
        response = client.post(
            "/api/scenario", json={"scenario": DEFAULT, "overrides": overrides[:32], "set": {"name": f"n{k}"}}
        )
        assert response.status_code == 200, response.text
    info = inputs._composed.cache_info()
    assert info.currsize == cap and info.misses >= 150


def test_cached_limits_are_published(client):
    limits = client.get("/api/limits").json()
    assert limits["caches"] == web_app.CACHE_LIMITS


# --------------------------------------------------------------------------- 3. host names
def test_other_host_names_get_400_json(client):
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST", "testserver"):
        assert client.get("/api/health", headers={"host": host}).status_code == 200, host
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.nip.io", "localhost.evil.example", "[::2]"):
        body = _json_error(client.get("/api/health", headers={"host": host}), 400)
        assert body["error"] == "bad host" and host in body["message"]
    # The page itself too: a rebinding attacker wants it read from its own origin.
    _json_error(client.get("/", headers={"host": "attacker.example"}), 400)


def test_the_host_check_on_a_real_socket(live):
    """Over a socket ``testserver`` is just another name; --host names are allowed."""
    for host, status in ((f"127.0.0.1:{live}", 200), (f"localhost:{live}", 200), ("testserver", 400)):
        conn = http.client.HTTPConnection("127.0.0.1", live, timeout=20)
        try:
            conn.request("GET", "/api/health", headers={"Host": host})
            response = conn.getresponse()
            response.read()
            assert response.status == status, host
        finally:
            conn.close()


def test_create_app_takes_the_served_names(monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    monkeypatch.delenv(web_app.HOSTS_ENV, raising=False)
    app = web_app.create_app(["192.168.1.5", "::2", "Seceq.Example."])
    assert app.state.hosts == {"localhost", "127.0.0.1", "[::1]", "192.168.1.5", "[::2]", "seceq.example"}
    with TestClient(app) as c:
        for host in ("192.168.1.5:8000", "[::2]:80", "seceq.example"):
            assert c.get("/api/health", headers={"host": host}).status_code == 200, host
        assert c.get("/api/health", headers={"host": "192.168.1.6"}).status_code == 400
    monkeypatch.setenv(web_app.HOSTS_ENV, "worker.example, other.example")
    assert {"worker.example", "other.example"} <= web_app.create_app().state.hosts


# --------------------------------------------------------------------------- 4. no framing
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/"),
        ("GET", "/static/app.js"),
        ("GET", "/docs"),
        ("GET", "/openapi.json"),
        ("GET", "/api/health"),
        ("GET", "/api/nope"),
        ("POST", "/api/evaluate"),
    ],
)
def test_every_response_forbids_framing(client, method, url):
    response = client.request(method, url, json={"scenario": "nope"} if method == "POST" else None)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


# --------------------------------------------------------------------------- 5. /docs
def test_docs_is_our_own_page_with_nothing_from_other_hosts(client):
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "cdn" not in page.text.lower() and "swagger" not in page.text.lower()
    refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "/static/docs.js" in refs and "/openapi.json" in refs
    for ref in refs:
        assert ref.startswith(("/", "#")), ref
        if ref.startswith("/static/"):
            asset = client.get(ref)
            assert asset.status_code == 200, ref
            assert not re.search(r"https?://", asset.text), f"{ref} names another host"
    assert "<script>" not in page.text  # no inline script: the CSP would block it
    assert client.get("/redoc").status_code == 404
    spec = client.get("/openapi.json").json()
    assert "/api/evaluate" in spec["paths"] and "/docs" not in spec["paths"]

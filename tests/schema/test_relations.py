"""Commitments and coalitions that cannot be (issue 13, ``schema.scenario.relation_problems``):
an unknown side in a coalition or a commitment, a side committed to itself, an ally cycle,
a coalition of one side, a coalition named like a side. Each is a located error: exit 2
from the CLI with ``file:line dotted.path: message``, the same from ``--set``, and a 422
with the located problem from the web API."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from security_equation.io.errors import InputError
from security_equation.io.loading import scenario_from_text

HEAD = "extends: five-powers-2026\nname: bad-relations\n"
#: Five powers: us, russia, china, uk, france; the bundled file commits uk and france to us.
SIDES = "us, russia, china, uk, france"

#: name -> (file text, the line's needle, dotted path, message: the whole message or, for
#: a cycle, its start)
CASES = {
    "unknown member": (
        HEAD + "coalitions:\n  nato: [us, uk, germany]\n",
        "nato:",
        "coalitions.nato.2",
        f"no side named 'germany' (sides: {SIDES})",
    ),
    "unknown protected side": (
        HEAD + "sides:\n  uk:\n    commits_to: [germany]\n",
        "commits_to: [germany]",
        "uk.commits_to.0",
        f"no side named 'germany' (sides: {SIDES})",
    ),
    "committed to itself": (
        HEAD + "sides:\n  uk:\n    commits_to: [uk]\n",
        "commits_to: [uk]",
        "uk.commits_to.0",
        "a side cannot be committed to itself ('uk')",
    ),
    "cycle of two": (
        HEAD + "sides:\n  us:\n    commits_to: [uk]\n  uk:\n    commits_to: [us]\n",
        "commits_to: [us]",
        "uk.commits_to.0",
        "an ally cycle: us → uk → us",
    ),
    "cycle of three": (
        HEAD
        + "sides:\n  us:\n    commits_to: [uk]\n  uk:\n    commits_to: [france]\n"
        + "  france:\n    commits_to: [us]\n",
        "commits_to: [us]",
        "france.commits_to.0",
        "an ally cycle: us → uk → france → us",
    ),
    "coalition of one": (
        HEAD + "coalitions:\n  solo: [us]\n",
        "solo:",
        "coalitions.solo",
        "a coalition needs at least two different sides",
    ),
    "coalition named like a side": (
        HEAD + "coalitions:\n  china: [us, uk]\n",
        "china:",
        "coalitions.china",
        "a coalition cannot be named like a side ('china')",
    ),
}


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def _write(tmp_path, monkeypatch, text: str, name: str = "bad.yaml") -> str:
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(text, encoding="utf-8")
    return name


@pytest.mark.parametrize("case", list(CASES))
def test_the_cli_refuses_with_file_line_and_path(case, tmp_path, monkeypatch, seceq):
    text, needle, path, message = CASES[case]
    name = _write(tmp_path, monkeypatch, text)
    code, out, err = seceq("run", name)
    assert code == 2 and out == ""
    assert "Traceback" not in err and err.startswith("error: ")
    assert f"bad.yaml:{_line(text, needle)} {path}: {message}" in err
    assert "five-powers-2026.yaml" not in err  # the problem is in the user's file


def test_the_loader_reports_each_problem_at_its_own_path():
    """Several problems in one file: each located, none hiding another."""
    text = (
        HEAD
        + "coalitions:\n  china: [us, us]\n  pact: [russia, germany]\n"
        + "sides:\n  uk:\n    commits_to: [uk, mars]\n"
    )
    with pytest.raises(InputError) as err:
        scenario_from_text(text)
    found = {(p.path, p.message.split(" (")[0]) for p in err.value.problems}
    assert found == {
        ("coalitions.china", "a coalition cannot be named like a side"),
        ("coalitions.china", "a coalition needs at least two different sides"),
        ("coalitions.china.1", "'us' is named twice"),
        ("coalitions.pact.1", "no side named 'germany'"),
        ("uk.commits_to.0", "a side cannot be committed to itself"),
        ("uk.commits_to.1", "no side named 'mars'"),
    }


def test_valid_relations_load():
    """The controls: a coalition of two sides and commitments without a cycle load."""
    sc = scenario_from_text(
        HEAD + "coalitions:\n  nato: [us, uk, france]\nsides:\n  uk:\n    commits_to: [us, france]\n"
    )
    assert sc.coalitions == {"nato": ["us", "uk", "france"]}
    assert sc.sides["uk"].commits_to == ["us", "france"]


def test_a_real_process_exits_2_without_a_traceback(tmp_path):
    text, needle, path, message = CASES["unknown member"]
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", "from security_equation.cli import main; main()", "run", "bad.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert f"bad.yaml:{_line(text, needle)} {path}: {message}" in result.stderr


# ----------------------------------------------------------------- --set
#: us defends uk; the bundled uk → us is dropped.
ONE_WAY = HEAD + "sides:\n  us:\n    commits_to: [uk]\n  uk:\n    commits_to: []\n"


def test_the_one_way_file_loads():
    sc = scenario_from_text(ONE_WAY)
    assert sc.sides["us"].commits_to == ["uk"] and sc.sides["uk"].commits_to == []
    assert sc.sides["france"].commits_to == ["us"]  # from the bundled file


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[us]", "an ally cycle: us → uk → us"),
        ("[uk]", "a side cannot be committed to itself ('uk')"),
        ("[germany]", "no side named 'germany'"),
    ],
)
def test_set_closing_a_cycle_or_naming_a_bad_side_is_refused(value, message, tmp_path, monkeypatch, seceq):
    name = _write(tmp_path, monkeypatch, ONE_WAY, "one-way.yaml")
    code, out, err = seceq("run", name, "--set", f"uk.commits_to={value}")
    assert code == 2 and out == ""
    assert "Traceback" not in err and re.search(r"uk\.commits_to(\.0)?: " + re.escape(message), err)


@pytest.mark.parametrize("value", ["[us]", "[uk]", "[germany]"])
def test_set_problems_are_located_at_the_set(value, tmp_path, monkeypatch, seceq):
    name = _write(tmp_path, monkeypatch, ONE_WAY, "one-way.yaml")
    _, _, err = seceq("run", name, "--set", f"uk.commits_to={value}")
    assert "--set uk.commits_to" in err
    assert "five-powers-2026.yaml" not in err


def test_a_cycle_closed_against_the_bundled_parent_names_the_users_line(tmp_path, monkeypatch, seceq):
    text = HEAD + "sides:\n  us:\n    commits_to: [uk]\n"
    name = _write(tmp_path, monkeypatch, text)
    code, _, err = seceq("run", name)
    assert code == 2 and "an ally cycle" in err  # refused either way
    assert f"bad.yaml:{_line(text, 'commits_to')} us.commits_to.0: an ally cycle" in err


# ----------------------------------------------------------------- web
@pytest.fixture(scope="module")
def client():
    """The web app's test client (as tests/web/conftest.py builds it)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette: "httpx with TestClient is deprecated"
        from fastapi.testclient import TestClient

    from security_equation.web.app import create_app

    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.mark.parametrize("case", list(CASES))
def test_an_upload_gets_the_located_problem(case, client):
    text, needle, path, message = CASES[case]
    line = _line(text, needle)
    for response in (
        client.post("/api/evaluate", json={"yaml": text}),
        client.post("/api/upload", files={"file": ("bad.yaml", text, "application/yaml")}),
    ):
        assert response.status_code == 422, response.text
        body = response.json()
        # A cycle is reported at each of its commitments; the case's own is one of them.
        assert f"<upload>:{line} {path}: {message}" in body["message"]
        (problem,) = [
            p for p in body["problems"] if (p["file"], p["line"], p["path"]) == ("<upload>", line, path)
        ]
        assert problem["message"].startswith(message)
        if "cycle" not in case:
            assert len(body["problems"]) == 1


def test_a_web_edit_closing_a_cycle_is_refused(client):
    response = client.post("/api/evaluate", json={"yaml": ONE_WAY, "set": {"uk.commits_to": ["us"]}})
    assert response.status_code == 422
    assert re.search(r"uk\.commits_to(\.0)?: an ally cycle: us → uk → us", response.json()["message"])
    ok = client.post("/api/evaluate", json={"yaml": ONE_WAY, "set": {"uk.commits_to": ["china"]}})
    assert ok.status_code == 200, ok.text


def test_a_side_may_not_be_named_like_any_top_level_key():
    """The reserved side names are the scenario's own top-level keys (its fields and the
    loader's ``extends``/``overrides``), the keys ``io.paths`` reads as top level: a side
    named ``coalitions`` would make ``coalitions.x`` ambiguous."""
    from security_equation.io.paths import TOP_LEVEL_KEYS
    from security_equation.schema.scenario import RESERVED_SIDE_NAMES

    assert TOP_LEVEL_KEYS | {"edits"} == RESERVED_SIDE_NAMES
    text = "extends: us-russia-2023\nname: bad\nsides:\n  coalitions: {}\n"
    with pytest.raises(InputError) as info:
        scenario_from_text(text, "bad.yaml")
    assert any("'coalitions' may not name a side" in p.message for p in info.value.problems)

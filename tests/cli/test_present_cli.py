"""`seceq plot`, `seceq report` and `seceq serve` through the real entry point."""

from __future__ import annotations

import io
import sys

import pytest

from security_equation.cli import app
from security_equation.cli import output as output_cli

PNG = b"\x89PNG\r\n\x1a\n"


def test_register_is_idempotent():
    before = [c.name for c in app.registered_commands]
    output_cli.register(app)
    assert [c.name for c in app.registered_commands] == before
    assert {"plot", "report", "serve"} <= set(before)


def test_plot_writes_png_and_svg_by_suffix(seceq, tmp_path):
    png, svg = tmp_path / "square.png", tmp_path / "square.svg"
    code, out, err = seceq("plot", "square", "us-russia-2023", "-o", str(png))
    assert code == 0, err
    assert png.read_bytes().startswith(PNG) and str(png) in out
    code, _, err = seceq(
        "plot",
        "drawdown",
        "-o",
        str(svg),
        "--attacker",
        "russia",
        "--set",
        "russia.posture.alert=generated",
    )
    assert code == 0, err
    assert b"<svg" in svg.read_bytes()[:2000]


def test_plot_refuses_to_overwrite_without_force(seceq, tmp_path):
    path = tmp_path / "forces.png"
    path.write_bytes(b"my own picture")
    code, _, err = seceq("plot", "forces", "-o", str(path))
    assert code == 2
    assert "exists; use --force" in err and "Traceback" not in err
    assert path.read_bytes() == b"my own picture"
    code, _, err = seceq("plot", "forces", "-o", str(path), "--force")
    assert code == 0, err
    assert path.read_bytes().startswith(PNG)


@pytest.mark.parametrize(("answer", "code", "replaced"), [("n\n", 1, False), ("y\n", 0, True)])
def test_plot_asks_before_overwriting_in_a_terminal(seceq, monkeypatch, tmp_path, answer, code, replaced):
    path = tmp_path / "square.png"
    path.write_bytes(b"keep me")
    monkeypatch.setattr(output_cli, "_interactive", lambda: True)
    monkeypatch.setattr(sys, "stdin", io.StringIO(answer))
    got, _, err = seceq("plot", "square", "-o", str(path))
    assert got == code
    assert "Overwrite" in err
    assert path.read_bytes().startswith(PNG) is replaced


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plot", "square", "-o", "x.jpg"], "must end in .png or .svg"),
        (["plot", "pie", "-o", "x.png"], "pie"),
        (["plot", "square", "-o", "no/such/dir/x.png"], "does not exist"),
        (["plot", "drawdown", "us-russia-2023", "-o", "x.png", "--attacker", "china"], "--attacker"),
        (
            ["plot", "square", "--set", "us.systems.minuteman_iii.launchers=-1", "-o", "x.png"],
            "us.systems.minuteman_iii.launchers: must be >= 0",
        ),
        (["report", "-o", "r.pdf"], "must end in .html"),
        (["report", "--compare", "us-russia-2023:nope", "-o", "r.html"], "unknown override 'nope'"),
    ],
)
def test_bad_input_exits_2_with_a_message(seceq, monkeypatch, tmp_path, args, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = seceq(*args)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_report_writes_one_offline_html_file(seceq, tmp_path):
    path = tmp_path / "report.html"
    code, out, err = seceq(
        "report",
        "us-russia-2023",
        "--compare",
        "us-russia-2023:generated",
        "-o",
        str(path),
    )
    assert code == 0, err
    html = path.read_text(encoding="utf-8")
    assert '<section id="comparison">' in html and "us-russia-2023:generated" in html
    assert "report.html" in out
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_serve_binds_to_loopback_by_default(seceq, monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    code, out, err = seceq("serve", "--port", "8123")
    assert code == 0, err
    assert calls == [{"host": "127.0.0.1", "port": 8123, "log_level": "info"}]
    assert "http://127.0.0.1:8123/" in out and "warning" not in err
    code, _, err = seceq("serve", "--host", "0.0.0.0")
    assert code == 0 and calls[-1]["host"] == "0.0.0.0"
    assert "warning" in err and "no authentication" in err
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    code, _, err = seceq("serve", "--workers", "2")
    assert code == 0, err
    assert calls[-1] == (
        output_cli.APP_FACTORY,
        {"factory": True, "host": "127.0.0.1", "port": 8000, "log_level": "info", "workers": 2},
    )

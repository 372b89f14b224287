"""The example commands in the descriptions of the README's command table (``seceq plot
matrix five-powers-2026 -o matrix.png`` and the like) run, in a scratch folder, and write
what they name (tests/docs/test_readme.py runs the table's first column)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def _described_commands() -> list[str]:
    out = []
    for line in README.read_text(encoding="utf-8").splitlines():
        cells = line.split(" | ")
        if line.startswith("| `seceq ") and len(cells) > 1:
            out += re.findall(r"`(seceq [^`]*)`", " | ".join(cells[1:]))
    return out


COMMANDS = _described_commands()


def test_the_plot_row_shows_the_matrix_and_two_peer_examples():
    kinds = {shlex.split(c)[2] for c in COMMANDS if c.startswith("seceq plot ")}
    assert {"matrix", "two-peer"} <= kinds


@pytest.mark.parametrize("command", [c for c in COMMANDS if " -o " in c])
def test_each_described_command_runs(command, seceq, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = shlex.split(command)
    code, out, err = seceq(*args[1:])
    assert code == 0, err
    written = tmp_path / args[args.index("-o") + 1]
    assert written.is_file() and written.stat().st_size > 0

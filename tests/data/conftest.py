"""Run the real `seceq` entry point in-process: exit code, stdout and stderr."""

from __future__ import annotations

import sys

import pytest

from security_equation.cli import main


@pytest.fixture
def seceq(monkeypatch, capsys):
    """``seceq("data", "list")`` → ``(exit_code, stdout, stderr)`` through ``cli.main``."""

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["seceq", *args])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return run

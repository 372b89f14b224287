"""Files that cannot be written (issue 12): a full disk or a read-only output folder ends
`sweep`, `report`, `plot`, `treaty history` and `sensitivity --plot` with one line naming
the file and the cause and exit code 2 (like bad input), the old file intact and no
temporary file left.

Tests may run as root, where a read-only folder (chmod 0o555) does not stop writes: the
faults are then simulated (``os.replace`` or the sync to disk failing with EROFS/ENOSPC).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from security_equation.io import atomic

AXIS = "russia.systems.icbm_mobile.launchers=0:400:21"
OLD = b"an old file the user saved"

#: (command arguments with {out}, the output file name)
COMMANDS = {
    "sweep": (
        ["sweep", "us-russia-2023", "--axis", AXIS, "-o", "{out}", "--workers", "1", "--format", "json"],
        "s.nc",
    ),
    "report": (["report", "us-russia-2023", "-o", "{out}"], "r.html"),
    "plot": (["plot", "forces", "us-russia-2023", "-o", "{out}"], "x.png"),
    "treaty history": (["treaty", "history", "-o", "{out}", "--format", "json"], "h.png"),
    "sensitivity --plot": (
        ["sensitivity", "us-russia-2023", "--samples", "16", "--plot", "{out}", "--format", "json"],
        "s.png",
    ),
}


@pytest.fixture(autouse=True)
def quick_report(monkeypatch):
    """The report's content does not matter here, only writing it (saves seconds)."""
    from security_equation.analysis import report

    monkeypatch.setattr(report, "build_report", lambda *a, **k: "<!doctype html><title>r</title>")


def _target(command: str, out: Path) -> Path:
    """The first file the command writes: a sweep starts with its partial store."""
    return out.with_name(out.name + ".partial") / "spec.json" if command == "sweep" else out


def _args(command: str, out: Path) -> list[str]:
    args, _ = COMMANDS[command]
    return [a.format(out=out) for a in args]


def _temporaries(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if ".tmp-" in p.name)


def _error_lines(err: str) -> list[str]:
    """stderr without the progress bar of `sweep`."""
    return [line for line in err.splitlines() if line.strip() and not line.startswith("sweep ")]


def _fail_replace(monkeypatch, code: int) -> None:
    def replace(src, dst, *args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", replace)


def _fail_sync(monkeypatch, code: int) -> None:
    """The data do not fit on the disk: writing (syncing) the temporary file fails."""

    def fsync_path(path, *, directory=False):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(atomic, "fsync_path", fsync_path)


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize(
    ("fault", "code"),
    [(_fail_replace, errno.EROFS), (_fail_sync, errno.ENOSPC)],
    ids=["read-only", "disk-full"],
)
def test_write_fault_is_one_line_exit_2_old_file_kept(seceq, tmp_path, monkeypatch, command, fault, code):
    out = tmp_path / COMMANDS[command][1]
    out.write_bytes(OLD)
    fault(monkeypatch, code)
    status, _, err = seceq(*_args(command, out), "--force")
    assert status == 2, err
    assert "Traceback" not in err
    # The file named, not its temporary: "error: cannot write /x/r.html: Read-only file system"
    assert _error_lines(err) == [f"error: cannot write {_target(command, out)}: {os.strerror(code)}"]
    assert out.read_bytes() == OLD
    assert _temporaries(tmp_path) == []
    if command == "sweep":  # nothing was saved: no partial store to resume from either
        assert not (tmp_path / "s.nc.partial").exists()


def test_sweep_result_that_cannot_be_written_keeps_the_chunks_for_a_rerun(seceq, tmp_path, monkeypatch):
    out = tmp_path / "s.nc"
    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst) == out:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    status, _, err = seceq(*_args("sweep", out))
    assert status == 2
    assert _error_lines(err) == [f"error: cannot write {out}: No space left on device"]
    assert list((tmp_path / "s.nc.partial").glob("chunk-*.npz"))
    assert _temporaries(tmp_path) == []

    monkeypatch.setattr(os, "replace", real_replace)
    status, stdout, err = seceq(*_args("sweep", out))
    assert status == 0, err
    assert '"resumed_points": 21' in stdout
    assert not (tmp_path / "s.nc.partial").exists() and _temporaries(tmp_path) == []


def _chmod_blocks_writes(folder: Path) -> bool:
    probe = folder / "probe"
    try:
        probe.write_text("x")
    except OSError:
        return True
    probe.unlink()
    return False


@pytest.mark.parametrize("command", list(COMMANDS))
def test_read_only_folder(seceq, tmp_path, command):
    folder = tmp_path / "ro"
    folder.mkdir()
    out = folder / COMMANDS[command][1]
    out.write_bytes(OLD)
    folder.chmod(0o555)
    try:
        if not _chmod_blocks_writes(folder):
            pytest.skip("chmod does not stop this user writing (root): see the simulated faults above")
        status, _, err = seceq(*_args(command, out), "--force")
    finally:
        folder.chmod(0o755)
    assert status == 2, err
    assert "Traceback" not in err
    lines = _error_lines(err)
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot write {folder}"), err
    assert lines[0].endswith((": Permission denied", ": Read-only file system")), lines
    assert out.read_bytes() == OLD
    assert sorted(p.name for p in folder.iterdir()) == [out.name]


def test_debug_shows_the_traceback(seceq, tmp_path, monkeypatch):
    _fail_replace(monkeypatch, errno.EROFS)
    with pytest.raises(atomic.WriteError):
        seceq("--debug", *_args("plot", tmp_path / "x.png"))

"""Saving files: never a half-written file, never a saved file replaced by surprise.

Every file the package writes (figures, reports, NetCDF results, sweep chunks) goes
through :func:`atomic_path`: the data go to a temporary file ``.NAME.tmp-PID`` in the
same folder, which is flushed to disk (``fsync``) and then moved onto the target with
``os.replace`` (atomic on one file system; the folder is synced too). A reader sees the
old file or the new one, never a mix; a failed write leaves no temporary file and the
old file as it was. Temporary files of the same name left by a process that was killed
(its PID no longer runs) are removed by the next write.

A write that fails (a full disk, a read-only folder, no permission) raises
:class:`WriteError`: an ``OSError`` whose message names the target and the cause, e.g.
``cannot write /ro/x.png: Read-only file system`` (the CLI prints it and exits 2).

:func:`check_writable` is the one check before writing: an existing file is replaced
only with ``--force`` (the CLI may also ask at a terminal, see ``cli.output``).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from security_equation.io.errors import InputError

_TMP_MARK = ".tmp-"


class WriteError(OSError):
    """A file could not be written: ``cannot write PATH: CAUSE`` (errno and path kept)."""

    def __init__(self, path: Path | str, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause), str(path))
        self.path = Path(path)
        self.cause = cause

    def __str__(self) -> str:
        return f"cannot write {self.path}: {self.strerror}"


def temporary_path(path: Path | str) -> Path:
    """The temporary file next to ``path`` that :func:`atomic_path` writes first."""
    path = Path(path)
    return path.with_name(f".{path.name}{_TMP_MARK}{os.getpid()}")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # someone else's process, or cannot tell: keep its file
        return True
    return True


def remove_stale_temporaries(path: Path | str, *, own: bool = False) -> list[Path]:
    """Remove the temporary files of ``path`` (``.NAME.tmp-PID``) whose process is gone
    (and this process's own with ``own``); returns the files removed. Never raises."""
    path = Path(path)
    pattern = re.compile(rf"^\.{re.escape(path.name)}{re.escape(_TMP_MARK)}(\d+)$")
    removed = []
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if not match:
            continue
        pid = int(match.group(1))
        if (own and pid == os.getpid()) or not _pid_alive(pid):
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(entry)
    return removed


def remove_temporaries_in(folder: Path | str, *, own: bool = True) -> list[Path]:
    """Remove every temporary file in ``folder`` left by a dead process (and by this one
    with ``own``): the clean-up of a folder of atomically written files. Never raises."""
    removed = []
    pattern = re.compile(rf"^\.(.+){re.escape(_TMP_MARK)}\d+$")
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if match:
            removed += remove_stale_temporaries(entry.with_name(match.group(1)), own=own)
    return removed


def fsync_path(path: Path | str, *, directory: bool = False) -> None:
    """Flush a file's (or a folder's entries') data to disk. Folders that cannot be
    opened for syncing (some platforms and file systems) are skipped."""
    if directory:
        flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    else:  # Windows commits only files open for writing
        flags = os.O_RDWR if os.name == "nt" else os.O_RDONLY
    try:
        fd = os.open(path, flags)
    except OSError:
        if directory:
            return
        raise
    try:
        os.fsync(fd)
    except OSError:
        if not directory:
            raise
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: Path | str, *, clean: bool = True) -> Iterator[Path]:
    """A temporary path to write to; synced and moved onto ``path`` when the block
    succeeds, removed when it raises. An ``OSError`` becomes a :class:`WriteError`.
    ``clean``: first remove temporaries of ``path`` left by dead processes (a caller
    writing many files to one folder may do that once, see :func:`remove_temporaries_in`).

    >>> with atomic_path("out.png") as tmp:  # doctest: +SKIP
    ...     fig.savefig(tmp, format="png")
    """
    path = Path(path)
    tmp = temporary_path(path)
    if clean:
        remove_stale_temporaries(path)
    try:
        try:
            yield tmp
            fsync_path(tmp)
            os.replace(tmp, path)
        except WriteError:
            raise
        except OSError as exc:
            raise WriteError(path, exc) from exc
        fsync_path(path.parent, directory=True)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding)
    return path


def check_writable(path: Path | str, force: bool, option: str = "-o") -> Path:
    """Refuse to replace an existing file without ``force``; the folder must exist.

    Problems are input errors located at the command-line ``option`` that named the file.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError.single(f"{path} is a directory; give a file name", path=option)
    if path.exists() and not force:
        raise InputError.single(f"{path} exists; use --force to overwrite it", path=option)
    if not path.parent.exists():
        raise InputError.single(f"folder {path.parent} does not exist", path=option)
    return path

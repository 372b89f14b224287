"""Saving files: never a half-written file, never a saved file replaced by surprise.

Every file the package writes (figures, reports, NetCDF results, sweep chunks) goes
through :func:`atomic_path`: the data go to a temporary file in the same folder, which
is then moved onto the target with ``os.replace`` (atomic on one file system). A reader
sees the old file or the new one, never a mix; a failed write leaves no temporary file.

:func:`check_writable` is the one check before writing: an existing file is replaced
only with ``--force`` (the CLI may also ask at a terminal, see ``cli.output``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from security_equation.io.errors import InputError


def temporary_path(path: Path | str) -> Path:
    """The temporary file next to ``path`` that :func:`atomic_path` writes first."""
    path = Path(path)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


@contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """A temporary path to write to; moved onto ``path`` when the block succeeds,
    removed when it raises.

    >>> with atomic_path("out.png") as tmp:  # doctest: +SKIP
    ...     fig.savefig(tmp, format="png")
    """
    path = Path(path)
    tmp = temporary_path(path)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
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

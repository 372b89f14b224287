"""Saving results: NetCDF files written atomically, and resumable partial sweeps.

NetCDF (version 3, written by scipy: no extra dependency) cannot hold dots in every
tool's names, so variable and dimension names are sanitized (``us.r`` → ``us__r``)
and the original dotted path is kept in each variable's ``dotted_path`` attribute;
``open_dataset`` restores the dotted names.

A sweep writing to ``PATH`` keeps finished chunks in ``PATH.partial/`` (one ``.npz``
per chunk, each written to a temporary file, synced to disk and moved into place with
``os.replace``, so a chunk counts as done only once it is on disk) together with the
hash of what is being computed. A rerun of the same sweep skips the chunks already
there; a chunk that cannot be read (a truncated file, say) is removed and recomputed.
The final file is also written to a temporary name and moved into place, so ``PATH`` is
never left half-written. An existing ``PATH`` is only replaced with ``force``.
Temporary files left by a killed run are removed by the next one.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from security_equation.io.atomic import (
    WriteError,
    atomic_path,
    check_writable,
    remove_stale_temporaries,
    remove_temporaries_in,
    write_text_atomic,
)
from security_equation.io.errors import InputError

PARTIAL_SUFFIX = ".partial"
SPEC_FILE = "spec.json"
_CHUNK_RE = re.compile(r"^chunk-(\d+)-(\d+)\.npz$")


# --------------------------------------------------------------------------- names and attrs
def sanitize(name: str) -> str:
    """A NetCDF-safe name: dots become ``__``, other odd characters ``_``."""
    text = re.sub(r"[^A-Za-z0-9_]", "_", str(name).replace(".", "__"))
    if not text or not (text[0].isalpha() or text[0] == "_"):
        text = "v_" + text
    return text


def _attr_value(value: Any) -> Any:
    """NetCDF3 attributes hold text, numbers and 1-d numeric arrays only."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, str | int | float | np.integer | np.floating):
        if isinstance(value, int | np.integer) and not -(2**31) <= int(value) < 2**31:
            return str(value)
        return value
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "if":
        return value
    return json.dumps(value, default=str)


def _clean_attrs(attrs: Mapping) -> dict:
    return {str(k): _attr_value(v) for k, v in attrs.items()}


def write_dataset(ds, path: Path | str, *, force: bool = False) -> Path:
    """Write ``ds`` to NetCDF at ``path`` atomically (temp file, then ``os.replace``)."""
    path = check_writable(path, force)
    renames: dict[str, str] = {}
    used: set[str] = set()
    for name in [*ds.dims, *ds.variables]:
        if name in renames:
            continue
        new = sanitize(str(name))
        while new in used:
            new += "_"
        used.add(new)
        renames[str(name)] = new
    out = ds.copy(deep=False)
    for name, var in out.variables.items():
        var.attrs = _clean_attrs({**var.attrs, "dotted_path": str(name)})
        var.encoding = {}
    out.attrs = _clean_attrs(out.attrs)
    out = out.rename({k: v for k, v in renames.items() if k != v})
    with atomic_path(path) as tmp:
        out.to_netcdf(tmp, engine="scipy", format="NETCDF3_64BIT")
    return path


def open_dataset(path: Path | str):
    """Read a file written by ``write_dataset`` (loaded into memory) with dotted names."""
    import xarray as xr

    with xr.open_dataset(path, engine="scipy") as ds:
        ds = ds.load()
    renames = {
        name: var.attrs["dotted_path"]
        for name, var in ds.variables.items()
        if "dotted_path" in var.attrs and var.attrs["dotted_path"] != name
    }
    for var in ds.variables.values():
        var.attrs.pop("dotted_path", None)
    return ds.rename(renames) if renames else ds


# --------------------------------------------------------------------------- partial sweeps
def spec_hash(spec: Mapping) -> str:
    """A stable hash of what a sweep computes (scenario text, axes, samples, seed, …)."""
    text = json.dumps(spec, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class PartialStore:
    """Finished chunks of one sweep in ``<output>.partial/``."""

    def __init__(self, output: Path | str, spec: Mapping, *, force: bool = False) -> None:
        self.output = Path(output)
        self.directory = self.output.with_name(self.output.name + PARTIAL_SUFFIX)
        self.hash = spec_hash(spec)
        spec_path = self.directory / SPEC_FILE
        if self.directory.exists():
            try:
                stored = json.loads(spec_path.read_text())["hash"]
            except (OSError, ValueError, KeyError):
                stored = None
            if stored != self.hash:
                if not force:
                    raise InputError.single(
                        f"{self.directory} holds chunks of a different sweep (scenario, axes,"
                        " samples or seed changed); use --force to discard them",
                        path="-o",
                    )
                try:
                    shutil.rmtree(self.directory)
                except OSError as exc:
                    raise WriteError(self.directory, exc) from exc
        try:
            self.directory.mkdir(exist_ok=True)
        except OSError as exc:
            raise WriteError(self.directory, exc) from exc
        # Left by a run that was killed while writing (their processes are gone).
        remove_temporaries_in(self.directory, own=False)
        remove_stale_temporaries(self.output)
        if not spec_path.exists():
            try:
                write_text_atomic(
                    spec_path, json.dumps({"hash": self.hash, "spec": spec}, indent=2, default=str)
                )
            except BaseException:
                self.discard()
                raise

    def _file(self, start: int, stop: int) -> Path:
        return self.directory / f"chunk-{start:012d}-{stop:012d}.npz"

    def completed(self) -> list[tuple[int, int]]:
        """Ranges of the chunks already stored, sorted."""
        out = []
        for entry in self.directory.iterdir():
            match = _CHUNK_RE.match(entry.name)
            if match:
                out.append((int(match.group(1)), int(match.group(2))))
        return sorted(out)

    def save(self, chunk: tuple[int, int], data: Mapping[str, np.ndarray]) -> None:
        """Store a finished chunk: on disk (synced) before this returns."""
        with atomic_path(self._file(*chunk), clean=False) as tmp, open(tmp, "wb") as fh:
            np.savez(
                fh,
                **{f"m{i}": np.asarray(v) for i, v in enumerate(data.values())},
                __names__=np.array(list(data), dtype=str),
            )

    def load(self, chunk: tuple[int, int]) -> dict[str, np.ndarray] | None:
        """A stored chunk, or None if it cannot be read (then it is removed and recomputed)."""
        path = self._file(*chunk)
        try:
            with np.load(path, allow_pickle=False) as data:
                names = [str(n) for n in data["__names__"]]
                return {name: data[f"m{i}"] for i, name in enumerate(names)}
        except Exception:  # truncated or garbled: BadZipFile, EOFError, ValueError, OSError, …
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                raise WriteError(path, exc) from exc
            return None

    def items(self) -> Iterator[tuple[tuple[int, int], dict[str, np.ndarray]]]:
        for chunk in self.completed():
            data = self.load(chunk)
            if data is not None:
                yield chunk, data

    def discard_temporaries(self) -> None:
        """Remove this process's (and dead processes') temporary files in the store, e.g.
        after a write failed on a full disk. Never raises."""
        remove_temporaries_in(self.directory, own=True)

    def discard(self) -> None:
        """After a failure: remove temporary files, and the whole store when it holds no
        finished chunk (nothing to resume from). Never raises."""
        self.discard_temporaries()
        try:
            empty = not self.completed()
        except OSError:
            return
        if empty:
            self.remove()

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

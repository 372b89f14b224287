"""Loading treaty frameworks: bundled names (``new-start``) or the user's own YAML files.

Reading goes through ``scenario.loading`` (size and encoding checks, YAML with a line map),
so a bad framework file gets the same located errors as a bad scenario:
``my-framework.yaml:12 limits.warheads.rules.0.categories.1: must be 'icbm_silo', … got 'icbm'``.

A framework file may ``extends: <name or path>`` another one and change only what differs
(mappings merge, lists and values replace), e.g. a different limit value.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from security_equation.io.errors import InputError, Problem
from security_equation.io.loading import (
    NO_FRAMEWORK_NAMES,
    bundled_names,
    display_name,
    load_chain,
    merge_upload_base,
    parse_assignments,
    resolve,
)
from security_equation.io.validation import ErrorStyle, LineMap, problems_from_validation
from security_equation.schema.framework import Framework

KIND = "frameworks"
DEFAULT_FRAMEWORK = "new-start"
#: Framework names that mean "no treaty limits" (``--framework none``; the loader's list,
#: which checks a scenario's ``framework:``).
NO_FRAMEWORK = NO_FRAMEWORK_NAMES


def is_no_framework(name: str | Path | None) -> bool:
    """Whether ``name`` asks for no treaty at all (``None`` means the scenario's own)."""
    return name is not None and str(name).strip().lower() in NO_FRAMEWORK


def bundled_frameworks() -> list[str]:
    """Names of the frameworks shipped with the package."""
    return bundled_names(KIND)


def resolve_framework(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    """The file of a bundled framework name or a path; errors name the file that is missing."""
    text = str(name_or_path).strip()
    if not text:
        raise InputError.single("empty framework name (give a bundled name or a YAML file)", path="framework")
    try:
        return resolve(text, kind=KIND, relative_to=relative_to)
    except InputError as exc:
        problems = []
        for p in exc.problems:
            if p.message.startswith("file not found"):
                problems.append(Problem("framework file not found", p.path, p.file or text, p.line))
            else:
                problems.append(p)
        raise InputError(problems) from None


# --------------------------------------------------------------------------- errors
def _model_for_keys(loc: tuple, data: Mapping) -> type[BaseModel] | None:
    """Walk a location, skipping the user's own keys (limit, side and allowance names)."""
    from security_equation.schema import framework as schema

    steps = [str(p) for p in loc]
    if not steps:
        return Framework
    if steps[0] != "limits":
        return None
    if len(steps) == 2:
        return schema.Limit
    if len(steps) >= 4 and steps[2] == "rules":
        return schema.Rule if len(steps) == 4 else None
    if len(steps) >= 5 and steps[2] == "allowances":
        return schema.Allowance if len(steps) == 5 else None
    return None


#: How framework errors are worded (see ``io.validation``): the members of a union
#: (``each: 2`` or ``each: loaded_warheads``) are reported as one problem.
FRAMEWORK_ERRORS = ErrorStyle(
    model_at=_model_for_keys, hint_cutoff=0.6, hidden_keys=frozenset({"origin"}), merge_alternatives=True
)


def problems_from(
    exc: ValidationError, data: Mapping, lines: LineMap, default_file: str | None
) -> list[Problem]:
    """Located problems from a framework validation error (union alternatives merged)."""
    return problems_from_validation(exc, data, lines, default_file, FRAMEWORK_ERRORS)


# --------------------------------------------------------------------------- loading
def _validate(data: dict, lines: LineMap, shown: str) -> Framework:
    data = copy.deepcopy(data)
    try:
        return Framework.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, data, lines, shown)) from None


@lru_cache(maxsize=64)
def _load_cached(path: str, resolved: str, mtime_ns: int, size: int) -> Framework:
    p = Path(path)
    data, lines = load_chain(p, KIND)
    shown = display_name(p)
    data.setdefault("name", p.stem)
    data["origin"] = shown
    return _validate(data, lines, shown)


def load_framework(name_or_path: str | Path, relative_to: Path | None = None) -> Framework:
    """A validated framework from a bundled name or a file path.

    Bad input raises ``InputError`` listing every problem with file, line and dotted path.
    """
    path = resolve_framework(name_or_path, relative_to=relative_to)
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError.single(f"cannot read file: {exc.strerror}", file=str(path)) from None
    return _load_cached(str(path), str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def framework_from_text(text: str, shown: str = "<upload>") -> Framework:
    """Validate framework text (e.g. an upload); ``extends`` may name a bundled framework only."""
    from security_equation.io.loading import parse_text

    data, lines = parse_text(text, shown)
    data, lines = merge_upload_base(data, lines, shown, KIND)
    data.setdefault("name", "uploaded")
    data["origin"] = shown
    return _validate(data, lines, shown)


def with_limits(framework: Framework, values: Mapping[str, Any], *, file: str = "--limit") -> Framework:
    """A copy of ``framework`` with some limit values changed (``{"all_warheads": 3500}``)."""
    problems = []
    updated = dict(framework.limits)
    for name, value in values.items():
        if name not in framework.limits:
            known = ", ".join(framework.limits)
            hint = difflib.get_close_matches(name, list(framework.limits), n=1)
            problems.append(
                Problem(
                    f"framework '{framework.name}' has no limit '{name}'"
                    + (f"; did you mean '{hint[0]}'?" if hint else f" (limits: {known})"),
                    name,
                    file,
                )
            )
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or value < 0:
            problems.append(Problem(f"must be a whole number >= 0, got {value!r}", name, file))
            continue
        limit = framework.limits[name]
        note = f"set by {file}: {limit.label} {int(value):,} instead of {limit.limit:,}"
        updated[name] = limit.model_copy(update={"limit": int(value), "source": f"assumption: {note}"})
    if problems:
        raise InputError(problems)
    return framework.model_copy(update={"limits": updated})


def parse_limit_values(assignments: list[str] | None) -> dict[str, Any]:
    """``["all_warheads=3500"]`` -> ``{"all_warheads": 3500}`` (values read as YAML numbers)."""
    return parse_assignments(assignments or [], option="--limit", what="NAME")

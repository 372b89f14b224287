"""What a web request may name: bundled scenarios and frameworks, uploaded text, edits.

Requests never name files. A scenario is a bundled name or uploaded YAML text; an
upload may ``extends`` a bundled scenario by name only; a framework must be bundled.
Edits are ``--set``-style dotted paths applied by ``scenario.loading`` and validated by
it, so a bad value gets the same located message as on the command line.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from security_equation.io import loading
from security_equation.io.errors import InputError
from security_equation.io.loading import DEFAULT_SCENARIO
from security_equation.schema.scenario import Scenario

#: How uploaded text is named in error messages.
UPLOAD = "<upload>"


def _unknown(kind: str, name: Any, path: str) -> InputError:
    known = loading.bundled_names(kind)
    hint = difflib.get_close_matches(str(name), known, n=1)
    extra = f"; did you mean '{hint[0]}'?" if hint else ""
    return InputError.single(
        f"no bundled {kind[:-1]} named '{name}'{extra} (bundled: {', '.join(known) or 'none'})", path=path
    )


def check_name(name: str, kind: str = "scenarios", path: str = "scenario") -> str:
    """``name`` if it is a bundled scenario (or framework) name, else a located error.

    This is the only gate between request text and the file system: the name must be
    one of the bundled file stems (so no separators, no ``..``, no absolute paths).
    """
    if not isinstance(name, str) or name not in loading.bundled_names(kind):
        raise _unknown(kind, name, path)
    return name


def refuse_aliases(text: str) -> None:
    """Refuse YAML aliases (``*name``) in uploads, and text too large or not valid Unicode.

    An alias repeats a whole subtree without repeating its text, so a few hundred bytes of
    nested aliases expand to billions of nodes (a "billion laughs" document). Scenario files
    never need them. The check is the loader's own guard (``io.loading.guard_yaml``), run on
    the parser that loads the text, before anything is built: linear in the size of the text.
    Syntax errors are left to the loader, which reports them located.
    """
    try:
        loading.guard_yaml(text, UPLOAD, max_aliases=0, context=" in uploads")
    except InputError as exc:
        raise InputError([replace(p, path="") for p in exc.problems]) from None


def scenario_from_upload(text: str, set_values: Mapping[str, Any] | None = None) -> Scenario:
    """Validate uploaded YAML (``extends`` only a bundled name), then apply edits."""
    refuse_aliases(text)
    return loading.scenario_from_text(text, UPLOAD, set_values=dict(set_values or {}), by=loading.WEB_EDIT)


def load(
    scenario: str | None = None,
    text: str | None = None,
    overrides: list[str] | None = None,
    set_values: Mapping[str, Any] | None = None,
) -> Scenario:
    """A bundled scenario (by name) or uploaded text, with named overrides and edits."""
    if text is not None:
        if overrides:
            raise InputError.single(
                "named overrides apply to bundled scenarios only; put the "
                "changes in the uploaded file or use 'set'",
                path="overrides",
            )
        return scenario_from_upload(text, set_values)
    name = check_name(scenario or DEFAULT_SCENARIO)
    data, lines = _composed(name, tuple(overrides or ()))
    lines = dict(lines)
    if set_values:
        data = loading.apply_set_values(data, lines, set_values, by=loading.WEB_EDIT)
    return loading.validate(data, lines, data.get("origin"))


@lru_cache(maxsize=64)
def _composed(name: str, overrides: tuple[str, ...]) -> tuple[dict, dict]:
    """``loading.compose`` of a bundled scenario with named overrides, kept: parsing the
    YAML is most of the cost of a request, and bundled files do not change while the
    server runs. ``load`` then adds the edits exactly as ``compose`` adds ``--set`` values
    (last) and validates as ``load_scenario`` does, so results and messages are the same.
    Neither ``paths.deep_merge`` nor ``loading.validate`` changes the cached data."""
    return loading.compose(name, overrides, None)


def check_framework(requested: str | None, scenario: Scenario) -> str | None:
    """The framework to use: the requested one, else the scenario's own; either must be
    bundled, or the scenario's own may be ``none`` (no treaty limits)."""
    from security_equation.treaty.frameworks import is_no_framework

    if requested is not None:
        return check_name(requested, "frameworks", "framework")
    if is_no_framework(scenario.framework):
        return scenario.framework
    if scenario.framework not in loading.bundled_names("frameworks"):
        raise _unknown("frameworks", scenario.framework, "framework")
    return scenario.framework

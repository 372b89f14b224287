"""Validation errors in the project's words, located in the user's file.

One translator for every kind of file the user writes (scenarios, treaty frameworks):
pydantic's errors become :class:`~security_equation.io.errors.Problem` s such as
``my.yaml:12 us.systems.x.launchers: must be >= 0, got -5``. What differs between kinds
of file (which model holds the keys at a location, how a location is shown, how close a
misspelt key must be to be suggested) is an :class:`ErrorStyle`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from security_equation.io.errors import Problem

#: Dotted key (as a tuple) → (file, line) where the user wrote it.
LineMap = dict[tuple[str, ...], tuple[str, int | None]]

#: Parts of a pydantic location that name a member of a union, not a key of the file.
_TAG_PREFIXES = (
    "literal[",
    "function-",
    "constrained-",
    "tagged-union[",
    "lax-or-strict[",
    "json-or-python[",
)
_TYPE_TAGS = frozenset({"float", "int", "str", "bool", "date", "none", "list", "dict"})
#: Tags of the defence union (``kind``), dropped after ``defences.<name>``.
_DEFENCE_KINDS = ("missile_defence", "air_defence")


@dataclass(frozen=True)
class ErrorStyle:
    """How the errors of one kind of file are worded and located.

    ``model_at(loc, data)`` is the model whose keys sit at a location (for the keys an
    unknown key is compared with); ``display(loc)`` is how a location is shown;
    ``merge_alternatives`` joins the messages of one location (the members of a union)
    into one: ``must be a number or must be 'loaded_warheads', got 'lots'``.
    """

    model_at: Callable[[tuple, Mapping], type[BaseModel] | None]
    display: Callable[[tuple], str] = lambda loc: ".".join(str(p) for p in loc)
    #: How close a misspelt key must be to a known one to be suggested (difflib ratio).
    hint_cutoff: float = 0.5
    #: Keys never suggested (set by the loader, not the user).
    hidden_keys: frozenset[str] = frozenset()
    #: Say "units live in field names" when a key differs from a known one only after
    #: the first word (``cep_meters`` for ``cep_m``).
    unit_hints: bool = False
    merge_alternatives: bool = False


def locate(loc: tuple, lines: LineMap, default_file: str | None) -> tuple[str | None, int | None]:
    """(file, line) of a dotted location, or of its nearest parent the line map knows."""
    parts = tuple(str(p) for p in loc)
    while True:
        if parts in lines:
            return lines[parts]
        if not parts:
            return default_file, None
        parts = parts[:-1]


def clean_loc(loc: tuple) -> tuple:
    """A pydantic location without its union-member tags (``function-after[…]``,
    ``tagged-union[…]``, ``float``, a defence's ``kind``…): the keys the user wrote."""
    out: list = []
    for i, part in enumerate(loc):
        text = str(part)
        # A type tag follows the key it qualifies: a first part is always a key (``date``).
        if text.startswith(_TAG_PREFIXES) or (text in _TYPE_TAGS and i > 0) or text == "[key]":
            continue
        after_defences = i >= 2 and loc[i - 2] == "defences" or len(out) >= 2 and out[-2] == "defences"
        if after_defences and text in _DEFENCE_KINDS:
            continue
        out.append(part)
    return tuple(out)


def _number(value: Any) -> str:
    if isinstance(value, str):
        return repr(value[:80] + ("…" if len(value) > 80 else ""))
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:g}" if abs(value) >= 1e15 else str(value)
    if isinstance(value, int) and abs(value) >= 10**15:
        digits = str(abs(value))  # too many for a float, perhaps: written out by hand
        return f"{'-' if value < 0 else ''}{digits[0]}.{digits[1:6]}e+{len(digits) - 1}"
    return str(value)


def unknown_key(key: str, model: type[BaseModel] | None, style: ErrorStyle) -> str:
    """``unknown key 'x'`` with the allowed keys, or the nearest one as a suggestion."""
    allowed = [k for k in sorted(model.model_fields) if k not in style.hidden_keys] if model else []
    hint = difflib.get_close_matches(key, allowed, n=1, cutoff=style.hint_cutoff)
    if not hint:
        return f"unknown key '{key}'" + (f" (allowed: {', '.join(allowed)})" if allowed else "")
    text = f"unknown key '{key}'; did you mean '{hint[0]}'?"
    if style.unit_hints and key.split("_")[0] == hint[0].split("_")[0] and key != hint[0]:
        text += " (units live in field names)"
    return text


def describe_error(err: dict, data: Mapping, style: ErrorStyle) -> str:
    """One pydantic error in the project's wording: 'must be > 0, got -5'."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    loc = err["loc"]
    if kind == "extra_forbidden":
        return unknown_key(str(loc[-1]), style.model_at(tuple(loc[:-1]), data), style)
    simple = {
        "greater_than": lambda: f"must be > {_number(ctx.get('gt'))}, got {_number(got)}",
        "greater_than_equal": lambda: f"must be >= {_number(ctx.get('ge'))}, got {_number(got)}",
        "less_than": lambda: f"must be < {_number(ctx.get('lt'))}, got {_number(got)}",
        "less_than_equal": lambda: f"must be <= {_number(ctx.get('le'))}, got {_number(got)}",
        "missing": lambda: "required field is missing",
        "int_type": lambda: f"must be a whole number, got {_number(got)}",
        "int_from_float": lambda: f"must be a whole number, got {_number(got)}",
        "float_type": lambda: f"must be a number, got {_number(got)}",
        "bool_type": lambda: f"must be true or false, got {_number(got)}",
        "string_type": lambda: f"must be text, got {_number(got)}",
        "dict_type": lambda: f"must be a mapping, got {_number(got)}",
        "model_type": lambda: f"must be a mapping, got {_number(got)}",
        "literal_error": lambda: f"must be {ctx.get('expected')}, got {_number(got)}",
        "union_tag_invalid": lambda: (
            f"'kind' must be {ctx.get('expected_tags')}, got {_number(ctx.get('tag'))}"
        ),
        "union_tag_not_found": lambda: "needs a 'kind' (missile_defence or air_defence)",
        "finite_number": lambda: f"must be a finite number, got {_number(got)}",
        "date_from_datetime_parsing": lambda: f"must be a date (YYYY-MM-DD), got {got!r}",
        "date_parsing": lambda: f"must be a date (YYYY-MM-DD), got {got!r}",
        "date_type": lambda: f"must be a date (YYYY-MM-DD), got {got!r}",
    }
    if kind in simple:
        return simple[kind]()
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind == "assertion_error":
        return err["msg"]
    return f"{err['msg'][0].lower()}{err['msg'][1:]}, got {_number(got)}"


def _either(messages: list[str]) -> str:
    """Messages of the members of a union as one: 'must be A or must be B, got X'."""
    heads, tails = [], set()
    for m in messages:
        head, sep, tail = m.rpartition(", got ")
        heads.append(head if sep else m)
        if sep:
            tails.add(tail)
    return " or ".join(heads) + (f", got {tails.pop()}" if len(tails) == 1 else "")


def problems_from_validation(
    exc: ValidationError,
    data: Mapping,
    lines: LineMap,
    default_file: str | None,
    style: ErrorStyle,
    prefix: tuple = (),
) -> list[Problem]:
    """Every problem of a validation error, located with file and line, each once.

    ``prefix`` is where the validated mapping sits in the file (for parts validated on
    their own, such as one distribution)."""
    pairs = list(
        dict.fromkeys(
            (loc, describe_error({**err, "loc": loc[len(prefix) :]}, data, style))
            for err in exc.errors(include_url=False)
            for loc in [(*prefix, *clean_loc(tuple(err["loc"])))]
        )
    )
    if style.merge_alternatives:
        grouped: dict[tuple, list[str]] = {}
        for loc, message in pairs:
            grouped.setdefault(loc, []).append(message)
        pairs = [
            (loc, _either(messages) if len(messages) > 1 else messages[0])
            for loc, messages in grouped.items()
        ]
    return [Problem(message, style.display(loc), *locate(loc, lines, default_file)) for loc, message in pairs]

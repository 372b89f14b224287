"""The base of every model of a file the user writes (scenarios and treaty frameworks)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError


class StrictModel(BaseModel):
    """Unknown keys are errors (a typo is reported, never silently defaulted), values are
    not coerced between types, every number is finite (no NaN or infinity) and objects are
    frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def walk_models(
    model: BaseModel, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], BaseModel]]:
    """``model`` and every model nested in it (directly or as a mapping's value), each with
    its key path, parents before children, in field order."""
    yield prefix, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from walk_models(value, (*prefix, name))
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, BaseModel):
                    yield from walk_models(item, (*prefix, name, str(key)))


def located_problems(title: str, problems: list[tuple[tuple, str, object]]) -> ValidationError | None:
    """A validation error with one entry per ``(loc, message, value)`` of ``problems``,
    each at its own dotted path (raised from a model validator, the loader locates each in
    its file); ``None`` when there are none."""
    if not problems:
        return None
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(type=PydanticCustomError("value_error", message), loc=loc, input=value)
            for loc, message, value in problems
        ],
    )

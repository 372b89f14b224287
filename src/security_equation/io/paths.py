"""Dotted paths into scenario data: ``russia.systems.yars.launchers``.

Sides are addressed by name at the top level (``russia.…``); the canonical form
inside the file is ``sides.russia.…`` and both are accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

TOP_LEVEL_KEYS = frozenset(
    {
        "name",
        "description",
        "framework",
        "date",
        "sides",
        "coalitions",
        "settings",
        "references",
        "uncertainty",
        "extends",
        "overrides",
        "applied_overrides",
        "origin",
    }
)


def split(path: str) -> tuple[str, ...]:
    parts = tuple(path.split("."))
    if not path or any(not p for p in parts):
        raise ValueError(f"'{path}' is not a dotted path (expected e.g. russia.systems.yars.launchers)")
    return parts


def canonical(path: str | Iterable[str]) -> tuple[str, ...]:
    """Canonical key tuple: side names gain the ``sides`` prefix."""
    parts = split(path) if isinstance(path, str) else tuple(path)
    if parts and parts[0] not in TOP_LEVEL_KEYS:
        return ("sides", *parts)
    return parts


def display(loc: Iterable[Any]) -> str:
    """How a location is shown to users: ``russia.systems.yars.cep_m``."""
    parts = [str(p) for p in loc]
    if len(parts) >= 2 and parts[0] == "sides":
        parts = parts[1:]
    return ".".join(parts)


def get(data: Mapping, parts: tuple[str, ...]) -> Any:
    node: Any = data
    for i, key in enumerate(parts):
        if not isinstance(node, Mapping) or key not in node:
            raise KeyError(display(parts[: i + 1]))
        node = node[key]
    return node


def set_in(data: dict, parts: tuple[str, ...], value: Any) -> None:
    """Set a value in nested dicts, creating mappings on the way (copy first)."""
    node = data
    for key in parts[:-1]:
        nxt = node.get(key)
        if not isinstance(nxt, dict):
            nxt = {}
            node[key] = nxt
        node = nxt
    node[parts[-1]] = value


def deep_merge(base: dict, update: Mapping) -> dict:
    """A new dict: ``update`` merged into ``base`` (mappings merge, the rest replaces)."""
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping) and "dist" not in value:
            merged[key] = deep_merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


def walk_leaves(data: Any, prefix: tuple[str, ...] = ()) -> Iterable[tuple[tuple[str, ...], Any]]:
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from walk_leaves(value, (*prefix, str(key)))
    else:
        yield prefix, data

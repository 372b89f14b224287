"""Reading scenario files: the only place scenario text becomes data.

files (YAML/TOML) → merged raw data with a line map → validated ``Scenario``.
Every problem is collected and reported with file, line and dotted path.
"""

from __future__ import annotations

import copy
import difflib
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from security_equation.data import DATA_DIR
from security_equation.io import paths, validation
from security_equation.io.errors import InputError, Problem
from security_equation.io.validation import ErrorStyle, LineMap, locate
from security_equation.schema import plausible
from security_equation.schema.scenario import Distribution, Scenario

#: The scenario commands and the web page show when none is named.
DEFAULT_SCENARIO = "us-russia-2023"
#: Scenario files larger than this are refused (a scenario is a few kB).
MAX_FILE_BYTES = 2_000_000
SUFFIXES = (".yaml", ".yml", ".toml")
#: What changed a value, as ``Edit.by`` names it (docs/model.md, "Provenance of edited values").
SET_EDIT = "--set"
WEB_EDIT = "web edit"
SWEEP_EDIT = "sweep axis"


# --------------------------------------------------------------------------- reading files
PACKAGE_DIR = DATA_DIR.parent


def bundled_dir(kind: str) -> Path:
    """Where the package's bundled files of one kind (``scenarios``, ``frameworks``) live."""
    return DATA_DIR / kind


def bundled_names(kind: str = "scenarios") -> list[str]:
    """Names of the bundled files of one kind, sorted."""
    return sorted(p.stem for p in bundled_dir(kind).glob("*.yaml"))


def bundled_catalogue() -> list[dict]:
    """The bundled scenarios: name, what each extends, description, named overrides."""
    rows = []
    for name in bundled_names():
        data, _ = read_mapping(bundled_dir("scenarios") / f"{name}.yaml")
        rows.append(
            {
                "name": name,
                "extends": data.get("extends"),
                "description": " ".join(str(data.get("description", "")).split()),
                "overrides": sorted(data.get("overrides") or {}),
            }
        )
    return rows


def resolve(name_or_path: str | Path, kind: str = "scenarios", relative_to: Path | None = None) -> Path:
    """A bundled name (``us-russia-2023``) or a path to a file."""
    text = str(name_or_path)
    candidate = Path(text)
    if relative_to is not None and not candidate.is_absolute():
        rel = relative_to.parent / candidate
        if rel.suffix in SUFFIXES or rel.exists():
            candidate = rel
    if candidate.suffix in SUFFIXES or candidate.exists() or "/" in text or "\\" in text:
        if not candidate.exists():
            raise InputError.single(f"file not found: {text}")
        if candidate.is_dir():
            raise InputError.single(f"expected a {kind[:-1]} file, got a directory: {text}")
        return candidate
    bundled = bundled_dir(kind) / f"{text}.yaml"
    if bundled.exists():
        return bundled
    known = bundled_names(kind)
    hint = difflib.get_close_matches(text, known, n=1)
    extra = f"; did you mean '{hint[0]}'?" if hint else ""
    raise InputError.single(
        f"no bundled {kind[:-1]} named '{text}' and no such file{extra} (bundled: {', '.join(known)})"
    )


def display_name(path: Path) -> str:
    """Bundled files are shown by their package-relative name, user files as given."""
    try:
        return str(Path("security_equation") / path.resolve().relative_to(PACKAGE_DIR))
    except ValueError:
        return str(path)


def read_mapping(path: Path) -> tuple[dict, LineMap]:
    """Parse one YAML or TOML file into a mapping and a map of dotted keys to lines."""
    shown = display_name(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError.single(f"cannot read file: {exc.strerror}", file=shown) from exc
    if size > MAX_FILE_BYTES:
        raise InputError.single(
            f"file is too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})", file=shown
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.single("file is not UTF-8 text", file=shown) from exc
    return parse_text(text, shown, toml=path.suffix == ".toml")


#: libyaml's safe loader when PyYAML was built with it (several times faster), else Python's.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_text(text: str, shown: str, *, toml: bool = False) -> tuple[dict, LineMap]:
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise InputError.single(f"input is too large (the limit is {MAX_FILE_BYTES:,} bytes)", file=shown)
    if not text.strip():
        raise InputError.single("file is empty", file=shown)
    if toml:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError.single(f"not valid TOML: {exc}", file=shown) from exc
        return data, {p: (shown, None) for p, _ in paths.walk_leaves(data)}
    try:
        loader = _SAFE_LOADER(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise InputError.single("file is empty", file=shown)
            lines: LineMap = {}
            problems: list[Problem] = []
            _map_lines(node, (), shown, lines, problems)
            if problems:
                raise InputError(problems)
            try:
                data = loader.construct_document(node)
            except (ValueError, OverflowError) as exc:  # e.g. a date such as 2020-13-01
                loader.constructed_objects, loader.recursive_objects = {}, {}  # the failed build's state
                path, line = _unreadable_scalar(loader, node, ())
                raise InputError.single(
                    f"cannot read this value: {exc}", path=path or "", file=shown, line=line
                ) from None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError.single(f"not valid YAML: {reason}", file=shown, line=line) from exc
    if not isinstance(data, dict):
        raise InputError.single(
            f"expected a mapping of keys to values at the top, got {type(data).__name__}",
            file=shown,
            line=1,
        )
    return data, lines


def _unreadable_scalar(loader, node: yaml.Node, prefix: tuple[str, ...]) -> tuple[str | None, int | None]:
    """Dotted path and line of the first scalar the YAML constructor cannot build."""
    if isinstance(node, yaml.ScalarNode):
        try:
            loader.construct_object(node, deep=True)
        except (ValueError, OverflowError):
            return paths.display(prefix) if prefix else None, node.start_mark.line + 1
        return None, None
    if isinstance(node, yaml.MappingNode):
        children = [(str(k.value), v) for k, v in node.value]
    elif isinstance(node, yaml.SequenceNode):
        children = [(str(i), v) for i, v in enumerate(node.value)]
    else:
        return None, None
    for key, child in children:
        found = _unreadable_scalar(loader, child, (*prefix, key))
        if found != (None, None):
            return found
    return None, node.start_mark.line + 1


def _map_lines(
    node: yaml.Node, prefix: tuple[str, ...], shown: str, lines: LineMap, problems: list[Problem]
) -> None:
    lines[prefix] = (shown, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                problems.append(
                    Problem(
                        "duplicate key", paths.display((*prefix, key)), shown, key_node.start_mark.line + 1
                    )
                )
            seen.add(key)
            _map_lines(value_node, (*prefix, key), shown, lines, problems)
            lines[(*prefix, key)] = (shown, key_node.start_mark.line + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _map_lines(item, (*prefix, str(index)), shown, lines, problems)


# --------------------------------------------------------------------------- composing
def load_chain(path: Path, kind: str = "scenarios", chain: tuple[Path, ...] = ()) -> tuple[dict, LineMap]:
    """A file merged over what it ``extends`` (recursively): scenarios or frameworks."""
    resolved = path.resolve()
    shown = display_name(path)
    if resolved in chain:
        cycle = " -> ".join(display_name(p) for p in (*chain, resolved))
        raise InputError.single(f"{kind} extend each other in a cycle: {cycle}", path="extends", file=shown)
    data, lines = read_mapping(path)
    base_ref = data.pop("extends", None)
    if base_ref is None:
        return data, lines
    line = lines.get(("extends",), (None, None))[1]
    if not isinstance(base_ref, str):
        raise InputError.single(
            f"must be the name or path of a base {kind[:-1]}", path="extends", file=shown, line=line
        )
    try:
        base_path = resolve(base_ref, kind=kind, relative_to=path)
    except InputError as exc:
        raise InputError([Problem(p.message, "extends", shown, line) for p in exc.problems]) from None
    base, base_lines = load_chain(base_path, kind, (*chain, resolved))
    # The child's own values and overrides extend the base's.
    return paths.deep_merge(base, data), {**base_lines, **lines}


def merge_upload_base(
    data: dict, lines: LineMap, shown: str, kind: str = "scenarios"
) -> tuple[dict, LineMap]:
    """Uploaded text merged over what it ``extends``: a bundled name only, never a file."""
    base_ref = data.pop("extends", None)
    if base_ref is None:
        return data, lines
    known = bundled_names(kind)
    if not isinstance(base_ref, str) or base_ref not in known:
        raise InputError.single(
            f"uploads may only extend a bundled {kind[:-1]} by name, got {base_ref!r}"
            f" (bundled: {', '.join(known)})",
            path="extends",
            file=shown,
            line=lines.get(("extends",), (None, None))[1],
        )
    base, base_lines = load_chain(bundled_dir(kind) / f"{base_ref}.yaml", kind)
    return paths.deep_merge(base, data), {**base_lines, **lines}


def _expand_dotted(mapping: Mapping, prefix: tuple[str, ...] = ()) -> dict:
    """Turn ``{"russia.systems.yars.launchers": 3}`` into nested dicts (canonical paths)."""
    out: dict = {}
    for key, value in mapping.items():
        parts = paths.canonical(key) if not prefix else (*prefix, *paths.split(key))
        if isinstance(value, Mapping) and "dist" not in value:
            nested = _expand_dotted(value, ())
            # nested keys are relative to parts
            for sub_parts, leaf in _flatten(nested):
                paths.set_in(out, (*parts, *sub_parts), leaf)
        else:
            paths.set_in(out, parts, value)
    return out


def _flatten(data: Mapping, prefix: tuple[str, ...] = ()) -> Iterable[tuple[tuple[str, ...], Any]]:
    for key, value in data.items():
        parts = (*prefix, *paths.split(str(key)))
        if isinstance(value, Mapping) and "dist" not in value and value:
            yield from _flatten(value, parts)
        else:
            yield parts, value


def parse_assignments(
    assignments: Sequence[str], *, option: str = "--set", what: str = "PATH", check_key=None
) -> dict[str, Any]:
    """``["KEY=VALUE", …]`` from a command-line option → ``{KEY: value}``, values read as
    YAML (numbers, booleans, ``{dist: …}``); every bad item is reported, under ``option``."""
    out: dict[str, Any] = {}
    problems = []
    for item in assignments:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(Problem(f"expected {what}=VALUE, got '{item}'", file=option))
            continue
        try:
            if check_key is not None:
                check_key(key)
            out[key] = yaml.safe_load(raw) if raw.strip() else ""
        except (ValueError, yaml.YAMLError) as exc:
            problems.append(Problem(f"cannot read '{item}': {exc}", path=key, file=option))
    if problems:
        raise InputError(problems)
    return out


def parse_set(assignments: Sequence[str]) -> dict[str, Any]:
    """``["russia.systems.yars.launchers=120"]`` → ``{"russia.systems.yars.launchers": 120}``."""
    return parse_assignments(assignments, check_key=paths.split)


def compose(
    name_or_path: str | Path, overrides: Sequence[str] = (), set_values: Mapping[str, Any] | None = None
) -> tuple[dict, LineMap]:
    """Raw scenario data: base chain, then named overrides, then ``--set`` values."""
    path = resolve(name_or_path)
    data, lines = load_chain(path)
    refuse_loader_keys(data, lines, display_name(path))
    data.setdefault("name", path.stem)
    data["origin"] = display_name(path)
    available = data.pop("overrides", None) or {}
    if not isinstance(available, Mapping):
        raise InputError.single(
            "must be a mapping of override names to changes",
            path="overrides",
            file=display_name(path),
            line=lines.get(("overrides",), (None, None))[1],
        )
    for name in overrides:
        if name not in available:
            hint = ", ".join(sorted(available)) or "none defined"
            raise InputError.single(
                f"unknown override '{name}' (available: {hint})", path="overrides", file=display_name(path)
            )
        change = available[name]
        if not isinstance(change, Mapping):
            raise InputError.single(
                "an override must be a mapping of paths to values",
                path=f"overrides.{name}",
                file=display_name(path),
            )
        try:
            expanded = _expand_dotted(change)
        except ValueError as exc:
            raise InputError.single(str(exc), path=f"overrides.{name}", file=display_name(path)) from None
        for parts, _ in _flatten(expanded):
            lines[parts] = lines.get(("overrides", name), (display_name(path), None))
        edits = record_edits(data, expanded, f"override {name}")
        data = paths.deep_merge(data, expanded)
        data["edits"] = edits
    if overrides:
        data["applied_overrides"] = (*data.get("applied_overrides", ()), *overrides)
    if set_values:
        data = apply_set_values(data, lines, set_values)
    return data, lines


def apply_set_values(
    data: dict, lines: LineMap, set_values: Mapping[str, Any], *, by: str = SET_EDIT
) -> dict:
    """``--set`` values (dotted path -> value) merged over raw scenario data; ``lines``
    gains each path as coming from ``--set``. Sides, systems and defences must exist.
    Each changed value is recorded as an edit ``by`` this (``--set``, ``web edit``)."""
    try:
        expanded = _expand_dotted(dict(set_values))
    except ValueError as exc:
        raise InputError.single(str(exc), file="--set") from None
    for parts, _ in _flatten(expanded):
        _check_names_exist(data, parts)
        lines[parts] = ("--set", None)
    edits = record_edits(data, expanded, by)
    merged = paths.deep_merge(data, expanded)
    merged["edits"] = edits
    return merged


# --------------------------------------------------------------------------- edits
#: Keys of a validated scenario only the loader fills: a file may not give them.
LOADER_KEYS = ("edits",)


def refuse_loader_keys(data: Mapping, lines: LineMap, shown: str | None) -> None:
    """A file may not claim edits: they are recorded from ``--set``, overrides and web edits."""
    for key in LOADER_KEYS:
        if key in data:
            raise InputError.single(
                f"'{key}' is not a key of a scenario file: the loader records edited values"
                " (from --set, named overrides and web edits) itself",
                path=key,
                file=shown,
                line=lines.get((key,), (None, None))[1],
            )


def _note_at(data: Mapping, parts: tuple[str, ...]) -> str | None:
    """The source note of a field in raw data: ``sources.<field>`` of the nearest model
    above it that has one (``posture.sources.alert_fractions`` for a leaf inside it)."""
    for k in range(len(parts) - 1, 0, -1):
        try:
            note = paths.get(data, (*parts[:k], "sources", parts[k]))
        except KeyError:
            continue
        return note if isinstance(note, str) else None
    return None


def original_value(data: Mapping, parts: tuple[str, ...]) -> Any:
    """A field's value in raw scenario data; where the data do not give it, the schema's
    default (None when there is none)."""
    try:
        return copy.deepcopy(paths.get(data, parts))
    except KeyError:
        pass
    field = _field_at(parts, data)
    if field is None or field.is_required():
        return None
    value = field.get_default(call_default_factory=True)
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


def _same(a: Any, b: Any) -> bool:
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def record_edits(data: Mapping, changes: Mapping, by: str) -> tuple[dict, ...]:
    """The edits of ``data`` (raw scenario data) after merging ``changes`` (nested, as
    ``_expand_dotted`` gives them) over it: one per changed leaf, with the value and the
    source note it replaces. The original of a path edited before is kept; a value set back
    to its original is no edit. Source notes (``…sources.<field>``) are notes, not values."""
    recorded = {e["path"]: dict(e) for e in data.get("edits") or ()}
    for parts, value in _flatten(changes):
        if "sources" in parts[:-1] or parts[-1] == "sources":
            continue
        path = paths.display(parts)
        if path in recorded:
            original, note = recorded[path]["original_value"], recorded[path]["original_source"]
        else:
            original, note = original_value(data, parts), _note_at(data, parts)
        if _same(value, original):
            recorded.pop(path, None)
            continue
        recorded[path] = {
            "path": path,
            "by": by,
            "value": value,
            "original_value": original,
            "original_source": note,
        }
    return tuple(recorded.values())


def edit_summary(scenario: Scenario, see: str = "see edited values", *, named: bool = False) -> str | None:
    """The note a description carries once values differ from the files, e.g. ``(edited: 1
    value changed from the bundled scenario; see edited values)``; None when none do.
    ``named`` names the bundled file too (for a saved copy, which has no origin)."""
    n = len(scenario.edits)
    if not n:
        return None
    origin = scenario.origin or ""
    if origin.startswith(f"{PACKAGE_DIR.name}/"):
        what = "the bundled scenario" + (f" {Path(origin).stem}" if named else "")
    else:
        what = origin or "the scenario as uploaded"
    return f"(edited: {_count(n)} changed from {what}; {see})"


def _count(n: int) -> str:
    return f"{n} value{'s' if n != 1 else ''}"


#: Levels of a scenario keyed by user-chosen names: --set may change, not invent, them.
_NAMED_LEVELS = {"systems": "system", "defences": "defence"}


def _check_names_exist(data: Mapping, parts: tuple[str, ...]) -> None:
    """Refuse a --set path through a side, system or defence the scenario does not have
    (a typo there would otherwise surface as a list of missing required fields)."""
    checks = [(parts[:2], "side")]
    if len(parts) > 3 and parts[2] in _NAMED_LEVELS:
        checks.append((parts[:4], _NAMED_LEVELS[parts[2]]))
    for prefix, what in checks:
        if len(prefix) < 2 or prefix[0] != "sides":
            return
        node: Any = data
        for key in prefix[:-1]:
            node = node.get(key) if isinstance(node, Mapping) else None
        if not isinstance(node, Mapping) or prefix[-1] in node:
            continue
        known = sorted(node)
        hint = difflib.get_close_matches(prefix[-1], known, n=1)
        raise InputError.single(
            f"no {what} '{prefix[-1]}'"
            + (f"; did you mean '{hint[0]}'?" if hint else "")
            + f" (known: {', '.join(known) or 'none'})",
            path=paths.display(parts),
            file="--set",
        )


# --------------------------------------------------------------------------- validating
def _unwrap(annotation: Any, node: Any, schema: Any) -> Any:
    import typing

    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _unwrap(args[0], node, schema)
    if origin in (dict,):
        return ("dict", args[1])
    if isinstance(annotation, tuple) and annotation and annotation[0] == "dict":
        return annotation
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if len(models) == 1:
            return models[0]
        if isinstance(node, Mapping):
            kind = node.get("kind")
            for m in models:
                f = m.model_fields.get("kind")
                if f is not None and kind in typing.get_args(f.annotation):
                    return m
        return None
    return annotation


def _model_at_loc(loc: tuple, data: Mapping) -> type[BaseModel] | None:
    from security_equation.schema import scenario as schema

    model: Any = Scenario
    node: Any = data
    for key in loc:
        if isinstance(model, tuple):  # dict value type
            model = _unwrap(model[1], node.get(key) if isinstance(node, Mapping) else None, schema)
        elif isinstance(model, type) and issubclass(model, BaseModel):
            field = model.model_fields.get(str(key))
            if field is None:
                return None
            model = _unwrap(field.annotation, node.get(key) if isinstance(node, Mapping) else None, schema)
        else:
            return None
        node = node.get(key) if isinstance(node, Mapping) else None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


#: How scenario errors are worded (see ``io.validation``).
SCENARIO_ERRORS = ErrorStyle(model_at=_model_at_loc, display=paths.display, unit_hints=True)


def problems_from_validation(
    exc: ValidationError, data: Mapping, lines: LineMap, default_file: str | None, prefix: tuple = ()
) -> list[Problem]:
    return validation.problems_from_validation(exc, data, lines, default_file, SCENARIO_ERRORS, prefix)


def extract_distributions(
    data: dict, lines: LineMap, default_file: str | None, problems: list[Problem]
) -> dict[str, Distribution]:
    """Replace every inline ``{dist: …}`` by its nominal value; return path -> distribution."""
    found: dict[str, Distribution] = {}

    def visit(node: Any, prefix: tuple[str, ...]) -> Any:
        if isinstance(node, Mapping):
            if "dist" in node and prefix and prefix[0] != "uncertainty":
                try:
                    dist = Distribution.model_validate(dict(node))
                except ValidationError as exc:
                    problems.extend(problems_from_validation(exc, data, lines, default_file, prefix))
                    return 0
                found[paths.display(prefix)] = dist
                return dist.nominal()
            return {k: visit(v, (*prefix, str(k))) for k, v in node.items()}
        return node

    cleaned = visit(data, ())
    data.clear()
    data.update(cleaned)
    explicit = data.pop("uncertainty", None) or {}
    if not isinstance(explicit, Mapping):
        problems.append(
            Problem(
                "must be a mapping of dotted paths to distributions",
                "uncertainty",
                *locate(("uncertainty",), lines, default_file),
            )
        )
        explicit = {}
    for key, spec in explicit.items():
        try:
            dist = Distribution.model_validate(spec)
        except ValidationError as exc:
            problems.extend(problems_from_validation(exc, data, lines, default_file, ("uncertainty", key)))
            continue
        try:
            parts = paths.canonical(key)
        except ValueError as exc:
            problems.append(
                Problem(str(exc), f"uncertainty.{key}", *locate(("uncertainty", key), lines, default_file))
            )
            continue
        found[paths.display(parts)] = dist
        paths.set_in(data, parts, dist.nominal())
    return found


def _field_at(parts: tuple[str, ...], data: Mapping):
    """The pydantic field at a dotted location of scenario data, or None."""
    model = _model_at_loc(parts[:-1], data)
    return None if model is None else model.model_fields.get(parts[-1])


def _is_int_field(parts: tuple[str, ...], data: Mapping) -> bool:
    field = _field_at(parts, data)
    if field is None:
        return False
    import typing

    ann = field.annotation
    while typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    return ann is int


def validate(data: dict, lines: LineMap, default_file: str | None = None) -> Scenario:
    """Validate composed raw data into a Scenario, collecting every problem."""
    data = copy.deepcopy(data)
    problems: list[Problem] = []
    dists = extract_distributions(data, lines, default_file, problems)
    for key in dists:
        parts = paths.canonical(key)
        if _is_int_field(parts, data):
            value = paths.get(data, parts)
            if isinstance(value, float):
                paths.set_in(data, parts, round(value))
    data["uncertainty"] = {}
    scenario = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems.extend(problems_from_validation(exc, data, lines, default_file))
    # Each distribution's support must respect the field's own limits.
    if scenario is not None:
        for key, dist in dists.items():
            parts = paths.canonical(key)
            for end in dist.support():
                if end in (float("inf"), -float("inf")):
                    continue
                probe = copy.deepcopy(data)
                try:
                    paths.get(probe, parts)
                except KeyError:
                    file, line = locate(parts, lines, default_file)
                    problems.append(Problem("no such field to make uncertain", key, file, line))
                    break
                paths.set_in(probe, parts, round(end) if _is_int_field(parts, probe) else end)
                try:
                    Scenario.model_validate(probe)
                except ValidationError as exc:
                    for p in problems_from_validation(exc, probe, lines, default_file):
                        problems.append(
                            Problem(f"distribution reaches {end}: {p.message}", p.path, p.file, p.line)
                        )
                    break
            lo, hi = dist.support()
            if (lo == -float("inf") or hi == float("inf")) and _bounded_field(parts, data):
                file, line = locate(parts, lines, default_file)
                problems.append(
                    Problem(
                        f"{dist.dist} distribution is unbounded but the field is limited; give bounds",
                        key,
                        file,
                        line,
                    )
                )
    if problems:
        raise InputError(problems)
    assert scenario is not None
    scenario = scenario.model_copy(update={"uncertainty": dists})
    scenario._warnings = tuple(plausibility_warnings(scenario, lines, default_file))
    return scenario


def plausibility_warnings(scenario: Scenario, lines: LineMap, default_file: str | None) -> list[Problem]:
    """A located warning for every value outside its plausible range (``schema.plausible``;
    docs/model.md, "Plausible ranges"): not an error, the model runs."""
    found = []
    for parts, value, rule in plausible.outside(scenario):
        shown = f"{value:,}" if isinstance(value, int) else f"{value:,g}"
        found.append(
            Problem(
                f"{shown} is outside the plausible range ({rule.describe()}: {rule.reason});"
                " the model runs, but check it",
                paths.display(parts),
                *locate(parts, lines, default_file),
            )
        )
    return found


def _bounded_field(parts: tuple[str, ...], data: Mapping) -> bool:
    field = _field_at(parts, data)
    if field is None:
        return False
    return any(
        hasattr(m, attr) for m in field.metadata for attr in ("ge", "gt", "le", "lt")
    ) or _is_int_field(parts, data)


def load_scenario(
    name_or_path: str | Path,
    overrides: Sequence[str] = (),
    set_values: Mapping[str, Any] | Sequence[str] | None = None,
) -> Scenario:
    """Load a bundled scenario by name, or a YAML/TOML file by path.

    ``overrides`` names overrides defined in the file; ``set_values`` sets any field by
    dotted path (``{"russia.systems.yars.launchers": 120}`` or ``["path=value", …]``).
    """
    if set_values is not None and not isinstance(set_values, Mapping):
        set_values = parse_set(list(set_values))
    data, lines = compose(name_or_path, overrides, set_values)
    return validate(data, lines, data.get("origin"))


def scenario_from_text(
    text: str, shown: str = "<upload>", set_values: Mapping[str, Any] | None = None, *, by: str = SET_EDIT
) -> Scenario:
    """Validate scenario text (e.g. an upload), then apply ``set_values`` edits.
    ``extends`` may name a bundled scenario only: text never reaches the file system."""
    data, lines = parse_text(text, shown)
    data, lines = merge_upload_base(data, lines, shown)
    refuse_loader_keys(data, lines, shown)
    data.pop("overrides", None)
    data.setdefault("name", "uploaded")
    if set_values:
        data = apply_set_values(data, lines, set_values, by=by)
    return validate(data, lines, shown)


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as YAML text that loads back to the same scenario.

    An edited scenario (``scenario.edits``) is saved so that it does not claim the old
    sources: each edited value's source note says it was edited, by what, and its original
    value and note; the description carries the edit note and a header comment lists the
    edits (docs/model.md, "Provenance of edited values")."""
    data = scenario.model_dump(
        mode="json", exclude={"applied_overrides", "origin", "uncertainty", "edits"}, exclude_defaults=False
    )
    for key, dist in scenario.uncertainty.items():
        paths.set_in(data, paths.canonical(key), dist.model_dump(exclude_none=True))
    text = yaml.safe_dump(_mark_edits(scenario, data), sort_keys=False, allow_unicode=True)
    if not scenario.edits:
        return text
    head = [f"# Edited from {scenario.origin or 'the scenario as uploaded'}: {_count(len(scenario.edits))}"]
    for edit in scenario.edits:
        head.append(f"#   {edit.path} = {json.dumps(edit.value, default=str)}: {edit.describe()}")
    return "\n".join(" ".join(line.splitlines()) for line in head) + "\n" + text


def _mark_edits(scenario: Scenario, data: dict) -> dict:
    """Dumped data whose edited values' source notes (``sources.<field>`` of the nearest
    model with sources) say they were edited, and whose description says so."""
    for edit in scenario.edits:
        parts = paths.canonical(edit.path)
        for k in range(len(parts) - 1, 0, -1):
            model = _model_at_loc(parts[:k], data)
            if model is None or "sources" not in model.model_fields:
                continue
            holder = paths.get(data, parts[:k])
            notes = holder.setdefault("sources", {})
            notes[parts[k]] = edit.describe(notes.get(parts[k]))
            break
    summary = edit_summary(scenario, "see the source notes that say 'edited by'", named=True)
    if summary:
        data["description"] = f"{data.get('description') or ''} {summary}".strip()
    return data

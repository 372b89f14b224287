"""Reading scenario files: the only place scenario text becomes data.

files (YAML/TOML) → merged raw data with a line map → validated ``Scenario``.
Every problem is collected and reported with file, line and dotted path.
"""

from __future__ import annotations

import copy
import difflib
import json
import math
import re
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
from security_equation.schema.scenario import Distribution, Scenario, name_problem

#: The scenario commands and the web page show when none is named: the five powers after
#: New START's expiry (us-russia-2023 stays the last-official-data scenario).
DEFAULT_SCENARIO = "five-powers-2026"
#: Scenario files larger than this are refused (a scenario is a few kB).
MAX_FILE_BYTES = 2_000_000
SUFFIXES = (".yaml", ".yml", ".toml")
#: What changed a value, as ``Edit.by`` names it (docs/model.md, "Provenance of edited values").
SET_EDIT = "--set"
WEB_EDIT = "web edit"
#: Framework names that mean "no treaty limits" (``treaty.frameworks.NO_FRAMEWORK`` is this list).
NO_FRAMEWORK_NAMES = ("none", "no-limits", "")
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
    """The bundled scenarios: name, what each extends, description, named overrides, and
    whether it is the default (:data:`DEFAULT_SCENARIO`, the web page's first choice)."""
    rows = []
    for name in bundled_names():
        data, _ = read_mapping(bundled_dir("scenarios") / f"{name}.yaml")
        rows.append(
            {
                "name": name,
                "extends": data.get("extends"),
                "description": " ".join(str(data.get("description", "")).split()),
                "overrides": sorted(data.get("overrides") or {}),
                "default": name == DEFAULT_SCENARIO,
            }
        )
    return rows


def resolve(name_or_path: str | Path, kind: str = "scenarios", relative_to: Path | None = None) -> Path:
    """A bundled name (``us-russia-2023``) or a path to a file."""
    text = str(name_or_path)
    try:
        found = _existing_file(text, kind, relative_to)
        if found is None and (bundled_dir(kind) / f"{text}.yaml").exists():
            found = bundled_dir(kind) / f"{text}.yaml"
    except (OSError, ValueError) as exc:  # a name too long for a file name, a NUL byte…
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError.single(f"not a {kind[:-1]} name or file ({reason}): {text[:80]!r}") from None
    if found is not None:
        return found
    known = bundled_names(kind)
    hint = difflib.get_close_matches(text, known, n=1)
    extra = f"; did you mean '{hint[0]}'?" if hint else ""
    raise InputError.single(
        f"no bundled {kind[:-1]} named '{text}' and no such file{extra} (bundled: {', '.join(known)})"
    )


def _existing_file(text: str, kind: str, relative_to: Path | None) -> Path | None:
    """The file ``text`` names when it names a file (a path or a name with a suffix), else
    None (a bundled name)."""
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
    return None


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
#: Deepest nesting of mappings and lists a file may have (a scenario needs about ten levels).
MAX_DEPTH = 64
#: Most values (mappings, lists and scalars) one text may hold once its aliases are expanded
#: (a scenario has a few thousand).
MAX_NODES = 200_000
#: Most YAML aliases (``*name``) a file or ``--set`` value may use (uploads may use none).
MAX_ALIASES = 50
#: A character YAML does not accept in a document (YAML 1.1 "printable"; libyaml's reader).
_NOT_YAML_TEXT = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ANCHOR = re.compile(r"&([^\s,\[\]{}]+)")


class YamlLoader(_SAFE_LOADER):  # type: ignore[misc, valid-type]
    """The one YAML loader of user text: libyaml's safe loader (else Python's), reading plain
    scalars by the YAML 1.2 core schema as a user means them: ``010`` is 10, ``1e3`` is 1000,
    ``1:30``, ``yes``, ``no``, ``on`` and ``off`` are text. Dates (``2023-02-05``) are still
    read as dates. Its node graph is checked by :func:`check_nodes` before anything is built."""


YamlLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^[-+]?(?:[0-9][0-9_]*|0o[0-7_]+|0x[0-9a-fA-F_]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("merge", r"^(?:<<)$", "<"),
    (
        "timestamp",
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        "0123456789",
    ),
):
    YamlLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern, re.X), list(_first))


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node)).replace("_", "")
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if digits.startswith(("0o", "0x")):
        return sign * int(digits[2:], 8 if digits[1] == "o" else 16)
    return sign * int(digits, 10)  # 010 is 10 (YAML 1.2), not 8


def _construct_float(loader: Any, node: yaml.ScalarNode) -> float | int:
    text = str(loader.construct_scalar(node)).replace("_", "")
    lowered = text.lower()
    if lowered.lstrip("+-") == ".inf":
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == ".nan":
        return math.nan
    value = float(text)
    # 1e3 is the whole number 1000 (a count may be written so); 1.5e3 stays a float.
    if "." not in text and math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


YamlLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
YamlLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def _alias_of(text: str, node: yaml.Node | None) -> tuple[str, int | None]:
    """`` (found *name)`` and the line of the first alias of ``node`` (any alias when None)
    in ``text``, from the same parser's events: a node's marks are its anchor's, not those
    of the alias that repeats it."""
    name = None
    if node is not None:
        lines = text.splitlines()
        mark = node.start_mark
        found = _ANCHOR.match(lines[mark.line][mark.column :]) if mark.line < len(lines) else None
        name = found.group(1) if found else None
    try:
        for event in yaml.parse(text, Loader=YamlLoader):
            if isinstance(event, yaml.AliasEvent) and name in (None, event.anchor):
                return f" (found *{event.anchor})", event.start_mark.line + 1
    except yaml.YAMLError:
        pass
    return "", None


def _children(node: yaml.Node, path: tuple[str, ...]) -> list[tuple[yaml.Node, tuple[str, ...]]]:
    if isinstance(node, yaml.MappingNode):
        out = []
        for key, value in node.value:
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
            out += [(key, path), (value, (*path, name))]
        return out
    if isinstance(node, yaml.SequenceNode):
        return [(item, (*path, str(i))) for i, item in enumerate(node.value)]
    return []


def check_nodes(
    root: yaml.Node, text: str, shown: str | None, *, max_aliases: int = MAX_ALIASES, context: str = ""
) -> int:
    """The guard of every YAML text read (files, uploads, ``--set`` values), run on the node
    graph composed by the loader that builds the data, before anything is built. Composing
    shares an aliased node rather than copying it, so this walk visits each node once
    (linear in the size of the text) while it counts what the data would hold once built:
    it refuses a recursive alias (an endless value), more than ``max_aliases`` aliases
    (``context`` completes "not accepted"), nesting deeper than ``MAX_DEPTH`` and more than
    ``MAX_NODES`` values with every alias expanded (a few hundred bytes of nested aliases
    stand for billions of values). Returns the number of aliases."""
    done: dict[int, tuple[int, int]] = {}  # node -> (values once expanded, height)
    active: set[int] = set()
    aliases = 0

    def refuse(message: str, node: yaml.Node, path: tuple[str, ...], line: int | None = None) -> InputError:
        line = node.start_mark.line + 1 if line is None else line
        return InputError.single(message, path=paths.display(path), file=shown, line=line)

    def visit(node: yaml.Node, depth: int, path: tuple[str, ...]) -> tuple[int, int]:
        nonlocal aliases
        key = id(node)
        if key in active:
            found, line = _alias_of(text, node)
            raise refuse(f"a YAML alias inside the value it repeats{found} never ends", node, path, line)
        if key in done:
            aliases += 1
            if aliases > max_aliases:
                found, line = _alias_of(text, None if max_aliases == 0 else node)
                if max_aliases == 0:
                    message = f"YAML aliases are not accepted{context}{found}; write the values out"
                else:
                    message = f"more than {max_aliases} YAML aliases{found}; write the values out"
                raise refuse(message, node, path, line)
            count, height = done[key]
            if depth + height - 1 > MAX_DEPTH:
                found, line = _alias_of(text, node)
                raise refuse(f"nested too deeply (the limit is {MAX_DEPTH} levels){found}", node, path, line)
            return count, height
        if depth > MAX_DEPTH:
            raise refuse(f"nested too deeply (the limit is {MAX_DEPTH} levels)", node, path)
        active.add(key)
        count, height = 1, 1
        for child, sub in _children(node, path):
            more, below = visit(child, depth + 1, sub)
            count, height = count + more, max(height, below + 1)
            if count > MAX_NODES:
                raise refuse(
                    f"too many values (the limit is {MAX_NODES:,}, each alias counting the values"
                    " it repeats); write fewer",
                    node,
                    path,
                )
        active.discard(key)
        done[key] = (count, height)
        return count, height

    visit(root, 1, ())
    return aliases


def _unshare(data: Any) -> Any:
    """Built data with every alias's value a copy of its own (an edit of one is not an edit
    of the other)."""
    if isinstance(data, dict):
        return {k: _unshare(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_unshare(v) for v in data]
    return data


def _unencodable(text: str) -> tuple[str, int] | None:
    """Why ``text`` cannot be written as UTF-8 (a lone surrogate such as ``\\ud800``) and
    where, or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start : exc.end].encode("unicode_escape").decode("ascii")
        return f"text is not valid Unicode (it holds {bad}, a lone surrogate)", exc.start
    return None


def _check_text(text: str, shown: str | None) -> None:
    """Text that cannot be encoded, and the size of the text, before it is parsed."""
    bad = _unencodable(text)
    if bad is not None:
        raise InputError.single(bad[0], file=shown, line=text.count("\n", 0, bad[1]) + 1)
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise InputError.single(f"input is too large (the limit is {MAX_FILE_BYTES:,} bytes)", file=shown)


def _check_values(data: Any, lines: LineMap, shown: str | None) -> None:
    """Every key and text value of read data encodable, nesting no deeper than ``MAX_DEPTH``
    and no more than ``MAX_NODES`` values (TOML has no aliases but may nest)."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    count = 0
    while stack:
        value, path = stack.pop()
        count += 1
        if count > MAX_NODES or len(path) > MAX_DEPTH:
            too = (
                f"too many values (the limit is {MAX_NODES:,})"
                if count > MAX_NODES
                else f"nested too deeply (the limit is {MAX_DEPTH} levels)"
            )
            file, line = locate(path, lines, shown)
            raise InputError.single(too, path=paths.display(path), file=file, line=line)
        if isinstance(value, str):
            bad = _unencodable(value)
            if bad is not None:
                file, line = locate(path, lines, shown)
                where = paths.display(path).encode("utf-8", "backslashreplace").decode("utf-8")
                raise InputError.single(bad[0], path=where, file=file, line=line)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                stack.append((key if isinstance(key, str) else "", path))
                stack.append((item, (*path, str(key))))
        elif isinstance(value, list | tuple):
            stack.extend((item, (*path, str(i))) for i, item in enumerate(value))


def _key_paths(data: Mapping) -> list[tuple[str, ...]]:
    """The key path of every value in nested mappings (not inside lists)."""
    found, stack = [], [(data, ())]
    while stack:
        node, prefix = stack.pop()
        for key, value in node.items():
            found.append((*prefix, str(key)))
            if isinstance(value, Mapping):
                stack.append((value, (*prefix, str(key))))
    return found


_TOML_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(text: str, i: int) -> tuple[tuple[str, ...], int]:
    """The (dotted) TOML key at ``text[i:]`` as parts, and where it ends."""
    parts: list[str] = []
    while True:
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] in "\"'":
            quote, j = text[i], i + 1
            end = text.find(quote, j)
            if end < 0:
                break
            parts.append(text[j:end])
            i = end + 1
        else:
            found = _TOML_BARE_KEY.match(text, i)
            if not found:
                break
            parts.append(found.group())
            i = found.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == ".":
            i += 1
            continue
        return tuple(parts), i
    return tuple(parts), i


def _bracket_balance(text: str) -> int:
    """Brackets and braces opened minus closed in a line of TOML (outside strings and comments)."""
    balance, quote = 0, None
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char in "[{":
            balance += 1
        elif char in "]}":
            balance -= 1
    return balance


def toml_lines(text: str, shown: str) -> LineMap:
    """The line of every table and key of TOML text: ``[sides.us.systems.x]`` and
    ``cep_m = 200`` under it map ``sides.us.systems.x`` and ``sides.us.systems.x.cep_m``.
    Values inside inline tables and arrays are located at their key's line. The text is
    valid TOML (``tomllib`` read it first); anything this does not follow is left out."""
    lines: LineMap = {(): (shown, 1)}
    table: tuple[str, ...] = ()
    arrays: dict[tuple[str, ...], int] = {}
    open_string: str | None = None
    depth = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if open_string:
            if open_string in raw:
                open_string = None
            continue
        if depth > 0:
            depth += _bracket_balance(raw)
            continue
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            many = stripped.startswith("[[")
            key, _ = _toml_key(stripped, 2 if many else 1)
            for k in range(1, len(key) + 1):
                lines.setdefault(key[:k], (shown, number))
            table = key
            if many:
                table = (*key, str(arrays.get(key, 0)))
                arrays[key] = arrays.get(key, 0) + 1
            lines[table] = (shown, number)
            continue
        key, end = _toml_key(stripped, 0)
        if not key or not stripped[end:].startswith("="):
            continue
        for k in range(1, len(key) + 1):
            lines.setdefault((*table, *key[:k]), (shown, number))
        lines[(*table, *key)] = (shown, number)
        value = stripped[end + 1 :].strip()
        for quote in ('"""', "'''"):
            if value.startswith(quote) and value.count(quote) == 1:
                open_string = quote
        if open_string is None:
            depth = max(_bracket_balance(value), 0)
    return lines


def guard_yaml(text: str, shown: str | None, *, max_aliases: int = MAX_ALIASES, context: str = "") -> None:
    """The checks :func:`load_yaml` makes before building anything (size, encoding, then
    :func:`check_nodes` on the composed node graph), on their own: for a front end that
    refuses early. Syntax errors are left to the loader, which reports them located."""
    _check_text(text, shown)
    loader = YamlLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            check_nodes(node, text, shown, max_aliases=max_aliases, context=context)
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()


def parse_text(
    text: str, shown: str, *, toml: bool = False, max_aliases: int = MAX_ALIASES, context: str = ""
) -> tuple[dict, LineMap]:
    """YAML (or TOML) text → a mapping and a map of dotted keys to lines; every problem an
    ``InputError`` located at ``shown`` (and the line and dotted path where there is one)."""
    _check_text(text, shown)
    if not text.strip():
        raise InputError.single("file is empty", file=shown)
    if toml:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            at = re.search(r" \(at line (\d+), column \d+\)$", str(exc))
            line = int(at.group(1)) if at else None
            raise InputError.single(f"not valid TOML: {exc}", file=shown, line=line) from None
        except RecursionError:
            raise InputError.single(
                f"nested too deeply (the limit is {MAX_DEPTH} levels)", file=shown
            ) from None
        try:
            lines = toml_lines(text, shown)
        except (ValueError, IndexError):  # pragma: no cover - a layout the line map does not follow
            lines = {(): (shown, 1)}
        # Keys inside inline tables and arrays: at the line of the nearest key above them
        # (in this file, not in the file it extends).
        for parts in _key_paths(data):
            lines.setdefault(parts, locate(parts, lines, shown))
        _check_values(data, lines, shown)
        return data, lines
    data, lines = load_yaml(text, shown, max_aliases=max_aliases, context=context)
    if not isinstance(data, dict):
        raise InputError.single(
            f"expected a mapping of keys to values at the top, got {type(data).__name__}",
            file=shown,
            line=1,
        )
    return data, lines


def load_yaml(
    text: str, shown: str | None, *, max_aliases: int = MAX_ALIASES, context: str = ""
) -> tuple[Any, LineMap]:
    """Any YAML value (a file's mapping, a ``--set`` value) with its line map, read by
    :class:`YamlLoader` after :func:`check_nodes` has bounded the work."""
    _check_text(text, shown)
    try:
        loader = YamlLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise InputError.single("file is empty", file=shown)
            aliases = check_nodes(node, text, shown, max_aliases=max_aliases, context=context)
            lines: LineMap = {}
            problems: list[Problem] = []
            _map_lines(node, (), shown, lines, problems)
            if problems:
                raise InputError(problems)
            try:
                data = loader.construct_document(node)
                if aliases:
                    data = _unshare(data)
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
        if line is None and isinstance(exc, yaml.reader.ReaderError):  # a character YAML refuses
            bad = _NOT_YAML_TEXT.search(text)
            line = text.count("\n", 0, bad.start()) + 1 if bad else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError.single(f"not valid YAML: {reason}", file=shown, line=line) from None
    except RecursionError:  # Python's parser (without libyaml) on deep nesting
        raise InputError.single(f"nested too deeply (the limit is {MAX_DEPTH} levels)", file=shown) from None
    _check_values(data, lines, shown)
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
    if base_path.resolve() in (*chain, resolved):
        cycle = " -> ".join(display_name(p) for p in (*chain, resolved, base_path.resolve()))
        raise InputError.single(
            f"{kind} extend each other in a cycle: {cycle}", path="extends", file=shown, line=line
        )
    base, base_lines = load_chain(base_path, kind, (*chain, resolved))
    # The child's own values and overrides extend the base's.
    return paths.deep_merge(base, data), overlay_lines(base_lines, lines, data)


def overlay_lines(base_lines: LineMap, lines: LineMap, data: Mapping) -> LineMap:
    """The line map of ``data`` merged over a base: the child's lines win, and where the
    child replaces a value whole (a list or a single value, as ``paths.deep_merge`` does),
    the base's lines below it go, so a problem inside the new value is not blamed on the
    base file."""
    replaced = set()
    for key in lines:
        try:
            value = paths.get(data, key)
        except (KeyError, IndexError, TypeError):
            continue
        if not isinstance(value, Mapping):
            replaced.add(key)
    if not replaced:
        return {**base_lines, **lines}
    kept = {k: v for k, v in base_lines.items() if not any(k[:i] in replaced for i in range(1, len(k)))}
    return {**kept, **lines}


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
    return paths.deep_merge(base, data), overlay_lines(base_lines, lines, data)


def _dotted_leaves(mapping: Mapping) -> Iterable[tuple[tuple[str, ...], tuple[str, ...], Any]]:
    """Each change a mapping of dotted paths makes: (keys as written, canonical key tuple,
    value). Keys of a nested mapping are relative to the key above them
    (``{us.posture: {alert: generated}}`` is ``us.posture.alert``); a ``{dist: …}`` mapping
    and an empty one are values. Raises ``ValueError`` for a key that is no dotted path."""

    def walk(node: Mapping, written: tuple[str, ...]):
        for key, value in node.items():
            here = (*written, str(key))
            if isinstance(value, Mapping) and "dist" not in value and value:
                yield from walk(value, here)
            else:
                yield here, (*paths.canonical(here[0]), *(p for k in here[1:] for p in paths.split(k))), value

    yield from walk(mapping, ())


def _expand_dotted(mapping: Mapping) -> dict:
    """Turn ``{"russia.systems.yars.launchers": 3}`` into nested dicts (canonical paths)."""
    out: dict = {}
    for _, parts, value in _dotted_leaves(mapping):
        paths.set_in(out, parts, value)
    return out


def _flatten(data: Mapping, prefix: tuple[str, ...] = ()) -> Iterable[tuple[tuple[str, ...], Any]]:
    for key, value in data.items():
        parts = (*prefix, *paths.split(str(key)))
        if isinstance(value, Mapping) and "dist" not in value and value:
            yield from _flatten(value, parts)
        else:
            yield parts, value


def _numbers(value: Any, at: tuple[str, ...] = ()) -> Iterable[tuple[tuple[str, ...], float]]:
    """Every float in a value read from the command line, with where it is."""
    if isinstance(value, float):
        yield at, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _numbers(item, (*at, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _numbers(item, (*at, str(index)))


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
            problems.append(Problem(f"expected {what}=VALUE, got {item!r}", file=option))
            continue
        try:
            if check_key is not None:
                check_key(key)
            value = load_yaml(raw, option)[0] if raw.strip() else ""
            infinite = [(at, leaf) for at, leaf in _numbers(value) if not math.isfinite(leaf)]
            for at, leaf in infinite:
                where = ".".join(part for part in (key, *at) if part)
                problems.append(Problem(f"must be a finite number, got {leaf}", path=where, file=option))
            if not infinite:
                out[key] = value
        except ValueError as exc:
            problems.append(Problem(f"cannot read '{item}': {exc}", path=key, file=option))
        except InputError as exc:
            for p in exc.problems:
                where = ".".join(part for part in (key, p.path) if part)
                problems.append(Problem(f"cannot read '{item}': {p.message}", path=where, file=option))
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
    shown = display_name(path)
    refuse_loader_keys(data, lines, shown)
    data.setdefault("name", path.stem)
    data["origin"] = shown
    available = data.pop("overrides", None) or {}
    if not isinstance(available, Mapping):
        raise InputError.single(
            "must be a mapping of override names to changes",
            path="overrides",
            file=shown,
            line=lines.get(("overrides",), (None, None))[1],
        )
    problems = []
    for name in available:
        problem = name_problem(name) if isinstance(name, str) else f"must be text, got {name!r}"
        if problem is not None:
            problems.append(
                Problem(problem, f"overrides.{name}", *locate(("overrides", str(name)), lines, shown))
            )
    if problems:
        raise InputError(problems)
    for name in overrides:
        if name not in available:
            hint = ", ".join(sorted(available)) or "none defined"
            raise InputError.single(
                f"unknown override '{name}' (available: {hint})", path="overrides", file=shown
            )
        expanded = _override_changes(name, available[name], data, lines, shown)
        edits = record_edits(data, expanded, f"override {name}")
        data = paths.deep_merge(data, expanded)
        data["edits"] = edits
    if overrides:
        data["applied_overrides"] = (*data.get("applied_overrides", ()), *overrides)
    if set_values:
        data = apply_set_values(data, lines, set_values)
    return data, lines


def _override_changes(name: str, change: Any, data: Mapping, lines: LineMap, shown: str) -> dict:
    """A named override's changes as nested canonical paths, each checked against the
    scenario (``target_problem``) and located at its own line in the file that defines it."""
    where = locate(("overrides", name), lines, shown)
    if not isinstance(change, Mapping) or not change:
        message = (
            "an override must change at least one value (a mapping of dotted paths to values)"
            if isinstance(change, Mapping) or change is None
            else f"an override must be a mapping of dotted paths to values, got {change!r}"
        )
        raise InputError.single(message, path=f"overrides.{name}", file=where[0], line=where[1])
    problems, expanded = [], {}
    try:
        leaves = list(_dotted_leaves(change))
    except ValueError as exc:
        raise InputError.single(str(exc), path=f"overrides.{name}", file=where[0], line=where[1]) from None
    for written, parts, value in leaves:
        at = lines.get(("overrides", name, *written), where)
        problem = target_problem(parts, data, value)
        if problem is not None:
            problems.append(Problem(problem, ".".join(("overrides", name, *written)), *at))
            continue
        paths.set_in(expanded, parts, value)
        lines[parts] = at
    if problems:
        raise InputError(problems)
    return expanded


def apply_set_values(
    data: dict, lines: LineMap, set_values: Mapping[str, Any], *, by: str = SET_EDIT
) -> dict:
    """``--set`` values (dotted path -> value, a value may be a mapping of the fields below
    it) merged over raw scenario data; ``lines`` gains each path as coming from ``--set``.
    Sides, systems and defences must exist (``target_problem``). Each changed value is
    recorded as an edit ``by`` this (``--set``, ``web edit``)."""
    try:
        leaves = list(_dotted_leaves(dict(set_values)))
    except ValueError as exc:
        raise InputError.single(str(exc), file="--set") from None
    problems, expanded = [], {}
    for _, parts, value in leaves:
        problem = target_problem(parts, data, value)
        if problem is not None:
            problems.append(Problem(problem, paths.display(parts), "--set"))
            continue
        paths.set_in(expanded, parts, value)
        if not isinstance(value, Mapping):
            # The value replaces whatever was below it: its items come from --set too.
            for key in [k for k in lines if len(k) > len(parts) and k[: len(parts)] == parts]:
                del lines[key]
        lines[parts] = ("--set", None)
    if problems:
        raise InputError(problems)
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


#: Levels of a scenario keyed by user-chosen names: --set and overrides may change, not
#: invent, them.
_NAMED_LEVELS = {"sides": "side", "systems": "system", "defences": "defence"}
#: Top-level keys --set values and named overrides may change (the rest are the loader's).
_EDITABLE = frozenset(
    {
        "sides",
        "settings",
        "name",
        "description",
        "framework",
        "date",
        "references",
        "uncertainty",
        "coalitions",
    }
)


def _strip(annotation: Any) -> tuple[Any, list]:
    """An annotation without ``Annotated`` and ``None`` alternatives, and the constraints
    (``ge``, ``lt``…) found on the way."""
    import types
    import typing

    found: list = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            for item in extra:
                found.extend(getattr(item, "metadata", None) or [item])
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation, found


def _target(parts: tuple[str, ...], data: Mapping) -> tuple[str | None, Any, list]:
    """Walk the scenario schema along ``parts`` (canonical) beside raw ``data``: (why the
    path names no field of this scenario or None, the annotation at its end, its
    constraints)."""
    import typing

    if not parts or parts[0] not in _EDITABLE:
        head = parts[0] if parts else ""
        return f"'{head}' cannot be changed here (only {', '.join(sorted(_EDITABLE))})", None, []
    kind: Any = Scenario
    node: Any = data
    constraints: list = []
    for i, key in enumerate(parts):
        child = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(kind, tuple):  # a mapping keyed by the user's or the schema's names
            level = parts[i - 1]
            if level in _NAMED_LEVELS and i <= 3 and (not isinstance(node, Mapping) or key not in node):
                known = sorted(node) if isinstance(node, Mapping) else []
                hint = difflib.get_close_matches(key, known, n=1)
                return (
                    f"no {_NAMED_LEVELS[level]} '{key}'"
                    + (f"; did you mean '{hint[0]}'?" if hint else "")
                    + f" (known: {', '.join(known) or 'none'})",
                    None,
                    [],
                )
            annotation, metadata = kind[1], []
        elif isinstance(kind, type) and issubclass(kind, BaseModel):
            field = kind.model_fields.get(key)
            if field is None:
                return validation.unknown_key(key, kind, SCENARIO_ERRORS), None, []
            annotation, metadata = field.annotation, list(field.metadata)
        else:
            return f"'{paths.display(parts[:i])}' is a single value, with no '{key}' inside", None, []
        annotation, more = _strip(annotation)
        constraints = [*metadata, *more]
        if typing.get_origin(annotation) is dict:
            kind = ("dict", typing.get_args(annotation)[1])
        elif typing.get_origin(annotation) is not None:
            kind = _unwrap(annotation, child, None) or annotation
        else:
            kind = annotation
        node = child
    return None, kind, constraints


def target_problem(parts: tuple[str, ...], data: Mapping, value: Any = None) -> str | None:
    """Why a ``--set`` value or a named override may not change ``parts`` (canonical) of raw
    scenario ``data``: a loader key, a side, system or defence the scenario does not have,
    an unknown field, a path through a single value, or an empty mapping (a change of
    nothing). None when it may."""
    if isinstance(value, Mapping) and not value:
        return "an empty mapping changes nothing: give the values to change"
    return _target(parts, data)[0]


def _numeric_target(parts: tuple[str, ...], data: Mapping) -> tuple[str | None, tuple[float, float], list]:
    """Why ``parts`` is no number field of the scenario a distribution may make uncertain,
    or None; the field's limits (``-inf``/``inf`` where it has none) and its constraints."""
    problem, annotation, constraints = _target(parts, data)
    if problem is None and "sources" in parts:
        problem = "source notes are text: only numbers can be uncertain"
    if problem is None and annotation not in (int, float):
        problem = "not a number field: only numbers can be uncertain"
    low, high = -math.inf, math.inf
    for item in constraints:
        for attr in ("ge", "gt"):
            if getattr(item, attr, None) is not None:
                low = max(low, getattr(item, attr))
        for attr in ("le", "lt"):
            if getattr(item, attr, None) is not None:
                high = min(high, getattr(item, attr))
    return problem, (low, high), constraints


def extract_distributions(
    data: dict,
    lines: LineMap,
    default_file: str | None,
    problems: list[Problem],
    written: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, Distribution]:
    """Replace every inline ``{dist: …}`` by its nominal value; return path -> distribution.
    ``written`` gains, per distribution, where the user wrote it (the field for an inline
    one, ``uncertainty.<key>`` for one of the ``uncertainty:`` section)."""
    found: dict[str, Distribution] = {}
    written = {} if written is None else written

    def visit(node: Any, prefix: tuple[str, ...]) -> Any:
        if isinstance(node, Mapping):
            if "dist" in node and prefix and prefix[0] != "uncertainty":
                try:
                    dist = Distribution.model_validate(dict(node))
                except ValidationError as exc:
                    problems.extend(problems_from_validation(exc, data, lines, default_file, prefix))
                    return 0
                try:
                    paths.canonical(paths.display(prefix))
                except ValueError:
                    # A name that cannot be part of a dotted path (empty, or with a dot):
                    # the schema's name check reports it, located; keep the nominal value.
                    return dist.nominal()
                found[paths.display(prefix)] = dist
                written[paths.display(prefix)] = prefix
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
        key = str(key)
        at = ("uncertainty", key)
        try:
            dist = Distribution.model_validate(spec)
        except ValidationError as exc:
            problems.extend(problems_from_validation(exc, data, lines, default_file, at))
            continue
        try:
            parts = paths.canonical(key)
        except ValueError as exc:
            problems.append(Problem(str(exc), f"uncertainty.{key}", *locate(at, lines, default_file)))
            continue
        problem = _numeric_target(parts, data)[0]
        if problem is None:
            try:
                paths.get(data, parts[:-1])
            except KeyError:
                problem = "no such field to make uncertain"
        if problem is not None:
            problems.append(Problem(problem, f"uncertainty.{key}", *locate(at, lines, default_file)))
            continue
        found[paths.display(parts)] = dist
        written[paths.display(parts)] = at
        paths.set_in(data, parts, dist.nominal())
    return found


def _field_at(parts: tuple[str, ...], data: Mapping):
    """The pydantic field at a dotted location of scenario data, or None."""
    model = _model_at_loc(parts[:-1], data)
    return None if model is None else model.model_fields.get(parts[-1])


def _is_int_field(parts: tuple[str, ...], data: Mapping) -> bool:
    problem, annotation, _ = _target(parts, data)
    return problem is None and annotation is int


def _limits_text(constraints: list) -> str:
    """A field's limits as a message shows them: ``>= 0 and <= 1``."""

    def number(x: float) -> str:
        return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"

    signs = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
    parts = [
        f"{sign} {number(getattr(item, attr))}"
        for item in constraints
        for attr, sign in signs.items()
        if getattr(item, attr, None) is not None
    ]
    return " and ".join(parts) or "a number"


def _distribution_problems(
    dists: Mapping[str, Distribution],
    written: Mapping[str, tuple[str, ...]],
    data: dict,
    lines: LineMap,
    default_file: str | None,
) -> list[Problem]:
    """Each distribution's draws must be values the field takes: an unbounded end where the
    field is limited needs ``bounds``, and each finite end must validate (with the rest of
    the scenario). Located where the user wrote the distribution."""
    found = []
    for key, dist in dists.items():
        parts = paths.canonical(key)
        at = written.get(key, parts)
        shown = paths.display(at) if at[0] != "uncertainty" else f"uncertainty.{at[1]}"
        where = locate(at, lines, default_file)
        problem, (low, high), constraints = _numeric_target(parts, data)
        if problem is not None:
            found.append(Problem(problem, shown, *where))
            continue
        lo, hi = dist.support()
        if (lo == -math.inf and low > -math.inf) or (hi == math.inf and high < math.inf):
            end = "-inf" if lo == -math.inf and low > -math.inf else "inf"
            found.append(
                Problem(
                    f"{dist.describe()} reaches {end} but the field must be {_limits_text(constraints)};"
                    " give bounds: [low, high] within that range",
                    shown,
                    *where,
                )
            )
            continue
        for end in (lo, hi):
            if not math.isfinite(end):
                continue
            probe = copy.deepcopy(data)
            paths.set_in(probe, parts, round(end) if _is_int_field(parts, probe) else end)
            try:
                Scenario.model_validate(probe)
            except ValidationError as exc:
                for p in problems_from_validation(exc, probe, lines, default_file):
                    found.append(
                        Problem(
                            f"distribution reaches {end:g}: {p.message}",
                            p.path if at == parts else shown,
                            *where,
                        )
                    )
                break
    return found


def _framework_problem(data: Mapping, lines: LineMap, default_file: str | None) -> Problem | None:
    """A ``framework:`` a scenario's file names that cannot be found, located at that line.
    A file's framework is resolved relative to the scenario file (as treaty assessment
    does); an upload's (no ``origin``) must be bundled. A ``--set`` or web edit is checked
    where it is used, as ``--framework`` is."""
    name = data.get("framework")
    if not isinstance(name, str) or name.strip().lower() in NO_FRAMEWORK_NAMES:
        return None
    file, line = locate(("framework",), lines, default_file)
    if file == SET_EDIT:
        return None
    origin = data.get("origin")
    if origin is None:
        if name in bundled_names("frameworks"):
            return None
        known = bundled_names("frameworks")
        hint = difflib.get_close_matches(name, known, n=1)
        return Problem(
            f"no bundled framework named '{name}'"
            + (f"; did you mean '{hint[0]}'?" if hint else "")
            + f" (bundled: {', '.join(known)})",
            "framework",
            file,
            line,
        )
    origin_path = Path(origin)
    try:
        relative_to = origin_path if origin_path.is_file() else None
        resolve(name, kind="frameworks", relative_to=relative_to)
    except InputError as exc:
        message = exc.problems[0].message
        if message.startswith("file not found"):
            message = f"framework file not found: {name}"
        return Problem(message, "framework", file, line)
    except (OSError, ValueError):
        return Problem(f"not a framework name or file: {name[:80]!r}", "framework", file, line)
    return None


def _at_distributions(
    found: list[Problem], written: Mapping[str, tuple[str, ...]], lines: LineMap, default_file: str | None
) -> list[Problem]:
    """Problems with a value that a distribution stands for (its nominal value), moved to
    where the user wrote the distribution: an ``uncertainty:`` entry may sit in a file
    that extends the one holding the field."""
    out = []
    for problem in found:
        where = written.get(problem.path)
        if where is None:
            out.append(problem)
            continue
        message = f"the distribution's nominal value {problem.message}"
        out.append(Problem(message, paths.display(where), *locate(where, lines, default_file)))
    return out


def validate(data: dict, lines: LineMap, default_file: str | None = None) -> Scenario:
    """Validate composed raw data into a Scenario, collecting every problem."""
    data = copy.deepcopy(data)
    problems: list[Problem] = []
    written: dict[str, tuple[str, ...]] = {}
    dists = extract_distributions(data, lines, default_file, problems, written)
    for key in dists:
        parts = paths.canonical(key)
        if _is_int_field(parts, data):
            value = paths.get(data, parts)
            if isinstance(value, float) and math.isfinite(value):
                paths.set_in(data, parts, round(value))
    data["uncertainty"] = {}
    scenario = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems.extend(
            _at_distributions(
                problems_from_validation(exc, data, lines, default_file), written, lines, default_file
            )
        )
    if scenario is not None:
        problems.extend(_distribution_problems(dists, written, data, lines, default_file))
        framework = _framework_problem(data, lines, default_file)
        if framework is not None:
            problems.append(framework)
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
    data, lines = parse_text(text, shown, max_aliases=0, context=" in uploads")
    data, lines = merge_upload_base(data, lines, shown)
    refuse_loader_keys(data, lines, shown)
    data.pop("overrides", None)
    data.setdefault("name", "uploaded")
    if set_values:
        data = apply_set_values(data, lines, set_values, by=by)
    return validate(data, lines, shown)


class _Dumper(yaml.SafeDumper):
    """Quotes every string that YAML 1.1 or :class:`YamlLoader` (YAML 1.2) would read as
    something else (``yes``, ``010``, ``1e3``), so a saved file reads back the same in both."""


_Dumper.yaml_implicit_resolvers = {
    first: [
        *yaml.SafeDumper.yaml_implicit_resolvers.get(first, []),
        *YamlLoader.yaml_implicit_resolvers.get(first, []),
    ]
    for first in {*yaml.SafeDumper.yaml_implicit_resolvers, *YamlLoader.yaml_implicit_resolvers}
}


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
    text = yaml.dump(_mark_edits(scenario, data), Dumper=_Dumper, sort_keys=False, allow_unicode=True)
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

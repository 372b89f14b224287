"""A mutation engine over the bundled scenario and framework files (issue 12).

A *case* is built from ``(kind, base, seed)`` alone: ``random.Random(seed)`` picks a short
chain of mutations of the bundled file ``base`` (a scenario or a framework), applied to its
parsed mapping and to the YAML text dumped from it, plus ``--set`` values. So every case is
reproducible from its ``Case.key`` (``scenario:us-russia-2023:1234``), printed with every
failure: ``python benchmarks/fuzz.py --case scenario:us-russia-2023:1234``.

Each mutation says what a correct loader must do with it:

- ``FAIL``: known invalid (an unknown key of a strict model, a value of the wrong type,
  NaN or infinity, a value outside the field's bounds, an ``extends`` cycle ...): exit 2;
- ``PASS``: known valid (keys reordered, comments, flow style, a ``--set`` of the value
  already there, a benign YAML anchor ...): exit 0;
- ``ANY``: either is right (a deleted key may have a default).

A chain is ``FAIL`` if any step is, ``PASS`` if every step is, else ``ANY``. The CLI and the
web API may differ (uploads refuse YAML aliases; the web ignores a file's ``overrides``), so
each step has an expectation for each. Expectations are derived from the pydantic models
(``schema.scenario.Scenario`` / ``schema.framework.Framework``), read-only: a field's type,
whether it is optional, and its ``ge``/``gt``/``le``/``lt`` bounds.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import random
import types
import typing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from security_equation.io.loading import bundled_dir
from security_equation.schema.framework import Framework
from security_equation.schema.scenario import Scenario

FAIL, PASS, ANY = "fail", "pass", "any"
Kind = Literal["scenario", "framework"]
ROOTS: dict[str, type[BaseModel]] = {"scenario": Scenario, "framework": Framework}
#: Top-level keys the loader consumes or fills itself: no schema slot to judge them by.
LOADER_OWNED = {"extends", "overrides", "uncertainty", "origin", "applied_overrides", "edits", "name"}
#: A side no bundled scenario has ("china" was, until five-powers-2026 gave China a side).
UNKNOWN_SIDE = "nosuchside"


# --------------------------------------------------------------------------- bundled files
def kinds_dir(kind: Kind) -> Path:
    return bundled_dir("scenarios" if kind == "scenario" else "frameworks")


@cache
def bundled(kind: Kind) -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in kinds_dir(kind).glob("*.yaml")))


@cache
def _parsed(kind: Kind, name: str) -> dict:
    return yaml.safe_load((kinds_dir(kind) / f"{name}.yaml").read_text(encoding="utf-8"))


def parsed(kind: Kind, name: str) -> dict:
    """The bundled file's mapping (a fresh copy)."""
    return copy.deepcopy(_parsed(kind, name))


def raw_text(kind: Kind, name: str) -> str:
    return (kinds_dir(kind) / f"{name}.yaml").read_text(encoding="utf-8")


def deep_merge(base: Any, update: Any) -> Any:
    if isinstance(base, dict) and isinstance(update, dict):
        out = dict(base)
        for k, v in update.items():
            out[k] = deep_merge(base[k], v) if k in base else v
        return out
    return update


def merged(kind: Kind, data: dict) -> dict:
    """``data`` over what it extends (bundled names only): what the schema judges."""
    ref = data.get("extends")
    if isinstance(ref, str) and ref in bundled(kind):
        return deep_merge(merged(kind, parsed(kind, ref)), {k: v for k, v in data.items() if k != "extends"})
    return data


# --------------------------------------------------------------------------- schema slots
@dataclass(frozen=True)
class Slot:
    """What the schema expects at one location."""

    kind: str  # model dict list int float str bool literal date any
    nullable: bool = False
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    values: tuple = ()
    model: type[BaseModel] | None = None
    inner: Any = None  # value annotation of dict/list


def _slot(annotation: Any, metadata: list, node: Any) -> Slot | None:
    meta = list(metadata)
    nullable = False
    ann = annotation
    while True:
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            args = typing.get_args(ann)
            meta.extend(args[1:])
            ann = args[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = typing.get_args(ann)
            rest = [a for a in args if a is not type(None)]
            nullable = nullable or len(rest) < len(args)
            if len(rest) == 1:
                ann = rest[0]
                continue
            models = [a for a in rest if isinstance(a, type) and issubclass(a, BaseModel)]
            if len(models) == len(rest) and isinstance(node, dict):  # discriminated by ``kind``
                for m in models:
                    f = m.model_fields.get("kind")
                    if f is not None and node.get("kind") in typing.get_args(f.annotation):
                        return Slot("model", nullable, model=m)
            return None
        break
    bounds: dict[str, float] = {}
    for m in meta:
        items = m.metadata if isinstance(m, FieldInfo) else [m]
        for item in items:
            for attr in ("ge", "gt", "le", "lt"):
                if hasattr(item, attr):
                    bounds[attr] = getattr(item, attr)
    origin = typing.get_origin(ann)
    if ann is typing.Any:
        return Slot("any", nullable)
    if origin is Literal:
        return Slot("literal", nullable, values=typing.get_args(ann))
    if origin is dict:
        return Slot("dict", nullable, inner=typing.get_args(ann)[1])
    if origin in (list, tuple):
        args = typing.get_args(ann)
        return Slot("list", nullable, inner=args[0] if origin is list and args else None)
    if isinstance(ann, type):
        if issubclass(ann, BaseModel):
            return Slot("model", nullable, model=ann)
        if ann is bool:
            return Slot("bool", nullable)
        if ann is int:
            return Slot("int", nullable, **bounds)
        if ann is float:
            return Slot("float", nullable, **bounds)
        if ann is str:
            return Slot("str", nullable)
        if issubclass(ann, dt.date):
            return Slot("date", nullable)
    return None


def slot_at(kind: Kind, data: dict, parts: tuple[str, ...]) -> Slot | None:
    """The schema slot at ``parts`` of (merged) file data, or None where unknown."""
    if parts and parts[0] in LOADER_OWNED:
        return None
    slot: Slot | None = Slot("model", model=ROOTS[kind])
    node: Any = data
    for key in parts:
        if slot is None:
            return None
        child = node.get(key) if isinstance(node, dict) else None
        if slot.kind == "model":
            f = slot.model.model_fields.get(key)
            if f is None:
                return None
            slot = _slot(f.annotation, f.metadata, child)
        elif slot.kind == "dict":
            slot = _slot(slot.inner, [], child)
        elif slot.kind == "list" and slot.inner is not None and isinstance(node, list):
            try:
                child = node[int(key)]
            except (ValueError, IndexError):
                return None
            slot = _slot(slot.inner, [], child)
        else:
            return None
        node = child
    return slot


def certainly_invalid(slot: Slot | None, value: Any, depth: int = 0) -> bool:
    """True only when no correct loader can accept ``value`` at ``slot`` (strict models)."""
    if slot is None or slot.kind == "any" or depth > 50 or value is UNREADABLE:
        return False
    if value is None:
        return not slot.nullable
    if slot.kind in ("int", "float"):
        if isinstance(value, bool | str | list):
            return True
        if isinstance(value, dict):
            return "dist" not in value
        if isinstance(value, float) and not math.isfinite(value):
            return True  # issue 12: NaN and infinity are never accepted
        if slot.kind == "int" and isinstance(value, float):
            return True  # strict int
        if isinstance(value, int | float):
            return (
                (slot.ge is not None and value < slot.ge)
                or (slot.gt is not None and value <= slot.gt)
                or (slot.le is not None and value > slot.le)
                or (slot.lt is not None and value >= slot.lt)
            )
        return False
    if slot.kind == "str":
        return not isinstance(value, str)
    if slot.kind == "bool":
        return not isinstance(value, bool)
    if slot.kind == "literal":
        return not isinstance(value, str) or value not in slot.values
    if slot.kind == "date":
        return isinstance(value, list | dict)
    if slot.kind == "list":
        return not isinstance(value, list)
    if slot.kind == "dict":
        if not isinstance(value, dict):
            return True
        return any(certainly_invalid(_slot(slot.inner, [], v), v, depth + 1) for v in value.values())
    if slot.kind == "model":
        if not isinstance(value, dict):
            return True
        fields = slot.model.model_fields
        if any(k not in fields for k in value):
            return True
        return any(
            certainly_invalid(_slot(fields[k].annotation, fields[k].metadata, v), v, depth + 1)
            for k, v in value.items()
        )
    return False


# --------------------------------------------------------------------------- raw YAML
class Raw(str):
    """A placeholder in the data, replaced by raw YAML text after dumping."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Raw, lambda dumper, value: dumper.represent_str(str(value)))


@dataclass
class Doc:
    """The file being mutated: its mapping, placeholders for raw YAML text, text edits."""

    data: dict
    raws: dict[str, str] = field(default_factory=dict)
    prefix: str = ""  # text put before the dumped mapping
    suffix: str = ""  # text put after it
    style: dict = field(default_factory=dict)  # yaml.safe_dump options
    raw_bytes: bytes | None = None  # the final file, when it is not UTF-8 text
    toml_ok: bool = True
    alias_pairs: list = field(default_factory=list)  # (anchor token, alias token)

    def raw(self, text: str) -> Raw:
        token = Raw(f"FUZZRAW{len(self.raws):04d}X")
        self.raws[token] = text
        return token

    def yaml_text(self) -> str:
        opts = {"sort_keys": False, "allow_unicode": True, "width": 100} | self.style
        text = yaml.dump(self.data, Dumper=_Dumper, **opts)
        raws = dict(self.raws)
        for anchor, alias in self.alias_pairs:  # the anchor must come first in the text
            if anchor in raws and alias in raws and 0 <= text.find(alias) < text.find(anchor):
                raws[anchor], raws[alias] = raws[alias], raws[anchor]
        for token, raw in sorted(raws.items(), reverse=True):
            text = text.replace(f"'{token}'", raw).replace(token, raw)
        return self.prefix + text + self.suffix


#: A raw value the loader cannot read: no claim about it.
UNREADABLE = object()


def yaml_value(raw: str) -> Any:
    """What the project's YAML reader makes of ``raw`` (``1e3``, ``010``, ``yes`` ... are read
    by whatever schema it implements; validity is judged on the value it reads)."""
    from security_equation.io.errors import InputError
    from security_equation.io.loading import parse_text

    try:
        return parse_text(f"k: {raw}\n", "<probe>")[0]["k"]
    except InputError:
        return UNREADABLE
    except Exception:
        try:
            return yaml.safe_load(f"k: {raw}\n")["k"]
        except Exception:
            return UNREADABLE


# --------------------------------------------------------------------------- TOML
class NotToml(Exception):
    pass


def _toml_key(key: Any) -> str:
    return _toml_str(str(key))


def _toml_str(text: str) -> str:
    out = json.dumps(text, ensure_ascii=True).replace("\x7f", "\\u007f")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise NotToml("lone surrogate")
    return out


def _toml_value(value: Any) -> str:
    if isinstance(value, Raw):
        raise NotToml("raw YAML")
    if value is None:
        raise NotToml("null")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise NotToml("integer out of range")
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _toml_str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise NotToml(type(value).__name__)


def to_toml(data: dict) -> str:
    """``data`` as TOML (every top-level value on one line, tables inline), or NotToml."""
    if any(len(str(k)) == 0 and False for k in data):
        raise NotToml("empty key")
    return "".join(f"{_toml_key(k)} = {_toml_value(v)}\n" for k, v in data.items())


# --------------------------------------------------------------------------- cases
@dataclass
class Step:
    label: str
    cli: str = ANY
    web: str = ANY
    tags: tuple[str, ...] = ()
    #: The location the step's expectation is about (None: the text as a whole).
    path: tuple[str, ...] | None = None
    #: The location it changes: a later change at or above an earlier step's ``path``
    #: voids that step's claim (deleting ``us.requirement`` after breaking a field in it).
    touches: tuple[str, ...] | None = None


@dataclass
class Case:
    kind: Kind
    base: str
    seed: int
    steps: list[Step]
    text: str | None  # the file, as text (None: raw_bytes)
    raw_bytes: bytes | None
    suffix: str  # .yaml or .toml
    set_values: list[str]  # ``--set`` arguments
    web_set: dict  # the same edits for the web (JSON values)
    overrides: list[str]  # ``-O`` names (CLI only)
    command: str  # run / treaty / arms-race
    endpoint: str  # /api/evaluate, /api/treaty, /api/scenario, /api/upload
    filename: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.base}:{self.seed}"

    @property
    def labels(self) -> list[str]:
        return [s.label for s in self.steps]

    def expect(self, target: str = "cli") -> str:
        wants = [getattr(s, target) for s in self.steps] or [PASS]
        if FAIL in wants:
            return FAIL
        return PASS if all(w == PASS for w in wants) else ANY

    def tags(self, target: str = "cli") -> set[str]:
        # a tag counts only where the step matters for the target (a file's overrides do
        # not reach the web)
        return {t for s in self.steps for t in s.tags if not (target == "web" and t == "override-nothing")}

    def file_bytes(self) -> bytes:
        if self.raw_bytes is not None:
            return self.raw_bytes
        return self.text.encode("utf-8", errors="surrogatepass")

    def web_text(self) -> str | None:
        """The text to upload (YAML; None where the file is not text)."""
        if self.suffix != ".yaml" or self.raw_bytes is not None:
            return None
        return self.text

    def describe(self) -> str:
        parts = [f"case {self.key}: {self.kind} {self.base}{self.suffix}", f"steps: {self.labels}"]
        if self.set_values:
            parts.append(f"--set {self.set_values}")
        if self.overrides:
            parts.append(f"-O {self.overrides}")
        parts.append(f"expect cli={self.expect('cli')} web={self.expect('web')}")
        return "; ".join(parts)


def _nodes(data: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every (path, value) below the top (mappings only; lists are leaves)."""
    out = []
    if isinstance(data, dict):
        for k, v in data.items():
            if isinstance(k, str) and not isinstance(k, Raw):
                out.append(((*prefix, k), v))
                out.extend(_nodes(v, (*prefix, k)))
    return out


def _get(data: dict, parts: tuple[str, ...]) -> Any:
    node = data
    for p in parts:
        node = node[p]
    return node


def _parent(data: dict, parts: tuple[str, ...]) -> dict:
    return _get(data, parts[:-1])


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _display(parts: tuple[str, ...]) -> str:
    return ".".join(parts[1:] if parts and parts[0] == "sides" else parts)


class Mutator:
    """Applies one random mutation step to a Doc."""

    def __init__(self, case_kind: Kind, base: str, rng: random.Random, doc: Doc, filename: str):
        self.kind = case_kind
        self.base = base
        self.rng = rng
        self.doc = doc
        self.filename = filename
        self.overrides: list[str] = []

    # helpers
    def slot(self, parts: tuple[str, ...]) -> Slot | None:
        return slot_at(self.kind, merged(self.kind, self.doc.data), parts)

    def pick(self, where=lambda p, v: True) -> tuple[str, ...] | None:
        nodes = [p for p, v in _nodes(self.doc.data) if p[0] not in ("overrides",) and not isinstance(v, Raw)]
        nodes = [p for p in nodes if where(p, _get(self.doc.data, p))]
        return self.rng.choice(nodes) if nodes else None

    def put(self, parts: tuple[str, ...], value: Any, label: str, tags=()) -> Step:
        slot = self.slot(parts)
        check = yaml_value(self.doc.raws[value]) if isinstance(value, Raw) else value
        bad = certainly_invalid(slot, check)
        _parent(self.doc.data, parts)[parts[-1]] = value
        want = FAIL if bad else ANY
        return Step(f"{label} at {_display(parts)}", want, want, tuple(tags), parts, parts)

    # mutations ---------------------------------------------------------------
    def delete_key(self) -> Step | None:
        parts = self.pick()
        if parts is None:
            return None
        del _parent(self.doc.data, parts)[parts[-1]]
        return Step(f"delete {_display(parts)}", path=parts, touches=parts)

    def rename_key(self) -> Step | None:
        parts = self.pick()
        if parts is None:
            return None
        old = parts[-1]
        style = self.rng.choice(["typo", "empty", "dots", "space", "control", "unicode", "surrogate", "case"])
        new = {
            "typo": old[:-1] + self.rng.choice("zqx") if old else "z",
            "empty": "",
            "dots": f"{old}.x",
            "space": f" {old} ",
            "control": f"{old}\x01\x1b",
            "unicode": f"{old}\u00e9\u200b\U0001f4a3",
            "surrogate": f"{old}\ud800",
            "case": old.upper() if old.upper() != old else old + "Z",
        }[style]
        parent = _parent(self.doc.data, parts)
        if new in parent:
            return None
        parent_slot = self.slot(parts[:-1])
        renamed = {(new if k == old else k): v for k, v in parent.items()}
        parent.clear()
        parent.update(renamed)
        bad = (
            parent_slot is not None
            and parent_slot.kind == "model"
            and new not in parent_slot.model.model_fields
            and not (parts[:-1] == () and new in LOADER_OWNED)
        )
        want = FAIL if bad else ANY
        if parts == ("extends",):
            want = FAIL  # ``extendz``: an unknown top-level key
        return Step(f"rename {_display(parts)} -> {new!r} ({style})", want, want, (), parts, parts)

    def wrong_type(self) -> Step | None:
        parts = self.pick()
        if parts is None:
            return None
        value = self.rng.choice(["fuzz", [1, 2], {"a": 1}, None, True, 7, 0.5])
        return self.put(parts, value, f"wrong type {value!r}")

    def number(self) -> Step | None:
        parts = self.pick(lambda p, v: _is_number(v))
        if parts is None:
            return None
        old = _get(self.doc.data, parts)
        choice = self.rng.choice(
            [
                ("1e308", 1e308, ()),
                ("1e309", self.doc.raw("1.0e+309"), ("nonfinite",)),
                ("-1e309", self.doc.raw("-1.0e+309"), ("nonfinite",)),
                (".nan", self.doc.raw(self.rng.choice([".nan", ".NaN", ".NAN"])), ("nonfinite",)),
                (".inf", self.doc.raw(self.rng.choice([".inf", ".Inf", "-.inf", "+.inf"])), ("nonfinite",)),
                ("'nan' string", "nan", ()),
                ("'inf' string", "inf", ()),
                ("negative", -abs(old) if old else -1, ()),
                ("-1", -1, ()),
                ("zero", 0, ()),
                ("zero float", 0.0, ()),
                ("above one", 1.5, ()),
                ("huge int", 10**30, ()),
                ("tiny", 5e-324, ()),
            ]
        )
        return self.put(parts, choice[1], f"number {choice[0]}", choice[2])

    def deep(self) -> Step | None:
        parts = self.pick()
        if parts is None:
            return None
        depth = self.rng.choice([200, 200, 3000])
        shape = self.rng.choice(["list", "map"])
        if shape == "list":
            text, value = "[" * depth + "1" + "]" * depth, None
            value = 1
            for _ in range(min(depth, 200)):
                value = [value]
        else:
            text = "{a: " * depth + "1" + "}" * depth
            value = 1
            for _ in range(min(depth, 200)):
                value = {"a": value}
        slot = self.slot(parts)
        bad = certainly_invalid(slot, value)
        _parent(self.doc.data, parts)[parts[-1]] = self.doc.raw(text)
        want = FAIL if bad else ANY
        if parts == ("extends",):
            want = FAIL
        self.doc.toml_ok = False
        return Step(f"{depth}-deep {shape} at {_display(parts)}", want, want, (), parts, parts)

    def billion_laughs(self) -> Step:
        levels = ["fuzz_l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for i in range(1, 9):
            levels.append(f"fuzz_l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
        self.doc.suffix += "\n".join(levels) + "\n"
        self.doc.toml_ok = False
        return Step("billion laughs", FAIL, FAIL)

    def recursive_alias(self) -> Step:
        self.doc.suffix += self.rng.choice(["fuzz_r: &r {a: *r}\n", "fuzz_r: &r [1, *r]\n"])
        self.doc.toml_ok = False
        return Step("recursive alias", FAIL, FAIL)

    def benign_alias(self) -> Step | None:
        found = [p for p, v in _nodes(self.doc.data) if p[-1] == "sources" and isinstance(v, dict) and v]
        if len(found) < 2:
            return None
        a, b = self.rng.sample(found, 2)
        value = _get(self.doc.data, a)
        if any(isinstance(v, Raw) for v in value.values()):
            return None
        flow = yaml.dump(
            value, Dumper=_Dumper, default_flow_style=True, width=10**9, allow_unicode=True
        ).strip()
        anchor = f"fz{len(self.doc.raws)}"  # one name per anchor: PyYAML refuses a second &fz
        _parent(self.doc.data, a)[a[-1]] = self.doc.raw(f"&{anchor} {flow}")
        _parent(self.doc.data, b)[b[-1]] = self.doc.raw(f"*{anchor}")
        self.doc.toml_ok = False
        # valid YAML and valid sources notes; uploads refuse every alias
        self.doc.alias_pairs.append((_parent(self.doc.data, a)[a[-1]], _parent(self.doc.data, b)[b[-1]]))
        return Step(f"alias {_display(b)} = *{_display(a)}", PASS, FAIL, (), b, b)

    def alias_wrong_type(self) -> Step | None:
        parts = self.pick(lambda p, v: _is_number(v))
        if parts is None:
            return None
        self.doc.prefix += "fuzz_anchor: &fza {a: 1}\n"
        _parent(self.doc.data, parts)[parts[-1]] = self.doc.raw("*fza")
        self.doc.toml_ok = False
        return Step(f"alias to a mapping at {_display(parts)}", FAIL, FAIL, (), parts, parts)

    def strings(self) -> Step | None:
        parts = self.pick(lambda p, v: isinstance(v, str))
        if parts is None:
            return None
        value = _get(self.doc.data, parts)
        extra = self.rng.choice(
            [
                "\x00\x01\x07\x1b[31m",
                "\u202e\u200b\ufeff",
                "\U0001f4a3\u00e9\u4e2d",
                "\ud800",
                "\udfff x",
                "[bold]x[/]",
            ]
        )
        where = self.rng.choice(["append", "replace"])
        new = value + extra if where == "append" else extra
        slot = self.slot(parts)
        _parent(self.doc.data, parts)[parts[-1]] = new
        bad = certainly_invalid(slot, new) or (slot is not None and slot.kind == "literal")
        want = FAIL if bad else ANY
        return Step(f"string {extra!r} ({where}) at {_display(parts)}", want, want, (), parts, parts)

    def raw_control(self) -> Step:
        ch = self.rng.choice(["\x01", "\x00", "\x7f", "\x1b", "\ufffe"])
        self.doc.prefix += f"# a comment with a raw {ch} character\n"
        self.doc.toml_ok = False  # TOML allows some of these (U+FFFE) in comments
        return Step(f"raw {ch!r} in a comment", FAIL, FAIL)

    def bad_utf8(self) -> Step:
        self.doc.raw_bytes = self.rng.choice([b"\xed\xa0\x80", b"\xff\xfe", b"\xc3("])
        return Step("not UTF-8", FAIL, FAIL)

    def extends(self) -> Step:
        choice = self.rng.choice(["missing", "self", "number", "bundled-other"])
        if choice == "missing":
            self.doc.data["extends"] = "no-such-file.yaml"
            return Step("extends a missing file", FAIL, FAIL, (), ("extends",), ())
        if choice == "self":
            self.doc.data["extends"] = self.filename
            return Step("extends itself", FAIL, FAIL, (), ("extends",), ())
        if choice == "number":
            self.doc.data["extends"] = 42
            return Step("extends: 42", FAIL, FAIL, (), ("extends",), ())
        other = self.rng.choice(bundled(self.kind))
        self.doc.data["extends"] = other
        return Step(f"extends {other}", path=("extends",), touches=())

    def bad_override(self) -> Step | None:
        if self.kind != "scenario":
            return None
        merged_data = merged(self.kind, self.doc.data)
        sides = merged_data.get("sides") if isinstance(merged_data.get("sides"), dict) else {}
        side = self.rng.choice(sorted(sides)) if sides else "us"
        choice = self.rng.choice(["unknown-field", "unknown-side", "unknown-system", "nested", "not-mapping"])
        change, want, tags = {
            "unknown-field": ({f"{side}.posture.alrt": "generated"}, FAIL, ("override-nothing",)),
            "unknown-side": ({f"{UNKNOWN_SIDE}.posture.alert": "generated"}, FAIL, ("override-nothing",)),
            "unknown-system": ({f"{side}.systems.nosuch.launchers": 3}, FAIL, ("override-nothing",)),
            "nested": ({side: {"posture": {"alert": "generated"}}}, ANY, ()),
            "not-mapping": ([1, 2], FAIL, ()),
        }[choice]
        overrides = self.doc.data.get("overrides")
        if not isinstance(overrides, dict):
            overrides = self.doc.data["overrides"] = {}
        overrides["fuzz"] = change
        self.overrides = ["fuzz"]
        # the web ignores a file's overrides
        return Step(f"override ({choice}) {change!r}", want, ANY, tags, ("overrides", "fuzz"))

    def uncertainty(self) -> Step | None:
        if self.kind != "scenario":
            return None
        merged_data = merged(self.kind, self.doc.data)
        systems = [
            (s, n)
            for s, side in (merged_data.get("sides") or {}).items()
            if isinstance(side, dict)
            for n in (side.get("systems") or {})
        ]
        if not systems:
            return None
        side, name = self.rng.choice(systems)
        choice = self.rng.choice(["unknown-system", "sources", "unknown-side", "valid"])
        path, want = {
            "unknown-system": (f"{side}.systems.nosuch.reliability", FAIL),
            "sources": (f"{side}.systems.{name}.sources.launchers", FAIL),
            "unknown-side": (f"{UNKNOWN_SIDE}.systems.{name}.reliability", FAIL),
            "valid": (f"{side}.systems.{name}.reliability", PASS),
        }[choice]
        unc = self.doc.data.get("uncertainty")
        if not isinstance(unc, dict):
            unc = self.doc.data["uncertainty"] = {}
        unc[path] = {"dist": "uniform", "low": 0.5, "high": 0.6}
        return Step(f"uncertainty ({choice}) {path}", want, want, (), ("uncertainty", path))

    def dist_on_bounded(self) -> Step | None:
        if self.kind != "scenario":
            return None
        bounded = ("reliability", "kill_probability", "launch_under_attack", "system_reliability")
        parts = self.pick(lambda p, v: p[-1] in bounded and (_is_number(v) or isinstance(v, dict)))
        if parts is None or parts[-1] == "kill_probability" and len(parts) > 4 and parts[2] == "systems":
            return None
        choice = self.rng.choice(["normal", "normal-bounded", "lognormal", "uniform-out"])
        value, want = {
            "normal": ({"dist": "normal", "mean": 0.5, "sd": 1}, FAIL),
            "normal-bounded": ({"dist": "normal", "mean": 0.5, "sd": 0.1, "bounds": [0, 1]}, PASS),
            "lognormal": ({"dist": "lognormal", "median": 0.5, "sigma": 0.3}, FAIL),
            "uniform-out": ({"dist": "uniform", "low": 0.5, "high": 1.5}, FAIL),
        }[choice]
        _parent(self.doc.data, parts)[parts[-1]] = value
        return Step(f"distribution {choice} at {_display(parts)}", want, want, (), parts, parts)

    def yaml11(self) -> Step | None:
        parts = self.pick(lambda p, v: _is_number(v) or isinstance(v, bool))
        if parts is None:
            return None
        raw = self.rng.choice(
            ["010", "0o10", "1:30", "1e3", "1E3", "yes", "no", "on", "0x1F", "1_000", "+12", "~"]
        )
        step = self.put(parts, self.doc.raw(raw), f"YAML 1.1 {raw}")
        self.doc.toml_ok = False
        return step

    # known valid ---------------------------------------------------------------
    def reorder(self) -> Step | None:
        maps = [p for p, v in _nodes(self.doc.data) if isinstance(v, dict) and len(v) > 1]
        parts = self.rng.choice([(), *maps])
        node = self.doc.data if not parts else _get(self.doc.data, parts)
        items = list(node.items())
        self.rng.shuffle(items)
        node.clear()
        node.update(items)
        return Step(f"reorder keys of {_display(parts) or 'the top'}", PASS, PASS)

    def comments(self) -> Step:
        self.doc.prefix = "# fuzz: a comment\n\n" + self.doc.prefix
        self.doc.suffix += "# a trailing comment: with a colon, and ünïcode\n"
        return Step("comments", PASS, PASS)

    def restyle(self) -> Step:
        style = self.rng.choice(
            [
                {"default_flow_style": True, "width": 10**9},
                {"indent": 4},
                {"width": 40},
                {"explicit_start": True},
            ]
        )
        self.doc.style = style
        return Step(f"restyle {style}", PASS, PASS)


#: Mutations and their weights.
MUTATIONS = {
    "delete_key": 4,
    "rename_key": 5,
    "wrong_type": 6,
    "number": 8,
    "deep": 1,
    "billion_laughs": 1,
    "recursive_alias": 1,
    "benign_alias": 2,
    "alias_wrong_type": 1,
    "strings": 3,
    "raw_control": 1,
    "bad_utf8": 1,
    "extends": 2,
    "bad_override": 2,
    "uncertainty": 2,
    "dist_on_bounded": 2,
    "yaml11": 3,
    "reorder": 3,
    "comments": 2,
    "restyle": 2,
}


# --------------------------------------------------------------------------- --set values
def _scenario_leaves(kind: Kind, base: str) -> list[tuple[str, Any]]:
    """(display path, value) of the numeric and string leaves of the scenario the case
    runs (the bundled one it is or extends; the default for a framework)."""

    name = base if kind == "scenario" else "us-russia-2023"
    return list(_leaves_of(name))


@cache
def _leaves_of(name: str) -> tuple[tuple[str, Any], ...]:
    from security_equation.io import load_scenario

    dumped = load_scenario(name).model_dump(mode="json", exclude={"uncertainty", "edits", "origin"})
    out = []

    def walk(node, prefix):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("sources", "references", "applied_overrides", "table"):
                    continue
                walk(v, (*prefix, k))
        elif _is_number(node) or isinstance(node, str | bool):
            if len(prefix) > 1:
                out.append((_display(prefix), node))

    walk(dumped.get("sides"), ("sides",))
    return tuple(out)


def _set_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)


def make_set(kind: Kind, base: str, rng: random.Random) -> tuple[list[str], dict, Step]:
    """One ``--set`` edit (CLI text, web value) and what it should do."""
    leaves = _scenario_leaves(kind, base)
    path, value = rng.choice(leaves)
    side = path.split(".")[0]
    numeric = _is_number(value) and not isinstance(value, bool)
    choice = rng.choice(
        [
            "same",
            "same",
            "mapping-valid",
            "inf",
            "nan",
            "mapping",
            "unknown",
            "empty-path",
            "empty-value",
            "side",
        ]
    )
    tags: tuple[str, ...] = ()
    if choice == "same":
        raw, web, want = f"{path}={_set_text(value)}", {path: value}, PASS
    elif choice == "mapping-valid":
        alert = rng.choice(["day_to_day", "generated"])
        raw, web, want = f"{side}.posture={{alert: {alert}}}", {f"{side}.posture": {"alert": alert}}, PASS
    elif choice == "inf" and numeric:
        raw, web, want, tags = f"{path}=.inf", {path: math.inf}, FAIL, ("nonfinite",)
    elif choice == "nan" and numeric:
        raw, web, want, tags = f"{path}=.nan", {path: math.nan}, FAIL, ("nonfinite",)
    elif choice == "mapping" and numeric:
        raw, web, want = f"{path}={{a: 1}}", {path: {"a": 1}}, FAIL
    elif choice == "unknown":
        raw, web, want = f"{path}zz=3", {f"{path}zz": 3}, FAIL
    elif choice == "empty-path":
        raw, web, want = rng.choice(["=3", ".=3", f"{path}.=3"]), {"": 3}, FAIL
    elif choice == "empty-value" and numeric:
        raw, web, want = f"{path}=", {path: ""}, FAIL
    elif choice == "side":
        raw, web, want = (
            f"{UNKNOWN_SIDE}.posture.alert=generated",
            {f"{UNKNOWN_SIDE}.posture.alert": "generated"},
            FAIL,
        )
    else:
        raw, web, want = f"{path}={_set_text(value)}", {path: value}, PASS
        choice = "same"
    # Setting a field again replaces whatever the file holds there: it voids earlier claims.
    touches = None
    if choice == "same":  # a dotted path names a side's field under ``sides`` in the file
        parts = tuple(path.split("."))
        touches = parts if kind != "scenario" or parts[0] == "settings" else ("sides", *parts)
    return [raw], web, Step(f"--set ({choice}) {raw}", want, want, tags, touches=touches)


# --------------------------------------------------------------------------- building
def build_case(kind: Kind, base: str, seed: int, only: tuple[str, ...] | None = None) -> Case:
    """The case ``kind:base:seed``: deterministic. ``only``: draw from these mutations
    alone, at least one, and no ``--set``."""
    rng = random.Random(f"{kind}:{base}:{seed}" + (f":{','.join(only)}" if only else ""))
    toml = rng.random() < 0.12
    suffix = ".toml" if toml else ".yaml"
    filename = f"fuzz-{kind}-{seed}{suffix}"
    doc = Doc(parsed(kind, base))
    mut = Mutator(kind, base, rng, doc, filename)
    steps: list[Step] = []
    n = rng.choice([0, 1, 1, 1, 2, 2, 3])
    names = list(MUTATIONS)
    if only:
        names, n = list(only), max(n, 1)
    weights = [MUTATIONS[m] for m in names]
    attempts = 0
    while len(steps) < n and attempts < 20:
        attempts += 1
        step = getattr(mut, rng.choices(names, weights)[0])()
        if step is not None:
            if step.touches is not None:
                for earlier in steps:
                    if earlier.path is not None and earlier.path[: len(step.touches)] == step.touches:
                        earlier.cli = earlier.web = ANY
            steps.append(step)
            if doc.raw_bytes is not None:
                break
    set_values: list[str] = []
    web_set: dict = {}
    if rng.random() < 0.3 and not only:
        set_values, web_set, set_step = make_set(kind, base, rng)
        if set_step.touches is not None:
            for earlier in steps:
                if earlier.path is not None and earlier.path[: len(set_step.touches)] == set_step.touches:
                    earlier.cli = earlier.web = ANY
        steps.append(set_step)
    text: str | None
    if toml and doc.raw_bytes is None and doc.toml_ok and not doc.raws:
        try:
            text = to_toml(doc.data)
            if all(ln.startswith("#") or not ln.strip() for ln in (doc.prefix + doc.suffix).splitlines()):
                text = doc.prefix + text + doc.suffix
            else:
                raise NotToml("text outside the mapping")
        except NotToml:
            text, suffix = doc.yaml_text(), ".yaml"
    else:
        text, suffix = (None if doc.raw_bytes is not None else doc.yaml_text()), ".yaml"
    if suffix == ".yaml":
        filename = filename.removesuffix(".toml").removesuffix(".yaml") + ".yaml"
        if mut.filename != filename and doc.data.get("extends") == mut.filename:
            text = text.replace(mut.filename, filename) if text else text
    if kind == "scenario":
        command = rng.choices(["run", "treaty", "arms-race"], [6, 2, 2])[0]
    else:
        command = rng.choice(["run", "treaty"])
    endpoint = rng.choices(["/api/evaluate", "/api/treaty", "/api/scenario", "/api/upload"], [5, 2, 2, 1])[0]
    return Case(
        kind=kind,
        base=base,
        seed=seed,
        steps=steps,
        text=text,
        raw_bytes=doc.raw_bytes,
        suffix=suffix,
        set_values=set_values,
        web_set=web_set,
        overrides=mut.overrides,
        command=command,
        endpoint=endpoint,
        filename=filename,
    )


def parse_key(key: str) -> Case:
    kind, base, seed = key.split(":")
    return build_case(kind, base, int(seed))  # type: ignore[arg-type]


def all_bases(kinds: tuple[Kind, ...] = ("scenario", "framework")) -> list[tuple[Kind, str]]:
    return [(k, b) for k in kinds for b in bundled(k)]


def cases(kinds: tuple[Kind, ...] = ("scenario", "framework")):
    """A hypothesis strategy of cases: (kind, base) sampled, the seed an integer."""
    from hypothesis import strategies as st

    return st.builds(
        lambda kb, seed: build_case(kb[0], kb[1], seed),
        st.sampled_from(all_bases(kinds)),
        st.integers(min_value=0, max_value=2**32 - 1),
    )


# --------------------------------------------------------------------------- running cases
#: A case slower than this fails ("never over a few seconds"); one running this long is a hang.
SLOW_SECONDS = float(__import__("os").environ.get("FUZZ_SLOW_SECONDS", "5"))
HANG_SECONDS = float(__import__("os").environ.get("FUZZ_HANG_SECONDS", "10"))
#: Messages about the file as a whole: no line to give.
WHOLE_FILE = ("file is empty", "not UTF-8", "too large", "cannot read file", "file not found")


@dataclass
class Outcome:
    target: str  # cli, web, proc
    code: int | None = None  # exit code or HTTP status
    stdout: str = ""
    stderr: str = ""
    exception: str | None = None  # "TypeError: message" of an exception that escaped
    frame: str | None = None  # the innermost security_equation frame it came from
    seconds: float = 0.0
    hung: bool = False


def _frame(exc: BaseException) -> str | None:
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "security_equation" in f.filename]
    if not frames:
        return None
    f = frames[-1]
    path = f.filename[f.filename.rindex("security_equation") :]
    return f"{path}:{f.lineno} in {f.name}"


def write_case(case: Case, directory: Path) -> Path:
    path = directory / case.filename
    path.write_bytes(case.file_bytes())
    return path


def cli_args(case: Case, path: Path) -> list[str]:
    if case.kind == "scenario":
        args = [case.command, str(path)]
    else:
        args = [case.command, "us-russia-2023", "--framework", str(path)]
    for name in case.overrides:
        args += ["-O", name]
    for item in case.set_values:
        args += ["--set", item]
    if case.command == "arms-race":
        args += ["-n", "2"]
    return [*args, "--format", "json"]


def run_cli(case: Case, directory: Path) -> Outcome:
    """``seceq ARGS`` in this process through ``cli.main`` (as the console script runs it),
    its output captured by click's CliRunner."""
    import sys
    import time

    from click.testing import CliRunner

    from security_equation.cli import main

    path = write_case(case, directory)
    runner = CliRunner()
    out = Outcome("cli")
    with runner.isolation(env={"COLUMNS": "200"}) as (stdout, stderr, _):
        argv = sys.argv
        sys.argv = ["seceq", *cli_args(case, path)]
        start = time.perf_counter()
        try:
            main()
            out.code = 0
        except SystemExit as exc:
            out.code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException as exc:  # noqa: BLE001 - the point of the test
            out.exception = f"{type(exc).__name__}: {str(exc)[:300]}"
            out.frame = _frame(exc)
        finally:
            out.seconds = time.perf_counter() - start
            sys.argv = argv
            sys.stdout.flush()
            sys.stderr.flush()
        out.stdout = stdout.getvalue().decode("utf-8", "replace")
        out.stderr = stderr.getvalue().decode("utf-8", "replace")
    return out


def run_process(case: Case, directory: Path, timeout: float = 60.0) -> Outcome:
    """``seceq ARGS`` as a real process (the console script next to this interpreter)."""
    import os
    import subprocess
    import sys
    import time

    path = write_case(case, directory)
    script = Path(sys.executable).with_name("seceq")
    cmd = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from security_equation.cli import main; main()"]
    )
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [*cmd, *cli_args(case, path)],
            capture_output=True,
            timeout=timeout,
            env={**os.environ, "COLUMNS": "200"},
            cwd=directory,
        )
    except subprocess.TimeoutExpired:
        return Outcome("proc", hung=True, seconds=time.perf_counter() - start)
    return Outcome(
        "proc",
        code=proc.returncode,
        stdout=proc.stdout.decode("utf-8", "replace"),
        stderr=proc.stderr.decode("utf-8", "replace"),
        seconds=time.perf_counter() - start,
    )


def web_request(case: Case) -> tuple[str, dict] | None:
    """(endpoint, httpx keyword arguments) for the case; None when the web cannot take it
    (frameworks must be bundled; uploads are YAML)."""
    if case.kind != "scenario" or case.suffix != ".yaml":
        return None
    if case.raw_bytes is not None or (case.endpoint == "/api/upload" and not case.web_set):
        return "/api/upload", {"files": {"file": (case.filename, case.file_bytes(), "application/yaml")}}
    endpoint = "/api/evaluate" if case.endpoint == "/api/upload" else case.endpoint
    body = {"yaml": case.text, "set": case.web_set}
    # json.dumps as a browser's JSON.stringify would not: NaN/Infinity and lone surrogates
    # (escaped as \ud800) are what a hostile client can send.
    content = json.dumps(body, allow_nan=True, ensure_ascii=True).encode()
    return endpoint, {"content": content, "headers": {"content-type": "application/json"}}


def run_web(case: Case, app) -> Outcome:
    """The case posted to the web API with a TestClient (server exceptions re-raised)."""
    import time
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    endpoint, kwargs = web_request(case)
    client = TestClient(app)
    out = Outcome("web")
    start = time.perf_counter()
    try:
        response = client.post(endpoint, **kwargs)
        out.code = response.status_code
        out.stdout = response.text
        out.stderr = response.headers.get("content-type", "")
    except BaseException as exc:  # noqa: BLE001
        out.exception = f"{type(exc).__name__}: {str(exc)[:300]}"
        out.frame = _frame(exc)
    out.seconds = time.perf_counter() - start
    return out


def isolated(fn, target: str, timeout: float = HANG_SECONDS) -> Outcome:
    """``fn()`` (returning an Outcome) in a forked child with a memory cap: a hang is
    killed after ``timeout`` s and reported, a crash of the child too."""
    import os
    import pickle
    import resource
    import select
    import signal
    import time

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(read)
            with open("/proc/self/statm") as f:
                vsize = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            cap = vsize + 3 * 2**30
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
            try:
                result = fn()
            except BaseException as exc:  # noqa: BLE001
                result = Outcome(target, exception=f"harness: {type(exc).__name__}: {exc}", frame=_frame(exc))
            data = pickle.dumps(result)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
        finally:
            os._exit(0)
    os.close(write)
    chunks = []
    start = time.monotonic()
    hung = False
    with os.fdopen(read, "rb") as pipe:
        while True:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                hung = True
                break
            ready, _, _ = select.select([pipe], [], [], left)
            if ready:
                chunk = os.read(pipe.fileno(), 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    if hung:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if hung:
        return Outcome(target, hung=True, seconds=time.monotonic() - start)
    if not chunks:
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        return Outcome(target, exception=f"child died (signal {sig}, status {status})")
    return pickle.loads(b"".join(chunks))


# --------------------------------------------------------------------------- checking
def _finite_json(text: str) -> str | None:
    """None if ``text`` is JSON whose numbers are all finite, else what is wrong."""

    def bad_constant(name):
        raise ValueError(f"non-finite number {name} in JSON output")

    try:
        data = json.loads(text, parse_constant=bad_constant)
    except ValueError as exc:
        return str(exc)[:80] if "non-finite" in str(exc) else "output is not JSON"
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            return "non-finite number in JSON output"
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


def _names(case: Case) -> list[str]:
    names = [case.filename]
    if case.set_values:
        names.append("--set")
    return names


def problem_lines(stderr: str) -> list[str]:
    """The problems an ``error:`` message lists (one, or ``N problems found:`` and one a line)."""
    text = stderr.split("error:", 1)[1] if "error:" in stderr else ""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if lines and lines[0].endswith("problems found:"):
        lines = lines[1:]
    return lines


def message_stem(text: str) -> str:
    """A problem's message without its location and the user's values: a class key."""
    import re

    text = text.strip()
    if text.startswith("error:"):
        text = text[6:].strip()
    head, sep, rest = text.partition(": ")
    text = rest if sep else text
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", text)
    text = re.sub(r"#x[0-9a-fA-F]+", "#xN", text)
    text = re.sub(r"-?\d[\d,._e+-]*", "N", text)
    return " ".join(text.split()[:7])


def first_problem(stderr: str) -> str:
    lines = problem_lines(stderr)
    return lines[0] if lines else stderr.strip().splitlines()[0] if stderr.strip() else ""


def _accepted(case: Case, out: Outcome, status: str, *, json_body: bool) -> list[str]:
    """Failure classes of an accepted input (``status``: 2xx, exit 0): a JSON body with
    non-finite numbers, or input the case expects to be refused."""
    where = out.target
    surface = "web" if where == "web" else "cli"
    found = []
    wrong = _finite_json(out.stdout) if json_body else None
    if wrong:
        found.append(f"{where}: {status} with {wrong}")
    if case.expect(surface) == FAIL:
        claims = sorted({s.label.split(" at ")[0][:40] for s in case.steps if getattr(s, surface) == FAIL})
        found.append(f"{where}: invalid input accepted ({'; '.join(claims)})")
    return found


def check(case: Case, out: Outcome) -> list[str]:
    """Failure classes of one outcome (empty: correct). A class is short and stable, so
    that a run can count distinct ones; details go in the report."""
    import re

    where = out.target
    if out.hung:
        return [f"{where}: hang (> {HANG_SECONDS:g} s)"]
    if out.exception is not None:
        kind = out.exception.split(":", 1)[0]
        frame = re.sub(r":\d+ in ", " in ", out.frame or "?")
        return [f"{where}: uncaught {kind} from {frame}"]
    found = []
    if out.seconds > SLOW_SECONDS:
        found.append(f"{where}: slower than {SLOW_SECONDS:g} s")
    expect = case.expect("web" if where == "web" else "cli")
    if where == "web":
        if out.code >= 500:
            return [*found, f"web: {out.code}"]
        if 200 <= out.code < 300:
            found += _accepted(case, out, "2xx", json_body="json" in out.stderr)
        elif 400 <= out.code < 500:
            try:
                body = json.loads(out.stdout)
            except ValueError:
                body = None
            if not isinstance(body, dict) or not isinstance(body.get("message"), str) or not body["message"]:
                found.append(f"web: {out.code} without a JSON message")
            if expect == PASS:
                msg = body.get("message", "") if isinstance(body, dict) else ""
                found.append(
                    f"web: valid input rejected ({message_stem(str(msg).splitlines()[0] if msg else '')})"
                )
        else:
            found.append(f"web: status {out.code}")
        return found
    if "Traceback" in out.stderr or "Traceback" in out.stdout:
        found.append(f"{where}: traceback printed (exit {out.code})")
    if out.code == 0:
        found += _accepted(case, out, "exit 0", json_body=True)
    elif out.code == 2:
        message = out.stderr + out.stdout
        if not any(n in message for n in _names(case)):
            shown = first_problem(out.stderr).split(" ", 1)[0].rstrip(":")
            shown = "the bundled base file" if "security_equation/data" in shown else repr(shown[:40])
            stem = message_stem(first_problem(out.stderr))
            found.append(f"{where}: exit 2 without naming the file (names {shown}: {stem})")
        if case.suffix == ".yaml" and case.raw_bytes is None:
            for line in problem_lines(out.stderr):
                if line.startswith(case.filename) or str(Path(case.filename)) in line.split(" ", 1)[0]:
                    head = line.split(" ", 1)[0]
                    if not re.search(re.escape(case.filename) + r":\d+", head) and not any(
                        w in line for w in WHOLE_FILE
                    ):
                        found.append(f"{where}: problem without a line ({message_stem(line)})")
                        break
        if expect == PASS:
            found.append(f"{where}: valid input rejected ({message_stem(first_problem(out.stderr))})")
    else:
        found.append(f"{where}: exit {out.code}")
    return found


def assert_passes(case: Case, run, target: str) -> None:
    """Run ``case`` with ``run`` (``run_cli`` or ``run_web`` bound to it) in isolation and
    fail with a report naming its failure classes, the case and how to re-run it."""
    out = isolated(run, target)
    problems = check(case, out)
    if target == "web":
        code, output = "status", f"body: {out.stdout[:1500]}"
    else:
        code, output = "exit", f"stderr: {out.stderr[:1500]}"
    assert not problems, (
        f"{problems}\n{case.describe()}\n{code} {out.code} in {out.seconds:.2f} s; "
        f"exception: {out.exception} at {out.frame}\n{output}\n"
        f"re-run: python benchmarks/fuzz.py --case {case.key}"
    )


def warm_up(directory: Path, app=None) -> None:
    """Run each command (and endpoint) once in this process, unmutated, so that the forked
    children inherit the lazily imported modules and caches instead of redoing them."""
    for kind, base in all_bases():
        for command in ("run", "treaty", "arms-race") if kind == "scenario" else ("run", "treaty"):
            case = unmutated(kind, base, command)
            run_cli(case, directory)
            if app is not None and kind == "scenario" and base == bundled("scenario")[0]:
                for endpoint in ("/api/evaluate", "/api/treaty", "/api/scenario", "/api/upload"):
                    case.endpoint = endpoint
                    run_web(case, app)


def unmutated(kind: Kind, base: str, command: str = "run", endpoint: str = "/api/evaluate") -> Case:
    """The bundled file as it is (dumped from its mapping): every check must pass on it."""
    return Case(
        kind=kind,
        base=base,
        seed=-1,
        steps=[],
        text=yaml.safe_dump(parsed(kind, base), sort_keys=False, allow_unicode=True),
        raw_bytes=None,
        suffix=".yaml",
        set_values=[],
        web_set={},
        overrides=[],
        command=command,
        endpoint=endpoint,
        filename=f"unmutated-{kind}-{base}.yaml",
    )

"""Where each figure in a scenario comes from: source ids and assumptions, and which
figures were edited (``--set``, an override, a web edit, a sweep axis) from what
(docs/model.md, "Provenance of edited values")."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from security_equation.data.sources import cited_ids, is_assumption, source_register
from security_equation.io import paths
from security_equation.io.jsonable import json_safe
from security_equation.io.loading import edit_summary
from security_equation.schema.base import walk_models

__all__ = [
    "Provenance",
    "assumptions",
    "cited_ids",
    "description_note",
    "edited_values",
    "swept_values",
    "is_assumption",
    "provenance",
    "source_register",
    "unsourced",
]


@dataclass(frozen=True)
class Provenance:
    """One field's figure and where it comes from."""

    path: str
    value: object
    note: str
    #: (dotted path, description) of each distribution on this figure, e.g. for sampling.
    distributions: tuple[tuple[str, str], ...] = ()
    #: The edits of this figure (``schema.scenario.Edit``; more than one for parts of it).
    edits: tuple = ()

    @property
    def assumption(self) -> bool:
        return is_assumption(self.note) or ("assumption:" in self.note.lower())

    @property
    def source(self) -> str:
        """Where the value shown comes from: the note, or for an edited figure what edited
        it, with its original value and note (never the original note alone)."""
        if not self.edits:
            return self.note
        text = "; ".join(
            (e.path.removeprefix(self.path).lstrip(".") + ": " if e.path != self.path else "")
            + e.describe(None if self.note == e.original_source else self.note)
            for e in self.edits
        )
        return text

    @property
    def edited(self) -> dict | None:
        """``{by, original_value, original_source}`` of an edited figure (None if unedited)."""
        if not self.edits:
            return None
        if len(self.edits) == 1 and self.edits[0].path == self.path:
            e = self.edits[0]
            return {"by": e.by, "original_value": e.original_value, "original_source": e.original_source}
        return {
            "by": "; ".join(dict.fromkeys(e.by for e in self.edits)),
            "original_value": {e.path: e.original_value for e in self.edits},
            "original_source": self.edits[0].original_source,
        }

    def to_dict(self) -> dict:
        out = {"path": self.path, "value": self.value, "source": self.source, "assumption": self.assumption}
        if self.edits:
            out["edited"] = self.edited
        if self.distributions:
            out["distributions"] = dict(self.distributions)
        return out


def _walk_sourced(model: BaseModel, prefix: tuple[str, ...]):
    """Yield (path, model) for every model that carries a ``sources`` mapping."""
    return ((path, part) for path, part in walk_models(model, prefix) if "sources" in type(part).model_fields)


def provenance(scenario) -> list[Provenance]:
    """Every sourced or assumed figure in a scenario, in file order, then edited figures
    without a source note (an edited figure says so: ``Provenance.edited``)."""
    uncertain = {path: dist.describe() for path, dist in getattr(scenario, "uncertainty", {}).items()}
    edits = tuple(getattr(scenario, "edits", ()))
    shown: set[str] = set()
    out = []
    for prefix, model in _walk_sourced(scenario, ()):
        for field, note in model.sources.items():
            value = getattr(model, field, None)
            if isinstance(value, BaseModel):
                value = value.model_dump()
            path = paths.display((*prefix, field))
            dists = tuple((p, d) for p, d in uncertain.items() if p == path or p.startswith(path + "."))
            mine = tuple(e for e in edits if e.path == path or e.path.startswith(path + "."))
            shown.update(e.path for e in mine)
            out.append(Provenance(path, value, note, dists, mine))
    for e in edits:
        if e.path not in shown:
            out.append(Provenance(e.path, _value_at(scenario, e.path, e.value), "", (), (e,)))
    return out


def _value_at(scenario, path: str, default: object) -> object:
    """A field's validated value by dotted path (``default`` where there is none)."""
    node = scenario
    for key in paths.canonical(path):
        if isinstance(node, BaseModel):
            node = getattr(node, key, None)
        elif isinstance(node, dict):
            node = node.get(key)
        else:
            return default
    if isinstance(node, BaseModel):
        return node.model_dump()
    return default if node is None else node


def edited_values(scenario) -> list[dict]:
    """Each edited value: path, new value, original value and source note, and what edited
    it (``--set``, ``override <name>``, ``web edit``, ``sweep axis``), JSON-ready."""
    return [
        json_safe(
            {
                "path": e.path,
                "value": _value_at(scenario, e.path, e.value),
                "original_value": e.original_value,
                "original_source": e.original_source,
                "by": e.by,
                "source": e.describe(),
            }
        )
        for e in getattr(scenario, "edits", ())
    ]


def swept_values(scenario, swept: list[str] | tuple[str, ...]) -> list[dict]:
    """What each sweep axis replaces: ``{path, by: "sweep axis", original_value,
    original_source}``, the value and source of the scenario as swept (an edited value's
    source says it was edited)."""
    from security_equation.io.loading import SWEEP_EDIT

    figures = provenance(scenario)
    out = []
    for path in swept:
        parts = paths.canonical(path)
        shown = paths.display(parts)
        entry = next((p for p in figures if shown == p.path or shown.startswith(p.path + ".")), None)
        out.append(
            json_safe(
                {
                    "path": path,
                    "by": SWEEP_EDIT,
                    "original_value": _value_at(scenario, shown, None),
                    "original_source": entry.source if entry is not None else None,
                }
            )
        )
    return out


def description_note(scenario) -> str | None:
    """``(edited: N values changed from the bundled scenario; see edited values)`` when the
    scenario's description no longer describes every value, else None."""
    return edit_summary(scenario)


def assumptions(scenario) -> list[Provenance]:
    """The figures that rest on an assumption (no public source), with their reasons."""
    return [p for p in provenance(scenario) if p.assumption]


def unsourced(scenario) -> list[str]:
    """Numeric fields of systems, defences, value and posture with no source note."""
    missing = []
    for prefix, model in _walk_sourced(scenario, ()):
        for name in type(model).model_fields:
            if name in ("sources", "kind", "category", "label") or name in model.sources:
                continue
            if name not in model.model_fields_set:
                continue
            value = getattr(model, name)
            if isinstance(value, bool) or value is None:
                continue
            if isinstance(value, BaseModel) and "sources" in type(value).model_fields:
                continue  # a part with notes of its own, walked on its own
            if isinstance(value, int | float | BaseModel) or (name == "commits_to" and value):
                missing.append(paths.display((*prefix, name)))
    return missing

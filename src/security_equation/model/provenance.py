"""Where each figure in a scenario comes from: source ids and assumptions."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from security_equation.data.sources import cited_ids, is_assumption, source_register
from security_equation.io import paths

__all__ = [
    "Provenance",
    "assumptions",
    "cited_ids",
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

    @property
    def assumption(self) -> bool:
        return is_assumption(self.note) or ("assumption:" in self.note.lower())

    def to_dict(self) -> dict:
        out = {"path": self.path, "value": self.value, "source": self.note, "assumption": self.assumption}
        if self.distributions:
            out["distributions"] = dict(self.distributions)
        return out


def _walk_sourced(model: BaseModel, prefix: tuple[str, ...]):
    """Yield (path, model) for every model that carries a ``sources`` mapping."""
    if "sources" in type(model).model_fields:
        yield prefix, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from _walk_sourced(value, (*prefix, name))
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, BaseModel):
                    yield from _walk_sourced(item, (*prefix, name, str(key)))


def provenance(scenario) -> list[Provenance]:
    """Every sourced or assumed figure in a scenario, in file order."""
    uncertain = {path: dist.describe() for path, dist in getattr(scenario, "uncertainty", {}).items()}
    out = []
    for prefix, model in _walk_sourced(scenario, ()):
        for field, note in model.sources.items():
            value = getattr(model, field, None)
            if isinstance(value, BaseModel):
                value = value.model_dump()
            path = paths.display((*prefix, field))
            dists = tuple((p, d) for p, d in uncertain.items() if p == path or p.startswith(path + "."))
            out.append(Provenance(path, value, note, dists))
    return out


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
            if isinstance(value, int | float | BaseModel):
                missing.append(paths.display((*prefix, name)))
    return missing

"""The source register: every source id a bundled figure may cite, and how a note that
cites sources (or says it is an assumption) is read."""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from security_equation.data import DATA_DIR

#: How a note starts when no public source gives the figure.
ASSUMPTION = "assumption"
_ID_PATTERN = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")


@lru_cache(maxsize=1)
def source_register() -> dict[str, dict[str, str]]:
    """The source register (``data/sources.csv``): id -> row."""
    with open(DATA_DIR / "sources.csv", newline="", encoding="utf-8") as fh:
        return {row["source_id"]: row for row in csv.DictReader(fh)}


def is_assumption(note: str) -> bool:
    """Whether a source note labels its figure an assumption."""
    return note.strip().lower().startswith(ASSUMPTION)


def cited_ids(note: str) -> list[str]:
    """Source ids named in a note such as ``"SD3; NN-US23 (inferred: …)"``."""
    register = source_register()
    head = note.split("(")[0]
    return [tok for tok in _ID_PATTERN.findall(head) if tok in register]

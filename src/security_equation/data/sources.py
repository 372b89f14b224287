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
    """Registered source ids named anywhere in a note, once each in order of first mention:
    ``"MD2; MD3 (inferred: …); MD1 (64 proposed …)"`` cites MD2, MD3 and MD1, and
    ``"assumption: … of the 341 SM-3 planned (MD4) …"`` cites MD4. Ids inside parentheses
    and in assumptions count too (only the text before the first "(" used to, which left
    MD1 and MD4 out of the report's "Sources cited"); a token counts only if the register
    has it."""
    register = source_register()
    return list(dict.fromkeys(tok for tok in _ID_PATTERN.findall(note) if tok in register))

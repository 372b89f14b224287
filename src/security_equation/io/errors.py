"""The one error type for bad input.

Every problem carries where it was found (file, line, dotted path) so that the
CLI and the web API can print it the same way: ``file:line path: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One located problem in user input."""

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [p for p in (where, self.path) if p]
        prefix = " ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "path": self.path, "message": self.message}


@dataclass
class InputError(Exception):
    """Bad input: a scenario, framework, override or option that cannot be used.

    Holds every problem found, not just the first.
    """

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    @classmethod
    def single(
        cls, message: str, *, path: str = "", file: str | None = None, line: int | None = None
    ) -> InputError:
        return cls([Problem(message=message, path=path, file=file, line=line)])

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        head = f"{len(self.problems)} problems found:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])

    def to_dict(self) -> dict:
        return {"error": "invalid input", "problems": [p.to_dict() for p in self.problems]}

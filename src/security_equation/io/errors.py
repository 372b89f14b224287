"""The one error type for bad input.

Every problem carries where it was found (file, line, dotted path) so that the
CLI and the web API can print it the same way: ``file:line path: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _printable(text: str, keep: str = "") -> str:
    """``text`` with what a terminal or UTF-8 cannot show (a lone surrogate such as
    ``\\ud800``, a control character other than those in ``keep``) written as an escape."""

    def shown(c: str) -> str:
        if (c.isprintable() or c in keep) and not 0xD800 <= ord(c) <= 0xDFFF:
            return c
        return c.encode("unicode_escape").decode("ascii")

    return "".join(shown(c) for c in text)


@dataclass(frozen=True)
class Problem:
    """One located problem in user input."""

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None

    def __post_init__(self) -> None:
        # Text the user gave may hold what cannot be printed or sent (a lone surrogate such
        # as "\ud800"): every problem is shown with it escaped, never raising on output.
        for name in ("message", "path", "file"):
            value = getattr(self, name)
            if isinstance(value, str) and not value.isprintable():
                object.__setattr__(self, name, _printable(value, "\n\t" if name == "message" else ""))

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

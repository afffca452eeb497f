"""One family of errors a user can cause, each with a stable CLI exit code.

Internal failures stay as ordinary exceptions; anything raised from this module is shown
to the user as a message without a traceback (see ``pophealth.cli``).
"""

from __future__ import annotations

from dataclasses import dataclass


class PophealthError(Exception):
    """Base of every error a user can cause and fix."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\nHint: {self.hint}"


class ConfigError(PophealthError):
    """A setting, path or option is wrong."""

    exit_code = 2


def shorten(value: object, limit: int = 40) -> str:
    """A value as an error message shows it: quoted, and cut to ``limit`` characters with its full length
    stated, so a hostile 10 MB cell is never echoed back whole."""
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + f"... ({len(text):,} characters)"


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is and what was expected."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None
    path: str | None = None  # location inside a structured file, e.g. ``pledges[3].text``

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if self.path:
            where.append(self.path)
        return f"{', '.join(where)}: {self.message}"


class InputError(PophealthError):
    """An input file is invalid; nothing from it was loaded."""

    exit_code = 3

    def __init__(self, problems: list[Problem] | Problem, *, hint: str | None = None) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        shown = self.problems[:20]
        lines = [str(p) for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"... and {len(self.problems) - len(shown)} more problems")
        files = sorted({p.file for p in self.problems})
        head = f"Rejected {', '.join(files)}: {len(self.problems)} problem(s); nothing was loaded."
        super().__init__(head + "\n" + "\n".join(lines), hint=hint)


class NotFoundError(PophealthError):
    """Something the user named does not exist."""

    exit_code = 4


class ConflictError(PophealthError):
    """An edit was based on an out-of-date version of a record."""

    exit_code = 5


class PermissionDenied(PophealthError):
    """The current user may not do this."""

    exit_code = 6

"""Problems found in flows and configuration, reported where they are.

Every loader and check in dfhelper collects `Problem`s instead of raising at the
first one, so an author sees all of them at once and one broken file never
stops the others from loading. A problem carries the file, line and column it
was found at (1-based, as editors count), or `None` where no honest position is
known: we never make up a line number.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple


class Severity(enum.Enum):
    """How bad a problem is."""

    ERROR = "error"
    """The flow or setting cannot be used; `dfhelper validate` exits non-zero."""

    WARNING = "warning"
    """Usable, but an author should look (long sentences, a past review date)."""


class Mark(NamedTuple):
    """A position in a source file: 1-based line and column."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, with where it is and what to do about it."""

    path: str
    """The file, as given to the loader (relative paths stay relative)."""

    message: str
    """A sentence a facilitator understands, ideally saying what to do."""

    code: str
    """A stable identifier for the check, e.g. ``unknown-next`` (for tools and tests)."""

    line: int | None = None
    column: int | None = None
    severity: Severity = Severity.ERROR
    flow: str | None = None
    step: str | None = None

    @property
    def is_error(self) -> bool:
        """True for errors, False for warnings."""
        return self.severity is Severity.ERROR

    def location(self) -> str:
        """``path:line:column`` (or as much of it as is known)."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        prefix = "" if self.is_error else "warning: "
        return f"{self.location()}: {prefix}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form, for ``--format json``."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "flow": self.flow,
            "step": self.step,
            "message": self.message,
        }


@dataclass(slots=True)
class Problems:
    """A collector of problems for one file (or one configuration)."""

    path: str
    items: list[Problem] = field(default_factory=list)
    flow: str | None = None

    def add(
        self,
        code: str,
        message: str,
        mark: Mark | None = None,
        *,
        step: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        """Record a problem at ``mark`` (or with no position)."""
        self.items.append(
            Problem(
                path=self.path,
                message=message,
                code=code,
                line=mark.line if mark else None,
                column=mark.column if mark else None,
                severity=severity,
                flow=self.flow,
                step=step,
            )
        )

    def warn(self, code: str, message: str, mark: Mark | None = None, *, step: str | None = None) -> None:
        """Record a warning."""
        self.add(code, message, mark, step=step, severity=Severity.WARNING)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add problems found elsewhere."""
        self.items.extend(problems)

    @property
    def has_errors(self) -> bool:
        """True when any problem is an error."""
        return any(p.is_error for p in self.items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def sort_key(problem: Problem) -> tuple[str, int, int, str]:
    """Order problems by file, then position, then code."""
    return (problem.path, problem.line or 0, problem.column or 0, problem.code)


def path_for_display(path: Path | str) -> str:
    """Show a path relative to the working directory when it is inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)

"""Problems found in content, as values with a position.

Every layer that inspects content (loader, schema, semantic rules, build checks) reports problems as
``Diagnostic`` values and collects them; only the CLI prints. That is what lets one run report every
problem in every file, sorted and deduplicated, instead of stopping at the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from contentpack.printable import path_text


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Position:
    """A place in a content file. ``line`` and ``col`` are 1-based; 0 means "the whole file"."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.col}"


DiagnosticTuple = tuple[str, int, int, str, str, str]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem. ``rule`` is a stable id (``CP001``…) users can grep for and documentation explains."""

    position: Position
    severity: Severity
    rule: str
    message: str
    # Other files the one finding is about (one missing folder all their tests read: CP046): ``validate PATHS``
    # shows it for them too, or a file of them asked about alone would be called valid.
    concerns: tuple[str, ...] = ()

    def render(self, named: str = "") -> str:
        """``path:line:col: severity[RULE]: message``; ``named`` (``replay``'s ``DETECTION / TEST: ``) goes after the
        position, which stays first: editors and CI annotators read that prefix."""
        return f"{self.position}: {named}{self.severity.value}[{self.rule}]: {self.message}"

    def as_tuple(self) -> DiagnosticTuple:
        """Builtin values only, as the parse cache stores diagnostics (``marshal``)."""
        return (self.position.path, self.position.line, self.position.col, self.severity.value, self.rule,
                self.message)

    @classmethod
    def from_tuple(cls, values: DiagnosticTuple) -> Diagnostic:
        path, line, col, severity, rule, message = values
        return cls(Position(path, line, col), Severity(severity), rule, message)

    def as_json(self) -> dict[str, object]:
        """The ``--format json`` form: a file name's bytes that are not UTF-8, in the path or quoted in the message,
        written ``\\xNN`` as the text output shows them (``printable.path_text``); before, the JSON held the lone
        surrogate Python names such a byte by (``"\\udce9"``), which strict JSON readers refuse."""
        return {
            "path": path_text(self.position.path),
            "line": self.position.line,
            "col": self.position.col,
            "severity": self.severity.value,
            "rule": self.rule,
            "message": path_text(self.message),
        }


def error(position: Position, rule: str, message: str) -> Diagnostic:
    return Diagnostic(position, Severity.ERROR, rule, message)


def warning(position: Position, rule: str, message: str) -> Diagnostic:
    return Diagnostic(position, Severity.WARNING, rule, message)

"""Errors users see, rooted at one class.

ChoreoError
 ├── FlowInvalid            a flow document was rejected; carries every Violation found
 ├── InputInvalid           execution inputs did not match the flow's declarations; carries one message per input
 └── ExpressionError        a template could not be parsed or rendered
      ├── UndefinedVariable a template used a variable that does not exist
      └── SecurityViolation a template tried something the sandbox forbids
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


class ChoreoError(Exception):
    """Root of every error Choreo raises on purpose."""


@dataclass(frozen=True, slots=True)
class Violation:
    """One problem in a flow document, located at `file:line:column` and a property path such as `tasks[2].type`."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    file: str | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file or "<flow>"
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        prefix = "warning: " if self.severity == "warning" else ""
        path = f"{self.path}: " if self.path else ""
        return f"{where}: {prefix}{path}{self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "severity": self.severity,
        }


class FlowInvalid(ChoreoError):
    """A flow document was rejected. `violations` holds every error (and warning) found, in document order."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        errors = [v for v in violations if v.severity == "error"]
        super().__init__("\n".join(str(v) for v in errors) or "invalid flow")

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "error"]


class InputInvalid(ChoreoError):
    """Execution inputs were rejected. `problems` maps each input id to what was wrong with its value."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{key}: {msg}" for key, msg in problems.items()))


class ExpressionError(ChoreoError):
    """A template could not be parsed or rendered. `line` is the line inside the template, when known."""

    def __init__(self, message: str, *, template: str | None = None, line: int | None = None) -> None:
        self.template = template
        self.line = line
        super().__init__(message)


class UndefinedVariable(ExpressionError):
    """A template referenced a variable (or attribute) that is not defined."""


class SecurityViolation(ExpressionError):
    """A template tried to reach something the sandbox forbids (private attributes, includes, file access)."""

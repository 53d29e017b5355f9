"""Validating flow files and printing what was found, for `choreo flow validate`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from choreo.app import Choreo
from choreo.errors import Violation
from choreo.model.flow import Flow


@dataclass(frozen=True, slots=True)
class FileReport:
    path: Path
    flow: Flow | None
    violations: list[Violation]
    strict: bool = False

    @property
    def ok(self) -> bool:
        failing = ("error", "warning") if self.strict else ("error",)
        return self.flow is not None and not any(v.severity in failing for v in self.violations)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "valid": self.ok,
            "namespace": self.flow.namespace if self.flow else None,
            "id": self.flow.id if self.flow else None,
            "violations": [v.to_dict() for v in self.violations],
        }


def collect_flow_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """The flow files under `paths` (directories searched recursively, sorted), and the paths that do not exist."""
    files: list[Path] = []
    missing: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(path)
    return files, missing


def validate_files(choreo: Choreo, files: list[Path], *, strict: bool = False) -> list[FileReport]:
    reports = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reports.append(
                FileReport(path, None, [Violation("", f"cannot read the file: {exc}", file=str(path))], strict)
            )
            continue
        result = choreo.flows.validate(text, str(path))
        reports.append(FileReport(path, result.flow, result.violations, strict))
    return reports


def _summary(flow: Flow) -> str:
    parts = [f"{len(flow.tasks)} task{'s' if len(flow.tasks) != 1 else ''}"]
    if flow.triggers:
        parts.append(f"{len(flow.triggers)} trigger{'s' if len(flow.triggers) != 1 else ''}")
    if flow.inputs:
        parts.append(f"{len(flow.inputs)} input{'s' if len(flow.inputs) != 1 else ''}")
    return ", ".join(parts)


def print_report(reports: list[FileReport], missing: list[Path]) -> None:
    out = Console(highlight=False, soft_wrap=True)
    for path in missing:
        out.print(f"[red]{escape(str(path))}: no such file or directory[/red]")
    for report in reports:
        if report.ok and report.flow is not None:
            flow = report.flow
            out.print(f"[green]✓[/green] {escape(str(report.path))}  {flow.namespace}.{flow.id}  ({_summary(flow)})")
        else:
            out.print(f"[red]✗[/red] {escape(str(report.path))}")
        for violation in report.violations:
            colour = "yellow" if violation.severity == "warning" else "red"
            out.print(f"  [{colour}]{escape(str(violation))}[/{colour}]")
    valid = sum(r.ok for r in reports)
    invalid = len(reports) - valid
    colour = "green" if not invalid and not missing else "red"
    out.print(f"[{colour}]{len(reports)} flow file(s): {valid} valid, {invalid} invalid[/{colour}]")

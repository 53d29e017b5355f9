"""`choreo flow …`: validate flows and print the flow JSON Schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from choreo.app import Choreo, Settings
from choreo.cli.validation import collect_flow_files, print_report, validate_files

app = typer.Typer(help="Work with flow files.", no_args_is_help=True)


@app.command("validate")
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Flow files or directories (searched for *.yaml and *.yml).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document for machines.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail validation too.")] = False,
    worker_group: Annotated[
        list[str] | None, typer.Option("--worker-group", help="A worker group flows may use (repeatable).")
    ] = None,
) -> None:
    """Validate flows; exit 0 when all are valid, 1 otherwise."""
    settings = Settings.from_env()
    if worker_group:
        settings = Settings(worker_groups=settings.worker_groups | frozenset(worker_group))
    files, missing = collect_flow_files(paths)
    choreo = Choreo(settings)
    reports = validate_files(choreo, files, strict=strict)
    if as_json:
        document = {
            "valid": not missing and all(r.ok for r in reports),
            "missing": [str(m) for m in missing],
            "files": [r.to_dict() for r in reports],
        }
        json.dump(document, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_report(reports, missing)
    raise typer.Exit(0 if reports and not missing and all(r.ok for r in reports) else 1)


@app.command("schema")
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of a flow document (every registered task, trigger and condition type)."""
    from choreo.plugins.schema import flow_schema

    text = json.dumps(flow_schema(Choreo().registry), indent=2)
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)

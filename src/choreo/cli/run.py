"""`choreo run FLOW.yaml`: the command's declaration; the work is in `choreo.cli.running`, imported on use."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def run(
    flow_file: Annotated[Path, typer.Argument(help="The flow to run.", exists=True, dir_okay=False)],
    inputs: Annotated[list[str] | None, typer.Option("--input", "-i", help="An input, KEY=VALUE (repeatable).")] = None,
    flows_dir: Annotated[
        Path | None, typer.Option("--flows", help="Where subflows are found (default: the flow's directory).")
    ] = None,
    templates_dir: Annotated[
        Path | None,
        typer.Option(
            "--templates", help="Where the templates of (deprecated) Template tasks are found.", file_okay=False
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print only the execution document (Kestra's JSON).")] = False,
) -> None:
    """Run a flow to its end in this process; exit 0 for SUCCESS or WARNING, 1 otherwise."""
    from choreo.cli.running import run_flow

    run_flow(flow_file, inputs, flows_dir, as_json, templates_dir)

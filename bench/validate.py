"""Validator benchmark: a 200-task flow in-process, and `choreo flow validate` over the corpus as a whole process.

Run: .venv/bin/python bench/validate.py [--corpus ../shared/kestra-compat/flows]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def big_flow(tasks: int = 200) -> str:
    lines = ["id: big", "namespace: bench.flows", "inputs:", "  - id: name", "    type: STRING", "tasks:"]
    groups = tasks // 10
    for g in range(groups):
        lines += [
            f"  - id: group{g}",
            "    type: io.kestra.plugin.core.flow.Sequential",
            "    tasks:",
        ]
        for i in range(9):
            lines += [
                f"      - id: t{g}_{i}",
                "        type: io.kestra.plugin.core.log.Log",
                f"        message: \"step {i} of {{{{ inputs.name }}}} after {{{{ outputs.t{g}_0 ?? 'none' }}}}\"",
                "        retry: {type: constant, interval: PT1S, maxAttempt: 3}",
                "        timeout: PT5M",
            ]
    return "\n".join(lines) + "\n"


def bench_in_process(rounds: int) -> list[float]:
    from choreo.app import Choreo

    choreo = Choreo()
    text = big_flow()
    assert choreo.flows.validate(text).ok
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        result = choreo.flows.validate(text)
        timings.append((time.perf_counter() - start) * 1000)
        assert result.ok
    return timings


def bench_cli(corpus: Path, rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(
            [str(REPO / ".venv" / "bin" / "choreo"), "flow", "validate", str(corpus)],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def row(name: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"| {name} | {len(timings)} | {statistics.median(timings):.1f} | {p95:.1f} | {min(timings):.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "kestra-compat" / "flows")
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    print("| benchmark | rounds | median ms | p95 ms | min ms |")
    print("|---|---|---|---|---|")
    print(row("validate a 200-task flow (in process)", bench_in_process(args.rounds)))
    files = len(list(args.corpus.rglob("*.y*ml")))
    print(row(f"`choreo flow validate` over {files} corpus files (process)", bench_cli(args.corpus, 10)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

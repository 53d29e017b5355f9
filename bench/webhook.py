"""Webhook → SUCCESS latency of a one-task flow, and a sustained webhook load, against a real `choreo server local`.

    .venv/bin/python bench/webhook.py [--requests 300] [--rate 300] [--seconds 30]

Prints p50 / p99 of the latency (the trigger has `wait: true`, so the answer comes when the execution has ended),
then drives `--rate` webhook calls per second for `--seconds` and counts the executions created and finished, and
the server's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from server_process import ServerProcess  # noqa: E402

FLOW = """id: hook
namespace: bench
tasks:
  - id: only
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.body.n ?? 0 }}"
triggers:
  - id: waiting
    type: io.kestra.plugin.core.trigger.Webhook
    key: wait-key
    wait: true
  - id: firing
    type: io.kestra.plugin.core.trigger.Webhook
    key: fire-key
"""


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def latency(url: str, count: int) -> list[float]:
    timings = []
    with httpx.Client(timeout=30) as client:
        for n in range(count):
            start = time.perf_counter()
            response = client.post(f"{url}/api/v1/main/executions/webhook/bench/hook/wait-key", json={"n": n})
            elapsed = time.perf_counter() - start
            assert response.status_code == 200 and response.json()["state"]["current"] == "SUCCESS", response.text
            timings.append(elapsed * 1000)
    return timings


async def load(url: str, rate: int, seconds: int) -> tuple[int, int]:
    sent = errors = 0
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=64)) as client:
        start = time.perf_counter()
        pending: set[asyncio.Task[httpx.Response]] = set()
        for n in range(rate * seconds):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(
                client.post(f"{url}/api/v1/main/executions/webhook/bench/hook/fire-key", json={"n": n})
            )
            pending.add(task)
            task.add_done_callback(pending.discard)
            sent += 1
        results = await asyncio.gather(*pending, return_exceptions=True)
        errors = sum(1 for r in results if isinstance(r, Exception) or r.status_code != 200)
    return sent, errors


def count(url: str, state: str | None = None) -> int:
    params = {"filters[flowId][EQUALS]": "hook", "size": 1}
    if state:
        params["filters[state][IN]"] = state
    return httpx.get(f"{url}/api/v1/main/executions/search", params=params, timeout=30).json()["total"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rate", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        flows = Path(root) / "flows"
        flows.mkdir()
        (flows / "hook.yaml").write_text(FLOW)
        server = ServerProcess(Path(root) / "home", flows)
        try:
            latency(server.url, 20)  # warm up
            timings = sorted(latency(server.url, args.requests))
            p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
            print("| measure | value |\n|---|---|")
            print(f"| webhook → SUCCESS p50 ({args.requests} sequential calls) | {statistics.median(timings):.1f} ms |")
            print(f"| webhook → SUCCESS p99 | {p99:.1f} ms |")
            before = count(server.url)
            started = time.perf_counter()
            sent, errors = asyncio.run(load(server.url, args.rate, args.seconds))
            took = time.perf_counter() - started
            deadline = time.monotonic() + 120
            while count(server.url, "SUCCESS") < before + sent - errors and time.monotonic() < deadline:
                time.sleep(0.5)
            drained = time.perf_counter() - started
            created = count(server.url) - before
            finished = count(server.url, "SUCCESS") - before
            print(f"| load: calls sent in {took:.1f} s (target {args.rate}/s × {args.seconds} s) | {sent} |")
            print(f"| load: failed calls | {errors} |")
            print(f"| load: executions created / finished SUCCESS | {created} / {finished} |")
            print(f"| load: all finished after | {drained:.1f} s |")
            print(f"| server peak RSS | {peak_rss_mib(server.process.pid):.0f} MiB |")
        finally:
            server.stop()


if __name__ == "__main__":
    main()

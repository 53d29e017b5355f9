"""A stopping server ends even when a task ignores its cancellation (a broker client stuck in its close)."""

from __future__ import annotations

import asyncio
import time

from choreo.server.bounded_run import run_bounded


def test_a_task_that_ignores_cancellation_is_abandoned_after_the_grace():
    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                continue  # as a client that awaits the broker's answer to its close

    cleaned = []

    async def polite() -> None:
        try:
            await asyncio.sleep(10)
        finally:
            cleaned.append("polite")

    async def main() -> int:
        asyncio.create_task(stubborn())
        asyncio.create_task(polite())
        await asyncio.sleep(0.05)
        return 42

    started = time.monotonic()
    assert run_bounded(main(), grace=0.3) == 42
    assert time.monotonic() - started < 3
    assert cleaned == ["polite"]  # the tasks that do stop get to clean up

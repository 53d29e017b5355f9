"""Run one command line as a local subprocess and stream its output (the `io.kestra.plugin.core.runner.Process`
task runner).

The process starts in a session of its own (`start_new_session=True`), so that it and every process it starts
share one process group. Its stdout and stderr are read concurrently and handed over line by line as they are
produced (lines end at `\\n`, `\\r\\n` or `\\r`, like Java's `readLine`); stdin is empty. When the awaiting task is
cancelled (timeout, kill) or anything else goes wrong while it runs, the whole group gets SIGTERM, then SIGKILL
after a grace period, and the error is re-raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from choreo.plugins.context import TaskFailed

__all__ = ["KILL_GRACE_SECONDS", "LineHandler", "run_process"]

#: `handler(line, is_stderr)`: called in the event loop for each line, without its terminator.
LineHandler = Callable[[str, bool], None]

#: How long a killed process group gets between SIGTERM and SIGKILL.
KILL_GRACE_SECONDS = 5.0

_CHUNK = 64 * 1024
_MAX_LINE = 16 * 1024 * 1024  # a longer run without a line end is handed over as one line
_TERMINATOR = re.compile(rb"\r\n|\r|\n")


async def run_process(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    on_line: LineHandler,
    on_start: Callable[[int], None] | None = None,
) -> int:
    """Run `argv` in `cwd` with exactly `env`; return its exit code once it ended and both streams are drained.

    A process killed by signal N exits with 128 + N, as a shell (and Java) reports it.
    """
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise TaskFailed(f"Unable to start the process {argv[0]!r}: {exc.strerror or exc}") from exc
    assert process.stdout is not None and process.stderr is not None
    readers = [
        asyncio.ensure_future(_pump(process.stdout, False, on_line)),
        asyncio.ensure_future(_pump(process.stderr, True, on_line)),
    ]
    try:
        if on_start is not None:
            on_start(process.pid)
        await asyncio.gather(*readers)
        code = await process.wait()
    except BaseException:
        for reader in readers:
            reader.cancel()
        await _kill_group(process)
        await asyncio.gather(*readers, return_exceptions=True)
        raise
    return 128 - code if code < 0 else code  # killed by a signal: the shell's convention, as Java reports it


async def _pump(stream: asyncio.StreamReader, is_stderr: bool, on_line: LineHandler) -> None:
    buffer = bytearray()
    while True:
        chunk = await stream.read(_CHUNK)
        buffer += chunk
        lines, buffer = _split(buffer, final=not chunk)
        for line in lines:
            on_line(line.decode("utf-8", errors="replace"), is_stderr)
        if not chunk:
            return


def _split(buffer: bytearray, *, final: bool) -> tuple[list[bytes], bytearray]:
    """The complete lines in `buffer` and what is left; at the end of the stream the rest is a line too."""
    lines: list[bytes] = []
    start = 0
    for match in _TERMINATOR.finditer(buffer):
        if match.group() == b"\r" and match.end() == len(buffer) and not final:
            break  # may be the first half of \r\n
        lines.append(bytes(buffer[start : match.start()]))
        start = match.end()
    rest = buffer[start:]
    if rest and (final or len(rest) >= _MAX_LINE):
        lines.append(bytes(rest))
        rest = bytearray()
    return lines, rest


async def _kill_group(process: asyncio.subprocess.Process) -> None:
    """SIGTERM the process group, wait for the leader up to the grace period, then SIGKILL what is left."""
    _signal_group(process.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), KILL_GRACE_SECONDS)
    except (TimeoutError, asyncio.CancelledError):
        pass
    finally:
        _signal_group(process.pid, signal.SIGKILL)
        if process.returncode is None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(process.wait(), KILL_GRACE_SECONDS)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)

"""The Process runner underneath the script tasks: streaming, cancellation, line splitting, output protocol and
the Java globs of `outputFiles`."""

from __future__ import annotations

import asyncio
import os
import re
import time
from pathlib import Path

import pytest

from choreo.plugins.files import java_glob_to_regex, match_files
from choreo.plugins.scripts.process import _split
from choreo.plugins.scripts.protocol import ProtocolError, parse_line
from choreo.plugins.scripts.shell.commands import Commands as ShellCommands
from choreo.plugins.scripts.shell.script import Script as ShellScript
from choreo.testing import FakeRunContext


def alive(pid: int) -> bool:
    """Whether `pid` still runs (a zombie waiting for a reaper counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


async def wait_for_line(ctx: FakeRunContext, pattern: str, running: asyncio.Task, timeout: float = 10) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for _, message in ctx.log_lines:
            if match := re.fullmatch(pattern, message):
                return match
        assert not running.done(), f"the task ended before logging {pattern!r}: {ctx.log_lines}"
        await asyncio.sleep(0.01)
    raise AssertionError(f"no line {pattern!r} in {ctx.log_lines}")


def gone_soon(pid: int, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.02)
    return False


def test_stdout_is_streamed_while_the_script_runs(ctx, load):
    task = load(
        ShellCommands,
        """
        id: stream
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - echo first
          - sleep 30
          - echo second
        """,
    )

    async def scenario() -> None:
        running = asyncio.ensure_future(task.run(ctx))
        await wait_for_line(ctx, "first", running)
        assert not running.done() and "second" not in ctx.messages()
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running

    start = time.monotonic()
    asyncio.run(scenario())
    assert time.monotonic() - start < 10


def test_cancellation_kills_the_whole_process_group(ctx, load):
    task = load(
        ShellScript,
        """
        id: children
        type: io.kestra.plugin.scripts.shell.Script
        script: |
          sleep 30 &
          echo "child $! of $$"
          wait
        """,
    )

    async def scenario() -> tuple[int, int]:
        running = asyncio.ensure_future(task.run(ctx))
        match = await wait_for_line(ctx, r"child (\d+) of (\d+)", running)
        child, shell = int(match.group(1)), int(match.group(2))
        assert alive(child) and alive(shell)
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        return child, shell

    child, shell = asyncio.run(scenario())
    assert gone_soon(child) and gone_soon(shell)


def test_a_timeout_kills_the_process(ctx, load):
    task = load(
        ShellScript,
        """
        id: slow
        type: io.kestra.plugin.scripts.shell.Script
        script: |
          echo "pid $$"
          sleep 30
        """,
    )
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        asyncio.run(asyncio.wait_for(task.run(ctx), 0.5))
    assert time.monotonic() - start < 10
    pid = int(re.fullmatch(r"pid (\d+)", ctx.messages("INFO")[0]).group(1))
    assert gone_soon(pid)


def test_protocol_lines_with_invalid_json_are_dropped_with_a_warning(ctx, load, run):
    task = load(
        ShellScript,
        """
        id: bad
        type: io.kestra.plugin.scripts.shell.Script
        script: |
          echo '::{"outputs": nope}::'
          echo '::{"metrics":[{"name":"m","type":"gauge","value":1}]}::'
          echo ':: not json ::'
          echo '::{"logs":[{"level":"DEBUG","message":"quiet"},{"level":"ERROR","message":"loud"}]}::'
        """,
    )
    assert run(task, ctx)["vars"] == {}
    warnings = ctx.messages("WARN")
    assert len(warnings) == 2 and all(w.startswith("Invalid outputs") for w in warnings)
    assert ("INFO", ":: not json ::") in ctx.log_lines
    assert ("DEBUG", "quiet") in ctx.log_lines and ("ERROR", "loud") in ctx.log_lines
    assert not ctx.state_warning


def test_parse_line():
    assert parse_line("hello") is None
    assert parse_line(' ::{"outputs":{}}::') is None
    message = parse_line('::{"outputs":{"a":1},"metrics":[{"name":"t","type":"timer","value":"PT1.5S"}]}::')
    assert message is not None and message.outputs == {"a": 1}
    assert [(m.name, m.kind, m.value) for m in message.metrics] == [("t", "timer", 1.5)]
    assert parse_line('::{"logs":[{"level":"warning","message":"w"}]}::').logs == [("WARN", "w")]
    for bad in ('::{"outputs":[1]}::', '::{"metrics":[{"name":"x","type":"counter","value":"3"}]}::', "::{x}::"):
        with pytest.raises(ProtocolError):
            parse_line(bad)


def test_lines_split_like_java_readline():
    assert _split(bytearray(b"a\nb\r\nc\rd"), final=False) == ([b"a", b"b", b"c"], bytearray(b"d"))
    assert _split(bytearray(b"a\r"), final=False) == ([], bytearray(b"a\r"))  # maybe half of \r\n
    assert _split(bytearray(b"a\r"), final=True) == ([b"a"], bytearray())
    assert _split(bytearray(b"tail"), final=True) == ([b"tail"], bytearray())


def test_long_lines_and_output_without_final_newline(ctx, load, run):
    task = load(
        ShellCommands,
        """
        id: long
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - head -c 200000 /dev/zero | tr '\\0' x; echo
          - printf 'no newline at the end'
        """,
    )
    run(task, ctx)
    assert ctx.messages("INFO") == ["x" * 200000, "no newline at the end"]


@pytest.mark.parametrize(
    ("glob", "matches", "misses"),
    [
        ("*.csv", ["a.csv"], ["d/a.csv", "a.json"]),
        ("**/*.csv", ["d/a.csv", "d/e/a.csv"], ["a.csv"]),
        ("**.csv", ["a.csv", "d/a.csv"], ["a.json"]),
        ("out/**", ["out/a", "out/d/b"], ["out", "x/out/a"]),
        ("{a,b}.txt", ["a.txt", "b.txt"], ["c.txt"]),
        ("file?.[ch]", ["file1.c", "fileX.h"], ["file12.c", "file1.o"]),
        ("[!a]*", ["b", "zz"], ["a", "ab"]),
    ],
)
def test_java_glob(glob, matches, misses):
    regex = re.compile(java_glob_to_regex(glob))
    assert [m for m in matches if regex.fullmatch(m)] == matches
    assert [m for m in misses if regex.fullmatch(m)] == []


def test_match_files_relative_to_the_root_and_with_regex(tmp_path):
    for name in ("a.csv", "d/b.csv", "skip/c.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert match_files(tmp_path, ["**.csv"], exclude=tmp_path / "skip") == [tmp_path / "a.csv", tmp_path / "d/b.csv"]
    assert match_files(tmp_path, [r"regex:.*/d/.*\.csv"]) == [tmp_path / "d/b.csv"]
    assert match_files(tmp_path, []) == []

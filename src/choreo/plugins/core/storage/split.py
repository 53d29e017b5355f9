"""io.kestra.plugin.core.storage.Split"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, PositiveInt

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.core.storage._common import (
    read_text,
    render_int,
    render_str,
    split_lines,
    temp_path,
    uri_extension,
)

_UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}
_READABLE_BYTES = re.compile(r"^\s*(\d+)\s*([KMGT]?B?)\s*$", re.IGNORECASE)


def parse_bytes(text: str) -> int:
    """`10MB` → 10485760, `512KB`, `1GB`, `2048` (units of 1024, as Micronaut's readable bytes)."""
    match = _READABLE_BYTES.match(text)
    unit = match.group(2).upper() if match else ""
    if unit and not unit.endswith("B"):
        unit += "B"
    if not match or unit not in _UNITS:
        raise TaskFailed(f"Invalid size with value '{text}'", retryable=False)
    return int(match.group(1)) * _UNITS[unit]


class Split(Task):
    """Split an internal-storage file by `rows`, `bytes`, `partitions` or `regexPattern`; output `uris`.

    ```yaml
    - id: split
      type: io.kestra.plugin.core.storage.Split
      from: "{{ inputs.file }}"
      rows: 1000
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.Split"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.storages.Split",)

    from_: Dynamic[str] = Field(
        alias="from", description="The kestra:// URI of the file to split.", examples=["{{ inputs.file }}"]
    )
    bytes: Dynamic[str] | None = Field(default=None, description="Size of each part.", examples=["10MB"])
    partitions: Dynamic[PositiveInt] | None = Field(default=None, description="Number of parts.", examples=[8])
    rows: Dynamic[PositiveInt] | None = Field(default=None, description="Number of lines per part.", examples=[1000])
    separator: Dynamic[str] = Field(default="\n", description="The separator between two lines.")
    regex_pattern: Dynamic[str] | None = Field(
        default=None, description="Group the lines by the value of the first capture group of this pattern."
    )

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        uri = render_str(ctx, self.from_, "from")
        separator = render_str(ctx, self.separator, "separator")
        extension = uri_extension(uri) or ".tmp"
        pattern = render_str(ctx, self.regex_pattern, "regexPattern", required=False)
        size = render_str(ctx, self.bytes, "bytes", required=False)
        partitions = render_int(ctx, self.partitions, "partitions")
        rows = render_int(ctx, self.rows, "rows")
        if pattern is None and size is None and partitions is None and rows is None:
            raise TaskFailed("Invalid configuration with no size, count, rows, nor regexPattern", retryable=False)
        for name, number in (("partitions", partitions), ("rows", rows)):
            if number is not None and number < 1:
                raise TaskFailed(f"{name}: must be at least 1, got {number}", retryable=False)
        max_bytes = parse_bytes(size) if size is not None else None
        try:
            regex = re.compile(pattern) if pattern is not None else None
        except re.error as exc:
            raise TaskFailed(f"regexPattern: invalid pattern: {exc}", retryable=False) from None

        def split() -> list[Path]:
            lines = split_lines(read_text(ctx, uri))
            parts: list[list[bytes]]
            if regex is not None:
                groups: dict[str, list[bytes]] = {}
                for line in lines:
                    match = regex.search(line)
                    if match and regex.groups > 0 and match.group(1) is not None:
                        groups.setdefault(match.group(1), []).append((line + separator).encode())
                parts = list(groups.values())
            elif max_bytes is not None or partitions is None:
                parts = []
                current_bytes = current_rows = 0
                for line in lines:
                    full = current_bytes >= max_bytes if max_bytes is not None else current_rows >= (rows or 0)
                    if not parts or full:
                        parts.append([])
                        current_bytes = current_rows = 0
                    data = (line + separator).encode()
                    parts[-1].append(data)
                    current_bytes += len(data)
                    current_rows += 1
            else:
                count = partitions or 1
                parts = [[] for _ in range(count)]
                for index, line in enumerate(lines):
                    parts[index % count].append((line + separator).encode())
                parts = [part for part in parts if part]
            paths = []
            for part in parts:
                path = temp_path(ctx, extension)
                path.write_bytes(b"".join(part))
                paths.append(path)
            return paths

        paths = await asyncio.to_thread(split)
        uris = [await asyncio.to_thread(ctx.put_file, path, path.name) for path in paths]
        return {"uris": uris}

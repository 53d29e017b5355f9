"""io.kestra.plugin.core.http.Download"""

from __future__ import annotations

import asyncio
from pathlib import PurePosixPath
from typing import Any, ClassVar
from urllib.parse import quote_plus

import httpx
from pydantic import Field

from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.core.http.abstract_http import AbstractHttp, failure, response_headers, write_file
from choreo.plugins.core.storage._common import render_bool, temp_path, uri_extension


def filename_from_disposition(header: str) -> str | None:
    """The file name a Content-Disposition header gives (`filename*` wins), without any directory part."""
    filename = None
    for part in header.split(";"):
        stripped = part.strip()
        if stripped.startswith("filename*"):
            value = stripped.split("=", 1)[1] if "=" in stripped else ""
            filename = value.rsplit("'", 1)[-1] if "'" in value else value
        elif stripped.startswith("filename"):
            filename = stripped.split("=", 1)[1] if "=" in stripped else ""
    if filename and len(filename) >= 2 and filename[0] == '"' and filename[-1] == '"':
        filename = filename[1:-1]
    if filename:
        filename = PurePosixPath(filename.replace("\\", "/")).name
    return filename or None


class Download(AbstractHttp):
    """Download the response of an HTTP request to an internal-storage file; outputs `uri`, `code`, `length`,
    `headers`.

    ```yaml
    - id: download
      type: io.kestra.plugin.core.http.Download
      uri: https://huggingface.co/datasets/kestra/datasets/raw/main/csv/orders.csv
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.http.Download"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.plugin.fs.http.Download",)

    fail_on_empty_response: Dynamic[bool] = Field(default=True, description="Fail when the response body is empty.")

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        request = await asyncio.to_thread(self.prepare, ctx)
        path = temp_path(ctx, uri_extension(request.url))
        await asyncio.to_thread(path.write_bytes, b"")
        size = 0
        async with httpx.AsyncClient(**request.client) as client:
            response = await self.send(ctx, request, client)
            try:
                if response.status_code >= 400 and not request.allow_failed:
                    raise failure(response, await response.aread())
                buffer: list[bytes] = []
                buffered = 0
                async for chunk in response.aiter_bytes():
                    buffer.append(chunk)
                    buffered += len(chunk)
                    size += len(chunk)
                    if buffered >= 1 << 20:
                        await write_file(path, buffer)
                        buffer, buffered = [], 0
                await write_file(path, buffer)
            except httpx.HTTPError as exc:
                raise TaskFailed(f"HTTP request to '{request.url}' failed: {type(exc).__name__}: {exc}") from exc
            finally:
                await response.aclose()

        expected = response.headers.get("Content-Length")
        encoding = response.headers.get("Content-Encoding", "identity").lower()
        if expected is not None and encoding == "identity" and expected.strip().isdigit() and int(expected) != size:
            raise TaskFailed(f"Invalid size, got {size}, expected {int(expected)}")
        if size == 0:
            if render_bool(ctx, self.fail_on_empty_response, "failOnEmptyResponse", default=True):
                if not request.allow_failed:
                    raise TaskFailed(f"No response from server (response code '{response.status_code}')")
            else:
                ctx.logger.warn(f"File '{request.url}' is empty")

        disposition = response.headers.get("Content-Disposition")
        filename = filename_from_disposition(disposition) if disposition else None
        name = quote_plus(filename) if filename else path.name
        ctx.logger.debug(f"File '{request.url}' downloaded with size '{size}'")
        uri = await asyncio.to_thread(ctx.put_file, path, name)
        return {"uri": uri, "code": response.status_code, "length": size, "headers": response_headers(response)}

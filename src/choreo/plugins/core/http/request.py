"""io.kestra.plugin.core.http.Request"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import httpx
from pydantic import Field

from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.core.http.abstract_http import AbstractHttp, HttpLogType, failure, response_headers
from choreo.plugins.core.storage._common import render_bool


class Request(AbstractHttp):
    """Send an HTTP request; outputs `code`, `headers`, `body` (or `encryptedBody`) and `uri`.

    ```yaml
    - id: send
      type: io.kestra.plugin.core.http.Request
      uri: https://reqres.in/api/test-request
      method: POST
      contentType: application/json
      body: '{"title": "{{ inputs.title }}"}'
      options:
        timeout:
          connectTimeout: PT10S
        auth:
          type: BEARER
          token: "{{ secret('API_TOKEN') }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.http.Request"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.plugin.fs.http.Request",)

    encrypt_body: Dynamic[bool] = Field(
        default=False,
        description="Store the response body encrypted, as the `encryptedBody` output, instead of `body`.",
    )

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        if render_bool(ctx, self.encrypt_body, "encryptBody"):
            raise TaskFailed("encryptBody: encrypted outputs are not supported by this server", retryable=False)
        request = await asyncio.to_thread(self.prepare, ctx)
        async with httpx.AsyncClient(**request.client) as client:
            response = await self.send(ctx, request, client)
            try:
                content = await response.aread()
            except httpx.HTTPError as exc:
                raise TaskFailed(f"HTTP request to '{request.url}' failed: {type(exc).__name__}: {exc}") from exc
            finally:
                await response.aclose()
        if response.status_code >= 400 and not request.allow_failed:
            raise failure(response, content)
        body: str | None = None
        if content:
            try:
                body = content.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise TaskFailed(
                    f"Illegal unicode in the response body ({exc}): the Request task only supports valid Unicode "
                    "strings as body. You can try using the Download task instead.",
                    retryable=False,
                ) from None
        if HttpLogType.RESPONSE_BODY in request.logs and body is not None:
            ctx.logger.info("response body: " + body)
        return {
            "uri": request.url,  # the URI requested, as Kestra outputs it (not the one redirected to)
            "code": response.status_code,
            "headers": response_headers(response),
            "body": body,
        }

"""io.kestra.plugin.core.http.Trigger

Kept beside the other core triggers; Kestra's package is `io.kestra.plugin.core.http`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any, ClassVar

from pydantic import Field

from choreo.expr.truth import truthy
from choreo.model.plugin import Problem, ValidationScope
from choreo.model.trigger import Trigger
from choreo.model.types import Duration, Dynamic, Text
from choreo.plugins.context import TriggerContext, TriggerEvent
from choreo.plugins.core.http.options import HttpOptions, SslOptions
from choreo.plugins.core.parts import deprecated_property


class HttpTrigger(Trigger):
    """Call a URL every `interval` and start the flow when `responseCondition` holds on the response.

    The condition sees `response.statusCode`, `response.body` and `response.headers`; the execution gets the
    response as `trigger.code`, `trigger.headers` and `trigger.body`.

    ```yaml
    triggers:
      - id: http
        type: io.kestra.plugin.core.http.Trigger
        uri: https://fakestoreapi.com/products/1
        responseCondition: "{{ json(response.body).price <= 110 }}"
        interval: PT30S
        stopAfter:
          - SUCCESS
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.http.Trigger"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.plugin.fs.http.Trigger",)
    trigger_kind: ClassVar[str] = "polling"

    interval: Duration = Field(
        default=timedelta(seconds=60), description="Time between two calls.", examples=["PT30S", "PT5M"]
    )
    response_condition: Dynamic[str] = Field(
        default="{{ response.statusCode < 400 }}",
        min_length=1,
        description="Expression on `response.statusCode`, `response.body` and `response.headers`; the flow starts "
        "when it renders truthy. Evaluated before `conditions`.",
        examples=["{{ response.statusCode == 200 }}"],
    )
    uri: Dynamic[str] = Field(
        min_length=1, description="The full URI to call.", examples=["https://api.example.com/status"]
    )
    method: Dynamic[str] = Field(
        default="GET", description="The HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS…).", examples=["POST"]
    )
    body: Dynamic[str] | None = Field(default=None, description="The request body, as text.")
    params: Dynamic[dict[str, Any]] | None = Field(
        default=None, description="Query parameters added to the URI.", examples=[{"page": 1}]
    )
    form_data: Dynamic[dict[str, Any]] | None = Field(
        default=None, description="Form fields sent instead of `body` (multipart with that content type)."
    )
    content_type: Dynamic[str] = Field(
        default="application/json", description="The request content type.", examples=["multipart/form-data"]
    )
    headers: Dynamic[dict[str, Text]] | None = Field(
        default=None,
        description="Request headers; values are rendered.",
        examples=[{"Authorization": "Bearer {{ secret('API_TOKEN') }}"}],
    )
    options: HttpOptions | None = Field(
        default=None, description="HTTP client options: timeouts, proxy, authentication, TLS, redirects."
    )
    ssl_options: SslOptions | None = Field(
        default=None, description="Deprecated: use `options.ssl`.", json_schema_extra={"deprecated": True}
    )
    encrypt_body: Dynamic[bool] = Field(
        default=False, description="Keep the response body encrypted in the trigger variables."
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        warning = deprecated_property(self, "ssl_options", "use options.ssl instead")
        if warning:
            yield warning

    async def poll(self, ctx: TriggerContext) -> list[TriggerEvent]:
        """Call the URI; one event (`trigger.uri`, `code`, `headers`, `body`) when `responseCondition` holds."""
        import httpx

        from choreo.plugins.core.http.abstract_http import AbstractHttp, response_headers

        options = AbstractHttp._client_options(self, ctx, self.options) if self.options else {}  # type: ignore[arg-type]
        uri = str(ctx.render(self.uri))
        headers = {str(k): str(v) for k, v in (ctx.render(self.headers) or {}).items()}
        form = ctx.render(self.form_data) if self.form_data else None
        content = None if form else ctx.render(self.body)
        if content is not None and "content-type" not in {k.lower() for k in headers}:
            headers["Content-Type"] = str(ctx.render(self.content_type))
        async with httpx.AsyncClient(**options) as client:
            response = await client.request(
                str(ctx.render(self.method)).upper(),
                uri,
                params=ctx.render(self.params) or None,
                headers=headers,
                content=None if content is None else str(content).encode("utf-8"),
                data=form,
            )
        body = response.text
        seen = {"response": {"statusCode": response.status_code, "body": body, "headers": response_headers(response)}}
        if not truthy(ctx.render(self.response_condition, seen)):
            return []
        variables = {"uri": uri, "code": response.status_code, "headers": seen["response"]["headers"], "body": body}
        return [TriggerEvent(variables)]

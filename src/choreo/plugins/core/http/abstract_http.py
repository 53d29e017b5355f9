"""The common part of the HTTP tasks (Kestra's `AbstractHttp`); not a type of its own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import Field

from choreo.model.plugin import Problem, ValidationScope
from choreo.model.task import Task
from choreo.model.types import Dynamic, Text
from choreo.plugins.core.http.options import HttpOptions, SslOptions
from choreo.plugins.core.parts import deprecated_property


class AbstractHttp(Task):
    """An HTTP request: URI, method, body or form data, headers and client options."""

    uri: Dynamic[str] = Field(description="The full URI to call.", examples=["https://example.com/api/items"])
    method: Dynamic[str] = Field(
        default="GET", description="The HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS…).", examples=["POST"]
    )
    body: Dynamic[str] | None = Field(
        default=None, description="The request body, as a string.", examples=['{"name": "{{ inputs.name }}"}']
    )
    form_data: Dynamic[dict[str, Any]] | None = Field(
        default=None,
        description="Form fields; with `contentType: multipart/form-data`, a kestra:// URI value (or "
        "`{name, content}`) uploads that file.",
        examples=[{"user": "{{ inputs.user }}"}],
    )
    content_type: Dynamic[str] = Field(
        default="application/json", description="The request content type.", examples=["multipart/form-data"]
    )
    headers: Dynamic[dict[str, Text]] | None = Field(
        default=None, description="Request headers; values are rendered.", examples=[{"user-agent": "kestra-io"}]
    )
    options: HttpOptions = Field(
        default_factory=HttpOptions, description="Client options: timeouts, proxy, authentication, TLS, redirects."
    )
    ssl_options: SslOptions | None = Field(
        default=None, description="Deprecated: use `options.ssl`.", json_schema_extra={"deprecated": True}
    )
    allow_failed: Dynamic[bool] | None = Field(
        default=None, description="Deprecated: use `options.allowFailed`.", json_schema_extra={"deprecated": True}
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        for field, hint in (("ssl_options", "use options.ssl instead"), ("allow_failed", "use options.allowFailed")):
            warning = deprecated_property(self, field, hint)
            if warning:
                yield warning

"""The common part of the HTTP tasks (Kestra's `AbstractHttp`); not a type of its own."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from pydantic import Field

from choreo.model.plugin import Problem, ValidationScope
from choreo.model.task import Task
from choreo.model.types import Dynamic, Text
from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.core.http.options import BasicAuth, BearerAuth, DigestAuth, HttpLogType, HttpOptions, SslOptions
from choreo.plugins.core.parts import deprecated_property
from choreo.plugins.core.storage._common import read_bytes, render_bool, render_str, temp_path


@dataclass
class PreparedRequest:
    """What `AbstractHttp.prepare` renders: the arguments of `httpx.AsyncClient.build_request` and client options."""

    method: str
    url: str
    headers: list[tuple[str, str]] = dataclass_field(default_factory=list)
    content: bytes | None = None
    data: dict[str, Any] | None = None
    files: list[tuple[str, tuple[str, bytes]]] | None = None
    client: dict[str, Any] = dataclass_field(default_factory=dict)
    allow_failed: bool = False
    logs: frozenset[HttpLogType] = frozenset()


def _duration(ctx: RunContext, value: Any, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    from choreo.model.durations import parse_duration

    try:
        return parse_duration(str(ctx.render(value))).total_seconds()
    except ValueError as exc:
        raise TaskFailed(f"{what}: {exc}", retryable=False) from None


def response_headers(response: httpx.Response) -> dict[str, list[str]]:
    """The response headers as Kestra outputs them: name → list of values, names as the server sent them."""
    headers: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for raw_name, raw_value in response.headers.raw:
        name = raw_name.decode("latin-1")
        key = names.setdefault(name.lower(), name)
        headers.setdefault(key, []).append(raw_value.decode("latin-1"))
    return headers


def failure(response: httpx.Response, body: bytes | None = None) -> TaskFailed:
    """The error of a response whose status is 400 or more, as Kestra words it."""
    message = f"Failed http request with response code '{response.status_code}'"
    content = response.content if body is None else body
    if content:
        message += " and body:\n" + content.decode("utf-8", errors="replace")
    return TaskFailed(message)


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

    # --- running -----------------------------------------------------------------------------------------

    def prepare(self, ctx: RunContext) -> PreparedRequest:
        """Render the request and the client options (blocking: reads form files; call it in a thread)."""
        uri = render_str(ctx, self.uri, "uri").replace(" ", "%20")
        method = (render_str(ctx, self.method, "method") or "GET").upper()
        content_type = render_str(ctx, self.content_type, "contentType", required=False)
        options = self.options or HttpOptions()
        charset = render_str(ctx, options.default_charset, "options.defaultCharset", required=False) or "UTF-8"
        request = PreparedRequest(method=method, url=uri)

        form = ctx.render(self.form_data) if self.form_data is not None else None
        if isinstance(form, str):
            form = json.loads(form)
        if form:
            if content_type == "multipart/form-data":
                request.files = []
                request.data = {}
                for key, value in form.items():
                    if isinstance(value, str) and value.startswith("kestra://"):
                        request.files.append((key, (Path(value).name, read_bytes(ctx, value))))
                    elif isinstance(value, Mapping) and "name" in value and "content" in value:
                        name, content = str(value["name"]), str(value["content"])
                        request.files.append((key, (name, read_bytes(ctx, content))))
                    elif isinstance(value, str):
                        request.data[key] = value
                    else:
                        request.data[key] = json.dumps(value)
            else:
                request.data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in form.items()}
        elif self.body is not None:
            body = render_str(ctx, self.body, "body")
            try:
                request.content = body.encode(charset)
            except LookupError:
                raise TaskFailed(f"options.defaultCharset: unknown charset '{charset}'", retryable=False) from None
            if content_type:
                request.headers.append(("Content-Type", f"{content_type}; charset={charset}"))
        elif content_type:
            request.headers.append(("Content-Type", content_type))

        headers = ctx.render(self.headers) if self.headers is not None else None
        if isinstance(headers, str):
            headers = json.loads(headers)
        for name, value in (headers or {}).items():
            request.headers = [(n, v) for n, v in request.headers if n.lower() != str(name).lower()]
            request.headers.append((str(name), str(value)))

        request.client = self._client_options(ctx, options)
        allow_failed = render_bool(ctx, options.allow_failed, "options.allowFailed")
        if self.allow_failed is not None:
            allow_failed = render_bool(ctx, self.allow_failed, "allowFailed")
        request.allow_failed = allow_failed
        request.logs = frozenset(options.logs or ())
        return request

    def _client_options(self, ctx: RunContext, options: HttpOptions) -> dict[str, Any]:
        timeout = options.timeout
        connect = _duration(ctx, timeout.connect_timeout if timeout else None, "options.timeout.connectTimeout")
        if connect is None:
            connect = _duration(ctx, options.connect_timeout, "options.connectTimeout")
        read = _duration(ctx, timeout.read_idle_timeout if timeout else None, "options.timeout.readIdleTimeout")
        if read is None:
            read = _duration(ctx, options.read_timeout, "options.readTimeout")
        if read is None:
            read = 300.0
        client: dict[str, Any] = {
            "timeout": httpx.Timeout(connect=connect, read=read, write=read, pool=None),
            "follow_redirects": render_bool(ctx, options.follow_redirects, "options.followRedirects", default=True),
        }

        auth = options.auth
        if isinstance(auth, BasicAuth):
            client["auth"] = httpx.BasicAuth(
                render_str(ctx, auth.username, "auth.username", required=False) or "",
                render_str(ctx, auth.password, "auth.password", required=False) or "",
            )
        elif isinstance(auth, DigestAuth):
            client["auth"] = httpx.DigestAuth(
                render_str(ctx, auth.username, "auth.username", required=False) or "",
                render_str(ctx, auth.password, "auth.password", required=False) or "",
            )
        elif isinstance(auth, BearerAuth):
            token = render_str(ctx, auth.token, "auth.token", required=False) or ""
            client["headers"] = {"Authorization": f"Bearer {token}"}
        elif options.basic_auth_user is not None:
            client["auth"] = httpx.BasicAuth(
                render_str(ctx, options.basic_auth_user, "options.basicAuthUser") or "",
                render_str(ctx, options.basic_auth_password, "options.basicAuthPassword", required=False) or "",
            )

        ssl = options.ssl or self.ssl_options
        insecure = ssl.insecure_trust_all_certificates if ssl is not None else None
        if render_bool(ctx, insecure, "options.ssl.insecureTrustAllCertificates"):
            client["verify"] = False

        proxy = options.proxy
        proxy_type = render_str(ctx, proxy.type, "proxy.type", required=False) if proxy else None
        if proxy_type is None and options.proxy_type is not None:
            proxy_type = options.proxy_type.value
        if proxy_type and proxy_type != "DIRECT":
            address = render_str(ctx, proxy.address if proxy else options.proxy_address, "proxy.address")
            port = proxy.port if proxy and proxy.port is not None else options.proxy_port
            user = render_str(
                ctx, proxy.username if proxy else options.proxy_username, "proxy.username", required=False
            )
            password = render_str(
                ctx, proxy.password if proxy else options.proxy_password, "proxy.password", required=False
            )
            scheme = "socks5" if proxy_type == "SOCKS" else "http"
            credentials = f"{user}:{password or ''}@" if user else ""
            port_text = f":{render_str(ctx, port, 'proxy.port')}" if port is not None else ""
            client["proxy"] = f"{scheme}://{credentials}{address}{port_text}"
        return client

    async def send(self, ctx: RunContext, request: PreparedRequest, client: httpx.AsyncClient) -> httpx.Response:
        """Send `request` with its response body left to stream (close the response after use)."""
        built = client.build_request(
            request.method,
            request.url,
            headers=request.headers,
            content=request.content,
            data=request.data or None,
            files=request.files or None,
        )
        if HttpLogType.REQUEST_HEADERS in request.logs:
            ctx.logger.info(f"request: {built.method} {built.url}\n" + _format_headers(built.headers.multi_items()))
        if HttpLogType.REQUEST_BODY in request.logs and request.content is not None:
            ctx.logger.info("request body: " + request.content.decode("utf-8", errors="replace"))
        try:
            response = await client.send(built, stream=True)
        except httpx.HTTPError as exc:
            raise TaskFailed(f"HTTP request to '{request.url}' failed: {type(exc).__name__}: {exc}") from exc
        if HttpLogType.RESPONSE_HEADERS in request.logs:
            ctx.logger.info(
                f"response: {response.status_code}\n"
                + _format_headers((n.decode("latin-1"), v.decode("latin-1")) for n, v in response.headers.raw)
            )
        return response


def _format_headers(items: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in items)


async def write_file(path: Path, chunks: list[bytes]) -> None:
    """Append `chunks` to `path`."""

    def append() -> None:
        with path.open("ab") as out:
            for chunk in chunks:
                out.write(chunk)

    await asyncio.to_thread(append)


__all__ = ["AbstractHttp", "PreparedRequest", "failure", "response_headers", "temp_path", "write_file"]

"""The `options` of the HTTP tasks (Kestra's `HttpConfiguration`), older flat names included."""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import Field

from choreo.model.base import Part
from choreo.model.types import Duration, Dynamic


class ProxyType(enum.StrEnum):
    DIRECT = "DIRECT"
    HTTP = "HTTP"
    SOCKS = "SOCKS"


class HttpLogType(enum.StrEnum):
    REQUEST_HEADERS = "REQUEST_HEADERS"
    REQUEST_BODY = "REQUEST_BODY"
    RESPONSE_HEADERS = "RESPONSE_HEADERS"
    RESPONSE_BODY = "RESPONSE_BODY"


class HttpClientLogLevel(enum.StrEnum):
    TRACE = "TRACE"
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARN = "WARN"
    ERROR = "ERROR"
    ALL = "ALL"
    OFF = "OFF"
    NOT_SPECIFIED = "NOT_SPECIFIED"


class TimeoutOptions(Part):
    """Connection and read time limits."""

    connect_timeout: Dynamic[Duration] | None = Field(
        default=None, description="Time allowed to establish the connection.", examples=["PT10S"]
    )
    read_idle_timeout: Dynamic[Duration] = Field(
        default=timedelta(minutes=5), description="Time a connection may stay idle while reading.", examples=["PT1M"]
    )


class ProxyOptions(Part):
    """The proxy to go through."""

    type: Dynamic[ProxyType] = Field(default=ProxyType.DIRECT, description="DIRECT (no proxy), HTTP or SOCKS.")
    address: Dynamic[str] | None = Field(default=None, description="Host of the proxy.", examples=["proxy.local"])
    port: Dynamic[int] | None = Field(default=None, description="Port of the proxy.", examples=[3128])
    username: Dynamic[str] | None = Field(default=None, description="User name for the proxy.")
    password: Dynamic[str] | None = Field(default=None, description="Password for the proxy.")


class BasicAuth(Part):
    """HTTP basic authentication."""

    type: Literal["BASIC"] = Field(description="The authentication type.")
    username: Dynamic[str] | None = Field(default=None, description="The user name.")
    password: Dynamic[str] | None = Field(default=None, description="The password.")


class BearerAuth(Part):
    """A bearer token in the Authorization header."""

    type: Literal["BEARER"] = Field(description="The authentication type.")
    token: Dynamic[str] | None = Field(default=None, description="The token.", examples=["{{ secret('API_TOKEN') }}"])


class DigestAuth(Part):
    """HTTP digest authentication."""

    type: Literal["DIGEST"] = Field(description="The authentication type.")
    username: Dynamic[str] | None = Field(default=None, description="The user name.")
    password: Dynamic[str] | None = Field(default=None, description="The password.")


HttpAuth = Annotated[BasicAuth | BearerAuth | DigestAuth, Field(discriminator="type")]


class SslOptions(Part):
    """TLS settings."""

    insecure_trust_all_certificates: Dynamic[bool] | None = Field(
        default=None, description="Accept any server certificate (insecure; for tests only)."
    )


class HttpOptions(Part):
    """How the HTTP client behaves: timeouts, proxy, authentication, TLS, redirects, logging."""

    timeout: TimeoutOptions | None = Field(default=None, description="Connection and read time limits.")
    proxy: ProxyOptions | None = Field(default=None, description="The proxy to go through.")
    auth: HttpAuth | None = Field(default=None, description="The authentication: BASIC, BEARER or DIGEST.")
    ssl: SslOptions | None = Field(default=None, description="TLS settings.")
    follow_redirects: Dynamic[bool] = Field(default=True, description="Follow redirects.")
    allow_failed: Dynamic[bool] = Field(
        default=False, description="Succeed even when the response status is 400 or more."
    )
    default_charset: Dynamic[str] = Field(default="UTF-8", description="Character set of the request body.")
    logs: list[HttpLogType] | None = Field(
        default=None, description="Which parts of the request and response to log.", examples=[["REQUEST_HEADERS"]]
    )
    connect_timeout: Duration | None = Field(
        default=None, description="Deprecated: use `timeout.connectTimeout`.", json_schema_extra={"deprecated": True}
    )
    read_timeout: Duration | None = Field(
        default=None, description="Deprecated: use `timeout.readIdleTimeout`.", json_schema_extra={"deprecated": True}
    )
    read_idle_timeout: Duration | None = Field(
        default=None, description="Deprecated and ignored.", json_schema_extra={"deprecated": True}
    )
    connection_pool_idle_timeout: Duration | None = Field(
        default=None, description="Deprecated and ignored.", json_schema_extra={"deprecated": True}
    )
    max_content_length: int | None = Field(
        default=None, description="Deprecated and ignored.", json_schema_extra={"deprecated": True}
    )
    proxy_type: ProxyType | None = Field(
        default=None, description="Deprecated: use `proxy.type`.", json_schema_extra={"deprecated": True}
    )
    proxy_address: Dynamic[str] | None = Field(
        default=None, description="Deprecated: use `proxy.address`.", json_schema_extra={"deprecated": True}
    )
    proxy_port: int | None = Field(
        default=None, description="Deprecated: use `proxy.port`.", json_schema_extra={"deprecated": True}
    )
    proxy_username: Dynamic[str] | None = Field(
        default=None, description="Deprecated: use `proxy.username`.", json_schema_extra={"deprecated": True}
    )
    proxy_password: Dynamic[str] | None = Field(
        default=None, description="Deprecated: use `proxy.password`.", json_schema_extra={"deprecated": True}
    )
    basic_auth_user: Dynamic[str] | None = Field(
        default=None, description="Deprecated: use `auth` with type BASIC.", json_schema_extra={"deprecated": True}
    )
    basic_auth_password: Dynamic[str] | None = Field(
        default=None, description="Deprecated: use `auth` with type BASIC.", json_schema_extra={"deprecated": True}
    )
    log_level: HttpClientLogLevel | None = Field(
        default=None, description="Deprecated: use `logs`.", json_schema_extra={"deprecated": True}
    )

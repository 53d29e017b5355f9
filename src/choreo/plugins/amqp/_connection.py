"""What AMQP plugins share: the broker connection (`url`, or `host`, `port`, `username`, `password`, `virtualHost`),
the serialisation of message bodies (`serdeType`) and a received message as flows see it (Kestra's `Message`).

aio-pika is imported when a trigger listens or a task runs, never when flows are validated.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, Field

from choreo.model.durations import format_duration
from choreo.model.plugin import Problem
from choreo.model.types import Dynamic

if TYPE_CHECKING:
    from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage, AbstractQueue

#: How long connecting to the broker may take before the attempt fails.
CONNECT_TIMEOUT_SECONDS = 10.0
DEFAULT_PORT = 5672
TLS_PORT = 5671


class SerdeType(enum.StrEnum):
    STRING = "STRING"
    JSON = "JSON"


def encode(value: Any, serde: SerdeType) -> bytes:
    """A message body: JSON text for JSON; for STRING the text itself (other values as JSON)."""
    if serde == SerdeType.JSON or not isinstance(value, str):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str).encode()
    return value.encode()


def decode(body: bytes, serde: SerdeType) -> Any:
    """The `data` of a message body; ValueError when it is not UTF-8 text (or not JSON for JSON)."""
    text = body.decode("utf-8")  # UnicodeDecodeError is a ValueError
    return json.loads(text) if serde == SerdeType.JSON else text


class AmqpConnection(BaseModel):
    """The connection properties of every AMQP plugin (mixed into the task and trigger classes)."""

    url: Dynamic[str] | None = Field(
        default=None,
        description="The broker URL, `amqp://user:password@host:port/virtualHost` (deprecated in Kestra: prefer "
        "`host`, `port`, `username`, `password`, `virtualHost`). As in Kestra, the path is the virtual host as "
        "written (`/` when empty); `amqps://` connects with TLS.",
        examples=["amqp://guest:guest@localhost:5672/"],
        json_schema_extra={"deprecated": True},
    )
    host: Dynamic[str] | None = Field(
        default=None, description="The broker host; required unless `url` is set.", examples=["localhost"]
    )
    port: Dynamic[Annotated[int, Field(ge=1, le=65535)]] = Field(
        default=DEFAULT_PORT, description="The broker port.", examples=[5672]
    )
    username: Dynamic[str] | None = Field(default=None, description="The broker user (guest when unset).")
    password: Dynamic[str] | None = Field(
        default=None, description="The broker password.", examples=["{{ secret('AMQP_PASSWORD') }}"]
    )
    virtual_host: Dynamic[str] = Field(default="/", description="The broker virtual host.", examples=["/"])

    def connection_problems(self) -> Iterable[Problem]:
        if self.url is not None and self.host is not None:
            yield Problem(("host",), "`url` and `host` cannot both be set: use one of them")
        elif self.url is None and self.host is None:
            yield Problem(("host",), "`host` is required (or the deprecated `url`)")

    def connection_options(self, render: Any) -> dict[str, Any]:
        """The keyword arguments of `aio_pika.connect`, rendered with `render` (a context's `render`)."""
        username = _text(render(self.username))
        password = _text(render(self.password))
        options: dict[str, Any] = {
            "host": _text(render(self.host)),
            "port": _port(render(self.port)),
            "virtualhost": _text(render(self.virtual_host)) or "/",
            "ssl": False,
        }
        if self.url is not None:
            options.update(_from_url(str(render(self.url))))
        if "login" not in options and username is not None:
            options["login"] = username
        if "password" not in options and password is not None:
            options["password"] = password
        return options

    async def connect(self, render: Any, name: str | None = None) -> AbstractConnection:
        """An open connection (close it); `name` is shown in RabbitMQ's management UI."""
        import aio_pika  # imported when a trigger listens or a task runs, not when flows are validated

        options = self.connection_options(render)
        if name:
            options["client_properties"] = {"connection_name": name}
        return await aio_pika.connect(timeout=CONNECT_TIMEOUT_SECONDS, **options)


async def existing_queue(channel: AbstractChannel, name: str) -> AbstractQueue:
    """The queue `name`, which must exist (as Kestra's triggers expect): a clear error otherwise."""
    from aio_pika.exceptions import ChannelNotFoundEntity

    try:
        return await channel.get_queue(name, ensure=True)
    except ChannelNotFoundEntity:
        raise LookupError(f"the queue '{name}' does not exist: declare it on the broker first") from None


def message_variables(message: AbstractIncomingMessage, serde: SerdeType) -> dict[str, Any]:
    """What a flow sees of a received message (`trigger.*`): Kestra's `Message` (`data`, `headers`, `messageId`,
    `timestamp`…, unset properties left out, header values as text) plus where it came from (`routingKey`,
    `exchange`) and whether it was delivered before (`redelivered`). ValueError when the body cannot be read."""
    variables: dict[str, Any] = {
        "data": decode(message.body, serde),
        "headers": {key: _header_text(value) for key, value in (message.headers or {}).items()},
    }
    optional = {
        "contentType": message.content_type,
        "contentEncoding": message.content_encoding,
        "deliveryMode": int(message.delivery_mode) if message.delivery_mode else None,
        "priority": message.priority,
        "messageId": message.message_id,
        "correlationId": message.correlation_id,
        "replyTo": message.reply_to,
        "expiration": _duration(message.expiration),
        "timestamp": _iso(message.timestamp) if message.timestamp is not None else None,
        "type": message.type,
        "userId": message.user_id,
        "appId": message.app_id,
        "routingKey": message.routing_key,
        "exchange": message.exchange,
        "redelivered": bool(message.redelivered),
    }
    variables.update({key: value for key, value in optional.items() if value is not None})
    return variables


def flag(value: Any, name: str) -> bool:
    """A rendered boolean property (`true`, "true", "false"…) called `name`."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in ("true", "false"):
        raise ValueError(f"{name}: expected true or false, got {value!r}")
    return text == "true"


def _from_url(url: str) -> dict[str, Any]:
    """Kestra's reading of a URL: host, port, user and password, and the path as the virtual host."""
    parts = urlsplit(url)
    if parts.scheme not in ("amqp", "amqps") or not parts.hostname:
        raise ValueError(f"url: expected amqp://user:password@host:port/virtualHost, got '{parts.scheme}://…'")
    tls = parts.scheme == "amqps"
    options: dict[str, Any] = {
        "host": parts.hostname,
        "port": parts.port or (TLS_PORT if tls else DEFAULT_PORT),
        "ssl": tls,
    }
    if parts.username is not None:
        options["login"] = unquote(parts.username)
        options["password"] = unquote(parts.password or "")
    if parts.path:
        options["virtualhost"] = unquote(parts.path)
    return options


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _port(value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"port: expected a number, got {value!r}") from None


def _header_text(value: Any) -> str:
    """A header value as Kestra shows it (as text)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, Mapping | list):
        return json.dumps(value, default=str)
    return str(value)


def _duration(seconds: Any) -> str | None:
    """aio-pika's expiration (seconds) as Kestra prints a duration (`PT1M`)."""
    if seconds is None:
        return None
    return format_duration(seconds if isinstance(seconds, timedelta) else timedelta(seconds=float(seconds)))


def _iso(moment: datetime) -> str:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


#: A connection close waits at most this long: during a shutdown the broker's answer may never be read, and a close
#: that waits forever would keep the event loop (and the process) from ending.
CLOSE_TIMEOUT_SECONDS = 5.0


async def close_quietly(connection: Any) -> None:
    """Close an AMQP connection, bounded in time; a connection that is already broken is simply dropped."""
    import asyncio
    import contextlib

    if connection.is_closed:
        return
    with contextlib.suppress(Exception):
        await asyncio.wait_for(connection.close(), CLOSE_TIMEOUT_SECONDS)

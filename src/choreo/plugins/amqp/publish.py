"""io.kestra.plugin.amqp.Publish"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.durations import parse_duration
from choreo.model.plugin import Problem, ValidationScope
from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.amqp._connection import AmqpConnection, SerdeType, close_quietly, encode
from choreo.plugins.context import RunContext, TaskFailed

#: The properties of a message to publish (Kestra's `Message`).
MESSAGE_PROPERTIES = (
    "data",
    "headers",
    "contentType",
    "contentEncoding",
    "deliveryMode",
    "priority",
    "messageId",
    "correlationId",
    "replyTo",
    "expiration",
    "timestamp",
    "type",
    "userId",
    "appId",
)
#: What the AMQP triggers add to a received message; ignored when one is published again.
RECEIVED_ONLY = ("routingKey", "exchange", "redelivered")
PERSISTENT = 2


class Publish(AmqpConnection, Task):
    """Publish one message, or each message of a list, to an AMQP (RabbitMQ) exchange; output `messagesCount`.

    A message is a map of `data` (the body, written as `serdeType`) and properties: `headers`, `contentType`,
    `contentEncoding`, `deliveryMode` (2, persistent, unless set), `priority`, `messageId`, `correlationId`,
    `replyTo`, `expiration` (a duration), `timestamp`, `type`, `userId`, `appId`. `from` is such a map, a list of
    them, a JSON string of either, or a `kestra://` file with one message (JSON) per line, such as the file of
    the AMQP Trigger; any other value (in a list too) is a message's `data`. Each message is confirmed by the
    broker before the next one is sent.

    ```yaml
    - id: publish
      type: io.kestra.plugin.amqp.Publish
      host: localhost
      exchange: orders
      routingKey: new
      serdeType: JSON
      from:
        - data: {"id": 1, "item": "book"}
          headers:
            source: shop
        - data: {"id": 2, "item": "pen"}
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.amqp.Publish"

    exchange: Dynamic[str] = Field(
        default="", description="The exchange to publish to; the default exchange when empty.", examples=["orders"]
    )
    routing_key: Dynamic[str] | None = Field(
        default=None,
        description="The routing key (with the default exchange: the queue's name).",
        examples=["orders.new"],
    )
    from_: Dynamic[Any] = Field(
        alias="from",
        description="A message (a map with `data`), a list of messages, a JSON string of either, or a kestra:// "
        "file of messages, one per line.",
        examples=[[{"data": "value-1", "headers": {"source": "shop"}}, {"data": "value-2"}]],
    )
    serde_type: SerdeType = Field(default=SerdeType.STRING, description="How `data` is written: STRING or JSON.")

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        yield from self.connection_problems()
        literal = self.from_ if isinstance(self.from_, list) else [self.from_]
        for index, item in enumerate(literal):
            if isinstance(item, Mapping) and (unknown := _unknown_properties(item)):
                path = ("from", index) if isinstance(self.from_, list) else ("from",)
                yield Problem(path, _unknown_message(unknown))

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        import aio_pika  # imported when the task runs, not when flows are validated
        from aio_pika.exceptions import ChannelNotFoundEntity

        messages = await _messages(ctx, ctx.render(self.from_))
        exchange_name = str(ctx.render(self.exchange) or "")
        routing_key = str(ctx.render(self.routing_key) or "")
        bodies = [_message(aio_pika, fields, self.serde_type, index) for index, fields in enumerate(messages)]
        connection = await self.connect(ctx.render)
        try:
            channel = await connection.channel()  # with publisher confirms: each publish waits for the broker
            try:
                exchange = (
                    await channel.get_exchange(exchange_name, ensure=True)
                    if exchange_name
                    else channel.default_exchange
                )
            except ChannelNotFoundEntity:
                raise TaskFailed(f"the exchange '{exchange_name}' does not exist") from None
            for body in bodies:
                await exchange.publish(body, routing_key=routing_key, mandatory=False)
        finally:
            await close_quietly(connection)
        ctx.metric("records", len(bodies))
        ctx.logger.debug(f"published {len(bodies)} message(s) to exchange '{exchange_name}' with key '{routing_key}'")
        return {"messagesCount": len(bodies)}


async def _messages(ctx: RunContext, value: Any) -> list[Mapping[str, Any]]:
    """The messages `from` names, each a map of Kestra's `Message` properties."""
    if value is None:
        raise TaskFailed("from: a message, a list of messages or a kestra:// URI is required", retryable=False)
    if isinstance(value, str) and value.startswith("kestra://"):
        data = await asyncio.to_thread(ctx.read_file, value)
        try:
            return [_fields(json.loads(line), i) for i, line in enumerate(data.decode().splitlines()) if line.strip()]
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError too
            raise TaskFailed(f"from: '{value}' is not a file of JSON messages, one per line: {exc}") from None
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict | list):
            value = parsed
    items = value if isinstance(value, list) else [value]
    return [_fields(item, index) for index, item in enumerate(items)]


def _fields(item: Any, index: int) -> Mapping[str, Any]:
    if not isinstance(item, Mapping):
        return {"data": item}
    unknown = _unknown_properties(item)
    if unknown:
        raise TaskFailed(f"from[{index}]: {_unknown_message(unknown)}", retryable=False)
    return item


def _unknown_properties(item: Mapping[str, Any]) -> list[str]:
    return [str(key) for key in item if key not in MESSAGE_PROPERTIES and key not in RECEIVED_ONLY]


def _unknown_message(unknown: list[str]) -> str:
    return (
        f"unknown message propert{'ies' if len(unknown) > 1 else 'y'} {', '.join(repr(k) for k in unknown)}: "
        f"a message has {', '.join(MESSAGE_PROPERTIES)} (the body goes under `data`)"
    )


def _message(aio_pika: Any, fields: Mapping[str, Any], serde: SerdeType, index: int) -> Any:
    """The aio_pika.Message of one message's properties."""
    where = f"from[{index}]"
    headers = fields.get("headers")
    if headers is not None and not isinstance(headers, Mapping):
        raise TaskFailed(f"{where}.headers: expected a map, got {headers!r}", retryable=False)
    try:
        return aio_pika.Message(
            body=encode(fields.get("data"), serde),
            headers=dict(headers) if headers else None,
            content_type=_text(fields.get("contentType")),
            content_encoding=_text(fields.get("contentEncoding")),
            delivery_mode=_number(fields.get("deliveryMode"), PERSISTENT),
            priority=_number(fields.get("priority"), None),
            correlation_id=_text(fields.get("correlationId")),
            reply_to=_text(fields.get("replyTo")),
            expiration=_expiration(fields.get("expiration")),
            message_id=_text(fields.get("messageId")),
            timestamp=_timestamp(fields.get("timestamp")),
            type=_text(fields.get("type")),
            user_id=_text(fields.get("userId")),
            app_id=_text(fields.get("appId")),
        )
    except (TypeError, ValueError) as exc:
        raise TaskFailed(f"{where}: {exc}", retryable=False) from None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _number(value: Any, default: int | None) -> int | None:
    if value is None:
        return default
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"expected a number, got {value!r}") from None


def _expiration(value: Any) -> timedelta | None:
    """`PT10S` (Kestra's duration) or a number of seconds."""
    if value is None or isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    return parse_duration(str(value))


def _timestamp(value: Any) -> datetime | None:
    """An ISO date-time (`2023-01-09T08:46:33.103Z`) or epoch seconds."""
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"timestamp: expected an ISO date-time, got {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

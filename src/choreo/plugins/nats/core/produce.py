"""io.kestra.plugin.nats.core.Produce"""

from __future__ import annotations

import asyncio
import base64
import enum
import json
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.nats._connection import NatsConnection, NonEmpty, close, ensure_stream


class SerializationType(enum.StrEnum):
    """How a message's `data` becomes its payload."""

    STRING = "STRING"  # the text, in UTF-8
    BASE64 = "BASE64"  # the bytes a base64 text decodes to
    BINARY = "BINARY"  # the content of the kestra:// file it names


class Produce(NatsConnection, Task):
    """Publish messages to a NATS subject through JetStream; output `messagesCount`.

    `from` is one message or a list of them, or the kestra:// URI of a file with one message per line (JSON). A
    message is a map with `data` and optional `headers` (name → value; a list of values is sent joined with commas),
    or just its data as a string (data that is not text is sent as JSON). A stream is created for the subject when
    none holds it, so that JetStream triggers see every message.

    ```yaml
    - id: produce
      type: io.kestra.plugin.nats.core.Produce
      url: nats://localhost:4222
      subject: kestra.publish
      from:
        - headers:
            someHeaderKey: someHeaderValue
          data: Some message
        - data: Another message
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.nats.core.Produce"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.plugin.nats.Produce",)

    subject: Dynamic[NonEmpty] = Field(description="The subject to publish to.", examples=["kestra.publish"])
    from_: Dynamic[Any] = Field(
        alias="from",
        description="A message, a list of messages, or the kestra:// URI of a file with one message per line.",
        examples=[[{"headers": {"key": "value"}, "data": "Some message"}]],
    )
    serialization_type: Dynamic[SerializationType] = Field(
        default=SerializationType.STRING,
        description="How `data` is sent: STRING (as UTF-8 text), BASE64 (decoded to bytes), BINARY (the content of "
        "the kestra:// file it names).",
    )

    async def run(self, ctx: RunContext) -> dict[str, Any]:
        subject = str(ctx.render(self.subject))
        serialization = SerializationType(str(ctx.render(self.serialization_type)))
        messages = await _messages(ctx, ctx.render(self.from_))
        connection = await self.connect(ctx)
        try:
            js = connection.jetstream()
            if messages:
                await ensure_stream(js, subject)
            for message in messages:
                data, headers = await _payload(ctx, message, serialization)
                await js.publish(subject, data, headers=headers)
        finally:
            await close(connection)
        return {"messagesCount": len(messages)}


async def _messages(ctx: RunContext, source: Any) -> list[Any]:
    """The messages `from` names: its items, the lines of the file it points to, or the one message it is."""
    if isinstance(source, str) and source.startswith("kestra://"):
        text = (await asyncio.to_thread(ctx.read_file, source)).decode("utf-8")
        return [_parse(line) for line in text.splitlines() if line.strip()]
    if isinstance(source, str) and source.lstrip()[:1] in ("{", "["):
        try:
            source = json.loads(source)  # a rendered expression: the map or list it printed
        except ValueError:
            pass
    if source is None:
        return []
    return list(source) if isinstance(source, list | tuple) else [source]


def _parse(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        raise TaskFailed(f"`from`: a line of the file is not JSON: {line[:200]}", retryable=False) from None


async def _payload(
    ctx: RunContext, message: Any, serialization: SerializationType
) -> tuple[bytes, dict[str, str] | None]:
    if not isinstance(message, dict):
        message = {"data": message}
    unknown = set(message) - {"data", "headers"}
    if unknown:
        raise TaskFailed(f"`from`: a message has only `data` and `headers`, not {sorted(unknown)}", retryable=False)
    given = message.get("headers") or {}
    if not isinstance(given, dict):
        raise TaskFailed(f"`from`: a message's `headers` is a map of names to values, not {given!r}", retryable=False)
    headers = {  # nats-py keeps one value per name: a list is sent joined with commas
        str(name): ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
        for name, value in given.items()
    }
    data = message.get("data")
    if data is None:
        payload = b""
    elif serialization == SerializationType.BASE64:
        payload = base64.b64decode(str(data))
    elif serialization == SerializationType.BINARY:
        payload = await asyncio.to_thread(ctx.read_file, str(data))
    else:
        payload = (data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)).encode("utf-8")
    return payload, headers or None

"""What NATS plugins share: the connection properties, the JetStream stream of a subject, the durable pull consumer,
and a received message as Kestra's `trigger.*` variables."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Protocol

from pydantic import Field

from choreo.model.plugin import PluginModel
from choreo.model.types import Dynamic
from choreo.plugins.context import TaskLogger

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.aio.msg import Msg
    from nats.js import JetStreamContext


#: A text that must not be empty (a template is checked once rendered).
NonEmpty = Annotated[str, Field(min_length=1)]


class Renderer(Protocol):
    """What the connection needs of a run or trigger context."""

    @property
    def logger(self) -> TaskLogger: ...

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any: ...


class DeliverPolicy(enum.StrEnum):
    """Where a new consumer starts in the stream (Kestra's names)."""

    ALL = "All"
    LAST = "Last"
    NEW = "New"
    BY_START_SEQUENCE = "ByStartSequence"
    BY_START_TIME = "ByStartTime"
    LAST_PER_SUBJECT = "LastPerSubject"

    @classmethod
    def _missing_(cls, value: object) -> DeliverPolicy | None:
        """`all`, `ALL`, `by_start_time`… name the same policies."""
        wanted = str(value).replace("_", "").lower()
        return next((policy for policy in cls if policy.value.lower() == wanted), None)


class NatsConnection(PluginModel):
    """The connection properties of every NATS task and trigger (Kestra's `NatsConnectionInterface`)."""

    url: Dynamic[NonEmpty] = Field(
        description="The NATS server: `nats://host:port` (`host:port` also works); a token may be given as "
        "`nats://token@host:port`.",
        examples=["nats://localhost:4222"],
    )
    username: Dynamic[str] | None = Field(default=None, description="User name, with `password`.")
    password: Dynamic[str] | None = Field(default=None, description="Password of `username`.")
    token: Dynamic[str] | None = Field(default=None, description="Token authentication.")
    creds: Dynamic[str] | None = Field(
        default=None, description="The content of a credentials file (a user JWT and its NKey seed)."
    )

    async def connect(self, ctx: Renderer) -> Client:
        import nats  # imported when a NATS trigger or task runs, not when flows are validated
        from nats.aio.client import RawCredentials

        connected = False

        async def on_error(error: Exception) -> None:
            if connected:  # failing to connect is said once, by the error raised below
                ctx.logger.warn(f"NATS: {type(error).__name__}: {error}")

        # Two quick attempts, then no reconnection: a connection that fails ends the task, or the trigger, whose
        # listener starts again (nats-py would otherwise retry for two minutes before saying anything).
        options: dict[str, Any] = {
            "connect_timeout": 5,
            "allow_reconnect": False,
            "max_reconnect_attempts": 1,
            "reconnect_time_wait": 0.2,
            "error_cb": on_error,
        }
        username, password = _text(ctx, self.username), _text(ctx, self.password)
        if username is not None and password is not None:
            options.update(user=username, password=password)
        token = _text(ctx, self.token)
        if token is not None:
            options["token"] = token
        creds = _text(ctx, self.creds)
        if creds is not None:
            options["user_credentials"] = RawCredentials(creds)
        url = str(ctx.render(self.url))
        try:
            connection = await nats.connect(url, **options)
        except Exception as exc:
            raise ConnectionError(f"cannot connect to NATS at {_server(url)}: {type(exc).__name__}: {exc}") from exc
        connected = True
        return connection


async def close(connection: Client, unacknowledged: Iterable[Msg] = ()) -> None:
    """Hand back the messages received but not acknowledged (delivered again at once rather than after the ack
    wait), then close the connection; best effort, bounded in time (the consumer redelivers them anyway)."""
    with contextlib.suppress(Exception):
        async with asyncio.timeout(2):
            for message in unacknowledged:
                await message.nak()
            await connection.close()


def _server(url: str) -> str:
    """`host:port` of a URL, without the credentials it may hold."""
    return url.split("://", 1)[-1].rsplit("@", 1)[-1]


def _text(ctx: Renderer, value: str | None) -> str | None:
    return None if value is None else str(ctx.render(value))


def stream_name(subject: str) -> str:
    """The name of the stream created for a subject no stream covers: `orders.new` → `orders_new`."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", subject)


async def ensure_stream(js: JetStreamContext, subject: str) -> str:
    """The stream that holds `subject`; one named after the subject is created when no stream covers it."""
    from nats.js.errors import BadRequestError, NotFoundError

    try:
        return await js.find_stream_name_by_subject(subject)
    except NotFoundError:
        pass
    name = stream_name(subject)
    try:
        await js.add_stream(name=name, subjects=[subject])
    except BadRequestError:  # created meanwhile by another consumer or producer
        return await js.find_stream_name_by_subject(subject)
    return name


async def pull_consumer(
    ctx: Renderer,
    js: JetStreamContext,
    subject: str,
    durable_id: str | None,
    deliver_policy: DeliverPolicy | str,
    since: str | None,
) -> JetStreamContext.PullSubscription:
    """A pull subscription with explicit acks: to the durable consumer `durable_id` (created on first use, kept
    between runs so each message is delivered once), or to a new ephemeral consumer."""
    from nats.js import api

    policy = DeliverPolicy(str(ctx.render(deliver_policy)))
    start = datetime.fromisoformat(str(ctx.render(since))) if since is not None else None
    if start is not None and policy == DeliverPolicy.ALL:
        policy = DeliverPolicy.BY_START_TIME  # `since` alone means: from that time on
    if policy == DeliverPolicy.BY_START_TIME and start is None:
        raise ValueError("deliverPolicy ByStartTime needs `since`, the date-time to start from")
    config = api.ConsumerConfig(
        ack_policy=api.AckPolicy.EXPLICIT,
        deliver_policy=api.DeliverPolicy(_NATS_POLICIES[policy]),
        opt_start_time=start if policy == DeliverPolicy.BY_START_TIME else None,
    )
    stream = await ensure_stream(js, subject)
    if durable_id:
        await _check_durable(js, stream, durable_id, subject)
    return await js.pull_subscribe(subject, durable=durable_id or None, stream=stream, config=config)


async def _check_durable(js: JetStreamContext, stream: str, durable_id: str, subject: str) -> None:
    """An existing durable consumer is used as it is (its start was fixed when it was created), but one that filters
    another subject would silently consume the wrong messages: that is an error."""
    from nats.js.errors import NotFoundError

    try:
        info = await js.consumer_info(stream, durable_id)
    except NotFoundError:
        return
    filters = info.config.filter_subjects or ([info.config.filter_subject] if info.config.filter_subject else [])
    if filters and subject not in filters:
        raise ValueError(
            f"the durable consumer '{durable_id}' of stream '{stream}' consumes {', '.join(filters)}, not {subject}: "
            "choose another durableId (or delete that consumer)"
        )


_NATS_POLICIES = {
    DeliverPolicy.ALL: "all",
    DeliverPolicy.LAST: "last",
    DeliverPolicy.NEW: "new",
    DeliverPolicy.BY_START_SEQUENCE: "by_start_sequence",
    DeliverPolicy.BY_START_TIME: "by_start_time",
    DeliverPolicy.LAST_PER_SUBJECT: "last_per_subject",
}


def message_variables(msg: Msg) -> dict[str, Any]:
    """A JetStream message as Kestra's `NatsMessageOutput`: `subject`, `headers` (name → values), `data` (text),
    `timestamp` (when the stream stored it)."""
    timestamp = msg.metadata.timestamp.astimezone(UTC)
    return {
        "subject": msg.subject,
        "headers": {name: [value] for name, value in (msg.headers or {}).items()},
        "data": msg.data.decode("utf-8", errors="replace"),
        "timestamp": _iso(timestamp),
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")

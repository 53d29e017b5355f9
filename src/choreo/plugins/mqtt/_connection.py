"""What MQTT plugins share: the connection properties (Kestra's `MqttConnectionInterface`), the subscription ones,
the serialisation of payloads (`serdeType`) and the client built from them.

aiomqtt (and paho-mqtt under it) is imported when a trigger or task runs, never when a flow is validated.
"""

from __future__ import annotations

import base64
import enum
import json
import math
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from choreo.model.base import DOCUMENT_CONFIG
from choreo.model.types import Duration, Dynamic

if TYPE_CHECKING:
    import aiomqtt

#: MQTT 5 session expiry of a persistent session: 0xFFFFFFFF means "never", as a MQTT 3.1.1 persistent session.
SESSION_NEVER_EXPIRES = 0xFFFFFFFF
#: Kestra's default connection timeout.
DEFAULT_TIMEOUT_SECONDS = 30.0

_SCHEMES = {  # scheme → (transport, TLS, default port)
    "tcp": ("tcp", False, 1883),
    "mqtt": ("tcp", False, 1883),
    "ssl": ("tcp", True, 8883),
    "tls": ("tcp", True, 8883),
    "mqtts": ("tcp", True, 8883),
    "ws": ("websockets", False, 80),
    "wss": ("websockets", True, 443),
}


class SerdeType(enum.StrEnum):
    STRING = "STRING"
    JSON = "JSON"
    BYTES = "BYTES"


class MqttVersion(enum.StrEnum):
    V3 = "V3"
    V5 = "V5"


Qos = Annotated[int, Field(ge=0, le=2)]


class MqttConnection(BaseModel):
    """The connection properties of every MQTT task and trigger (mixed into them)."""

    model_config = DOCUMENT_CONFIG

    server: Dynamic[str] = Field(
        description="The broker's address: `tcp://` (or `mqtt://`), `ssl://` (or `mqtts://`), `ws://` or `wss://`; "
        "the port defaults to 1883 for TCP and 8883 for TLS.",
        examples=["tcp://localhost:1883"],
    )
    client_id: Dynamic[str] | None = Field(
        default=None,
        description="The client identifier, unique on the broker. The broker keeps a persistent session (its "
        "subscriptions and the messages not acknowledged yet) under it.",
        examples=["kestraProducer"],
    )
    username: Dynamic[str] | None = Field(default=None, description="The user name to connect with.")
    password: Dynamic[str] | None = Field(default=None, description="The password to connect with.")
    mqtt_version: MqttVersion = Field(default=MqttVersion.V5, description="The MQTT protocol version: V5 or V3.")
    version: MqttVersion | None = Field(
        default=None, description="Older name of `mqttVersion` (earlier Kestra MQTT plugin versions)."
    )
    connection_timeout: Duration | None = Field(
        default=None,
        description="How long to wait for the broker (connection, acknowledgements); 30 seconds by default, "
        "PT0S waits forever.",
        examples=["PT10S"],
    )
    https_hostname_verification_enabled: bool | None = Field(
        default=None, description="Verify that the TLS certificate names the server (true by default)."
    )
    auth_method: Dynamic[str] | None = Field(
        default=None, description="MQTT 5 only: the name of the extended authentication method."
    )
    crt: Dynamic[str] | None = Field(
        default=None,
        description="The CA certificate of a TLS server: a file path, or the PEM text itself.",
        examples=["{{ secret('MQTT_CA_CERT') }}"],
    )

    def protocol_version(self) -> MqttVersion:
        """`mqttVersion`, or the legacy `version` when only that one is set."""
        if self.version is not None and "mqtt_version" not in self.model_fields_set:
            return self.version
        return self.mqtt_version


class MqttSubscription(BaseModel):
    """The subscription properties of the MQTT triggers (mixed into them)."""

    model_config = DOCUMENT_CONFIG

    topic: Dynamic[str | list[str]] = Field(
        description="The topic (filter) to consume, or a list of them; wildcards `+` and `#` allowed.",
        examples=[["kestra/sensors/cpu", "kestra/sensors/mem"]],
    )
    qos: Dynamic[Qos] = Field(
        default=1,
        description="The quality of service of the subscription: 0 (at most once), 1 (at least once: a message "
        "is acknowledged only once its execution is stored) or 2 (exactly once to the client).",
    )
    serde_type: Dynamic[SerdeType] = Field(
        default=SerdeType.JSON, description="How payloads are read: JSON, STRING or BYTES (base64 text)."
    )


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    transport: str
    tls: bool
    path: str | None


def parse_server(server: str) -> Server:
    """`tcp://host:1883` → its parts; a clear error for an unknown scheme."""
    text = server.strip()
    if "://" not in text:
        text = "tcp://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        known = ", ".join(f"{s}://" for s in _SCHEMES)
        raise ValueError(f"server '{server}': unknown scheme '{scheme}://' (expected one of {known})")
    transport, tls, default_port = _SCHEMES[scheme]
    if not parts.hostname:
        raise ValueError(f"server '{server}': no host")
    path = (parts.path or "/") if transport == "websockets" else None
    return Server(parts.hostname, parts.port or default_port, transport, tls, path)


def trigger_client_id(namespace: str, flow_id: str, trigger_id: str) -> str:
    """The stable client id of a trigger without `clientId`: its persistent session outlives restarts."""
    return f"choreo-{namespace}.{flow_id}.{trigger_id}"


def topics_of(value: Any) -> list[str]:
    topics = value if isinstance(value, list) else [value]
    found = [str(t) for t in topics if t is not None and str(t)]
    if not found:
        raise ValueError("no topic to subscribe to")
    return found


def matches(topic: str, filters: list[str]) -> bool:
    """Whether a message's topic matches one of the filters subscribed to (shared subscriptions included)."""
    from aiomqtt import Topic

    for wildcard in filters:
        try:
            if Topic(topic).matches(wildcard):
                return True
        except ValueError:  # a filter aiomqtt cannot read: the broker matched it, trust the broker
            return True
    return False


def client(
    render: Callable[[Any], Any],
    conn: MqttConnection,
    *,
    identifier: str | None,
    persistent: bool,
    manual_ack: bool = False,
) -> aiomqtt.Client:
    """An aiomqtt client (not connected yet: `async with` it) from the rendered connection properties.

    `persistent`: the broker keeps the session (subscriptions, unacknowledged messages) when the client is away
    (MQTT 3.1.1 clean session off; MQTT 5 clean start off with a session that never expires). `manual_ack`: QoS 1
    messages are acknowledged by `ack()`, not on receipt.
    """
    import aiomqtt  # imported when an MQTT trigger or task runs, not when flows are validated
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    server = parse_server(str(render(conn.server)))
    v5 = conn.protocol_version() == MqttVersion.V5
    options: dict[str, Any] = {}
    if v5:
        properties = Properties(PacketTypes.CONNECT)
        if persistent:
            properties.SessionExpiryInterval = SESSION_NEVER_EXPIRES
        if conn.auth_method:
            properties.AuthenticationMethod = str(render(conn.auth_method))
        options["clean_start"] = not persistent
        options["properties"] = None if properties.isEmpty() else properties
    else:
        options["clean_session"] = not persistent
    if server.tls:
        options["tls_context"] = _tls_context(render(conn.crt) if conn.crt else None, conn)
    if server.path is not None:
        options["websocket_path"] = server.path
    mqtt = aiomqtt.Client(
        server.host,
        server.port,
        username=str(render(conn.username)) if conn.username is not None else None,
        password=str(render(conn.password)) if conn.password is not None else None,
        identifier=identifier,
        protocol=aiomqtt.ProtocolVersion.V5 if v5 else aiomqtt.ProtocolVersion.V311,
        transport=server.transport,  # type: ignore[arg-type]
        timeout=_timeout(conn.connection_timeout),
        **options,
    )
    if manual_ack:
        # aiomqtt 2.x has no manual acknowledgement of its own; paho-mqtt, which it wraps, has (since 2.0).
        mqtt._client.manual_ack_set(True)
    return mqtt


def ack(mqtt: aiomqtt.Client, mid: int, qos: int) -> None:
    """Send the PUBACK of a QoS 1 message received with manual acknowledgement."""
    mqtt._client.ack(mid, qos)


async def subscribe(mqtt: aiomqtt.Client, topics: list[str], qos: int, version: MqttVersion) -> None:
    """Subscribe to every topic; an error when the broker refuses one."""
    if version == MqttVersion.V5:
        from paho.mqtt.subscribeoptions import SubscribeOptions

        # retainHandling 1: retained messages only for a new subscription, not again at each reconnection.
        wanted: list[Any] = [(t, SubscribeOptions(qos=qos, retainHandling=1)) for t in topics]
    else:
        wanted = [(t, qos) for t in topics]
    granted = await mqtt.subscribe(wanted)
    for topic, code in zip(topics, granted, strict=False):
        value = code.value if hasattr(code, "value") else int(code)
        if value >= 0x80:
            raise ConnectionError(f"the broker refused the subscription to '{topic}': {code}")


def encode(value: Any, serde: SerdeType) -> bytes:
    if isinstance(value, bytes):
        return value
    if serde == SerdeType.JSON:
        return json.dumps(value, separators=(",", ":")).encode()
    if serde == SerdeType.BYTES:
        if isinstance(value, str):
            return base64.b64decode(value, validate=True)
        raise ValueError(f"serdeType BYTES expects base64 text, got {type(value).__name__}")
    return (value if isinstance(value, str) else json.dumps(value)).encode()


def decode(payload: bytes, serde: SerdeType) -> Any:
    if serde == SerdeType.JSON:
        return json.loads(payload) if payload else None
    if serde == SerdeType.BYTES:
        return base64.b64encode(payload).decode("ascii")  # as Jackson writes a byte[]
    return payload.decode("utf-8", errors="replace")


def message_variables(message: aiomqtt.Message, serde: SerdeType) -> dict[str, Any]:
    """Kestra's message output: `id`, `topic`, `qos`, `properties`, `payload`, `retain` (decoding may raise)."""
    payload = message.payload if isinstance(message.payload, bytes) else str(message.payload).encode()
    properties = message.properties.json() if message.properties is not None else {}
    return {
        "id": message.mid,
        "topic": str(message.topic),
        "qos": message.qos,
        "properties": _plain(properties),
        "payload": decode(payload, serde),
        "retain": bool(message.retain),
    }


def _plain(value: Any) -> Any:
    """JSON-friendly: tuples as lists, bytes as hex."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return value


def _timeout(timeout: timedelta | None) -> float:
    if timeout is None:
        return DEFAULT_TIMEOUT_SECONDS
    seconds = timeout.total_seconds()
    return math.inf if seconds <= 0 else seconds


def _tls_context(crt: Any, conn: MqttConnection) -> ssl.SSLContext:
    if crt and "-----BEGIN" in str(crt):
        context = ssl.create_default_context(cadata=str(crt))
    else:
        context = ssl.create_default_context(cafile=str(crt) if crt else None)
    if conn.https_hostname_verification_enabled is False:
        context.check_hostname = False
    return context

"""What Redis plugins share: the serialisation of values (`serdeType`) and the connection from a URL."""

from __future__ import annotations

import enum
import json
from typing import Any


class SerdeType(enum.StrEnum):
    STRING = "STRING"
    JSON = "JSON"


def encode(value: Any, serde: SerdeType) -> str:
    if serde == SerdeType.JSON:
        return json.dumps(value, separators=(",", ":"))
    return value if isinstance(value, str) else json.dumps(value)


def decode(raw: bytes | str, serde: SerdeType) -> Any:
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    return json.loads(text) if serde == SerdeType.JSON else text


def client(url: str) -> Any:
    import redis.asyncio  # imported when a Redis trigger or task runs, not when flows are validated

    return redis.asyncio.from_url(url)

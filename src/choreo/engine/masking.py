"""Secrets never leave in clear: log lines and outputs have every known secret value replaced by `******`,
including its base64 and URL-encoded forms."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "******"
MIN_SECRET_LENGTH = 3  # shorter values would mask ordinary text everywhere


class Masker:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if len(secret) < MIN_SECRET_LENGTH:
                continue
            forms.update({secret, quote(secret, safe=""), quote_plus(secret)})
            forms.add(base64.b64encode(secret.encode()).decode().rstrip("="))
        ordered = sorted(forms, key=len, reverse=True)  # longest first: a secret inside another is still masked
        self._pattern = re.compile("|".join(re.escape(f) for f in ordered)) if ordered else None

    def text(self, value: str) -> str:
        return self._pattern.sub(MASK, value) if self._pattern is not None else value

    def value(self, value: Any) -> Any:
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        return value

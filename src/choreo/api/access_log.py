"""An access log without secrets: webhook keys are masked and query strings are left out."""

from __future__ import annotations

import logging
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("choreo.access")

_WEBHOOK_KEY = re.compile(r"(/executions/webhook/[^/]+/[^/]+/)[^/]+")


def masked(path: str) -> str:
    return _WEBHOOK_KEY.sub(r"\1***", path)


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            log.info("%s %s %d %.1fms", scope["method"], masked(scope["path"]), status, elapsed)

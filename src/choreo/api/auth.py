"""Authentication for every request but an exact allowlist, before routing.

Checked on the raw request path, so no spelling of a protected route (`//`, `;`, `%2e%2e`, case, trailing slash)
reaches a handler without credentials: only exact allowlisted paths are let through. Basic credentials are compared
in constant time; Bearer tokens are looked up by hash."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from collections.abc import Callable, Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from choreo.server.config import User

#: Webhooks carry their own key; the health check is for load balancers; the UI's files hold no data (the app asks
#: for credentials when the API answers 401). No UI path segment may start with a dot, so `..` never matches.
ALLOWLIST = (
    re.compile(r"/health"),
    re.compile(r"/"),
    re.compile(r"/ui(/|(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+/?)?"),
    re.compile(r"/api/v1/[A-Za-z0-9_-]+/executions/webhook/[A-Za-z0-9._-]+/[A-Za-z0-9_-]+/[A-Za-z0-9._~-]+"),
)

TokenCheck = Callable[[str], bool]


def allowlisted(raw_path: str) -> bool:
    return any(pattern.fullmatch(raw_path) for pattern in ALLOWLIST)


class Authenticator:
    def __init__(self, users: Sequence[User], token_check: TokenCheck) -> None:
        self.users = list(users)
        self.token_check = token_check

    @property
    def enabled(self) -> bool:
        return bool(self.users)

    def check(self, authorization: str | None) -> bool:
        if not authorization:
            return False
        scheme, _, credentials = authorization.partition(" ")
        scheme = scheme.lower()
        if scheme == "bearer":
            return bool(credentials) and self.token_check(credentials.strip())
        if scheme == "basic":
            try:
                username, sep, password = base64.b64decode(credentials.strip(), validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return False
            if not sep:
                return False
            matched = False
            for user in self.users:  # every user is compared, so the time does not tell which one nearly matched
                same_name = hmac.compare_digest(username.encode(), user.username.encode())
                same_password = hmac.compare_digest(password.encode(), user.password.encode())
                matched |= same_name and same_password
            # An API token may also be given as the password of Basic credentials (for clients that only do Basic).
            return matched or (username in ("", "token") and self.token_check(password))
        return False


class AuthMiddleware:
    def __init__(self, app: ASGIApp, authenticator: Authenticator) -> None:
        self.app = app
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not self.authenticator.enabled:
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path") or scope["path"].encode()
        if allowlisted(raw.decode("latin-1")):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        value = headers.get(b"authorization")
        if self.authenticator.check(value.decode("latin-1") if value else None):
            await self.app(scope, receive, send)
            return
        body = json.dumps({"message": "Unauthorized: credentials are required"}).encode()
        response_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        # The challenge makes a browser show its own password prompt (and a headless one hang the request): the web
        # UI, which says who it is, gets the plain 401 and shows its login page; curl and SDKs get the challenge.
        if headers.get(b"x-requested-with", b"").lower() != b"xmlhttprequest":
            response_headers.append((b"www-authenticate", b'Basic realm="choreo"'))
        await send({"type": "http.response.start", "status": 401, "headers": response_headers})
        await send({"type": "http.response.body", "body": body})

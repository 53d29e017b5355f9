"""The FastAPI application over a server runtime: Kestra's API v1 under `/api/v1/{tenant}` (tenant `main`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request

from choreo import __version__
from choreo.api import errors
from choreo.api.auth import Authenticator, AuthMiddleware
from choreo.api.errors import ApiError
from choreo.server.runtime import Runtime

TENANT = "main"


def check_tenant(tenant: str) -> str:
    """Routers under `/api/v1/{tenant}` depend on this: Choreo serves one tenant, `main`."""
    if tenant != TENANT:
        raise ApiError(404, f"tenant '{tenant}' not found: this server serves the tenant '{TENANT}'")
    return tenant


def tenant_router(**kwargs: Any) -> APIRouter:
    """A router for routes under `/api/v1/{tenant}`."""
    return APIRouter(prefix="/api/v1/{tenant}", dependencies=[Depends(check_tenant)], **kwargs)


def runtime(request: Request) -> Runtime:
    """The runtime serving this request (routes take it with `Depends(runtime)`)."""
    return request.app.state.runtime


def create_app(rt: Runtime) -> FastAPI:
    from choreo.api.routes import executions, flows, logs, misc, namespaces, plugins, triggers

    app = FastAPI(
        title="Choreo",
        version=__version__,
        description="Kestra-compatible API: flows, executions, logs, KV, namespace files, triggers, plugins.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.runtime = rt
    errors.install(app)
    for module in (flows, executions, logs, namespaces, triggers, plugins, misc):
        app.include_router(module.router)
    authenticator = Authenticator(rt.config.users, lambda secret: rt.store.tokens.verify(secret) is not None)
    app.add_middleware(AuthMiddleware, authenticator=authenticator)
    return app

"""The FastAPI application over a server runtime: Kestra's API v1 under `/api/v1/{tenant}` (tenant `main`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.routing import APIRoute

from choreo import __version__
from choreo.api import docs_page, errors, ui
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


def _operation_id(route: APIRoute) -> str:
    """Unique even for a handler served on several paths and methods (webhooks, Kestra 1.x and 2.x spellings)."""
    methods = "_".join(sorted(route.methods or ()))
    path = (
        route.path_format.replace("/api/v1/{tenant}", "").strip("/").replace("/", "_").replace("{", "").replace("}", "")
    )
    return f"{route.name}_{methods}_{path}".lower()


def create_app(rt: Runtime) -> FastAPI:
    from choreo.api.routes import executions, flows, logs, misc, namespaces, plugins, triggers

    app = FastAPI(
        title="Choreo",
        version=__version__,
        description="Kestra-compatible API: flows, executions, logs, KV, namespace files, triggers, plugins.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served by docs_page: no CDN
        redoc_url=None,
        generate_unique_id_function=_operation_id,
    )
    app.state.runtime = rt
    errors.install(app)
    docs_page.install(app)
    ui.install(app)
    # misc first: its literal paths (`/executions/daily`) must win over templated ones of other modules
    for module in (misc, flows, executions, logs, namespaces, triggers, plugins):
        app.include_router(module.router)
    authenticator = Authenticator(rt.config.users, lambda secret: rt.store.tokens.verify(secret) is not None)
    app.add_middleware(AuthMiddleware, authenticator=authenticator)
    return app

"""Serving: the API (uvicorn) and the runtime's components on one event loop, until SIGINT or SIGTERM; then the
workers drain for the grace period (what does not finish is re-queued) and the store closes."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import signal

import uvicorn

from choreo.server.config import ServerConfig
from choreo.server.gc_tuning import tune_gc
from choreo.server.runtime import COMPONENTS, Runtime

log = logging.getLogger("choreo.server")


def loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def effective_host(config: ServerConfig) -> str:
    """Without authentication the API is open: it listens on 127.0.0.1 only, whatever was asked."""
    if config.auth_enabled or loopback(config.host):
        return config.host
    log.warning("no authentication is configured: listening on 127.0.0.1 only, not %s", config.host)
    return "127.0.0.1"


async def serve(
    config: ServerConfig, *, ready: asyncio.Event | None = None, components: frozenset[str] | None = None
) -> None:
    """The API and UI, with `components` (all of them by default: `server local` / `standalone`; none for
    `server webserver`)."""
    from choreo.api.access_log import AccessLog
    from choreo.api.app import create_app

    rt = Runtime(config)
    app = AccessLog(create_app(rt))
    tune_gc()
    host = effective_host(config)
    server = _Server(
        uvicorn.Config(app, host=host, port=config.port, access_log=False, log_level="warning", lifespan="off")
    )
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, server.request_exit)
    if config.auth_enabled:
        log.info("authentication required (basic auth users: %d; API tokens accepted)", len(config.users))
    else:
        log.warning("the API is OPEN (no authentication configured): anyone on this machine can use it")
    stop = asyncio.Event()
    running = asyncio.create_task(
        rt.run(stop, COMPONENTS if components is None else components, webserver=True), name="runtime"
    )
    try:
        serving = asyncio.create_task(server.serve(), name="api")
        while not server.started and not serving.done():
            await asyncio.sleep(0.01)
        if server.started:
            log.info("Choreo %s serving on http://%s:%d (database %s)", _version(), host, config.port, rt.store)
            if ready is not None:
                ready.set()
        await serving
    finally:
        stop.set()
        await running
        rt.close()


async def run_components(config: ServerConfig, components: frozenset[str]) -> None:
    """Components without the API (`choreo server scheduler`), until SIGINT or SIGTERM."""
    rt = Runtime(config)
    tune_gc()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    log.info("Choreo %s running %s on %s", _version(), ", ".join(sorted(components)), rt.store)
    try:
        await rt.run(stop, components)
    finally:
        rt.close()


class _Server(uvicorn.Server):
    """uvicorn's server with our signal handling: SIGTERM is a graceful stop that exits 0, not a re-raised signal."""

    def capture_signals(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def request_exit(self) -> None:
        if self.should_exit:
            self.force_exit = True  # a second signal: stop waiting for open connections
        self.should_exit = True


def _version() -> str:
    from choreo import __version__

    return __version__

"""Flows deployed from a directory (`server local -f DIR`): saved to the store at start, saved again when their file
changes, deleted when their file goes away. Invalid files are reported and leave the stored flow as it was."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from choreo.app import Choreo
from choreo.store import Store
from choreo.store.errors import NotFound

log = logging.getLogger("choreo.flows")

WATCH_SECONDS = 1.0


def save_flow(app: Choreo, store: Store, source: str, filename: str | None = None) -> tuple[str, str, int]:
    """Validate and store a flow's YAML as its next revision: (namespace, id, revision). FlowInvalid otherwise."""
    flow = app.flows.load(source, filename)
    revision = store.flows.save(
        flow.namespace, flow.id, source, flow_json=flow.model_dump(mode="json", by_alias=True, exclude_none=True)
    )
    return flow.namespace, flow.id, revision


class FlowDirectory:
    def __init__(self, app: Choreo, store: Store, directory: Path) -> None:
        self.app = app
        self.store = store
        self.directory = directory
        self._seen: dict[Path, tuple[float, tuple[str, str] | None]] = {}  # file → (mtime, flow it holds)

    def files(self) -> list[Path]:
        return sorted(p for p in self.directory.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())

    def sync(self) -> None:
        """Deploy new and changed files, delete the flows of removed ones."""
        current = {}
        for path in self.files():
            try:
                current[path] = path.stat().st_mtime
            except OSError:
                continue
        for path, mtime in current.items():
            seen = self._seen.get(path)
            if seen is None or seen[0] != mtime:
                self._seen[path] = (mtime, self._deploy(path))
        for path in [p for p in self._seen if p not in current]:
            _, flow = self._seen.pop(path)
            if flow is not None and not any(other == flow for _, other in self._seen.values()):
                try:
                    self.store.flows.delete(*flow)
                    log.info("%s removed: flow %s.%s deleted", path, *flow)
                except NotFound:
                    pass

    def _deploy(self, path: Path) -> tuple[str, str] | None:
        try:
            namespace, flow_id, revision = save_flow(self.app, self.store, path.read_text(encoding="utf-8"), str(path))
        except Exception as exc:  # an invalid file is reported; the server goes on with the others
            log.warning("%s", exc)
            return None
        log.info("%s: flow %s.%s revision %d", path, namespace, flow_id, revision)
        return namespace, flow_id

    async def watch(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), WATCH_SECONDS)
            except TimeoutError:
                self.sync()

"""Flows as the store keeps them, parsed once per revision: what executors and workers look flows up in."""

from __future__ import annotations

import threading
from collections import OrderedDict

from choreo.model.flow import Flow
from choreo.model.loader import FlowLoader
from choreo.store import Store
from choreo.store.records import FlowRecord


class StoredFlows:
    """Revisions are immutable, so a parsed revision is cached for good (least recently used ones dropped)."""

    def __init__(self, store: Store, loader: FlowLoader, *, size: int = 16_384) -> None:
        self.store = store
        self.loader = loader
        self.size = size
        self._parsed: OrderedDict[tuple[str, str, int], Flow] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, namespace: str, flow_id: str, revision: int | None = None) -> Flow | None:
        """The flow at `revision`, or its latest live revision; None when there is none."""
        if revision is None:  # one key lookup; the revision itself is most often parsed already
            revision = self.store.flows.latest_revision(namespace, flow_id)
            if revision is None:
                return None
        with self._lock:
            cached = self._parsed.get((namespace, flow_id, revision))
            if cached is not None:
                self._parsed.move_to_end((namespace, flow_id, revision))
                return cached
        record = self.store.flows.get(namespace, flow_id, revision)
        return self.parse(record) if record is not None else None

    def parse(self, record: FlowRecord) -> Flow:
        """The flow of a stored revision (with its revision number), cached."""
        key = (record.namespace, record.id, record.revision)
        with self._lock:
            cached = self._parsed.get(key)
        if cached is not None:
            return cached
        flow = self.loader.load(record.source, f"{record.namespace}.{record.id}").model_copy(
            update={"revision": record.revision}
        )
        with self._lock:
            self._parsed[key] = flow
            if len(self._parsed) > self.size:
                self._parsed.popitem(last=False)
        return flow

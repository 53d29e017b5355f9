"""The JSON documents the API serves, in Kestra's shapes (kestrapy's models are the reference)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from choreo.model.execution import Execution
from choreo.store.records import FlowRecord, KVEntry, LogEntry


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def flow_document(record: FlowRecord, *, source: bool = True) -> dict[str, Any]:
    """A flow revision as Kestra's `FlowWithSource` (or `Flow` without `source`)."""
    data = {key: value for key, value in record.flow_json.items() if value is not None}
    data["id"] = record.id
    data["namespace"] = record.namespace
    data["revision"] = record.revision
    data["updated"] = iso(record.updated)
    data["deleted"] = record.deleted
    data.setdefault("disabled", False)
    data.setdefault("draft", False)
    if source:
        data["source"] = record.source
    return data


def execution_document(execution: Execution, *, base_url: str | None = None) -> dict[str, Any]:
    """An execution as Kestra serves it (task-run outputs included, as Kestra 1.x did; 2.x reads them through
    /outputs); `metadata.originalCreatedDate` is always present."""
    data = execution.to_json()
    metadata = data.get("metadata") or {}
    metadata.setdefault("attemptNumber", 1)
    if not metadata.get("originalCreatedDate"):
        metadata["originalCreatedDate"] = iso(execution.state.start_date)
    data["metadata"] = metadata
    data["originalId"] = execution.original_id or execution.id
    data["deleted"] = execution.deleted
    if base_url is not None:
        data["url"] = f"{base_url.rstrip('/')}/ui/executions/{execution.namespace}/{execution.flow_id}/{execution.id}"
    return data


def log_document(entry: LogEntry) -> dict[str, Any]:
    return entry.to_json()


def kv_entry_document(entry: KVEntry) -> dict[str, Any]:
    return {
        "namespace": entry.namespace,
        "key": entry.key,
        "description": entry.description,
        "creationDate": iso(entry.created),
        "updateDate": iso(entry.updated),
        "expirationDate": iso(entry.expires_at),
    }


def page(results: list[Any], total: int) -> dict[str, Any]:
    return {"results": results, "total": total}

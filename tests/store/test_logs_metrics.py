from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from choreo.store import LogEntry, LogLevel, MetricEntry, MetricType, Store

T0 = datetime(2025, 1, 31, 8, 0, tzinfo=UTC)


def _log(message: str, *, at: int = 0, level: str = "INFO", execution_id: str = "e1", **fields: object) -> LogEntry:
    return LogEntry(
        namespace=str(fields.pop("namespace", "company.team")),
        flow_id="etl",
        execution_id=execution_id,
        task_id=str(fields.pop("task_id", "extract")),
        task_run_id=str(fields.pop("task_run_id", "tr1")),
        attempt_number=1,
        timestamp=T0 + timedelta(milliseconds=at),
        level=level,  # type: ignore[arg-type]
        thread="worker-1",
        message=message,
    )


def test_for_execution_is_ordered_and_filtered(store: Store) -> None:
    store.logs.append(
        [
            _log("second", at=2),
            _log("first", at=1, level="DEBUG"),
            _log("same time, stored later", at=2, level="WARN"),
            _log("other task", at=3, level="ERROR", task_id="load", task_run_id="tr2"),
        ]
    )
    store.logs.append([_log("elsewhere", execution_id="e2")])
    store.logs.append([])
    entries = store.logs.for_execution("e1")
    assert [e.message for e in entries] == ["first", "second", "same time, stored later", "other task"]
    first = entries[0]
    assert (first.level, first.timestamp, first.thread) == (LogLevel.DEBUG, T0 + timedelta(milliseconds=1), "worker-1")
    assert first.attempt_number == 1
    assert first.id is not None

    assert [e.message for e in store.logs.for_execution("e1", min_level="warn")] == [
        "same time, stored later",
        "other task",
    ]
    assert [e.message for e in store.logs.for_execution("e1", task_run_id="tr2")] == ["other task"]
    assert [e.message for e in store.logs.for_execution("e1", task_id="extract", min_level=LogLevel.INFO)] == [
        "second",
        "same time, stored later",
    ]
    newest_id = max(e.id or 0 for e in entries)
    store.logs.append([_log("tail", at=0)])
    assert [e.message for e in store.logs.for_execution("e1", after_id=newest_id)] == ["tail"]
    assert len(store.logs.for_execution("e1", limit=2)) == 2


def test_search(store: Store) -> None:
    store.logs.append([_log(f"line {n}", at=n, level="ERROR" if n % 3 == 0 else "INFO") for n in range(10)])
    store.logs.append([_log("Disk FULL", at=20, namespace="company.teamx", execution_id="e9")])
    page = store.logs.search(namespace="company.team", size=4)
    assert page.total == 10 and [e.message for e in page.items] == ["line 9", "line 8", "line 7", "line 6"]
    errors = store.logs.search(min_level="ERROR", sort="timestamp:asc")
    assert [e.message for e in errors.items] == ["line 0", "line 3", "line 6", "line 9"]
    assert [e.message for e in store.logs.search(text="disk full").items] == ["Disk FULL"]
    window = store.logs.search(start_after=T0 + timedelta(milliseconds=2), start_before=T0 + timedelta(milliseconds=4))
    assert [e.message for e in window.items] == ["line 3", "line 2"]
    assert store.logs.search(execution_id="e9").total == 1


def test_delete(store: Store) -> None:
    store.logs.append([_log("a"), _log("b"), _log("c", execution_id="e2", at=10_000)])
    assert store.logs.delete_for_execution("e1") == 2
    assert store.logs.for_execution("e1") == []
    assert store.logs.delete_before(T0 + timedelta(seconds=11)) == 1


def test_log_entry_checks_its_fields() -> None:
    assert LogEntry(namespace="n", flow_id="f", message="m", level="warn").level is LogLevel.WARN  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        LogEntry(namespace="n", flow_id="f", message="m", level="LOUD")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        LogEntry(namespace="n", flow_id="f", message="m", timestamp=datetime(2025, 1, 1))
    assert _log("x").to_json()["timestamp"] == "2025-01-31T08:00:00Z"


def test_metrics(store: Store) -> None:
    store.metrics.append(
        [
            MetricEntry(name="rows", type=MetricType.COUNTER, value=42, execution_id="e1", task_run_id="tr1",
                        tags={"table": "users"}, timestamp=T0 + timedelta(seconds=1)),
            MetricEntry(name="duration", type="timer", value=1.5, execution_id="e1", task_run_id="tr2",  # type: ignore[arg-type]
                        timestamp=T0),
            MetricEntry(name="rows", type=MetricType.COUNTER, value=1, execution_id="e2"),
        ]
    )  # fmt: skip
    points = store.metrics.for_execution("e1")
    assert [(p.name, p.type, p.value) for p in points] == [
        ("duration", MetricType.TIMER, 1.5),
        ("rows", MetricType.COUNTER, 42),
    ]
    assert points[1].tags == {"table": "users"} and points[1].timestamp == T0 + timedelta(seconds=1)
    assert [p.name for p in store.metrics.for_execution("e1", task_run_id="tr1")] == ["rows"]
    assert [p.value for p in store.metrics.for_execution("e1", name="duration")] == [1.5]
    assert store.metrics.delete_for_execution("e1") == 2

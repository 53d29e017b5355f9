from __future__ import annotations

import pytest

from choreo.store import NotFound, Store

SOURCE = (
    "id: hello\nnamespace: company.team   \r\n# a comment — kept\ntasks:\n  - id: log\n    type: Log\n    message: ☃\t"
)


def _json(flow_id: str = "hello", namespace: str = "company.team") -> dict[str, object]:
    return {"id": flow_id, "namespace": namespace, "tasks": [{"id": "log", "type": "Log"}]}


def test_source_is_kept_byte_for_byte(store: Store) -> None:
    assert store.flows.save("company.team", "hello", SOURCE, flow_json=_json()) == 1
    record = store.flows.get("company.team", "hello")
    assert record is not None
    assert record.source == SOURCE
    assert record.flow_json == _json()
    assert (record.namespace, record.id, record.revision, record.deleted) == ("company.team", "hello", 1, False)
    assert record.updated == store.clock()


def test_unchanged_source_keeps_the_revision(store: Store) -> None:
    assert store.flows.save("ns", "f", SOURCE, flow_json=_json()) == 1
    assert store.flows.save("ns", "f", SOURCE, flow_json=_json()) == 1
    assert store.flows.save("ns", "f", SOURCE + "\n", flow_json=_json()) == 2
    assert store.flows.save("ns", "f", SOURCE, flow_json=_json()) == 3
    assert [r.revision for r in store.flows.revisions("ns", "f")] == [1, 2, 3]
    first = store.flows.get("ns", "f", revision=2)
    assert first is not None and first.source == SOURCE + "\n"
    assert store.flows.get("ns", "f", revision=9) is None
    assert store.flows.get("ns", "missing") is None


def test_delete_is_a_flagged_revision(store: Store) -> None:
    store.flows.save("ns", "f", SOURCE, flow_json=_json())
    assert store.flows.delete("ns", "f") == 2
    assert store.flows.get("ns", "f") is None
    deleted = store.flows.get("ns", "f", deleted=True)
    assert deleted is not None and deleted.deleted and deleted.source == SOURCE and deleted.revision == 2
    assert [r.deleted for r in store.flows.revisions("ns", "f")] == [False, True]
    assert store.flows.list().total == 0
    with pytest.raises(NotFound):
        store.flows.delete("ns", "f")
    with pytest.raises(NotFound):
        store.flows.delete("ns", "never")
    assert store.flows.save("ns", "f", SOURCE, flow_json=_json()) == 3  # same source, but it brings the flow back
    assert store.flows.get("ns", "f") is not None


def test_list_filters_pages_and_orders(store: Store) -> None:
    for namespace, flow_id in [("a.b", "zeta"), ("a.b.c", "alpha"), ("a.bc", "beta"), ("a.b", "Alpine"), ("x", "y")]:
        store.flows.save(namespace, flow_id, f"id: {flow_id}", flow_json=_json(flow_id, namespace))
    store.flows.save("a.b", "zeta", "id: zeta\n# v2", flow_json=_json("zeta", "a.b"))

    page = store.flows.list("a.b")
    assert [(r.namespace, r.id) for r in page.items] == [("a.b", "Alpine"), ("a.b", "zeta"), ("a.b.c", "alpha")]
    assert page.total == 3
    assert page.items[1].revision == 2

    assert [r.id for r in store.flows.list(query="ALP").items] == ["Alpine", "alpha"]
    second = store.flows.list(page=2, size=2)
    assert second.total == 5 and [r.id for r in second.items] == ["alpha", "beta"]
    assert store.flows.list(query="%").total == 0  # LIKE wildcards are escaped


def test_namespaces_of_live_flows(store: Store) -> None:
    store.flows.save("b", "f", "id: f", flow_json=_json())
    store.flows.save("a.c", "f", "id: f", flow_json=_json())
    store.flows.save("a.c", "g", "id: g", flow_json=_json())
    store.flows.save("gone", "f", "id: f", flow_json=_json())
    store.flows.delete("gone", "f")
    assert store.flows.namespaces() == ["a.c", "b"]

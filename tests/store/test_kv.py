from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from choreo.errors import ChoreoError
from choreo.store import Conflict, InvalidKey, InvalidValue, KVType, Store

INFERRED = [
    ("text", "hello é", KVType.STRING),
    ("int", 42, KVType.NUMBER),
    ("float", 2.5, KVType.NUMBER),
    ("bool", False, KVType.BOOLEAN),
    ("when", datetime(2025, 1, 31, 8, 30, 0, 5, tzinfo=UTC), KVType.DATETIME),
    ("day", date(2025, 1, 31), KVType.DATE),
    ("wait", timedelta(hours=1, minutes=30, seconds=0.5), KVType.DURATION),
    ("doc", {"a": [1, "two", None, {"b": True}]}, KVType.JSON),
    ("list", [1, 2, 3], KVType.JSON),
]


@pytest.mark.parametrize(("key", "value", "kind"), INFERRED, ids=[row[0] for row in INFERRED])
def test_types_are_inferred_and_round_trip(store: Store, key: str, value: object, kind: KVType) -> None:
    put = store.kv.put("company", key, value)
    got = store.kv.get("company", key)
    assert got == put
    assert got is not None and (got.value, got.type) == (value, kind)
    assert type(got.value) is type(value)


def test_explicit_types_parse_text(store: Store) -> None:
    cases = [
        ("n", "42", KVType.NUMBER, 42),
        ("f", "0.25", KVType.NUMBER, 0.25),
        ("b", "TRUE", "boolean", True),
        ("t", "2025-01-31T10:00:00+02:00", KVType.DATETIME, datetime(2025, 1, 31, 8, tzinfo=UTC)),
        ("d", "2025-01-31", KVType.DATE, date(2025, 1, 31)),
        ("p", "PT5M", KVType.DURATION, timedelta(minutes=5)),
        ("s", "42", KVType.STRING, "42"),
        ("j", "42", KVType.JSON, "42"),
    ]
    for key, text, kind, expected in cases:
        store.kv.put("ns", key, text, kind)
        entry = store.kv.get("ns", key)
        assert entry is not None and entry.value == expected, key
    other_zone = datetime(2025, 1, 31, 10, tzinfo=timezone(timedelta(hours=2)))
    store.kv.put("ns", "zoned", other_zone)
    zoned = store.kv.get("ns", "zoned")
    assert zoned is not None and zoned.value == other_zone and zoned.value.tzinfo == UTC


@pytest.mark.parametrize(
    ("value", "kind"),
    [(1, KVType.STRING), ("x", KVType.NUMBER), (True, KVType.NUMBER), ("maybe", KVType.BOOLEAN),
     (datetime(2025, 1, 1), KVType.DATETIME), ("soon", KVType.DURATION), (datetime.now(UTC), KVType.DATE)],
)  # fmt: skip
def test_values_must_fit_their_type(store: Store, value: object, kind: KVType) -> None:
    with pytest.raises(InvalidValue):
        store.kv.put("ns", "k", value, kind)


@pytest.mark.parametrize("key", ["", ".hidden", "a/b", "a b", "é", "-x"])
def test_keys_are_validated(store: Store, key: str) -> None:
    with pytest.raises(InvalidKey) as raised:
        store.kv.put("ns", key, "v")
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, ChoreoError)
    with pytest.raises(InvalidKey):
        store.kv.get("ns", key)


def test_ttl_expiry(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    entry = store.kv.put("ns", "short", "v", ttl=timedelta(minutes=5))
    store.kv.put("ns", "forever", "v")
    assert entry.expires_at == clock.now + timedelta(minutes=5)
    clock.advance(timedelta(minutes=4, seconds=59))
    assert store.kv.get("ns", "short") is not None
    clock.advance(timedelta(seconds=1))
    assert store.kv.get("ns", "short") is None
    assert [e.key for e in store.kv.list("ns")] == ["forever"]
    assert store.kv.delete("ns", "short") is False
    store.kv.put("ns", "other", "v", ttl=timedelta(seconds=1))
    clock.advance(timedelta(seconds=1))
    assert store.kv.purge_expired() == 1
    assert store.kv.get("ns", "forever") is not None
    with pytest.raises(InvalidValue):
        store.kv.put("ns", "k", "v", ttl=timedelta(0))


def test_overwrite(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    created = store.kv.put("ns", "k", "one", description="first")
    clock.advance(timedelta(minutes=1))
    with pytest.raises(Conflict):
        store.kv.put("ns", "k", "two", overwrite=False)
    updated = store.kv.put("ns", "k", 2)
    assert (updated.value, updated.type) == (2, KVType.NUMBER)
    stored = store.kv.get("ns", "k")
    assert stored is not None
    assert (stored.value, stored.description, stored.created, stored.updated) == (2, None, created.created, clock.now)
    store.kv.put("ns", "ttl", "old", ttl=timedelta(seconds=10))
    clock.advance(timedelta(seconds=10))
    replaced = store.kv.put("ns", "ttl", "new", overwrite=False)  # an expired key is missing
    assert store.kv.get("ns", "ttl") == replaced
    assert replaced.created == clock.now


def test_list_delete_and_namespaces(store: Store) -> None:
    for key in ("b.two", "a_one", "b.one", "b_x", "c"):
        store.kv.put("ns", key, key)
    store.kv.put("elsewhere", "b.one", "x")
    assert [e.key for e in store.kv.list("ns")] == ["a_one", "b.one", "b.two", "b_x", "c"]
    assert [e.key for e in store.kv.list("ns", prefix="b.")] == ["b.one", "b.two"]
    assert [e.key for e in store.kv.list("ns", prefix="b_")] == ["b_x"]  # `_` is not a wildcard
    assert store.kv.delete("ns", "b.one") is True
    assert store.kv.delete("ns", "b.one") is False
    assert store.kv.get("elsewhere", "b.one") is not None
    assert store.kv.list("nobody") == []

"""API tokens: shown once, stored hashed, verified by hash, revocable, expiring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from choreo.store import Store
from choreo.store.schema import api_tokens


@pytest.fixture
def store(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'choreo.db'}") as store:
        yield store


def test_a_token_is_verified_by_its_secret_and_never_stored_in_clear(store):
    token, secret = store.tokens.create("ci")
    assert secret.startswith("choreo_") and len(secret) > 40
    assert store.tokens.verify(secret) == token
    assert store.tokens.verify(secret + "x") is None
    with store.engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(api_tokens.select())]
    assert rows and all(secret not in str(value) for row in rows for value in row)


def test_revoked_and_expired_tokens_no_longer_verify(store):
    token, secret = store.tokens.create("ci")
    assert [t.name for t in store.tokens.list()] == ["ci"]
    assert store.tokens.revoke(token.id) and store.tokens.verify(secret) is None
    assert not store.tokens.revoke(token.id)
    _, old = store.tokens.create("old", expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert store.tokens.verify(old) is None

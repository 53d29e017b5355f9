"""Errors the store raises on purpose.

ChoreoError
 └── StoreError             something about stored data or the way the store was used
      ├── NotFound          the flow (execution, key…) named does not exist
      ├── Conflict          the write would overwrite something it must not (existing KV key, concurrent revision)
      ├── InvalidKey        a KV key does not match `^[a-zA-Z0-9][a-zA-Z0-9._-]*$` (also a ValueError)
      ├── InvalidValue      a value the store cannot keep: a KV value not of its type, a naive datetime (ValueError)
      ├── InvalidQuery      a search argument the store cannot honour, such as an unknown sort field (also a ValueError)
      ├── TransactionRequired  a call that only makes sense inside `store.transaction()` (also a RuntimeError)
      └── NestedTransaction    SQLite: a write through the store while this thread's transaction is open
"""

from __future__ import annotations

from choreo.errors import ChoreoError


class StoreError(ChoreoError):
    """Root of the store's errors."""


class NotFound(StoreError):
    """The object named does not exist."""


class Conflict(StoreError):
    """The write conflicts with what is stored (or with a concurrent write)."""


class InvalidKey(StoreError, ValueError):
    """A KV key does not match `^[a-zA-Z0-9][a-zA-Z0-9._-]*$`."""


class InvalidValue(StoreError, ValueError):
    """A value the store cannot keep: a KV value that does not fit its type, a naive datetime."""


class InvalidQuery(StoreError, ValueError):
    """A search argument the store cannot honour."""


class TransactionRequired(StoreError, RuntimeError):
    """The call needs the connection of a `store.transaction()`."""


class NestedTransaction(StoreError, RuntimeError):
    """SQLite: a second write transaction opened by a thread that holds one (it would wait for itself)."""

"""Errors the store raises on purpose.

ChoreoError
 └── StoreError             something about stored data or the way the store was used
      ├── NotFound          the flow (execution, key…) named does not exist
      ├── Conflict          the write would overwrite something it must not (existing KV key, concurrent revision)
      ├── InvalidKey        a KV key does not match `^[a-zA-Z0-9][a-zA-Z0-9._-]*$` (also a ValueError)
      ├── InvalidQuery      a search argument the store cannot honour, such as an unknown sort field (also a ValueError)
      └── TransactionRequired  a call that only makes sense inside `store.transaction()` (also a RuntimeError)
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


class InvalidQuery(StoreError, ValueError):
    """A search argument the store cannot honour."""


class TransactionRequired(StoreError, RuntimeError):
    """The call needs the connection of a `store.transaction()`."""

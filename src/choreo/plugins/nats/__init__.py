"""Placeholder: the nats plugin package is being written."""

from __future__ import annotations

from choreo.plugins.nats._index import INDEX

__all__ = ["INDEX"]

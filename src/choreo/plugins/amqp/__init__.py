"""Placeholder: the amqp plugin package is being written."""

from __future__ import annotations

from choreo.plugins.amqp._index import INDEX

__all__ = ["INDEX"]

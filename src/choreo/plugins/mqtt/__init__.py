"""Placeholder: the mqtt plugin package is being written."""

from __future__ import annotations

from choreo.plugins.mqtt._index import INDEX

__all__ = ["INDEX"]

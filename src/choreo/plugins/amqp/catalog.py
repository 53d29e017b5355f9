from __future__ import annotations

PLUGINS: list = []

"""Every file-system plugin class, imported: what the fs plugin index is generated from."""

from __future__ import annotations

from choreo.plugins.fs.local.trigger import Trigger as LocalTrigger

PLUGINS = [LocalTrigger]

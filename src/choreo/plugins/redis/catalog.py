"""Every Redis plugin class, imported: what the Redis plugin index is generated from."""

from __future__ import annotations

from choreo.plugins.redis.list.list_push import ListPush
from choreo.plugins.redis.list.realtime_trigger import RealtimeTrigger

PLUGINS = [ListPush, RealtimeTrigger]

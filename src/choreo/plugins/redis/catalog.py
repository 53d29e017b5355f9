"""Every Redis plugin class, imported: what the Redis plugin index is generated from."""

from __future__ import annotations

from choreo.plugins.redis.list.list_push import ListPush
from choreo.plugins.redis.list.realtime_trigger import RealtimeTrigger as ListRealtimeTrigger
from choreo.plugins.redis.list.trigger import Trigger as ListTrigger
from choreo.plugins.redis.pubsub.publish import Publish
from choreo.plugins.redis.pubsub.realtime_trigger import RealtimeTrigger as PubSubRealtimeTrigger

PLUGINS = [ListPush, ListRealtimeTrigger, ListTrigger, Publish, PubSubRealtimeTrigger]

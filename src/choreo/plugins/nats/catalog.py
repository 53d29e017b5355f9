"""Every NATS plugin class, imported: what the NATS plugin index is generated from."""

from __future__ import annotations

from choreo.plugins.nats.core.produce import Produce
from choreo.plugins.nats.core.realtime_trigger import RealtimeTrigger
from choreo.plugins.nats.core.trigger import Trigger

PLUGINS = [Produce, RealtimeTrigger, Trigger]

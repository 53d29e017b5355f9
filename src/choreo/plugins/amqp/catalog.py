"""Every AMQP plugin class, imported: what the AMQP plugin index is generated from."""

from __future__ import annotations

from choreo.plugins.amqp.publish import Publish
from choreo.plugins.amqp.realtime_trigger import RealtimeTrigger
from choreo.plugins.amqp.trigger import Trigger

PLUGINS = [Publish, RealtimeTrigger, Trigger]

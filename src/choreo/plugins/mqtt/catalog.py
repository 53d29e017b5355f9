"""Every MQTT plugin class, imported: what the MQTT plugin index is generated from."""

from __future__ import annotations

from choreo.plugins.mqtt.publish import Publish
from choreo.plugins.mqtt.realtime_trigger import RealtimeTrigger
from choreo.plugins.mqtt.trigger import Trigger

PLUGINS = [Publish, RealtimeTrigger, Trigger]

"""Core triggers (`io.kestra.plugin.core.trigger.*`, `io.kestra.plugin.core.http.Trigger`).

`trigger_kind` says who evaluates each one: the scheduler (schedule, polling), the executor (flow) or the API
(webhook).
"""

from __future__ import annotations

from choreo.plugins.core.trigger.flow import Flow
from choreo.plugins.core.trigger.http_trigger import HttpTrigger
from choreo.plugins.core.trigger.schedule import Schedule
from choreo.plugins.core.trigger.schedule_on_dates import ScheduleOnDates
from choreo.plugins.core.trigger.webhook import Webhook

TRIGGERS = [
    Flow,
    HttpTrigger,
    Schedule,
    ScheduleOnDates,
    Webhook,
]

"""Core triggers (`io.kestra.plugin.core.trigger.*`, `io.kestra.plugin.core.http.Trigger`).

`trigger_kind` says who evaluates each one: the scheduler (schedule, polling), the executor (flow) or the API
(webhook).
"""

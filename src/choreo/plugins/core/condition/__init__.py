"""Core conditions (`io.kestra.plugin.core.condition.*`).

Conditions marked `schedule_condition = True` are Kestra's `ScheduleCondition`s: they only look at dates or
variables, so Schedule triggers can evaluate them; the others need the execution that fired a Flow trigger.
"""

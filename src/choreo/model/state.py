"""Execution and task-run states, as Kestra names them."""

from __future__ import annotations

import enum


class State(enum.StrEnum):
    CREATED = "CREATED"
    SUBMITTED = "SUBMITTED"
    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    RESTARTED = "RESTARTED"
    KILLING = "KILLING"
    SUCCESS = "SUCCESS"
    WARNING = "WARNING"
    FAILED = "FAILED"
    KILLED = "KILLED"
    CANCELLED = "CANCELLED"
    QUEUED = "QUEUED"
    RETRYING = "RETRYING"
    RETRIED = "RETRIED"
    SKIPPED = "SKIPPED"
    BREAKPOINT = "BREAKPOINT"
    RESUBMITTED = "RESUBMITTED"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATES

    @property
    def is_failed(self) -> bool:
        return self in FAILED_STATES


TERMINAL_STATES = frozenset(
    {
        State.FAILED,
        State.WARNING,
        State.SUCCESS,
        State.KILLED,
        State.CANCELLED,
        State.RETRIED,
        State.SKIPPED,
        State.RESUBMITTED,
    }
)

#: A group containing one of these has failed (its errors branch runs, a retry may apply).
FAILED_STATES = frozenset({State.FAILED, State.KILLED})

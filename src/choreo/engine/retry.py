"""When the next attempt of a failed task run starts, from the task's `retry` policy (held by the executor)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from choreo.model.execution import TaskRun
from choreo.model.task import ConstantRetry, ExponentialRetry, RandomRetry

RetryPolicy = ConstantRetry | ExponentialRetry | RandomRetry


def next_attempt_at(
    policy: RetryPolicy, run: TaskRun, now: datetime, rng: random.Random | None = None
) -> datetime | None:
    """The date of the task run's next attempt, or None when the policy allows no more (maxAttempt, maxDuration)."""
    first = run.attempts[0].state.start_date if run.attempts else None
    return next_retry_at(policy, len(run.attempts), first, now, rng)


def next_retry_at(
    policy: RetryPolicy, attempts: int, first: datetime | None, now: datetime, rng: random.Random | None = None
) -> datetime | None:
    """The date of the next try after `attempts` tries, the first at `first` (task-run attempts, or executions
    for CREATE_NEW_EXECUTION), or None when the policy allows no more."""
    if policy.max_attempt is not None and attempts >= policy.max_attempt:
        return None
    if isinstance(policy, ConstantRetry):
        delay = policy.interval
    elif isinstance(policy, ExponentialRetry):
        factor = policy.delay_factor or 2.0
        delay = min(policy.interval * (factor ** (attempts - 1)), policy.max_interval)
    else:
        low, high = policy.min_interval.total_seconds(), policy.max_interval.total_seconds()
        delay = timedelta(seconds=(rng or random).uniform(low, high))
    at = now + delay
    if policy.max_duration is not None and first is not None and at - first > policy.max_duration:
        return None
    return at

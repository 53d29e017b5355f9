"""The scheduler: Schedule and ScheduleOnDates triggers fire their flows on time, from state kept in the store.

Every trigger has a stored state: the date it fired for last and the next date it fires. Each second the
scheduler takes the due triggers, locks each one (several schedulers on one database never fire a date twice),
creates the executions and writes the new state in the same transaction — so a crash or a restart neither loses
nor repeats a date. Dates missed while the server was down are recovered as `recoverMissedSchedules` says (ALL by
default, LAST, NONE); backfills replay a range of past dates a few at a time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from cronsim import CronSim

from choreo.engine.control import ExecutionControl
from choreo.engine.jobs import EXECUTION_JOB
from choreo.engine.stored_flows import StoredFlows
from choreo.errors import ChoreoError
from choreo.expr import ExpressionEngine
from choreo.model.execution import Execution, ExecutionTrigger, StateRecord
from choreo.model.flow import Flow
from choreo.model.trigger import Trigger
from choreo.plugins.core.trigger.schedule import RecoverMissedSchedules, Schedule
from choreo.plugins.core.trigger.schedule_on_dates import ScheduleOnDates
from choreo.store import Conflict, LogEntry, PreparedWrite, Store
from choreo.store.records import TriggerState, utcnow

log = logging.getLogger("choreo.scheduler")

#: After a gap longer than this since a trigger's last evaluation (server down, trigger disabled), the dates older
#: than ON_TIME were missed; a scheduler that is merely slow fires every date whatever the policy.
OUTAGE = timedelta(seconds=3)
ON_TIME = timedelta(seconds=1.5)
#: At most this many dates of one trigger are fired in one evaluation (a long outage with ALL is spread out).
MAX_DATES_PER_EVALUATION = 1000
#: Backfills advance this many dates per trigger and tick, so that they never starve the live schedules.
BACKFILL_DATES_PER_TICK = 10
#: The flows are re-read for new, changed and removed schedule triggers this often.
SYNC_SECONDS = 5.0
#: A claim for a second expires this long after it: should its scheduler die (or stall) before writing, another
#: one fires the dates then (late: recovered as `recoverMissedSchedules` says), and the first can no longer write.
CLAIM_TTL = timedelta(seconds=2)
BATCH = 200
#: Triggers claimed per transaction while preparing (a deadline is checked between two).
CLAIM_CHUNK = 1000
#: Besides the next second, the running scheduler prepares this many seconds after it, in the time left before it,
#: and stops this long before it (so that it is written on time).
LOOKAHEAD_SECONDS = 2
PREPARE_MARGIN = timedelta(seconds=0.25)

ScheduleTrigger = Schedule | ScheduleOnDates


def zone_of(trigger: ScheduleTrigger, expressions: ExpressionEngine) -> ZoneInfo:
    """The trigger's time zone (UTC when unset)."""
    name = trigger.timezone
    if name and "{{" in name:
        name = str(expressions.render(name, {}))
    return ZoneInfo(name) if name else ZoneInfo("UTC")


class Schedules:
    """Date arithmetic of schedule triggers: the next date after a date, in the trigger's zone."""

    def __init__(self, expressions: ExpressionEngine) -> None:
        self.expressions = expressions

    def next_after(self, trigger: ScheduleTrigger, after: datetime) -> datetime | None:
        if isinstance(trigger, Schedule):
            zone = zone_of(trigger, self.expressions)
            return _cron_next(trigger.cron_expression(), zone, trigger.with_seconds, after)
        return next((date for date in self.dates_on(trigger) if date > after), None)

    def previous_before(self, trigger: ScheduleTrigger, date: datetime) -> datetime | None:
        if isinstance(trigger, ScheduleOnDates):
            earlier = [d for d in self.dates_on(trigger) if d < date]
            return earlier[-1] if earlier else None
        return _cron_previous(trigger.cron_expression(), zone_of(trigger, self.expressions), date)

    def dates_on(self, trigger: ScheduleOnDates) -> list[datetime]:
        raw: Any = trigger.dates
        if isinstance(raw, str):
            raw = self.expressions.render_value(raw, {})
        dates = []
        for item in raw or ():
            value = self.expressions.render_value(item, {}) if isinstance(item, str) else item
            parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
            dates.append(parsed.astimezone(UTC))
        return sorted(dates)

    def following(self, trigger: ScheduleTrigger, start: datetime) -> Iterator[datetime]:
        """The dates from `start` on (included when it is one), in order, from one cron iteration."""
        if isinstance(trigger, ScheduleOnDates):
            yield from (date for date in self.dates_on(trigger) if date >= start)
            return
        current = self.next_after(trigger, start - timedelta(microseconds=1))
        while current is not None:
            yield current
            current = self.next_after(trigger, current)

    def between(self, trigger: ScheduleTrigger, first: datetime, last: datetime) -> Iterator[datetime]:
        """Dates from `first` (included when it is one) to `last` (included)."""
        current: datetime | None = first
        if current is not None and self.next_after(trigger, current - timedelta(microseconds=1)) != current:
            current = self.next_after(trigger, current)
        while current is not None and current <= last:
            yield current
            current = self.next_after(trigger, current)


class SchedulerService:
    def __init__(
        self,
        store: Store,
        flows: StoredFlows,
        control: ExecutionControl,
        expressions: ExpressionEngine,
        *,
        owner: str,
        clock: Callable[[], datetime] = utcnow,
        recover_default: RecoverMissedSchedules = RecoverMissedSchedules.ALL,
    ) -> None:
        self.store = store
        self.flows = flows
        self.control = control
        self.expressions = expressions
        self.schedules = Schedules(expressions)
        self.owner = owner
        self.clock = clock
        self.recover_default = recover_default
        self._synced_at: datetime | None = None
        self._revisions: dict[tuple[str, str], int] = {}  # the flow revisions `sync` last looked at

    async def run(self, stop: asyncio.Event) -> None:
        """Fire every second, on the second (no drift: each wait is to the next whole second).

        Seconds are prepared ahead — due triggers claimed, dates evaluated, executions built, rows converted — so
        that on the second itself only the writes remain: right after a second is written, the next one is
        prepared, and the time left before it goes to the seconds after (a busy second, such as the top of an hour
        where thousands of crons meet, is spread over the seconds before it). Flows are read, and conditions
        evaluated, up to LOOKAHEAD_SECONDS + 1 seconds before the date they fire for."""
        prepared: dict[datetime, Prepared] = {}
        try:
            while not stop.is_set():
                at = _next_second(self.clock())
                try:
                    await _stepwise(self._prepare_steps(at, prepared.setdefault(at, Prepared(at)), None, None))
                    for step in range(1, LOOKAHEAD_SECONDS + 1):  # only what is due at that very second
                        ahead = at + timedelta(seconds=step)
                        into = prepared.setdefault(ahead, Prepared(ahead))
                        await _stepwise(self._prepare_steps(ahead, into, at - PREPARE_MARGIN, ahead - ONE_SECOND))
                except Exception:  # a broken evaluation must not stop the schedules: the next second tries again
                    log.exception("scheduler: evaluating the triggers due at %s failed", _iso(at))
                wait = (at - self.clock()).total_seconds()
                if wait > 0:
                    try:
                        await asyncio.wait_for(stop.wait(), wait)
                    except TimeoutError:
                        pass
                if stop.is_set():
                    break
                for second in sorted(s for s in prepared if s <= at):  # seconds a slow tick passed over: late
                    try:
                        await _stepwise(self._fire_steps(prepared.pop(second)))
                    except Exception:
                        log.exception("scheduler: firing the triggers due at %s failed", _iso(second))
                try:
                    self._backfills(at)
                except Exception:
                    log.exception("scheduler: backfills failed")
        finally:
            for rest in prepared.values():  # claimed but not written: free them for the next scheduler
                self.abandon(rest)

    # -- one evaluation ----------------------------------------------------------------------------------------------
    def tick(self) -> int:
        """Fire what is due now; the number of executions created."""
        now = self.clock()
        return self.fire(self.prepare(now)) + self._backfills(now)

    def prepare(
        self,
        at: datetime,
        *,
        into: Prepared | None = None,
        deadline: datetime | None = None,
        after: datetime | None = None,
    ) -> Prepared:
        """Claim the triggers due at `at` (whose next date is later than `after`, when given) and evaluate them
        (into `into`): their executions and new states, written by `fire`. The claims commit here (they expire
        CLAIM_TTL after `at` should this process die before `fire`). With a `deadline`, stops claiming once the
        clock passes it: the rest is claimed by a later call."""
        prepared = into if into is not None else Prepared(at)
        for _ in self._prepare_steps(at, prepared, deadline, after):
            pass
        return prepared

    def _prepare_steps(
        self, at: datetime, prepared: Prepared, deadline: datetime | None, after: datetime | None
    ) -> Iterator[None]:
        """`prepare`, one batch at a time (a step each)."""
        if deadline is not None and self.clock() >= deadline:
            return
        clock_now = min(self.clock(), at)  # claims are judged at the real time, dates at `at`
        if self._synced_at is None or clock_now - self._synced_at >= timedelta(seconds=SYNC_SECONDS):
            self.sync(clock_now)  # a new trigger's first date is the next second from now, not from `at`
        due = self.store.triggers.due(now=at, locks_now=clock_now, after=after)
        if not due:
            return
        revisions = self.store.flows.latest_revisions()
        for chunk in range(0, len(due), CLAIM_CHUNK):
            if deadline is not None and self.clock() >= deadline:
                break
            with self.store.transaction() as tx:  # one statement per BATCH triggers, one commit per chunk
                claimed = [
                    tx.triggers.claim_due(
                        [(s.namespace, s.flow_id, s.trigger_id) for s in due[start : start + BATCH]],
                        self.owner,
                        CLAIM_TTL,
                        now=at,
                        locks_now=clock_now,
                    )
                    for start in range(chunk, min(chunk + CLAIM_CHUNK, len(due)), BATCH)
                ]
            for states in claimed:
                if not states:
                    continue
                batch = Batch()
                batch.states = [
                    self._evaluate(state, at, revisions.get((state.namespace, state.flow_id)), batch)
                    for state in states
                ]
                batch.prepare(self.store, self.owner, at)
                prepared.batches.append(batch)
                yield  # the running loop lets the API and the engine in between two batches

    def fire(self, prepared: Prepared) -> int:
        """Write what `prepare` evaluated: each batch's executions, start jobs and trigger states in one
        transaction. The number of executions created."""
        return sum(self._fire_steps(prepared))

    def _fire_steps(self, prepared: Prepared) -> Iterator[int]:
        """`fire`, one batch at a time: yields how many executions each batch created."""
        for index, batch in enumerate(prepared.batches):
            try:
                with self.store.transaction() as tx:
                    batch.write(tx)  # the triggers' states with the executions they created
            except Conflict as exc:  # this process was too slow: another scheduler fired these dates
                log.warning("scheduler: the dates of %s were left to another scheduler (%s)", _iso(prepared.at), exc)
                continue
            except Exception:
                self.abandon(Prepared(prepared.at, prepared.batches[index:]))
                raise
            yield len(batch.executions)

    def abandon(self, prepared: Prepared) -> None:
        """Free the claims of what will not be written (stopping, or a failed write): the next evaluation fires
        those dates rather than wait for the locks to expire."""
        for batch in prepared.batches:
            for state in batch.states:
                try:
                    self.store.triggers.unlock(state.namespace, state.flow_id, state.trigger_id, self.owner)
                except Exception:  # the store is gone: the claims expire after CLAIM_TTL
                    log.warning(
                        "could not free the claim of %s.%s/%s", state.namespace, state.flow_id, state.trigger_id
                    )
                    return

    def sync(self, now: datetime) -> None:
        """Give each schedule trigger of the live flows a state (its first date is the next one after now), and
        forget the states of triggers that are gone. Only flows whose revision changed are looked at again."""
        self._synced_at = now
        revisions = self.store.flows.latest_revisions()
        changed = {key: rev for key, rev in revisions.items() if self._revisions.get(key) != rev}
        gone = [key for key in self._revisions if key not in revisions]
        if not changed and not gone:
            return
        states = {(s.namespace, s.flow_id, s.trigger_id): s for s in self.store.triggers.list()}
        wanted = {key for key in states if (key[0], key[1]) in revisions and (key[0], key[1]) not in changed}
        for (namespace, flow_id), revision in changed.items():
            flow = self.flows.get(namespace, flow_id, revision)
            for trigger in _schedule_triggers(flow) if flow is not None else ():
                key = (namespace, flow_id, trigger.id)
                wanted.add(key)
                if key not in states or states[key].next_date is None:  # new, or its flow or trigger came back
                    self._first_state(flow, trigger, now, states.get(key))
        for key, state in states.items():
            if key not in wanted and state.next_date is not None and not state.backfill:
                self.store.triggers.delete(*key)
        self._revisions = revisions

    def _first_state(
        self, flow: Flow, trigger: ScheduleTrigger, now: datetime, existing: TriggerState | None = None
    ) -> None:
        state = existing or TriggerState(namespace=flow.namespace, flow_id=flow.id, trigger_id=trigger.id)
        self.store.triggers.put(replace(state, next_date=self.schedules.next_after(trigger, now)))

    def _evaluate(self, state: TriggerState, now: datetime, revision: int | None, batch: Batch) -> TriggerState:
        flow = self.flows.get(state.namespace, state.flow_id, revision) if revision is not None else None
        trigger = _find(flow, state.trigger_id) if flow is not None else None
        if flow is None or trigger is None or flow.disabled or trigger.disabled:
            return replace(state, next_date=None)  # re-armed by `sync` if the flow or trigger comes back
        if self._stopped(trigger, state):
            batch.logs.append(_log(state, f"trigger disabled: the last execution ended {trigger.stop_after}", "WARN"))
            return replace(state, disabled=True)
        dates: list[datetime] = []
        next_date = None
        for date in self.schedules.following(trigger, state.next_date):
            if date > now or len(dates) >= MAX_DATES_PER_EVALUATION:
                next_date = date
                break
            dates.append(date)
        evaluated = state.context.get("evaluatedAt")
        since = datetime.fromisoformat(evaluated.replace("Z", "+00:00")) if evaluated else state.next_date
        fire = set(self._recovered(trigger, dates, now) if now - since > OUTAGE else dates)
        execution_id = state.execution_id
        neighbours = [state.last_date, *dates, next_date]
        for index, date in enumerate(dates):
            if date in fire:
                previous = neighbours[index] or self.schedules.previous_before(trigger, date)
                created = self._create(flow, trigger, date, previous, neighbours[index + 2], batch, state, now)
                execution_id = created or execution_id
        last = dates[-1] if dates else state.last_date
        context = {**state.context, "evaluatedAt": _iso(now)}
        return replace(state, last_date=last, next_date=next_date, execution_id=execution_id, context=context)

    def _recovered(self, trigger: ScheduleTrigger, dates: list[datetime], now: datetime) -> list[datetime]:
        """The dates to fire: on-time ones always; missed ones as `recoverMissedSchedules` says."""
        on_time = [d for d in dates if now - d <= ON_TIME]
        missed = [d for d in dates if now - d > ON_TIME]
        delay = getattr(trigger, "late_maximum_delay", None)
        if delay is not None:
            missed = [d for d in missed if now - d <= delay]
        policy = trigger.recover_missed_schedules or self.recover_default
        if policy == RecoverMissedSchedules.NONE or not missed:
            return on_time
        if policy == RecoverMissedSchedules.LAST:
            return [missed[-1], *on_time]
        return [*missed, *on_time]

    def _stopped(self, trigger: Trigger, state: TriggerState) -> bool:
        if not trigger.stop_after or not state.execution_id:
            return False
        previous = self.store.executions.get(state.execution_id)
        return previous is not None and previous.state.current in trigger.stop_after

    def _create(
        self,
        flow: Flow,
        trigger: ScheduleTrigger,
        date: datetime,
        previous: datetime | None,
        following: datetime | None,
        batch: Batch,
        state: TriggerState,
        created_at: datetime,
        extra_inputs: dict[str, Any] | None = None,
        extra_labels: dict[str, str] | None = None,
    ) -> str | None:
        """One execution for `date`, created at `created_at` (the second it is fired for: it may be prepared just
        ahead), added to `batch` (None when a condition does not hold or the inputs are wrong: logged)."""
        zone = zone_of(trigger, self.expressions)
        variables = {
            "date": _iso(date.astimezone(zone)),
            "next": _iso(following.astimezone(zone)) if following else None,
            "previous": _iso(previous.astimezone(zone)) if previous else None,
        }
        try:
            if not self._conditions_hold(flow, trigger, date.astimezone(zone), variables):
                return None
            inputs = (
                self.expressions.render_value(trigger.inputs or {}, {"trigger": variables}) if trigger.inputs else {}
            )
            labels = {label.key: label.value for label in trigger.labels or ()}
            execution = self.control.prepare(
                flow,
                {**inputs, **(extra_inputs or {})},
                labels={**labels, **(extra_labels or {})},
                trigger=ExecutionTrigger(id=trigger.id, type=trigger.type, variables=variables),
            )
        except ChoreoError as exc:
            batch.logs.append(_log(state, f"no execution for {variables['date']}: {exc}", "ERROR"))
            return None
        created = StateRecord.new(at=max(created_at, utcnow()))
        batch.executions.append(execution.model_copy(update={"schedule_date": date, "state": created}))
        return execution.id

    def _conditions_hold(self, flow: Flow, trigger: ScheduleTrigger, date: datetime, variables: dict[str, Any]) -> bool:
        conditions = trigger.all_conditions if isinstance(trigger, Schedule) else list(trigger.conditions or ())
        if not conditions:
            return True
        from choreo.engine.conditions import ConditionContext, all_hold

        context = ConditionContext(
            date=date,
            flow_namespace=flow.namespace,
            flow_id=flow.id,
            variables={"trigger": variables, "flow": {"namespace": flow.namespace, "id": flow.id}},
            render=self.expressions.render_value,
        )
        return all_hold(conditions, context)

    # -- backfills ----------------------------------------------------------------------------------------------------
    def _backfills(self, now: datetime) -> int:
        created = 0
        for state in self.store.triggers.with_backfill():
            backfill = state.backfill
            if not backfill or backfill.get("paused") or state.disabled:
                continue
            flow = self.flows.get(state.namespace, state.flow_id)
            trigger = _find(flow, state.trigger_id) if flow is not None else None
            if flow is None or trigger is None:
                continue
            current = datetime.fromisoformat(backfill["currentDate"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(backfill["end"].replace("Z", "+00:00")) if backfill.get("end") else now
            end = min(end, now)
            dates = list(_limited(self.schedules.between(trigger, current, end), BACKFILL_DATES_PER_TICK))
            batch = Batch()
            with self.store.transaction() as tx:
                labels = {str(k): str(v) for k, v in (backfill.get("labels") or {}).items()}
                following = self.schedules.next_after(trigger, dates[-1]) if dates else None
                for index, date in enumerate(dates):
                    after = dates[index + 1] if index + 1 < len(dates) else following
                    before = dates[index - 1] if index else self.schedules.previous_before(trigger, date)
                    inputs = backfill.get("inputs") or {}
                    self._create(flow, trigger, date, before, after, batch, state, now, inputs, labels)
                batch.write(tx)
                created += len(batch.executions)
                # Done once the range (up to now) is covered: the backfill is removed from the state.
                updated = None if following is None or following > end else {**backfill, "currentDate": _iso(following)}
                tx.triggers.put(replace(state, backfill=updated), now=now)
        return created


@dataclass
class Batch:
    """What one transaction of the scheduler writes: executions (with their start jobs), log lines, and the new
    states of the triggers evaluated."""

    executions: list[Execution] = field(default_factory=list)
    logs: list[LogEntry] = field(default_factory=list)
    states: list[TriggerState] = field(default_factory=list)
    #: The executions, start jobs and states converted to the driver's rows ahead (`prepare`).
    writes: list[PreparedWrite] = field(default_factory=list)

    def prepare(self, store: Store, owner: str, at: datetime) -> None:
        """Convert the rows now, so that `write` only executes them."""
        self.writes = [
            store.executions.prepare_save_many(self.executions, now=at),
            store.queue.prepare_push_many(EXECUTION_JOB, _start_jobs(self.executions), now=at),
            store.triggers.prepare_release(self.states, owner, now=at),
        ]

    def write(self, tx: Any) -> None:
        if self.writes:
            for prepared in self.writes:
                tx.executions.write_prepared(prepared)
        else:
            tx.executions.save_many(self.executions)
            tx.queue.push_many(EXECUTION_JOB, _start_jobs(self.executions))
        if self.logs:
            tx.logs.append(self.logs)


def _start_jobs(executions: list[Execution]) -> list[tuple[str, dict[str, Any], None]]:
    return [(e.id, {"event": "start"}, None) for e in executions]


@dataclass
class Prepared:
    """The triggers due at one second, claimed and evaluated ahead of it (`SchedulerService.prepare`)."""

    at: datetime
    batches: list[Batch] = field(default_factory=list)


ONE_SECOND = timedelta(seconds=1)


async def _stepwise(steps: Iterator[object]) -> None:
    """Run a generator of steps, letting the event loop's other tasks in between two steps."""
    for _ in steps:
        await asyncio.sleep(0)


def _next_second(now: datetime) -> datetime:
    return now.replace(microsecond=0) + ONE_SECOND


@lru_cache(maxsize=65_536)
def _cron_next(expression: str, zone: ZoneInfo, with_seconds: bool, after: datetime) -> datetime | None:
    """The first date of the cron strictly after `after`, in UTC. Cached: at a busy minute thousands of triggers
    share a few expressions and the same date, so each step is computed once."""
    start = after.astimezone(zone).replace(microsecond=0)
    if not with_seconds:
        start = start.replace(second=0)
    for candidate in CronSim(expression, start):
        if candidate > after:
            return candidate.astimezone(UTC)
    return None


@lru_cache(maxsize=65_536)
def _cron_previous(expression: str, zone: ZoneInfo, date: datetime) -> datetime | None:
    """The last date of the cron strictly before `date`, in UTC (cached like `_cron_next`)."""
    for candidate in CronSim(expression, date.astimezone(zone), reverse=True):
        if candidate < date:
            return candidate.astimezone(UTC)
    return None


def _schedule_triggers(flow: Flow) -> list[ScheduleTrigger]:
    return [t for t in flow.triggers or () if isinstance(t, Schedule | ScheduleOnDates)]


def _find(flow: Flow | None, trigger_id: str) -> ScheduleTrigger | None:
    return next((t for t in _schedule_triggers(flow) if t.id == trigger_id), None) if flow is not None else None


def _limited(dates: Iterator[datetime], limit: int) -> Iterator[datetime]:
    for index, date in enumerate(dates):
        if index >= limit:
            return
        yield date


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _log(state: TriggerState, message: str, level: str) -> LogEntry:
    return LogEntry(
        namespace=state.namespace, flow_id=state.flow_id, message=message, level=level, trigger_id=state.trigger_id
    )

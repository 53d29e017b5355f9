"""Every core plugin class, imported: what the plugin index is generated from and what tests walk.

Importing this module imports all of them; the registry does not need it (it reads `choreo.plugins.core.INDEX`
and imports a class when a flow first uses its type).
"""

from __future__ import annotations

from choreo.plugins.core.condition.date_time_between import DateTimeBetween
from choreo.plugins.core.condition.day_week import DayWeek
from choreo.plugins.core.condition.day_week_in_month import DayWeekInMonth
from choreo.plugins.core.condition.execution_flow import ExecutionFlow
from choreo.plugins.core.condition.execution_labels import ExecutionLabels
from choreo.plugins.core.condition.execution_namespace import ExecutionNamespace
from choreo.plugins.core.condition.execution_outputs import ExecutionOutputs
from choreo.plugins.core.condition.execution_status import ExecutionStatus
from choreo.plugins.core.condition.expression import Expression
from choreo.plugins.core.condition.flow_condition import FlowCondition
from choreo.plugins.core.condition.flow_namespace_condition import FlowNamespaceCondition
from choreo.plugins.core.condition.has_retry_attempt import HasRetryAttempt
from choreo.plugins.core.condition.multiple_condition import MultipleCondition
from choreo.plugins.core.condition.not_ import Not
from choreo.plugins.core.condition.or_ import Or
from choreo.plugins.core.condition.public_holiday import PublicHoliday
from choreo.plugins.core.condition.time_between import TimeBetween
from choreo.plugins.core.condition.weekend import Weekend
from choreo.plugins.core.debug.echo import Echo
from choreo.plugins.core.debug.return_ import Return
from choreo.plugins.core.execution.assert_ import Assert
from choreo.plugins.core.execution.count import Count
from choreo.plugins.core.execution.exit import Exit
from choreo.plugins.core.execution.fail import Fail
from choreo.plugins.core.execution.labels import Labels
from choreo.plugins.core.execution.purge_executions import PurgeExecutions
from choreo.plugins.core.execution.resume import Resume
from choreo.plugins.core.execution.set_variables import SetVariables
from choreo.plugins.core.execution.unset_variables import UnsetVariables
from choreo.plugins.core.flow.allow_failure import AllowFailure
from choreo.plugins.core.flow.dag import Dag
from choreo.plugins.core.flow.each_parallel import EachParallel
from choreo.plugins.core.flow.each_sequential import EachSequential
from choreo.plugins.core.flow.for_each import ForEach
from choreo.plugins.core.flow.for_each_item import ForEachItem
from choreo.plugins.core.flow.if_ import If
from choreo.plugins.core.flow.loop_until import LoopUntil
from choreo.plugins.core.flow.parallel import Parallel
from choreo.plugins.core.flow.pause import Pause
from choreo.plugins.core.flow.sequential import Sequential
from choreo.plugins.core.flow.sleep import Sleep
from choreo.plugins.core.flow.subflow import Subflow
from choreo.plugins.core.flow.switch import Switch
from choreo.plugins.core.flow.template import Template
from choreo.plugins.core.flow.wait_for import WaitFor
from choreo.plugins.core.flow.working_directory import WorkingDirectory
from choreo.plugins.core.http.download import Download
from choreo.plugins.core.http.request import Request
from choreo.plugins.core.kv.delete import Delete as KvDelete
from choreo.plugins.core.kv.get import Get as KvGet
from choreo.plugins.core.kv.get_keys import GetKeys
from choreo.plugins.core.kv.set import Set as KvSet
from choreo.plugins.core.log.fetch import Fetch
from choreo.plugins.core.log.log import Log
from choreo.plugins.core.log.purge_logs import PurgeLogs
from choreo.plugins.core.namespace.delete_files import DeleteFiles
from choreo.plugins.core.namespace.download_files import DownloadFiles
from choreo.plugins.core.namespace.upload_files import UploadFiles
from choreo.plugins.core.output.output_values import OutputValues
from choreo.plugins.core.state.delete import Delete as StateDelete
from choreo.plugins.core.state.get import Get as StateGet
from choreo.plugins.core.state.set import Set as StateSet
from choreo.plugins.core.storage.concat import Concat
from choreo.plugins.core.storage.deduplicate_items import DeduplicateItems
from choreo.plugins.core.storage.delete import Delete as StorageDelete
from choreo.plugins.core.storage.filter_items import FilterItems
from choreo.plugins.core.storage.local_files import LocalFiles
from choreo.plugins.core.storage.purge_current_execution_files import PurgeCurrentExecutionFiles
from choreo.plugins.core.storage.reverse import Reverse
from choreo.plugins.core.storage.size import Size
from choreo.plugins.core.storage.split import Split
from choreo.plugins.core.storage.write import Write
from choreo.plugins.core.templating.templated_task import TemplatedTask
from choreo.plugins.core.trigger.flow import Flow
from choreo.plugins.core.trigger.http_trigger import HttpTrigger
from choreo.plugins.core.trigger.schedule import Schedule
from choreo.plugins.core.trigger.schedule_on_dates import ScheduleOnDates
from choreo.plugins.core.trigger.toggle import Toggle
from choreo.plugins.core.trigger.webhook import Webhook

CONDITIONS = [
    DateTimeBetween,
    DayWeek,
    DayWeekInMonth,
    ExecutionFlow,
    ExecutionLabels,
    ExecutionNamespace,
    ExecutionOutputs,
    ExecutionStatus,
    Expression,
    FlowCondition,
    FlowNamespaceCondition,
    HasRetryAttempt,
    MultipleCondition,
    Not,
    Or,
    PublicHoliday,
    TimeBetween,
    Weekend,
]


TRIGGERS = [
    Flow,
    HttpTrigger,
    Schedule,
    ScheduleOnDates,
    Webhook,
]


TASKS = [
    # flow
    Sequential,
    Parallel,
    If,
    Switch,
    ForEach,
    ForEachItem,
    EachSequential,
    EachParallel,
    Dag,
    Subflow,
    AllowFailure,
    Pause,
    WorkingDirectory,
    Sleep,
    LoopUntil,
    WaitFor,
    Template,
    # log, debug, output
    Log,
    Fetch,
    PurgeLogs,
    Return,
    Echo,
    OutputValues,
    # execution
    Fail,
    Labels,
    Resume,
    Exit,
    Count,
    PurgeExecutions,
    SetVariables,
    UnsetVariables,
    Assert,
    # kv, state
    KvSet,
    KvGet,
    GetKeys,
    KvDelete,
    StateSet,
    StateGet,
    StateDelete,
    # storage
    LocalFiles,
    Write,
    Concat,
    Split,
    Size,
    StorageDelete,
    Reverse,
    FilterItems,
    DeduplicateItems,
    PurgeCurrentExecutionFiles,
    # http, namespace, templating, trigger
    Request,
    Download,
    UploadFiles,
    DownloadFiles,
    DeleteFiles,
    TemplatedTask,
    Toggle,
]

PLUGINS = [*TASKS, *TRIGGERS, *CONDITIONS]

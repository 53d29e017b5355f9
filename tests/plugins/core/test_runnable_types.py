"""The runnable core types read Kestra's YAML with Kestra's defaults."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from choreo.model.state import State
from choreo.model.task import LogLevel
from choreo.plugins.core.execution.exit import ExitState
from choreo.plugins.core.http.options import BasicAuth, BearerAuth, ProxyType
from choreo.plugins.core.kv.set import KVType
from choreo.plugins.core.namespace.upload_files import Conflict
from choreo.plugins.core.storage.filter_items import ErrorOrNullBehavior, FilterType


def test_log_fetch_and_purge_logs(build):
    fetch = build("id: get-log-task\ntype: io.kestra.core.tasks.log.Fetch\ntasksId: [task-1]\nlevel: WARN")
    assert fetch.tasks_id == ["task-1"] and fetch.level is LogLevel.WARN and fetch.execution_id is None
    purge = build(
        """
        id: purge_logs
        type: io.kestra.plugin.core.log.PurgeLogs
        namespace: company
        endDate: "{{ now() | dateAdd(-1, 'MONTHS') }}"
        logLevels: [TRACE, DEBUG]
        """
    )
    assert purge.log_levels == [LogLevel.TRACE, LogLevel.DEBUG] and purge.purge_execution_logs is True
    with pytest.raises(ValidationError, match="endDate"):
        build("id: p\ntype: io.kestra.plugin.core.log.PurgeLogs")


def test_return_and_echo(build):
    assert build("id: r\ntype: io.kestra.core.tasks.debugs.Return\nformat: '{{ task.id }}'").format == "{{ task.id }}"
    assert build("id: r\ntype: io.kestra.plugin.core.debug.Return\nformat: 42").format == "42"
    echo = build("id: e\ntype: io.kestra.plugin.core.debug.Echo\nformat: task 1\nlevel: ERROR")
    assert echo.format == "task 1" and echo.level is LogLevel.ERROR
    with pytest.raises(ValidationError, match="format"):
        build("id: e\ntype: io.kestra.plugin.core.debug.Echo")


def test_output_values(build):
    task = build(
        """
        id: output_values
        type: io.kestra.plugin.core.output.OutputValues
        values:
          count: "{{ outputs.waitfor.iterationCount + 1 }}"
          list: [1, 2]
          nested: {a: b}
        """
    )
    assert task.values["list"] == [1, 2] and task.values["nested"] == {"a": "b"}


def test_fail(build):
    assert build("id: f\ntype: io.kestra.core.tasks.executions.Fail").error_message == "Task failure"
    task = build(
        "id: f\ntype: io.kestra.plugin.core.execution.Fail\ncondition: \"{{ inputs.param == 'fail' }}\"\n"
        "errorMessage: Failing on purpose"
    )
    assert task.condition == "{{ inputs.param == 'fail' }}" and task.error_message == "Failing on purpose"


@pytest.mark.parametrize(
    "labels",
    [
        "{{ inputs.labelsJson }}",
        {"{{ inputs.labelsMapKey }}": "{{ inputs.labelsMapValue }}", "intValue": 1},
        [{"key": "{{ inputs.labelsListKey }}", "value": "{{ inputs.labelsListValue }}"}],
    ],
)
def test_labels(build_data, labels):
    task = build_data({"id": "labels", "type": "io.kestra.plugin.core.execution.Labels", "labels": labels})
    if isinstance(labels, list):
        assert [(entry.key, entry.value) for entry in task.labels] == [(e["key"], e["value"]) for e in labels]
    else:
        assert task.labels == labels


def test_resume_exit_and_variables(build):
    resume = build("id: resume\ntype: io.kestra.plugin.core.execution.Resume\nexecutionId: '{{ inputs.id }}'\n"
                   "inputs: {approved: true}")  # fmt: skip
    assert resume.execution_id == "{{ inputs.id }}" and resume.inputs == {"approved": True}
    assert build("id: x\ntype: io.kestra.plugin.core.execution.Exit").state is ExitState.SUCCESS
    assert build("id: x\ntype: io.kestra.plugin.core.execution.Exit\nstate: KILLED").state is ExitState.KILLED
    with pytest.raises(ValidationError, match="state"):
        build("id: x\ntype: io.kestra.plugin.core.execution.Exit\nstate: DONE")
    set_vars = build("id: s\ntype: io.kestra.plugin.core.execution.SetVariables\nvariables: {message: Hello}")
    assert set_vars.variables == {"message": "Hello"} and set_vars.overwrite is True
    unset = build("id: u\ntype: io.kestra.plugin.core.execution.UnsetVariables\nvariables: [message, a.b]")
    assert unset.variables == ["message", "a.b"] and unset.ignore_missing is False


def test_count_and_purge_executions(build):
    count = build(
        """
        id: counts
        type: io.kestra.core.tasks.executions.Counts
        flows:
          - {namespace: io.kestra.tests, flowId: logs}
        states: [SUCCESS]
        startDate: "{{ now() | dateAdd(-30, 'DAYS') }}"
        expression: "{{ count >= 0 }}"
        """
    )
    assert count.flows[0].flow_id == "logs" and count.states == [State.SUCCESS]
    purge = build(
        "id: purge\ntype: io.kestra.plugin.core.execution.PurgeExecutions\nendDate: '{{ now() }}'\npurgeLog: false"
    )
    assert purge.purge_log is False and purge.purge_storage is True and purge.batch_size == 100


def test_assert(build):
    task = build(
        """
        id: assert
        type: io.kestra.plugin.core.execution.Assert
        conditions:
          - "{{ inputs.param == 'ok' }}"
          - true
        errorMessage: Unexpected input
        """
    )
    assert task.conditions == ["{{ inputs.param == 'ok' }}", "true"]


def test_kv_tasks(build):
    kv_set = build(
        """
        id: kv_set
        type: io.kestra.plugin.core.kv.Set
        key: orders_file
        value: "{{ outputs.http_download.uri }}"
        kvType: STRING
        ttl: P30D
        overwrite: false
        """
    )
    assert kv_set.kv_type is KVType.STRING and kv_set.ttl == timedelta(days=30)
    assert kv_set.namespace == "{{ flow.namespace }}" and kv_set.overwrite is False
    assert build("id: s\ntype: io.kestra.plugin.core.kv.Set\nkey: k\nvalue: {a: 1}").value == {"a": 1}
    kv_get = build("id: g\ntype: io.kestra.plugin.core.kv.Get\nkey: k\nnamespace: other\nerrorOnMissing: true")
    assert kv_get.namespace == "other" and kv_get.error_on_missing is True
    assert build("id: k\ntype: io.kestra.plugin.core.kv.GetKeys\nprefix: orders_").prefix == "orders_"
    assert build("id: d\ntype: io.kestra.plugin.core.kv.Delete\nkey: k").error_on_missing is False


def test_state_tasks(build):
    state_set = build(
        "id: set\ntype: io.kestra.plugin.core.state.Set\nname: '{{ inputs.state }}'\ntaskrunValue: false\n"
        "data: {value: 1}"
    )
    assert state_set.data == {"value": 1} and state_set.taskrun_value is False and state_set.namespace is False
    state_get = build("id: get\ntype: io.kestra.core.tasks.states.Get")
    assert state_get.name == "default" and state_get.error_on_missing is False
    assert build("id: del\ntype: io.kestra.plugin.core.state.Delete\nname: unit").name == "unit"


def test_storage_tasks(build):
    local = build(
        "id: files\ntype: io.kestra.plugin.core.storage.LocalFiles\ninputs:\n  hello.txt: HELLO\noutputs: [hello.txt]"
    )
    assert local.inputs == {"hello.txt": "HELLO"} and local.outputs == ["hello.txt"]
    write = build("id: write\ntype: io.kestra.plugin.core.storage.Write\ncontent: Hello\nextension: .txt")
    assert write.content == "Hello" and write.extension == ".txt"
    concat = build("id: c\ntype: io.kestra.plugin.core.storage.Concat\nfiles: ['{{ outputs.a.uri }}']")
    assert concat.extension == ".tmp" and concat.separator is None
    split = build("id: s\ntype: io.kestra.core.tasks.storages.Split\nfrom: '{{ inputs.file }}'\nbytes: 10MB")
    assert split.from_ == "{{ inputs.file }}" and split.bytes == "10MB" and split.rows is None
    assert split.model_dump(by_alias=True)["from"] == "{{ inputs.file }}"
    assert build("id: s\ntype: io.kestra.plugin.core.storage.Size\nuri: kestra:///f").uri == "kestra:///f"
    assert build("id: d\ntype: io.kestra.plugin.core.storage.Delete\nuri: kestra:///f").error_on_missing is False
    reverse = build("id: r\ntype: io.kestra.plugin.core.storage.Reverse\nfrom: kestra:///f")
    assert reverse.separator == "\n" and reverse.charset == "UTF-8"
    filtered = build(
        "id: f\ntype: io.kestra.plugin.core.storage.FilterItems\nfrom: kestra:///f\nfilterCondition: '{{ a > 1 }}'\n"
        "filterType: EXCLUDE"
    )
    assert filtered.filter_type is FilterType.EXCLUDE and filtered.error_or_null_behavior is ErrorOrNullBehavior.FAIL
    dedup = build("id: d\ntype: io.kestra.plugin.core.storage.DeduplicateItems\nfrom: kestra:///f\nexpr: '{{ id }}'")
    assert dedup.expr == "{{ id }}"
    purge = build("id: p\ntype: io.kestra.core.tasks.storages.PurgeExecution")
    assert type(purge).__name__ == "PurgeCurrentExecutionFiles"


def test_http_request_and_download(build):
    request = build(
        """
        id: send
        type: io.kestra.plugin.core.http.Request
        uri: https://reqres.in/api/test-request
        method: POST
        contentType: multipart/form-data
        headers:
          user-agent: kestra-io
          x-retries: 3
        formData:
          user: {name: my-file.txt, content: "{{ inputs.file }}"}
        options:
          timeout: {connectTimeout: PT10S}
          proxy: {type: HTTP, address: proxy.local, port: 3128}
          auth: {type: BEARER, token: "{{ secret('TOKEN') }}"}
          ssl: {insecureTrustAllCertificates: true}
          followRedirects: false
          logs: [REQUEST_HEADERS]
          readTimeout: PT30S
          basicAuthUser: legacy
        encryptBody: true
        """
    )
    assert request.headers == {"user-agent": "kestra-io", "x-retries": "3"} and request.encrypt_body is True
    options = request.options
    assert isinstance(options.auth, BearerAuth) and options.proxy.type is ProxyType.HTTP
    assert options.timeout.connect_timeout == timedelta(seconds=10)
    assert options.timeout.read_idle_timeout == timedelta(minutes=5) and options.read_timeout == timedelta(seconds=30)
    default = build("id: r\ntype: io.kestra.plugin.fs.http.Request\nuri: https://example.com")
    assert default.method == "GET" and default.content_type == "application/json"
    assert default.options.follow_redirects is True and default.options.allow_failed is False
    with pytest.raises(ValidationError, match="auth"):
        build("id: r\ntype: io.kestra.plugin.core.http.Request\nuri: u\noptions: {auth: {type: KERBEROS}}")

    download = build(
        "id: d\ntype: io.kestra.plugin.core.http.Download\nuri: https://example.com/f.csv\n"
        "options: {auth: {type: BASIC, username: u, password: p}}\nsslOptions: {insecureTrustAllCertificates: true}"
    )
    assert download.fail_on_empty_response is True and isinstance(download.options.auth, BasicAuth)
    assert download.ssl_options.insecure_trust_all_certificates is True


def test_namespace_files_tasks(build):
    upload = build(
        "id: u\ntype: io.kestra.plugin.core.namespace.UploadFiles\nnamespace: dev\n"
        "files:\n  /scripts/main.py: '{{ inputs.script }}'\nconflict: SKIP"
    )
    assert upload.files == {"/scripts/main.py": "{{ inputs.script }}"} and upload.conflict is Conflict.SKIP
    globs = build("id: u\ntype: io.kestra.plugin.core.namespace.UploadFiles\nnamespace: dev\nfiles: ['**.sql']")
    assert globs.destination == "/"
    download = build("id: d\ntype: io.kestra.plugin.core.namespace.DownloadFiles\nnamespace: t\nfiles: '**input.txt'")
    assert download.files == "**input.txt" and download.destination == ""
    delete = build("id: d\ntype: io.kestra.plugin.core.namespace.DeleteFiles\nnamespace: t\nfiles: ['**']")
    assert delete.delete_parent_folder is False


def test_templated_task_and_toggle(build):
    templated = build(
        "id: t\ntype: io.kestra.plugin.core.templating.TemplatedTask\n"
        "spec: |\n  type: io.kestra.plugin.core.log.Log\n  message: '{{ inputs.message }}'\n"
    )
    assert templated.spec.startswith("type: io.kestra.plugin.core.log.Log")
    toggle = build("id: disable\ntype: io.kestra.core.tasks.trigger.Toggle\ntrigger: schedule\nenabled: true")
    assert toggle.trigger == "schedule" and toggle.enabled is True and toggle.namespace is None
    assert build("id: t\ntype: io.kestra.plugin.core.trigger.Toggle\ntrigger: s").enabled is False

"""io.kestra.plugin.core.trigger.Webhook"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from choreo.plugins.core.catalog import Expression, Webhook
from choreo.plugins.core.trigger.webhook import FetchType
from plugins.triggers.trigger_helpers import problems, trigger


def test_key_and_condition():
    w = trigger(
        """
        id: webhook
        type: io.kestra.plugin.core.trigger.Webhook
        key: webhookKey
        conditions:
          - type: io.kestra.plugin.core.condition.ExpressionCondition
            expression: "{{trigger.body.hello == 'world'}}"
        """
    )
    assert isinstance(w, Webhook) and w.trigger_kind == "webhook"
    assert isinstance(w.conditions[0], Expression)
    assert w.wait is False and w.return_outputs is False and w.fetch_type is FetchType.FETCH
    assert problems(w) == []


@pytest.mark.parametrize("key", ["{{ flow.id }}", "{{ secret('WEBHOOK_KEY') }}", "a-secret-key"])
def test_key_may_be_an_expression(key: str):
    w = trigger(f'id: webhook\ntype: io.kestra.core.models.triggers.types.Webhook\nkey: "{key}"\n')
    assert w.key == key and problems(w) == []


def test_key_is_required_and_at_most_256_characters():
    with pytest.raises(ValidationError, match="key"):
        trigger("id: webhook\ntype: io.kestra.plugin.core.trigger.Webhook\n")
    with pytest.raises(ValidationError, match="at most 256"):
        trigger(f"id: webhook\ntype: io.kestra.plugin.core.trigger.Webhook\nkey: {'k' * 257}\n")
    long_template = "{{ '" + "k" * 260 + "' }}"
    w = trigger(f'id: webhook\ntype: io.kestra.plugin.core.trigger.Webhook\nkey: "{long_template}"\n')
    assert problems(w) == [(("key",), "size must be between 0 and 256")]


def test_wait_return_outputs_and_response():
    w = trigger(
        """
        id: webhook
        type: io.kestra.plugin.core.trigger.Webhook
        key: 4wjtkzwVGBM9yKnjm3yv8r
        wait: true
        returnOutputs: true
        responseContentType: text/plain
        responseCode: 202
        fetchType: STORE
        inputs:
          customer: "{{ trigger.body.customer }}"
        """
    )
    assert w.wait and w.return_outputs and w.response_code == 202 and w.fetch_type is FetchType.STORE
    assert problems(w) == [] and problems(w, "warning") == []


def test_response_settings_without_wait_are_warned_about():
    w = trigger(
        "id: webhook\ntype: io.kestra.plugin.core.trigger.Webhook\nkey: k\n"
        "returnOutputs: true\nresponseContentType: text/plain\n"
    )
    assert [path for path, _ in problems(w, "warning")] == [("returnOutputs",), ("responseContentType",)]

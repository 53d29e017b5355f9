"""Webhook triggers: conditions (204), disabled (409), unknown (404), bad inputs (422), Idempotency-Key, secret keys."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from choreo.api.app import create_app
from choreo.server.config import ServerConfig
from choreo.server.deploy import save_flow
from choreo.server.runtime import Runtime

FLOW = """id: hooked
namespace: company.team
inputs:
  - id: n
    type: INT
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ inputs.n }}"
triggers:
  - id: on
    type: io.kestra.plugin.core.trigger.Webhook
    key: "{{ secret('HOOK_KEY') }}"
    inputs:
      n: "{{ trigger.body.n }}"
    conditions:
      - type: io.kestra.plugin.core.condition.Expression
        expression: "{{ trigger.body.n > 0 }}"
  - id: off
    type: io.kestra.plugin.core.trigger.Webhook
    key: disabled-key
    disabled: true
"""
URL = "/api/v1/main/executions/webhook/company.team/hooked/"


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_HOOK_KEY", base64.b64encode(b"s3cret").decode())
    rt = Runtime(ServerConfig(home=tmp_path))
    save_flow(rt.app, rt.store, FLOW)
    with TestClient(create_app(rt), raise_server_exceptions=False) as client:
        client.rt = rt
        yield client
    rt.close()


def count(client) -> int:
    return client.rt.store.executions.search(flow_id="hooked").total


def test_the_key_may_be_a_secret_and_the_body_feeds_the_inputs(client):
    response = client.post(URL + "s3cret", json={"n": 3})
    assert response.status_code == 200, response.text
    execution = client.rt.store.executions.get(response.json()["id"])
    assert execution.inputs == {"n": 3} and execution.trigger.variables["body"] == {"n": 3}


def test_conditions_that_do_not_hold_answer_204_and_create_nothing(client):
    assert client.post(URL + "s3cret", json={"n": -1}).status_code == 204
    assert count(client) == 0


def test_disabled_unknown_and_bad_inputs(client):
    disabled = client.post(URL + "disabled-key")
    assert disabled.status_code == 409 and "disabled" in disabled.json()["message"]
    assert client.post(URL + "wrong").status_code == 404
    bad = client.post(URL + "s3cret", json={"n": "many"})
    assert bad.status_code == 422 and "n" in bad.json()["message"]
    assert count(client) == 0


def test_a_repeated_idempotency_key_returns_the_first_execution(client):
    first = client.post(URL + "s3cret", json={"n": 1}, headers={"Idempotency-Key": "delivery-1"})
    again = client.post(URL + "s3cret", json={"n": 1}, headers={"Idempotency-Key": "delivery-1"})
    other = client.post(URL + "s3cret", json={"n": 1}, headers={"Idempotency-Key": "delivery-2"})
    assert first.status_code == again.status_code == other.status_code == 200
    assert first.json()["id"] == again.json()["id"] != other.json()["id"]
    assert count(client) == 2


def test_a_key_may_be_rendered_from_the_flow(tmp_path):
    from corpus_support import compat_dir

    rt = Runtime(ServerConfig(home=tmp_path))
    source = (compat_dir() / "flows" / "webhook-dynamic-key.yaml").read_text(encoding="utf-8")
    save_flow(rt.app, rt.store, source)
    with TestClient(create_app(rt), raise_server_exceptions=False) as client:
        response = client.get("/api/v1/main/executions/webhook/io.kestra.tests/webhook-dynamic-key/webhook-dynamic-key")
        assert response.status_code == 200, response.text
    rt.close()

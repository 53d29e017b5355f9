"""io.kestra.plugin.core.http.Trigger (polling)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from choreo.plugins.core.catalog import HttpTrigger
from choreo.plugins.core.http.options import BearerAuth
from plugins.triggers.trigger_helpers import problems, trigger


def test_defaults():
    t = trigger("id: http\ntype: io.kestra.plugin.core.http.Trigger\nuri: https://api.chucknorris.io/jokes/random\n")
    assert isinstance(t, HttpTrigger) and t.trigger_kind == "polling"
    assert t.interval == timedelta(seconds=60)
    assert t.response_condition == "{{ response.statusCode < 400 }}"
    assert t.method == "GET" and t.encrypt_body is False


def test_a_full_polling_trigger():
    t = trigger(
        """
        id: http
        type: io.kestra.plugin.fs.http.Trigger
        uri: https://fakestoreapi.com/products/1
        method: POST
        body: '{"query": "price"}'
        contentType: application/json
        headers:
          Authorization: "Bearer {{ secret('API_TOKEN') }}"
          X-Retry: 3
        responseCondition: "{{ json(response.body).price <= 110 }}"
        interval: PT30S
        stopAfter:
          - SUCCESS
        options:
          timeout:
            connectTimeout: PT10S
          auth:
            type: BEARER
            token: "{{ secret('API_TOKEN') }}"
          followRedirects: false
          logs: [REQUEST_HEADERS, RESPONSE_BODY]
          readTimeout: PT30S
        """
    )
    assert t.interval == timedelta(seconds=30)
    assert t.headers == {"Authorization": "Bearer {{ secret('API_TOKEN') }}", "X-Retry": "3"}
    assert isinstance(t.options.auth, BearerAuth)
    assert t.options.timeout.connect_timeout == timedelta(seconds=10)
    assert problems(t) == []


def test_uri_is_required():
    with pytest.raises(ValidationError, match="uri"):
        trigger("id: http\ntype: io.kestra.plugin.core.http.Trigger\n")


def test_deprecated_ssl_options():
    t = trigger(
        "id: http\ntype: io.kestra.plugin.core.http.Trigger\nuri: https://self-signed.local\n"
        "sslOptions:\n  insecureTrustAllCertificates: true\n"
    )
    assert problems(t) == [] and [path for path, _ in problems(t, "warning")] == [("sslOptions",)]

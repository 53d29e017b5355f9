"""Authentication: every route but an exact allowlist needs credentials, whatever the spelling of the path."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from choreo.api.access_log import masked
from choreo.api.app import create_app
from choreo.api.auth import allowlisted
from choreo.server.config import ServerConfig, User
from choreo.server.runtime import Runtime
from choreo.server.serve import effective_host

USER = User("admin@example.com", "pa:ss word")


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    rt = Runtime(ServerConfig(home=tmp_path_factory.mktemp("auth"), users=(USER,)))
    yield rt
    rt.close()


@pytest.fixture(scope="module")
def client(runtime):
    return TestClient(create_app(runtime), raise_server_exceptions=False)


def basic(username: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


PROTECTED = [
    "/api/v1/main/executions/search",
    "//api/v1/main/executions/search",
    "/api/v1/main/executions/search/",
    "/api/v1/main/executions/search;jsessionid=1",
    "/API/v1/main/executions/search",
    "/api/v1/main/executions/webhook/../search",
    "/api/v1/main/executions/webhook/a/b/%2e%2e/%2e%2e/search",
    "/api/v1/main/executions/webhook/a/b/c/../../../search",
    "/health/../api/v1/main/executions/search",
    "/health%2f..%2fapi/v1/main/executions/search",
    "/health;/../api/v1/main/executions/search",
    "/health/",
    "/HEALTH",
    "/api/v1/openapi.json",
    "/metrics",
]


@pytest.mark.parametrize("path", PROTECTED)
def test_protected_paths_need_credentials_in_every_spelling(client, path):
    response = client.get(path)
    assert response.status_code == 401, (path, response.status_code, response.text)
    assert response.headers["www-authenticate"].startswith("Basic")
    assert "Unauthorized" in response.json()["message"]


def test_only_exact_health_and_webhook_paths_are_open():
    assert allowlisted("/health")
    assert allowlisted("/api/v1/main/executions/webhook/company.team/hello/k3y")
    for path in PROTECTED:
        assert not allowlisted(path), path
    assert not allowlisted("/api/v1/main/executions/webhook/company.team/hello/%2e%2e")


def test_webhook_routes_answer_without_credentials(client):
    response = client.post("/api/v1/main/executions/webhook/company.team/nope/key")
    assert response.status_code == 404 and response.json() == {"message": "Webhook not found"}


def test_basic_credentials_and_tokens_are_accepted_wrong_ones_are_not(client, runtime):
    assert client.get("/api/v1/main/executions/search", headers=basic(USER.username, USER.password)).status_code == 200
    for headers in (
        basic(USER.username, "wrong"),
        basic("someone", USER.password),
        {"Authorization": "Basic not-base64!!"},
        {"Authorization": "Bearer choreo_unknown"},
        {"Authorization": "Token " + USER.password},
    ):
        assert client.get("/api/v1/main/executions/search", headers=headers).status_code == 401, headers
    token, secret = runtime.store.tokens.create("ci")
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/main/executions/search", headers=bearer).status_code == 200
    runtime.store.tokens.revoke(token.id)
    assert client.get("/api/v1/main/executions/search", headers=bearer).status_code == 401


def test_unknown_tenant_is_a_404_with_a_message(client):
    response = client.get("/api/v1/other/executions/search", headers=basic(USER.username, USER.password))
    assert response.status_code == 404 and "tenant 'other'" in response.json()["message"]


def test_without_authentication_the_server_listens_on_loopback_only():
    assert effective_host(ServerConfig(host="0.0.0.0")) == "127.0.0.1"
    assert effective_host(ServerConfig(host="0.0.0.0", users=(USER,))) == "0.0.0.0"
    assert effective_host(ServerConfig(host="::1")) == "::1"


def test_the_access_log_never_shows_a_webhook_key():
    assert masked("/api/v1/main/executions/webhook/ns/flow/s3cr3t") == "/api/v1/main/executions/webhook/ns/flow/***"
    assert "s3cr3t" not in masked("/api/v1/main/executions/webhook/ns/flow/s3cr3t/extra/path")


def test_the_openapi_document_lists_the_routes(client):
    response = client.get("/api/v1/openapi.json", headers=basic(USER.username, USER.password))
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/{tenant}/executions/{execution_id}" in paths and "/api/v1/{tenant}/flows" in paths


def test_browsable_docs_are_served_without_a_cdn(client):
    page = client.get("/api/v1/docs", headers=basic(USER.username, USER.password))
    assert page.status_code == 200 and 'fetch("openapi.json")' in page.text
    assert "http" not in page.text.split("<script>")[1]  # nothing loaded from elsewhere


def test_the_web_ui_gets_a_401_without_a_browser_challenge(client):
    plain = client.get("/api/v1/main/flows/search")
    assert plain.status_code == 401 and plain.headers["www-authenticate"].startswith("Basic")
    from_ui = client.get("/api/v1/main/flows/search", headers={"X-Requested-With": "XMLHttpRequest"})
    assert from_ui.status_code == 401 and "www-authenticate" not in from_ui.headers

"""The web UI's files: served at /ui/ without credentials (they hold no data), deep links get the app, nothing
outside the build is ever read, and the API stays closed whatever the spelling."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from choreo.api import ui
from choreo.api.app import create_app
from choreo.api.auth import allowlisted
from choreo.server.config import ServerConfig, User
from choreo.server.runtime import Runtime


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    root = tmp_path_factory.mktemp("dist")
    (root / "assets").mkdir()
    (root / "index.html").write_text("<!doctype html><div id=root></div>")
    (root / "assets" / "index-abc123.js").write_text("console.log('app')")
    (root.parent / "secret.txt").write_text("outside the build")
    return root


@pytest.fixture(scope="module")
def client(tmp_path_factory, dist, monkeypatch_module):
    monkeypatch_module.setattr(ui, "DIST", dist)
    rt = Runtime(ServerConfig(home=tmp_path_factory.mktemp("ui"), users=(User("admin", "secret"),)))
    yield TestClient(create_app(rt), raise_server_exceptions=False, follow_redirects=False)
    rt.close()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_app_and_its_deep_links_are_served_without_credentials(client):
    for path in ("/ui/", "/ui/flows", "/ui/executions/company.team/hello/4Cq2", "/ui/flows/edit/company.team/etl"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "<div id=root>" in response.text and response.headers["cache-control"] == "no-cache"
    assert client.get("/").headers["location"] == "/ui/"
    assert client.get("/ui").headers["location"] == "/ui/"


def test_hashed_assets_are_cached_for_good_and_missing_ones_are_404(client):
    response = client.get("/ui/assets/index-abc123.js")
    assert response.status_code == 200 and "console.log" in response.text
    assert "immutable" in response.headers["cache-control"]
    assert client.get("/ui/assets/gone-000.js").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/ui/../secret.txt", "/ui/%2e%2e/secret.txt", "/ui/..%2fsecret.txt", "/ui/assets/../../secret.txt"],
)
def test_nothing_outside_the_build_is_served(client, path):
    response = client.get(path)
    assert "outside the build" not in response.text, path


@pytest.mark.parametrize(
    "path", ["/ui/../api/v1/main/flows/search", "/ui/%2e%2e/api/v1/main/flows/search", "/ui/.hidden", "/ui/a/../b"]
)
def test_dot_segments_under_ui_are_not_allowlisted(path):
    assert not allowlisted(path)


def test_the_api_still_needs_credentials(client):
    assert client.get("/api/v1/main/flows/search").status_code == 401
    assert client.get("/ui/../api/v1/main/flows/search").status_code == 401


def test_resolve_rejects_escapes(dist):
    assert ui.resolve("index.html", dist) == (dist / "index.html").resolve()
    for path in ("../secret.txt", "assets/../../secret.txt", "a\\b", "x\x00y", "", "/etc/passwd"):
        assert ui.resolve(path, dist) is None, path


def test_a_missing_build_says_how_to_build_it(tmp_path):
    from fastapi import FastAPI

    app = FastAPI()
    ui.install(app, tmp_path / "nothing")
    response = TestClient(app).get("/ui/flows")
    assert response.status_code == 503 and "bin/build-ui" in response.text

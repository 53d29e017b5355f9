"""Running the HTTP tasks (Request, Download) against a real local server."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from choreo.plugins.context import TaskFailed
from choreo.plugins.core.http.download import Download, filename_from_disposition
from choreo.plugins.core.http.request import Request


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[dict] = []

    def log_message(self, *args) -> None:  # quiet
        pass

    def _reply(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        Handler.seen.append(
            {"method": self.command, "path": self.path, "headers": dict(self.headers.items()), "body": body}
        )
        path = self.path.split("?")[0]
        if path == "/json":
            self._reply(200, b'{"hello": "world"}', {"Content-Type": "application/json", "X-Multi": "a"})
        elif path == "/echo":
            payload = {"method": self.command, "body": body.decode(), "type": self.headers.get("Content-Type")}
            self._reply(201, json.dumps(payload).encode(), {"Content-Type": "application/json"})
        elif path == "/error":
            self._reply(500, b"boom")
        elif path == "/missing":
            self._reply(404, b"not here")
        elif path == "/redirect":
            self._reply(302, b"", {"Location": "/json"})
        elif path == "/auth":
            expected = "Basic " + base64.b64encode(b"user:pass").decode()
            ok = self.headers.get("Authorization") == expected
            self._reply(200 if ok else 401, b"ok" if ok else b"denied")
        elif path == "/file.csv":
            self._reply(200, b"a,b\n1,2\n", {"Content-Type": "text/csv"})
        elif path == "/named":
            self._reply(200, b"data", {"Content-Disposition": 'attachment; filename="../report 1.txt"'})
        elif path == "/empty":
            self._reply(200, b"")
        else:
            self._reply(204, b"")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def request(uri: str, **kwargs) -> Request:
    return Request.model_validate({"id": "r", "type": Request.type_name, "uri": uri, **kwargs})


def download(uri: str, **kwargs) -> Download:
    return Download.model_validate({"id": "d", "type": Download.type_name, "uri": uri, **kwargs})


def test_get_json(server, ctx, run):
    out = run(request(server + "/json", headers={"X-Test": "{{ flow.id }}"}), ctx)
    assert out["code"] == 200
    assert json.loads(out["body"]) == {"hello": "world"}
    assert out["headers"]["Content-Type"] == ["application/json"]
    assert out["headers"]["X-Multi"] == ["a"]
    assert out["uri"] == server + "/json"
    sent = Handler.seen[-1]
    assert sent["headers"]["X-Test"] == "test_flow"
    assert sent["headers"]["Content-Type"] == "application/json"  # the default contentType, as Kestra sends it


def test_post_a_rendered_body(server, ctx, load, run):
    task = load(
        Request,
        f"""
        id: send
        type: io.kestra.plugin.core.http.Request
        uri: {server}/echo
        method: POST
        body: '{{"flow": "{{{{ flow.id }}}}"}}'
        """,
    )
    out = run(task, ctx)
    assert out["code"] == 201
    echoed = json.loads(out["body"])
    assert echoed["method"] == "POST"
    assert json.loads(echoed["body"]) == {"flow": "test_flow"}
    assert echoed["type"] == "application/json; charset=UTF-8"


def test_form_data_url_encoded_and_multipart(server, ctx, run):
    out = run(request(server + "/echo", method="POST", formData={"user": "ada", "n": 1}), ctx)
    echoed = json.loads(out["body"])
    assert echoed["body"] == "user=ada&n=1"
    assert echoed["type"] == "application/x-www-form-urlencoded"

    uri = ctx.add_file("upload.txt", "file content")
    task = request(
        server + "/echo",
        method="POST",
        contentType="multipart/form-data",
        formData={"user": "ada", "file": uri, "named": {"name": "custom.txt", "content": uri}},
    )
    echoed = json.loads(run(task, ctx)["body"])
    assert echoed["type"].startswith("multipart/form-data; boundary=")
    assert 'name="user"' in echoed["body"] and "ada" in echoed["body"]
    assert 'filename="upload.txt"' in echoed["body"] and 'filename="custom.txt"' in echoed["body"]
    assert "file content" in echoed["body"]


def test_a_failed_status_fails_the_task(server, ctx, run):
    with pytest.raises(TaskFailed, match="Failed http request with response code '500' and body:\nboom"):
        run(request(server + "/error"), ctx)


def test_allow_failed(server, ctx, run):
    out = run(request(server + "/missing", options={"allowFailed": True}), ctx)
    assert (out["code"], out["body"]) == (404, "not here")
    out = run(request(server + "/error", allowFailed=True), ctx)
    assert out["code"] == 500


def test_redirects(server, ctx, run):
    out = run(request(server + "/redirect"), ctx)
    assert out["code"] == 200 and out["uri"] == server + "/redirect"
    out = run(request(server + "/redirect", options={"followRedirects": False}), ctx)
    assert out["code"] == 302


def test_basic_auth(server, ctx, run):
    auth = {"type": "BASIC", "username": "user", "password": "{{ 'pa' ~ 'ss' }}"}
    assert run(request(server + "/auth", options={"auth": auth}), ctx)["body"] == "ok"
    with pytest.raises(TaskFailed, match="'401'"):
        run(request(server + "/auth"), ctx)


def test_no_content_has_no_body(server, ctx, run):
    out = run(request(server + "/nothing", method="DELETE"), ctx)
    assert (out["code"], out["body"]) == (204, None)


def test_connection_refused_fails(ctx, run):
    with pytest.raises(TaskFailed, match="HTTP request to"):
        run(request("http://127.0.0.1:9/", options={"timeout": {"connectTimeout": "PT2S"}}), ctx)


def test_logs_option(server, ctx, run):
    run(request(server + "/json", options={"logs": ["REQUEST_HEADERS", "RESPONSE_BODY"]}), ctx)
    messages = ctx.messages("INFO")
    assert any(m.startswith("request: GET") for m in messages)
    assert 'response body: {"hello": "world"}' in messages


def test_download_stores_the_content(server, ctx, run):
    out = run(download(server + "/file.csv"), ctx)
    assert out["code"] == 200
    assert out["length"] == 8
    assert out["uri"].endswith(".csv")
    assert ctx.read_file(out["uri"]) == b"a,b\n1,2\n"
    assert out["headers"]["Content-Type"] == ["text/csv"]


def test_download_names_the_file_after_content_disposition(server, ctx, run):
    out = run(download(server + "/named"), ctx)
    assert out["uri"].endswith("/report+1.txt")
    assert filename_from_disposition("attachment; filename*=UTF-8''na%C3%AFve.txt") == "na%C3%AFve.txt"
    assert filename_from_disposition("inline") is None


def test_download_empty_response(server, ctx, run):
    with pytest.raises(TaskFailed, match="No response from server"):
        run(download(server + "/empty"), ctx)
    out = run(download(server + "/empty", failOnEmptyResponse=False), ctx)
    assert out["length"] == 0 and ctx.read_file(out["uri"]) == b""
    assert ctx.messages("WARN") == [f"File '{server}/empty' is empty"]


def test_download_fails_on_500(server, ctx, run):
    with pytest.raises(TaskFailed, match="response code '500'"):
        run(download(server + "/error"), ctx)
    out = run(download(server + "/error", options={"allowFailed": True}), ctx)
    assert out["code"] == 500 and ctx.read_file(out["uri"]) == b"boom"

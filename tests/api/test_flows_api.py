"""The flows API: over HTTP with Starlette's test client, and with Kestra's own Python client (kestrapy) against a
real uvicorn server."""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from choreo.api.app import create_app
from choreo.server.config import ServerConfig
from choreo.server.runtime import Runtime
from threaded_server import serve_in_thread

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

API = "/api/v1/main"
YAML = {"Content-Type": "application/x-yaml"}


def flow_yaml(flow_id: str = "hello", namespace: str = "company.team", message: str = "hi", extra: str = "") -> str:
    return (
        f"id: {flow_id}\n"
        f"namespace: {namespace}\n"
        f"{extra}"
        "tasks:\n"
        "  - id: log\n"
        "    type: io.kestra.plugin.core.log.Log\n"
        f"    message: {message}\n"
    )


INVALID_TYPE = """id: broken
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Lgo
    message: hi
"""

GRAPH_FLOW = """id: shapes
namespace: company.team
triggers:
  - id: every_minute
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "* * * * *"
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: one
  - id: fan
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: left
        type: io.kestra.plugin.core.log.Log
        message: l
      - id: right
        type: io.kestra.plugin.core.log.Log
        message: r
  - id: choose
    type: io.kestra.plugin.core.flow.If
    condition: "{{ true }}"
    then:
      - id: yes_branch
        type: io.kestra.plugin.core.log.Log
        message: y
    else:
      - id: no_branch
        type: io.kestra.plugin.core.log.Log
        message: n
errors:
  - id: on_error
    type: io.kestra.plugin.core.log.Log
    message: failed
"""


# -- fixtures ------------------------------------------------------------------------------------------------------
@pytest.fixture
def rt(tmp_path: Path) -> Iterator[Runtime]:
    runtime = Runtime(ServerConfig(home=tmp_path))
    yield runtime
    runtime.close()


def _test_client_class() -> type[TestClient]:
    # Starlette warns on import that it would rather drive httpx2; httpx is what this project installs.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
        from fastapi.testclient import TestClient

    return TestClient


@pytest.fixture
def client(rt: Runtime) -> Iterator[TestClient]:
    with _test_client_class()(create_app(rt)) as test_client:
        yield test_client


@pytest.fixture
def server_url(rt: Runtime) -> Iterator[str]:
    with serve_in_thread(create_app(rt)) as url:
        yield url


@pytest.fixture
def kestra(server_url: str) -> Iterator[Any]:
    from kestrapy import KestraClient

    with KestraClient(host=server_url, timeout=30) as kestra_client:
        yield kestra_client


def create(client: TestClient, source: str) -> dict[str, Any]:
    response = client.post(f"{API}/flows", content=source, headers=YAML)
    assert response.status_code == 200, response.text
    return response.json()


# -- create, read, update, delete ----------------------------------------------------------------------------------
def test_create_returns_the_flow_with_its_source(client: TestClient) -> None:
    body = create(client, flow_yaml())
    assert body["id"] == "hello" and body["namespace"] == "company.team"
    assert body["revision"] == 1
    assert body["source"] == flow_yaml()
    assert (body["disabled"], body["deleted"], body["draft"]) == (False, False, False)
    task = body["tasks"][0]
    assert (task["id"], task["type"], task["message"]) == ("log", "io.kestra.plugin.core.log.Log", "hi")


def test_create_accepts_text_plain(client: TestClient) -> None:
    response = client.post(f"{API}/flows", content=flow_yaml(), headers={"Content-Type": "text/plain"})
    assert response.status_code == 200, response.text


def test_creating_an_existing_flow_is_a_conflict(client: TestClient) -> None:
    create(client, flow_yaml())
    response = client.post(f"{API}/flows", content=flow_yaml(message="other"), headers=YAML)
    assert response.status_code == 409
    assert "Flow id already exists" in response.json()["message"]


def test_invalid_yaml_is_422_with_line_and_column(client: TestClient) -> None:
    response = client.post(f"{API}/flows", content="id: a\nnamespace: b\ntasks: [\n", headers=YAML)
    assert response.status_code == 422
    assert "<flow>:4:1: invalid YAML" in response.json()["message"]


def test_invalid_flow_is_422_naming_the_place(client: TestClient) -> None:
    response = client.post(f"{API}/flows", content=INVALID_TYPE, headers=YAML)
    assert response.status_code == 422
    body = response.json()
    assert ":5:11: tasks[0].type: unknown type 'io.kestra.plugin.core.log.Lgo'" in body["message"]
    assert body["violations"][0]["line"] == 5


def test_get_with_and_without_source(client: TestClient) -> None:
    create(client, flow_yaml())
    assert client.get(f"{API}/flows/company.team/hello").json()["source"] == flow_yaml()
    without = client.get(f"{API}/flows/company.team/hello", params={"source": "false"}).json()
    assert "source" not in without and without["revision"] == 1


def test_unknown_flow_and_tenant_are_404(client: TestClient) -> None:
    for path in ("flows/no.such/flow", "flows/no.such/flow/revisions", "flows/no.such/flow/graph"):
        assert client.get(f"{API}/{path}").status_code == 404, path
    assert client.delete(f"{API}/flows/no.such/flow").status_code == 404
    assert client.put(f"{API}/flows/company.team/hello", content=flow_yaml(), headers=YAML).status_code == 404
    assert client.get("/api/v1/other/flows/search").status_code == 404


def test_update_makes_a_new_revision(client: TestClient) -> None:
    create(client, flow_yaml())
    response = client.put(f"{API}/flows/company.team/hello", content=flow_yaml(message="bye"), headers=YAML)
    assert response.status_code == 200, response.text
    assert response.json()["revision"] == 2 and response.json()["tasks"][0]["message"] == "bye"
    first = client.get(f"{API}/flows/company.team/hello", params={"revision": 1}).json()
    assert first["tasks"][0]["message"] == "hi"
    revisions = client.get(f"{API}/flows/company.team/hello/revisions").json()
    assert [r["revision"] for r in revisions] == [1, 2]
    assert revisions[0]["source"] == flow_yaml()


def test_update_refuses_another_id_or_namespace(client: TestClient) -> None:
    create(client, flow_yaml())
    other_id = client.put(f"{API}/flows/company.team/hello", content=flow_yaml("other"), headers=YAML)
    assert other_id.status_code == 422 and "Illegal flow id update" in other_id.json()["message"]
    other_ns = client.put(f"{API}/flows/company.team/hello", content=flow_yaml(namespace="x.y"), headers=YAML)
    assert other_ns.status_code == 422 and "namespace" in other_ns.json()["message"]


def test_delete_then_read_deleted(client: TestClient) -> None:
    create(client, flow_yaml())
    assert client.delete(f"{API}/flows/company.team/hello").status_code == 204
    assert client.get(f"{API}/flows/company.team/hello").status_code == 404
    deleted = client.get(f"{API}/flows/company.team/hello", params={"allowDeleted": "true"}).json()
    assert deleted["deleted"] is True
    assert client.get(f"{API}/flows/company.team/hello/revisions").status_code == 404
    # a deleted flow can be created again
    assert create(client, flow_yaml())["revision"] == 3


# -- search and lists ----------------------------------------------------------------------------------------------
@pytest.fixture
def several(client: TestClient) -> None:
    create(client, flow_yaml("alpha", "company.team", extra="labels:\n  env: prod\n"))
    create(client, flow_yaml("beta", "company.team", extra="labels:\n  env: dev\n"))
    create(client, flow_yaml("gamma", "company.team.sub"))
    create(client, flow_yaml("delta", "other"))


def search(client: TestClient, params: Any) -> dict[str, Any]:
    response = client.get(f"{API}/flows/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def ids(body: Any) -> list[str]:
    return [flow["id"] for flow in (body["results"] if isinstance(body, dict) else body)]


@pytest.mark.usefixtures("several")
def test_search_with_filters(client: TestClient) -> None:
    everything = search(client, {})
    assert everything["total"] == 4 and "source" not in everything["results"][0]
    assert ids(search(client, {"filters[namespace][EQUALS]": "company.team"})) == ["alpha", "beta"]
    assert ids(search(client, {"filters[namespace][PREFIX]": "company.team"})) == ["alpha", "beta", "gamma"]
    assert ids(search(client, {"namespace": "company"})) == ["alpha", "beta", "gamma"]  # legacy: with children
    assert ids(search(client, {"filters[q][EQUALS]": "ELT"})) == ["delta"]
    assert ids(search(client, {"filters[labels][EQUALS][env]": "prod"})) == ["alpha"]
    assert ids(search(client, {"labels": "env:dev"})) == ["beta"]
    assert ids(search(client, {"filters[flowId][IN]": "alpha,delta"})) == ["alpha", "delta"]
    either = {"filters[or][0][flowId][EQUALS]": "beta", "filters[or][1][flowId][EQUALS]": "gamma"}
    assert ids(search(client, either)) == ["beta", "gamma"]


@pytest.mark.usefixtures("several")
def test_search_sorts_and_pages(client: TestClient) -> None:
    body = search(client, [("sort", "id:desc"), ("page", "2"), ("size", "3")])
    assert body["total"] == 4 and ids(body) == ["alpha"]
    assert ids(search(client, [("sort", "namespace:desc"), ("sort", "id:asc")])) == ["delta", "gamma", "alpha", "beta"]


@pytest.mark.usefixtures("several")
def test_search_refuses_unknown_fields_and_sorts(client: TestClient) -> None:
    assert client.get(f"{API}/flows/search", params={"filters[colour][EQUALS]": "x"}).status_code == 400
    assert client.get(f"{API}/flows/search", params={"sort": "colour:asc"}).status_code == 400
    assert client.get(f"{API}/flows/search", params={"page": "0"}).status_code == 400


def test_bad_filters_are_refused_even_with_no_flow(client: TestClient) -> None:
    for params in ({"filters[namespace][REGEX]": "("}, {"filters[labels][EQUALS]": "no-colon"}):
        response = client.get(f"{API}/flows/search", params=params)
        assert response.status_code == 400, params


@pytest.mark.usefixtures("several")
def test_list_by_namespace_and_distinct_namespaces(client: TestClient) -> None:
    assert ids(client.get(f"{API}/flows/company.team").json()) == ["alpha", "beta"]
    assert client.get(f"{API}/flows/distinct-namespaces").json() == ["company.team", "company.team.sub", "other"]
    assert client.get(f"{API}/flows/distinct-namespaces", params={"q": "SUB"}).json() == ["company.team.sub"]


@pytest.mark.usefixtures("several")
def test_search_by_source_code(client: TestClient) -> None:
    body = client.get(f"{API}/flows/source", params={"q": "alpha"}).json()
    assert body["total"] == 1
    assert body["results"][0]["matches"] == [{"line": 1, "column": 5, "snippet": "id: alpha"}]
    tasks_only = client.get(f"{API}/flows/source", params={"q": "alpha", "scope": "TASKS"}).json()
    assert tasks_only["total"] == 0


# -- validate ------------------------------------------------------------------------------------------------------
def test_validate_reports_each_document(client: TestClient) -> None:
    body = "---\n" + flow_yaml("good") + "---\n" + INVALID_TYPE
    response = client.post(f"{API}/flows/validate", content=body, headers=YAML)
    assert response.status_code == 200
    good, bad = response.json()
    assert good["index"] == 0 and good["flow"] == "good" and "constraints" not in good
    assert bad["index"] == 1 and bad["flow"] == "broken" and bad["namespace"] == "company.team"
    # the bad document starts on line 9 of the body: its type is on line 13
    assert ":13:11: tasks[0].type: unknown type" in bad["constraints"]
    assert bad["warnings"] == [] and bad["outdated"] is False


def test_validate_reports_unreadable_yaml_without_failing(client: TestClient) -> None:
    response = client.post(f"{API}/flows/validate", content="id: [\n", headers=YAML)
    assert response.status_code == 200
    (result,) = response.json()
    assert "invalid YAML" in result["constraints"] and "flow" not in result


# -- bulk ----------------------------------------------------------------------------------------------------------
def test_bulk_is_all_or_nothing(client: TestClient) -> None:
    body = flow_yaml("one") + "---\n" + INVALID_TYPE
    response = client.post(f"{API}/flows/bulk", content=body, headers=YAML)
    assert response.status_code == 422
    assert "document 1:" in response.json()["message"]
    assert client.get(f"{API}/flows/company.team/one").status_code == 404


def test_bulk_saves_and_deletes_the_namespace_flows_missing_from_it(client: TestClient) -> None:
    create(client, flow_yaml("old"))
    create(client, flow_yaml("elsewhere", "company.team.sub"))
    body = flow_yaml("one") + "---\n" + flow_yaml("two")
    response = client.post(
        f"{API}/flows/bulk", params={"delete": "true", "namespace": "company.team"}, content=body, headers=YAML
    )
    assert response.status_code == 200, response.text
    assert [(f["id"], f["revision"]) for f in response.json()] == [("one", 1), ("two", 1)]
    assert client.get(f"{API}/flows/company.team/old").status_code == 404
    assert client.get(f"{API}/flows/company.team.sub/elsewhere").status_code == 200  # exact namespace only


def test_bulk_refuses_flows_outside_the_namespace(client: TestClient) -> None:
    response = client.post(
        f"{API}/flows/bulk", params={"namespace": "company.team"}, content=flow_yaml(namespace="x"), headers=YAML
    )
    assert response.status_code == 422 and "not in namespace 'company.team'" in response.json()["message"]


def test_update_flows_in_namespace(client: TestClient) -> None:
    create(client, flow_yaml("old"))
    response = client.post(f"{API}/flows/company.team", content=flow_yaml("new"), headers=YAML)
    assert response.status_code == 200, response.text
    assert ids(client.get(f"{API}/flows/company.team").json()) == ["new"]  # delete defaults to true
    wrong = client.post(f"{API}/flows/company.team", content=flow_yaml("x", "other"), headers=YAML)
    assert wrong.status_code == 422
    moved = client.post(
        f"{API}/flows/company.team", params={"override": "true"}, content=flow_yaml("x", "other"), headers=YAML
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()[0]["namespace"] == "company.team"
    assert moved.json()[0]["source"] == flow_yaml("x", "company.team")


# -- enable / disable / delete by ids and query --------------------------------------------------------------------
def test_disable_and_enable_rewrite_only_the_disabled_line(client: TestClient) -> None:
    source = "# my flow\n" + flow_yaml("a") + "# trailing comment\n"
    create(client, source)
    ids_body = [{"namespace": "company.team", "id": "a", "additional_properties": {}}]
    response = client.post(f"{API}/flows/disable/by-ids", json=ids_body)
    assert response.json() == {"count": 1}
    disabled = client.get(f"{API}/flows/company.team/a").json()
    assert disabled["disabled"] is True and disabled["revision"] == 2
    assert disabled["source"] == source + "disabled: true\n"
    response = client.post(f"{API}/flows/enable/by-query", params={"filters[namespace][EQUALS]": "company.team"})
    assert response.json() == {"count": 1}
    enabled = client.get(f"{API}/flows/company.team/a").json()
    assert enabled["disabled"] is False and enabled["source"] == source + "disabled: false\n"


def test_disable_keeps_an_existing_disabled_line_in_place(client: TestClient) -> None:
    create(client, flow_yaml("a", extra="disabled: false  # off switch\n"))
    client.post(f"{API}/flows/disable/by-query", params={"filters[flowId][EQUALS]": "a"})
    assert client.get(f"{API}/flows/company.team/a").json()["source"] == flow_yaml(
        "a", extra="disabled: true  # off switch\n"
    )


def test_disable_leaves_task_level_disabled_alone(client: TestClient) -> None:
    source = flow_yaml("a").replace("    message: hi\n", "    message: hi\n    disabled: false\n")
    create(client, source)
    client.post(f"{API}/flows/disable/by-query", params={"filters[flowId][EQUALS]": "a"})
    flow = client.get(f"{API}/flows/company.team/a").json()
    assert flow["disabled"] is True and flow["tasks"][0]["disabled"] is False
    assert flow["source"] == source + "disabled: true\n"


def test_disable_in_a_source_with_crlf_line_ends(client: TestClient) -> None:
    source = flow_yaml("a", extra="disabled: false\n").replace("\n", "\r\n")
    create(client, source)
    client.post(f"{API}/flows/disable/by-query", params={"filters[flowId][EQUALS]": "a"})
    assert client.get(f"{API}/flows/company.team/a").json()["source"] == source.replace("false", "true")


@pytest.mark.usefixtures("several")
def test_delete_by_ids_and_query(client: TestClient) -> None:
    response = client.request(
        "DELETE",
        f"{API}/flows/delete/by-ids",
        json=[{"namespace": "company.team", "id": "alpha"}, {"namespace": "nope", "id": "x"}],
    )
    assert response.json() == {"count": 1}
    response = client.delete(f"{API}/flows/delete/by-query", params={"filters[namespace][PREFIX]": "company"})
    assert response.json() == {"count": 2}
    assert ids(search(client, {})) == ["delta"]


def test_by_ids_refuses_a_malformed_body(client: TestClient) -> None:
    assert client.post(f"{API}/flows/disable/by-ids", json={"namespace": "a"}).status_code == 400
    assert client.post(f"{API}/flows/disable/by-ids", content=b"not json").status_code == 400


# -- export / import -----------------------------------------------------------------------------------------------
@pytest.mark.usefixtures("several")
def test_export_then_import(client: TestClient) -> None:
    response = client.get(f"{API}/flows/export/by-query", params={"filters[namespace][EQUALS]": "company.team"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/octet-stream"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["company.team.alpha.yml", "company.team.beta.yml"]
    assert archive.read("company.team.alpha.yml").decode() == flow_yaml(
        "alpha", "company.team", extra="labels:\n  env: prod\n"
    )
    client.delete(f"{API}/flows/delete/by-query", params={"filters[namespace][EQUALS]": "company.team"})
    imported = client.post(f"{API}/flows/import", files={"fileUpload": ("flows.zip", response.content)})
    assert imported.status_code == 200 and imported.json() == []
    assert ids(client.get(f"{API}/flows/company.team").json()) == ["alpha", "beta"]


def test_import_reports_invalid_files_or_fails_whole(client: TestClient) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("good.yml", flow_yaml("good"))
        archive.writestr("bad.yml", INVALID_TYPE)
        archive.writestr("README.md", "not a flow")
    data = buffer.getvalue()
    strict = client.post(
        f"{API}/flows/import", params={"failOnError": "true"}, files={"fileUpload": ("flows.zip", data)}
    )
    assert strict.status_code == 422 and "bad.yml:5:11" in strict.json()["message"]
    assert client.get(f"{API}/flows/company.team/good").status_code == 404
    lenient = client.post(f"{API}/flows/import", files={"fileUpload": ("flows.zip", data)})
    assert lenient.json() == ["bad.yml"]
    assert client.get(f"{API}/flows/company.team/good").status_code == 200


def test_import_a_multi_document_yaml(client: TestClient) -> None:
    content = (flow_yaml("one") + "---\n" + flow_yaml("two")).encode()
    response = client.post(f"{API}/flows/import", files={"fileUpload": ("flows.yml", content)})
    assert response.status_code == 200 and response.json() == []
    assert ids(client.get(f"{API}/flows/company.team").json()) == ["one", "two"]


def test_export_by_ids(client: TestClient) -> None:
    create(client, flow_yaml())
    response = client.post(f"{API}/flows/export/by-ids", json=[{"namespace": "company.team", "id": "hello"}])
    assert zipfile.ZipFile(io.BytesIO(response.content)).namelist() == ["company.team.hello.yml"]


# -- graph and tasks -----------------------------------------------------------------------------------------------
def relations(graph: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(e["source"], e["target"], e["relation"]["relationType"]) for e in graph["edges"]}


def test_graph_of_a_flow(client: TestClient) -> None:
    create(client, GRAPH_FLOW)
    graph = client.get(f"{API}/flows/company.team/shapes/graph").json()
    uids = {node["uid"] for node in graph["nodes"]}
    assert {"root.start", "root.end", "first", "fan", "fan.left", "fan.right", "choose.yes_branch"} <= uids
    assert "root.Triggers.every_minute" in uids
    edges = relations(graph)
    assert ("root.start", "first", "SEQUENTIAL") in edges
    assert ("first", "fan", "SEQUENTIAL") in edges
    assert ("fan", "fan.left", "PARALLEL") in edges and ("fan", "fan.right", "PARALLEL") in edges
    assert ("cluster_fan.end", "choose", "SEQUENTIAL") in edges
    assert ("choose", "choose.yes_branch", "CHOICE") in edges and ("choose", "choose.no_branch", "CHOICE") in edges
    assert ("root.start", "on_error", "ERROR") in edges
    assert ("cluster_choose.end", "root.end", "SEQUENTIAL") in edges
    fan = next(c for c in graph["clusters"] if c["cluster"]["uid"] == "cluster_fan")
    assert fan["nodes"] == ["fan", "fan.left", "fan.right", "cluster_fan.end"]
    on_error = next(n for n in graph["nodes"] if n["uid"] == "on_error")
    assert on_error["branchType"] == "ERROR" and on_error["task"]["type"] == "io.kestra.plugin.core.log.Log"
    # every edge joins known nodes
    assert all(e["source"] in uids and e["target"] in uids for e in graph["edges"])


SWITCH_AND_DAG = """id: branches
namespace: company.team
tasks:
  - id: sw
    type: io.kestra.plugin.core.flow.Switch
    value: "{{ 1 }}"
    cases:
      A:
        - id: a1
          type: io.kestra.plugin.core.log.Log
          message: a
    defaults:
      - id: d1
        type: io.kestra.plugin.core.log.Log
        message: d
  - id: dag
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - task:
          id: t1
          type: io.kestra.plugin.core.log.Log
          message: x
      - task:
          id: t2
          type: io.kestra.plugin.core.flow.Sequential
          tasks:
            - id: s1
              type: io.kestra.plugin.core.log.Log
              message: x
        dependsOn: [t1]
finally:
  - id: fin
    type: io.kestra.plugin.core.log.Log
    message: x
"""


def test_graph_of_switch_and_dag_is_connected(client: TestClient) -> None:
    graph = client.post(f"{API}/flows/graph", content=SWITCH_AND_DAG, headers=YAML).json()
    edges = {
        (e["source"], e["target"], e["relation"]["relationType"], e["relation"].get("value")) for e in graph["edges"]
    }
    assert ("sw", "sw.a1", "CHOICE", "A") in edges and ("sw", "sw.d1", "CHOICE", "defaults") in edges
    assert ("dag.t1", "dag.t2", "SEQUENTIAL", None) in edges  # dependsOn
    assert ("root.start", "fin", "FINALLY", None) in edges
    assert graph["flowables"] == ["sw", "dag", "dag.t2"]
    reachable, frontier = {"root.start"}, ["root.start"]
    while frontier:
        node = frontier.pop()
        for source, target, _, _ in edges:
            if source == node and target not in reachable:
                reachable.add(target)
                frontier.append(target)
    assert reachable == {node["uid"] for node in graph["nodes"]}


def test_graph_from_source(client: TestClient) -> None:
    response = client.post(f"{API}/flows/graph", content=GRAPH_FLOW, headers=YAML)
    assert response.status_code == 200 and "fan.left" in {n["uid"] for n in response.json()["nodes"]}
    assert client.post(f"{API}/flows/graph", content=INVALID_TYPE, headers=YAML).status_code == 422


def test_task_of_a_flow(client: TestClient) -> None:
    create(client, GRAPH_FLOW)
    task = client.get(f"{API}/flows/company.team/shapes/tasks/left").json()
    assert (task["id"], task["type"], task["message"]) == ("left", "io.kestra.plugin.core.log.Log", "l")
    assert client.get(f"{API}/flows/company.team/shapes/tasks/nope").status_code == 404


# -- kestrapy, the reference client --------------------------------------------------------------------------------
def test_kestrapy_create_read_update_delete(kestra: Any) -> None:
    from kestrapy.exceptions import ConflictException, NotFoundException, UnprocessableEntityException

    created = kestra.flows.create_flow("main", flow_yaml())
    assert (created.id, created.namespace, created.revision, created.disabled) == ("hello", "company.team", 1, False)
    assert created.tasks[0].id == "log" and created.source == flow_yaml()
    with pytest.raises(ConflictException):
        kestra.flows.create_flow("main", flow_yaml())
    with pytest.raises(UnprocessableEntityException) as invalid:
        kestra.flows.create_flow("main", INVALID_TYPE)
    assert ":5:11:" in invalid.value.body
    updated = kestra.flows.update_flow("company.team", "hello", "main", flow_yaml(message="bye"))
    assert updated.revision == 2
    fetched = kestra.flows.flow("company.team", "hello", "main", source=False)
    assert fetched.revision == 2 and fetched.source is None
    revisions = kestra.flows.list_flow_revisions("company.team", "hello", "main")
    assert [r.revision for r in revisions] == [1, 2]
    assert kestra.flows.task_from_flow("company.team", "hello", "log", "main").id == "log"
    kestra.flows.delete_flow("company.team", "hello", "main")
    with pytest.raises(NotFoundException):
        kestra.flows.flow("company.team", "hello", "main")


def test_kestrapy_from_object(kestra: Any) -> None:
    flow = {
        "id": "obj",
        "namespace": "company.team",
        "tasks": [{"id": "t", "type": "io.kestra.plugin.core.log.Log", "message": "{{ flow.id }}"}],
    }
    created = kestra.flows.create_flow_from_object("main", flow, draft=False)
    assert created.id == "obj" and created.revision == 1
    updated = kestra.flows.update_flow_from_object("company.team", "obj", "main", {**flow, "description": "d"})
    assert updated.revision == 2 and updated.description == "d"


def test_kestrapy_search_lists_and_namespaces(kestra: Any) -> None:
    from kestrapy.models.query_filter import QueryFilter
    from kestrapy.models.query_filter_field import QueryFilterField
    from kestrapy.models.query_filter_op import QueryFilterOp
    from kestrapy.query import and_, eq, where

    kestra.flows.create_flow("main", flow_yaml("alpha", extra="labels:\n  team: data\n"))
    kestra.flows.create_flow("main", flow_yaml("beta"))
    kestra.flows.create_flow("main", flow_yaml("gamma", "other"))
    found = kestra.flows.search_flows(
        "main",
        page=1,
        size=10,
        sort=["id:desc"],
        filters=[QueryFilter(field=QueryFilterField.NAMESPACE, operation=QueryFilterOp.EQUALS, value="company.team")],
    )
    assert found.total == 2 and [f.id for f in found.results] == ["beta", "alpha"]
    labelled = kestra.flows.search_flows(
        "main", filters=where(and_(eq(QueryFilterField.LABELS, {"team": "data"}), eq(QueryFilterField.QUERY, "alp")))
    )
    assert [f.id for f in labelled.results] == ["alpha"]
    assert [f.id for f in kestra.flows.list_flows_by_namespace("other", "main")] == ["gamma"]
    assert kestra.flows.list_distinct_namespaces("main") == ["company.team", "other"]


def test_kestrapy_validate_and_bulk(kestra: Any) -> None:
    from kestrapy.exceptions import UnprocessableEntityException

    results = kestra.flows.validate_flows("main", flow_yaml("good") + "---\n" + INVALID_TYPE)
    assert [r.index for r in results] == [0, 1]
    assert results[0].constraints is None and ":12:11:" in results[1].constraints
    with pytest.raises(UnprocessableEntityException):
        kestra.flows.bulk_update_flows("main", body=flow_yaml("one") + "---\n" + INVALID_TYPE)
    assert kestra.flows.search_flows("main").total == 0
    saved = kestra.flows.bulk_update_flows("main", body=flow_yaml("one") + "---\n" + flow_yaml("two"))
    assert [(f.id, f.revision) for f in saved] == [("one", 1), ("two", 1)]
    replaced = kestra.flows.update_flows_in_namespace("company.team", "main", flow_yaml("three"), delete=True)
    assert [f.id for f in replaced] == ["three"]
    assert [f.id for f in kestra.flows.list_flows_by_namespace("company.team", "main")] == ["three"]


def test_kestrapy_enable_disable_delete_by_ids_and_query(kestra: Any) -> None:
    from kestrapy.models.id_with_namespace import IdWithNamespace
    from kestrapy.models.query_filter_field import QueryFilterField
    from kestrapy.query import eq, where

    kestra.flows.create_flow("main", flow_yaml("a"))
    kestra.flows.create_flow("main", flow_yaml("b"))
    ids_ = [IdWithNamespace(namespace="company.team", id="a")]
    assert kestra.flows.disable_flows_by_ids("main", ids_).count == 1
    assert kestra.flows.flow("company.team", "a", "main").disabled is True
    assert kestra.flows.enable_flows_by_ids("main", ids_).count == 1
    assert kestra.flows.flow("company.team", "a", "main").disabled is False
    query = where(eq(QueryFilterField.NAMESPACE, "company.team"))
    assert kestra.flows.disable_flows_by_query("main", filters=query).count == 2
    assert kestra.flows.enable_flows_by_query("main", filters=query).count == 2
    assert kestra.flows.delete_flows_by_ids("main", ids_).count == 1
    assert kestra.flows.delete_flows_by_query("main", filters=query).count == 1
    assert kestra.flows.search_flows("main").total == 0


def test_kestrapy_export_import_and_graph(kestra: Any) -> None:
    from kestrapy.models.id_with_namespace import IdWithNamespace

    kestra.flows.create_flow("main", GRAPH_FLOW)
    kestra.flows.create_flow("main", flow_yaml())
    archive = kestra.flows.export_flows_by_ids("main", [IdWithNamespace(namespace="company.team", id="shapes")])
    assert zipfile.ZipFile(io.BytesIO(archive)).namelist() == ["company.team.shapes.yml"]
    everything = kestra.flows.export_flows_by_query("main")
    assert len(zipfile.ZipFile(io.BytesIO(everything)).namelist()) == 2
    kestra.flows.delete_flow("company.team", "shapes", "main")
    assert kestra.flows.import_flows("main", file_content=archive) == []
    assert kestra.flows.import_flows("main", file_content=INVALID_TYPE.encode()) == ["flows.yml"]
    graph = kestra.flows.generate_flow_graph("company.team", "shapes", "main")
    assert {"root.start", "fan.left"} <= {node.uid for node in graph.nodes}
    parallel = [e for e in graph.edges if e.source == "fan" and e.target == "fan.left"]
    assert parallel[0].relation.relation_type == "PARALLEL"
    from_source = kestra.flows.generate_flow_graph_from_source("main", GRAPH_FLOW)
    assert len(from_source.nodes) == len(graph.nodes)

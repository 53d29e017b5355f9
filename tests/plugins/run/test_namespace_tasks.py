"""namespace.UploadFiles / DownloadFiles / DeleteFiles, `read()` of a namespace file, and scripts' namespaceFiles."""

from __future__ import annotations

import asyncio

import yaml

from choreo.plugins.core.namespace.delete_files import DeleteFiles
from choreo.plugins.core.namespace.download_files import DownloadFiles
from choreo.plugins.core.namespace.upload_files import UploadFiles
from choreo.plugins.scripts.shell.commands import Commands
from choreo.testing import FakeRunContext

NS = {"flow": {"id": "f", "namespace": "company.team"}}


def build(cls, text: str):
    return cls.model_validate(yaml.safe_load(text))


def test_upload_from_a_map_and_from_working_directory_globs_then_download_and_delete():
    ctx = FakeRunContext(variables=NS)
    (ctx.working_dir() / "sql").mkdir()
    (ctx.working_dir() / "sql" / "q.sql").write_text("SELECT 1")
    upload = build(
        UploadFiles,
        "id: up\ntype: io.kestra.plugin.core.namespace.UploadFiles\nnamespace: company.team\n"
        "files: ['**.sql']\ndestination: /queries\nfilesMap:\n  /scripts/hello.sh: echo hello\n",
    )
    outputs = asyncio.run(upload.run(ctx))
    assert sorted(outputs["files"]) == ["queries/sql/q.sql", "scripts/hello.sh"]
    files = ctx.namespace_files()
    assert files.read("queries/sql/q.sql") == b"SELECT 1"
    assert ctx.render("{{ read('scripts/hello.sh') }}") == "echo hello"

    download = build(
        DownloadFiles,
        "id: down\ntype: io.kestra.plugin.core.namespace.DownloadFiles\nnamespace: company.team\n"
        "files: ['queries/**']\n",
    )
    uri = asyncio.run(download.run(ctx))["files"]["queries/sql/q.sql"]
    assert ctx.read_file(uri) == b"SELECT 1"

    delete = build(
        DeleteFiles,
        "id: del\ntype: io.kestra.plugin.core.namespace.DeleteFiles\nnamespace: company.team\nfiles: ['scripts/**']\n",
    )
    assert asyncio.run(delete.run(ctx)) == {"files": ["scripts/hello.sh"]}
    assert files.paths() == ["queries/sql/q.sql"]


def test_scripts_load_the_namespace_files_they_ask_for():
    ctx = FakeRunContext(variables=NS)
    ctx.namespace_files().put("lib/greet.sh", b"echo hi from the namespace")
    ctx.namespace_files().put("docs/readme.md", b"not wanted")
    task = build(
        Commands,
        "id: sh\ntype: io.kestra.plugin.scripts.shell.Commands\nnamespaceFiles:\n  enabled: true\n"
        "  include: ['lib/**']\ncommands:\n  - sh lib/greet.sh\n  - test ! -e docs/readme.md\n",
    )
    outputs = asyncio.run(task.run(ctx))
    assert outputs["exitCode"] == 0
    assert ("INFO", "hi from the namespace") in ctx.log_lines

"""Helpers shared by the storage (and HTTP) tasks: typed rendering of properties, temporary files in the working
directory, extensions of storage URIs, and reading line-oriented (JSON-lines / Ion text) items."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

from choreo.plugins.context import RunContext, TaskFailed

_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def render_str(ctx: RunContext, value: Any, what: str, *, required: bool = True) -> str | None:
    """`value` rendered to a string; None stays None unless `required`."""
    if value is None:
        if required:
            raise TaskFailed(f"{what}: a value is required", retryable=False)
        return None
    rendered = ctx.render(value)
    if rendered is None:
        if required:
            raise TaskFailed(f"{what}: a value is required", retryable=False)
        return None
    if hasattr(rendered, "value") and not isinstance(rendered, str):  # an enum
        rendered = rendered.value
    return rendered if isinstance(rendered, str) else str(rendered)


def render_int(ctx: RunContext, value: Any, what: str) -> int | None:
    if value is None or isinstance(value, int) and not isinstance(value, bool):
        return value
    rendered = ctx.render(value)
    try:
        return int(str(rendered).strip())
    except ValueError:
        raise TaskFailed(f"{what}: expected an integer, got {rendered!r}", retryable=False) from None


def render_bool(ctx: RunContext, value: Any, what: str, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    rendered = ctx.render(value)
    if isinstance(rendered, bool):
        return rendered
    text = str(rendered).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    raise TaskFailed(f"{what}: expected true or false, got {rendered!r}", retryable=False)


def temp_path(ctx: RunContext, extension: str | None = None) -> Path:
    """A new, not yet existing, file path in the working directory, ending with `extension` (dot included)."""
    return ctx.working_dir() / f"{secrets.token_hex(8)}{extension or ''}"


def uri_extension(uri: str) -> str | None:
    """The extension (with its dot) of the last segment of a URI's path, or None."""
    name = PurePosixPath(urlparse(uri).path).name
    index = name.rfind(".")
    return name[index:] if index >= 0 else None


def split_lines(text: str) -> list[str]:
    """Lines as Java's `BufferedReader.readLine` sees them: \\n, \\r\\n or \\r end a line; no empty last line."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def read_text(ctx: RunContext, uri: str, charset: str = "utf-8") -> str:
    """The content of a storage file, decoded (blocking: call it in a thread)."""
    data = read_bytes(ctx, uri)
    try:
        return data.decode(charset)
    except LookupError:
        raise TaskFailed(f"unknown charset '{charset}'", retryable=False) from None
    except UnicodeDecodeError as exc:
        raise TaskFailed(f"'{uri}' is not valid {charset} text: {exc}", retryable=False) from None


def parse_item(line: str) -> Any:
    """One item of a line-oriented ION file written as JSON: `{"a": 1}` → {"a": 1}.

    Ion text that is not JSON (unquoted timestamps, symbols, typed nulls…) is not supported."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise TaskFailed(
            f"cannot read the item `{line}`: only JSON values (one per line) are supported: {exc}", retryable=False
        ) from None


def read_bytes(ctx: RunContext, uri: str) -> bytes:
    """The content of a storage file (blocking: call it in a thread); a missing file fails the task."""
    try:
        return ctx.read_file(uri)
    except FileNotFoundError:
        raise TaskFailed(f"Unable to find file '{uri}'", retryable=False) from None


def item_variables(line: str) -> dict[str, Any]:
    """The variables an item gives its expression: the fields of the JSON object on `line`."""
    item = parse_item(line)
    if not isinstance(item, dict):
        raise TaskFailed(f"the item `{line}` is not an object: its fields cannot be used as variables", retryable=False)
    return item

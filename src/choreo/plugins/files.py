"""Files in and out of a script's working directory (Kestra's `FilesService` and `ScriptService`).

- `write_input_files`: `inputFiles` entries become files; a value starting with `kestra://` is that stored file's
  content, any other value is the text itself.
- `localize_storage_uris`: each `kestra://` URI in a command is downloaded into the working directory and replaced
  by the local path, so commands can use `{{ outputs.extract.uri }}` directly.
- `match_files`: the files matched by `outputFiles` patterns. Patterns are Java globs relative to the working
  directory: `*` and `?` stay within one directory, `**` crosses directories, `{a,b}` and `[abc]` as usual;
  a `regex:` (or `glob:`) prefix matches the absolute path instead, as in Kestra.
- `store_files`: put matched files into internal storage; returns the `outputFiles` output (relative path → URI).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath

from choreo.plugins.context import TaskFailed

__all__ = [
    "java_glob_to_regex",
    "localize_storage_uris",
    "match_files",
    "store_files",
    "write_input_files",
]

_STORAGE_URI = re.compile(r"kestra://[-a-zA-Z0-9%._+~#=/]*")


def safe_path(root: Path, name: str, what: str) -> Path:
    """`root / name`, refusing absolute names and names that leave `root`."""
    path = (root / name).resolve()
    if PurePosixPath(name).is_absolute() or not path.is_relative_to(root.resolve()):
        raise TaskFailed(f"{what}: invalid path '{name}': only paths inside the working directory are allowed")
    return path


def write_input_files(root: Path, files: Mapping[str, str | None], read: Callable[[str], bytes]) -> None:
    """Create each file under `root` (sub-directories included); blocking, run it in a thread."""
    for name, content in files.items():
        path = safe_path(root, name, "inputFiles")
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            path.touch()
        elif content.startswith("kestra://"):
            path.write_bytes(read(content))
        else:
            path.write_bytes(content.encode())


def localize_storage_uris(text: str, root: Path, read: Callable[[str], bytes], cache: dict[str, str]) -> str:
    """`text` with every kestra:// URI replaced by a local copy's absolute path; blocking, run it in a thread."""

    def local(match: re.Match[str]) -> str:
        uri = match.group()
        if uri not in cache:
            path = root / f"storage_{secrets.token_hex(8)}{PurePosixPath(uri).suffix}"
            path.write_bytes(read(uri))
            cache[uri] = str(path)
        return cache[uri]

    return _STORAGE_URI.sub(local, text)


def java_glob_to_regex(glob: str) -> str:
    """The regular expression of a Java (`FileSystem.getPathMatcher`) glob, for '/'-separated paths."""
    out: list[str] = []
    i, n, in_group = 0, len(glob), False
    while i < n:
        c = glob[i]
        if c == "\\" and i + 1 < n:
            out.append(re.escape(glob[i + 1]))
            i += 2
            continue
        if c == "*":
            if glob.startswith("**", i):
                out.append(".*")
                i += 2
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = glob.find("]", i + 2)
            if end < 0:
                out.append(re.escape(c))
            else:
                body = glob[i + 1 : end]
                negate = body.startswith("!")
                body = body[1:] if negate else body
                out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\").replace("^", "\\^") + "]")
                i = end + 1
                continue
        elif c == "{" and not in_group:
            out.append("(?:")
            in_group = True
        elif c == "}" and in_group:
            out.append(")")
            in_group = False
        elif c == "," and in_group:
            out.append("|")
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _matcher(pattern: str, root: Path) -> Callable[[Path], bool]:
    if pattern.startswith("regex:"):
        regex = re.compile(pattern.removeprefix("regex:"))
        return lambda path: regex.fullmatch(path.as_posix()) is not None
    if pattern.startswith("glob:"):
        absolute = re.compile(java_glob_to_regex(pattern.removeprefix("glob:")))
        return lambda path: absolute.fullmatch(path.as_posix()) is not None
    relative = re.compile(java_glob_to_regex(pattern.lstrip("/")))
    return lambda path: relative.fullmatch(path.relative_to(root).as_posix()) is not None


def match_files(root: Path, patterns: Iterable[str], *, exclude: Path | None = None) -> list[Path]:
    """Regular files under `root` matched by any pattern, sorted; `exclude` (a directory) is skipped."""
    try:
        matchers = [_matcher(pattern, root) for pattern in patterns]
    except re.error as exc:
        raise TaskFailed(f"outputFiles: invalid pattern: {exc}") from exc
    if not matchers:
        return []
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(root):
        base = Path(directory)
        dirnames[:] = sorted(d for d in dirnames if exclude is None or base / d != exclude)
        for filename in filenames:
            path = base / filename
            if path.is_file() and any(match(path) for match in matchers):
                found.append(path)
    return sorted(found)


def store_files(files: Iterable[Path], root: Path, put: Callable[[Path, str], str]) -> dict[str, str]:
    """Store each file, named after its path relative to `root`; returns relative path → URI. Blocking."""
    paths = list(files)
    basenames = [path.name for path in paths]
    stored: dict[str, str] = {}
    for path in paths:
        relative = path.relative_to(root).as_posix()
        name = path.name
        if basenames.count(name) > 1:  # same file name in several directories: keep them apart, as Kestra does
            name = f"{hashlib.sha256(relative.encode()).hexdigest()[:12]}-{name}"
        stored[relative] = put(path, name)
    return stored

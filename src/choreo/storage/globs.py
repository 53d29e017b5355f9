"""Kestra's include/exclude patterns for namespace files (`PathMatcherPredicate`), Java glob syntax included.

A pattern is `glob:<glob>`, `regex:<regex>`, or a bare glob; a bare glob starting with a word character gets `**/`
in front (`main.py` finds `main.py` at any depth). Java glob rules: `*` stays within one directory, `**` crosses
directories, `?` is one character, `[abc]`/`[!abc]` a class, `{a,b}` alternatives, `\\` escapes.

Kestra matches against the path with a leading slash (`/scripts/etl.py`), where `*.py` finds nothing. Choreo
also tries the path without it (`scripts/etl.py`), so `*.py` finds the top-level Python files; every pattern that
matched in Kestra still matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .errors import StorageError

__all__ = ["glob_to_regex", "path_filter"]

_WORD_START = re.compile(r"\w", re.ASCII)


def path_filter(include: Sequence[str] | None = None, exclude: Sequence[str] | None = None) -> Callable[[str], bool]:
    """A test for relative paths: matches some `include` (all, when empty) and no `exclude` pattern."""
    includes = [_compile(pattern) for pattern in include or ()]
    excludes = [_compile(pattern) for pattern in exclude or ()]

    def accept(path: str) -> bool:
        candidates = ("/" + path, path)
        if includes and not any(rx.fullmatch(c) for rx in includes for c in candidates):
            return False
        return not any(rx.fullmatch(c) for rx in excludes for c in candidates)

    return accept


def glob_to_regex(glob: str) -> str:
    """Translate a Java `glob:` pattern into a Python regular expression for `re.fullmatch`."""
    out: list[str] = []
    in_group = False
    i, n = 0, len(glob)
    while i < n:
        char = glob[i]
        i += 1
        if char == "\\":
            if i >= n:
                raise _invalid(glob, "nothing after the escape character")
            out.append(re.escape(glob[i]))
            i += 1
        elif char == "*":
            if i < n and glob[i] == "*":
                out.append(".*")
                i += 1
            else:
                out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = glob.find("]", i + 1)
            if end < 0:
                raise _invalid(glob, "missing ']'")
            body = glob[i:end]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            if "/" in body:
                raise _invalid(glob, "'/' is not allowed in a character class")
            escaped = "".join(c if c == "-" else re.escape(c) for c in body)
            out.append(f"[^/{escaped}]" if negate else f"[{escaped}]")
            i = end + 1
        elif char == "{":
            if in_group:
                raise _invalid(glob, "groups cannot be nested")
            out.append("(?:")
            in_group = True
        elif char == "}" and in_group:
            out.append(")")
            in_group = False
        elif char == "," and in_group:
            out.append("|")
        else:
            out.append(re.escape(char))
    if in_group:
        raise _invalid(glob, "missing '}'")
    return "".join(out)


def _compile(pattern: str) -> re.Pattern[str]:
    if pattern.startswith("regex:"):
        try:
            return re.compile(pattern.removeprefix("regex:"))
        except re.error as exc:
            raise _invalid(pattern, str(exc)) from None
    if pattern.startswith("glob:"):
        glob = pattern.removeprefix("glob:")
    else:
        glob = ("**/" + pattern if _WORD_START.match(pattern) else pattern).replace("\\", "/")
    return re.compile(glob_to_regex(glob))


def _invalid(pattern: str, why: str) -> StorageError:
    return StorageError(f"invalid file pattern {pattern[:200]!r}: {why}")

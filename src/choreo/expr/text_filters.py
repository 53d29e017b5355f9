"""String filters with Pebble/Kestra semantics (names are Kestra's, camelCase included).

Pebble differs from Jinja in small ways users notice: `title` and `capitalize` leave the other letters alone,
`split` takes a Java regex, `urlencode` encodes spaces as `+`, `replace` takes a map. Null input gives null.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus, unquote_plus

from choreo.errors import ExpressionError

from .printing import java_double, to_text

__all__ = ["TEXT_FILTERS"]


def _str(value: Any) -> str:
    return value if isinstance(value, str) else to_text(value)


@lru_cache(maxsize=256)
def java_regex(pattern: str) -> re.Pattern[str]:
    """Compile a Java regex: named groups `(?<name>...)` become Python's `(?P<name>...)`."""
    try:
        return re.compile(re.sub(r"\(\?<(?![=!])", "(?P<", pattern))
    except re.error as exc:
        raise ExpressionError(f"invalid regular expression {pattern!r}: {exc}") from None


def _java_replacement(pattern: re.Pattern[str], replacement: str) -> Callable[[re.Match[str]], str]:
    """Java `Matcher.replaceAll` replacement syntax: `$1`, `${name}`, `\\$` for a literal dollar."""
    parts: list[tuple[bool, str | int]] = []  # (is_group, literal text or group reference)
    i = 0
    while i < len(replacement):
        ch = replacement[i]
        if ch == "\\" and i + 1 < len(replacement):
            parts.append((False, replacement[i + 1]))
            i += 2
        elif ch == "$" and replacement.startswith("${", i) and "}" in replacement[i:]:
            end = replacement.index("}", i)
            parts.append((True, replacement[i + 2 : end]))
            i = end + 1
        elif ch == "$" and i + 1 < len(replacement) and replacement[i + 1].isdigit():
            group, i = int(replacement[i + 1]), i + 2
            while (
                i < len(replacement) and replacement[i].isdigit() and group * 10 + int(replacement[i]) <= pattern.groups
            ):
                group, i = group * 10 + int(replacement[i]), i + 1
            parts.append((True, group))
        elif ch == "$":
            raise ExpressionError(f"illegal group reference in replacement {replacement!r}")
        else:
            parts.append((False, ch))
            i += 1

    def expand(match: re.Match[str]) -> str:
        return "".join((match.group(ref) or "") if is_group else str(ref) for is_group, ref in parts)

    return expand


def _regex_replace_all(text: str, regex: str, replacement: str) -> str:
    pattern = java_regex(regex)
    return pattern.sub(_java_replacement(pattern, replacement), text)


def abbreviate(value: Any, length: int) -> Any:
    if value is None:
        return None
    text = _str(value)
    if length < 0:
        raise ExpressionError("abbreviate length must be zero or more")
    if len(text) < length or len(text) <= 3:
        return text
    return text[:length] if length <= 3 else text[: length - 3] + "..."


def capitalize(value: Any) -> Any:
    if value is None:
        return None
    text = _str(value)
    return text[:1].upper() + text[1:]


def title(value: Any) -> Any:
    if value is None:
        return None
    out, upper_next = [], True
    for ch in _str(value):
        if ch.isspace():
            upper_next = True
        elif upper_next:
            ch, upper_next = ch.upper(), False
        out.append(ch)
    return "".join(out)


def slugify(value: Any) -> Any:
    if value is None:
        return None
    text = unicodedata.normalize("NFD", re.sub(r"\s", "-", _str(value)))
    text = re.sub(r"[^\w-]", "", text, flags=re.ASCII).replace("_", "-")
    return re.sub(r"-{2,}", "-", text).strip("-").lower()


def _substring(before: bool, last: bool) -> Callable[[Any, str], Any]:
    """Apache `StringUtils.substring{Before,After}[Last]`."""

    def apply(value: Any, separator: str) -> Any:
        if value is None:
            return None
        text = _str(value)
        if not separator:
            return text if (before and last) else ""
        index = text.rfind(separator) if last else text.find(separator)
        if index < 0:
            return text if before else ""
        return text[:index] if before else text[index + len(separator) :]

    return apply


def _replace_in(value: Any, pairs: Mapping[Any, Any], regexp: bool) -> Any:
    if isinstance(value, Mapping):
        return {k: _replace_in(v, pairs, regexp) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_replace_in(v, pairs, regexp) for v in value]
    text = _str(value)
    for old, new in pairs.items():
        if regexp:
            text = _regex_replace_all(text, _str(old), _str(new))
        else:
            text = text.replace(_str(old), _str(new))
    return text


def replace(value: Any, pairs: Any = None, replacement: Any = None, regexp: bool = False, **kwargs: Any) -> Any:
    """`replace({'a': 'b'}, regexp=false)` (Pebble/Kestra) or `replace('a', 'b')`; maps and lists recursively."""
    pairs = kwargs.pop("replace_pairs", pairs)
    if kwargs:
        raise ExpressionError(f"replace: unexpected argument(s) {', '.join(kwargs)}")
    if value is None:
        return None
    if pairs is None:
        raise ExpressionError("replace: the argument 'replace_pairs' is required")
    if isinstance(pairs, Mapping):
        if isinstance(replacement, bool):
            regexp = replacement
    else:
        pairs = {pairs: "" if replacement is None else replacement}
    return _replace_in(value, pairs, bool(regexp))


_ESCAPES = {"single": ("'", "\\'"), "double": ('"', '\\"'), "shell": ("'", "'\\''")}


def escape_char(value: Any, type: str | None = None) -> Any:  # noqa: A002 - Kestra's argument name
    if value is None:
        return None
    if type is None or str(type).lower() not in _ESCAPES:
        raise ExpressionError("escapeChar expects type 'single', 'double' or 'shell'")
    if isinstance(value, Mapping):
        return {k: escape_char(v, type) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [escape_char(v, type) for v in value]
    old, new = _ESCAPES[str(type).lower()]
    return _str(value).replace(old, new)


def _line_separator(text: str) -> str:
    for sep in ("\r\n", "\n\r", "\n", "\r"):
        if sep in text:
            return sep
    return "\n"


def indent(value: Any, amount: int, prefix: str = " ") -> Any:
    """Indent every line but the first (the first is assumed to sit where the expression is)."""
    if value is None:
        return None
    text = _str(value)
    if amount < 0:
        raise ExpressionError("indent amount must be zero or more")
    sep = _line_separator(text)
    return text.replace(sep, sep + prefix * amount) if text else text


def nindent(value: Any, amount: int, prefix: str = " ") -> Any:
    """A newline, then every line indented."""
    if value is None:
        return None
    text = _str(value)
    if amount < 0:
        raise ExpressionError("nindent amount must be zero or more")
    sep = _line_separator(text)
    return (sep + text).replace(sep, sep + prefix * amount) if text else text


def split(value: Any, delimiter: str | None = None, limit: int | None = None) -> Any:
    """Java `String.split(regex, limit)`: limit 0 (default) drops trailing empty strings."""
    if value is None:
        return None
    if delimiter is None:
        raise ExpressionError("split: missing delimiter")
    text, limit = _str(value), 0 if limit is None else int(limit)
    pattern = java_regex(delimiter)
    parts = pattern.split(text, maxsplit=max(limit - 1, 0)) if limit != 1 else [text]
    if pattern.groups:  # Python interleaves captured groups; Java does not
        parts = parts[:: pattern.groups + 1]
    if parts and parts[0] == "" and text and (match := pattern.match(text)) and match.end() == 0:
        parts = parts[1:]
    if limit == 0:
        while parts and parts[-1] == "":
            parts.pop()
        if not parts and not text:
            return [""]
    return parts


def _digest(name: str) -> Callable[[Any], Any]:
    def apply(value: Any) -> Any:
        return None if value is None else hashlib.new(name, _str(value).encode()).hexdigest()

    return apply


def base64decode(value: Any) -> Any:
    if value is None:
        return None
    try:
        return base64.b64decode(_str(value), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ExpressionError(f"base64decode: invalid input: {exc}") from None


def string(value: Any) -> Any:
    """Numbers (and anything else) to their printed form; strings are returned unchanged."""
    if value is None or isinstance(value, str):
        return value
    return java_double(value) if isinstance(value, float) else to_text(value)


def _starts(value: Any, prefix: str) -> bool:
    return value is not None and _str(value).startswith(_str(prefix))


def _ends(value: Any, suffix: str) -> bool:
    return value is not None and _str(value).endswith(_str(suffix))


def _regex_match(value: Any, regex: str) -> bool:
    return value is not None and java_regex(regex).search(_str(value)) is not None


def _regex_extract(value: Any, regex: str, group: int = 0) -> Any:
    if value is None:
        return None
    match = java_regex(regex).search(_str(value))
    return None if match is None else match.group(group)


def _simple(fn: Callable[[str], str]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else fn(_str(value))


TEXT_FILTERS: dict[str, Callable[..., Any]] = {
    "abbreviate": abbreviate,
    "base64decode": base64decode,
    "base64encode": _simple(lambda s: base64.b64encode(s.encode()).decode("ascii")),
    "capitalize": capitalize,
    "condenseString": _simple(lambda s: s.replace("\n", "")),
    "endsWith": _ends,
    "escapeChar": escape_char,
    "indent": indent,
    "lower": _simple(str.lower),
    "md5": _digest("md5"),
    "nindent": nindent,
    "regexExtract": _regex_extract,
    "regexMatch": _regex_match,
    "regexReplace": lambda value, regex, replacement: (
        None if value is None else _regex_replace_all(_str(value), regex, _str(replacement))
    ),
    "replace": replace,
    "sha1": _digest("sha1"),
    "sha256": _digest("sha256"),
    "sha512": _digest("sha512"),
    "slugify": slugify,
    "split": split,
    "startsWith": _starts,
    "string": string,
    "substringAfter": _substring(before=False, last=False),
    "substringAfterLast": _substring(before=False, last=True),
    "substringBefore": _substring(before=True, last=False),
    "substringBeforeLast": _substring(before=True, last=True),
    "title": title,
    "trim": _simple(str.strip),
    "upper": _simple(str.upper),
    "urldecode": _simple(unquote_plus),
    "urlencode": _simple(lambda s: quote_plus(s, safe="*").replace("~", "%7E")),
}

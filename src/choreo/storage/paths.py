"""Canonical storage locations: every URI and namespace-file path is decoded and checked here, before any disk access.

The rule (Kestra's path-traversal fixes, PRs #16293, #16593, #16320, taught it): canonicalise first, then check.
Percent-encoding is decoded exactly once; a path that would still decode differently is refused (double encoding),
and so are NUL and control characters, backslashes, `.` and `..` segments, Windows drive letters, other schemes and
hosts. What is left is a tuple of plain names that can only go down from the storage root; `LocalStorage` then
resolves symlinks and checks the real path is still under the root.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

from .errors import InvalidPath

__all__ = [
    "MAX_NAME_BYTES",
    "RESERVED_PREFIX",
    "SCHEME",
    "StoragePath",
    "format_uri",
    "is_valid_name",
    "parse_relative_path",
    "parse_uri",
]

SCHEME = "kestra"
# Temporary files written by `LocalStorage.put` start with this; such names can never be addressed or listed.
RESERVED_PREFIX = ".choreo-tmp-"
MAX_NAME_BYTES = 255

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_DRIVE = re.compile(r"[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")
# Characters left as they are inside a path segment (RFC 3986 unreserved, sub-delims, ':' and '@').
_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@")


@dataclass(frozen=True, slots=True)
class StoragePath:
    """A canonical location in internal storage: decoded names, none empty, `.`, `..` or otherwise unsafe."""

    segments: tuple[str, ...]

    @property
    def uri(self) -> str:
        return format_uri(self.segments)

    @property
    def path(self) -> str:
        """The decoded path, `/a/b.txt`; the storage root is `/`."""
        return "/" + "/".join(self.segments)

    @property
    def name(self) -> str:
        return self.segments[-1] if self.segments else ""

    def is_root(self) -> bool:
        return not self.segments

    def joinpath(self, *names: str) -> StoragePath:
        """A location below this one; each name is checked like a decoded URI segment."""
        for name in names:
            _check_name(name, name)
        return StoragePath(self.segments + tuple(names))

    def is_relative_to(self, other: StoragePath) -> bool:
        return self.segments[: len(other.segments)] == other.segments

    def __str__(self) -> str:
        return self.uri


def parse_uri(uri: str) -> StoragePath:
    """Canonicalise a `kestra:///a/b` URI (or a scheme-less `/a/b`, as Kestra accepts), or raise `InvalidPath`."""
    if not isinstance(uri, str):
        raise InvalidPath(f"a storage URI must be a string, not {type(uri).__name__}")
    _check_raw(uri, uri)
    rest = uri
    if _DRIVE.match(uri):
        raise InvalidPath(f"invalid storage URI {_show(uri)}: Windows drive letters are not allowed")
    scheme = _SCHEME.match(uri)
    if scheme:
        if scheme.group(1).lower() != SCHEME:
            raise InvalidPath(f"invalid storage URI {_show(uri)}: only the '{SCHEME}' scheme is allowed")
        rest = uri[scheme.end() :]
        if not rest.startswith("//"):
            raise InvalidPath(f"invalid storage URI {_show(uri)}: expected {SCHEME}:///path")
    if rest.startswith("//"):
        authority, _, after = rest[2:].partition("/")
        if authority:
            raise InvalidPath(f"invalid storage URI {_show(uri)}: a host is not allowed, expected {SCHEME}:///path")
        rest = "/" + after
    if not rest.startswith("/"):
        raise InvalidPath(f"invalid storage URI {_show(uri)}: expected an absolute {SCHEME}:///path")
    if "?" in rest or "#" in rest:
        raise InvalidPath(f"invalid storage URI {_show(uri)}: a query or fragment is not allowed")
    return StoragePath(_segments(_decode(rest, uri), uri))


def parse_relative_path(path: str) -> tuple[str, ...]:
    """Canonicalise a path relative to some directory (a namespace file's path), or raise `InvalidPath`.

    Absolute paths are refused rather than re-rooted, so `root / path` can never discard the root.
    Empty segments are dropped (`a//b/` is `("a", "b")`); the empty path gives `()`.
    """
    if not isinstance(path, str):
        raise InvalidPath(f"a path must be a string, not {type(path).__name__}")
    _check_raw(path, path)
    decoded = _decode(path, path)
    if decoded.startswith("/"):
        raise InvalidPath(f"invalid path {_show(path)}: absolute paths are not allowed, give a relative path")
    scheme = _SCHEME.match(decoded)
    if scheme and decoded[scheme.end() :].startswith("/"):
        raise InvalidPath(f"invalid path {_show(path)}: expected a relative path, not a URI")
    return _segments(decoded, path)


def format_uri(segments: tuple[str, ...] | list[str]) -> str:
    """The `kestra:///` URI of decoded names: ASCII specials are percent-encoded, other letters kept (as Java's URI)."""
    return f"{SCHEME}:///" + "/".join(_encode(name) for name in segments)


def is_valid_name(name: str) -> bool:
    """Whether `name` may be one segment of a storage path (used to skip foreign entries when listing)."""
    try:
        _check_name(name, name)
    except InvalidPath:
        return False
    return True


def _check_raw(value: str, shown: str) -> None:
    if "\x00" in value:
        raise InvalidPath(f"invalid path {_show(shown)}: NUL bytes are not allowed")
    if "\\" in value:
        raise InvalidPath(f"invalid path {_show(shown)}: backslashes are not allowed, use '/'")
    if _CONTROL.search(value):
        raise InvalidPath(f"invalid path {_show(shown)}: control characters are not allowed")


def _decode(encoded: str, shown: str) -> str:
    """Percent-decode once; refuse invalid UTF-8 and anything that a second decoding would change."""
    try:
        decoded = unquote(encoded, errors="strict")
    except UnicodeDecodeError:
        raise InvalidPath(f"invalid path {_show(shown)}: percent-encoding is not valid UTF-8") from None
    if unquote(decoded, errors="replace") != decoded:
        raise InvalidPath(f"invalid path {_show(shown)}: double percent-encoding is not allowed")
    _check_raw(decoded, shown)
    return decoded


def _segments(decoded: str, shown: str) -> tuple[str, ...]:
    names = tuple(name for name in decoded.split("/") if name)
    for name in names:
        _check_name(name, shown)
    return names


def _check_name(name: str, shown: str) -> None:
    if not isinstance(name, str) or not name:
        raise InvalidPath(f"invalid path {_show(shown)}: empty name")
    if name in (".", ".."):
        raise InvalidPath(f"invalid path {_show(shown)}: '.' and '..' segments are not allowed")
    if "/" in name:
        raise InvalidPath(f"invalid path {_show(shown)}: a name cannot contain '/'")
    _check_raw(name, shown)
    if _DRIVE.match(name):
        raise InvalidPath(f"invalid path {_show(shown)}: Windows drive letters are not allowed")
    if _ENCODED.search(name):  # would decode again: unaddressable, and the shape of double encoding
        raise InvalidPath(f"invalid path {_show(shown)}: double percent-encoding is not allowed")
    if name.startswith(RESERVED_PREFIX):
        raise InvalidPath(f"invalid path {_show(shown)}: names starting with {RESERVED_PREFIX!r} are reserved")
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidPath(f"invalid path {_show(shown)}: not valid Unicode") from None
    if size > MAX_NAME_BYTES:
        raise InvalidPath(f"invalid path {_show(shown)}: a name is longer than {MAX_NAME_BYTES} bytes")


def _encode(name: str) -> str:
    out: list[str] = []
    for char in name:
        if char in _SAFE or (ord(char) > 127 and unicodedata.category(char)[0] not in "CZ"):
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def _show(value: str) -> str:
    """The caller's own input, quoted and shortened, safe to put in a message or a log line."""
    return repr(value if len(value) <= 200 else value[:200] + "…")

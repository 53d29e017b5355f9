"""Choreo's expression language: Pebble templates as Kestra configures them, rendered on Jinja2's sandbox.

    engine = ExpressionEngine()
    engine.render("Hello {{ inputs.name | upper }}", {"inputs": {"name": "ada"}})   # 'Hello ADA'
    engine.evaluate("{{ inputs.n > 3 }}", {"inputs": {"n": 5}})                     # True

Supported: `{{ }}`, `{% %}`, `{# #}`; tags if/elseif/else, for/else, set, macro, block, filter, verbatim/raw;
Pebble operators `??`, `???`, `c ? a : b`, `contains`, `equals`, `a..b`; literals true/false/null/none; strict
undefined variables; Kestra's functions and filters; Pebble printing (`true`, `2.0`, JSON for maps and lists).
Store-backed functions (secret, kv, read, fileURI, fileSize, errorLogs) call the `RenderServices` given to
`render`. Values are never rendered again unless the template calls `render()`/`renderOnce()`.

Known differences from Pebble:
- `loop.index` is Jinja's, 1-based (Pebble's is 0-based); use `loop.index0` for Pebble's numbering.
- `/` is true division (`5 / 2` is `2.5`; Pebble gives `2` for integers); `not a == b` is `not (a == b)`.
- `is` tests bind at filter level (`a + b is null` tests `b`); Pebble tests the whole sum.
- String literals use Python escapes; Pebble's `#{...}` string interpolation is not supported.
- Line endings in template text are normalised to `\\n`.
- Default time zone is UTC for `now()`, `date` and friends (Kestra uses the server zone).
- `now()` returns a datetime (printed as ISO-8601) unless `format` is given; Kestra returns a string.
- Regexes are Python's `re` (Java named groups `(?<n>...)` and `$1` replacements are translated).
- No CPU time limit: a pathological regex, jq program or nested loop can run long (sizes of `range`, `*`
  and `**` results are capped).
- Java method calls (`'a'.toUpperCase()`) do not exist; the sandbox allows safe Python ones on non-map values
  (`'a'.upper()`). On maps, `x.items` always reads the key `items`, never a dict method.
- Jinja's own filters (`map`, `attr`, `format`, ...) and globals (`lipsum`, `cycler`, `namespace`) do not exist.
"""

from __future__ import annotations

from .engine import ExpressionEngine
from .services import RenderServices

__all__ = ["ExpressionEngine", "RenderServices"]

"""String filters, Pebble/Kestra semantics."""

from __future__ import annotations

import pytest

from choreo.errors import ExpressionError


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ 'hello wORLD' | title }}", "Hello WORLD"),
        ("{{ 'hello wORLD' | capitalize }}", "Hello wORLD"),
        ("{{ 'Hi' | upper }} {{ 'Hi' | lower }}", "HI hi"),
        ("[{{ '  x  ' | trim }}]", "[x]"),
        ("{{ 'this is long' | abbreviate(7) }}", "this..."),
        ("{{ 'short' | abbreviate(10) }}", "short"),
        ("{{ 'abcdef' | abbreviate(2) }}", "ab"),
        ("{{ 'Hello World! Ça va__bien' | slugify }}", "hello-world-ca-va-bien"),
        ("{{ 'a.b.c' | substringBefore('.') }}", "a"),
        ("{{ 'a.b.c' | substringAfter('.') }}", "b.c"),
        ("{{ 'a.b.c' | substringBeforeLast('.') }}", "a.b"),
        ("{{ 'a.b.c' | substringAfterLast('.') }}", "c"),
        ("[{{ 'abc' | substringAfter('z') }}]", "[]"),
        ("{{ 'abc' | substringBefore('z') }}", "abc"),
        ("{{ 'abc' | startsWith('ab') }} {{ 'abc' | endsWith('ab') }}", "true false"),
        ("{{ 'abc' | replace({'a': 'x', 'b': 'y'}) }}", "xyc"),
        ("{{ 'abc' | replace('a', 'z') }}", "zbc"),
        ("{{ 'a1b22' | replace({'\\\\d+': '#'}, regexp=true) }}", "a#b#"),
        ("{{ 'order-12-x' | replace({'(\\\\d+)': '<$1>'}, true) }}", "order-<12>-x"),
        ("{{ {'k': ['a', 1]} | replace({'a': 'b'}) }}", '{"k":["b","1"]}'),
        ("{{ \"it's\" | escapeChar('single') }}", "it\\'s"),
        ("{{ 'say \"hi\"' | escapeChar('double') }}", 'say \\"hi\\"'),
        ("{{ \"it's\" | escapeChar('shell') }}", "it'\\''s"),
        ("{{ 'a b&c~*' | urlencode }}", "a+b%26c%7E*"),
        ("{{ 'a+b%26c' | urldecode }}", "a b&c"),
        ("{{ 'hello' | base64encode }}", "aGVsbG8="),
        ("{{ 'aGVsbG8=' | base64decode }}", "hello"),
        ("{{ 'abc' | md5 }}", "900150983cd24fb0d6963f7d28e17f72"),
        ("{{ 'abc' | sha1 }}", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("{{ 'abc' | sha256 | length }} {{ 'abc' | sha512 | length }}", "64 128"),
        ("{{ 'order-123' | regexMatch('\\\\d+') }} {{ 'x' | regexMatch('\\\\d') }}", "true false"),
        ("{{ 'order-123-done' | regexExtract('\\\\d+') }}", "123"),
        ("{{ 'k=v' | regexExtract('(\\\\w)=(\\\\w)', 2) }}", "v"),
        ("[{{ 'x' | regexExtract('\\\\d') }}]", "[]"),
        ("{{ 'a1b2' | regexReplace('(?<d>\\\\d)', '[${d}]') }}", "a[1]b[2]"),
        ("{{ 'a,b,,c,,' | split(',') }}", '["a","b","","c"]'),
        ("{{ 'a.b.c' | split('\\\\.') }}", '["a","b","c"]'),
        ("{{ 'a,b,c' | split(',', 2) }}", '["a","b,c"]'),
        ("{{ 'a\nb' | condenseString }}", "ab"),
        ("{{ 12 | string }} {{ 2.0 | string }} {{ 'x' | string }}", "12 2.0 x"),
    ],
)
def test_text_filters(render, template, expected):
    assert render(template) == expected


def test_indent_and_nindent(render):
    assert render("{{ v | indent(2) }}", v="a\nb") == "a\n  b"
    assert render("{{ v | nindent(2) }}", v="a\nb") == "\n  a\n  b"
    assert render("{{ v | indent(1, '-') }}", v="a\r\nb") == "a\r\n-b"
    assert render("[{{ '' | nindent(2) }}]") == "[]"


def test_string_filters_pass_null_through(render):
    assert render("[{{ v | upper }}{{ v | slugify }}{{ v | replace({'a': 'b'}) }}]", v=None) == "[]"


@pytest.mark.parametrize(
    "template",
    [
        "{{ 'x' | escapeChar('weird') }}",
        "{{ 'x' | abbreviate(-1) }}",
        "{{ '!!' | base64decode }}",
        "{{ 'x' | regexMatch('(') }}",
        "{{ 'x' | replace() }}",
        "{{ 'x' | split() }}",
    ],
)
def test_bad_filter_arguments_raise_expression_errors(render, template):
    with pytest.raises(ExpressionError):
        render(template)

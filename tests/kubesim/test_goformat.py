"""Go's printing rules (strconv.Quote, fmt's %v/%#v/%T/%s, encoding/json) for decoded JSON values."""

import math
from decimal import Decimal

import pytest

from kubesim.api.goformat import (
    cannot_unmarshal,
    go_float,
    go_json,
    go_quote,
    go_string_slice,
    go_string_verb,
    go_syntax,
    go_type,
    go_type_name,
    go_value,
    json_kind,
)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("web", '"web"'),
        ("", '""'),
        ('say "hi"', r'"say \"hi\""'),
        ("back\\slash", r'"back\\slash"'),
        ("\a\b\f\n\r\t\v", r'"\a\b\f\n\r\t\v"'),
        ("\x00\x1b\x7f", r'"\x00\x1b\x7f"'),
        ("\u0085", r'"\u0085"'),  # a C1 control: \u, not \x
        ("café ünïcode 日本", '"café ünïcode 日本"'),  # printable letters stay as they are
        ("😀", '"😀"'),
        ("no\u00a0break", r'"no\u00a0break"'),  # only the ASCII space is printable among spaces
        ("zero\u200bwidth", r'"zero\u200bwidth"'),
        ("tag\U000e0001", r'"tag\U000e0001"'),
        ("<&>'", '"<&>\'"'),  # %q escapes nothing for HTML
    ],
)
def test_go_quote_is_strconv_quote(text: str, quoted: str) -> None:
    assert go_quote(text) == quoted


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (0.0, "0"),
        (-0.0, "-0"),
        (3.0, "3"),
        (0.1, "0.1"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-2.5, "-2.5"),
        (123456.0, "123456"),
        (1e6, "1e+06"),
        (1234567.5, "1.2345675e+06"),
        (1e21, "1e+21"),
        (1e100, "1e+100"),
        (0.0001, "0.0001"),
        (1e-5, "1e-05"),
        (1.5e-7, "1.5e-07"),
        (5e-324, "5e-324"),
        (math.inf, "+Inf"),
        (-math.inf, "-Inf"),
        (math.nan, "NaN"),
    ],
)
def test_go_float_is_percent_v(value: float, printed: str) -> None:
    assert go_float(value) == printed


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (0.0, "0"),
        (-0.0, "-0"),
        (1.0, "1"),
        (0.1, "0.1"),
        (1e6, "1000000"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1.5e300, "1.5e+300"),
        (1e-5, "0.00001"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (1.5e-10, "1.5e-10"),
        (Decimal("0.25"), "0.25"),
    ],
)
def test_go_json_writes_floats_as_encoding_json_does(value: float, printed: str) -> None:
    assert go_json(value) == printed


def test_go_json_is_compact_sorted_and_escapes_html() -> None:
    value = {"b": [1, True, None], "a": "<tag> & \u2028\u2029", "c": {"z": 'q"uote', "y": "é\n"}}
    assert go_json(value) == (
        '{"a":"\\u003ctag\\u003e \\u0026 \\u2028\\u2029","b":[1,true,null],"c":{"y":"é\\n","z":"q\\"uote"}}'
    )
    assert go_json(None) == "null"
    assert go_json([]) == "[]"
    assert go_json({}) == "{}"
    with pytest.raises(TypeError):
        go_json(object())


def test_go_value_is_percent_v_of_an_interface() -> None:
    assert go_value(None) == "<nil>"
    assert go_value({"b": ["x", None, 1e6], "a": {"d": False, "c": 1}}) == "map[a:map[c:1 d:false] b:[x <nil> 1e+06]]"
    assert go_value("plain") == "plain"
    assert go_value([]) == "[]"
    assert go_value({}) == "map[]"


def test_go_syntax_is_percent_sharp_v() -> None:
    assert go_syntax({"b": None, "a": [1, "x", 0.5]}) == (
        'map[string]interface {}{"a":[]interface {}{1, "x", 0.5}, "b":interface {}(nil)}'
    )
    assert go_string_slice(["a", 'b"']) == '[]string{"a", "b\\""}'


def test_go_types_and_the_wrong_verb() -> None:
    assert [go_type(value) for value in (None, True, 1, 1.5, "s", {}, [])] == [
        "<nil>",
        "bool",
        "int64",
        "float64",
        "string",
        "map[string]interface {}",
        "[]interface {}",
    ]
    assert go_type_name(None) == "%!s(<nil>)"
    assert go_type_name([]) == "[]interface {}"
    assert go_string_verb("text") == "text"
    assert go_string_verb(None) == "%!s(<nil>)"
    assert go_string_verb(1.5) == "%!s(float64=1.5)"
    assert go_string_verb({"k": 1}) == "%!s(map[string]interface {}=map[k:1])"


def test_json_kinds_in_unmarshal_errors() -> None:
    assert [json_kind(value) for value in (True, 3, 2.5, "s", {}, [])] == [
        "bool",
        "number",
        "number",
        "string",
        "object",
        "array",
    ]
    assert json_kind(3, numbered=True) == "number 3"
    assert json_kind(2.5, numbered=True) == "number 2.5"
    assert cannot_unmarshal([], "int32") == "json: cannot unmarshal array into Go value of type int32"

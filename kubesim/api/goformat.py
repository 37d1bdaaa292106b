"""How Go prints values: the API server's messages quote names and values this way.

One copy of the Go printing rules the error messages need, for decoded JSON values (dicts with string
keys, lists, strings, ints, floats, booleans and None):

* ``go_quote``: strconv.Quote, the ``%q`` of a string.
* ``go_float``: the ``%v`` of a float64 (strconv's shortest ``'g'``: exponent form below 1e-4 and from
  1e+06 on, ``-0``, ``+Inf``, ``NaN``).
* ``go_value``, ``go_syntax``, ``go_type``, ``go_string_verb``: fmt's ``%v``, ``%#v``, ``%T`` and ``%s`` of
  an ``interface{}`` holding a decoded value (``map[a:1 b:[x y]]``, ``<nil>``...); ``go_type_name`` is
  ``%s`` of its ``reflect.TypeOf``; ``go_string_slice`` is ``%#v`` of a ``[]string``.
* ``go_json``: encoding/json.Marshal (compact, map keys sorted, ``<``, ``>``, ``&``, U+2028 and U+2029
  escaped, floats in JavaScript's form: ``1e+21``, ``1e-7``, ``0.00001``).
* ``json_kind``: how encoding/json names a JSON value in ``json: cannot unmarshal ...`` errors.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

GO_MAP = "map[string]interface {}"
GO_SLICE = "[]interface {}"

_GO_ESCAPES = {"\a": r"\a", "\b": r"\b", "\f": r"\f", "\n": r"\n", "\r": r"\r", "\t": r"\t", "\v": r"\v"}
_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def go_quote(text: str) -> str:
    """strconv.Quote (``%q``): Go's escapes for control and unprintable characters, the rest as it is."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'  # nothing to escape: the common case, on the write path
    out = []
    for char in text:
        if char in _GO_ESCAPES:
            out.append(_GO_ESCAPES[char])
        elif char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():  # unicode.IsPrint: letters, marks, numbers, punctuation, symbols, ASCII space
            out.append(char)
        elif ord(char) < 0x80:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


# --- numbers ----------------------------------------------------------------------------------------------------


def go_float(value: float) -> str:
    """fmt's ``%v`` of a float64: the shortest digits, in exponent form below 1e-4 and from 1e+06 on."""
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else "+Inf" if value > 0 else "-Inf"
    sign, digits, point = _shortest_digits(value)
    if digits == "0":
        return sign + "0"
    exponent = point - 1
    if -4 <= exponent < 6:
        return sign + _positional(digits, point)
    return sign + _scientific(digits, f"{exponent:+03d}")


def _json_float(value: float) -> str:
    """encoding/json's float64: positional from 1e-6 to below 1e21, else an exponent without padding (1e-7)."""
    if not math.isfinite(value):
        return go_float(value)  # Marshal refuses these ("json: unsupported value: NaN"); never in decoded JSON
    sign, digits, point = _shortest_digits(value)
    if digits == "0" or 1e-6 <= abs(value) < 1e21:
        return sign + _positional(digits, point)
    exponent = point - 1
    return sign + _scientific(digits, ("-" if exponent < 0 else "+") + str(abs(exponent)))


def _shortest_digits(value: float) -> tuple[str, str, int]:
    """The sign, the shortest digits that read back as ``value``, and the point: value = 0.<digits> × 10**point."""
    sign, digit_tuple, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    return ("-" if sign else ""), digits, len(digits) + exponent


def _positional(digits: str, point: int) -> str:
    if point <= 0:
        return "0." + "0" * -point + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return digits[:point] + "." + digits[point:]


def _scientific(digits: str, exponent: str) -> str:
    return digits[0] + ("." + digits[1:] if len(digits) > 1 else "") + "e" + exponent


# --- fmt verbs of an interface{} holding decoded JSON ----------------------------------------------------------


def go_value(value: Any) -> str:
    """fmt's ``%v``: ``map[k:v ...]`` with sorted keys, ``[a b]``, ``<nil>``, strings as they are."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, dict):
        return "map[" + " ".join(f"{key}:{go_value(value[key])}" for key in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_value(item) for item in value) + "]"
    return str(value)


def go_syntax(value: Any) -> str:
    """fmt's ``%#v`` of a value held in a struct field or container: ``interface {}(nil)``, ``[]interface {}{1}``."""
    if value is None:
        return "interface {}(nil)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, dict):
        return GO_MAP + "{" + ", ".join(f"{go_quote(k)}:{go_syntax(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list):
        return GO_SLICE + "{" + ", ".join(go_syntax(item) for item in value) + "}"
    return str(value)


def go_string_slice(values: Sequence[str]) -> str:
    """fmt's ``%#v`` of a non-nil ``[]string``: ``[]string{"a", "b"}``."""
    return "[]string{" + ", ".join(go_quote(value) for value in values) + "}"


def go_type(value: Any) -> str:
    """fmt's ``%T``: the Go type encoding/json decodes the value to (``<nil>`` for null)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return GO_MAP if isinstance(value, dict) else GO_SLICE


def go_type_name(value: Any) -> str:
    """``%s`` of ``reflect.TypeOf(value)``: the ``%T`` name, but null has no type, and %s prints that nil as such."""
    return "%!s(<nil>)" if value is None else go_type(value)


def go_string_verb(value: Any) -> str:
    """fmt's ``%s``: strings as they are, anything else flagged the way fmt flags a wrong verb."""
    if isinstance(value, str):
        return value
    if value is None:
        return "%!s(<nil>)"
    return f"%!s({go_type(value)}={go_value(value)})"


# --- encoding/json -------------------------------------------------------------------------------------------


def go_json(value: Any) -> str:
    """encoding/json.Marshal: compact, map keys sorted, HTML characters and line separators escaped.

    Decimals (quantities) are written as the float64 they convert to.
    """
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return _json_float(float(value))
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, dict):
        members = sorted(((_json_key(key), item) for key, item in value.items()), key=lambda member: member[0])
        return "{" + ",".join(f"{_json_string(key)}:{go_json(item)}" for key, item in members) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(go_json(item) for item in value) + "]"
    raise TypeError(f"cannot print {type(value).__name__} as JSON")


def _json_key(key: Any) -> str:
    return key if isinstance(key, str) else json.dumps(key)


def _json_string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    for char, escape in _JSON_ESCAPES:
        encoded = encoded.replace(char, escape)
    return encoded


def json_kind(value: Any, *, numbered: bool = False) -> str:
    """How encoding/json names a JSON value in ``json: cannot unmarshal X into ...`` errors.

    ``numbered``: a number aimed at an integer comes with its text (a float carrying a ``text`` attribute
    keeps the text it was written as).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        if not numbered:
            return "number"
        text = getattr(value, "text", None) or (str(value) if isinstance(value, int) else repr(value))
        return f"number {text}"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, dict) else "array"


def cannot_unmarshal(value: Any, go_type: str, *, numbered: bool = False) -> str:
    """encoding/json's UnmarshalTypeError for a value decoded into a Go type outside any struct."""
    return f"json: cannot unmarshal {json_kind(value, numbered=numbered)} into Go value of type {go_type}"

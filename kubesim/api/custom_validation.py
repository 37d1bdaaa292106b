"""Custom resources checked against their CRD's openAPIV3Schema, with the apiextensions server's messages.

Covers what CRD authors use most: types (with nullable and x-kubernetes-int-or-string), required
fields, enums, numeric bounds, string patterns and lengths, and item counts. Unknown fields are
pruned or refused earlier, when the body is decoded (kubesim.api.validation).
"""

from __future__ import annotations

import json
import re
from typing import Any

Cause = tuple[str, str, str]
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def validate(obj: dict[str, Any], schema: dict[str, Any]) -> list[Cause]:
    causes: list[Cause] = []
    properties = schema.get("properties") or {}
    for key, value in obj.items():
        if key not in ("apiVersion", "kind", "metadata") and key in properties:
            _check(value, properties[key], key, causes)
    _check_required(obj, schema, "", causes)
    return causes


def _check(value: Any, schema: dict[str, Any], path: str, causes: list[Cause]) -> None:
    if not isinstance(schema, dict):
        return
    if value is None:
        if not schema.get("nullable") and schema.get("type"):
            causes.append(
                (
                    path,
                    "FieldValueInvalid",
                    f'Invalid value: "null": {path} in body must be of type {schema["type"]}: "null"',
                )
            )
        return
    if not _type_matches(value, schema):
        shown = _shown(value)
        message = f"Invalid value: {shown}: {path} in body must be of type {schema['type']}: {_type_name(value)}"
        causes.append((path, "FieldValueInvalid", message))
        return
    _check_constraints(value, schema, path, causes)
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        additional = schema.get("additionalProperties")
        for key, item in value.items():
            child = properties.get(key, additional if isinstance(additional, dict) else None)
            if child is not None:
                _check(item, child, f"{path}.{key}", causes)
        _check_required(value, schema, path, causes)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            _check(item, schema["items"], f"{path}[{index}]", causes)


def _type_matches(value: Any, schema: dict[str, Any]) -> bool:
    if schema.get("x-kubernetes-int-or-string"):
        return isinstance(value, int | str) and not isinstance(value, bool)
    declared = schema.get("type")
    if declared not in _JSON_TYPES:
        return True
    if isinstance(value, bool):
        return declared == "boolean"
    if declared == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _JSON_TYPES[declared])


def _check_required(value: dict[str, Any], schema: dict[str, Any], path: str, causes: list[Cause]) -> None:
    for name in schema.get("required") or []:
        if name not in value:
            causes.append((f"{path}.{name}" if path else name, "FieldValueRequired", "Required value"))


def _check_constraints(value: Any, schema: dict[str, Any], path: str, causes: list[Cause]) -> None:
    shown = _shown(value)
    enum = schema.get("enum")
    if isinstance(enum, list) and value not in enum:
        supported = ", ".join(_shown(item) for item in enum)
        causes.append((path, "FieldValueNotSupported", f"Unsupported value: {shown}: supported values: {supported}"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            bound = f"should be greater than or equal to {schema['minimum']}"
            causes.append((path, "FieldValueInvalid", f"Invalid value: {shown}: {path} in body {bound}"))
        if "maximum" in schema and value > schema["maximum"]:
            bound = f"should be less than or equal to {schema['maximum']}"
            causes.append((path, "FieldValueInvalid", f"Invalid value: {shown}: {path} in body {bound}"))
    if isinstance(value, str):
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and _pattern_fails(pattern, value):
            causes.append(
                (path, "FieldValueInvalid", f"Invalid value: {shown}: {path} in body should match '{pattern}'")
            )
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            causes.append((path, "FieldValueTooLong", f"Too long: may not be more than {schema['maxLength']} bytes"))
        if "minLength" in schema and len(value) < schema["minLength"]:
            message = f"Invalid value: {shown}: {path} in body should be at least {schema['minLength']} chars long"
            causes.append((path, "FieldValueInvalid", message))
    if isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            causes.append(
                (path, "FieldValueTooMany", f"Too many: {len(value)}: must have at most {schema['maxItems']} items")
            )
        if "minItems" in schema and len(value) < schema["minItems"]:
            message = f"Invalid value: {len(value)}: {path} in body should have at least {schema['minItems']} items"
            causes.append((path, "FieldValueInvalid", message))


def _pattern_fails(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is None
    except re.error:
        return False  # a pattern Go accepts and Python does not: not ours to refuse


def _shown(value: Any) -> str:
    return json.dumps(value)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return '"boolean"'
    if isinstance(value, int):
        return '"integer"'
    if isinstance(value, float):
        return '"number"'
    if isinstance(value, str):
        return '"string"'
    return '"array"' if isinstance(value, list) else '"object"'

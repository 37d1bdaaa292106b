"""The PATCH bodies of the Kubernetes API, applied to plain JSON dicts the way kube-apiserver applies them.

Three patch types live here (server-side apply is elsewhere):

* ``application/json-patch+json`` (RFC 6902), with the quirks of gopkg.in/evanphx/json-patch.v4 that the
  apiserver uses: ``replace`` of a missing object key adds it, negative array indices count from the end,
  ``test`` of a missing key passes when the value is null, ``copy`` from a missing key copies null, and a
  path is split on "/" with its first segment ignored. A general-purpose RFC 6902 library refuses all of
  these, so the operations are implemented here.
* ``application/merge-patch+json`` (RFC 7386), as the same library merges: null deletes, nulls inside
  newly added objects are pruned.
* ``application/strategic-merge-patch+json``, following k8s.io/apimachinery/pkg/util/strategicpatch as
  the apiserver calls it (merging the ``$setElementOrder`` and ``$deleteFromPrimitiveList`` lists): lists
  tagged ``patchStrategy:"merge"`` merge by their ``patchMergeKey`` (or as sets of scalars), other lists
  and ``patchStrategy:"replace"`` maps are replaced, and the ``$patch``, ``$retainKeys``,
  ``$setElementOrder/`` and ``$deleteFromPrimitiveList/`` directives do what they do there, errors and
  all. The apiserver reads the tags from Go structs; ``PatchSchema`` reads the same tags from the
  OpenAPI definitions that kubernetes-validate ships (``x-kubernetes-patch-strategy`` and
  ``x-kubernetes-patch-merge-key``, generated from those tags).

The apiserver hands the patched map straight to a typed decoder, which drops nulls and unknown fields.
The functions here stop before that step: a result can keep what strategicpatch leaves in it (for
instance the nulls inside a list item that the patch appended), and whoever stores it normalises it.

Failures raise ``PatchError`` carrying the status code, reason and message of the apiserver's answer.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kubesim.api.clone import clone
from kubesim.api.goformat import (
    GO_MAP,
    GO_SLICE,
    cannot_unmarshal,
    go_json,
    go_quote,
    go_string_verb,
    go_type_name,
    go_value,
    json_kind,
)

_DATA_FILE = ("kubernetes-json-schema", "v1.37.0-local-strict", "_definitions.json")
_REF_PREFIX = "#/$defs/"
_MAX_JSON_PATCH_OPERATIONS = 10_000

_PATCH = "$patch"
_RETAIN_KEYS = "$retainKeys"
_SET_ELEMENT_ORDER = "$setElementOrder"
_DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"

# k8s.io/apimachinery/pkg/util/mergepatch errors that the apiserver answers with 400 Bad Request.
_BAD_PRIMITIVE_LIST = "invalid patch format of primitive list"
_BAD_RETAIN_KEYS = "invalid patch format of retainKeys"
_BAD_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list"

_REJECTED = "the server rejected our request due to an error in our request"
_PANIC = "This request caused apiserver to panic. Look in the logs for details."


class PatchError(Exception):
    """A patch the apiserver refuses, with the ``status`` code, ``reason``, ``message`` and ``details`` it sends.

    ``reason`` is "" where the apiserver sends none (errors it does not classify, answered with 500).
    """

    def __init__(self, status: int, reason: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.reason, self.message, self.details = status, reason, message, details


class ApiserverPanic(PatchError):
    """strategicpatch panics on this patch: the apiserver answers 500 with ``message`` as a text/plain body."""

    def __init__(self) -> None:
        super().__init__(500, "", _PANIC)


def unsupported_media_type(accepted: Sequence[str]) -> PatchError:
    """The 415 for a PATCH whose Content-Type the resource does not take (strategic merge on custom resources)."""
    listed = ", ".join(accepted)
    message = f"the body of the request was in an unknown format - accepted media types include: {listed}"
    return PatchError(415, "UnsupportedMediaType", message)


def _bad_request(message: str) -> PatchError:
    return PatchError(400, "BadRequest", message)


def _rejected() -> PatchError:
    """The apiserver's 422 that swallows the patch library's message (NewGenericServerResponse)."""
    return PatchError(422, "Invalid", _REJECTED, {})


def _internal(message: str) -> PatchError:
    """An error the apiserver does not classify: 500 with the library's own message and no reason."""
    return PatchError(500, "", message)


def _require_object(result: Any) -> dict[str, Any]:
    """The patched document must decode as an object; the apiserver reports the decoder's complaint as 422."""
    if isinstance(result, dict):
        return result
    anonymous_struct = (
        'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'
    )
    detail = f"couldn't get version/kind; json parse error: {cannot_unmarshal(result, anonymous_struct)}"
    body = f"Invalid value: {go_quote(go_json(result))}: {detail}"
    causes = [{"reason": "FieldValueInvalid", "message": body, "field": "patch"}]
    raise PatchError(422, "Invalid", f' "" is invalid: patch: {body}', {"causes": causes})


# --- JSON patch (RFC 6902) ------------------------------------------------------------------------------


class _OperationFailed(Exception):
    """One operation does not apply; the apiserver turns every such failure into the same 422."""


def json_patch(original: dict[str, Any], patch: Any, *, field_validation: str = "Warn") -> dict[str, Any]:
    """Apply an application/json-patch+json body (the decoded JSON) to a copy of ``original``.

    ``field_validation`` is the request's fieldValidation ("Strict", "Warn" — the default when absent —
    or "Ignore"): it only changes the wording of the 400 for a body of the wrong shape.
    """
    operations = _decode_json_patch(patch, strict=field_validation != "Ignore")
    if len(operations) > _MAX_JSON_PATCH_OPERATIONS:
        message = (
            f"The allowed maximum operations in a JSON patch is {_MAX_JSON_PATCH_OPERATIONS}, got {len(operations)}"
        )
        raise PatchError(413, "RequestEntityTooLarge", f"Request entity too large: {message}")
    document: Any = clone(original)
    try:
        for operation in operations:
            document = _apply_operation(document, operation)
    except _OperationFailed:
        raise _rejected() from None
    return _require_object(document)


def _decode_json_patch(patch: Any, *, strict: bool) -> list[Any]:
    if patch is None:
        return []
    if strict:
        _check_strict_json_patch_shape(patch)
    elif not isinstance(patch, list):
        raise _bad_request(cannot_unmarshal(patch, "jsonpatch.Patch"))
    else:
        for item in patch:
            if item is not None and not isinstance(item, dict):
                raise _bad_request(cannot_unmarshal(item, "jsonpatch.Operation"))
    return list(patch)


def _check_strict_json_patch_shape(patch: Any) -> None:
    """The typed pre-decode the apiserver runs unless fieldValidation=Ignore; it reports the first mismatch."""
    prefix = "error decoding patch: "
    if not isinstance(patch, list):
        raise _bad_request(prefix + cannot_unmarshal(patch, "[]handlers.jsonPatchOp"))
    for item in patch:
        if item is None:
            continue
        if not isinstance(item, dict):
            raise _bad_request(prefix + cannot_unmarshal(item, "handlers.jsonPatchOp"))
        for field, value in item.items():
            if field in ("op", "path", "from") and value is not None and not isinstance(value, str):
                target = f"Go struct field jsonPatchOp.{field} of type string"
                raise _bad_request(f"{prefix}json: cannot unmarshal {json_kind(value)} into {target}")


def _apply_operation(document: Any, operation: Any) -> Any:
    fields = operation if isinstance(operation, dict) else {}
    kind = fields.get("op")
    apply = _OPERATIONS.get(kind) if isinstance(kind, str) else None
    if apply is None:
        raise _OperationFailed
    return apply(document, fields)


def _pointer(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str):
        raise _OperationFailed
    return value


def _container(document: Any, path: str) -> tuple[dict[str, Any] | list[Any], str]:
    """The object or array holding the last token of ``path``, and that token."""
    tokens = [_unescape_token(token) for token in path.split("/")]
    if len(tokens) < 2:
        raise _OperationFailed
    node = document
    for token in tokens[1:-1]:
        node = _member(node, token)
        if not isinstance(node, dict | list):
            raise _OperationFailed
    if not isinstance(node, dict | list):
        raise _OperationFailed
    return node, tokens[-1]


def _unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _member(node: Any, token: str) -> Any:
    """The value at ``token``: None for a missing object key, _OperationFailed for a bad array index."""
    if isinstance(node, dict):
        return node.get(token)
    if isinstance(node, list):
        return node[_existing_index(node, token)]
    raise _OperationFailed


_ARRAY_INDEX = re.compile(r"[+-]?[0-9]+")


def _array_index(token: str) -> int:
    if not _ARRAY_INDEX.fullmatch(token):
        raise _OperationFailed
    return int(token)


def _existing_index(array: list[Any], token: str) -> int:
    """An index of an element, negative ones counting from the end."""
    index = _array_index(token)
    if index >= len(array) or index < -len(array):
        raise _OperationFailed
    return index % len(array)


def _insert(container: dict[str, Any] | list[Any], token: str, value: Any) -> None:
    if isinstance(container, dict):
        container[token] = value
        return
    if token == "-":
        container.append(value)
        return
    index = _array_index(token)
    size = len(container) + 1
    if index >= size or index < -size:
        raise _OperationFailed
    container.insert(index % size, value)


def _delete(container: dict[str, Any] | list[Any], token: str) -> None:
    if isinstance(container, dict):
        if token not in container:
            raise _OperationFailed
        del container[token]
    else:
        del container[_existing_index(container, token)]


def _add(document: Any, fields: dict[str, Any]) -> Any:
    container, token = _container(document, _pointer(fields, "path"))
    _insert(container, token, fields.get("value"))
    return document


def _remove(document: Any, fields: dict[str, Any]) -> Any:
    container, token = _container(document, _pointer(fields, "path"))
    _delete(container, token)
    return document


def _replace(document: Any, fields: dict[str, Any]) -> Any:
    path = _pointer(fields, "path")
    value = fields.get("value")
    if path == "":
        if not isinstance(value, dict | list):
            raise _OperationFailed
        return value
    container, token = _container(document, path)
    if isinstance(container, dict):
        container[token] = value
    else:
        container[_existing_index(container, token)] = value
    return document


def _move(document: Any, fields: dict[str, Any]) -> Any:
    source, source_token = _container(document, _pointer(fields, "from"))
    value = _member(source, source_token)
    _delete(source, source_token)
    target, target_token = _container(document, _pointer(fields, "path"))
    _insert(target, target_token, value)
    return document


def _copy(document: Any, fields: dict[str, Any]) -> Any:
    source, source_token = _container(document, _pointer(fields, "from"))
    value = clone(_member(source, source_token))
    target, target_token = _container(document, _pointer(fields, "path"))
    _insert(target, target_token, value)
    return document


def _test(document: Any, fields: dict[str, Any]) -> Any:
    path = _pointer(fields, "path")
    if path == "":
        actual = document
    else:
        container, token = _container(document, path)
        actual = _member(container, token)
        # A missing key and a null value read the same, and pass against a null or absent "value".
        if actual is None:
            if fields.get("value") is None:
                return document
            raise _OperationFailed
        if "value" not in fields:
            raise _OperationFailed
    if not _same_json(actual, fields.get("value")):
        raise _OperationFailed
    return document


def _same_json(left: Any, right: Any) -> bool:
    """Equality as the library tests it: structural for containers, by encoding for scalars (1 is not 1.0)."""
    if isinstance(left, dict):
        return (
            isinstance(right, dict)
            and left.keys() == right.keys()
            and all(_same_json(value, right[key]) for key, value in left.items())
        )
    if isinstance(left, list):
        return (
            isinstance(right, list)
            and len(left) == len(right)
            and all(_same_json(a, b) for a, b in zip(left, right, strict=True))
        )
    return type(left) is type(right) and left == right


_OPERATIONS: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
    "add": _add,
    "remove": _remove,
    "replace": _replace,
    "move": _move,
    "copy": _copy,
    "test": _test,
}


# --- JSON merge patch (RFC 7386) ------------------------------------------------------------------------


def merge_patch(original: dict[str, Any], patch: Any, *, field_validation: str = "Warn") -> dict[str, Any]:
    """Apply an application/merge-patch+json body (the decoded JSON) to a copy of ``original``.

    ``field_validation`` as for ``json_patch``: it decides how a body that is not an object is refused.
    """
    if field_validation != "Ignore" and patch is not None and not isinstance(patch, dict):
        raise _bad_request("error decoding patch: " + cannot_unmarshal(patch, GO_MAP))
    if isinstance(patch, list):
        return _require_object(_prune_nulls(clone(patch)))
    if not isinstance(patch, dict):
        raise _bad_request("Invalid JSON Patch")
    document = clone(original)
    _merge_objects(document, clone(patch))
    return document


def _merge_objects(document: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            document.pop(key, None)
        elif document.get(key) is None:
            document[key] = _prune_nulls(value)
        else:
            document[key] = _merge_value(document[key], value)


def _merge_value(current: Any, patch: Any) -> Any:
    if not isinstance(current, dict):
        return _prune_nulls(patch)
    if not isinstance(patch, dict):
        return patch
    _merge_objects(current, patch)
    return current


def _prune_nulls(value: Any) -> Any:
    """Drop null members of objects, at any depth (null array elements stay)."""
    if isinstance(value, dict):
        for key in [key for key, member in value.items() if member is None]:
            del value[key]
        for member in value.values():
            _prune_nulls(member)
    elif isinstance(value, list):
        for item in value:
            _prune_nulls(item)
    return value


# --- where strategic merge patch finds patch strategies and merge keys ----------------------------------


@dataclass(frozen=True, slots=True)
class FieldTags:
    """A field's patch tags as the apiserver uses them: the strategy besides retainKeys, and the merge key.

    ``strategy`` is "merge", "replace" or "" (a list or map without a strategy is replaced or merged as JSON).
    """

    strategy: str
    merge_key: str


class PatchSchema:
    """One Go type of the API, seen the way strategicpatch sees it through struct tags.

    ``go_kind`` is reflect.Kind's name: "struct" (which has fields), "map", "slice" (which has an element
    type) or a scalar kind. A struct's fields are compiled on first use and cached.
    """

    __slots__ = ("_element", "_fields", "_name", "_properties", "go_kind")

    def __init__(
        self,
        go_kind: str,
        name: str = "",
        properties: dict[str, Any] | None = None,
        element: dict[str, Any] | None = None,
    ) -> None:
        self.go_kind = go_kind
        self._name = name
        self._properties = properties or {}
        self._element = element or {}
        self._fields: dict[str, tuple[PatchSchema, FieldTags]] = {}

    @classmethod
    def for_kind(cls, group: str, version: str, kind: str) -> PatchSchema | None:
        """A built-in kind's schema ("" is the core group); None for kinds it does not know, like custom resources."""
        name = _kind_index().get((group, version, kind))
        return _named_schema(name) if name else None

    def field(self, key: str) -> tuple[PatchSchema, FieldTags]:
        """The type and tags of a field (LookupPatchMetadataForStruct); unknown fields are a 500 error."""
        found = self._fields.get(key)
        if found is None:
            found = self._fields[key] = self._compile_field(key)
        return found

    def list_field(self, key: str) -> tuple[PatchSchema, FieldTags]:
        """The element type and tags of a list field (LookupPatchMetadataForSlice)."""
        field_schema, tags = self.field(key)
        if field_schema.go_kind != "slice":
            raise _internal(f"expected slice or array type, but got: {self.go_kind}")
        element = _schema_of(field_schema._element)
        if element.go_kind == "slice":
            raise _internal("unexpected slice of slice")
        return element, tags

    def _compile_field(self, key: str) -> tuple[PatchSchema, FieldTags]:
        if self.go_kind != "struct":
            raise _internal(f"merging an object in json but data type is not struct, instead is: {self.go_kind}")
        raw = self._properties.get(key)
        if raw is None:
            # Go's JSON field lookup falls back to a case-insensitive match.
            folded = key.casefold()
            raw = next((value for name, value in self._properties.items() if name.casefold() == folded), None)
        if raw is None:
            raise _internal(f"unable to find api field in struct {self._name} for the json field {go_quote(key)}")
        strategies = str(raw.get("x-kubernetes-patch-strategy", "")).split(",")
        strategy = next((item for item in strategies if item != "retainKeys"), "")
        return _schema_of(raw), FieldTags(strategy, str(raw.get("x-kubernetes-patch-merge-key", "")))


def _data_file() -> Path:
    spec = importlib.util.find_spec("kubernetes_validate")
    for location in list(spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location).joinpath(*_DATA_FILE)
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"cannot find {'/'.join(_DATA_FILE)}: is kubernetes-validate installed?")


@cache
def _definitions() -> dict[str, Any]:
    definitions: dict[str, Any] = json.loads(_data_file().read_text(encoding="utf-8"))["$defs"]
    return definitions


@cache
def _kind_index() -> dict[tuple[str, str, str], str]:
    index: dict[tuple[str, str, str], str] = {}
    for name, raw in _definitions().items():
        for gvk in raw.get("x-kubernetes-group-version-kind", ()):
            index[(gvk["group"], gvk["version"], gvk["kind"])] = name
    return index


@cache
def _named_schema(name: str) -> PatchSchema:
    """A named definition is a Go named type: a struct, with or without JSON fields (RawExtension has none)."""
    raw = _definitions().get(name, {})
    if isinstance(raw.get("additionalProperties"), dict):
        return PatchSchema("map")
    return PatchSchema("struct", name.rsplit(".", 1)[-1], raw.get("properties"))


_SCALAR_KINDS = {"string": "string", "boolean": "bool", "number": "float64"}


def _schema_of(raw: dict[str, Any]) -> PatchSchema:
    ref = raw.get("$ref")
    if isinstance(ref, str):
        return _named_schema(ref.removeprefix(_REF_PREFIX))
    declared = raw.get("type", [])
    types = [declared] if isinstance(declared, str) else list(declared)
    if "array" in types:
        return PatchSchema("slice", element=raw.get("items"))
    if isinstance(raw.get("additionalProperties"), dict):
        return PatchSchema("map")
    if "object" in types or "properties" in raw:
        return PatchSchema("struct", properties=raw.get("properties"))
    if "integer" in types:
        return PatchSchema("int32" if raw.get("format") == "int32" else "int64")
    return PatchSchema(next((_SCALAR_KINDS[name] for name in types if name in _SCALAR_KINDS), "interface"))


# --- strategic merge patch ------------------------------------------------------------------------------


def strategic_merge_patch(original: dict[str, Any], patch: Any, schema: PatchSchema) -> dict[str, Any]:
    """Apply an application/strategic-merge-patch+json body (the decoded JSON) to a copy of ``original``."""
    if patch is None:
        return clone(original)
    if not isinstance(patch, dict):
        raise _bad_request(cannot_unmarshal(patch, GO_MAP))
    return _merge_map(clone(original), clone(patch), schema)


def _merge_map(original: dict[str, Any], patch: dict[str, Any], schema: PatchSchema) -> dict[str, Any]:
    """mergeMap with the apiserver's options: merge the parallel lists, drop nulls that match nothing."""
    if _PATCH in patch:
        return _map_directive(patch)
    _apply_retain_keys(original, patch)
    _merge_ordered_lists(original, patch, schema)
    for key, value in list(patch.items()):
        _merge_field(original, key, value, schema)
    return original


def _map_directive(patch: dict[str, Any]) -> dict[str, Any]:
    directive = patch[_PATCH]
    if directive == "replace":
        # The rest of the map is taken as it stands, nulls and nested directives included.
        del patch[_PATCH]
        return patch
    if directive == "delete":
        return {}
    raise _internal(f"unknown patch type: {go_string_verb(directive)} in map: {go_value(patch)}")


def _apply_retain_keys(original: dict[str, Any], patch: dict[str, Any]) -> None:
    if _RETAIN_KEYS not in patch:
        return
    retained = patch.pop(_RETAIN_KEYS)
    if not isinstance(retained, list):
        raise _bad_request(_BAD_RETAIN_KEYS)
    kept = {_go_key(item) for item in retained}
    for key, value in patch.items():
        is_directive = key.startswith((_DELETE_FROM_PRIMITIVE_LIST, _SET_ELEMENT_ORDER))
        if value is not None and not is_directive and _go_key(key) not in kept:
            raise _bad_request(_BAD_RETAIN_KEYS)
    for key in [key for key in original if _go_key(key) not in kept]:
        del original[key]


def _merge_field(original: dict[str, Any], key: str, value: Any, schema: PatchSchema) -> None:
    deletes_from_list = key.startswith(_DELETE_FROM_PRIMITIVE_LIST)
    if deletes_from_list:
        key = _directive_target(key, _DELETE_FROM_PRIMITIVE_LIST, _BAD_PRIMITIVE_LIST)
    if value is None:
        original.pop(key, None)
        return
    if key not in original or type(original[key]) is not type(value):
        if not deletes_from_list:
            _set_without_directives(original, key, value)
        return
    current = original[key]
    if isinstance(value, dict):
        field_schema, tags = schema.field(key)
        original[key] = value if tags.strategy == "replace" else _merge_map(current, value, field_schema)
    elif isinstance(value, list):
        element, tags = schema.list_field(key)
        if tags.strategy == "merge" or deletes_from_list:
            original[key] = _merge_list(current, value, element, tags.merge_key, deletes_from_list)
        else:
            original[key] = value
    else:
        original[key] = value


def _directive_target(key: str, prefix: str, error: str) -> str:
    """The field a "$directive/field" key names."""
    head, separator, field = key.partition("/")
    if not separator or head != prefix:
        raise _bad_request(error)
    return field


def _set_without_directives(original: dict[str, Any], key: str, value: Any) -> None:
    """Take a patch value as new content: its nulls and its $patch-marked maps and items do not survive."""
    _discard_nulls(value)
    cleaned, keep = _without_directives(value)
    if keep:
        original[key] = cleaned
    else:
        original.pop(key, None)


def _discard_nulls(value: Any) -> None:
    if isinstance(value, dict):
        for key in [key for key, member in value.items() if member is None]:
            del value[key]
        for member in value.values():
            _discard_nulls(member)
    elif isinstance(value, list):
        for item in value:
            _discard_nulls(item)


def _without_directives(value: Any) -> tuple[Any, bool]:
    """removeDirectives: a map carrying $patch goes away with all it holds; other directive keys stay."""
    if isinstance(value, dict):
        if _PATCH in value:
            return None, False
        for key in list(value):
            cleaned, keep = _without_directives(value[key])
            if keep:
                value[key] = cleaned
            else:
                del value[key]
        return value, True
    if isinstance(value, list):
        kept = [_without_directives(item) for item in value]
        return [cleaned for cleaned, keep in kept if keep], True
    return value, True


def _merge_ordered_lists(original: dict[str, Any], patch: dict[str, Any], schema: PatchSchema) -> None:
    """mergePatchIntoOriginal: merge each list that a $setElementOrder directive names, then order it."""
    for directive in [key for key in patch if key.startswith(_SET_ELEMENT_ORDER)]:
        order = patch.pop(directive)
        if not isinstance(order, list):
            raise _internal(f"expected a {GO_SLICE}, but received a {go_type_name(order)}")
        key = _directive_target(directive, _SET_ELEMENT_ORDER, _BAD_SET_ELEMENT_ORDER)
        current = _optional_list(original, key)
        patch_list = _optional_list(patch, key)
        element, tags = schema.list_field(key)
        _check_order(patch_list or [], order, tags.merge_key)
        if current is None and patch_list is None:
            continue
        if patch_list is None:
            merged = current or []
        elif current is None:
            merged = _without_directives(patch_list)[0]
        elif tags.strategy == "merge":
            merged = _merge_list(current, patch_list, element, tags.merge_key, False)
        else:
            merged = patch_list
        in_order, server_only = _partition(merged, order, tags.merge_key)
        kind = _element_type(current or [], patch_list or [], [current, patch_list])
        original[key] = _normalize_order(in_order, server_only, order, current or [], tags.merge_key, kind)
        patch.pop(key, None)


def _optional_list(holder: dict[str, Any], key: str) -> list[Any] | None:
    if key not in holder:
        return None
    value = holder[key]
    if not isinstance(value, list):
        raise _internal(f"expected a {GO_SLICE}, but received a {go_type_name(value)}")
    return value


def _check_order(patch_list: list[Any], order: list[Any], merge_key: str) -> None:
    """validatePatchWithSetOrderList: the patch's items must appear in $setElementOrder, in the same order."""
    if not order or not patch_list:
        return
    items = patch_list
    if merge_key:
        items = [item for item in map(_require_map, patch_list) if item.get(_PATCH) != "delete"]
    matched = seen = 0
    while matched < len(items) and seen < len(order):
        if isinstance(items[matched], dict) and _PATCH in items[matched]:
            matched += 1
            continue
        if _merge_keys_equal(items[matched], order[seen], merge_key):
            matched += 1
        seen += 1
    if matched < len(items) and seen >= len(order):
        raise _internal(
            f"The order in patch list:\n{go_value(patch_list)}\n doesn't match {_SET_ELEMENT_ORDER} list:\n"
            f"{go_value(order)}\n"
        )


def _merge_keys_equal(left: Any, right: Any, merge_key: str) -> bool:
    if not merge_key:
        return _go_equal(left, right)
    left_value = _merge_key_value(_require_map(left), merge_key)
    return _go_equal(left_value, _merge_key_value(_require_map(right), merge_key))


def _require_map(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _internal(f"expected a {GO_MAP}, but received a {go_type_name(value)}")
    return value


def _merge_key_value(item: dict[str, Any], merge_key: str) -> Any:
    if merge_key not in item:
        raise _internal(f"map: {go_value(item)} does not contain declared merge key: {merge_key}")
    return item[merge_key]


def _merge_key_finder(items: list[Any], merge_key: str) -> Callable[[Any], bool]:
    """findMapInSliceBasedOnKeyValue as a lookup: is there an item whose merge key holds this value?

    Go scans the list and fails on the first item that is not a map unless a match comes before it.
    """
    broken = next((index for index, item in enumerate(items) if not isinstance(item, dict)), len(items))
    present = {_go_key(item[merge_key]) for item in items[:broken] if merge_key in item}

    def found(value: Any) -> bool:
        if _go_key(value) in present:
            return True
        if broken < len(items):
            raise _internal(f"value for key {broken} is not a map")
        return False

    return found


def _go_equal(left: Any, right: Any) -> bool:
    """Go's == on interface values: different dynamic types differ, and comparing two maps or slices panics."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict | list):
        raise ApiserverPanic()
    return bool(left == right)


def _go_key(value: Any) -> tuple[type, Any]:
    """A value as a Go map key: typed, so that 1, 1.0 and true stay apart; maps and slices panic."""
    if isinstance(value, dict | list):
        raise ApiserverPanic()
    return type(value), value


def _merge_list(
    original: list[Any], patch: list[Any], element: PatchSchema, merge_key: str, deletes_from_list: bool
) -> list[Any]:
    """mergeSlice: scalars as a set (or less the $deleteFromPrimitiveList items), maps by merge key."""
    if not original and not patch:
        return original
    kind = _element_type(original, patch, [original, patch])
    if kind is not dict:
        if deletes_from_list:
            deleted = {_go_key(item) for item in patch}
            return [item for item in original if _go_key(item) not in deleted]
        merged = _unique_scalars(original + patch)
    else:
        if not merge_key:
            raise _internal(f"cannot merge lists without merge key for {element.go_kind}")
        original, patch = _apply_item_directives(original, patch, merge_key)
        merged = _merge_items(original, patch, merge_key, element)
    in_patch, server_only = _partition(merged, patch, merge_key)
    return _normalize_order(in_patch, server_only, patch, original, merge_key, kind)


def _element_type(original: list[Any], patch: list[Any], shown: list[list[Any] | None]) -> type:
    """sliceElementType: the one type of every element of both lists."""
    found: type | None = None
    for item in [*original, *patch]:
        if found is None:
            if item is None:
                # reflect.TypeOf(nil).Kind() calls a method on a nil interface.
                raise ApiserverPanic()
            if isinstance(item, list):
                # mergepatch.ErrNoListOfLists, answered with the generic 422.
                raise _rejected()
            found = type(item)
        elif type(item) is not found:
            listed = "[" + " ".join(go_value(items or []) for items in shown) + "]"
            raise _internal(f"list element types are not identical: {listed}")
    if found is None:
        raise _internal("no elements in any of the given slices")
    return found


def _unique_scalars(items: list[Any]) -> list[Any]:
    seen: set[tuple[type, Any]] = set()
    unique = []
    for item in items:
        key = _go_key(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _apply_item_directives(original: list[Any], patch: list[Any], merge_key: str) -> tuple[list[Any], list[Any]]:
    """mergeSliceWithSpecialElements: "$patch: delete" items delete, a "$patch: replace" item replaces."""
    plain = []
    replace = False
    for item in patch:
        if _PATCH not in item:
            plain.append(item)
            continue
        directive = item[_PATCH]
        if directive == "delete":
            doomed = _merge_key_value(item, merge_key)
            original = [entry for entry in original if not _holds(entry, merge_key, doomed)]
        elif directive == "replace":
            replace = True
        elif directive == "merge":
            raise _internal("merging lists cannot yet be specified in the patch")
        else:
            raise _internal(f"unknown patch type: {go_string_verb(directive)} in map: {go_value(item)}")
    return (plain, []) if replace else (original, plain)


def _holds(item: dict[str, Any], merge_key: str, value: Any) -> bool:
    return merge_key in item and _go_equal(item[merge_key], value)


def _merge_items(original: list[Any], patch: list[Any], merge_key: str, element: PatchSchema) -> list[Any]:
    """mergeSliceWithoutSpecialElements: merge each patch item into the first item with its key, or append it."""
    merged = list(original)
    first: dict[tuple[type, Any], int] = {}
    for index, item in enumerate(merged):
        if merge_key in item:
            first.setdefault(_go_key(item[merge_key]), index)
    for item in patch:
        key = _go_key(_merge_key_value(item, merge_key))
        if key in first:
            merged[first[key]] = _merge_map(merged[first[key]], item, element)
        else:
            first[key] = len(merged)
            merged.append(item)
    return merged


def _partition(items: list[Any], chosen: list[Any], merge_key: str) -> tuple[list[Any], list[Any]]:
    """Split ``items`` into those present in ``chosen`` (by merge key for maps) and the rest, keeping order."""
    inside: list[Any] = []
    outside: list[Any] = []
    if not merge_key:
        wanted = {_go_key(item) for item in chosen}
        for item in items:
            (inside if _go_key(item) in wanted else outside).append(item)
        return inside, outside
    present = _merge_key_finder(chosen, merge_key)
    for item in items:
        (inside if present(_merge_key_value(_require_map(item), merge_key)) else outside).append(item)
    return inside, outside


def _normalize_order(
    patch_items: list[Any],
    server_items: list[Any],
    patch_order: list[Any],
    server_order: list[Any],
    merge_key: str,
    kind: type,
) -> list[Any]:
    """normalizeElementOrder: each group sorted by its own order, then server items slotted among patch items."""
    patch_items = _sort_by(patch_items, patch_order, merge_key, kind)
    server_items = _sort_by(server_items, server_order, merge_key, kind)
    return _interleave(server_items, patch_items, _positions(server_order, merge_key, kind), merge_key, kind)


def _sort_by(items: list[Any], order: list[Any], merge_key: str, kind: type) -> list[Any]:
    """normalizeSliceOrder: stable sort by position in ``order``; "$patch: delete" items go last."""
    deletions: list[Any] = []
    if kind is dict:
        for item in [*items, *order]:
            _merge_key_value(_require_map(item), merge_key)
        deletions = [item for item in items if item.get(_PATCH) == "delete"]
        items = [item for item in items if item.get(_PATCH) != "delete"]
    positions = _positions(order, merge_key, kind)
    # Only a degenerate patch has items missing from the order; Go's comparator pushes those to the front.
    return sorted(items, key=lambda item: positions.get(_order_key(item, merge_key, kind), -1)) + deletions


def _order_key(item: Any, merge_key: str, kind: type) -> tuple[type, Any]:
    """What positions in a list are looked up by: the merge key's value for maps, the item itself otherwise."""
    if kind is dict:
        return _go_key(item.get(merge_key) if isinstance(item, dict) else None)
    return _go_key(item)


def _positions(order: list[Any], merge_key: str, kind: type) -> dict[tuple[type, Any], int]:
    positions: dict[tuple[type, Any], int] = {}
    for index, item in enumerate(order):
        positions.setdefault(_order_key(item, merge_key, kind), index)
    return positions


def _interleave(
    server_items: list[Any],
    patch_items: list[Any],
    server_positions: dict[tuple[type, Any], int],
    merge_key: str,
    kind: type,
) -> list[Any]:
    """mergeSortedSlice: a server item goes first only if both are in the live list and it comes earlier there."""
    merged = []
    i = j = 0
    while i < len(server_items) and j < len(patch_items):
        left = server_positions.get(_order_key(server_items[i], merge_key, kind))
        right = server_positions.get(_order_key(patch_items[j], merge_key, kind))
        if left is not None and right is not None and left < right:
            merged.append(server_items[i])
            i += 1
        else:
            merged.append(patch_items[j])
            j += 1
    return merged + server_items[i:] + patch_items[j:]

"""Server-side apply and ``metadata.managedFields``, computed the way kube-apiserver computes them.

The apiserver tracks which field manager owns which fields with sigs.k8s.io/structured-merge-diff (SMD),
wrapped by k8s.io/apimachinery/pkg/util/managedfields. This module follows both:

* ``apply`` is a PATCH with Content-Type ``application/apply-patch+yaml``: it merges the applied
  configuration into the live object (or an empty one, to create it), removes what the same manager
  applied before and no longer applies (unless someone else owns it), and refuses, with ``ApplyConflict``,
  to change a value another manager owns, unless forced (then ownership moves).
* ``track_update`` is what every other write (create, update, patch) does: the writer takes ownership of
  the fields it added or changed, and every manager loses the fields the write removed.

Ownership is a set of field paths per manager, serialized as FieldsV1: ``f:<name>`` for a field,
``k:{"name":"x"}`` for an item of a list keyed by its list-map keys, ``v:<json>`` for an item of a set,
and ``.`` for a node that is owned as a whole as well as through some of its children.

What is merged as a whole and what field by field comes from the structural schema: lists are atomic,
sets, or maps keyed by ``x-kubernetes-list-map-keys`` (or by the patch merge key where the definitions
name no list type), and objects are granular unless ``x-kubernetes-map-type`` says atomic. The apiserver
reads these from its OpenAPI models; ``ApplySchema`` reads the same extensions from the definitions that
kubernetes-validate ships, or from a CustomResourceDefinition's ``openAPIV3Schema``.

Where the apiserver works on typed Go objects, a struct field that is not a pointer is always present
(``spec`` of a Deployment, ``template`` of its spec, a container's ``resources``), and so is a list
declared without omitempty (a pod's ``containers``, null when unset). The comparisons that decide Update
ownership give a stored dict those fields, so that the FieldsV1 of a create or update looks like the real
server's (``f:spec`` without ``.``, ``f:resources: {}`` for each new container).

Not covered: conversion between API versions (every entry is taken to speak the request's version), the
migration of client-side ``last-applied-configuration`` to server-side apply, unions, and the
``ReconcileFieldSetWithSchema`` step that follows schema changes between releases.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from typing import Any

import yaml

from kubesim.api.clone import clone
from kubesim.api.goformat import GO_MAP, cannot_unmarshal, go_float, go_json, go_quote, go_syntax, go_type, go_value
from kubesim.api.openapi import schema_names_by_gvk, source_definitions
from kubesim.api.patch import PatchError

APPLY_PATCH = "application/apply-patch+yaml"

_FIELD, _KEY, _VALUE, _INDEX = 0, 1, 2, 3
PathElement = tuple[int, Any]
Path = tuple[PathElement, ...]

_MAX_UPDATE_MANAGERS = 10
_FIELD_MANAGER_MAX_LENGTH = 128
_ANCIENT_CHANGES = "ancient-changes"
_BEFORE_FIRST_APPLY = "before-first-apply"
_CURRENT_OPERATION = "current-operation"
_REF_PREFIX = "#/$defs/"
_OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

# List-map keys whose Go types carry a +default tag: an item that omits them is keyed by the default.
_KEY_DEFAULTS: dict[tuple[str, str], Any] = {
    ("io.k8s.api.core.v1.ContainerPort", "protocol"): "TCP",
    ("io.k8s.api.core.v1.ServicePort", "protocol"): "TCP",
    ("io.k8s.api.core.v1.LocalObjectReference", "name"): "",
}

# Struct-typed fields that the API types declare as values, not pointers, so a typed object always has
# them; the pairs below are the pointer-typed fields that share one of these names.
_VALUE_STRUCT_FIELDS = frozenset(
    {
        "backend", "clientConfig", "conditions", "current", "daemonEndpoints", "deprecatedSource",
        "describedObject", "devices", "jobTemplate", "kubeletEndpoint", "lastState", "limitResponse",
        "loadBalancer", "metadata", "metric", "nodeInfo", "podAffinityTerm", "pool",
        "priorityLevelConfiguration", "resources", "scaleTargetRef", "schedulingPolicy", "source", "spec",
        "state", "status", "strategy", "taint", "target", "template", "updateStrategy", "user", "userInfo",
    }
)  # fmt: skip
_POINTER_STRUCT_FIELDS = frozenset(
    {
        ("io.k8s.api.batch.v1.JobSchedulingConfiguration", "schedulingPolicy"),
        ("io.k8s.api.core.v1.ContainerStatus", "resources"),
        ("io.k8s.api.core.v1.ContainerStatus", "user"),
        ("io.k8s.api.core.v1.PodSpec", "resources"),
        ("io.k8s.api.core.v1.PodStatus", "resources"),
        ("io.k8s.api.core.v1.ReplicationControllerSpec", "template"),
        ("io.k8s.api.flowcontrol.v1.Subject", "user"),
        ("io.k8s.api.resource.v1alpha3.ResourcePoolStatusRequest", "status"),
    }
)

# Associative lists the API types declare without omitempty: a typed object has them, null when unset.
_ALWAYS_PRESENT_LISTS = frozenset(
    {
        ("io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement", "values"),
        ("io.k8s.api.core.v1.PodSpec", "containers"),
        ("io.k8s.api.discovery.v1.Endpoint", "addresses"),
        ("io.k8s.api.flowcontrol.v1.NonResourcePolicyRule", "nonResourceURLs"),
        ("io.k8s.api.flowcontrol.v1.NonResourcePolicyRule", "verbs"),
        ("io.k8s.api.flowcontrol.v1.ResourcePolicyRule", "apiGroups"),
        ("io.k8s.api.flowcontrol.v1.ResourcePolicyRule", "namespaces"),
        ("io.k8s.api.flowcontrol.v1.ResourcePolicyRule", "resources"),
        ("io.k8s.api.flowcontrol.v1.ResourcePolicyRule", "verbs"),
        ("io.k8s.api.resource.v1.AllocatedDeviceStatus", "conditions"),
        ("io.k8s.api.resource.v1beta1.AllocatedDeviceStatus", "conditions"),
        ("io.k8s.api.resource.v1beta2.AllocatedDeviceStatus", "conditions"),
        ("io.k8s.api.scheduling.v1alpha3.WorkloadSpec", "podGroupTemplates"),
        ("io.k8s.api.scheduling.v1beta1.WorkloadSpec", "podGroupTemplates"),
        ("io.k8s.api.storage.v1.CSINodeSpec", "drivers"),
    }
)

# The fields no manager owns (stripMetaManager).
_STRIPPED: tuple[tuple[str, ...], ...] = (
    ("apiVersion",),
    ("kind",),
    ("metadata",),
    ("metadata", "name"),
    ("metadata", "namespace"),
    ("metadata", "creationTimestamp"),
    ("metadata", "selfLink"),
    ("metadata", "uid"),
    ("metadata", "clusterName"),
    ("metadata", "generation"),
    ("metadata", "managedFields"),
    ("metadata", "resourceVersion"),
)


class _Absent:
    """A value that is not there at all, as opposed to JSON null (None)."""

    def __repr__(self) -> str:
        return "<absent>"


_ABSENT: Any = _Absent()


# --- errors -------------------------------------------------------------------------------------------------


class ApplyConflict(PatchError):
    """The 409 of an apply that would change fields other managers own: ``conflicts`` is (manager, field path)."""

    def __init__(self, conflicts: list[tuple[_Manager, Path]]) -> None:
        self.conflicts = [(owner.manager, _path_string(path)) for owner, path in conflicts]
        causes = [
            {"reason": "FieldManagerConflict", "message": f"conflict with {owner.describe()}", "field": field}
            for (owner, _), (_, field) in zip(conflicts, self.conflicts, strict=True)
        ]
        super().__init__(409, "Conflict", _conflict_message(conflicts), {"causes": causes})


def _conflict_message(conflicts: list[tuple[_Manager, Path]]) -> str:
    if len(conflicts) == 1:
        owner, path = conflicts[0]
        return f"Apply failed with 1 conflict: conflict with {owner.describe()}: {_path_string(path)}"
    lines: list[str] = []
    for identity in sorted({owner.identity for owner, _ in conflicts}):
        owned = [(owner, path) for owner, path in conflicts if owner.identity == identity]
        lines.append(f"conflicts with {owned[0][0].describe()}:")
        lines.extend(f"- {_path_string(path)}" for _, path in owned)
    return f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)


class _SchemaMismatch(Exception):
    """An object SMD cannot type: the message is SMD's validation error text."""


def _bad_request(message: str) -> PatchError:
    return PatchError(400, "BadRequest", message)


def _internal(message: str) -> PatchError:
    """Errors the apiserver does not classify: 500 with no reason."""
    return PatchError(500, "", message)


# --- values: SMD's ordering and equality --------------------------------------------------------------------


def _frozen(value: Any) -> tuple[Any, ...]:
    """A hashable form of a JSON value that sorts the way SMD's value.Compare does.

    Numbers first (ints and floats compared numerically), then strings, booleans, lists, maps and null.
    """
    if value is None:
        return (5,)
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    if isinstance(value, list):
        return (3, tuple(_frozen(item) for item in value))
    return (4, tuple(sorted((key, _frozen(item)) for key, item in value.items())))


def _thawed(frozen: tuple[Any, ...]) -> Any:
    rank = frozen[0]
    if rank == 5:
        return None
    if rank == 3:
        return [_thawed(item) for item in frozen[1]]
    if rank == 4:
        return {key: _thawed(item) for key, item in frozen[1]}
    return frozen[1]


def _equal(left: Any, right: Any) -> bool:
    """value.Equals: numbers compare numerically, booleans are not numbers, null differs from absent."""
    if left is _ABSENT or right is _ABSENT:
        return left is right
    return _frozen(left) == _frozen(right)


def _value_string(value: Any) -> str:
    """value.ToString, as paths print list keys and set values."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, list):
        return "[" + ",".join(_value_string(item) for item in value) + "]"
    if isinstance(value, dict):
        return "".join(f"{key}={_value_string(value[key])}" for key in sorted(value))
    return str(value)


# --- path elements and field sets ---------------------------------------------------------------------------


def _field(name: str) -> PathElement:
    return (_FIELD, name)


def _element_string(element: PathElement) -> str:
    kind, payload = element
    if kind == _FIELD:
        return "." + payload
    if kind == _KEY:
        return "[" + ",".join(f"{name}={_value_string(_thawed(value))}" for name, value in payload) + "]"
    if kind == _VALUE:
        return f"[={_value_string(_thawed(payload))}]"
    return f"[{payload}]"


def _path_string(path: Path) -> str:
    return "".join(_element_string(element) for element in path)


def _element_key(element: PathElement) -> str:
    """How FieldsV1 spells a path element as a JSON object key."""
    kind, payload = element
    if kind == _FIELD:
        return "f:" + payload
    if kind == _KEY:
        return "k:{" + ",".join(f"{go_json(name)}:{go_json(_thawed(value))}" for name, value in payload) + "}"
    if kind == _VALUE:
        return "v:" + go_json(_thawed(payload))
    return f"i:{payload}"


def _parse_element(text: str) -> PathElement | None:
    """A FieldsV1 key as a path element; None for the kinds SMD skips."""
    if len(text) < 2:
        raise ValueError("key must be 2 characters long:")
    if text[1] != ":":
        raise ValueError(f"missing colon: {text}")
    kind, rest = text[0], text[2:]
    if kind == "f":
        return _field(rest)
    if kind == "v":
        return (_VALUE, _frozen(json.loads(rest)))
    if kind == "k":
        fields = json.loads(rest)
        if not isinstance(fields, dict):
            raise ValueError(f"expected an object for a key, got {rest}")
        return (_KEY, tuple(sorted((name, _frozen(value)) for name, value in fields.items())))
    if kind == "i":
        return (_INDEX, int(rest))
    return None


class FieldSet:
    """A set of field paths (SMD's fieldpath.Set): the paths owned at this level, and the sets below."""

    __slots__ = ("children", "members")

    def __init__(self, members: Iterable[PathElement] = (), children: Mapping[PathElement, FieldSet] | None = None):
        self.members: set[PathElement] = set(members)
        self.children: dict[PathElement, FieldSet] = {pe: s for pe, s in (children or {}).items() if not s.empty}

    @property
    def empty(self) -> bool:
        return not self.members and not self.children

    def insert(self, path: Path) -> None:
        if not path:
            return
        node = self
        for element in path[:-1]:
            node = node.children.setdefault(element, FieldSet())
        node.members.add(path[-1])

    def has(self, path: Path) -> bool:
        node: FieldSet | None = self
        for element in path[:-1]:
            node = node.children.get(element) if node else None
        return bool(path) and node is not None and path[-1] in node.members

    def with_prefix(self, element: PathElement) -> FieldSet:
        return self.children.get(element) or FieldSet()

    def union(self, other: FieldSet) -> FieldSet:
        children = dict(self.children)
        for element, child in other.children.items():
            mine = children.get(element)
            children[element] = mine.union(child) if mine else child
        return FieldSet(self.members | other.members, children)

    def intersection(self, other: FieldSet) -> FieldSet:
        children = {
            element: child.intersection(other.children[element])
            for element, child in self.children.items()
            if element in other.children
        }
        return FieldSet(self.members & other.members, children)

    def difference(self, other: FieldSet) -> FieldSet:
        """What is in this set and not in other; other's members do not remove this set's children."""
        children = {
            element: child.difference(other.children[element]) if element in other.children else child
            for element, child in self.children.items()
        }
        return FieldSet(self.members - other.members, children)

    def recursive_difference(self, other: FieldSet) -> FieldSet:
        """Like difference, but a member of other removes everything below it too."""
        children = {
            element: child.recursive_difference(other.children[element]) if element in other.children else child
            for element, child in self.children.items()
            if element not in other.members
        }
        return FieldSet(self.members - other.members, children)

    def only(self, element: PathElement) -> FieldSet:
        """The paths that start with element."""
        child = self.children.get(element)
        return FieldSet({element} & self.members, {element: child} if child else None)

    def paths(self, prefix: Path = ()) -> Iterator[Path]:
        """Every path, in SMD's order: this level's members, then each child's paths."""
        for element in sorted(self.members):
            yield (*prefix, element)
        for element in sorted(self.children):
            yield from self.children[element].paths((*prefix, element))

    def printed(self) -> list[str]:
        """Every path as conflict messages print them (.spec.containers[name="web"].image), in SMD's order."""
        return [_path_string(path) for path in self.paths()]

    def to_fields_v1(self) -> dict[str, Any]:
        return self._fields_v1(include_self=False)

    def _fields_v1(self, include_self: bool) -> dict[str, Any]:
        out: dict[str, Any] = {".": {}} if include_self else {}
        for element in sorted(self.members | set(self.children)):
            child = self.children.get(element)
            out[_element_key(element)] = child._fields_v1(element in self.members) if child else {}
        return out

    @classmethod
    def from_fields_v1(cls, fields: Any) -> FieldSet:
        if not isinstance(fields, dict):
            raise ValueError(f"expected an object, got {go_value(fields)}")
        found = cls()
        for text, value in fields.items():
            if text == ".":
                continue
            element = _parse_element(text)
            if element is None:
                continue
            below = cls.from_fields_v1(value)
            # A node is owned as itself when it says "." or when nothing below it is.
            if "." in value or below.empty:
                found.members.add(element)
            if not below.empty:
                found.children[element] = below
        return found

    @classmethod
    def of(cls, *paths: tuple[str, ...]) -> FieldSet:
        made = cls()
        for path in paths:
            made.insert(tuple(_field(name) for name in path))
        return made

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldSet) and self.members == other.members and self.children == other.children

    def __repr__(self) -> str:
        return f"FieldSet({self.printed()})"


_STRIP_SET = FieldSet.of(*_STRIPPED)
_STATUS = _field("status")


# --- the structural schema ----------------------------------------------------------------------------------


class _Type:
    """An SMD atom: the forms a value may take at one place (untyped values may take several)."""

    __slots__ = ("list", "map", "scalar")

    def __init__(self, scalar: str | None = None, list_: _ListType | None = None, map_: _MapType | None = None):
        self.scalar, self.list, self.map = scalar, list_, map_


class _ListType:
    __slots__ = ("_compile_element", "_element", "associative", "key_defaults", "keys")

    def __init__(
        self,
        associative: bool,
        keys: tuple[str, ...],
        element: Callable[[], _Type],
        key_defaults: Mapping[str, Any] | None = None,
    ) -> None:
        self.associative, self.keys = associative, keys
        self.key_defaults = dict(key_defaults or {})
        self._compile_element = element
        self._element: _Type | None = None

    @property
    def element(self) -> _Type:
        if self._element is None:
            self._element = self._compile_element()
        return self._element


class _MapType:
    """An object: declared fields (compiled on first use), the type of any other key, and atomicity."""

    __slots__ = ("_compile", "_compile_element", "_element", "_fields", "_properties", "atomic", "name")

    def __init__(
        self,
        atomic: bool,
        properties: Mapping[str, Any],
        element: Callable[[], _Type | None],
        compile_field: Callable[[Any], _Type],
        name: str = "",
    ) -> None:
        self.atomic, self.name = atomic, name
        self._properties = properties
        self._compile = compile_field
        self._fields: dict[str, _Type] = {}
        self._compile_element = element
        self._element: _Type | _Absent | None = _ABSENT

    @property
    def is_struct(self) -> bool:
        """Whether the object is a struct with declared fields (rather than a map or an untyped object)."""
        return bool(self._properties)

    def with_atomicity(self, atomic: bool) -> _MapType:
        """The same object type, merged whole (atomic) or field by field."""
        return _MapType(atomic, self._properties, lambda: self.element, self._compile, self.name)

    def field(self, key: str) -> _Type | None:
        """The declared field's type, None for a key the schema does not declare."""
        found = self._fields.get(key)
        if found is None and key in self._properties:
            found = self._fields[key] = self._compile(self._properties[key])
        return found

    @property
    def element(self) -> _Type | None:
        """The type of keys the schema does not declare; None where it allows none."""
        if isinstance(self._element, _Absent):
            self._element = self._compile_element()
        return self._element

    def child(self, key: str) -> _Type:
        """The type of a key's value; an undeclared key of an object that allows none is taken as untyped."""
        return self.field(key) or self.element or _DEDUCED

    def typed_zeros(self) -> Iterator[tuple[str, Any]]:
        """The declared fields a typed Go object always has, with their value when unset: a struct held by
        value is an empty object, a list without omitempty is null."""
        if not self.name.startswith("io.k8s."):
            return
        for key in self._properties:
            if (self.name, key) in _ALWAYS_PRESENT_LISTS:
                yield key, None
            elif key in _VALUE_STRUCT_FIELDS and (self.name, key) not in _POINTER_STRUCT_FIELDS:
                field_type = self.field(key)
                if field_type and field_type.map and not field_type.map.atomic and field_type.map.is_struct:
                    yield key, {}


def _untyped_types() -> tuple[_Type, _Type]:
    """SMD's __untyped_atomic_ (anything, merged whole) and __untyped_deduced_ (maps granular)."""
    atomic = _Type("untyped")
    atomic.list = _ListType(False, (), lambda: atomic)
    atomic.map = _MapType(True, {}, lambda: atomic, lambda raw: atomic)
    deduced = _Type("untyped", _ListType(False, (), lambda: atomic))
    deduced.map = _MapType(False, {}, lambda: deduced, lambda raw: deduced)
    return atomic, deduced


_UNTYPED_ATOMIC, _DEDUCED = _untyped_types()
_UNTYPED_SCALAR = _Type("untyped")


class _Compiler:
    """Compiles JSON-schema nodes of the definitions (or of a CRD) into SMD atoms, as kube-openapi's schemaconv."""

    def __init__(self, definitions: Mapping[str, Any]) -> None:
        self.definitions = definitions
        self.named: dict[str, _Type] = {}

    def named_type(self, name: str) -> _Type:
        found = self.named.get(name)
        if found is None:
            found = self.named[name] = self._named(name)
        return found

    def _named(self, name: str) -> _Type:
        # schemaconv hard-codes these two; IntOrString is a string of format int-or-string there.
        if name.endswith(("api.resource.Quantity", "util.intstr.IntOrString")):
            return _UNTYPED_SCALAR
        if name.endswith("pkg.runtime.RawExtension"):
            return _UNTYPED_ATOMIC
        return self.compile(self.definitions.get(name, {}), False, name)

    def compile(self, raw: Mapping[str, Any], preserve: bool, name: str = "") -> _Type:
        ref = raw.get("$ref")
        if isinstance(ref, str):
            return self._reference(ref.removeprefix(_REF_PREFIX), raw.get("x-kubernetes-map-type"))
        if raw.get("x-kubernetes-preserve-unknown-fields") is True:
            preserve = True
        if raw.get("x-kubernetes-int-or-string") is True:
            return _UNTYPED_SCALAR
        declared = raw.get("type", "")
        types = [declared] if isinstance(declared, str) else [item for item in declared if item != "null"]
        kind = types[0] if types else ""
        if kind == "object":
            return _Type(map_=self._map(raw, preserve, name))
        if kind == "array":
            return _Type(list_=self._list(raw, preserve))
        if kind in ("integer", "number"):
            return _Type("numeric")
        if kind == "boolean":
            return _Type("boolean")
        if kind == "string":
            return _Type("string" if raw.get("format", "") in ("", "byte") else "untyped")
        return _Type("untyped", self._list(raw, preserve), self._map(raw, preserve, name))

    def _reference(self, name: str, map_type: Any) -> _Type:
        named = self.named_type(name)
        if map_type not in ("atomic", "granular") or named.map is None:
            return named
        # A field may override the granularity of the type it refers to (claimRef of a PersistentVolume).
        return _Type(named.scalar, named.list, named.map.with_atomicity(map_type == "atomic"))

    def _map(self, raw: Mapping[str, Any], preserve: bool, name: str) -> _MapType:
        properties = raw.get("properties") or {}
        extra = raw.get("additionalProperties")

        def element() -> _Type | None:
            if isinstance(extra, dict):
                return self.compile(extra, preserve)
            if extra is True or (extra is None and (preserve or not properties)):
                return _DEDUCED
            return None

        atomic = raw.get("x-kubernetes-map-type") == "atomic"
        return _MapType(atomic, properties, element, lambda field: self.compile(field, preserve), name)

    def _list(self, raw: Mapping[str, Any], preserve: bool) -> _ListType:
        items = raw.get("items")
        associative, keys = _list_relationship(raw)

        def element() -> _Type:
            return self.compile(items, preserve) if isinstance(items, dict) else _UNTYPED_ATOMIC

        return _ListType(associative, keys, element, self._key_defaults(items, keys))

    def _key_defaults(self, items: Any, keys: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(items, dict) or not keys:
            return {}
        ref = items.get("$ref")
        name = ref.removeprefix(_REF_PREFIX) if isinstance(ref, str) else ""
        properties = (self.definitions.get(name, {}) if name else items).get("properties") or {}
        defaults = {key: properties[key]["default"] for key in keys if "default" in properties.get(key, {})}
        defaults.update({key: value for (type_name, key), value in _KEY_DEFAULTS.items() if type_name == name})
        return defaults


def _list_relationship(raw: Mapping[str, Any]) -> tuple[bool, tuple[str, ...]]:
    """(associative, list-map keys): x-kubernetes-list-type, else a patch merge strategy, else atomic."""
    list_type = raw.get("x-kubernetes-list-type")
    if list_type is not None:
        keys = tuple(raw.get("x-kubernetes-list-map-keys") or ()) if list_type == "map" else ()
        return list_type in ("set", "map"), keys
    if raw.get("x-kubernetes-patch-strategy") in ("merge", "merge,retainKeys"):
        merge_key = raw.get("x-kubernetes-patch-merge-key")
        return True, (merge_key,) if isinstance(merge_key, str) else ()
    return False, ()


@cache
def _builtin_compiler() -> _Compiler:
    return _Compiler(source_definitions())


class ApplySchema:
    """The structural schema of one kind, as SMD sees it, with the group, version and kind it is for."""

    def __init__(self, root: _Type, group: str, version: str, kind: str) -> None:
        self.root, self.group, self.version, self.kind = root, group, version, kind

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @classmethod
    def for_kind(cls, group: str, version: str, kind: str) -> ApplySchema | None:
        """A built-in kind's schema ("" is the core group); None for kinds the definitions do not have."""
        name = schema_names_by_gvk().get((group, version, kind))
        return cls(_builtin_compiler().named_type(name), group, version, kind) if name else None

    @classmethod
    def for_custom_resource(
        cls, group: str, version: str, kind: str, openapi_v3_schema: Mapping[str, Any] | None
    ) -> ApplySchema:
        """A custom resource's schema from its CRD version's openAPIV3Schema (None: keep every field, untyped).

        As the apiextensions-apiserver builds it: metadata is ObjectMeta, apiVersion and kind are strings.
        """
        raw = clone(dict(openapi_v3_schema or {"type": "object", "x-kubernetes-preserve-unknown-fields": True}))
        raw["type"] = "object"
        properties = raw.setdefault("properties", {})
        properties.update(
            {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"$ref": _OBJECT_META}}
        )
        return cls(_builtin_compiler().compile(raw, False), group, version, kind)


# --- walking values with their types ------------------------------------------------------------------------


def _facet(value_type: _Type, value: Any) -> str:
    """Which of the type's forms handles the value (deduceAtom, then handleAtom's order for a mismatch)."""
    if isinstance(value, dict):
        if value_type.map:
            return "map"
    elif isinstance(value, list):
        if value_type.list:
            return "list"
    elif value is not None and value is not _ABSENT and value_type.scalar:
        return "scalar"
    if value_type.map:
        return "map"
    if value_type.scalar:
        return "scalar"
    return "list" if value_type.list else "invalid"


def _item_element(list_type: _ListType, item: Any) -> PathElement:
    """The path element of an item of an associative list: its keys, or its value for a set."""
    if list_type.keys:
        if item is None:
            raise _SchemaMismatch("associative list with keys may not have a null element")
        if not isinstance(item, dict):
            raise _SchemaMismatch("associative list with keys may not have non-map elements")
        fields = []
        for key in list_type.keys:
            if key in item:
                fields.append((key, _frozen(item[key])))
            elif list_type.key_defaults.get(key) is not None:
                fields.append((key, _frozen(list_type.key_defaults[key])))
        if not fields:
            listed = "[" + " ".join(go_quote(key) for key in list_type.keys) + "]"
            raise _SchemaMismatch(
                f"associative list with keys has an element that omits all key fields {listed} "
                "(and doesn't have default values for any key fields)"
            )
        return (_KEY, tuple(sorted(fields)))
    if isinstance(item, dict):
        raise _SchemaMismatch("associative list without keys has an element that's a map type")
    if isinstance(item, list):
        raise _SchemaMismatch("not supported: associative list with lists as elements")
    if item is None:
        raise _SchemaMismatch("associative list without keys has an element that's an explicit null")
    return (_VALUE, _frozen(item))


# validation (typed.Validate), for the applied configuration


def _validate(value: Any, value_type: _Type) -> list[tuple[str, str]]:
    """SMD's validation errors, as (path, message), for an object that may not repeat list keys."""
    facet = _facet(value_type, value)
    if facet == "scalar":
        message = _scalar_error(value_type.scalar or "", value)
        return [("", message)] if message else []
    if facet == "list":
        assert value_type.list is not None
        return _validate_list(value, value_type.list)
    if facet == "map":
        assert value_type.map is not None
        return _validate_map(value, value_type.map)
    return [("", "schema error: invalid atom: inlined")]


def _scalar_error(scalar: str, value: Any) -> str:
    if value is None:
        return ""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if scalar == "numeric" and not number:
        return f"expected numeric (int or float), got {go_type(value)}"
    if scalar == "string" and not isinstance(value, str):
        return f"expected string, got &value.valueUnstructured{{Value:{go_syntax(value)}}}"
    if scalar == "boolean" and not isinstance(value, bool):
        return f"expected boolean, got &{{{go_value(value)}}}"
    if scalar == "untyped" and isinstance(value, dict | list):
        return f"expected any scalar, got &{{{go_value(value)}}}"
    return ""


def _validate_list(value: Any, list_type: _ListType) -> list[tuple[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        return [("", f"expected list, got &{{{go_value(value)}}}")]
    errors: list[tuple[str, str]] = []
    seen: set[PathElement] = set()
    for index, item in enumerate(value):
        if not list_type.associative:
            element: PathElement = (_INDEX, index)
        else:
            try:
                element = _item_element(list_type, item)
            except _SchemaMismatch as error:
                return [*errors, ("", f"element {index}: {error}")]
            if element in seen:
                errors.append(("", f"duplicate entries for key {_element_string(element)}"))
            seen.add(element)
        prefix = _element_string(element)
        nested = _validate(item, list_type.element)
        errors.extend((prefix + path, message) for path, message in nested)
    return errors


def _validate_map(value: Any, map_type: _MapType) -> list[tuple[str, str]]:
    if value is None:
        return []
    if not isinstance(value, dict):
        return [("", f"expected map, got &{{{go_value(value)}}}")]
    errors: list[tuple[str, str]] = []
    for key, item in value.items():
        item_type = map_type.field(key) or map_type.element
        if item_type is None:
            errors.append(("." + key, "field not declared in schema"))
            break
        prefix = "." + key
        errors.extend((prefix + path, message) for path, message in _validate(item, item_type))
    return errors


def _validation_text(errors: list[tuple[str, str]]) -> str:
    rendered = [f"{path}: {message}" if path else message for path, message in errors]
    return rendered[0] if len(rendered) == 1 else "\n".join(["errors:", *(f"  {line}" for line in rendered)])


# the field set of a value (TypedValue.ToFieldSet)


def _field_set(value: Any, value_type: _Type) -> FieldSet:
    found = FieldSet()
    _collect_fields(value, value_type, (), found)
    return found


def _collect_fields(value: Any, value_type: _Type, path: Path, found: FieldSet) -> None:
    facet = _facet(value_type, value)
    if facet == "scalar":
        found.insert(path)
    elif facet == "list":
        assert value_type.list is not None
        _collect_list_fields(value, value_type.list, path, found)
    elif facet == "map":
        assert value_type.map is not None
        map_type = value_type.map
        if map_type.atomic:
            found.insert(path)
            return
        if not isinstance(value, dict):
            return
        for key, item in value.items():
            child = (*path, _field(key))
            _collect_fields(item, map_type.child(key), child, found)
            # A struct's field is owned through its leaves; a map's key (and an emptied field) as itself.
            if item is None or item == {} or map_type.field(key) is None:
                found.insert(child)


def _collect_list_fields(value: Any, list_type: _ListType, path: Path, found: FieldSet) -> None:
    if not list_type.associative:
        found.insert(path)
        return
    if not isinstance(value, list) or not value:
        return
    elements = [_item_element(list_type, item) for item in value]
    seen: set[PathElement] = set()
    duplicated: set[PathElement] = set()
    for element in elements:
        if element in seen and element not in duplicated:
            found.insert((*path, element))
            duplicated.add(element)
        seen.add(element)
    for item, element in zip(value, elements, strict=True):
        if element not in duplicated:
            _collect_fields(item, list_type.element, (*path, element), found)
            found.insert((*path, element))


def _named_fields_are_members(fields: FieldSet, value_type: _Type | None) -> FieldSet:
    """EnsureNamedFieldsAreMembers: a declared field with owned children counts as owned itself."""
    map_type = value_type.map if value_type else None
    members = set(fields.members)
    children: dict[PathElement, FieldSet] = {}
    for element, child in fields.children.items():
        child_type: _Type | None = None
        if element[0] == _FIELD and map_type is not None:
            declared = map_type.field(element[1])
            if declared is not None:
                members.add(element)
            child_type = declared or map_type.element
        elif element[0] == _KEY and value_type is not None and value_type.list is not None:
            child_type = value_type.list.element
        children[element] = _named_fields_are_members(child, child_type)
    return FieldSet(members, children)


# merge (TypedValue.Merge: the right-hand side wins every leaf)


def _merge(left: Any, right: Any, value_type: _Type) -> Any:
    """The merged value, or _ABSENT where SMD produces none."""
    facet_left, facet_right = _facet(value_type, left), _facet(value_type, right)
    facet = facet_left if right is _ABSENT else facet_right
    if facet == "list":
        assert value_type.list is not None
        return _merge_list(left, right, value_type.list)
    if facet == "map":
        assert value_type.map is not None
        return _merge_map(left, right, value_type.map)
    return _keep_right(left, right)


def _keep_right(left: Any, right: Any) -> Any:
    return clone(right if right is not _ABSENT else left)


def _merge_map(left: Any, right: Any, map_type: _MapType) -> Any:
    left_map = left if isinstance(left, dict) else None
    right_map = right if isinstance(right, dict) else None
    if map_type.atomic or (not left_map and not right_map):
        return _keep_right(left, right)
    out: dict[str, Any] = {}
    for key in _zipped_keys(left_map, right_map):
        merged = _merge((left_map or {}).get(key, _ABSENT), (right_map or {}).get(key, _ABSENT), map_type.child(key))
        if merged is not _ABSENT:
            out[key] = merged
    return out or _ABSENT


def _zipped_keys(left: dict[str, Any] | None, right: dict[str, Any] | None) -> list[str]:
    keys = list(left or {})
    keys.extend(key for key in right or {} if key not in (left or {}))
    return keys


def _merge_list(left: Any, right: Any, list_type: _ListType) -> Any:
    left_list = left if isinstance(left, list) else None
    right_list = right if isinstance(right, list) else None
    if not list_type.associative or (not left_list and not right_list):
        return _keep_right(left, right)
    out = _merge_items(left_list or [], right_list or [], list_type)
    return out or _ABSENT


def _merge_items(left: list[Any], right: list[Any], list_type: _ListType) -> list[Any]:
    """The items of both lists in SMD's order: the applied order for shared items, the live items kept near."""
    right_elements = [_item_element(list_type, item) for item in right]
    right_items: dict[PathElement, Any] = {}
    for element, item in zip(right_elements, right, strict=True):
        if element in right_items:
            raise _SchemaMismatch(f"duplicate entries for key {_element_string(element)}")
        right_items[element] = item
    left_elements = [_item_element(list_type, item) for item in left]
    left_items: dict[PathElement, Any] = {}
    for element, item in zip(left_elements, left, strict=True):
        # Items repeated in the live list are not merged with the applied one: SMD sees them as null.
        left_items[element] = None if element in left_items else item
    shared = iter([element for element in right_elements if element in left_items])
    next_shared = next(shared, None)
    merged_right: set[PathElement] = set()
    out: list[Any] = []

    def take(left_item: Any, right_item: Any) -> None:
        merged = _merge(left_item, right_item, list_type.element)
        if merged is not _ABSENT:
            out.append(merged)

    left_index = right_index = 0
    while left_index < len(left) or right_index < len(right):
        if left_index < len(left) and right_index < len(right):
            element = left_elements[left_index]
            if element == right_elements[right_index]:
                merged_right.add(element)
                take(left_items[element], right_items[element])
                left_index, right_index = left_index + 1, right_index + 1
                next_shared = next(shared, None)
                continue
            if element in right_items and next_shared is not None and next_shared != element:
                left_index += 1
                continue
        if left_index < len(left):
            element = left_elements[left_index]
            if element not in right_items:
                take(left[left_index], _ABSENT)
                left_index += 1
                continue
            if element in merged_right:
                left_index += 1
        if right_index < len(right):
            element = right_elements[right_index]
            merged_right.add(element)
            take(left_items.get(element, _ABSENT), right_items[element])
            right_index += 1
            if next_shared is not None and next_shared == element:
                next_shared = next(shared, None)
    return out


# compare (TypedValue.Compare)


class _Comparison:
    def __init__(self) -> None:
        self.added, self.modified, self.removed = FieldSet(), FieldSet(), FieldSet()

    def changed(self) -> FieldSet:
        return self.modified.union(self.added)

    def filtered(self, keep: Callable[[FieldSet], FieldSet]) -> _Comparison:
        result = _Comparison()
        result.added, result.modified, result.removed = keep(self.added), keep(self.modified), keep(self.removed)
        return result


def _compare(left: Any, right: Any, value_type: _Type) -> _Comparison:
    comparison = _Comparison()
    _compare_node(left, right, value_type, (), comparison)
    return comparison


def _compare_node(left: Any, right: Any, value_type: _Type, path: Path, comparison: _Comparison) -> None:
    if left is not _ABSENT and right is not _ABSENT and type(left) is type(right) and left == right:
        return  # equal subtrees hold no change: most of an update's object is left as it was
    facet_left, facet_right = _facet(value_type, left), _facet(value_type, right)
    if right is _ABSENT:
        leaf = _compare_facet(facet_left, left, right, value_type, path, comparison)
    elif left is _ABSENT or facet_left == facet_right:
        leaf = _compare_facet(facet_right, left, right, value_type, path, comparison)
    else:
        _compare_facet(facet_left, left, right, value_type, path, comparison)
        leaf = _compare_facet(facet_right, left, right, value_type, path, comparison)
    if not leaf:
        if left is _ABSENT:
            comparison.added.insert(path)
        elif right is _ABSENT:
            comparison.removed.insert(path)


def _compare_leaf(left: Any, right: Any, path: Path, comparison: _Comparison) -> bool:
    if left is _ABSENT:
        comparison.added.insert(path)
    elif right is _ABSENT:
        comparison.removed.insert(path)
    elif not _equal(left, right):
        comparison.modified.insert(path)
    return True


def _compare_facet(facet: str, left: Any, right: Any, value_type: _Type, path: Path, comparison: _Comparison) -> bool:
    """Compares by one form of the type; True when the node was compared as a leaf."""
    if facet == "list":
        assert value_type.list is not None
        left_list = left if isinstance(left, list) else None
        right_list = right if isinstance(right, list) else None
        if not value_type.list.associative or (not left_list and not right_list):
            return _compare_leaf(left, right, path, comparison)
        _compare_items(left_list or [], right_list or [], value_type.list, path, comparison)
        return False
    if facet == "map":
        assert value_type.map is not None
        map_type = value_type.map
        left_map, right_map = _as_typed(left, map_type), _as_typed(right, map_type)
        if map_type.atomic or (not left_map and not right_map):
            return _compare_leaf(left, right, path, comparison)
        for key in _zipped_keys(left_map, right_map):
            left_item, right_item = (left_map or {}).get(key, _ABSENT), (right_map or {}).get(key, _ABSENT)
            _compare_node(left_item, right_item, map_type.child(key), (*path, _field(key)), comparison)
        return False
    return _compare_leaf(left, right, path, comparison)


def _as_typed(value: Any, map_type: _MapType) -> dict[str, Any] | None:
    """The object as a typed Go object holds it, with the fields such an object always has."""
    if not isinstance(value, dict):
        return None
    missing = {key: zero for key, zero in map_type.typed_zeros() if key not in value}
    return {**value, **missing} if missing else value


def _compare_items(
    left: list[Any], right: list[Any], list_type: _ListType, path: Path, comparison: _Comparison
) -> None:
    left_items: dict[PathElement, list[Any]] = {}
    right_items: dict[PathElement, list[Any]] = {}
    for items, grouped in ((left, left_items), (right, right_items)):
        for item in items:
            grouped.setdefault(_item_element(list_type, item), []).append(item)
    order = list(left_items) + [element for element in right_items if element not in left_items]
    for element in order:
        lefts, rights = left_items.get(element, []), right_items.get(element, [])
        child = (*path, element)
        if len(lefts) <= 1 and len(rights) <= 1:
            left_item = lefts[0] if lefts else _ABSENT
            right_item = rights[0] if rights else _ABSENT
            _compare_node(left_item, right_item, list_type.element, child, comparison)
        elif len(lefts) >= 2 and len(rights) >= 2:
            if not _equal(lefts, rights):
                comparison.modified.insert(child)
        elif len(lefts) >= 2:
            if rights:
                _compare_node(_ABSENT, rights[0], list_type.element, child, comparison)
            comparison.removed.insert(child)
        else:
            if lefts:
                _compare_node(lefts[0], _ABSENT, list_type.element, child, comparison)
            comparison.added.insert(child)


# removal (TypedValue.RemoveItems)


def _remove(value: Any, doomed: FieldSet, value_type: _Type) -> Any:
    """The value without the owned paths in doomed; what ends up empty becomes null, as in SMD."""
    facet = _facet(value_type, value)
    if facet == "list":
        assert value_type.list is not None
        list_type = value_type.list
        if not isinstance(value, list) or not value or not list_type.associative:
            return None
        items = []
        for item in value:
            element = _item_element(list_type, item)
            if doomed.has((element,)):
                continue
            below = doomed.with_prefix(element)
            items.append(item if below.empty else _remove(item, below, list_type.element))
        return items or None
    if facet == "map":
        assert value_type.map is not None
        map_type = value_type.map
        if not isinstance(value, dict) or not value or map_type.atomic:
            return None
        kept = {}
        for key, item in value.items():
            if doomed.has((_field(key),)):
                continue
            below = doomed.with_prefix(_field(key))
            kept[key] = item if below.empty else _remove(item, below, map_type.child(key))
        return kept or None
    return value


def _without_nulls(value: Any) -> Any:
    """What decoding into a typed object keeps: object fields set to null are gone."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


# --- managers and their managedFields entries ---------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _manager_identity(manager: str, operation: str, api_version: str, subresource: str) -> str:
    """BuildManagerIdentifier: the entry as JSON without its fields and time (and version, for appliers)."""
    parts = {"manager": manager, "operation": operation}
    if operation != "Apply":
        parts["apiVersion"] = api_version
    parts["subresource"] = subresource
    return "{" + ",".join(f'"{key}":{go_json(value)}' for key, value in parts.items() if value) + "}"


class _Manager:
    """One managedFields entry: who wrote, how (Apply or Update), through which version and subresource, what."""

    __slots__ = ("api_version", "fields", "identity", "manager", "operation", "subresource", "time")

    def __init__(
        self,
        manager: str,
        operation: str,
        api_version: str,
        subresource: str = "",
        fields: FieldSet | None = None,
        time: str | None = None,
    ) -> None:
        self.manager, self.operation, self.api_version, self.subresource = manager, operation, api_version, subresource
        self.fields = fields or FieldSet()
        self.time = time
        self.identity = _manager_identity(manager, operation, api_version, subresource)

    def describe(self) -> str:
        """How conflict messages name the manager (printManager)."""
        text = go_quote(self.manager)
        if self.subresource:
            text += f" with subresource {go_quote(self.subresource)}"
        return f"{text} using {self.api_version}" if self.operation == "Update" else text

    def entry(self) -> dict[str, Any]:
        encoded: dict[str, Any] = {}
        if self.manager:
            encoded["manager"] = self.manager
        encoded["operation"] = self.operation
        encoded["apiVersion"] = self.api_version
        if self.time is not None:
            encoded["time"] = self.time
        encoded["fieldsType"] = "FieldsV1"
        encoded["fieldsV1"] = self.fields.to_fields_v1()
        if self.subresource:
            encoded["subresource"] = self.subresource
        return encoded

    def sort_key(self) -> tuple[str, int, str, str, str]:
        return (self.operation, _unix_seconds(self.time), self.manager, self.api_version, self.subresource)


_Managed = dict[str, _Manager]


def _unix_seconds(time: str | None) -> int:
    if not time:
        return 0
    try:
        return int(datetime.datetime.fromisoformat(time.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return 0


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _managed_fields_of(obj: Mapping[str, Any] | None) -> Any:
    return ((obj or {}).get("metadata") or {}).get("managedFields")


def _decode_managed(entries: Any) -> _Managed:
    """DecodeManagedFields; a malformed entry raises ValueError with the apiserver's words."""
    managed: _Managed = {}
    if entries is None:
        return managed
    if not isinstance(entries, list):
        raise ValueError(f"expected a list of managed fields entries, got {go_value(entries)}")
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ValueError(f"expected an object for managed fields entry {index}")
        operation = entry.get("operation", "")
        if operation not in ("Apply", "Update"):
            raise ValueError("operation must be `Apply` or `Update`")
        api_version = entry.get("apiVersion") or ""
        if not api_version:
            raise ValueError("apiVersion must not be empty")
        fields_type = entry.get("fieldsType") or ""
        if not fields_type:
            raise ValueError(f"missing fieldsType in managed fields entry {index}")
        if fields_type != "FieldsV1":
            raise ValueError(f"invalid fieldsType {go_quote(str(fields_type))} in managed fields entry {index}")
        try:
            fields = FieldSet.from_fields_v1(entry.get("fieldsV1") or {})
        except ValueError as error:
            raise ValueError(f"error decoding versioned set from entry {index}: error decoding set: {error}") from None
        owner = _Manager(
            str(entry.get("manager") or ""),
            operation,
            str(api_version),
            str(entry.get("subresource") or ""),
            fields,
            entry.get("time"),
        )
        managed[owner.identity] = owner
    return managed


def _decoded_or_empty(entries: Any) -> _Managed:
    try:
        return _decode_managed(entries)
    except ValueError:
        return {}


def _encoded(managed: _Managed) -> list[dict[str, Any]]:
    return [owner.entry() for owner in sorted(managed.values(), key=_Manager.sort_key)]


def _store_managed_fields(obj: dict[str, Any], managed: _Managed) -> None:
    if managed:
        obj.setdefault("metadata", {})["managedFields"] = _encoded(managed)
    elif isinstance(obj.get("metadata"), dict):
        obj["metadata"].pop("managedFields", None)


def _without_managed_fields(obj: Mapping[str, Any]) -> dict[str, Any]:
    copied = clone(dict(obj))
    if isinstance(copied.get("metadata"), dict):
        copied["metadata"].pop("managedFields", None)
    return copied


def _is_reset(entries: Any) -> bool:
    """An update that sends managedFields: [] (or one empty entry) clears them."""
    if entries == []:
        return True
    return (
        isinstance(entries, list)
        and len(entries) == 1
        and isinstance(entries[0], dict)
        and not any(entries[0].values())
    )


def _managed_for_update(old: Mapping[str, Any] | None, new: Mapping[str, Any], subresource: str) -> _Managed:
    """decodeLiveOrNew: the request object's managedFields when it carries valid ones, else the live object's."""
    if subresource:
        return _decoded_or_empty(_managed_fields_of(old))
    sent = _managed_fields_of(new)
    if _is_reset(sent):
        return {}
    return _decoded_or_empty(sent) or _decoded_or_empty(_managed_fields_of(old))


def _strip_meta(managed: _Managed, identity: str) -> None:
    """The identity and bookkeeping fields of the object belong to no manager."""
    owner = managed.get(identity)
    if owner is None:
        return
    owner.fields = owner.fields.difference(_STRIP_SET)
    if owner.fields.empty:
        del managed[identity]


def _cap_update_managers(managed: _Managed) -> None:
    """Beyond ten Update managers, the oldest are folded into one "ancient-changes" entry per version."""
    updaters = [identity for identity, owner in managed.items() if owner.operation != "Apply"]
    if len(updaters) <= _MAX_UPDATE_MANAGERS:
        return
    updaters.sort(key=lambda identity: (_unix_seconds(managed[identity].time), identity))
    first_of_version: dict[str, str] = {}
    remaining = len(updaters)
    for identity in updaters:
        if remaining <= _MAX_UPDATE_MANAGERS:
            break
        owner = managed[identity]
        bucket = _Manager(_ANCIENT_CHANGES, "Update", owner.api_version)
        first = first_of_version.get(owner.api_version)
        if first is None:
            first_of_version[owner.api_version] = identity
            continue
        if bucket.identity not in managed:
            bucket.fields = managed.pop(first).fields
            managed[bucket.identity] = bucket
        merged = managed[bucket.identity]
        merged.fields = owner.fields.union(merged.fields)
        merged.time = owner.time
        del managed[identity]
        remaining -= 1


# --- structured-merge-diff's Updater ------------------------------------------------------------------------

_Filter = Callable[[FieldSet], FieldSet]
_STATUS_SET = FieldSet({_STATUS})


def _reset_filter(subresource: str, has_status: bool) -> _Filter:
    """The fields a request cannot own: status through the main resource, all but status through /status."""
    if subresource == "status":
        return lambda fields: fields.only(_STATUS)
    if has_status and not subresource:
        return lambda fields: fields.recursive_difference(_STATUS_SET)
    return lambda fields: fields


def _settle_ownership(
    old: Any, new: Any, root: _Type, managed: _Managed, writer: str, force: bool, keep: _Filter
) -> _Comparison:
    """Updater.update: other managers lose what the write removed, and what it changed unless that conflicts."""
    comparison = _compare(old, new, root).filtered(keep)
    changed = comparison.changed()
    conflicts = {
        identity: clash
        for identity, owner in managed.items()
        if identity != writer and not (clash := owner.fields.intersection(changed)).empty
    }
    if conflicts and not force:
        raise ApplyConflict(
            [(managed[identity], path) for identity in sorted(conflicts) for path in conflicts[identity].paths()]
        )
    for identity, owner in list(managed.items()):
        if identity != writer:
            owner.fields = owner.fields.difference(conflicts.get(identity, FieldSet())).difference(comparison.removed)
        if owner.fields.empty:
            del managed[identity]
    return comparison


def _applied(
    live: Any, config: Any, root: _Type, managed: _Managed, applier: _Manager, force: bool, keep: _Filter
) -> Any:
    """Updater.Apply: the merged object, with what the applier no longer applies pruned, and ownership settled."""
    merged = _merge(live, config, root)
    previous = managed.get(applier.identity)
    applier.fields = keep(_field_set(config, root))
    managed[applier.identity] = applier
    if previous is not None and not previous.fields.empty:
        merged = _pruned(merged, managed, previous.fields, root)
    _settle_ownership(live, merged, root, managed, applier.identity, force, keep)
    return merged


def _pruned(merged: Any, managed: _Managed, last_applied: FieldSet, root: _Type) -> Any:
    """Removes what the applier applied last time and not now, unless any manager still owns it."""
    pruned = _remove(merged, _named_fields_are_members(last_applied, root), root)
    owned = FieldSet()
    for owner in managed.values():
        owned = owned.union(owner.fields)
    merged_fields = _named_fields_are_members(_field_set(merged, root), root)
    pruned_fields = _named_fields_are_members(_field_set(pruned, root), root)
    unowned = merged_fields.difference(pruned_fields.union(_named_fields_are_members(owned, root)))
    owned_back = _remove(merged, unowned, root)
    dropped = merged_fields.difference(_named_fields_are_members(_field_set(owned_back, root), root))
    return _remove(merged, dropped.intersection(_named_fields_are_members(last_applied, root)), root)


def _record_update(
    old: Any, new: Any, managed: _Managed, updater: _Manager, root: _Type, keep: _Filter, now: str
) -> None:
    """What an Update does to managedFields: the writer owns what it added or changed, as of now."""
    comparison = _settle_ownership(old, new, root, managed, _CURRENT_OPERATION, True, keep)
    taken = keep(comparison.changed()).difference(_STRIP_SET)
    if not taken.empty:
        previous = managed.get(updater.identity)
        updater.fields = taken.union(previous.fields) if previous else taken
        updater.time = now
        managed[updater.identity] = updater
    _cap_update_managers(managed)


# --- the public operations ----------------------------------------------------------------------------------


def apply(
    live: Mapping[str, Any] | None,
    config: Mapping[str, Any],
    manager: str,
    force: bool,
    schema: ApplySchema,
    *,
    subresource: str = "",
    has_status: bool = False,
    now: str | None = None,
) -> dict[str, Any]:
    """The object a server-side apply of config by manager makes of live (None: the object does not exist yet).

    The result carries the new managedFields; it is the object to store (after the usual create or update
    preparation). ``has_status`` says the resource has a status subresource, so that the main resource does
    not own status; ``subresource`` is "status" for an apply to /status. Raises ApplyConflict (409), or
    PatchError for the apiserver's other refusals (400 for a wrong kind or managedFields in the
    configuration, 500 for a configuration the schema does not allow).
    """
    stamp = now or _now()
    try:
        managed = _decode_managed(_managed_fields_of(live))
    except ValueError as error:
        raise _internal(f"failed to decode managed fields: {error}") from None
    _check_object_type(config, schema)
    keep = _reset_filter(subresource, has_status)
    current = _without_managed_fields(live) if live is not None else {}
    if not managed:
        # The fields of an object nobody tracked yet go to a stand-in manager, so that apply can prune.
        before = _Manager(_BEFORE_FIRST_APPLY, "Update", schema.api_version, subresource)
        try:
            _record_update({}, current, managed, before, schema.root, keep, stamp)
        except _SchemaMismatch as error:
            raise _internal(f"failed to create manager for existing fields: {error}") from None
    metadata = config.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("managedFields"), list):
        raise _bad_request("metadata.managedFields must be nil")
    errors = _validate(config, schema.root)
    if errors:
        raise _internal(f"failed to create typed patch object ({_described(config)}): {_validation_text(errors)}")
    applier = _Manager(manager, "Apply", schema.api_version, subresource)
    previous = managed.get(applier.identity)
    applier.time = previous.time if previous else None
    try:
        merged = _applied(current, clone(dict(config)), schema.root, managed, applier, force, keep)
    except _SchemaMismatch as error:
        raise _internal(f"failed to create typed live object ({_described(current, schema)}): {error}") from None
    _strip_meta(managed, applier.identity)
    if _equal(current, merged):
        result = current
    else:
        applier.time = stamp
        result = _without_nulls(merged) if isinstance(merged, dict) else {}
    _store_managed_fields(result, managed)
    return result


def track_update(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    manager: str,
    schema: ApplySchema,
    *,
    subresource: str = "",
    has_status: bool = False,
    now: str | None = None,
) -> dict[str, Any]:
    """new, with the managedFields a create (old None), update or non-apply patch by manager gives it.

    ``new`` is the object about to be stored, carrying whatever managedFields the request left in it: a
    client may send them (kept when valid, cleared by ``[]``); otherwise the live object's are the start.
    ``manager`` is what ``field_manager`` gives for the request.
    """
    result = clone(dict(new))
    managed = _managed_for_update(old, new, subresource)
    if isinstance(result.get("metadata"), dict):
        result["metadata"].pop("managedFields", None)
    live_uid = ((old or {}).get("metadata") or {}).get("uid")
    if not managed and old is not None and live_uid:
        return result  # the apiserver leaves objects it never tracked untracked, until someone applies
    updater = _Manager(manager or "unknown", "Update", schema.api_version, subresource)
    live = _without_managed_fields(old) if old is not None else {}
    try:
        _record_update(
            live, result, managed, updater, schema.root, _reset_filter(subresource, has_status), now or _now()
        )
    except _SchemaMismatch:
        if _managed_fields_of(old) is not None:
            result.setdefault("metadata", {})["managedFields"] = clone(_managed_fields_of(old))
        return result
    _store_managed_fields(result, managed)
    return result


def _gvk_of(obj: Mapping[str, Any]) -> tuple[str, str, str]:
    """schema.FromAPIVersionAndKind of the object's apiVersion and kind."""
    api_version = obj.get("apiVersion")
    kind = obj.get("kind")
    kind = kind if isinstance(kind, str) else ""
    if not isinstance(api_version, str) or api_version.count("/") > 1:
        return "", "", kind
    group, _, version = api_version.rpartition("/")
    return group, version, kind


def _gvk_string(group: str, version: str, kind: str) -> str:
    return f"{group}/{version}, Kind={kind}"


def _check_object_type(config: Mapping[str, Any], schema: ApplySchema) -> None:
    gvk = _gvk_of(config)
    if gvk != (schema.group, schema.version, schema.kind):
        raise _bad_request(f"invalid object type: {_gvk_string(*gvk)}")


def _described(obj: Mapping[str, Any], schema: ApplySchema | None = None) -> str:
    """How the apiserver names an object in errors: namespace/name; group/version, Kind=kind."""
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
    name, namespace = metadata.get("name"), metadata.get("namespace")
    gvk = (schema.group, schema.version, schema.kind) if schema else _gvk_of(obj)
    name_text = name if isinstance(name, str) else ""
    namespace_text = namespace if isinstance(namespace, str) else ""
    return f"{namespace_text}/{name_text}; {_gvk_string(*gvk)}"


# --- request helpers ----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def manager_from_user_agent(user_agent: str) -> str:
    """The manager of a request that names none: the User-Agent up to its first "/", printable, at most 128 bytes."""
    kept: list[str] = []
    size = 0
    for char in user_agent.split("/")[0]:
        if not char.isprintable():
            continue
        width = len(char.encode("utf-8", "surrogatepass"))
        if size + width > _FIELD_MANAGER_MAX_LENGTH:
            break
        kept.append(char)
        size += width
    return "".join(kept)


def field_manager(query_value: str | None, user_agent: str) -> str:
    """The manager of a write: its fieldManager parameter (kubectl sends kubectl-create, kubectl-edit, ...), else
    derived from the User-Agent ("kubectl" for kubectl's own default, "OpenAPI-Generator" for the Python client)."""
    return query_value or manager_from_user_agent(user_agent)


def field_manager_causes(value: str) -> list[tuple[str, str, str]]:
    """ValidateFieldManager's complaints as (field, reason, message) causes of a 422."""
    causes = []
    if len(value.encode("utf-8", "surrogatepass")) > _FIELD_MANAGER_MAX_LENGTH:
        causes.append(("fieldManager", "FieldValueTooLong", "Too long: may not be more than 128 bytes"))
    for position, char in enumerate(value):
        if not char.isprintable():
            detail = f"invalid character U+{ord(char):04X} (at position {position})"
            causes.append(("fieldManager", "FieldValueInvalid", f"Invalid value: {go_quote(value)}: {detail}"))
    return causes


def patch_options_causes(content_type: str, manager: str | None, force: str | None) -> list[tuple[str, str, str]]:
    """ValidatePatchOptions as (field, reason, message) causes: raise them as a 422 of kind PatchOptions in group
    meta.k8s.io with name "". ``manager`` and ``force`` are the raw fieldManager and force query parameters."""
    causes = []
    if content_type == APPLY_PATCH:
        if not manager:
            causes.append(("fieldManager", "FieldValueRequired", "Required value: is required for apply patch"))
    elif force is not None:
        causes.append(("force", "FieldValueForbidden", "Forbidden: may not be specified for non-apply patch"))
    return causes + field_manager_causes(manager or "")


class _JsonCompatibleLoader(yaml.SafeLoader):
    """YAML as sigs.k8s.io/yaml reads it for the apiserver: timestamps stay strings."""


_JsonCompatibleLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def decode_apply_patch(body: bytes) -> dict[str, Any]:
    """The applied configuration of an apply-patch+yaml body (YAML or JSON); 400 when it is not an object."""
    try:
        data = yaml.load(body, Loader=_JsonCompatibleLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise _bad_request(f"error decoding patch: error converting YAML to JSON: yaml: {where}{problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _bad_request(f"error decoding patch: {cannot_unmarshal(data, GO_MAP)}")
    converted: dict[str, Any] = _json_keys(data)
    return converted


def _json_keys(value: Any) -> Any:
    """YAML keys the way YAML-to-JSON conversion spells them: always strings."""
    if isinstance(value, dict):
        return {_key_text(key): _json_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_keys(item) for item in value]
    return value


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, float):
        return go_float(key)
    return "null" if key is None else str(key)

"""The OpenAPI documents kubectl reads: v3 per group-version (apply, create -f, explain, edit, field
validation) and the v2 document older clients read.

Schemas come from the Kubernetes 1.37 type definitions that kubernetes-validate ships (JSON-schema
flavoured), rewritten the way the API server publishes them; custom resources add the schema of their
CustomResourceDefinition. Every document is built on first request and kept until its inputs change.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib.util
import json
import struct
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kubesim.api.errors import ApiError

Schema = dict[str, Any]

SERVER_VERSION = "v1.37.1"
DEFINITIONS = Path("kubernetes-json-schema", "v1.37.0-local-strict", "_definitions.json")
SOURCE_REF = "#/$defs/"
V3_REF = "#/components/schemas/"
V2_REF = "#/definitions/"

META = "io.k8s.apimachinery.pkg.apis.meta.v1."
OBJECT_META = META + "ObjectMeta"
LIST_META = META + "ListMeta"
STATUS = META + "Status"
DELETE_OPTIONS = META + "DeleteOptions"
PATCH = META + "Patch"
WATCH_EVENT = META + "WatchEvent"
API_RESOURCE_LIST = META + "APIResourceList"
INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
SCALE = "io.k8s.api.autoscaling.v1.Scale"

BUILTIN_PATCH_TYPES = (
    "application/apply-patch+cbor",
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
)
# Custom resources have no Go struct to carry strategic-merge directives, so the server refuses that patch type.
CUSTOM_PATCH_TYPES = ("application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json")
OBJECT_TYPES = ("application/json", "application/yaml")
STREAM_TYPES = ("application/json", "application/json;stream=watch", "application/yaml")

# The API server names these scalars in the definitions but publishes them with hand-written schemas.
SCALARS_V3: dict[str, Schema] = {
    INT_OR_STRING: {
        "description": "IntOrString holds either an int32 or a string; JSON and YAML carry whichever it holds.",
        "format": "int-or-string",
        "oneOf": [{"type": "integer"}, {"type": "string"}],
    },
    QUANTITY: {
        "description": "Quantity is a fixed-point number written as a string with an optional suffix, "
        'such as "500m", "2" or "1Gi".',
        "oneOf": [{"type": "string"}, {"type": "number"}],
    },
}
SCALARS_V2: dict[str, Schema] = {
    INT_OR_STRING: {
        "description": SCALARS_V3[INT_OR_STRING]["description"],
        "format": "int-or-string",
        "type": "string",
    },
    QUANTITY: {"description": SCALARS_V3[QUANTITY]["description"], "type": "string"},
}

# name -> (type, description) of every query parameter the documents mention.
QUERY_PARAMETERS: dict[str, tuple[str, str]] = {
    "allowWatchBookmarks": ("boolean", "Ask for BOOKMARK events on a watch; the server may send them or not."),
    "continue": ("string", "The continue token from a previous list response, to fetch the next chunk."),
    "dryRun": ("string", "All: run every stage of the request but persist nothing."),
    "fieldManager": ("string", "Name of the actor making the change, recorded in managedFields."),
    "fieldSelector": ("string", "Restrict the objects to those whose fields match this selector."),
    "fieldValidation": (
        "string",
        "How to treat unknown or duplicate fields in the body: Ignore, Warn (the default) or Strict.",
    ),
    "force": ("boolean", "Take over fields other managers own; only for apply patches."),
    "gracePeriodSeconds": ("integer", "Seconds before the object is deleted; zero deletes at once."),
    "ignoreStoreReadErrorWithClusterBreakingPotential": (
        "boolean",
        "Delete an object that can no longer be read from storage, skipping finalizers and preconditions.",
    ),
    "labelSelector": ("string", "Restrict the objects to those whose labels match this selector."),
    "limit": ("integer", "Return at most this many objects and a continue token for the rest."),
    "orphanDependents": ("boolean", "Deprecated: use propagationPolicy. Whether dependents are orphaned."),
    "pretty": ("string", "If 'true', the output is indented."),
    "propagationPolicy": ("string", "How dependents are garbage collected: Orphan, Background or Foreground."),
    "resourceVersion": ("string", "The resource version the read must be at least as new as, or start from."),
    "resourceVersionMatch": ("string", "How resourceVersion applies to a list: Exact or NotOlderThan."),
    "sendInitialEvents": ("boolean", "Start a watch with synthetic ADDED events for the current state."),
    "timeoutSeconds": ("integer", "End the list or watch call after this many seconds."),
    "watch": ("boolean", "Stream changes to the listed objects instead of returning a list."),
}
LIST_PARAMETERS = (
    "allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion",
    "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch",
)  # fmt: skip
WRITE_PARAMETERS = ("dryRun", "fieldManager", "fieldValidation")
PATCH_PARAMETERS = (*WRITE_PARAMETERS, "force")
DELETE_PARAMETERS = (
    "dryRun", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential", "orphanDependents",
    "propagationPolicy",
)  # fmt: skip
DELETE_COLLECTION_PARAMETERS = (
    "continue", "dryRun", "fieldSelector", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential",
    "labelSelector", "limit", "orphanDependents", "propagationPolicy", "resourceVersion", "resourceVersionMatch",
    "sendInitialEvents", "timeoutSeconds",
)  # fmt: skip

# subresource -> (HTTP methods, schema it reads and returns; None: the parent's own schema).
SUBRESOURCES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "status": (("get", "put", "patch"), None),
    "scale": (("get", "put", "patch"), SCALE),
    "ephemeralcontainers": (("get", "put", "patch"), None),
    "resize": (("get", "put", "patch"), None),
    "approval": (("get", "put", "patch"), None),
    "finalize": (("put",), None),
    "eviction": (("post",), "io.k8s.api.policy.v1.Eviction"),
    "binding": (("post",), "io.k8s.api.core.v1.Binding"),
    "token": (("post",), "io.k8s.api.authentication.v1.TokenRequest"),
}


class ResourceLike(Protocol):
    @property
    def group(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def plural(self) -> str: ...
    @property
    def namespaced(self) -> bool: ...
    @property
    def verbs(self) -> Collection[str]: ...
    @property
    def subresources(self) -> Collection[str]: ...


class RegistryLike(Protocol):
    def group_versions(self) -> Iterable[tuple[str, Iterable[str]]]: ...
    def resources_of(self, group: str, version: str) -> Iterable[ResourceLike]: ...


# -- the source definitions --------------------------------------------------------------------------------


@functools.cache
def source_definitions() -> dict[str, Schema]:
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("kubernetes-validate is not installed; it carries the Kubernetes type definitions")
    text = Path(next(iter(spec.submodule_search_locations)), DEFINITIONS).read_text(encoding="utf-8")
    definitions: dict[str, Schema] = json.loads(text)["$defs"]
    for definition in definitions.values():
        # The schema generator pins apiVersion and kind with an enum; the server does not (and a shared type
        # such as DeleteOptions belongs to every group).
        for field in ("apiVersion", "kind"):
            definition.get("properties", {}).get(field, {}).pop("enum", None)
    return definitions


@functools.cache
def builtin_schemas(v3: bool) -> dict[str, Schema]:
    scalars = SCALARS_V3 if v3 else SCALARS_V2
    return {
        name: scalars[name] if name in scalars else convert(definition, v3)
        for name, definition in source_definitions().items()
    }


@functools.cache
def schema_names_by_gvk() -> dict[tuple[str, str, str], str]:
    names: dict[tuple[str, str, str], str] = {}
    for name, definition in source_definitions().items():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            names.setdefault((gvk["group"], gvk["version"], gvk["kind"]), name)
    return names


def convert(schema: Schema, v3: bool) -> Schema:
    """A JSON-schema flavoured definition (nullable type lists, `#/$defs/` refs, strict closed objects)
    as OpenAPI: one type, refs into the document, open objects; a v3 ref with siblings goes in allOf."""
    converted: Schema = {}
    for key, value in schema.items():
        if key == "$ref":
            continue
        if key == "type":
            converted[key] = single_type(value)
        elif key == "properties":
            converted[key] = {name: convert(item, v3) for name, item in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            converted[key] = convert(value, v3)
        elif key in ("allOf", "anyOf", "oneOf"):
            converted[key] = [convert(item, v3) for item in value]
        elif not (key == "additionalProperties" and value is False):
            converted[key] = value
    if "$ref" not in schema:
        return converted
    target = schema["$ref"].removeprefix(SOURCE_REF)
    reference = {"$ref": (V3_REF if v3 else V2_REF) + target}
    if not converted:
        return reference
    return {"allOf": [reference], **converted} if v3 else {**reference, **converted}


def single_type(value: str | list[str]) -> str:
    if isinstance(value, str):
        return value
    return next(kind for kind in value if kind != "null")


def references(schema: Schema) -> Iterator[str]:
    """Names of the components a converted schema points at, directly. Only schema positions count: a
    property may be called `$ref` or `default`, and a default value may hold anything."""
    if isinstance(schema.get("$ref"), str):
        yield schema["$ref"].rpartition("/")[2]
    for child in schema.get("properties", {}).values():
        yield from references(child)
    for key in ("items", "additionalProperties", "not"):
        if isinstance(schema.get(key), dict):
            yield from references(schema[key])
    for key in ("allOf", "anyOf", "oneOf"):
        for child in schema.get(key, []):
            yield from references(child)


def closure(roots: Iterable[str], schemas: dict[str, Schema]) -> dict[str, Schema]:
    found: dict[str, Schema] = {}
    pending = [name for name in roots if name in schemas]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found[name] = schemas[name]
        pending.extend(child for child in references(schemas[name]) if child not in found)
    return dict(sorted(found.items()))


# -- custom resources ---------------------------------------------------------------------------------------


def rest_friendly_name(group: str, version: str, kind: str) -> str:
    """The component name the server gives a custom kind: group with its labels reversed, version, kind."""
    return ".".join([*reversed(group.split(".")), version, kind])


def add_object_envelope(schema: Schema, listing: bool) -> None:
    """apiVersion, kind and metadata as every built-in object (or list) declares them."""
    like = source_definitions()["io.k8s.api.core.v1.PodList" if listing else "io.k8s.api.core.v1.Pod"]["properties"]
    properties = schema.setdefault("properties", {})
    properties["apiVersion"] = copy.deepcopy(like["apiVersion"])
    properties["kind"] = copy.deepcopy(like["kind"])
    meta = LIST_META if listing else OBJECT_META
    properties["metadata"] = {"$ref": SOURCE_REF + meta, "description": like["metadata"]["description"]}


def unfold(schema: Schema) -> Schema:
    """Spell out what the CRD vendor extensions imply, as the server does before publishing."""
    unfolded: Schema = {}
    for key, value in schema.items():
        if key == "properties":
            unfolded[key] = {name: unfold(item) for name, item in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            unfolded[key] = unfold(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            unfolded[key] = [unfold(item) for item in value]
        else:
            unfolded[key] = copy.deepcopy(value)
    if unfolded.get("x-kubernetes-int-or-string") and not ("anyOf" in unfolded or "allOf" in unfolded):
        unfolded["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if unfolded.get("x-kubernetes-embedded-resource"):
        add_object_envelope(unfolded, listing=False)
        required = unfolded.setdefault("required", [])
        required.extend(field for field in ("kind", "apiVersion") if field not in required)
    return unfolded


def strip_value_validation(schema: Schema) -> Schema:
    """OpenAPI v2 has neither nullable nor the anyOf an int-or-string field carries, and kubectl's v2
    validator would reject such a field: the v2 document leaves them out, as the server does."""
    stripped: Schema = {}
    for key, value in schema.items():
        if key in ("allOf", "anyOf", "oneOf", "not", "nullable"):
            continue
        if key == "properties":
            stripped[key] = {name: strip_value_validation(item) for name, item in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            stripped[key] = strip_value_validation(value)
        else:
            stripped[key] = value
    return stripped


@dataclass(frozen=True)
class CustomVersion:
    """One served version of a CustomResourceDefinition."""

    group: str
    version: str
    kind: str
    list_kind: str
    plural: str
    namespaced: bool
    subresources: frozenset[str]
    openapi_schema: Schema

    @property
    def schema_name(self) -> str:
        return rest_friendly_name(self.group, self.version, self.kind)

    @property
    def list_schema_name(self) -> str:
        return rest_friendly_name(self.group, self.version, self.list_kind)

    def schemas(self, v3: bool) -> dict[str, Schema]:
        return {self.schema_name: self.object_schema(v3), self.list_schema_name: convert(self.list_schema(), v3)}

    def object_schema(self, v3: bool) -> Schema:
        schema = unfold(self.openapi_schema)
        schema.setdefault("type", "object")
        add_object_envelope(schema, listing=False)
        schema["x-kubernetes-group-version-kind"] = [gvk(self.group, self.version, self.kind)]
        return convert(schema if v3 else strip_value_validation(schema), v3)

    def list_schema(self) -> Schema:
        schema: Schema = {
            "description": f"{self.list_kind} is a list of {self.kind} objects.",
            "properties": {"items": {"items": {"$ref": SOURCE_REF + self.schema_name}, "type": "array"}},
            "required": ["items"],
            "type": "object",
            "x-kubernetes-group-version-kind": [gvk(self.group, self.version, self.list_kind)],
        }
        add_object_envelope(schema, listing=True)
        return schema


def custom_versions(crd: dict[str, Any]) -> tuple[CustomVersion, ...]:
    spec = crd["spec"]
    names = spec["names"]
    return tuple(
        CustomVersion(
            group=spec["group"],
            version=version["name"],
            kind=names["kind"],
            list_kind=names.get("listKind") or names["kind"] + "List",
            plural=names["plural"],
            namespaced=spec.get("scope", "Namespaced") == "Namespaced",
            subresources=frozenset(version.get("subresources") or {}),
            openapi_schema=copy.deepcopy(
                (version.get("schema") or {}).get("openAPIV3Schema")
                or {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
            ),
        )
        for version in spec.get("versions", [])
        if version.get("served", True)
    )


# -- paths --------------------------------------------------------------------------------------------------


def gvk(group: str, version: str, kind: str) -> dict[str, str]:
    return {"group": group, "kind": kind, "version": version}


@dataclass(frozen=True)
class Endpoint:
    """A resource as its paths describe it: names, scope, verbs and the schemas it reads and returns."""

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    verbs: frozenset[str]
    subresources: frozenset[str]
    schema: str
    list_schema: str | None
    custom: bool

    @property
    def prefix(self) -> str:
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"

    @property
    def collection(self) -> str:
        scope = "/namespaces/{namespace}" if self.namespaced else ""
        return f"{self.prefix}{scope}/{self.plural}"

    @property
    def watched_collection(self) -> str:
        return self.collection.replace(self.prefix, self.prefix + "/watch", 1)

    @property
    def scope(self) -> str:
        """Operation ids say Namespaced for namespaced resources."""
        return "Namespaced" if self.namespaced else ""

    @property
    def label(self) -> str:
        return operation_label(self.group, self.version)

    @property
    def own_gvk(self) -> dict[str, str]:
        return gvk(self.group, self.version, self.kind)


def operation_label(group: str, version: str) -> str:
    """Group and version as operation ids spell them: CoreV1, RbacAuthorizationV1, StableExampleComV1."""
    words = group.removesuffix(".k8s.io").replace("-", "").split(".") if group else ["core"]
    return "".join(word.capitalize() for word in words) + version.capitalize()


def tag(group: str, version: str) -> str:
    """Operation tags: core_v1, apps_v1, rbacAuthorization_v1."""
    label = operation_label(group, version).removesuffix(version.capitalize())
    return label[:1].lower() + label[1:] + "_" + version


@dataclass(frozen=True)
class Operation:
    method: str
    operation_id: str
    description: str
    action: str
    gvk: dict[str, str] | None
    responses: tuple[tuple[str, str, str], ...]  # (status code, description, schema)
    parameters: tuple[str, ...] = ()
    reads: str | None = None
    read_types: tuple[str, ...] = ("*/*",)
    body_required: bool = True
    response_types: tuple[str, ...] = OBJECT_TYPES


@dataclass(frozen=True)
class PathItem:
    path: str
    parameters: tuple[tuple[str, str], ...]  # (name, "path" | "query"), shared by its operations
    operations: tuple[Operation, ...]
    kind: str = ""  # whose {name} the path names


def article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def scope_parameters(endpoint: Endpoint) -> tuple[tuple[str, str], ...]:
    return (("namespace", "path"),) if endpoint.namespaced else ()


LIST_QUERY = tuple((name, "query") for name in sorted((*LIST_PARAMETERS, "pretty")))


def endpoint_paths(endpoint: Endpoint) -> list[PathItem]:
    items = [collection_path(endpoint), item_path(endpoint), *subresource_paths(endpoint), *watch_paths(endpoint)]
    if endpoint.namespaced and endpoint.list_schema and "list" in endpoint.verbs:
        every = list_operation(endpoint, f"list{endpoint.label}{endpoint.kind}ForAllNamespaces", ())
        items.append(PathItem(f"{endpoint.prefix}/{endpoint.plural}", LIST_QUERY, (every,)))
    return [item for item in items if item.operations]


def collection_path(endpoint: Endpoint) -> PathItem:
    e = endpoint
    operations = []
    if "deletecollection" in e.verbs:
        operations.append(
            Operation(
                method="delete",
                operation_id=f"delete{e.label}Collection{e.scope}{e.kind}",
                description=f"delete collection of {e.kind}",
                action="deletecollection",
                gvk=e.own_gvk,
                responses=(("200", "OK", STATUS),),
                parameters=DELETE_COLLECTION_PARAMETERS,
                reads=DELETE_OPTIONS,
                body_required=False,
            )
        )
    if "list" in e.verbs and e.list_schema:
        operations.append(list_operation(e, f"list{e.label}{e.scope}{e.kind}", LIST_PARAMETERS))
    if "create" in e.verbs:
        operations.append(object_operation(e, "post", "", e.schema, e.own_gvk))
    return PathItem(e.collection, (*scope_parameters(e), ("pretty", "query")), tuple(operations))


def list_operation(endpoint: Endpoint, operation_id: str, parameters: tuple[str, ...]) -> Operation:
    return Operation(
        method="get",
        operation_id=operation_id,
        description=f"list or watch objects of kind {endpoint.kind}",
        action="list",
        gvk=endpoint.own_gvk,
        responses=(("200", "OK", endpoint.list_schema or ""),),
        parameters=parameters,
        response_types=STREAM_TYPES,
    )


def item_path(endpoint: Endpoint) -> PathItem:
    e = endpoint
    operations = []
    if "delete" in e.verbs:
        operations.append(
            Operation(
                method="delete",
                operation_id=f"delete{e.label}{e.scope}{e.kind}",
                description=f"delete {article(e.kind)} {e.kind}",
                action="delete",
                gvk=e.own_gvk,
                responses=(("200", "OK", STATUS), ("202", "Accepted", STATUS)),
                parameters=DELETE_PARAMETERS,
                reads=DELETE_OPTIONS,
                body_required=False,
            )
        )
    for method, verb in (("get", "get"), ("put", "update"), ("patch", "patch")):
        if verb in e.verbs:
            operations.append(object_operation(e, method, "", e.schema, e.own_gvk))
    parameters = (("name", "path"), *scope_parameters(e), ("pretty", "query"))
    return PathItem(f"{e.collection}/{{name}}", parameters, tuple(operations), e.kind)


def object_operation(endpoint: Endpoint, method: str, subresource: str, schema: str, kind: dict[str, str]) -> Operation:
    """Read, replace, patch or create one object or one of its subresources."""
    e = endpoint
    name = f"{e.label}{e.scope}{e.kind}{subresource.capitalize()}"
    of = f" {subresource} of" if subresource else ""
    written = (("200", "OK", schema), ("201", "Created", schema))
    if method == "get":
        return Operation(
            method="get",
            operation_id=f"read{name}",
            description=f"read{of} the specified {e.kind}",
            action="get",
            gvk=kind,
            responses=(("200", "OK", schema),),
        )
    if method == "put":
        return Operation(
            method="put",
            operation_id=f"replace{name}",
            description=f"replace{of} the specified {e.kind}",
            action="put",
            gvk=kind,
            responses=written,
            parameters=WRITE_PARAMETERS,
            reads=schema,
        )
    if method == "patch":
        return Operation(
            method="patch",
            operation_id=f"patch{name}",
            description=f"partially update{of} the specified {e.kind}",
            action="patch",
            gvk=kind,
            responses=written,
            parameters=PATCH_PARAMETERS,
            reads=PATCH,
            read_types=CUSTOM_PATCH_TYPES if e.custom else BUILTIN_PATCH_TYPES,
        )
    return Operation(
        method="post",
        operation_id=f"create{name}",
        description=f"create {subresource} of {e.kind}" if subresource else f"create {article(e.kind)} {e.kind}",
        action="post",
        gvk=kind,
        responses=(*written, ("202", "Accepted", schema)),
        parameters=WRITE_PARAMETERS,
        reads=schema,
    )


def subresource_paths(endpoint: Endpoint) -> list[PathItem]:
    paths = []
    parameters = (("name", "path"), *scope_parameters(endpoint), ("pretty", "query"))
    for name in sorted(endpoint.subresources & SUBRESOURCES.keys()):
        methods, carried = SUBRESOURCES[name]
        schema, kind = carried or endpoint.schema, endpoint.own_gvk
        if carried and not endpoint.custom:
            # Built-ins label a subresource that carries another type with that type's kind; custom
            # resources keep their own kind even on scale.
            kind = dict(source_definitions()[carried]["x-kubernetes-group-version-kind"][0])
        operations = tuple(object_operation(endpoint, method, name, schema, kind) for method in methods)
        paths.append(PathItem(f"{endpoint.collection}/{{name}}/{name}", parameters, operations, endpoint.kind))
    return paths


def watch_paths(endpoint: Endpoint) -> list[PathItem]:
    """The deprecated /watch/ paths built-in resources still publish (custom resources do not)."""
    e = endpoint
    if e.custom or "watch" not in e.verbs:
        return []
    watch_list = (
        f"watch individual changes to a list of {e.kind}. deprecated: use the 'watch' parameter with a list "
        "operation instead."
    )
    watch_one = (
        f"watch changes to an object of kind {e.kind}. deprecated: use the 'watch' parameter with a list operation "
        "instead, filtered to a single item with the 'fieldSelector' parameter."
    )
    paths = [
        PathItem(
            e.watched_collection,
            (*scope_parameters(e), *LIST_QUERY),
            (watch_operation(e, f"watch{e.label}{e.scope}{e.kind}List", watch_list, "watchlist"),),
        ),
        PathItem(
            f"{e.watched_collection}/{{name}}",
            (("name", "path"), *scope_parameters(e), *LIST_QUERY),
            (watch_operation(e, f"watch{e.label}{e.scope}{e.kind}", watch_one, "watch"),),
            e.kind,
        ),
    ]
    if e.namespaced:
        every = watch_operation(e, f"watch{e.label}{e.kind}ListForAllNamespaces", watch_list, "watchlist")
        paths.append(PathItem(f"{e.prefix}/watch/{e.plural}", LIST_QUERY, (every,)))
    return paths


def watch_operation(endpoint: Endpoint, operation_id: str, description: str, action: str) -> Operation:
    return Operation(
        method="get",
        operation_id=operation_id,
        description=description,
        action=action,
        gvk=endpoint.own_gvk,
        responses=(("200", "OK", WATCH_EVENT),),
        response_types=STREAM_TYPES,
    )


def resources_path(group: str, version: str) -> PathItem:
    operation = Operation(
        method="get",
        operation_id=f"get{operation_label(group, version)}APIResources",
        description="get available resources",
        action="",
        gvk=None,
        responses=(("200", "OK", API_RESOURCE_LIST),),
    )
    return PathItem(f"/{gv_path(group, version)}/", (), (operation,))


def group_version_paths(group: str, version: str, endpoints: Iterable[Endpoint]) -> list[PathItem]:
    items = [resources_path(group, version)]
    for endpoint in endpoints:
        items.extend(endpoint_paths(endpoint))
    return items


def path_schemas(items: Iterable[PathItem]) -> set[str]:
    names: set[str] = set()
    for item in items:
        for operation in item.operations:
            names.update(schema for _, _, schema in operation.responses)
            if operation.reads:
                names.add(operation.reads)
    return names


# -- rendering ----------------------------------------------------------------------------------------------


def parameter_v3(name: str, where: str, kind: str) -> Schema:
    if where == "path":
        description = f"name of the {kind}" if name == "name" else "object name and auth scope, such as a namespace"
        return {
            "description": description,
            "in": "path",
            "name": name,
            "required": True,
            "schema": {"type": "string", "uniqueItems": True},
        }
    value_type, description = QUERY_PARAMETERS[name]
    return {
        "description": description,
        "in": "query",
        "name": name,
        "schema": {"type": value_type, "uniqueItems": True},
    }


def parameter_v2(name: str, where: str, kind: str) -> Schema:
    """v2 parameters carry their type inline instead of in a schema."""
    rendered = parameter_v3(name, where, kind)
    return {**rendered.pop("schema"), **rendered}


def operation_v3(operation: Operation, tags: list[str]) -> Schema:
    rendered: Schema = {"description": operation.description, "operationId": operation.operation_id}
    if operation.parameters:
        rendered["parameters"] = [parameter_v3(name, "query", "") for name in operation.parameters]
    if operation.reads:
        content = {media: {"schema": {"$ref": V3_REF + operation.reads}} for media in operation.read_types}
        rendered["requestBody"] = {"content": content, **({"required": True} if operation.body_required else {})}
    responses: Schema = {
        code: {
            "content": {media: {"schema": {"$ref": V3_REF + schema}} for media in operation.response_types},
            "description": description,
        }
        for code, description, schema in operation.responses
    }
    rendered["responses"] = {**responses, "401": {"description": "Unauthorized"}}
    rendered["tags"] = tags
    return {**rendered, **operation_extensions(operation)}


def operation_v2(operation: Operation, tags: list[str]) -> Schema:
    rendered: Schema = {"description": operation.description}
    if operation.reads:
        rendered["consumes"] = list(operation.read_types)
    rendered |= {"produces": list(operation.response_types), "schemes": ["https"], "tags": tags}
    rendered["operationId"] = operation.operation_id
    parameters = []
    if operation.reads:
        body: Schema = {"name": "body", "in": "body", "schema": {"$ref": V2_REF + operation.reads}}
        parameters.append({**body, "required": True} if operation.body_required else body)
    parameters.extend(parameter_v2(name, "query", "") for name in operation.parameters)
    if parameters:
        rendered["parameters"] = parameters
    responses: Schema = {
        code: {"description": description, "schema": {"$ref": V2_REF + schema}}
        for code, description, schema in operation.responses
    }
    rendered["responses"] = {**responses, "401": {"description": "Unauthorized"}}
    return {**rendered, **operation_extensions(operation)}


def operation_extensions(operation: Operation) -> Schema:
    extensions: Schema = {}
    if operation.action:
        extensions["x-kubernetes-action"] = operation.action
    if operation.gvk:
        extensions["x-kubernetes-group-version-kind"] = operation.gvk
    return extensions


def render_paths(items: Iterable[PathItem], tags: list[str], v3: bool) -> Schema:
    render_operation = operation_v3 if v3 else operation_v2
    render_parameter = parameter_v3 if v3 else parameter_v2
    paths: Schema = {}
    for item in sorted(items, key=lambda item: item.path):
        rendered: Schema = {operation.method: render_operation(operation, tags) for operation in item.operations}
        if item.parameters:
            rendered["parameters"] = [render_parameter(name, where, item.kind) for name, where in item.parameters]
        paths[item.path] = dict(sorted(rendered.items()))
    return paths


def serialize(document: Schema) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(body: bytes) -> str:
    """What the server pins a document's URL with: SHA-512 of its bytes in uppercase hex."""
    return hashlib.sha512(body).hexdigest().upper()


def gv_path(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


BEARER_TOKEN = {"description": "Bearer Token authentication", "in": "header", "name": "authorization", "type": "apiKey"}
CUSTOM_VERBS = frozenset({"get", "list", "create", "update", "patch", "delete", "deletecollection", "watch"})


# -- OpenAPI v2 as protobuf -----------------------------------------------------------------------------------
# kubectl before 1.27 (and `kubectl explain --output=plaintext-openapiv2`) asks for v2 in protobuf only: gnostic's
# openapi.v2 messages. Field numbers below are that schema's; vendor extensions and free values travel as YAML
# text, which JSON is.

V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
# Clients ask with either spelling; the answer names the dotted one, since Go's media type parser rejects the @.
V2_PROTOBUF_ACCEPTED = ("application/com.github.proto-openapi.spec.v2@v1.0+protobuf", V2_PROTOBUF)
SCHEMA_STRINGS = {"$ref": 1, "format": 2, "title": 3, "description": 4, "pattern": 13, "discriminator": 26}
SCHEMA_DOUBLES = {"multipleOf": 6, "maximum": 7, "minimum": 9}
SCHEMA_BOOLS = {"exclusiveMaximum": 8, "exclusiveMinimum": 10, "uniqueItems": 16, "readOnly": 27}
SCHEMA_INTEGERS = {
    "maxLength": 11,
    "minLength": 12,
    "maxItems": 14,
    "minItems": 15,
    "maxProperties": 17,
    "minProperties": 18,
}
SCHEMA_VALUES = {"default": 5, "example": 30}
PATH_ITEM_METHODS = {"get": 2, "put": 3, "post": 4, "delete": 5, "patch": 8}


def varint(number: int) -> bytes:
    number &= (1 << 64) - 1  # a negative int64 goes on the wire as its two's complement
    encoded = bytearray()
    while number > 0x7F:
        encoded.append(number & 0x7F | 0x80)
        number >>= 7
    encoded.append(number)
    return bytes(encoded)


def message_field(number: int, payload: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def string_field(number: int, text: str) -> bytes:
    return message_field(number, text.encode()) if text else b""


def repeated_strings(number: int, texts: Iterable[str]) -> bytes:
    return b"".join(message_field(number, text.encode()) for text in texts)


def varint_field(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value) if value else b""


def double_field(number: int, value: float) -> bytes:
    return varint(number << 3 | 1) + struct.pack("<d", value)


def named(number: int, name: str, payload: bytes) -> bytes:
    """One entry of gnostic's ordered maps: a Named<Something> message with name 1 and value 2."""
    return message_field(number, string_field(1, name) + message_field(2, payload))


def any_value(value: Any) -> bytes:
    return string_field(2, json.dumps(value))


def vendor_extensions(number: int, node: Schema) -> bytes:
    return b"".join(named(number, key, any_value(value)) for key, value in node.items() if key.startswith("x-"))


def schema_pb(schema: Schema) -> bytes:
    encoded = bytearray()
    for key, value in schema.items():
        if key in SCHEMA_STRINGS:
            encoded += string_field(SCHEMA_STRINGS[key], value)
        elif key in SCHEMA_DOUBLES:
            encoded += double_field(SCHEMA_DOUBLES[key], value)
        elif key in SCHEMA_BOOLS:
            encoded += varint_field(SCHEMA_BOOLS[key], int(value))
        elif key in SCHEMA_INTEGERS:
            encoded += varint_field(SCHEMA_INTEGERS[key], value)
        elif key in SCHEMA_VALUES:
            encoded += message_field(SCHEMA_VALUES[key], any_value(value))
        elif key == "required":
            encoded += repeated_strings(19, value)
        elif key == "enum":
            encoded += b"".join(message_field(20, any_value(item)) for item in value)
        elif key == "additionalProperties":
            # A oneof member goes on the wire even when it holds false.
            either = message_field(1, schema_pb(value)) if isinstance(value, dict) else varint(2 << 3) + varint(value)
            encoded += message_field(21, either)
        elif key == "type":
            encoded += message_field(22, string_field(1, value))
        elif key == "items" and isinstance(value, dict):
            encoded += message_field(23, message_field(1, schema_pb(value)))
        elif key == "properties":
            encoded += message_field(25, b"".join(named(1, name, schema_pb(item)) for name, item in value.items()))
    return bytes(encoded + vendor_extensions(31, schema))


def parameter_pb(parameter: Schema) -> bytes:
    """A ParametersItem: a body parameter, or a query or path parameter (whose field numbers differ)."""
    if parameter["in"] == "body":
        body = (
            string_field(1, parameter.get("description", ""))
            + string_field(2, parameter["name"])
            + string_field(3, "body")
            + varint_field(4, int(parameter.get("required", False)))
            + message_field(5, schema_pb(parameter["schema"]))
        )
        return message_field(1, message_field(1, body))
    kind, type_field, unique_field = (3, 6, 20) if parameter["in"] == "query" else (4, 5, 19)
    sub_schema = (
        varint_field(1, int(parameter.get("required", False)))
        + string_field(2, parameter["in"])
        + string_field(3, parameter.get("description", ""))
        + string_field(4, parameter["name"])
        + string_field(type_field, parameter["type"])
        + varint_field(unique_field, int(parameter.get("uniqueItems", False)))
    )
    return message_field(1, message_field(2, message_field(kind, sub_schema)))


def operation_pb(operation: Schema) -> bytes:
    responses = b"".join(
        named(1, code, message_field(1, string_field(1, response["description"]) + response_schema_pb(response)))
        for code, response in operation["responses"].items()
    )
    return (
        repeated_strings(1, operation.get("tags", []))
        + string_field(3, operation.get("description", ""))
        + string_field(5, operation.get("operationId", ""))
        + repeated_strings(6, operation.get("produces", []))
        + repeated_strings(7, operation.get("consumes", []))
        + b"".join(message_field(8, parameter_pb(parameter)) for parameter in operation.get("parameters", []))
        + message_field(9, responses)
        + repeated_strings(10, operation.get("schemes", []))
        + vendor_extensions(13, operation)
    )


def response_schema_pb(response: Schema) -> bytes:
    return message_field(2, message_field(1, schema_pb(response["schema"]))) if "schema" in response else b""


def path_item_pb(item: Schema) -> bytes:
    methods = b"".join(
        message_field(PATH_ITEM_METHODS[method], operation_pb(operation))
        for method, operation in item.items()
        if method in PATH_ITEM_METHODS
    )
    return methods + b"".join(message_field(9, parameter_pb(parameter)) for parameter in item.get("parameters", []))


def document_pb(document: Schema) -> bytes:
    """A Swagger 2.0 document as gnostic's openapi.v2.Document message."""
    info = string_field(1, document["info"]["title"]) + string_field(2, document["info"]["version"])
    paths = b"".join(named(2, path, path_item_pb(item)) for path, item in document["paths"].items())
    definitions = b"".join(named(1, name, schema_pb(schema)) for name, schema in document["definitions"].items())
    security = b"".join(
        message_field(12, b"".join(named(1, name, repeated_strings(1, scopes)) for name, scopes in requirement.items()))
        for requirement in document["security"]
    )
    schemes = b"".join(
        named(1, name, message_field(2, api_key_pb(scheme))) for name, scheme in document["securityDefinitions"].items()
    )
    return (
        string_field(1, document["swagger"])
        + message_field(2, info)
        + message_field(8, paths)
        + message_field(9, definitions)
        + security
        + message_field(13, schemes)
    )


def api_key_pb(scheme: Schema) -> bytes:
    return (
        string_field(1, scheme["type"])
        + string_field(2, scheme["name"])
        + string_field(3, scheme["in"])
        + string_field(4, scheme["description"])
    )


def v2_media_type(accept: str) -> str:
    """The first media type in an Accept header that /openapi/v2 can answer with; JSON when none is named."""
    for media_range in accept.split(","):
        media_type = media_range.split(";")[0].strip().lower()
        if media_type in V2_PROTOBUF_ACCEPTED:
            return V2_PROTOBUF
        if media_type in ("application/json", "application/*", "*/*"):
            return "application/json"
    return "application/json"


# -- the documents ------------------------------------------------------------------------------------------


class OpenAPI:
    """The server's OpenAPI documents, built on first request and rebuilt only when their inputs change."""

    def __init__(self, registry: RegistryLike, server_version: str = SERVER_VERSION) -> None:
        self.registry = registry
        self.server_version = server_version
        self.custom: dict[str, tuple[CustomVersion, ...]] = {}
        self._v3: dict[tuple[str, str], tuple[object, bytes, str]] = {}
        self._v2: tuple[object, bytes] | None = None
        self._v2_protobuf: tuple[bytes, bytes] | None = None

    def add_custom_resource(self, crd: dict[str, Any]) -> None:
        """Publish (or republish, after an update) the served versions of a CustomResourceDefinition."""
        self.custom[crd["metadata"]["name"]] = custom_versions(crd)

    def remove_custom_resource(self, name: str) -> None:
        """Stop publishing the CustomResourceDefinition called `name` (plural.group); unknown names are ignored."""
        self.custom.pop(name, None)

    def v3_index(self) -> dict[str, Any]:
        """GET /openapi/v3: every group-version and the URL of its document, pinned by content hash."""
        paths = {}
        for group, version in self.group_versions():
            _, digest = self.v3_document(group, version)
            paths[gv_path(group, version)] = {
                "serverRelativeURL": f"/openapi/v3/{gv_path(group, version)}?hash={digest}"
            }
        return {"paths": paths}

    def v3_document(self, group: str, version: str) -> tuple[bytes, str]:
        """GET /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>: (JSON bytes, its hash)."""
        endpoints = self.endpoints_of(group, version)
        if not endpoints:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        inputs = (endpoints, self.custom_of(group, version), self.server_version)
        cached = self._v3.get((group, version))
        if cached is None or cached[0] != inputs:
            body = serialize(self.build_v3(group, version, endpoints))
            cached = (inputs, body, content_hash(body))
            self._v3[(group, version)] = cached
        return cached[1], cached[2]

    def v2_document(self) -> bytes:
        """GET /openapi/v2 as JSON: one Swagger 2.0 document for every group-version."""
        groups = [(group, version, self.endpoints_of(group, version)) for group, version in self.group_versions()]
        inputs = (groups, sorted(self.custom.items()), self.server_version)
        if self._v2 is None or self._v2[0] != inputs:
            self._v2 = (inputs, serialize(self.build_v2(groups)))
        return self._v2[1]

    def v2_protobuf(self) -> bytes:
        """GET /openapi/v2 as protobuf, encoded from the JSON document and kept while that is."""
        body = self.v2_document()
        if self._v2_protobuf is None or self._v2_protobuf[0] is not body:
            self._v2_protobuf = (body, document_pb(json.loads(body)))
        return self._v2_protobuf[1]

    def v2_response(self, accept: str) -> tuple[bytes, str]:
        """GET /openapi/v2 for a request's Accept header: (body, Content-Type)."""
        media_type = v2_media_type(accept)
        if media_type == V2_PROTOBUF:
            return self.v2_protobuf(), media_type
        return self.v2_document(), media_type

    def build_v3(self, group: str, version: str, endpoints: list[Endpoint]) -> Schema:
        items = group_version_paths(group, version, endpoints)
        schemas = {**builtin_schemas(True), **self.custom_schemas(group, version, v3=True)}
        custom_only = all(endpoint.custom for endpoint in endpoints)
        return {
            "openapi": "3.0.0",
            "info": {
                "title": "Kubernetes CRD Swagger" if custom_only else "Kubernetes",
                "version": "v0.1.0" if custom_only else self.server_version,
            },
            "paths": render_paths(items, [tag(group, version)], v3=True),
            "components": {
                "schemas": closure(path_schemas(items), schemas),
                "securitySchemes": {"BearerToken": BEARER_TOKEN},
            },
        }

    def build_v2(self, groups: list[tuple[str, str, list[Endpoint]]]) -> Schema:
        paths: Schema = {}
        definitions = dict(builtin_schemas(False))
        referenced: set[str] = set()
        for group, version, endpoints in groups:
            items = group_version_paths(group, version, endpoints)
            paths |= render_paths(items, [tag(group, version)], v3=False)
            definitions |= self.custom_schemas(group, version, v3=False)
            referenced |= path_schemas(items)
        return {
            "swagger": "2.0",
            "info": {"title": "Kubernetes", "version": self.server_version},
            "paths": dict(sorted(paths.items())),
            "definitions": closure(referenced, definitions),
            "securityDefinitions": {"BearerToken": BEARER_TOKEN},
            "security": [{"BearerToken": []}],
        }

    def group_versions(self) -> list[tuple[str, str]]:
        found = {(group, version) for group, versions in self.registry.group_versions() for version in versions}
        found |= {(custom.group, custom.version) for versions in self.custom.values() for custom in versions}
        return sorted(gv for gv in found if self.endpoints_of(*gv))

    def custom_of(self, group: str, version: str) -> tuple[CustomVersion, ...]:
        return tuple(
            custom
            for _, versions in sorted(self.custom.items())
            for custom in versions
            if (custom.group, custom.version) == (group, version)
        )

    def custom_schemas(self, group: str, version: str, v3: bool) -> dict[str, Schema]:
        schemas: dict[str, Schema] = {}
        for custom in self.custom_of(group, version):
            schemas |= custom.schemas(v3)
        return schemas

    def endpoints_of(self, group: str, version: str) -> list[Endpoint]:
        """The resources a group-version document describes: built-ins whose kind has a schema, and custom
        resources (which win over a registry entry of the same kind)."""
        customs = self.custom_of(group, version)
        custom_kinds = {custom.kind for custom in customs}
        names = schema_names_by_gvk()
        endpoints = [
            Endpoint(
                group,
                version,
                resource.kind,
                resource.plural,
                resource.namespaced,
                frozenset(resource.verbs),
                frozenset(resource.subresources),
                names[(group, version, resource.kind)],
                names.get((group, version, resource.kind + "List")),
                custom=False,
            )
            for resource in self.registry.resources_of(group, version)
            if resource.kind not in custom_kinds and (group, version, resource.kind) in names
        ]
        endpoints += [
            Endpoint(
                group,
                version,
                custom.kind,
                custom.plural,
                custom.namespaced,
                CUSTOM_VERBS,
                custom.subresources,
                custom.schema_name,
                custom.list_schema_name,
                custom=True,
            )
            for custom in customs
        ]
        return sorted(endpoints, key=lambda endpoint: endpoint.plural)

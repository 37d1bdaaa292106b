"""Offline validation of built-in Kubernetes objects against the API's own OpenAPI definitions.

The definitions are the "strict" Kubernetes 1.37 schemas shipped as data by kubernetes-validate
(only the JSON file is read: importing that package or jsonschema costs far more than the
check). Each definition is compiled once into a small ``_Schema`` (property dict, required
names, allowed Python classes), and a purpose-built walker compares the YAML data with it,
reporting unknown fields, values of the wrong type and missing required fields with the exact
position of the key or value.

Custom resources and kinds missing from 1.37 (removed APIs such as extensions/v1beta1) have no
definition here and yield no schema problems; other rules deal with them.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from yaml.nodes import ScalarNode

from kubelint.findings import Span
from kubelint.manifests.objects import KubeObject
from kubelint.manifests.yamldoc import Mapping, Sequence

SchemaProblemKind = Literal["unknown-field", "invalid-type", "missing-required-field"]

_DATA_FILE = ("kubernetes-json-schema", "v1.37.0-local-strict", "_definitions.json")
_REF_PREFIX = "#/$defs/"
_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
_EXTENSIONS = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1."
_NONE_TYPE = type(None)
_CLASSES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (Mapping,),
    "array": (Sequence,),
    "null": (_NONE_TYPE,),
}
_EXPECTED = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
    "object": "a mapping",
    "array": "a list",
}
# Values the quick walk may visit: the largest object seen in the wild (a CRD) holds 35,000.
_QUICK_WALK_BUDGET = 250_000
# Strategic merge patch directives (kustomize patches): not fields, and they mark the object as a patch.
_PATCH_DIRECTIVES = ("$patch", "$retainKeys", "$setElementOrder/", "$deleteFromPrimitiveList/")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_$-]+")
_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off"})
_INTEGER = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    kind: SchemaProblemKind
    message: str
    span: Span


class _Schema:
    """One compiled schema; ``classes`` None means any value goes and nothing inside is checked."""

    __slots__ = (
        "classes", "integral", "items", "properties", "required",
        "strict", "types", "values", "walks_mappings",
    )  # fmt: skip

    def __init__(self) -> None:
        self.types: tuple[str, ...] = ()
        self.classes: frozenset[type] | None = None
        self.integral = False
        # Never None, so that the walker can call .get() straight away; _NO_PROPERTIES is shared.
        self.properties: dict[str, _Schema] = _NO_PROPERTIES
        self.strict = False
        self.values: _Schema | None = None
        self.items: _Schema | None = None
        self.required: tuple[str, ...] = ()
        self.walks_mappings = False

    def finish(self) -> None:
        """Note whether a mapping needs walking at all, once every field is final."""
        checks_keys = bool(self.properties) or self.strict or self.values is not None
        self.walks_mappings = checks_keys or bool(self.required)

    def set_types(self, names: list[str]) -> None:
        self.types = tuple(name for name in names if name != "null" and name in _CLASSES)
        self.classes = frozenset(cls for name in names for cls in _CLASSES.get(name, ()))
        self.integral = "integer" in self.types and "number" not in self.types


_NO_PROPERTIES: dict[str, _Schema] = {}
_ANY = _Schema()


def _type_names(raw: dict[str, Any]) -> list[str] | None:
    """The JSON types a schema allows, None when it does not say (then anything goes)."""
    declared = raw.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return declared
    branches = raw.get("oneOf")
    if isinstance(branches, list) and branches:
        names: list[str] = []
        for branch in branches:
            branch_names = _type_names(branch) if isinstance(branch, dict) else None
            if branch_names is None:
                return None
            names.extend(name for name in branch_names if name not in names)
        return names
    return None


class _Compiler:
    def __init__(self, definitions: dict[str, Any]) -> None:
        self.definitions = definitions
        self.named: dict[str, _Schema] = {}
        self.compiled: list[_Schema] = []
        self.props_completed = False

    def named_schema(self, name: str) -> _Schema:
        schema = self.named.get(name)
        if schema is None:
            # Registered before it is filled: definitions such as JSONSchemaProps refer to themselves.
            schema = self.named[name] = self.new_schema()
            self.fill(schema, self.definitions.get(name, {}))
        return schema

    def compile(self, raw: Any) -> _Schema:
        if not isinstance(raw, dict):
            return _ANY
        ref = raw.get("$ref")
        if isinstance(ref, str):
            return self.named_schema(ref.removeprefix(_REF_PREFIX))
        schema = self.new_schema()
        self.fill(schema, raw)
        return schema

    def new_schema(self) -> _Schema:
        schema = _Schema()
        self.compiled.append(schema)
        return schema

    def fill(self, schema: _Schema, raw: dict[str, Any]) -> None:
        names = _type_names(raw)
        if names is None:
            return
        schema.set_types(names)
        properties = raw.get("properties")
        if isinstance(properties, dict):
            schema.properties = {name: self.compile(value) for name, value in properties.items()}
        additional = raw.get("additionalProperties")
        preserves = raw.get("x-kubernetes-preserve-unknown-fields") is True
        if additional is False and not preserves:
            schema.strict = True
        elif isinstance(additional, dict):
            values = self.compile(additional)
            schema.values = values if values.classes is not None else None
        if isinstance(raw.get("items"), dict):
            schema.items = self.compile(raw["items"])
        required = raw.get("required")
        if isinstance(required, list):
            schema.required = tuple(name for name in required if isinstance(name, str))


class _Catalog:
    """The definitions, compiled one kind at a time: a run pays only for the kinds it meets."""

    def __init__(self, definitions: dict[str, Any]) -> None:
        self.compiler = _Compiler(definitions)
        self.names: dict[tuple[str, str, str], str] = {}
        for name, raw in definitions.items():
            for gvk in raw.get("x-kubernetes-group-version-kind", ()):
                self.names[(gvk["group"], gvk["version"], gvk["kind"])] = name
        self.kinds: dict[tuple[str, str, str], _Schema] = {}
        self.finished = 0

    def kind(self, gvk: tuple[str, str, str]) -> _Schema | None:
        schema = self.kinds.get(gvk)
        if schema is None and gvk in self.names:
            schema = self.kinds[gvk] = self._compile_kind(self.names[gvk])
        return schema

    def _compile_kind(self, name: str) -> _Schema:
        compiler = self.compiler
        schema = compiler.named_schema(name)
        if "status" in schema.properties:
            # The server writes status; exported objects carry it, people never author it.
            schema.properties["status"] = _ANY
        meta = compiler.named.get(_META)
        if meta is not None and "managedFields" in meta.properties:
            meta.properties["managedFields"] = _ANY
        _complete_schema_props(compiler)
        for compiled in compiler.compiled[self.finished :]:
            compiled.finish()
        self.finished = len(compiler.compiled)
        return schema


def _data_file() -> Path:
    spec = importlib.util.find_spec("kubernetes_validate")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location).joinpath(*_DATA_FILE)
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"cannot find {'/'.join(_DATA_FILE)}: is kubernetes-validate installed?")


@cache
def _catalog() -> _Catalog:
    return _Catalog(json.loads(_data_file().read_text(encoding="utf-8"))["$defs"])


def _complete_schema_props(compiler: _Compiler) -> None:
    """Give the "X or Y" parts of a CRD schema (items, additionalProperties...) their real shape.

    The definitions declare JSONSchemaPropsOrArray, OrBool and OrStringArray as empty schemas
    (anything goes) because JSON schema cannot say "a schema or a list". Without this the
    walker would stop at the first `items:` of every CRD and miss most of it.
    """
    props = compiler.named.get(_EXTENSIONS + "JSONSchemaProps")
    if props is None or not props.properties or compiler.props_completed:
        return
    compiler.props_completed = True
    string_schema = compiler.new_schema()
    string_schema.set_types(["string"])
    shapes = {
        "JSONSchemaPropsOrArray": (["object", "array", "null"], props),
        "JSONSchemaPropsOrBool": (["object", "boolean", "null"], None),
        "JSONSchemaPropsOrStringArray": (["object", "array", "null"], string_schema),
    }
    for suffix, (names, items) in shapes.items():
        schema = compiler.named.get(_EXTENSIONS + suffix)
        if schema is None or schema.classes is not None:
            continue
        schema.set_types(names)
        schema.properties = props.properties
        schema.strict = props.strict
        schema.items = items


def is_known_kind(group: str, version: str, kind: str) -> bool:
    """Whether Kubernetes 1.37 defines this kind (the core group is "")."""
    return (group, version, kind) in _catalog().names


def known_kinds() -> set[tuple[str, str, str]]:
    """Every (group, version, kind) the schemas define."""
    return set(_catalog().names)


def schema_problems(obj: KubeObject) -> list[SchemaProblem]:
    """The schema problems of one object, computed once and kept on the object."""
    if obj._schema_problems is None:
        obj._schema_problems = _validate(obj)
    return obj._schema_problems


def _validate(obj: KubeObject) -> list[SchemaProblem]:
    if not obj.api_version or not obj.kind:
        return []
    group, _, version = obj.api_version.rpartition("/")
    schema = _catalog().kind((group, version, obj.kind))
    if schema is None:
        return []
    kind = f"{obj.kind} ({obj.api_version})"
    try:
        return _Walker(kind, careful=False).walk(obj.data, schema)
    except _OverBudget:
        return _Walker(kind, careful=True).walk(obj.data, schema)


class _OverBudget(Exception):
    """The quick walk visited far more values than any real object holds: aliases multiply it."""


class _Walker:
    """Compares data with a schema; the path of (container, key) pairs says where it is.

    YAML aliases can share one mapping many times over (a "billion laughs" document shares it
    exponentially often). Remembering every (value, schema) pair visited makes that harmless but
    costs a third of the walk, so the quick walk does not remember and gives up after a budget of
    values; the careful walk then starts again and visits each pair once.
    """

    def __init__(self, kind: str, careful: bool) -> None:
        self.kind = kind
        self.problems: list[SchemaProblem] = []
        self.path: list[tuple[Mapping | Sequence, Any]] = []
        self.seen: set[tuple[int, _Schema]] | None = set() if careful else None
        self.budget = _QUICK_WALK_BUDGET
        self.is_patch = False
        # An aliased value can be met again and again: describe each of its problems once.
        self.reported: set[tuple[str, int, Any]] = set()

    def result(self) -> list[SchemaProblem]:
        unique: dict[tuple[str, Span], SchemaProblem] = {}
        for problem in self.problems:
            if self.is_patch and problem.kind == "missing-required-field":
                continue  # a strategic merge patch only holds the fields it changes
            unique.setdefault((problem.kind, problem.span), problem)  # an aliased value is one problem
        return sorted(unique.values(), key=lambda problem: (problem.span.line, problem.span.column))

    def walk(self, root: Mapping, schema: _Schema) -> list[SchemaProblem]:
        if schema.walks_mappings:
            self.mapping(root, schema)
        return self.result()

    def first_visit(self, value: Mapping | Sequence, schema: _Schema) -> bool:
        marker = (id(value), schema)
        if self.seen is None:
            return True
        if marker in self.seen:
            return False
        self.seen.add(marker)
        return True

    # mapping() and sequence() run for every node of every object: keep them flat and inlined.
    def mapping(self, mapping: Mapping, schema: _Schema) -> None:
        self.budget -= len(mapping)
        if self.budget < 0 and self.seen is None:
            raise _OverBudget
        properties, values, path, seen = schema.properties, schema.values, self.path, self.seen
        for key, value in mapping.items():
            child = properties.get(key, values)
            if child is None:
                if schema.strict:
                    self.unknown_field(mapping, key, properties)
                continue
            classes = child.classes
            if classes is None:
                continue
            cls = value.__class__
            if cls not in classes:
                if not _is_integral(value, child):
                    self.invalid_type(mapping, key, value, child)
            elif cls is Mapping:
                if child.walks_mappings and (seen is None or self.first_visit(value, child)):
                    path.append((mapping, key))
                    self.mapping(value, child)
                    path.pop()
            elif cls is Sequence:
                inner = child.items
                if inner is not None and (seen is None or self.first_visit(value, child)):
                    path.append((mapping, key))
                    self.sequence(value, inner)
                    path.pop()
        for name in schema.required:
            if name not in mapping:
                self.missing_field(mapping, name)

    def sequence(self, sequence: Sequence, items: _Schema) -> None:
        self.budget -= len(sequence)
        if self.budget < 0 and self.seen is None:
            raise _OverBudget
        classes, path, seen = items.classes, self.path, self.seen
        if classes is None:
            return
        for index, value in enumerate(sequence):
            cls = value.__class__
            if cls not in classes:
                if not _is_integral(value, items):
                    self.invalid_type(sequence, index, value, items)
            elif cls is Mapping:
                if items.walks_mappings and (seen is None or self.first_visit(value, items)):
                    path.append((sequence, index))
                    self.mapping(value, items)
                    path.pop()
            elif cls is Sequence:
                inner = items.items
                if inner is not None and (seen is None or self.first_visit(value, items)):
                    path.append((sequence, index))
                    self.sequence(value, inner)
                    path.pop()

    def where(self, container: Mapping | Sequence | None = None, key: Any = None) -> str:
        """The dotted path of the current value, or of its entry `key` in `container`."""
        steps = [*self.path, (container, key)] if container is not None else self.path
        return _dotted(steps) or "the object"

    def first_report(self, kind: str, container: Mapping | Sequence, key: Any) -> bool:
        marker = (kind, id(container), key)
        if marker in self.reported:
            return False
        self.reported.add(marker)
        return True

    def unknown_field(self, mapping: Mapping, key: Any, properties: dict[str, _Schema]) -> None:
        if isinstance(key, str) and key.startswith(_PATCH_DIRECTIVES):
            self.is_patch = True
            return
        if not self.first_report("unknown-field", mapping, key):
            return
        field = self.where(mapping, key)
        suggestion = _closest(str(key), properties)
        if suggestion:
            advice = f"did you mean `{suggestion}`?"
        else:
            advice = (
                f"{self.kind} has no such field here; remove it, or check its indentation and the apiVersion "
                "(the field may belong to another level or another version)"
            )
        message = f"unknown field `{field}`: {advice}"
        self.problems.append(SchemaProblem("unknown-field", message, mapping.key_span(key)))

    def invalid_type(self, container: Mapping | Sequence, key: Any, value: Any, schema: _Schema) -> None:
        if not self.first_report("invalid-type", container, key):
            return
        text = _scalar_text(container, key)
        expected = " or ".join(_EXPECTED[name] for name in schema.types) or "empty"
        got = _describe(value, text) + _hint(value, text, schema)
        message = f"`{self.where(container, key)}` must be {expected}, got {got}"
        span = container.value_span(key) if isinstance(container, Mapping) else container.item_span(key)
        self.problems.append(SchemaProblem("invalid-type", message, span))

    def missing_field(self, mapping: Mapping, name: str) -> None:
        if not self.first_report("missing-required-field", mapping, name):
            return
        where = f"`{self.where()}`" if self.path else self.kind
        message = f"{where} has no `{name}`, which Kubernetes requires; add it"
        holder = self.path[-1] if self.path else None
        span = holder[0].key_span(holder[1]) if holder and isinstance(holder[0], Mapping) else mapping.span
        self.problems.append(SchemaProblem("missing-required-field", message, span))


def _is_integral(value: Any, schema: _Schema) -> bool:
    # YAML writes 3.0 as a float, but Kubernetes reads it as the integer 3.
    return schema.integral and value.__class__ is float and value.is_integer()


def _dotted(steps: list[tuple[Any, Any]]) -> str:
    text = ""
    for container, key in steps:
        if isinstance(container, Sequence):
            text += f"[{key}]"
        elif isinstance(key, str) and _PLAIN_KEY.fullmatch(key):
            text += f".{key}" if text else key
        else:
            text += f"[{json.dumps(str(key))}]"
    return text


def _closest(key: str, properties: dict[str, _Schema]) -> str | None:
    lowered = key.lower()
    for name in properties:
        if name.lower() == lowered:
            return name
    matches = difflib.get_close_matches(key, list(properties), n=1, cutoff=0.7)
    return matches[0] if matches else None


def _scalar_text(container: Mapping | Sequence, key: Any) -> str | None:
    """The scalar as written in the file (`yes`, `1.10`), which the parsed value no longer shows."""
    if isinstance(container, Mapping):
        node = container.value_nodes.get(key)
    else:
        node = container.item_nodes[key] if 0 <= key < len(container.item_nodes) else None
    return node.value if isinstance(node, ScalarNode) else None


def _describe(value: Any, text: str | None) -> str:
    if value is None:
        return "an empty value (null)"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, Sequence):
        return "a list"
    if isinstance(value, str):
        return f"string {json.dumps(value)}"
    written = text if text is not None else str(value)
    if isinstance(value, bool):
        return f"boolean `{written}`"
    return f"{'integer' if isinstance(value, int) else 'number'} `{written}`"


def _hint(value: Any, text: str | None, schema: _Schema) -> str:
    """What to change, for the mistakes YAML makes easy."""
    if isinstance(value, str):
        meant = _unquoted(value)
        fits = meant is not None and meant.__class__ in (schema.classes or ())
        return "; remove the quotes" if fits else ""
    if isinstance(value, bool | int | float) and "string" in schema.types:
        written = text if text is not None else str(value)
        note = " (YAML reads yes/no/on/off as booleans)" if written.lower() in _YAML11_BOOLEANS else ""
        return f"{note}; quote it: {json.dumps(written)}"
    if value is None:
        return "; give it a value or remove the key"
    in_brackets = isinstance(value, Mapping | Sequence) and getattr(value.node, "flow_style", False)
    if in_brackets and "string" in schema.types:
        return "; in YAML, [brackets] and {braces} make a list or a mapping, so quote the value"
    if isinstance(value, Mapping | Sequence) or "object" in schema.types or "array" in schema.types:
        return "; check the indentation and the `-` list markers"
    return ""


def _unquoted(value: str) -> bool | int | float | None:
    """What a quoted scalar would mean without its quotes, None when it would stay a string."""
    if value in ("true", "false"):
        return value == "true"
    if _INTEGER.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    return None

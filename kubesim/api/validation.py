"""What the API server checks in a request body before it stores an object, with the server's own messages.

Two stages, as in kube-apiserver:

* **Decoding** (``check_body``, ``check_patched``): the body must fit the Go types of Kubernetes 1.37. A
  value of the wrong JSON type, a malformed quantity or base64 string is a 400 BadRequest with the Go
  decoder's words (``json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of
  type int32``). Unknown and duplicate fields are what the ``fieldValidation`` query parameter decides:
  Strict refuses them, Warn (the server's default; kubectl sends Strict) accepts the object and returns
  one ``Warning`` header per field, Ignore drops them silently. The types come from the OpenAPI
  definitions kubernetes-validate ships; custom resources use their CRD's schema (``custom_schema``).
* **Semantic validation** (``validate_create``, ``validate_update``): the pkg/apis/*/validation rules
  learners meet (names, labels, pod specs, workloads, services, config maps, secrets, namespaces, ...),
  returned as causes ``(field, reason, message)`` for ``errors.invalid``, in the order the server
  reports them. Call it on the object after defaulting (``defaults.apply_defaults``), admission and,
  for services, IP and port allocation, as the server does.

Quantities (``parse_quantity``, ``canonical_quantity``) are read and printed as resource.Quantity does.
"""

from __future__ import annotations

import base64
import functools
import ipaddress
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from kubesim.api import openapi
from kubesim.api.errors import ApiError, bad_request, invalid
from kubesim.api.goformat import (
    GO_MAP,
    cannot_unmarshal,
    go_float,
    go_json,
    go_quote,
    go_string_slice,
    go_value,
    json_kind,
)
from kubesim.api.selectors import SelectorError, label_key_errors, label_selector_from_object, label_value_errors

Cause = tuple[str, str, str]
Object = dict[str, Any]

# =========================================================================================================
# How Go prints values into messages
# =========================================================================================================


class Rendered(str):
    """A bad value already printed the way the server prints it (a Go struct, a named type...)."""


def render_value(value: Any) -> str:
    """How field.Error prints a bad value: numbers and booleans with %v, strings with %q, the rest as JSON."""
    if isinstance(value, Rendered):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return go_quote(value)
    return go_json(value)


def named(value: Any) -> Rendered:
    """A value of a named Go type (ResourceName, Protocol, a pointer...): the server prints it as JSON."""
    return Rendered(go_json(value))


# =========================================================================================================
# Field errors (k8s.io/apimachinery/pkg/util/validation/field)
# =========================================================================================================

REQUIRED, INVALID, NOT_SUPPORTED = "FieldValueRequired", "FieldValueInvalid", "FieldValueNotSupported"
DUPLICATE, FORBIDDEN, NOT_FOUND = "FieldValueDuplicate", "FieldValueForbidden", "FieldValueNotFound"
TOO_LONG = "FieldValueTooLong"


def _with_detail(body: str, detail: str) -> str:
    return f"{body}: {detail}" if detail else body


def required(path: str, detail: str = "") -> Cause:
    return (path, REQUIRED, _with_detail("Required value", detail))


def invalid_value(path: str, value: Any, detail: str = "") -> Cause:
    return (path, INVALID, _with_detail(f"Invalid value: {render_value(value)}", detail))


def not_supported(path: str, value: Any, supported: Sequence[str]) -> Cause:
    detail = "supported values: " + ", ".join(go_quote(item) for item in supported) if supported else ""
    return (path, NOT_SUPPORTED, _with_detail(f"Unsupported value: {render_value(value)}", detail))


def duplicate(path: str, value: Any) -> Cause:
    return (path, DUPLICATE, f"Duplicate value: {render_value(value)}")


def forbidden(path: str, detail: str) -> Cause:
    return (path, FORBIDDEN, _with_detail("Forbidden", detail))


def not_found(path: str, value: Any) -> Cause:
    return (path, NOT_FOUND, f"Not found: {render_value(value)}")


def too_long(path: str, limit: int) -> Cause:
    unit = "byte" if limit == 1 else "bytes"
    return (path, TOO_LONG, f"Too long: may not be more than {limit} {unit}")


def child(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def index(path: str, position: int) -> str:
    return f"{path}[{position}]"


def key(path: str, name: str) -> str:
    return f"{path}[{name}]"


# =========================================================================================================
# Names and other string formats (k8s.io/apimachinery/pkg/util/validation)
# =========================================================================================================

_DNS_LABEL_FORMAT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS_LABEL = re.compile(f"^{_DNS_LABEL_FORMAT}$")
_DNS_LABEL_MESSAGE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
_DNS_SUBDOMAIN_FORMAT = _DNS_LABEL_FORMAT + "(\\." + _DNS_LABEL_FORMAT + ")*"
_DNS_SUBDOMAIN = re.compile(f"^{_DNS_SUBDOMAIN_FORMAT}$")
_DNS_SUBDOMAIN_MESSAGE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)
_DNS1035_FORMAT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035 = re.compile(f"^{_DNS1035_FORMAT}$")
_DNS1035_MESSAGE = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
    "start with an alphabetic character, and end with an alphanumeric character"
)
_CONFIG_KEY_FORMAT = "[-._a-zA-Z0-9]+"
_CONFIG_KEY = re.compile(f"^{_CONFIG_KEY_FORMAT}$")
_CONFIG_KEY_MESSAGE = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
_PERCENT_FORMAT = "[0-9]+%"
_PERCENT = re.compile(f"^{_PERCENT_FORMAT}$")
_HEADER_FORMAT = "[-A-Za-z0-9]+"
_HEADER = re.compile(f"^{_HEADER_FORMAT}$")
_PORT_NAME_CHARSET = re.compile("^[-a-z0-9]+$")
_HAS_LETTER = re.compile("[a-z]")
_LABEL_MAX, _SUBDOMAIN_MAX = 63, 253
_INT32_MAX = 2**31 - 1


def regex_error(message: str, pattern: str, *examples: str) -> str:
    """validation.RegexError; its examples are joined as "'a',  or 'b', " (two spaces, as Go writes them)."""
    if not examples:
        return f"{message} (regex used for validation is '{pattern}')"
    shown = " or ".join(f"'{example}', " for example in examples)
    return f"{message} (e.g. {shown}regex used for validation is '{pattern}')"


def _max_length(limit: int) -> str:
    return f"must be no more than {limit} characters"


def dns1123_label_errors(value: str) -> list[str]:
    errors = [_max_length(_LABEL_MAX)] if len(value) > _LABEL_MAX else []
    if not _DNS_LABEL.match(value):
        if _DNS_SUBDOMAIN.match(value):
            errors.append("must not contain dots")
        else:
            errors.append(regex_error(_DNS_LABEL_MESSAGE, _DNS_LABEL_FORMAT, "my-name", "123-abc"))
    return errors


def dns1123_subdomain_errors(value: str) -> list[str]:
    errors = [_max_length(_SUBDOMAIN_MAX)] if len(value) > _SUBDOMAIN_MAX else []
    if not _DNS_SUBDOMAIN.match(value):
        errors.append(regex_error(_DNS_SUBDOMAIN_MESSAGE, _DNS_SUBDOMAIN_FORMAT, "example.com"))
    return errors


def dns1035_label_errors(value: str) -> list[str]:
    errors = [_max_length(_LABEL_MAX)] if len(value) > _LABEL_MAX else []
    if not _DNS1035.match(value):
        errors.append(regex_error(_DNS1035_MESSAGE, _DNS1035_FORMAT, "my-name", "abc-123"))
    return errors


def path_segment_errors(value: str) -> list[str]:
    """IsValidPathSegmentName: the names RBAC objects may take."""
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    return [f"may not contain '{part}'" for part in ("/", "%") if part in value]


def config_key_errors(value: str) -> list[str]:
    errors = [_max_length(_SUBDOMAIN_MAX)] if len(value) > _SUBDOMAIN_MAX else []
    if not _CONFIG_KEY.match(value):
        errors.append(regex_error(_CONFIG_KEY_MESSAGE, _CONFIG_KEY_FORMAT, "key.name", "KEY_NAME", "key-name"))
    return errors + _chdir_prefix_errors(value)


def _chdir_prefix_errors(value: str) -> list[str]:
    if value in (".", ".."):
        return [f"must not be '{value}'"]
    return ["must not start with '..'"] if value.startswith("..") else []


def port_name_errors(value: str) -> list[str]:
    errors = [_max_length(15)] if len(value) > 15 else []
    if not _PORT_NAME_CHARSET.match(value):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _HAS_LETTER.search(value):
        errors.append("must contain at least one letter (a-z)")
    if "--" in value:
        errors.append("must not contain consecutive hyphens")
    if value and (value[0] == "-" or value[-1] == "-"):
        errors.append("must not begin or end with a hyphen")
    return errors


def port_number_errors(port: int) -> list[str]:
    return [] if 1 <= port <= 65535 else ["must be between 1 and 65535, inclusive"]


def _relaxed_env_name_errors(value: str) -> list[str]:
    if any(ord(char) > 0x7F or not char.isprintable() or char == "=" for char in value):
        return ["a valid environment variable name must consist only of printable ASCII characters other than '='"]
    return []


def _mask_trailing_dash(name: str) -> str:
    # A generateName may end with "-": check it as if a letter followed.
    return name[:-2] + "a" if len(name) > 1 and name.endswith("-") else name


def _ip_errors(path: str, value: str) -> list[Cause]:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return [invalid_value(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]
    return []


# =========================================================================================================
# Quantities (k8s.io/apimachinery/pkg/api/resource)
# =========================================================================================================

QUANTITY_PATTERN = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
_FORMAT_WRONG = f"quantities must match the regular expression '{QUANTITY_PATTERN}'"
_SUFFIX_WRONG = "unable to parse quantity's suffix"
_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_NAMES = {exponent: suffix for suffix, exponent in _DECIMAL_SUFFIXES.items()}
_BINARY_NAMES = {exponent: suffix for suffix, exponent in _BINARY_SUFFIXES.items()}
_NANO = Decimal("1e-9")
_MAX_BINARY = Decimal(2**63 - 1)
_SUFFIX_LETTERS = frozenset("eEinumkKMGTP")
DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT = "DecimalSI", "BinarySI", "DecimalExponent"


class QuantityError(ValueError):
    """A quantity the server cannot read; the message is resource.ParseQuantity's."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """An exact amount and the notation it keeps when printed (DecimalSI, BinarySI or DecimalExponent)."""

    value: Decimal
    format: str

    def __str__(self) -> str:
        return canonical_quantity(self)


def parse_quantity(text: str) -> Quantity:
    """resource.ParseQuantity, including its rounding of tiny values up to one nano unit."""
    if not text:
        raise QuantityError(_FORMAT_WRONG)
    number, suffix = _split_quantity(text)
    base, exponent, notation = _interpret_suffix(suffix)
    try:
        amount = Decimal(number if any(char.isdigit() for char in number) else "0")
    except InvalidOperation:
        raise QuantityError("unable to parse numeric part of quantity") from None
    amount = amount.scaleb(exponent) if base == 10 else amount * (2**exponent)
    if amount != 0:
        rounding = ROUND_CEILING if amount > 0 else ROUND_FLOOR
        amount = amount.quantize(_NANO, rounding=rounding) if _exponent(amount) < -9 else amount
    if notation == BINARY_SI:
        amount = max(min(amount, _MAX_BINARY), -_MAX_BINARY)
        if 0 < abs(amount) < 1:
            notation = DECIMAL_SI
    return Quantity(amount, notation)


def _split_quantity(text: str) -> tuple[str, str]:
    """parseQuantityString: sign and digits, then the suffix letters and an optional signed exponent."""
    position = 1 if text[0] in "+-" else 0
    while position < len(text) and ((text[position].isdigit() and text[position].isascii()) or text[position] == "."):
        if text[position] == "." and "." in text[:position]:
            break
        position += 1
    number, rest = text[:position], text[position:]
    letters = 0
    while letters < len(rest) and rest[letters] in _SUFFIX_LETTERS:
        letters += 1
    tail = rest[letters:]
    tail = tail[1:] if tail[:1] in ("+", "-") else tail
    if not all(char in "0123456789" for char in tail):
        raise QuantityError(_FORMAT_WRONG)
    return number, rest


def _interpret_suffix(suffix: str) -> tuple[int, int, str]:
    if suffix in _DECIMAL_SUFFIXES:
        return 10, _DECIMAL_SUFFIXES[suffix], DECIMAL_SI
    if suffix in _BINARY_SUFFIXES:
        return 2, _BINARY_SUFFIXES[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE" and re.fullmatch(r"[+-]?[0-9]+", suffix[1:]):
        return 10, int(suffix[1:]), DECIMAL_EXPONENT
    raise QuantityError(_SUFFIX_WRONG)


def quantity_from_json(value: Any) -> Quantity:
    """A quantity as Quantity.UnmarshalJSON reads it: a string, or a bare number written as it was."""
    if isinstance(value, bool):
        raise QuantityError(_FORMAT_WRONG)
    if isinstance(value, float):
        return parse_quantity(getattr(value, "text", None) or repr(value))
    if isinstance(value, int):
        return parse_quantity(str(value))
    if isinstance(value, str):
        return parse_quantity(value.strip())
    raise QuantityError(_FORMAT_WRONG)


def canonical_quantity(quantity: Quantity) -> str:
    """Quantity.String(): the shortest exact form in the quantity's notation."""
    amount = quantity.value
    if amount == 0:
        return "0"
    notation = quantity.format
    if notation == BINARY_SI and (abs(amount) < 1024 or amount != amount.to_integral_value()):
        notation = DECIMAL_SI
    if notation == BINARY_SI:
        mantissa, power = int(amount), 0
        while mantissa % 1024 == 0 and power < 60:
            mantissa //= 1024
            power += 10
        return f"{mantissa}{_BINARY_NAMES[power]}"
    mantissa, exponent = _decimal_parts(amount)
    if notation == DECIMAL_SI and exponent in _DECIMAL_NAMES:
        return f"{mantissa}{_DECIMAL_NAMES[exponent]}"
    return f"{mantissa}e{exponent}" if exponent else str(mantissa)


def _exponent(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def _decimal_parts(amount: Decimal) -> tuple[int, int]:
    """An integer mantissa and an exponent that is a multiple of 3, with as few digits as possible."""
    sign, digits, exponent = amount.normalize().as_tuple()
    assert isinstance(exponent, int)
    mantissa = int("".join(map(str, digits)))
    while exponent % 3:
        mantissa *= 10
        exponent -= 1
    return (-mantissa if sign else mantissa), exponent


def round_up_to_milli(quantity: Quantity) -> Quantity:
    """Quantity.RoundUp(-3), which the server applies to every resource list."""
    amount = quantity.value
    if _exponent(amount) >= -3:
        return quantity
    rounding = ROUND_CEILING if amount > 0 else ROUND_FLOOR
    return Quantity(amount.quantize(Decimal("0.001"), rounding=rounding), quantity.format)


# =========================================================================================================
# Decoding: the Go types a body must fit
# =========================================================================================================

STRUCT, MAP, LIST, STRING, BYTES, INT, FLOAT, BOOL = "struct", "map", "list", "string", "bytes", "int", "float", "bool"
QUANTITY, INT_OR_STRING, TIME, ANY = "quantity", "int-or-string", "time", "any"


@dataclass(eq=False)
class FieldType:
    """A Go type of the API as the JSON decoder meets it.

    ``go`` is the type as Go prints it in decoding errors (``v1.PodSpec``, ``[]v1.Container``, ``int32``);
    ``struct`` the name of a struct type; ``strict`` whether a struct refuses fields it does not declare;
    ``element`` the type of a list's items or a map's values.
    """

    shape: str
    go: str = ""
    struct: str = ""
    fields: dict[str, FieldType] = field(default_factory=dict)
    strict: bool = True
    element: FieldType | None = None


_META = "io.k8s.apimachinery.pkg.apis.meta.v1."
_CORE = "io.k8s.api.core.v1."
_EXTENSIONS = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1."
# Types with their own JSON decoding: what they accept is not what their definitions say.
_SPECIAL_TYPES = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": (QUANTITY, "resource.Quantity"),
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": (INT_OR_STRING, "intstr.IntOrString"),
    _META + "Time": (TIME, "v1.Time"),
    _META + "MicroTime": (TIME, "v1.MicroTime"),
    _META + "FieldsV1": (ANY, "v1.FieldsV1"),
    "io.k8s.apimachinery.pkg.runtime.RawExtension": (ANY, "runtime.RawExtension"),
    _EXTENSIONS + "JSON": (ANY, "v1.JSON"),
    _EXTENSIONS + "JSONSchemaPropsOrArray": (ANY, "v1.JSONSchemaPropsOrArray"),
    _EXTENSIONS + "JSONSchemaPropsOrBool": (ANY, "v1.JSONSchemaPropsOrBool"),
    _EXTENSIONS + "JSONSchemaPropsOrStringArray": (ANY, "v1.JSONSchemaPropsOrStringArray"),
}
# Fields declared with a named string type (the definitions only say "string"): decoding errors name it.
_NAMED_STRINGS: dict[str, dict[str, str]] = {
    _CORE + "Container": {
        "imagePullPolicy": "v1.PullPolicy",
        "terminationMessagePolicy": "v1.TerminationMessagePolicy",
        "restartPolicy": "v1.ContainerRestartPolicy",
    },
    _CORE + "ContainerPort": {"protocol": "v1.Protocol"},
    _CORE + "ServicePort": {"protocol": "v1.Protocol"},
    _CORE + "EndpointPort": {"protocol": "v1.Protocol"},
    _CORE + "PodSpec": {
        "restartPolicy": "v1.RestartPolicy",
        "dnsPolicy": "v1.DNSPolicy",
        "preemptionPolicy": "v1.PreemptionPolicy",
    },
    _CORE + "ServiceSpec": {
        "type": "v1.ServiceType",
        "sessionAffinity": "v1.ServiceAffinity",
        "externalTrafficPolicy": "v1.ServiceExternalTrafficPolicy",
        "internalTrafficPolicy": "v1.ServiceInternalTrafficPolicy",
        "ipFamilyPolicy": "v1.IPFamilyPolicy",
        "ipFamilies": "v1.IPFamily",
    },
    _CORE + "Secret": {"type": "v1.SecretType"},
    _CORE + "HTTPGetAction": {"scheme": "v1.URIScheme"},
    _CORE + "Toleration": {"operator": "v1.TolerationOperator", "effect": "v1.TaintEffect"},
    _CORE + "PersistentVolumeClaimSpec": {
        "accessModes": "v1.PersistentVolumeAccessMode",
        "volumeMode": "v1.PersistentVolumeMode",
    },
    _CORE + "Capabilities": {"add": "v1.Capability", "drop": "v1.Capability"},
    _CORE + "NamespaceSpec": {"finalizers": "v1.FinalizerName"},
    _CORE + "HostPathVolumeSource": {"type": "v1.HostPathType"},
    _CORE + "NodeSelectorRequirement": {"operator": "v1.NodeSelectorOperator"},
    _META + "ObjectMeta": {"uid": "types.UID"},
    _META + "OwnerReference": {"uid": "types.UID"},
    _META + "LabelSelectorRequirement": {"operator": "v1.LabelSelectorOperator"},
    "io.k8s.api.apps.v1.DeploymentStrategy": {"type": "v1.DeploymentStrategyType"},
    "io.k8s.api.apps.v1.StatefulSetSpec": {"podManagementPolicy": "v1.PodManagementPolicyType"},
    "io.k8s.api.apps.v1.StatefulSetUpdateStrategy": {"type": "v1.StatefulSetUpdateStrategyType"},
    "io.k8s.api.apps.v1.DaemonSetUpdateStrategy": {"type": "v1.DaemonSetUpdateStrategyType"},
    "io.k8s.api.batch.v1.JobSpec": {
        "completionMode": "v1.CompletionMode",
        "podReplacementPolicy": "v1.PodReplacementPolicy",
    },
    "io.k8s.api.batch.v1.CronJobSpec": {"concurrencyPolicy": "v1.ConcurrencyPolicy"},
    "io.k8s.api.networking.v1.HTTPIngressPath": {"pathType": "v1.PathType"},
    "io.k8s.api.networking.v1.NetworkPolicySpec": {"policyTypes": "v1.PolicyType"},
    "io.k8s.api.networking.v1.NetworkPolicyPort": {"protocol": "v1.Protocol"},
}
_NAMED_STRINGS[_CORE + "EphemeralContainer"] = _NAMED_STRINGS[_CORE + "Container"]
_NAMED_STRINGS[_CORE + "PersistentVolumeSpec"] = {
    **_NAMED_STRINGS[_CORE + "PersistentVolumeClaimSpec"],
    "persistentVolumeReclaimPolicy": "v1.PersistentVolumeReclaimPolicy",
}
_SCALARS = {"string": (STRING, "string"), "boolean": (BOOL, "bool"), "number": (FLOAT, "float64")}
_INTEGERS = {"int32": "int32", "int64": "int64"}


def _go_package_name(definition: str) -> str:
    """How reflect prints a named type: its package's last element and its name (v1.PodSpec)."""
    parts = definition.split(".")
    return f"{parts[-2]}.{parts[-1]}"


class _TypeCompiler:
    """The Go types behind the OpenAPI definitions, built on first use; structs refer to themselves freely."""

    def __init__(self, definitions: dict[str, Any]) -> None:
        self.definitions = definitions
        self.named: dict[str, FieldType] = {}

    def named_type(self, name: str) -> FieldType:
        known = self.named.get(name)
        if known is not None:
            return known
        if name in _SPECIAL_TYPES:
            shape, go = _SPECIAL_TYPES[name]
            self.named[name] = FieldType(shape, go)
            return self.named[name]
        raw = self.definitions.get(name, {})
        compiled = self.named[name] = FieldType(STRUCT, _go_package_name(name), name.rsplit(".", 1)[-1])
        if "properties" not in raw:
            compiled.shape = ANY if raw.get("type") in (None, ["object", "null"], "object") else compiled.shape
            return compiled
        overrides = _NAMED_STRINGS.get(name, {})
        for prop, schema in raw["properties"].items():
            compiled.fields[prop] = self.field_type(schema, name, overrides.get(prop))
        compiled.strict = raw.get("additionalProperties") is False
        return compiled

    def field_type(self, raw: dict[str, Any], owner: str, named_string: str | None = None) -> FieldType:
        reference = raw.get("$ref")
        if isinstance(reference, str):
            return self.named_type(reference.removeprefix("#/$defs/"))
        declared = raw.get("type")
        names = [declared] if isinstance(declared, str) else [name for name in declared or [] if name != "null"]
        kind = names[0] if len(names) == 1 else None
        if kind == "object" and isinstance(raw.get("additionalProperties"), dict):
            return self._map_type(self.field_type(raw["additionalProperties"], owner), owner)
        if kind == "array" and isinstance(raw.get("items"), dict):
            element = self.field_type(raw["items"], owner, named_string)
            return FieldType(LIST, "[]" + element.go, element=element)
        if kind == "string" and raw.get("format") == "byte":
            return FieldType(BYTES, "[]uint8")
        if kind == "integer":
            return FieldType(INT, _INTEGERS.get(raw.get("format", ""), "int"))
        if kind in _SCALARS:
            shape, go = _SCALARS[kind]
            return FieldType(shape, named_string if shape == STRING and named_string else go)
        return FieldType(ANY)

    @staticmethod
    def _map_type(element: FieldType, owner: str) -> FieldType:
        if element.shape == QUANTITY and owner.startswith(_CORE):
            return FieldType(MAP, "v1.ResourceList", element=element)
        return FieldType(MAP, "map[string]" + element.go, element=element)


@functools.cache
def _compiler() -> _TypeCompiler:
    return _TypeCompiler(openapi.source_definitions())


def schema_for(group: str, version: str, kind: str) -> FieldType | None:
    """The Go type of a built-in kind (the core group is ""), None for kinds Kubernetes 1.37 lacks."""
    name = openapi.schema_names_by_gvk().get((group, version, kind))
    return _compiler().named_type(name) if name else None


def custom_schema(openapi_v3_schema: Mapping[str, Any]) -> FieldType:
    """The structural schema of a custom resource version (its CRD's ``openAPIV3Schema``).

    Only the fields matter: a custom resource's values are checked by its schema's validation, not by a
    Go decoder, so no value is refused here. ``apiVersion``, ``kind`` and ``metadata`` are always known.
    """
    root = _custom_type(openapi_v3_schema)
    if root.shape == STRUCT:
        root.fields.setdefault("apiVersion", FieldType(ANY))
        root.fields.setdefault("kind", FieldType(ANY))
        meta = _compiler().named_type(_META + "ObjectMeta")
        root.fields["metadata"] = meta
    return root


def _custom_type(raw: Mapping[str, Any]) -> FieldType:
    preserves = raw.get("x-kubernetes-preserve-unknown-fields") is True
    kind = raw.get("type")
    if raw.get("x-kubernetes-int-or-string") or kind not in ("object", "array"):
        return FieldType(ANY)
    if kind == "array":
        items = raw.get("items")
        return FieldType(LIST, element=_custom_type(items) if isinstance(items, Mapping) else FieldType(ANY))
    additional = raw.get("additionalProperties")
    if isinstance(additional, Mapping):
        return FieldType(MAP, element=_custom_type(additional))
    properties = raw.get("properties") or {}
    if preserves and not properties:
        return FieldType(ANY)
    compiled = FieldType(STRUCT, strict=not preserves and additional is not True)
    compiled.fields = {name: _custom_type(schema) for name, schema in properties.items()}
    if raw.get("x-kubernetes-embedded-resource"):
        for name in ("apiVersion", "kind", "metadata"):
            compiled.fields.setdefault(name, FieldType(ANY))
    return compiled


class _Pairs(dict[str, Any]):
    """A JSON object that remembers every member in the order written, repeated keys included."""

    pairs: list[tuple[str, Any]]


def _object_with_pairs(pairs: list[tuple[str, Any]]) -> _Pairs:
    result = _Pairs(pairs)
    result.pairs = pairs
    return result


class _WrittenFloat(float):
    """A JSON number with a fraction or exponent, with the text it was written as (Go quotes the text)."""

    text: str


def _written_float(text: str) -> _WrittenFloat:
    number = _WrittenFloat(text)
    number.text = text
    return number


def decode_json(body: bytes) -> Any:
    """The body as ``json.loads`` reads it, with repeated keys and number texts kept for the checks here."""
    return json.loads(body, object_pairs_hook=_object_with_pairs, parse_float=_written_float)


def duplicate_fields(body: bytes) -> list[str]:
    """The paths of the keys a JSON body repeats (spec.replicas, metadata.labels.app), in the order met."""
    found: list[str] = []
    _collect_duplicates(decode_json(body), "", found)
    return found


def _collect_duplicates(value: Any, path: str, found: list[str]) -> None:
    if isinstance(value, list):
        for position, item in enumerate(value):
            _collect_duplicates(item, index(path, position), found)
    if not isinstance(value, dict):
        return
    seen: set[str] = set()
    for name, item in _members(value):
        if name in seen and child(path, name) not in found:
            found.append(child(path, name))
        seen.add(name)
        _collect_duplicates(item, child(path, name), found)


def _members(value: dict[str, Any]) -> Iterable[tuple[str, Any]]:
    return value.pairs if isinstance(value, _Pairs) else value.items()


class _Aborted(Exception):
    """An error the decoder returns at once (a malformed quantity): nothing after it is looked at."""


_MAX_STRICT_ERRORS = 100
_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1), "int": (-(2**63), 2**63 - 1)}


class _Decoder:
    """Walks a JSON value along a Go type as sigs.k8s.io/json's strict decoder does.

    ``strict`` collects the unknown and duplicate field errors in the order they are met; ``saved`` keeps
    the first error the decoder reports only at the end (a value of the wrong type); ``_Aborted`` carries
    an error that stops decoding at once. With ``sorted_keys`` the members are read in key order, as when
    the server decodes JSON it marshalled itself (a patched object).
    """

    def __init__(self, sorted_keys: bool = False) -> None:
        self.strict: list[str] = []
        self.saved: str | None = None
        self.sorted_keys = sorted_keys

    def decode(self, value: Any, kind: FieldType, path: str, stack: tuple[str, ...], struct: str) -> None:
        if value is None or kind.shape == ANY:
            return
        if kind.shape in (STRUCT, MAP):
            self._members(value, kind, path, stack, struct)
        elif kind.shape == LIST:
            if not isinstance(value, list):
                self._mismatch(value, kind, stack, struct)
                return
            assert kind.element is not None
            for position, item in enumerate(value):
                self.decode(item, kind.element, index(path, position), stack, struct)
        else:
            self._scalar(value, kind, stack, struct)

    def _members(self, value: Any, kind: FieldType, path: str, stack: tuple[str, ...], struct: str) -> None:
        if not isinstance(value, dict):
            self._mismatch(value, kind, stack, struct)
            return
        members = sorted(_members(value), key=lambda member: member[0]) if self.sorted_keys else _members(value)
        seen: set[str] = set()
        for name, item in members:
            member_path = child(path, name)
            if kind.shape == MAP:
                assert kind.element is not None
                self._note_repeat(name, seen, member_path)
                self.decode(item, kind.element, member_path, stack, struct)
                continue
            member = kind.fields.get(name)
            if member is None:
                if kind.strict:
                    self._strict_error("unknown", member_path)
                continue
            self._note_repeat(name, seen, member_path)
            self.decode(item, member, member_path, (*stack, name), kind.struct)

    def _note_repeat(self, name: str, seen: set[str], path: str) -> None:
        if name in seen:
            self._strict_error("duplicate", path)
        seen.add(name)

    def _strict_error(self, what: str, path: str) -> None:
        message = f"{what} field {go_quote(path)}"
        if message not in self.strict and len(self.strict) < _MAX_STRICT_ERRORS:
            self.strict.append(message)

    def _scalar(self, value: Any, kind: FieldType, stack: tuple[str, ...], struct: str) -> None:
        shape = kind.shape
        if shape == QUANTITY:
            try:
                quantity_from_json(value)
            except QuantityError as error:
                raise _Aborted(str(error)) from None
        elif shape == INT_OR_STRING:
            if not isinstance(value, str) and not _fits_integer(value, "int32"):
                raise _Aborted(_unmarshal_error(json_kind(value, numbered=True), "int32", stack, struct))
        elif shape == TIME:
            if not isinstance(value, str):
                raise _Aborted(_unmarshal_error(json_kind(value), "string", stack, struct))
        elif shape == BYTES and isinstance(value, str):
            offset = base64_error_offset(value)
            if offset is not None and self.saved is None:
                self.saved = f"illegal base64 data at input byte {offset}"
        elif not _fits_scalar(value, kind):
            self._mismatch(value, kind, stack, struct)

    def _mismatch(self, value: Any, kind: FieldType, stack: tuple[str, ...], struct: str) -> None:
        if self.saved is None:
            self.saved = _unmarshal_error(json_kind(value, numbered=kind.shape == INT), kind.go, stack, struct)


def _fits_scalar(value: Any, kind: FieldType) -> bool:
    if kind.shape in (STRING, BYTES):
        return isinstance(value, str)
    if kind.shape == BOOL:
        return isinstance(value, bool)
    if kind.shape == FLOAT:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return _fits_integer(value, kind.go)


def _fits_integer(value: Any, go: str) -> bool:
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    low, high = _INT_RANGES.get(go, _INT_RANGES["int64"])
    return low <= value <= high


def _unmarshal_error(what: str, go: str, stack: tuple[str, ...], struct: str) -> str:
    return f"json: cannot unmarshal {what} into Go struct field {struct}.{'.'.join(stack)} of type {go}"


_BASE64_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def base64_error_offset(text: str) -> int | None:
    """Where base64.StdEncoding.DecodeString fails on ``text`` (the byte it reports), None if it does not."""
    data = text.encode()
    position = 0
    while position < len(data):
        position, failed_at = _decode_quantum(data, position)
        if failed_at is not None:
            return failed_at
    return None


def _decode_quantum(data: bytes, position: int) -> tuple[int, int | None]:
    """One group of four characters, as encoding/base64's decodeQuantum reads it."""
    read = 0
    while read < 4:
        if position == len(data):
            if read == 0:
                return position, None
            return position, position - read
        char = chr(data[position])
        position += 1
        if char in _BASE64_ALPHABET:
            read += 1
            continue
        if char in "\r\n":
            continue
        if char != "=" or read < 2:
            return position, position - 1
        return _padding_end(data, position, read)
    return position, None


def _padding_end(data: bytes, position: int, read: int) -> tuple[int, int | None]:
    if read == 2:
        position = _skip_newlines(data, position)
        if position == len(data):
            return position, len(data)
        if chr(data[position]) != "=":
            return position, position - 1
        position += 1
    position = _skip_newlines(data, position)
    return position, position if position < len(data) else None


def _skip_newlines(data: bytes, position: int) -> int:
    while position < len(data) and data[position] in b"\r\n":
        position += 1
    return position


# --- the entry points of decoding ------------------------------------------------------------------------

STRICT, WARN, IGNORE = "Strict", "Warn", "Ignore"
_DIRECTIVES = ("", IGNORE, STRICT, WARN)


def field_validation(value: str | None, options_kind: str = "CreateOptions") -> str:
    """The ``fieldValidation`` query parameter: absent or "" means Warn; other unknown values are a 422.

    ``options_kind`` is the options type the verb decodes: CreateOptions, UpdateOptions or PatchOptions.
    """
    if not value:
        return WARN
    if value in _DIRECTIVES:
        return value
    cause = not_supported("fieldValidation", value, _DIRECTIVES)
    raise invalid(options_kind, "", "meta.k8s.io", [cause])


def warning_header(message: str) -> str:
    """The value of one ``Warning`` response header carrying ``message`` (RFC 7234 code 299, no agent)."""
    return f"299 - {go_quote(message)}"


def check_body(
    obj: Object,
    group: str,
    version: str,
    kind: str,
    directive: str = WARN,
    body: bytes | None = None,
    schema: FieldType | None = None,
) -> list[str]:
    """Decode a create or update body as the server does; return the warnings to send, one per header.

    ``obj`` is the body as parsed; pass the raw ``body`` too when it is JSON, so that repeated keys and
    numbers are seen as written. Values of the wrong type, malformed quantities and base64 strings raise
    400; unknown and repeated fields raise 400 under Strict and are returned as warnings under Warn. The
    unknown fields (and nulls) are then removed from ``obj``, as decoding into Go structs removes them.
    Custom resources pass ``custom_schema(...)`` as ``schema``.
    """
    schema = schema or schema_for(group, version, kind)
    if schema is None:
        return []
    decoder = _Decoder()
    try:
        decoder.decode(_as_written(obj, body), schema, "", (), schema.struct or kind)
    except _Aborted as error:
        raise _cannot_handle(kind, version, str(error)) from None
    if decoder.saved is not None:
        raise _cannot_handle(kind, version, decoder.saved)
    warnings = _strict_outcome(decoder.strict, directive, lambda text: _cannot_handle(kind, version, text))
    prune_unknown(obj, schema)
    return warnings


def check_patched(
    patched: Object,
    group: str,
    version: str,
    kind: str,
    patch_type: str,
    patch: Any,
    directive: str = WARN,
    schema: FieldType | None = None,
) -> list[str]:
    """Decode the object a PATCH produced, as the server does after patching; returns the warnings.

    ``patch_type`` is the Content-Type (json-patch, merge-patch or strategic-merge-patch) and ``patch``
    the decoded patch body. The server reports what it refuses as a 422 about the field "patch" (kubectl
    prints "The request is invalid: patch: ..."), quoting the patched object (JSON and merge patches) or
    the patch (strategic merge). Unknown fields (and nulls) are removed from ``patched``.
    """
    schema = schema or schema_for(group, version, kind)
    if schema is None:
        return []
    strategic = patch_type.startswith("application/strategic-merge-patch")
    if strategic:
        unknown, error = _convert_unstructured(patched, schema)
    else:
        unknown, error = _decode_marshalled(patched, schema, kind)

    def refused(text: str) -> ApiError:
        # Printed only when refusing: rendering the object the way Go prints it is slow.
        return _patch_refused(go_value(patch) if strategic else go_json(patched), text)

    if error is not None:
        raise refused(error)
    warnings = _strict_outcome(unknown, directive, refused)
    prune_unknown(patched, schema)
    return warnings


def _as_written(obj: Object, body: bytes | None) -> Any:
    if body and body.lstrip()[:1] == b"{":
        try:
            return decode_json(body)
        except ValueError:
            return obj
    return obj


def _strict_outcome(errors: list[str], directive: str, refusal: Callable[[str], ApiError]) -> list[str]:
    if not errors or directive == IGNORE:
        return []
    if directive == STRICT:
        raise refusal("strict decoding error: " + ", ".join(errors))
    return list(errors)


def _cannot_handle(kind: str, version: str, message: str) -> ApiError:
    return bad_request(f"{kind} in version {go_quote(version)} cannot be handled as a {kind}: {message}")


def _patch_refused(shown: str, message: str) -> ApiError:
    return invalid("", "", "", [invalid_value("patch", shown, message)])


def _decode_marshalled(patched: Object, schema: FieldType, kind: str) -> tuple[list[str], str | None]:
    """Decode JSON the server marshalled from the patched map: every object's keys come sorted."""
    decoder = _Decoder(sorted_keys=True)
    try:
        decoder.decode(patched, schema, "", (), schema.struct or kind)
    except _Aborted as error:
        return [], str(error)
    return decoder.strict, decoder.saved


def _convert_unstructured(patched: Object, schema: FieldType) -> tuple[list[str], str | None]:
    """runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation: the first error ends it."""
    converter = _Converter()
    try:
        converter.convert(patched, schema, "")
    except _Aborted as error:
        return [], str(error)
    return sorted(converter.unknown), None


_GO_KINDS = {str: "string", bool: "bool", int: "int64", dict: "map", list: "slice"}
_GO_TYPES = {str: "string", bool: "bool", int: "int64", float: "float64"}


def _go_kind(value: Any) -> str:
    return "float64" if isinstance(value, float) else _GO_KINDS.get(type(value), "map")


class _Converter:
    """Walks a patched map along a Go type as the unstructured converter does (fields, then unknown keys)."""

    def __init__(self) -> None:
        self.unknown: list[str] = []

    def convert(self, value: Any, kind: FieldType, path: str) -> None:
        if value is None or kind.shape == ANY:
            return
        if kind.shape == STRUCT:
            self._struct(value, kind, path)
        elif kind.shape == MAP:
            if not isinstance(value, dict):
                raise _Aborted(f"cannot restore map from {_go_kind(value)}")
            assert kind.element is not None
            for item in value.values():
                self.convert(item, kind.element, path)
        elif kind.shape == LIST:
            if not isinstance(value, list):
                raise _Aborted(f"cannot restore slice from {_go_kind(value)}")
            assert kind.element is not None
            for position, item in enumerate(value):
                self.convert(item, kind.element, index(path, position))
        else:
            _convert_scalar(value, kind)

    def _struct(self, value: Any, kind: FieldType, path: str) -> None:
        if not isinstance(value, dict):
            raise _Aborted(f"cannot restore struct from: {_go_kind(value)}")
        for name, member in kind.fields.items():
            if name in value:
                self.convert(value[name], member, child(path, name))
        if kind.strict:
            self.unknown.extend(f'unknown field "{child(path, name)}"' for name in value if name not in kind.fields)


def _convert_scalar(value: Any, kind: FieldType) -> None:
    shape = kind.shape
    if shape == BYTES and isinstance(value, str):
        offset = base64_error_offset(value)
        if offset is not None:
            raise _Aborted(f"error decoding from json: illegal base64 data at input byte {offset}")
        return
    if shape == BYTES:
        raise _Aborted(f"cannot restore slice from {_go_kind(value)}")
    if shape in (QUANTITY, INT_OR_STRING, TIME):
        _convert_through_json(value, kind)
        return
    source = _GO_TYPES.get(type(value))
    if source is None or _assignable(value, shape):
        if source is None:
            raise _Aborted(f"unrecognized type: {_go_basic(kind)}")
        return
    if _convertible(value, shape):
        raise _Aborted(f"cannot convert {source} to {kind.go}")
    raise _Aborted(f"unrecognized type: {_go_basic(kind)}")


def _assignable(value: Any, shape: str) -> bool:
    if isinstance(value, bool):
        return shape == BOOL
    if isinstance(value, int):
        return shape in (INT, FLOAT)
    if isinstance(value, float):
        return shape == FLOAT or (shape == INT and value == math.trunc(value))
    return shape == STRING


def _convertible(value: Any, shape: str) -> bool:
    """reflect's ConvertibleTo between a JSON scalar and a kind: numbers to numbers, integers to strings."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return shape in (INT, FLOAT) or (isinstance(value, int) and shape == STRING)


def _go_basic(kind: FieldType) -> str:
    return {STRING: "string", BOOL: "bool", FLOAT: "float64"}.get(kind.shape, kind.go)


def _convert_through_json(value: Any, kind: FieldType) -> None:
    """Types with their own UnmarshalJSON are converted by marshalling the value and unmarshalling it."""
    if kind.shape == QUANTITY:
        try:
            quantity_from_json(value)
        except QuantityError as error:
            raise _Aborted(str(error)) from None
    elif kind.shape == INT_OR_STRING and not isinstance(value, str) and not _fits_integer(value, "int32"):
        raise _Aborted(cannot_unmarshal(value, "int32", numbered=True))
    elif kind.shape == TIME and not isinstance(value, str):
        raise _Aborted(cannot_unmarshal(value, "string"))


def prune_unknown(obj: Any, schema: FieldType) -> None:
    """Remove in place what decoding into Go structs drops: fields a struct does not declare, and nulls."""
    if obj is None or schema.shape == ANY:
        return
    if schema.shape == STRUCT and isinstance(obj, dict):
        for name in list(obj):
            member = schema.fields.get(name)
            if obj[name] is None or (member is None and schema.strict):
                del obj[name]
            elif member is not None:
                prune_unknown(obj[name], member)
    elif schema.shape == MAP and isinstance(obj, dict) and schema.element is not None:
        for item in obj.values():
            prune_unknown(item, schema.element)
    elif schema.shape == LIST and isinstance(obj, list) and schema.element is not None:
        for item in obj:
            prune_unknown(item, schema.element)


# =========================================================================================================
# Semantic validation: object metadata
# =========================================================================================================

NameRule = Callable[[str, bool], list[str]]
_IMMUTABLE = "field is immutable"
_NEGATIVE = "must be greater than or equal to 0"
_ANNOTATIONS_MAX_BYTES = 256 * 1024
_STANDARD_FINALIZERS = frozenset({"kubernetes", "orphan", "foregroundDeletion"})


def subdomain_name(name: str, prefix: bool) -> list[str]:
    return dns1123_subdomain_errors(_mask_trailing_dash(name) if prefix else name)


def label_name(name: str, prefix: bool) -> list[str]:
    return dns1123_label_errors(_mask_trailing_dash(name) if prefix else name)


def dns1035_name(name: str, prefix: bool) -> list[str]:
    return dns1035_label_errors(_mask_trailing_dash(name) if prefix else name)


def path_segment_name(name: str, prefix: bool) -> list[str]:
    if prefix:
        return [f"may not contain '{part}'" for part in ("/", "%") if part in name]
    return path_segment_errors(name)


_RBAC = "rbac.authorization.k8s.io"
_NAME_RULES: dict[tuple[str, str], NameRule] = {
    ("", "Namespace"): label_name,
    ("", "Service"): dns1035_name,
    ("apps", "StatefulSet"): label_name,
    (_RBAC, "Role"): path_segment_name,
    (_RBAC, "ClusterRole"): path_segment_name,
    (_RBAC, "RoleBinding"): path_segment_name,
    (_RBAC, "ClusterRoleBinding"): path_segment_name,
}


def name_rule(group: str, kind: str) -> NameRule:
    """The rule object names of a kind follow (a DNS subdomain unless the kind says otherwise)."""
    return _NAME_RULES.get((group, kind), subdomain_name)


def _metadata(obj: Mapping[str, Any]) -> dict[str, Any]:
    meta = obj.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def validate_object_meta(obj: Mapping[str, Any], rule: NameRule, path: str = "metadata") -> list[Cause]:
    """ValidateObjectMeta on create (name generation has happened), with core's finalizer check."""
    meta = _metadata(obj)
    causes: list[Cause] = []
    generate_name = meta.get("generateName") or ""
    if generate_name:
        causes += [invalid_value(child(path, "generateName"), generate_name, msg) for msg in rule(generate_name, True)]
    name = meta.get("name") or ""
    if not name:
        causes.append(required(child(path, "name"), "name or generateName is required"))
    else:
        causes += [invalid_value(child(path, "name"), name, msg) for msg in rule(name, False)]
    return causes + _common_meta(meta, path)


def _common_meta(meta: Mapping[str, Any], path: str) -> list[Cause]:
    causes = _nonnegative(meta.get("generation") or 0, child(path, "generation"))
    causes += validate_labels(_dict(meta.get("labels")), child(path, "labels"))
    causes += validate_annotations(_dict(meta.get("annotations")), child(path, "annotations"))
    causes += _owner_references(_list(meta.get("ownerReferences")), child(path, "ownerReferences"))
    finalizers = [str(item) for item in _list(meta.get("finalizers"))]
    causes += _finalizers(finalizers, child(path, "finalizers"))
    return causes + _kube_finalizers(finalizers, child(path, "finalizers"))


def _nonnegative(value: Any, path: str) -> list[Cause]:
    return [invalid_value(path, value, _NEGATIVE)] if isinstance(value, int) and value < 0 else []


def validate_labels(labels: Mapping[str, Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    for label, value in labels.items():
        causes += [invalid_value(path, label, msg) for msg in label_key_errors(label)]
        causes += [invalid_value(path, value, msg) for msg in label_value_errors(str(value))]
    return causes


def validate_annotations(annotations: Mapping[str, Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    for annotation in annotations:
        causes += [invalid_value(path, annotation, msg) for msg in label_key_errors(annotation.lower())]
    size = sum(len(name.encode()) + len(str(value).encode()) for name, value in annotations.items())
    if size > _ANNOTATIONS_MAX_BYTES:
        causes.append(too_long(path, _ANNOTATIONS_MAX_BYTES))
    return causes


def _owner_references(references: list[Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    controller = ""
    for position, reference in enumerate(references):
        reference_path = index(path, position)
        reference = _dict(reference)
        causes += _owner_reference(reference, reference_path)
        if reference.get("controller") is True:
            current = f"{reference.get('kind', '')}/{reference.get('name', '')}"
            if controller:
                detail = (
                    'Only one reference can have Controller set to true. Found "true" in references for '
                    f"{controller} and {current}"
                )
                causes.append(invalid_value(path, references, detail))
            else:
                controller = current
    return causes


def _owner_reference(reference: Mapping[str, Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    api_version = str(reference.get("apiVersion") or "")
    if not api_version:
        causes.append(required(child(path, "apiVersion"), "must not be empty"))
    elif api_version.count("/") > 1 or api_version.endswith("/"):
        causes.append(invalid_value(child(path, "apiVersion"), api_version, "must be <group>/<version> or <version>"))
    for member in ("kind", "name", "uid"):
        if not reference.get(member):
            causes.append(required(child(path, member), "must not be empty"))
    if api_version == "v1" and reference.get("kind") == "Event":
        causes.append(invalid_value(path, reference, "/v1, Kind=Event is disallowed from being an owner"))
    return causes


def _finalizers(finalizers: list[str], path: str) -> list[Cause]:
    causes = [invalid_value(path, name, msg) for name in finalizers for msg in label_key_errors(name)]
    if "orphan" in finalizers and "foregroundDeletion" in finalizers:
        causes.append(invalid_value(path, finalizers, "finalizer orphan and foregroundDeletion cannot be both set"))
    return causes


def _kube_finalizers(finalizers: list[str], path: str) -> list[Cause]:
    return [
        invalid_value(index(path, position), name, _KUBE_FINALIZER_MESSAGE)
        for position, name in enumerate(finalizers)
        if not _kube_finalizer_name(name)
    ]


_KUBE_FINALIZER_MESSAGE = "name is neither a standard finalizer name nor is it fully qualified"


def _kube_finalizer_name(name: str) -> bool:
    """validateKubeFinalizerName: a name without a domain must be one Kubernetes defines."""
    return "/" in name or name in _STANDARD_FINALIZERS


def validate_object_meta_update(new: Mapping[str, Any], old: Mapping[str, Any], path: str = "metadata") -> list[Cause]:
    """ValidateObjectMetaUpdate, with core's finalizer check."""
    meta, old_meta = _metadata(new), _metadata(old)
    causes: list[Cause] = []
    if old_meta.get("deletionTimestamp"):
        added = sorted(set(map(str, _list(meta.get("finalizers")))) - set(map(str, _list(old_meta.get("finalizers")))))
        if added:
            detail = "no new finalizers can be added if the object is being deleted, found new finalizers "
            causes.append(forbidden(child(path, "finalizers"), detail + go_string_slice(added)))
    generation, old_generation = meta.get("generation") or 0, old_meta.get("generation") or 0
    causes += _nonnegative(generation, child(path, "generation"))
    if isinstance(generation, int) and isinstance(old_generation, int) and generation < old_generation:
        causes.append(invalid_value(child(path, "generation"), generation, "must not be decremented"))
    for member in ("name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"):
        if meta.get(member) != old_meta.get(member):
            shown = meta.get(member) if member in ("name", "namespace", "uid") else named(meta.get(member))
            causes.append(invalid_value(child(path, member), shown if shown is not None else "", _IMMUTABLE))
    causes += validate_labels(_dict(meta.get("labels")), child(path, "labels"))
    causes += validate_annotations(_dict(meta.get("annotations")), child(path, "annotations"))
    causes += _owner_references(_list(meta.get("ownerReferences")), child(path, "ownerReferences"))
    finalizers = [str(item) for item in _list(meta.get("finalizers"))]
    return causes + _kube_finalizers(finalizers, child(path, "finalizers"))


def validate_label_selector(selector: Mapping[str, Any] | None, path: str) -> list[Cause]:
    if selector is None:
        return []
    causes = validate_labels(_dict(selector.get("matchLabels")), child(path, "matchLabels"))
    for position, expression in enumerate(_list(selector.get("matchExpressions"))):
        causes += _selector_requirement(_dict(expression), index(child(path, "matchExpressions"), position))
    return causes


def _selector_requirement(expression: Mapping[str, Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    operator, values = expression.get("operator") or "", [str(value) for value in _list(expression.get("values"))]
    if operator in ("In", "NotIn"):
        if not values:
            causes.append(required(child(path, "values"), "must be specified when `operator` is 'In' or 'NotIn'"))
    elif operator in ("Exists", "DoesNotExist"):
        if values:
            detail = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
            causes.append(forbidden(child(path, "values"), detail))
    else:
        causes.append(invalid_value(child(path, "operator"), named(operator), "not a valid selector operator"))
    label = str(expression.get("key") or "")
    causes += [invalid_value(child(path, "key"), label, msg) for msg in label_key_errors(label)]
    for position, value in enumerate(values):
        causes += [invalid_value(index(child(path, "values"), position), value, m) for m in label_value_errors(value)]
    return causes


def selector_value(selector: Any) -> Rendered:
    """A *metav1.LabelSelector as a bad value: JSON in the struct's field order, empty members left out."""
    if not isinstance(selector, dict):
        return named(None)
    members: list[str] = []
    if selector.get("matchLabels"):
        members.append(f'"matchLabels":{go_json(selector["matchLabels"])}')
    if selector.get("matchExpressions"):
        expressions = ",".join(_requirement_json(_dict(item)) for item in _list(selector["matchExpressions"]))
        members.append(f'"matchExpressions":[{expressions}]')
    return Rendered("{" + ",".join(members) + "}")


def _requirement_json(requirement: Mapping[str, Any]) -> str:
    members = [f'"key":{go_json(requirement.get("key", ""))}', f'"operator":{go_json(requirement.get("operator", ""))}']
    if requirement.get("values"):
        members.append(f'"values":{go_json(requirement["values"])}')
    return "{" + ",".join(members) + "}"


def _selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, Any]) -> bool | None:
    """Whether a selector (as LabelSelectorAsSelector reads it) selects the labels; None if it is invalid."""
    try:
        compiled = label_selector_from_object(selector)
    except (SelectorError, ValueError):
        return None
    return compiled.empty or compiled.matches(labels)


# =========================================================================================================
# Semantic validation: pods and pod templates (pkg/apis/core/validation)
# =========================================================================================================

_PROTOCOLS = ("SCTP", "TCP", "UDP")
_PULL_POLICIES = ("Always", "IfNotPresent", "Never")
_RESTART_POLICIES = ("Always", "OnFailure", "Never")
_DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
_TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
_HOST_PATH_TYPES = ("", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket")
_TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_HTTP_SCHEMES = ("HTTP", "HTTPS")
_FILE_MODE_MESSAGE = "must be a number between 0 and 0777 (octal), both inclusive"
_ENV_FIELD_PATHS = (
    "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
    "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
)  # fmt: skip
# The volume sources in the order validateVolumeSource checks them (and the path a few report under).
_VOLUME_SOURCES = (
    ("emptyDir", "emptyDir"), ("hostPath", "hostPath"), ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "persistentDisk"), ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"), ("nfs", "nfs"), ("iscsi", "iscsi"), ("glusterfs", "glusterfs"), ("flocker", "flocker"),
    ("persistentVolumeClaim", "persistentVolumeClaim"), ("rbd", "rbd"), ("cinder", "cinder"),
    ("cephfs", "cephfs"), ("quobyte", "quobyte"), ("downwardAPI", "downwardAPI"), ("fc", "fc"),
    ("flexVolume", "flexVolume"), ("configMap", "configMap"), ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"), ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"), ("azureDisk", "azureDisk"), ("storageos", "storageos"),
    ("projected", "projected"), ("scaleIO", "scaleIO"), ("csi", "csi"), ("ephemeral", "ephemeral"),
    ("image", "image"),
)  # fmt: skip
_MORE_THAN_ONE_SOURCE_PATHS = {"cephfs": "cephFS", "downwardAPI": "downwarAPI"}


@dataclass(frozen=True, slots=True)
class _PodContext:
    """What container checks need from the pod around them."""

    volumes: frozenset[str]
    grace_period: int | None


def validate_pod_template(template: Mapping[str, Any], path: str) -> list[Cause]:
    """ValidatePodTemplateSpec: the template's labels and annotations, then its pod spec."""
    meta = _metadata(template)
    spec = _dict(template.get("spec"))
    causes = validate_labels(_dict(meta.get("labels")), child(path, "labels"))
    causes += validate_annotations(_dict(meta.get("annotations")), child(path, "annotations"))
    causes += validate_pod_spec(spec, child(path, "spec"), is_pod=False)
    if _list(spec.get("ephemeralContainers")):
        causes.append(
            forbidden(child(path, "spec.ephemeralContainers"), "ephemeral containers not allowed in pod template")
        )
    return causes


def validate_pod_spec(spec: Mapping[str, Any], path: str, is_pod: bool) -> list[Cause]:
    """ValidatePodSpec, in the order the server checks."""
    causes: list[Cause] = []
    if spec.get("terminationGracePeriodSeconds") is None:
        causes.append(required(child(path, "terminationGracePeriodSeconds")))
    volume_names, volume_causes = _validate_volumes(_list(spec.get("volumes")), child(path, "volumes"))
    causes += volume_causes
    grace = spec.get("terminationGracePeriodSeconds")
    context = _PodContext(volume_names, grace if isinstance(grace, int) else None)
    containers, init_containers = _list(spec.get("containers")), _list(spec.get("initContainers"))
    causes += _validate_containers(containers, child(path, "containers"), context)
    causes += _validate_init_containers(init_containers, containers, child(path, "initContainers"), context)
    causes += _host_network_ports(spec, path, is_pod)
    causes += _choice(spec.get("restartPolicy"), _RESTART_POLICIES, child(path, "restartPolicy"))
    causes += _choice(spec.get("dnsPolicy"), _DNS_POLICIES, child(path, "dnsPolicy"))
    causes += validate_labels(_dict(spec.get("nodeSelector")), child(path, "nodeSelector"))
    causes += _pod_security_context(_dict(spec.get("securityContext")), child(path, "securityContext"))
    causes += _dns_config(spec, child(path, "dnsConfig"))
    causes += _topology_spread(_list(spec.get("topologySpreadConstraints")), child(path, "topologySpreadConstraints"))
    return causes + _pod_spec_names(spec, path)


def _pod_spec_names(spec: Mapping[str, Any], path: str) -> list[Cause]:
    """The end of ValidatePodSpec: names, deadlines, tolerations and policies."""
    causes: list[Cause] = []
    for member, rule in (("serviceAccountName", subdomain_name), ("nodeName", subdomain_name)):
        value = spec.get(member) or ""
        if value:
            causes += [invalid_value(child(path, member), value, msg) for msg in rule(value, False)]
    deadline = spec.get("activeDeadlineSeconds")
    if isinstance(deadline, int) and not 1 <= deadline <= _INT32_MAX:
        causes.append(
            invalid_value(
                child(path, "activeDeadlineSeconds"), deadline, f"must be between 1 and {_INT32_MAX}, inclusive"
            )
        )
    for member in ("hostname", "subdomain"):
        value = spec.get(member) or ""
        if value:
            causes += [invalid_value(child(path, member), value, msg) for msg in dns1123_label_errors(value)]
    causes += _tolerations(_list(spec.get("tolerations")), child(path, "tolerations"))
    for position, alias in enumerate(_list(spec.get("hostAliases"))):
        alias_path = index(child(path, "hostAliases"), position)
        causes += _ip_errors(child(alias_path, "ip"), str(_dict(alias).get("ip") or ""))
        for number, hostname in enumerate(_list(_dict(alias).get("hostnames"))):
            host_path = index(child(alias_path, "hostnames"), number)
            causes += [invalid_value(host_path, hostname, msg) for msg in dns1123_subdomain_errors(str(hostname))]
    priority_class = spec.get("priorityClassName") or ""
    if priority_class:
        causes += [
            invalid_value(child(path, "priorityClassName"), priority_class, m)
            for m in subdomain_name(priority_class, False)
        ]
    runtime_class = spec.get("runtimeClassName")
    if isinstance(runtime_class, str):
        causes += [
            invalid_value(child(path, "runtimeClassName"), runtime_class, m)
            for m in subdomain_name(runtime_class, False)
        ]
    if spec.get("preemptionPolicy") is not None:
        causes += _choice(spec["preemptionPolicy"], ("PreemptLowerPriority", "Never"), child(path, "preemptionPolicy"))
    return causes


def _choice(value: Any, allowed: Sequence[str], path: str) -> list[Cause]:
    """An enumerated field (a named string type): required, and one of ``allowed``, in the server's order."""
    if not value:
        return [required(path)]
    if value not in allowed:
        return [not_supported(path, named(value), allowed)]
    return []


# --- volumes ----------------------------------------------------------------------------------------------


def _validate_volumes(volumes: list[Any], path: str) -> tuple[frozenset[str], list[Cause]]:
    names: set[str] = set()
    causes: list[Cause] = []
    for position, volume in enumerate(volumes):
        volume = _dict(volume)
        volume_path = index(path, position)
        name = str(volume.get("name") or "")
        found = _volume_source(volume, volume_path)
        if not name:
            found.append(required(child(volume_path, "name")))
        else:
            found += [invalid_value(child(volume_path, "name"), name, msg) for msg in dns1123_label_errors(name)]
        if name in names:
            found.append(duplicate(child(volume_path, "name"), name))
        if found:
            causes += found
        else:
            names.add(name)
    return frozenset(names), causes


def _volume_source(volume: Mapping[str, Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    sources = 0
    for member, checked_path in _VOLUME_SOURCES:
        source = volume.get(member)
        if source is None:
            continue
        if sources:
            shown = _MORE_THAN_ONE_SOURCE_PATHS.get(member, member)
            causes.append(forbidden(child(path, shown), "may not specify more than 1 volume type"))
            continue
        sources += 1
        causes += _VOLUME_CHECKS.get(member, _no_volume_checks)(_dict(source), child(path, checked_path))
    if not sources:
        causes.append(required(path, "must specify a volume type"))
    return causes


def _no_volume_checks(source: Mapping[str, Any], path: str) -> list[Cause]:
    return []


def _empty_dir(source: Mapping[str, Any], path: str) -> list[Cause]:
    limit = source.get("sizeLimit")
    if limit is not None and _quantity(limit).value < 0:
        return [forbidden(child(path, "sizeLimit"), "SizeLimit field must be a valid resource quantity")]
    return []


def _host_path(source: Mapping[str, Any], path: str) -> list[Cause]:
    host_path = str(source.get("path") or "")
    if not host_path:
        return [required(child(path, "path"))]
    causes = _no_backsteps(host_path, child(path, "path"))
    kind = source.get("type")
    if kind is not None and kind not in _HOST_PATH_TYPES:
        causes.append(not_supported(child(path, "type"), named(kind), _HOST_PATH_TYPES))
    return causes


def _secret_volume(source: Mapping[str, Any], path: str) -> list[Cause]:
    causes = [] if source.get("secretName") else [required(child(path, "secretName"))]
    return causes + _projection_items(source, path)


def _config_map_volume(source: Mapping[str, Any], path: str) -> list[Cause]:
    causes = [] if source.get("name") else [required(child(path, "name"))]
    return causes + _projection_items(source, path)


def _projection_items(source: Mapping[str, Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    mode = source.get("defaultMode")
    if isinstance(mode, int) and not 0 <= mode <= 0o777:
        causes.append(invalid_value(child(path, "defaultMode"), mode, _FILE_MODE_MESSAGE))
    for position, item in enumerate(_list(source.get("items"))):
        causes += _key_to_path(_dict(item), index(child(path, "items"), position))
    return causes


def _key_to_path(item: Mapping[str, Any], path: str) -> list[Cause]:
    causes = [] if item.get("key") else [required(child(path, "key"))]
    target = str(item.get("path") or "")
    if not target:
        causes.append(required(child(path, "path")))
    causes += _local_non_reserved_path(target, child(path, "path"))
    mode = item.get("mode")
    if isinstance(mode, int) and not 0 <= mode <= 0o777:
        causes.append(invalid_value(child(path, "mode"), mode, _FILE_MODE_MESSAGE))
    return causes


def _no_backsteps(target: str, path: str) -> list[Cause]:
    if ".." in re.split(r"[\\/]", target):
        return [invalid_value(path, target, "must not contain '..'")]
    return []


def _local_descending_path(target: str, path: str) -> list[Cause]:
    causes = [invalid_value(path, target, "must be a relative path")] if target.startswith("/") else []
    return causes + _no_backsteps(target, path)


def _local_non_reserved_path(target: str, path: str) -> list[Cause]:
    causes = _local_descending_path(target, path)
    if target.startswith(".."):
        causes.append(invalid_value(path, target, "must not start with '..'"))
    return causes


def _claim_volume(source: Mapping[str, Any], path: str) -> list[Cause]:
    return [] if source.get("claimName") else [required(child(path, "claimName"))]


def _nfs_volume(source: Mapping[str, Any], path: str) -> list[Cause]:
    causes = [] if source.get("server") else [required(child(path, "server"))]
    export = str(source.get("path") or "")
    if not export:
        causes.append(required(child(path, "path")))
    elif not export.startswith("/"):
        causes.append(invalid_value(child(path, "path"), export, "must be an absolute path"))
    return causes


def _csi_volume(source: Mapping[str, Any], path: str) -> list[Cause]:
    return [] if source.get("driver") else [required(child(path, "driver"))]


_VOLUME_CHECKS: dict[str, Callable[[Mapping[str, Any], str], list[Cause]]] = {
    "emptyDir": _empty_dir,
    "hostPath": _host_path,
    "secret": _secret_volume,
    "configMap": _config_map_volume,
    "persistentVolumeClaim": _claim_volume,
    "nfs": _nfs_volume,
    "csi": _csi_volume,
}


# --- containers -------------------------------------------------------------------------------------------


def _validate_containers(containers: list[Any], path: str, context: _PodContext) -> list[Cause]:
    if not containers:
        return [required(path)]
    causes: list[Cause] = []
    names: set[str] = set()
    for position, container in enumerate(containers):
        container = _dict(container)
        container_path = index(path, position)
        causes += _container_common(container, container_path, context)
        name = str(container.get("name") or "")
        if name in names:
            causes.append(duplicate(child(container_path, "name"), name))
        names.add(name)
        causes += _lifecycle_and_probes(container, container_path, context)
        if container.get("restartPolicy") is not None:
            causes.append(forbidden(child(container_path, "restartPolicy"), "may not be set for non-init containers"))
    return causes + _host_port_conflicts(containers, path)


def _validate_init_containers(
    containers: list[Any], regular: list[Any], path: str, context: _PodContext
) -> list[Cause]:
    causes: list[Cause] = []
    names = {str(_dict(container).get("name") or "") for container in regular}
    for position, container in enumerate(containers):
        container = _dict(container)
        container_path = index(path, position)
        causes += _container_common(container, container_path, context)
        restart = container.get("restartPolicy")
        if restart is not None and restart != "Always":
            causes.append(not_supported(child(container_path, "restartPolicy"), named(restart), ["Always"]))
        name = str(container.get("name") or "")
        if name in names:
            causes.append(duplicate(child(container_path, "name"), name))
        elif name:
            names.add(name)
        causes += _host_port_conflicts([container], path)
        if restart == "Always":
            causes += _lifecycle_and_probes(container, container_path, context)
            continue
        for member in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
            if container.get(member) is not None:
                detail = "may not be set for init containers without restartPolicy=Always"
                causes.append(forbidden(child(container_path, member), detail))
    return causes


def _container_common(container: Mapping[str, Any], path: str, context: _PodContext) -> list[Cause]:
    causes: list[Cause] = []
    name = str(container.get("name") or "")
    if not name:
        causes.append(required(child(path, "name")))
    else:
        causes += [invalid_value(child(path, "name"), name, msg) for msg in dns1123_label_errors(name)]
    if not container.get("image"):
        causes.append(required(child(path, "image")))
    causes += _choice(
        container.get("terminationMessagePolicy"),
        _TERMINATION_MESSAGE_POLICIES,
        child(path, "terminationMessagePolicy"),
    )
    causes += _container_ports(_list(container.get("ports")), child(path, "ports"))
    causes += _env(_list(container.get("env")), child(path, "env"))
    causes += _env_from(_list(container.get("envFrom")), child(path, "envFrom"))
    causes += _volume_mounts(_list(container.get("volumeMounts")), child(path, "volumeMounts"), context)
    causes += _choice(container.get("imagePullPolicy"), _PULL_POLICIES, child(path, "imagePullPolicy"))
    causes += validate_resources(_dict(container.get("resources")), child(path, "resources"))
    return causes + _container_security_context(_dict(container.get("securityContext")), child(path, "securityContext"))


def _container_ports(ports: list[Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    names: set[str] = set()
    for position, port in enumerate(ports):
        port = _dict(port)
        port_path = index(path, position)
        name = str(port.get("name") or "")
        if name:
            errors = port_name_errors(name)
            if errors:
                causes += [invalid_value(child(port_path, "name"), name, msg) for msg in errors]
            elif name in names:
                causes.append(duplicate(child(port_path, "name"), name))
            else:
                names.add(name)
        number = port.get("containerPort") or 0
        if not number:
            causes.append(required(child(port_path, "containerPort")))
        else:
            causes += [invalid_value(child(port_path, "containerPort"), number, m) for m in port_number_errors(number)]
        host_port = port.get("hostPort") or 0
        if host_port:
            causes += [invalid_value(child(port_path, "hostPort"), host_port, m) for m in port_number_errors(host_port)]
        protocol = port.get("protocol") or ""
        if not protocol:
            causes.append(required(child(port_path, "protocol")))
        elif protocol not in _PROTOCOLS:
            causes.append(not_supported(child(port_path, "protocol"), named(protocol), _PROTOCOLS))
    return causes


def _host_port_conflicts(containers: list[Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    seen: set[str] = set()
    for position, container in enumerate(containers):
        for number, port in enumerate(_list(_dict(container).get("ports"))):
            port = _dict(port)
            if not port.get("hostPort"):
                continue
            described = f"{port.get('protocol') or ''}/{port.get('hostIP') or ''}/{port['hostPort']}"
            if described in seen:
                causes.append(
                    duplicate(child(index(child(index(path, position), "ports"), number), "hostPort"), described)
                )
            seen.add(described)
    return causes


def _env(variables: list[Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    for position, variable in enumerate(variables):
        variable = _dict(variable)
        variable_path = index(path, position)
        name = str(variable.get("name") or "")
        if not name:
            causes.append(required(child(variable_path, "name")))
        else:
            causes += [invalid_value(child(variable_path, "name"), name, m) for m in _relaxed_env_name_errors(name)]
        causes += _env_value_from(variable, child(variable_path, "valueFrom"))
    return causes


def _env_value_from(variable: Mapping[str, Any], path: str) -> list[Cause]:
    source = variable.get("valueFrom")
    if not isinstance(source, dict):
        return []
    causes: list[Cause] = []
    count = 0
    if isinstance(source.get("fieldRef"), dict):
        count += 1
        causes += _field_ref(source["fieldRef"], child(path, "fieldRef"))
    if isinstance(source.get("resourceFieldRef"), dict):
        count += 1
    for member in ("configMapKeyRef", "secretKeyRef"):
        if isinstance(source.get(member), dict):
            count += 1
            causes += _key_selector(source[member], child(path, member))
    if isinstance(source.get("fileKeyRef"), dict):
        count += 1
    if count == 0:
        causes.append(
            invalid_value(
                path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"
            )
        )
    elif variable.get("value"):
        causes.append(invalid_value(path, "", "may not be specified when `value` is not empty"))
    elif count > 1:
        causes.append(invalid_value(path, "", "may not have more than one field specified at a time"))
    return causes


def _field_ref(selector: Mapping[str, Any], path: str) -> list[Cause]:
    if not selector.get("apiVersion"):
        return [required(child(path, "apiVersion"))]
    field_path = str(selector.get("fieldPath") or "")
    if not field_path:
        return [required(child(path, "fieldPath"))]
    subscripted = re.fullmatch(r"(metadata\.(?:labels|annotations))\['(.+)'\]", field_path)
    if subscripted:
        label = subscripted.group(2).lower() if subscripted.group(1).endswith("annotations") else subscripted.group(2)
        return [invalid_value(path, label, msg) for msg in label_key_errors(label)]
    if field_path not in _ENV_FIELD_PATHS:
        return [not_supported(child(path, "fieldPath"), field_path, sorted(_ENV_FIELD_PATHS))]
    return []


def _key_selector(selector: Mapping[str, Any], path: str) -> list[Cause]:
    name = str(selector.get("name") or "")
    causes = [invalid_value(child(path, "name"), name, msg) for msg in dns1123_subdomain_errors(name)]
    key_name = str(selector.get("key") or "")
    if not key_name:
        causes.append(required(child(path, "key")))
    else:
        causes += [invalid_value(child(path, "key"), key_name, msg) for msg in config_key_errors(key_name)]
    return causes


def _env_from(sources: list[Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    for position, source in enumerate(sources):
        source = _dict(source)
        source_path = index(path, position)
        prefix = str(source.get("prefix") or "")
        if prefix:
            causes += [invalid_value(child(source_path, "prefix"), prefix, m) for m in _relaxed_env_name_errors(prefix)]
        count = 0
        for member in ("configMapRef", "secretRef"):
            if isinstance(source.get(member), dict):
                count += 1
                name = str(source[member].get("name") or "")
                if not name:
                    causes.append(required(child(child(source_path, member), "name")))
                else:
                    causes += [
                        invalid_value(child(child(source_path, member), "name"), name, m)
                        for m in subdomain_name(name, True)
                    ]
        if count == 0:
            causes.append(invalid_value(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif count > 1:
            causes.append(invalid_value(path, "", "may not have more than one field specified at a time"))
    return causes


def _volume_mounts(mounts: list[Any], path: str, context: _PodContext) -> list[Cause]:
    causes: list[Cause] = []
    mount_points: set[str] = set()
    for position, mount in enumerate(mounts):
        mount = _dict(mount)
        mount_path = index(path, position)
        name = str(mount.get("name") or "")
        if not name:
            causes.append(required(child(mount_path, "name")))
        if name not in context.volumes:
            causes.append(not_found(child(mount_path, "name"), name))
        target = str(mount.get("mountPath") or "")
        if not target:
            causes.append(required(child(mount_path, "mountPath")))
        if target in mount_points:
            causes.append(invalid_value(child(mount_path, "mountPath"), target, "must be unique"))
        mount_points.add(target)
        sub_path = str(mount.get("subPath") or "")
        if sub_path:
            causes += _local_descending_path(sub_path, child(path, "subPath"))
        expression = str(mount.get("subPathExpr") or "")
        if expression:
            if sub_path:
                causes.append(
                    invalid_value(
                        child(mount_path, "subPathExpr"), expression, "subPathExpr and subPath are mutually exclusive"
                    )
                )
            causes += _local_descending_path(expression, child(path, "subPathExpr"))
    return causes


def _lifecycle_and_probes(container: Mapping[str, Any], path: str, context: _PodContext) -> list[Cause]:
    causes: list[Cause] = []
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            if isinstance(lifecycle.get(hook), dict):
                causes += _handler(lifecycle[hook], child(child(path, "lifecycle"), hook), context, probe=False)
    for probe_name in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(probe_name)
        if isinstance(probe, dict):
            causes += _probe(probe, child(path, probe_name), probe_name, context)
    return causes


def _probe(probe: Mapping[str, Any], path: str, probe_name: str, context: _PodContext) -> list[Cause]:
    causes = _handler(probe, path, context, probe=True)
    for member in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        causes += _nonnegative(probe.get(member) or 0, child(path, member))
    grace = probe.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and grace <= 0:
        causes.append(invalid_value(child(path, "terminationGracePeriodSeconds"), grace, "must be greater than 0"))
    if probe_name in ("livenessProbe", "startupProbe") and probe.get("successThreshold", 1) != 1:
        causes.append(invalid_value(child(path, "successThreshold"), probe.get("successThreshold"), "must be 1"))
    if probe_name == "readinessProbe" and grace is not None:
        causes.append(
            invalid_value(
                child(path, "terminationGracePeriodSeconds"), named(grace), "must not be set for readinessProbes"
            )
        )
    return causes


def _handler(handler: Mapping[str, Any], path: str, context: _PodContext, probe: bool) -> list[Cause]:
    kinds = ("exec", "httpGet", "tcpSocket", "grpc") if probe else ("exec", "httpGet", "tcpSocket", "sleep")
    causes: list[Cause] = []
    handlers = 0
    for kind in kinds:
        action = handler.get(kind)
        if not isinstance(action, dict):
            continue
        if handlers:
            causes.append(forbidden(child(path, kind), "may not specify more than 1 handler type"))
            continue
        handlers += 1
        causes += _action(kind, action, child(path, kind), context)
    if not handlers:
        causes.append(required(path, "must specify a handler type"))
    return causes


def _action(kind: str, action: Mapping[str, Any], path: str, context: _PodContext) -> list[Cause]:
    if kind == "exec":
        return [] if _list(action.get("command")) else [required(child(path, "command"))]
    if kind == "httpGet":
        return _http_get(action, path)
    if kind in ("tcpSocket", "grpc"):
        return _port_number_or_name(action.get("port"), child(path, "port"))
    seconds = action.get("seconds") or 0
    grace = context.grace_period
    if grace is not None and (seconds < 0 or seconds > grace):
        detail = f"must be non-negative and less than terminationGracePeriodSeconds ({grace})"
        return [invalid_value(path, seconds, detail)]
    return []


_HEADER_MESSAGE = "a valid HTTP header must consist of alphanumeric characters or '-'"


def _http_get(action: Mapping[str, Any], path: str) -> list[Cause]:
    causes = [] if action.get("path") else [required(child(path, "path"))]
    causes += _port_number_or_name(action.get("port"), child(path, "port"))
    scheme = action.get("scheme") or ""
    if scheme not in _HTTP_SCHEMES:
        causes.append(not_supported(child(path, "scheme"), named(scheme), _HTTP_SCHEMES))
    for header in _list(action.get("httpHeaders")):
        header_name = str(_dict(header).get("name") or "")
        if not _HEADER.match(header_name):
            message = regex_error(_HEADER_MESSAGE, _HEADER_FORMAT, "X-Header-Name")
            causes.append(invalid_value(child(path, "httpHeaders"), header_name, message))
    return causes


def _port_number_or_name(port: Any, path: str) -> list[Cause]:
    if isinstance(port, str):
        return [invalid_value(path, port, msg) for msg in port_name_errors(port)]
    number = port if isinstance(port, int) else 0
    return [invalid_value(path, number, msg) for msg in port_number_errors(number)]


def _host_network_ports(spec: Mapping[str, Any], path: str, is_pod: bool) -> list[Cause]:
    if not spec.get("hostNetwork"):
        return []
    causes: list[Cause] = []
    for position, container in enumerate(_list(spec.get("containers"))):
        for number, port in enumerate(_list(_dict(container).get("ports"))):
            port = _dict(port)
            host_port, container_port = port.get("hostPort") or 0, port.get("containerPort") or 0
            if (is_pod or host_port) and host_port != container_port:
                port_path = index(child(index(child(path, "containers"), position), "ports"), number)
                causes.append(
                    invalid_value(
                        child(port_path, "hostPort"), host_port, "must match `containerPort` when `hostNetwork` is true"
                    )
                )
    return causes


def _pod_security_context(context: Mapping[str, Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    for member in ("fsGroup", "runAsUser", "runAsGroup"):
        value = context.get(member)
        if isinstance(value, int) and not 0 <= value <= _INT32_MAX:
            causes.append(invalid_value(child(path, member), value, f"must be between 0 and {_INT32_MAX}, inclusive"))
    for position, group in enumerate(_list(context.get("supplementalGroups"))):
        if isinstance(group, int) and not 0 <= group <= _INT32_MAX:
            causes.append(
                invalid_value(
                    index(child(path, "supplementalGroups"), position),
                    group,
                    f"must be between 0 and {_INT32_MAX}, inclusive",
                )
            )
    return causes


def _container_security_context(context: Mapping[str, Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    for member in ("runAsUser", "runAsGroup"):
        value = context.get(member)
        if isinstance(value, int) and not 0 <= value <= _INT32_MAX:
            causes.append(invalid_value(child(path, member), value, f"must be between 0 and {_INT32_MAX}, inclusive"))
    return causes


def _dns_config(spec: Mapping[str, Any], path: str) -> list[Cause]:
    config = spec.get("dnsConfig")
    if spec.get("dnsPolicy") == "None":
        if not isinstance(config, dict):
            return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not _list(config.get("nameservers")):
            return [
                required(
                    child(path, "nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None"
                )
            ]
    if not isinstance(config, dict):
        return []
    causes: list[Cause] = []
    nameservers = _list(config.get("nameservers"))
    if len(nameservers) > 3:
        causes.append(invalid_value(child(path, "nameservers"), nameservers, "must not have more than 3 nameservers"))
    for position, server in enumerate(nameservers):
        causes += _ip_errors(index(child(path, "nameservers"), position), str(server))
    return causes


def _topology_spread(constraints: list[Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    for position, constraint in enumerate(constraints):
        constraint = _dict(constraint)
        item = index(path, position)
        skew = constraint.get("maxSkew") or 0
        if skew <= 0:
            causes.append(invalid_value(child(item, "maxSkew"), skew, "must be greater than zero"))
        if not constraint.get("topologyKey"):
            causes.append(required(child(item, "topologyKey"), "can not be empty"))
        action = constraint.get("whenUnsatisfiable") or ""
        if action not in ("DoNotSchedule", "ScheduleAnyway"):
            causes.append(
                not_supported(child(item, "whenUnsatisfiable"), named(action), ["DoNotSchedule", "ScheduleAnyway"])
            )
        causes += validate_label_selector(constraint.get("labelSelector"), child(item, "labelSelector"))
    return causes


def _tolerations(tolerations: list[Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    for position, toleration in enumerate(tolerations):
        toleration = _dict(toleration)
        item = index(path, position)
        toleration_key = str(toleration.get("key") or "")
        operator, effect = toleration.get("operator") or "", toleration.get("effect") or ""
        if toleration_key:
            causes += [
                invalid_value(child(item, "key"), toleration_key, msg) for msg in label_key_errors(toleration_key)
            ]
        elif operator != "Exists":
            detail = 'operator must be Exists when `key` is empty, which means "match all values and all keys"'
            causes.append(invalid_value(child(item, "operator"), named(operator), detail))
        if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
            causes.append(
                invalid_value(
                    child(item, "effect"), named(effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"
                )
            )
        value = str(toleration.get("value") or "")
        if operator in ("Equal", ""):
            errors = label_value_errors(value)
            if errors:
                causes.append(invalid_value(child(item, "operator"), value, ";".join(errors)))
        elif operator == "Exists":
            if value:
                causes.append(
                    invalid_value(child(item, "operator"), value, "value must be empty when `operator` is 'Exists'")
                )
        else:
            causes.append(not_supported(child(item, "operator"), named(operator), ["Equal", "Exists"]))
        if effect and effect not in _TAINT_EFFECTS:
            causes.append(not_supported(child(item, "effect"), named(effect), _TAINT_EFFECTS))
    return causes


# --- resources --------------------------------------------------------------------------------------------

_STANDARD_RESOURCES = frozenset({
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services",
    "replicationcontrollers", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage",
    "services.nodeports", "services.loadbalancers",
})  # fmt: skip
_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})


def _is_native(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def _is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def _is_extended(name: str) -> bool:
    return not _is_native(name) and not name.startswith("requests.") and not label_key_errors("requests." + name)


def _overcommit_allowed(name: str) -> bool:
    return _is_native(name) and not _is_hugepages(name)


def _quantity(value: Any) -> Quantity:
    try:
        return quantity_from_json(value)
    except QuantityError:
        return Quantity(Decimal(0), DECIMAL_SI)


def _resource_name(name: str, path: str) -> list[Cause]:
    errors = label_key_errors(name)
    if errors:
        return [invalid_value(path, named(name), msg) for msg in errors]
    standard = name in _STANDARD_RESOURCES or name.startswith(("hugepages-", "requests.hugepages-"))
    if "/" not in name and not standard:
        return [invalid_value(path, named(name), "must be a standard resource type or fully qualified")]
    return []


def _container_resource_name(name: str, path: str) -> list[Cause]:
    causes = _resource_name(name, path)
    if "/" not in name:
        if name not in _CONTAINER_RESOURCES and not _is_hugepages(name):
            causes.append(invalid_value(path, named(name), "must be a standard resource for containers"))
    elif not _is_native(name) and not _is_extended(name):
        causes.append(invalid_value(path, named(name), "doesn't follow extended resource name standard"))
    return causes


def _quantity_value(name: str, quantity: Quantity, path: str) -> list[Cause]:
    causes = [invalid_value(path, str(quantity), _NEGATIVE)] if quantity.value < 0 else []
    if _is_extended(name) and quantity.value != quantity.value.to_integral_value():
        causes.append(invalid_value(path, named(str(quantity)), "must be an integer"))
    return causes


def validate_resources(resources: Mapping[str, Any], path: str) -> list[Cause]:
    """validateResourceRequirements for a container: names, values, and requests within limits."""
    limits, requests = _dict(resources.get("limits")), _dict(resources.get("requests"))
    causes: list[Cause] = []
    for name, value in limits.items():
        causes += _container_resource_name(name, key(child(path, "limits"), name))
        causes += _quantity_value(name, _quantity(value), key(child(path, "limits"), name))
    for name, value in requests.items():
        requested = _quantity(value)
        causes += _container_resource_name(name, key(child(path, "requests"), name))
        causes += _quantity_value(name, requested, key(child(path, "requests"), name))
        if name in limits:
            limit = _quantity(limits[name])
            if requested.value != limit.value and not _overcommit_allowed(name):
                causes.append(
                    invalid_value(child(path, "requests"), str(requested), f"must be equal to {name} limit of {limit}")
                )
            elif requested.value > limit.value:
                causes.append(
                    invalid_value(
                        child(path, "requests"),
                        str(requested),
                        f"must be less than or equal to {name} limit of {limit}",
                    )
                )
        elif not _overcommit_allowed(name):
            causes.append(required(child(path, "limits"), "Limit must be set for non overcommitable resources"))
    names = set(limits) | set(requests)
    if any(_is_hugepages(name) for name in names) and not names & {"cpu", "memory"}:
        causes.append(forbidden(path, "HugePages require cpu or memory"))
    return causes


def _go_struct(*members: tuple[str, Any]) -> Rendered:
    """An internal Go struct as encoding/json prints it: exported field names, in declaration order."""
    return Rendered("{" + ",".join(f"{go_json(name)}:{go_json(value)}" for name, value in members) + "}")


# =========================================================================================================
# Semantic validation: pods
# =========================================================================================================


def _validate_pod(pod: Object) -> list[Cause]:
    """ValidatePodCreate."""
    spec = _dict(pod.get("spec"))
    causes = _pod_metadata_and_spec(pod)
    if _list(spec.get("ephemeralContainers")):
        causes.append(forbidden("spec.ephemeralContainers", "cannot be set on create"))
    if spec.get("nodeName") and _list(spec.get("schedulingGates")):
        causes.append(forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared"))
    return causes


def _pod_metadata_and_spec(pod: Object) -> list[Cause]:
    spec = _dict(pod.get("spec"))
    causes = validate_object_meta(pod, subdomain_name)
    causes += validate_pod_spec(spec, "spec", is_pod=True)
    if not spec.get("serviceAccountName"):
        for position, volume in enumerate(_list(spec.get("volumes"))):
            sources = _list(_dict(_dict(volume).get("projected")).get("sources"))
            for number, source in enumerate(sources):
                if _dict(source).get("serviceAccountToken") is not None:
                    token_path = f"spec.volumes[{position}].projected.sources[{number}].serviceAccountToken"
                    causes.append(forbidden(token_path, "must not be specified when serviceAccountName is not set"))
    for list_name in ("containers", "initContainers"):
        for position, container in enumerate(_list(spec.get(list_name))):
            image = _dict(container).get("image")
            if isinstance(image, str) and image != image.strip():
                image_path = f"spec.{list_name}[{position}].image"
                causes.append(invalid_value(image_path, image, "must not have leading or trailing whitespace"))
    return causes


_UPDATABLE_POD_FIELDS = ",".join(
    (
        "`spec.containers[*].image`",
        "`spec.initContainers[*].image`",
        "`spec.activeDeadlineSeconds`",
        "`spec.tolerations` (only additions to existing tolerations)",
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    )
)


def _validate_pod_update(new: Object, old: Object) -> list[Cause]:
    """ValidatePodUpdate: little of a pod's spec may change once it exists."""
    causes = validate_object_meta_update(new, old) + _pod_metadata_and_spec(new)
    spec, old_spec = _dict(new.get("spec")), _dict(old.get("spec"))
    for list_name in ("containers", "initContainers"):
        containers, old_containers = _list(spec.get(list_name)), _list(old_spec.get(list_name))
        if len(containers) != len(old_containers):
            return [*causes, forbidden(f"spec.{list_name}", "pod updates may not add or remove containers")]
        for position, container in enumerate(containers):
            image = _dict(container).get("image")
            if not image:
                causes.append(required(f"spec.{list_name}[{position}].image"))
            elif isinstance(image, str) and image != image.strip():
                detail = "must not have leading or trailing whitespace"
                causes.append(invalid_value(f"spec.{list_name}[{position}].image", image, detail))
    deadline_causes = _deadline_update(spec.get("activeDeadlineSeconds"), old_spec.get("activeDeadlineSeconds"))
    if deadline_causes and deadline_causes[0][2].endswith("inclusive"):
        return causes + deadline_causes
    causes += deadline_causes
    causes += _tolerations_update(_list(spec.get("tolerations")), _list(old_spec.get("tolerations")))
    munged = _munged_pod_spec(spec, old_spec)
    if munged != old_spec:
        detail = f"pod updates may not change fields other than {_UPDATABLE_POD_FIELDS}\n{_spec_diff(old_spec, munged)}"
        causes.append(forbidden("spec", detail))
    return causes


def _deadline_update(new: Any, old: Any) -> list[Cause]:
    path = "spec.activeDeadlineSeconds"
    if isinstance(new, int):
        if not 0 <= new <= _INT32_MAX:
            return [invalid_value(path, new, f"must be between 0 and {_INT32_MAX}, inclusive")]
        if isinstance(old, int) and old < new:
            return [invalid_value(path, new, "must be less than or equal to previous value")]
        return []
    if old is not None:
        return [invalid_value(path, named(None), "must not update from a positive integer to nil value")]
    return []


def _tolerations_update(new: list[Any], old: list[Any]) -> list[Cause]:
    def without_seconds(toleration: Any) -> dict[str, Any]:
        return {name: value for name, value in _dict(toleration).items() if name != "tolerationSeconds"}

    kept = [without_seconds(toleration) for toleration in new]
    if any(without_seconds(toleration) not in kept for toleration in old):
        return [forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds")]
    return _tolerations(new, "spec.tolerations")


def _munged_pod_spec(spec: Mapping[str, Any], old: Mapping[str, Any]) -> dict[str, Any]:
    """The new spec with what may change put back to the old values, to compare with the old spec."""
    munged = json.loads(json.dumps(spec))
    for list_name in ("containers", "initContainers"):
        for container, old_container in zip(_list(munged.get(list_name)), _list(old.get(list_name)), strict=False):
            if isinstance(container, dict) and isinstance(old_container, dict):
                container["image"] = old_container.get("image")
    for member in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        munged.pop(member, None)
        if member in old:
            munged[member] = old[member]
    grace, old_grace = munged.get("terminationGracePeriodSeconds"), old.get("terminationGracePeriodSeconds")
    if isinstance(old_grace, int) and old_grace < 0 and grace == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    return munged


def _spec_diff(old: Any, new: Any, path: str = "spec") -> str:
    """What changed, one "- path: old" / "+ path: new" pair per changed value (the server prints a Go diff)."""
    return "\n".join(_diff_lines(old, new, path))


def _diff_lines(old: Any, new: Any, path: str) -> Iterator[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        for name in dict.fromkeys([*old, *new]):
            yield from _diff_lines(old.get(name), new.get(name), child(path, name))
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for position, (before, after) in enumerate(zip(old, new, strict=True)):
            yield from _diff_lines(before, after, index(path, position))
    elif old != new:
        yield f"- {path}: {go_json(old)}"
        yield f"+ {path}: {go_json(new)}"


# =========================================================================================================
# Semantic validation: workloads (pkg/apis/apps/validation, pkg/apis/batch/validation)
# =========================================================================================================


def _int_or_percent(value: Any) -> int:
    """getIntOrPercentValue: the number of a percentage, an integer itself, 0 for anything else."""
    if isinstance(value, str):
        return int(value[:-1]) if _PERCENT.match(value) else (int(value) if re.fullmatch(r"[+-]?\d+", value) else 0)
    return value if isinstance(value, int) else 0


def _positive_int_or_percent(value: Any, path: str) -> list[Cause]:
    if isinstance(value, str):
        if not _PERCENT.match(value):
            message = regex_error(
                "a valid percent string must be a numeric string followed by an ending '%'",
                _PERCENT_FORMAT,
                "1%",
                "93%",
            )
            return [invalid_value(path, named(value), message)]
        return []
    return _nonnegative(value if isinstance(value, int) else 0, path)


def _not_over_100_percent(value: Any, path: str) -> list[Cause]:
    if isinstance(value, str) and _PERCENT.match(value) and int(value[:-1]) > 100:
        return [invalid_value(path, named(value), "must not be greater than 100%")]
    return []


def _template_labels(template: Mapping[str, Any]) -> dict[str, Any] | None:
    labels = _metadata(template).get("labels")
    return labels if isinstance(labels, dict) else None


def _selector_causes(
    spec: Mapping[str, Any], owner: str, required_selector: bool = True
) -> tuple[list[Cause], bool | None]:
    """The selector checks of apps workloads; also whether the selector selects the template's pods."""
    selector = spec.get("selector")
    causes: list[Cause] = []
    if selector is None:
        if required_selector:
            causes.append(required("spec.selector"))
    else:
        causes += validate_label_selector(_dict(selector), "spec.selector")
        if not _dict(selector).get("matchLabels") and not _dict(selector).get("matchExpressions"):
            causes.append(
                invalid_value("spec.selector", selector_value(selector), f"empty selector is invalid for {owner}")
            )
    matches = _selector_matches(
        selector if selector is None else _dict(selector), _template_labels(_dict(spec.get("template"))) or {}
    )
    return causes, matches


def _mismatched_template(template: Mapping[str, Any], path: str = "spec.template") -> Cause:
    labels = _template_labels(template)
    return invalid_value(
        child(path, "metadata.labels"),
        labels if labels is not None else named(None),
        "`selector` does not match template `labels`",
    )


def _replica_set_template(template: Mapping[str, Any], matches: bool, path: str = "spec.template") -> list[Cause]:
    """ValidatePodTemplateSpecForReplicaSet (Deployments use it too, messages and all)."""
    causes = [] if matches else [_mismatched_template(template, path)]
    causes += validate_pod_template(template, path)
    spec = _dict(template.get("spec"))
    if spec.get("restartPolicy") != "Always":
        causes.append(
            not_supported(child(path, "spec.restartPolicy"), named(spec.get("restartPolicy") or ""), ["Always"])
        )
    if spec.get("activeDeadlineSeconds") is not None:
        causes.append(
            forbidden(child(path, "spec.activeDeadlineSeconds"), "activeDeadlineSeconds in ReplicaSet is not Supported")
        )
    return causes


def _validate_deployment(deployment: Object) -> list[Cause]:
    return validate_object_meta(deployment, subdomain_name) + _deployment_spec(_dict(deployment.get("spec")))


def _deployment_spec(spec: Mapping[str, Any]) -> list[Cause]:
    causes = _nonnegative(spec.get("replicas") or 0, "spec.replicas")
    selector_causes, matches = _selector_causes(spec, "deployment")
    causes += selector_causes
    if matches is None:
        causes.append(invalid_value("spec.selector", selector_value(spec.get("selector")), "invalid label selector"))
    else:
        causes += _replica_set_template(_dict(spec.get("template")), matches)
    causes += _deployment_strategy(_dict(spec.get("strategy")))
    causes += _nonnegative(spec.get("minReadySeconds") or 0, "spec.minReadySeconds")
    if spec.get("revisionHistoryLimit") is not None:
        causes += _nonnegative(spec["revisionHistoryLimit"], "spec.revisionHistoryLimit")
    deadline = spec.get("progressDeadlineSeconds")
    if isinstance(deadline, int):
        causes += _nonnegative(deadline, "spec.progressDeadlineSeconds")
        if deadline <= (spec.get("minReadySeconds") or 0):
            causes.append(
                invalid_value("spec.progressDeadlineSeconds", named(deadline), "must be greater than minReadySeconds")
            )
    return causes


def _deployment_strategy(strategy: Mapping[str, Any]) -> list[Cause]:
    kind, rolling = strategy.get("type") or "", strategy.get("rollingUpdate")
    path = "spec.strategy"
    if kind == "Recreate":
        return (
            [forbidden(child(path, "rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")]
            if rolling is not None
            else []
        )
    if kind == "RollingUpdate":
        if not isinstance(rolling, dict):
            return [required(child(path, "rollingUpdate"), "this should be defaulted and never be nil")]
        return _rolling_update_deployment(rolling, child(path, "rollingUpdate"))
    shown = _go_struct(("Type", kind), ("RollingUpdate", _rolling_struct(rolling, ("MaxUnavailable", "MaxSurge"))))
    return [not_supported(path, shown, ["Recreate", "RollingUpdate"])]


def _rolling_struct(rolling: Any, names: Sequence[str]) -> Rendered | None:
    if not isinstance(rolling, dict):
        return None
    return _go_struct(*((name, rolling.get(name[0].lower() + name[1:], 0)) for name in names))


def _rolling_update_deployment(rolling: Mapping[str, Any], path: str) -> list[Cause]:
    unavailable, surge = rolling.get("maxUnavailable", 0), rolling.get("maxSurge", 0)
    causes = _positive_int_or_percent(unavailable, child(path, "maxUnavailable"))
    causes += _positive_int_or_percent(surge, child(path, "maxSurge"))
    if _int_or_percent(unavailable) == 0 and _int_or_percent(surge) == 0:
        causes.append(
            invalid_value(child(path, "maxUnavailable"), named(unavailable), "may not be 0 when `maxSurge` is 0")
        )
    return causes + _not_over_100_percent(unavailable, child(path, "maxUnavailable"))


def _validate_replica_set(replica_set: Object) -> list[Cause]:
    return validate_object_meta(replica_set, subdomain_name) + _replica_set_spec(_dict(replica_set.get("spec")))


def _replica_set_spec(spec: Mapping[str, Any]) -> list[Cause]:
    causes = _nonnegative(spec.get("replicas") or 0, "spec.replicas")
    causes += _nonnegative(spec.get("minReadySeconds") or 0, "spec.minReadySeconds")
    selector_causes, matches = _selector_causes(spec, "deployment")
    causes += selector_causes
    if matches is None:
        return [*causes, invalid_value("spec.selector", selector_value(spec.get("selector")), "invalid label selector")]
    return causes + _replica_set_template(_dict(spec.get("template")), matches)


def _validate_daemon_set(daemon_set: Object) -> list[Cause]:
    return validate_object_meta(daemon_set, subdomain_name) + _daemon_set_spec(_dict(daemon_set.get("spec")))


def _daemon_set_spec(spec: Mapping[str, Any]) -> list[Cause]:
    selector = spec.get("selector")
    template = _dict(spec.get("template"))
    causes = validate_label_selector(_dict(selector), "spec.selector") if selector is not None else []
    if _selector_matches(selector if selector is None else _dict(selector), _template_labels(template) or {}) is False:
        causes.append(_mismatched_template(template))
    if isinstance(selector, dict) and not selector.get("matchLabels") and not selector.get("matchExpressions"):
        causes.append(
            invalid_value("spec.selector", selector_value(selector), "empty selector is invalid for daemonset")
        )
    causes += validate_pod_template(template, "spec.template")
    pod_spec = _dict(template.get("spec"))
    if pod_spec.get("restartPolicy") != "Always":
        causes.append(
            not_supported("spec.template.spec.restartPolicy", named(pod_spec.get("restartPolicy") or ""), ["Always"])
        )
    if pod_spec.get("activeDeadlineSeconds") is not None:
        causes.append(
            forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in DaemonSet is not Supported")
        )
    causes += _nonnegative(spec.get("minReadySeconds") or 0, "spec.minReadySeconds")
    causes += _nonnegative(spec.get("templateGeneration") or 0, "spec.templateGeneration")
    causes += _daemon_set_strategy(_dict(spec.get("updateStrategy")))
    if spec.get("revisionHistoryLimit") is not None:
        causes += _nonnegative(spec["revisionHistoryLimit"], "spec.revisionHistoryLimit")
    return causes


def _daemon_set_strategy(strategy: Mapping[str, Any]) -> list[Cause]:
    kind, rolling, path = strategy.get("type") or "", strategy.get("rollingUpdate"), "spec.updateStrategy"
    if kind == "OnDelete":
        return []
    if kind == "RollingUpdate":
        if not isinstance(rolling, dict):
            return [required(child(path, "rollingUpdate"))]
        return _rolling_update_daemon_set(rolling, child(path, "rollingUpdate"))
    shown = _go_struct(("Type", kind), ("RollingUpdate", _rolling_struct(rolling, ("MaxUnavailable", "MaxSurge"))))
    return [not_supported(path, shown, ["RollingUpdate", "OnDelete"])]


def _rolling_update_daemon_set(rolling: Mapping[str, Any], path: str) -> list[Cause]:
    unavailable, surge = rolling.get("maxUnavailable", 0), rolling.get("maxSurge", 0)
    causes = _positive_int_or_percent(unavailable, child(path, "maxUnavailable"))
    causes += _positive_int_or_percent(surge, child(path, "maxSurge"))
    causes += _not_over_100_percent(unavailable, child(path, "maxUnavailable"))
    causes += _not_over_100_percent(surge, child(path, "maxSurge"))
    has_unavailable, has_surge = _int_or_percent(unavailable) != 0, _int_or_percent(surge) != 0
    if has_unavailable and has_surge:
        causes.append(
            invalid_value(child(path, "maxSurge"), named(surge), "may not be set when maxUnavailable is non-zero")
        )
    elif not has_unavailable and not has_surge:
        causes.append(required(child(path, "maxUnavailable"), "cannot be 0 when maxSurge is 0"))
    return causes


def _validate_stateful_set(stateful_set: Object) -> list[Cause]:
    return validate_object_meta(stateful_set, label_name) + _stateful_set_spec(_dict(stateful_set.get("spec")))


def _stateful_set_spec(spec: Mapping[str, Any]) -> list[Cause]:
    causes: list[Cause] = []
    policy = spec.get("podManagementPolicy") or ""
    if not policy:
        causes.append(required("spec.podManagementPolicy"))
    elif policy not in ("OrderedReady", "Parallel"):
        causes.append(invalid_value("spec.podManagementPolicy", named(policy), "must be 'OrderedReady' or 'Parallel'"))
    causes += _stateful_set_strategy(_dict(spec.get("updateStrategy")))
    retention = spec.get("persistentVolumeClaimRetentionPolicy")
    if isinstance(retention, dict):
        for member in ("whenDeleted", "whenScaled"):
            value = retention.get(member) or ""
            if value not in ("Retain", "Delete"):
                path = f"spec.persistentVolumeClaimRetentionPolicy.{member}"
                causes.append(not_supported(path, named(value), ["Retain", "Delete"]))
    causes += _nonnegative(spec.get("replicas") or 0, "spec.replicas")
    causes += _nonnegative(spec.get("minReadySeconds") or 0, "spec.minReadySeconds")
    ordinals = spec.get("ordinals")
    if isinstance(ordinals, dict):
        causes += _nonnegative(ordinals.get("start") or 0, "spec.ordinals.start")
    selector_causes, matches = _selector_causes(spec, "statefulset")
    causes += selector_causes
    template = _dict(spec.get("template"))
    if matches is None:
        causes.append(invalid_value("spec.selector", selector_value(spec.get("selector")), ""))
    else:
        causes += [] if matches else [_mismatched_template(template)]
        causes += validate_labels(_dict(_metadata(template).get("labels")), "spec.template.labels")
        causes += validate_annotations(_dict(_metadata(template).get("annotations")), "spec.template.annotations")
    pod_spec = _dict(template.get("spec"))
    if pod_spec.get("restartPolicy") != "Always":
        causes.append(
            not_supported("spec.template.spec.restartPolicy", named(pod_spec.get("restartPolicy") or ""), ["Always"])
        )
    if pod_spec.get("activeDeadlineSeconds") is not None:
        causes.append(
            forbidden(
                "spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in StatefulSet is not Supported"
            )
        )
    return causes


def _stateful_set_strategy(strategy: Mapping[str, Any]) -> list[Cause]:
    kind, rolling, path = strategy.get("type") or "", strategy.get("rollingUpdate"), "spec.updateStrategy"
    if not kind:
        return [required(path)]
    if kind == "OnDelete":
        if rolling is not None:
            shown = _go_struct(
                ("Partition", _dict(rolling).get("partition", 0)),
                ("MaxUnavailable", _dict(rolling).get("maxUnavailable")),
            )
            return [
                invalid_value(child(path, "rollingUpdate"), shown, "only allowed for updateStrategy 'RollingUpdate'")
            ]
        return []
    if kind == "RollingUpdate":
        if not isinstance(rolling, dict):
            return []
        rolling_path = child(path, "rollingUpdate")
        causes = _nonnegative(rolling.get("partition") or 0, child(rolling_path, "partition"))
        unavailable = rolling.get("maxUnavailable")
        if unavailable is not None:
            causes += _positive_int_or_percent(unavailable, child(rolling_path, "maxUnavailable"))
            if _int_or_percent(unavailable) == 0:
                causes.append(invalid_value(child(rolling_path, "maxUnavailable"), named(unavailable), "cannot be 0"))
            causes += _not_over_100_percent(unavailable, child(rolling_path, "maxUnavailable"))
        return causes
    shown = _go_struct(("Type", kind), ("RollingUpdate", _rolling_struct(rolling, ("Partition", "MaxUnavailable"))))
    return [invalid_value(path, shown, "must be 'RollingUpdate' or 'OnDelete'")]


def _validate_replication_controller(controller: Object) -> list[Cause]:
    spec = _dict(controller.get("spec"))
    causes = validate_object_meta(controller, subdomain_name)
    causes += _nonnegative(spec.get("minReadySeconds") or 0, "spec.minReadySeconds")
    selector = _dict(spec.get("selector"))
    if not selector:
        causes.append(required("spec.selector"))
    causes += _nonnegative(spec.get("replicas") or 0, "spec.replicas")
    template = spec.get("template")
    if not isinstance(template, dict):
        return [*causes, required("spec.template")]
    if selector and not all(
        _template_labels(template) and (_template_labels(template) or {}).get(name) == value
        for name, value in selector.items()
    ):
        causes.append(_mismatched_template(template))
    causes += validate_pod_template(template, "spec.template")
    pod_spec = _dict(template.get("spec"))
    if pod_spec.get("restartPolicy") != "Always":
        causes.append(
            not_supported("spec.template.spec.restartPolicy", named(pod_spec.get("restartPolicy") or ""), ["Always"])
        )
    if pod_spec.get("activeDeadlineSeconds") is not None:
        causes.append(
            forbidden(
                "spec.template.spec.activeDeadlineSeconds",
                "activeDeadlineSeconds in ReplicationController is not Supported",
            )
        )
    return causes


def _validate_pod_template_object(template: Object) -> list[Cause]:
    return validate_object_meta(template, subdomain_name) + validate_pod_template(
        _dict(template.get("template")), "template"
    )


# --- jobs -------------------------------------------------------------------------------------------------

_JOB_UID_LABELS = ("controller-uid", "batch.kubernetes.io/controller-uid")
_JOB_NAME_LABELS = ("job-name", "batch.kubernetes.io/job-name")


def _validate_job(job: Object) -> list[Cause]:
    spec = _dict(job.get("spec"))
    causes = validate_object_meta(job, subdomain_name) + _generated_selector(job)
    causes += _job_spec_with_selector(spec, "spec")
    completions = spec.get("completions")
    if spec.get("completionMode") == "Indexed" and isinstance(completions, int) and completions > 0:
        name = str(_metadata(job).get("name") or "")
        hostname = f"{name}-{completions - 1}"
        if dns1123_label_errors(hostname):
            detail = f"will not able to create pod with invalid DNS label: {hostname}"
            causes.append(invalid_value("metadata.name", name, detail))
    return causes


def _generated_selector(job: Object) -> list[Cause]:
    """validateGeneratedSelector: without manualSelector the pods carry the job's uid and name as labels."""
    spec = _dict(job.get("spec"))
    if spec.get("manualSelector") is True or spec.get("selector") is None:
        return []
    meta = _metadata(job)
    uid, name = str(meta.get("uid") or ""), str(meta.get("name") or "")
    causes = [] if uid else [required("metadata.uid")]
    template_meta = _metadata(_dict(spec.get("template")))
    labels = _dict(template_meta.get("labels"))
    for label, expected in (
        (_JOB_UID_LABELS[0], uid),
        (_JOB_NAME_LABELS[0], name),
        (_JOB_UID_LABELS[1], uid),
        (_JOB_NAME_LABELS[1], name),
    ):
        label_path = f"spec.template.metadata.labels[{label}]"
        if label not in labels:
            causes.append(required(label_path, f"must be '{expected}'"))
        elif labels[label] != expected:
            causes.append(invalid_value(label_path, labels, f"must be '{expected}'"))
    expected_labels = {label: uid for label in _JOB_UID_LABELS} | {label: name for label in _JOB_NAME_LABELS}
    if _selector_matches(_dict(spec.get("selector")), expected_labels) is False:
        causes.append(
            invalid_value("spec.selector", selector_value(spec.get("selector")), "`selector` not auto-generated")
        )
    return causes


def _job_spec_with_selector(spec: Mapping[str, Any], path: str) -> list[Cause]:
    causes = _job_spec(spec, path)
    selector = spec.get("selector")
    if selector is None:
        causes.append(required(child(path, "selector")))
    else:
        causes += validate_label_selector(_dict(selector), child(path, "selector"))
    template = _dict(spec.get("template"))
    if _selector_matches(selector if selector is None else _dict(selector), _template_labels(template) or {}) is False:
        causes.append(_mismatched_template(template, child(path, "template")))
    return causes


def _job_spec(spec: Mapping[str, Any], path: str) -> list[Cause]:
    """validateJobSpec, for Jobs and for the job templates of CronJobs."""
    causes: list[Cause] = []
    for member in (
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
        "backoffLimitPerIndex",
        "maxFailedIndexes",
    ):
        if spec.get(member) is not None:
            causes += _nonnegative(spec[member], child(path, member))
    if spec.get("maxFailedIndexes") is not None and spec.get("backoffLimitPerIndex") is None:
        causes.append(required(child(path, "backoffLimitPerIndex"), "when maxFailedIndexes is specified"))
    mode = spec.get("completionMode")
    if mode is not None and mode not in ("NonIndexed", "Indexed"):
        causes.append(not_supported(child(path, "completionMode"), named(mode), ["NonIndexed", "Indexed"]))
    if mode == "Indexed" and spec.get("completions") is None:
        causes.append(required(child(path, "completions"), "when completion mode is Indexed"))
    if mode in (None, "NonIndexed"):
        for member in ("backoffLimitPerIndex", "maxFailedIndexes"):
            if spec.get(member) is not None:
                causes.append(invalid_value(child(path, member), spec[member], "requires indexed completion mode"))
    replacement = spec.get("podReplacementPolicy")
    if replacement is not None:
        allowed = ["Failed"] if spec.get("podFailurePolicy") is not None else ["Failed", "TerminatingOrFailed"]
        if replacement not in allowed:
            causes.append(not_supported(child(path, "podReplacementPolicy"), named(replacement), allowed))
    template = _dict(spec.get("template"))
    causes += validate_pod_template(template, child(path, "template"))
    restart = _dict(template.get("spec")).get("restartPolicy") or ""
    restart_path = child(path, "template.spec.restartPolicy")
    if restart in ("Always", ""):
        causes.append(required(restart_path, 'valid values: "OnFailure", "Never"'))
    elif restart not in ("OnFailure", "Never"):
        causes.append(not_supported(restart_path, named(restart), ["OnFailure", "Never"]))
    elif spec.get("podFailurePolicy") is not None and restart != "Never":
        causes.append(
            invalid_value(restart_path, named(restart), 'only "Never" is supported when podFailurePolicy is specified')
        )
    return causes


def _validate_cron_job(cron_job: Object) -> list[Cause]:
    causes = validate_object_meta(cron_job, subdomain_name) + _cron_job_spec(_dict(cron_job.get("spec")), None)
    name = str(_metadata(cron_job).get("name") or "")
    if len(name) > 52:
        causes.append(invalid_value("metadata.name", name, "must be no more than 52 bytes"))
    return causes


def _cron_job_spec(spec: Mapping[str, Any], old: Mapping[str, Any] | None) -> list[Cause]:
    causes: list[Cause] = []
    schedule = str(spec.get("schedule") or "")
    if not schedule:
        causes.append(required("spec.schedule"))
    else:
        error = cron_schedule_error(schedule)
        if error:
            causes.append(invalid_value("spec.schedule", schedule, error))
        old_had_zone = old is not None and "TZ" in str(old.get("schedule") or "")
        if old_had_zone and "TZ" in schedule and spec.get("timeZone") is not None:
            causes.append(
                invalid_value("spec.schedule", schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule")
            )
        elif not old_had_zone and "TZ" in schedule:
            causes.append(
                invalid_value(
                    "spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
                )
            )
    if spec.get("startingDeadlineSeconds") is not None:
        causes += _nonnegative(spec["startingDeadlineSeconds"], "spec.startingDeadlineSeconds")
    zone = spec.get("timeZone")
    if zone is not None and (old is None or old.get("timeZone") != zone):
        causes += _time_zone(zone)
    causes += _choice(spec.get("concurrencyPolicy"), ("Allow", "Forbid", "Replace"), "spec.concurrencyPolicy")
    job_template = _dict(_dict(spec.get("jobTemplate")).get("spec"))
    causes += _job_spec(job_template, "spec.jobTemplate.spec")
    if job_template.get("selector") is not None:
        causes.append(
            invalid_value(
                "spec.jobTemplate.spec.selector",
                selector_value(job_template["selector"]),
                "`selector` will be auto-generated",
            )
        )
    if job_template.get("manualSelector") is True:
        causes.append(not_supported("spec.jobTemplate.spec.manualSelector", named(True), ["nil", "false"]))
    for member in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        if spec.get(member) is not None:
            causes += _nonnegative(spec[member], child("spec", member))
    return causes


_TIME_ZONE_PART = re.compile(r"^[A-Za-z.\-_0-9+]{1,14}$")


def _time_zone(zone: Any) -> list[Cause]:
    path = "spec.timeZone"
    text = str(zone)
    if not text:
        return [invalid_value(path, named(zone), "timeZone must be nil or non-empty string")]
    for part in text.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TIME_ZONE_PART.match(part):
            return [invalid_value(path, named(zone), f"unknown time zone {text}")]
    if text.lower() == "local":
        return [
            invalid_value(
                path,
                named(zone),
                "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
            )
        ]
    return []


# --- cron schedules (github.com/robfig/cron/v3, ParseStandard) --------------------------------------------

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_CRON_FIELDS: tuple[tuple[int, int, dict[str, int]], ...] = (
    (0, 59, {}),
    (0, 23, {}),
    (1, 31, {}),
    (1, 12, {name: number + 1 for number, name in enumerate(_MONTHS)}),
    (0, 6, {name: number for number, name in enumerate(_WEEKDAYS)}),
)
_CRON_DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_GO_DURATION = re.compile(r"^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$|^[-+]?0$")


def cron_schedule_error(schedule: str) -> str | None:
    """Why cron.ParseStandard refuses a schedule (its own words), or None."""
    spec = schedule
    if spec.startswith(("TZ=", "CRON_TZ=")):
        spec = spec[spec.find(" ") :].strip() if " " in spec else ""
    if spec.startswith("@"):
        return _cron_descriptor_error(spec)
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]"
    for text, (low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        for expression in (part for part in text.split(",") if part):
            error = _cron_range_error(expression, low, high, names)
            if error:
                return error
    return None


def _cron_descriptor_error(spec: str) -> str | None:
    if spec in _CRON_DESCRIPTORS:
        return None
    if spec.startswith("@every "):
        duration = spec[len("@every ") :]
        if not _GO_DURATION.match(duration):
            return f"failed to parse duration {spec}: time: invalid duration {go_quote(duration)}"
        return None
    return f"unrecognized descriptor: {spec}"


def _cron_range_error(expression: str, low: int, high: int, names: Mapping[str, int]) -> str | None:
    range_and_step = expression.split("/")
    bounds = range_and_step[0].split("-")
    if bounds[0] in ("*", "?"):
        start, end = low, high
    else:
        if len(bounds) > 2:
            return f"too many hyphens: {expression}"
        parsed = [_cron_number(bound, names) for bound in bounds]
        for number in parsed:
            if isinstance(number, str):
                return number
        start = parsed[0]  # type: ignore[assignment]
        end = parsed[-1]  # type: ignore[assignment]
    if len(range_and_step) > 2:
        return f"too many slashes: {expression}"
    step: int | str = 1
    if len(range_and_step) == 2:
        step = _cron_number(range_and_step[1], {})
        if isinstance(step, str):
            return step
        if len(bounds) == 1:
            end = high
    if start < low:
        return f"beginning of range ({start}) below minimum ({low}): {expression}"
    if end > high:
        return f"end of range ({end}) above maximum ({high}): {expression}"
    if start > end:
        return f"beginning of range ({start}) beyond end of range ({end}): {expression}"
    if step == 0:
        return f"step of range should be a positive number: {expression}"
    return None


def _cron_number(text: str, names: Mapping[str, int]) -> int | str:
    """parseIntOrName: a number, or a month or weekday name; an error message where it is neither."""
    if text.lower() in names:
        return names[text.lower()]
    if not re.fullmatch(r"[+-]?\d+", text):
        return f"failed to parse int from {text}: strconv.Atoi: parsing {go_quote(text)}: invalid syntax"
    number = int(text)
    if not -(2**63) <= number < 2**63:
        return f"failed to parse int from {text}: strconv.Atoi: parsing {go_quote(text)}: value out of range"
    if number < 0:
        return f"negative number ({number}) not allowed: {text}"
    return number


# =========================================================================================================
# Semantic validation: services, configuration, storage, namespaces
# =========================================================================================================

_SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")


def _is_headless(spec: Mapping[str, Any]) -> bool:
    return _list(spec.get("clusterIPs")) == ["None"]


def _externally_accessible(spec: Mapping[str, Any]) -> bool:
    kind = spec.get("type")
    return kind in ("LoadBalancer", "NodePort") or (kind == "ClusterIP" and bool(_list(spec.get("externalIPs"))))


def _validate_service(service: Object) -> list[Cause]:
    """ValidateService, for a service whose IPs and node ports are allocated already."""
    spec = _dict(service.get("spec"))
    causes = validate_object_meta(service, dns1035_name)
    kind, ports, headless = spec.get("type") or "", _list(spec.get("ports")), _is_headless(spec)
    if not ports and not headless and kind != "ExternalName":
        causes.append(required("spec.ports"))
    causes += _service_type_rules(spec, kind, headless)
    names: set[str] = set()
    for position, port in enumerate(ports):
        causes += _service_port(_dict(port), len(ports) > 1, names, f"spec.ports[{position}]")
    if spec.get("selector") is not None:
        causes += validate_labels(_dict(spec.get("selector")), "spec.selector")
    causes += _session_affinity(spec)
    causes += _cluster_ips(spec)
    for position, address in enumerate(_list(spec.get("externalIPs"))):
        causes += _ip_errors(f"spec.externalIPs[{position}]", str(address))
    if not kind:
        causes.append(required("spec.type"))
    elif kind not in _SERVICE_TYPES:
        causes.append(not_supported("spec.type", named(kind), _SERVICE_TYPES))
    if kind == "ClusterIP":
        causes += [
            forbidden(f"spec.ports[{position}].nodePort", "may not be used when `type` is 'ClusterIP'")
            for position, port in enumerate(ports)
            if _dict(port).get("nodePort")
        ]
    return (
        causes
        + _service_port_duplicates(ports)
        + _service_load_balancer(service, spec, kind)
        + _traffic_policies(spec, kind)
    )


def _service_type_rules(spec: Mapping[str, Any], kind: str, headless: bool) -> list[Cause]:
    if kind in ("LoadBalancer", "NodePort") and headless:
        return [invalid_value("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {kind} services")]
    if kind != "ExternalName":
        return []
    causes: list[Cause] = []
    if _list(spec.get("clusterIPs")):
        causes.append(forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
    if _list(spec.get("ipFamilies")):
        causes.append(forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
    if spec.get("ipFamilyPolicy") is not None:
        causes.append(forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"))
    cname = str(spec.get("externalName") or "").removesuffix(".")
    if cname:
        causes += [invalid_value("spec.externalName", cname, msg) for msg in dns1123_subdomain_errors(cname)]
    else:
        causes.append(required("spec.externalName"))
    return causes


def _service_port(port: Mapping[str, Any], require_name: bool, names: set[str], path: str) -> list[Cause]:
    causes: list[Cause] = []
    name = str(port.get("name") or "")
    if require_name and not name:
        causes.append(required(child(path, "name")))
    elif name:
        causes += [invalid_value(child(path, "name"), name, msg) for msg in dns1123_label_errors(name)]
        if name in names:
            causes.append(duplicate(child(path, "name"), name))
        names.add(name)
    number = port.get("port")
    number = number if isinstance(number, int) else 0
    causes += [invalid_value(child(path, "port"), number, msg) for msg in port_number_errors(number)]
    protocol = port.get("protocol") or ""
    if not protocol:
        causes.append(required(child(path, "protocol")))
    elif protocol not in _PROTOCOLS:
        causes.append(not_supported(child(path, "protocol"), named(protocol), _PROTOCOLS))
    causes += _port_number_or_name(port.get("targetPort"), child(path, "targetPort"))
    app_protocol = port.get("appProtocol")
    if isinstance(app_protocol, str):
        causes += [invalid_value(child(path, "appProtocol"), app_protocol, m) for m in label_key_errors(app_protocol)]
    return causes


def _session_affinity(spec: Mapping[str, Any]) -> list[Cause]:
    affinity = spec.get("sessionAffinity") or ""
    if not affinity:
        return [required("spec.sessionAffinity")]
    if affinity not in ("ClientIP", "None"):
        return [not_supported("spec.sessionAffinity", named(affinity), ["ClientIP", "None"])]
    config = spec.get("sessionAffinityConfig")
    if affinity == "None":
        return (
            [forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None")]
            if config is not None
            else []
        )
    when = "when session affinity type is ClientIP"
    if not isinstance(config, dict):
        return [required("spec.sessionAffinityConfig", when)]
    client_ip = config.get("clientIP")
    if not isinstance(client_ip, dict):
        return [required("spec.sessionAffinityConfig.clientIP", when)]
    timeout = client_ip.get("timeoutSeconds")
    if timeout is None:
        return [required("spec.sessionAffinityConfig.clientIP.timeoutSeconds", when)]
    if not 0 < timeout <= 86400:
        return [
            invalid_value(
                "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                named(timeout),
                "must be greater than 0 and less than 86400",
            )
        ]
    return []


def _cluster_ips(spec: Mapping[str, Any]) -> list[Cause]:
    """ValidateServiceClusterIPsRelatedFields."""
    if spec.get("type") == "ExternalName":
        return []
    causes: list[Cause] = []
    cluster_ip, cluster_ips = str(spec.get("clusterIP") or ""), [str(ip) for ip in _list(spec.get("clusterIPs"))]
    if cluster_ip:
        if not cluster_ips:
            causes.append(required("spec.clusterIPs"))
        elif cluster_ips[0] != cluster_ip:
            causes.append(invalid_value("spec.clusterIPs", cluster_ips, "first value must match `clusterIP`"))
    elif cluster_ips:
        causes.append(invalid_value("spec.clusterIPs", cluster_ips, "must be empty when `clusterIP` is not specified"))
    families = _list(spec.get("ipFamilies"))
    for position, family in enumerate(families):
        if family not in ("IPv4", "IPv6"):
            causes.append(not_supported(f"spec.ipFamilies[{position}]", named(family), ["IPv4", "IPv6"]))
        if family in families[:position]:
            causes.append(duplicate(f"spec.ipFamilies[{position}]", named(family)))
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in ("PreferDualStack", "RequireDualStack", "SingleStack"):
        causes.append(
            not_supported("spec.ipFamilyPolicy", named(policy), ["PreferDualStack", "RequireDualStack", "SingleStack"])
        )
    bad_ips = False
    for position, address in enumerate(cluster_ips):
        if position == 0 and address == "None":
            if len(cluster_ips) > 1:
                bad_ips = True
                causes.append(invalid_value("spec.clusterIPs", cluster_ips, "'None' must be the first and only value"))
            continue
        errors = _ip_errors(f"spec.clusterIPs[{position}]", address)
        bad_ips = bad_ips or bool(errors)
        causes += errors
    if len(cluster_ips) > 2:
        causes.append(invalid_value("spec.clusterIPs", cluster_ips, "may only hold up to 2 values"))
    if bad_ips:
        return causes
    if len(cluster_ips) > 1 and len({ipaddress.ip_address(ip).version for ip in cluster_ips}) != len(cluster_ips):
        causes.append(
            invalid_value("spec.clusterIPs", cluster_ips, "may specify no more than one IP for each IP family")
        )
    if not _is_headless(spec):
        for position, (address, family) in enumerate(zip(cluster_ips, families, strict=False)):
            version = ipaddress.ip_address(address).version
            if family == "IPv4" and version == 6:
                causes.append(
                    invalid_value(
                        f"spec.clusterIPs[{position}]",
                        address,
                        f"expected an IPv4 value as indicated by `ipFamilies[{position}]`",
                    )
                )
            if family == "IPv6" and version == 4:
                causes.append(
                    invalid_value(
                        f"spec.clusterIPs[{position}]",
                        address,
                        f"expected an IPv6 value as indicated by `ipFamilies[{position}]`",
                    )
                )
    return causes


def _service_port_duplicates(ports: list[Any]) -> list[Cause]:
    causes: list[Cause] = []
    node_ports: set[tuple[str, int]] = set()
    for position, port in enumerate(ports):
        port = _dict(port)
        node_port = port.get("nodePort") or 0
        if not node_port:
            continue
        described = (str(port.get("protocol") or ""), node_port)
        if described in node_ports:
            causes.append(duplicate(f"spec.ports[{position}].nodePort", node_port))
        node_ports.add(described)
    seen: set[tuple[str, int]] = set()
    for position, port in enumerate(ports):
        port = _dict(port)
        protocol, number = str(port.get("protocol") or ""), port.get("port") or 0
        if (protocol, number) in seen:
            shown = _go_struct(
                ("Name", ""),
                ("Protocol", protocol),
                ("AppProtocol", None),
                ("Port", number),
                ("TargetPort", 0),
                ("NodePort", 0),
            )
            causes.append(duplicate(f"spec.ports[{position}]", shown))
        seen.add((protocol, number))
    return causes


def _service_load_balancer(service: Object, spec: Mapping[str, Any], kind: str) -> list[Cause]:
    causes: list[Cause] = []
    ranges = _list(spec.get("loadBalancerSourceRanges"))
    if ranges and kind != "LoadBalancer":
        causes.append(forbidden("spec.LoadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'"))
    for position, value in enumerate(ranges):
        try:
            ipaddress.ip_network(str(value).strip(), strict=False)
        except ValueError:
            causes.append(
                invalid_value(
                    f"spec.LoadBalancerSourceRanges[{position}]",
                    str(value).strip(),
                    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                )
            )
    if spec.get("allocateLoadBalancerNodePorts") is not None and kind != "LoadBalancer":
        causes.append(forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"))
    if kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        causes.append(required("allocateLoadBalancerNodePorts"))
    balancer_class = spec.get("loadBalancerClass")
    if isinstance(balancer_class, str):
        if kind == "LoadBalancer":
            causes += [
                invalid_value("spec.loadBalancerClass", balancer_class, m) for m in label_key_errors(balancer_class)
            ]
        else:
            causes.append(forbidden("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"))
    return causes


def _traffic_policies(spec: Mapping[str, Any], kind: str) -> list[Cause]:
    causes: list[Cause] = []
    external = spec.get("externalTrafficPolicy") or ""
    if not _externally_accessible(spec):
        if external:
            causes.append(
                invalid_value(
                    "spec.externalTrafficPolicy", named(external), "may only be set for externally-accessible services"
                )
            )
    elif not external:
        causes.append(required("spec.externalTrafficPolicy"))
    elif external not in ("Cluster", "Local"):
        causes.append(not_supported("spec.externalTrafficPolicy", named(external), ["Cluster", "Local"]))
    health = spec.get("healthCheckNodePort") or 0
    if not (kind == "LoadBalancer" and external == "Local"):
        if health:
            detail = "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"
            causes.append(invalid_value("spec.healthCheckNodePort", health, detail))
    elif not health:
        causes.append(required("spec.healthCheckNodePort"))
    else:
        causes += [invalid_value("spec.healthCheckNodePort", health, msg) for msg in port_number_errors(health)]
    internal = spec.get("internalTrafficPolicy")
    if internal is None and kind in ("NodePort", "LoadBalancer", "ClusterIP"):
        causes.append(required("spec.internalTrafficPolicy"))
    if internal is not None and internal not in ("Cluster", "Local"):
        causes.append(not_supported("spec.internalTrafficPolicy", named(internal), ["Cluster", "Local"]))
    distribution = spec.get("trafficDistribution")
    if distribution is not None and distribution not in ("PreferClose", "PreferSameZone", "PreferSameNode"):
        causes.append(
            not_supported("spec.trafficDistribution", distribution, ["PreferClose", "PreferSameZone", "PreferSameNode"])
        )
    return causes


def _validate_service_update(new: Object, old: Object) -> list[Cause]:
    """ValidateServiceUpdate: cluster IPs and IP families stay as allocated (see defaults.normalize_service_update)."""
    spec, old_spec = _dict(new.get("spec")), _dict(old.get("spec"))
    causes = validate_object_meta_update(new, old)
    if "ExternalName" not in (spec.get("type"), old_spec.get("type")):
        causes += _cluster_ips_update(spec, old_spec) + _ip_families_update(spec, old_spec)
    both_balanced = spec.get("type") == old_spec.get("type") == "LoadBalancer"
    if both_balanced and spec.get("loadBalancerClass") != old_spec.get("loadBalancerClass"):
        balancer_class = named(spec.get("loadBalancerClass"))
        causes.append(invalid_value("spec.loadBalancerClass", balancer_class, "may not change once set"))
    checks_health = (
        both_balanced and spec.get("externalTrafficPolicy") == old_spec.get("externalTrafficPolicy") == "Local"
    )
    if checks_health and spec.get("healthCheckNodePort") != old_spec.get("healthCheckNodePort"):
        causes.append(forbidden("spec.healthCheckNodePort", _IMMUTABLE))
    return causes + _validate_service(new)


def _cluster_ips_update(spec: Mapping[str, Any], old: Mapping[str, Any]) -> list[Cause]:
    if _is_headless(spec) and _is_headless(old):
        return []
    new_ips, old_ips = (
        [str(ip) for ip in _list(spec.get("clusterIPs"))],
        [str(ip) for ip in _list(old.get("clusterIPs"))],
    )
    shown = new_ips if new_ips else named(None)
    if len(new_ips) == len(old_ips):
        return [
            invalid_value(f"spec.clusterIPs[{position}]", shown, "may not change once set")
            for position, ip in enumerate(old_ips)
            if ip != new_ips[position]
        ]
    causes: list[Cause] = []
    if len(old_ips) > len(new_ips):
        if not new_ips:
            causes.append(invalid_value("spec.clusterIPs[0]", shown, "primary clusterIP can not be unset"))
        if old_ips and new_ips and new_ips[0] != old_ips[0]:
            causes.append(invalid_value("spec.clusterIPs[0]", shown, "may not change once set"))
        if len(new_ips) == 1 and spec.get("ipFamilyPolicy") != "SingleStack":
            causes.append(
                invalid_value(
                    "spec.ipFamilyPolicy",
                    named(spec.get("ipFamilyPolicy")),
                    "must be set to 'SingleStack' when releasing the secondary clusterIP",
                )
            )
    elif old_ips and new_ips[0] != old_ips[0]:
        causes.append(invalid_value("spec.clusterIPs[0]", shown, "may not change once set"))
    return causes


def _ip_families_update(spec: Mapping[str, Any], old: Mapping[str, Any]) -> list[Cause]:
    if _is_headless(spec) or _is_headless(old):
        return []
    families, old_families = _list(spec.get("ipFamilies")), _list(old.get("ipFamilies"))
    shown = named(families if families else None)
    if len(families) == len(old_families):
        return [
            invalid_value("spec.ipFamilies[0]", shown, "may not change once set")
            for position, family in enumerate(old_families)
            if family != families[position]
        ]
    if len(old_families) > len(families):
        causes: list[Cause] = []
        if not _list(spec.get("clusterIPs")):
            causes.append(invalid_value("spec.ipFamilies[0]", shown, "primary ipFamily can not be unset"))
        if families and families[0] != old_families[0]:
            causes.append(
                invalid_value(
                    "spec.ipFamilies[0]", named(_list(spec.get("clusterIPs")) or None), "may not change once set"
                )
            )
        if len(families) == 1 and spec.get("ipFamilyPolicy") != "SingleStack":
            causes.append(
                invalid_value(
                    "spec.ipFamilyPolicy",
                    named(spec.get("ipFamilyPolicy")),
                    "must be set to 'SingleStack' when releasing the secondary ipFamily",
                )
            )
        return causes
    if old_families and families and families[0] != old_families[0]:
        return [
            invalid_value("spec.ipFamilies[0]", named(_list(spec.get("clusterIPs")) or None), "may not change once set")
        ]
    return []


_MAX_CONFIG_BYTES = 1024 * 1024


def _validate_config_map(config_map: Object) -> list[Cause]:
    causes = validate_object_meta(config_map, subdomain_name)
    data, binary = _dict(config_map.get("data")), _dict(config_map.get("binaryData"))
    size = 0
    for name, value in data.items():
        causes += [invalid_value(f"data[{name}]", name, msg) for msg in config_key_errors(name)]
        if name in binary:
            causes.append(invalid_value(f"data[{name}]", name, "duplicate of key present in binaryData"))
        size += len(str(value).encode())
    for name, value in binary.items():
        causes += [invalid_value(f"binaryData[{name}]", name, msg) for msg in config_key_errors(name)]
        size += len(_base64_bytes(value))
    if size > _MAX_CONFIG_BYTES:
        causes.append(too_long("", _MAX_CONFIG_BYTES))
    return causes


def _base64_bytes(value: Any) -> bytes:
    try:
        return base64.b64decode(str(value))
    except ValueError:
        return b""


def _immutable_data(new: Object, old: Object, members: Sequence[str]) -> list[Cause]:
    if old.get("immutable") is not True:
        return []
    causes = (
        [] if new.get("immutable") is True else [forbidden("immutable", "field is immutable when `immutable` is set")]
    )
    return causes + [
        forbidden(member, "field is immutable when `immutable` is set")
        for member in members
        if (new.get(member) or None) != (old.get(member) or None)
    ]


_SECRET_REQUIRED_KEYS = {
    "kubernetes.io/dockercfg": (".dockercfg",),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
}


def _validate_secret(secret: Object) -> list[Cause]:
    causes = validate_object_meta(secret, subdomain_name)
    data = _dict(secret.get("data"))
    size = 0
    for name, value in data.items():
        causes += [invalid_value(f"data[{name}]", name, msg) for msg in config_key_errors(name)]
        size += len(_base64_bytes(value))
    if size > _MAX_CONFIG_BYTES:
        causes.append(too_long("data", _MAX_CONFIG_BYTES))
    kind = secret.get("type") or ""
    if kind == "kubernetes.io/service-account-token":
        if not _dict(_metadata(secret).get("annotations")).get("kubernetes.io/service-account.name"):
            causes.append(required("metadata.annotations[kubernetes.io/service-account.name]"))
    elif kind == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            causes += [required("data[username]"), required("data[password]")]
    elif kind in _SECRET_REQUIRED_KEYS:
        causes += _secret_keys(kind, data)
    return causes


def _secret_keys(kind: str, data: Mapping[str, Any]) -> list[Cause]:
    causes: list[Cause] = []
    for name in _SECRET_REQUIRED_KEYS[kind]:
        if name not in data or (kind == "kubernetes.io/ssh-auth" and not _base64_bytes(data[name])):
            causes.append(required(f"data[{name}]"))
            if kind != "kubernetes.io/tls":
                return causes
        elif kind in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
            try:
                parsed = json.loads(_base64_bytes(data[name]) or b"null")
            except ValueError as error:
                return [invalid_value(f"data[{name}]", "<secret contents redacted>", str(error))]
            if not isinstance(parsed, dict):
                detail = cannot_unmarshal(parsed, GO_MAP)
                return [invalid_value(f"data[{name}]", "<secret contents redacted>", detail)]
    return causes


def _validate_namespace(namespace: Object) -> list[Cause]:
    causes = validate_object_meta(namespace, label_name)
    finalizers = [str(item) for item in _list(_dict(namespace.get("spec")).get("finalizers"))]
    for name in finalizers:
        causes += [invalid_value("spec.finalizers", name, msg) for msg in label_key_errors(name)]
        if not _kube_finalizer_name(name):
            causes.append(invalid_value("spec.finalizers", name, _KUBE_FINALIZER_MESSAGE))
    return causes


_ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")


def _validate_persistent_volume_claim(claim: Object) -> list[Cause]:
    return validate_object_meta(claim, subdomain_name) + _claim_spec(_dict(claim.get("spec")), "spec")


def _claim_spec(spec: Mapping[str, Any], path: str) -> list[Cause]:
    modes = _list(spec.get("accessModes"))
    causes = [] if modes else [required(child(path, "accessModes"), "at least 1 access mode is required")]
    if spec.get("selector") is not None:
        causes += validate_label_selector(_dict(spec.get("selector")), child(path, "selector"))
    for mode in modes:
        if mode not in _ACCESS_MODES:
            causes.append(not_supported(child(path, "accessModes"), named(mode), _ACCESS_MODES))
    if "ReadWriteOncePod" in modes and any(mode in _ACCESS_MODES and mode != "ReadWriteOncePod" for mode in modes):
        causes.append(forbidden(child(path, "accessModes"), "may not use ReadWriteOncePod with other access modes"))
    storage_path = key(child(path, "resources"), "storage")
    requests = _dict(_dict(spec.get("resources")).get("requests"))
    if "storage" not in requests:
        causes.append(required(storage_path))
    elif _quantity(requests["storage"]).value <= 0:
        causes.append(invalid_value(storage_path, str(_quantity(requests["storage"])), "must be greater than zero"))
    storage_class = spec.get("storageClassName")
    if isinstance(storage_class, str) and storage_class:
        causes += [
            invalid_value(child(path, "storageClassName"), storage_class, m)
            for m in subdomain_name(storage_class, False)
        ]
    mode = spec.get("volumeMode")
    if mode is not None and mode not in ("Block", "Filesystem"):
        causes.append(not_supported(child(path, "volumeMode"), named(mode), ["Block", "Filesystem"]))
    return causes


def _validate_persistent_volume_claim_update(new: Object, old: Object) -> list[Cause]:
    causes = validate_object_meta_update(new, old) + _validate_persistent_volume_claim(new)
    spec, old_spec = json.loads(json.dumps(_dict(new.get("spec")))), _dict(old.get("spec"))
    if not old_spec.get("volumeName"):
        spec["volumeName"] = old_spec.get("volumeName")
        if spec["volumeName"] is None:
            del spec["volumeName"]
    bound = _dict(new.get("status")).get("phase") == "Bound"
    if bound:
        new_requests = _dict(spec.get("resources")).get("requests")
        old_storage = _dict(_dict(old_spec.get("resources")).get("requests")).get("storage")
        if isinstance(new_requests, dict) and old_storage is not None:
            new_requests["storage"] = old_storage
        if "volumeAttributesClassName" in spec or "volumeAttributesClassName" in old_spec:
            spec["volumeAttributesClassName"] = old_spec.get("volumeAttributesClassName")
    if spec != old_spec:
        detail = (
            "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
        )
        causes.append(forbidden("spec", f"{detail}\n{_spec_diff(old_spec, spec)}"))
    new_size = _quantity(_dict(_dict(_dict(new.get("spec")).get("resources")).get("requests")).get("storage") or 0)
    old_size = _quantity(_dict(_dict(old_spec.get("resources")).get("requests")).get("storage") or 0)
    status_size = _quantity(_dict(_dict(old.get("status")).get("capacity")).get("storage") or 0)
    if new_size.value < old_size.value and new_size.value <= status_size.value:
        causes.append(forbidden("spec.resources.requests.storage", "field can not be less than status.capacity"))
    return causes


def _validate_ingress(ingress: Object) -> list[Cause]:
    causes = validate_object_meta(ingress, subdomain_name)
    for position, rule in enumerate(_list(_dict(ingress.get("spec")).get("rules"))):
        for number, http_path in enumerate(_list(_dict(_dict(rule).get("http")).get("paths"))):
            causes += _ingress_path(_dict(http_path), f"spec.rules[{position}].http.paths[{number}]")
    return causes


def _ingress_path(http_path: Mapping[str, Any], path: str) -> list[Cause]:
    kind, target = http_path.get("pathType"), str(http_path.get("path") or "")
    if kind is None:
        return [required(child(path, "pathType"), "pathType must be specified")]
    if kind not in ("Exact", "ImplementationSpecific", "Prefix"):
        return [not_supported(child(path, "pathType"), named(kind), ["Exact", "ImplementationSpecific", "Prefix"])]
    if (kind != "ImplementationSpecific" or target) and not target.startswith("/"):
        return [invalid_value(child(path, "path"), target, "must be an absolute path")]
    return []


# =========================================================================================================
# The entry points of semantic validation
# =========================================================================================================

_CREATE: dict[tuple[str, str], Callable[[Object], list[Cause]]] = {
    ("", "Pod"): _validate_pod,
    ("", "PodTemplate"): _validate_pod_template_object,
    ("", "ReplicationController"): _validate_replication_controller,
    ("", "Service"): _validate_service,
    ("", "ConfigMap"): _validate_config_map,
    ("", "Secret"): _validate_secret,
    ("", "Namespace"): _validate_namespace,
    ("", "PersistentVolumeClaim"): _validate_persistent_volume_claim,
    ("apps", "Deployment"): _validate_deployment,
    ("apps", "ReplicaSet"): _validate_replica_set,
    ("apps", "DaemonSet"): _validate_daemon_set,
    ("apps", "StatefulSet"): _validate_stateful_set,
    ("batch", "Job"): _validate_job,
    ("batch", "CronJob"): _validate_cron_job,
    ("networking.k8s.io", "Ingress"): _validate_ingress,
}


def validate_create(kind: str, group: str, obj: Object) -> list[Cause]:
    """The causes of a 422 the server would answer a create of ``obj`` with, [] when it is valid.

    ``obj`` is the object as stored: defaulted, admitted, named (generateName resolved) and, for a
    Service, with its IPs and node ports allocated. Kinds without rules of their own get the metadata
    checks every object gets.
    """
    validator = _CREATE.get((group, kind))
    if validator is None:
        return validate_object_meta(obj, name_rule(group, kind))
    return validator(obj)


def _update_with_spec(
    create: Callable[[Object], list[Cause]], immutable: Sequence[str] = ()
) -> Callable[[Object, Object], list[Cause]]:
    """Update rules that re-run the create rules (without the name) and keep some spec fields."""

    def validate(new: Object, old: Object) -> list[Cause]:
        causes = validate_object_meta_update(new, old) + [
            cause for cause in create(new) if not cause[0].startswith("metadata.")
        ]
        spec, old_spec = _dict(new.get("spec")), _dict(old.get("spec"))
        for member in immutable:
            if _normalized(spec.get(member)) != _normalized(old_spec.get(member)):
                value = spec.get(member)
                causes.append(
                    invalid_value(
                        f"spec.{member}", selector_value(value) if member == "selector" else named(value), _IMMUTABLE
                    )
                )
        return causes

    return validate


def _normalized(value: Any) -> Any:
    """A value as Go's semantic equality compares it: empty maps and lists equal to absent ones."""
    if isinstance(value, dict):
        return {name: _normalized(item) for name, item in value.items() if item not in (None, {}, [])}
    return value


def _validate_stateful_set_update(new: Object, old: Object) -> list[Cause]:
    causes = validate_object_meta_update(new, old) + _stateful_set_spec(_dict(new.get("spec")))
    spec, old_spec = _dict(new.get("spec")), _dict(old.get("spec"))
    kept = (
        "replicas",
        "ordinals",
        "template",
        "updateStrategy",
        "minReadySeconds",
        "persistentVolumeClaimRetentionPolicy",
    )
    if {name: value for name, value in spec.items() if name not in kept} != {
        name: value for name, value in old_spec.items() if name not in kept
    }:
        detail = (
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
            "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
        )
        causes.append(forbidden("spec", detail))
    return causes


def _validate_job_update(new: Object, old: Object) -> list[Cause]:
    causes = validate_object_meta_update(new, old)
    spec, old_spec = _dict(new.get("spec")), _dict(old.get("spec"))
    causes += _job_spec_with_selector(spec, "spec")
    if spec.get("completionMode") != "Indexed" and spec.get("completions") != old_spec.get("completions"):
        causes.append(invalid_value("spec.completions", named(spec.get("completions")), _IMMUTABLE))
    if _normalized(spec.get("selector")) != _normalized(old_spec.get("selector")):
        causes.append(invalid_value("spec.selector", selector_value(spec.get("selector")), _IMMUTABLE))
    template, old_template = _dict(spec.get("template")), json.loads(json.dumps(_dict(old_spec.get("template"))))
    suspended = old_spec.get("suspend") is True and not _dict(old.get("status")).get("startTime")
    if suspended:
        old_template.setdefault("metadata", {})
        for member in ("labels", "annotations"):
            old_template["metadata"][member] = _metadata(template).get(member)
        old_pod = old_template.setdefault("spec", {})
        for member in ("nodeSelector", "tolerations", "schedulingGates", "affinity"):
            old_pod[member] = _dict(template.get("spec")).get(member)
    if _normalized(template) != _normalized(old_template):
        causes.append(invalid_value("spec.template", named(template), _IMMUTABLE))
    for member in ("completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy"):
        if spec.get(member) != old_spec.get(member):
            causes.append(invalid_value(f"spec.{member}", named(spec.get(member)), _IMMUTABLE))
    return causes


def _validate_cron_job_update(new: Object, old: Object) -> list[Cause]:
    return validate_object_meta_update(new, old) + _cron_job_spec(_dict(new.get("spec")), _dict(old.get("spec")))


def _validate_secret_update(new: Object, old: Object) -> list[Cause]:
    causes = validate_object_meta_update(new, old)
    if (new.get("type") or "") != (old.get("type") or ""):
        causes.append(invalid_value("type", named(new.get("type") or ""), _IMMUTABLE))
    causes += _immutable_data(new, old, ("data",))
    return causes + [cause for cause in _validate_secret(new) if not cause[0].startswith("metadata.name")]


def _validate_config_map_update(new: Object, old: Object) -> list[Cause]:
    causes = validate_object_meta_update(new, old) + _immutable_data(new, old, ("data", "binaryData"))
    return causes + [cause for cause in _validate_config_map(new) if not cause[0].startswith("metadata.name")]


def _metadata_only_update(new: Object, old: Object) -> list[Cause]:
    return validate_object_meta_update(new, old)


_UPDATE: dict[tuple[str, str], Callable[[Object, Object], list[Cause]]] = {
    ("", "Pod"): _validate_pod_update,
    ("", "Service"): _validate_service_update,
    ("", "Secret"): _validate_secret_update,
    ("", "ConfigMap"): _validate_config_map_update,
    ("", "Namespace"): _metadata_only_update,
    ("", "PersistentVolumeClaim"): _validate_persistent_volume_claim_update,
    ("apps", "Deployment"): _update_with_spec(_validate_deployment, ("selector",)),
    ("apps", "ReplicaSet"): _update_with_spec(_validate_replica_set, ("selector",)),
    ("apps", "DaemonSet"): _update_with_spec(_validate_daemon_set, ("selector",)),
    ("apps", "StatefulSet"): _validate_stateful_set_update,
    ("batch", "Job"): _validate_job_update,
    ("batch", "CronJob"): _validate_cron_job_update,
}


def validate_update(kind: str, group: str, old: Object, new: Object) -> list[Cause]:
    """The causes of a 422 for replacing ``old`` with ``new`` (both as stored, ``new`` defaulted)."""
    validator = _UPDATE.get((group, kind))
    if validator is not None:
        return validator(new, old)
    create = _CREATE.get((group, kind))
    if create is None:
        return validate_object_meta_update(new, old)
    return _update_with_spec(create)(new, old)

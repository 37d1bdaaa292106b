"""Kubernetes protobuf bodies (`application/vnd.kubernetes.protobuf`) as the dicts the JSON API works with.

kubectl (1.32 and later) sends the typed objects it builds itself as protobuf: every `kubectl create <kind>`
generator, `create job --from`, `autoscale`, `create token`, `auth can-i` and `auth whoami` (kubectl 1.37's `run`,
`expose` and `drain` send JSON). A body is the magic `k8s\\x00` followed by a runtime.Unknown envelope: typeMeta
(apiVersion, kind), the object's own message as bytes, contentEncoding and contentType.

MESSAGES restates the field numbers of Kubernetes' generated.proto files for every message reachable from the kinds
in KINDS, together with the facts of the Go types that decide what the JSON looks like. Go writes every non-pointer
field to the wire, zero or not, while its JSON drops zero `omitempty` fields; with those facts a decoded body is the
dict kubectl would have sent as JSON for the same object: camelCase names, times as RFC 3339 strings, quantities as
strings, int-or-string values as int or str, bytes as base64. Field numbers not in the table are skipped, as the
apiserver's generated code skips them.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

CONTENT_TYPE = "application/vnd.kubernetes.protobuf"
MAGIC = b"k8s\x00"


class ProtobufError(ValueError):
    """A body that is not a valid Kubernetes protobuf message, worded as the apiserver's decoder words it.

    api_version and kind are those of the envelope when it could be read: the apiserver then answers
    `<kind> in version "<version>" cannot be handled as a <Kind>: <message>`, and otherwise
    `the object provided is unrecognized (must be of type <Kind>): <message> (<hex of the first 30 bytes> ...)`.
    """

    def __init__(self, message: str, *, api_version: str | None = None, kind: str | None = None) -> None:
        super().__init__(message)
        self.api_version, self.kind = api_version, kind


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a message: its JSON name, its type and the Go facts that shape its JSON.

    type: "string", "bytes", "bool", "int32", "int64", or the name of a message (a key of MESSAGES, or one of the
        types with their own JSON form: meta.v1.Time, resource.Quantity, intstr.IntOrString, ...).
    map: a map with string keys (entries with key 1, value 2) whose values are of `type`.
    pointer: the Go field is a pointer, so a zero value on the wire was set on purpose (`replicas: 0`).
    omitempty: the JSON tag has omitempty, so a zero scalar (or an empty list) is left out of the JSON;
        a list or map without it is `null` when absent, as Go writes a nil slice.
    omitzero: the JSON tag has omitzero: a zero time is left out rather than written as null.
    inline: the Go field is embedded without a JSON name; its fields appear in the enclosing object.
    """

    name: str
    type: str
    repeated: bool = False
    map: bool = False
    pointer: bool = False
    omitempty: bool = True
    omitzero: bool = False
    inline: bool = False


_API_GROUPS = {
    "core": "",
    "apps": "apps",
    "batch": "batch",
    "autoscaling": "autoscaling",
    "networking": "networking.k8s.io",
    "rbac": "rbac.authorization.k8s.io",
    "policy": "policy",
    "scheduling": "scheduling.k8s.io",
    "authentication": "authentication.k8s.io",
    "authorization": "authorization.k8s.io",
}
_TOP_LEVEL = (
    "core.v1.Pod",
    "core.v1.PodList",
    "core.v1.ConfigMap",
    "core.v1.ConfigMapList",
    "core.v1.Secret",
    "core.v1.SecretList",
    "core.v1.Namespace",
    "core.v1.NamespaceList",
    "core.v1.Service",
    "core.v1.ServiceList",
    "core.v1.ServiceAccount",
    "core.v1.ServiceAccountList",
    "core.v1.ResourceQuota",
    "core.v1.ResourceQuotaList",
    "apps.v1.Deployment",
    "apps.v1.DeploymentList",
    "apps.v1.ReplicaSet",
    "apps.v1.ReplicaSetList",
    "apps.v1.StatefulSet",
    "apps.v1.StatefulSetList",
    "apps.v1.DaemonSet",
    "apps.v1.DaemonSetList",
    "batch.v1.Job",
    "batch.v1.JobList",
    "batch.v1.CronJob",
    "batch.v1.CronJobList",
    "autoscaling.v1.HorizontalPodAutoscaler",
    "autoscaling.v1.HorizontalPodAutoscalerList",
    "autoscaling.v1.Scale",
    "autoscaling.v2.HorizontalPodAutoscaler",
    "autoscaling.v2.HorizontalPodAutoscalerList",
    "networking.v1.Ingress",
    "networking.v1.IngressList",
    "rbac.v1.Role",
    "rbac.v1.RoleList",
    "rbac.v1.RoleBinding",
    "rbac.v1.RoleBindingList",
    "rbac.v1.ClusterRole",
    "rbac.v1.ClusterRoleList",
    "rbac.v1.ClusterRoleBinding",
    "rbac.v1.ClusterRoleBindingList",
    "policy.v1.PodDisruptionBudget",
    "policy.v1.PodDisruptionBudgetList",
    "policy.v1.Eviction",
    "scheduling.v1.PriorityClass",
    "scheduling.v1.PriorityClassList",
    "authentication.v1.TokenRequest",
    "authentication.v1.SelfSubjectReview",
    "authorization.v1.SelfSubjectAccessReview",
    "authorization.v1.SelfSubjectRulesReview",
)
# The apiserver registers these meta.k8s.io kinds in every group version.
_META_KINDS = ("Status", "DeleteOptions")
# The scheme the kube-apiserver names when it meets a kind it does not know.
_SCHEME = "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"


def _api_version(message: str) -> str:
    package, version, _ = message.split(".")
    group = _API_GROUPS[package]
    return f"{group}/{version}" if group else version


KINDS: dict[tuple[str, str], str] = {(_api_version(m), m.rsplit(".", 1)[1]): m for m in _TOP_LEVEL}


def message_for(api_version: str, kind: str) -> str:
    """The MESSAGES name for an envelope's apiVersion and kind."""
    if kind in _META_KINDS:
        return f"meta.v1.{kind}"
    message = KINDS.get((api_version, kind))
    if message is None:
        raise ProtobufError(f'no kind "{kind}" is registered for version "{api_version}" in scheme "{_SCHEME}"')
    return message


def decode_object(body: bytes) -> dict[str, Any]:
    """A protobuf request body as the JSON object kubectl would have sent: {"apiVersion", "kind", ...}."""
    api_version, kind, raw = _open_envelope(body)
    try:
        obj = _to_json(message_for(api_version, kind), raw)
    except ProtobufError as error:
        raise ProtobufError(str(error), api_version=api_version, kind=kind) from None
    return {"apiVersion": api_version, "kind": kind, **obj}


def encode_object(obj: Mapping[str, Any]) -> bytes:
    """A JSON object of one of the KINDS (or Status, DeleteOptions) as a protobuf body; nulls are not written."""
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        raise ProtobufError("cannot encode an object without a string apiVersion and kind")
    raw = _from_json(message_for(api_version, kind), obj)
    type_meta = _encode_scalars(_TYPE_META, {1: api_version, 2: kind})
    # Go writes the envelope's empty contentEncoding and contentType too.
    return MAGIC + _encode_scalars(_UNKNOWN, {1: type_meta, 2: raw, 3: "", 4: ""})


def _open_envelope(body: bytes) -> tuple[str, str, bytes]:
    if not body:
        raise ProtobufError("empty data")
    if not body.startswith(MAGIC):
        prefix = " ".join(str(byte) for byte in MAGIC)
        raise ProtobufError(f"provided data does not appear to be a protobuf message, expected prefix [{prefix}]")
    if len(body) == len(MAGIC):
        raise ProtobufError("empty body")
    envelope = _parse(body[len(MAGIC) :], "runtime.Unknown", _UNKNOWN)
    type_meta = _parse(envelope.get(1, b""), "runtime.TypeMeta", _TYPE_META)
    api_version, kind = type_meta.get(1, ""), type_meta.get(2, "")
    described = f"runtime.TypeMeta{{APIVersion:{json.dumps(api_version)}, Kind:{json.dumps(kind)}}}"
    if not kind:
        raise ProtobufError(f"Object 'Kind' is missing in '{described}'")
    if not api_version:
        raise ProtobufError(f"Object 'apiVersion' is missing in '{described}'")
    return api_version, kind, envelope.get(2, b"")


# The wire.

_VARINT, _FIXED64, _LENGTH_DELIMITED, _START_GROUP, _END_GROUP, _FIXED32 = range(6)
_WIRE_TYPES = {
    "bool": _VARINT,
    "int32": _VARINT,
    "int64": _VARINT,
    "string": _LENGTH_DELIMITED,
    "bytes": _LENGTH_DELIMITED,
}
_UINT64 = (1 << 64) - 1
_UNEXPECTED_EOF = "unexpected EOF"
_NEGATIVE_LENGTH = "proto: negative length found during unmarshaling"

_UNKNOWN = {
    1: Field("typeMeta", "runtime.TypeMeta"),
    2: Field("raw", "bytes"),
    3: Field("contentEncoding", "string"),
    4: Field("contentType", "string"),
}
_TYPE_META = {1: Field("apiVersion", "string"), 2: Field("kind", "string")}


class _Reader:
    __slots__ = ("data", "end", "pos")

    def __init__(self, data: bytes) -> None:
        self.data, self.pos, self.end = data, 0, len(data)

    def at_end(self) -> bool:
        return self.pos >= self.end

    def varint(self) -> int:
        result = shift = 0
        while True:
            if shift >= 64:
                raise ProtobufError("proto: integer overflow")
            if self.pos >= self.end:
                raise ProtobufError(_UNEXPECTED_EOF)
            byte = self.data[self.pos]
            self.pos += 1
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                return result & _UINT64
            shift += 7

    def skip(self, count: int) -> int:
        """Moves past count bytes and returns where they start."""
        if count > self.end - self.pos:
            raise ProtobufError(_UNEXPECTED_EOF)
        start, self.pos = self.pos, self.pos + count
        return start

    def chunk(self) -> bytes:
        length = self.varint()
        if length >= 1 << 63:  # Go reads lengths as a signed int
            raise ProtobufError(_NEGATIVE_LENGTH)
        start = self.skip(length)
        return self.data[start : start + length]


def _signed(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _go_name(field: Field) -> str:
    return field.name[:1].upper() + field.name[1:]


def _parse(data: bytes, message: str, fields: Mapping[int, Field]) -> dict[int, Any]:
    """The fields of one message on the wire, by number: scalars as Python values, messages and map entries as their
    bytes, repeated fields as lists. Unknown field numbers are skipped."""
    label = message.rsplit(".", 1)[-1]
    reader = _Reader(data)
    parsed: dict[int, Any] = {}
    while not reader.at_end():
        tag = reader.varint()
        number, wire_type = _signed(tag >> 3, 32), tag & 7
        if wire_type == _END_GROUP:
            raise ProtobufError(f"proto: {label}: wiretype end group for non-group")
        if number <= 0:
            raise ProtobufError(f"proto: {label}: illegal tag {number} (wire type {tag})")
        field = fields.get(number)
        if field is None:
            _skip_field(reader, wire_type)
        elif field.repeated or field.map:
            parsed.setdefault(number, []).extend(_read_repeated(reader, field, wire_type))
        else:
            parsed[number] = _read_single(reader, field, wire_type)
    return parsed


def _skip_field(reader: _Reader, wire_type: int) -> None:
    depth = 0
    while True:
        if wire_type == _VARINT:
            reader.varint()
        elif wire_type == _FIXED64:
            reader.skip(8)
        elif wire_type == _LENGTH_DELIMITED:
            reader.chunk()
        elif wire_type == _START_GROUP:
            depth += 1
        elif wire_type == _END_GROUP:
            if depth == 0:
                raise ProtobufError("proto: unexpected end of group")
            depth -= 1
        elif wire_type == _FIXED32:
            reader.skip(4)
        else:
            raise ProtobufError(f"proto: illegal wireType {wire_type}")
        if depth == 0:
            return
        wire_type = reader.varint() & 7


def _read_single(reader: _Reader, field: Field, wire_type: int) -> Any:
    _check_wire_type(field, wire_type, _WIRE_TYPES.get(field.type, _LENGTH_DELIMITED))
    return _read_payload(reader, field.type)


def _check_wire_type(field: Field, wire_type: int, expected: int) -> None:
    if wire_type != expected:
        raise ProtobufError(f"proto: wrong wireType = {wire_type} for field {_go_name(field)}")


def _read_repeated(reader: _Reader, field: Field, wire_type: int) -> list[Any]:
    if field.map:
        _check_wire_type(field, wire_type, _LENGTH_DELIMITED)
        return [reader.chunk()]
    if _WIRE_TYPES.get(field.type) != _VARINT or wire_type != _LENGTH_DELIMITED:
        return [_read_single(reader, field, wire_type)]
    # Packed numbers: the generated code accepts them, though Kubernetes itself writes them one by one.
    packed = _Reader(reader.chunk())
    values = []
    while not packed.at_end():
        values.append(_read_payload(packed, field.type))
    return values


def _read_payload(reader: _Reader, type_: str) -> Any:
    if type_ == "bool":
        return reader.varint() != 0
    if type_ == "int32":
        return _signed(reader.varint(), 32)
    if type_ == "int64":
        return _signed(reader.varint(), 64)
    chunk = reader.chunk()
    # Go keeps invalid UTF-8 in strings and its JSON writes U+FFFD for it.
    return chunk.decode("utf-8", "replace") if type_ == "string" else chunk


def _write_varint(out: bytearray, value: int) -> None:
    value &= _UINT64
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)


def _write_field(out: bytearray, number: int, type_: str, value: Any) -> None:
    """Writes one value: a scalar of type_, or the bytes of an encoded message."""
    wire_type = _WIRE_TYPES.get(type_, _LENGTH_DELIMITED)
    _write_varint(out, number << 3 | wire_type)
    if wire_type == _VARINT:
        _write_varint(out, int(value))
        return
    payload = value.encode() if type_ == "string" else value
    _write_varint(out, len(payload))
    out += payload


def _encode_scalars(fields: Mapping[int, Field], values: Mapping[int, Any]) -> bytes:
    out = bytearray()
    for number, value in values.items():
        field = fields[number]
        for item in value if field.repeated else [value]:
            _write_field(out, number, field.type, item)
    return bytes(out)


# JSON from the wire.


def _to_json(message: str, data: bytes) -> Any:
    special = _SPECIALS.get(message)
    if special is not None:
        return special.to_json(data)
    fields = MESSAGES[message]
    parsed = _parse(data, message, fields)
    obj: dict[str, Any] = {}
    for number, field in fields.items():
        if number not in parsed:
            if (field.repeated or field.map) and not field.omitempty:
                obj[field.name] = None
            continue
        value = _field_to_json(field, parsed[number])
        if field.inline:
            obj.update(value)
        elif _in_go_json(field, value):
            obj[field.name] = value
    return obj


def _in_go_json(field: Field, value: Any) -> bool:
    """Whether Go's encoding/json writes this decoded value (Go writes every non-pointer field to the wire)."""
    if value is None:
        return not field.omitzero
    if field.pointer or not field.omitempty:
        return True
    if field.repeated or field.map:
        return bool(value)
    return field.type not in _WIRE_TYPES or value not in ("", 0, False)


def _field_to_json(field: Field, raw: Any) -> Any:
    if field.map:
        return dict(_map_entry_to_json(field.type, entry) for entry in raw)
    if field.repeated:
        return [_value_to_json(field.type, item) for item in raw]
    return _value_to_json(field.type, raw)


def _value_to_json(type_: str, raw: Any) -> Any:
    if type_ == "bytes":
        return base64.b64encode(raw).decode("ascii")
    if type_ in _WIRE_TYPES:
        return raw
    return _to_json(type_, raw)


@functools.cache
def _map_entry(value_type: str) -> dict[int, Field]:
    return {1: Field("key", "string"), 2: Field("value", value_type)}


def _map_entry_to_json(value_type: str, entry: bytes) -> tuple[str, Any]:
    parsed = _parse(entry, "MapEntry", _map_entry(value_type))
    # An entry without a value holds the zero value, as in Go.
    return parsed.get(1, ""), _value_to_json(value_type, parsed.get(2, "" if value_type == "string" else b""))


# The wire from JSON.


def _from_json(message: str, value: Any) -> bytes:
    special = _SPECIALS.get(message)
    if special is not None:
        return special.from_json(value)
    if not isinstance(value, Mapping):
        raise _cannot_encode(message, "an object", value)
    out = bytearray()
    for number, field in MESSAGES[message].items():
        if field.inline:
            _write_field(out, number, field.type, _from_json(field.type, value))
            continue
        item = value.get(field.name)
        if item is not None:
            _write_json_field(out, number, field, item, f"{message}.{field.name}")
    return bytes(out)


def _write_json_field(out: bytearray, number: int, field: Field, value: Any, where: str) -> None:
    if field.map:
        if not isinstance(value, Mapping):
            raise _cannot_encode(where, "an object", value)
        # Sorted keys, as Kubernetes' generated code writes maps.
        for key in sorted(value):
            entry = bytearray()
            _write_field(entry, 1, "string", _checked_scalar("string", key, where))
            _write_field(entry, 2, field.type, _json_to_value(field.type, value[key], where))
            _write_field(out, number, "bytes", bytes(entry))
    elif field.repeated:
        if not isinstance(value, list):
            raise _cannot_encode(where, "a list", value)
        for item in value:
            _write_field(out, number, field.type, _json_to_value(field.type, item, where))
    else:
        _write_field(out, number, field.type, _json_to_value(field.type, value, where))


def _json_to_value(type_: str, value: Any, where: str) -> Any:
    if type_ == "bytes":
        if not isinstance(value, str):
            raise _cannot_encode(where, "a base64 string", value)
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error as error:
            raise ProtobufError(f"cannot encode {where}: illegal base64 data: {error}") from None
    if type_ in _WIRE_TYPES:
        return _checked_scalar(type_, value, where)
    return _from_json(type_, value)


_INT_RANGES = {"int32": 1 << 31, "int64": 1 << 63}


def _checked_scalar(type_: str, value: Any, where: str) -> Any:
    if type_ == "string" and isinstance(value, str):
        return value
    if type_ == "bool" and isinstance(value, bool):
        return value
    if type_ in _INT_RANGES and isinstance(value, int) and not isinstance(value, bool):
        if not -_INT_RANGES[type_] <= value < _INT_RANGES[type_]:
            raise ProtobufError(f"cannot encode {where}: {value} does not fit in {type_}")
        return value
    raise _cannot_encode(where, f"a {type_}", value)


def _cannot_encode(where: str, expected: str, value: Any) -> ProtobufError:
    return ProtobufError(f"cannot encode {where}: expected {expected}, got {type(value).__name__}")


# Types whose JSON is not an object of their fields.


@dataclass(frozen=True, slots=True)
class _Special:
    to_json: Callable[[bytes], Any]
    from_json: Callable[[Any], bytes]


_TIMESTAMP = {1: Field("seconds", "int64"), 2: Field("nanos", "int32")}
_QUANTITY = {1: Field("string", "string")}
_INT_OR_STRING = {1: Field("type", "int64"), 2: Field("intVal", "int32"), 3: Field("strVal", "string")}
_FIELDS_V1 = {1: Field("Raw", "bytes")}
_STRING_LIST = {1: Field("items", "string", repeated=True)}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _time_to_json(data: bytes) -> str | None:
    if not data:
        return None  # Go writes a zero time as an empty message
    # Nanoseconds are on the wire but Kubernetes' Time reads whole seconds only, like its JSON.
    seconds = _parse(data, "meta.v1.Timestamp", _TIMESTAMP).get(1, 0)
    try:
        moment = _EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        raise ProtobufError("Time.MarshalJSON: year outside of range [0,9999]") from None
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}Z"


def _time_from_json(value: Any) -> bytes:
    if not isinstance(value, str):
        raise _cannot_encode("meta.v1.Time", "an RFC 3339 string", value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ProtobufError(f'cannot encode meta.v1.Time: "{value}" is not an RFC 3339 time')
    # Like Go, only whole seconds go on the wire (nanos 0).
    return _encode_scalars(_TIMESTAMP, {1: calendar.timegm(moment.utctimetuple()), 2: 0})


def _quantity_to_json(data: bytes) -> str:
    return _parse(data, "resource.Quantity", _QUANTITY).get(1, "0")


def _quantity_from_json(value: Any) -> bytes:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _cannot_encode("resource.Quantity", "a string or number", value)
    return _encode_scalars(_QUANTITY, {1: str(value)})


def _int_or_string_to_json(data: bytes) -> int | str:
    parsed = _parse(data, "intstr.IntOrString", _INT_OR_STRING)
    kind = parsed.get(1, 0)
    if kind == 0:
        return int(parsed.get(2, 0))
    if kind == 1:
        return str(parsed.get(3, ""))
    raise ProtobufError("impossible IntOrString.Type")


def _int_or_string_from_json(value: Any) -> bytes:
    if isinstance(value, str):
        return _encode_scalars(_INT_OR_STRING, {1: 1, 2: 0, 3: value})
    return _encode_scalars(_INT_OR_STRING, {1: 0, 2: _checked_scalar("int32", value, "intstr.IntOrString"), 3: ""})


def _fields_v1_to_json(data: bytes) -> Any:
    raw = _parse(data, "meta.v1.FieldsV1", _FIELDS_V1).get(1, b"")
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError as error:
        raise ProtobufError(f"proto: FieldsV1: invalid JSON: {error}") from None


def _fields_v1_from_json(value: Any) -> bytes:
    return _encode_scalars(_FIELDS_V1, {1: json.dumps(value, separators=(",", ":")).encode()})


def _string_list_to_json(data: bytes) -> list[str] | None:
    return _parse(data, "StringList", _STRING_LIST).get(1)


def _string_list_from_json(value: Any) -> bytes:
    if not isinstance(value, list):
        raise _cannot_encode("a list of strings", "a list", value)
    return _encode_scalars(_STRING_LIST, {1: [_checked_scalar("string", item, "a list of strings") for item in value]})


_STRING_LIST_CODEC = _Special(_string_list_to_json, _string_list_from_json)
_SPECIALS: dict[str, _Special] = {
    "meta.v1.Time": _Special(_time_to_json, _time_from_json),
    "resource.Quantity": _Special(_quantity_to_json, _quantity_from_json),
    "intstr.IntOrString": _Special(_int_or_string_to_json, _int_or_string_from_json),
    "meta.v1.FieldsV1": _Special(_fields_v1_to_json, _fields_v1_from_json),
    # Go slices of strings that protobuf wraps in a message.
    "authentication.v1.ExtraValue": _STRING_LIST_CODEC,
    "authentication.v1.AttestationValue": _STRING_LIST_CODEC,
}


# The messages, by proto package and name. Field numbers from Kubernetes 1.37's generated.proto files (k8s.io/api and
# k8s.io/apimachinery); JSON names and the pointer, omitempty, omitzero and inline facts from the Go types behind them.
MESSAGES: dict[str, dict[int, Field]] = {
    "core.v1.Pod": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "core.v1.PodSpec"),
        3: Field("status", "core.v1.PodStatus"),
    },
    "core.v1.PodList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "core.v1.Pod", repeated=True, omitempty=False),
    },
    "core.v1.ConfigMap": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("data", "string", map=True),
        3: Field("binaryData", "bytes", map=True),
        4: Field("immutable", "bool", pointer=True),
    },
    "core.v1.ConfigMapList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "core.v1.ConfigMap", repeated=True, omitempty=False),
    },
    "core.v1.Secret": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("data", "bytes", map=True),
        3: Field("type", "string"),
        4: Field("stringData", "string", map=True),
        5: Field("immutable", "bool", pointer=True),
    },
    "core.v1.SecretList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "core.v1.Secret", repeated=True, omitempty=False),
    },
    "core.v1.Namespace": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "core.v1.NamespaceSpec"),
        3: Field("status", "core.v1.NamespaceStatus"),
    },
    "core.v1.NamespaceList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "core.v1.Namespace", repeated=True, omitempty=False),
    },
    "core.v1.Service": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "core.v1.ServiceSpec"),
        3: Field("status", "core.v1.ServiceStatus"),
    },
    "core.v1.ServiceList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "core.v1.Service", repeated=True, omitempty=False),
    },
    "core.v1.ServiceAccount": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("secrets", "core.v1.ObjectReference", repeated=True),
        3: Field("imagePullSecrets", "core.v1.LocalObjectReference", repeated=True),
        4: Field("automountServiceAccountToken", "bool", pointer=True),
    },
    "core.v1.ServiceAccountList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "core.v1.ServiceAccount", repeated=True, omitempty=False),
    },
    "core.v1.ResourceQuota": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "core.v1.ResourceQuotaSpec"),
        3: Field("status", "core.v1.ResourceQuotaStatus"),
    },
    "core.v1.ResourceQuotaList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "core.v1.ResourceQuota", repeated=True, omitempty=False),
    },
    "core.v1.PodSpec": {
        1: Field("volumes", "core.v1.Volume", repeated=True),
        2: Field("containers", "core.v1.Container", repeated=True, omitempty=False),
        3: Field("restartPolicy", "string"),
        4: Field("terminationGracePeriodSeconds", "int64", pointer=True),
        5: Field("activeDeadlineSeconds", "int64", pointer=True),
        6: Field("dnsPolicy", "string"),
        7: Field("nodeSelector", "string", map=True),
        8: Field("serviceAccountName", "string"),
        9: Field("serviceAccount", "string"),
        10: Field("nodeName", "string"),
        11: Field("hostNetwork", "bool"),
        12: Field("hostPID", "bool"),
        13: Field("hostIPC", "bool"),
        14: Field("securityContext", "core.v1.PodSecurityContext"),
        15: Field("imagePullSecrets", "core.v1.LocalObjectReference", repeated=True),
        16: Field("hostname", "string"),
        17: Field("subdomain", "string"),
        18: Field("affinity", "core.v1.Affinity"),
        19: Field("schedulerName", "string"),
        20: Field("initContainers", "core.v1.Container", repeated=True),
        21: Field("automountServiceAccountToken", "bool", pointer=True),
        22: Field("tolerations", "core.v1.Toleration", repeated=True),
        23: Field("hostAliases", "core.v1.HostAlias", repeated=True),
        24: Field("priorityClassName", "string"),
        25: Field("priority", "int32", pointer=True),
        26: Field("dnsConfig", "core.v1.PodDNSConfig"),
        27: Field("shareProcessNamespace", "bool", pointer=True),
        28: Field("readinessGates", "core.v1.PodReadinessGate", repeated=True),
        29: Field("runtimeClassName", "string", pointer=True),
        30: Field("enableServiceLinks", "bool", pointer=True),
        31: Field("preemptionPolicy", "string", pointer=True),
        32: Field("overhead", "resource.Quantity", map=True),
        33: Field("topologySpreadConstraints", "core.v1.TopologySpreadConstraint", repeated=True),
        34: Field("ephemeralContainers", "core.v1.EphemeralContainer", repeated=True),
        35: Field("setHostnameAsFQDN", "bool", pointer=True),
        36: Field("os", "core.v1.PodOS"),
        37: Field("hostUsers", "bool", pointer=True),
        38: Field("schedulingGates", "core.v1.PodSchedulingGate", repeated=True),
        39: Field("resourceClaims", "core.v1.PodResourceClaim", repeated=True),
        40: Field("resources", "core.v1.ResourceRequirements"),
        41: Field("hostnameOverride", "string", pointer=True),
        43: Field("schedulingGroup", "core.v1.PodSchedulingGroup"),
        44: Field("evictionResponders", "core.v1.EvictionResponder", repeated=True),
    },
    "core.v1.PodStatus": {
        1: Field("phase", "string"),
        2: Field("conditions", "core.v1.PodCondition", repeated=True),
        3: Field("message", "string"),
        4: Field("reason", "string"),
        5: Field("hostIP", "string"),
        6: Field("podIP", "string"),
        7: Field("startTime", "meta.v1.Time"),
        8: Field("containerStatuses", "core.v1.ContainerStatus", repeated=True),
        9: Field("qosClass", "string"),
        10: Field("initContainerStatuses", "core.v1.ContainerStatus", repeated=True),
        11: Field("nominatedNodeName", "string"),
        12: Field("podIPs", "core.v1.PodIP", repeated=True),
        13: Field("ephemeralContainerStatuses", "core.v1.ContainerStatus", repeated=True),
        14: Field("resize", "string"),
        15: Field("resourceClaimStatuses", "core.v1.PodResourceClaimStatus", repeated=True),
        16: Field("hostIPs", "core.v1.HostIP", repeated=True),
        17: Field("observedGeneration", "int64"),
        18: Field("extendedResourceClaimStatus", "core.v1.PodExtendedResourceClaimStatus"),
        19: Field("allocatedResources", "resource.Quantity", map=True),
        20: Field("resources", "core.v1.ResourceRequirements"),
        21: Field("nodeAllocatableResourceClaimStatuses", "core.v1.NodeAllocatableResourceClaimStatus", repeated=True),
        22: Field("volumeHealth", "core.v1.PodVolumeHealth", repeated=True),
    },
    "core.v1.NamespaceSpec": {1: Field("finalizers", "string", repeated=True)},
    "core.v1.NamespaceStatus": {
        1: Field("phase", "string"),
        2: Field("conditions", "core.v1.NamespaceCondition", repeated=True),
    },
    "core.v1.ServiceSpec": {
        1: Field("ports", "core.v1.ServicePort", repeated=True),
        2: Field("selector", "string", map=True),
        3: Field("clusterIP", "string"),
        4: Field("type", "string"),
        5: Field("externalIPs", "string", repeated=True),
        7: Field("sessionAffinity", "string"),
        8: Field("loadBalancerIP", "string"),
        9: Field("loadBalancerSourceRanges", "string", repeated=True),
        10: Field("externalName", "string"),
        11: Field("externalTrafficPolicy", "string"),
        12: Field("healthCheckNodePort", "int32"),
        13: Field("publishNotReadyAddresses", "bool"),
        14: Field("sessionAffinityConfig", "core.v1.SessionAffinityConfig"),
        17: Field("ipFamilyPolicy", "string", pointer=True),
        18: Field("clusterIPs", "string", repeated=True),
        19: Field("ipFamilies", "string", repeated=True),
        20: Field("allocateLoadBalancerNodePorts", "bool", pointer=True),
        21: Field("loadBalancerClass", "string", pointer=True),
        22: Field("internalTrafficPolicy", "string", pointer=True),
        23: Field("trafficDistribution", "string", pointer=True),
    },
    "core.v1.ServiceStatus": {
        1: Field("loadBalancer", "core.v1.LoadBalancerStatus"),
        2: Field("conditions", "meta.v1.Condition", repeated=True),
    },
    "core.v1.ObjectReference": {
        1: Field("kind", "string"),
        2: Field("namespace", "string"),
        3: Field("name", "string"),
        4: Field("uid", "string"),
        5: Field("apiVersion", "string"),
        6: Field("resourceVersion", "string"),
        7: Field("fieldPath", "string"),
    },
    "core.v1.LocalObjectReference": {1: Field("name", "string")},
    "core.v1.ResourceQuotaSpec": {
        1: Field("hard", "resource.Quantity", map=True),
        2: Field("scopes", "string", repeated=True),
        3: Field("scopeSelector", "core.v1.ScopeSelector"),
    },
    "core.v1.ResourceQuotaStatus": {
        1: Field("hard", "resource.Quantity", map=True),
        2: Field("used", "resource.Quantity", map=True),
    },
    "core.v1.Volume": {
        1: Field("name", "string", omitempty=False),
        2: Field("volumeSource", "core.v1.VolumeSource", inline=True),
    },
    "core.v1.Container": {
        1: Field("name", "string", omitempty=False),
        2: Field("image", "string"),
        3: Field("command", "string", repeated=True),
        4: Field("args", "string", repeated=True),
        5: Field("workingDir", "string"),
        6: Field("ports", "core.v1.ContainerPort", repeated=True),
        7: Field("env", "core.v1.EnvVar", repeated=True),
        8: Field("resources", "core.v1.ResourceRequirements"),
        9: Field("volumeMounts", "core.v1.VolumeMount", repeated=True),
        10: Field("livenessProbe", "core.v1.Probe"),
        11: Field("readinessProbe", "core.v1.Probe"),
        12: Field("lifecycle", "core.v1.Lifecycle"),
        13: Field("terminationMessagePath", "string"),
        14: Field("imagePullPolicy", "string"),
        15: Field("securityContext", "core.v1.SecurityContext"),
        16: Field("stdin", "bool"),
        17: Field("stdinOnce", "bool"),
        18: Field("tty", "bool"),
        19: Field("envFrom", "core.v1.EnvFromSource", repeated=True),
        20: Field("terminationMessagePolicy", "string"),
        21: Field("volumeDevices", "core.v1.VolumeDevice", repeated=True),
        22: Field("startupProbe", "core.v1.Probe"),
        23: Field("resizePolicy", "core.v1.ContainerResizePolicy", repeated=True),
        24: Field("restartPolicy", "string", pointer=True),
        25: Field("restartPolicyRules", "core.v1.ContainerRestartRule", repeated=True),
    },
    "core.v1.PodSecurityContext": {
        1: Field("seLinuxOptions", "core.v1.SELinuxOptions"),
        2: Field("runAsUser", "int64", pointer=True),
        3: Field("runAsNonRoot", "bool", pointer=True),
        4: Field("supplementalGroups", "int64", repeated=True),
        5: Field("fsGroup", "int64", pointer=True),
        6: Field("runAsGroup", "int64", pointer=True),
        7: Field("sysctls", "core.v1.Sysctl", repeated=True),
        8: Field("windowsOptions", "core.v1.WindowsSecurityContextOptions"),
        9: Field("fsGroupChangePolicy", "string", pointer=True),
        10: Field("seccompProfile", "core.v1.SeccompProfile"),
        11: Field("appArmorProfile", "core.v1.AppArmorProfile"),
        12: Field("supplementalGroupsPolicy", "string", pointer=True),
        13: Field("seLinuxChangePolicy", "string", pointer=True),
    },
    "core.v1.Affinity": {
        1: Field("nodeAffinity", "core.v1.NodeAffinity"),
        2: Field("podAffinity", "core.v1.PodAffinity"),
        3: Field("podAntiAffinity", "core.v1.PodAntiAffinity"),
    },
    "core.v1.Toleration": {
        1: Field("key", "string"),
        2: Field("operator", "string"),
        3: Field("value", "string"),
        4: Field("effect", "string"),
        5: Field("tolerationSeconds", "int64", pointer=True),
    },
    "core.v1.HostAlias": {1: Field("ip", "string", omitempty=False), 2: Field("hostnames", "string", repeated=True)},
    "core.v1.PodDNSConfig": {
        1: Field("nameservers", "string", repeated=True),
        2: Field("searches", "string", repeated=True),
        3: Field("options", "core.v1.PodDNSConfigOption", repeated=True),
    },
    "core.v1.PodReadinessGate": {1: Field("conditionType", "string", omitempty=False)},
    "core.v1.TopologySpreadConstraint": {
        1: Field("maxSkew", "int32", omitempty=False),
        2: Field("topologyKey", "string", omitempty=False),
        3: Field("whenUnsatisfiable", "string", omitempty=False),
        4: Field("labelSelector", "meta.v1.LabelSelector"),
        5: Field("minDomains", "int32", pointer=True),
        6: Field("nodeAffinityPolicy", "string", pointer=True),
        7: Field("nodeTaintsPolicy", "string", pointer=True),
        8: Field("matchLabelKeys", "string", repeated=True),
    },
    "core.v1.EphemeralContainer": {
        1: Field("ephemeralContainerCommon", "core.v1.EphemeralContainerCommon", inline=True),
        2: Field("targetContainerName", "string"),
    },
    "core.v1.PodOS": {1: Field("name", "string", omitempty=False)},
    "core.v1.PodSchedulingGate": {1: Field("name", "string", omitempty=False)},
    "core.v1.PodResourceClaim": {
        1: Field("name", "string", omitempty=False),
        3: Field("resourceClaimName", "string", pointer=True),
        4: Field("resourceClaimTemplateName", "string", pointer=True),
    },
    "core.v1.ResourceRequirements": {
        1: Field("limits", "resource.Quantity", map=True),
        2: Field("requests", "resource.Quantity", map=True),
        3: Field("claims", "core.v1.ResourceClaim", repeated=True),
    },
    "core.v1.PodSchedulingGroup": {1: Field("podGroupName", "string", pointer=True)},
    "core.v1.EvictionResponder": {
        1: Field("name", "string", omitempty=False),
        2: Field("priority", "int32", pointer=True),
    },
    "core.v1.PodCondition": {
        1: Field("type", "string", omitempty=False),
        2: Field("status", "string", omitempty=False),
        3: Field("lastProbeTime", "meta.v1.Time"),
        4: Field("lastTransitionTime", "meta.v1.Time"),
        5: Field("reason", "string"),
        6: Field("message", "string"),
        7: Field("observedGeneration", "int64"),
    },
    "core.v1.ContainerStatus": {
        1: Field("name", "string", omitempty=False),
        2: Field("state", "core.v1.ContainerState"),
        3: Field("lastState", "core.v1.ContainerState"),
        4: Field("ready", "bool", omitempty=False),
        5: Field("restartCount", "int32", omitempty=False),
        6: Field("image", "string", omitempty=False),
        7: Field("imageID", "string", omitempty=False),
        8: Field("containerID", "string"),
        9: Field("started", "bool", pointer=True),
        10: Field("allocatedResources", "resource.Quantity", map=True),
        11: Field("resources", "core.v1.ResourceRequirements"),
        12: Field("volumeMounts", "core.v1.VolumeMountStatus", repeated=True),
        13: Field("user", "core.v1.ContainerUser"),
        14: Field("allocatedResourcesStatus", "core.v1.ResourceStatus", repeated=True),
        15: Field("stopSignal", "string", pointer=True),
    },
    "core.v1.PodIP": {1: Field("ip", "string", omitempty=False)},
    "core.v1.PodResourceClaimStatus": {
        1: Field("name", "string", omitempty=False),
        2: Field("resourceClaimName", "string", pointer=True),
    },
    "core.v1.HostIP": {1: Field("ip", "string", omitempty=False)},
    "core.v1.PodExtendedResourceClaimStatus": {
        1: Field("requestMappings", "core.v1.ContainerExtendedResourceRequest", repeated=True, omitempty=False),
        2: Field("resourceClaimName", "string", omitempty=False),
    },
    "core.v1.NodeAllocatableResourceClaimStatus": {
        1: Field("resourceClaimName", "string", omitempty=False),
        2: Field("containers", "string", repeated=True),
        4: Field("mapping", "core.v1.NodeAllocatableMappedResources", repeated=True),
        5: Field("overhead", "core.v1.NodeAllocatableOverheadResources", repeated=True),
    },
    "core.v1.PodVolumeHealth": {
        1: Field("name", "string", omitempty=False),
        2: Field("healthConditions", "core.v1.VolumeHealthCondition", repeated=True),
        3: Field("lastTransitionTime", "meta.v1.Time"),
    },
    "core.v1.NamespaceCondition": {
        1: Field("type", "string", omitempty=False),
        2: Field("status", "string", omitempty=False),
        4: Field("lastTransitionTime", "meta.v1.Time"),
        5: Field("reason", "string"),
        6: Field("message", "string"),
    },
    "core.v1.ServicePort": {
        1: Field("name", "string"),
        2: Field("protocol", "string"),
        3: Field("port", "int32", omitempty=False),
        4: Field("targetPort", "intstr.IntOrString"),
        5: Field("nodePort", "int32"),
        6: Field("appProtocol", "string", pointer=True),
    },
    "core.v1.SessionAffinityConfig": {1: Field("clientIP", "core.v1.ClientIPConfig")},
    "core.v1.LoadBalancerStatus": {1: Field("ingress", "core.v1.LoadBalancerIngress", repeated=True)},
    "core.v1.ScopeSelector": {1: Field("matchExpressions", "core.v1.ScopedResourceSelectorRequirement", repeated=True)},
    "core.v1.PodTemplateSpec": {1: Field("metadata", "meta.v1.ObjectMeta"), 2: Field("spec", "core.v1.PodSpec")},
    "core.v1.PersistentVolumeClaim": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "core.v1.PersistentVolumeClaimSpec"),
        3: Field("status", "core.v1.PersistentVolumeClaimStatus"),
    },
    "core.v1.VolumeSource": {
        1: Field("hostPath", "core.v1.HostPathVolumeSource"),
        2: Field("emptyDir", "core.v1.EmptyDirVolumeSource"),
        3: Field("gcePersistentDisk", "core.v1.GCEPersistentDiskVolumeSource"),
        4: Field("awsElasticBlockStore", "core.v1.AWSElasticBlockStoreVolumeSource"),
        5: Field("gitRepo", "core.v1.GitRepoVolumeSource"),
        6: Field("secret", "core.v1.SecretVolumeSource"),
        7: Field("nfs", "core.v1.NFSVolumeSource"),
        8: Field("iscsi", "core.v1.ISCSIVolumeSource"),
        9: Field("glusterfs", "core.v1.GlusterfsVolumeSource"),
        10: Field("persistentVolumeClaim", "core.v1.PersistentVolumeClaimVolumeSource"),
        11: Field("rbd", "core.v1.RBDVolumeSource"),
        12: Field("flexVolume", "core.v1.FlexVolumeSource"),
        13: Field("cinder", "core.v1.CinderVolumeSource"),
        14: Field("cephfs", "core.v1.CephFSVolumeSource"),
        15: Field("flocker", "core.v1.FlockerVolumeSource"),
        16: Field("downwardAPI", "core.v1.DownwardAPIVolumeSource"),
        17: Field("fc", "core.v1.FCVolumeSource"),
        18: Field("azureFile", "core.v1.AzureFileVolumeSource"),
        19: Field("configMap", "core.v1.ConfigMapVolumeSource"),
        20: Field("vsphereVolume", "core.v1.VsphereVirtualDiskVolumeSource"),
        21: Field("quobyte", "core.v1.QuobyteVolumeSource"),
        22: Field("azureDisk", "core.v1.AzureDiskVolumeSource"),
        23: Field("photonPersistentDisk", "core.v1.PhotonPersistentDiskVolumeSource"),
        24: Field("portworxVolume", "core.v1.PortworxVolumeSource"),
        25: Field("scaleIO", "core.v1.ScaleIOVolumeSource"),
        26: Field("projected", "core.v1.ProjectedVolumeSource"),
        27: Field("storageos", "core.v1.StorageOSVolumeSource"),
        28: Field("csi", "core.v1.CSIVolumeSource"),
        29: Field("ephemeral", "core.v1.EphemeralVolumeSource"),
        30: Field("image", "core.v1.ImageVolumeSource"),
    },
    "core.v1.ContainerPort": {
        1: Field("name", "string"),
        2: Field("hostPort", "int32"),
        3: Field("containerPort", "int32", omitempty=False),
        4: Field("protocol", "string"),
        5: Field("hostIP", "string"),
    },
    "core.v1.EnvVar": {
        1: Field("name", "string", omitempty=False),
        2: Field("value", "string"),
        3: Field("valueFrom", "core.v1.EnvVarSource"),
    },
    "core.v1.VolumeMount": {
        1: Field("name", "string", omitempty=False),
        2: Field("readOnly", "bool"),
        3: Field("mountPath", "string", omitempty=False),
        4: Field("subPath", "string"),
        5: Field("mountPropagation", "string", pointer=True),
        6: Field("subPathExpr", "string"),
        7: Field("recursiveReadOnly", "string", pointer=True),
        8: Field("bindMountOptions", "string", repeated=True),
    },
    "core.v1.Probe": {
        1: Field("handler", "core.v1.ProbeHandler", inline=True),
        2: Field("initialDelaySeconds", "int32"),
        3: Field("timeoutSeconds", "int32"),
        4: Field("periodSeconds", "int32"),
        5: Field("successThreshold", "int32"),
        6: Field("failureThreshold", "int32"),
        7: Field("terminationGracePeriodSeconds", "int64", pointer=True),
    },
    "core.v1.Lifecycle": {
        1: Field("postStart", "core.v1.LifecycleHandler"),
        2: Field("preStop", "core.v1.LifecycleHandler"),
        3: Field("stopSignal", "string", pointer=True),
    },
    "core.v1.SecurityContext": {
        1: Field("capabilities", "core.v1.Capabilities"),
        2: Field("privileged", "bool", pointer=True),
        3: Field("seLinuxOptions", "core.v1.SELinuxOptions"),
        4: Field("runAsUser", "int64", pointer=True),
        5: Field("runAsNonRoot", "bool", pointer=True),
        6: Field("readOnlyRootFilesystem", "bool", pointer=True),
        7: Field("allowPrivilegeEscalation", "bool", pointer=True),
        8: Field("runAsGroup", "int64", pointer=True),
        9: Field("procMount", "string", pointer=True),
        10: Field("windowsOptions", "core.v1.WindowsSecurityContextOptions"),
        11: Field("seccompProfile", "core.v1.SeccompProfile"),
        12: Field("appArmorProfile", "core.v1.AppArmorProfile"),
    },
    "core.v1.EnvFromSource": {
        1: Field("prefix", "string"),
        2: Field("configMapRef", "core.v1.ConfigMapEnvSource"),
        3: Field("secretRef", "core.v1.SecretEnvSource"),
    },
    "core.v1.VolumeDevice": {
        1: Field("name", "string", omitempty=False),
        2: Field("devicePath", "string", omitempty=False),
    },
    "core.v1.ContainerResizePolicy": {
        1: Field("resourceName", "string", omitempty=False),
        2: Field("restartPolicy", "string", omitempty=False),
    },
    "core.v1.ContainerRestartRule": {
        1: Field("action", "string"),
        2: Field("exitCodes", "core.v1.ContainerRestartRuleOnExitCodes"),
    },
    "core.v1.SELinuxOptions": {
        1: Field("user", "string"),
        2: Field("role", "string"),
        3: Field("type", "string"),
        4: Field("level", "string"),
    },
    "core.v1.Sysctl": {1: Field("name", "string", omitempty=False), 2: Field("value", "string", omitempty=False)},
    "core.v1.WindowsSecurityContextOptions": {
        1: Field("gmsaCredentialSpecName", "string", pointer=True),
        2: Field("gmsaCredentialSpec", "string", pointer=True),
        3: Field("runAsUserName", "string", pointer=True),
        4: Field("hostProcess", "bool", pointer=True),
    },
    "core.v1.SeccompProfile": {
        1: Field("type", "string", omitempty=False),
        2: Field("localhostProfile", "string", pointer=True),
    },
    "core.v1.AppArmorProfile": {
        1: Field("type", "string", omitempty=False),
        2: Field("localhostProfile", "string", pointer=True),
    },
    "core.v1.NodeAffinity": {
        1: Field("requiredDuringSchedulingIgnoredDuringExecution", "core.v1.NodeSelector"),
        2: Field("preferredDuringSchedulingIgnoredDuringExecution", "core.v1.PreferredSchedulingTerm", repeated=True),
    },
    "core.v1.PodAffinity": {
        1: Field("requiredDuringSchedulingIgnoredDuringExecution", "core.v1.PodAffinityTerm", repeated=True),
        2: Field("preferredDuringSchedulingIgnoredDuringExecution", "core.v1.WeightedPodAffinityTerm", repeated=True),
    },
    "core.v1.PodAntiAffinity": {
        1: Field("requiredDuringSchedulingIgnoredDuringExecution", "core.v1.PodAffinityTerm", repeated=True),
        2: Field("preferredDuringSchedulingIgnoredDuringExecution", "core.v1.WeightedPodAffinityTerm", repeated=True),
    },
    "core.v1.PodDNSConfigOption": {1: Field("name", "string"), 2: Field("value", "string", pointer=True)},
    "core.v1.EphemeralContainerCommon": {
        1: Field("name", "string", omitempty=False),
        2: Field("image", "string"),
        3: Field("command", "string", repeated=True),
        4: Field("args", "string", repeated=True),
        5: Field("workingDir", "string"),
        6: Field("ports", "core.v1.ContainerPort", repeated=True),
        7: Field("env", "core.v1.EnvVar", repeated=True),
        8: Field("resources", "core.v1.ResourceRequirements"),
        9: Field("volumeMounts", "core.v1.VolumeMount", repeated=True),
        10: Field("livenessProbe", "core.v1.Probe"),
        11: Field("readinessProbe", "core.v1.Probe"),
        12: Field("lifecycle", "core.v1.Lifecycle"),
        13: Field("terminationMessagePath", "string"),
        14: Field("imagePullPolicy", "string"),
        15: Field("securityContext", "core.v1.SecurityContext"),
        16: Field("stdin", "bool"),
        17: Field("stdinOnce", "bool"),
        18: Field("tty", "bool"),
        19: Field("envFrom", "core.v1.EnvFromSource", repeated=True),
        20: Field("terminationMessagePolicy", "string"),
        21: Field("volumeDevices", "core.v1.VolumeDevice", repeated=True),
        22: Field("startupProbe", "core.v1.Probe"),
        23: Field("resizePolicy", "core.v1.ContainerResizePolicy", repeated=True),
        24: Field("restartPolicy", "string", pointer=True),
        25: Field("restartPolicyRules", "core.v1.ContainerRestartRule", repeated=True),
    },
    "core.v1.ResourceClaim": {1: Field("name", "string", omitempty=False), 2: Field("request", "string")},
    "core.v1.ContainerState": {
        1: Field("waiting", "core.v1.ContainerStateWaiting"),
        2: Field("running", "core.v1.ContainerStateRunning"),
        3: Field("terminated", "core.v1.ContainerStateTerminated"),
    },
    "core.v1.VolumeMountStatus": {
        1: Field("name", "string", omitempty=False),
        2: Field("mountPath", "string", omitempty=False),
        3: Field("readOnly", "bool"),
        4: Field("recursiveReadOnly", "string", pointer=True),
        5: Field("volumeStatus", "core.v1.VolumeStatus"),
    },
    "core.v1.ContainerUser": {1: Field("linux", "core.v1.LinuxContainerUser")},
    "core.v1.ResourceStatus": {
        1: Field("name", "string", omitempty=False),
        2: Field("resources", "core.v1.ResourceHealth", repeated=True),
    },
    "core.v1.ContainerExtendedResourceRequest": {
        1: Field("containerName", "string", omitempty=False),
        2: Field("resourceName", "string", omitempty=False),
        3: Field("requestName", "string", omitempty=False),
    },
    "core.v1.NodeAllocatableMappedResources": {
        1: Field("name", "string", omitempty=False),
        2: Field("quantity", "resource.Quantity"),
    },
    "core.v1.NodeAllocatableOverheadResources": {
        1: Field("name", "string", omitempty=False),
        2: Field("perPod", "resource.Quantity"),
        3: Field("perContainer", "resource.Quantity"),
    },
    "core.v1.VolumeHealthCondition": {
        1: Field("status", "string", omitempty=False),
        2: Field("reason", "string", omitempty=False),
        3: Field("message", "string"),
    },
    "core.v1.ClientIPConfig": {1: Field("timeoutSeconds", "int32", pointer=True)},
    "core.v1.LoadBalancerIngress": {
        1: Field("ip", "string"),
        2: Field("hostname", "string"),
        3: Field("ipMode", "string", pointer=True),
        4: Field("ports", "core.v1.PortStatus", repeated=True),
    },
    "core.v1.ScopedResourceSelectorRequirement": {
        1: Field("scopeName", "string", omitempty=False),
        2: Field("operator", "string", omitempty=False),
        3: Field("values", "string", repeated=True),
    },
    "core.v1.PersistentVolumeClaimSpec": {
        1: Field("accessModes", "string", repeated=True),
        2: Field("resources", "core.v1.VolumeResourceRequirements"),
        3: Field("volumeName", "string"),
        4: Field("selector", "meta.v1.LabelSelector"),
        5: Field("storageClassName", "string", pointer=True),
        6: Field("volumeMode", "string", pointer=True),
        7: Field("dataSource", "core.v1.TypedLocalObjectReference"),
        8: Field("dataSourceRef", "core.v1.TypedObjectReference"),
        9: Field("volumeAttributesClassName", "string", pointer=True),
    },
    "core.v1.PersistentVolumeClaimStatus": {
        1: Field("phase", "string"),
        2: Field("accessModes", "string", repeated=True),
        3: Field("capacity", "resource.Quantity", map=True),
        4: Field("conditions", "core.v1.PersistentVolumeClaimCondition", repeated=True),
        5: Field("allocatedResources", "resource.Quantity", map=True),
        7: Field("allocatedResourceStatuses", "string", map=True),
        8: Field("currentVolumeAttributesClassName", "string", pointer=True),
        9: Field("modifyVolumeStatus", "core.v1.ModifyVolumeStatus"),
        10: Field("healthStatus", "core.v1.VolumeHealthStatus"),
    },
    "core.v1.TypedLocalObjectReference": {
        1: Field("apiGroup", "string", pointer=True),
        2: Field("kind", "string", omitempty=False),
        3: Field("name", "string", omitempty=False),
    },
    "core.v1.HostPathVolumeSource": {
        1: Field("path", "string", omitempty=False),
        2: Field("type", "string", pointer=True),
    },
    "core.v1.EmptyDirVolumeSource": {
        1: Field("medium", "string"),
        2: Field("sizeLimit", "resource.Quantity"),
        3: Field("mode", "int32", pointer=True),
    },
    "core.v1.GCEPersistentDiskVolumeSource": {
        1: Field("pdName", "string", omitempty=False),
        2: Field("fsType", "string"),
        3: Field("partition", "int32"),
        4: Field("readOnly", "bool"),
    },
    "core.v1.AWSElasticBlockStoreVolumeSource": {
        1: Field("volumeID", "string", omitempty=False),
        2: Field("fsType", "string"),
        3: Field("partition", "int32"),
        4: Field("readOnly", "bool"),
    },
    "core.v1.GitRepoVolumeSource": {
        1: Field("repository", "string", omitempty=False),
        2: Field("revision", "string"),
        3: Field("directory", "string"),
    },
    "core.v1.SecretVolumeSource": {
        1: Field("secretName", "string"),
        2: Field("items", "core.v1.KeyToPath", repeated=True),
        3: Field("defaultMode", "int32", pointer=True),
        4: Field("optional", "bool", pointer=True),
        5: Field("defaultUser", "int64", pointer=True),
    },
    "core.v1.NFSVolumeSource": {
        1: Field("server", "string", omitempty=False),
        2: Field("path", "string", omitempty=False),
        3: Field("readOnly", "bool"),
    },
    "core.v1.ISCSIVolumeSource": {
        1: Field("targetPortal", "string", omitempty=False),
        2: Field("iqn", "string", omitempty=False),
        3: Field("lun", "int32", omitempty=False),
        4: Field("iscsiInterface", "string"),
        5: Field("fsType", "string"),
        6: Field("readOnly", "bool"),
        7: Field("portals", "string", repeated=True),
        8: Field("chapAuthDiscovery", "bool"),
        10: Field("secretRef", "core.v1.LocalObjectReference"),
        11: Field("chapAuthSession", "bool"),
        12: Field("initiatorName", "string", pointer=True),
    },
    "core.v1.GlusterfsVolumeSource": {
        1: Field("endpoints", "string", omitempty=False),
        2: Field("path", "string", omitempty=False),
        3: Field("readOnly", "bool"),
    },
    "core.v1.PersistentVolumeClaimVolumeSource": {
        1: Field("claimName", "string", omitempty=False),
        2: Field("readOnly", "bool"),
    },
    "core.v1.RBDVolumeSource": {
        1: Field("monitors", "string", repeated=True, omitempty=False),
        2: Field("image", "string", omitempty=False),
        3: Field("fsType", "string"),
        4: Field("pool", "string"),
        5: Field("user", "string"),
        6: Field("keyring", "string"),
        7: Field("secretRef", "core.v1.LocalObjectReference"),
        8: Field("readOnly", "bool"),
    },
    "core.v1.FlexVolumeSource": {
        1: Field("driver", "string", omitempty=False),
        2: Field("fsType", "string"),
        3: Field("secretRef", "core.v1.LocalObjectReference"),
        4: Field("readOnly", "bool"),
        5: Field("options", "string", map=True),
    },
    "core.v1.CinderVolumeSource": {
        1: Field("volumeID", "string", omitempty=False),
        2: Field("fsType", "string"),
        3: Field("readOnly", "bool"),
        4: Field("secretRef", "core.v1.LocalObjectReference"),
    },
    "core.v1.CephFSVolumeSource": {
        1: Field("monitors", "string", repeated=True, omitempty=False),
        2: Field("path", "string"),
        3: Field("user", "string"),
        4: Field("secretFile", "string"),
        5: Field("secretRef", "core.v1.LocalObjectReference"),
        6: Field("readOnly", "bool"),
    },
    "core.v1.FlockerVolumeSource": {1: Field("datasetName", "string"), 2: Field("datasetUUID", "string")},
    "core.v1.DownwardAPIVolumeSource": {
        1: Field("items", "core.v1.DownwardAPIVolumeFile", repeated=True),
        2: Field("defaultMode", "int32", pointer=True),
        3: Field("defaultUser", "int64", pointer=True),
    },
    "core.v1.FCVolumeSource": {
        1: Field("targetWWNs", "string", repeated=True),
        2: Field("lun", "int32", pointer=True),
        3: Field("fsType", "string"),
        4: Field("readOnly", "bool"),
        5: Field("wwids", "string", repeated=True),
    },
    "core.v1.AzureFileVolumeSource": {
        1: Field("secretName", "string", omitempty=False),
        2: Field("shareName", "string", omitempty=False),
        3: Field("readOnly", "bool"),
    },
    "core.v1.ConfigMapVolumeSource": {
        1: Field("localObjectReference", "core.v1.LocalObjectReference", inline=True),
        2: Field("items", "core.v1.KeyToPath", repeated=True),
        3: Field("defaultMode", "int32", pointer=True),
        4: Field("optional", "bool", pointer=True),
        5: Field("defaultUser", "int64", pointer=True),
    },
    "core.v1.VsphereVirtualDiskVolumeSource": {
        1: Field("volumePath", "string", omitempty=False),
        2: Field("fsType", "string"),
        3: Field("storagePolicyName", "string"),
        4: Field("storagePolicyID", "string"),
    },
    "core.v1.QuobyteVolumeSource": {
        1: Field("registry", "string", omitempty=False),
        2: Field("volume", "string", omitempty=False),
        3: Field("readOnly", "bool"),
        4: Field("user", "string"),
        5: Field("group", "string"),
        6: Field("tenant", "string"),
    },
    "core.v1.AzureDiskVolumeSource": {
        1: Field("diskName", "string", omitempty=False),
        2: Field("diskURI", "string", omitempty=False),
        3: Field("cachingMode", "string", pointer=True),
        4: Field("fsType", "string", pointer=True),
        5: Field("readOnly", "bool", pointer=True),
        6: Field("kind", "string", pointer=True),
    },
    "core.v1.PhotonPersistentDiskVolumeSource": {
        1: Field("pdID", "string", omitempty=False),
        2: Field("fsType", "string"),
    },
    "core.v1.PortworxVolumeSource": {
        1: Field("volumeID", "string", omitempty=False),
        2: Field("fsType", "string"),
        3: Field("readOnly", "bool"),
    },
    "core.v1.ScaleIOVolumeSource": {
        1: Field("gateway", "string", omitempty=False),
        2: Field("system", "string", omitempty=False),
        3: Field("secretRef", "core.v1.LocalObjectReference"),
        4: Field("sslEnabled", "bool"),
        5: Field("protectionDomain", "string"),
        6: Field("storagePool", "string"),
        7: Field("storageMode", "string"),
        8: Field("volumeName", "string"),
        9: Field("fsType", "string"),
        10: Field("readOnly", "bool"),
    },
    "core.v1.ProjectedVolumeSource": {
        1: Field("sources", "core.v1.VolumeProjection", repeated=True, omitempty=False),
        2: Field("defaultMode", "int32", pointer=True),
        3: Field("defaultUser", "int64", pointer=True),
    },
    "core.v1.StorageOSVolumeSource": {
        1: Field("volumeName", "string"),
        2: Field("volumeNamespace", "string"),
        3: Field("fsType", "string"),
        4: Field("readOnly", "bool"),
        5: Field("secretRef", "core.v1.LocalObjectReference"),
    },
    "core.v1.CSIVolumeSource": {
        1: Field("driver", "string", omitempty=False),
        2: Field("readOnly", "bool", pointer=True),
        3: Field("fsType", "string", pointer=True),
        4: Field("volumeAttributes", "string", map=True),
        5: Field("nodePublishSecretRef", "core.v1.LocalObjectReference"),
    },
    "core.v1.EphemeralVolumeSource": {1: Field("volumeClaimTemplate", "core.v1.PersistentVolumeClaimTemplate")},
    "core.v1.ImageVolumeSource": {1: Field("reference", "string"), 2: Field("pullPolicy", "string")},
    "core.v1.EnvVarSource": {
        1: Field("fieldRef", "core.v1.ObjectFieldSelector"),
        2: Field("resourceFieldRef", "core.v1.ResourceFieldSelector"),
        3: Field("configMapKeyRef", "core.v1.ConfigMapKeySelector"),
        4: Field("secretKeyRef", "core.v1.SecretKeySelector"),
        5: Field("fileKeyRef", "core.v1.FileKeySelector"),
    },
    "core.v1.ProbeHandler": {
        1: Field("exec", "core.v1.ExecAction"),
        2: Field("httpGet", "core.v1.HTTPGetAction"),
        3: Field("tcpSocket", "core.v1.TCPSocketAction"),
        4: Field("grpc", "core.v1.GRPCAction"),
    },
    "core.v1.LifecycleHandler": {
        1: Field("exec", "core.v1.ExecAction"),
        2: Field("httpGet", "core.v1.HTTPGetAction"),
        3: Field("tcpSocket", "core.v1.TCPSocketAction"),
        4: Field("sleep", "core.v1.SleepAction"),
    },
    "core.v1.Capabilities": {1: Field("add", "string", repeated=True), 2: Field("drop", "string", repeated=True)},
    "core.v1.ConfigMapEnvSource": {
        1: Field("localObjectReference", "core.v1.LocalObjectReference", inline=True),
        2: Field("optional", "bool", pointer=True),
    },
    "core.v1.SecretEnvSource": {
        1: Field("localObjectReference", "core.v1.LocalObjectReference", inline=True),
        2: Field("optional", "bool", pointer=True),
    },
    "core.v1.ContainerRestartRuleOnExitCodes": {
        1: Field("operator", "string"),
        2: Field("values", "int32", repeated=True),
    },
    "core.v1.NodeSelector": {1: Field("nodeSelectorTerms", "core.v1.NodeSelectorTerm", repeated=True, omitempty=False)},
    "core.v1.PreferredSchedulingTerm": {
        1: Field("weight", "int32", omitempty=False),
        2: Field("preference", "core.v1.NodeSelectorTerm"),
    },
    "core.v1.PodAffinityTerm": {
        1: Field("labelSelector", "meta.v1.LabelSelector"),
        2: Field("namespaces", "string", repeated=True),
        3: Field("topologyKey", "string", omitempty=False),
        4: Field("namespaceSelector", "meta.v1.LabelSelector"),
        5: Field("matchLabelKeys", "string", repeated=True),
        6: Field("mismatchLabelKeys", "string", repeated=True),
    },
    "core.v1.WeightedPodAffinityTerm": {
        1: Field("weight", "int32", omitempty=False),
        2: Field("podAffinityTerm", "core.v1.PodAffinityTerm"),
    },
    "core.v1.ContainerStateWaiting": {1: Field("reason", "string"), 2: Field("message", "string")},
    "core.v1.ContainerStateRunning": {1: Field("startedAt", "meta.v1.Time")},
    "core.v1.ContainerStateTerminated": {
        1: Field("exitCode", "int32", omitempty=False),
        2: Field("signal", "int32"),
        3: Field("reason", "string"),
        4: Field("message", "string"),
        5: Field("startedAt", "meta.v1.Time"),
        6: Field("finishedAt", "meta.v1.Time"),
        7: Field("containerID", "string"),
    },
    "core.v1.VolumeStatus": {1: Field("image", "core.v1.ImageVolumeStatus")},
    "core.v1.LinuxContainerUser": {
        1: Field("uid", "int64", omitempty=False),
        2: Field("gid", "int64", omitempty=False),
        3: Field("supplementalGroups", "int64", repeated=True),
    },
    "core.v1.ResourceHealth": {
        1: Field("resourceID", "string", omitempty=False),
        2: Field("health", "string"),
        6: Field("message", "string", pointer=True),
    },
    "core.v1.PortStatus": {
        1: Field("port", "int32", omitempty=False),
        2: Field("protocol", "string", omitempty=False),
        3: Field("error", "string", pointer=True),
    },
    "core.v1.VolumeResourceRequirements": {
        1: Field("limits", "resource.Quantity", map=True),
        2: Field("requests", "resource.Quantity", map=True),
    },
    "core.v1.TypedObjectReference": {
        1: Field("apiGroup", "string", pointer=True),
        2: Field("kind", "string", omitempty=False),
        3: Field("name", "string", omitempty=False),
        4: Field("namespace", "string", pointer=True),
    },
    "core.v1.PersistentVolumeClaimCondition": {
        1: Field("type", "string", omitempty=False),
        2: Field("status", "string", omitempty=False),
        3: Field("lastProbeTime", "meta.v1.Time"),
        4: Field("lastTransitionTime", "meta.v1.Time"),
        5: Field("reason", "string"),
        6: Field("message", "string"),
    },
    "core.v1.ModifyVolumeStatus": {
        1: Field("targetVolumeAttributesClassName", "string"),
        2: Field("status", "string", omitempty=False),
    },
    "core.v1.VolumeHealthStatus": {
        1: Field("healthConditions", "core.v1.VolumeHealthCondition", repeated=True),
        2: Field("lastTransitionTime", "meta.v1.Time"),
    },
    "core.v1.KeyToPath": {
        1: Field("key", "string", omitempty=False),
        2: Field("path", "string", omitempty=False),
        3: Field("mode", "int32", pointer=True),
        4: Field("user", "int64", pointer=True),
    },
    "core.v1.DownwardAPIVolumeFile": {
        1: Field("path", "string", omitempty=False),
        2: Field("fieldRef", "core.v1.ObjectFieldSelector"),
        3: Field("resourceFieldRef", "core.v1.ResourceFieldSelector"),
        4: Field("mode", "int32", pointer=True),
        5: Field("user", "int64", pointer=True),
    },
    "core.v1.VolumeProjection": {
        1: Field("secret", "core.v1.SecretProjection"),
        2: Field("downwardAPI", "core.v1.DownwardAPIProjection"),
        3: Field("configMap", "core.v1.ConfigMapProjection"),
        4: Field("serviceAccountToken", "core.v1.ServiceAccountTokenProjection"),
        5: Field("clusterTrustBundle", "core.v1.ClusterTrustBundleProjection"),
        6: Field("podCertificate", "core.v1.PodCertificateProjection"),
    },
    "core.v1.PersistentVolumeClaimTemplate": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "core.v1.PersistentVolumeClaimSpec"),
    },
    "core.v1.ObjectFieldSelector": {1: Field("apiVersion", "string"), 2: Field("fieldPath", "string", omitempty=False)},
    "core.v1.ResourceFieldSelector": {
        1: Field("containerName", "string"),
        2: Field("resource", "string", omitempty=False),
        3: Field("divisor", "resource.Quantity"),
    },
    "core.v1.ConfigMapKeySelector": {
        1: Field("localObjectReference", "core.v1.LocalObjectReference", inline=True),
        2: Field("key", "string", omitempty=False),
        3: Field("optional", "bool", pointer=True),
    },
    "core.v1.SecretKeySelector": {
        1: Field("localObjectReference", "core.v1.LocalObjectReference", inline=True),
        2: Field("key", "string", omitempty=False),
        3: Field("optional", "bool", pointer=True),
    },
    "core.v1.FileKeySelector": {
        1: Field("volumeName", "string", omitempty=False),
        2: Field("path", "string", omitempty=False),
        3: Field("key", "string", omitempty=False),
        4: Field("optional", "bool", pointer=True),
    },
    "core.v1.ExecAction": {1: Field("command", "string", repeated=True)},
    "core.v1.HTTPGetAction": {
        1: Field("path", "string"),
        2: Field("port", "intstr.IntOrString"),
        3: Field("host", "string"),
        4: Field("scheme", "string"),
        5: Field("httpHeaders", "core.v1.HTTPHeader", repeated=True),
        6: Field("protocol", "string", pointer=True),
    },
    "core.v1.TCPSocketAction": {1: Field("port", "intstr.IntOrString"), 2: Field("host", "string")},
    "core.v1.GRPCAction": {
        1: Field("port", "int32", omitempty=False),
        2: Field("service", "string", pointer=True),
        3: Field("mode", "string", pointer=True),
    },
    "core.v1.SleepAction": {1: Field("seconds", "int64", omitempty=False)},
    "core.v1.NodeSelectorTerm": {
        1: Field("matchExpressions", "core.v1.NodeSelectorRequirement", repeated=True),
        2: Field("matchFields", "core.v1.NodeSelectorRequirement", repeated=True),
    },
    "core.v1.ImageVolumeStatus": {1: Field("imageRef", "string")},
    "core.v1.SecretProjection": {
        1: Field("localObjectReference", "core.v1.LocalObjectReference", inline=True),
        2: Field("items", "core.v1.KeyToPath", repeated=True),
        4: Field("optional", "bool", pointer=True),
    },
    "core.v1.DownwardAPIProjection": {1: Field("items", "core.v1.DownwardAPIVolumeFile", repeated=True)},
    "core.v1.ConfigMapProjection": {
        1: Field("localObjectReference", "core.v1.LocalObjectReference", inline=True),
        2: Field("items", "core.v1.KeyToPath", repeated=True),
        4: Field("optional", "bool", pointer=True),
    },
    "core.v1.ServiceAccountTokenProjection": {
        1: Field("audience", "string"),
        2: Field("expirationSeconds", "int64", pointer=True),
        3: Field("path", "string", omitempty=False),
        4: Field("user", "int64", pointer=True),
    },
    "core.v1.ClusterTrustBundleProjection": {
        1: Field("name", "string", pointer=True),
        2: Field("signerName", "string", pointer=True),
        3: Field("labelSelector", "meta.v1.LabelSelector"),
        4: Field("path", "string", omitempty=False),
        5: Field("optional", "bool", pointer=True),
        6: Field("user", "int64", pointer=True),
    },
    "core.v1.PodCertificateProjection": {
        1: Field("signerName", "string"),
        2: Field("keyType", "string"),
        3: Field("maxExpirationSeconds", "int32", pointer=True),
        4: Field("credentialBundlePath", "string"),
        5: Field("keyPath", "string"),
        6: Field("certificateChainPath", "string"),
        7: Field("userAnnotations", "string", map=True),
        8: Field("user", "int64", pointer=True),
    },
    "core.v1.HTTPHeader": {1: Field("name", "string", omitempty=False), 2: Field("value", "string", omitempty=False)},
    "core.v1.NodeSelectorRequirement": {
        1: Field("key", "string", omitempty=False),
        2: Field("operator", "string", omitempty=False),
        3: Field("values", "string", repeated=True),
    },
    "apps.v1.Deployment": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "apps.v1.DeploymentSpec"),
        3: Field("status", "apps.v1.DeploymentStatus"),
    },
    "apps.v1.DeploymentList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "apps.v1.Deployment", repeated=True, omitempty=False),
    },
    "apps.v1.ReplicaSet": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "apps.v1.ReplicaSetSpec"),
        3: Field("status", "apps.v1.ReplicaSetStatus"),
    },
    "apps.v1.ReplicaSetList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "apps.v1.ReplicaSet", repeated=True, omitempty=False),
    },
    "apps.v1.StatefulSet": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "apps.v1.StatefulSetSpec"),
        3: Field("status", "apps.v1.StatefulSetStatus"),
    },
    "apps.v1.StatefulSetList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "apps.v1.StatefulSet", repeated=True, omitempty=False),
    },
    "apps.v1.DaemonSet": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "apps.v1.DaemonSetSpec"),
        3: Field("status", "apps.v1.DaemonSetStatus"),
    },
    "apps.v1.DaemonSetList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "apps.v1.DaemonSet", repeated=True, omitempty=False),
    },
    "apps.v1.DeploymentSpec": {
        1: Field("replicas", "int32", pointer=True),
        2: Field("selector", "meta.v1.LabelSelector"),
        3: Field("template", "core.v1.PodTemplateSpec"),
        4: Field("strategy", "apps.v1.DeploymentStrategy"),
        5: Field("minReadySeconds", "int32"),
        6: Field("revisionHistoryLimit", "int32", pointer=True),
        7: Field("paused", "bool"),
        9: Field("progressDeadlineSeconds", "int32", pointer=True),
    },
    "apps.v1.DeploymentStatus": {
        1: Field("observedGeneration", "int64"),
        2: Field("replicas", "int32"),
        3: Field("updatedReplicas", "int32"),
        4: Field("availableReplicas", "int32"),
        5: Field("unavailableReplicas", "int32"),
        6: Field("conditions", "apps.v1.DeploymentCondition", repeated=True),
        7: Field("readyReplicas", "int32"),
        8: Field("collisionCount", "int32", pointer=True),
        9: Field("terminatingReplicas", "int32", pointer=True),
    },
    "apps.v1.ReplicaSetSpec": {
        1: Field("replicas", "int32", pointer=True),
        2: Field("selector", "meta.v1.LabelSelector"),
        3: Field("template", "core.v1.PodTemplateSpec"),
        4: Field("minReadySeconds", "int32"),
    },
    "apps.v1.ReplicaSetStatus": {
        1: Field("replicas", "int32", omitempty=False),
        2: Field("fullyLabeledReplicas", "int32"),
        3: Field("observedGeneration", "int64"),
        4: Field("readyReplicas", "int32"),
        5: Field("availableReplicas", "int32"),
        6: Field("conditions", "apps.v1.ReplicaSetCondition", repeated=True),
        7: Field("terminatingReplicas", "int32", pointer=True),
    },
    "apps.v1.StatefulSetSpec": {
        1: Field("replicas", "int32", pointer=True),
        2: Field("selector", "meta.v1.LabelSelector"),
        3: Field("template", "core.v1.PodTemplateSpec"),
        4: Field("volumeClaimTemplates", "core.v1.PersistentVolumeClaim", repeated=True),
        5: Field("serviceName", "string", omitempty=False),
        6: Field("podManagementPolicy", "string"),
        7: Field("updateStrategy", "apps.v1.StatefulSetUpdateStrategy"),
        8: Field("revisionHistoryLimit", "int32", pointer=True),
        9: Field("minReadySeconds", "int32"),
        10: Field("persistentVolumeClaimRetentionPolicy", "apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy"),
        11: Field("ordinals", "apps.v1.StatefulSetOrdinals"),
    },
    "apps.v1.StatefulSetStatus": {
        1: Field("observedGeneration", "int64"),
        2: Field("replicas", "int32", omitempty=False),
        3: Field("readyReplicas", "int32"),
        4: Field("currentReplicas", "int32"),
        5: Field("updatedReplicas", "int32"),
        6: Field("currentRevision", "string"),
        7: Field("updateRevision", "string"),
        9: Field("collisionCount", "int32", pointer=True),
        10: Field("conditions", "apps.v1.StatefulSetCondition", repeated=True),
        11: Field("availableReplicas", "int32", omitempty=False),
    },
    "apps.v1.DaemonSetSpec": {
        1: Field("selector", "meta.v1.LabelSelector"),
        2: Field("template", "core.v1.PodTemplateSpec"),
        3: Field("updateStrategy", "apps.v1.DaemonSetUpdateStrategy"),
        4: Field("minReadySeconds", "int32"),
        6: Field("revisionHistoryLimit", "int32", pointer=True),
    },
    "apps.v1.DaemonSetStatus": {
        1: Field("currentNumberScheduled", "int32", omitempty=False),
        2: Field("numberMisscheduled", "int32", omitempty=False),
        3: Field("desiredNumberScheduled", "int32", omitempty=False),
        4: Field("numberReady", "int32", omitempty=False),
        5: Field("observedGeneration", "int64"),
        6: Field("updatedNumberScheduled", "int32"),
        7: Field("numberAvailable", "int32"),
        8: Field("numberUnavailable", "int32"),
        9: Field("collisionCount", "int32", pointer=True),
        10: Field("conditions", "apps.v1.DaemonSetCondition", repeated=True),
    },
    "apps.v1.DeploymentStrategy": {
        1: Field("type", "string"),
        2: Field("rollingUpdate", "apps.v1.RollingUpdateDeployment"),
    },
    "apps.v1.DeploymentCondition": {
        1: Field("type", "string", omitempty=False),
        2: Field("status", "string", omitempty=False),
        4: Field("reason", "string"),
        5: Field("message", "string"),
        6: Field("lastUpdateTime", "meta.v1.Time"),
        7: Field("lastTransitionTime", "meta.v1.Time"),
    },
    "apps.v1.ReplicaSetCondition": {
        1: Field("type", "string", omitempty=False),
        2: Field("status", "string", omitempty=False),
        3: Field("lastTransitionTime", "meta.v1.Time"),
        4: Field("reason", "string"),
        5: Field("message", "string"),
    },
    "apps.v1.StatefulSetUpdateStrategy": {
        1: Field("type", "string"),
        2: Field("rollingUpdate", "apps.v1.RollingUpdateStatefulSetStrategy"),
    },
    "apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy": {
        1: Field("whenDeleted", "string"),
        2: Field("whenScaled", "string"),
    },
    "apps.v1.StatefulSetOrdinals": {1: Field("start", "int32", omitempty=False)},
    "apps.v1.StatefulSetCondition": {
        1: Field("type", "string", omitempty=False),
        2: Field("status", "string", omitempty=False),
        3: Field("lastTransitionTime", "meta.v1.Time"),
        4: Field("reason", "string"),
        5: Field("message", "string"),
    },
    "apps.v1.DaemonSetUpdateStrategy": {
        1: Field("type", "string"),
        2: Field("rollingUpdate", "apps.v1.RollingUpdateDaemonSet"),
    },
    "apps.v1.DaemonSetCondition": {
        1: Field("type", "string", omitempty=False),
        2: Field("status", "string", omitempty=False),
        3: Field("lastTransitionTime", "meta.v1.Time"),
        4: Field("reason", "string"),
        5: Field("message", "string"),
    },
    "apps.v1.RollingUpdateDeployment": {
        1: Field("maxUnavailable", "intstr.IntOrString"),
        2: Field("maxSurge", "intstr.IntOrString"),
    },
    "apps.v1.RollingUpdateStatefulSetStrategy": {
        1: Field("partition", "int32", pointer=True),
        2: Field("maxUnavailable", "intstr.IntOrString"),
    },
    "apps.v1.RollingUpdateDaemonSet": {
        1: Field("maxUnavailable", "intstr.IntOrString"),
        2: Field("maxSurge", "intstr.IntOrString"),
    },
    "batch.v1.Job": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "batch.v1.JobSpec"),
        3: Field("status", "batch.v1.JobStatus"),
    },
    "batch.v1.JobList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "batch.v1.Job", repeated=True, omitempty=False),
    },
    "batch.v1.CronJob": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "batch.v1.CronJobSpec"),
        3: Field("status", "batch.v1.CronJobStatus"),
    },
    "batch.v1.CronJobList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "batch.v1.CronJob", repeated=True, omitempty=False),
    },
    "batch.v1.JobSpec": {
        1: Field("parallelism", "int32", pointer=True),
        2: Field("completions", "int32", pointer=True),
        3: Field("activeDeadlineSeconds", "int64", pointer=True),
        4: Field("selector", "meta.v1.LabelSelector"),
        5: Field("manualSelector", "bool", pointer=True),
        6: Field("template", "core.v1.PodTemplateSpec"),
        7: Field("backoffLimit", "int32", pointer=True),
        8: Field("ttlSecondsAfterFinished", "int32", pointer=True),
        9: Field("completionMode", "string", pointer=True),
        10: Field("suspend", "bool", pointer=True),
        11: Field("podFailurePolicy", "batch.v1.PodFailurePolicy"),
        12: Field("backoffLimitPerIndex", "int32", pointer=True),
        13: Field("maxFailedIndexes", "int32", pointer=True),
        14: Field("podReplacementPolicy", "string", pointer=True),
        15: Field("managedBy", "string", pointer=True),
        16: Field("successPolicy", "batch.v1.SuccessPolicy"),
        17: Field("scheduling", "batch.v1.JobSchedulingConfiguration"),
    },
    "batch.v1.JobStatus": {
        1: Field("conditions", "batch.v1.JobCondition", repeated=True),
        2: Field("startTime", "meta.v1.Time"),
        3: Field("completionTime", "meta.v1.Time"),
        4: Field("active", "int32"),
        5: Field("succeeded", "int32"),
        6: Field("failed", "int32"),
        7: Field("completedIndexes", "string"),
        8: Field("uncountedTerminatedPods", "batch.v1.UncountedTerminatedPods"),
        9: Field("ready", "int32", pointer=True),
        10: Field("failedIndexes", "string", pointer=True),
        11: Field("terminating", "int32", pointer=True),
    },
    "batch.v1.CronJobSpec": {
        1: Field("schedule", "string", omitempty=False),
        2: Field("startingDeadlineSeconds", "int64", pointer=True),
        3: Field("concurrencyPolicy", "string"),
        4: Field("suspend", "bool", pointer=True),
        5: Field("jobTemplate", "batch.v1.JobTemplateSpec"),
        6: Field("successfulJobsHistoryLimit", "int32", pointer=True),
        7: Field("failedJobsHistoryLimit", "int32", pointer=True),
        8: Field("timeZone", "string", pointer=True),
    },
    "batch.v1.CronJobStatus": {
        1: Field("active", "core.v1.ObjectReference", repeated=True),
        4: Field("lastScheduleTime", "meta.v1.Time"),
        5: Field("lastSuccessfulTime", "meta.v1.Time"),
    },
    "batch.v1.PodFailurePolicy": {1: Field("rules", "batch.v1.PodFailurePolicyRule", repeated=True, omitempty=False)},
    "batch.v1.SuccessPolicy": {1: Field("rules", "batch.v1.SuccessPolicyRule", repeated=True, omitempty=False)},
    "batch.v1.JobSchedulingConfiguration": {
        1: Field("schedulingPolicy", "scheduling.v1alpha3.WorkloadPodGroupSchedulingPolicy"),
        2: Field("schedulingConstraints", "scheduling.v1alpha3.WorkloadPodGroupSchedulingConstraints"),
        3: Field("disruptionMode", "scheduling.v1alpha3.WorkloadPodGroupDisruptionMode"),
        4: Field("resourceClaims", "scheduling.v1alpha3.WorkloadPodGroupResourceClaim", repeated=True),
    },
    "batch.v1.JobCondition": {
        1: Field("type", "string", omitempty=False),
        2: Field("status", "string", omitempty=False),
        3: Field("lastProbeTime", "meta.v1.Time"),
        4: Field("lastTransitionTime", "meta.v1.Time"),
        5: Field("reason", "string"),
        6: Field("message", "string"),
    },
    "batch.v1.UncountedTerminatedPods": {
        1: Field("succeeded", "string", repeated=True),
        2: Field("failed", "string", repeated=True),
    },
    "batch.v1.JobTemplateSpec": {1: Field("metadata", "meta.v1.ObjectMeta"), 2: Field("spec", "batch.v1.JobSpec")},
    "batch.v1.PodFailurePolicyRule": {
        1: Field("action", "string", omitempty=False),
        2: Field("onExitCodes", "batch.v1.PodFailurePolicyOnExitCodesRequirement"),
        3: Field("onPodConditions", "batch.v1.PodFailurePolicyOnPodConditionsPattern", repeated=True),
    },
    "batch.v1.SuccessPolicyRule": {
        1: Field("succeededIndexes", "string", pointer=True),
        2: Field("succeededCount", "int32", pointer=True),
    },
    "batch.v1.PodFailurePolicyOnExitCodesRequirement": {
        1: Field("containerName", "string", pointer=True),
        2: Field("operator", "string", omitempty=False),
        3: Field("values", "int32", repeated=True, omitempty=False),
    },
    "batch.v1.PodFailurePolicyOnPodConditionsPattern": {
        1: Field("type", "string", omitempty=False),
        2: Field("status", "string", omitempty=False),
    },
    "autoscaling.v1.HorizontalPodAutoscaler": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "autoscaling.v1.HorizontalPodAutoscalerSpec"),
        3: Field("status", "autoscaling.v1.HorizontalPodAutoscalerStatus"),
    },
    "autoscaling.v1.HorizontalPodAutoscalerList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "autoscaling.v1.HorizontalPodAutoscaler", repeated=True, omitempty=False),
    },
    "autoscaling.v1.Scale": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "autoscaling.v1.ScaleSpec"),
        3: Field("status", "autoscaling.v1.ScaleStatus"),
    },
    "autoscaling.v1.HorizontalPodAutoscalerSpec": {
        1: Field("scaleTargetRef", "autoscaling.v1.CrossVersionObjectReference"),
        2: Field("minReplicas", "int32", pointer=True),
        3: Field("maxReplicas", "int32", omitempty=False),
        4: Field("targetCPUUtilizationPercentage", "int32", pointer=True),
    },
    "autoscaling.v1.HorizontalPodAutoscalerStatus": {
        1: Field("observedGeneration", "int64", pointer=True),
        2: Field("lastScaleTime", "meta.v1.Time"),
        3: Field("currentReplicas", "int32", omitempty=False),
        4: Field("desiredReplicas", "int32", omitempty=False),
        5: Field("currentCPUUtilizationPercentage", "int32", pointer=True),
    },
    "autoscaling.v1.ScaleSpec": {1: Field("replicas", "int32")},
    "autoscaling.v1.ScaleStatus": {1: Field("replicas", "int32", omitempty=False), 2: Field("selector", "string")},
    "autoscaling.v1.CrossVersionObjectReference": {
        1: Field("kind", "string", omitempty=False),
        2: Field("name", "string", omitempty=False),
        3: Field("apiVersion", "string"),
    },
    "autoscaling.v2.HorizontalPodAutoscaler": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "autoscaling.v2.HorizontalPodAutoscalerSpec"),
        3: Field("status", "autoscaling.v2.HorizontalPodAutoscalerStatus"),
    },
    "autoscaling.v2.HorizontalPodAutoscalerList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "autoscaling.v2.HorizontalPodAutoscaler", repeated=True, omitempty=False),
    },
    "autoscaling.v2.HorizontalPodAutoscalerSpec": {
        1: Field("scaleTargetRef", "autoscaling.v2.CrossVersionObjectReference"),
        2: Field("minReplicas", "int32", pointer=True),
        3: Field("maxReplicas", "int32", omitempty=False),
        4: Field("metrics", "autoscaling.v2.MetricSpec", repeated=True),
        5: Field("behavior", "autoscaling.v2.HorizontalPodAutoscalerBehavior"),
    },
    "autoscaling.v2.HorizontalPodAutoscalerStatus": {
        1: Field("observedGeneration", "int64", pointer=True),
        2: Field("lastScaleTime", "meta.v1.Time"),
        3: Field("currentReplicas", "int32"),
        4: Field("desiredReplicas", "int32", omitempty=False),
        5: Field("currentMetrics", "autoscaling.v2.MetricStatus", repeated=True, omitempty=False),
        6: Field("conditions", "autoscaling.v2.HorizontalPodAutoscalerCondition", repeated=True),
    },
    "autoscaling.v2.CrossVersionObjectReference": {
        1: Field("kind", "string", omitempty=False),
        2: Field("name", "string", omitempty=False),
        3: Field("apiVersion", "string"),
    },
    "autoscaling.v2.MetricSpec": {
        1: Field("type", "string", omitempty=False),
        2: Field("object", "autoscaling.v2.ObjectMetricSource"),
        3: Field("pods", "autoscaling.v2.PodsMetricSource"),
        4: Field("resource", "autoscaling.v2.ResourceMetricSource"),
        5: Field("external", "autoscaling.v2.ExternalMetricSource"),
        7: Field("containerResource", "autoscaling.v2.ContainerResourceMetricSource"),
    },
    "autoscaling.v2.HorizontalPodAutoscalerBehavior": {
        1: Field("scaleUp", "autoscaling.v2.HPAScalingRules"),
        2: Field("scaleDown", "autoscaling.v2.HPAScalingRules"),
    },
    "autoscaling.v2.MetricStatus": {
        1: Field("type", "string", omitempty=False),
        2: Field("object", "autoscaling.v2.ObjectMetricStatus"),
        3: Field("pods", "autoscaling.v2.PodsMetricStatus"),
        4: Field("resource", "autoscaling.v2.ResourceMetricStatus"),
        5: Field("external", "autoscaling.v2.ExternalMetricStatus"),
        7: Field("containerResource", "autoscaling.v2.ContainerResourceMetricStatus"),
    },
    "autoscaling.v2.HorizontalPodAutoscalerCondition": {
        1: Field("type", "string", omitempty=False),
        2: Field("status", "string", omitempty=False),
        3: Field("lastTransitionTime", "meta.v1.Time"),
        4: Field("reason", "string"),
        5: Field("message", "string"),
        6: Field("observedGeneration", "int64", pointer=True),
    },
    "autoscaling.v2.ObjectMetricSource": {
        1: Field("describedObject", "autoscaling.v2.CrossVersionObjectReference"),
        2: Field("target", "autoscaling.v2.MetricTarget"),
        3: Field("metric", "autoscaling.v2.MetricIdentifier"),
    },
    "autoscaling.v2.PodsMetricSource": {
        1: Field("metric", "autoscaling.v2.MetricIdentifier"),
        2: Field("target", "autoscaling.v2.MetricTarget"),
    },
    "autoscaling.v2.ResourceMetricSource": {
        1: Field("name", "string", omitempty=False),
        2: Field("target", "autoscaling.v2.MetricTarget"),
    },
    "autoscaling.v2.ExternalMetricSource": {
        1: Field("metric", "autoscaling.v2.MetricIdentifier"),
        2: Field("target", "autoscaling.v2.MetricTarget"),
    },
    "autoscaling.v2.ContainerResourceMetricSource": {
        1: Field("name", "string", omitempty=False),
        2: Field("target", "autoscaling.v2.MetricTarget"),
        3: Field("container", "string", omitempty=False),
    },
    "autoscaling.v2.HPAScalingRules": {
        1: Field("selectPolicy", "string", pointer=True),
        2: Field("policies", "autoscaling.v2.HPAScalingPolicy", repeated=True),
        3: Field("stabilizationWindowSeconds", "int32", pointer=True),
        4: Field("tolerance", "resource.Quantity"),
    },
    "autoscaling.v2.ObjectMetricStatus": {
        1: Field("metric", "autoscaling.v2.MetricIdentifier"),
        2: Field("current", "autoscaling.v2.MetricValueStatus"),
        3: Field("describedObject", "autoscaling.v2.CrossVersionObjectReference"),
    },
    "autoscaling.v2.PodsMetricStatus": {
        1: Field("metric", "autoscaling.v2.MetricIdentifier"),
        2: Field("current", "autoscaling.v2.MetricValueStatus"),
    },
    "autoscaling.v2.ResourceMetricStatus": {
        1: Field("name", "string", omitempty=False),
        2: Field("current", "autoscaling.v2.MetricValueStatus"),
    },
    "autoscaling.v2.ExternalMetricStatus": {
        1: Field("metric", "autoscaling.v2.MetricIdentifier"),
        2: Field("current", "autoscaling.v2.MetricValueStatus"),
    },
    "autoscaling.v2.ContainerResourceMetricStatus": {
        1: Field("name", "string", omitempty=False),
        2: Field("current", "autoscaling.v2.MetricValueStatus"),
        3: Field("container", "string", omitempty=False),
    },
    "autoscaling.v2.MetricTarget": {
        1: Field("type", "string", omitempty=False),
        2: Field("value", "resource.Quantity"),
        3: Field("averageValue", "resource.Quantity"),
        4: Field("averageUtilization", "int32", pointer=True),
    },
    "autoscaling.v2.MetricIdentifier": {
        1: Field("name", "string", omitempty=False),
        2: Field("selector", "meta.v1.LabelSelector"),
    },
    "autoscaling.v2.HPAScalingPolicy": {
        1: Field("type", "string", omitempty=False),
        2: Field("value", "int32", omitempty=False),
        3: Field("periodSeconds", "int32", omitempty=False),
    },
    "autoscaling.v2.MetricValueStatus": {
        1: Field("value", "resource.Quantity"),
        2: Field("averageValue", "resource.Quantity"),
        3: Field("averageUtilization", "int32", pointer=True),
    },
    "networking.v1.Ingress": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "networking.v1.IngressSpec"),
        3: Field("status", "networking.v1.IngressStatus"),
    },
    "networking.v1.IngressList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "networking.v1.Ingress", repeated=True, omitempty=False),
    },
    "networking.v1.IngressSpec": {
        1: Field("defaultBackend", "networking.v1.IngressBackend"),
        2: Field("tls", "networking.v1.IngressTLS", repeated=True),
        3: Field("rules", "networking.v1.IngressRule", repeated=True),
        4: Field("ingressClassName", "string", pointer=True),
    },
    "networking.v1.IngressStatus": {1: Field("loadBalancer", "networking.v1.IngressLoadBalancerStatus")},
    "networking.v1.IngressBackend": {
        3: Field("resource", "core.v1.TypedLocalObjectReference"),
        4: Field("service", "networking.v1.IngressServiceBackend"),
    },
    "networking.v1.IngressTLS": {1: Field("hosts", "string", repeated=True), 2: Field("secretName", "string")},
    "networking.v1.IngressRule": {
        1: Field("host", "string"),
        2: Field("ingressRuleValue", "networking.v1.IngressRuleValue", inline=True),
    },
    "networking.v1.IngressLoadBalancerStatus": {
        1: Field("ingress", "networking.v1.IngressLoadBalancerIngress", repeated=True)
    },
    "networking.v1.IngressServiceBackend": {
        1: Field("name", "string", omitempty=False),
        2: Field("port", "networking.v1.ServiceBackendPort"),
    },
    "networking.v1.IngressRuleValue": {1: Field("http", "networking.v1.HTTPIngressRuleValue")},
    "networking.v1.IngressLoadBalancerIngress": {
        1: Field("ip", "string"),
        2: Field("hostname", "string"),
        4: Field("ports", "networking.v1.IngressPortStatus", repeated=True),
    },
    "networking.v1.ServiceBackendPort": {1: Field("name", "string"), 2: Field("number", "int32")},
    "networking.v1.HTTPIngressRuleValue": {
        1: Field("paths", "networking.v1.HTTPIngressPath", repeated=True, omitempty=False)
    },
    "networking.v1.IngressPortStatus": {
        1: Field("port", "int32", omitempty=False),
        2: Field("protocol", "string", omitempty=False),
        3: Field("error", "string", pointer=True),
    },
    "networking.v1.HTTPIngressPath": {
        1: Field("path", "string"),
        2: Field("backend", "networking.v1.IngressBackend"),
        3: Field("pathType", "string", pointer=True),
    },
    "rbac.v1.Role": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("rules", "rbac.v1.PolicyRule", repeated=True, omitempty=False),
    },
    "rbac.v1.RoleList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "rbac.v1.Role", repeated=True, omitempty=False),
    },
    "rbac.v1.RoleBinding": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("subjects", "rbac.v1.Subject", repeated=True),
        3: Field("roleRef", "rbac.v1.RoleRef"),
    },
    "rbac.v1.RoleBindingList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "rbac.v1.RoleBinding", repeated=True, omitempty=False),
    },
    "rbac.v1.ClusterRole": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("rules", "rbac.v1.PolicyRule", repeated=True, omitempty=False),
        3: Field("aggregationRule", "rbac.v1.AggregationRule"),
    },
    "rbac.v1.ClusterRoleList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "rbac.v1.ClusterRole", repeated=True, omitempty=False),
    },
    "rbac.v1.ClusterRoleBinding": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("subjects", "rbac.v1.Subject", repeated=True),
        3: Field("roleRef", "rbac.v1.RoleRef"),
    },
    "rbac.v1.ClusterRoleBindingList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "rbac.v1.ClusterRoleBinding", repeated=True, omitempty=False),
    },
    "rbac.v1.PolicyRule": {
        1: Field("verbs", "string", repeated=True, omitempty=False),
        2: Field("apiGroups", "string", repeated=True),
        3: Field("resources", "string", repeated=True),
        4: Field("resourceNames", "string", repeated=True),
        5: Field("nonResourceURLs", "string", repeated=True),
    },
    "rbac.v1.Subject": {
        1: Field("kind", "string", omitempty=False),
        2: Field("apiGroup", "string"),
        3: Field("name", "string", omitempty=False),
        4: Field("namespace", "string"),
    },
    "rbac.v1.RoleRef": {
        1: Field("apiGroup", "string", omitempty=False),
        2: Field("kind", "string", omitempty=False),
        3: Field("name", "string", omitempty=False),
    },
    "rbac.v1.AggregationRule": {1: Field("clusterRoleSelectors", "meta.v1.LabelSelector", repeated=True)},
    "policy.v1.PodDisruptionBudget": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "policy.v1.PodDisruptionBudgetSpec"),
        3: Field("status", "policy.v1.PodDisruptionBudgetStatus"),
    },
    "policy.v1.PodDisruptionBudgetList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "policy.v1.PodDisruptionBudget", repeated=True, omitempty=False),
    },
    "policy.v1.Eviction": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("deleteOptions", "meta.v1.DeleteOptions"),
    },
    "policy.v1.PodDisruptionBudgetSpec": {
        1: Field("minAvailable", "intstr.IntOrString"),
        2: Field("selector", "meta.v1.LabelSelector"),
        3: Field("maxUnavailable", "intstr.IntOrString"),
        4: Field("unhealthyPodEvictionPolicy", "string", pointer=True),
    },
    "policy.v1.PodDisruptionBudgetStatus": {
        1: Field("observedGeneration", "int64"),
        2: Field("disruptedPods", "meta.v1.Time", map=True),
        3: Field("disruptionsAllowed", "int32", omitempty=False),
        4: Field("currentHealthy", "int32", omitempty=False),
        5: Field("desiredHealthy", "int32", omitempty=False),
        6: Field("expectedPods", "int32", omitempty=False),
        7: Field("conditions", "meta.v1.Condition", repeated=True),
    },
    "scheduling.v1.PriorityClass": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("value", "int32", omitempty=False),
        3: Field("globalDefault", "bool"),
        4: Field("description", "string"),
        5: Field("preemptionPolicy", "string", pointer=True),
    },
    "scheduling.v1.PriorityClassList": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("items", "scheduling.v1.PriorityClass", repeated=True, omitempty=False),
    },
    "scheduling.v1alpha3.WorkloadPodGroupSchedulingPolicy": {
        1: Field("basic", "scheduling.v1alpha3.WorkloadPodGroupBasicSchedulingPolicy"),
        2: Field("gang", "scheduling.v1alpha3.WorkloadPodGroupGangSchedulingPolicy"),
    },
    "scheduling.v1alpha3.WorkloadPodGroupSchedulingConstraints": {
        1: Field("topology", "scheduling.v1alpha3.TopologyConstraint", repeated=True)
    },
    "scheduling.v1alpha3.WorkloadPodGroupDisruptionMode": {
        1: Field("single", "scheduling.v1alpha3.WorkloadPodGroupSingleDisruptionMode"),
        2: Field("all", "scheduling.v1alpha3.WorkloadPodGroupAllDisruptionMode"),
    },
    "scheduling.v1alpha3.WorkloadPodGroupResourceClaim": {
        1: Field("name", "string", omitempty=False),
        2: Field("resourceClaimName", "string", pointer=True),
        3: Field("resourceClaimTemplateName", "string", pointer=True),
    },
    "scheduling.v1alpha3.WorkloadPodGroupBasicSchedulingPolicy": {},
    "scheduling.v1alpha3.WorkloadPodGroupGangSchedulingPolicy": {1: Field("minCount", "int32", pointer=True)},
    "scheduling.v1alpha3.TopologyConstraint": {1: Field("key", "string", omitempty=False)},
    "scheduling.v1alpha3.WorkloadPodGroupSingleDisruptionMode": {},
    "scheduling.v1alpha3.WorkloadPodGroupAllDisruptionMode": {},
    "authentication.v1.TokenRequest": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "authentication.v1.TokenRequestSpec"),
        3: Field("status", "authentication.v1.TokenRequestStatus"),
    },
    "authentication.v1.SelfSubjectReview": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("status", "authentication.v1.SelfSubjectReviewStatus"),
    },
    "authentication.v1.TokenRequestSpec": {
        1: Field("audiences", "string", repeated=True, omitempty=False),
        3: Field("boundObjectRef", "authentication.v1.BoundObjectReference"),
        4: Field("expirationSeconds", "int64", pointer=True),
        5: Field("attestations", "authentication.v1.AttestationValue", map=True),
    },
    "authentication.v1.TokenRequestStatus": {
        1: Field("token", "string", omitempty=False),
        2: Field("expirationTimestamp", "meta.v1.Time"),
    },
    "authentication.v1.SelfSubjectReviewStatus": {1: Field("userInfo", "authentication.v1.UserInfo")},
    "authentication.v1.BoundObjectReference": {
        1: Field("kind", "string"),
        2: Field("apiVersion", "string"),
        3: Field("name", "string"),
        4: Field("uid", "string"),
    },
    "authentication.v1.UserInfo": {
        1: Field("username", "string"),
        2: Field("uid", "string"),
        3: Field("groups", "string", repeated=True),
        4: Field("extra", "authentication.v1.ExtraValue", map=True),
    },
    "authorization.v1.SelfSubjectAccessReview": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "authorization.v1.SelfSubjectAccessReviewSpec"),
        3: Field("status", "authorization.v1.SubjectAccessReviewStatus"),
    },
    "authorization.v1.SelfSubjectRulesReview": {
        1: Field("metadata", "meta.v1.ObjectMeta"),
        2: Field("spec", "authorization.v1.SelfSubjectRulesReviewSpec"),
        3: Field("status", "authorization.v1.SubjectRulesReviewStatus"),
    },
    "authorization.v1.SelfSubjectAccessReviewSpec": {
        1: Field("resourceAttributes", "authorization.v1.ResourceAttributes"),
        2: Field("nonResourceAttributes", "authorization.v1.NonResourceAttributes"),
    },
    "authorization.v1.SubjectAccessReviewStatus": {
        1: Field("allowed", "bool", omitempty=False),
        2: Field("reason", "string"),
        3: Field("evaluationError", "string"),
        4: Field("denied", "bool"),
    },
    "authorization.v1.SelfSubjectRulesReviewSpec": {1: Field("namespace", "string")},
    "authorization.v1.SubjectRulesReviewStatus": {
        1: Field("resourceRules", "authorization.v1.ResourceRule", repeated=True, omitempty=False),
        2: Field("nonResourceRules", "authorization.v1.NonResourceRule", repeated=True, omitempty=False),
        3: Field("incomplete", "bool", omitempty=False),
        4: Field("evaluationError", "string"),
    },
    "authorization.v1.ResourceAttributes": {
        1: Field("namespace", "string"),
        2: Field("verb", "string"),
        3: Field("group", "string"),
        4: Field("version", "string"),
        5: Field("resource", "string"),
        6: Field("subresource", "string"),
        7: Field("name", "string"),
        8: Field("fieldSelector", "authorization.v1.FieldSelectorAttributes"),
        9: Field("labelSelector", "authorization.v1.LabelSelectorAttributes"),
    },
    "authorization.v1.NonResourceAttributes": {1: Field("path", "string"), 2: Field("verb", "string")},
    "authorization.v1.ResourceRule": {
        1: Field("verbs", "string", repeated=True, omitempty=False),
        2: Field("apiGroups", "string", repeated=True),
        3: Field("resources", "string", repeated=True),
        4: Field("resourceNames", "string", repeated=True),
    },
    "authorization.v1.NonResourceRule": {
        1: Field("verbs", "string", repeated=True, omitempty=False),
        2: Field("nonResourceURLs", "string", repeated=True),
    },
    "authorization.v1.FieldSelectorAttributes": {
        1: Field("rawSelector", "string"),
        2: Field("requirements", "meta.v1.FieldSelectorRequirement", repeated=True),
    },
    "authorization.v1.LabelSelectorAttributes": {
        1: Field("rawSelector", "string"),
        2: Field("requirements", "meta.v1.LabelSelectorRequirement", repeated=True),
    },
    "meta.v1.Status": {
        1: Field("metadata", "meta.v1.ListMeta"),
        2: Field("status", "string"),
        3: Field("message", "string"),
        4: Field("reason", "string"),
        5: Field("details", "meta.v1.StatusDetails"),
        6: Field("code", "int32"),
    },
    "meta.v1.DeleteOptions": {
        1: Field("gracePeriodSeconds", "int64", pointer=True),
        2: Field("preconditions", "meta.v1.Preconditions"),
        3: Field("orphanDependents", "bool", pointer=True),
        4: Field("propagationPolicy", "string", pointer=True),
        5: Field("dryRun", "string", repeated=True),
        6: Field("ignoreStoreReadErrorWithClusterBreakingPotential", "bool", pointer=True),
    },
    "meta.v1.ObjectMeta": {
        1: Field("name", "string"),
        2: Field("generateName", "string"),
        3: Field("namespace", "string"),
        4: Field("selfLink", "string"),
        5: Field("uid", "string"),
        6: Field("resourceVersion", "string"),
        7: Field("generation", "int64"),
        8: Field("creationTimestamp", "meta.v1.Time", omitzero=True),
        9: Field("deletionTimestamp", "meta.v1.Time"),
        10: Field("deletionGracePeriodSeconds", "int64", pointer=True),
        11: Field("labels", "string", map=True),
        12: Field("annotations", "string", map=True),
        13: Field("ownerReferences", "meta.v1.OwnerReference", repeated=True),
        14: Field("finalizers", "string", repeated=True),
        17: Field("managedFields", "meta.v1.ManagedFieldsEntry", repeated=True),
    },
    "meta.v1.ListMeta": {
        1: Field("selfLink", "string"),
        2: Field("resourceVersion", "string"),
        3: Field("continue", "string"),
        4: Field("remainingItemCount", "int64", pointer=True),
        5: Field("shardInfo", "meta.v1.ShardInfo"),
    },
    "meta.v1.StatusDetails": {
        1: Field("name", "string"),
        2: Field("group", "string"),
        3: Field("kind", "string"),
        4: Field("causes", "meta.v1.StatusCause", repeated=True),
        5: Field("retryAfterSeconds", "int32"),
        6: Field("uid", "string"),
    },
    "meta.v1.Preconditions": {
        1: Field("uid", "string", pointer=True),
        2: Field("resourceVersion", "string", pointer=True),
    },
    "meta.v1.OwnerReference": {
        1: Field("kind", "string", omitempty=False),
        3: Field("name", "string", omitempty=False),
        4: Field("uid", "string", omitempty=False),
        5: Field("apiVersion", "string", omitempty=False),
        6: Field("controller", "bool", pointer=True),
        7: Field("blockOwnerDeletion", "bool", pointer=True),
    },
    "meta.v1.ManagedFieldsEntry": {
        1: Field("manager", "string"),
        2: Field("operation", "string"),
        3: Field("apiVersion", "string"),
        4: Field("time", "meta.v1.Time"),
        6: Field("fieldsType", "string"),
        7: Field("fieldsV1", "meta.v1.FieldsV1"),
        8: Field("subresource", "string"),
    },
    "meta.v1.ShardInfo": {1: Field("selector", "string", omitempty=False)},
    "meta.v1.Condition": {
        1: Field("type", "string", omitempty=False),
        2: Field("status", "string", omitempty=False),
        3: Field("observedGeneration", "int64"),
        4: Field("lastTransitionTime", "meta.v1.Time"),
        5: Field("reason", "string", omitempty=False),
        6: Field("message", "string", omitempty=False),
    },
    "meta.v1.LabelSelector": {
        1: Field("matchLabels", "string", map=True),
        2: Field("matchExpressions", "meta.v1.LabelSelectorRequirement", repeated=True),
    },
    "meta.v1.StatusCause": {1: Field("reason", "string"), 2: Field("message", "string"), 3: Field("field", "string")},
    "meta.v1.LabelSelectorRequirement": {
        1: Field("key", "string", omitempty=False),
        2: Field("operator", "string", omitempty=False),
        3: Field("values", "string", repeated=True),
    },
    "meta.v1.FieldSelectorRequirement": {
        1: Field("key", "string", omitempty=False),
        2: Field("operator", "string", omitempty=False),
        3: Field("values", "string", repeated=True),
    },
}

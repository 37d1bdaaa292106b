"""Server-side printing: the `meta.k8s.io/v1` Table that `kubectl get` asks for, built as a 1.37 API server builds it.

kubectl prints the columns the server sends and nothing else (without them it falls back to NAME and AGE), so each
kind's columns (names, types, formats, descriptions, priorities) and cells follow the API server's printers. The server
always fills the wide columns (priority 1) and kubectl hides them unless asked for `-o wide`.

Three kinds of table exist: a kind's own printer; the generic one (Name and Created At) for a built-in kind without a
printer, such as Role or LimitRange; and a custom resource's, from its CRD's additionalPrinterColumns (Age when it has
none). Fields the API server always defaults are read with their defaults, so an object stored without them prints
as the server would print it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_UP, Context, Decimal, InvalidOperation
from functools import cache
from typing import Any

from kubesim.api.errors import bad_request
from kubesim.api.goformat import go_float, go_json

Obj = dict[str, Any]
Column = dict[str, Any]

TABLE_API_VERSION = "meta.k8s.io/v1"
INCLUDE_OBJECT_VALUES = ("Metadata", "Object", "None", "")


def table(
    kind_group: tuple[str, str],
    objects: list[dict[str, Any]],
    *,
    include_object: str = "Metadata",
    now: datetime,
    printer_columns: list[dict[str, Any]] | None = None,
    listing: bool = True,
) -> dict[str, Any]:
    """The Table for `objects` of one kind; `metadata` is left for the caller to fill (resourceVersion, continue).

    kind_group is (group, kind). printer_columns marks a custom resource: its version's additionalPrinterColumns,
    [] when the CRD has none. listing says the objects answer a list rather than a get of one object by name.
    Raises ApiError (400) for an includeObject the API server does not accept.
    """
    _check_include_object(include_object)
    rows: list[tuple[Obj, Obj]] | None
    if printer_columns is not None:
        columns, rows = _custom_resource_table(printer_columns, objects, now)
    else:
        columns, rows = _built_in_table(kind_group, objects, now, listing)
    return {
        "kind": "Table",
        "apiVersion": TABLE_API_VERSION,
        "metadata": {},
        "columnDefinitions": columns,
        "rows": None if rows is None else [{**row, "object": _embedded(obj, include_object)} for obj, row in rows],
    }


def human_duration(delta: timedelta) -> str:
    """Kubernetes' duration.HumanDuration: two units while the larger is small, then one; a little clock skew is 0s."""
    micros = delta // timedelta(microseconds=1)
    seconds = -(-micros // 1_000_000) if micros < 0 else micros // 1_000_000
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = micros // 60_000_000
    if minutes < 10:
        return _two_units(minutes, "m", seconds % 60, "s")
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = micros // 3_600_000_000
    if hours < 8:
        return _two_units(hours, "h", minutes % 60, "m")
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return _two_units(hours // 24, "d", hours % 24, "h")
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        return _two_units(hours // 24 // 365, "y", (hours // 24) % 365, "d")
    return f"{hours // 24 // 365}y"


def _two_units(big: int, big_unit: str, small: int, small_unit: str) -> str:
    return f"{big}{big_unit}" if small == 0 else f"{big}{big_unit}{small}{small_unit}"


# -- the request's includeObject -----------------------------------------------------------------------------------


def _check_include_object(include_object: str) -> None:
    if include_object not in INCLUDE_OBJECT_VALUES:
        raise bad_request(
            "Unable to convert to Table as requested: includeObject: Invalid value: "
            f"{json.dumps(include_object, ensure_ascii=False)}: must be 'Metadata', 'Object', 'None', or empty"
        )


def _embedded(obj: Obj, include_object: str) -> Obj | None:
    if include_object == "Object":
        return obj
    if include_object == "None":
        return None
    return {"kind": "PartialObjectMetadata", "apiVersion": TABLE_API_VERSION, "metadata": dict(_map(obj, "metadata"))}


# -- built-in kinds ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    now: datetime
    # The one storage class a list marks "(default)": the newest of those annotated as default.
    default_storage_class: str | None = None


Cells = Callable[[Obj, _Context], list[Any]]


@dataclass(frozen=True)
class _Printer:
    columns: tuple[Column, ...]
    cells: Cells
    conditions: Callable[[Obj], list[Obj]] | None = None
    order: Callable[[list[Obj]], list[Obj]] | None = None
    # The generic table and the CRD table leave `rows` null for an empty list, as a Go nil slice is written.
    null_when_empty: bool = False


def _built_in_table(
    kind_group: tuple[str, str], objects: list[Obj], now: datetime, listing: bool
) -> tuple[list[Column], list[tuple[Obj, Obj]] | None]:
    printer = _printers().get(kind_group) or _generic_printer()
    if printer.null_when_empty and not objects:
        return list(printer.columns), None
    marked = _effective_default_storage_class(objects) if kind_group == _STORAGE_CLASS and listing else None
    context = _Context(now, marked)
    rows = []
    for obj in printer.order(objects) if printer.order else objects:
        row: Obj = {"cells": printer.cells(obj, context)}
        conditions = printer.conditions(obj) if printer.conditions else []
        if conditions:
            row["conditions"] = conditions
        rows.append((obj, row))
    return list(printer.columns), rows


def _column(name: str, description: str, *, kind: str = "string", priority: int = 0, fmt: str = "") -> Column:
    return {"name": name, "type": kind, "format": fmt, "description": description, "priority": priority}


def _name_column(priority: int = 0) -> Column:
    return _column("Name", _DOCS["ObjectMeta.name"], fmt="name", priority=priority)


def _age_column() -> Column:
    return _column("Age", _DOCS["ObjectMeta.creationTimestamp"])


def _template_columns(selector_doc: str | None) -> tuple[Column, ...]:
    """The wide columns of a kind that stamps out pods: its containers, their images and, mostly, its selector."""
    columns = (
        _column("Containers", "Names of each container in the template.", priority=1),
        _column("Images", "Images referenced by each container in the template.", priority=1),
    )
    if selector_doc is None:
        return columns
    return (*columns, _column("Selector", _DOCS[selector_doc], priority=1))


@cache
def _generic_printer() -> _Printer:
    return _Printer(
        (_name_column(), _column("Created At", _DOCS["ObjectMeta.creationTimestamp"], kind="date")),
        lambda obj, _: [_name(obj), _created_at(obj)],
        null_when_empty=True,
    )


_STORAGE_CLASS = ("storage.k8s.io", "StorageClass")


@cache
def _printers() -> dict[tuple[str, str], _Printer]:
    printers: dict[tuple[str, str], _Printer] = {}
    for table_of_kinds in (_core_printers, _workload_printers, _network_printers, _storage_printers, _cluster_printers):
        printers.update(table_of_kinds())
    return printers


# -- reading objects -----------------------------------------------------------------------------------------------


def _at(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _text(obj: Any, *path: str) -> str:
    value = _at(obj, *path)
    return value if isinstance(value, str) else ""


def _number(obj: Any, *path: str, default: int = 0) -> int:
    value = _at(obj, *path)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return int(value)


def _flag(obj: Any, *path: str, default: bool = False) -> bool:
    value = _at(obj, *path)
    return value if isinstance(value, bool) else default


def _map(obj: Any, *path: str) -> Obj:
    value = _at(obj, *path)
    return value if isinstance(value, dict) else {}


def _items(obj: Any, *path: str) -> list[Any]:
    value = _at(obj, *path)
    return value if isinstance(value, list) else []


def _dicts(obj: Any, *path: str) -> list[Obj]:
    return [item for item in _items(obj, *path) if isinstance(item, dict)]


def _strings(obj: Any, *path: str) -> list[str]:
    return [item for item in _items(obj, *path) if isinstance(item, str)]


def _has(obj: Any, *path: str) -> bool:
    parent = _at(obj, *path[:-1])
    return isinstance(parent, dict) and parent.get(path[-1]) is not None


def _name(obj: Obj) -> str:
    return _text(obj, "metadata", "name")


def _deleting(obj: Obj) -> bool:
    return _has(obj, "metadata", "deletionTimestamp")


def _annotation(obj: Obj, key: str) -> str | None:
    value = _map(obj, "metadata", "annotations").get(key)
    return value if isinstance(value, str) else None


def _condition(obj: Obj, kind: str) -> Obj | None:
    """The first status condition of a type, as the printers look conditions up."""
    return next((c for c in _dicts(obj, "status", "conditions") if c.get("type") == kind), None)


def _condition_true(obj: Obj, kind: str) -> bool:
    found = _condition(obj, kind)
    return found is not None and found.get("status") == "True"


def _or(value: str, fallback: str) -> str:
    return value if value else fallback


# -- time ----------------------------------------------------------------------------------------------------------

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_ZERO_TIME = datetime(1, 1, 1, tzinfo=UTC)


def _parse_time(value: Any) -> datetime | None:
    """A metav1.Time or MicroTime; None for the zero time, which the printers show as <unknown>."""
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        return None
    parsed = datetime.fromisoformat(value)
    return None if parsed == _ZERO_TIME else parsed


def _since(value: Any, now: datetime) -> str:
    moment = _parse_time(value)
    if moment is None:
        return "<unknown>"
    return human_duration(_aware(now) - moment)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _age(obj: Obj, context: _Context) -> str:
    return _since(_at(obj, "metadata", "creationTimestamp"), context.now)


def _created_at(obj: Obj) -> str:
    """The creation time as RFC 3339 in UTC, whole seconds: the generic table's Created At cell."""
    moment = (_parse_time(_at(obj, "metadata", "creationTimestamp")) or _ZERO_TIME).astimezone(UTC)
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}Z"


# -- formatting shared by the printers -----------------------------------------------------------------------------


def _label_set(labels: Any) -> str:
    """labels.FormatLabels: k=v pairs sorted as strings, <none> when empty."""
    pairs = sorted(f"{key}={value}" for key, value in (labels or {}).items() if isinstance(value, str))
    return ",".join(pairs) or "<none>"


class _InvalidSelector(ValueError):
    pass


_OPERATORS = {"In": " in ", "NotIn": " notin ", "Exists": "", "DoesNotExist": ""}


def _selector(selector: Any) -> str:
    """metav1.LabelSelectorAsSelector(...).String(): requirements by key; "" for no selector or an empty one."""
    if not isinstance(selector, dict):
        return ""
    requirements = [(key, f"{key}={value}") for key, value in _map(selector, "matchLabels").items()]
    for expression in _dicts(selector, "matchExpressions"):
        requirements.append((_text(expression, "key"), _requirement(expression)))
    requirements.sort(key=lambda requirement: requirement[0])
    return ",".join(text for _, text in requirements)


def _requirement(expression: Obj) -> str:
    key, operator, values = _text(expression, "key"), _text(expression, "operator"), _strings(expression, "values")
    if operator not in _OPERATORS:
        raise _InvalidSelector(operator)
    if operator in ("Exists", "DoesNotExist"):
        if values:
            raise _InvalidSelector(operator)
        return ("!" if operator == "DoesNotExist" else "") + key
    if not values:
        raise _InvalidSelector(operator)
    return f"{key}{_OPERATORS[operator]}({','.join(sorted(values))})"


def _format_selector(selector: Any) -> str:
    """metav1.FormatLabelSelector: the selector, <none> for an empty one and <error> for one that cannot be read."""
    try:
        return _selector(selector) or "<none>"
    except _InvalidSelector:
        return "<error>"


def _selector_struct(selector: Any) -> str:
    """How Go prints a *LabelSelector with %v (its generated String method)."""
    if not isinstance(selector, dict):
        return "nil"
    labels = "".join(f"{key}: {value}," for key, value in sorted(_map(selector, "matchLabels").items()))
    expressions = "".join(
        f"LabelSelectorRequirement{{Key:{_text(e, 'key')},Operator:{_text(e, 'operator')},"
        f"Values:[{' '.join(_strings(e, 'values'))}],}},"
        for e in _dicts(selector, "matchExpressions")
    )
    return (
        f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},"
        f"MatchExpressions:[]LabelSelectorRequirement{{{expressions}}},}}"
    )


def _containers(pod_spec: Any) -> tuple[str, str]:
    containers = _dicts(pod_spec, "containers")
    return ",".join(_text(c, "name") for c in containers), ",".join(_text(c, "image") for c in containers)


def _int_or_string(value: Any) -> str:
    if isinstance(value, bool):
        return ""
    return str(value) if isinstance(value, int | str) else ""


_ACCESS_MODES = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)


def _access_modes(modes: list[str]) -> str:
    """Access modes abbreviated, always in the same order whatever the object's."""
    return ",".join(short for mode, short in _ACCESS_MODES if mode in modes)


def _first_three(items: list[str], count: int) -> str:
    joined = ",".join(items[:3])
    return f"{joined} + {count - 3} more..." if count > 3 else joined


def _bool_text(value: bool) -> str:
    return "True" if value else "False"


# -- quantities ----------------------------------------------------------------------------------------------------

_QUANTITY = re.compile(r"([+-]?)(\d+\.?\d*|\.\d+)(.*)")
_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_NAMES = {exponent: suffix for suffix, exponent in _DECIMAL_SUFFIXES.items()}
_BINARY_NAMES = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
# Wide enough that no amount a quantity can hold is rounded on the way.
_EXACT = Context(prec=80)


def _quantity(value: Any) -> str:
    """resource.Quantity's String(): the amount in canonical form ("0" when absent); unreadable text as written."""
    if value is None:
        return "0"
    text = value.strip() if isinstance(value, str) else json.dumps(value)
    parsed = _parse_quantity(text)
    if parsed is None:
        return text
    amount, notation = parsed
    return _canonical_quantity(amount, notation)


def _parse_quantity(text: str) -> tuple[Decimal, str] | None:
    match = _QUANTITY.fullmatch(text)
    if not match:
        return None
    sign, digits, suffix = match.groups()
    try:
        amount = Decimal(sign + digits)
    except InvalidOperation:
        return None
    if suffix in _DECIMAL_SUFFIXES:
        amount, notation = amount.scaleb(_DECIMAL_SUFFIXES[suffix], context=_EXACT), "decimal"
    elif suffix in _BINARY_SUFFIXES:
        amount, notation = _EXACT.multiply(amount, Decimal(2 ** _BINARY_SUFFIXES[suffix])), "binary"
    elif len(suffix) > 1 and suffix[0] in "eE" and re.fullmatch(r"[+-]?\d+", suffix[1:]):
        amount, notation = amount.scaleb(int(suffix[1:]), context=_EXACT), "exponent"
    else:
        return None
    # Anything finer than a nano is rounded up to one: asking for some of a resource gets some.
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -9:
        amount = amount.quantize(Decimal("1e-9"), rounding=ROUND_UP, context=_EXACT)
    return amount, notation


def _canonical_quantity(amount: Decimal, notation: str) -> str:
    if amount == 0:
        return "0"
    if notation == "binary" and (-1024 < amount < 1024 or amount != amount.to_integral_value(context=_EXACT)):
        notation = "decimal"  # a binary suffix would round it
    if notation == "binary":
        whole, times = int(amount), 0
        while whole % 1024 == 0 and times < len(_BINARY_NAMES) - 1:
            whole, times = whole // 1024, times + 1
        return f"{whole}{_BINARY_NAMES[times]}"
    sign, digits, exponent = amount.normalize(context=_EXACT).as_tuple()
    mantissa = int("".join(map(str, digits))) * (-1 if sign else 1)
    assert isinstance(exponent, int)
    while exponent % 3:
        mantissa, exponent = mantissa * 10, exponent - 1
    if notation == "decimal" and exponent in _DECIMAL_NAMES:
        return f"{mantissa}{_DECIMAL_NAMES[exponent]}"
    return f"{mantissa}e{exponent}" if exponent else str(mantissa)


# -- pods ----------------------------------------------------------------------------------------------------------


@dataclass
class _Restarts:
    count: int = 0
    last: datetime | None = None

    def add(self, container_status: Obj) -> None:
        self.count += _number(container_status, "restartCount")
        if not _has(container_status, "lastState", "terminated"):
            return
        finished = _parse_time(_at(container_status, "lastState", "terminated", "finishedAt"))
        if finished is not None and (self.last is None or finished > self.last):
            self.last = finished


@dataclass
class _PodState:
    reason: str
    ready: int = 0
    initializing: bool = False
    restarts: _Restarts = field(default_factory=_Restarts)
    sidecar_restarts: _Restarts = field(default_factory=_Restarts)


def _pod_cells(pod: Obj, context: _Context) -> list[Any]:
    spec, status = _map(pod, "spec"), _map(pod, "status")
    init_specs = _dicts(spec, "initContainers")
    # Init containers that restart always are sidecars: they run beside the app containers and count with them.
    sidecar_specs = [c for c in init_specs if c.get("restartPolicy") == "Always"]
    sidecars = {_text(c, "name") for c in sidecar_specs}
    total = len(_dicts(spec, "containers")) + len(sidecar_specs)

    # A new pod is Pending from the moment the API server stores it.
    phase = _text(status, "phase") or "Pending"
    state = _PodState(reason=_text(status, "reason") or phase)
    if any(
        c.get("type") == "PodScheduled" and c.get("reason") == "SchedulingGated" for c in _dicts(status, "conditions")
    ):
        state.reason = "SchedulingGated"
    _read_init_containers(state, _dicts(status, "initContainerStatuses"), sidecars, len(init_specs))
    if not state.initializing or _condition_true(pod, "Initialized"):
        _read_containers(pod, state)

    if _deleting(pod) and _text(status, "reason") == "NodeLost":
        state.reason = "Unknown"
    elif _deleting(pod) and phase not in ("Succeeded", "Failed"):
        state.reason = "Terminating"

    restarts = str(state.restarts.count)
    if state.restarts.count and state.restarts.last is not None:
        restarts = f"{state.restarts.count} ({human_duration(_aware(context.now) - state.restarts.last)} ago)"
    return [
        _name(pod),
        f"{state.ready}/{total}",
        state.reason,
        restarts,
        _age(pod, context),
        _pod_ip(status) or "<none>",
        _or(_text(spec, "nodeName"), "<none>"),
        _or(_text(status, "nominatedNodeName"), "<none>"),
        _readiness_gates(pod),
    ]


def _read_init_containers(state: _PodState, statuses: list[Obj], sidecars: set[str], declared: int) -> None:
    """Init containers in order, up to the first one that has not finished (a sidecar that has started has)."""
    for index, container in enumerate(statuses):
        state.restarts.add(container)
        sidecar = _text(container, "name") in sidecars
        if sidecar:
            state.sidecar_restarts.add(container)
        terminated, waiting = _at(container, "state", "terminated"), _at(container, "state", "waiting")
        if isinstance(terminated, dict) and _number(terminated, "exitCode") == 0:
            continue
        if sidecar and container.get("started") is True:
            state.ready += 1 if container.get("ready") is True else 0
            continue
        state.initializing = True
        if isinstance(terminated, dict):
            state.reason = "Init:" + _termination(terminated)
        elif _text(waiting, "reason") and _text(waiting, "reason") != "PodInitializing":
            state.reason = "Init:" + _text(waiting, "reason")
        else:
            state.reason = f"Init:{index}/{declared}"
        return


def _read_containers(pod: Obj, state: _PodState) -> None:
    """The app containers, last first, so the first container with something to say has the last word."""
    restarts = _Restarts(state.sidecar_restarts.count, state.sidecar_restarts.last)
    running = False
    for container in reversed(_dicts(pod, "status", "containerStatuses")):
        restarts.add(container)
        terminated, waiting = _at(container, "state", "terminated"), _at(container, "state", "waiting")
        if _text(waiting, "reason"):
            state.reason = _text(waiting, "reason")
        elif isinstance(terminated, dict):
            state.reason = _termination(terminated)
        elif container.get("ready") is True and isinstance(_at(container, "state", "running"), dict):
            running = True
            state.ready += 1
    state.restarts = restarts
    if state.reason == "Completed" and running:
        ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in _dicts(pod, "status", "conditions"))
        state.reason = "Running" if ready else "NotReady"


def _termination(terminated: Obj) -> str:
    if _text(terminated, "reason"):
        return _text(terminated, "reason")
    if _number(terminated, "signal"):
        return f"Signal:{_number(terminated, 'signal')}"
    return f"ExitCode:{_number(terminated, 'exitCode')}"


def _pod_ip(status: Obj) -> str:
    # The single podIP wins over podIPs, as the API server converts a v1 pod status.
    return _text(status, "podIP") or next((_text(ip, "ip") for ip in _dicts(status, "podIPs")), "")


def _readiness_gates(pod: Obj) -> str:
    gates = _dicts(pod, "spec", "readinessGates")
    if not gates:
        return "<none>"
    met = sum(1 for gate in gates if _condition_true(pod, _text(gate, "conditionType")))
    return f"{met}/{len(gates)}"


def _pod_conditions(pod: Obj) -> list[Obj]:
    phase = _text(pod, "status", "phase")
    if phase == "Succeeded":
        return [
            {
                "type": "Completed",
                "status": "True",
                "reason": "Succeeded",
                "message": "The pod has completed successfully.",
            }
        ]
    if phase == "Failed":
        return [{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}]
    return []


# -- core kinds ----------------------------------------------------------------------------------------------------


def _replica_printer(kind: str, selector: Callable[[Obj], Any]) -> _Printer:
    """ReplicaSets and ReplicationControllers print alike; only their selectors are written differently."""
    return _Printer(
        (
            _name_column(),
            _column("Desired", _DOCS[f"{kind}Spec.replicas"], kind="integer"),
            _column("Current", _DOCS[f"{kind}Status.replicas"], kind="integer"),
            _column("Ready", _DOCS[f"{kind}Status.readyReplicas"], kind="integer"),
            _age_column(),
            *_template_columns(f"{kind}Spec.selector"),
        ),
        lambda obj, context: [
            _name(obj),
            _number(obj, "spec", "replicas", default=1),
            _number(obj, "status", "replicas"),
            _number(obj, "status", "readyReplicas"),
            _age(obj, context),
            *_containers(_at(obj, "spec", "template", "spec")),
            selector(obj),
        ],
    )


def _core_printers() -> dict[tuple[str, str], _Printer]:
    events = _Printer(
        (
            _column("Last Seen", _DOCS["Event.lastTimestamp"]),
            _column("Type", _DOCS["Event.type"]),
            _column("Reason", _DOCS["Event.reason"]),
            _column("Object", _DOCS["Event.involvedObject"]),
            _column("Subobject", _DOCS["ObjectReference.fieldPath"], priority=1),
            _column("Source", _DOCS["Event.source"], priority=1),
            _column("Message", _DOCS["Event.message"]),
            _column("First Seen", _DOCS["Event.firstTimestamp"], priority=1),
            _column("Count", _DOCS["Event.count"], priority=1),
            _name_column(priority=1),
        ),
        _event_cells,
    )
    return {
        ("", "Pod"): _Printer(
            (
                _name_column(),
                _column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
                _column("Status", "The aggregate status of the containers in this pod."),
                _column(
                    "Restarts",
                    "The number of times the containers in this pod have been restarted and when the last container "
                    "in this pod has restarted.",
                ),
                _age_column(),
                _column("IP", _DOCS["PodStatus.podIP"], priority=1),
                _column("Node", _DOCS["PodSpec.nodeName"], priority=1),
                _column("Nominated Node", _DOCS["PodStatus.nominatedNodeName"], priority=1),
                _column("Readiness Gates", _DOCS["PodSpec.readinessGates"], priority=1),
            ),
            _pod_cells,
            conditions=_pod_conditions,
        ),
        ("", "PodTemplate"): _Printer(
            (
                _name_column(),
                _column("Containers", "Names of each container in the template."),
                _column("Images", "Images referenced by each container in the template."),
                _column("Pod Labels", "The labels for the pod template."),
            ),
            lambda obj, _: [
                _name(obj),
                *_containers(_at(obj, "template", "spec")),
                _label_set(_map(obj, "template", "metadata", "labels")),
            ],
        ),
        ("", "ReplicationController"): _replica_printer(
            "ReplicationController", lambda obj: _label_set(_map(obj, "spec", "selector"))
        ),
        ("", "Service"): _Printer(
            (
                _name_column(),
                _column("Type", _DOCS["ServiceSpec.type"]),
                _column("Cluster-IP", _DOCS["ServiceSpec.clusterIP"]),
                _column("External-IP", _DOCS["ServiceSpec.externalIPs"]),
                _column("Port(s)", _DOCS["ServiceSpec.ports"]),
                _age_column(),
                _column("Selector", _DOCS["ServiceSpec.selector"], priority=1),
            ),
            _service_cells,
        ),
        ("", "Endpoints"): _Printer(
            (_name_column(), _column("Endpoints", _DOCS["Endpoints.subsets"]), _age_column()),
            lambda obj, context: [_name(obj), _endpoints(obj), _age(obj, context)],
        ),
        ("", "Node"): _Printer(
            (
                _name_column(),
                _column("Status", "The status of the node"),
                _column("Roles", "The roles of the node"),
                _age_column(),
                _column("Version", _DOCS["NodeSystemInfo.kubeletVersion"]),
                _column("Internal-IP", _DOCS["NodeStatus.addresses"], priority=1),
                _column("External-IP", _DOCS["NodeStatus.addresses"], priority=1),
                _column("OS-Image", _DOCS["NodeSystemInfo.osImage"], priority=1),
                _column("Kernel-Version", _DOCS["NodeSystemInfo.kernelVersion"], priority=1),
                _column("Container-Runtime", _DOCS["NodeSystemInfo.containerRuntimeVersion"], priority=1),
            ),
            _node_cells,
        ),
        ("", "Event"): events,
        ("events.k8s.io", "Event"): _Printer(
            events.columns, lambda obj, context: _event_cells(_as_core_event(obj), context)
        ),
        ("", "Namespace"): _Printer(
            (_name_column(), _column("Status", "The status of the namespace"), _age_column()),
            lambda obj, context: [_name(obj), _or(_text(obj, "status", "phase"), "Active"), _age(obj, context)],
        ),
        ("", "Secret"): _Printer(
            (
                _name_column(),
                _column("Type", _DOCS["Secret.type"]),
                _column("Data", _DOCS["Secret.data"]),
                _age_column(),
            ),
            lambda obj, context: [
                _name(obj),
                _or(_text(obj, "type"), "Opaque"),
                len(_map(obj, "data")),
                _age(obj, context),
            ],
        ),
        ("", "ServiceAccount"): _Printer(
            (_name_column(), _column("Secrets", _DOCS["ServiceAccount.secrets"]), _age_column()),
            lambda obj, context: [_name(obj), len(_items(obj, "secrets")), _age(obj, context)],
        ),
        ("", "PersistentVolume"): _Printer(
            (
                _name_column(),
                _column("Capacity", _DOCS["PersistentVolumeSpec.capacity"]),
                _column("Access Modes", _DOCS["PersistentVolumeSpec.accessModes"]),
                _column("Reclaim Policy", _DOCS["PersistentVolumeSpec.persistentVolumeReclaimPolicy"]),
                _column("Status", _DOCS["PersistentVolumeStatus.phase"]),
                _column("Claim", _DOCS["PersistentVolumeSpec.claimRef"]),
                _column("StorageClass", "StorageClass of the pv"),
                _column("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
                _column("Reason", _DOCS["PersistentVolumeStatus.reason"]),
                _age_column(),
                _column("VolumeMode", _DOCS["PersistentVolumeSpec.volumeMode"], priority=1),
            ),
            _persistent_volume_cells,
        ),
        ("", "PersistentVolumeClaim"): _Printer(
            (
                _name_column(),
                _column("Status", _DOCS["PersistentVolumeClaimStatus.phase"]),
                _column("Volume", _DOCS["PersistentVolumeClaimSpec.volumeName"]),
                _column("Capacity", _DOCS["PersistentVolumeClaimStatus.capacity"]),
                _column("Access Modes", _DOCS["PersistentVolumeClaimStatus.accessModes"]),
                _column("StorageClass", "StorageClass of the pvc"),
                _column("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
                _age_column(),
                _column("VolumeMode", _DOCS["PersistentVolumeClaimSpec.volumeMode"], priority=1),
            ),
            _persistent_volume_claim_cells,
        ),
        ("", "ComponentStatus"): _Printer(
            (
                _name_column(),
                _column("Status", "Status of the component conditions"),
                _column("Message", "Message of the component conditions"),
                _column("Error", "Error of the component conditions"),
            ),
            _component_status_cells,
        ),
        ("", "ConfigMap"): _Printer(
            (_name_column(), _column("Data", _DOCS["ConfigMap.data"]), _age_column()),
            lambda obj, context: [
                _name(obj),
                len(_map(obj, "data")) + len(_map(obj, "binaryData")),
                _age(obj, context),
            ],
        ),
        ("", "ResourceQuota"): _Printer(
            (
                _name_column(),
                _column("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
                _column(
                    "Limit",
                    "Limits control the maximum amount of cpu/memory that a container may use independent of "
                    "contention on the node.",
                ),
                _age_column(),
            ),
            _resource_quota_cells,
        ),
    }


def _service_cells(service: Obj, context: _Context) -> list[Any]:
    spec = _map(service, "spec")
    kind = _text(spec, "type") or "ClusterIP"
    cluster_ips = _strings(spec, "clusterIPs")
    cluster_ip = cluster_ips[0] if cluster_ips else _text(spec, "clusterIP")
    ports = ",".join(_service_port(port) for port in _dicts(spec, "ports"))
    return [
        _name(service),
        kind,
        cluster_ip or "<none>",
        _external_ip(service, kind),
        ports or "<none>",
        _age(service, context),
        _label_set(_map(spec, "selector")),
    ]


def _service_port(port: Obj) -> str:
    protocol = _text(port, "protocol") or "TCP"
    node_port = _number(port, "nodePort")
    if node_port > 0:
        return f"{_number(port, 'port')}:{node_port}/{protocol}"
    return f"{_number(port, 'port')}/{protocol}"


def _external_ip(service: Obj, kind: str) -> str:
    external_ips = _strings(service, "spec", "externalIPs")
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external_ips) or "<none>"
    if kind == "LoadBalancer":
        balancer = _load_balancer_addresses(_dicts(service, "status", "loadBalancer", "ingress"))
        return ",".join(balancer + external_ips) or "<pending>"
    if kind == "ExternalName":
        return _text(service, "spec", "externalName")
    return "<unknown>"


def _load_balancer_addresses(ingress: list[Obj]) -> list[str]:
    """Each ingress point's IP, or its hostname when it has no IP: sorted and without repeats."""
    return sorted({_text(point, "ip") or _text(point, "hostname") for point in ingress} - {""})


def _endpoints(endpoints: Obj) -> str:
    subsets = _dicts(endpoints, "subsets")
    if not subsets:
        return "<none>"
    shown: list[str] = []
    count = 0
    for subset in subsets:
        addresses = [_text(address, "ip") for address in _dicts(subset, "addresses")]
        ports: list[int | None] = [_number(port, "port") for port in _dicts(subset, "ports")]
        # A headless service may have no ports: its addresses are listed bare.
        for port in ports or [None]:
            for ip in addresses:
                count += 1
                shown.append(ip if port is None else _host_port(ip, port))
    return _first_three(shown, count)


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _node_cells(node: Obj, context: _Context) -> list[Any]:
    # A node's conditions are looked up by type, the last of a type standing.
    ready = [c for c in _dicts(node, "status", "conditions") if c.get("type") == "Ready"]
    status = ["Unknown"] if not ready else ["Ready" if ready[-1].get("status") == "True" else "NotReady"]
    if _flag(node, "spec", "unschedulable"):
        status.append("SchedulingDisabled")
    info = _map(node, "status", "nodeInfo")
    kernel = _text(info, "kernelVersion") or "<unknown>"
    if _text(info, "architecture"):
        kernel += f" ({_text(info, 'architecture')})"
    return [
        _name(node),
        ",".join(status),
        ",".join(_node_roles(node)) or "<none>",
        _age(node, context),
        _text(info, "kubeletVersion"),
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        _text(info, "osImage") or "<unknown>",
        kernel,
        _text(info, "containerRuntimeVersion") or "<unknown>",
    ]


def _node_roles(node: Obj) -> list[str]:
    roles = set()
    for key, value in _map(node, "metadata", "labels").items():
        if key.startswith("node-role.kubernetes.io/") and key != "node-role.kubernetes.io/":
            roles.add(key.removeprefix("node-role.kubernetes.io/"))
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return sorted(roles)


def _node_address(node: Obj, kind: str) -> str:
    return next((_text(a, "address") for a in _dicts(node, "status", "addresses") if a.get("type") == kind), "<none>")


def _event_cells(event: Obj, context: _Context) -> list[Any]:
    first_seen = _since(event.get("firstTimestamp"), context.now)
    if _parse_time(event.get("firstTimestamp")) is None:
        first_seen = _since(event.get("eventTime"), context.now)
    last_seen = (
        first_seen if _parse_time(event.get("lastTimestamp")) is None else _since(event["lastTimestamp"], context.now)
    )
    count = _number(event, "count")
    if isinstance(event.get("series"), dict):
        last_seen = _since(_at(event, "series", "lastObservedTime"), context.now)
        count = _number(event, "series", "count")
    elif count == 0:
        count = 1  # a singleton event of the newer API has no count
    involved = _map(event, "involvedObject")
    target = _text(involved, "kind").lower()
    if _text(involved, "name"):
        target += "/" + _text(involved, "name")
    component = _text(event, "source", "component") or _text(event, "reportingComponent")
    instance = _text(event, "source", "host") or _text(event, "reportingInstance")
    return [
        last_seen,
        _text(event, "type"),
        _text(event, "reason"),
        target,
        _text(involved, "fieldPath"),
        f"{component}, {instance}" if instance else component,
        _text(event, "message").strip(),
        first_seen,
        count,
        _name(event),
    ]


def _as_core_event(event: Obj) -> Obj:
    """An events.k8s.io/v1 Event in the shape of a core/v1 one, which is how the API server stores both."""
    return {
        "metadata": _map(event, "metadata"),
        "involvedObject": _map(event, "regarding"),
        "reason": _text(event, "reason"),
        "message": _text(event, "note"),
        "source": _map(event, "deprecatedSource"),
        "firstTimestamp": event.get("deprecatedFirstTimestamp"),
        "lastTimestamp": event.get("deprecatedLastTimestamp"),
        "count": _number(event, "deprecatedCount"),
        "type": _text(event, "type"),
        "eventTime": event.get("eventTime"),
        "series": event.get("series"),
        "reportingComponent": _text(event, "reportingController"),
        "reportingInstance": _text(event, "reportingInstance"),
    }


def _persistent_volume_cells(volume: Obj, context: _Context) -> list[Any]:
    spec = _map(volume, "spec")
    claim = spec.get("claimRef")
    phase = "Terminating" if _deleting(volume) else _or(_text(volume, "status", "phase"), "Pending")
    return [
        _name(volume),
        _quantity(_at(spec, "capacity", "storage")),
        _access_modes(_strings(spec, "accessModes")),
        _or(_text(spec, "persistentVolumeReclaimPolicy"), "Retain"),
        phase,
        f"{_text(claim, 'namespace')}/{_text(claim, 'name')}" if isinstance(claim, dict) else "",
        _storage_class_of(volume),
        _or(_text(spec, "volumeAttributesClassName"), "<unset>"),
        _text(volume, "status", "reason"),
        _age(volume, context),
        _or(_text(spec, "volumeMode"), "Filesystem"),
    ]


def _persistent_volume_claim_cells(claim: Obj, context: _Context) -> list[Any]:
    spec = _map(claim, "spec")
    phase = "Terminating" if _deleting(claim) else _or(_text(claim, "status", "phase"), "Pending")
    bound = bool(_text(spec, "volumeName"))
    return [
        _name(claim),
        phase,
        _text(spec, "volumeName"),
        _quantity(_at(claim, "status", "capacity", "storage")) if bound else "",
        _access_modes(_strings(claim, "status", "accessModes")) if bound else "",
        _storage_class_of(claim),
        _or(_text(spec, "volumeAttributesClassName"), "<unset>"),
        _age(claim, context),
        _or(_text(spec, "volumeMode"), "Filesystem"),
    ]


def _storage_class_of(volume_or_claim: Obj) -> str:
    # The beta annotation, where present, still names the class.
    annotated = _annotation(volume_or_claim, "volume.beta.kubernetes.io/storage-class")
    return annotated if annotated is not None else _text(volume_or_claim, "spec", "storageClassName")


def _component_status_cells(component: Obj, _: _Context) -> list[Any]:
    healthy = next((c for c in _dicts(component, "conditions") if c.get("type") == "Healthy"), None)
    if healthy is None:
        return [_name(component), "Unknown", "", ""]
    status = "Healthy" if healthy.get("status") == "True" else "Unhealthy"
    return [_name(component), status, _text(healthy, "message"), _text(healthy, "error")]


def _resource_quota_cells(quota: Obj, context: _Context) -> list[Any]:
    hard, used = _map(quota, "status", "hard"), _map(quota, "status", "used")
    requests: list[str] = []
    limits: list[str] = []
    for resource in sorted(hard):
        entry = f"{resource}: {_quantity(used.get(resource))}/{_quantity(hard[resource])}"
        pieces = resource.split(".")
        (limits if len(pieces) > 1 and pieces[0] == "limits" else requests).append(entry)
    return [_name(quota), ", ".join(requests), ", ".join(limits), _age(quota, context)]


# -- workloads -----------------------------------------------------------------------------------------------------


def _workload_printers() -> dict[tuple[str, str], _Printer]:
    return {
        ("apps", "Deployment"): _Printer(
            (
                _name_column(),
                _column("Ready", "Number of the pod with ready state"),
                _column("Up-to-date", _DOCS["DeploymentStatus.updatedReplicas"]),
                _column("Available", _DOCS["DeploymentStatus.availableReplicas"]),
                _age_column(),
                *_template_columns("DeploymentSpec.selector"),
            ),
            _deployment_cells,
        ),
        ("apps", "ReplicaSet"): _replica_printer(
            "ReplicaSet", lambda obj: _format_selector(_at(obj, "spec", "selector"))
        ),
        ("apps", "DaemonSet"): _Printer(
            (
                _name_column(),
                _column("Desired", _DOCS["DaemonSetStatus.desiredNumberScheduled"], kind="integer"),
                _column("Current", _DOCS["DaemonSetStatus.currentNumberScheduled"], kind="integer"),
                _column("Ready", _DOCS["DaemonSetStatus.numberReady"], kind="integer"),
                _column("Up-to-date", _DOCS["DaemonSetStatus.updatedNumberScheduled"], kind="integer"),
                _column("Available", _DOCS["DaemonSetStatus.numberAvailable"], kind="integer"),
                _column("Node Selector", _DOCS["PodSpec.nodeSelector"]),
                _age_column(),
                *_template_columns("DaemonSetSpec.selector"),
            ),
            lambda obj, context: [
                _name(obj),
                _number(obj, "status", "desiredNumberScheduled"),
                _number(obj, "status", "currentNumberScheduled"),
                _number(obj, "status", "numberReady"),
                _number(obj, "status", "updatedNumberScheduled"),
                _number(obj, "status", "numberAvailable"),
                _label_set(_map(obj, "spec", "template", "spec", "nodeSelector")),
                _age(obj, context),
                *_containers(_at(obj, "spec", "template", "spec")),
                _format_selector(_at(obj, "spec", "selector")),
            ],
        ),
        ("apps", "StatefulSet"): _Printer(
            (
                _name_column(),
                _column("Ready", "Number of the pod with ready state"),
                _age_column(),
                *_template_columns(None),
            ),
            lambda obj, context: [
                _name(obj),
                f"{_number(obj, 'status', 'readyReplicas')}/{_number(obj, 'spec', 'replicas', default=1)}",
                _age(obj, context),
                *_containers(_at(obj, "spec", "template", "spec")),
            ],
        ),
        ("apps", "ControllerRevision"): _Printer(
            (
                _name_column(),
                _column("Controller", "Controller of the object"),
                _column("Revision", _DOCS["ControllerRevision.revision"]),
                _age_column(),
            ),
            lambda obj, context: [_name(obj), _controller(obj), _number(obj, "revision"), _age(obj, context)],
        ),
        ("batch", "Job"): _Printer(
            (
                _name_column(),
                _column("Status", "Status of the job."),
                _column("Completions", _DOCS["JobStatus.succeeded"]),
                _column("Duration", "Time required to complete the job."),
                _age_column(),
                *_template_columns("JobSpec.selector"),
            ),
            _job_cells,
        ),
        ("batch", "CronJob"): _Printer(
            (
                _name_column(),
                _column("Schedule", _DOCS["CronJobSpec.schedule"]),
                _column("Timezone", _DOCS["CronJobSpec.timeZone"]),
                _column("Suspend", _DOCS["CronJobSpec.suspend"], kind="boolean"),
                _column("Active", _DOCS["CronJobStatus.active"], kind="integer"),
                _column("Last Schedule", _DOCS["CronJobStatus.lastScheduleTime"]),
                _age_column(),
                *_template_columns("JobSpec.selector"),
            ),
            _cron_job_cells,
        ),
        ("autoscaling", "HorizontalPodAutoscaler"): _Printer(
            (
                _name_column(),
                _column("Reference", _DOCS["HorizontalPodAutoscalerSpec.scaleTargetRef"]),
                _column("Targets", _DOCS["HorizontalPodAutoscalerSpec.metrics"]),
                _column("MinPods", _DOCS["HorizontalPodAutoscalerSpec.minReplicas"]),
                _column("MaxPods", _DOCS["HorizontalPodAutoscalerSpec.maxReplicas"]),
                _column("Replicas", _DOCS["HorizontalPodAutoscalerStatus.currentReplicas"]),
                _age_column(),
            ),
            _autoscaler_cells,
        ),
        ("autoscaling", "Scale"): _Printer(
            (
                _column("Name", _DOCS["ObjectMeta.name"]),
                _column("Desired", _DOCS["ScaleSpec.replicas"], kind="integer"),
                _column("Available", _DOCS["ScaleStatus.replicas"], kind="integer"),
                _age_column(),
            ),
            lambda obj, context: [
                _name(obj),
                _number(obj, "spec", "replicas"),
                _number(obj, "status", "replicas"),
                _age(obj, context),
            ],
        ),
        ("policy", "PodDisruptionBudget"): _Printer(
            (
                _name_column(),
                _column("Min Available", "The minimum number of pods that must be available."),
                _column("Max Unavailable", "The maximum number of pods that may be unavailable."),
                _column(
                    "Allowed Disruptions",
                    "Calculated number of pods that may be disrupted at this time.",
                    kind="integer",
                ),
                _age_column(),
            ),
            lambda obj, context: [
                _name(obj),
                _int_or_string(_at(obj, "spec", "minAvailable")) or "N/A",
                _int_or_string(_at(obj, "spec", "maxUnavailable")) or "N/A",
                _number(obj, "status", "disruptionsAllowed"),
                _age(obj, context),
            ],
        ),
    }


def _deployment_cells(deployment: Obj, context: _Context) -> list[Any]:
    try:
        selector = _selector(_at(deployment, "spec", "selector"))
    except _InvalidSelector:
        selector = "<invalid>"
    return [
        _name(deployment),
        f"{_number(deployment, 'status', 'readyReplicas')}/{_number(deployment, 'spec', 'replicas', default=1)}",
        _number(deployment, "status", "updatedReplicas"),
        _number(deployment, "status", "availableReplicas"),
        _age(deployment, context),
        *_containers(_at(deployment, "spec", "template", "spec")),
        selector,
    ]


def _controller(revision: Obj) -> str:
    owner = next((o for o in _dicts(revision, "metadata", "ownerReferences") if o.get("controller") is True), None)
    if owner is None:
        return "<none>"
    group, kind, name = _text(owner, "apiVersion").rpartition("/")[0], _text(owner, "kind"), _text(owner, "name")
    group_kind = f"{kind}.{group}" if group else kind
    return f"{group_kind.lower()}/{name}" if group_kind else name


def _job_cells(job: Obj, context: _Context) -> list[Any]:
    spec = _map(job, "spec")
    succeeded = _number(job, "status", "succeeded")
    # Completions and parallelism both default to 1 when neither is given; a work queue sets only parallelism.
    if _has(spec, "completions"):
        completions = f"{succeeded}/{_number(spec, 'completions')}"
    elif _number(spec, "parallelism", default=1) > 1:
        completions = f"{succeeded}/1 of {_number(spec, 'parallelism')}"
    else:
        completions = f"{succeeded}/1"
    started = _parse_time(_at(job, "status", "startTime"))
    finished = _parse_time(_at(job, "status", "completionTime"))
    if started is None:
        duration = ""
    elif finished is None:
        duration = human_duration(_aware(context.now) - started)
    else:
        duration = human_duration(finished - started)
    return [
        _name(job),
        _job_status(job),
        completions,
        duration,
        _age(job, context),
        *_containers(_at(spec, "template", "spec")),
        _format_selector(_at(spec, "selector")),
    ]


def _job_status(job: Obj) -> str:
    for condition, status in (("Complete", "Complete"), ("Failed", "Failed")):
        if _condition_true(job, condition):
            return status
    if _deleting(job):
        return "Terminating"
    for condition in ("Suspended", "FailureTarget", "SuccessCriteriaMet"):
        if _condition_true(job, condition):
            return condition
    return "Running"


def _cron_job_cells(cron_job: Obj, context: _Context) -> list[Any]:
    spec = _map(cron_job, "spec")
    last = _at(cron_job, "status", "lastScheduleTime")
    return [
        _name(cron_job),
        _text(spec, "schedule"),
        _text(spec, "timeZone") or "<none>",
        _bool_text(_flag(spec, "suspend")),
        len(_items(cron_job, "status", "active")),
        "<none>" if last is None else _since(last, context.now),
        _age(cron_job, context),
        *_containers(_at(spec, "jobTemplate", "spec", "template", "spec")),
        _format_selector(_at(spec, "jobTemplate", "spec", "selector")),
    ]


def _autoscaler_cells(autoscaler: Obj, context: _Context) -> list[Any]:
    spec = _map(autoscaler, "spec")
    target = _map(spec, "scaleTargetRef")
    return [
        _name(autoscaler),
        f"{_text(target, 'kind')}/{_text(target, 'name')}",
        _autoscaler_targets(*_autoscaler_metrics(autoscaler)),
        str(_number(spec, "minReplicas", default=1)),
        _number(spec, "maxReplicas"),
        _number(autoscaler, "status", "currentReplicas"),
        _age(autoscaler, context),
    ]


def _autoscaler_metrics(autoscaler: Obj) -> tuple[list[Obj], list[Obj]]:
    """The metrics and their statuses as autoscaling/v2 has them; autoscaling/v1 knows only a CPU utilization."""
    if _text(autoscaler, "apiVersion") != "autoscaling/v1":
        return _dicts(autoscaler, "spec", "metrics"), _dicts(autoscaler, "status", "currentMetrics")
    specs, statuses = [], []
    if _has(autoscaler, "spec", "targetCPUUtilizationPercentage"):
        utilization = _number(autoscaler, "spec", "targetCPUUtilizationPercentage")
        target = {"type": "Utilization", "averageUtilization": utilization}
        specs.append({"type": "Resource", "resource": {"name": "cpu", "target": target}})
    if _has(autoscaler, "status", "currentCPUUtilizationPercentage"):
        current = {"averageUtilization": _number(autoscaler, "status", "currentCPUUtilizationPercentage")}
        statuses.append({"type": "Resource", "resource": {"name": "cpu", "current": current}})
    return specs, statuses


def _autoscaler_targets(specs: list[Obj], statuses: list[Obj]) -> str:
    """Each metric as current/target, two of them and a count of the rest."""
    if not specs:
        return "<none>"
    shown = []
    for index, spec in enumerate(specs):
        status = statuses[index] if index < len(statuses) else {}
        shown.append(_autoscaler_target(spec, status))
    if len(shown) > 2:
        return f"{', '.join(shown[:2])} + {len(shown) - 2} more..."
    return ", ".join(shown)


_METRIC_SOURCES = {"External": "external", "Pods": "pods", "Object": "object", "Resource": "resource"}


def _autoscaler_target(spec: Obj, status: Obj) -> str:
    kind = _text(spec, "type")
    source = _METRIC_SOURCES.get(kind) or ("containerResource" if kind == "ContainerResource" else "")
    if not source:
        return "<unknown type>"
    target, current = _map(spec, source, "target"), _at(status, source, "current")
    reported = isinstance(_at(status, source), dict)
    if kind == "Pods":
        return f"{_reported(current, 'averageValue', reported)}/{_pointer_quantity(target.get('averageValue'))}"
    if kind in ("External", "Object"):
        if target.get("averageValue") is not None:
            seen = _quantity(_at(current, "averageValue")) if _at(current, "averageValue") is not None else "<unknown>"
            return f"{seen if reported else '<unknown>'}/{_quantity(target['averageValue'])} (avg)"
        return f"{_reported(current, 'value', reported)}/{_pointer_quantity(target.get('value'))}"
    name = _text(spec, source, "name")
    if target.get("averageValue") is not None:
        return f"{name}: {_reported(current, 'averageValue', reported)}/{_quantity(target['averageValue'])}"
    seen = "<unknown>"
    if reported and _has(current, "averageUtilization"):
        seen = f"{_number(current, 'averageUtilization')}%"
    wanted = f"{_number(target, 'averageUtilization')}%" if _has(target, "averageUtilization") else "<auto>"
    return f"{name}: {seen}/{wanted}"


def _reported(current: Any, key: str, reported: bool) -> str:
    """A status amount: <unknown> without a status of the metric's kind, <nil> for an amount it leaves out."""
    return _pointer_quantity(_at(current, key)) if reported else "<unknown>"


def _pointer_quantity(value: Any) -> str:
    return "<nil>" if value is None else _quantity(value)


# -- networking ----------------------------------------------------------------------------------------------------


def _network_printers() -> dict[tuple[str, str], _Printer]:
    return {
        ("networking.k8s.io", "Ingress"): _Printer(
            (
                _name_column(),
                _column(
                    "Class", "The name of the IngressClass resource that should be used for additional configuration"
                ),
                _column("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
                _column("Address", "Address is a list containing ingress points for the load-balancer"),
                _column("Ports", "Ports of TLS configurations that open"),
                _age_column(),
            ),
            lambda obj, context: [
                _name(obj),
                _text(obj, "spec", "ingressClassName") or "<none>",
                _ingress_hosts(_dicts(obj, "spec", "rules")),
                ",".join(_load_balancer_addresses(_dicts(obj, "status", "loadBalancer", "ingress"))),
                "80, 443" if _items(obj, "spec", "tls") else "80",
                _age(obj, context),
            ],
        ),
        ("networking.k8s.io", "IngressClass"): _Printer(
            (
                _name_column(),
                _column("Controller", "Controller that is responsible for handling this class"),
                _column("Parameters", "A reference to a resource with additional parameters"),
                _age_column(),
            ),
            _ingress_class_cells,
        ),
        ("networking.k8s.io", "NetworkPolicy"): _Printer(
            (_name_column(), _column("Pod-Selector", _DOCS["NetworkPolicySpec.podSelector"]), _age_column()),
            lambda obj, context: [
                _name(obj),
                _format_selector(_map(obj, "spec", "podSelector")),
                _age(obj, context),
            ],
        ),
        ("networking.k8s.io", "ServiceCIDR"): _Printer(
            (_name_column(), _column("CIDRs", _DOCS["ServiceCIDRSpec.cidrs"]), _age_column()),
            lambda obj, context: [_name(obj), ",".join(_strings(obj, "spec", "cidrs")), _age(obj, context)],
        ),
        # The IP address table has no Age column, and yet its rows carry the age as a third cell.
        ("networking.k8s.io", "IPAddress"): _Printer(
            (_name_column(), _column("ParentRef", _DOCS["IPAddressSpec.parentRef"])),
            lambda obj, context: [_name(obj), _parent_ref(_map(obj, "spec", "parentRef")), _age(obj, context)],
        ),
        ("discovery.k8s.io", "EndpointSlice"): _Printer(
            (
                _name_column(),
                _column("AddressType", _DOCS["EndpointSlice.addressType"]),
                _column("Ports", _DOCS["EndpointSlice.ports"]),
                _column("Endpoints", _DOCS["EndpointSlice.endpoints"]),
                _age_column(),
            ),
            _endpoint_slice_cells,
        ),
    }


def _ingress_hosts(rules: list[Obj]) -> str:
    """The first three hosts named and, once three are found, how many rules (with a host or not) exceed three."""
    hosts: list[str] = []
    more = False
    for rule in rules:
        more = more or len(hosts) == 3
        if not more and _text(rule, "host"):
            hosts.append(_text(rule, "host"))
    if not hosts:
        return "*"
    return f"{','.join(hosts)} + {len(rules) - 3} more..." if more else ",".join(hosts)


def _ingress_class_cells(ingress_class: Obj, context: _Context) -> list[Any]:
    name = _name(ingress_class)
    if _annotation(ingress_class, "ingressclass.kubernetes.io/is-default-class") == "true":
        name += " (default)"
    parameters = _map(ingress_class, "spec", "parameters")
    described = "<none>"
    if parameters:
        described = _text(parameters, "kind")
        if isinstance(parameters.get("apiGroup"), str):
            described += "." + parameters["apiGroup"]
        described += "/" + _text(parameters, "name")
    return [name, _text(ingress_class, "spec", "controller"), described, _age(ingress_class, context)]


def _parent_ref(ref: Obj) -> str:
    if not ref:
        return "<none>"
    group, resource = _text(ref, "group"), _text(ref, "resource")
    described = (f"{resource}.{group}" if group else resource).lower()
    if _text(ref, "namespace"):
        described += "/" + _text(ref, "namespace")
    return described + "/" + _text(ref, "name")


def _endpoint_slice_cells(slice_: Obj, context: _Context) -> list[Any]:
    ports = []
    for port in _dicts(slice_, "ports"):
        if port.get("port") is not None:
            ports.append(str(_number(port, "port")))
        elif isinstance(port.get("name"), str):
            ports.append(port["name"])
        else:
            ports.append("*")
    addresses = [address for endpoint in _dicts(slice_, "endpoints") for address in _strings(endpoint, "addresses")]
    return [
        _name(slice_),
        _text(slice_, "addressType"),
        _first_three(ports, len(ports)) or "<unset>",
        _first_three(addresses, len(addresses)) or "<unset>",
        _age(slice_, context),
    ]


# -- storage -------------------------------------------------------------------------------------------------------


def _storage_printers() -> dict[tuple[str, str], _Printer]:
    return {
        _STORAGE_CLASS: _Printer(
            (
                _name_column(),
                _column("Provisioner", _DOCS["StorageClass.provisioner"]),
                _column("ReclaimPolicy", _DOCS["StorageClass.reclaimPolicy"]),
                _column("VolumeBindingMode", _DOCS["StorageClass.volumeBindingMode"]),
                _column("AllowVolumeExpansion", _DOCS["StorageClass.allowVolumeExpansion"]),
                _age_column(),
            ),
            lambda obj, context: [
                _name(obj) + (" (default)" if _name(obj) == context.default_storage_class else ""),
                _text(obj, "provisioner"),
                _text(obj, "reclaimPolicy") or "Delete",
                _text(obj, "volumeBindingMode") or "Immediate",
                _flag(obj, "allowVolumeExpansion"),
                _age(obj, context),
            ],
        ),
        ("storage.k8s.io", "VolumeAttributesClass"): _Printer(
            (_name_column(), _column("DriverName", _DOCS["VolumeAttributesClass.driverName"]), _age_column()),
            lambda obj, context: [
                _name(obj)
                + (
                    " (default)"
                    if _annotation(obj, "volumeattributesclass.alpha.kubernetes.io/is-default-class") == "true"
                    else ""
                ),
                _text(obj, "driverName"),
                _age(obj, context),
            ],
        ),
        ("storage.k8s.io", "VolumeAttachment"): _Printer(
            (
                _name_column(),
                _column("Attacher", _DOCS["VolumeAttachmentSpec.attacher"], fmt="name"),
                _column("PV", _DOCS["VolumeAttachmentSource.persistentVolumeName"]),
                _column("Node", _DOCS["VolumeAttachmentSpec.nodeName"]),
                _column("Attached", _DOCS["VolumeAttachmentStatus.attached"], kind="boolean"),
                _age_column(),
            ),
            lambda obj, context: [
                _name(obj),
                _text(obj, "spec", "attacher"),
                _text(obj, "spec", "source", "persistentVolumeName"),
                _text(obj, "spec", "nodeName"),
                _flag(obj, "status", "attached"),
                _age(obj, context),
            ],
        ),
        ("storage.k8s.io", "CSINode"): _Printer(
            (
                _name_column(),
                _column(
                    "Drivers", "Drivers indicates the number of CSI drivers registered on the node", kind="integer"
                ),
                _age_column(),
            ),
            lambda obj, context: [_name(obj), len(_items(obj, "spec", "drivers")), _age(obj, context)],
        ),
        ("storage.k8s.io", "CSIDriver"): _Printer(
            (
                _name_column(),
                _column("AttachRequired", _DOCS["CSIDriverSpec.attachRequired"], kind="boolean"),
                _column("PodInfoOnMount", _DOCS["CSIDriverSpec.podInfoOnMount"], kind="boolean"),
                _column("StorageCapacity", _DOCS["CSIDriverSpec.storageCapacity"], kind="boolean"),
                _column("TokenRequests", _DOCS["CSIDriverSpec.tokenRequests"]),
                _column("RequiresRepublish", _DOCS["CSIDriverSpec.requiresRepublish"], kind="boolean"),
                _column("Modes", _DOCS["CSIDriverSpec.volumeLifecycleModes"]),
                _age_column(),
            ),
            _csi_driver_cells,
        ),
        ("storage.k8s.io", "CSIStorageCapacity"): _Printer(
            (
                _name_column(),
                _column("StorageClassName", _DOCS["CSIStorageCapacity.storageClassName"]),
                _column("Capacity", _DOCS["CSIStorageCapacity.capacity"]),
            ),
            lambda obj, _: [
                _name(obj),
                _text(obj, "storageClassName"),
                "<unset>" if obj.get("capacity") is None else _quantity(obj["capacity"]),
            ],
        ),
    }


def _effective_default_storage_class(classes: list[Obj]) -> str | None:
    """Of the classes annotated as default, the one new claims get: the newest, and by name among equals."""
    annotations = ("storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class")
    defaults = [c for c in classes if any(_annotation(c, key) == "true" for key in annotations)]
    if not defaults:
        return None

    def newest_first(storage_class: Obj) -> tuple[float, str]:
        created = _parse_time(_at(storage_class, "metadata", "creationTimestamp")) or _ZERO_TIME
        return (-created.timestamp(), _name(storage_class))

    return _name(min(defaults, key=newest_first))


def _csi_driver_cells(driver: Obj, context: _Context) -> list[Any]:
    spec = _map(driver, "spec")
    token_requests = "<unset>"
    if isinstance(spec.get("tokenRequests"), list):
        token_requests = ",".join(_text(request, "audience") for request in _dicts(spec, "tokenRequests"))
    modes = _strings(spec, "volumeLifecycleModes") if _has(spec, "volumeLifecycleModes") else ["Persistent"]
    return [
        _name(driver),
        _flag(spec, "attachRequired", default=True),
        _flag(spec, "podInfoOnMount"),
        _flag(spec, "storageCapacity"),
        token_requests,
        _flag(spec, "requiresRepublish"),
        ",".join(modes) or "<none>",
        _age(driver, context),
    ]


# -- cluster-wide and API machinery kinds --------------------------------------------------------------------------


def _cluster_printers() -> dict[tuple[str, str], _Printer]:
    printers = {
        ("rbac.authorization.k8s.io", "RoleBinding"): _binding_printer("RoleBinding.roleRef", "roleBinding"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"): _binding_printer(
            "ClusterRoleBinding.roleRef", "clusterRoleBinding"
        ),
        ("certificates.k8s.io", "CertificateSigningRequest"): _Printer(
            (
                _name_column(),
                _age_column(),
                _column("SignerName", _DOCS["CertificateSigningRequestSpec.signerName"]),
                _column("Requestor", _DOCS["CertificateSigningRequestSpec.request"]),
                _column("RequestedDuration", _DOCS["CertificateSigningRequestSpec.expirationSeconds"]),
                _column("Condition", _DOCS["CertificateSigningRequestStatus.conditions"]),
            ),
            _signing_request_cells,
        ),
        ("certificates.k8s.io", "ClusterTrustBundle"): _Printer(
            (_name_column(), _column("SignerName", _DOCS["ClusterTrustBundleSpec.signerName"])),
            lambda obj, _: [_name(obj), _text(obj, "spec", "signerName") or "<none>"],
        ),
        ("coordination.k8s.io", "Lease"): _Printer(
            (_name_column(), _column("Holder", _DOCS["LeaseSpec.holderIdentity"]), _age_column()),
            lambda obj, context: [_name(obj), _text(obj, "spec", "holderIdentity"), _age(obj, context)],
        ),
        ("coordination.k8s.io", "LeaseCandidate"): _Printer(
            (
                _name_column(),
                _column("LeaseName", _DOCS["LeaseCandidateSpec.leaseName"]),
                _column("BinaryVersion", ""),
                _column("EmulationVersion", ""),
                _age_column(),
            ),
            lambda obj, context: [
                _name(obj),
                _text(obj, "spec", "leaseName"),
                _text(obj, "spec", "binaryVersion"),
                _text(obj, "spec", "emulationVersion"),
                _age(obj, context),
            ],
        ),
        ("scheduling.k8s.io", "PriorityClass"): _Printer(
            (
                _name_column(),
                _column("Value", _DOCS["PriorityClass.value"], kind="integer"),
                _column("Global-Default", _DOCS["PriorityClass.globalDefault"], kind="boolean"),
                _age_column(),
                _column("PreemptionPolicy", _DOCS["PriorityClass.preemptionPolicy"]),
            ),
            lambda obj, context: [
                _name(obj),
                _number(obj, "value"),
                _flag(obj, "globalDefault"),
                _age(obj, context),
                _text(obj, "preemptionPolicy") or "PreemptLowerPriority",
            ],
        ),
        ("node.k8s.io", "RuntimeClass"): _Printer(
            (_name_column(), _column("Handler", ""), _age_column()),
            lambda obj, context: [_name(obj), _text(obj, "handler"), _age(obj, context)],
        ),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"): _Printer(
            (
                _name_column(),
                _column("PriorityLevel", _DOCS["PriorityLevelConfigurationReference.name"]),
                _column("MatchingPrecedence", _DOCS["FlowSchemaSpec.matchingPrecedence"]),
                _column("DistinguisherMethod", _DOCS["FlowSchemaSpec.distinguisherMethod"]),
                _age_column(),
                _column("MissingPL", "references a broken or non-existent PriorityLevelConfiguration"),
            ),
            _flow_schema_cells,
            order=_in_matching_order,
        ),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"): _Printer(
            (
                _name_column(),
                _column("Type", _DOCS["PriorityLevelConfigurationSpec.type"]),
                _column(
                    "NominalConcurrencyShares", _DOCS["LimitedPriorityLevelConfiguration.nominalConcurrencyShares"]
                ),
                _column("Queues", _DOCS["QueuingConfiguration.queues"]),
                _column("HandSize", _DOCS["QueuingConfiguration.handSize"]),
                _column("QueueLengthLimit", _DOCS["QueuingConfiguration.queueLengthLimit"]),
                _age_column(),
            ),
            _priority_level_cells,
        ),
        ("internal.apiserver.k8s.io", "StorageVersion"): _Printer(
            (
                _name_column(),
                _column("CommonEncodingVersion", _DOCS["StorageVersionStatus.commonEncodingVersion"]),
                _column("StorageVersions", _DOCS["StorageVersionStatus.storageVersions"]),
                _age_column(),
            ),
            _storage_version_cells,
        ),
        ("apiextensions.k8s.io", "CustomResourceDefinition"): _Printer(
            (
                _name_column(),
                _column("Scope", "Cluster/Namespaced"),
                _column("Versions", "Served versions"),
                _column("Created At", _DOCS["ObjectMeta.creationTimestamp"], kind="date"),
                _column("Group", "API group", priority=1),
                _column("Kind", "CustomResource kind", priority=1),
                _column("ShortNames", "Short names", priority=1),
                _column("Established", "Established status", kind="boolean", priority=1),
            ),
            _definition_cells,
            null_when_empty=True,
        ),
        ("apiregistration.k8s.io", "APIService"): _Printer(
            (
                _name_column(),
                _column("Service", "The reference to the service that hosts this API endpoint."),
                _column("Available", "Whether this service is available."),
                _age_column(),
            ),
            _api_service_cells,
        ),
    }
    printers.update(_admission_printers())
    printers.update(_resource_printers())
    return printers


def _binding_printer(role_doc: str, noun: str) -> _Printer:
    return _Printer(
        (
            _name_column(),
            _column("Role", _DOCS[role_doc]),
            _age_column(),
            _column("Users", f"Users in the {noun}", priority=1),
            _column("Groups", f"Groups in the {noun}", priority=1),
            _column("ServiceAccounts", f"ServiceAccounts in the {noun}", priority=1),
        ),
        _binding_cells,
    )


def _binding_cells(binding: Obj, context: _Context) -> list[Any]:
    subjects: dict[str, list[str]] = {"User": [], "Group": [], "ServiceAccount": []}
    for subject in _dicts(binding, "subjects"):
        kind = _text(subject, "kind")
        if kind == "ServiceAccount":
            subjects[kind].append(f"{_text(subject, 'namespace')}/{_text(subject, 'name')}")
        elif kind in subjects:
            subjects[kind].append(_text(subject, "name"))
    role = _map(binding, "roleRef")
    return [
        _name(binding),
        f"{_text(role, 'kind')}/{_text(role, 'name')}",
        _age(binding, context),
        *(", ".join(subjects[kind]) for kind in ("User", "Group", "ServiceAccount")),
    ]


def _signing_request_cells(request: Obj, context: _Context) -> list[Any]:
    kinds = {_text(condition, "type") for condition in _dicts(request, "status", "conditions")}
    state = "Denied" if "Denied" in kinds else "Approved" if "Approved" in kinds else "Pending"
    if "Failed" in kinds:
        state += ",Failed"
    if _text(request, "status", "certificate"):
        state += ",Issued"
    spec = _map(request, "spec")
    duration = "<none>"
    if _has(spec, "expirationSeconds"):
        duration = human_duration(timedelta(seconds=_number(spec, "expirationSeconds")))
    return [
        _name(request),
        _age(request, context),
        _text(spec, "signerName") or "<none>",
        _text(spec, "username"),
        duration,
        state,
    ]


def _flow_schema_cells(schema: Obj, context: _Context) -> list[Any]:
    dangling = _condition(schema, "Dangling")
    method = _text(schema, "spec", "distinguisherMethod", "type")
    return [
        _name(schema),
        _text(schema, "spec", "priorityLevelConfiguration", "name"),
        _number(schema, "spec", "matchingPrecedence", default=1000),
        method or "<none>",
        _age(schema, context),
        "?" if dangling is None else _text(dangling, "status"),
    ]


def _in_matching_order(schemas: list[Obj]) -> list[Obj]:
    """Flow schemas listed in the order the API server matches requests against them."""
    return sorted(schemas, key=lambda s: (_number(s, "spec", "matchingPrecedence", default=1000), _name(s)))


def _priority_level_cells(level: Obj, context: _Context) -> list[Any]:
    limited = _at(level, "spec", "limited")
    shares: Any = "<none>"
    queuing: list[Any] = ["<none>", "<none>", "<none>"]
    if isinstance(limited, dict):
        shares = _number(limited, "nominalConcurrencyShares", default=30)
        settings = _at(limited, "limitResponse", "queuing")
        if isinstance(settings, dict):
            queuing = [
                _number(settings, "queues", default=64),
                _number(settings, "handSize", default=8),
                _number(settings, "queueLengthLimit", default=50),
            ]
    return [_name(level), _text(level, "spec", "type"), shares, *queuing, _age(level, context)]


def _storage_version_cells(version: Obj, context: _Context) -> list[Any]:
    versions = [
        f"{_text(v, 'apiServerID')}={_text(v, 'encodingVersion')}" for v in _dicts(version, "status", "storageVersions")
    ]
    return [
        _name(version),
        _text(version, "status", "commonEncodingVersion") or "<unset>",
        _first_three(versions, len(versions)) or "<unset>",
        _age(version, context),
    ]


def _definition_cells(definition: Obj, _: _Context) -> list[Any]:
    spec = _map(definition, "spec")
    served = sorted(
        _text(v, "name") + ("(storage)" if v.get("storage") is True else "")
        for v in _dicts(spec, "versions")
        if v.get("served") is True
    )
    return [
        _name(definition),
        _text(spec, "scope"),
        ",".join(served),
        _created_at(definition),
        _text(spec, "group"),
        _text(spec, "names", "kind"),
        ",".join(_strings(spec, "names", "shortNames")),
        _condition_true(definition, "Established"),
    ]


def _api_service_cells(service: Obj, context: _Context) -> list[Any]:
    reference = _at(service, "spec", "service")
    target = f"{_text(reference, 'namespace')}/{_text(reference, 'name')}" if isinstance(reference, dict) else "Local"
    available = _condition(service, "Available")
    state = "Unknown"
    if available is not None:
        state = _text(available, "status")
        if state != "True" and _text(available, "reason"):
            state = f"{state} ({_text(available, 'reason')})"
    return [_name(service), target, state, _age(service, context)]


def _admission_printers() -> dict[tuple[str, str], _Printer]:
    group = "admissionregistration.k8s.io"
    webhooks = _Printer(
        (
            _name_column(),
            _column(
                "Webhooks", "Webhooks indicates the number of webhooks registered in this configuration", kind="integer"
            ),
            _age_column(),
        ),
        lambda obj, context: [_name(obj), len(_items(obj, "webhooks")), _age(obj, context)],
    )
    binding_columns = (
        _name_column(),
        _column("PolicyName", "PolicyName indicates the policy definition which the policy binding binded to"),
        _column("ParamRef", "ParamRef indicates the param resource which sets the configration param"),
        _age_column(),
    )
    return {
        (group, "MutatingWebhookConfiguration"): webhooks,
        (group, "ValidatingWebhookConfiguration"): webhooks,
        (group, "ValidatingAdmissionPolicy"): _policy_printer(
            "Validations",
            "Validations indicates the number of validation rules defined in this configuration",
            "validations",
        ),
        (group, "MutatingAdmissionPolicy"): _policy_printer(
            "Mutations", "Mutation indicates the number of mutations rules defined in this configuration", "mutations"
        ),
        (group, "ValidatingAdmissionPolicyBinding"): _Printer(binding_columns, _policy_binding_cells),
        (group, "MutatingAdmissionPolicyBinding"): _Printer(binding_columns, _policy_binding_cells),
    }


def _policy_printer(count_name: str, count_description: str, rules: str) -> _Printer:
    def cells(policy: Obj, context: _Context) -> list[Any]:
        param_kind = _map(policy, "spec", "paramKind")
        described = f"{_text(param_kind, 'apiVersion')}/{_text(param_kind, 'kind')}" if param_kind else "<unset>"
        return [_name(policy), len(_items(policy, "spec", rules)), described, _age(policy, context)]

    return _Printer(
        (
            _name_column(),
            _column(count_name, count_description, kind="integer"),
            _column("ParamKind", "ParamKind specifies the kind of resources used to parameterize this policy"),
            _age_column(),
        ),
        cells,
    )


def _policy_binding_cells(binding: Obj, context: _Context) -> list[Any]:
    reference = _at(binding, "spec", "paramRef")
    param = "<unset>"
    if isinstance(reference, dict) and _text(reference, "name"):
        # Whether the parameter is cluster-scoped cannot be told from here: no namespace reads as any.
        param = f"{_text(reference, 'namespace') or '*'}/{_text(reference, 'name')}"
    elif isinstance(reference, dict) and isinstance(reference.get("selector"), dict):
        param = _selector_struct(reference["selector"])
    return [_name(binding), _text(binding, "spec", "policyName"), param, _age(binding, context)]


def _resource_printers() -> dict[tuple[str, str], _Printer]:
    group = "resource.k8s.io"
    name_and_age = _Printer((_name_column(), _age_column()), lambda obj, context: [_name(obj), _age(obj, context)])
    return {
        (group, "DeviceClass"): name_and_age,
        (group, "ResourceClaimTemplate"): name_and_age,
        (group, "ResourceClaim"): _Printer(
            (
                _name_column(),
                _column("State", "A summary of the current state (allocated, pending, reserved, etc.)."),
                _age_column(),
            ),
            lambda obj, context: [_name(obj), _claim_state(obj), _age(obj, context)],
        ),
        (group, "ResourceSlice"): _Printer(
            (
                _name_column(),
                _column("Node", _DOCS["ResourceSliceSpec.nodeName"]),
                _column("Driver", _DOCS["ResourceSliceSpec.driver"]),
                _column("Pool", _DOCS["ResourcePool.name"]),
                _age_column(),
            ),
            lambda obj, context: [
                _name(obj),
                _text(obj, "spec", "nodeName"),
                _text(obj, "spec", "driver"),
                _text(obj, "spec", "pool", "name"),
                _age(obj, context),
            ],
        ),
    }


def _claim_state(claim: Obj) -> str:
    states = ["deleted"] if _deleting(claim) else []
    if not _has(claim, "status", "allocation"):
        states += [] if _deleting(claim) else ["pending"]
    else:
        states.append("allocated")
        if _items(claim, "status", "reservedFor"):
            states.append("reserved")
    return ",".join(states)


# -- custom resources ----------------------------------------------------------------------------------------------


def _custom_resource_table(
    printer_columns: list[Obj], objects: list[Obj], now: datetime
) -> tuple[list[Column], list[tuple[Obj, Obj]]]:
    definitions = printer_columns or [
        {
            "name": "Age",
            "type": "date",
            "description": _DOCS["ObjectMeta.creationTimestamp"],
            "jsonPath": ".metadata.creationTimestamp",
        }
    ]
    columns = [_name_column()]
    for definition in definitions:
        path = _text(definition, "jsonPath")
        columns.append(
            _column(
                _text(definition, "name"),
                _text(definition, "description") or f"Custom resource definition column (in JSONPath format): {path}",
                kind=_text(definition, "type"),
                priority=_number(definition, "priority"),
                fmt=_text(definition, "format"),
            )
        )
    paths = [_parse_json_path(_text(d, "jsonPath")) for d in definitions]
    rows = []
    for obj in objects:
        cells: list[Any] = [_name(obj)]
        for definition, steps in zip(definitions, paths, strict=True):
            cells.append(_custom_cell(_text(definition, "type"), obj, steps, now))
        rows.append((obj, {"cells": cells}))
    return columns, rows


def _custom_cell(kind: str, obj: Obj, path: list[_Step] | None, now: datetime) -> Any:
    if path is None:
        return None
    try:
        found = _evaluate(path, [obj])
    except _JsonPathError:
        return None
    if not found:
        return None
    value = found[0]
    if kind == "string":
        return _as_text(value)
    return _typed_cell(kind, value, now)


def _as_text(value: Any) -> str:
    """How the column printer writes a value as text: JSON for maps and lists, Go's %v for the rest."""
    if value is None:
        return "<no value>"
    if isinstance(value, dict | list):
        return go_json(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    return str(value)


def _typed_cell(kind: str, value: Any, now: datetime) -> Any:
    if isinstance(value, bool):
        return value if kind == "boolean" else None
    if kind == "integer" and isinstance(value, int | float):
        return int(value)
    if kind == "number" and isinstance(value, int | float):
        return float(value)
    if kind == "date" and isinstance(value, str):
        if value in ("", "null"):
            return "<unknown>"
        if not _RFC3339.fullmatch(value):
            return "<invalid>"
        return _since(value, now)
    return None


# -- the JSONPath of printer columns (client-go's util/jsonpath, as a CRD column uses it: one simple path) ---------


class _JsonPathError(ValueError):
    pass


@dataclass(frozen=True)
class _Step:
    kind: str  # "field", "index", "all", "filter" or "self"
    key: str = ""
    index: int = 0
    operand: list[_Step] | None = None
    operator: str = ""
    literal: Any = None


_FIELD_END = re.compile(r"[.\[]")
_FILTER = re.compile(r"\?\((@[^!<>=]*?)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*\)|\?\((@[^!<>=]*?)\s*\)")


def _parse_json_path(text: str) -> list[_Step] | None:
    """The steps of a path such as `.spec.replicas` or `.status.conditions[?(@.type=="Ready")].status`."""
    text = text.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    steps: list[_Step] = []
    position = 0
    while position < len(text):
        if text.startswith("..", position):
            return None
        if text[position] == ".":
            end = _FIELD_END.search(text, position + 1)
            key = text[position + 1 : end.start() if end else len(text)]
            steps.append(_Step("all") if key == "*" else _Step("field", key) if key else _Step("self"))
            position = end.start() if end else len(text)
        elif text[position] == "[":
            closing = _matching_bracket(text, position)
            step = _bracket_step(text[position + 1 : closing]) if closing > 0 else None
            if step is None:
                return None
            steps.append(step)
            position = closing + 1
        else:
            return None
    return steps


def _matching_bracket(text: str, start: int) -> int:
    quote = ""
    for position in range(start + 1, len(text)):
        char = text[position]
        if quote:
            quote = "" if char == quote and text[position - 1] != "\\" else quote
        elif char in "'\"":
            quote = char
        elif char == "]":
            return position
    return -1


def _bracket_step(inside: str) -> _Step | None:
    inside = inside.strip()
    if inside == "*":
        return _Step("all")
    if re.fullmatch(r"-?\d+", inside):
        return _Step("index", index=int(inside))
    if len(inside) >= 2 and inside[0] == inside[-1] and inside[0] in "'\"":
        return _Step("field", inside[1:-1])
    match = _FILTER.fullmatch(inside)
    if not match:
        return None
    left = match.group(1) or match.group(4)
    operand = _parse_json_path(left[1:])
    if operand is None:
        return None
    if match.group(4):
        return _Step("filter", operand=operand, operator="exists")
    literal = _literal(match.group(3))
    return (
        None
        if literal is _NOT_A_LITERAL
        else _Step("filter", operand=operand, operator=match.group(2), literal=literal)
    )


_NOT_A_LITERAL = object()


def _literal(text: str) -> Any:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    for number in (int, float):
        try:
            return number(text)
        except ValueError:
            continue
    return _NOT_A_LITERAL


def _evaluate(steps: list[_Step], values: list[Any]) -> list[Any]:
    for step in steps:
        values = _apply(step, values)
    return values


def _apply(step: _Step, values: Iterable[Any]) -> list[Any]:
    found: list[Any] = []
    for value in values:
        if step.kind == "self":
            found.append(value)
        elif step.kind == "field":
            if isinstance(value, dict) and step.key in value:
                found.append(value[step.key])
        elif step.kind == "all":
            found.extend(value.values() if isinstance(value, dict) else value if isinstance(value, list) else [])
        elif value is None:
            continue
        elif not isinstance(value, list):
            raise _JsonPathError("not a list")
        elif step.kind == "index":
            found.append(_element(value, step.index))
        else:
            found.extend(item for item in value if _passes(step, item))
    return found


def _element(items: list[Any], index: int) -> Any:
    position = index + len(items) if index < 0 else index
    if not 0 <= position < len(items):
        raise _JsonPathError("array index out of bounds")
    return items[position]


def _passes(step: _Step, item: Any) -> bool:
    assert step.operand is not None
    lefts = _evaluate(step.operand, [item])
    if step.operator == "exists":
        return bool(lefts)
    if not lefts:
        return False
    if len(lefts) > 1:
        raise _JsonPathError("can only compare one element at a time")
    return _compare(lefts[0], step.operator, step.literal)


def _compare(left: Any, operator: str, right: Any) -> bool:
    categories = (_category(left), _category(right))
    if categories[0] != categories[1] or categories[0] == "other":
        raise _JsonPathError("incompatible types for comparison")
    if operator in ("==", "!="):
        return (left == right) == (operator == "==")
    if categories[0] == "bool":
        raise _JsonPathError("invalid type for comparison")
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[operator]


def _category(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "string" if isinstance(value, str) else "other"


# -- column descriptions -------------------------------------------------------------------------------------------
# The API types' field documentation (their SwaggerDoc, k8s.io/api v0.37), which the API server gives as the
# descriptions of the columns drawn from those fields. Keyed "Type.field"; some types are from the older API
# versions the printers still quote (extensions/v1beta1 for the workloads' status, batch/v1beta1 for CronJob).

_DOCS: dict[str, str] = {
    "ObjectMeta.name": (
        "Name must be unique within a namespace. Is required when creating resources, although some "
        "resources may allow a client to request the generation of an appropriate name automatically. "
        "Name is primarily intended for creation idempotence and configuration definition. Cannot be "
        "updated. More info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
    ),
    "ObjectMeta.creationTimestamp": (
        "CreationTimestamp is a timestamp representing the server time when this object was created. It "
        "is not guaranteed to be set in happens-before order across separate operations. Clients may not "
        "set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. "
        "Read-only. Null for lists. More info: "
        "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
    ),
    "PodStatus.podIP": (
        "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."
    ),
    "PodSpec.nodeName": (
        "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for "
        "scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for "
        "this node becomes responsible for the lifecycle of this pod. This field should not be used to "
        "express a desire for the pod to be scheduled on a specific node. "
        "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename"
    ),
    "PodStatus.nominatedNodeName": (
        "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be "
        "scheduled right away as preemption victims receive their graceful termination periods. This "
        "field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to "
        "place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to "
        "give the resources on this node to a higher priority pod that is created after preemption. As a "
        "result, this field may be different than PodSpec.nodeName when the pod is scheduled."
    ),
    "PodSpec.readinessGates": (
        "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all "
        "its containers are ready AND all conditions specified in the readiness gates have status equal "
        'to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates'
    ),
    "PodSpec.nodeSelector": (
        "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must "
        "match a node's labels for the pod to be scheduled on that node. More info: "
        "https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"
    ),
    "ReplicationControllerSpec.replicas": (
        "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit "
        "zero and unspecified. Defaults to 1. More info: "
        "https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"
    ),
    "ReplicationControllerStatus.replicas": (
        "Replicas is the most recently observed number of replicas. More info: "
        "https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"
    ),
    "ReplicationControllerStatus.readyReplicas": "The number of ready replicas for this replication controller.",
    "ReplicationControllerSpec.selector": (
        "Selector is a label query over pods that should match the Replicas count. If Selector is empty, "
        "it is defaulted to the labels present on the Pod template. Label keys and values that must "
        "match in order to be controlled by this replication controller, if empty defaulted to labels on "
        "Pod template. More info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"
    ),
    "ServiceSpec.type": (
        "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are "
        'ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal '
        "IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that "
        "is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If "
        'clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of '
        'endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on '
        'every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on '
        "NodePort and creates an external load-balancer (if supported in the current cloud) which routes "
        'to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified '
        "externalName. Several other fields do not apply to ExternalName services. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types"
    ),
    "ServiceSpec.clusterIP": (
        "clusterIP is the IP address of the service and is usually assigned randomly. If an address is "
        "specified manually, is in-range (as per system configuration), and is not in use, it will be "
        "allocated to the service; otherwise creation of the service will fail. This field may not be "
        "changed through updates unless the type field is also being changed to ExternalName (which "
        "requires this field to be blank) or the type field is being changed from ExternalName (in which "
        'case this field may optionally be specified, as describe above).  Valid values are "None", '
        'empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no '
        "virtual IP), which is useful when direct endpoint connections are preferred and proxying is not "
        "required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is "
        "specified when creating a Service of type ExternalName, creation will fail. This field will be "
        "wiped when updating a Service to type ExternalName. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"
    ),
    "ServiceSpec.externalIPs": (
        "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic "
        "for this service.  These IPs are not managed by Kubernetes.  The user is responsible for "
        "ensuring that traffic arrives at a node with this IP.  A common example is external "
        "load-balancers that are not part of the Kubernetes system."
    ),
    "ServiceSpec.ports": (
        "The list of ports that are exposed by this service. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"
    ),
    "ServiceSpec.selector": (
        "Route service traffic to pods with label keys and values matching this selector. If empty or "
        "not present, the service is assumed to have an external process managing its endpoints, which "
        "Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. "
        "Ignored if type is ExternalName. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/"
    ),
    "Endpoints.subsets": (
        "The set of all endpoints is the union of all subsets. Addresses are placed into subsets "
        "according to the IPs they share. A single address with multiple ports, some of which are ready "
        "and some of which are not (because they come from different containers) will result in the "
        "address being displayed in different subsets for the different ports. No address will appear in "
        "both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that "
        "comprise a service."
    ),
    "NodeSystemInfo.kubeletVersion": "Kubelet Version reported by the node.",
    "NodeStatus.addresses": (
        "List of addresses reachable to the node. Queried from cloud provider, if available. More info: "
        "https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared "
        "as mergeable, but the merge key is not sufficiently unique, which can cause data corruption "
        "when it is merged. Callers should instead use a full-replacement patch. See "
        "https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change "
        "during the lifetime of a Node. However, there are some exceptions where this may not be "
        "possible, such as Pods that inherit a Node's address in its own status or consumers of the "
        "downward API (status.hostIP)."
    ),
    "NodeSystemInfo.osImage": "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
    "NodeSystemInfo.kernelVersion": "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
    "NodeSystemInfo.containerRuntimeVersion": (
        "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."
    ),
    "Event.lastTimestamp": "The time at which the most recent occurrence of this event was recorded.",
    "Event.type": "Type of this event (Normal, Warning), new types could be added in the future",
    "Event.reason": (
        "This should be a short, machine understandable string that gives the reason for the transition "
        "into the object's current status."
    ),
    "Event.involvedObject": "The object that this event is about.",
    "ObjectReference.fieldPath": (
        "If referring to a piece of an object instead of an entire object, this string should contain a "
        "valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, "
        "if the object reference is to a container within a pod, this would take on a value like: "
        '"spec.containers{name}" (where "name" refers to the name of the container that triggered the '
        'event) or if no container name is specified "spec.containers[2]" (container with index 2 in '
        "this pod). This syntax is chosen only to have some well-defined way of referencing a part of an "
        "object."
    ),
    "Event.source": "The component reporting this event. Should be a short machine understandable string.",
    "Event.message": "A human-readable description of the status of this operation.",
    "Event.firstTimestamp": "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
    "Event.count": "The number of times this event has occurred.",
    "Secret.type": (
        "Used to facilitate programmatic handling of secret data. More info: "
        "https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"
    ),
    "Secret.data": (
        "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or "
        "'.'. The serialized form of the secret data is a base64 encoded string, representing the "
        "arbitrary (possibly non-string) data value here. Described in "
        "https://tools.ietf.org/html/rfc4648#section-4"
    ),
    "ServiceAccount.secrets": (
        "Secrets is a list of the secrets in the same namespace that pods running using this "
        "ServiceAccount are allowed to use. Pods are only limited to this list if this service account "
        'has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The '
        '"kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate '
        "namespaces to isolate access to mounted secrets. This field should not be used to find "
        "auto-generated service account token secrets for use outside of pods. Instead, tokens can be "
        "requested directly using the TokenRequest API, or service account token secrets can be manually "
        "created. More info: https://kubernetes.io/docs/concepts/configuration/secret"
    ),
    "PersistentVolumeSpec.capacity": (
        "capacity is the description of the persistent volume's resources and capacity. More info: "
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"
    ),
    "PersistentVolumeSpec.accessModes": (
        "accessModes contains all ways the volume can be mounted. More info: "
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes"
    ),
    "PersistentVolumeSpec.persistentVolumeReclaimPolicy": (
        "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from "
        "its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete "
        "(default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must "
        "be supported by the volume plugin underlying this PersistentVolume. More info: "
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming"
    ),
    "PersistentVolumeStatus.phase": (
        "phase indicates if a volume is available, bound to a claim, or released by a claim. More info: "
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase"
    ),
    "PersistentVolumeSpec.claimRef": (
        "claimRef is part of a bi-directional binding between PersistentVolume and "
        "PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative "
        "bind between PV and PVC. More info: "
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding"
    ),
    "PersistentVolumeStatus.reason": (
        "reason is a brief CamelCase string that describes any failure and is meant for machine parsing "
        "and tidy display in the CLI."
    ),
    "PersistentVolumeSpec.volumeMode": (
        "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain "
        "in raw block state. Value of Filesystem is implied when not included in spec."
    ),
    "PersistentVolumeClaimStatus.phase": "phase represents the current phase of PersistentVolumeClaim.",
    "PersistentVolumeClaimSpec.volumeName": (
        "volumeName is the binding reference to the PersistentVolume backing this claim."
    ),
    "PersistentVolumeClaimStatus.capacity": "capacity represents the actual resources of the underlying volume.",
    "PersistentVolumeClaimStatus.accessModes": (
        "accessModes contains the actual access modes the volume backing the PVC has. More info: "
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1"
    ),
    "PersistentVolumeClaimSpec.volumeMode": (
        "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied "
        "when not included in claim spec."
    ),
    "ConfigMap.data": (
        "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', "
        "'_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored "
        "in Data must not overlap with the keys in the BinaryData field, this is enforced during "
        "validation process."
    ),
    "ReplicaSetSpec.replicas": (
        "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero "
        "and unspecified. Defaults to 1. More info: "
        "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset"
    ),
    "ReplicaSetStatus.replicas": (
        "Replicas is the most recently observed number of non-terminating pods. More info: "
        "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset"
    ),
    "ReplicaSetStatus.readyReplicas": (
        "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."
    ),
    "ReplicaSetSpec.selector": (
        "Selector is a label query over pods that should match the replica count. If the selector is "
        "empty, it is defaulted to the labels present on the pod template. Label keys and values that "
        "must match in order to be controlled by this replica set. More info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"
    ),
    "DaemonSetStatus.desiredNumberScheduled": (
        "The total number of nodes that should be running the daemon pod (including nodes correctly "
        "running the daemon pod). More info: "
        "https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"
    ),
    "DaemonSetStatus.currentNumberScheduled": (
        "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon "
        "pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"
    ),
    "DaemonSetStatus.numberReady": (
        "The number of nodes that should be running the daemon pod and have one or more of the daemon "
        "pod running and ready."
    ),
    "DaemonSetStatus.updatedNumberScheduled": "The total number of nodes that are running updated daemon pod",
    "DaemonSetStatus.numberAvailable": (
        "The number of nodes that should be running the daemon pod and have one or more of the daemon "
        "pod running and available (ready for at least spec.minReadySeconds)"
    ),
    "DaemonSetSpec.selector": (
        "A label query over pods that are managed by the daemon set. Must match in order to be "
        "controlled. If empty, defaulted to labels on Pod template. More info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"
    ),
    "DeploymentStatus.updatedReplicas": (
        "Total number of non-terminating pods targeted by this deployment that have the desired template spec."
    ),
    "DeploymentStatus.availableReplicas": (
        "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by "
        "this deployment."
    ),
    "DeploymentSpec.selector": (
        "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones "
        "affected by this deployment."
    ),
    "NetworkPolicySpec.podSelector": (
        "Selects the pods to which this NetworkPolicy object applies.  The array of ingress rules is "
        "applied to any pods selected by this field. Multiple network policies can select the same set "
        "of pods.  In this case, the ingress rules for each are combined additively. This field is NOT "
        "optional and follows standard label selector semantics. An empty podSelector matches all pods "
        "in this namespace."
    ),
    "JobStatus.succeeded": (
        "The number of pods which reached phase Succeeded. The value increases monotonically for a given "
        "spec. However, it may decrease in reaction to scale down of elastic indexed jobs."
    ),
    "JobSpec.selector": (
        "A label query over pods that should match the pod count. Normally, the system sets this field "
        "for you. More info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"
    ),
    "CronJobSpec.schedule": "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.",
    "CronJobSpec.timeZone": (
        "The time zone name for the given schedule, see "
        "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will "
        "default to the time zone of the kube-controller-manager process. The set of valid time zone "
        "names and the time zone offset is loaded from the system-wide time zone database by the API "
        "server during CronJob validation and the controller manager during execution. If no system-wide "
        "time zone database can be found a bundled version of the database is used instead. If the time "
        "zone name becomes invalid during the lifetime of a CronJob or due to a change in host "
        "configuration, the controller will stop creating new new Jobs and will create a system event "
        "with the reason UnknownTimeZone. More information can be found in "
        "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"
    ),
    "CronJobSpec.suspend": (
        "This flag tells the controller to suspend subsequent executions, it does not apply to already "
        "started executions.  Defaults to false."
    ),
    "CronJobStatus.active": "A list of pointers to currently running jobs.",
    "CronJobStatus.lastScheduleTime": "Information when was the last time the job was successfully scheduled.",
    "HorizontalPodAutoscalerSpec.scaleTargetRef": (
        "scaleTargetRef points to the target resource to scale, and is used to the pods for which "
        "metrics should be collected, as well as to actually change the replica count."
    ),
    "HorizontalPodAutoscalerSpec.metrics": (
        "metrics contains the specifications for which to use to calculate the desired replica count "
        "(the maximum replica count across all metrics will be used).  The desired replica count is "
        "calculated multiplying the ratio between the target value and the current value by the current "
        "number of pods.  Ergo, metrics used must decrease as the pod count is increased, and "
        "vice-versa.  See the individual metric source types for more information about how each type of "
        "metric must respond. If not set, the default metric will be set to 80% average CPU utilization."
    ),
    "HorizontalPodAutoscalerSpec.minReplicas": (
        "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale "
        "down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha feature gate "
        "HPAScaleToZero is enabled and at least one Object or External metric is configured.  Scaling is "
        "active as long as at least one metric value is available."
    ),
    "HorizontalPodAutoscalerSpec.maxReplicas": (
        "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. "
        "It cannot be less that minReplicas."
    ),
    "HorizontalPodAutoscalerStatus.currentReplicas": (
        "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen "
        "by the autoscaler."
    ),
    "ScaleSpec.replicas": "replicas is the desired number of instances for the scaled object.",
    "ScaleStatus.replicas": "replicas is the actual number of observed instances of the scaled object.",
    "RoleBinding.roleRef": (
        "roleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. "
        "If the RoleRef cannot be resolved, the Authorizer must return an error."
    ),
    "ClusterRoleBinding.roleRef": (
        "roleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be "
        "resolved, the Authorizer must return an error."
    ),
    "CertificateSigningRequestSpec.signerName": (
        "Requested signer for the request. It is a qualified name in the form: `scope-hostname.io/name`. "
        "If empty, it will be defaulted:\n 1. If it's a kubelet client certificate, it is assigned\n    "
        '"kubernetes.io/kube-apiserver-client-kubelet".\n 2. If it\'s a kubelet serving certificate, it is '
        'assigned\n    "kubernetes.io/kubelet-serving".\n 3. Otherwise, it is assigned '
        '"kubernetes.io/legacy-unknown".\nDistribution of trust for signers happens out of band. You can '
        "select on this field using `spec.signerName`."
    ),
    "CertificateSigningRequestSpec.request": "Base64-encoded PKCS#10 CSR data",
    "CertificateSigningRequestSpec.expirationSeconds": (
        "expirationSeconds is the requested duration of validity of the issued certificate. The "
        "certificate signer may issue a certificate with a different validity duration so a client must "
        "check the delta between the notBefore and and notAfter fields in the issued certificate to "
        "determine the actual duration.\n\nThe v1.22+ in-tree implementations of the well-known Kubernetes "
        "signers will honor this field as long as the requested duration is not greater than the maximum "
        "duration they will honor per the --cluster-signing-duration CLI flag to the Kubernetes "
        "controller manager.\n\nCertificate signers may not honor this field for various reasons:\n\n  1. "
        "Old signer that is unaware of the field (such as the in-tree\n     implementations prior to "
        "v1.22)\n  2. Signer whose configured maximum is shorter than the requested duration\n  3. Signer "
        "whose configured minimum is longer than the requested duration\n\nThe minimum valid value for "
        "expirationSeconds is 600, i.e. 10 minutes."
    ),
    "CertificateSigningRequestStatus.conditions": "Conditions applied to the request, such as approval or denial.",
    "ClusterTrustBundleSpec.signerName": (
        "signerName indicates the associated signer, if any.\n\nIn order to create or update a "
        "ClusterTrustBundle that sets signerName, you must have the following cluster-scoped permission: "
        "group=certificates.k8s.io resource=signers resourceName=<the signer name> verb=attest.\n\nIf "
        "signerName is not empty, then the ClusterTrustBundle object must be named with the signer name "
        "as a prefix (translating slashes to colons). For example, for the signer name "
        "`example.com/foo`, valid ClusterTrustBundle object names include `example.com:foo:abc` and "
        "`example.com:foo:v1`.\n\nIf signerName is empty, then the ClusterTrustBundle object's name must "
        "not have such a prefix.\n\nList/watch requests for ClusterTrustBundles can filter on this field "
        "using a `spec.signerName=NAME` field selector."
    ),
    "LeaseSpec.holderIdentity": (
        "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader "
        "Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name "
        "field."
    ),
    "LeaseCandidateSpec.leaseName": (
        "leaseName is the name of the lease for which this candidate is contending. The limits on this "
        "field are the same as on Lease.name. Multiple lease candidates may reference the same "
        "Lease.name. This field is immutable."
    ),
    "StorageClass.provisioner": "provisioner indicates the type of the provisioner.",
    "StorageClass.reclaimPolicy": (
        "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this "
        "storage class. Defaults to Delete."
    ),
    "StorageClass.volumeBindingMode": (
        "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When "
        "unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the "
        "VolumeScheduling feature."
    ),
    "StorageClass.allowVolumeExpansion": "allowVolumeExpansion shows whether the storage class allow volume expand.",
    "VolumeAttributesClass.driverName": "driverName is the name of the CSI driver This field is immutable.",
    "VolumeAttachmentSpec.attacher": (
        "attacher indicates the name of the volume driver that MUST handle this request. This is the "
        "name returned by GetPluginName()."
    ),
    "VolumeAttachmentSource.persistentVolumeName": (
        "persistentVolumeName represents the name of the persistent volume to attach."
    ),
    "VolumeAttachmentSpec.nodeName": "nodeName represents the node that the volume should be attached to.",
    "VolumeAttachmentStatus.attached": (
        "attached indicates the volume is successfully attached. This field must only be set by the "
        "entity completing the attach operation, i.e. the external-attacher."
    ),
    "CSIDriverSpec.attachRequired": (
        "attachRequired indicates this CSI volume driver requires an attach operation (because it "
        "implements the CSI ControllerPublishVolume() method), and that the Kubernetes attach detach "
        "controller should call the attach volume interface which checks the volumeattachment status and "
        "waits until the volume is attached before proceeding to mounting. The CSI external-attacher "
        "coordinates with CSI volume driver and updates the volumeattachment status when the attach "
        "operation is complete. If the value is specified to false, the attach operation will be "
        "skipped. Otherwise the attach operation will be called.\n\nThis field is immutable."
    ),
    "CSIDriverSpec.podInfoOnMount": (
        "podInfoOnMount indicates this CSI volume driver requires additional pod information (like "
        "podName, podUID, etc.) during mount operations, if set to true. If set to false, pod "
        "information will not be passed on mount. Default is false.\n\nThe CSI driver specifies "
        "podInfoOnMount as part of driver deployment. If true, Kubelet will pass pod information as "
        "VolumeContext in the CSI NodePublishVolume() calls. The CSI driver is responsible for parsing "
        "and validating the information passed in as VolumeContext.\n\nThe following VolumeContext will be "
        "passed if podInfoOnMount is set to true. This list might grow, but the prefix will be used. "
        '"csi.storage.k8s.io/pod.name": pod.Name "csi.storage.k8s.io/pod.namespace": pod.Namespace '
        '"csi.storage.k8s.io/pod.uid": string(pod.UID) "csi.storage.k8s.io/ephemeral": "true" if the '
        "volume is an ephemeral inline volume\n                                defined by a "
        'CSIVolumeSource, otherwise "false"\n\n"csi.storage.k8s.io/ephemeral" is a new feature in '
        'Kubernetes 1.16. It is only required for drivers which support both the "Persistent" and '
        '"Ephemeral" VolumeLifecycleMode. Other drivers can leave pod info disabled and/or ignore this '
        "field. As Kubernetes 1.15 doesn't support this field, drivers can only support one mode when "
        "deployed on such a cluster and the deployment determines which mode that is, for example via a "
        "command line parameter of the driver.\n\nThis field was immutable in Kubernetes < 1.29 and now is "
        "mutable."
    ),
    "CSIDriverSpec.storageCapacity": (
        "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the "
        "storage capacity that the driver deployment will report by creating CSIStorageCapacity objects "
        "with capacity information, if set to true.\n\nThe check can be enabled immediately when deploying "
        "a driver. In that case, provisioning new volumes with late binding will pause until the driver "
        "deployment has published some suitable CSIStorageCapacity object.\n\nAlternatively, the driver "
        "can be deployed with the field unset or false and it can be flipped later when storage capacity "
        "information has been published.\n\nThis field was immutable in Kubernetes <= 1.22 and now is "
        "mutable."
    ),
    "CSIDriverSpec.tokenRequests": (
        "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume "
        "for to do necessary authentication. Kubelet will pass the tokens in VolumeContext in the CSI "
        "NodePublishVolume calls. The CSI driver should parse and validate the following VolumeContext: "
        '"csi.storage.k8s.io/serviceAccount.tokens": {\n  "<audience>": {\n    "token": <token>,\n    '
        '"expirationTimestamp": <expiration timestamp in RFC3339>,\n  },\n  ...\n}\n\nNote: Audience in each '
        "TokenRequest should be different and at most one token is empty string. To receive a new token "
        "after expiry, RequiresRepublish can be used to trigger NodePublishVolume periodically."
    ),
    "CSIDriverSpec.requiresRepublish": (
        "requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called "
        "to reflect any possible change in the mounted volume. This field defaults to false.\n\nNote: "
        "After a successful initial NodePublishVolume call, subsequent calls to NodePublishVolume should "
        "only update the contents of the volume. New mount points will not be seen by a running "
        "container."
    ),
    "CSIDriverSpec.volumeLifecycleModes": (
        "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports. The default "
        'if the list is empty is "Persistent", which is the usage defined by the CSI specification and '
        'implemented in Kubernetes via the usual PV/PVC mechanism.\n\nThe other mode is "Ephemeral". In '
        "this mode, volumes are defined inline inside the pod spec with CSIVolumeSource and their "
        "lifecycle is tied to the lifecycle of that pod. A driver has to be aware of this because it is "
        "only going to get a NodePublishVolume call for such a volume.\n\nFor more information about "
        "implementing this mode, see https://kubernetes-csi.github.io/docs/ephemeral-local-volumes.html "
        "A driver can support one or more of these modes and more modes may be added in the "
        "future.\n\nThis field is beta. This field is immutable."
    ),
    "CSIStorageCapacity.storageClassName": (
        "storageClassName represents the name of the StorageClass that the reported capacity applies to. "
        "It must meet the same requirements as the name of a StorageClass object (non-empty, DNS "
        "subdomain). If that object no longer exists, the CSIStorageCapacity object is obsolete and "
        "should be removed by its creator. This field is immutable."
    ),
    "CSIStorageCapacity.capacity": (
        "capacity is the value reported by the CSI driver in its GetCapacityResponse for a "
        "GetCapacityRequest with topology and parameters that match the previous fields.\n\nThe semantic "
        "is currently (CSI spec 1.2) defined as: The available capacity, in bytes, of the storage that "
        "can be used to provision volumes. If not set, that information is currently unavailable."
    ),
    "ControllerRevision.revision": "revision indicates the revision of the state represented by Data.",
    "PriorityClass.value": (
        "value represents the integer value of this priority class. This is the actual priority that "
        "pods receive when they have the name of this class in their pod spec."
    ),
    "PriorityClass.globalDefault": (
        "globalDefault specifies whether this PriorityClass should be considered as the default priority "
        "for pods that do not have any priority class. Only one PriorityClass can be marked as "
        "`globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` "
        "field set to true, the smallest value of such global default PriorityClasses will be used as "
        "the default priority."
    ),
    "PriorityClass.preemptionPolicy": (
        "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, "
        "PreemptLowerPriority. Defaults to PreemptLowerPriority if unset."
    ),
    "EndpointSlice.addressType": (
        "addressType specifies the type of address carried by this EndpointSlice. All addresses in this "
        "slice must be the same type. This field is immutable after creation. The following address "
        "types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 "
        "Address. * FQDN: Represents a Fully Qualified Domain Name."
    ),
    "EndpointSlice.ports": (
        "ports specifies the list of network ports exposed by each endpoint in this slice. Each port "
        "must have a unique name. When ports is empty, it indicates that there are no defined ports. "
        'When a port is defined with a nil port value, it indicates "all ports". Each slice may include '
        "a maximum of 100 ports."
    ),
    "EndpointSlice.endpoints": (
        "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints."
    ),
    "PriorityLevelConfigurationReference.name": (
        "`name` is the name of the priority level configuration being referenced Required."
    ),
    "FlowSchemaSpec.matchingPrecedence": (
        "`matchingPrecedence` is used to choose among the FlowSchemas that match a given request. The "
        "chosen FlowSchema is among those with the numerically lowest (which we take to be logically "
        "highest) MatchingPrecedence.  Each MatchingPrecedence value must be ranged in [1,10000]. Note "
        "that if the precedence is not specified, it will be set to 1000 as default."
    ),
    "FlowSchemaSpec.distinguisherMethod": (
        "`distinguisherMethod` defines how to compute the flow distinguisher for requests that match "
        "this schema. `nil` specifies that the distinguisher is disabled and thus will always be the "
        "empty string."
    ),
    "PriorityLevelConfigurationSpec.type": (
        "`type` indicates whether this priority level is subject to limitation on request execution.  A "
        'value of `"Exempt"` means that requests of this priority level are not subject to a limit (and '
        "thus are never queued) and do not detract from the capacity made available to other priority "
        'levels.  A value of `"Limited"` means that (a) requests of this priority level _are_ subject to '
        "limits and (b) some of the server's limited capacity is made available exclusively to this "
        "priority level. Required."
    ),
    "LimitedPriorityLevelConfiguration.nominalConcurrencyShares": (
        "`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit "
        "(NominalCL) of this level. This is the number of execution seats available at this priority "
        "level. This is used both for requests dispatched from this priority level as well as requests "
        "dispatched from other priority levels borrowing seats from this level. The server's concurrency "
        "limit (ServerCL) is divided among the Limited priority levels in proportion to their NCS "
        "values:\n\nNominalCL(i)  = ceil( ServerCL * NCS(i) / sum_ncs ) sum_ncs = sum[priority level k] "
        "NCS(k)\n\nBigger numbers mean a larger nominal concurrency limit, at the expense of every other "
        "priority level.\n\nIf not specified, this field defaults to a value of 30.\n\nSetting this field to "
        'zero supports the construction of a "jail" for this priority level that is used to hold some '
        "request(s)"
    ),
    "QueuingConfiguration.queues": (
        "`queues` is the number of queues for this priority level. The queues exist independently at "
        "each apiserver. The value must be positive.  Setting it to 1 effectively precludes "
        "shufflesharding and thus makes the distinguisher method of associated flow schemas irrelevant.  "
        "This field has a default value of 64."
    ),
    "QueuingConfiguration.handSize": (
        "`handSize` is a small positive number that configures the shuffle sharding of requests into "
        "queues.  When enqueuing a request at this priority level the request's flow identifier (a "
        "string pair) is hashed and the hash value is used to shuffle the list of queues and deal a hand "
        "of the size specified here.  The request is put into one of the shortest queues in that hand. "
        "`handSize` must be no larger than `queues`, and should be significantly smaller (so that a few "
        "heavy flows do not saturate most of the queues).  See the user-facing documentation for more "
        "extensive guidance on setting this field.  This field has a default value of 8."
    ),
    "QueuingConfiguration.queueLengthLimit": (
        "`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of "
        "this priority level at a time; excess requests are rejected.  This value must be positive.  If "
        "not specified, it will be defaulted to 50."
    ),
    "StorageVersionStatus.commonEncodingVersion": (
        "commonEncodingVersion is set to an encoding storage version if all API server instances share "
        "that same version. If they don't share one storage version, this field is left empty. API "
        "servers should finish updating its storageVersionStatus entry before serving write operations, "
        "so that this field will be in sync with the reality."
    ),
    "StorageVersionStatus.storageVersions": "storageVersions lists the reported versions per API server instance.",
    "ResourceSliceSpec.nodeName": (
        "NodeName identifies the node which provides the resources in this pool. A field selector can be "
        "used to list only ResourceSlice objects belonging to a certain node.\n\nThis field can be used to "
        "limit access from nodes to ResourceSlices with the same node name. It also indicates to "
        "autoscalers that adding new nodes of the same type as some old node might also make new "
        "resources available.\n\nExactly one of NodeName, NodeSelector, AllNodes, and "
        "PerDeviceNodeSelection must be set. This field is immutable."
    ),
    "ResourceSliceSpec.driver": (
        "Driver identifies the DRA driver providing the capacity information. A field selector can be "
        "used to list only ResourceSlice objects with a certain driver name.\n\nMust be a DNS subdomain "
        "and should end with a DNS domain owned by the vendor of the driver. It should use only lower "
        "case characters. This field is immutable."
    ),
    "ResourcePool.name": (
        "Name is used to identify the pool. For node-local devices, this is often the node name, but "
        "this is not required.\n\nIt must not be longer than 253 characters and must consist of one or "
        "more DNS sub-domains separated by slashes. This field is immutable."
    ),
    "ServiceCIDRSpec.cidrs": (
        'cidrs defines the IP blocks in CIDR notation (e.g. "192.168.0.0/24" or "2001:db8::/64") from '
        "which to assign service cluster IPs. Max of two CIDRs is allowed, one of each IP family. This "
        "field is immutable."
    ),
    "IPAddressSpec.parentRef": (
        "parentRef references the resource that an IPAddress is attached to. An IPAddress must reference "
        "a parent object."
    ),
}

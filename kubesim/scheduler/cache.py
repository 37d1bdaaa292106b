"""What kube-scheduler knows of the cluster: every node with what it offers, and what the pods bound to it take.

The scheduler keeps this index up to date from the events it observes, so that a decision never scans all
pods: per node it counts the requests of the pods bound there (sum of the containers, or the largest init
container if that is larger, plus the pod's overhead), the pods, the host ports in use and the pods of each
owner; it keeps the pods whose required anti-affinity a newcomer must respect. Pods that have finished
(Succeeded, Failed) no longer count, pods being deleted still do until they are gone, as in the scheduler's
cache.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kubesim.api.selectors import (
    DOES_NOT_EXIST,
    EXISTS,
    GREATER_THAN,
    IN,
    LESS_THAN,
    NOT_IN,
    LabelSelector,
    Requirement,
    SelectorError,
    label_selector_from_object,
)
from kubesim.api.validation import QuantityError, quantity_from_json
from kubesim.controllers.objects import condition, controller_of

Obj = dict[str, Any]
PodKey = tuple[str, str]  # (namespace, name)
HostPort = tuple[str, str, int]  # (protocol, host IP, port)

CPU, MEMORY = "cpu", "memory"
# What the scheduler assumes a container without requests uses, when it scores nodes (never when it filters).
DEFAULT_MILLI_CPU, DEFAULT_MEMORY = 100, 200 * 1024 * 1024
UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"
# The NoSchedule taints the node lifecycle controller puts on a node by its Ready condition (TaintNodesByCondition).
_READINESS_TAINTS = {"False": "node.kubernetes.io/not-ready", "Unknown": "node.kubernetes.io/unreachable"}
_NODE_OPERATORS = {
    "In": IN,
    "NotIn": NOT_IN,
    "Exists": EXISTS,
    "DoesNotExist": DOES_NOT_EXIST,
    "Gt": GREATER_THAN,
    "Lt": LESS_THAN,
}
_FINISHED = ("Succeeded", "Failed")
_GENERATIONS = itertools.count(1)  # one sequence for every node, so no two states of any node share a number


# -- quantities and requests -------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _units(resource: str, text: str) -> int:
    """A quantity in the scheduler's integer units: millicores for cpu, whole units (bytes, devices) otherwise."""
    try:
        value = quantity_from_json(text).value
    except QuantityError:
        return 0
    return math.ceil(value * 1000) if resource == CPU else math.ceil(value)


def resource_list(values: Mapping[str, Any] | None) -> dict[str, int]:
    return {name: _units(name, str(amount)) for name, amount in (values or {}).items()}


def _container_requests(container: Obj, nonzero: bool) -> dict[str, int]:
    requests = resource_list((container.get("resources") or {}).get("requests"))
    if nonzero:
        requests = {
            CPU: requests.get(CPU) or DEFAULT_MILLI_CPU,
            MEMORY: requests.get(MEMORY) or DEFAULT_MEMORY,
        }
    return requests


def _add(total: dict[str, int], more: Mapping[str, int]) -> None:
    for name, amount in more.items():
        total[name] = total.get(name, 0) + amount


def _raise_to(total: dict[str, int], other: Mapping[str, int]) -> None:
    for name, amount in other.items():
        if amount > total.get(name, 0):
            total[name] = amount


def pod_requests(spec: Obj, nonzero: bool = False) -> dict[str, int]:
    """resource.PodRequests: the containers' sum, raised to what any init container (with the sidecars started
    before it) needs, sidecars counted throughout; pod-level requests replace that; the overhead comes on top.

    With `nonzero`, only cpu and memory, each container without a request counted at the scheduler's default."""
    total: dict[str, int] = {}
    for container in spec.get("containers") or []:
        _add(total, _container_requests(container, nonzero))
    sidecars: dict[str, int] = {}
    init_peak: dict[str, int] = {}
    for container in spec.get("initContainers") or []:
        requests = _container_requests(container, nonzero)
        if container.get("restartPolicy") == "Always":
            _add(total, requests)
            _add(sidecars, requests)
            _raise_to(init_peak, sidecars)
        else:
            running = dict(requests)
            _add(running, sidecars)
            _raise_to(init_peak, running)
    _raise_to(total, init_peak)
    pod_level = resource_list((spec.get("resources") or {}).get("requests"))
    for name in (CPU, MEMORY):
        if pod_level.get(name):
            total[name] = pod_level[name]
    overhead = resource_list(spec.get("overhead"))
    _add(total, {name: amount for name, amount in overhead.items() if not nonzero or name in (CPU, MEMORY)})
    return total


def host_ports(spec: Obj) -> tuple[HostPort, ...]:
    """The host ports the pod's containers (and sidecars) take."""
    sidecars = [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    return tuple(
        (str(port.get("protocol") or "TCP"), str(port.get("hostIP") or "0.0.0.0"), int(port["hostPort"]))
        for container in [*(spec.get("containers") or []), *sidecars]
        for port in container.get("ports") or []
        if port.get("hostPort")
    )


def ports_conflict(wanted: HostPort, used: Iterable[HostPort]) -> bool:
    """HostPortInfo.CheckConflict: the same port and protocol, on the same address or on every address."""
    protocol, address, port = wanted
    return any(
        other_port == port
        and other_protocol == protocol
        and (address == "0.0.0.0" or other_address in (address, "0.0.0.0"))
        for other_protocol, other_address, other_port in used
    )


# -- taints, tolerations, node selectors ---------------------------------------------------------------------------


def tolerates(tolerations: Iterable[Obj], taint: Obj) -> bool:
    """Toleration.ToleratesTaint for any of the tolerations."""
    return any(_tolerates(toleration, taint) for toleration in tolerations)


def _tolerates(toleration: Obj, taint: Obj) -> bool:
    if toleration.get("effect") and toleration["effect"] != taint.get("effect"):
        return False
    if toleration.get("key") and toleration["key"] != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    return operator == "Equal" and (toleration.get("value") or "") == (taint.get("value") or "")


NodeTerm = Callable[[str, Mapping[str, str]], bool]  # (node name, node labels) -> whether the node matches


def node_selector_term(term: Obj) -> NodeTerm:
    """One NodeSelectorTerm: all its expressions (labels) and fields (metadata.name) hold; an empty term never."""
    expressions = [_node_requirement(e) for e in term.get("matchExpressions") or []]
    fields = [_node_requirement(e) for e in term.get("matchFields") or []]
    if not expressions and not fields:
        return lambda name, labels: False

    def matches(name: str, labels: Mapping[str, str]) -> bool:
        return all(r is not None and r.matches(labels) for r in expressions) and all(
            r is not None and r.key == "metadata.name" and r.matches({"metadata.name": name}) for r in fields
        )

    return matches


def node_selector(selector: Obj | None) -> NodeTerm | None:
    """A NodeSelector: any of its terms matches (None: no selector, every node matches)."""
    if not selector:
        return None
    terms = [node_selector_term(term) for term in selector.get("nodeSelectorTerms") or []]
    return lambda name, labels: any(term(name, labels) for term in terms)


def _node_requirement(expression: Obj) -> Requirement | None:
    operator = _NODE_OPERATORS.get(str(expression.get("operator")))
    if operator is None:
        return None
    return Requirement(str(expression.get("key", "")), operator, tuple(str(v) for v in expression.get("values") or []))


# -- pod affinity terms ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AffinityTerm:
    """A PodAffinityTerm of some pod, ready to match other pods: which pods, in which namespaces, where."""

    selector: LabelSelector
    namespaces: frozenset[str]
    namespace_selector: LabelSelector | None  # None: only the listed namespaces
    topology_key: str
    weight: int = 0

    @property
    def all_namespaces(self) -> bool:
        return self.namespace_selector is not None and self.namespace_selector.empty

    def matches(self, pod: PodFacts, namespace_labels: Callable[[str], Mapping[str, str]]) -> bool:
        if pod.namespace not in self.namespaces and (
            self.namespace_selector is None or not self.namespace_selector.matches(namespace_labels(pod.namespace))
        ):
            return False
        return self.selector.matches(pod.labels)


def affinity_terms(pod: Obj, kind: str, required: bool) -> tuple[AffinityTerm, ...]:
    """The pod's podAffinity or podAntiAffinity terms (`kind`), required or preferred (with their weights)."""
    rules = ((pod.get("spec") or {}).get("affinity") or {}).get(kind) or {}
    metadata = pod.get("metadata") or {}
    if required:
        raw = [(term, 0) for term in rules.get("requiredDuringSchedulingIgnoredDuringExecution") or []]
    else:
        raw = [
            (item.get("podAffinityTerm") or {}, int(item.get("weight") or 0))
            for item in rules.get("preferredDuringSchedulingIgnoredDuringExecution") or []
        ]
    return tuple(
        _affinity_term(term, weight, str(metadata.get("namespace", "")), metadata.get("labels") or {})
        for term, weight in raw
    )


def _affinity_term(term: Obj, weight: int, namespace: str, own_labels: Mapping[str, str]) -> AffinityTerm:
    namespaces = frozenset(str(n) for n in term.get("namespaces") or [])
    namespace_selector = _selector(term.get("namespaceSelector")) if term.get("namespaceSelector") is not None else None
    if not namespaces and namespace_selector is None:
        namespaces = frozenset({namespace})
    selector = _selector(term.get("labelSelector"))
    # matchLabelKeys / mismatchLabelKeys: the owner's own values of those labels join the selector.
    extra = [
        Requirement(key, operator, (str(own_labels[key]),))
        for keys, operator in ((term.get("matchLabelKeys"), IN), (term.get("mismatchLabelKeys"), NOT_IN))
        for key in keys or []
        if key in own_labels
    ]
    if extra and not selector.selects_nothing:
        selector = LabelSelector((*selector.requirements, *extra))
    return AffinityTerm(selector, namespaces, namespace_selector, str(term.get("topologyKey", "")), weight)


def _selector(value: Any) -> LabelSelector:
    try:
        return label_selector_from_object(value if isinstance(value, dict) else None)
    except SelectorError:
        return LabelSelector(selects_nothing=True)


# -- pods and nodes --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class PodFacts:
    """What the scheduler counts of a pod bound to a node, read once per version of the pod."""

    namespace: str
    name: str
    uid: str
    generation: Any
    node: str
    labels: dict[str, str]
    requests: dict[str, int]
    nonzero: tuple[int, int]  # cpu and memory as scoring counts them
    ports: tuple[HostPort, ...]
    owner: str  # the uid of the controller that owns the pod, or ""
    priority: int
    anti_affinity: tuple[AffinityTerm, ...]  # its required anti-affinity, which pods coming later must respect
    created: str
    terminating: bool

    @property
    def key(self) -> PodKey:
        return (self.namespace, self.name)

    @staticmethod
    def of(pod: Obj, node: str = "") -> PodFacts:
        metadata, spec = pod["metadata"], pod.get("spec") or {}
        nonzero = pod_requests(spec, nonzero=True)
        return PodFacts(
            namespace=str(metadata.get("namespace", "")),
            name=str(metadata["name"]),
            uid=str(metadata.get("uid", "")),
            generation=metadata.get("generation"),
            node=node or str(spec.get("nodeName") or ""),
            labels=dict(metadata.get("labels") or {}),
            requests=pod_requests(spec),
            nonzero=(nonzero.get(CPU, 0), nonzero.get(MEMORY, 0)),
            ports=host_ports(spec),
            owner=_owner(pod),
            priority=int(spec.get("priority") or 0),
            anti_affinity=affinity_terms(pod, "podAntiAffinity", required=True),
            created=str(metadata.get("creationTimestamp", "")),
            terminating=bool(metadata.get("deletionTimestamp")),
        )

    def still_describes(self, pod: Obj) -> bool:
        """Whether these facts hold for this version of the pod (status updates change nothing counted)."""
        metadata = pod["metadata"]
        return (
            self.uid == metadata.get("uid")
            and self.generation == metadata.get("generation")
            and self.node == ((pod.get("spec") or {}).get("nodeName") or "")
            and self.labels == (metadata.get("labels") or {})
            and self.terminating == bool(metadata.get("deletionTimestamp"))
            and self.owner == _owner(pod)
        )


def _owner(pod: Obj) -> str:
    """The uid of the pod's controller (its adoption or release changes it without a new generation)."""
    owner = controller_of(pod)
    return str(owner.get("uid", "")) if owner else ""


def is_finished(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") in _FINISHED


class NodeInfo:
    """One node: what it offers (labels, taints, allocatable) and what the pods bound to it take."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.node: Obj | None = None  # None while pods name a node that does not exist (or no longer does)
        self.labels: dict[str, str] = {}
        self.taints: tuple[Obj, ...] = ()
        self.unschedulable = False
        self.allocatable: dict[str, int] = {}
        self.pods: dict[PodKey, PodFacts] = {}
        self.requested: Counter[str] = Counter()
        self.nonzero_cpu = 0
        self.nonzero_memory = 0
        self.ports: Counter[HostPort] = Counter()
        self.owners: Counter[str] = Counter()
        self.generation = 0  # moves with every change, for what is computed from the node and kept

    def set_node(self, node: Obj) -> bool:
        """Take the node's current version; whether anything the scheduler decides by changed."""
        spec, status = node.get("spec") or {}, node.get("status") or {}
        before = (self.labels, self.taints, self.unschedulable, self.allocatable, self.node is None)
        self.node = node
        self.labels = dict(node["metadata"].get("labels") or {})
        self.taints = effective_taints(node)
        self.unschedulable = bool(spec.get("unschedulable"))
        self.allocatable = resource_list(status.get("allocatable"))
        changed = before != (self.labels, self.taints, self.unschedulable, self.allocatable, False)
        if changed:
            self.generation = next(_GENERATIONS)
        return changed

    def add(self, pod: PodFacts) -> None:
        self.generation = next(_GENERATIONS)
        self.pods[pod.key] = pod
        self.requested.update(pod.requests)
        self.nonzero_cpu += pod.nonzero[0]
        self.nonzero_memory += pod.nonzero[1]
        self.ports.update(pod.ports)
        if pod.owner:
            self.owners[pod.owner] += 1

    def remove(self, pod: PodFacts) -> None:
        self.generation = next(_GENERATIONS)
        del self.pods[pod.key]
        self.requested.subtract(pod.requests)
        self.nonzero_cpu -= pod.nonzero[0]
        self.nonzero_memory -= pod.nonzero[1]
        if pod.ports:
            self.ports.subtract(pod.ports)
            self.ports = +self.ports
        if pod.owner:
            self.owners[pod.owner] -= 1
            if not self.owners[pod.owner]:
                del self.owners[pod.owner]


def effective_taints(node: Obj) -> tuple[Obj, ...]:
    """The node's taints, with the NoSchedule taint its Ready condition calls for should it not carry it yet."""
    taints = tuple(t for t in (node.get("spec") or {}).get("taints") or [] if isinstance(t, dict))
    ready = condition(node, "Ready")
    key = _READINESS_TAINTS.get(str((ready or {}).get("status", "Unknown")))
    if key and not any(t.get("key") == key and t.get("effect") == "NoSchedule" for t in taints):
        taints += ({"key": key, "effect": "NoSchedule"},)
    return taints


@dataclass
class SchedulerCache:
    """The nodes and the pods bound to them; `nodes_version` moves whenever a node changes in a way that counts."""

    nodes: dict[str, NodeInfo] = field(default_factory=dict)
    pods: dict[PodKey, PodFacts] = field(default_factory=dict)
    by_namespace: defaultdict[str, set[PodKey]] = field(default_factory=lambda: defaultdict(set))
    with_anti_affinity: set[PodKey] = field(default_factory=set)
    nodes_version: int = 0
    _existing: tuple[int, list[NodeInfo]] = (-1, [])

    def existing_nodes(self) -> list[NodeInfo]:
        """The nodes that exist, in name order."""
        version, nodes = self._existing
        if version != self.nodes_version:
            nodes = [info for _, info in sorted(self.nodes.items()) if info.node is not None]
            self._existing = (self.nodes_version, nodes)
        return nodes

    def node(self, name: str) -> NodeInfo:
        info = self.nodes.get(name)
        if info is None:
            info = self.nodes[name] = NodeInfo(name)
        return info

    def set_node(self, node: Obj) -> bool:
        changed = self.node(node["metadata"]["name"]).set_node(node)
        if changed:
            self.nodes_version += 1
        return changed

    def remove_node(self, name: str) -> None:
        info = self.nodes.get(name)
        if info is None:
            return
        info.node = None
        self.nodes_version += 1
        if not info.pods:
            del self.nodes[name]

    def set_pod(self, key: PodKey, facts: PodFacts | None) -> PodFacts | None:
        """Count the pod as bound where `facts` says (None: not at all); what was counted before."""
        previous = self.pods.pop(key, None)
        if previous is not None:
            self.nodes[previous.node].remove(previous)
            if self.nodes[previous.node].node is None and not self.nodes[previous.node].pods:
                del self.nodes[previous.node]
            self.by_namespace[previous.namespace].discard(key)
            self.with_anti_affinity.discard(key)
        if facts is not None:
            self.pods[key] = facts
            self.node(facts.node).add(facts)
            self.by_namespace[facts.namespace].add(key)
            if facts.anti_affinity:
                self.with_anti_affinity.add(key)
        return previous

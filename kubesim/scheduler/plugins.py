"""kube-scheduler's decision for one pod: filter the nodes, score the ones left, take the best; or say why none fits.

The filters run in the default profile's order and a node is rejected by the first that fails, with that
plugin's words: NodeUnschedulable (cordoned), TaintToleration (NoSchedule and NoExecute taints; a node not
Ready counts with the taint the node lifecycle controller gives it), NodeAffinity (nodeSelector and required
node affinity), NodePorts, NodeResourcesFit (requests against allocatable minus what the node's pods
request), VolumeBinding (claims, their volumes' node affinity) and InterPodAffinity (required pod affinity
and anti-affinity, both the newcomer's and the existing pods').

The scores and their weights are the default profile's: TaintToleration 3 (PreferNoSchedule taints),
NodeAffinity 2 (preferred terms), NodeResourcesFit 1 (least allocated), NodeResourcesBalancedAllocation 1,
InterPodAffinity 2 (preferred terms) and PodTopologySpread 2 (its default constraint spreads the pods of one
owner over the nodes). Equal scores are broken by a hash of the pod's uid: stable, yet spread out.

When no node fits, the message is the scheduler's FitError: the reasons counted over the nodes and sorted,
then what preemption found. Preemption evicts lower-priority pods when that frees a node for the pod.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kubesim.api.goformat import go_quote
from kubesim.scheduler.cache import (
    CPU,
    MEMORY,
    UNSCHEDULABLE_TAINT,
    AffinityTerm,
    NodeInfo,
    NodeTerm,
    PodFacts,
    SchedulerCache,
    affinity_terms,
    node_selector,
    node_selector_term,
    ports_conflict,
    tolerates,
)
from kubesim.store.store import Store

Obj = dict[str, Any]
MAX_SCORE = 100
CLAIMS, VOLUMES, CLASSES = "/persistentvolumeclaims", "/persistentvolumes", "storage.k8s.io/storageclasses"


class Rejection(NamedTuple):
    """Why a filter plugin turned a node down; `unresolvable` when evicting pods could not change that."""

    plugin: str
    reasons: tuple[str, ...]
    unresolvable: bool


UNSCHEDULABLE_NODE = Rejection("NodeUnschedulable", ("node(s) were unschedulable",), True)
# Since 1.35 the message no longer names the taint (its key and value may be sensitive).
UNTOLERATED_TAINT = Rejection("TaintToleration", ("node(s) had untolerated taint(s)",), True)
NODE_AFFINITY = Rejection("NodeAffinity", ("node(s) didn't match Pod's node affinity/selector",), True)
NODE_PORTS = Rejection("NodePorts", ("node(s) didn't have free ports for the requested pod ports",), False)
POD_AFFINITY = Rejection("InterPodAffinity", ("node(s) didn't match pod affinity rules",), True)
POD_ANTI_AFFINITY = Rejection("InterPodAffinity", ("node(s) didn't match pod anti-affinity rules",), False)
EXISTING_ANTI_AFFINITY = Rejection(
    "InterPodAffinity", ("node(s) didn't satisfy existing pods anti-affinity rules",), False
)
VOLUME_NODE_AFFINITY = Rejection("VolumeBinding", ("node(s) didn't match PersistentVolume's node affinity",), True)
VOLUME_MISSING = Rejection(
    "VolumeBinding", ("node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)",), True
)
NO_VOLUME_TOPOLOGY = Rejection("VolumeBinding", ("node(s) didn't find available persistent volumes to bind",), True)
NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"


@dataclass
class Decision:
    """The outcome of one scheduling attempt."""

    node: str = ""  # where the pod goes; "" when it fits nowhere
    message: str = ""  # why it fits nowhere
    rejectors: frozenset[str] = frozenset()  # the plugins that turned nodes down: which cluster changes may help
    claims_to_provision: tuple[Obj, ...] = ()  # WaitForFirstConsumer claims that will follow the pod to its node
    nominated: str = ""  # preemption: the node the pod will have once the victims are gone
    victims: tuple[PodFacts, ...] = ()


@dataclass
class PodPlan:
    """The pod's needs as the plugins read them, worked out once per attempt."""

    pod: Obj
    facts: PodFacts
    tolerations: tuple[Obj, ...]
    node_selector: dict[str, str]
    required_nodes: NodeTerm | None
    preferred_nodes: tuple[tuple[int, NodeTerm], ...]
    affinity: tuple[AffinityTerm, ...]
    anti_affinity: tuple[AffinityTerm, ...]
    preferred_affinity: tuple[AffinityTerm, ...]
    preferred_anti_affinity: tuple[AffinityTerm, ...]
    static_key: str  # what decides the node-only filters and scores: pods alike in this share their results

    @staticmethod
    def of(pod: Obj) -> PodPlan:
        spec = pod.get("spec") or {}
        tolerations = tuple(t for t in spec.get("tolerations") or [] if isinstance(t, dict))
        selector = {str(k): str(v) for k, v in (spec.get("nodeSelector") or {}).items()}
        node_affinity = (spec.get("affinity") or {}).get("nodeAffinity") or {}
        preferred = tuple(
            (int(item.get("weight") or 0), node_selector_term(item.get("preference") or {}))
            for item in node_affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or []
        )
        return PodPlan(
            pod=pod,
            facts=PodFacts.of(pod),
            tolerations=tolerations,
            node_selector=selector,
            required_nodes=node_selector(node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")),
            preferred_nodes=preferred,
            affinity=affinity_terms(pod, "podAffinity", required=True),
            anti_affinity=affinity_terms(pod, "podAntiAffinity", required=True),
            preferred_affinity=affinity_terms(pod, "podAffinity", required=False),
            preferred_anti_affinity=affinity_terms(pod, "podAntiAffinity", required=False),
            static_key=json.dumps([tolerations, selector, node_affinity], sort_keys=True),
        )


# -- what only the node decides (cached per kind of pod until a node changes) ---------------------------------------


@dataclass
class NodeView:
    """The node-only filter results and score inputs for one kind of pod."""

    rejections: dict[str, Rejection] = field(default_factory=dict)
    passing: list[NodeInfo] = field(default_factory=list)
    intolerable: dict[str, int] = field(default_factory=dict)  # PreferNoSchedule taints the pod does not tolerate
    preference: dict[str, int] = field(default_factory=dict)  # weight of the preferred node affinity terms met

    @property
    def scores_differ(self) -> bool:
        """Whether the node-only scores tell the passing nodes apart at all."""
        return any(self.intolerable.values()) or any(self.preference.values())


def node_view(plan: PodPlan, nodes: list[NodeInfo]) -> NodeView:
    view = NodeView()
    for info in nodes:
        rejection = _node_rejection(plan, info)
        if rejection is not None:
            view.rejections[info.name] = rejection
            continue
        view.passing.append(info)
        view.intolerable[info.name] = sum(
            1 for taint in info.taints if taint.get("effect") == "PreferNoSchedule" and not _tolerated(plan, taint)
        )
        view.preference[info.name] = sum(
            weight for weight, term in plan.preferred_nodes if term(info.name, info.labels)
        )
    return view


def _node_rejection(plan: PodPlan, info: NodeInfo) -> Rejection | None:
    if info.unschedulable and not tolerates(plan.tolerations, {"key": UNSCHEDULABLE_TAINT, "effect": "NoSchedule"}):
        return UNSCHEDULABLE_NODE
    if any(t.get("effect") in ("NoSchedule", "NoExecute") and not tolerates(plan.tolerations, t) for t in info.taints):
        return UNTOLERATED_TAINT
    if any(info.labels.get(key) != value for key, value in plan.node_selector.items()):
        return NODE_AFFINITY
    if plan.required_nodes is not None and not plan.required_nodes(info.name, info.labels):
        return NODE_AFFINITY
    return None


def _tolerated(plan: PodPlan, taint: Obj) -> bool:
    # Only tolerations for PreferNoSchedule (or for every effect) count when scoring.
    return tolerates((t for t in plan.tolerations if t.get("effect") in (None, "", "PreferNoSchedule")), taint)


# -- volumes ---------------------------------------------------------------------------------------------------------


@dataclass
class VolumePlan:
    """What the pod's claims ask of a node."""

    volume_affinities: list[NodeTerm] = field(default_factory=list)  # bound volumes' node affinity
    missing_volume: bool = False
    claims_to_provision: list[Obj] = field(default_factory=list)  # unbound claims of WaitForFirstConsumer classes
    topologies: list[NodeTerm] = field(default_factory=list)  # where their classes may provision

    @property
    def constrains_nodes(self) -> bool:
        return self.missing_volume or bool(self.volume_affinities) or bool(self.topologies)


def volume_plan(pod: Obj, store: Store) -> VolumePlan | str:
    """The VolumeBinding plugin's PreFilter: the plan, or the message why no node can do."""
    metadata, spec = pod["metadata"], pod.get("spec") or {}
    namespace = metadata.get("namespace", "")
    plan, unbound_immediate = VolumePlan(), False
    for volume in spec.get("volumes") or []:
        ephemeral = "ephemeral" in volume
        if ephemeral:
            claim_name = f"{metadata['name']}-{volume.get('name', '')}"
        elif "persistentVolumeClaim" in volume:
            claim_name = str((volume["persistentVolumeClaim"] or {}).get("claimName", ""))
        else:
            continue
        claim = store.get(CLAIMS, namespace, claim_name)
        if claim is None:
            if ephemeral:
                return f"waiting for ephemeral volume controller to create the {_claim(claim_name)}"
            return f"{_claim(claim_name)} not found"
        if claim["metadata"].get("deletionTimestamp"):
            return f"{_claim(claim_name)} is being deleted"
        volume_name = (claim.get("spec") or {}).get("volumeName")
        if volume_name:
            _plan_bound_volume(plan, store.get(VOLUMES, "", volume_name))
        elif not _plan_provisioning(plan, claim, store):
            unbound_immediate = True
    if unbound_immediate:
        return "pod has unbound immediate PersistentVolumeClaims"
    return plan


def _claim(name: str) -> str:
    return f"persistentvolumeclaim {go_quote(name)}"


def _plan_bound_volume(plan: VolumePlan, volume: Obj | None) -> None:
    if volume is None:
        plan.missing_volume = True
        return
    required = node_selector(((volume.get("spec") or {}).get("nodeAffinity") or {}).get("required"))
    if required is not None:
        plan.volume_affinities.append(required)


def _plan_provisioning(plan: VolumePlan, claim: Obj, store: Store) -> bool:
    """Plan an unbound claim whose class waits for the first consumer; False when its binding is immediate."""
    class_name = (claim.get("spec") or {}).get("storageClassName")
    storage_class = store.get(CLASSES, "", class_name) if class_name else None
    if storage_class is None or storage_class.get("volumeBindingMode") != "WaitForFirstConsumer":
        return False
    plan.claims_to_provision.append(claim)
    allowed = storage_class.get("allowedTopologies") or []
    if allowed:
        terms = [_topology_term(term) for term in allowed]
        plan.topologies.append(lambda name, labels: any(term(labels) for term in terms))
    return True


def _topology_term(term: Obj) -> Callable[[Mapping[str, str]], bool]:
    expressions = [(e.get("key"), set(e.get("values") or [])) for e in term.get("matchLabelExpressions") or []]
    return lambda labels: all(labels.get(str(key)) in values for key, values in expressions)


def _volume_rejection(volumes: VolumePlan, info: NodeInfo) -> Rejection | None:
    if volumes.missing_volume:
        return VOLUME_MISSING
    if any(not term(info.name, info.labels) for term in volumes.volume_affinities):
        return VOLUME_NODE_AFFINITY
    if any(not term(info.name, info.labels) for term in volumes.topologies):
        return NO_VOLUME_TOPOLOGY
    return None


# -- pod affinity ----------------------------------------------------------------------------------------------------


@dataclass
class PodAffinityState:
    """InterPodAffinity's PreFilter and PreScore: where the pods the newcomer seeks, shuns or is shunned by run."""

    forbidden_by_existing: dict[str, set[str]] = field(default_factory=dict)  # topology key -> values
    affinity_counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    shunned: dict[str, set[str]] = field(default_factory=dict)  # topology key -> values
    preferred: Counter[tuple[str, str]] = field(default_factory=Counter)  # topology pair -> summed weights
    preferred_keys: set[str] = field(default_factory=set)

    @staticmethod
    def of(
        plan: PodPlan, cache: SchedulerCache, namespace_labels: Callable[[str], Mapping[str, str]]
    ) -> PodAffinityState:
        state = PodAffinityState()
        for key in cache.with_anti_affinity:
            existing = cache.pods[key]
            labels = _labels_of_node(cache, existing)
            for term in existing.anti_affinity:
                if labels is not None and term.topology_key in labels and term.matches(plan.facts, namespace_labels):
                    state.forbidden_by_existing.setdefault(term.topology_key, set()).add(labels[term.topology_key])
        terms = (*plan.affinity, *plan.anti_affinity, *plan.preferred_affinity, *plan.preferred_anti_affinity)
        for existing in _candidates(terms, cache):
            labels = _labels_of_node(cache, existing)
            if labels is not None:
                state._count(plan, existing, labels, namespace_labels)
        return state

    def _count(
        self, plan: PodPlan, existing: PodFacts, labels: Mapping[str, str], namespace_labels: Callable[[str], Any]
    ) -> None:
        if plan.affinity and all(term.matches(existing, namespace_labels) for term in plan.affinity):
            for term in plan.affinity:
                if term.topology_key in labels:
                    self.affinity_counts[(term.topology_key, labels[term.topology_key])] += 1
        for term in plan.anti_affinity:
            if term.topology_key in labels and term.matches(existing, namespace_labels):
                self.shunned.setdefault(term.topology_key, set()).add(labels[term.topology_key])
        for terms, sign in ((plan.preferred_affinity, 1), (plan.preferred_anti_affinity, -1)):
            for term in terms:
                if term.topology_key in labels and term.matches(existing, namespace_labels):
                    self.preferred[(term.topology_key, labels[term.topology_key])] += sign * term.weight
                    self.preferred_keys.add(term.topology_key)

    def constrains(self, plan: PodPlan) -> bool:
        return bool(plan.affinity or self.shunned or self.forbidden_by_existing)

    def rejection(self, plan: PodPlan, info: NodeInfo, namespace_labels: Callable[[str], Any]) -> Rejection | None:
        if plan.affinity and not self._affinity_met(plan, info, namespace_labels):
            return POD_AFFINITY
        if any(info.labels.get(key) in values for key, values in self.shunned.items()):
            return POD_ANTI_AFFINITY
        if any(info.labels.get(key) in values for key, values in self.forbidden_by_existing.items()):
            return EXISTING_ANTI_AFFINITY
        return None

    def _affinity_met(self, plan: PodPlan, info: NodeInfo, namespace_labels: Callable[[str], Any]) -> bool:
        if any(term.topology_key not in info.labels for term in plan.affinity):
            return False
        if all(self.affinity_counts[(t.topology_key, info.labels[t.topology_key])] > 0 for t in plan.affinity):
            return True
        # The first pod of a group that seeks its own kind may go anywhere while no pod of the kind runs yet.
        return not self.affinity_counts and all(t.matches(plan.facts, namespace_labels) for t in plan.affinity)

    def preference(self, info: NodeInfo) -> int:
        return sum(self.preferred.get((key, info.labels.get(key, "")), 0) for key in self.preferred_keys)


def _labels_of_node(cache: SchedulerCache, pod: PodFacts) -> dict[str, str] | None:
    info = cache.nodes.get(pod.node)
    return info.labels if info is not None and info.node is not None else None


def _candidates(terms: tuple[AffinityTerm, ...], cache: SchedulerCache) -> list[PodFacts]:
    """The bound pods the terms could match, looked up by namespace unless a term selects namespaces by label."""
    if not terms:
        return []
    if any(term.namespace_selector is not None for term in terms):
        return list(cache.pods.values())
    namespaces = set().union(*(term.namespaces for term in terms))
    return [cache.pods[key] for namespace in namespaces for key in cache.by_namespace.get(namespace, ())]


# -- the framework ---------------------------------------------------------------------------------------------------


class Framework:
    """Runs the plugins over the cache's nodes for one pod at a time."""

    def __init__(self, cache: SchedulerCache, store: Store) -> None:
        self.cache, self.store = cache, store
        self._views: dict[str, NodeView] = {}
        self._views_version = -1
        # For each set of requests: node -> (its generation, whether such a pod fits, its resource score).
        self._assessments: dict[tuple[Any, ...], dict[str, tuple[int, bool, int]]] = {}

    def schedule(self, pod: Obj) -> Decision:
        plan = PodPlan.of(pod)
        nodes = self.cache.existing_nodes()
        if not nodes:
            return Decision(message="no nodes available to schedule pods")
        volumes = volume_plan(pod, self.store)
        if isinstance(volumes, str):
            return self._unschedulable(plan, nodes, {}, volumes, frozenset({"VolumeBinding"}))
        view = self._node_view(plan, nodes)
        affinity = PodAffinityState.of(plan, self.cache, self._namespace_labels)
        rejected = dict(view.rejections)
        feasible = self._filter(plan, view.passing, volumes, affinity, rejected)
        if not feasible:
            return self._unschedulable(plan, nodes, rejected)
        best = self._best(plan, feasible, view, affinity)
        return Decision(node=best.name, claims_to_provision=tuple(volumes.claims_to_provision))

    def _node_view(self, plan: PodPlan, nodes: list[NodeInfo]) -> NodeView:
        if self._views_version != self.cache.nodes_version or len(self._views) > 256:
            self._views, self._views_version = {}, self.cache.nodes_version
        view = self._views.get(plan.static_key)
        if view is None:
            view = self._views[plan.static_key] = node_view(plan, nodes)
        return view

    def _namespace_labels(self, namespace: str) -> Mapping[str, str]:
        return ((self.store.get("/namespaces", "", namespace) or {}).get("metadata") or {}).get("labels") or {}

    def _filter(
        self,
        plan: PodPlan,
        nodes: list[NodeInfo],
        volumes: VolumePlan,
        affinity: PodAffinityState,
        rejected: dict[str, Rejection],
    ) -> list[tuple[NodeInfo, int]]:
        """The filters that depend on the node's pods, over the nodes the node-only filters let through; each
        is asked only when the pod or the cluster gives it something to check. The nodes that pass, each with
        its resource score."""
        ports = plan.facts.ports
        volumes_matter, affinity_matters = volumes.constrains_nodes, affinity.constrains(plan)
        assessments = self._assessments_for(plan.facts)
        feasible = []
        for info in nodes:
            assessment = assessments.get(info.name)
            if assessment is None or assessment[0] != info.generation:
                assessment = assessments[info.name] = _assess(plan.facts, info)
            rejection = None
            if ports and any(ports_conflict(port, info.ports) for port in ports):
                rejection = NODE_PORTS
            elif not assessment[1]:
                rejection = fit_rejection(plan.facts, info)
            elif volumes_matter:
                rejection = _volume_rejection(volumes, info)
            if rejection is None and affinity_matters:
                rejection = affinity.rejection(plan, info, self._namespace_labels)
            if rejection is None:
                feasible.append((info, assessment[2]))
            else:
                rejected[info.name] = rejection
        return feasible

    def _assessments_for(self, pod: PodFacts) -> dict[str, tuple[int, bool, int]]:
        """What resources say of each node for pods that request what this one does: kept while the node stays as
        it was, so that a burst of like pods recomputes only the node that took the last one."""
        shape = (tuple(sorted(pod.requests.items())), pod.nonzero)
        assessments = self._assessments.get(shape)
        if assessments is None:
            if len(self._assessments) >= 64:
                self._assessments.clear()
            assessments = self._assessments[shape] = {}
        return assessments

    # -- scoring ---------------------------------------------------------------------------------------------------

    def _best(
        self, plan: PodPlan, feasible: list[tuple[NodeInfo, int]], view: NodeView, affinity: PodAffinityState
    ) -> NodeInfo:
        """The node with the highest weighted score; scores that are the same for every node are left out. Ties
        go to a node picked by the pod's uid: the same pod always picks the same, different pods spread out."""
        others = _other_scores([info for info, _ in feasible], view, affinity)
        owner = plan.facts.owner
        counts = [info.owners.get(owner, 0) for info, _ in feasible] if owner else []
        highest, lowest = (max(counts), min(counts)) if counts else (0, 0)
        best_score, best = -1, []
        for index, (info, score) in enumerate(feasible):
            if highest:  # PodTopologySpread (weight 2): the nodes with the fewest pods of the owner score highest
                score += 2 * (MAX_SCORE * (highest + lowest - counts[index]) // highest)
            if others is not None:
                score += others[info.name]
            if score > best_score:
                best_score, best = score, [info]
            elif score == best_score:
                best.append(info)
        return best[zlib.crc32(plan.facts.uid.encode()) % len(best)]

    # -- when nothing fits -------------------------------------------------------------------------------------------

    def _unschedulable(
        self,
        plan: PodPlan,
        nodes: list[NodeInfo],
        rejected: dict[str, Rejection],
        prefilter: str = "",
        rejectors: frozenset[str] | None = None,
    ) -> Decision:
        outcome = Preemption(plan, nodes, rejected, prefilter).run()
        message = fit_error(len(nodes), rejected, prefilter, outcome.message)
        return Decision(
            message=message,
            rejectors=rejectors or frozenset(r.plugin for r in rejected.values()),
            nominated=outcome.node,
            victims=outcome.victims,
        )


def fit_rejection(pod: PodFacts, info: NodeInfo, pods: list[PodFacts] | None = None) -> Rejection | None:
    """NodeResourcesFit's Filter against the node as it is, or with only `pods` on it (when preempting)."""
    requested = info.requested if pods is None else _requested(pods)
    reasons: list[str] = []
    unresolvable = False
    if len(info.pods if pods is None else pods) + 1 > info.allocatable.get("pods", 0):
        reasons.append("Too many pods")
    for name, amount in pod.requests.items():
        capacity = info.allocatable.get(name, 0)
        if amount > 0 and amount > capacity - requested.get(name, 0):
            reasons.append(f"Insufficient {name}")
            unresolvable = unresolvable or amount > capacity
    return Rejection("NodeResourcesFit", tuple(reasons), unresolvable) if reasons else None


def _requested(pods: list[PodFacts]) -> Counter[str]:
    total: Counter[str] = Counter()
    for pod in pods:
        total.update(pod.requests)
    return total


def _assess(pod: PodFacts, info: NodeInfo) -> tuple[int, bool, int]:
    allocatable, requested = info.allocatable, info.requested
    fits = len(info.pods) < allocatable.get("pods", 0) and all(
        amount <= 0 or amount <= allocatable.get(name, 0) - requested[name] for name, amount in pod.requests.items()
    )
    cpu_request, memory_request = pod.requests.get(CPU, 0), pod.requests.get(MEMORY, 0)
    return (info.generation, fits, _resource_score(info, *pod.nonzero, cpu_request, memory_request))


def _resource_score(info: NodeInfo, cpu_need: int, memory_need: int, cpu_request: int, memory_request: int) -> int:
    """NodeResourcesFit (least allocated, counting what containers without requests are assumed to use) and
    NodeResourcesBalancedAllocation (cpu and memory used in like proportions), weight 1 each."""
    cpu, memory = info.allocatable.get(CPU, 0), info.allocatable.get(MEMORY, 0)
    least = (_least(info.nonzero_cpu + cpu_need, cpu) + _least(info.nonzero_memory + memory_need, memory)) // 2
    balanced = MAX_SCORE
    if cpu and memory:
        cpu_share = min(1.0, (info.requested[CPU] + cpu_request) / cpu)
        memory_share = min(1.0, (info.requested[MEMORY] + memory_request) / memory)
        balanced = int((1 - abs(cpu_share - memory_share) / 2) * MAX_SCORE)
    return least + balanced


def _other_scores(feasible: list[NodeInfo], view: NodeView, affinity: PodAffinityState) -> dict[str, int] | None:
    """TaintToleration (3), NodeAffinity (2) and InterPodAffinity (2), weighted; None when they rate all alike."""
    if not view.scores_differ and not affinity.preferred:
        return None
    totals = dict.fromkeys((info.name for info in feasible), 0)
    for weight, scores in (
        (3, _reverse_normalized({i.name: view.intolerable[i.name] for i in feasible})),
        (2, _normalized({i.name: view.preference[i.name] for i in feasible})),
        (2, _min_max_normalized({i.name: affinity.preference(i) for i in feasible})),
    ):
        for name, score in scores.items():
            totals[name] += weight * score
    return totals


def _least(requested: int, capacity: int) -> int:
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_SCORE // capacity


def _normalized(raw: dict[str, int]) -> dict[str, int]:
    highest = max(raw.values(), default=0)
    return {name: value * MAX_SCORE // highest if highest else 0 for name, value in raw.items()}


def _reverse_normalized(raw: dict[str, int]) -> dict[str, int]:
    highest = max(raw.values(), default=0)
    return {name: MAX_SCORE - value * MAX_SCORE // highest if highest else MAX_SCORE for name, value in raw.items()}


def _min_max_normalized(raw: dict[str, int]) -> dict[str, int]:
    lowest, highest = min(raw.values(), default=0), max(raw.values(), default=0)
    spread = highest - lowest
    return {name: (value - lowest) * MAX_SCORE // spread if spread else 0 for name, value in raw.items()}


# -- the FitError message and preemption ------------------------------------------------------------------------------


def fit_error(total: int, statuses: Mapping[str, Rejection | str], prefilter: str, postfilter: str) -> str:
    """FitError.Error(): "0/N nodes are available: <counted reasons, sorted>. <what preemption said>"."""
    message = f"0/{total} nodes are available:"
    if prefilter:
        message += f" {prefilter}."
    else:
        histogram = Counter(
            reason
            for status in statuses.values()
            for reason in ((status,) if isinstance(status, str) else status.reasons)
        )
        if histogram:
            message += " " + ", ".join(sorted(f"{count} {reason}" for reason, count in histogram.items())) + "."
    if postfilter:
        message += f" {postfilter}"
    return message


class PreemptionOutcome(NamedTuple):
    message: str  # the PostFilter message ("" when victims were found)
    node: str = ""
    victims: tuple[PodFacts, ...] = ()


class Preemption:
    """DefaultPreemption: on a node turned down for what pods there take, evicting lower-priority pods may help."""

    def __init__(self, plan: PodPlan, nodes: list[NodeInfo], rejected: dict[str, Rejection], prefilter: str) -> None:
        self.plan, self.nodes, self.rejected, self.prefilter = plan, nodes, rejected, prefilter
        self.priority = plan.facts.priority

    def run(self) -> PreemptionOutcome:
        spec = self.plan.pod.get("spec") or {}
        if spec.get("preemptionPolicy") == "Never":
            return PreemptionOutcome("preemption: not eligible due to preemptionPolicy=Never.")
        if self._victims_still_leaving(str((self.plan.pod.get("status") or {}).get("nominatedNodeName") or "")):
            return PreemptionOutcome("preemption: not eligible due to a terminating pod on the nominated node.")
        statuses: dict[str, Rejection | str] = {}
        candidates: list[tuple[NodeInfo, list[PodFacts]]] = []
        for info in self.nodes:
            rejection = self.rejected.get(info.name)
            if self.prefilter or rejection is None or rejection.unresolvable:
                statuses[info.name] = NOT_HELPFUL
                continue
            outcome = self._victims_on(info, rejection)
            if isinstance(outcome, list):
                candidates.append((info, outcome))
            else:
                statuses[info.name] = outcome
        if candidates:
            info, victims = min(candidates, key=lambda c: _preemption_cost(c[1], c[0].name))
            return PreemptionOutcome("", info.name, tuple(victims))
        return PreemptionOutcome("preemption: " + fit_error(len(self.nodes), statuses, "", ""))

    def _victims_still_leaving(self, nominated: str) -> bool:
        """A pod already nominated waits for the victims it caused to go rather than evict more."""
        info = next((info for info in self.nodes if info.name == nominated), None)
        return info is not None and any(p.terminating and p.priority < self.priority for p in info.pods.values())

    def _victims_on(self, info: NodeInfo, rejection: Rejection) -> list[PodFacts] | Rejection | str:
        """The fewest, least important lower-priority pods whose eviction lets the pod fit, or why none do.

        Like the real plugin it asks the filters again without the victims; here only the filters that count
        what pods take (resources and host ports) are asked, so a node refused for pod anti-affinity stays so."""
        lower = [p for p in info.pods.values() if p.priority < self.priority and not p.terminating]
        if not lower:
            return NO_VICTIMS
        if rejection.plugin not in ("NodeResourcesFit", "NodePorts"):
            return rejection
        leaving = {p.key for p in lower}
        kept = [p for p in info.pods.values() if p.key not in leaving]
        refusal = self._refusal(info, kept)
        if refusal is not None:
            return refusal
        victims = []
        for pod in sorted(lower, key=lambda p: (-p.priority, p.created)):  # the most important are spared first
            if self._refusal(info, [*kept, pod]) is None:
                kept.append(pod)
            else:
                victims.append(pod)
        return victims

    def _refusal(self, info: NodeInfo, pods: list[PodFacts]) -> Rejection | None:
        ports = [port for pod in pods for port in pod.ports]
        if any(ports_conflict(port, ports) for port in self.plan.facts.ports):
            return NODE_PORTS
        return fit_rejection(self.plan.facts, info, pods)


def _preemption_cost(victims: list[PodFacts], node: str) -> tuple[int, int, int, str]:
    """pickOneNodeForPreemption, less PodDisruptionBudgets: the least important victims, then the fewest."""
    return (max(p.priority for p in victims), sum(p.priority for p in victims), len(victims), node)

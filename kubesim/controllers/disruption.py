"""The disruption controller: each PodDisruptionBudget's status says how many of its pods may be disrupted now.

As kube-controller-manager's disruption controller (events from "controllermanager"), for the pods its selector
picks in its namespace:

- expectedPods and desiredHealthy: with an integer minAvailable, the pods found and minAvailable; with a
  percentage minAvailable or a maxUnavailable, the scale of the pods' controllers (the Deployment above a
  ReplicaSet, a ReplicationController, a StatefulSet, or anything with a scale subresource) and the share of
  it, rounded up. A pod without a controller gets the warning UnmanagedPods; a controller that cannot be found
  fails the sync (CalculateExpectedPodCountFailed) and the budget allows no disruption (SyncFailed).
- currentHealthy: the ready pods that are not being deleted, leaving out those the eviction API has just
  approved (status.disruptedPods) for 2 minutes, the time their deletion may take to be seen.
- disruptionsAllowed: currentHealthy - desiredHealthy, at least 0, and 0 while no pod is expected; the condition
  DisruptionAllowed says the same (SufficientPods / InsufficientPods).

The eviction API (kubesim/api/eviction.py) reads this status and spends disruptionsAllowed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kubesim.api.eviction import disruption_allowed, set_disruption_allowed
from kubesim.api.selectors import LabelSelector, SelectorError, label_selector_from_object
from kubesim.clock import parse_time
from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import api_path, controller_of, is_pod_ready
from kubesim.controllers.runtime import Controller
from kubesim.store.store import DELETED, Event, Key

PDBS, PODS = "policy/poddisruptionbudgets", "/pods"
DELETION_TIMEOUT_SECONDS = 120.0  # how long an approved eviction may take to show as a deletion

Obj = dict[str, Any]


class SyncFailed(Exception):
    """The budget cannot be computed; the message is the condition's."""


class DisruptionController(Controller):
    name = "disruption-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock = context.api, context.clock
        self.client, self.events = context.client(self.name), context.recorder("controllermanager")
        self.selectors: defaultdict[str, dict[str, LabelSelector]] = defaultdict(dict)  # namespace -> PDB -> selector
        self.labels: dict[tuple[str, str], dict[str, Any]] = {}  # a pod's labels, in namespaces with budgets
        self.pods_in: defaultdict[str, set[str]] = defaultdict(set)

    # -- the index -----------------------------------------------------------------------------------

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == PDBS:
            self._observe_budget(event)
            yield (PDBS, event.namespace, event.name)
        elif event.resource == PODS:
            yield from self._observe_pod(event)

    def _observe_budget(self, event: Event) -> None:
        budgets = self.selectors[event.namespace]
        budgets.pop(event.name, None)
        if event.type != DELETED:
            try:
                budgets[event.name] = label_selector_from_object((event.object.get("spec") or {}).get("selector"))
            except SelectorError:
                budgets[event.name] = LabelSelector(selects_nothing=True)
        if not budgets:
            del self.selectors[event.namespace]

    def _observe_pod(self, event: Event) -> Iterable[Key]:
        place = (event.namespace, event.name)
        before = self.labels.pop(place, None)
        if event.type == DELETED:
            self.pods_in[event.namespace].discard(event.name)
            after = None
        else:
            self.pods_in[event.namespace].add(event.name)
            after = self.labels[place] = event.object["metadata"].get("labels") or {}
        for budget, selector in self.selectors.get(event.namespace, {}).items():
            if (before is not None and selector.matches(before)) or (after is not None and selector.matches(after)):
                yield (PDBS, event.namespace, budget)

    # -- reconciling ---------------------------------------------------------------------------------

    async def reconcile(self, key: Key) -> float | None:
        budget = self.api.store.get(*key)
        if budget is None:
            return None
        try:
            status, recheck = self._status(budget)
        except SyncFailed as failure:
            message = f"Failed to calculate the number of expected pods: {failure}"
            self.events.warning(budget, "CalculateExpectedPodCountFailed", message)
            await self._write(budget, self._failed(budget, str(failure)))
            return None
        await self._write(budget, status)
        return recheck

    def _status(self, budget: Obj) -> tuple[Obj, float | None]:
        """The budget's new status, and the simulated seconds after which an approved eviction expires."""
        pods = self._pods_of(budget)
        if not pods:
            self.events.normal(budget, "NoPods", "No matching pods found")
        expected, desired, unmanaged = self._expected_and_desired(budget, pods)
        if unmanaged:
            self.events.warning(budget, "UnmanagedPods", _unmanaged_message(budget))
        disrupted, recheck = self._disrupted_pods(budget, pods)
        healthy = sum(
            1
            for pod in pods
            if not pod["metadata"].get("deletionTimestamp") and pod["metadata"]["name"] not in disrupted
            and is_pod_ready(pod)
        )  # fmt: skip
        allowed = max(0, healthy - desired) if expected > 0 else 0
        status: Obj = {
            "observedGeneration": budget["metadata"].get("generation", 1),
            "disruptionsAllowed": allowed,
            "currentHealthy": healthy,
            "desiredHealthy": desired,
            "expectedPods": expected,
        }
        if disrupted:
            status["disruptedPods"] = disrupted
        conditions = (budget.get("status") or {}).get("conditions") or []
        status["conditions"] = disruption_allowed(conditions, allowed, status["observedGeneration"])
        return status, recheck

    def _pods_of(self, budget: Obj) -> list[Obj]:
        namespace = budget["metadata"]["namespace"]
        selector = self.selectors.get(namespace, {}).get(budget["metadata"]["name"])
        if selector is None:
            return []
        pods = (self.api.store.get(PODS, namespace, name) for name in self.pods_in.get(namespace, ()))
        return [pod for pod in pods if pod is not None and selector.matches(pod["metadata"].get("labels"))]

    def _expected_and_desired(self, budget: Obj, pods: list[Obj]) -> tuple[int, int, list[str]]:
        spec = budget.get("spec") or {}
        if spec.get("maxUnavailable") is not None:
            expected, unmanaged = self._expected_scale(budget, pods)
            return expected, max(0, expected - scaled(spec["maxUnavailable"], expected)), unmanaged
        minimum = spec.get("minAvailable")
        if isinstance(minimum, int):
            return len(pods), minimum, []
        if minimum is not None:
            expected, unmanaged = self._expected_scale(budget, pods)
            return expected, scaled(minimum, expected), unmanaged
        return 0, 0, []

    def _expected_scale(self, budget: Obj, pods: list[Obj]) -> tuple[int, list[str]]:
        """The sum of the scales of the pods' controllers, and the pods that have none."""
        scales: dict[str, int] = {}
        unmanaged = []
        for pod in pods:
            reference = controller_of(pod)
            if reference is None:
                unmanaged.append(pod["metadata"]["name"])
                continue
            if reference.get("uid") in scales:
                continue
            found = self._controller_scale(reference, pod["metadata"]["namespace"])
            if found is None:
                raise SyncFailed(f'found no controllers for pod "{pod["metadata"]["name"]}"')
            scales[found[0]] = found[1]
        return sum(scales.values()), unmanaged

    def _controller_scale(self, reference: Obj, namespace: str) -> tuple[str, int] | None:
        """(uid, replicas) of the workload that controls the pod: a Deployment rather than its ReplicaSet."""
        group = str(reference.get("apiVersion", "")).rpartition("/")[0]
        kind = reference.get("kind")
        owner = self._owner(reference, namespace)
        if owner is None:
            return None
        if kind == "ReplicaSet" and group in ("apps", "extensions"):
            above = controller_of(owner)
            if above is not None and above.get("kind") == "Deployment":
                return self._controller_scale(above, namespace)
        elif kind not in ("ReplicationController", "StatefulSet", "Deployment"):
            resource = self.api.registry.for_api_version_kind(str(reference.get("apiVersion")), str(kind))
            if resource is not None and "scale" not in resource.subresources:
                qualified = f"{resource.plural}.{resource.group}" if resource.group else resource.plural
                raise SyncFailed(f"{qualified} does not implement the scale subresource")
        replicas = (owner.get("spec") or {}).get("replicas")
        return owner["metadata"]["uid"], replicas if isinstance(replicas, int) else 1

    def _owner(self, reference: Obj, namespace: str) -> Obj | None:
        resource = self.api.registry.for_api_version_kind(str(reference.get("apiVersion")), str(reference.get("kind")))
        if resource is None:
            return None
        owner = self.api.store.get(f"{resource.group}/{resource.plural}", namespace, str(reference.get("name")))
        return owner if owner is not None and owner["metadata"].get("uid") == reference.get("uid") else None

    def _disrupted_pods(self, budget: Obj, pods: list[Obj]) -> tuple[dict[str, str], float | None]:
        """The approved evictions still expected to show up, and when the next of them expires."""
        approved = (budget.get("status") or {}).get("disruptedPods") or {}
        kept: dict[str, str] = {}
        recheck = None
        for pod in pods:
            name = pod["metadata"]["name"]
            if pod["metadata"].get("deletionTimestamp") or name not in approved:
                continue
            left = DELETION_TIMEOUT_SECONDS - self.clock.since(approved[name])
            if left < 0 or parse_time(approved[name]) is None:
                namespace = budget["metadata"]["namespace"]
                # The real message names the namespace twice.
                self.events.warning(
                    pod, "NotDeleted", f"Pod was expected by PDB {namespace}/{namespace} to be deleted but it wasn't"
                )
            else:
                kept[name] = approved[name]
                recheck = left if recheck is None else min(recheck, left)
        return kept, recheck

    def _failed(self, budget: Obj, message: str) -> Obj:
        status = dict(budget.get("status") or {})
        status["disruptionsAllowed"] = 0
        observed = status.get("observedGeneration", 0)
        status["conditions"] = set_disruption_allowed(
            status.get("conditions") or [], "False", "SyncFailed", message, observed
        )
        return status

    async def _write(self, budget: Obj, status: Obj) -> None:
        if budget.get("status") == status:
            return
        metadata = budget["metadata"]
        path = api_path("policy", "v1", "poddisruptionbudgets", metadata["namespace"], metadata["name"])
        try:
            await self.client.put(path + "/status", {**budget, "status": status})
        except ApiRequestFailed as error:
            if error.status != 404:
                raise


def scaled(value: Any, total: int) -> int:
    """intstr.GetScaledValueFromIntOrPercent, rounding up: 2 is 2, "50%" of 3 is 2."""
    if isinstance(value, int):
        return value
    text = str(value)
    if not text.endswith("%") or not text[:-1].isdigit():
        raise SyncFailed("invalid value for IntOrString: invalid type: string is not a percentage")
    return math.ceil(int(text[:-1]) * total / 100)


def _unmanaged_message(budget: Obj) -> str:
    selector = (budget.get("spec") or {}).get("selector") or {}
    labels = "".join(f"{key}: {value}," for key, value in sorted((selector.get("matchLabels") or {}).items()))
    expressions = "".join(
        f"LabelSelectorRequirement{{Key:{e.get('key')},Operator:{e.get('operator')},"
        f"Values:[{' '.join(str(v) for v in e.get('values') or [])}],}},"
        for e in selector.get("matchExpressions") or []
    )
    printed = (
        f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},"
        f"MatchExpressions:[]LabelSelectorRequirement{{{expressions}}},}}"
    )
    return (
        f"Pods selected by this PodDisruptionBudget (selector: {printed}) were found to be unmanaged. As a result, "
        "the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account "
        'for these pods please set ".spec.minAvailable" field of the PDB to an integer value.'
    )

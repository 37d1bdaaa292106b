"""Small facts about API objects that several controllers need: ownership, pod readiness, conditions, hashes."""

from __future__ import annotations

import copy
import hashlib
import json
from collections import defaultdict
from typing import Any

from kubesim.api import meta
from kubesim.api.validation import QuantityError, quantity_from_json
from kubesim.clock import Clock

Obj = dict[str, Any]
_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # client-go's rand.SafeEncodeString: no vowels, no look-alikes


class OwnerIndex:
    """Which objects each owner controls, by the owner's uid: an informer's index, kept from events."""

    def __init__(self) -> None:
        self._owned: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)
        self._owner_of: dict[tuple[str, str], str] = {}

    def forget(self, place: tuple[str, str]) -> None:
        """The object at (namespace, name) belongs to no owner any more (or is gone)."""
        previous = self._owner_of.pop(place, None)
        if previous is not None:
            self._owned[previous].discard(place)
            if not self._owned[previous]:
                del self._owned[previous]

    def add(self, place: tuple[str, str], owner_uid: str) -> None:
        self.forget(place)
        self._owner_of[place] = owner_uid
        self._owned[owner_uid].add(place)

    def owned_by(self, owner_uid: str) -> list[tuple[str, str]]:
        return list(self._owned.get(owner_uid, ()))


def controller_of(obj: Obj) -> Obj | None:
    """The ownerReference marked controller: true, if any."""
    references = obj.get("metadata", {}).get("ownerReferences") or []
    return next((ref for ref in references if isinstance(ref, dict) and ref.get("controller")), None)


def controller_reference(owner: Obj) -> Obj:
    """The ownerReference an owner puts on what it creates (it controls it, and blocks its foreground deletion)."""
    metadata = owner["metadata"]
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": metadata["name"],
        "uid": metadata["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


REPLICA_FAILURE = "ReplicaFailure"  # a ReplicaSet (and its Deployment) cannot create its pods


def condition(obj: Obj, kind: str) -> Obj | None:
    conditions = (obj.get("status") or {}).get("conditions") or []
    return next((c for c in conditions if isinstance(c, dict) and c.get("type") == kind), None)


def with_condition(
    conditions: list[Obj], kind: str, status: str, reason: str = "", message: str = "", **times: str
) -> list[Obj]:
    """conditions with `kind` set; its lastTransitionTime moves only when its status does.

    `times` names the timestamp fields the kind carries besides lastTransitionTime (lastUpdateTime for
    Deployments, lastProbeTime for Jobs), each set to now."""
    now = meta.now()
    previous = next((c for c in conditions if c.get("type") == kind), None)
    entry: Obj = {"type": kind, "status": status}
    for field in times:
        entry[field] = times[field] or now
    entry["lastTransitionTime"] = (
        previous["lastTransitionTime"]
        if previous is not None and previous.get("status") == status and previous.get("lastTransitionTime")
        else now
    )
    if reason:
        entry["reason"] = reason
    if message:
        entry["message"] = message
    return [c for c in conditions if c.get("type") != kind] + [entry]


def is_terminating(obj: Obj) -> bool:
    return bool(obj.get("metadata", {}).get("deletionTimestamp"))


def is_pod_active(pod: Obj) -> bool:
    """Counted by its controller: not being deleted, and not finished."""
    return not is_terminating(pod) and (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")


def is_pod_ready(pod: Obj) -> bool:
    ready = condition(pod, "Ready")
    return ready is not None and ready.get("status") == "True"


def is_pod_available(pod: Obj, min_ready_seconds: int, clock: Clock) -> bool:
    """Ready for at least minReadySeconds (simulated)."""
    if not is_pod_ready(pod):
        return False
    if min_ready_seconds <= 0:
        return True
    ready = condition(pod, "Ready") or {}
    return clock.since(ready.get("lastTransitionTime")) >= min_ready_seconds


def seconds_until_available(pod: Obj, min_ready_seconds: int, clock: Clock) -> float | None:
    """Simulated seconds until a ready pod counts as available, or None when it is not ready or already is."""
    if not is_pod_ready(pod) or min_ready_seconds <= 0:
        return None
    ready = condition(pod, "Ready") or {}
    left = min_ready_seconds - clock.since(ready.get("lastTransitionTime"))
    return left if left > 0 else None


def template_hash(template: Obj, collision_count: int = 0) -> str:
    """A short, stable, DNS-safe hash of a pod template, like the pod-template-hash label and revision names."""
    text = json.dumps(template, sort_keys=True, separators=(",", ":")) + (
        str(collision_count) if collision_count else ""
    )
    value = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4])
    return "".join(_SAFE_ALPHABET[ord(digit) % len(_SAFE_ALPHABET)] for digit in str(value))


def amount(quantity: Any) -> float:
    """A resource quantity ("250m", "64Mi", 2) as a number of base units (cores, bytes); 0 when unreadable."""
    try:
        return float(quantity_from_json(quantity).value)
    except (QuantityError, TypeError, ValueError):
        return 0.0


def api_path(group: str, version: str, plural: str, namespace: str, name: str = "") -> str:
    """The URL of a collection or (with name) an object."""
    prefix = f"/apis/{group}/{version}" if group else f"/api/{version}"
    place = f"/namespaces/{namespace}" if namespace else ""
    return f"{prefix}{place}/{plural}" + (f"/{name}" if name else "")


def pod_path(pod: Obj) -> str:
    return api_path("", "v1", "pods", pod["metadata"]["namespace"], pod["metadata"]["name"])


def pod_from_template(template: Obj, owner: Obj) -> Obj:
    """A new pod as controller.GetPodFromTemplate makes it: generateName `<owner>-`, controlled by the owner.

    It takes the template's labels, annotations, finalizers and spec; callers add what their kind adds."""
    template_metadata = template.get("metadata") or {}
    metadata: Obj = {"generateName": owner["metadata"]["name"] + "-"}
    for field in ("labels", "annotations", "finalizers"):
        if template_metadata.get(field):
            metadata[field] = copy.deepcopy(template_metadata[field])
    metadata["ownerReferences"] = [controller_reference(owner)]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": copy.deepcopy(template.get("spec") or {})}


def tolerates(toleration: Obj, taint: Obj) -> bool:
    """Toleration.ToleratesTaint: an empty key or effect matches any; operator Exists ignores the value."""
    if toleration.get("effect") and toleration.get("effect") != taint.get("effect"):
        return False
    if toleration.get("key") and toleration.get("key") != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    return operator == "Equal" and (toleration.get("value") or "") == (taint.get("value") or "")


def untolerated_taint(taints: Any, tolerations: Any, effects: tuple[str, ...]) -> Obj | None:
    """The first of the node's taints with one of `effects` that no toleration tolerates, if any."""
    kept = [toleration for toleration in tolerations or [] if isinstance(toleration, dict)]
    return next(
        (
            taint
            for taint in taints or []
            if isinstance(taint, dict)
            and taint.get("effect") in effects
            and not any(tolerates(toleration, taint) for toleration in kept)
        ),
        None,
    )


def fits_node_selection(pod_spec: Obj, node: Obj) -> bool:
    """The node has the pod's nodeSelector labels and meets its required node affinity (one term suffices)."""
    labels = (node.get("metadata") or {}).get("labels") or {}
    selector = pod_spec.get("nodeSelector") or {}
    if any(labels.get(name) != value for name, value in selector.items()):
        return False
    affinity = ((pod_spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    )
    if not isinstance(affinity, dict):
        return True
    fields = {"metadata.name": (node.get("metadata") or {}).get("name", "")}
    return any(_term_holds(term, labels, fields) for term in affinity.get("nodeSelectorTerms") or [])


def _term_holds(term: Any, labels: dict[str, str], fields: dict[str, str]) -> bool:
    """A node selector term: all its label expressions and field requirements hold; an empty term holds nowhere."""
    if not isinstance(term, dict):
        return False
    expressions = term.get("matchExpressions") or []
    field_requirements = term.get("matchFields") or []
    if not expressions and not field_requirements:
        return False
    return all(_requirement_holds(requirement, labels) for requirement in expressions) and all(
        _requirement_holds(requirement, fields) for requirement in field_requirements
    )


def _requirement_holds(requirement: Any, values: dict[str, str]) -> bool:
    if not isinstance(requirement, dict):
        return False
    key, operator = requirement.get("key", ""), requirement.get("operator")
    wanted = [str(value) for value in requirement.get("values") or []]
    present = key in values
    if operator == "In":
        return present and values[key] in wanted
    if operator == "NotIn":
        return not present or values[key] not in wanted
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    if operator in ("Gt", "Lt") and present and len(wanted) == 1:
        try:
            have, bound = int(values[key]), int(wanted[0])
        except ValueError:
            return False
        return have > bound if operator == "Gt" else have < bound
    return False

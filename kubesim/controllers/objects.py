"""Small facts about API objects that several controllers need: ownership, pod readiness, conditions, hashes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from kubesim.api import meta
from kubesim.clock import Clock

Obj = dict[str, Any]
_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # client-go's rand.SafeEncodeString: no vowels, no look-alikes


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


def api_path(group: str, version: str, plural: str, namespace: str, name: str = "") -> str:
    """The URL of a collection or (with name) an object."""
    prefix = f"/apis/{group}/{version}" if group else f"/api/{version}"
    place = f"/namespaces/{namespace}" if namespace else ""
    return f"{prefix}{place}/{plural}" + (f"/{name}" if name else "")


def pod_path(pod: Obj) -> str:
    return api_path("", "v1", "pods", pod["metadata"]["namespace"], pod["metadata"]["name"])

"""The binding of a pod to a node: POST pods/NAME/binding (or the older POST bindings), as the scheduler sends it.

Like the API server's BindingREST, a binding sets `spec.nodeName` once and only once: a pod that already has a
node, is being deleted or still has scheduling gates is a 409 Conflict on pods/binding. The binding's
annotations are copied onto the pod, the pod's PodScheduled condition turns True, and the answer is a
`Status` of Success with code 201. A binding's metadata.uid and resourceVersion, when given, are preconditions
on the pod.
"""

from __future__ import annotations

from typing import Any

from kubesim.api import meta
from kubesim.api.errors import ApiError, bad_request, not_found
from kubesim.api.goformat import go_quote
from kubesim.store.store import Store

PODS = "/pods"


def is_binding(group: str, plural: str, subresource: str | None) -> bool:
    """Whether a request's target is a binding: the pods/binding subresource or the core `bindings` resource."""
    return group == "" and ((plural == "pods" and subresource == "binding") or plural == "bindings")


def bind(store: Store, binding: dict[str, Any], namespace: str, url_name: str | None, dry_run: bool) -> dict[str, Any]:
    """Assign the pod the binding names to the binding's target node; the Status to answer with."""
    metadata = binding.get("metadata") or {}
    name = str(metadata.get("name") or "")
    if url_name is not None and url_name != name:
        raise bad_request("name in URL does not match name in Binding object")
    body_namespace = metadata.get("namespace")
    if body_namespace and body_namespace != namespace:
        raise bad_request("the namespace of the provided object does not match the namespace sent on the request")
    target = binding.get("target") or {}
    _validate_target(target)
    pod = store.get(PODS, namespace, name)
    if pod is None:
        raise not_found("pods", name)
    _check_preconditions(pod, metadata)
    refusal = _refusal(pod)
    if refusal:
        raise ApiError(
            409,
            "Conflict",
            f"Operation cannot be fulfilled on pods/binding {go_quote(name)}: {refusal}",
            {"name": name, "kind": "pods/binding"},
        )
    if not dry_run:
        store.update(PODS, namespace, name, _bound(pod, str(target["name"]), metadata.get("annotations") or {}))
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}


def _validate_target(target: dict[str, Any]) -> None:
    """ValidatePodBinding; its errors reach the client as an unclassified 500, as on the real server."""
    errors = []
    kind = target.get("kind") or ""
    if kind and kind != "Node":
        errors.append(f'target.kind: Unsupported value: {go_quote(str(kind))}: supported values: "Node", "<empty>"')
    if not target.get("name"):
        errors.append("target.name: Required value")
    if errors:
        raise ApiError(500, "", errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]")


def _check_preconditions(pod: dict[str, Any], binding_metadata: dict[str, Any]) -> None:
    name = pod["metadata"]["name"]
    for field, label in (("uid", "UID"), ("resourceVersion", "ResourceVersion")):
        wanted, actual = binding_metadata.get(field), pod["metadata"].get(field)
        if wanted and wanted != actual:
            message = (
                f"Operation cannot be fulfilled on pods {go_quote(name)}: Precondition failed: "
                f"{label} in precondition: {wanted}, {label} in object meta: {actual}"
            )
            raise ApiError(409, "Conflict", message, {"name": name, "kind": "pods"})


def _refusal(pod: dict[str, Any]) -> str:
    """Why the pod cannot be bound, in the registry's words, or ""."""
    name = pod["metadata"]["name"]
    spec = pod.get("spec") or {}
    if pod["metadata"].get("deletionTimestamp"):
        return f"pod {name} is being deleted, cannot be assigned to a host"
    if spec.get("nodeName"):
        return f"pod {name} is already assigned to node {go_quote(spec['nodeName'])}"
    if spec.get("schedulingGates"):
        return f"pod {name} has non-empty .spec.schedulingGates"
    return ""


def _bound(pod: dict[str, Any], node: str, annotations: dict[str, Any]) -> dict[str, Any]:
    """The pod with its node; copied shallowly, as a scheduler binds thousands of pods and nested parts stay."""
    metadata = dict(pod["metadata"])
    if annotations:
        metadata["annotations"] = {**(metadata.get("annotations") or {}), **annotations}
    status = dict(pod.get("status") or {})
    status.pop("nominatedNodeName", None)  # the nomination has served its purpose once the pod is bound
    status["conditions"] = _scheduled(status.get("conditions") or [])
    return {**pod, "metadata": metadata, "spec": {**pod["spec"], "nodeName": node}, "status": status}


def _scheduled(conditions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """podutil.UpdatePodCondition with PodScheduled=True: the transition time moves only if the status does."""
    previous = next((c for c in conditions if c.get("type") == "PodScheduled"), None)
    since = (
        previous["lastTransitionTime"]
        if previous is not None and previous.get("status") == "True" and previous.get("lastTransitionTime")
        else meta.now()
    )
    scheduled = {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": since}
    if previous is None:
        return [*conditions, scheduled]
    return [scheduled if c is previous else c for c in conditions]

"""The pods/eviction subresource: a deletion that respects PodDisruptionBudgets (what `kubectl drain` uses).

POST /api/v1/namespaces/NS/pods/NAME/eviction with a policy/v1 Eviction, as the API server's EvictionREST:

- A pod that is already finished, pending or being deleted goes without looking at budgets.
- Otherwise the one PodDisruptionBudget selecting the pod decides (more than one: 500, unsupported). A budget
  whose status is older than its spec answers 429 ("still being processed", retry after 10 s); one that allows
  no disruption answers 429 "Cannot evict pod as it would violate the pod's disruption budget.", with a cause
  saying how many healthy pods it needs and has. Else disruptionsAllowed goes down by one and the pod is
  noted in status.disruptedPods, so that the disruption controller does not count it while it goes.
- A pod that is not ready does not spend the budget when the budget is already met (unhealthyPodEvictionPolicy
  IfHealthyBudget, the default) or whatever it says (AlwaysAllow).
- The pod gets the condition DisruptionTarget (EvictionByEvictionAPI), then is deleted with the Eviction's
  deleteOptions: gracefully, like any DELETE.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kubesim.api import meta
from kubesim.api.errors import ApiError, bad_request, conflict, not_found
from kubesim.api.selectors import SelectorError, label_selector_from_object
from kubesim.server.http import Request, Response
from kubesim.store.store import Store

if TYPE_CHECKING:
    from kubesim.api.handlers import Target

PODS, PDBS = "/pods", "policy/poddisruptionbudgets"
MAX_DISRUPTED_PODS = 2000  # approved evictions the disruption controller has not confirmed yet
VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget."

Obj = dict[str, Any]
Delete = Callable[[Request, "Target"], Response]


def evict(store: Store, request: Request, eviction: Obj, pod_target: Target, delete: Delete) -> Response:
    """Evict the pod `pod_target` names; `delete` is the API's DELETE of a pod."""
    name, namespace = pod_target.name or "", pod_target.namespace or ""
    if (eviction.get("metadata") or {}).get("name") != name:
        raise bad_request("name in URL does not match name in Eviction object")
    options = _delete_options(request, eviction)
    pod = store.get(PODS, namespace, name)
    if pod is None:
        raise not_found("pods", name)
    if not _can_ignore_budgets(pod):
        budgets = _budgets_of(store, pod)
        if len(budgets) > 1:
            message = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
            return _status(500, "Failure", message)
        if budgets and _spends_budget(pod, budgets[0]):
            _check_and_decrement(store, budgets[0], name, dry_run="All" in options.get("dryRun", []))
    _mark_disruption_target(store, pod, options)
    body = json.dumps(options).encode()
    delete(Request("DELETE", request.target.rpartition("/eviction")[0], request.headers, body), pod_target)
    return _status(201, "Success")


def _delete_options(request: Request, eviction: Obj) -> Obj:
    """The Eviction's deleteOptions, with the request's dryRun (they must agree when both are given)."""
    options = copy.deepcopy(eviction.get("deleteOptions") or {})
    requested = ["All"] if request.arg("dryRun") == "All" else []
    given = options.get("dryRun") or []
    if requested and given and requested != given:
        raise bad_request(f"Non-matching dry-run options in request and content: {requested} and {given}")
    options["dryRun"] = given or requested
    if not options["dryRun"]:
        del options["dryRun"]
    return options


def _can_ignore_budgets(pod: Obj) -> bool:
    """A finished, pending or already terminating pod causes no disruption by leaving."""
    phase = (pod.get("status") or {}).get("phase") or "Pending"
    return phase in ("Succeeded", "Failed", "Pending") or bool(pod["metadata"].get("deletionTimestamp"))


def _budgets_of(store: Store, pod: Obj) -> list[Obj]:
    labels = pod["metadata"].get("labels") or {}
    found = []
    for budget in store.list(PDBS, pod["metadata"]["namespace"]):
        try:
            selector = label_selector_from_object((budget.get("spec") or {}).get("selector"))
        except SelectorError:
            continue
        if not selector.empty and selector.matches(labels):  # an empty selector protects nothing here
            found.append(budget)
    return found


def _spends_budget(pod: Obj, budget: Obj) -> bool:
    """Whether evicting the pod must take one of the budget's allowed disruptions."""
    if _is_ready(pod):
        return True
    if (budget.get("spec") or {}).get("unhealthyPodEvictionPolicy") == "AlwaysAllow":
        return False
    status = budget.get("status") or {}
    desired = int(status.get("desiredHealthy") or 0)
    return not (int(status.get("currentHealthy") or 0) >= desired > 0)


def _check_and_decrement(store: Store, budget: Obj, pod_name: str, dry_run: bool) -> None:
    metadata, status = budget["metadata"], budget.get("status") or {}
    name = metadata["name"]
    if int(status.get("observedGeneration") or 0) < int(metadata.get("generation") or 1):
        raise TooManyRequests(f"The disruption budget {name} is still being processed by the server.", 10)
    allowed = int(status.get("disruptionsAllowed") or 0)
    if allowed < 0:
        raise _forbidden(name, "pdb disruptions allowed is negative")
    if len(status.get("disruptedPods") or {}) > MAX_DISRUPTED_PODS:
        raise _forbidden(name, "DisruptedPods map too big - too many evictions not confirmed by PDB controller")
    if allowed == 0:
        desired, healthy = status.get("desiredHealthy", 0), status.get("currentHealthy", 0)
        raise TooManyRequests(f"The disruption budget {name} needs {desired} healthy pods and has {healthy} currently")
    if dry_run:
        return
    spent = copy.deepcopy(budget)
    spent["status"]["disruptionsAllowed"] = allowed - 1
    spent["status"]["disruptedPods"] = {**(status.get("disruptedPods") or {}), pod_name: meta.now()}
    if allowed == 1:
        conditions = status.get("conditions") or []
        spent["status"]["conditions"] = disruption_allowed(conditions, 0, int(status.get("observedGeneration") or 0))
    store.update(PDBS, metadata["namespace"], name, spent)


def disruption_allowed(conditions: list[Obj], allowed: int, generation: int) -> list[Obj]:
    """The conditions with DisruptionAllowed as disruptionsAllowed says (UpdateDisruptionAllowedCondition)."""
    if allowed > 0:
        return set_disruption_allowed(conditions, "True", "SufficientPods", "", generation)
    return set_disruption_allowed(conditions, "False", "InsufficientPods", "", generation)


def set_disruption_allowed(conditions: list[Obj], status: str, reason: str, message: str, generation: int) -> list[Obj]:
    """meta.SetStatusCondition for DisruptionAllowed: its transition time moves only with its status."""
    previous = next((c for c in conditions if c.get("type") == "DisruptionAllowed"), None)
    moved = previous is None or previous.get("status") != status
    entry = {
        "type": "DisruptionAllowed",
        "status": status,
        "observedGeneration": generation,
        "lastTransitionTime": meta.now() if previous is None or moved else previous.get("lastTransitionTime"),
        "reason": reason,
        "message": message,
    }
    return [entry if c is previous else c for c in conditions] if previous is not None else [*conditions, entry]


def _mark_disruption_target(store: Store, pod: Obj, options: Obj) -> None:
    """The pod says why it goes; the deletion's resourceVersion precondition then follows the update."""
    metadata = pod["metadata"]
    preconditions = options.get("preconditions") or {}
    for field in ("uid", "resourceVersion"):
        if preconditions.get(field) and preconditions[field] != metadata.get(field):
            raise conflict("pods", metadata["name"])
    if "All" in options.get("dryRun", []):
        return
    marked = copy.deepcopy(pod)
    conditions = [
        c for c in (marked.setdefault("status", {}).get("conditions") or []) if c.get("type") != "DisruptionTarget"
    ]
    conditions.append(
        {
            "type": "DisruptionTarget",
            "status": "True",
            "lastProbeTime": None,
            "lastTransitionTime": meta.now(),
            "reason": "EvictionByEvictionAPI",
            "message": "Eviction API: evicting",
        }
    )
    marked["status"]["conditions"] = conditions
    stored = store.update(PODS, metadata["namespace"], metadata["name"], marked)
    if preconditions.get("resourceVersion"):
        preconditions["resourceVersion"] = stored["metadata"]["resourceVersion"]


def _is_ready(pod: Obj) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions if isinstance(c, dict))


class TooManyRequests(ApiError):
    """429 with the budget's cause; the server asks to retry after `retry_after` seconds when it can say."""

    def __init__(self, cause: str, retry_after: int = 0) -> None:
        details: Obj = {"causes": [{"reason": "DisruptionBudget", "message": cause}]}
        if retry_after:
            details["retryAfterSeconds"] = retry_after
        super().__init__(429, "TooManyRequests", VIOLATION, details)


def _forbidden(budget: str, why: str) -> ApiError:
    details = {"name": budget, "group": "policy", "kind": "poddisruptionbudget"}
    return ApiError(403, "Forbidden", f'poddisruptionbudget.policy "{budget}" is forbidden: {why}', details)


def _status(code: int, outcome: str, message: str = "") -> Response:
    status: Obj = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": outcome}
    if message:
        status["message"] = message
    status["code"] = code
    return Response(code, json.dumps(status, separators=(",", ":")).encode())

"""How much of a ResourceQuota an object uses, as kube-apiserver's quota evaluators measure it.

The ResourceQuota admission plugin (kubesim/api/admission.py) charges a new object's usage against every
quota of its namespace that matches it; the resourcequota controller (kubesim/controllers/resourcequota.py)
adds up the usage of everything stored to keep `status.used` current. Both measure with this module:

* pods: `pods` and the compute resources (`requests.cpu`, `cpu`, `limits.memory`, ...) of pods that are
  not finished, `count/pods` of every stored pod; quota scopes (BestEffort, NotBestEffort, Terminating,
  NotTerminating, PriorityClass) choose which pods a quota counts;
* services: `services`, `services.loadbalancers`, `services.nodeports`;
* persistent volume claims: `persistentvolumeclaims`, `requests.storage` and the same per storage class
  (`<class>.storageclass.storage.k8s.io/requests.storage`);
* any resource: `count/<resource>.<group>` (`count/deployments.apps`), and the legacy names `configmaps`,
  `secrets`, `replicationcontrollers`, `resourcequotas`.

Quantities add up as Go's resource.Quantity does: a sum takes the notation of its first non-zero term, so
two pods of `256Mi` use `512Mi`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from kubesim.api.validation import DECIMAL_SI, Quantity, QuantityError, canonical_quantity, quantity_from_json

Obj = dict[str, Any]
ResourceList = dict[str, Quantity]

PODS, SERVICES, CLAIMS = "/pods", "/services", "/persistentvolumeclaims"
STORAGE_CLASS_SUFFIX = ".storageclass.storage.k8s.io/"
ZERO = Quantity(Decimal(0), DECIMAL_SI)
ONE = Quantity(Decimal(1), DECIMAL_SI)

# Quota names older than count/<resource>, each counting every object of its resource.
_LEGACY_COUNTS = {
    "/configmaps": "configmaps",
    "/secrets": "secrets",
    "/replicationcontrollers": "replicationcontrollers",
    "/resourcequotas": "resourcequotas",
}
_POD_RESOURCES = frozenset({
    "count/pods", "pods", "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
})  # fmt: skip
_SERVICE_RESOURCES = frozenset({"count/services", "services", "services.loadbalancers", "services.nodeports"})
_CLAIM_RESOURCES = frozenset({"count/persistentvolumeclaims", "persistentvolumeclaims", "requests.storage"})
# A quota on these makes every container say how much it wants of them (an old mistake Kubernetes keeps).
_MUST_SPECIFY = frozenset({"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"})
_COMPUTE = ("cpu", "memory", "ephemeral-storage")


# --- resource lists --------------------------------------------------------------------------------------


def quantity(value: Any) -> Quantity | None:
    try:
        return quantity_from_json(value)
    except QuantityError:
        return None


def parse(values: Any) -> ResourceList:
    """A resource list from JSON, leaving out what does not read as a quantity."""
    parsed: ResourceList = {}
    for name, value in (values or {}).items() if isinstance(values, dict) else ():
        amount = quantity(value)
        if amount is not None:
            parsed[str(name)] = amount
    return parsed


def plus(first: Quantity, second: Quantity) -> Quantity:
    """Quantity.Add: the sum keeps the first term's notation unless that term is zero."""
    notation = second.format if first.value == 0 else first.format
    return Quantity(first.value + second.value, notation)


def add(first: ResourceList, second: ResourceList) -> ResourceList:
    total = dict(first)
    for name, amount in second.items():
        total[name] = plus(total[name], amount) if name in total else amount
    return total


def mask(resources: ResourceList, names: Iterable[str]) -> ResourceList:
    kept = set(names)
    return {name: amount for name, amount in resources.items() if name in kept}


def as_json(resources: ResourceList) -> dict[str, str]:
    return {name: canonical_quantity(resources[name]) for name in sorted(resources)}


def pretty(resources: ResourceList) -> str:
    """name=quantity pairs sorted by name, as quota errors print them."""
    return ",".join(f"{name}={canonical_quantity(resources[name])}" for name in sorted(resources))


# --- which quota resources an object's kind is measured in ----------------------------------------------


def count_name(resource_key: str) -> str:
    """count/<plural>.<group> (count/<plural> for the core group) of a store key such as "apps/deployments"."""
    group, _, plural = resource_key.partition("/")
    return f"count/{plural}.{group}" if group else f"count/{plural}"


def resource_key_of_count(name: str) -> str | None:
    """The store key a count/<plural>.<group> quota resource counts, or None when it names no count."""
    if not name.startswith("count/"):
        return None
    plural, _, group = name.removeprefix("count/").partition(".")
    return f"{group}/{plural}"


def matching_resources(resource_key: str, names: Iterable[str]) -> list[str]:
    """The quota resources among `names` that objects of `resource_key` use (MatchingResources)."""
    return sorted(name for name in names if _measures(resource_key, name))


def measured_resource_keys(names: Iterable[str]) -> set[str]:
    """The store keys of the objects that use any of the quota resources `names`."""
    keys = set()
    for name in names:
        counted = resource_key_of_count(name)
        if counted is not None:
            keys.add(counted)
        keys.update(key for key in (PODS, SERVICES, CLAIMS, *_LEGACY_COUNTS) if _measures(key, name))
    return keys


def _measures(resource_key: str, name: str) -> bool:
    if name == count_name(resource_key) or _LEGACY_COUNTS.get(resource_key) == name:
        return True
    if resource_key == PODS:
        return name in _POD_RESOURCES or name.startswith(("hugepages-", "requests.hugepages-")) or _extended(name)
    if resource_key == SERVICES:
        return name in _SERVICE_RESOURCES
    if resource_key == CLAIMS:
        return name in _CLAIM_RESOURCES or (
            STORAGE_CLASS_SUFFIX in name and name.endswith(("/requests.storage", "/persistentvolumeclaims"))
        )
    return False


def _extended(name: str) -> bool:
    """requests.<extended resource>: extended resources are quota'd by their requests only."""
    resource = name.removeprefix("requests.")
    return name.startswith("requests.") and "/" in resource and "kubernetes.io/" not in resource


def quota_scopes(quota: Obj) -> list[Obj]:
    """The quota's scopes and scope selector as one list of scope requirements."""
    spec = quota.get("spec") or {}
    scopes = [{"scopeName": scope, "operator": "Exists"} for scope in spec.get("scopes") or []]
    selector = spec.get("scopeSelector") or {}
    return scopes + [dict(expression) for expression in selector.get("matchExpressions") or []]


def in_scope(resource_key: str, obj: Obj, scopes: list[Obj]) -> bool:
    """Whether an object falls in all of a quota's scopes; only pods have scopes, so any scope leaves others out."""
    if not scopes:
        return True
    return resource_key == PODS and all(_pod_in_scope(obj, scope) for scope in scopes)


def _pod_in_scope(pod: Obj, scope: Obj) -> bool:
    name = scope.get("scopeName")
    spec = pod.get("spec") or {}
    if name in ("Terminating", "NotTerminating"):
        terminating = isinstance(spec.get("activeDeadlineSeconds"), int) and spec["activeDeadlineSeconds"] >= 0
        return terminating == (name == "Terminating")
    if name in ("BestEffort", "NotBestEffort"):
        return is_best_effort(pod) == (name == "BestEffort")
    if name == "PriorityClass":
        return _matches_priority_class(str(spec.get("priorityClassName") or ""), scope)
    return False


def _matches_priority_class(class_name: str, scope: Obj) -> bool:
    operator, values = scope.get("operator"), [str(value) for value in scope.get("values") or []]
    if operator == "Exists":
        return bool(class_name)
    if operator == "DoesNotExist":
        return not class_name
    if operator == "In":
        return class_name in values
    if operator == "NotIn":
        return class_name not in values
    return False


def is_best_effort(pod: Obj) -> bool:
    """No container asks for or is limited in cpu or memory."""
    return not any(
        name in ("cpu", "memory")
        for container in _containers(pod)
        for section in ("requests", "limits")
        for name in ((container.get("resources") or {}).get(section) or {})
    )


# --- usage -----------------------------------------------------------------------------------------------


def usage(
    resource_key: str,
    obj: Obj,
    finished: Callable[[Obj], bool] = lambda pod: False,
    compute: Callable[[Obj], ResourceList] | None = None,
) -> ResourceList:
    """What the object uses of every quota resource it is measured in.

    `finished` tells pods stuck terminating, no longer charged; `compute` measures a pod's compute resources
    (pod_compute_usage, or a cache of it)."""
    used: ResourceList = {count_name(resource_key): ONE}
    if resource_key in _LEGACY_COUNTS:
        used[_LEGACY_COUNTS[resource_key]] = ONE
    if resource_key == PODS and not finished(obj) and not pod_is_terminal(obj):
        used = add(used, (compute or pod_compute_usage)(obj))
    elif resource_key == SERVICES:
        used = add(used, _service_usage(obj))
    elif resource_key == CLAIMS:
        used = add(used, _claim_usage(obj))
    return used


def pod_is_terminal(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def pod_compute_usage(pod: Obj) -> ResourceList:
    """`pods` and what the pod asks for and is limited to (podComputeUsageHelper of its requests and limits)."""
    return _compute_usage(pod_resources(pod, "requests"), pod_resources(pod, "limits"))


def _compute_usage(requests: ResourceList, limits: ResourceList) -> ResourceList:
    used: ResourceList = {"pods": ONE}
    for name in _COMPUTE:
        if name in requests:
            used[name] = used[f"requests.{name}"] = requests[name]
        if name in limits:
            used[f"limits.{name}"] = limits[name]
    for name, amount in requests.items():
        if name.startswith("hugepages-"):
            used[name] = used[f"requests.{name}"] = amount
        elif "/" in name and "kubernetes.io/" not in name:
            used[f"requests.{name}"] = amount
    return used


def pod_resources(pod: Obj, section: str) -> ResourceList:
    """PodRequests or PodLimits: the containers' sum, at least any init container's, with sidecars and overhead."""
    spec = pod.get("spec") or {}
    total: ResourceList = {}
    for container in spec.get("containers") or []:
        total = add(total, _container_resources(container, section))
    sidecars: ResourceList = {}
    init_peak: ResourceList = {}
    for container in spec.get("initContainers") or []:
        own = _container_resources(container, section)
        if container.get("restartPolicy") == "Always":
            total, sidecars = add(total, own), add(sidecars, own)
            running = sidecars
        else:
            running = add(own, sidecars)
        init_peak = _maximum(init_peak, running)
    total = _maximum(total, init_peak)
    if section == "requests":
        total = add(total, parse(spec.get("overhead")))
    return total


def _maximum(first: ResourceList, second: ResourceList) -> ResourceList:
    larger = dict(first)
    for name, amount in second.items():
        if name not in larger or amount.value > larger[name].value:
            larger[name] = amount
    return larger


def _container_resources(container: Obj, section: str) -> ResourceList:
    return parse((container.get("resources") or {}).get(section))


def _containers(pod: Obj) -> Iterable[Obj]:
    spec = pod.get("spec") or {}
    for list_name in ("initContainers", "containers"):
        yield from (container for container in spec.get(list_name) or [] if isinstance(container, dict))


def _service_usage(service: Obj) -> ResourceList:
    spec = service.get("spec") or {}
    ports = [port for port in spec.get("ports") or [] if isinstance(port, dict)]
    used: ResourceList = {"services": ONE}
    kind = spec.get("type") or "ClusterIP"
    if kind == "NodePort":
        used["services.nodeports"] = _count(len(ports))
    elif kind == "LoadBalancer":
        # Without node ports for the load balancer, only ports that ask for one explicitly take one.
        wanted = (
            ports if spec.get("allocateLoadBalancerNodePorts") is not False else [p for p in ports if p.get("nodePort")]
        )
        used["services.nodeports"] = _count(len(wanted))
        used["services.loadbalancers"] = ONE
    return used


def claim_class(claim: Obj) -> str:
    """The claim's storage class: the beta annotation first, then spec.storageClassName ("" for none)."""
    annotations = (claim.get("metadata") or {}).get("annotations") or {}
    if "volume.beta.kubernetes.io/storage-class" in annotations:
        return str(annotations["volume.beta.kubernetes.io/storage-class"])
    return str((claim.get("spec") or {}).get("storageClassName") or "")


def _claim_usage(claim: Obj) -> ResourceList:
    storage_class = claim_class(claim)
    used: ResourceList = {"persistentvolumeclaims": ONE}
    if storage_class:
        used[f"{storage_class}{STORAGE_CLASS_SUFFIX}persistentvolumeclaims"] = ONE
    requested = parse(((claim.get("spec") or {}).get("resources") or {}).get("requests")).get("storage")
    allocated = parse((claim.get("status") or {}).get("allocatedResources")).get("storage")
    # A claim being expanded is charged for the larger of what it asks and what was allocated.
    storage = max(
        (amount for amount in (requested, allocated) if amount is not None), key=lambda q: q.value, default=None
    )
    if storage is not None:
        used["requests.storage"] = storage
        if storage_class:
            used[f"{storage_class}{STORAGE_CLASS_SUFFIX}requests.storage"] = storage
    return used


def _count(number: int) -> Quantity:
    return Quantity(Decimal(number), DECIMAL_SI)


# --- constraints -----------------------------------------------------------------------------------------


def missing_requests(pod: Obj, restricted: Iterable[str]) -> str:
    """The pod evaluator's Constraints: what each container must state because a quota limits it ("" if none).

    Worded as `limits.cpu for: kuard; requests.memory for: db,web`."""
    required = set(restricted) & _MUST_SPECIFY
    missing: dict[str, set[str]] = {}
    for container in _containers(pod):
        stated = _compute_usage(_container_resources(container, "requests"), _container_resources(container, "limits"))
        for name in required - set(stated):
            missing.setdefault(name, set()).add(str(container.get("name", "")))
    return "; ".join(f"{name} for: {','.join(sorted(missing[name]))}" for name in sorted(missing))

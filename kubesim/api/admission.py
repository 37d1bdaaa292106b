"""The admission plugins a new object meets besides the pod ones of defaults.admit_pod, as kube-apiserver runs them.

Mutating, before the object is validated:

* LimitRanger: a pod's containers get the default requests and limits of the namespace's LimitRanges;
* DefaultStorageClass: a claim that names no storage class gets the default one (the class annotated
  `storageclass.kubernetes.io/is-default-class: "true"`, the newest if there are several);
* DefaultIngressClass: an Ingress that names no class (neither `spec.ingressClassName` nor the legacy annotation
  `kubernetes.io/ingress.class`) gets the default one (annotated `ingressclass.kubernetes.io/is-default-class:
  "true"`, the newest if there are several), kubesim's own `kubesim` in a new cluster;
* StorageObjectInUseProtection: a claim carries the `kubernetes.io/pvc-protection` finalizer and a volume
  `kubernetes.io/pv-protection`, which the protection controllers remove once nothing uses them.

Validating, once the object is valid and named:

* LimitRanger: pods and claims within the min, max and ratios of the LimitRanges;
* ResourceQuota: the object's usage fits every quota of its namespace that it falls under, and is then
  charged to them (`status.used`), so that the next request sees it before the quota controller does.

Refusals are 403 Forbidden, worded `pods "kuard" is forbidden: exceeded quota: compute, requested: ...`.
"""

from __future__ import annotations

import copy
from typing import Any

from kubesim.api import limit_ranger, quota
from kubesim.api.errors import ApiError
from kubesim.api.goformat import go_quote
from kubesim.store.store import Store

Obj = dict[str, Any]
PODS, CLAIMS, VOLUMES = "/pods", "/persistentvolumeclaims", "/persistentvolumes"
LIMIT_RANGES, QUOTAS, STORAGE_CLASSES = "/limitranges", "/resourcequotas", "storage.k8s.io/storageclasses"
PVC_PROTECTION, PV_PROTECTION = "kubernetes.io/pvc-protection", "kubernetes.io/pv-protection"
DEFAULT_CLASS_ANNOTATIONS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)
BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
INGRESSES, INGRESS_CLASSES = "networking.k8s.io/ingresses", "networking.k8s.io/ingressclasses"
DEFAULT_INGRESS_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
LEGACY_INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"


def mutate(store: Store, resource_key: str, obj: Obj) -> None:
    """The mutating plugins, on a new object not yet validated."""
    namespace = (obj.get("metadata") or {}).get("namespace") or ""
    if resource_key == PODS:
        limit_ranger.set_pod_defaults(obj, store.list(LIMIT_RANGES, namespace))
    elif resource_key == CLAIMS:
        _set_default_class(store, obj)
        _add_finalizer(obj, PVC_PROTECTION)
    elif resource_key == VOLUMES:
        _add_finalizer(obj, PV_PROTECTION)
    elif resource_key == INGRESSES:
        _set_default_ingress_class(store, obj)


def validate(store: Store, resource_key: str, obj: Obj, dry_run: bool) -> None:
    """The validating plugins, on a new valid object; a dry run is checked but charges no quota."""
    metadata = obj.get("metadata") or {}
    namespace = metadata.get("namespace") or ""
    if not namespace:
        return
    if resource_key in (PODS, CLAIMS):
        refusal = limit_ranger.violations(resource_key, obj, store.list(LIMIT_RANGES, namespace))
        if refusal:
            raise _forbidden(resource_key, metadata.get("name", ""), refusal)
    charged = _charge_quotas(store, resource_key, obj, namespace)
    if not dry_run:
        for updated in charged:
            store.update(QUOTAS, namespace, updated["metadata"]["name"], updated)


def default_storage_class(store: Store) -> Obj | None:
    """The class a claim without one gets: the newest marked default (by name among equals)."""
    marked = [
        storage_class
        for storage_class in store.list(STORAGE_CLASSES)
        if any(
            ((storage_class["metadata"].get("annotations") or {}).get(name) or "").lower() == "true"
            for name in DEFAULT_CLASS_ANNOTATIONS
        )
    ]
    marked.sort(key=lambda item: item["metadata"]["name"])
    marked.sort(key=lambda item: item["metadata"].get("creationTimestamp", ""), reverse=True)
    return marked[0] if marked else None


def _set_default_class(store: Store, claim: Obj) -> None:
    spec = claim.setdefault("spec", {})
    annotations = (claim.get("metadata") or {}).get("annotations") or {}
    # An empty storageClassName is a choice (no class, static volumes only); only a missing one is defaulted.
    if spec.get("storageClassName") is not None or BETA_CLASS_ANNOTATION in annotations:
        return
    default = default_storage_class(store)
    if default is not None:
        spec["storageClassName"] = default["metadata"]["name"]


def _set_default_ingress_class(store: Store, ingress: Obj) -> None:
    spec = ingress.setdefault("spec", {})
    annotations = (ingress.get("metadata") or {}).get("annotations") or {}
    if not isinstance(spec, dict) or not isinstance(annotations, dict):
        return  # validation turns it down
    if spec.get("ingressClassName") is not None or LEGACY_INGRESS_CLASS_ANNOTATION in annotations:
        return
    marked = [
        ingress_class
        for ingress_class in store.list(INGRESS_CLASSES)
        if ((ingress_class["metadata"].get("annotations") or {}).get(DEFAULT_INGRESS_CLASS_ANNOTATION) or "") == "true"
    ]
    if marked:
        newest = max(marked, key=lambda item: (item["metadata"].get("creationTimestamp", ""), item["metadata"]["name"]))
        spec["ingressClassName"] = newest["metadata"]["name"]


def _add_finalizer(obj: Obj, finalizer: str) -> None:
    metadata = obj.setdefault("metadata", {})
    finalizers = list(metadata.get("finalizers") or [])
    if finalizer not in finalizers:
        metadata["finalizers"] = [*finalizers, finalizer]


def _charge_quotas(store: Store, resource_key: str, obj: Obj, namespace: str) -> list[Obj]:
    """The quotas of the namespace with the object's usage added; refuse what does not fit (checkRequest)."""
    name = (obj.get("metadata") or {}).get("name", "")
    interesting = []
    for resource_quota in store.list(QUOTAS, namespace):
        status = resource_quota.get("status") or {}
        hard = quota.parse(status.get("hard"))
        restricted = quota.matching_resources(resource_key, hard)
        if not restricted or not quota.in_scope(resource_key, obj, quota.quota_scopes(resource_quota)):
            continue
        quota_name = resource_quota["metadata"]["name"]
        if resource_key == PODS:
            missing = quota.missing_requests(obj, restricted)
            if missing:
                raise _forbidden(resource_key, name, f"failed quota: {quota_name}: must specify {missing}")
        used = quota.parse(status.get("used"))
        if any(resource not in used for resource in restricted):
            message = f"status unknown for quota: {quota_name}, resources: {','.join(restricted)}"
            raise _forbidden(resource_key, name, message)
        interesting.append((resource_quota, hard, used))
    delta = {resource: amount for resource, amount in quota.usage(resource_key, obj).items() if amount.value != 0}
    if not delta:
        return []
    charged = []
    for resource_quota, hard, used in interesting:
        requested = quota.mask(delta, hard)
        if not requested:
            continue
        new_used = quota.add(used, requested)
        exceeded = sorted(resource for resource in requested if new_used[resource].value > hard[resource].value)
        if exceeded:
            message = (
                f"exceeded quota: {resource_quota['metadata']['name']}, "
                f"requested: {quota.pretty(quota.mask(requested, exceeded))}, "
                f"used: {quota.pretty(quota.mask(used, exceeded))}, "
                f"limited: {quota.pretty(quota.mask(hard, exceeded))}"
            )
            raise _forbidden(resource_key, name, message)
        updated = copy.deepcopy(resource_quota)
        updated["status"]["used"] = quota.as_json(new_used)
        charged.append(updated)
    return charged


def _forbidden(resource_key: str, name: str, reason: str) -> ApiError:
    """admission.NewForbidden: `<resource> "<name>" is forbidden: <reason>`."""
    group, _, plural = resource_key.partition("/")
    qualified = f"{plural}.{group}" if group else plural
    details: Obj = {"name": name, **({"group": group} if group else {}), "kind": plural}
    return ApiError(403, "Forbidden", f"{qualified} {go_quote(name)} is forbidden: {reason}", details)

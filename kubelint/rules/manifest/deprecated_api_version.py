"""Objects must use an apiVersion that current Kubernetes still serves.

## What it does
Flags an object whose `apiVersion` (for its `kind`) has been removed from Kubernetes, or is
deprecated on its way out, and names the version to use instead, the release that stopped
serving the old one, and the changes the move needs when there are any. The facts come from
the Kubernetes "Deprecated API Migration Guide".

## Why is this bad?
*Kubernetes: Up and Running* (chapter 4) shows that every object is addressed through its API
group and version. Beta versions do not live forever: once the stable version has been out for
a few releases, the API server stops serving the old one. A manifest that still says
`extensions/v1beta1` or `policy/v1beta1` is rejected outright (`no matches for kind
"Deployment" in version "extensions/v1beta1"`) by every cluster at or above that release, so
the next cluster upgrade breaks the deployment of an application whose code never changed.

## Example
```yaml
apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels: {app: web}
```

Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
```

## How to fix
Change `apiVersion` to the version the message names and apply the field changes it lists
(`kubectl convert` can do the rewrite). The migration guide on kubernetes.io lists, release by
release, what each move changes.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject

ID = "deprecated-api-version"
SEVERITY = Severity.ERROR
SCOPE = "object"
CHECKS_FRAGMENTS = True
BOOK = "Chapter 4, Common kubectl Commands"


@dataclass(frozen=True)
class Retired:
    replacement: str | None  # the apiVersion to use instead; None when nothing replaces the API
    removed_in: str | None  # the release that stopped serving it; None while it is still served
    advice: str = ""  # what else the move needs, or what to do when there is no replacement


_APPS_SELECTOR = "and add spec.selector, which apps/v1 requires"
_INGRESS_V1 = "and rewrite each backend as service.name/service.port, and give every path a pathType"
_HPA_V2 = "and write metric targets as target.type/target.averageUtilization"
_PSP_GONE = (
    "no version of PodSecurityPolicy is served any more: enforce pod security with Pod Security Admission "
    "(pod-security.kubernetes.io/enforce namespace labels)"
)
_WEBHOOKS_V1 = "and set sideEffects and admissionReviewVersions on every webhook, which v1 requires"
_CRD_V1 = "and move the schema into spec.versions[*].schema, and set spec.scope"
_FLOWCONTROL = "flowcontrol.apiserver.k8s.io/v1"
_STORAGE_V1 = Retired("storage.k8s.io/v1", "1.22")
_RBAC_V1 = "rbac.authorization.k8s.io/v1"

# (apiVersion, kind or "*" for every kind of that version) -> what happened to it.
RETIRED_APIS: dict[tuple[str, str], Retired] = {
    ("extensions/v1beta1", "Deployment"): Retired("apps/v1", "1.16", _APPS_SELECTOR),
    ("extensions/v1beta1", "DaemonSet"): Retired("apps/v1", "1.16", _APPS_SELECTOR),
    ("extensions/v1beta1", "ReplicaSet"): Retired("apps/v1", "1.16", _APPS_SELECTOR),
    ("extensions/v1beta1", "NetworkPolicy"): Retired("networking.k8s.io/v1", "1.16"),
    ("extensions/v1beta1", "PodSecurityPolicy"): Retired(None, "1.16", _PSP_GONE),
    ("extensions/v1beta1", "Ingress"): Retired("networking.k8s.io/v1", "1.22", _INGRESS_V1),
    ("extensions/v1beta1", "*"): Retired(None, "1.22", "move the object to its current API group"),
    ("apps/v1beta1", "*"): Retired("apps/v1", "1.16", _APPS_SELECTOR),
    ("apps/v1beta2", "*"): Retired("apps/v1", "1.16", _APPS_SELECTOR),
    ("batch/v1beta1", "*"): Retired("batch/v1", "1.25"),
    ("batch/v2alpha1", "*"): Retired("batch/v1", "1.21"),
    ("policy/v1beta1", "PodDisruptionBudget"): Retired(
        "policy/v1", "1.25", "and note that an empty selector {} now selects every pod of the namespace"
    ),
    ("policy/v1beta1", "PodSecurityPolicy"): Retired(None, "1.25", _PSP_GONE),
    ("policy/v1beta1", "*"): Retired("policy/v1", "1.25"),
    ("autoscaling/v2beta1", "*"): Retired("autoscaling/v2", "1.25", _HPA_V2),
    ("autoscaling/v2beta2", "*"): Retired("autoscaling/v2", "1.26"),
    ("networking.k8s.io/v1beta1", "Ingress"): Retired("networking.k8s.io/v1", "1.22", _INGRESS_V1),
    ("networking.k8s.io/v1beta1", "IngressClass"): Retired("networking.k8s.io/v1", "1.22"),
    ("rbac.authorization.k8s.io/v1beta1", "*"): Retired(_RBAC_V1, "1.22"),
    ("rbac.authorization.k8s.io/v1alpha1", "*"): Retired(_RBAC_V1, None),
    ("apiextensions.k8s.io/v1beta1", "*"): Retired("apiextensions.k8s.io/v1", "1.22", _CRD_V1),
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"): Retired(
        "admissionregistration.k8s.io/v1", "1.22", _WEBHOOKS_V1
    ),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"): Retired(
        "admissionregistration.k8s.io/v1", "1.22", _WEBHOOKS_V1
    ),
    ("apiregistration.k8s.io/v1beta1", "*"): Retired("apiregistration.k8s.io/v1", "1.22"),
    ("storage.k8s.io/v1beta1", "CSIDriver"): _STORAGE_V1,
    ("storage.k8s.io/v1beta1", "CSINode"): _STORAGE_V1,
    ("storage.k8s.io/v1beta1", "StorageClass"): _STORAGE_V1,
    ("storage.k8s.io/v1beta1", "VolumeAttachment"): _STORAGE_V1,
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity"): Retired("storage.k8s.io/v1", "1.27"),
    ("scheduling.k8s.io/v1beta1", "*"): Retired("scheduling.k8s.io/v1", "1.22"),
    ("scheduling.k8s.io/v1alpha1", "*"): Retired("scheduling.k8s.io/v1", None),
    ("coordination.k8s.io/v1beta1", "Lease"): Retired("coordination.k8s.io/v1", "1.22"),
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"): Retired(
        "certificates.k8s.io/v1", "1.22", "and set spec.signerName and spec.usages, which v1 requires"
    ),
    ("discovery.k8s.io/v1beta1", "*"): Retired("discovery.k8s.io/v1", "1.25"),
    ("events.k8s.io/v1beta1", "*"): Retired("events.k8s.io/v1", "1.25"),
    ("node.k8s.io/v1beta1", "*"): Retired("node.k8s.io/v1", "1.25"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "*"): Retired(_FLOWCONTROL, "1.26"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "*"): Retired(_FLOWCONTROL, "1.29"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "*"): Retired(_FLOWCONTROL, "1.32"),
    # Deprecated since 1.19 and still served, but read-only: the API server never accepts one.
    ("v1", "ComponentStatus"): Retired(
        None, None, "it is a read-only health report that the API server never creates, so delete it"
    ),
}


def retirement_of(api_version: str, kind: str) -> Retired | None:
    return RETIRED_APIS.get((api_version, kind)) or RETIRED_APIS.get((api_version, "*"))


def _status(api_version: str, retired: Retired) -> str:
    if retired.removed_in is not None:
        return f"was removed in Kubernetes {retired.removed_in}"
    if "alpha" in api_version:
        return "is an alpha API that clusters do not serve unless an administrator turns it on"
    return "is deprecated"


def _what_to_do(retired: Retired) -> str:
    if retired.replacement is None:
        return retired.advice
    if retired.advice:
        return f"use {retired.replacement} ({retired.advice})"
    return f"use {retired.replacement}"


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    if obj.api_version is None or obj.kind is None:
        return
    api_version = obj.api_version.strip()
    retired = retirement_of(api_version, obj.kind)
    if retired is None:
        return
    message = f"{api_version} {obj.kind} {_status(api_version, retired)}; {_what_to_do(retired)}"
    yield Problem(message, obj.data.value_span("apiVersion"))

"""Namespaced objects should say which namespace they belong to.

## What it does
Flags an object of a namespaced built-in kind (a Deployment, a Service, a ConfigMap, a Role...)
that has no `metadata.namespace`. Cluster-scoped kinds (Namespace, ClusterRole, StorageClass,
CustomResourceDefinition...) are never reported. Custom resources are not checked either: their
scope is declared by their CustomResourceDefinition, which this rule does not see.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 4) explains that kubectl sends an object without a
namespace to the namespace of the current context, `default` unless someone changed it. The
same file then lands in a different namespace depending on who applies it and which context
they last switched to: a production release can end up in `default`, or a test run can
overwrite the objects of a colleague's namespace. Stating the namespace in the object makes
the manifest mean the same thing everywhere.

Kustomize patches and bases are skipped: a patch matches its target whatever the namespace.

Tools that set the namespace for you (a kustomize overlay with `namespace:`, `helm install
--namespace`) make the field redundant; switch the rule off for those paths in the
configuration.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  mode: production
```

Use instead:
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: shop
data:
  mode: production
```

## How to fix
Add `metadata.namespace` with the namespace the object is meant for, and create that
Namespace from a manifest of its own.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity, Span
from kubelint.manifests.objects import KubeObject
from kubelint.manifests.yamldoc import Mapping

ID = "missing-namespace"
SEVERITY = Severity.INFO
SCOPE = "object"
BOOK = "Chapter 4, Common kubectl Commands"

# The API groups Kubernetes itself serves: for these the scope of each kind is known.
_BUILT_IN_GROUPS = frozenset(
    {
        "", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io",
        "rbac.authorization.k8s.io", "storage.k8s.io", "scheduling.k8s.io", "coordination.k8s.io",
        "discovery.k8s.io", "events.k8s.io", "node.k8s.io", "certificates.k8s.io", "resource.k8s.io",
        "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
        "flowcontrol.apiserver.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
        "internal.apiserver.k8s.io", "storagemigration.k8s.io",
    }
)  # fmt: skip
# Cluster-scoped built-in kinds that KubeObject.is_namespaced does not know of.
_ALSO_CLUSTER_SCOPED = frozenset(
    {
        "ResourceSlice", "StorageVersion", "TokenReview", "SelfSubjectReview", "SubjectAccessReview",
        "SelfSubjectAccessReview", "SelfSubjectRulesReview", "PodSecurityPolicy", "InitializerConfiguration",
    }
)  # fmt: skip


def _needs_namespace(obj: KubeObject) -> bool:
    return obj.group in _BUILT_IN_GROUPS and obj.is_namespaced and obj.kind not in _ALSO_CLUSTER_SCOPED


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    if obj.kind == "List" or not _needs_namespace(obj):
        return
    metadata = obj.metadata
    if metadata is not None and metadata.get("namespace") not in (None, ""):
        return
    name = f'{obj.kind} "{obj.name}"' if obj.name else f"this {obj.kind}"
    message = (
        f"{name} has no metadata.namespace, so it lands in whatever namespace the current kubectl "
        "context points at; set the namespace it belongs to"
    )
    yield Problem(message, _span_for(obj, metadata))


def _span_for(obj: KubeObject, metadata: Mapping | None) -> Span:
    """The object's name, where the namespace would go next to it; else its metadata, else its kind."""
    if metadata is not None:
        for key in ("name", "generateName"):
            if key in metadata:
                return metadata.value_span(key)
    return obj.data.key_span("metadata") if "metadata" in obj.data else obj.span

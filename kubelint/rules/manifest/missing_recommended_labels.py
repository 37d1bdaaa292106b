"""Application objects, and the pods of workloads, should carry an application label.

## What it does
Flags an object that has none of the labels in the `labels` option (by default
`app.kubernetes.io/name` or `app`) among its `metadata.labels`. For workloads (Deployment,
StatefulSet, DaemonSet, Job, CronJob, ReplicaSet...) the pod template's labels are checked as
well, since those are the labels the running pods get.

Only the kinds in the `kinds` option are checked: the objects that make up one application
(workloads, Service, Ingress, ConfigMap, Secret, PersistentVolumeClaim, HorizontalPodAutoscaler,
PodDisruptionBudget). Objects that are shared by a namespace or a whole cluster (Namespace, RBAC
objects, ServiceAccount, NetworkPolicy, ResourceQuota, CustomResourceDefinition, custom
resources...) are left alone: they seldom belong to a single application.

A label whose value is templated (`{{ ... }}`, `${...}`) counts as present. Kustomize patches and
bases are skipped, as by every rule that reports something missing: kustomize's `labels` adds the
labels there.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 6) presents labels as the way to group and find objects:
`kubectl get pods,services -l app=shop` lists an application's objects, Services and
ReplicaSets select their pods by label, and `kubectl delete -l app=shop` removes an application
in one go. An object without an application label is invisible to all of that and has to be
found by name. The Kubernetes project recommends `app.kubernetes.io/name` (with its
`app.kubernetes.io/*` siblings) so that every tool reads the same key.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {tier: frontend}
  ports:
    - port: 80
```

Use instead:
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/part-of: shop
spec:
  selector: {app.kubernetes.io/name: web}
  ports:
    - port: 80
```

## How to fix
Add `app.kubernetes.io/name: <application>` (or `app: <application>`) under `metadata.labels`,
and for a workload also under `spec.template.metadata.labels`. Use the `labels` option to accept
the key your team uses instead, and `kinds` to change which kinds are checked.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity, Span
from kubelint.manifests.objects import KubeObject, as_mapping, get_path
from kubelint.manifests.yamldoc import Mapping

ID = "missing-recommended-labels"
SEVERITY = Severity.INFO
SCOPE = "object"
BOOK = "Chapter 6, Labels and Annotations"
OPTIONS: dict[str, Any] = {
    "labels": ["app.kubernetes.io/name", "app"],
    "kinds": [
        "Pod", "Deployment", "ReplicaSet", "ReplicationController", "DaemonSet", "StatefulSet", "Job",
        "CronJob", "Service", "Ingress", "ConfigMap", "Secret", "PersistentVolumeClaim",
        "HorizontalPodAutoscaler", "PodDisruptionBudget",
    ],
}  # fmt: skip
# Where a workload's `template:` key is, when not directly under `spec`.
_TEMPLATE_HOLDERS = {"CronJob": ("spec", "jobTemplate", "spec"), "PodTemplate": ()}
# Workloads whose apps/v1 API requires spec.selector.


def _has_app_label(labels: Any, accepted: list[str]) -> bool:
    """True when one accepted key is present, or when the labels cannot be judged (templated, wrong type)."""
    if labels is None:
        return False
    if not isinstance(labels, dict):
        return True  # not a mapping: another rule's problem, and nothing to judge here
    return any(key in labels for key in accepted)


def _where_labels_belong(metadata: Mapping | None, owner: Mapping, owner_key: str, fallback: Span) -> Span:
    """The labels key if present, else the metadata key, else the key that holds the metadata."""
    if metadata is not None and "labels" in metadata:
        return metadata.key_span("labels")
    if owner_key in owner:
        return owner.key_span(owner_key)
    return fallback


def _template_key_span(obj: KubeObject) -> Span:
    """The `template:` key of a workload, for a template that has no metadata at all."""
    holder_path = _TEMPLATE_HOLDERS.get(obj.kind or "", ("spec",))
    holder = as_mapping(get_path(obj.data, *holder_path))
    return holder.key_span("template") if holder is not None else obj.span


def _describe(accepted: list[str]) -> str:
    return " or ".join(f'"{key}"' for key in accepted)


def _check_object_labels(obj: KubeObject, accepted: list[str]) -> Iterator[Problem]:
    metadata = obj.metadata
    if _has_app_label(metadata.get("labels") if metadata is not None else None, accepted):
        return
    name = f'{obj.kind} "{obj.name}"' if obj.name else f"this {obj.kind}"
    message = (
        f"{name} has no {_describe(accepted)} label, so `kubectl get -l` cannot list it with the "
        "rest of its application; add one under metadata.labels"
    )
    yield Problem(message, _where_labels_belong(metadata, obj.data, "metadata", obj.span))


def _check_template_labels(obj: KubeObject, accepted: list[str]) -> Iterator[Problem]:
    template = obj.pod_template
    if template is None:
        return
    metadata = as_mapping(template.get("metadata"))
    if _has_app_label(metadata.get("labels") if metadata is not None else None, accepted):
        return
    name = f'{obj.kind} "{obj.name}"' if obj.name else f"this {obj.kind}"
    message = (
        f"the pod template of {name} has no {_describe(accepted)} label, so its pods cannot be "
        "listed or selected by application; add one under the template's metadata.labels"
    )
    yield Problem(message, _where_labels_belong(metadata, template, "metadata", _template_key_span(obj)))


def _as_list(value: Any) -> list[str]:
    # A configuration may give one key as a plain string instead of a list.
    return [value] if isinstance(value, str) else [str(item) for item in value or ()]


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    if obj.kind not in _as_list(options["kinds"]):
        return
    accepted = _as_list(options["labels"])
    yield from _check_object_labels(obj, accepted)
    yield from _check_template_labels(obj, accepted)

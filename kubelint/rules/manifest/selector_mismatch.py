"""A workload's selector must select the pods its own template makes.

## What it does
Checks the label selector of Deployments, ReplicaSets, DaemonSets, StatefulSets,
ReplicationControllers and Jobs against the labels of their pod template, and flags:

- a requirement of the selector (`matchLabels` pair, or `matchExpressions` entry with `In`, `NotIn`,
  `Exists` or `DoesNotExist`) that the template's labels do not satisfy;
- a missing or empty selector on an `apps/v1` workload, where it is required (older API versions and
  ReplicationControllers copy the template's labels instead);
- a Job with a selector but without `manualSelector: true`, whose selector Kubernetes generates itself,
  and a CronJob whose `jobTemplate` sets a selector or `manualSelector: true` at all.

Requirements or labels that hold placeholders (`{{ }}`, `${}`) are not judged, and kustomize patches
and bases are skipped. A missing selector is only reported when the template has labels: when both
are missing, a tool such as kustomize's `labels` is meant to add them.

## Why is this bad?
*Kubernetes: Up and Running* (chapters 6 and 9) explains that a controller does not remember the pods
it created: it finds them again, over and over, by querying with its label selector. A template
whose pods the selector cannot see would make the controller create pods forever, so the API server
refuses the object outright ("selector does not match template labels") and the whole apply fails.
A Job's selector, unless you take over with `manualSelector`, must be exactly the unique one
Kubernetes generates, so that two Jobs never adopt each other's pods.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
spec:
  selector:
    matchLabels:
      app: cart
      track: stable
  template:
    metadata:
      labels:
        app: cart
```

Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
spec:
  selector:
    matchLabels:
      app: cart
      track: stable
  template:
    metadata:
      labels:
        app: cart
        track: stable
```

## How to fix
Give the template every label the selector asks for (the template may have more), or drop the extra
requirement from the selector. Remember that a Deployment's selector cannot be changed after creation.
For Jobs and CronJobs, delete the selector and let Kubernetes generate it.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject, as_mapping, get_path
from kubelint.manifests.yamldoc import Mapping
from kubelint.selectors import Requirement, is_empty, is_templated, judgeable, requirements

ID = "selector-mismatch"
SEVERITY = Severity.ERROR
SCOPE = "object"
BOOK = "Chapter 9, ReplicaSets"

_SET_BASED_KINDS = frozenset({"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"})
# API versions whose validation requires a selector instead of copying the template's labels.
_SELECTOR_REQUIRED_IN = frozenset({"apps/v1", "apps/v1beta2"})
# Labels Kubernetes puts on every Job's pods: a Job's own selector may only ask for these.
_JOB_NAME_LABELS = ("job-name", "batch.kubernetes.io/job-name")
_JOB_UID_LABELS = ("controller-uid", "batch.kubernetes.io/controller-uid")


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    spec = as_mapping(obj.data.get("spec"))
    if spec is None:
        return
    if obj.kind in _SET_BASED_KINDS:
        yield from _check_set_based(obj, spec)
    elif obj.kind == "ReplicationController":
        yield from _check_replication_controller(obj, spec)
    elif obj.kind == "Job":
        yield from _check_job(obj, spec)
    elif obj.kind == "CronJob":
        yield from _check_cron_job(obj)


def _template_labels(obj: KubeObject) -> dict[str, Any] | None:
    """The template's labels, or None when a placeholder makes them unknowable."""
    labels = obj.pod_labels
    if any(is_templated(key) or is_templated(value) for key, value in labels.items()):
        return None
    return labels


def _check_set_based(obj: KubeObject, spec: Mapping) -> Iterator[Problem]:
    selector = spec.get("selector")
    if selector is None or (isinstance(selector, dict) and is_empty(selector)):
        # Without template labels either, a tool (kustomize `labels`) is meant to add both.
        if obj.api_version in _SELECTOR_REQUIRED_IN and _template_labels(obj):
            yield _missing_selector(obj, spec)
        return
    yield from _mismatches(obj, selector, plain_map=False)


def _missing_selector(obj: KubeObject, spec: Mapping) -> Problem:
    where = "an empty spec.selector" if "selector" in spec else "no spec.selector"
    span = spec.key_span("selector") if "selector" in spec else obj.data.key_span("spec")
    example = ", ".join(f"{key}: {value}" for key, value in obj.pod_labels.items())
    message = (
        f'{obj.kind} "{obj.name}" has {where}, which {obj.api_version} requires; '
        f"add selector.matchLabels with the template's labels ({example})"
    )
    return Problem(message, span)


def _check_replication_controller(obj: KubeObject, spec: Mapping) -> Iterator[Problem]:
    # A missing or empty selector defaults to the template's labels, which always match.
    yield from _mismatches(obj, spec.get("selector"), plain_map=True)


def _mismatches(obj: KubeObject, selector: Any, *, plain_map: bool) -> Iterator[Problem]:
    found = requirements(selector, plain_map=plain_map)
    labels = _template_labels(obj)
    if labels is None or not judgeable(found):
        return
    for requirement in found:
        if not requirement.matches(labels):
            span = requirement.span_for(labels) or obj.span
            yield Problem(_mismatch_message(obj, requirement, labels), span)
            return  # one fix of the template often repairs the rest: report the first


def _mismatch_message(obj: KubeObject, requirement: Requirement, labels: dict[str, Any]) -> str:
    rejected = f'so Kubernetes rejects {obj.kind} "{obj.name}" ("selector does not match template labels")'
    if not requirement.expression and requirement.key in labels:
        found = f"{requirement.key}: {labels[requirement.key]}"
        return (
            f'the selector asks for "{requirement}" but the pod template is labelled "{found}", {rejected}; '
            "make the two values equal"
        )
    if not requirement.expression:
        return (
            f'the selector asks for "{requirement}" but the pod template has no label "{requirement.key}", '
            f"{rejected}; add the label to spec.template.metadata.labels or drop it from the selector"
        )
    return (
        f'the selector requirement "{requirement}" does not hold for the pod template\'s labels, {rejected}; '
        "change spec.template.metadata.labels or the requirement"
    )


def _check_job(obj: KubeObject, spec: Mapping) -> Iterator[Problem]:
    selector = spec.get("selector")
    if spec.get("manualSelector") is True:
        if selector is None:
            message = (
                f'Job "{obj.name}" sets manualSelector: true but has no spec.selector; '
                "add one that matches the template's labels, or drop manualSelector"
            )
            yield Problem(message, spec.key_span("manualSelector"))
            return
        yield from _mismatches(obj, selector, plain_map=False)
        return
    if selector is not None:
        yield from _not_generated(obj, spec, selector)


def _not_generated(obj: KubeObject, spec: Mapping, selector: Any) -> Iterator[Problem]:
    """Without manualSelector, a Job's selector may only name the labels Kubernetes generates."""
    found = requirements(selector)
    name = get_path(obj.data, "metadata", "name")
    if not isinstance(name, str) or not judgeable(found):
        return
    generated = dict.fromkeys(_JOB_NAME_LABELS, name)
    for requirement in found:
        if requirement.key in _JOB_UID_LABELS or requirement.matches(generated):
            continue
        message = (
            f'Job "{obj.name}" sets a selector ("{requirement}") without manualSelector: true, so Kubernetes '
            '(which generates a unique selector for every Job) rejects it ("selector not auto-generated"); '
            "delete spec.selector"
        )
        yield Problem(message, requirement.key_span or spec.key_span("selector"))
        return


def _check_cron_job(obj: KubeObject) -> Iterator[Problem]:
    job_spec = as_mapping(get_path(obj.data, "spec", "jobTemplate", "spec"))
    if job_spec is None:
        return
    if job_spec.get("selector") is not None:
        message = (
            f'CronJob "{obj.name}" sets jobTemplate.spec.selector, which Kubernetes rejects because it '
            "generates the selector of every Job it starts; delete the selector"
        )
        yield Problem(message, job_spec.key_span("selector"))
    if job_spec.get("manualSelector") is True:
        message = (
            f'CronJob "{obj.name}" sets jobTemplate.spec.manualSelector: true, which Kubernetes rejects for '
            "CronJobs; delete it and let Kubernetes generate each Job's selector"
        )
        yield Problem(message, job_spec.value_span("manualSelector"))

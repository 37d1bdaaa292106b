"""A HorizontalPodAutoscaler on CPU utilisation needs a CPU request on every container it measures.

## What it does
Flags a HorizontalPodAutoscaler that scales on CPU utilisation when its target workload (found by
`scaleTargetRef` among the linted objects) has a container without a CPU request. CPU utilisation
is asked for by:

- `autoscaling/v1`: `targetCPUUtilizationPercentage`, or nothing at all (the default is 80% CPU);
- `autoscaling/v2`: a `Resource` metric named `cpu` with a `Utilization` target (`v2beta1`:
  `targetAverageUtilization`), a `ContainerResource` metric on `cpu` (then only that container
  counts), or no `metrics` at all (the default is again 80% CPU).

A CPU limit without a request counts as a request, since Kubernetes then copies the limit into the
request. Init containers do not count, native sidecars (init containers with
`restartPolicy: Always`) do, as in the autoscaler itself. The rule stays silent when a LimitRange in
the namespace gives containers a default CPU request, when the pod sets pod-level CPU resources,
and when the target is not among the linted objects (see `hpa-target-missing`).

## Why is this bad?
*Kubernetes: Up and Running* (chapter 9, on autoscaling) relies on CPU utilisation, and utilisation
is usage divided by the request: a pod whose containers do not all request CPU has no utilisation
at all. The autoscaler then reports `FailedGetResourceMetric` ("missing request for cpu") and
never scales, exactly when the load it was meant for arrives.

## Example
```yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 8
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: registry.example.com/web:2.0.1
```

Use instead:
```yaml
      containers:
        - name: web
          image: registry.example.com/web:2.0.1
          resources:
            requests:
              cpu: 250m
```

## How to fix
Give every container of the target (sidecars included) `resources.requests.cpu`, sized from its
observed usage, or scale on another metric (an absolute `AverageValue`, or a custom metric).
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kubelint.findings import Problem, Severity, Span
from kubelint.manifests.objects import Container, KubeObject, as_mapping, as_sequence, get_path
from kubelint.manifests.yamldoc import Mapping
from kubelint.selectors import is_templated, namespaces_match

ID = "hpa-target-no-cpu-requests"
SEVERITY = Severity.ERROR
SCOPE = "objects"
BOOK = "Chapter 9, ReplicaSets (autoscaling)"


@dataclass(frozen=True)
class CpuMetric:
    """A CPU-utilisation metric of an HPA: where it is written and which container it measures."""

    span: Span
    container: str | None  # None: all of them
    described: str


def check(objects: list[KubeObject], options: dict[str, Any]) -> Iterator[Problem]:
    targets: dict[tuple[str, str], list[KubeObject]] = defaultdict(list)
    defaulting_namespaces: set[str | None] = set()
    for obj in objects:
        if obj.kind is not None and obj.name is not None and obj.pod_spec is not None:
            targets[(obj.kind, obj.name)].append(obj)
        if obj.kind == "LimitRange" and _defaults_cpu_request(obj):
            defaulting_namespaces.add(obj.namespace)
    for hpa in objects:
        if hpa.kind != "HorizontalPodAutoscaler" or _cpu_defaulted(hpa.namespace, defaulting_namespaces):
            continue
        workloads = _targets_of(hpa, targets)
        if not workloads:
            continue
        for metric in _cpu_metrics(hpa):
            problem = _check_metric(hpa, metric, workloads)
            if problem is not None:
                yield problem


def _defaults_cpu_request(limit_range: KubeObject) -> bool:
    """A LimitRange that gives containers a CPU request (directly, or through a default limit)."""
    for item in as_sequence(get_path(limit_range.data, "spec", "limits")):
        if isinstance(item, dict) and item.get("type") == "Container" and _sets_cpu(item, "defaultRequest", "default"):
            return True
    return False


def _cpu_defaulted(namespace: str | None, defaulting_namespaces: set[str | None]) -> bool:
    return any(namespaces_match(namespace, other) for other in defaulting_namespaces)


def _targets_of(hpa: KubeObject, targets: dict[tuple[str, str], list[KubeObject]]) -> list[KubeObject]:
    ref = get_path(hpa.data, "spec", "scaleTargetRef")
    kind, name = get_path(ref, "kind"), get_path(ref, "name")
    if not isinstance(kind, str) or not isinstance(name, str):
        return []
    return [obj for obj in targets.get((kind, name), ()) if namespaces_match(obj.namespace, hpa.namespace)]


def _cpu_metrics(hpa: KubeObject) -> Iterator[CpuMetric]:
    spec = as_mapping(hpa.data.get("spec"))
    if spec is None:
        return
    if hpa.api_version == "autoscaling/v1":
        if "targetCPUUtilizationPercentage" in spec:
            yield CpuMetric(spec.value_span("targetCPUUtilizationPercentage"), None, "targetCPUUtilizationPercentage")
        else:
            yield CpuMetric(hpa.data.key_span("spec"), None, "the default 80% CPU target")
        return
    metrics = spec.get("metrics")
    if metrics is None or metrics == []:
        span = spec.key_span("metrics") if "metrics" in spec else hpa.data.key_span("spec")
        yield CpuMetric(span, None, "the default 80% CPU target (no metrics are set)")
        return
    for item in as_sequence(metrics):
        if isinstance(item, Mapping):
            metric = _cpu_utilisation_metric(item)
            if metric is not None:
                yield metric


def _cpu_utilisation_metric(item: Mapping) -> CpuMetric | None:
    kind = item.get("type")
    source = as_mapping(item.get("resource" if kind == "Resource" else "containerResource"))
    if kind not in ("Resource", "ContainerResource") or source is None or source.get("name") != "cpu":
        return None
    span = _utilisation_span(source)
    if span is None:
        return None
    if kind == "Resource":
        return CpuMetric(span, None, "a CPU utilisation metric")
    container = source.get("container")
    if not isinstance(container, str) or is_templated(container):
        return None
    return CpuMetric(span, container, "a CPU utilisation metric of that one container")


def _utilisation_span(source: Mapping) -> Span | None:
    """Where the utilisation target is written, None when the metric targets an absolute value."""
    if "targetAverageUtilization" in source:  # autoscaling/v2beta1
        return source.value_span("targetAverageUtilization")
    target = as_mapping(source.get("target"))
    if target is None or target.get("type") != "Utilization":
        return None
    return target.value_span("averageUtilization") if "averageUtilization" in target else source.key_span("target")


def _check_metric(hpa: KubeObject, metric: CpuMetric, workloads: list[KubeObject]) -> Problem | None:
    """Report when no matching target gives every measured container a CPU request."""
    missing: list[tuple[KubeObject, Container]] = []
    for workload in workloads:
        if _has_pod_level_cpu(workload):
            return None
        measured = [c for c in _serving_containers(workload) if metric.container in (None, c.name)]
        without = [container for container in measured if not _requests_cpu(container)]
        if measured and not without:
            return None
        missing.extend((workload, container) for container in without)
    if not missing:
        return None
    workload, container = missing[0]
    message = (
        f'HorizontalPodAutoscaler "{hpa.name}" scales {workload.kind} "{workload.name}" on '
        f'{metric.described}, but its container "{container.name}" has no CPU request, so utilisation '
        "cannot be computed and the HPA never scales; set resources.requests.cpu on it"
    )
    return Problem(message, metric.span, about=hpa)


def _serving_containers(workload: KubeObject) -> Iterator[Container]:
    for container in workload.containers(("initContainers", "containers")):
        if not container.is_init or container.is_sidecar:
            yield container


def _requests_cpu(container: Container) -> bool:
    # Kubernetes copies a limit into a missing request, so a CPU limit alone is enough.
    return _sets_cpu(container.resources, "requests", "limits")


def _has_pod_level_cpu(workload: KubeObject) -> bool:
    return _sets_cpu(get_path(workload.pod_spec, "resources"), "requests", "limits")


def _sets_cpu(resources: Any, *fields: str) -> bool:
    return any(get_path(resources, field, "cpu") is not None for field in fields)

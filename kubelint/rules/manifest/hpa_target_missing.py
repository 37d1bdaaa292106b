"""A HorizontalPodAutoscaler should scale a workload that is among the linted objects.

## What it does
Flags a HorizontalPodAutoscaler (`autoscaling/v1` or `v2`) whose `scaleTargetRef` names a kind and
name that no object in its namespace has among the objects linted in the same run (namespaces
match when they are equal or when either object has none). When an object of that name but another
kind exists, the message says so: the usual slip is `kind: Deployment` for a StatefulSet.

How kubelint decides that the target was linted at all: an HPA with a namespace is only judged
when the run contains a workload (an object with a pod template, or a bare Pod) that names the same
namespace; an HPA without one, when the run contains any workload. An HPA linted without its
workloads (a pre-commit run on one changed file, a folder of autoscalers) says nothing about its
target, so the rule stays silent. Once a namespace's workloads are in the run, kubelint assumes you
linted the whole application. Names holding placeholders (`{{ }}`, `${}`) are not judged.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 9) shows autoscaling as a separate object that points at the
workload by kind and name and adjusts its `replicas`. Nothing checks that pointer when the HPA is
created: a typo, a renamed Deployment or a wrong kind leaves an autoscaler that reports
`FailedGetScale` in its events and never scales anything, so the load spike it was meant to absorb
hits a fixed number of pods.

## Example
```yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: checkout
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: checkout-api      # the Deployment is called "checkout"
  minReplicas: 2
  maxReplicas: 10
```

Use instead:
```yaml
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: checkout
```

## How to fix
Make `scaleTargetRef.kind` and `scaleTargetRef.name` those of the workload, in the HPA's namespace,
or delete the HPA if the workload is gone.
"""

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject, as_mapping, get_path
from kubelint.selectors import PodTemplateIndex, is_templated, namespaces_match

ID = "hpa-target-missing"
SEVERITY = Severity.WARNING
SCOPE = "objects"
BOOK = "Chapter 9, ReplicaSets (autoscaling)"


def check(objects: list[KubeObject], options: dict[str, Any]) -> Iterator[Problem]:
    index = PodTemplateIndex(objects)
    by_name: dict[str, list[KubeObject]] = defaultdict(list)
    for obj in objects:
        if obj.name is not None and obj.kind is not None:
            by_name[obj.name].append(obj)
    for hpa in objects:
        # Without a workload of its namespace in the run, the target was simply not linted with it.
        if hpa.kind == "HorizontalPodAutoscaler" and index.has_sources_in(hpa.namespace):
            problem = _check_hpa(hpa, by_name)
            if problem is not None:
                yield problem


def _check_hpa(hpa: KubeObject, by_name: dict[str, list[KubeObject]]) -> Problem | None:
    ref = as_mapping(get_path(hpa.data, "spec", "scaleTargetRef"))
    if ref is None:
        return None
    kind, name = ref.get("kind"), ref.get("name")
    if not isinstance(kind, str) or not isinstance(name, str) or is_templated(kind) or is_templated(name):
        return None
    same_name = [obj for obj in by_name.get(name, ()) if namespaces_match(obj.namespace, hpa.namespace)]
    if any(obj.kind == kind for obj in same_name):
        return None
    where = f'namespace "{hpa.namespace}"' if hpa.namespace else "any namespace"
    message = (
        f'HorizontalPodAutoscaler "{hpa.name}" scales {kind} "{name}", but there is no such {kind} '
        f"in {where} among the linted objects, so it would scale nothing"
    )
    others = sorted({obj.kind for obj in same_name if obj.is_workload and obj.kind})
    if others:
        message += f"; a {' and a '.join(others)} of that name is, so set scaleTargetRef.kind to it"
    else:
        message += "; fix scaleTargetRef.name or add the workload"
    return Problem(message, ref.value_span("name"), about=hpa)

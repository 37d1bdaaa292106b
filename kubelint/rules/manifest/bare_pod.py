"""Pods should be created by a controller (a Deployment, or a Job for one-off work), not on their own.

## What it does
Flags a `kind: Pod` that no controller owns, that is, one without an `ownerReferences` entry that
has `controller: true`. Pods that Helm runs as hooks (`helm.sh/hook` annotation, such as
`helm test` pods) are left alone: Helm creates and deletes them itself.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 9) recommends always running pods through a ReplicaSet,
managed by a Deployment, even when you want a single copy. A bare pod is bound to one node:
when that node fails, is drained for maintenance or the pod is evicted, nothing creates a
replacement, and the application silently stays down. Nothing rolls out a new version of it
either: you have to delete and recreate it by hand, with downtime. For work that runs once
and stops, the same book (chapter 12) recommends a Job, which retries a failed pod for you.

Static pods that the kubelet reads from its manifest folder are bare by design; suppress the
rule for those files.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: registry.example.com/shop/web:2.4.1
```

Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/shop/web:2.4.1
```

## How to fix
Move the pod's `metadata` (its labels) and `spec` into the `template` of a Deployment (for a
server) or of a Job (for a task that runs to completion, `restartPolicy: Never` or
`OnFailure`), and give the Deployment a `selector` that matches the template's labels.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject

ID = "bare-pod"
SEVERITY = Severity.WARNING
SCOPE = "object"
BOOK = "Chapter 9, ReplicaSets"


def _is_helm_hook(obj: KubeObject) -> bool:
    return "helm.sh/hook" in obj.annotations


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    if obj.kind != "Pod" or obj.is_controlled or _is_helm_hook(obj):
        return
    name = f'pod "{obj.name}"' if obj.name else "this pod"
    if obj.is_long_running:
        advice = "nothing replaces it when its node fails or it is evicted; run it from a Deployment"
    else:
        advice = "nothing retries it when its node fails; run this one-off task as a Job"
    yield Problem(f"{name} is not managed by any controller, so {advice}", obj.span)

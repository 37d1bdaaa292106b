"""ReplicaSets (and ReplicationControllers) should be managed by a Deployment.

## What it does
Flags a `kind: ReplicaSet` or `kind: ReplicationController` that no controller owns (no
`ownerReferences` entry with `controller: true`). A ReplicaSet that a Deployment created
carries such a reference and is not reported.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 10) explains that a ReplicaSet only keeps a number of
identical pods running; it knows nothing about versions. Change the pod template of a bare
ReplicaSet and the running pods keep the old one: there is no rolling update, no
`kubectl rollout status`, no rollout history and no `kubectl rollout undo`. A Deployment
manages ReplicaSets for you and adds all of that.

ReplicationController is the older form of ReplicaSet (equality-based selectors only); the
Kubernetes documentation itself now recommends a Deployment in its place, so it is reported
the same way.

## Example
```yaml
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: queue-worker
spec:
  replicas: 3
  selector:
    matchLabels: {app: queue-worker}
  template:
    metadata:
      labels: {app: queue-worker}
    spec:
      containers:
        - name: worker
          image: registry.example.com/shop/worker:1.8.0
```

Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: queue-worker
spec:
  replicas: 3
  selector:
    matchLabels: {app: queue-worker}
  template:
    metadata:
      labels: {app: queue-worker}
    spec:
      containers:
        - name: worker
          image: registry.example.com/shop/worker:1.8.0
```

## How to fix
Change `kind: ReplicaSet` to `kind: Deployment`: the fields are the same (`replicas`,
`selector`, `template`). For a ReplicationController, also move to `apiVersion: apps/v1` and
turn its `selector` map into `selector.matchLabels`.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject

ID = "bare-replicaset"
SEVERITY = Severity.INFO
SCOPE = "object"
BOOK = "Chapter 10, Deployments"


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    if obj.kind not in ("ReplicaSet", "ReplicationController") or obj.is_controlled:
        return
    name = f'{obj.kind} "{obj.name}"' if obj.name else f"this {obj.kind}"
    older = " (the older form of ReplicaSet)" if obj.kind == "ReplicationController" else ""
    message = (
        f"{name}{older} is not managed by a Deployment, so it has no rolling update, rollout history "
        "or rollback; declare a Deployment with the same selector and template instead"
    )
    yield Problem(message, obj.span)

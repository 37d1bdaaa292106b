"""A Deployment, DaemonSet or StatefulSet should keep some revision history, or it cannot be rolled back.

## What it does
Flags `spec.revisionHistoryLimit: 0` on a Deployment, DaemonSet or StatefulSet.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 10) shows how a Deployment keeps the ReplicaSets of its
earlier versions so that `kubectl rollout history` can list them and `kubectl rollout undo`
can go back to one in seconds when a release misbehaves. DaemonSets and StatefulSets keep
their history as ControllerRevisions for the same purpose. `revisionHistoryLimit` is how many
of those old revisions are kept; with `0` every old revision is deleted as soon as a rollout
finishes, and the only way back from a bad release is to find, edit and apply the old
manifest by hand, while the bad version is serving.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  revisionHistoryLimit: 0
```

Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  revisionHistoryLimit: 5
```

## How to fix
Remove the field (the default keeps 10 revisions) or set it to a small positive number, enough
to cover the releases you may want to roll back to.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject, as_mapping

ID = "revision-history-disabled"
SEVERITY = Severity.WARNING
SCOPE = "object"
CHECKS_FRAGMENTS = True
BOOK = "Chapter 10, Deployments"

_KINDS = ("Deployment", "DaemonSet", "StatefulSet")


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    if obj.kind not in _KINDS:
        return
    spec = as_mapping(obj.data.get("spec"))
    if spec is None:
        return
    limit = spec.get("revisionHistoryLimit")
    # bool is an int in Python: `revisionHistoryLimit: false` is a type error, not a zero.
    if type(limit) is not int or limit != 0:
        return
    name = f'{obj.kind} "{obj.name}"' if obj.name else f"this {obj.kind}"
    message = (
        f"{name} sets revisionHistoryLimit: 0, so it keeps no earlier revision and `kubectl rollout undo` "
        "has nothing to go back to; remove the field or keep a few revisions"
    )
    yield Problem(message, spec.value_span("revisionHistoryLimit"))

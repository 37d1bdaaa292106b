"""Long-running containers should have a readiness probe.

## What it does
Flags a container of a long-running workload (Deployment, StatefulSet, DaemonSet, ReplicaSet,
ReplicationController, or a Pod that restarts `Always`) that has no `readinessProbe`. Native
sidecars (init containers with `restartPolicy: Always`) are checked too. Ordinary init
containers, Jobs, CronJobs and one-shot Pods (`restartPolicy: Never` or `OnFailure`) are not.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 5, "Health Checks") distinguishes liveness from
readiness: readiness says when a container is ready to serve requests. Services only send
traffic to ready pods, and a pod that fails its readiness probe is taken out of the Service's
endpoints until it recovers, without being restarted. Without a readiness probe a pod counts as
ready as soon as its process starts, so it receives requests while it is still loading its
caches or opening its connections, and while it is overloaded. Rolling updates rely on the same
signal: a Deployment replaces the next old pod once a new one is ready, so without the probe a
version that starts but cannot serve replaces every healthy pod.

## Example
```yaml
containers:
  - name: web
    image: registry.example.com/shop/web:2.4.1
    ports:
      - {name: http, containerPort: 8080}
```

Use instead:
```yaml
containers:
  - name: web
    image: registry.example.com/shop/web:2.4.1
    ports:
      - {name: http, containerPort: 8080}
    readinessProbe:
      httpGet: {path: /ready, port: http}
      periodSeconds: 5
```

## How to fix
Add a `readinessProbe` that succeeds only when the container can answer requests: its endpoint
may check the dependencies a request needs. Keep it different from the liveness probe (see
`identical-liveness-readiness`).
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import Container

ID = "missing-readiness-probe"
SEVERITY = Severity.WARNING
SCOPE = "container"
BOOK = "Chapter 5, Pods"


def check(container: Container, options: dict[str, Any]) -> Iterator[Problem]:
    if not container.runs_until_stopped or container.data.get("readinessProbe") is not None:
        return
    yield Problem(
        f'container "{container.name}" has no readiness probe; add a readinessProbe so Services send it '
        "traffic only when it can answer (without one it gets requests while starting or overloaded)",
        container.span,
    )

"""Long-running containers should have a liveness probe.

## What it does
Flags a container of a long-running workload (Deployment, StatefulSet, DaemonSet, ReplicaSet,
ReplicationController, or a Pod that restarts `Always`) that has no `livenessProbe`. Native
sidecars (init containers with `restartPolicy: Always`) are checked too. Ordinary init
containers, Jobs, CronJobs and one-shot Pods (`restartPolicy: Never` or `OnFailure`) are not:
their containers are meant to exit.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 5, "Health Checks") points out that by default Kubernetes
only knows whether the container's main process is running. A process that is deadlocked,
stuck in an endless loop or wedged on a broken connection is still running, so it is never
restarted, and it keeps its place in the Service while every request to it fails. A liveness
probe is an application-specific check (an HTTP request, a TCP connection, a gRPC health call or
a command): when it fails repeatedly, the kubelet restarts the container.

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
    livenessProbe:
      httpGet: {path: /healthz, port: http}
      periodSeconds: 10
      failureThreshold: 3
```

## How to fix
Add a `livenessProbe` that checks only that the process itself can still do work (not its
databases or other dependencies, or an outage of those restarts every pod at once). Give slow
starters a `startupProbe` rather than a long `initialDelaySeconds`.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import Container

ID = "missing-liveness-probe"
SEVERITY = Severity.WARNING
SCOPE = "container"
BOOK = "Chapter 5, Pods"


def check(container: Container, options: dict[str, Any]) -> Iterator[Problem]:
    if not container.runs_until_stopped or container.data.get("livenessProbe") is not None:
        return
    yield Problem(
        f'container "{container.name}" has no liveness probe; add a livenessProbe so the kubelet '
        "restarts it when it hangs (a deadlocked process keeps running, and failing, without one)",
        container.span,
    )

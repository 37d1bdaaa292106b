"""Containers should have a memory limit.

## What it does
Flags a container or init container (of any workload kind) without `resources.limits.memory`.
A memory limit set for the whole pod (`spec.resources.limits.memory`, Kubernetes 1.32 and
later) counts. Ephemeral debug containers are skipped: Kubernetes does not let them have
resources. CPU limits are not required, for the reason below.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 5, "Resource Management") separates the two kinds of
resources. CPU is compressible: a container that wants more than its share is throttled and
only runs slower. Memory is not: it cannot be taken back from a process, so the only remedy is
to kill it. A memory limit makes that kill precise: the container that goes above its own limit
is OOM-killed and restarted, and its neighbours are untouched. Without a limit a leaking
container grows until the whole node runs short, and then the kernel or the kubelet kills or
evicts pods on the node, often ones that did nothing wrong.

## Example
```yaml
containers:
  - name: worker
    image: registry.example.com/shop/worker:1.8.0
    resources:
      requests: {cpu: 500m, memory: 512Mi}
```

Use instead:
```yaml
containers:
  - name: worker
    image: registry.example.com/shop/worker:1.8.0
    resources:
      requests: {cpu: 500m, memory: 512Mi}
      limits: {memory: 512Mi}
```

## How to fix
Set `resources.limits.memory` to the most the container may use; setting it equal to the memory
request gives the most predictable behaviour, since the node never has to take memory back.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity, Span
from kubelint.manifests.objects import Container, as_mapping, get_path

ID = "missing-memory-limit"
SEVERITY = Severity.WARNING
SCOPE = "container"
BOOK = "Chapter 5, Pods"


def check(container: Container, options: dict[str, Any]) -> Iterator[Problem]:
    if container.list_name not in ("containers", "initContainers"):
        return
    resources = container.data.get("resources")
    if _is_templated(resources) or _is_templated(get_path(resources, "limits")):
        return
    if get_path(resources, "limits", "memory") is not None:
        return
    if get_path(container.owner.pod_spec, "resources", "limits", "memory") is not None:
        return
    yield Problem(
        f'container "{container.name}" has no memory limit; set resources.limits.memory '
        "(a container above it is OOM-killed, but without one it can starve the node)",
        _where(container),
    )


def _where(container: Container) -> Span:
    if "resources" not in container.data:
        return container.span
    resources = as_mapping(container.data["resources"])
    if resources is not None and "limits" in resources:
        return resources.key_span("limits")
    return container.data.key_span("resources")


def _is_templated(value: Any) -> bool:
    """Text a tool (Helm, kustomize, envsubst) replaces later: the linter cannot judge it."""
    return isinstance(value, str) and ("{{" in value or "${" in value)

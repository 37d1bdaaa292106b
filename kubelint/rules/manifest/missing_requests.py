"""Containers should request the CPU and memory they need.

## What it does
Flags a container or init container (of any workload kind) that sets no CPU request or no
memory request, and says which of the two is missing. Ephemeral debug containers are skipped:
Kubernetes does not let them have resources.

A limit without a request is not reported: when only `limits.cpu` (or `limits.memory`) is set,
the API server copies it into the request, so the container is effectively requesting its limit.
Pod-level resources (`spec.resources` of the pod, Kubernetes 1.32+) also count, since the
scheduler then reserves them for the whole pod.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 5, "Resource Management") explains that the scheduler
places pods by their requests: a request is the minimum the node guarantees to the container,
and the scheduler never puts more requests on a node than it can hold. A container without
requests is packed anywhere, so nodes fill up beyond what they can serve. When the node gets
busy it receives the smallest share of CPU, and when memory runs short its pod is among the
first the kubelet evicts, because every byte it uses is above what it asked for.

## Example
```yaml
containers:
  - name: web
    image: registry.example.com/shop/web:2.4.1
    resources:
      requests:
        cpu: 250m
```

Use instead:
```yaml
containers:
  - name: web
    image: registry.example.com/shop/web:2.4.1
    resources:
      requests:
        cpu: 250m
        memory: 256Mi
```

## How to fix
Measure what the container uses under normal load (`kubectl top pod`, your metrics) and request
about that much CPU and memory. If a LimitRange of the namespace fills in default requests, the
linter cannot see it: disable this rule for those manifests in `.kubelint.yaml`.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity, Span
from kubelint.manifests.objects import Container, as_mapping, get_path

ID = "missing-requests"
SEVERITY = Severity.WARNING
SCOPE = "container"
BOOK = "Chapter 5, Pods"

_RESOURCES = ("cpu", "memory")


def check(container: Container, options: dict[str, Any]) -> Iterator[Problem]:
    if container.list_name not in ("containers", "initContainers"):
        return
    resources = container.data.get("resources")
    if _is_templated(resources) or any(_is_templated(get_path(resources, key)) for key in ("requests", "limits")):
        return
    pod_resources = get_path(container.owner.pod_spec, "resources")
    missing = [name for name in _RESOURCES if not _is_set(resources, name) and not _is_set(pod_resources, name)]
    if missing:
        yield Problem(_message(container.name, missing), _where(container))


def _is_set(resources: Any, name: str) -> bool:
    """A request, or a limit that the API server copies into the missing request."""
    return any(get_path(resources, kind, name) is not None for kind in ("requests", "limits"))


def _message(container: str, missing: list[str]) -> str:
    if len(missing) == 2:
        return (
            f'container "{container}" has no CPU or memory requests; set resources.requests.cpu and '
            "resources.requests.memory so the scheduler reserves room for it (without them it gets the "
            "smallest CPU share on a busy node and its pod is among the first evicted when memory runs short)"
        )
    if missing == ["cpu"]:
        return (
            f'container "{container}" has no CPU request; set resources.requests.cpu so the scheduler '
            "reserves CPU for it (without one it gets the smallest CPU share when the node is busy)"
        )
    return (
        f'container "{container}" has no memory request; set resources.requests.memory so the scheduler '
        "reserves memory for it (without one its pod is among the first evicted when memory runs short)"
    )


def _where(container: Container) -> Span:
    if "resources" not in container.data:
        return container.span
    resources = as_mapping(container.data["resources"])
    if resources is not None and "requests" in resources:
        return resources.key_span("requests")
    return container.data.key_span("resources")


def _is_templated(value: Any) -> bool:
    """Text a tool (Helm, kustomize, envsubst) replaces later: the linter cannot judge it."""
    return isinstance(value, str) and ("{{" in value or "${" in value)

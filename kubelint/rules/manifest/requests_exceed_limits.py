"""A container's resource request must not be above its limit.

## What it does
Compares each resource a container both requests and limits (CPU, memory, ephemeral-storage,
hugepages and extended resources such as `nvidia.com/gpu`) and flags a request larger than its
limit. Quantities are compared by value, as Kubernetes reads them: `1Gi` is more than `1G`,
`1500m` is more than `1`. Values that are not quantities, or are filled in by a template, are
skipped.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 5, "Resource Management") describes a request as the
minimum a container is guaranteed and a limit as the maximum it may use, so a request above
the limit asks for a guarantee the container is not allowed to use. The API server refuses such
a pod (`must be less than or equal to memory limit`). For a Pod the apply fails; for a
Deployment, StatefulSet or Job the workload object itself is accepted, but its controller fails
to create any pod, so the mistake only shows up as a rollout that never progresses.

## Example
```yaml
resources:
  requests: {cpu: "1", memory: 2Gi}
  limits: {cpu: 500m, memory: 1Gi}
```

Use instead:
```yaml
resources:
  requests: {cpu: 500m, memory: 1Gi}
  limits: {cpu: "1", memory: 2Gi}
```

## How to fix
Usually the two values were swapped or one of them was changed alone: make the request what the
container needs to run normally and the limit what it may use at most (request <= limit).
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import Container, as_mapping, get_path
from kubelint.quantities import parse_quantity

ID = "requests-exceed-limits"
SEVERITY = Severity.ERROR
SCOPE = "container"
CHECKS_FRAGMENTS = True
BOOK = "Chapter 5, Pods"

_LABELS = {"cpu": "CPU", "memory": "memory"}


def check(container: Container, options: dict[str, Any]) -> Iterator[Problem]:
    requests = as_mapping(get_path(container.data, "resources", "requests"))
    limits = as_mapping(get_path(container.data, "resources", "limits"))
    if requests is None or limits is None:
        return
    for name, requested in requests.items():
        if name not in limits:
            continue
        request, limit = parse_quantity(requested), parse_quantity(limits[name])
        if request is not None and limit is not None and request > limit:
            label = _LABELS.get(name, f'"{name}"')
            yield Problem(
                f'container "{container.name}" requests more {label} than its limit '
                f"({requested} > {limits[name]}); the API server refuses such pods, "
                "so lower the request or raise the limit",
                requests.value_span(name),
            )

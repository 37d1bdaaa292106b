"""Containers should run with a read-only root filesystem.

## What it does
Flags a container whose `securityContext.readOnlyRootFilesystem` is not `true`: missing, or
`false`. Windows pods (`spec.os.name: windows`) are skipped, as Windows does not support it.

## Why is this bad?
The example pod of chapter 19 of *Kubernetes: Up and Running* sets
`readOnlyRootFilesystem: true` next to `runAsNonRoot`, and for good reason. An attacker who
gets code running in a container with a writable filesystem can drop tools and binaries into
it, change its configuration or scripts, and persist until the pod is replaced. A read-only
root filesystem also keeps the container honest: it is exactly its immutable image (chapter 2),
and anything it writes goes to a volume that you declared, can see and can size.

## Example
```yaml
containers:
  - name: api
    image: registry.example.com/shop/api:5.0.2
```

Use instead:
```yaml
containers:
  - name: api
    image: registry.example.com/shop/api:5.0.2
    securityContext:
      readOnlyRootFilesystem: true
    volumeMounts:
      - name: tmp
        mountPath: /tmp
volumes:
  - name: tmp
    emptyDir: {}
```

## How to fix
Set `readOnlyRootFilesystem: true` in the container's `securityContext` (there is no pod-level
setting), run the container, and mount an `emptyDir` at each path it still needs to write to,
such as `/tmp` or a cache directory.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity, Span
from kubelint.manifests.objects import Container, as_mapping, get_path

ID = "writable-root-filesystem"
SEVERITY = Severity.INFO
SCOPE = "container"
BOOK = "Chapter 19, Securing Applications in Kubernetes"


def check(container: Container, options: dict[str, Any]) -> Iterator[Problem]:
    if get_path(container.owner.pod_spec, "os", "name") == "windows":
        return
    found = _writable_setting(container)
    if found is not None:
        span, state = found
        yield Problem(
            f'container "{container.name}" {state}, so its root filesystem is writable and an intruder can '
            "change its files; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where "
            "it must write",
            span,
        )


def _writable_setting(container: Container) -> tuple[Span, str] | None:
    """Where the root filesystem is left writable and how, or None when it is (or may be) read-only."""
    context = as_mapping(container.data.get("securityContext"))
    if context is None:
        if "securityContext" in container.data:
            empty = container.data["securityContext"] is None
            state = "has an empty securityContext" if empty else "has a securityContext that is not a mapping"
            return container.data.key_span("securityContext"), state
        return container.span, "has no securityContext"
    setting = context.get("readOnlyRootFilesystem")
    if setting is None:
        return container.data.key_span("securityContext"), "does not set readOnlyRootFilesystem"
    if setting is False:
        return context.value_span("readOnlyRootFilesystem"), "sets readOnlyRootFilesystem: false"
    return None  # true, or a templated value that may well be true

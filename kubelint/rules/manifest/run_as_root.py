"""Containers should be made to run as a user other than root.

## What it does
Flags a container that may run as root: neither its own `securityContext` nor the pod's sets
`runAsNonRoot: true` or a `runAsUser` other than 0. A container that asks for root explicitly
(`runAsUser: 0`) is reported too, with its own message. The container's settings override
the pod's, as they do in Kubernetes. Windows pods (`spec.os.name: windows`) are skipped:
these fields do not apply to them.

## Why is this bad?
Unless told otherwise, a container runs as the user its image was built with, and that is
root for most images. Root inside a container is still root on the node's kernel: one kernel
bug, one mounted node path or one extra capability away from root on the node. Chapter 19 of
*Kubernetes: Up and Running* therefore starts its security settings with the user:
`runAsUser` picks a non-root user ID, and `runAsNonRoot: true` makes the kubelet refuse to
start a container whose user would be root, whatever the image says. The `restricted` Pod
Security Standard requires `runAsNonRoot: true`.

## Example
```yaml
spec:
  containers:
    - name: api
      image: registry.example.com/shop/api:5.0.2
```

Use instead:
```yaml
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
  containers:
    - name: api
      image: registry.example.com/shop/api:5.0.2
```

## How to fix
Build the image with a non-root `USER` (a numeric ID, so that the kubelet can check it), then
set `runAsNonRoot: true` in the pod's `securityContext`, and `runAsUser` if the image does not
name a user. Give files the process must write to that user, or to `fsGroup`.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import Container, as_mapping, get_path
from kubelint.manifests.yamldoc import Mapping

ID = "run-as-root"
SEVERITY = Severity.INFO
SCOPE = "container"
BOOK = "Chapter 19, Securing Applications in Kubernetes"

_UNSET = object()


def check(container: Container, options: dict[str, Any]) -> Iterator[Problem]:
    pod_spec = container.owner.pod_spec
    if get_path(pod_spec, "os", "name") == "windows":
        return
    own = as_mapping(container.data.get("securityContext"))
    pod = as_mapping(pod_spec.get("securityContext")) if pod_spec is not None else None
    user = _effective(own, pod, "runAsUser")
    non_root = _effective(own, pod, "runAsNonRoot")
    if _is_uid(user) and user == 0:
        yield _explicit_root(container, own)
    elif not (non_root is True or _is_uid(user) or _undecidable(user) or _undecidable(non_root)):
        yield _maybe_root(container, own, non_root)


def _effective(own: Mapping | None, pod: Mapping | None, field: str) -> Any:
    """The container's setting if it has one, else the pod's."""
    for context in (own, pod):
        if context is not None and context.get(field) is not None:
            return context[field]
    return _UNSET


def _is_uid(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _undecidable(value: Any) -> bool:
    """A templated or misspelt value: it may well say non-root, so do not guess."""
    return value is not _UNSET and not isinstance(value, bool | int)


def _explicit_root(container: Container, own: Mapping | None) -> Problem:
    if own is not None and own.get("runAsUser") is not None:
        where, span = "its securityContext", own.value_span("runAsUser")
    else:
        where, span = "the pod's securityContext", container.span
    return Problem(
        f'container "{container.name}" asks to run as root: {where} sets runAsUser: 0; '
        "run it as a non-root user ID and set runAsNonRoot: true",
        span,
    )


def _maybe_root(container: Container, own: Mapping | None, non_root: Any) -> Problem:
    if non_root is False and own is not None and own.get("runAsNonRoot") is False:
        why, span = "its securityContext sets runAsNonRoot: false", own.value_span("runAsNonRoot")
    elif non_root is False:
        why, span = "the pod's securityContext sets runAsNonRoot: false", container.span
    else:
        why, span = "neither its securityContext nor the pod's sets runAsNonRoot: true", container.span
    return Problem(
        f'container "{container.name}" may run as root: {why} and no non-zero runAsUser is set; '
        "set runAsNonRoot: true so that the kubelet refuses to start it as root",
        span,
    )

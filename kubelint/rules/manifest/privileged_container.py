"""Containers must not run privileged or add the SYS_ADMIN (or ALL) capability.

## What it does
Flags a container whose `securityContext` sets `privileged: true`, and each entry `SYS_ADMIN`
or `ALL` in its `securityContext.capabilities.add`.

## Why is this bad?
Chapter 19 of *Kubernetes: Up and Running* builds a pod's defences from its `securityContext`:
give the process the fewest privileges it can work with, and its example container says
`privileged: false` outright. A privileged container gets every Linux capability and the
node's devices; the isolation between it and the node is mostly gone, so a compromised process
in it owns the node. `SYS_ADMIN` is the catch-all capability (mounting filesystems, namespaces,
and much more) and is close to privileged mode on its own; `ALL` is every capability at once.
The Pod Security Standards described in the same chapter reject all three already at the
`baseline` level.

## Example
```yaml
containers:
  - name: backup
    image: registry.example.com/ops/backup:3.2.0
    securityContext:
      privileged: true
      capabilities:
        add: ["SYS_ADMIN"]
```

Use instead:
```yaml
containers:
  - name: backup
    image: registry.example.com/ops/backup:3.2.0
    securityContext:
      privileged: false
      allowPrivilegeEscalation: false
      capabilities:
        drop: ["ALL"]
        add: ["DAC_READ_SEARCH"]
```

## How to fix
Find out which operation needs the extra power and grant only the narrow capability it takes
(for example `NET_BIND_SERVICE` to listen on a port below 1024), dropping the others. Work that
truly needs the node (a CSI driver, a CNI plugin) belongs in a vetted system namespace; silence
the finding there with a reason.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import Container, as_mapping, as_sequence
from kubelint.manifests.yamldoc import Mapping

ID = "privileged-container"
SEVERITY = Severity.WARNING
SCOPE = "container"
CHECKS_FRAGMENTS = True
BOOK = "Chapter 19, Securing Applications in Kubernetes"


def check(container: Container, options: dict[str, Any]) -> Iterator[Problem]:
    context = as_mapping(container.data.get("securityContext"))
    if context is None:
        return
    if context.get("privileged") is True:
        yield Problem(
            f'container "{container.name}" runs privileged (securityContext.privileged: true), with every '
            "capability and the node's devices, so a compromise of it is a compromise of the node; "
            "remove it and add only the capabilities the process needs",
            context.value_span("privileged"),
        )
    added = as_sequence(_capabilities_add(context))
    for index, capability in enumerate(added):
        name = _capability_name(capability)
        if name in ("SYS_ADMIN", "ALL"):
            yield Problem(_capability_message(container.name, capability, name), added.item_span(index))


def _capabilities_add(context: Mapping) -> Any:
    capabilities = as_mapping(context.get("capabilities"))
    return capabilities.get("add") if capabilities is not None else None


def _capability_name(capability: Any) -> str | None:
    """Runtimes accept "sys_admin" and "CAP_SYS_ADMIN" as well as the documented "SYS_ADMIN"."""
    if not isinstance(capability, str):
        return None
    return capability.strip().upper().removeprefix("CAP_")


def _capability_message(container: str, written: str, name: str) -> str:
    if name == "ALL":
        what = f'every Linux capability ("{written}"), which amounts to privileged mode'
    else:
        what = f'the capability "{written}", which allows mounts, namespaces and most of what root can do'
    return f'container "{container}" adds {what}; drop it and add only the narrow capabilities the process needs'

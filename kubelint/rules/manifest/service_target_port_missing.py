"""A Service's named targetPort must be a port name declared by the pods it selects.

## What it does
For each port of a Service whose `targetPort` is a name (such as `http`), looks at the pod
templates the Service selects among the linted objects, and flags the `targetPort` when none of
their containers (or native sidecars) declares a port of that name with the same protocol
(`protocol` defaults to TCP on both sides).

Numeric `targetPort`s are not checked: Kubernetes sends traffic to a numbered port whether or not
the container lists it under `ports`, so an undeclared number still works. A Service that selects
no pod template among the linted objects is left to `service-selects-nothing`; one that selects a
custom resource's pods (whose containers kubelint cannot see) or that holds placeholders is skipped.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 7) has Services find their backends through labels, and a
named `targetPort` adds one more indirection: for every selected pod, Kubernetes looks the name up
among that pod's container ports. When no container declares it, the pod is left out of the
endpoints for that port, so the Service accepts connections and forwards them nowhere. Named ports
are the better habit (the container can move to another number without touching the Service), but
only if both sides spell the name the same way.

## Example
```yaml
kind: Service
spec:
  selector: {app: api}
  ports:
    - port: 80
      targetPort: http
---
kind: Deployment
spec:
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.8.0
          ports:
            - name: web
              containerPort: 8080
```

Use instead:
```yaml
          ports:
            - name: http
              containerPort: 8080
```

## How to fix
Name the container port exactly as the Service's `targetPort` (names are case-sensitive and at most
15 characters), check that the protocols agree (a UDP port named `dns` does not serve a TCP Service
port), or use the port number as `targetPort`.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject, as_sequence
from kubelint.manifests.yamldoc import Mapping
from kubelint.selectors import PodTemplateIndex, is_templated, service_selector

ID = "service-target-port-missing"
SEVERITY = Severity.ERROR
SCOPE = "objects"
BOOK = "Chapter 7, Service Discovery"


@dataclass
class DeclaredPorts:
    """The named container ports of the pods a Service selects."""

    serving: dict[str, set[str]] = field(default_factory=dict)  # name -> protocols
    init_only: dict[str, str] = field(default_factory=dict)  # name -> the init container declaring it


def check(objects: list[KubeObject], options: dict[str, Any]) -> Iterator[Problem]:
    index = PodTemplateIndex(objects)
    for service in objects:
        if service.kind != "Service":
            continue
        selector = service_selector(service)
        if selector is None or index.may_select_unknown(selector, service.namespace, plain_map=True):
            continue
        selected = [source.obj for source in index.selected(selector, service.namespace, plain_map=True)]
        declared = _declared_ports(selected)
        if declared is None:
            continue
        for port in as_sequence(service.data["spec"].get("ports")):
            if isinstance(port, Mapping):
                problem = _check_port(service, port, declared, selected)
                if problem is not None:
                    yield problem


def _declared_ports(selected: list[KubeObject]) -> DeclaredPorts | None:
    """The named ports of the selected pods; None when they cannot be known."""
    if not selected or any(obj.pod_spec is None for obj in selected):
        return None  # nothing selected, or a custom resource whose containers kubelint cannot read
    declared = DeclaredPorts()
    for obj in selected:
        for container in obj.containers(("initContainers", "containers")):
            for port in container.declared_ports():
                name = port.get("name")
                if is_templated(name):
                    return None
                if not isinstance(name, str):
                    continue
                # Kubernetes looks names up in app containers and native sidecars only.
                if container.is_init and not container.is_sidecar:
                    declared.init_only.setdefault(name, container.name)
                else:
                    declared.serving.setdefault(name, set()).add(_protocol(port))
    return declared


def _protocol(port: Mapping) -> str:
    protocol = port.get("protocol")
    return protocol if isinstance(protocol, str) else "TCP"


def _port_name(value: Any) -> str | None:
    # A string of digits is not a name (Kubernetes rejects it); placeholders cannot be judged.
    if isinstance(value, str) and value and not value.isdigit() and not is_templated(value):
        return value
    return None


def _check_port(
    service: KubeObject, port: Mapping, declared: DeclaredPorts, selected: list[KubeObject]
) -> Problem | None:
    target = _port_name(port.get("targetPort"))
    if target is None:
        return None
    protocol = _protocol(port)
    protocols = declared.serving.get(target)
    if protocols is not None and protocol in protocols:
        return None
    intro = f'Service "{service.name}" targets port "{target}"'
    outro = "so this port gets no endpoints"
    if protocols is not None:
        message = (
            f"{intro} over {protocol}, but the pods of {_workloads(selected)} declare it only over "
            f"{', '.join(sorted(protocols))}, {outro}; make the protocols agree"
        )
    elif target in declared.init_only:
        message = (
            f'{intro}, but only init container "{declared.init_only[target]}" of {_workloads(selected)} '
            f"declares it, and init containers have finished before the pod serves, {outro}; declare the port "
            "on the container that listens on it"
        )
    else:
        known = ", ".join(f'"{name}"' for name in sorted(declared.serving)) or "none"
        message = (
            f"{intro}, but no container of {_workloads(selected)} (selected among the linted objects) declares "
            f"a port of that name (declared: {known}), {outro}; name the container port or use its number"
        )
    return Problem(message, port.value_span("targetPort"), about=service)


def _workloads(selected: list[KubeObject]) -> str:
    named = ", ".join(f'{obj.kind} "{obj.name}"' for obj in selected[:3])
    return named + (f" and {len(selected) - 3} more" if len(selected) > 3 else "")

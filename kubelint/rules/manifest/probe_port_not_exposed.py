"""A probe should check a port that its container declares.

## What it does
Looks at the port of every `httpGet`, `tcpSocket` and `grpc` check of a container's liveness,
readiness and startup probes, and flags:

- a named port (`port: http`) that is not the `name` of one of the container's `ports`: the
  kubelet cannot resolve it, so the probe fails every time;
- a port written as a quoted number (`port: "8080"`): Kubernetes reads it as a port name, and a
  port name must contain a letter, so the API server rejects the pod;
- a port number that is not a `containerPort` of the container (on by default, see the option
  below): the probe works, since a port does not need to be declared to be reachable, but the
  container hides a port it serves. When another container of the pod declares that number, the
  message says so: the probe then reports the health of that other container.

Probes that check another host (`httpGet.host` or `tcpSocket.host`) are only checked for named
ports, and templated ports (`{{ .Values.port }}`) are skipped.

## Why is this bad?
A liveness probe that can never succeed restarts its container forever; a readiness probe that
can never succeed keeps the pod out of every Service. Both are easy to cause by renaming a port
in `ports` and not in the probe. *Kubernetes: Up and Running* (chapter 5, "Pods") has every
container list the ports it serves and its probes point at them: the manifest then documents what
the container listens on, and Services and probes can refer to ports by name, so a port number
changes in one place only.

## Example
```yaml
ports:
  - {name: http, containerPort: 8080}
livenessProbe:
  httpGet: {path: /healthz, port: web}
readinessProbe:
  tcpSocket: {port: 9090}
```

Use instead:
```yaml
ports:
  - {name: http, containerPort: 8080}
  - {name: admin, containerPort: 9090}
livenessProbe:
  httpGet: {path: /healthz, port: http}
readinessProbe:
  tcpSocket: {port: admin}
```

## How to fix
Use the name of a declared port, or declare the port the probe checks in the container's
`ports`. Set the option `report-numeric-ports: false` to report only the probes that are broken
(undeclared names and quoted numbers).
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import Container, as_mapping
from kubelint.manifests.yamldoc import Mapping

ID = "probe-port-not-exposed"
SEVERITY = Severity.ERROR
SCOPE = "container"
BOOK = "Chapter 5, Pods"
OPTIONS = {"report-numeric-ports": True}

_PROBES = {"livenessProbe": "liveness", "readinessProbe": "readiness", "startupProbe": "startup"}
_HANDLERS = ("httpGet", "tcpSocket", "grpc")


def check(container: Container, options: dict[str, Any]) -> Iterator[Problem]:
    for probe_key, probe_name in _PROBES.items():
        probe = as_mapping(container.data.get(probe_key))
        if probe is None:
            continue
        for handler_key in _HANDLERS:
            handler = as_mapping(probe.get(handler_key))
            if handler is None or "port" not in handler:
                continue
            where = f'{probe_name} probe of container "{container.name}"'
            message = _problem(container, handler_key, handler, where, options)
            if message is not None:
                yield Problem(message, handler.value_span("port"))


def _problem(
    container: Container, handler_key: str, handler: Mapping, where: str, options: dict[str, Any]
) -> str | None:
    port = handler["port"]
    if isinstance(port, str) and handler_key != "grpc":
        return _named_port_problem(container, port, where)
    if isinstance(port, bool) or not isinstance(port, int):
        return None  # a wrong type (grpc takes numbers only) is the schema check's finding
    if not options.get("report-numeric-ports", True) or handler.get("host"):
        return None
    if any(declared.get("containerPort") == port for declared in container.declared_ports()):
        return None
    owner = _sibling_declaring(container, port)
    if owner is not None:
        return (
            f'{where} checks port {port}, which container "{owner}" declares, not this one; '
            "the probe reports the health of that container, so check a port of this one"
        )
    name_hint = "" if handler_key == "grpc" else ", with a name the probe can use"
    return (
        f"{where} checks port {port}, which the container does not declare; the probe works, but "
        f"declare it in ports (containerPort: {port}{name_hint}) so the manifest shows what the "
        "container serves"
    )


def _named_port_problem(container: Container, port: str, where: str) -> str | None:
    if "{{" in port or "${" in port:
        return None
    if port.isdigit():
        return (
            f'{where} uses the quoted port "{port}", which Kubernetes reads as a port name and rejects '
            f"(a name needs a letter); write the number without quotes: port: {port}"
        )
    if any(declared.get("name") == port for declared in container.declared_ports()):
        return None
    return (
        f'{where} uses the port name "{port}", but the container declares no port of that name, '
        "so the probe can never succeed; use the name of one of its ports or declare it"
    )


def _sibling_declaring(container: Container, port: int) -> str | None:
    for other in container.owner.containers():
        if other.data is container.data:
            continue
        if any(declared.get("containerPort") == port for declared in other.declared_ports()):
            return other.name
    return None

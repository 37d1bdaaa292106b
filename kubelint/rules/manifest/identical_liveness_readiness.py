"""The liveness probe and the readiness probe should not be the same check.

## What it does
Flags a container whose `livenessProbe` and `readinessProbe` run the same check (same handler,
same target) with the same timing. Values Kubernetes fills in are taken into account, so a
probe that spells out `periodSeconds: 10` or `scheme: HTTP` equals one that leaves them out, and
a named port equals the number it names.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 5, "Health Checks") gives the two probes different jobs.
A failing readiness probe takes the pod out of the Service so that it can recover, for example
from a burst of load, while the other pods serve. A failing liveness probe restarts the
container. When both are the same check they fail together: the overloaded pod is not given a
rest but killed, its restart throws away its warm caches and connections, its traffic moves to
the other pods, which then fail their probes in turn and get restarted too. A short overload
turns into a cascade of restarts across the whole Deployment.

## Example
```yaml
livenessProbe:
  httpGet: {path: /health, port: http}
readinessProbe:
  httpGet: {path: /health, port: http}
```

Use instead:
```yaml
livenessProbe:
  httpGet: {path: /alive, port: http}
  failureThreshold: 6
readinessProbe:
  httpGet: {path: /ready, port: http}
```

## How to fix
Give liveness its own, cheaper endpoint that only checks that the process can still do work,
and let readiness check that the container can serve requests now. If you keep one endpoint,
at least make the liveness probe more patient than the readiness probe (a higher
`failureThreshold` or `periodSeconds`), so that a pod is taken out of rotation well before it is
restarted.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import Container
from kubelint.manifests.yamldoc import Mapping

ID = "identical-liveness-readiness"
SEVERITY = Severity.INFO
SCOPE = "container"
CHECKS_FRAGMENTS = True
BOOK = "Chapter 5, Pods"

_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
# What the API server fills in for a field left out. (terminationGracePeriodSeconds is left out of the
# comparison: it changes what happens after a failure, not when the probe fails.)
_PARAMETER_DEFAULTS = {
    "initialDelaySeconds": 0,
    "timeoutSeconds": 1,
    "periodSeconds": 10,
    "successThreshold": 1,
    "failureThreshold": 3,
}
_HANDLER_DEFAULTS = {"httpGet": {"path": "/", "scheme": "HTTP", "host": ""}, "tcpSocket": {"host": ""}}


def check(container: Container, options: dict[str, Any]) -> Iterator[Problem]:
    liveness, readiness = container.data.get("livenessProbe"), container.data.get("readinessProbe")
    if not isinstance(liveness, Mapping) or not isinstance(readiness, Mapping):
        return
    ports = _named_ports(container)
    same = _effective(liveness, ports)
    if same is None or same != _effective(readiness, ports):
        return
    yield Problem(
        f'container "{container.name}" uses the same check for its liveness and readiness probes; '
        "when it fails under load the container is restarted instead of only leaving the Service, "
        "so give liveness a lighter endpoint or a higher failureThreshold",
        container.data.key_span("livenessProbe"),
    )


def _effective(probe: Mapping, ports: dict[str, Any]) -> dict[str, Any] | None:
    """The probe as the kubelet runs it, or None when it has no single handler to compare."""
    handlers = [name for name in _HANDLERS if probe.get(name) is not None]
    if len(handlers) != 1:
        return None
    name = handlers[0]
    handler = probe[name]
    if isinstance(handler, dict):
        handler = {**_HANDLER_DEFAULTS.get(name, {}), **{k: v for k, v in handler.items() if v is not None}}
        port = handler.get("port")
        if isinstance(port, str) and port in ports:
            handler["port"] = ports[port]
    parameters = {key: _or_default(probe.get(key), default) for key, default in _PARAMETER_DEFAULTS.items()}
    return {"handler": name, "action": handler, **parameters}


def _or_default(value: Any, default: int) -> Any:
    return default if value is None else value


def _named_ports(container: Container) -> dict[str, Any]:
    return {
        port["name"]: port.get("containerPort")
        for port in container.declared_ports()
        if isinstance(port.get("name"), str)
    }

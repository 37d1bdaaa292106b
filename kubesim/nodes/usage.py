"""How much CPU and memory a running container uses: the numbers the kubelet's cAdvisor would measure.

Deterministic, from the process model (processes.py), the simulated clock and the load on Services:

- every program has an idle baseline: kuard 1m CPU, the servers (nginx, redis, ...) 2m, agnhost 1m, the control
  plane's own containers 10m, a sleeping shell, pause and a finished job nothing;
- kuard's keygen keeps one core busy while it generates (`--keygen-enable`; `--keygen-num-to-gen=N` keys at
  about a second each, or forever with N = 0, cut short by `--keygen-time-to-run`); `stress --cpu N` keeps N
  cores busy and each `--vm` worker one more;
- memory is the process model's: the image's resident size, `KUBESIM_MEMORY`, `stress --vm N --vm-bytes B`;
- LOAD: `kubesim load SERVICE --rate RPS` puts the annotation `kubesim.io/load: "<RPS>"` (with
  `kubesim.io/load-started`, and `kubesim.io/load-duration` in simulated seconds when it ends by itself) on the
  Service. As kube-proxy spreads connections evenly, each READY pod the Service selects gets RPS / (ready pods)
  requests a second, and each request a second costs CPU_PER_REQUEST (1m) of CPU. A pod that is not ready gets
  no traffic, so scaling a Deployment out lowers each pod's share, which is what the HPA counts on;
- no container uses more CPU than its limit: the kernel throttles it there.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kubesim.clock import Clock
from kubesim.controllers.objects import amount, is_pod_ready, is_terminating
from kubesim.nodes.images import (
    AGNHOST,
    ALREADY_RUNNING,
    KUARD,
    SERVER,
    SYSTEM,
    ImagePullError,
    InvalidImageName,
    resolve,
)
from kubesim.nodes.processes import Process, number

LOAD_ANNOTATION = "kubesim.io/load"  # requests a second, spread over the Service's ready pods
LOAD_STARTED_ANNOTATION = "kubesim.io/load-started"  # RFC 3339: when the load began
LOAD_DURATION_ANNOTATION = "kubesim.io/load-duration"  # simulated seconds; without it the load lasts until stopped
CPU_PER_REQUEST = 0.001  # cores each request a second costs the pod that serves it
IDLE_CPU = {KUARD: 0.001, SERVER: 0.002, AGNHOST: 0.001, SYSTEM: 0.01}  # cores; other programs idle at 0


@dataclass(frozen=True)
class Usage:
    cpu: float  # cores
    memory: int  # bytes (working set)

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.cpu + other.cpu, self.memory + other.memory)


def container_usage(
    container: dict[str, Any], running_for: float, requests_per_second: float = 0.0, memory: int | None = None
) -> Usage:
    """The usage of a container whose process has run for running_for simulated seconds, serving that load
    (requests a second that reach it: see serves_requests); memory, when known, is what the process holds now."""
    process = _process(json.dumps(container, sort_keys=True))
    cpu = IDLE_CPU.get(process.program, 0.0) + (process.busy_cores if running_for < process.busy_for else 0.0)
    cpu += requests_per_second * CPU_PER_REQUEST
    limit = amount(((container.get("resources") or {}).get("limits") or {}).get("cpu"))
    if limit > 0:
        cpu = min(cpu, limit)
    return Usage(cpu, process.memory if memory is None else memory)


def serves_requests(container: dict[str, Any]) -> bool:
    """Whether the container's program answers on a port, so a Service's requests reach it."""
    process = _process(json.dumps(container, sort_keys=True))
    return process.program != SYSTEM and bool(process.ports)


@functools.lru_cache(maxsize=4096)
def _process(container_json: str) -> Process:
    """Containers of one template share a spec: their process is worked out once."""
    container = json.loads(container_json)
    try:
        image = resolve(str(container.get("image") or "")).image
    except (ImagePullError, InvalidImageName):
        image = ALREADY_RUNNING  # a bootstrapped control-plane container outside the catalogue
    return Process.of(container, image)


# -- load on Services ---------------------------------------------------------------------------------------------


def service_load(service: dict[str, Any], clock: Clock) -> float:
    """The requests a second `kubesim load` puts on a Service now (0 once its duration has passed)."""
    annotations = (service.get("metadata") or {}).get("annotations") or {}
    rate = number(annotations.get(LOAD_ANNOTATION))
    if rate <= 0:
        return 0.0
    duration = annotations.get(LOAD_DURATION_ANNOTATION)
    if duration is not None and clock.since(annotations.get(LOAD_STARTED_ANNOTATION)) >= number(duration):
        return 0.0
    return rate


def pod_loads(services: Iterable[dict[str, Any]], pods_of: Any, clock: Clock) -> dict[tuple[str, str], float]:
    """Requests a second per (namespace, pod name), each loaded Service's rate spread over its ready pods.

    pods_of(namespace) lists a namespace's pods; it is called only for namespaces with a loaded Service.
    """
    loads: dict[tuple[str, str], float] = {}
    listed: dict[str, list[dict[str, Any]]] = {}
    for service in services:
        rate = service_load(service, clock)
        selector = (service.get("spec") or {}).get("selector") or {}
        if rate <= 0 or not selector:
            continue
        namespace = service["metadata"].get("namespace", "")
        if namespace not in listed:
            listed[namespace] = pods_of(namespace)
        ready = [pod for pod in listed[namespace] if _receives_traffic(pod, selector)]
        for pod in ready:
            key = (namespace, pod["metadata"]["name"])
            loads[key] = loads.get(key, 0.0) + rate / len(ready)
    return loads


def _receives_traffic(pod: dict[str, Any], selector: dict[str, Any]) -> bool:
    """A ready endpoint of the Service: kube-proxy sends nothing to a pod that is not ready or is terminating."""
    labels = (pod.get("metadata") or {}).get("labels") or {}
    if any(labels.get(key) != value for key, value in selector.items()):
        return False
    return is_pod_ready(pod) and not is_terminating(pod)

"""metrics.k8s.io/v1beta1 as metrics-server serves it: NodeMetrics and PodMetrics, computed when asked.

metrics-server scrapes each kubelet's resource metrics every 15 seconds and answers from the last two scrapes, so:
a container appears once it has run for a whole window (WINDOW_SECONDS, simulated), a pod once one of its
containers has (a younger pod has no metrics yet: `kubectl top pod` says so, the HPA waits); only running
containers count; a powered-off node's kubelet answers no scrape, so neither it nor its pods have metrics.
Usage comes from the usage model (kubesim/nodes/usage.py), and a kuard's memory from its live model
(kubesim/nodes/kuard.py) once its `/mem` page has been used; CPU is in nanocores ("1234567n") and memory in Ki,
as metrics-server writes them. A node's usage is its containers' plus what the node's own system uses
(NODE_SYSTEM). Objects carry the measured object's labels and are never stored, so they cannot be watched.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from kubesim.api.selectors import LabelSelector
from kubesim.clock import Clock
from kubesim.nodes.kuard import Kuards
from kubesim.nodes.power import powered_off
from kubesim.nodes.usage import Usage, container_usage, pod_loads, serves_requests
from kubesim.store.store import Store

API_VERSION = "metrics.k8s.io/v1beta1"
WINDOW_SECONDS = 15  # metrics-server's --metric-resolution: the span its CPU rates are measured over
NODE_SYSTEM = Usage(0.025, 280 * 1024 * 1024)  # the kubelet, containerd and the OS of a node at rest

Obj = dict[str, Any]


class ResourceMetrics:
    """The resource metrics API over the store's nodes and pods, at the simulated clock's time."""

    def __init__(self, store: Store, clock: Clock, kuards: Kuards) -> None:
        self.store, self.clock, self.kuards = store, clock, kuards

    def pod(self, namespace: str, name: str) -> Obj | None:
        pod = self.store.get("/pods", namespace, name)
        if pod is None:
            return None
        return self._pod_metrics([pod], namespace).get(name)

    def pods(self, namespace: str | None, labels: LabelSelector) -> Obj:
        selected = [pod for pod in self.store.list("/pods", namespace) if labels.matches(_labels(pod))]
        items = list(self._pod_metrics(selected, namespace).values())
        return {"kind": "PodMetricsList", "apiVersion": API_VERSION, "metadata": {}, "items": items}

    def node(self, name: str) -> Obj | None:
        node = self.store.get("/nodes", "", name)
        measured = self._node_metrics([node]) if node is not None else []
        return measured[0] if measured else None

    def nodes(self, labels: LabelSelector) -> Obj:
        selected = [node for node in self.store.list("/nodes") if labels.matches(_labels(node))]
        items = self._node_metrics(selected)
        return {"kind": "NodeMetricsList", "apiVersion": API_VERSION, "metadata": {}, "items": items}

    # -- pods ------------------------------------------------------------------------------------------------

    def _pod_metrics(self, pods: list[Obj], namespace: str | None) -> dict[str, Obj]:
        loads = pod_loads(self.store.list("/services", namespace), self._pods_in, self.clock)
        unreachable = self.powered_off()
        now = _timestamp()
        answers: dict[str, Obj] = {}
        for pod in pods:
            if (pod.get("spec") or {}).get("nodeName") in unreachable:
                continue
            metadata = pod["metadata"]
            load = loads.get((metadata.get("namespace", ""), metadata["name"]), 0.0)
            containers = [
                {"name": name, "usage": _usage_json(usage)}
                for name, usage, running_for in self._containers(pod, load)
                if running_for >= WINDOW_SECONDS
            ]
            if containers:
                answers[metadata["name"]] = {
                    **_envelope("PodMetrics", metadata, now),
                    "timestamp": now,
                    "window": f"{WINDOW_SECONDS}s",
                    "containers": containers,
                }
        return answers

    def _containers(self, pod: Obj, load: float) -> Iterable[tuple[str, Usage, float]]:
        """(name, usage, simulated seconds running) of each running container; the load goes to the first that
        serves requests, as a Service's targetPort names the pod's server."""
        if (pod.get("status") or {}).get("phase") != "Running":
            return
        statuses = {status.get("name"): status for status in (pod.get("status") or {}).get("containerStatuses") or []}
        for container in (pod.get("spec") or {}).get("containers") or []:
            status = statuses.get(container.get("name")) or {}
            running = (status.get("state") or {}).get("running")
            if running is None:
                continue
            running_for = self.clock.since(running.get("startedAt"))
            served, load = (load, 0.0) if load and serves_requests(container) else (0.0, load)
            usage = container_usage(container, running_for, served, self._allocated(status))
            yield container["name"], usage, running_for

    def _allocated(self, status: Obj) -> int | None:
        """The memory a kuard process holds after `/mem` allocations, when one was asked for its pages."""
        kuard = self.kuards.instances.get(str(status.get("containerID") or ""))
        return kuard.memory if kuard is not None else None

    def _pods_in(self, namespace: str) -> list[Obj]:
        return self.store.list("/pods", namespace)

    # -- nodes -----------------------------------------------------------------------------------------------

    def _node_metrics(self, nodes: list[Obj]) -> list[Obj]:
        measured = [node for node in nodes if not powered_off(node)]
        if not measured:
            return []
        totals = {node["metadata"]["name"]: NODE_SYSTEM for node in measured}
        loads = pod_loads(self.store.list("/services"), self._pods_in, self.clock)
        for pod in self.store.list("/pods"):
            node_name = (pod.get("spec") or {}).get("nodeName")
            if node_name not in totals:
                continue
            metadata = pod["metadata"]
            load = loads.get((metadata.get("namespace", ""), metadata["name"]), 0.0)
            totals[node_name] = sum((usage for _, usage, _ in self._containers(pod, load)), totals[node_name])
        now = _timestamp()
        return [
            {
                **_envelope("NodeMetrics", node["metadata"], now),
                "timestamp": now,
                "window": f"{WINDOW_SECONDS}s",
                "usage": _usage_json(totals[node["metadata"]["name"]]),
            }
            for node in measured
        ]

    def powered_off(self) -> set[str]:
        return {node["metadata"]["name"] for node in self.store.list("/nodes") if powered_off(node)}


def _labels(obj: Obj) -> dict[str, Any]:
    return (obj.get("metadata") or {}).get("labels") or {}


def _envelope(kind: str, measured: Obj, now: str) -> Obj:
    """kind, apiVersion and metadata as metrics-server makes them: the measured object's name and labels."""
    metadata: Obj = {"name": measured["name"]}
    if "namespace" in measured:
        metadata["namespace"] = measured["namespace"]
    metadata["creationTimestamp"] = now
    if measured.get("labels"):
        metadata["labels"] = dict(measured["labels"])
    return {"kind": kind, "apiVersion": API_VERSION, "metadata": metadata}


def _usage_json(usage: Usage) -> dict[str, str]:
    nanocores = round(usage.cpu * 1e9)
    kibibytes = usage.memory // 1024
    return {"cpu": f"{nanocores}n" if nanocores else "0", "memory": f"{kibibytes}Ki" if kibibytes else "0"}


def _timestamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

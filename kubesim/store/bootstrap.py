"""What a new cluster holds, shaped like a kind cluster named `kuar`: namespaces, nodes, the core Services."""

from __future__ import annotations

import uuid
from typing import Any

from kubesim.api.meta import now
from kubesim.store.store import Store

NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
CLUSTER = "kuar"
KUBELET_VERSION = "v1.37.0"


def node_names(workers: int) -> list[str]:
    workers_names = [f"{CLUSTER}-worker{index if index > 1 else ''}" for index in range(1, workers + 1)]
    return [f"{CLUSTER}-control-plane", *workers_names]


def bootstrap(store: Store, workers: int = 2) -> None:
    """Create what is missing; a restarted cluster keeps what it had."""
    for name in NAMESPACES:
        _ensure(store, "/namespaces", "", name, _namespace(name))
    for index, name in enumerate(node_names(workers)):
        _ensure(store, "/nodes", "", name, _node(name, index))
    _ensure(store, "/services", "default", "kubernetes", _kubernetes_service())


def _ensure(store: Store, resource: str, namespace: str, name: str, obj: dict[str, Any]) -> None:
    if store.get(resource, namespace, name) is None:
        store.create(resource, namespace, name, obj)


def _metadata(name: str, namespace: str | None = None, labels: dict[str, str] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "uid": str(uuid.uuid4()), "creationTimestamp": now()}
    if namespace:
        metadata["namespace"] = namespace
    if labels:
        metadata["labels"] = labels
    return metadata


def _namespace(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": _metadata(name, labels={"kubernetes.io/metadata.name": name}),
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


def _node(name: str, index: int) -> dict[str, Any]:
    control_plane = index == 0
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    }
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
    spec: dict[str, Any] = {
        "podCIDR": f"10.244.{index}.0/24",
        "podCIDRs": [f"10.244.{index}.0/24"],
        "providerID": f"kind://docker/{CLUSTER}/{name}",
    }
    if control_plane:
        spec["taints"] = [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
    capacity = {
        "cpu": "4",
        "ephemeral-storage": "102626232Ki",
        "hugepages-2Mi": "0",
        "memory": "8148344Ki",
        "pods": "110",
    }
    timestamp = now()
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": _metadata(name, labels=labels),
        "spec": spec,
        "status": {
            "capacity": capacity,
            "allocatable": dict(capacity),
            "conditions": [
                _condition(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                    timestamp,
                ),
                _condition(
                    "DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", timestamp
                ),
                _condition(
                    "PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", timestamp
                ),
                _condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", timestamp),
            ],
            "addresses": [
                {"type": "InternalIP", "address": f"172.18.0.{index + 2}"},
                {"type": "Hostname", "address": name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": str(uuid.uuid4()),
                "containerRuntimeVersion": "containerd://2.1.0",
                "kernelVersion": "6.8.0-kubesim",
                "kubeProxyVersion": KUBELET_VERSION,
                "kubeletVersion": KUBELET_VERSION,
                "machineID": uuid.uuid4().hex,
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": str(uuid.uuid4()),
            },
        },
    }


def _condition(kind: str, status: str, reason: str, message: str, timestamp: str) -> dict[str, str]:
    return {
        "type": kind,
        "status": status,
        "reason": reason,
        "message": message,
        "lastHeartbeatTime": timestamp,
        "lastTransitionTime": timestamp,
    }


def _kubernetes_service() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _metadata("kubernetes", "default", {"component": "apiserver", "provider": "kubernetes"}),
        "spec": {
            "type": "ClusterIP",
            "clusterIP": "10.96.0.1",
            "clusterIPs": ["10.96.0.1"],
            "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
            "sessionAffinity": "None",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "internalTrafficPolicy": "Cluster",
        },
        "status": {"loadBalancer": {}},
    }

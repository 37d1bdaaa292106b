"""The nodes of a kind cluster (a tainted control plane, then the workers) and the Leases their kubelets hold."""

from __future__ import annotations

import uuid
from functools import partial

from kubesim.store.bootstrap.objects import CLUSTER, CONTROL_PLANE, KUBERNETES_VERSION, Boot, Obj

NODE_LEASE_NAMESPACE = "kube-node-lease"
NODE_LEASE_SECONDS = 40
_CAPACITY = {
    "cpu": "4",
    "ephemeral-storage": "102626232Ki",
    "hugepages-2Mi": "0",
    "memory": "8148344Ki",
    "pods": "110",
}


def node_names(workers: int) -> list[str]:
    workers_names = [f"{CLUSTER}-worker{index if index > 1 else ''}" for index in range(1, workers + 1)]
    return [CONTROL_PLANE, *workers_names]


def ensure_nodes(boot: Boot, workers: int) -> list[Obj]:
    """The stored nodes, control plane first, each with its lease in kube-node-lease."""
    nodes = []
    for index, name in enumerate(node_names(workers)):
        node = boot.ensure("/nodes", "", name, partial(_node, boot, name, index))
        boot.ensure("coordination.k8s.io/leases", NODE_LEASE_NAMESPACE, name, partial(_node_lease, boot, node))
        nodes.append(node)
    return nodes


def _node(boot: Boot, name: str, index: int) -> Obj:
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
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
    annotations = {
        "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
    }
    spec: Obj = {
        "podCIDR": f"10.244.{index}.0/24",
        "podCIDRs": [f"10.244.{index}.0/24"],
        "providerID": f"kind://docker/{CLUSTER}/{name}",
    }
    if control_plane:
        spec["taints"] = [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": boot.metadata(name, labels=labels, annotations=annotations),
        "spec": spec,
        "status": {
            "capacity": dict(_CAPACITY),
            "allocatable": dict(_CAPACITY),
            "conditions": _node_conditions(boot.time),
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
                "kubeProxyVersion": KUBERNETES_VERSION,
                "kubeletVersion": KUBERNETES_VERSION,
                "machineID": uuid.uuid4().hex,
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": str(uuid.uuid4()),
            },
        },
    }


def _node_conditions(time: str) -> list[Obj]:
    healthy = (
        ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    )
    return [
        {
            "type": kind,
            "status": status,
            "lastHeartbeatTime": time,
            "lastTransitionTime": time,
            "reason": reason,
            "message": message,
        }
        for kind, status, reason, message in healthy
    ]


def _node_lease(boot: Boot, node: Obj) -> Obj:
    """The heartbeat a kubelet renews every 10 s; the node controller calls the node lost 40 s after the last."""
    name = node["metadata"]["name"]
    owner = {"apiVersion": "v1", "kind": "Node", "name": name, "uid": node["metadata"]["uid"]}
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": boot.metadata(name, NODE_LEASE_NAMESPACE, owners=[owner]),
        "spec": {"holderIdentity": name, "leaseDurationSeconds": NODE_LEASE_SECONDS, "renewTime": boot.micro_time},
    }

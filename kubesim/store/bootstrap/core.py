"""What the API server and the controller manager create in every cluster: namespaces with their default
ServiceAccount and root CA bundle, the `kubernetes` Service and its endpoints, cluster-info, the priority classes."""

from __future__ import annotations

import base64
from functools import partial

from kubesim.store.bootstrap.objects import API_SERVER_URL, Boot, Obj
from kubesim.store.bootstrap.pods import PRIORITY_CLASSES, node_ip

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
ROOT_CA_CONFIGMAP = "kube-root-ca.crt"
_ROOT_CA_DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the "
    "internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes "
    "clusters."
)
_PRIORITY_CLASS_DESCRIPTIONS = {
    "system-node-critical": "Used for system critical pods that must not be moved from their current node.",
    "system-cluster-critical": (
        "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."
    ),
}


def ensure_namespace(boot: Boot, name: str) -> None:
    """A namespace as its controllers complete it: the `default` ServiceAccount and the root CA ConfigMap."""
    boot.ensure("/namespaces", "", name, partial(_namespace, boot, name))
    ensure_service_account(boot, name, "default")
    if boot.ca_pem is not None:
        boot.ensure("/configmaps", name, ROOT_CA_CONFIGMAP, partial(_root_ca, boot, name, boot.ca_pem))


def ensure_service_account(boot: Boot, namespace: str, name: str) -> None:
    boot.ensure("/serviceaccounts", namespace, name, partial(_service_account, boot, namespace, name))


def ensure_api_server_objects(boot: Boot, control_plane: Obj) -> None:
    """What the API server itself keeps: its Service with the endpoints that lead to it, cluster-info, priorities."""
    boot.ensure("/services", "default", "kubernetes", partial(_kubernetes_service, boot))
    address = node_ip(control_plane)
    boot.ensure("/endpoints", "default", "kubernetes", partial(_kubernetes_endpoints, boot, address))
    boot.ensure(
        "discovery.k8s.io/endpointslices", "default", "kubernetes", partial(_kubernetes_endpoint_slice, boot, address)
    )
    for name in PRIORITY_CLASSES:
        boot.ensure("scheduling.k8s.io/priorityclasses", "", name, partial(_priority_class, boot, name))
    if boot.ca_pem is not None:
        boot.ensure("/configmaps", "kube-public", "cluster-info", partial(_cluster_info, boot, boot.ca_pem))


def _namespace(boot: Boot, name: str) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": boot.metadata(name, labels={"kubernetes.io/metadata.name": name}),
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


def _service_account(boot: Boot, namespace: str, name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": boot.metadata(name, namespace)}


def _root_ca(boot: Boot, namespace: str, ca_pem: str) -> Obj:
    annotations = {"kubernetes.io/description": _ROOT_CA_DESCRIPTION}
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": boot.metadata(ROOT_CA_CONFIGMAP, namespace, annotations=annotations),
        "data": {"ca.crt": ca_pem},
    }


def _kubernetes_service(boot: Boot) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": boot.metadata("kubernetes", "default", labels={"component": "apiserver", "provider": "kubernetes"}),
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


def _kubernetes_endpoints(boot: Boot, address: str) -> Obj:
    # The API server writes its own EndpointSlice, so the mirroring controller is told to leave this one alone.
    labels = {"endpointslice.kubernetes.io/skip-mirror": "true"}
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": boot.metadata("kubernetes", "default", labels=labels),
        "subsets": [{"addresses": [{"ip": address}], "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}],
    }


def _kubernetes_endpoint_slice(boot: Boot, address: str) -> Obj:
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": boot.metadata(
            "kubernetes", "default", labels={"kubernetes.io/service-name": "kubernetes"}, generation=1
        ),
        "addressType": "IPv4",
        "endpoints": [{"addresses": [address], "conditions": {"ready": True}}],
        "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}],
    }


def _priority_class(boot: Boot, name: str) -> Obj:
    return {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": boot.metadata(name),
        "value": PRIORITY_CLASSES[name],
        "globalDefault": False,
        "description": _PRIORITY_CLASS_DESCRIPTIONS[name],
        "preemptionPolicy": "PreemptLowerPriority",
    }


def _cluster_info(boot: Boot, ca_pem: str) -> Obj:
    """The kubeconfig kubeadm publishes, readable without credentials, so that joining nodes find the API server."""
    authority = base64.b64encode(ca_pem.encode()).decode()
    kubeconfig = (
        "apiVersion: v1\n"
        "clusters:\n"
        "- cluster:\n"
        f"    certificate-authority-data: {authority}\n"
        f"    server: {API_SERVER_URL}\n"
        '  name: ""\n'
        "contexts: null\n"
        'current-context: ""\n'
        "kind: Config\n"
        "users: null\n"
    )
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": boot.metadata("cluster-info", "kube-public"),
        "data": {"kubeconfig": kubeconfig},
    }

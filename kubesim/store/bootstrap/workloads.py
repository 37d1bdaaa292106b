"""Workloads as their controllers leave them once settled: a DaemonSet with its ControllerRevision and a pod per
node, a Deployment with its ReplicaSet and pods, a Service with its Endpoints and EndpointSlice.

Callers give the manifest as its author wrote it (metadata and spec); the API server's defaults, the controllers'
objects and the statuses come from here.
"""

from __future__ import annotations

import copy
import math
from functools import partial

from kubesim.store.bootstrap.objects import Boot, Obj, controller_reference, stable_suffix, template_hash
from kubesim.store.bootstrap.pods import admitted_pod_spec, defaulted_pod_spec, running_pod

# What the DaemonSet controller adds to its pods' tolerations, so that node conditions never evict or block them.
_DAEMON_TOLERATIONS = (
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
)
_HOST_NETWORK_TOLERATION = ("node.kubernetes.io/network-unavailable", "NoSchedule")


def _defaulted_template(manifest: Obj) -> Obj:
    template = manifest["spec"]["template"]
    return {"metadata": copy.deepcopy(template["metadata"]), "spec": defaulted_pod_spec(template["spec"])}


# -- DaemonSets ----------------------------------------------------------------------------------------------------


def run_daemon_set(boot: Boot, manifest: Obj, nodes: list[Obj]) -> list[Obj]:
    """The DaemonSet, its first ControllerRevision and one Running pod per node; returns the pods."""
    name, namespace = manifest["metadata"]["name"], manifest["metadata"]["namespace"]
    daemon_set = boot.ensure("apps/daemonsets", namespace, name, partial(_daemon_set, boot, manifest, len(nodes)))
    revision_hash = template_hash(daemon_set["spec"]["template"])
    revision = f"{name}-{revision_hash}"
    boot.ensure(
        "apps/controllerrevisions", namespace, revision, partial(_controller_revision, boot, daemon_set, revision_hash)
    )
    pods = []
    for node in nodes:
        pod_name = f"{name}-{stable_suffix(daemon_set['metadata']['uid'] + node['metadata']['name'])}"
        build = partial(_daemon_pod, boot, daemon_set, pod_name, revision_hash, node)
        pods.append(boot.ensure("/pods", namespace, pod_name, build))
    return pods


def _daemon_set(boot: Boot, manifest: Obj, scheduled: int) -> Obj:
    metadata = manifest["metadata"]
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": boot.metadata(
            metadata["name"],
            metadata["namespace"],
            labels=metadata.get("labels"),
            annotations={"deprecated.daemonset.template.generation": "1"},
            generation=1,
        ),
        "spec": {
            "selector": manifest["spec"]["selector"],
            "template": _defaulted_template(manifest),
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
            "revisionHistoryLimit": 10,
        },
        "status": {
            "currentNumberScheduled": scheduled,
            "numberMisscheduled": 0,
            "desiredNumberScheduled": scheduled,
            "numberReady": scheduled,
            "observedGeneration": 1,
            "updatedNumberScheduled": scheduled,
            "numberAvailable": scheduled,
        },
    }


def _controller_revision(boot: Boot, daemon_set: Obj, revision_hash: str) -> Obj:
    template = daemon_set["spec"]["template"]
    labels = {**template["metadata"].get("labels", {}), "controller-revision-hash": revision_hash}
    return {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": boot.metadata(
            f"{daemon_set['metadata']['name']}-{revision_hash}",
            daemon_set["metadata"]["namespace"],
            labels=labels,
            owners=[controller_reference(daemon_set)],
        ),
        # The revision stores the template as a strategic-merge patch that replaces the whole template.
        "data": {"spec": {"template": {"$patch": "replace", **copy.deepcopy(template)}}},
        "revision": 1,
    }


def _daemon_pod(boot: Boot, daemon_set: Obj, name: str, revision_hash: str, node: Obj) -> Obj:
    template = daemon_set["spec"]["template"]
    node_name = node["metadata"]["name"]
    labels = {
        **template["metadata"].get("labels", {}),
        "controller-revision-hash": revision_hash,
        "pod-template-generation": "1",
    }
    spec = copy.deepcopy(template["spec"])
    # The controller pins each pod to its node by name and makes it tolerate what would otherwise evict it.
    spec["affinity"] = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node_name]}]}
                ]
            }
        }
    }
    wanted = [*_DAEMON_TOLERATIONS, *([_HOST_NETWORK_TOLERATION] if spec.get("hostNetwork") else [])]
    spec["tolerations"] = [
        *spec.get("tolerations", []),
        *({"key": key, "operator": "Exists", "effect": effect} for key, effect in wanted),
    ]
    namespace = daemon_set["metadata"]["namespace"]
    metadata = boot.metadata(
        name,
        namespace,
        generate_name=f"{daemon_set['metadata']['name']}-",
        labels=labels,
        owners=[controller_reference(daemon_set)],
        generation=1,
    )
    return running_pod(boot, metadata, admitted_pod_spec(spec, name, node_name), node)


# -- Deployments ---------------------------------------------------------------------------------------------------


def run_deployment(boot: Boot, manifest: Obj, node: Obj) -> list[Obj]:
    """The Deployment, its ReplicaSet and its Running replicas, all on one node; returns the pods.

    kind's add-ons land on the control plane: they are scheduled before any worker has joined."""
    name, namespace = manifest["metadata"]["name"], manifest["metadata"]["namespace"]
    deployment = boot.ensure("apps/deployments", namespace, name, partial(_deployment, boot, manifest))
    pod_template_hash = template_hash(deployment["spec"]["template"])
    replica_set_name = f"{name}-{pod_template_hash}"
    build_replica_set = partial(_replica_set, boot, deployment, replica_set_name, pod_template_hash)
    replica_set = boot.ensure("apps/replicasets", namespace, replica_set_name, build_replica_set)
    pods = []
    for index in range(replica_set["spec"]["replicas"]):
        pod_name = f"{replica_set_name}-{stable_suffix(replica_set['metadata']['uid'] + str(index))}"
        pods.append(boot.ensure("/pods", namespace, pod_name, partial(_replica, boot, replica_set, pod_name, node)))
    return pods


def _deployment(boot: Boot, manifest: Obj) -> Obj:
    metadata, spec = manifest["metadata"], manifest["spec"]
    replicas = spec["replicas"]
    rolling_update = {"maxUnavailable": "25%", "maxSurge": "25%", **spec.get("strategy", {}).get("rollingUpdate", {})}
    template = _defaulted_template(manifest)
    progressed = f'ReplicaSet "{metadata["name"]}-{template_hash(template)}" has successfully progressed.'
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": boot.metadata(
            metadata["name"],
            metadata["namespace"],
            labels=metadata.get("labels"),
            annotations={"deployment.kubernetes.io/revision": "1"},
            generation=1,
        ),
        "spec": {
            "replicas": replicas,
            "selector": spec["selector"],
            "template": template,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": rolling_update},
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
        "status": {
            "observedGeneration": 1,
            "replicas": replicas,
            "updatedReplicas": replicas,
            "readyReplicas": replicas,
            "availableReplicas": replicas,
            "conditions": [
                _deployment_condition(
                    "Available", "MinimumReplicasAvailable", "Deployment has minimum availability.", boot.time
                ),
                _deployment_condition("Progressing", "NewReplicaSetAvailable", progressed, boot.time),
            ],
        },
    }


def _deployment_condition(kind: str, reason: str, message: str, time: str) -> Obj:
    return {
        "type": kind,
        "status": "True",
        "lastUpdateTime": time,
        "lastTransitionTime": time,
        "reason": reason,
        "message": message,
    }


def _surge(deployment: Obj) -> int:
    """maxSurge as a number of pods: a percentage of the replicas rounds up."""
    replicas = deployment["spec"]["replicas"]
    surge = deployment["spec"]["strategy"]["rollingUpdate"]["maxSurge"]
    return math.ceil(replicas * int(surge[:-1]) / 100) if isinstance(surge, str) else int(surge)


def _replica_set(boot: Boot, deployment: Obj, name: str, pod_template_hash: str) -> Obj:
    replicas = deployment["spec"]["replicas"]
    template = copy.deepcopy(deployment["spec"]["template"])
    template["metadata"]["labels"] = {**template["metadata"].get("labels", {}), "pod-template-hash": pod_template_hash}
    selector = deployment["spec"]["selector"]
    annotations = {
        "deployment.kubernetes.io/desired-replicas": str(replicas),
        "deployment.kubernetes.io/max-replicas": str(replicas + _surge(deployment)),
        "deployment.kubernetes.io/revision": "1",
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": boot.metadata(
            name,
            deployment["metadata"]["namespace"],
            labels=template["metadata"]["labels"],
            annotations=annotations,
            owners=[controller_reference(deployment)],
            generation=1,
        ),
        "spec": {
            "replicas": replicas,
            "selector": {
                **selector,
                "matchLabels": {**selector["matchLabels"], "pod-template-hash": pod_template_hash},
            },
            "template": template,
        },
        "status": {
            "replicas": replicas,
            "fullyLabeledReplicas": replicas,
            "readyReplicas": replicas,
            "availableReplicas": replicas,
            "observedGeneration": 1,
        },
    }


def _replica(boot: Boot, replica_set: Obj, name: str, node: Obj) -> Obj:
    template = replica_set["spec"]["template"]
    metadata = boot.metadata(
        name,
        replica_set["metadata"]["namespace"],
        generate_name=f"{replica_set['metadata']['name']}-",
        labels=template["metadata"]["labels"],
        owners=[controller_reference(replica_set)],
        generation=1,
    )
    return running_pod(boot, metadata, admitted_pod_spec(template["spec"], name, node["metadata"]["name"]), node)


# -- Services ------------------------------------------------------------------------------------------------------


def publish_endpoints(boot: Boot, service: Obj, pods: list[Obj]) -> None:
    """The Endpoints and the EndpointSlice the endpoint controllers write for a Service and its ready pods."""
    name, namespace = service["metadata"]["name"], service["metadata"]["namespace"]
    boot.ensure("/endpoints", namespace, name, partial(_endpoints, boot, service, pods))
    slice_name = f"{name}-{stable_suffix(service['metadata']['uid'])}"
    build_slice = partial(_endpoint_slice, boot, service, pods, slice_name)
    boot.ensure("discovery.k8s.io/endpointslices", namespace, slice_name, build_slice)


def _endpoint_ports(service: Obj) -> list[Obj]:
    return [
        {"name": port["name"], "port": port.get("targetPort", port["port"]), "protocol": port["protocol"]}
        for port in service["spec"]["ports"]
    ]


def _target(pod: Obj) -> Obj:
    metadata = pod["metadata"]
    return {"kind": "Pod", "namespace": metadata["namespace"], "name": metadata["name"], "uid": metadata["uid"]}


def _endpoints(boot: Boot, service: Obj, pods: list[Obj]) -> Obj:
    addresses = [
        {"ip": pod["status"]["podIP"], "nodeName": pod["spec"]["nodeName"], "targetRef": _target(pod)} for pod in pods
    ]
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": boot.metadata(
            service["metadata"]["name"],
            service["metadata"]["namespace"],
            labels=service["metadata"].get("labels"),
            annotations={"endpoints.kubernetes.io/last-change-trigger-time": boot.time},
        ),
        "subsets": [{"addresses": addresses, "ports": _endpoint_ports(service)}],
    }


def _endpoint_slice(boot: Boot, service: Obj, pods: list[Obj], name: str) -> Obj:
    service_name = service["metadata"]["name"]
    labels = {
        **service["metadata"].get("labels", {}),
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
        "kubernetes.io/service-name": service_name,
    }
    endpoints = [
        {
            "addresses": [pod["status"]["podIP"]],
            "conditions": {"ready": True, "serving": True, "terminating": False},
            "nodeName": pod["spec"]["nodeName"],
            "targetRef": _target(pod),
        }
        for pod in pods
    ]
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": boot.metadata(
            name,
            service["metadata"]["namespace"],
            generate_name=f"{service_name}-",
            labels=labels,
            annotations={"endpoints.kubernetes.io/last-change-trigger-time": boot.time},
            owners=[controller_reference(service)],
            generation=1,
        ),
        "addressType": "IPv4",
        "endpoints": endpoints,
        "ports": _endpoint_ports(service),
    }

"""Pods as a real cluster stores them: specs with the API server's defaults and admission, Running statuses as
the kubelet reports them, and pod IPs from the node's podCIDR."""

from __future__ import annotations

import copy
import ipaddress
import itertools
from typing import Any

from kubesim.store.bootstrap.objects import Boot, Obj, hex_digest, stable_suffix

PRIORITY_CLASSES = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}
SERVICE_ACCOUNT_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"
NODE_GONE_TAINTS = ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")
# The kubelet sets these conditions in this order once a pod's containers run and pass their probes.
POD_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
_PROBE_DEFAULTS = {"failureThreshold": 3, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1}


# -- defaults the API server fills in (templates of Deployments and DaemonSets get them too) -------------------------


def defaulted_pod_spec(spec: Obj) -> Obj:
    result = {
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "securityContext": {},
        "schedulerName": "default-scheduler",
        "enableServiceLinks": True,
        **copy.deepcopy(spec),
    }
    if "serviceAccountName" in result:
        result["serviceAccount"] = result["serviceAccountName"]  # the deprecated alias, still filled in
    result["containers"] = [_defaulted_container(container) for container in result["containers"]]
    if "volumes" in result:
        result["volumes"] = [_defaulted_volume(volume) for volume in result["volumes"]]
    return result


def _defaulted_container(container: Obj) -> Obj:
    result: Obj = {
        "resources": {},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "imagePullPolicy": "Always" if container["image"].endswith(":latest") else "IfNotPresent",
        **container,
    }
    if "ports" in result:
        result["ports"] = [{"protocol": "TCP", **port} for port in result["ports"]]
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if probe in result:
            result[probe] = _defaulted_probe(result[probe])
    if "env" in result:
        result["env"] = [_defaulted_env(variable) for variable in result["env"]]
    return result


def _defaulted_probe(probe: Obj) -> Obj:
    result = {**_PROBE_DEFAULTS, **probe}
    if "httpGet" in result:
        result["httpGet"] = {"scheme": "HTTP", **result["httpGet"]}
    return result


def _defaulted_env(variable: Obj) -> Obj:
    field_ref = variable.get("valueFrom", {}).get("fieldRef")
    if field_ref is None:
        return variable
    return {**variable, "valueFrom": {"fieldRef": {"apiVersion": "v1", **field_ref}}}


def _defaulted_volume(volume: Obj) -> Obj:
    if "hostPath" in volume:
        return {**volume, "hostPath": {"type": "", **volume["hostPath"]}}
    if "configMap" in volume:
        return {**volume, "configMap": {"defaultMode": 420, **volume["configMap"]}}
    return volume


# -- what admission adds to a pod a controller creates -------------------------------------------------------------


def admitted_pod_spec(template_spec: Obj, pod_name: str, node_name: str) -> Obj:
    """The spec of a pod made from a template: service account token, default tolerations, priority, binding."""
    spec = copy.deepcopy(template_spec)
    _mount_service_account_token(spec, pod_name)
    _tolerate_node_loss_for_five_minutes(spec)
    spec["priority"] = PRIORITY_CLASSES.get(spec.get("priorityClassName", ""), 0)
    spec["preemptionPolicy"] = "PreemptLowerPriority"
    spec["nodeName"] = node_name
    return spec


def _mount_service_account_token(spec: Obj, pod_name: str) -> None:
    spec.setdefault("serviceAccountName", "default")
    spec["serviceAccount"] = spec["serviceAccountName"]
    volume = f"kube-api-access-{stable_suffix(pod_name)}"
    for container in spec["containers"]:
        mount = {"name": volume, "readOnly": True, "mountPath": SERVICE_ACCOUNT_MOUNT}
        container["volumeMounts"] = [*container.get("volumeMounts", []), mount]
    spec["volumes"] = [*spec.get("volumes", []), _token_volume(volume)]


def _token_volume(name: str) -> Obj:
    namespace_item = {"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}
    return {
        "name": name,
        "projected": {
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [namespace_item]}},
            ],
            "defaultMode": 420,
        },
    }


def _tolerate_node_loss_for_five_minutes(spec: Obj) -> None:
    """DefaultTolerationSeconds: unless the pod already tolerates it, it stays 300 s on a node gone NotReady."""
    tolerations = spec.setdefault("tolerations", [])
    for taint in NODE_GONE_TAINTS:
        tolerated = any(
            toleration.get("key", "") in ("", taint) and toleration.get("effect", "") in ("", "NoExecute")
            for toleration in tolerations
        )
        if not tolerated:
            tolerations.append({"key": taint, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300})


# -- a pod the kubelet runs ----------------------------------------------------------------------------------------


def node_ip(node: Obj) -> str:
    return next(address["address"] for address in node["status"]["addresses"] if address["type"] == "InternalIP")


def free_pod_ip(boot: Boot, node: Obj) -> str:
    """The lowest address of the node's podCIDR no pod on it holds; .1 is the node's end of the pod network."""
    name = node["metadata"]["name"]
    taken = {pod.get("status", {}).get("podIP") for pod in boot.store.list("/pods") if _runs_on(pod, name)}
    hosts = itertools.islice(ipaddress.ip_network(node["spec"]["podCIDR"]).hosts(), 1, None)
    return next(str(host) for host in hosts if str(host) not in taken)


def _runs_on(pod: Obj, node_name: str) -> bool:
    return bool(pod.get("spec", {}).get("nodeName") == node_name and not pod["spec"].get("hostNetwork"))


def running_pod(boot: Boot, metadata: Obj, spec: Obj, node: Obj) -> Obj:
    """A pod whose containers all run and are ready; hostNetwork pods share the node's address."""
    host_ip = node_ip(node)
    pod_ip = host_ip if spec.get("hostNetwork") else free_pod_ip(boot, node)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": spec,
        "status": {
            "observedGeneration": 1,
            "phase": "Running",
            "conditions": [_condition(kind, boot.time) for kind in POD_CONDITIONS],
            "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}],
            "podIP": pod_ip,
            "podIPs": [{"ip": pod_ip}],
            "startTime": boot.time,
            "containerStatuses": [
                _running_container(container, metadata, boot.time) for container in spec["containers"]
            ],
            "qosClass": qos_class(spec["containers"]),
        },
    }


def _condition(kind: str, time: str) -> Obj:
    return {"type": kind, "observedGeneration": 1, "status": "True", "lastProbeTime": None, "lastTransitionTime": time}


def _running_container(container: Obj, pod_metadata: Obj, time: str) -> Obj:
    image = container["image"]
    return {
        "name": container["name"],
        "state": {"running": {"startedAt": time}},
        "lastState": {},
        "ready": True,
        "restartCount": 0,
        "image": image,
        # Images kind preloads into containerd are known by their config digest alone.
        "imageID": f"sha256:{hex_digest(image)}",
        "containerID": f"containerd://{hex_digest(pod_metadata['uid'] + container['name'])}",
        "started": True,
    }


def qos_class(containers: list[Obj]) -> str:
    resources: list[dict[str, Any]] = [container.get("resources", {}) for container in containers]
    if not any(part.get("requests") or part.get("limits") for part in resources):
        return "BestEffort"
    guaranteed = all(
        all(part.get("limits", {}).get(name) for name in ("cpu", "memory"))
        and all(part["limits"].get(name) == value for name, value in part.get("requests", {}).items())
        for part in resources
    )
    return "Guaranteed" if guaranteed else "Burstable"

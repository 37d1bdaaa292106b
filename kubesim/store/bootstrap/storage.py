"""kind's storage: Rancher's local-path provisioner in its own namespace and the default StorageClass `standard`,
which binds a claim only once a pod that uses it is scheduled, to a directory on that pod's node."""

from __future__ import annotations

import json
from functools import partial

from kubesim.store.bootstrap.core import ensure_namespace, ensure_service_account
from kubesim.store.bootstrap.objects import Boot, Obj
from kubesim.store.bootstrap.workloads import run_deployment

NAMESPACE = "local-path-storage"
PROVISIONER = "rancher.io/local-path"
PROVISIONER_IMAGE = "docker.io/kindest/local-path-provisioner:v20260820-69b56db7"
HELPER_IMAGE = "docker.io/kindest/local-path-helper:v20260131-7181c60a"
SERVICE_ACCOUNT = "local-path-provisioner-service-account"
VOLUMES_DIRECTORY = "/var/local-path-provisioner"


def ensure_local_path_storage(boot: Boot, control_plane: Obj) -> None:
    ensure_namespace(boot, NAMESPACE)
    ensure_service_account(boot, NAMESPACE, SERVICE_ACCOUNT)
    boot.ensure("/configmaps", NAMESPACE, "local-path-config", partial(_provisioner_config, boot))
    run_deployment(boot, _provisioner(), control_plane)
    boot.ensure("storage.k8s.io/storageclasses", "", "standard", partial(_standard_storage_class, boot))


def _standard_storage_class(boot: Boot) -> Obj:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": boot.metadata("standard", annotations={"storageclass.kubernetes.io/is-default-class": "true"}),
        "provisioner": PROVISIONER,
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
    }


def _provisioner_config(boot: Boot) -> Obj:
    """Where volumes go on every node, the scripts that make and remove them, and the helper pod that runs those."""
    node_paths = {"nodePathMap": [{"node": "DEFAULT_PATH_FOR_NON_LISTED_NODES", "paths": [VOLUMES_DIRECTORY]}]}
    helper_pod = (
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: helper-pod\n"
        "spec:\n"
        "  priorityClassName: system-node-critical\n"
        "  tolerations:\n"
        "    - operator: Exists\n"
        "      effect: NoSchedule\n"
        "    - operator: Exists\n"
        "      effect: NoExecute\n"
        "  containers:\n"
        "  - name: helper-pod\n"
        f"    image: {HELPER_IMAGE}\n"
        "    imagePullPolicy: IfNotPresent"
    )
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": boot.metadata("local-path-config", NAMESPACE),
        "data": {
            "config.json": json.dumps(node_paths, indent=2),
            "setup": '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"',
            "teardown": '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"',
            "helperPod.yaml": helper_pod,
        },
    }


def _provisioner() -> Obj:
    labels = {"app": "local-path-provisioner"}
    container = {
        "name": "local-path-provisioner",
        "image": PROVISIONER_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "command": [
            "local-path-provisioner", "--debug", "start", "--helper-image", HELPER_IMAGE,
            "--config", "/etc/config/config.json",
        ],
        "env": [
            {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
            {"name": "CONFIG_MOUNT_PATH", "value": "/etc/config/"},
        ],
        "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/config/"}],
    }  # fmt: skip
    control_plane_taints = ("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master")
    return {
        "metadata": {"name": "local-path-provisioner", "namespace": NAMESPACE},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [container],
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "serviceAccountName": SERVICE_ACCOUNT,
                    "tolerations": [
                        {"key": taint, "operator": "Equal", "effect": "NoSchedule"} for taint in control_plane_taints
                    ],
                    "volumes": [{"name": "config-volume", "configMap": {"name": "local-path-config"}}],
                },
            },
        },
    }

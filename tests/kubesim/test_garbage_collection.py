"""Dependents follow their owners: background, foreground and orphan deletion, through the real kubectl."""

from __future__ import annotations

import json

from tests.kubesim.conftest import Cluster, eventually

WAIT_SECONDS = 20.0


def make_owner_and_dependent(cluster: Cluster, owner: str) -> None:
    cluster.kubectl("create", "configmap", owner)
    uid = json.loads(cluster.kubectl("get", "configmap", owner, "-o", "json").stdout)["metadata"]["uid"]
    dependent = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": f"{owner}-dependent",
            "ownerReferences": [{"apiVersion": "v1", "kind": "ConfigMap", "name": owner, "uid": uid}],
        },
    }
    cluster.kubectl("create", "-f", "-", stdin=json.dumps(dependent))


def exists(cluster: Cluster, name: str) -> bool:
    return cluster.kubectl("get", "configmap", name, check=False).returncode == 0


def test_background_deletion_takes_the_dependents(cluster: Cluster) -> None:
    make_owner_and_dependent(cluster, "bg-owner")
    cluster.kubectl("delete", "configmap", "bg-owner")
    assert eventually(lambda: not exists(cluster, "bg-owner-dependent"))


def test_foreground_deletion_removes_dependents_first(cluster: Cluster) -> None:
    make_owner_and_dependent(cluster, "fg-owner")
    cluster.kubectl("delete", "configmap", "fg-owner", "--cascade=foreground", "--timeout=30s")
    assert not exists(cluster, "fg-owner") and not exists(cluster, "fg-owner-dependent")


def test_orphan_deletion_keeps_the_dependents_without_their_owner(cluster: Cluster) -> None:
    make_owner_and_dependent(cluster, "orphan-owner")
    cluster.kubectl("delete", "configmap", "orphan-owner", "--cascade=orphan", "--timeout=30s")
    assert not exists(cluster, "orphan-owner")
    dependent = json.loads(cluster.kubectl("get", "configmap", "orphan-owner-dependent", "-o", "json").stdout)
    assert "ownerReferences" not in dependent["metadata"]


def test_the_boot_objects_keep_their_owners(cluster: Cluster) -> None:
    pods = cluster.kubectl("get", "pods", "-n", "kube-system", "-o", "name").stdout.split()
    assert any(name.startswith("pod/coredns-") for name in pods)
    assert any(name.startswith("pod/kube-proxy-") for name in pods)

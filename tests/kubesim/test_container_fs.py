"""Unit tests of the containers' filesystems (kubesim/nodes/container_fs.py) over a store of hand-written objects:
the image's tree, read-only ConfigMap and Secret mounts, emptyDirs shared by a pod's containers, the writable layer
that a restart loses, and kuard's `/fs` reading the same files."""

from __future__ import annotations

from typing import Any

import pytest

from kubesim.clock import Clock
from kubesim.nodes import container_fs
from kubesim.nodes.container_fs import (
    NO_ENTRY,
    NO_SPACE,
    READ_ONLY,
    ContainerFilesystem,
    Filesystems,
    FsError,
    Volume,
    container_env,
)
from kubesim.nodes.images import resolve
from kubesim.nodes.kuard import Kuards
from kubesim.nodes.network import Network
from kubesim.nodes.processes import Process
from kubesim.store.store import Store

KUARD = "gcr.io/kuar-demo/kuard-amd64:blue"


def _pod(name: str, uid: str, containers: list[dict[str, Any]], volumes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": "default", "uid": uid},
        "spec": {"containers": containers, "volumes": volumes, "nodeName": "kuar-worker"},
        "status": {"podIP": "10.244.1.5"},
    }


@pytest.fixture
def store() -> Store:
    store = Store(None)
    store.create(
        "/secrets",
        "default",
        "kuard-tls",
        {"metadata": {"name": "kuard-tls", "namespace": "default"}, "stringData": {"password": "s3cr3t"}},
    )
    store.create(
        "/configmaps",
        "default",
        "my-config",
        {"metadata": {"name": "my-config", "namespace": "default"}, "data": {"a": "1", "my-config.txt": "p = 1"}},
    )
    return store


MOUNTS = [
    {"name": "secret", "mountPath": "/etc/secret"},
    {"name": "config", "mountPath": "/config"},
    {"name": "scratch", "mountPath": "/scratch"},
]
VOLUMES = [
    {"name": "secret", "secret": {"secretName": "kuard-tls"}},
    {"name": "config", "configMap": {"name": "my-config"}},
    {"name": "scratch", "emptyDir": {}},
]


def _two_containers(uid: str = "uid-1") -> dict[str, Any]:
    containers = [
        {"name": "kuard", "image": KUARD, "volumeMounts": MOUNTS},
        {"name": "sidecar", "image": "busybox", "volumeMounts": [{"name": "scratch", "mountPath": "/data"}]},
    ]
    return _pod("kuard", uid, containers, VOLUMES)


def test_mounted_config_maps_and_secrets_are_there_and_read_only(store: Store) -> None:
    pod = _two_containers()
    fs = Filesystems().of(store, pod, pod["spec"]["containers"][0], "c1")
    assert fs.read("/etc/secret/password") == b"s3cr3t"
    assert fs.listdir("/config") == ["a", "my-config.txt"]
    assert "secret" in fs.listdir("/etc")
    for write in (
        lambda: fs.touch("/etc/secret/x"),
        lambda: fs.write("/config/a", b"2"),
        lambda: fs.remove("/config/a"),
    ):
        with pytest.raises(FsError) as refused:
            write()
        assert refused.value.reason == READ_ONLY
    assert fs.read("/config/a") == b"1"


def test_a_read_only_mount_of_an_empty_dir_refuses_writes(store: Store) -> None:
    mounts = [{"name": "scratch", "mountPath": "/scratch", "readOnly": True}]
    pod = _pod("p", "uid-ro", [{"name": "c", "image": "busybox", "volumeMounts": mounts}], VOLUMES)
    fs = Filesystems().of(store, pod, pod["spec"]["containers"][0], "c1")
    with pytest.raises(FsError, match=READ_ONLY):
        fs.write("/scratch/x", b"")


def test_an_empty_dir_is_shared_by_the_containers_of_its_pod_and_outlives_their_restarts(store: Store) -> None:
    filesystems = Filesystems()
    pod = _two_containers()
    kuard, sidecar = pod["spec"]["containers"]
    filesystems.of(store, pod, kuard, "kuard-1").write("/scratch/shared.txt", b"hello")
    assert filesystems.of(store, pod, sidecar, "sidecar-1").read("/data/shared.txt") == b"hello"
    assert filesystems.of(store, pod, kuard, "kuard-2").read("/scratch/shared.txt") == b"hello"  # restarted
    another_pod = _two_containers(uid="uid-2")
    assert filesystems.of(store, another_pod, kuard, "kuard-3").listdir("/scratch") == []


def test_the_writable_layer_is_lost_when_the_container_restarts(store: Store) -> None:
    filesystems = Filesystems()
    pod = _two_containers()
    kuard = pod["spec"]["containers"][0]
    first = filesystems.of(store, pod, kuard, "kuard-1")
    first.mkdir("/tmp/work/deep", parents=True)
    first.write("/tmp/work/deep/notes", b"kept until restart")
    assert filesystems.of(store, pod, kuard, "kuard-1").read("/tmp/work/deep/notes") == b"kept until restart"
    restarted = filesystems.of(store, pod, kuard, "kuard-2")
    assert restarted.node("/tmp/work") is None
    assert restarted.is_dir("/tmp")


def test_the_image_tree_and_the_files_the_kubelet_writes(store: Store) -> None:
    pod = _two_containers()
    fs = Filesystems().of(store, pod, pod["spec"]["containers"][0], "c1")
    for directory in ("/bin", "/etc", "/tmp", "/usr/bin", "/var/log", "/root", "/home", "/proc"):
        assert fs.is_dir(directory), directory
    assert fs.is_file("/kuard") and fs.is_file("/bin/sh") and fs.is_file("/bin/ash")
    assert not fs.is_file("/bin/bash")  # kuard's image is alpine: busybox, no bash
    assert fs.read("/etc/resolv.conf") == (
        b"search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
    )
    assert fs.read("/etc/hostname") == b"kuard\n"
    assert b"10.244.1.5\tkuard\n" in fs.read("/etc/hosts")


def test_a_distroless_image_has_no_shell(store: Store) -> None:
    pod = _pod("p", "u", [{"name": "pause", "image": "registry.k8s.io/pause:3.10"}], [])
    fs = Filesystems().of(store, pod, pod["spec"]["containers"][0], "c1")
    assert not fs.is_file("/bin/sh")


def test_errors_say_what_busybox_says() -> None:
    fs = ContainerFilesystem(Volume.of_files({"/etc/file": b"x"}))
    with pytest.raises(FsError, match=NO_ENTRY):
        fs.read("/nope")
    with pytest.raises(FsError, match="Not a directory"):
        fs.read("/etc/file/below")
    with pytest.raises(FsError, match="Is a directory"):
        fs.read("/etc")
    with pytest.raises(FsError, match="File exists"):
        fs.mkdir("/etc")
    with pytest.raises(FsError, match=NO_ENTRY):
        fs.write("/missing/dir/file", b"")
    fs.mkdir("/d")
    fs.write("/d/x", b"")
    with pytest.raises(FsError, match="Directory not empty"):
        fs.rmdir("/d")


def test_a_mount_point_cannot_be_removed(store: Store) -> None:
    pod = _two_containers()
    fs = Filesystems().of(store, pod, pod["spec"]["containers"][0], "c1")
    with pytest.raises(FsError, match="Resource busy"):
        fs.remove("/scratch", recursive=True)


def test_a_sub_path_mount_of_a_config_map_key_is_a_file(store: Store) -> None:
    mounts = [{"name": "config", "mountPath": "/etc/app.conf", "subPath": "my-config.txt"}]
    pod = _pod("p", "u", [{"name": "c", "image": "busybox", "volumeMounts": mounts}], VOLUMES)
    fs = Filesystems().of(store, pod, pod["spec"]["containers"][0], "c1")
    assert fs.read("/etc/app.conf") == b"p = 1"
    assert "app.conf" in fs.listdir("/etc")


def test_a_volume_has_a_size_limit(store: Store) -> None:
    fs = ContainerFilesystem(Volume())
    fs.write("/big", b"x" * (container_fs.MAX_VOLUME_BYTES - 10))
    with pytest.raises(FsError, match=NO_SPACE):
        fs.write("/more", b"y" * 11)
    fs.remove("/big")
    fs.write("/more", b"y" * 11)


def test_old_filesystems_are_dropped_past_the_bound(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(container_fs, "MAX_INSTANCES", 2)
    filesystems = Filesystems()
    pod = _two_containers()
    kuard = pod["spec"]["containers"][0]
    for container_id in ("a", "b", "c"):
        filesystems.of(store, pod, kuard, container_id)
    assert list(filesystems.instances) == ["b", "c"]


def test_the_environment_resolves_references(store: Store) -> None:
    env = [
        {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "kuard-tls", "key": "password"}}},
        {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
    ]
    container = {"name": "c", "image": KUARD, "env": env, "envFrom": [{"configMapRef": {"name": "my-config"}}]}
    resolved = container_env(store, _pod("p", "u", [container], []), container)
    assert resolved["PASSWORD"] == "s3cr3t" and resolved["NODE"] == "kuar-worker" and resolved["a"] == "1"
    assert resolved["HOSTNAME"] == "p"


def test_kuard_fs_shows_what_was_written_into_the_container(store: Store) -> None:
    network = Network(store, Kuards(), Clock())
    pod = _two_containers()
    kuard = pod["spec"]["containers"][0]
    network.filesystems.of(store, pod, kuard, "kuard-1").write("/tmp/copied.txt", b"from kubectl cp")
    model = network.kuards.of(store, pod, kuard, "kuard-1", Process.of(kuard, resolve(KUARD).image))
    assert model.handle("GET", "/fs/tmp/copied.txt", {}, b"").body == b"from kubectl cp"
    assert '<a href="copied.txt">' in model.handle("GET", "/fs/tmp/", {}, b"").body.decode()
    assert '<a href="scratch/">' in model.handle("GET", "/fs/", {}, b"").body.decode()
    assert model.handle("GET", "/fs/nothing/here", {}, b"").status == 404

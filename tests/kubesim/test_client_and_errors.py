"""The official Python client against kubesim, and the error paths a real API server has."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
import yaml
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

from tests.kubesim.conftest import Cluster


@pytest.fixture(scope="module")
def api(cluster: Cluster) -> client.ApiClient:
    return config.new_client_from_config(config_file=str(cluster.kubeconfig))


def raw(
    cluster: Cluster, method: str, path: str, body: bytes, content_type: str, token: str | None = None
) -> tuple[int, Any]:
    """A request as any HTTP client would send it, with the kubeconfig's CA and token."""
    kubeconfig = yaml.safe_load(cluster.kubeconfig.read_text())
    server = kubeconfig["clusters"][0]["cluster"]["server"]
    context = ssl.create_default_context(cafile=str(cluster.data_dir / "ca.crt"))
    request = urllib.request.Request(server + path, data=body, method=method)
    request.add_header("Content-Type", content_type)
    request.add_header("Authorization", f"Bearer {token or kubeconfig['users'][0]['user']['token']}")
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_client_lists_creates_patches_and_deletes(api: client.ApiClient) -> None:
    core = client.CoreV1Api(api)
    assert {item.metadata.name for item in core.list_namespace().items} >= {"default", "kube-system"}
    body = client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="from-python", labels={"made-by": "client"}), data={"a": "1"}
    )
    created = core.create_namespaced_config_map("default", body)
    assert created.metadata.uid and created.metadata.resource_version
    patched = core.patch_namespaced_config_map("from-python", "default", {"data": {"b": "2"}})
    assert patched.data == {"a": "1", "b": "2"}
    assert [
        cm.metadata.name for cm in core.list_namespaced_config_map("default", label_selector="made-by=client").items
    ] == ["from-python"]
    core.delete_namespaced_config_map("from-python", "default")
    with pytest.raises(ApiException) as missing:
        core.read_namespaced_config_map("from-python", "default")
    assert missing.value.status == 404


def test_client_watch_sees_a_change(api: client.ApiClient) -> None:
    core = client.CoreV1Api(api)
    seen: list[tuple[str, str]] = []

    def follow() -> None:
        stream = watch.Watch()
        for event in stream.stream(core.list_namespaced_config_map, "default", timeout_seconds=5):
            seen.append((event["type"], event["object"].metadata.name))
            if event["object"].metadata.name == "watched-by-client":
                stream.stop()

    thread = threading.Thread(target=follow)
    thread.start()
    core.create_namespaced_config_map(
        "default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="watched-by-client"))
    )
    thread.join(timeout=30)
    assert ("ADDED", "watched-by-client") in seen


def test_unknown_namespace_is_not_found(cluster: Cluster) -> None:
    result = cluster.kubectl("create", "configmap", "x", "-n", "nowhere", check=False)
    assert 'namespaces "nowhere" not found' in result.stderr


def test_bad_json_is_a_bad_request_and_the_server_keeps_serving(cluster: Cluster) -> None:
    status, body = raw(cluster, "POST", "/api/v1/namespaces/default/configmaps", b"{not json", "application/json")
    assert status == 400 and body["reason"] == "BadRequest"
    assert cluster.kubectl("get", "namespaces").returncode == 0


def test_oversized_body_is_refused(cluster: Cluster) -> None:
    huge = json.dumps(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "huge"}, "data": {"a": "x" * 4_000_000}}
    )
    try:
        status, body = raw(cluster, "POST", "/api/v1/namespaces/default/configmaps", huge.encode(), "application/json")
    except (ConnectionError, urllib.error.URLError):
        status, body = 413, {"reason": "RequestEntityTooLarge"}  # the server may close before the client reads
    assert status == 413 and body["reason"] == "RequestEntityTooLarge"
    assert cluster.kubectl("get", "configmap", "huge", check=False).returncode == 1
    assert cluster.kubectl("get", "namespaces").returncode == 0


def test_wrong_token_is_401_with_a_status(cluster: Cluster) -> None:
    status, body = raw(cluster, "GET", "/api/v1/namespaces", b"", "application/json", token="wrong")
    assert status == 401 and body["reason"] == "Unauthorized"


def test_stale_resource_version_is_a_conflict(cluster: Cluster) -> None:
    cluster.kubectl("create", "configmap", "contested")
    current = json.loads(cluster.kubectl("get", "configmap", "contested", "-o", "json").stdout)
    cluster.kubectl("label", "configmap", "contested", "changed=yes")
    current["data"] = {"late": "writer"}
    result = cluster.kubectl("replace", "-f", "-", stdin=json.dumps(current), check=False)
    assert result.returncode == 1
    assert "the object has been modified" in result.stderr


def test_bad_protobuf_is_a_bad_request(cluster: Cluster) -> None:
    status, body = raw(
        cluster,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        b"k8s\x00\x0a\xff\xff",
        "application/vnd.kubernetes.protobuf",
    )
    assert status == 400 and body["reason"] == "BadRequest"
    assert cluster.kubectl("get", "namespaces").returncode == 0


def test_generators_that_send_protobuf(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", "made-by-protobuf")
    cluster.kubectl("create", "secret", "generic", "db", "--from-literal=password=s3cret", "-n", "made-by-protobuf")
    cluster.kubectl("create", "deployment", "web", "--image=nginx:1.27", "-n", "made-by-protobuf")
    cluster.kubectl("create", "job", "once", "--image=busybox:1.36", "-n", "made-by-protobuf", "--", "true")
    names = cluster.kubectl("get", "secret,deployment,job", "-n", "made-by-protobuf", "-o", "name").stdout.split()
    assert {"secret/db", "deployment.apps/web", "job.batch/once"} <= set(names)


def test_a_request_sent_while_a_watch_streams_is_answered_after_it(cluster: Cluster) -> None:
    """A client that sends its next request on the connection before a watch ends (as urllib3 may, reusing it the
    moment the watch's last chunk arrives) loses neither the watch nor the request."""
    kubeconfig = yaml.safe_load(cluster.kubeconfig.read_text())
    host, port = kubeconfig["clusters"][0]["cluster"]["server"].removeprefix("https://").split(":")
    token = kubeconfig["users"][0]["user"]["token"]
    context = ssl.create_default_context(cafile=str(cluster.data_dir / "ca.crt"))
    head = f"Host: {host}\r\nAuthorization: Bearer {token}\r\n"
    watch = f"GET /api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=2 HTTP/1.1\r\n{head}\r\n"
    following = f"GET /api/v1/namespaces/default HTTP/1.1\r\n{head}Connection: close\r\n\r\n"
    with (
        socket.create_connection((host, int(port)), timeout=30) as raw_socket,
        context.wrap_socket(raw_socket, server_hostname=host) as tls,
    ):
        tls.sendall(watch.encode())
        received = tls.recv(65536)  # the watch's response head: it is streaming now
        tls.sendall(following.encode())
        while chunk := tls.recv(65536):
            received += chunk
    assert received.count(b"HTTP/1.1 200") == 2
    assert received.index(b"0\r\n\r\n") < received.index(b'"kind":"Namespace"')  # the watch ended first


def test_readyz_verbose_lists_its_checks(cluster: Cluster) -> None:
    verbose = cluster.kubectl("get", "--raw", "/readyz?verbose").stdout
    assert verbose.startswith("[+]ping ok\n")
    assert "[+]etcd ok" in verbose and verbose.rstrip().endswith("readyz check passed")
    assert cluster.kubectl("get", "--raw", "/livez").stdout == "ok"
    assert cluster.kubectl("get", "--raw", "/readyz/etcd").stdout == "ok"
    excluded = cluster.kubectl("get", "--raw", "/livez?verbose&exclude=etcd").stdout
    assert "[+]etcd ok" not in excluded and excluded.rstrip().endswith("livez check passed")

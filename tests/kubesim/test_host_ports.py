"""NodePort and LoadBalancer Services reached from the host (kubesim/controllers/host_ports.py): Services made with
the real kubectl, requests sent from here to the port their `kubesim.io/host-ports` annotation names."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.kubesim.conftest import Cluster, eventually, start_cluster

NAMESPACE = "host-ports"
CHAPTER = Path(__file__).resolve().parents[2] / "fixtures" / "book" / "ch08-ingress"
ANNOTATION = "kubesim.io/host-ports"


@pytest.fixture(scope="module")
def alpaca(cluster: Cluster) -> Iterator[Cluster]:
    cluster.kubectl("create", "namespace", NAMESPACE)
    cluster.kubectl("apply", "-n", NAMESPACE, "-f", str(CHAPTER / "alpaca.yaml"))
    assert eventually(lambda: len(_ready_addresses(cluster, "alpaca")) == 3), "alpaca never became ready"
    yield cluster


def _json(cluster: Cluster, *args: str) -> Any:
    return json.loads(cluster.kubectl(*args, "-o", "json").stdout)


def _ready_addresses(cluster: Cluster, service: str) -> list[str]:
    endpoints = _json(cluster, "get", "endpoints", service, "-n", NAMESPACE)
    return [a["ip"] for subset in endpoints.get("subsets") or [] for a in subset.get("addresses") or []]


def _host_ports(cluster: Cluster, service: str) -> dict[str, int]:
    """The Service's annotation as {"PORT/TCP": host port}; empty while it has none."""
    annotations = _json(cluster, "get", "service", service, "-n", NAMESPACE)["metadata"].get("annotations") or {}
    entries = [entry.split("=") for entry in (annotations.get(ANNOTATION) or "").split(",") if entry]
    return {port: int(address.rsplit(":", 1)[1]) for port, address in entries}


def _hostname(port: int, path: str = "/env/api") -> str:
    """Which pod answered kuard's /env/api on the host port, over a connection of its own."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return str(json.loads(response.read())["env"]["HOSTNAME"])
    finally:
        connection.close()


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def _events(cluster: Cluster, name: str) -> list[tuple[str, str, str]]:
    selector = f"involvedObject.name={name},involvedObject.kind=Service"
    items = _json(cluster, "get", "events", "-n", NAMESPACE, "--field-selector", selector)["items"]
    return [(item["type"], item["reason"], item["message"]) for item in items]


def test_a_node_port_service_answers_on_its_node_port_spreading_over_ready_pods(alpaca: Cluster) -> None:
    alpaca.kubectl("expose", "deployment", "alpaca", "-n", NAMESPACE, "--name=alpaca-np", "--type=NodePort")
    ports = eventually(lambda: _host_ports(alpaca, "alpaca-np"))
    node_port = _json(alpaca, "get", "service", "alpaca-np", "-n", NAMESPACE)["spec"]["ports"][0]["nodePort"]
    assert list(ports) == ["8080/TCP"]
    assert ports["8080/TCP"] == node_port or ("Warning", "NodePortUnavailable") in [
        e[:2] for e in _events(alpaca, "alpaca-np")
    ]
    answered = {_hostname(ports["8080/TCP"]) for _ in range(6)}
    assert len(answered) == 3 and all(name.startswith("alpaca-") for name in answered)


def test_a_load_balancer_service_is_reachable_and_closes_when_deleted(alpaca: Cluster) -> None:
    alpaca.kubectl("expose", "deployment", "alpaca", "-n", NAMESPACE, "--name=alpaca-lb", "--type=LoadBalancer",
                   "--port=80", "--target-port=8080")  # fmt: skip
    port = eventually(lambda: _host_ports(alpaca, "alpaca-lb")).get("80/TCP")
    assert port and _hostname(port).startswith("alpaca-")
    alpaca.kubectl("delete", "service", "alpaca-lb", "-n", NAMESPACE)
    assert eventually(lambda: _refused(port)), "the listener stayed open after the Service was deleted"


def test_a_service_that_stops_being_node_port_loses_its_listener_and_annotation(alpaca: Cluster) -> None:
    alpaca.kubectl("expose", "deployment", "alpaca", "-n", NAMESPACE, "--name=alpaca-switch", "--type=NodePort")
    port = eventually(lambda: _host_ports(alpaca, "alpaca-switch")).get("8080/TCP")
    assert port and _hostname(port).startswith("alpaca-")
    patch = {"spec": {"type": "ClusterIP", "ports": [{"port": 8080, "targetPort": 8080, "nodePort": None}]}}
    alpaca.kubectl("patch", "service", "alpaca-switch", "-n", NAMESPACE, "--type=merge", "-p", json.dumps(patch))
    assert eventually(lambda: not _host_ports(alpaca, "alpaca-switch"))
    assert eventually(lambda: _refused(port))


def test_a_taken_node_port_falls_back_to_a_free_port_with_a_warning(alpaca: Cluster) -> None:
    with socket.socket() as squatter:
        taken = next(port for port in range(32767, 30000, -1) if _bound(squatter, port))
        squatter.listen()
        service = {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "alpaca-taken", "namespace": NAMESPACE},
            "spec": {"type": "NodePort", "selector": {"app": "alpaca"}, "ports": [{"port": 8080, "nodePort": taken}]},
        }
        alpaca.kubectl("apply", "-f", "-", stdin=json.dumps(service))
        port = eventually(lambda: _host_ports(alpaca, "alpaca-taken")).get("8080/TCP")
        assert port and port != taken and _hostname(port).startswith("alpaca-")
        message = f"node port {taken} is taken on the host: port 8080/TCP listens on 127.0.0.1:{port}"
        assert ("Warning", "NodePortUnavailable", message) in _events(alpaca, "alpaca-taken")


def _bound(sock: socket.socket, port: int) -> bool:
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        return False
    return True


def test_with_no_ready_endpoint_the_connection_closes_without_an_answer(alpaca: Cluster) -> None:
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "nobody", "namespace": NAMESPACE},
        "spec": {"type": "NodePort", "selector": {"app": "nobody"}, "ports": [{"port": 8080}]},
    }
    alpaca.kubectl("apply", "-f", "-", stdin=json.dumps(service))
    port = eventually(lambda: _host_ports(alpaca, "nobody")).get("8080/TCP")
    assert port
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        _hostname(port)


def test_host_ports_and_the_ingress_ports_come_back_after_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = start_cluster(data_dir)
    try:
        first.kubectl("create", "namespace", NAMESPACE)
        first.kubectl("apply", "-n", NAMESPACE, "-f", str(CHAPTER / "alpaca.yaml"))
        first.kubectl("expose", "deployment", "alpaca", "-n", NAMESPACE, "--name=alpaca-np", "--type=NodePort")
        port = eventually(lambda: _host_ports(first, "alpaca-np")).get("8080/TCP")
        ingress_ports = _json(first, "get", "ingressclass", "kubesim")["metadata"]["annotations"][ANNOTATION]
    finally:
        first.stop()
    assert port and _refused(port)
    second = start_cluster(data_dir)
    try:
        assert eventually(lambda: len(_ready_addresses(second, "alpaca")) == 3), "alpaca never became ready again"
        assert eventually(lambda: _host_ports(second, "alpaca-np").get("8080/TCP")) == port
        assert _hostname(port).startswith("alpaca-")
        reopened = _json(second, "get", "ingressclass", "kubesim")["metadata"]["annotations"][ANNOTATION]
        assert reopened == ingress_ports  # the ingress listeners took last run's ports again
    finally:
        second.stop()


def test_kubesim_ports_lists_the_ingress_and_the_services_host_ports(alpaca: Cluster) -> None:
    alpaca.kubectl("expose", "deployment", "alpaca", "-n", NAMESPACE, "--name=alpaca-listed", "--type=NodePort")
    port = eventually(lambda: _host_ports(alpaca, "alpaca-listed")).get("8080/TCP")
    command = [sys.executable, "-m", "kubesim", "ports", "--data-dir", str(alpaca.data_dir)]
    lines = [
        line.split() for line in subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()
    ]
    assert lines[0] == ["NAMESPACE", "NAME", "PORT", "ADDRESS"]
    assert [NAMESPACE, "service/alpaca-listed", "8080/TCP", f"http://127.0.0.1:{port}"] in lines
    assert [line[:2] for line in lines[1:3]] == [
        ["ingressclass/kubesim", "80/TCP"],
        ["ingressclass/kubesim", "443/TCP"],
    ]

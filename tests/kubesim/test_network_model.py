"""Unit tests of the in-cluster network model (kubesim/nodes/network.py) over a store of hand-written objects."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from kubesim.clock import Clock
from kubesim.nodes.kuard import Kuards
from kubesim.nodes.network import Answer, Network, candidates
from kubesim.store.store import Store


def _service(store: Store, name: str, spec: dict[str, Any], namespace: str = "default") -> None:
    store.create("/services", namespace, name, {"metadata": {"name": name, "namespace": namespace}, "spec": spec})


def _pod(store: Store, name: str, ip: str, namespace: str = "default") -> None:
    obj = {"metadata": {"name": name, "namespace": namespace}, "spec": {}, "status": {"podIP": ip}}
    store.create("/pods", namespace, name, obj)


def _address(ip: str, pod: str, hostname: str = "") -> dict[str, Any]:
    address: dict[str, Any] = {"ip": ip, "targetRef": {"kind": "Pod", "name": pod}}
    if hostname:
        address["hostname"] = hostname
    return address


def _endpoints(store: Store, name: str, ready: list[dict[str, Any]], not_ready: list[dict[str, Any]]) -> None:
    subset = {"addresses": ready, "notReadyAddresses": not_ready, "ports": [{"name": "http", "port": 8080}]}
    store.create(
        "/endpoints", "default", name, {"metadata": {"name": name, "namespace": "default"}, "subsets": [subset]}
    )


@pytest.fixture
def network() -> Network:
    store = Store(None)
    _service(store, "kubernetes", {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443}]})
    _service(store, "alpaca-prod", {"clusterIP": "10.96.4.4", "ports": [{"name": "http", "port": 8080}]})
    _service(store, "mongo", {"clusterIP": "None", "ports": [{"name": "http", "port": 8080}]})
    _service(store, "db", {"type": "ExternalName", "externalName": "database.example.com"}, namespace="prod")
    for index, ip in enumerate(["10.244.1.5", "10.244.2.6", "10.244.1.7"]):
        _pod(store, f"alpaca-{index}", ip)
    _endpoints(
        store,
        "alpaca-prod",
        ready=[_address("10.244.1.5", "alpaca-0"), _address("10.244.2.6", "alpaca-1")],
        not_ready=[_address("10.244.1.7", "alpaca-2")],
    )
    _pod(store, "mongo-0", "10.244.1.9")
    _pod(store, "mongo-1", "10.244.2.9")
    _endpoints(
        store,
        "mongo",
        ready=[_address("10.244.1.9", "mongo-0", "mongo-0")],
        not_ready=[_address("10.244.2.9", "mongo-1", "mongo-1")],
    )
    return Network(store, Kuards(), Clock())


def test_short_names_go_through_the_search_path_before_being_tried_as_given() -> None:
    assert candidates("alpaca-prod", "default") == [
        "alpaca-prod.default.svc.cluster.local",
        "alpaca-prod.svc.cluster.local",
        "alpaca-prod.cluster.local",
        "alpaca-prod",
    ]
    assert candidates("alpaca-prod.default.svc.cluster.local.", "x") == ["alpaca-prod.default.svc.cluster.local"]


@pytest.mark.parametrize(
    ("name", "namespace"),
    [
        ("alpaca-prod", "default"),
        ("alpaca-prod.default", "prod"),
        ("alpaca-prod.default.svc", "prod"),
        ("alpaca-prod.default.svc.cluster.local", "prod"),
        ("ALPACA-PROD.default.svc.cluster.local.", "prod"),
    ],
)
def test_a_service_name_answers_with_its_cluster_ip(network: Network, name: str, namespace: str) -> None:
    assert network.lookup(name, namespace) == Answer("alpaca-prod.default.svc.cluster.local", ("10.96.4.4",))


def test_kubernetes_default_is_the_api_server(network: Network) -> None:
    assert network.lookup("kubernetes.default", "prod") == Answer(
        "kubernetes.default.svc.cluster.local", ("10.96.0.1",)
    )


def test_headless_services_answer_with_ready_pod_ips_and_statefulset_pods_by_hostname(network: Network) -> None:
    assert network.lookup("mongo", "default") == Answer("mongo.default.svc.cluster.local", ("10.244.1.9",))
    assert network.lookup("mongo-0.mongo", "default") == Answer(
        "mongo-0.mongo.default.svc.cluster.local", ("10.244.1.9",)
    )
    assert network.lookup("mongo-0.mongo.default.svc.cluster.local", "prod") is not None
    assert network.lookup("mongo-1.mongo", "default") is None  # not ready: not published


def test_external_name_is_a_cname_and_unknown_names_are_nxdomain(network: Network) -> None:
    assert network.lookup("db", "prod") == Answer("db.prod.svc.cluster.local", cname="database.example.com")
    assert network.lookup("db", "default") is None
    assert network.lookup("alpaca-prod", "prod") is None
    assert network.lookup("alpaca-prod.nowhere", "default") is None
    assert network.lookup("example.com", "default") is None


def test_a_cluster_ip_spreads_connections_over_ready_endpoints_only(network: Network) -> None:
    landed = Counter()
    for _ in range(10):
        target = network.connect("10.96.4.4", 8080)
        assert target is not None
        landed[target.pod["metadata"]["name"], target.port] += 1
    assert landed == {("alpaca-0", 8080): 5, ("alpaca-1", 8080): 5}


def test_a_pod_ip_reaches_that_pod_and_nothing_else_connects(network: Network) -> None:
    target = network.connect("10.244.1.7", 9000)
    assert target is not None and (target.pod["metadata"]["name"], target.port) == ("alpaca-2", 9000)
    assert network.connect("10.96.4.4", 80) is None  # the Service has no such port
    assert network.connect("10.1.2.3", 80) is None


def test_nslookup_prints_as_busybox_does(network: Network) -> None:
    assert network.tool("default", "nslookup", ["alpaca-prod"]) == (
        0,
        ["Server:\t\t10.96.0.10", "Address:\t10.96.0.10:53", "", "Name:\talpaca-prod.default.svc.cluster.local",
         "Address: 10.96.4.4", ""],
    )  # fmt: skip
    status, lines = network.tool("default", "nslookup", ["nosuch"])
    assert (status, lines[-2]) == (1, "** server can't find nosuch: NXDOMAIN")


def test_wget_and_curl_fail_as_they_do_on_a_name_or_a_port_that_leads_nowhere(network: Network) -> None:
    assert network.tool("default", "wget", ["-qO-", "http://nosuch:8080/"]) == (1, ["wget: bad address 'nosuch:8080'"])
    assert network.tool("default", "curl", ["http://nosuch/"]) == (6, ["curl: (6) Could not resolve host: nosuch"])
    # the endpoints' pods have no running container listening on 8080: refused
    assert network.tool("default", "wget", ["-qO-", "http://alpaca-prod:8080/"]) == (
        1,
        ["wget: can't connect to remote host (10.96.4.4): Connection refused"],
    )
    assert network.tool("default", "curl", ["-s", "alpaca-prod:8080"])[0] == 7


def test_kuards_dns_page_answers_with_the_message_as_text(network: Network) -> None:
    result = network.dig("default", "alpaca-prod", "A")
    assert "status: NOERROR" in result and ";alpaca-prod.default.svc.cluster.local.\tIN\t A" in result
    assert "alpaca-prod.default.svc.cluster.local.\t30\tIN\tA\t10.96.4.4" in result
    assert "status: NXDOMAIN" in network.dig("default", "nosuch", "A")

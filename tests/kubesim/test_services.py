"""Services as chapter 7 of the book ("Service Discovery") uses them: endpoints, EndpointSlices, node ports,
load balancers, headless and ExternalName Services, all kept by the controllers from the pods the scheduler and
the simulated kubelets run."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from typing import Any

import pytest
from kubernetes import client, config

from tests.kubesim.conftest import Cluster, eventually

NAMESPACE = "services-test"
WAIT_SECONDS = 30.0
KUARD = "gcr.io/kuar-demo/kuard-amd64:blue"
DEPRECATION = "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
LOAD_BALANCER_RANGE = (ipaddress.ip_address("172.18.255.200"), ipaddress.ip_address("172.18.255.254"))


def get(cluster: Cluster, *args: str) -> Any:
    return json.loads(cluster.kubectl("get", "-n", NAMESPACE, *args, "-o", "json").stdout)


def ready_pod_ips(cluster: Cluster, selector: str) -> set[str]:
    return {
        pod["status"]["podIP"]
        for pod in get(cluster, "pods", "-l", selector)["items"]
        if not pod["metadata"].get("deletionTimestamp")
        and pod.get("status", {}).get("podIP")
        and any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", []))
    }


def endpoint_addresses(cluster: Cluster, name: str, field: str = "addresses") -> set[str]:
    found = cluster.kubectl("get", "endpoints", name, "-n", NAMESPACE, "-o", "json", check=False)
    if found.returncode != 0:
        return set()
    return {
        address["ip"] for subset in json.loads(found.stdout).get("subsets") or [] for address in subset.get(field) or []
    }


def slices(cluster: Cluster, service: str) -> list[dict[str, Any]]:
    return list(get(cluster, "endpointslices", "-l", f"kubernetes.io/service-name={service}")["items"])


def slice_endpoints(cluster: Cluster, service: str) -> dict[str, dict[str, Any]]:
    """Each endpoint of the Service's slices, by its address."""
    return {
        endpoint["addresses"][0]: endpoint
        for found in slices(cluster, service)
        for endpoint in found.get("endpoints") or []
    }


@pytest.fixture(scope="module")
def kuard(cluster: Cluster) -> Iterator[set[str]]:
    """The book's Deployment of three kuard replicas, running and ready: yields their pod IPs."""
    cluster.kubectl("create", "namespace", NAMESPACE)
    cluster.kubectl("create", "deployment", "kuard", "-n", NAMESPACE, f"--image={KUARD}", "--replicas=3", "--port=8080")
    assert eventually(lambda: len(ready_pod_ips(cluster, "app=kuard")) == 3, 45.0)
    yield ready_pod_ips(cluster, "app=kuard")


def test_an_exposed_deployment_has_its_ready_pods_as_endpoints(cluster: Cluster, kuard: set[str]) -> None:
    cluster.kubectl("expose", "deployment", "kuard", "-n", NAMESPACE, "--type=NodePort", "--port=8080")
    assert eventually(lambda: endpoint_addresses(cluster, "kuard") == kuard)

    listed = cluster.kubectl("get", "endpoints", "kuard", "-n", NAMESPACE)
    assert DEPRECATION in listed.stderr
    assert all(f"{ip}:8080" in listed.stdout for ip in sorted(kuard)[:3])
    endpoints = get(cluster, "endpoints", "kuard")
    assert endpoints["metadata"]["labels"]["endpoints.kubernetes.io/managed-by"] == "endpoint-controller"
    assert endpoints["metadata"]["labels"]["app"] == "kuard"
    (subset,) = endpoints["subsets"]
    assert subset["ports"] == [{"port": 8080, "protocol": "TCP"}]
    assert {a["targetRef"]["name"] for a in subset["addresses"]} == {
        pod["metadata"]["name"] for pod in get(cluster, "pods", "-l", "app=kuard")["items"]
    }
    assert all(a["nodeName"].startswith("kuar-worker") for a in subset["addresses"])

    assert eventually(lambda: set(slice_endpoints(cluster, "kuard")) == kuard)
    (found,) = slices(cluster, "kuard")
    assert found["metadata"]["name"].startswith("kuard-")
    assert found["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"] == "endpointslice-controller.k8s.io"
    assert found["metadata"]["ownerReferences"][0]["kind"] == "Service"
    assert found["addressType"] == "IPv4"
    assert all(e["conditions"] == {"ready": True, "serving": True, "terminating": False} for e in found["endpoints"])
    assert "8080" in cluster.kubectl("get", "endpointslices", "-n", NAMESPACE).stdout

    described = cluster.kubectl("describe", "service", "kuard", "-n", NAMESPACE).stdout
    endpoints_line = next(line for line in described.splitlines() if line.startswith("Endpoints:"))
    assert all(f"{ip}:8080" in endpoints_line for ip in kuard)
    node_port = get(cluster, "service", "kuard")["spec"]["ports"][0]["nodePort"]
    assert 30000 <= node_port <= 32767
    assert f"8080:{node_port}/TCP" in cluster.kubectl("get", "service", "kuard", "-n", NAMESPACE).stdout


def test_pods_failing_their_readiness_probe_are_not_ready_addresses(cluster: Cluster, kuard: set[str]) -> None:
    probe = {"httpGet": {"path": "/ready", "port": 8081}, "periodSeconds": 2}  # nothing listens on 8081
    pods = [("ready-one", None), ("never-ready", probe)]
    for name, readiness in pods:
        container = {"name": "kuard", "image": KUARD, "ports": [{"containerPort": 8080}]}
        if readiness:
            container["readinessProbe"] = readiness
        manifest = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": NAMESPACE, "labels": {"app": "mixed"}},
            "spec": {"containers": [container]},
        }
        cluster.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))
    cluster.kubectl("create", "service", "clusterip", "mixed", "-n", NAMESPACE, "--tcp=80:8080")

    def ip_of(name: str) -> str:
        return str(get(cluster, "pod", name).get("status", {}).get("podIP") or "")

    assert eventually(lambda: bool(ip_of("ready-one") and ip_of("never-ready")))
    ready_ip, unready_ip = ip_of("ready-one"), ip_of("never-ready")
    assert eventually(
        lambda: (
            endpoint_addresses(cluster, "mixed") == {ready_ip}
            and endpoint_addresses(cluster, "mixed", "notReadyAddresses") == {unready_ip}
        )
    )
    assert eventually(lambda: set(slice_endpoints(cluster, "mixed")) == {ready_ip, unready_ip})

    discovery = client.DiscoveryV1Api(config.new_client_from_config(config_file=str(cluster.kubeconfig)))
    listed = discovery.list_namespaced_endpoint_slice(NAMESPACE, label_selector="kubernetes.io/service-name=mixed")
    conditions = {e.addresses[0]: e.conditions for item in listed.items for e in item.endpoints or []}
    assert (conditions[ready_ip].ready, conditions[ready_ip].serving) == (True, True)
    assert (conditions[unready_ip].ready, conditions[unready_ip].serving) == (False, False)
    assert conditions[unready_ip].terminating is False

    described = cluster.kubectl("describe", "service", "mixed", "-n", NAMESPACE).stdout
    endpoints_line = next(line for line in described.splitlines() if line.startswith("Endpoints:"))
    assert f"{ready_ip}:8080" in endpoints_line and unready_ip not in endpoints_line


def test_a_named_target_port_is_looked_up_in_each_pod(cluster: Cluster, kuard: set[str]) -> None:
    servers = [("web-nginx", "nginx:1.27", 80), ("web-kuard", KUARD, 8080)]
    for name, image, port in servers:
        manifest = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": NAMESPACE, "labels": {"tier": "web"}},
            "spec": {
                "containers": [{"name": "web", "image": image, "ports": [{"name": "http", "containerPort": port}]}]
            },
        }
        cluster.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": NAMESPACE},
        "spec": {"selector": {"tier": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]},
    }
    cluster.kubectl("apply", "-f", "-", stdin=json.dumps(service))
    assert eventually(lambda: len(ready_pod_ips(cluster, "tier=web")) == 2)
    ips = {name: get(cluster, "pod", name)["status"]["podIP"] for name, _, _ in servers}

    def ports_by_ip() -> dict[str, int]:
        found = get(cluster, "endpoints", "web").get("subsets") or []
        return {a["ip"]: subset["ports"][0]["port"] for subset in found for a in subset.get("addresses") or []}

    # Each pod numbers "http" its own way: one subset per number, as the controller repacks them.
    assert eventually(lambda: ports_by_ip() == {ips["web-nginx"]: 80, ips["web-kuard"]: 8080})
    assert len(get(cluster, "endpoints", "web")["subsets"]) == 2
    assert eventually(
        lambda: (
            {(s["ports"][0]["port"], s["endpoints"][0]["addresses"][0]) for s in slices(cluster, "web")}
            == {(80, ips["web-nginx"]), (8080, ips["web-kuard"])}
        )
    )
    described = cluster.kubectl("describe", "service", "web", "-n", NAMESPACE).stdout
    assert f"{ips['web-nginx']}:80" in described and f"{ips['web-kuard']}:8080" in described


def test_a_headless_service_publishes_pod_hostnames(cluster: Cluster, kuard: set[str]) -> None:
    for name in ("db-0", "db-1"):
        manifest = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": NAMESPACE, "labels": {"app": "db"}},
            "spec": {
                "hostname": name,
                "subdomain": "db",
                "containers": [{"name": "redis", "image": "redis:7", "ports": [{"containerPort": 6379}]}],
            },
        }
        cluster.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))
    cluster.kubectl("create", "service", "clusterip", "db", "-n", NAMESPACE, "--clusterip=None", "--tcp=6379:6379")
    assert "None" in cluster.kubectl("get", "service", "db", "-n", NAMESPACE).stdout
    assert eventually(lambda: len(endpoint_addresses(cluster, "db")) == 2)

    endpoints = get(cluster, "endpoints", "db")
    assert endpoints["metadata"]["labels"]["service.kubernetes.io/headless"] == ""
    assert {a["hostname"] for s in endpoints["subsets"] for a in s["addresses"]} == {"db-0", "db-1"}
    assert eventually(lambda: {e.get("hostname") for e in slice_endpoints(cluster, "db").values()} == {"db-0", "db-1"})
    assert all(s["metadata"]["labels"]["service.kubernetes.io/headless"] == "" for s in slices(cluster, "db"))


def test_an_external_name_service_has_no_endpoints(cluster: Cluster, kuard: set[str]) -> None:
    cluster.kubectl("create", "service", "externalname", "search", "-n", NAMESPACE, "--external-name=example.com")
    listed = cluster.kubectl("get", "service", "search", "-n", NAMESPACE).stdout.splitlines()[1].split()
    assert listed[1:4] == ["ExternalName", "<none>", "example.com"]
    # A Service made after it gets its endpoints: the controllers have looked at the ExternalName one too.
    cluster.kubectl("create", "service", "clusterip", "after-search", "-n", NAMESPACE, "--tcp=80:8080")
    assert eventually(
        lambda: bool(cluster.kubectl("get", "endpoints", "after-search", "-n", NAMESPACE, check=False).stdout)
    )
    assert eventually(lambda: len(slices(cluster, "after-search")) == 1)
    missing = cluster.kubectl("get", "endpoints", "search", "-n", NAMESPACE, check=False)
    assert missing.returncode != 0 and "NotFound" in missing.stderr
    assert slices(cluster, "search") == []


def test_changing_the_type_allocates_and_frees_node_ports(cluster: Cluster, kuard: set[str]) -> None:
    cluster.kubectl("create", "service", "clusterip", "ports", "-n", NAMESPACE, "--tcp=80:8080")
    assert "nodePort" not in get(cluster, "service", "ports")["spec"]["ports"][0]

    cluster.kubectl("patch", "service", "ports", "-n", NAMESPACE, "-p", '{"spec": {"type": "NodePort"}}')
    node_port = get(cluster, "service", "ports")["spec"]["ports"][0]["nodePort"]
    assert 30000 <= node_port <= 32767
    assert f"80:{node_port}/TCP" in cluster.kubectl("get", "service", "ports", "-n", NAMESPACE).stdout

    cluster.kubectl("patch", "service", "ports", "-n", NAMESPACE, "-p", '{"spec": {"type": "ClusterIP"}}')
    spec = get(cluster, "service", "ports")["spec"]
    assert "nodePort" not in spec["ports"][0] and "externalTrafficPolicy" not in spec
    # The port is free again: another Service may ask for it.
    cluster.kubectl(
        "create", "service", "nodeport", "port-taker", "-n", NAMESPACE, "--tcp=80:8080", f"--node-port={node_port}"
    )
    assert get(cluster, "service", "port-taker")["spec"]["ports"][0]["nodePort"] == node_port
    wanted_back = [
        {"op": "replace", "path": "/spec/type", "value": "NodePort"},
        {"op": "add", "path": "/spec/ports/0/nodePort", "value": node_port},
    ]
    taken = cluster.kubectl(
        "patch", "service", "ports", "-n", NAMESPACE, "--type=json", "-p", json.dumps(wanted_back), check=False
    )
    assert taken.returncode != 0 and "provided port is already allocated" in taken.stderr

    cluster.kubectl(
        "patch",
        "service",
        "ports",
        "-n",
        NAMESPACE,
        "-p",
        '{"spec": {"type": "ExternalName", "externalName": "example.org"}}',
    )
    spec = get(cluster, "service", "ports")["spec"]
    assert "clusterIP" not in spec and "ipFamilies" not in spec


def load_balancer_ip(cluster: Cluster, name: str) -> str:
    ingress = (get(cluster, "service", name).get("status", {}).get("loadBalancer") or {}).get("ingress") or []
    return str(ingress[0]["ip"]) if ingress else ""


def test_a_load_balancer_gets_an_external_ip(cluster: Cluster, kuard: set[str]) -> None:
    cluster.kubectl(
        "expose", "deployment", "kuard", "-n", NAMESPACE, "--name=kuard-lb", "--type=LoadBalancer", "--port=80",
        "--target-port=8080",
    )  # fmt: skip
    assert eventually(lambda: bool(load_balancer_ip(cluster, "kuard-lb")))
    address = load_balancer_ip(cluster, "kuard-lb")
    assert LOAD_BALANCER_RANGE[0] <= ipaddress.ip_address(address) <= LOAD_BALANCER_RANGE[1]
    row = cluster.kubectl("get", "service", "kuard-lb", "-n", NAMESPACE).stdout.splitlines()[1].split()
    assert row[1] == "LoadBalancer" and row[3] == address
    service = get(cluster, "service", "kuard-lb")
    assert "service.kubernetes.io/load-balancer-cleanup" in service["metadata"]["finalizers"]
    assert service["status"]["loadBalancer"]["ingress"][0]["ports"] == [{"port": 80, "protocol": "TCP"}]
    assert eventually(lambda: endpoint_addresses(cluster, "kuard-lb") == ready_pod_ips(cluster, "app=kuard"))
    described = cluster.kubectl("describe", "service", "kuard-lb", "-n", NAMESPACE).stdout
    assert f"LoadBalancer Ingress:     {address} (Proxy)" in described
    assert "EnsuringLoadBalancer" in described and "EnsuredLoadBalancer" in described

    cluster.kubectl("create", "service", "loadbalancer", "second-lb", "-n", NAMESPACE, "--tcp=80:8080")
    assert eventually(lambda: bool(load_balancer_ip(cluster, "second-lb")))
    second = load_balancer_ip(cluster, "second-lb")
    assert second != address

    # The type changes away: the address goes from the status at once, the load balancer behind it after.
    cluster.kubectl("patch", "service", "kuard-lb", "-n", NAMESPACE, "-p", '{"spec": {"type": "ClusterIP"}}')
    row = cluster.kubectl("get", "service", "kuard-lb", "-n", NAMESPACE).stdout.splitlines()[1].split()
    assert row[1] == "ClusterIP" and row[3] == "<none>"

    def released() -> bool:
        described = cluster.kubectl("describe", "service", "kuard-lb", "-n", NAMESPACE).stdout
        return "DeletedLoadBalancer" in described and "LoadBalancer -> ClusterIP" in described

    assert eventually(released)
    assert not get(cluster, "service", "kuard-lb")["metadata"].get("finalizers")
    # A released address is handed out again.
    cluster.kubectl("create", "service", "loadbalancer", "third-lb", "-n", NAMESPACE, "--tcp=80:8080")
    assert eventually(lambda: load_balancer_ip(cluster, "third-lb") == address)
    cluster.kubectl("delete", "service", "second-lb", "-n", NAMESPACE)
    assert cluster.kubectl("get", "service", "second-lb", "-n", NAMESPACE, check=False).returncode != 0


def endpoint_pods(cluster: Cluster, name: str) -> set[str]:
    """The pods the Service's Endpoints list as ready (a replacement may well get the address its victim had)."""
    found = get(cluster, "endpoints", name).get("subsets") or []
    return {address["targetRef"]["name"] for subset in found for address in subset.get("addresses") or []}


def ready_pod_names(cluster: Cluster, selector: str) -> set[str]:
    return {
        pod["metadata"]["name"]
        for pod in get(cluster, "pods", "-l", selector)["items"]
        if not pod["metadata"].get("deletionTimestamp")
        and any(c["type"] == "Ready" and c["status"] == "True" for c in pod.get("status", {}).get("conditions", []))
    }


def test_endpoints_follow_pods_going_and_coming(cluster: Cluster, kuard: set[str]) -> None:
    cluster.kubectl("expose", "deployment", "kuard", "-n", NAMESPACE, "--name=kuard-follow", "--port=8080")
    assert eventually(lambda: endpoint_pods(cluster, "kuard-follow") == ready_pod_names(cluster, "app=kuard"))
    victim = sorted(endpoint_pods(cluster, "kuard-follow"))[0]

    cluster.kubectl("delete", "pod", victim, "-n", NAMESPACE, "--wait=false")
    assert eventually(lambda: victim not in endpoint_pods(cluster, "kuard-follow"))
    # The ReplicaSet replaces the pod: once its replacement is ready, it is an endpoint too.
    assert eventually(
        lambda: (
            len(ready_pod_names(cluster, "app=kuard") - {victim}) == 3
            and endpoint_pods(cluster, "kuard-follow") == ready_pod_names(cluster, "app=kuard")
        ),
        45.0,
    )
    assert eventually(lambda: set(slice_endpoints(cluster, "kuard-follow")) == ready_pod_ips(cluster, "app=kuard"))


def test_a_terminating_pod_leaves_the_endpoints_and_stays_in_its_slice_as_terminating(
    cluster: Cluster, kuard: set[str]
) -> None:
    # A shell ignores SIGTERM: the pod terminates for its whole grace period, still serving meanwhile.
    manifest = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "slow-stop", "namespace": NAMESPACE, "labels": {"app": "slow"}},
        "spec": {
            "terminationGracePeriodSeconds": 600,
            "containers": [
                {"name": "shell", "image": "busybox:1.36", "command": ["sh", "-c", "while true; do sleep 1; done"]}
            ],
        },
    }
    cluster.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))
    cluster.kubectl("create", "service", "clusterip", "slow", "-n", NAMESPACE, "--tcp=80:8080")
    assert eventually(lambda: len(endpoint_addresses(cluster, "slow")) == 1)
    (address,) = endpoint_addresses(cluster, "slow")

    cluster.kubectl("delete", "pod", "slow-stop", "-n", NAMESPACE, "--wait=false")
    assert eventually(lambda: endpoint_addresses(cluster, "slow") == set())
    assert get(cluster, "pod", "slow-stop")["metadata"].get("deletionTimestamp")
    assert eventually(
        lambda: (
            (slice_endpoints(cluster, "slow").get(address) or {}).get("conditions")
            == {"ready": False, "serving": True, "terminating": True}
        )
    )
    cluster.kubectl("delete", "pod", "slow-stop", "-n", NAMESPACE, "--grace-period=0", "--force")
    assert eventually(lambda: slice_endpoints(cluster, "slow") == {})


def test_endpoints_of_a_service_without_selector_are_the_users(cluster: Cluster, kuard: set[str]) -> None:
    manifest = """\
apiVersion: v1
kind: Service
metadata: {name: external-db, namespace: services-test}
spec:
  ports: [{port: 5432}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: external-db, namespace: services-test}
subsets:
- addresses: [{ip: 192.168.10.5}]
  ports: [{port: 5432}]
"""
    cluster.kubectl("apply", "-f", "-", stdin=manifest)
    before = get(cluster, "endpoints", "external-db")
    cluster.kubectl("create", "service", "clusterip", "after-external", "-n", NAMESPACE, "--tcp=80:8080")
    assert eventually(lambda: len(slices(cluster, "after-external")) == 1)
    after = get(cluster, "endpoints", "external-db")
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
    assert endpoint_addresses(cluster, "external-db") == {"192.168.10.5"}

    cluster.kubectl("delete", "service", "kuard", "-n", NAMESPACE)
    assert eventually(
        lambda: cluster.kubectl("get", "endpoints", "kuard", "-n", NAMESPACE, check=False).returncode != 0
    )
    assert eventually(lambda: slices(cluster, "kuard") == [])

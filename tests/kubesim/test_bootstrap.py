"""A new kubesim cluster holds what a reader meets in a kind cluster: nodes and their leases, kube-system's control
plane and add-ons, local-path storage, and every namespace's default ServiceAccount and root CA."""

from __future__ import annotations

import base64
import ipaddress
import re
from pathlib import Path
from typing import Any

import pytest

from kubesim.api.selectors import parse_label_selector
from kubesim.api.virtual import COMPONENT_STATUS_WARNING, component_status, component_statuses
from kubesim.store.bootstrap import NAMESPACES, bootstrap, node_names
from kubesim.store.store import Store
from tests.kubesim.conftest import Cluster

CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBkubesimtest\n-----END CERTIFICATE-----\n"
PAIRS = {"ReplicaSet": "apps/replicasets", "DaemonSet": "apps/daemonsets", "Node": "/nodes"}
Obj = dict[str, Any]


@pytest.fixture
def store() -> Store:
    store = Store(None)
    bootstrap(store, workers=2, ca_pem=CA_PEM)
    return store


def pods(store: Store, namespace: str | None = None) -> list[Obj]:
    return store.list("/pods", namespace)


def labelled(store: Store, namespace: str, **labels: str) -> list[Obj]:
    return [pod for pod in pods(store, namespace) if labels.items() <= pod["metadata"].get("labels", {}).items()]


def node_address(node: Obj) -> str:
    return next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")


def snapshot(store: Store) -> dict[str, list[Obj]]:
    return {resource: store.list(resource) for resource in store.resources()}


# -- namespaces and what every namespace gets ----------------------------------------------------------------------


def test_namespaces_include_local_path_storage(store: Store) -> None:
    names = [ns["metadata"]["name"] for ns in store.list("/namespaces")]
    assert sorted(names) == sorted(NAMESPACES)
    assert "local-path-storage" in names


def test_every_namespace_has_a_default_service_account_and_the_root_ca(store: Store) -> None:
    for namespace in NAMESPACES:
        assert store.get("/serviceaccounts", namespace, "default") is not None
        root_ca = store.get("/configmaps", namespace, "kube-root-ca.crt")
        assert root_ca is not None and root_ca["data"] == {"ca.crt": CA_PEM}
        assert "kube-apiserver" in root_ca["metadata"]["annotations"]["kubernetes.io/description"]


def test_cluster_info_is_a_kubeconfig_with_the_ca_and_the_control_plane(store: Store) -> None:
    cluster_info = store.get("/configmaps", "kube-public", "cluster-info")
    assert cluster_info is not None
    kubeconfig = cluster_info["data"]["kubeconfig"]
    authority = re.search(r"certificate-authority-data: (\S+)", kubeconfig)
    assert authority and base64.b64decode(authority.group(1)).decode() == CA_PEM
    assert "server: https://kuar-control-plane:6443" in kubeconfig


def test_extension_apiserver_authentication_publishes_the_client_ca(store: Store) -> None:
    config = store.get("/configmaps", "kube-system", "extension-apiserver-authentication")
    assert config is not None
    assert config["data"]["client-ca-file"] == CA_PEM
    assert config["data"]["requestheader-username-headers"] == '["X-Remote-User"]'


def test_without_a_ca_nothing_publishes_one() -> None:
    store = Store(None)
    bootstrap(store, workers=1)
    assert store.list("/configmaps", "default") == []
    assert store.get("/configmaps", "kube-public", "cluster-info") is None
    assert store.get("/configmaps", "kube-system", "extension-apiserver-authentication") is None
    assert len(labelled(store, "kube-system", **{"k8s-app": "kube-dns"})) == 2


def test_the_controllers_and_add_ons_have_their_service_accounts(store: Store) -> None:
    accounts = {sa["metadata"]["name"] for sa in store.list("/serviceaccounts", "kube-system")}
    assert {"default", "coredns", "kube-proxy", "kindnet", "replicaset-controller", "daemon-set-controller"} <= accounts
    for pod in pods(store):
        account = pod["spec"].get("serviceAccountName")
        if account:
            assert store.get("/serviceaccounts", pod["metadata"]["namespace"], account) is not None


# -- nodes and leases ----------------------------------------------------------------------------------------------


def test_each_node_holds_its_lease(store: Store) -> None:
    for node in store.list("/nodes"):
        name = node["metadata"]["name"]
        lease = store.get("coordination.k8s.io/leases", "kube-node-lease", name)
        assert lease is not None
        assert lease["apiVersion"] == "coordination.k8s.io/v1"
        assert lease["spec"]["holderIdentity"] == name
        assert lease["spec"]["leaseDurationSeconds"] == 40
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", lease["spec"]["renewTime"])
        assert lease["metadata"]["ownerReferences"][0]["uid"] == node["metadata"]["uid"]


# -- pods ----------------------------------------------------------------------------------------------------------


def test_kube_system_and_local_path_storage_hold_kinds_pods(store: Store) -> None:
    names = [pod["metadata"]["name"] for pod in pods(store)]
    assert len(names) == 13
    for static in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"):
        assert f"{static}-kuar-control-plane" in names
    for prefix, count in (("coredns-", 2), ("kube-proxy-", 3), ("kindnet-", 3), ("local-path-provisioner-", 1)):
        assert len([name for name in names if name.startswith(prefix)]) == count
    assert pods(store, "default") == []


def test_every_pod_runs_and_is_ready(store: Store) -> None:
    for pod in pods(store):
        status = pod["status"]
        assert status["phase"] == "Running"
        conditions = {condition["type"]: condition["status"] for condition in status["conditions"]}
        assert conditions == dict.fromkeys(
            ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"), "True"
        )
        assert [c["name"] for c in status["containerStatuses"]] == [c["name"] for c in pod["spec"]["containers"]]
        for container in status["containerStatuses"]:
            assert container["ready"] and container["started"] and container["restartCount"] == 0
            assert container["state"]["running"]["startedAt"] == status["startTime"]
            assert container["containerID"].startswith("containerd://")


def test_pods_run_on_existing_nodes_with_addresses_of_their_network(store: Store) -> None:
    nodes = {node["metadata"]["name"]: node for node in store.list("/nodes")}
    pod_ips = []
    for pod in pods(store):
        node = nodes[pod["spec"]["nodeName"]]
        assert pod["status"]["hostIP"] == node_address(node)
        if pod["spec"].get("hostNetwork"):
            assert pod["status"]["podIP"] == node_address(node)
        else:
            assert ipaddress.ip_address(pod["status"]["podIP"]) in ipaddress.ip_network(node["spec"]["podCIDR"])
            pod_ips.append(pod["status"]["podIP"])
    assert len(pod_ips) == len(set(pod_ips)) == 3
    assert ".1" not in {ip[-2:] for ip in pod_ips}  # the node keeps the first address of its range


def test_pods_are_owned_by_what_made_them(store: Store) -> None:
    for pod in pods(store):
        (owner,) = pod["metadata"]["ownerReferences"]
        assert owner["controller"] is True
        namespace = "" if owner["kind"] == "Node" else pod["metadata"]["namespace"]
        made_by = store.get(PAIRS[owner["kind"]], namespace, owner["name"])
        assert made_by is not None and made_by["metadata"]["uid"] == owner["uid"]


def test_replica_sets_carry_the_pod_template_hash_and_belong_to_their_deployment(store: Store) -> None:
    for replica_set in store.list("apps/replicasets"):
        template_hash = replica_set["metadata"]["labels"]["pod-template-hash"]
        assert re.fullmatch(r"[4-9bcdf]{1,10}", template_hash)
        (owner,) = replica_set["metadata"]["ownerReferences"]
        deployment = store.get("apps/deployments", replica_set["metadata"]["namespace"], owner["name"])
        assert deployment is not None and deployment["metadata"]["uid"] == owner["uid"]
        assert replica_set["metadata"]["name"] == f"{owner['name']}-{template_hash}"
        assert replica_set["spec"]["selector"]["matchLabels"]["pod-template-hash"] == template_hash
        progressing = deployment["status"]["conditions"][1]
        assert progressing["message"] == f'ReplicaSet "{replica_set["metadata"]["name"]}" has successfully progressed.'
        for pod in labelled(store, replica_set["metadata"]["namespace"], **{"pod-template-hash": template_hash}):
            assert pod["metadata"]["name"].startswith(replica_set["metadata"]["name"] + "-")


def test_daemon_set_pods_point_at_a_controller_revision_and_are_pinned_to_their_node(store: Store) -> None:
    for pod in labelled(store, "kube-system", **{"k8s-app": "kube-proxy"}):
        revision_hash = pod["metadata"]["labels"]["controller-revision-hash"]
        revision = store.get("apps/controllerrevisions", "kube-system", f"kube-proxy-{revision_hash}")
        assert revision is not None and revision["revision"] == 1
        terms = pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        assert terms["nodeSelectorTerms"][0]["matchFields"][0]["values"] == [pod["spec"]["nodeName"]]
        tolerated = {t.get("key") for t in pod["spec"]["tolerations"]}
        assert {"node.kubernetes.io/unschedulable", "node.kubernetes.io/network-unavailable"} <= tolerated


@pytest.mark.parametrize("workers", [0, 2, 5])
def test_daemon_sets_put_a_pod_on_every_node_including_the_control_plane(workers: int) -> None:
    store = Store(None)
    bootstrap(store, workers=workers, ca_pem=CA_PEM)
    for app in ("kube-proxy", "kindnet"):
        on = sorted(pod["spec"]["nodeName"] for pod in labelled(store, "kube-system", **{"k8s-app": app}))
        assert on == sorted(node_names(workers))
        daemon_set = store.get("apps/daemonsets", "kube-system", app)
        assert daemon_set is not None
        assert daemon_set["status"]["desiredNumberScheduled"] == daemon_set["status"]["numberReady"] == workers + 1


def test_static_pods_are_mirrored_from_the_control_plane(store: Store) -> None:
    node = store.get("/nodes", "", "kuar-control-plane")
    assert node is not None
    for component in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"):
        pod = store.get("/pods", "kube-system", f"{component}-kuar-control-plane")
        assert pod is not None
        annotations = pod["metadata"]["annotations"]
        assert annotations["kubernetes.io/config.source"] == "file"
        assert annotations["kubernetes.io/config.mirror"] == annotations["kubernetes.io/config.hash"]
        assert re.fullmatch(r"[0-9a-f]{32}", annotations["kubernetes.io/config.hash"])
        assert "kubernetes.io/config.seen" in annotations
        assert pod["metadata"]["labels"] == {"component": component, "tier": "control-plane"}
        assert pod["metadata"]["ownerReferences"] == [
            {"apiVersion": "v1", "kind": "Node", "name": node["metadata"]["name"], "uid": node["metadata"]["uid"],
             "controller": True}
        ]  # fmt: skip
        assert pod["spec"]["priority"] == 2000001000 and pod["spec"]["hostNetwork"] is True
    apiserver = store.get("/pods", "kube-system", "kube-apiserver-kuar-control-plane")
    assert apiserver is not None
    endpoint = apiserver["metadata"]["annotations"]["kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint"]
    assert endpoint == f"{node_address(node)}:6443"
    assert "--service-cluster-ip-range=10.96.0.0/16" in apiserver["spec"]["containers"][0]["command"]


def test_pods_made_from_templates_get_a_service_account_token_and_default_tolerations(store: Store) -> None:
    (provisioner,) = pods(store, "local-path-storage")
    spec = provisioner["spec"]
    (token,) = [volume for volume in spec["volumes"] if volume["name"].startswith("kube-api-access-")]
    mounts = {mount["name"]: mount for mount in spec["containers"][0]["volumeMounts"]}
    assert mounts[token["name"]]["mountPath"] == "/var/run/secrets/kubernetes.io/serviceaccount"
    seconds = {t["key"]: t.get("tolerationSeconds") for t in spec["tolerations"] if t.get("effect") == "NoExecute"}
    assert seconds == {"node.kubernetes.io/not-ready": 300, "node.kubernetes.io/unreachable": 300}
    assert provisioner["status"]["qosClass"] == "BestEffort"


# -- DNS -----------------------------------------------------------------------------------------------------------


def test_kube_dns_selects_the_coredns_pods(store: Store) -> None:
    service = store.get("/services", "kube-system", "kube-dns")
    assert service is not None
    assert service["spec"]["clusterIP"] == "10.96.0.10"
    ports = [(port["name"], port["port"], port["protocol"]) for port in service["spec"]["ports"]]
    assert ports == [("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")]
    selector = parse_label_selector(",".join(f"{k}={v}" for k, v in service["spec"]["selector"].items()))
    selected = [pod for pod in pods(store) if selector.matches(pod["metadata"].get("labels", {}))]
    assert len(selected) == 2
    assert all(pod["metadata"]["name"].startswith("coredns-") for pod in selected)
    assert {c["image"] for pod in selected for c in pod["spec"]["containers"]} == {
        "registry.k8s.io/coredns/coredns:v1.13.1"
    }


def test_kube_dns_endpoints_lead_to_the_coredns_pods(store: Store) -> None:
    coredns_ips = sorted(pod["status"]["podIP"] for pod in labelled(store, "kube-system", **{"k8s-app": "kube-dns"}))
    (endpoint_slice,) = [
        s for s in store.list("discovery.k8s.io/endpointslices", "kube-system")
        if s["metadata"]["labels"]["kubernetes.io/service-name"] == "kube-dns"
    ]  # fmt: skip
    assert sorted(e["addresses"][0] for e in endpoint_slice["endpoints"]) == coredns_ips
    assert endpoint_slice["metadata"]["ownerReferences"][0]["kind"] == "Service"
    endpoints = store.get("/endpoints", "kube-system", "kube-dns")
    assert endpoints is not None
    assert sorted(address["ip"] for address in endpoints["subsets"][0]["addresses"]) == coredns_ips


def test_coredns_reads_a_corefile_for_cluster_local(store: Store) -> None:
    config = store.get("/configmaps", "kube-system", "coredns")
    assert config is not None
    corefile = config["data"]["Corefile"]
    assert corefile.startswith(".:53 {")
    assert "kubernetes cluster.local in-addr.arpa ip6.arpa {" in corefile
    assert "forward . /etc/resolv.conf" in corefile
    deployment = store.get("apps/deployments", "kube-system", "coredns")
    assert deployment is not None and deployment["status"]["readyReplicas"] == deployment["spec"]["replicas"] == 2


def test_kube_proxy_reads_its_configuration_from_a_config_map(store: Store) -> None:
    config = store.get("/configmaps", "kube-system", "kube-proxy")
    assert config is not None
    assert "clusterCIDR: 10.244.0.0/16" in config["data"]["config.conf"]
    assert "mode: iptables" in config["data"]["config.conf"]
    assert "server: https://kuar-control-plane:6443" in config["data"]["kubeconfig.conf"]
    (proxy, *_) = labelled(store, "kube-system", **{"k8s-app": "kube-proxy"})
    assert proxy["spec"]["containers"][0]["image"] == "registry.k8s.io/kube-proxy:v1.37.0"


def test_the_kubernetes_service_leads_to_the_control_plane(store: Store) -> None:
    control_plane = store.get("/nodes", "", "kuar-control-plane")
    assert control_plane is not None
    endpoint_slice = store.get("discovery.k8s.io/endpointslices", "default", "kubernetes")
    assert endpoint_slice is not None
    assert endpoint_slice["endpoints"][0]["addresses"] == [node_address(control_plane)]
    assert endpoint_slice["ports"] == [{"name": "https", "port": 6443, "protocol": "TCP"}]


# -- storage -------------------------------------------------------------------------------------------------------


def test_standard_is_the_default_storage_class(store: Store) -> None:
    (storage_class,) = store.list("storage.k8s.io/storageclasses")
    assert storage_class["metadata"]["name"] == "standard"
    assert storage_class["metadata"]["annotations"] == {"storageclass.kubernetes.io/is-default-class": "true"}
    assert storage_class["provisioner"] == "rancher.io/local-path"
    assert storage_class["volumeBindingMode"] == "WaitForFirstConsumer"
    assert storage_class["reclaimPolicy"] == "Delete"
    deployment = store.get("apps/deployments", "local-path-storage", "local-path-provisioner")
    assert deployment is not None and deployment["status"]["availableReplicas"] == 1


# -- idempotence and speed -----------------------------------------------------------------------------------------


def test_bootstrapping_twice_changes_nothing(store: Store) -> None:
    before, version = snapshot(store), store.rv
    bootstrap(store, workers=2, ca_pem=CA_PEM)
    assert store.rv == version
    assert snapshot(store) == before


def test_a_restarted_cluster_keeps_its_objects_and_gets_back_what_went_missing(tmp_path: Path) -> None:
    store = Store(tmp_path / "kubesim.db")
    bootstrap(store, workers=2, ca_pem=CA_PEM)
    (proxy, *_) = labelled(store, "kube-system", **{"k8s-app": "kube-proxy"})
    proxy_name = proxy["metadata"]["name"]
    store.delete("/pods", "kube-system", proxy_name)
    store.delete("/configmaps", "kube-system", "coredns")
    kept = {pod["metadata"]["name"]: pod["metadata"]["uid"] for pod in pods(store)}
    store.close()

    restarted = Store(tmp_path / "kubesim.db")
    bootstrap(restarted, workers=2, ca_pem=CA_PEM)
    again = {pod["metadata"]["name"]: pod["metadata"]["uid"] for pod in pods(restarted)}
    assert proxy_name in again and again[proxy_name] != proxy["metadata"]["uid"]
    assert {name: uid for name, uid in again.items() if name != proxy_name} == kept
    assert restarted.get("/configmaps", "kube-system", "coredns") is not None
    restarted.close()


def test_a_restart_with_more_workers_adds_their_nodes_and_daemon_pods(tmp_path: Path) -> None:
    store = Store(tmp_path / "kubesim.db")
    bootstrap(store, workers=1, ca_pem=CA_PEM)
    bootstrap(store, workers=3, ca_pem=CA_PEM)
    assert len(store.list("/nodes")) == 4
    assert len(labelled(store, "kube-system", **{"k8s-app": "kindnet"})) == 4
    store.close()


# -- component statuses --------------------------------------------------------------------------------------------


def test_component_statuses_are_all_healthy() -> None:
    statuses = component_statuses()
    assert [status["metadata"]["name"] for status in statuses] == ["scheduler", "controller-manager", "etcd-0"]
    for status in statuses:
        assert status["kind"] == "ComponentStatus" and status["apiVersion"] == "v1"
        assert status["conditions"] == [{"type": "Healthy", "status": "True", "message": "ok"}]
    assert component_status("etcd-0") == statuses[2]
    assert component_status("etcd-1") is None
    assert COMPONENT_STATUS_WARNING == '299 - "v1 ComponentStatus is deprecated in v1.19+"'


# -- through kubectl -----------------------------------------------------------------------------------------------


def test_kubectl_lists_kinds_pods_running_right_away(cluster: Cluster) -> None:
    lines = cluster.kubectl("get", "pods", "-A").stdout.splitlines()
    assert lines[0].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    rows = [line.split() for line in lines[1:]]
    assert len(rows) == 13
    assert all(row[2:5] == ["1/1", "Running", "0"] for row in rows), "\n".join(lines)
    assert {row[0] for row in rows} == {"kube-system", "local-path-storage"}
    storage_classes = cluster.kubectl("get", "storageclass").stdout
    assert "standard (default)" in storage_classes and "WaitForFirstConsumer" in storage_classes

"""kubesim driven by the real kubectl: discovery, tables, create, apply, patch, delete, errors."""

from __future__ import annotations

import json
import os
import subprocess
import time

from tests.kubesim.conftest import KUBECTL, Cluster

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: kuard
  labels: {app: kuard}
spec:
  replicas: 2
  selector:
    matchLabels: {app: kuard}
  template:
    metadata:
      labels: {app: kuard}
    spec:
      containers:
        - name: kuard
          image: gcr.io/kuar-demo/kuard-amd64:blue
          ports: [{containerPort: 8080, name: http}]
"""


def test_nodes_and_namespaces_are_listed_as_tables(cluster: Cluster) -> None:
    nodes = cluster.kubectl("get", "nodes").stdout.splitlines()
    assert nodes[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert [line.split()[0] for line in nodes[1:]] == ["kuar-control-plane", "kuar-worker", "kuar-worker2"]
    assert nodes[1].split()[1:3] == ["Ready", "control-plane"]
    namespaces = {line.split()[0] for line in cluster.kubectl("get", "namespaces").stdout.splitlines()[1:]}
    assert {"default", "kube-system", "kube-public", "kube-node-lease"} <= namespaces


def test_api_resources_and_versions(cluster: Cluster) -> None:
    resources = cluster.kubectl("api-resources").stdout
    assert "deployments" in resources and "deploy" in resources and "apps/v1" in resources
    assert "apps/v1" in cluster.kubectl("api-versions").stdout.split()
    assert "Server Version: v1.37" in cluster.kubectl("version").stdout


def test_apply_creates_then_updates(cluster: Cluster) -> None:
    assert "deployment.apps/kuard created" in cluster.kubectl("apply", "-f", "-", stdin=DEPLOYMENT).stdout
    changed = DEPLOYMENT.replace("replicas: 2", "replicas: 3").replace(":blue", ":green")
    assert "deployment.apps/kuard configured" in cluster.kubectl("apply", "-f", "-", stdin=changed).stdout
    assert "deployment.apps/kuard unchanged" in cluster.kubectl("apply", "-f", "-", stdin=changed).stdout
    obj = json.loads(cluster.kubectl("get", "deployment", "kuard", "-o", "json").stdout)
    assert obj["spec"]["replicas"] == 3
    assert obj["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":green")
    assert obj["metadata"]["generation"] == 2
    cluster.kubectl("delete", "deployment", "kuard")


def test_create_configmap_with_the_generator(cluster: Cluster) -> None:
    out = cluster.kubectl("create", "configmap", "settings", "--from-literal=mode=production").stdout
    assert "configmap/settings created" in out
    data = json.loads(cluster.kubectl("get", "configmap", "settings", "-o", "json").stdout)["data"]
    assert data == {"mode": "production"}
    table = cluster.kubectl("get", "configmaps").stdout.splitlines()
    assert table[0].split() == ["NAME", "DATA", "AGE"]


def test_label_annotate_and_patch(cluster: Cluster) -> None:
    cluster.kubectl("create", "configmap", "labelled", "--from-literal=a=b")
    cluster.kubectl("label", "configmap", "labelled", "tier=web")
    cluster.kubectl("annotate", "configmap", "labelled", "owner=team-a")
    cluster.kubectl(
        "patch", "configmap", "labelled", "--type=json", "-p", '[{"op":"add","path":"/data/c","value":"d"}]'
    )
    cluster.kubectl("patch", "configmap", "labelled", "--type=merge", "-p", '{"data":{"a":null}}')
    obj = json.loads(cluster.kubectl("get", "configmap", "labelled", "-o", "json").stdout)
    assert obj["metadata"]["labels"] == {"tier": "web"}
    assert obj["metadata"]["annotations"]["owner"] == "team-a"
    assert obj["data"] == {"c": "d"}
    assert cluster.kubectl("get", "configmaps", "-l", "tier=web", "-o", "name").stdout.split() == ["configmap/labelled"]


def test_errors_read_as_a_real_cluster_would_print_them(cluster: Cluster) -> None:
    missing = cluster.kubectl("get", "pod", "nope", check=False)
    assert missing.returncode == 1
    assert 'pods "nope" not found' in missing.stderr
    cluster.kubectl("create", "configmap", "twice")
    again = cluster.kubectl("create", "configmap", "twice", check=False)
    assert 'configmaps "twice" already exists' in again.stderr


def test_wrong_token_is_unauthorized(cluster: Cluster) -> None:
    result = cluster.kubectl("get", "pods", "--token=not-the-token", check=False)
    assert result.returncode == 1
    assert "Unauthorized" in result.stderr or "must be logged in" in result.stderr


def test_watch_is_bounded_and_sees_changes(cluster: Cluster) -> None:
    watcher = subprocess.Popen(
        [str(KUBECTL), "get", "configmaps", "-w", "--request-timeout=4s", "-o", "name"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "KUBECONFIG": str(cluster.kubeconfig)},
    )
    time.sleep(1.5)
    cluster.kubectl("create", "configmap", "watched", "--from-literal=x=y")
    out, _ = watcher.communicate(timeout=30)
    assert "configmap/watched" in out


def test_scale_reads_and_writes_the_scale_subresource(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=DEPLOYMENT.replace("name: kuard", "name: scaled", 1))
    assert "deployment.apps/scaled scaled" in cluster.kubectl("scale", "deployment", "scaled", "--replicas=5").stdout
    assert json.loads(cluster.kubectl("get", "deployment", "scaled", "-o", "json").stdout)["spec"]["replicas"] == 5
    stale = cluster.kubectl("scale", "deployment", "scaled", "--replicas=1", "--current-replicas=3", check=False)
    assert stale.returncode == 1


def test_services_get_cluster_ips_and_node_ports(cluster: Cluster) -> None:
    cluster.kubectl("create", "service", "nodeport", "web", "--tcp=80:8080")
    service = json.loads(cluster.kubectl("get", "service", "web", "-o", "json").stdout)
    assert service["spec"]["clusterIP"].startswith("10.96.")
    assert 30000 <= service["spec"]["ports"][0]["nodePort"] <= 32767
    row = cluster.kubectl("get", "service", "web").stdout.splitlines()[1].split()
    assert row[1] == "NodePort" and row[2] == service["spec"]["clusterIP"]
    taken = service["spec"]["clusterIP"]
    clash = cluster.kubectl("create", "service", "clusterip", "copy", "--tcp=80", f"--clusterip={taken}", check=False)
    assert "provided IP is already allocated" in clash.stderr


def test_componentstatuses_are_served_with_the_deprecation_warning(cluster: Cluster) -> None:
    result = cluster.kubectl("get", "componentstatuses")
    assert "Warning: v1 ComponentStatus is deprecated in v1.19+" in result.stderr
    rows = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()[1:]}
    assert rows == {"scheduler": "Healthy", "controller-manager": "Healthy", "etcd-0": "Healthy"}


def test_kube_system_looks_like_a_kind_cluster(cluster: Cluster) -> None:
    pods = cluster.kubectl("get", "pods", "-n", "kube-system").stdout
    for prefix in (
        "coredns-",
        "kube-proxy-",
        "kindnet-",
        "etcd-kuar-control-plane",
        "kube-apiserver-kuar-control-plane",
    ):
        assert prefix in pods
    assert "10.96.0.10" in cluster.kubectl("get", "service", "kube-dns", "-n", "kube-system").stdout
    assert "standard (default)" in cluster.kubectl("get", "storageclass").stdout


def test_server_side_apply_owns_fields_and_reports_conflicts(cluster: Cluster) -> None:
    manifest = DEPLOYMENT.replace("name: kuard", "name: ssa", 1)
    assert (
        "deployment.apps/ssa serverside-applied"
        in cluster.kubectl("apply", "--server-side", "-f", "-", stdin=manifest).stdout
    )
    managers = json.loads(cluster.kubectl("get", "deployment", "ssa", "-o", "json", "--show-managed-fields").stdout)
    entries = managers["metadata"]["managedFields"]
    assert (entries[0]["manager"], entries[0]["operation"]) == ("kubectl", "Apply")
    # the Deployment controller's revision annotation and status, as on a real cluster
    assert {entry["manager"] for entry in entries[1:]} <= {"kube-controller-manager"}
    cluster.kubectl("scale", "deployment", "ssa", "--replicas=4")
    clash = cluster.kubectl("apply", "--server-side", "-f", "-", stdin=manifest, check=False)
    assert clash.returncode == 1 and "conflict" in clash.stderr and ".spec.replicas" in clash.stderr
    forced = cluster.kubectl("apply", "--server-side", "--force-conflicts", "-f", "-", stdin=manifest)
    assert "serverside-applied" in forced.stdout
    assert json.loads(cluster.kubectl("get", "deployment", "ssa", "-o", "json").stdout)["spec"]["replicas"] == 2


def test_patch_types_including_strategic_merge(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=DEPLOYMENT.replace("name: kuard", "name: patched", 1))
    cluster.kubectl("set", "image", "deployment/patched", "kuard=gcr.io/kuar-demo/kuard-amd64:purple")
    cluster.kubectl(
        "patch", "deployment", "patched", "-p", '{"spec":{"template":{"metadata":{"labels":{"tier":"web"}}}}}'
    )
    obj = json.loads(cluster.kubectl("get", "deployment", "patched", "-o", "json").stdout)
    template = obj["spec"]["template"]
    assert template["spec"]["containers"][0]["image"].endswith(":purple")
    assert template["metadata"]["labels"] == {"app": "kuard", "tier": "web"}


def test_removing_the_last_finalizer_completes_the_deletion(cluster: Cluster) -> None:
    cluster.kubectl("create", "configmap", "guarded")
    cluster.kubectl(
        "patch", "configmap", "guarded", "--type=merge", "-p", '{"metadata":{"finalizers":["example.com/hold"]}}'
    )
    cluster.kubectl("delete", "configmap", "guarded", "--wait=false")
    assert json.loads(cluster.kubectl("get", "configmap", "guarded", "-o", "json").stdout)["metadata"][
        "deletionTimestamp"
    ]
    cluster.kubectl(
        "patch", "configmap", "guarded", "--type=json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]'
    )
    assert cluster.kubectl("get", "configmap", "guarded", check=False).returncode == 1

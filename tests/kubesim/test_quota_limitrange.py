"""Namespaces as chapter 22 of the book organizes them: quotas, limit ranges, and what every namespace gets.

A ResourceQuota's status counts what its namespace uses and the API server refuses what would go beyond
it, with the real messages; a LimitRange fills in requests and limits and refuses what is out of bounds;
a new namespace gets its `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap.
"""

from __future__ import annotations

import json
from typing import Any

from tests.kubesim.conftest import Cluster, eventually

WAIT_SECONDS = 20.0
KUARD = "gcr.io/kuar-demo/kuard-amd64:blue"
QUOTA = """\
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: quota-test}
spec:
  hard:
    limits.cpu: "2"
    requests.memory: 1Gi
    pods: "3"
    count/deployments.apps: "1"
    services: "1"
    persistentvolumeclaims: "1"
    requests.storage: 2Gi
"""
LIMIT_RANGE = """\
apiVersion: v1
kind: LimitRange
metadata: {name: limits, namespace: limits-test}
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
    defaultRequest: {cpu: 250m, memory: 128Mi}
    max: {cpu: "1", memory: 1Gi}
    min: {cpu: 100m}
  - type: PersistentVolumeClaim
    max: {storage: 2Gi}
"""


def get(cluster: Cluster, *args: str) -> Any:
    return json.loads(cluster.kubectl("get", *args, "-o", "json").stdout)


def exists(cluster: Cluster, *args: str) -> bool:
    return cluster.kubectl("get", *args, check=False).returncode == 0


def used(cluster: Cluster, namespace: str = "quota-test") -> dict[str, str]:
    return (get(cluster, "quota", "compute", "-n", namespace).get("status") or {}).get("used") or {}


def pod(name: str, namespace: str, resources: str) -> str:
    return f"""\
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  containers:
  - name: kuard
    image: {KUARD}
    resources: {resources}
"""


def create(cluster: Cluster, manifest: str) -> tuple[int, str]:
    result = cluster.kubectl("create", "-f", "-", stdin=manifest, check=False)
    return result.returncode, result.stderr.strip()


def test_a_new_namespace_gets_its_default_service_account_and_root_ca(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", "fresh")
    assert eventually(lambda: exists(cluster, "serviceaccount", "default", "-n", "fresh"))
    assert eventually(lambda: exists(cluster, "configmap", "kube-root-ca.crt", "-n", "fresh"))
    published = get(cluster, "configmap", "kube-root-ca.crt", "-n", "fresh")
    reference = get(cluster, "configmap", "kube-root-ca.crt", "-n", "kube-system")
    assert published["data"] == reference["data"]
    assert published["data"]["ca.crt"].startswith("-----BEGIN CERTIFICATE-----")
    assert "kubernetes.io/description" in published["metadata"]["annotations"]

    first_uid = get(cluster, "serviceaccount", "default", "-n", "fresh")["metadata"]["uid"]
    cluster.kubectl("delete", "serviceaccount", "default", "-n", "fresh")
    assert eventually(
        lambda: (
            exists(cluster, "serviceaccount", "default", "-n", "fresh")
            and get(cluster, "serviceaccount", "default", "-n", "fresh")["metadata"]["uid"] != first_uid
        )
    )
    cluster.kubectl("patch", "configmap", "kube-root-ca.crt", "-n", "fresh", "-p", '{"data":{"ca.crt":"tampered"}}')
    assert eventually(lambda: get(cluster, "configmap", "kube-root-ca.crt", "-n", "fresh")["data"] == reference["data"])


def test_a_quota_counts_what_its_namespace_uses(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", "quota-test", check=False)
    cluster.kubectl("apply", "-f", "-", stdin=QUOTA)
    assert eventually(lambda: used(cluster).get("pods") == "0")
    assert used(cluster) == {
        "count/deployments.apps": "0",
        "limits.cpu": "0",
        "persistentvolumeclaims": "0",
        "pods": "0",
        "requests.memory": "0",
        "requests.storage": "0",
        "services": "0",
    }
    resources = "{requests: {cpu: 250m, memory: 256Mi}, limits: {cpu: 500m, memory: 256Mi}}"
    assert create(cluster, pod("web", "quota-test", resources))[0] == 0
    assert create(cluster, pod("api", "quota-test", resources))[0] == 0
    cluster.kubectl("create", "deployment", "kuard", "-n", "quota-test", f"--image={KUARD}", "--replicas=0")
    cluster.kubectl("create", "service", "clusterip", "kuard", "-n", "quota-test", "--tcp=80:8080")
    claim = (
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: quota-test}\n"
        "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1500Mi}}}\n"
    )
    assert create(cluster, claim)[0] == 0
    expected = {
        "count/deployments.apps": "1",
        "limits.cpu": "1",
        "persistentvolumeclaims": "1",
        "pods": "2",
        "requests.memory": "512Mi",
        "requests.storage": "1500Mi",
        "services": "1",
    }
    assert eventually(lambda: used(cluster) == expected)
    described = cluster.kubectl("describe", "quota", "compute", "-n", "quota-test").stdout.splitlines()
    rows = {line.split()[0]: line.split()[1:] for line in described if line.split()}
    assert rows["requests.memory"] == ["512Mi", "1Gi"]
    assert rows["pods"] == ["2", "3"]

    cluster.kubectl("delete", "pod", "api", "-n", "quota-test", "--grace-period=0", "--force")
    assert eventually(lambda: used(cluster).get("pods") == "1" and used(cluster).get("requests.memory") == "256Mi")


def test_a_quota_refuses_what_goes_beyond_it(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", "quota-refusals", check=False)
    cluster.kubectl("apply", "-f", "-", stdin=QUOTA.replace("quota-test", "quota-refusals"))
    cluster.kubectl("create", "deployment", "kuard", "-n", "quota-refusals", f"--image={KUARD}", "--replicas=0")
    assert eventually(lambda: used(cluster, "quota-refusals").get("count/deployments.apps") == "1")
    one_core = "{requests: {memory: 64Mi}, limits: {cpu: '1', memory: 64Mi}}"
    assert create(cluster, pod("one-core", "quota-refusals", one_core))[0] == 0

    code, message = create(cluster, pod("two-cores", "quota-refusals", one_core.replace("'1'", "'2'")))
    assert code != 0
    assert message == (
        'Error from server (Forbidden): error when creating "STDIN": pods "two-cores" is forbidden: '
        "exceeded quota: compute, requested: limits.cpu=2, used: limits.cpu=1, limited: limits.cpu=2"
    )
    assert not exists(cluster, "pod", "two-cores", "-n", "quota-refusals")
    code, message = create(cluster, pod("unlimited", "quota-refusals", "{}"))
    assert code != 0
    assert message.endswith(
        'pods "unlimited" is forbidden: failed quota: compute: must specify limits.cpu for: kuard; '
        "requests.memory for: kuard"
    )
    second = cluster.kubectl("create", "deployment", "second", "-n", "quota-refusals", f"--image={KUARD}", check=False)
    assert second.returncode != 0
    assert second.stderr.strip() == (
        'error: failed to create deployment: deployments.apps "second" is forbidden: exceeded quota: compute, '
        "requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1"
    )


def test_a_replicaset_beyond_the_quota_reports_failed_creates(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", "quota-rs", check=False)
    quota = (
        "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: pods, namespace: quota-rs}\nspec: {hard: {pods: '2'}}\n"
    )
    cluster.kubectl("apply", "-f", "-", stdin=quota)
    assert eventually(lambda: (get(cluster, "quota", "pods", "-n", "quota-rs").get("status") or {}).get("used"))
    replicaset = f"""\
apiVersion: apps/v1
kind: ReplicaSet
metadata: {{name: kuard, namespace: quota-rs}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: kuard}}}}
  template:
    metadata: {{labels: {{app: kuard}}}}
    spec:
      containers: [{{name: kuard, image: "{KUARD}"}}]
"""
    cluster.kubectl("apply", "-f", "-", stdin=replicaset)

    def refused() -> list[str]:
        events = get(cluster, "events", "-n", "quota-rs", "--field-selector", "reason=FailedCreate")["items"]
        return [event["message"] for event in events]

    assert eventually(lambda: bool(refused()))
    assert "is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2" in refused()[0]
    assert len(get(cluster, "pods", "-n", "quota-rs")["items"]) == 2


def test_a_limit_range_fills_in_and_bounds_requests_and_limits(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", "limits-test", check=False)
    cluster.kubectl("apply", "-f", "-", stdin=LIMIT_RANGE)
    assert create(cluster, pod("defaults", "limits-test", "{}"))[0] == 0
    made = get(cluster, "pod", "defaults", "-n", "limits-test")
    assert made["spec"]["containers"][0]["resources"] == {
        "limits": {"cpu": "500m", "memory": "256Mi"},
        "requests": {"cpu": "250m", "memory": "128Mi"},
    }
    assert made["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: cpu, memory request for container kuard; cpu, memory limit for container kuard"
    )
    assert made["status"]["qosClass"] == "Burstable"

    code, message = create(cluster, pod("greedy", "limits-test", "{limits: {cpu: '2'}}"))
    assert code != 0
    assert message.endswith('pods "greedy" is forbidden: maximum cpu usage per Container is 1, but limit is 2')
    code, message = create(cluster, pod("tiny", "limits-test", "{requests: {cpu: 50m}}"))
    assert code != 0
    assert message.endswith('pods "tiny" is forbidden: minimum cpu usage per Container is 100m, but request is 50m')
    claim = (
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: huge, namespace: limits-test}\n"
        "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}\n"
    )
    code, message = create(cluster, claim)
    assert code != 0
    assert message.endswith(
        'persistentvolumeclaims "huge" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, '
        "but request is 5Gi"
    )
    described = cluster.kubectl("describe", "limitrange", "limits", "-n", "limits-test").stdout
    assert "Container              cpu       100m  1    250m             500m" in described

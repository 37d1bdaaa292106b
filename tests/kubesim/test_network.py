"""The in-cluster network (kubesim/nodes/network.py) through the real kubectl: cluster DNS as kuard's /dns page
sees it, kube-proxy's spread over ready endpoints only, and Jobs whose busybox shell runs nslookup and wget."""

from __future__ import annotations

import collections
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.kubesim.conftest import Cluster, eventually

NAMESPACE = "network-test"
KUARD = "gcr.io/kuar-demo/kuard-amd64:blue"
PODS = f"/api/v1/namespaces/{NAMESPACE}/pods"
SERVICES = f"/api/v1/namespaces/{NAMESPACE}/services"
ALPACAS = ("alpaca-1", "alpaca-2", "alpaca-3")

SETUP = f"""
apiVersion: v1
kind: Service
metadata: {{name: alpaca-prod, namespace: {NAMESPACE}}}
spec:
  selector: {{app: alpaca}}
  ports: [{{port: 8080, targetPort: 8080, name: http}}]
---
apiVersion: v1
kind: Service
metadata: {{name: alpaca-pods, namespace: {NAMESPACE}}}
spec:
  clusterIP: None
  selector: {{app: alpaca}}
  ports: [{{port: 8080, name: http}}]
---
apiVersion: v1
kind: Service
metadata: {{name: db, namespace: {NAMESPACE}}}
spec: {{type: ExternalName, externalName: database.example.com}}
---
apiVersion: v1
kind: Service
metadata: {{name: mongo, namespace: {NAMESPACE}}}
spec:
  clusterIP: None
  selector: {{app: mongo}}
  ports: [{{port: 27017, name: peer}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: mongo, namespace: {NAMESPACE}}}
spec:
  serviceName: mongo
  replicas: 1
  selector: {{matchLabels: {{app: mongo}}}}
  template:
    metadata: {{labels: {{app: mongo}}}}
    spec:
      containers: [{{name: mongodb, image: "mongo:3.4.24", command: [mongod, --replSet, rs0]}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: dns-client, namespace: {NAMESPACE}}}
spec:
  containers: [{{name: kuard, image: {KUARD}}}]
"""
ALPACA = """
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: {namespace}, labels: {{app: alpaca}}}}
spec:
  containers:
  - name: kuard
    image: {image}
    readinessProbe: {{httpGet: {{path: /ready, port: 8080}}, periodSeconds: 1, failureThreshold: 1}}
"""
JOB = """
apiVersion: batch/v1
kind: Job
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{{name: client, image: busybox, command: [sh, -c, "{script}"]}}]
"""


def _json(cluster: Cluster, *args: str) -> Any:
    return json.loads(cluster.kubectl(*args, "-o", "json").stdout)


def _ready(cluster: Cluster, name: str) -> bool:
    pod = _json(cluster, "get", "pod", name, "-n", NAMESPACE)
    return any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", []))


def _pod_ip(cluster: Cluster, name: str) -> str:
    return str(_json(cluster, "get", "pod", name, "-n", NAMESPACE)["status"]["podIP"])


def _ready_addresses(cluster: Cluster, service: str) -> list[str]:
    endpoints = _json(cluster, "get", "endpoints", service, "-n", NAMESPACE)
    return sorted(a["ip"] for subset in endpoints.get("subsets") or [] for a in subset.get("addresses") or [])


@pytest.fixture(scope="module")
def network(cluster: Cluster) -> Iterator[Cluster]:
    cluster.kubectl("create", "namespace", NAMESPACE)
    cluster.kubectl("apply", "-f", "-", stdin=SETUP)
    for name in ALPACAS:
        cluster.kubectl("apply", "-f", "-", stdin=ALPACA.format(name=name, namespace=NAMESPACE, image=KUARD))
    for name in ("dns-client", "mongo-0", *ALPACAS):
        assert eventually(lambda name=name: _ready(cluster, name)), f"{name} never became ready"
    assert eventually(lambda: len(_ready_addresses(cluster, "alpaca-prod")) == len(ALPACAS))
    yield cluster


def _dig(cluster: Cluster, tmp_path: Path, name: str) -> str:
    """kuard's /dns page, as its form asks: POST /dns/api {"type": "A", "name": NAME}."""
    question = tmp_path / "question.json"
    question.write_text(json.dumps({"type": "A", "name": name}))
    answer = cluster.kubectl("create", "--raw", f"{PODS}/dns-client:8080/proxy/dns/api", "-f", str(question))
    return str(json.loads(answer.stdout)["result"])


def _a_records(result: str) -> dict[str, list[str]]:
    records: dict[str, list[str]] = collections.defaultdict(list)
    for name, address in re.findall(r"^(\S+)\.\t\d+\tIN\tA\t(\S+)$", result, re.MULTILINE):
        records[name].append(address)
    return dict(records)


def test_service_names_resolve_through_the_search_path(network: Cluster, tmp_path: Path) -> None:
    cluster_ip = network.kubectl("get", "svc", "alpaca-prod", "-n", NAMESPACE, "-o", "jsonpath={.spec.clusterIP}")
    fqdn = f"alpaca-prod.{NAMESPACE}.svc.cluster.local"
    for name in ("alpaca-prod", f"alpaca-prod.{NAMESPACE}", fqdn, fqdn + "."):
        result = _dig(network, tmp_path, name)
        assert "status: NOERROR" in result
        assert _a_records(result) == {fqdn: [cluster_ip.stdout]}
    assert _a_records(_dig(network, tmp_path, "kubernetes.default")) == {
        "kubernetes.default.svc.cluster.local": ["10.96.0.1"]
    }


def test_headless_service_answers_with_pod_ips_and_unknown_names_are_nxdomain(network: Cluster, tmp_path: Path) -> None:
    pod_ips = sorted(_pod_ip(network, name) for name in ALPACAS)
    records = _a_records(_dig(network, tmp_path, "alpaca-pods"))
    assert {name: sorted(ips) for name, ips in records.items()} == {
        f"alpaca-pods.{NAMESPACE}.svc.cluster.local": pod_ips
    }
    assert "CNAME\tdatabase.example.com." in _dig(network, tmp_path, "db")
    missing = _dig(network, tmp_path, "no-such-service")
    assert "status: NXDOMAIN" in missing and not _a_records(missing)


def test_statefulset_pods_have_names_under_their_service(network: Cluster, tmp_path: Path) -> None:
    mongo = _pod_ip(network, "mongo-0")
    for name in ("mongo-0.mongo", f"mongo-0.mongo.{NAMESPACE}.svc.cluster.local"):
        assert _a_records(_dig(network, tmp_path, name)) == {f"mongo-0.mongo.{NAMESPACE}.svc.cluster.local": [mongo]}
    assert "status: NXDOMAIN" in _dig(network, tmp_path, "mongo-1.mongo")


def _answered_by(cluster: Cluster, requests: int) -> collections.Counter[str]:
    answered: collections.Counter[str] = collections.Counter()
    for _ in range(requests):
        env = json.loads(cluster.kubectl("get", "--raw", f"{SERVICES}/alpaca-prod:http/proxy/env/api").stdout)
        answered[env["env"]["HOSTNAME"]] += 1
    return answered


def test_a_pod_that_turns_not_ready_stops_receiving_requests(network: Cluster, tmp_path: Path) -> None:
    assert set(_answered_by(network, 9)) == set(ALPACAS)
    fail = tmp_path / "fail.json"
    fail.write_text(json.dumps({"failNext": -1}))
    network.kubectl("replace", "--raw", f"{PODS}/alpaca-3:8080/proxy/ready/api", "-f", str(fail))
    assert eventually(lambda: not _ready(network, "alpaca-3")), "alpaca-3 stayed ready"
    assert eventually(lambda: _pod_ip(network, "alpaca-3") not in _ready_addresses(network, "alpaca-prod"))
    assert set(_answered_by(network, 8)) == {"alpaca-1", "alpaca-2"}


def _job_outcome(cluster: Cluster, name: str) -> tuple[str, int]:
    """The Job's finishing condition ("Complete" or "Failed") and its pod's exit code."""

    def finished() -> str:
        job = _json(cluster, "get", "job", name, "-n", NAMESPACE)
        done = [c["type"] for c in job["status"].get("conditions", []) if c["status"] == "True"]
        return next((kind for kind in done if kind in ("Complete", "Failed")), "")

    outcome = eventually(finished)
    pods = _json(cluster, "get", "pods", "-n", NAMESPACE, "-l", f"job-name={name}")["items"]
    terminated = pods[0]["status"]["containerStatuses"][0]["state"].get("terminated") or {}
    return outcome, int(terminated.get("exitCode", -1))


def test_jobs_reach_services_by_name(network: Cluster) -> None:
    scripts = {
        "lookup": "nslookup alpaca-prod",
        "fetch": "wget -qO- http://alpaca-prod:8080/env/api",
        "fetch-missing-host": "wget -qO- http://no-such-service:8080/",
        "fetch-missing-page": "wget -qO- http://alpaca-prod:8080/no-such-page",
        "lookup-missing": "nslookup no-such-service",
    }
    for name, script in scripts.items():
        network.kubectl("apply", "-f", "-", stdin=JOB.format(name=name, namespace=NAMESPACE, script=script))
    assert _job_outcome(network, "lookup") == ("Complete", 0)
    assert _job_outcome(network, "fetch") == ("Complete", 0)
    assert _job_outcome(network, "fetch-missing-host") == ("Failed", 1)
    assert _job_outcome(network, "fetch-missing-page") == ("Failed", 1)
    assert _job_outcome(network, "lookup-missing") == ("Failed", 1)
    fetched = network.kubectl("logs", "job/fetch", "-n", NAMESPACE).stdout
    assert json.loads(fetched)["env"]["HOSTNAME"].startswith("alpaca-")  # what wget printed is in the log
    missing = network.kubectl("logs", "job/fetch-missing-host", "-n", NAMESPACE).stdout
    assert missing.strip() == "wget: bad address 'no-such-service:8080'"

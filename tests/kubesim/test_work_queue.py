"""The book's chapter 12 work queue end to end with the real kubectl (kubesim/nodes/memq.py): a kuard ReplicaSet
serving MemQ behind a Service, a queue of 100 items filled through `kubectl proxy`, a Job of 5 parallel keygen
consumers, the queue's depth read through the service proxy as it goes down, the Job Complete when it is empty."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubesim.clock import Clock
from kubesim.nodes.memq import WorkQueues
from kubesim.nodes.processes import KEY_SECONDS
from tests.kubesim.conftest import KUBECTL, Cluster, eventually, start_cluster

NAMESPACE = "work-queue"
ITEMS, WORKERS = 100, 5
STATS = f"/api/v1/namespaces/{NAMESPACE}/services/queue:8080/proxy/memq/server/stats"
QUEUE = f"/api/v1/namespaces/{NAMESPACE}/services/queue:8080/proxy/memq/server/queues/keygen"
LABELS = "{app: work-queue, component: queue, chapter: jobs}"

QUEUE_SERVER = f"""
apiVersion: apps/v1
kind: ReplicaSet
metadata: {{name: queue, namespace: {NAMESPACE}, labels: {LABELS}}}
spec:
  replicas: 1
  selector: {{matchLabels: {LABELS}}}
  template:
    metadata: {{labels: {LABELS}}}
    spec:
      containers: [{{name: queue, image: "gcr.io/kuar-demo/kuard-amd64:blue", imagePullPolicy: Always}}]
---
apiVersion: v1
kind: Service
metadata: {{name: queue, namespace: {NAMESPACE}, labels: {LABELS}}}
spec:
  ports: [{{port: 8080, protocol: TCP, targetPort: 8080}}]
  selector: {LABELS}
"""
CONSUMERS = f"""
apiVersion: batch/v1
kind: Job
metadata: {{name: consumers, namespace: {NAMESPACE}, labels: {{app: message-queue, component: consumer}}}}
spec:
  parallelism: {WORKERS}
  template:
    metadata: {{labels: {{app: message-queue, component: consumer}}}}
    spec:
      restartPolicy: OnFailure
      containers:
      - name: worker
        image: "gcr.io/kuar-demo/kuard-amd64:blue"
        imagePullPolicy: Always
        command: [/kuard]
        args:
        - --keygen-enable
        - --keygen-exit-on-complete
        - --keygen-memq-server=http://queue:8080/memq/server
        - --keygen-memq-queue=keygen
"""


@pytest.fixture(scope="module")
def queue_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not KUBECTL.exists():
        pytest.skip(f"the project's kubectl is not installed at {KUBECTL}")
    # slower than the other tests' clusters, so that the 20 simulated seconds of work can be watched going by
    running = start_cluster(tmp_path_factory.mktemp("kubesim") / "data", "--speed", "4")
    yield running
    running.stop()


@pytest.fixture
def kubectl_proxy(queue_cluster: Cluster) -> Iterator[str]:
    """The address `kubectl proxy` serves the API on, as the book's port-forward serves the queue."""
    env = {**os.environ, "KUBECONFIG": str(queue_cluster.kubeconfig)}
    proxy = subprocess.Popen(
        [str(KUBECTL), "proxy", "--port=0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    try:
        assert proxy.stdout is not None
        started = re.search(r"127\.0\.0\.1:(\d+)", proxy.stdout.readline())
        assert started, "kubectl proxy did not say where it serves"
        yield f"http://127.0.0.1:{started.group(1)}"
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


def _request(url: str, method: str, body: bytes = b"") -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


def _depth(cluster: Cluster) -> int:
    stats = json.loads(cluster.kubectl("get", "--raw", STATS).stdout)
    assert stats["kind"] == "stats"
    return int(next(queue["depth"] for queue in stats["queues"] if queue["name"] == "keygen"))


def _job(cluster: Cluster) -> Any:
    return json.loads(cluster.kubectl("get", "job", "consumers", "-n", NAMESPACE, "-o", "json").stdout)


def _complete(cluster: Cluster) -> bool:
    conditions = _job(cluster)["status"].get("conditions", [])
    return any(c["type"] == "Complete" and c["status"] == "True" for c in conditions)


def _queue_ready(cluster: Cluster) -> bool:
    endpoints = cluster.kubectl("get", "endpoints", "queue", "-n", NAMESPACE, "-o", "json", check=False)
    subsets = json.loads(endpoints.stdout).get("subsets") or [] if endpoints.returncode == 0 else []
    return any(subset.get("addresses") for subset in subsets)


def test_the_consumer_job_empties_the_queue(queue_cluster: Cluster, kubectl_proxy: str, tmp_path: Path) -> None:
    cluster = queue_cluster
    cluster.kubectl("create", "namespace", NAMESPACE)
    cluster.kubectl("apply", "-f", "-", stdin=QUEUE_SERVER)
    assert eventually(lambda: _queue_ready(cluster)), "the queue server never became ready"

    assert _request(kubectl_proxy + QUEUE, "PUT")[0] == 200
    for index in range(ITEMS):
        status, body = _request(f"{kubectl_proxy}{QUEUE}/enqueue", "POST", f"work item {index}".encode())
        assert status == 200 and json.loads(body)["body"] == f"work item {index}"
    assert _depth(cluster) == ITEMS
    stats = json.loads(cluster.kubectl("get", "--raw", STATS).stdout)["queues"]
    assert stats == [{"name": "keygen", "depth": ITEMS, "enqueued": ITEMS, "dequeued": 0, "drained": 0}]

    cluster.kubectl("apply", "-f", "-", stdin=CONSUMERS)
    depths = [ITEMS]
    while not _complete(cluster) and len(depths) < 600:
        depths.append(_depth(cluster))
    assert _complete(cluster), f"the Job never completed; depths seen: {depths}"
    assert depths == sorted(depths, reverse=True)
    assert any(0 < depth < ITEMS for depth in depths), f"the depth never went down step by step: {depths}"
    assert _depth(cluster) == 0
    final = json.loads(cluster.kubectl("get", "--raw", STATS).stdout)["queues"][0]
    assert (final["enqueued"], final["dequeued"]) == (ITEMS, ITEMS)

    job = _job(cluster)
    assert job["status"]["succeeded"] == WORKERS
    pods = json.loads(cluster.kubectl("get", "pods", "-n", NAMESPACE, "-l", "job-name=consumers", "-o", "json").stdout)
    codes = [p["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"] for p in pods["items"]]
    assert codes == [0] * WORKERS

    # an empty queue answers a dequeue with 204 No Content, as kuard's does
    assert _request(f"{kubectl_proxy}{QUEUE}/dequeue", "POST")[0] == 204


# -- the broker and its workers on their own ---------------------------------------------------------------------


def _broker(answer: Any) -> tuple[int, Any]:
    return answer.status, json.loads(answer.body) if answer.body else None


def test_broker_routes_answer_as_kuards_do() -> None:
    queues = WorkQueues(Clock())
    assert queues.handle("q", "PUT", "/memq/server/queues/keygen", b"").status == 200
    assert queues.handle("q", "PUT", "/memq/server/queues/keygen", b"").body == b"already exists\n"
    assert queues.handle("q", "DELETE", "/memq/server/queues/nope", b"").body == b"does not exist\n"
    status, message = _broker(queues.handle("q", "POST", "/memq/server/queues/keygen/enqueue", b"item"))
    assert status == 200 and message["kind"] == "message" and message["body"] == "item" and len(message["id"]) == 32
    queues.handle("q", "POST", "/memq/server/queues/keygen/enqueue", b"other")
    assert _broker(queues.handle("q", "POST", "/memq/server/queues/keygen/dequeue", b""))[1]["body"] == "item"
    assert queues.handle("q", "POST", "/memq/server/queues/keygen/drain", b"").status == 200
    assert queues.handle("q", "POST", "/memq/server/queues/keygen/dequeue", b"").status == 204
    assert _broker(queues.handle("q", "GET", "/memq/server/stats", b"")) == (
        200,
        {"kind": "stats", "queues": [{"name": "keygen", "depth": 0, "enqueued": 2, "dequeued": 1, "drained": 1}]},
    )
    assert queues.handle("q", "GET", "/memq/server/nowhere", b"") is None


def test_workers_share_the_queue_and_end_when_it_is_empty() -> None:
    queues = WorkQueues(Clock(speed=1000.0))  # a key takes a millisecond of real time
    finishes: dict[str, float] = {}
    queues.listeners.append(lambda pod, container_id, moment: finishes.__setitem__(container_id, moment))
    queues.handle("q", "PUT", "/memq/server/queues/keygen", b"")
    for index in range(10):
        queues.handle("q", "POST", "/memq/server/queues/keygen/enqueue", f"{index}".encode())
    start = time.time() + 60  # the workers start later, so nothing is dequeued while this test runs
    queues.work("q", "keygen", ("/pods", "ns", "a"), "a", start)
    queues.work("q", "keygen", ("/pods", "ns", "b"), "b", start)
    key = KEY_SECONDS / 1000.0
    assert finishes == pytest.approx({"a": start + 5 * key, "b": start + 5 * key})
    queues.stop("b", start)  # b took its first item and stopped: a does the other 9
    assert finishes["a"] == pytest.approx(start + 9 * key)
    queues.work("q", "other", ("/pods", "ns", "c"), "c", start)  # no such queue: its first dequeue fails
    assert finishes["c"] == pytest.approx(start)

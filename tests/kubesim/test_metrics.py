"""metrics.k8s.io, `kubectl top`, `kubesim load` and the HPA scaling a kuard Deployment up under load and back down.

Two clusters: one slow enough (speed 4: metrics-server's 15 s window lasts about 4 real seconds) to see a pod
before its first metrics, and one at speed 100 so that the HPA's 300 s scale-down stabilisation passes in 3 s.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client, config

from tests.kubesim.conftest import KUBECTL, Cluster, eventually, start_cluster

NAMESPACE = "metrics-test"
KUARD = "gcr.io/kuar-demo/kuard-amd64:blue"

PODS = f"""\
apiVersion: v1
kind: Pod
metadata: {{name: idle, namespace: {NAMESPACE}, labels: {{app: idle}}}}
spec:
  containers:
  - {{name: kuard, image: "{KUARD}"}}
---
apiVersion: v1
kind: Pod
metadata: {{name: keygen, namespace: {NAMESPACE}, labels: {{app: keygen}}}}
spec:
  containers:
  - name: free
    image: {KUARD}
    args: [--keygen-enable, --keygen-num-to-gen=100000]
  - name: capped
    image: {KUARD}
    args: [--keygen-enable, --keygen-num-to-gen=100000]
    resources: {{limits: {{cpu: 250m}}}}
---
apiVersion: v1
kind: Pod
metadata: {{name: hungry, namespace: {NAMESPACE}, labels: {{app: hungry}}}}
spec:
  containers:
  - name: kuard
    image: {KUARD}
    env: [{{name: KUBESIM_MEMORY, value: 200Mi}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: typo, namespace: {NAMESPACE}, labels: {{app: typo}}}}
spec:
  containers:
  - {{name: kuard, image: "gcr.io/kuar-demo/kuard-amd64:bleu"}}
"""


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not KUBECTL.exists():
        pytest.skip(f"the project's kubectl is not installed at {KUBECTL}")
    cluster = start_cluster(tmp_path_factory.mktemp("metrics-slow") / "data", "--speed", "4")
    cluster.kubectl("create", "namespace", NAMESPACE)
    cluster.kubectl("apply", "-f", "-", stdin=PODS)
    yield cluster
    cluster.stop()


def top(cluster: Cluster, *args: str) -> list[list[str]]:
    """The rows of `kubectl top ...` split in columns, the header first; [] while it fails."""
    result = cluster.kubectl("top", *args, check=False)
    return [line.split() for line in result.stdout.splitlines()] if result.returncode == 0 else []


def test_a_pod_has_no_metrics_before_its_first_window(slow: Cluster) -> None:
    slow.kubectl("run", "young", "-n", NAMESPACE, f"--image={KUARD}", "--labels=app=young")
    phase = ("get", "pod", "young", "-n", NAMESPACE, "-o", "jsonpath={.status.phase}")
    assert eventually(lambda: slow.kubectl(*phase).stdout == "Running")
    early = slow.kubectl("top", "pods", "-n", NAMESPACE, "-l", "app=young", check=False)
    assert (early.returncode, early.stderr.strip()) == (1, "error: metrics not available yet")
    rows = eventually(lambda: top(slow, "pods", "-n", NAMESPACE, "-l", "app=young"))
    assert rows == [["NAME", "CPU(cores)", "MEMORY(bytes)"], ["young", "1m", "10Mi"]]


def test_top_pods_shows_each_running_pod_and_its_containers(slow: Cluster) -> None:
    def four_rows() -> list[list[str]]:
        rows = top(slow, "pods", "-n", NAMESPACE, "-l", "app in (idle,keygen,hungry,typo)")
        return rows if len(rows) == 4 else []

    rows = eventually(four_rows)
    assert rows[0] == ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    # keygen keeps a core busy in one container, the other is throttled at its 250m limit (and each idles at 1m)
    assert by_name == {"idle": ["1m", "10Mi"], "keygen": ["1251m", "20Mi"], "hungry": ["1m", "200Mi"]}
    containers = top(slow, "pods", "keygen", "-n", NAMESPACE, "--containers")
    assert containers == [
        ["POD", "NAME", "CPU(cores)", "MEMORY(bytes)"],
        ["keygen", "capped", "250m", "10Mi"],
        ["keygen", "free", "1001m", "10Mi"],
    ]


def test_kuard_memory_follows_its_mem_page(slow: Cluster, tmp_path: Path) -> None:
    slow.kubectl("run", "allocating", "-n", NAMESPACE, f"--image={KUARD}", "--labels=app=allocating")
    assert eventually(lambda: top(slow, "pods", "allocating", "-n", NAMESPACE))
    proxy = f"/api/v1/namespaces/{NAMESPACE}/pods/allocating:8080/proxy/mem/api"
    (tmp_path / "empty.json").write_text("{}")
    slow.kubectl("create", "--raw", f"{proxy}/alloc?size={100 * 1024 * 1024}", "-f", str(tmp_path / "empty.json"))
    held = json.loads(slow.kubectl("get", "--raw", proxy).stdout)["memStats"]["Sys"]
    assert held >= 100 * 1024 * 1024
    expected = f"{held // (1024 * 1024)}Mi"
    assert eventually(lambda: top(slow, "pods", "allocating", "-n", NAMESPACE)[1:] == [["allocating", "1m", expected]])


def test_a_pod_whose_container_never_ran_has_no_metrics(slow: Cluster) -> None:
    result = slow.kubectl("top", "pod", "typo", "-n", NAMESPACE, check=False)
    assert result.returncode == 1
    assert f'podmetrics.metrics.k8s.io "{NAMESPACE}/typo" not found' in result.stderr


def test_the_metrics_api_as_metrics_server_serves_it(slow: Cluster) -> None:
    api = client.CustomObjectsApi(config.new_client_from_config(config_file=str(slow.kubeconfig)))

    def listed() -> list[dict[str, object]]:
        answer = api.list_namespaced_custom_object(
            "metrics.k8s.io", "v1beta1", NAMESPACE, "pods", label_selector="app=hungry"
        )
        return list(answer["items"])

    items = eventually(listed)
    assert [item["metadata"]["name"] for item in items] == ["hungry"]
    pod = items[0]
    assert (pod["kind"], pod["window"], pod["metadata"]["labels"]) == ("PodMetrics", "15s", {"app": "hungry"})
    assert pod["containers"] == [{"name": "kuard", "usage": {"cpu": "1000000n", "memory": "204800Ki"}}]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", pod["timestamp"])
    node = api.get_cluster_custom_object("metrics.k8s.io", "v1beta1", "nodes", "kuar-worker")
    assert node["kind"] == "NodeMetrics"
    assert re.fullmatch(r"\d+n", node["usage"]["cpu"]) and re.fullmatch(r"\d+Ki", node["usage"]["memory"])


def test_top_nodes_sums_the_pods_and_a_powered_off_node_has_none(slow: Cluster) -> None:
    rows = eventually(lambda: top(slow, "nodes"))
    assert rows[0] == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    assert [row[0] for row in rows[1:]] == ["kuar-control-plane", "kuar-worker", "kuar-worker2"]
    for row in rows[1:]:
        assert re.fullmatch(r"\d+m", row[1]) and re.fullmatch(r"\d+%", row[2]) and re.fullmatch(r"\d+Mi", row[3])
    keygen_node = slow.kubectl("get", "pod", "keygen", "-n", NAMESPACE, "-o", "jsonpath={.spec.nodeName}").stdout
    assert int(next(row for row in rows if row[0] == keygen_node)[1].rstrip("m")) > 1251  # its pods and itself
    kubesim(slow, "node", "stop", "kuar-worker2")
    rows = eventually(lambda: [row for row in top(slow, "nodes") if row[0] == "kuar-worker2" and "<unknown>" in row])
    assert rows == [["kuar-worker2", "<unknown>", "<unknown>", "<unknown>", "<unknown>"]]


# -- the HPA under `kubesim load` ---------------------------------------------------------------------------------

DEPLOYMENT = f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: kuard, namespace: {NAMESPACE}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: kuard}}}}
  template:
    metadata: {{labels: {{app: kuard}}}}
    spec:
      containers:
      - name: kuard
        image: {KUARD}
        resources: {{requests: {{cpu: 100m}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: kuard, namespace: {NAMESPACE}}}
spec:
  selector: {{app: kuard}}
  ports: [{{port: 8080}}]
"""


def kubesim(cluster: Cluster, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kubesim", *args, "--data-dir", str(cluster.data_dir)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=Path(__file__).parents[2])


def test_the_hpa_scales_kuard_up_under_load_and_back_down_after_it(tmp_path: Path) -> None:
    if not KUBECTL.exists():
        pytest.skip(f"the project's kubectl is not installed at {KUBECTL}")
    cluster = start_cluster(tmp_path / "data", "--speed", "100")
    try:
        cluster.kubectl("create", "namespace", NAMESPACE)
        cluster.kubectl("apply", "-f", "-", stdin=DEPLOYMENT)
        cluster.kubectl("autoscale", "deployment", "kuard", "-n", NAMESPACE, "--cpu=80%", "--min=1", "--max=4")

        def target() -> int | None:
            table = cluster.kubectl("get", "hpa", "kuard", "-n", NAMESPACE, "--no-headers").stdout
            found = re.search(r"cpu: (\d+)%/80%", table)
            return int(found.group(1)) if found else None

        def replicas() -> int:
            deployment = cluster.kubectl("get", "deployment", "kuard", "-n", NAMESPACE, "-o", "json").stdout
            return int(json.loads(deployment)["spec"]["replicas"])

        assert eventually(lambda: target() == 1)  # kuard idles at 1m of its 100m request
        started = kubesim(cluster, "load", "kuard", "-n", NAMESPACE, "--rate", "500")
        assert (started.returncode, started.stdout) == (
            0,
            "service/kuard receives 500 requests/s until `kubesim load stop`\n",
        )
        assert eventually(lambda: (target() or 0) > 80)
        assert eventually(lambda: replicas() == 4)
        events = cluster.kubectl("get", "events", "-n", NAMESPACE, "--field-selector", "reason=SuccessfulRescale")
        assert "reason: cpu resource utilization (percentage of request) above target" in events.stdout
        # 500 requests/s over the 4 ready pods: 125m each, still above target, so it stays at its maximum
        rows = eventually(lambda: [row for row in top(cluster, "pods", "-n", NAMESPACE)[1:] if row[1] == "126m"])
        assert len(rows) == 4

        stopped = kubesim(cluster, "load", "stop", "kuard", "-n", NAMESPACE)
        assert (stopped.returncode, stopped.stdout) == (0, "service/kuard load stopped\n")
        assert eventually(lambda: target() == 1)
        assert eventually(lambda: replicas() == 1)
        events = cluster.kubectl("get", "events", "-n", NAMESPACE, "--field-selector", "reason=SuccessfulRescale")
        assert "New size: 1; reason: All metrics below target" in events.stdout

        timed = kubesim(cluster, "load", "kuard", "-n", NAMESPACE, "--rate", "500", "--duration", "1m")
        assert (timed.returncode, timed.stdout) == (0, "service/kuard receives 500 requests/s for 60s\n")
        service = json.loads(cluster.kubectl("get", "service", "kuard", "-n", NAMESPACE, "-o", "json").stdout)
        annotations = service["metadata"]["annotations"]
        assert (annotations["kubesim.io/load"], annotations["kubesim.io/load-duration"]) == ("500", "60")
        # 60 simulated seconds later the load is over, though its annotations stay until `kubesim load stop`
        assert eventually(lambda: {row[1] for row in top(cluster, "pods", "-n", NAMESPACE)[1:]} == {"1m"})

        missing = kubesim(cluster, "load", "nosuch", "-n", NAMESPACE)
        assert (missing.returncode, missing.stderr) == (
            1,
            f'kubesim: there is no service "nosuch" in namespace "{NAMESPACE}"\n',
        )
    finally:
        cluster.stop()

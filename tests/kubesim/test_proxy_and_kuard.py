"""kuard's HTTP API (kubesim/nodes/kuard.py) and the pods/services proxy subresources (kubesim/api/proxy.py):
through the real kubectl (`get --raw`, `replace --raw`, `kubectl proxy`), and the kuard model on its own."""

from __future__ import annotations

import collections
import json
import os
import re
import subprocess
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from kubesim.nodes.kuard import Kuard, failing_from
from kubesim.nodes.probes import Schedule
from kubesim.nodes.processes import Answer
from tests.kubesim.conftest import KUBECTL, Cluster, eventually

NAMESPACE = "proxy-test"
KUARD = "gcr.io/kuar-demo/kuard-amd64:blue"
POD_PROXY = f"/api/v1/namespaces/{NAMESPACE}/pods"
SERVICE_PROXY = f"/api/v1/namespaces/{NAMESPACE}/services"

SETUP = f"""
apiVersion: v1
kind: ConfigMap
metadata: {{name: my-config, namespace: {NAMESPACE}}}
data: {{another-param: another-value, extra-param: extra-value, my-config.txt: "parameter1 = value1"}}
---
apiVersion: v1
kind: Secret
metadata: {{name: kuard-tls, namespace: {NAMESPACE}}}
stringData: {{password: s3cr3t}}
---
apiVersion: v1
kind: Pod
metadata: {{name: kuard, namespace: {NAMESPACE}}}
spec:
  containers:
  - name: kuard
    image: {KUARD}
    ports: [{{containerPort: 8080, name: http}}]
    env:
    - {{name: ANOTHER_PARAM, valueFrom: {{configMapKeyRef: {{name: my-config, key: another-param}}}}}}
    - {{name: PASSWORD, valueFrom: {{secretKeyRef: {{name: kuard-tls, key: password}}}}}}
    - {{name: NODE, valueFrom: {{fieldRef: {{fieldPath: spec.nodeName}}}}}}
    envFrom: [{{configMapRef: {{name: my-config}}, prefix: CFG_}}]
    livenessProbe: {{httpGet: {{path: /healthy, port: 8080}}, periodSeconds: 2, failureThreshold: 3}}
    volumeMounts:
    - {{name: config-volume, mountPath: /config}}
    - {{name: tls-certs, mountPath: /tls, readOnly: true}}
    - {{name: scratch, mountPath: /scratch}}
  volumes:
  - {{name: config-volume, configMap: {{name: my-config}}}}
  - {{name: tls-certs, secret: {{secretName: kuard-tls}}}}
  - {{name: scratch, emptyDir: {{}}}}
---
apiVersion: v1
kind: Pod
metadata: {{name: kuard-mem, namespace: {NAMESPACE}}}
spec:
  containers:
  - name: kuard
    image: {KUARD}
    resources: {{limits: {{memory: 64Mi}}}}
---
apiVersion: v1
kind: Pod
metadata: {{name: nginx, namespace: {NAMESPACE}}}
spec:
  containers: [{{name: nginx, image: nginx, ports: [{{containerPort: 80}}]}}]
---
apiVersion: v1
kind: Service
metadata: {{name: alpaca-prod, namespace: {NAMESPACE}}}
spec:
  selector: {{app: alpaca}}
  ports: [{{port: 8080, targetPort: 8080, name: http}}]
---
apiVersion: v1
kind: Service
metadata: {{name: nobody, namespace: {NAMESPACE}}}
spec:
  selector: {{app: nobody}}
  ports: [{{port: 8080, targetPort: 8080}}]
"""

ALPACA = """
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: {namespace}, labels: {{app: alpaca}}}}
spec:
  containers:
  - name: kuard
    image: {image}
    env: [{{name: KUBESIM_READY_AFTER, value: "{ready_after}"}}]
    readinessProbe: {{httpGet: {{path: /ready, port: 8080}}, periodSeconds: 1}}
"""
READY_ALPACAS, UNREADY_ALPACA = ("alpaca-1", "alpaca-2", "alpaca-3"), "alpaca-unready"


def pod_ready(cluster: Cluster, name: str) -> bool:
    pod = json.loads(cluster.kubectl("get", "pod", name, "-n", NAMESPACE, "-o", "json").stdout)
    return any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", []))


def raw(cluster: Cluster, path: str) -> str:
    return cluster.kubectl("get", "--raw", path).stdout


@pytest.fixture(scope="module")
def pods(cluster: Cluster) -> Iterator[Cluster]:
    cluster.kubectl("create", "namespace", NAMESPACE)
    cluster.kubectl("apply", "-f", "-", stdin=SETUP)
    for name in (*READY_ALPACAS, UNREADY_ALPACA):
        ready_after = "100000" if name == UNREADY_ALPACA else "0"
        manifest = ALPACA.format(name=name, namespace=NAMESPACE, image=KUARD, ready_after=ready_after)
        cluster.kubectl("apply", "-f", "-", stdin=manifest)
    for name in ("kuard", "kuard-mem", "nginx", *READY_ALPACAS):
        assert eventually(lambda name=name: pod_ready(cluster, name)), f"{name} never became ready"
    yield cluster


def test_env_through_the_pod_proxy(pods: Cluster) -> None:
    status = json.loads(raw(pods, f"{POD_PROXY}/kuard:8080/proxy/env/api"))
    env = status["env"]
    assert status["commandLine"] == ["/kuard"]
    assert env["HOSTNAME"] == "kuard"
    assert env["ANOTHER_PARAM"] == "another-value"
    assert env["PASSWORD"] == "s3cr3t"
    assert env["CFG_extra-param"] == "extra-value"
    assert env["NODE"].startswith("kuar-worker")
    assert env["KUBERNETES_SERVICE_PORT"] == "443"


def test_home_page_shows_the_version_and_unknown_pages_are_404(pods: Cluster) -> None:
    page = raw(pods, f"{POD_PROXY}/kuard:8080/proxy/")
    assert "blue" in page and "kuard" in page
    missing = pods.kubectl("get", "--raw", f"{POD_PROXY}/kuard:8080/proxy/no-such-page", check=False)
    assert missing.returncode != 0
    assert "NotFound" in missing.stderr or "404" in missing.stderr


def test_fs_shows_the_mounted_config_map_and_secret(pods: Cluster) -> None:
    listing = raw(pods, f"{POD_PROXY}/kuard:8080/proxy/fs/config/")
    for key in ("another-param", "extra-param", "my-config.txt"):
        assert f'<a href="{key}">{key}</a>' in listing
    assert raw(pods, f"{POD_PROXY}/kuard:8080/proxy/fs/config/my-config.txt") == "parameter1 = value1"
    assert raw(pods, f"{POD_PROXY}/kuard:8080/proxy/fs/tls/password") == "s3cr3t"
    root = raw(pods, f"{POD_PROXY}/kuard:8080/proxy/fs/")
    for directory in ("config/", "tls/", "scratch/", "var/"):
        assert f'<a href="{directory}">' in root


def test_a_port_nobody_listens_on_is_refused(pods: Cluster) -> None:
    ip = pods.kubectl("get", "pod", "kuard", "-n", NAMESPACE, "-o", "jsonpath={.status.podIP}").stdout
    refused = pods.kubectl("get", "--raw", f"{POD_PROXY}/kuard:9999/proxy/", check=False)
    assert refused.returncode != 0
    assert f"error trying to reach service: dial tcp {ip}:9999: connect: connection refused" in refused.stderr
    assert pods.kubectl("get", "--raw", f"{POD_PROXY}/ghost:8080/proxy/", check=False).returncode != 0


def test_nginx_answers_its_welcome_page(pods: Cluster) -> None:
    assert "Welcome to nginx!" in raw(pods, f"{POD_PROXY}/nginx/proxy/")
    assert pods.kubectl("get", "--raw", f"{POD_PROXY}/nginx:80/proxy/missing", check=False).returncode != 0


def test_service_proxy_spreads_over_ready_endpoints_only(pods: Cluster) -> None:
    assert not pod_ready(pods, UNREADY_ALPACA)
    answered: collections.Counter[str] = collections.Counter()
    for _ in range(12):
        env = json.loads(raw(pods, f"{SERVICE_PROXY}/alpaca-prod:http/proxy/env/api"))["env"]
        answered[env["HOSTNAME"]] += 1
    assert set(answered) == set(READY_ALPACAS)
    assert UNREADY_ALPACA not in answered


def test_a_service_without_ready_endpoints_is_unavailable(pods: Cluster) -> None:
    answer = pods.kubectl("get", "--raw", f"{SERVICE_PROXY}/nobody:8080/proxy/", check=False)
    assert answer.returncode != 0
    assert 'no endpoints available for service \\"nobody\\"' in answer.stderr or (
        'no endpoints available for service "nobody"' in answer.stderr
    )


def test_kubectl_proxy_reaches_kuard(pods: Cluster) -> None:
    env = {**os.environ, "KUBECONFIG": str(pods.kubeconfig)}
    proxy = subprocess.Popen(
        [str(KUBECTL), "proxy", "--port=0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    try:
        assert proxy.stdout is not None
        started = re.search(r"127\.0\.0\.1:(\d+)", proxy.stdout.readline())
        assert started, "kubectl proxy did not say where it serves"
        url = f"http://127.0.0.1:{started.group(1)}{POD_PROXY}/kuard/proxy/env/api"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert json.loads(response.read())["env"]["HOSTNAME"] == "kuard"
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


def restarts(cluster: Cluster, name: str) -> int:
    pod = json.loads(cluster.kubectl("get", "pod", name, "-n", NAMESPACE, "-o", "json").stdout)
    return sum(status.get("restartCount", 0) for status in pod["status"].get("containerStatuses", []))


def test_failing_healthy_makes_the_liveness_probe_restart_kuard(pods: Cluster) -> None:
    before = restarts(pods, "kuard")
    told = pods.kubectl(
        "replace", "--raw", f"{POD_PROXY}/kuard:8080/proxy/healthy/api", "-f", "-", stdin='{"failNext": 3}'
    )
    assert json.loads(told.stdout)["failNext"] == 3
    assert eventually(lambda: restarts(pods, "kuard") > before), "the liveness probe never restarted kuard"
    events = pods.kubectl("get", "events", "-n", NAMESPACE, "--field-selector", "involvedObject.name=kuard").stdout
    assert "Liveness probe failed: HTTP probe failed with statuscode: 500" in events
    assert "Container kuard failed liveness probe, will be restarted" in events
    assert eventually(lambda: pod_ready(pods, "kuard"))
    fresh = json.loads(raw(pods, f"{POD_PROXY}/kuard:8080/proxy/healthy/api"))  # a new container, a new kuard
    assert fresh["failNext"] == 0 and fresh["history"] == []


def test_ready_fails_for_good_until_told_to_stop(pods: Cluster) -> None:
    probed = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "kuard-ready", "namespace": NAMESPACE},
        "spec": {
            "containers": [
                {
                    "name": "kuard",
                    "image": KUARD,
                    "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 2},
                }
            ]
        },
    }
    pods.kubectl("apply", "-f", "-", stdin=json.dumps(probed))
    assert eventually(lambda: pod_ready(pods, "kuard-ready"))
    ready_api = f"{POD_PROXY}/kuard-ready:8080/proxy/ready/api"
    pods.kubectl("replace", "--raw", ready_api, "-f", "-", stdin='{"failNext": -1}')
    assert eventually(lambda: not pod_ready(pods, "kuard-ready"))
    pods.kubectl("replace", "--raw", ready_api, "-f", "-", stdin='{"failNext": 0}')
    assert eventually(lambda: pod_ready(pods, "kuard-ready")), "readiness never came back after failNext 0"


# -- the kuard model on its own ---------------------------------------------------------------------------------


def kuard(**changes: Any) -> Kuard:
    settings: dict[str, Any] = {
        "hostname": "kuard",
        "version": "green",
        "argv": ["/kuard", "--keygen-enable"],
        "env": {"HOSTNAME": "kuard", "PATH": "/bin"},
        "files": {"/config/a": b"1", "/config/nested/b": b"2"},
        "dirs": {"/cache"},
        "base_memory": 10 * 1024 * 1024,
    }
    return Kuard(**{**settings, **changes})


def test_probe_fails_the_next_n_then_recovers() -> None:
    model = kuard()
    told: list[tuple[str, int]] = []
    model.on_probe_change = lambda path, n: told.append((path, n))
    assert model.handle("PUT", "/healthy/api", {}, b'{"failNext": 2}').status == 200
    answers = [model.handle("GET", "/healthy", {}, b"") for _ in range(3)]
    assert [a.status for a in answers] == [500, 500, 200]
    assert [a.body for a in answers] == [b"fail, 1 left", b"fail, 0 left", b"ok"]
    assert told == [("/healthy", 2)]
    status = json.loads(model.handle("GET", "/healthy/api", {}, b"").body)
    assert status["failNext"] == 0 and [h["code"] for h in status["history"]] == [200, 500, 500]
    assert model.handle("GET", "/ready", {}, b"").status == 200  # the other probe is untouched
    model.handle("PUT", "/ready/api", {}, b'{"failNext": -1}')
    assert {model.handle("GET", "/ready", {}, b"").body for _ in range(3)} == {b"fail, permanent"}
    assert model.handle("PUT", "/ready/api", {}, b"{not json").status == 400


def test_env_mem_fs_and_not_found() -> None:
    model = kuard()
    env = json.loads(model.handle("GET", "/env/api", {}, b"").body)
    assert env == {"commandLine": ["/kuard", "--keygen-enable"], "env": {"HOSTNAME": "kuard", "PATH": "/bin"}}
    before = model.memory
    assert model.handle("POST", "/mem/api/alloc", {"size": "1048576"}, b"").status == 200
    assert model.memory == before + 1048576
    assert json.loads(model.handle("GET", "/mem/api", {}, b"").body)["memStats"]["Alloc"] == 11 * 1024 * 1024
    assert model.handle("POST", "/mem/api/alloc", {}, b"").status == 400
    model.handle("POST", "/mem/api/clear", {}, b"")
    assert model.memory == before
    assert model.handle("GET", "/fs/config/nested/b", {}, b"").body == b"2"
    listing = model.handle("GET", "/fs/config/", {}, b"").body.decode()
    assert '<a href="a">a</a>' in listing and '<a href="nested/">nested/</a>' in listing
    assert '<a href="cache/">' in model.handle("GET", "/fs/", {}, b"").body.decode()
    assert model.handle("GET", "/fs/nothing", {}, b"").status == 404
    assert model.handle("GET", "/nothing", {}, b"").body == b"404 page not found\n"
    assert b"green" in model.handle("GET", "/", {}, b"").body


def test_failing_from_fails_the_next_ticks_then_answers_as_before() -> None:
    schedule = Schedule((Answer(0.0, True),), start=0.0, period=10.0, success_threshold=1, failure_threshold=3)
    failing = failing_from(schedule, schedule, 25.0, 3)  # ticks at 30, 40, 50 fail; 60 passes again
    assert [(a.since, a.ok) for a in failing.answers] == [(0.0, True), (25.0, False), (55.0, True)]
    assert [moment for moment, passing in failing.flips(True) if not passing] == [50.0]
    forever = failing_from(schedule, schedule, 25.0, -1)
    assert [(a.since, a.ok) for a in forever.answers] == [(0.0, True), (25.0, False)]
    assert [(a.since, a.ok) for a in failing_from(schedule, schedule, 25.0, 0).answers] == [(0.0, True), (25.0, True)]


def test_fail_next_zero_ends_an_earlier_fail_for_good() -> None:
    natural = Schedule((Answer(0.0, True),), start=0.0, period=10.0, success_threshold=1, failure_threshold=3)
    forever = failing_from(natural, natural, 25.0, -1)
    healed = failing_from(forever, natural, 72.0, 0)
    assert [(a.since, a.ok) for a in healed.answers] == [(0.0, True), (25.0, False), (72.0, True)]
    again = failing_from(forever, natural, 72.0, 2)  # a finite count replaces "for good" too: ticks 80, 90 fail
    assert [(a.since, a.ok) for a in again.answers] == [(0.0, True), (25.0, False), (72.0, False), (95.0, True)]


def last_termination(cluster: Cluster, name: str) -> str:
    pod = json.loads(cluster.kubectl("get", "pod", name, "-n", NAMESPACE, "-o", "json").stdout)
    statuses = pod["status"].get("containerStatuses", [])
    return str(statuses[0].get("lastState", {}).get("terminated", {}).get("reason", "")) if statuses else ""


def test_allocating_over_the_limit_gets_kuard_oom_killed(pods: Cluster) -> None:
    alloc = f"{POD_PROXY}/kuard-mem:8080/proxy/mem/api/alloc"
    pods.kubectl("create", "--raw", f"{alloc}?size={20 * 1024 * 1024}", "-f", "-", stdin="")
    memory = json.loads(raw(pods, f"{POD_PROXY}/kuard-mem:8080/proxy/mem/api"))["memStats"]["Alloc"]
    assert memory >= 20 * 1024 * 1024
    assert restarts(pods, "kuard-mem") == 0  # still under its 64Mi limit
    pods.kubectl("create", "--raw", f"{alloc}?size={60 * 1024 * 1024}", "-f", "-", stdin="")
    assert eventually(lambda: last_termination(pods, "kuard-mem") == "OOMKilled"), "kuard was never OOM-killed"
    assert restarts(pods, "kuard-mem") >= 1

"""`kubectl logs` against the computed logs of simulated containers (kubesim/nodes/logs.py, kubesim/api/pod_logs.py)."""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import time

import pytest

from kubesim.api.errors import ApiError
from kubesim.api.pod_logs import instance_for
from kubesim.clock import Clock
from kubesim.nodes.logs import printed
from tests.kubesim.conftest import KUBECTL, Cluster, eventually

NAMESPACE = "logs-test"
COUNTER = """
apiVersion: v1
kind: Pod
metadata: {name: counter, namespace: logs-test}
spec:
  restartPolicy: Never
  containers:
  - name: counter
    image: busybox
    command: ["sh", "-c", "for i in 1 2 3; do echo $i; sleep 10; done"]
"""
SLOW_COUNTER = """
apiVersion: v1
kind: Pod
metadata: {name: slow-counter, namespace: logs-test}
spec:
  restartPolicy: Never
  containers:
  - name: counter
    image: busybox
    command: ["sh", "-c", "for i in 1 2 3; do echo $i; sleep 30; done"]
"""
TWO = """
apiVersion: v1
kind: Pod
metadata: {name: two, namespace: logs-test, labels: {app: two}}
spec:
  containers:
  - {name: first, image: busybox, command: ["sh", "-c", "echo first-line; sleep 3600"]}
  - {name: second, image: busybox, command: ["sh", "-c", "echo second-line; sleep 3600"]}
"""
CRASHER = """
apiVersion: v1
kind: Pod
metadata: {name: crasher, namespace: logs-test}
spec:
  containers:
  - {name: crasher, image: busybox, command: ["sh", "-c", "echo about to fail; exit 3"]}
"""
STUCK = """
apiVersion: v1
kind: Pod
metadata: {name: stuck, namespace: logs-test}
spec:
  initContainers:
  - {name: wait, image: busybox, command: ["sh", "-c", "echo waiting forever; sleep 3600"]}
  containers:
  - {name: main, image: nginx}
"""
TYPO = """
apiVersion: v1
kind: Pod
metadata: {name: typo, namespace: logs-test}
spec:
  containers:
  - {name: web, image: ngnix}
"""
KEYGEN = """
apiVersion: batch/v1
kind: Job
metadata: {name: keygen, namespace: logs-test}
spec:
  template:
    spec:
      restartPolicy: OnFailure
      containers:
      - name: kuard
        image: gcr.io/kuar-demo/kuard-amd64:blue
        args: ["--keygen-enable", "--keygen-exit-on-complete", "--keygen-num-to-gen=5"]
"""
READER_RBAC = """
apiVersion: v1
kind: ServiceAccount
metadata: {name: reader, namespace: logs-test}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: logs-test}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: logs-test}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
subjects:
- {kind: ServiceAccount, name: reader, namespace: logs-test}
"""
LOG_READER_ROLE = """
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: logs-test}
rules:
- {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}
"""
RFC3339_NANO_FIXED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z")


@pytest.fixture(scope="module", autouse=True)
def namespace(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", NAMESPACE)


def apply(cluster: Cluster, manifest: str) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=manifest)


def pod(cluster: Cluster, name: str) -> dict:
    return json.loads(cluster.kubectl("get", "pod", name, "-n", NAMESPACE, "-o", "json").stdout)


def logs(cluster: Cluster, *args: str, check: bool = True) -> str:
    return cluster.kubectl("logs", "-n", NAMESPACE, *args, check=check).stdout


def running(cluster: Cluster, name: str) -> bool:
    return pod(cluster, name)["status"].get("phase") == "Running"


# -- through the real kubectl ---------------------------------------------------------------------------------


def test_follow_streams_the_lines_and_ends_when_the_container_exits(cluster: Cluster) -> None:
    apply(cluster, SLOW_COUNTER)
    assert eventually(lambda: running(cluster, "slow-counter"))
    env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig)}
    command = [str(KUBECTL), "logs", "-f", "-n", NAMESPACE, "slow-counter"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as follower:
        assert follower.stdout is not None
        assert follower.stdout.readline() == "1\n"
        assert pod(cluster, "slow-counter")["status"]["phase"] == "Running"  # the line came while it ran
        assert follower.stdout.read() == "2\n3\n"  # and the stream ends with the container
        assert follower.wait(timeout=30) == 0
    assert eventually(lambda: pod(cluster, "slow-counter")["status"].get("phase") == "Succeeded")


def test_tail_limit_bytes_timestamps_and_since(cluster: Cluster) -> None:
    apply(cluster, COUNTER)
    assert eventually(lambda: pod(cluster, "counter")["status"].get("phase") == "Succeeded")
    assert logs(cluster, "counter") == "1\n2\n3\n"
    assert logs(cluster, "counter", "--tail=1") == "3\n"
    assert logs(cluster, "counter", "--tail=0") == ""
    assert logs(cluster, "counter", "--limit-bytes=3") == "1\n2"
    stamped = logs(cluster, "counter", "--timestamps").splitlines()
    assert [line.split(" ", 1)[1] for line in stamped] == ["1", "2", "3"]
    assert all(RFC3339_NANO_FIXED.fullmatch(line.split(" ", 1)[0]) for line in stamped)
    assert logs(cluster, "counter", "--since=1h") == "1\n2\n3\n"
    later = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert logs(cluster, "counter", f"--since-time={later}") == ""
    first = stamped[0].split(" ", 1)[0]
    assert logs(cluster, "counter", f"--since-time={first}") == "1\n2\n3\n"


def test_containers_are_chosen_by_name_by_default_or_all_at_once(cluster: Cluster) -> None:
    apply(cluster, TWO)
    assert eventually(lambda: running(cluster, "two"))
    assert eventually(lambda: logs(cluster, "two", "-c", "second") == "second-line\n")
    defaulted = cluster.kubectl("logs", "-n", NAMESPACE, "two")
    assert defaulted.stdout == "first-line\n"
    assert 'Defaulted container "first" out of: first, second' in defaulted.stderr
    raw = cluster.kubectl("get", "--raw", f"/api/v1/namespaces/{NAMESPACE}/pods/two/log", check=False)
    assert raw.returncode != 0
    assert "a container name must be specified for pod two, choose one of: [first second]" in raw.stderr
    assert sorted(logs(cluster, "two", "--all-containers").splitlines()) == ["first-line", "second-line"]
    prefixed = logs(cluster, "-l", "app=two", "--all-containers", "--prefix")
    assert "[pod/two/first] first-line" in prefixed and "[pod/two/second] second-line" in prefixed
    wrong = cluster.kubectl("logs", "-n", NAMESPACE, "two", "-c", "third", check=False)
    assert wrong.returncode != 0
    assert "container third is not valid for pod two" in wrong.stderr
    cluster.kubectl("annotate", "-n", NAMESPACE, "pod/two", "kubectl.kubernetes.io/default-container=second")
    assert logs(cluster, "two") == "second-line\n"


def test_previous_shows_the_crashed_instance(cluster: Cluster) -> None:
    apply(cluster, CRASHER)
    assert eventually(lambda: pod(cluster, "crasher")["status"]["containerStatuses"][0].get("restartCount", 0) >= 1)
    assert logs(cluster, "crasher", "--previous") == "about to fail\n"
    assert logs(cluster, "crasher") == "about to fail\n"  # the current instance, or the last one while it waits
    apply(cluster, TWO)
    assert eventually(lambda: running(cluster, "two"))
    missing = cluster.kubectl("logs", "-n", NAMESPACE, "two", "-c", "first", "--previous", check=False)
    assert missing.returncode != 0
    assert 'previous terminated container "first" in pod "two" not found' in missing.stderr


def test_a_container_that_has_not_started_has_no_logs_yet(cluster: Cluster) -> None:
    apply(cluster, STUCK)
    assert eventually(lambda: logs(cluster, "stuck", "-c", "wait", check=False) == "waiting forever\n")
    answer = cluster.kubectl("logs", "-n", NAMESPACE, "stuck", "-c", "main", check=False)
    assert answer.returncode != 0
    assert 'Error from server (BadRequest): container "main" in pod "stuck" is waiting to start: PodInitializing' in (
        answer.stderr
    )


def test_a_keygen_job_logs_one_line_per_key(cluster: Cluster) -> None:
    apply(cluster, KEYGEN)
    cluster.kubectl("wait", "-n", NAMESPACE, "--for=condition=Complete", "job/keygen", "--timeout=60s")
    text = logs(cluster, "job/keygen")
    assert "Starting kuard version: v0.10.0-blue" in text
    assert "Serving on HTTP on :8080" in text
    done = re.findall(r"\(ID 0 (\d)/5\) Item done: SHA256:[A-Za-z0-9+/]{43}$", text, re.MULTILINE)
    assert done == ["1", "2", "3", "4", "5"]
    assert text.rstrip().endswith("(ID 0) Workload exiting")


def test_reading_logs_takes_the_pods_log_permission(cluster: Cluster) -> None:
    apply(cluster, READER_RBAC + "---" + TWO)
    assert eventually(lambda: running(cluster, "two"))
    reader = f"--as=system:serviceaccount:{NAMESPACE}:reader"
    denied = cluster.kubectl("logs", "-n", NAMESPACE, "two", "-c", "first", reader, check=False)
    assert denied.returncode != 0
    assert 'cannot get resource "pods/log" in API group "" in the namespace "logs-test"' in denied.stderr
    apply(cluster, LOG_READER_ROLE)
    assert eventually(lambda: logs(cluster, "two", "-c", "first", reader, check=False) == "first-line\n")


def test_an_image_that_cannot_be_pulled_has_no_logs(cluster: Cluster) -> None:
    apply(cluster, TYPO)
    waiting = ("image can't be pulled", "trying and failing to pull image")

    def refused() -> str:
        answer = cluster.kubectl("logs", "-n", NAMESPACE, "typo", check=False)
        return answer.stderr if answer.returncode != 0 and any(reason in answer.stderr for reason in waiting) else ""

    assert 'container "web" in pod "typo" is waiting to start: ' in eventually(refused)


def test_the_kubelet_names_why_a_container_has_no_log_yet() -> None:
    waiting = {"name": "main", "state": {"waiting": {"reason": "ContainerCreating"}}, "lastState": {}}
    pod = {"metadata": {"name": "web"}, "spec": {"nodeName": "kuar-worker"}, "status": {"containerStatuses": [waiting]}}
    with pytest.raises(ApiError) as refused:
        instance_for(pod, {"name": "main", "image": "nginx"}, False, Clock(20))
    assert refused.value.code == 400 and refused.value.reason == "BadRequest"
    assert refused.value.message == 'container "main" in pod "web" is waiting to start: ContainerCreating'


def test_the_cluster_dns_logs_its_start_up(cluster: Cluster) -> None:
    text = cluster.kubectl("logs", "-n", "kube-system", "-l", "k8s-app=kube-dns").stdout
    assert text.count(".:53\n") == 2 and "CoreDNS-1.13.1" in text  # kubectl fans out over both replicas


# -- the log models -------------------------------------------------------------------------------------------


def test_a_shell_prints_its_echoes_when_its_script_reaches_them() -> None:
    container = {"name": "c", "image": "busybox", "command": ["sh", "-c", "for i in a b; do echo $i; sleep 5; done"]}
    assert printed(container, 1000.0, 10.0, 4.0) == [(1000.0, "a")]
    assert printed(container, 1000.0, 10.0, 60.0) == [(1000.0, "a"), (1000.5, "b")]


def test_an_endless_loop_prints_its_lines_every_round() -> None:
    script = "echo start; while true; do echo tick; sleep 5; done"
    container = {"name": "c", "image": "alpine", "command": ["sh", "-c", script]}
    assert printed(container, 0.0, 1.0, 12.0) == [(0.0, "start"), (0.0, "tick"), (5.0, "tick"), (10.0, "tick")]


def test_kuard_prints_its_banner_then_a_key_a_second() -> None:
    start = time.time()
    container = {"name": "k", "image": "gcr.io/kuar-demo/kuard-amd64:green", "args": ["--keygen-enable"]}
    lines = [text for _, text in printed(container, start, 1.0, 3.5)]
    assert "Starting kuard version: v0.10.0-green" in lines[0]
    keys = [line for line in lines if "Item done: SHA256:" in line]
    assert [re.search(r"\(ID 0 (\d)/0\)", line).group(1) for line in keys] == ["1", "2", "3"]  # type: ignore[union-attr]
    config = "\n".join(lines[lines.index(next(line for line in lines if line.endswith("Config: "))) + 1 :])
    assert '"enable": true' in config


def test_servers_print_their_start_up_and_unknown_programs_nothing() -> None:
    nginx = [text for _, text in printed({"name": "web", "image": "nginx:1.27"}, 0.0, 1.0, 1.0)]
    assert nginx[-1].endswith("start worker process 29")
    redis = [text for _, text in printed({"name": "db", "image": "redis"}, 0.0, 1.0, 1.0)]
    assert redis[-1].endswith("Ready to accept connections tcp")
    assert printed({"name": "x", "image": "registry.k8s.io/pause:3.10"}, 0.0, 1.0, 100.0) == []

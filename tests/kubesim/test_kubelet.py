"""The simulated kubelets: pods run, pull, crash, back off, pass or fail probes, stop gracefully; nodes heartbeat.

The pods are created together at the start of the module (most bound with spec.nodeName, as a pod that bypasses
the scheduler is; some scheduled) so that their simulated lives unfold side by side; each test then checks
what kubectl shows of one of them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubesim.clock import parse_time
from tests.kubesim.conftest import SPEED, Cluster, eventually, start_cluster

NAMESPACE = "kubelet-test"
WAIT_SECONDS = 30.0
KUARD = "gcr.io/kuar-demo/kuard-amd64:blue"
NODE = "kuar-worker"

PODS = f"""\
apiVersion: v1
kind: Pod
metadata: {{name: kuard, namespace: {NAMESPACE}}}
spec:
  nodeName: {NODE}
  containers: [{{name: kuard, image: "{KUARD}"}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: scheduled, namespace: {NAMESPACE}}}
spec:
  containers: [{{name: nginx, image: "nginx:1.27"}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: typo, namespace: {NAMESPACE}}}
spec:
  nodeName: {NODE}
  containers: [{{name: kuard, image: "gcr.io/kuar-demo/kuard-amd64:bleu"}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: crash, namespace: {NAMESPACE}}}
spec:
  nodeName: {NODE}
  containers: [{{name: crash, image: busybox, command: [sh, -c, "sleep 1; exit 1"]}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: done, namespace: {NAMESPACE}}}
spec:
  nodeName: {NODE}
  restartPolicy: Never
  containers: [{{name: done, image: busybox, command: [sh, -c, "echo done; sleep 5"]}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: failed, namespace: {NAMESPACE}}}
spec:
  nodeName: {NODE}
  restartPolicy: Never
  containers: [{{name: failed, image: busybox, command: [sh, -c, "sleep 2; exit 3"]}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: oom, namespace: {NAMESPACE}}}
spec:
  nodeName: {NODE}
  restartPolicy: Never
  containers:
  - name: kuard
    image: "{KUARD}"
    env: [{{name: KUBESIM_MEMORY, value: 200Mi}}]
    resources: {{limits: {{memory: 100Mi}}}}
---
apiVersion: v1
kind: Pod
metadata: {{name: liveness, namespace: {NAMESPACE}}}
spec:
  nodeName: {NODE}
  containers:
  - name: kuard
    image: "{KUARD}"
    env: [{{name: KUBESIM_HEALTHY_FOR, value: "20"}}]
    livenessProbe: {{httpGet: {{path: /healthy, port: 8080}}, periodSeconds: 10, failureThreshold: 3}}
---
apiVersion: v1
kind: Pod
metadata: {{name: exec-liveness, namespace: {NAMESPACE}}}
spec:
  nodeName: {NODE}
  containers:
  - name: liveness
    image: registry.k8s.io/busybox
    args: [/bin/sh, -c, "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"]
    livenessProbe: {{exec: {{command: [cat, /tmp/healthy]}}, initialDelaySeconds: 5, periodSeconds: 5}}
---
apiVersion: v1
kind: Pod
metadata: {{name: keygen, namespace: {NAMESPACE}}}
spec:
  nodeName: {NODE}
  restartPolicy: OnFailure
  containers:
  - name: kuard
    image: "{KUARD}"
    args: [--keygen-enable, --keygen-exit-on-complete, --keygen-exit-code=1, --keygen-num-to-gen=3]
"""
# Created by their tests, when they can watch these pods go through their first minutes.
READINESS = f"""\
apiVersion: v1
kind: Pod
metadata: {{name: readiness, namespace: {NAMESPACE}}}
spec:
  nodeName: {NODE}
  containers:
  - name: kuard
    image: "{KUARD}"
    env: [{{name: KUBESIM_READY_AFTER, value: "40"}}]
    readinessProbe: {{httpGet: {{path: /ready, port: 8080}}, periodSeconds: 5}}
"""
INIT = f"""\
apiVersion: v1
kind: Pod
metadata: {{name: init, namespace: {NAMESPACE}}}
spec:
  nodeName: {NODE}
  initContainers:
  - {{name: wait-one, image: busybox, command: [sh, -c, "sleep 20"]}}
  - {{name: wait-two, image: busybox, command: [sh, -c, "sleep 20"]}}
  containers: [{{name: kuard, image: "{KUARD}"}}]
"""


@pytest.fixture(scope="module")
def lab(cluster: Cluster) -> Cluster:
    cluster.kubectl("create", "namespace", NAMESPACE)
    cluster.kubectl("apply", "-f", "-", stdin=PODS)
    return cluster


def pod(cluster: Cluster, name: str, namespace: str = NAMESPACE) -> dict[str, Any]:
    return json.loads(cluster.kubectl("get", "pod", name, "-n", namespace, "-o", "json").stdout)


def row(cluster: Cluster, name: str, namespace: str = NAMESPACE) -> list[str]:
    """NAME READY STATUS RESTARTS AGE, as `kubectl get pod` prints them."""
    return cluster.kubectl("get", "pod", name, "-n", namespace, "--no-headers").stdout.split()


def events(cluster: Cluster, name: str, namespace: str = NAMESPACE) -> list[dict[str, Any]]:
    """The pod's events in the order they were first recorded."""
    listed = cluster.kubectl(
        "get", "events", "-n", namespace, "--field-selector", f"involvedObject.name={name}", "-o", "json"
    ).stdout
    return sorted(json.loads(listed)["items"], key=lambda event: event["metadata"]["name"])


def reasons(cluster: Cluster, name: str) -> list[str]:
    return [event["reason"] for event in events(cluster, name)]


def container(pod_object: dict[str, Any]) -> dict[str, Any]:
    return pod_object["status"]["containerStatuses"][0]


def gone(cluster: Cluster, name: str, namespace: str = NAMESPACE) -> bool:
    return cluster.kubectl("get", "pod", name, "-n", namespace, check=False).returncode != 0


# -- running ------------------------------------------------------------------------------------------------------


def test_a_pod_goes_from_pending_to_running_with_the_kubelets_events(lab: Cluster) -> None:
    assert eventually(lambda: row(lab, "kuard")[1:3] == ["1/1", "Running"])
    assert reasons(lab, "kuard") == ["Pulling", "Pulled", "Created", "Started"]
    pulled = events(lab, "kuard")[1]
    assert pulled["source"] == {"component": "kubelet", "host": NODE}
    assert pulled["involvedObject"]["fieldPath"] == "spec.containers{kuard}"
    assert pulled["message"].startswith(f'Successfully pulled image "{KUARD}" in 1.5s (1.5s including waiting).')
    status = pod(lab, "kuard")["status"]
    assert status["phase"] == "Running"
    assert status["hostIP"] == "172.18.0.3" and status["podIP"].startswith("10.244.1.")
    assert {condition["type"]: condition["status"] for condition in status["conditions"]} == {
        "PodReadyToStartContainers": "True",
        "Initialized": "True",
        "Ready": "True",
        "ContainersReady": "True",
        "PodScheduled": "True",
    }
    running = container(pod(lab, "kuard"))
    assert running["ready"] and running["started"] and running["restartCount"] == 0
    assert running["containerID"].startswith("containerd://") and len(running["containerID"]) == 13 + 64
    assert running["imageID"].startswith("gcr.io/kuar-demo/kuard-amd64@sha256:")
    assert "startedAt" in running["state"]["running"]
    described = lab.kubectl("describe", "pod", "kuard", "-n", NAMESPACE).stdout
    assert "Container started" in described and "Status:           Running" in described


def test_a_scheduled_pod_runs_on_the_node_it_was_bound_to(lab: Cluster) -> None:
    assert eventually(lambda: row(lab, "scheduled")[1:3] == ["1/1", "Running"])
    scheduled = pod(lab, "scheduled")
    assert reasons(lab, "scheduled")[:2] == ["Scheduled", "Pulling"]
    node = json.loads(lab.kubectl("get", "node", scheduled["spec"]["nodeName"], "-o", "json").stdout)
    addresses = {entry["type"]: entry["address"] for entry in node["status"]["addresses"]}
    assert scheduled["status"]["hostIP"] == addresses["InternalIP"]
    assert scheduled["status"]["podIP"].startswith(node["spec"]["podCIDR"].rsplit(".", 2)[0])


def test_pod_ips_are_unique_on_a_node(lab: Cluster) -> None:
    def ips() -> list[str]:
        listed = json.loads(lab.kubectl("get", "pods", "-n", NAMESPACE, "-o", "json").stdout)["items"]
        return [item["status"].get("podIP") for item in listed if item["spec"].get("nodeName") == NODE]

    assert eventually(lambda: all(ips()))
    assert len(set(ips())) == len(ips())


def test_a_replacement_pod_gets_the_next_address_not_the_one_just_freed(lab: Cluster) -> None:
    pinned = f'--overrides={{"spec":{{"nodeName":"{NODE}"}}}}'
    lab.kubectl("run", "first-address", "-n", NAMESPACE, f"--image={KUARD}", pinned)
    first = eventually(lambda: pod(lab, "first-address")["status"].get("podIP"))
    lab.kubectl("delete", "pod", "first-address", "-n", NAMESPACE, "--grace-period=0", "--force")
    lab.kubectl("run", "next-address", "-n", NAMESPACE, f"--image={KUARD}", pinned)
    following = eventually(lambda: pod(lab, "next-address")["status"].get("podIP"))
    assert first and following and following != first  # host-local IPAM moves on, as on kind


def test_an_image_pulled_on_a_node_is_present_for_the_next_pod(lab: Cluster) -> None:
    eventually(lambda: row(lab, "kuard")[2] == "Running")
    lab.kubectl("run", "again", "-n", NAMESPACE, f"--image={KUARD}", f'--overrides={{"spec":{{"nodeName":"{NODE}"}}}}')
    assert eventually(lambda: row(lab, "again")[1:3] == ["1/1", "Running"])
    assert reasons(lab, "again") == ["Pulled", "Created", "Started"]
    assert events(lab, "again")[0]["message"].startswith(f'Container image "{KUARD}" already present on machine')
    node = json.loads(lab.kubectl("get", "node", NODE, "-o", "json").stdout)
    listed = eventually(lambda: json.loads(lab.kubectl("get", "node", NODE, "-o", "json").stdout)["status"]["images"])
    assert any(f"{KUARD}" in entry["names"] for entry in listed), node["status"].get("images")


# -- images that do not pull, containers that end --------------------------------------------------------------------


def test_an_image_that_does_not_exist_fails_to_pull_then_backs_off(lab: Cluster) -> None:
    assert eventually(lambda: row(lab, "typo")[2] == "ImagePullBackOff")
    waiting = container(pod(lab, "typo"))["state"]["waiting"]
    assert waiting["message"].startswith('Back-off pulling image "gcr.io/kuar-demo/kuard-amd64:bleu": ErrImagePull:')
    messages = [event["message"] for event in events(lab, "typo")]
    assert messages[0] == 'Pulling image "gcr.io/kuar-demo/kuard-amd64:bleu"'
    assert messages[1].startswith(
        'Failed to pull image "gcr.io/kuar-demo/kuard-amd64:bleu": rpc error: code = NotFound'
    )
    assert messages[2:5] == ["Error: ErrImagePull", 'Back-off pulling image "gcr.io/kuar-demo/kuard-amd64:bleu"',
                             "Error: ImagePullBackOff"]  # fmt: skip
    assert pod(lab, "typo")["status"]["phase"] == "Pending"
    pulling = lambda: next(event for event in events(lab, "typo") if event["reason"] == "Pulling")  # noqa: E731
    assert eventually(lambda: pulling()["count"] >= 2)  # pulled again once the back-off is over


def test_a_crashing_container_is_restarted_with_a_growing_back_off(lab: Cluster) -> None:
    assert eventually(lambda: row(lab, "crash")[2] == "CrashLoopBackOff" and int(row(lab, "crash")[3]) >= 2)
    status = container(pod(lab, "crash"))
    assert status["state"]["waiting"]["message"].startswith("back-off ")
    assert status["lastState"]["terminated"]["exitCode"] == 1
    assert status["lastState"]["terminated"]["reason"] == "Error"
    assert pod(lab, "crash")["status"]["phase"] == "Running"
    back_off = [event for event in events(lab, "crash") if event["reason"] == "BackOff"]
    assert back_off and back_off[0]["type"] == "Warning"
    assert back_off[0]["message"].startswith("Back-off restarting failed container crash in pod crash_kubelet-test(")
    restarts = int(row(lab, "crash")[3])
    assert eventually(lambda: int(row(lab, "crash")[3]) > restarts)


def test_a_container_that_exits_zero_completes_the_pod(lab: Cluster) -> None:
    assert eventually(lambda: row(lab, "done")[1:3] == ["0/1", "Completed"])
    finished = pod(lab, "done")
    assert finished["status"]["phase"] == "Succeeded"
    terminated = container(finished)["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"]) == (0, "Completed")
    ready = next(condition for condition in finished["status"]["conditions"] if condition["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("False", "PodCompleted")


def test_a_container_that_fails_with_restart_never_fails_the_pod(lab: Cluster) -> None:
    assert eventually(lambda: row(lab, "failed")[2] == "Error")
    failed = pod(lab, "failed")
    assert failed["status"]["phase"] == "Failed"
    assert container(failed)["state"]["terminated"]["exitCode"] == 3


def test_memory_above_the_limit_is_oom_killed(lab: Cluster) -> None:
    assert eventually(lambda: row(lab, "oom")[2] == "OOMKilled")
    terminated = container(pod(lab, "oom"))["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"]) == (137, "OOMKilled")
    assert pod(lab, "oom")["status"]["phase"] == "Failed"


# -- probes and init containers ----------------------------------------------------------------------------------------


def test_a_failing_liveness_probe_restarts_the_container(lab: Cluster) -> None:
    assert eventually(lambda: int(row(lab, "liveness")[3]) >= 1)
    messages = {(event["reason"], event["message"]) for event in events(lab, "liveness")}
    assert ("Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500") in messages
    assert ("Killing", "Container kuard failed liveness probe, will be restarted") in messages
    last = container(pod(lab, "liveness"))["lastState"]["terminated"]
    assert last["reason"] == "Error"


def test_the_documentations_exec_liveness_probe_restarts_once_the_file_is_gone(lab: Cluster) -> None:
    assert eventually(lambda: int(row(lab, "exec-liveness")[3]) >= 1)
    messages = {event["message"] for event in events(lab, "exec-liveness")}
    assert "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory" in messages
    assert "Container liveness failed liveness probe, will be restarted" in messages


def test_a_failing_job_container_with_restart_on_failure_crash_loops(lab: Cluster) -> None:
    assert eventually(lambda: row(lab, "keygen")[2] == "CrashLoopBackOff")
    last = container(pod(lab, "keygen"))["lastState"]["terminated"]
    assert (last["exitCode"], last["reason"]) == (1, "Error")


def test_readiness_gates_the_ready_condition(lab: Cluster) -> None:
    lab.kubectl("apply", "-f", "-", stdin=READINESS)

    def not_ready_yet() -> bool:
        current = pod(lab, "readiness")
        return current["status"]["phase"] == "Running" and not container(current)["ready"]

    assert eventually(not_ready_yet)
    assert row(lab, "readiness")[1] == "0/1"
    ready = next(
        condition for condition in pod(lab, "readiness")["status"]["conditions"] if condition["type"] == "Ready"
    )
    assert (ready["reason"], ready["message"]) == ("ContainersNotReady", "containers with unready status: [kuard]")
    assert eventually(lambda: row(lab, "readiness")[1:3] == ["1/1", "Running"])
    assert "Readiness probe failed: HTTP probe failed with statuscode: 503" in {
        event["message"] for event in events(lab, "readiness")
    }


def test_init_containers_run_one_by_one_before_the_app(lab: Cluster) -> None:
    lab.kubectl("apply", "-f", "-", stdin=INIT)
    seen: list[str] = []

    def running() -> bool:
        status = row(lab, "init")[2]
        if not seen or seen[-1] != status:
            seen.append(status)
        return status == "Running"

    assert eventually(running)
    assert seen[-1] == "Running" and any(status.startswith("Init:") for status in seen), seen
    statuses = pod(lab, "init")["status"]["initContainerStatuses"]
    assert [entry["state"]["terminated"]["reason"] for entry in statuses] == ["Completed", "Completed"]
    first, second = (entry["state"]["terminated"] for entry in statuses)
    assert first["finishedAt"] <= second["startedAt"]


# -- deletion ----------------------------------------------------------------------------------------------------------


def test_a_deleted_pod_terminates_gracefully_then_goes(lab: Cluster) -> None:
    shell = (
        f'{{"spec":{{"nodeName":"{NODE}","terminationGracePeriodSeconds":200,'
        '"containers":[{"name":"shell","image":"busybox","command":["sh","-c","sleep 3600"]}]}}'
    )
    lab.kubectl("run", "shell", "-n", NAMESPACE, "--image=busybox", f"--overrides={shell}")
    assert eventually(lambda: row(lab, "shell")[2] == "Running")
    lab.kubectl("delete", "pod", "shell", "-n", NAMESPACE, "--wait=false")
    terminating = pod(lab, "shell")
    assert terminating["metadata"]["deletionGracePeriodSeconds"] == 200
    assert row(lab, "shell")[2] == "Terminating"
    assert eventually(lambda: "Killing" in reasons(lab, "shell"))
    killing = next(event for event in events(lab, "shell") if event["reason"] == "Killing")
    assert killing["message"] == "Stopping container shell"
    assert not gone(lab, "shell")  # the shell ignores SIGTERM: it waits for the SIGKILL at the end of the grace period
    assert eventually(lambda: gone(lab, "shell"))


def test_a_forced_deletion_removes_the_pod_at_once(lab: Cluster) -> None:
    overrides = f'{{"spec":{{"nodeName":"{NODE}"}}}}'
    lab.kubectl("run", "forced", "-n", NAMESPACE, "--image=busybox", f"--overrides={overrides}", "--", "sleep", "3600")
    assert eventually(lambda: row(lab, "forced")[2] == "Running")
    lab.kubectl("delete", "pod", "forced", "-n", NAMESPACE, "--grace-period=0", "--force")
    assert gone(lab, "forced")


def test_an_unscheduled_pod_is_deleted_at_once(lab: Cluster) -> None:
    overrides = '{"spec":{"nodeSelector":{"disk":"none-has-it"}}}'
    lab.kubectl("run", "nowhere", "-n", NAMESPACE, f"--image={KUARD}", f"--overrides={overrides}")
    lab.kubectl("delete", "pod", "nowhere", "-n", NAMESPACE, "--wait=false")
    assert gone(lab, "nowhere")


def test_deleting_every_pod_of_a_namespace_and_the_namespace(lab: Cluster) -> None:
    lab.kubectl("create", "namespace", "kubelet-gone")
    overrides = f'{{"spec":{{"nodeName":"{NODE}"}}}}'
    for name in ("one", "two"):
        lab.kubectl("run", name, "-n", "kubelet-gone", f"--image={KUARD}", f"--overrides={overrides}")
    assert eventually(lambda: all(row(lab, name, "kubelet-gone")[2] == "Running" for name in ("one", "two")))
    lab.kubectl("delete", "pods", "--all", "-n", "kubelet-gone")
    assert gone(lab, "one", "kubelet-gone") and gone(lab, "two", "kubelet-gone")
    lab.kubectl("run", "three", "-n", "kubelet-gone", f"--image={KUARD}", f"--overrides={overrides}")
    lab.kubectl("delete", "namespace", "kubelet-gone")
    assert lab.kubectl("get", "namespace", "kubelet-gone", check=False).returncode != 0


# -- nodes ---------------------------------------------------------------------------------------------------------


def renew_times(cluster: Cluster) -> dict[str, str]:
    leases = json.loads(cluster.kubectl("get", "leases", "-n", "kube-node-lease", "-o", "json").stdout)["items"]
    return {lease["metadata"]["name"]: lease["spec"]["renewTime"] for lease in leases}


def test_each_kubelet_renews_its_nodes_lease(lab: Cluster) -> None:
    before = renew_times(lab)
    assert set(before) == {"kuar-control-plane", "kuar-worker", "kuar-worker2"}
    assert eventually(lambda: all(renew_times(lab)[name] > before[name] for name in before))
    nodes = json.loads(lab.kubectl("get", "nodes", "-o", "json").stdout)["items"]
    for node in nodes:
        ready = next(condition for condition in node["status"]["conditions"] if condition["type"] == "Ready")
        assert (ready["status"], ready["reason"]) == ("True", "KubeletReady")


def test_a_powered_off_node_does_nothing_and_loses_its_containers(lab: Cluster) -> None:
    overrides = '{"spec":{"nodeName":"kuar-worker2"}}'
    lab.kubectl("run", "victim", "-n", NAMESPACE, f"--image={KUARD}", f"--overrides={overrides}")
    assert eventually(lambda: row(lab, "victim")[1:3] == ["1/1", "Running"])
    lab.kubectl("annotate", "node", "kuar-worker2", "kubesim.io/power=off")
    try:
        time.sleep(0.3)
        silent = renew_times(lab)["kuar-worker2"]
        lab.kubectl("delete", "pod", "victim", "-n", NAMESPACE, "--wait=false")
        time.sleep(0.6)  # over 10 simulated seconds: a lease period
        assert renew_times(lab)["kuar-worker2"] == silent
        assert row(lab, "victim")[2] == "Terminating"
    finally:
        lab.kubectl("annotate", "node", "kuar-worker2", "kubesim.io/power-")
    assert eventually(lambda: gone(lab, "victim"))
    assert eventually(lambda: renew_times(lab)["kuar-worker2"] > silent)
    assert "Rebooted" in {
        event["reason"]
        for event in json.loads(lab.kubectl("get", "events", "-n", "default", "-o", "json").stdout)["items"]
        if event["involvedObject"]["name"] == "kuar-worker2"
    }


def test_containers_of_a_node_that_comes_back_restart(lab: Cluster) -> None:
    overrides = '{"spec":{"nodeName":"kuar-worker2"}}'
    lab.kubectl("run", "survivor", "-n", NAMESPACE, f"--image={KUARD}", f"--overrides={overrides}")
    assert eventually(lambda: row(lab, "survivor")[1:3] == ["1/1", "Running"])
    lab.kubectl("annotate", "node", "kuar-worker2", "kubesim.io/power=off")
    time.sleep(0.3)
    lab.kubectl("annotate", "node", "kuar-worker2", "kubesim.io/power-")
    assert eventually(lambda: container(pod(lab, "survivor"))["restartCount"] == 1)
    last = container(pod(lab, "survivor"))["lastState"]["terminated"]
    assert (last["reason"], last["exitCode"]) == ("Unknown", 255)
    assert eventually(lambda: row(lab, "survivor")[1:3] == ["1/1", "Running"])


# -- a restart of kubesim ------------------------------------------------------------------------------------------


@pytest.fixture
def own_cluster(tmp_path: Path) -> Iterator[tuple[Path, list[Cluster]]]:
    started: list[Cluster] = []
    yield tmp_path / "data", started
    for running in started:
        if running.process.poll() is None:
            running.stop()


def test_a_restarted_kubesim_resumes_its_pods(own_cluster: tuple[Path, list[Cluster]]) -> None:
    data_dir, started = own_cluster
    data_dir.mkdir()
    first = start_cluster(data_dir)
    started.append(first)
    overrides = f'{{"spec":{{"nodeName":"{NODE}","restartPolicy":"Never"}}}}'
    first.kubectl("run", "job", f"--image={KUARD}", f"--overrides={overrides}", "--",
                  "--keygen-enable", "--keygen-exit-on-complete", "--keygen-num-to-gen=60")  # fmt: skip
    assert eventually(lambda: row(first, "job", "default")[2] == "Running")
    running = container(pod(first, "job", "default"))
    first.stop()
    second = start_cluster(data_dir)
    started.append(second)
    assert eventually(lambda: row(second, "job", "default")[2] == "Completed")
    finished = container(pod(second, "job", "default"))
    terminated = finished["state"]["terminated"]
    # The same container ran on and finished its 60 keys (60 simulated seconds), as if kubesim had not stopped.
    assert finished["restartCount"] == 0 and finished["containerID"] == running["containerID"]
    assert terminated["startedAt"] == running["state"]["running"]["startedAt"] and terminated["exitCode"] == 0
    lasted = parse_time(terminated["finishedAt"]) - parse_time(terminated["startedAt"])  # type: ignore[operator]
    assert abs(lasted - 60 / SPEED) <= 1  # whole seconds in timestamps


def test_a_missing_config_map_holds_the_container_until_it_appears(lab: Cluster) -> None:
    env_pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "needs-env", "namespace": NAMESPACE},
        "spec": {
            "nodeName": NODE,
            "containers": [
                {
                    "name": "kuard",
                    "image": "gcr.io/kuar-demo/kuard-amd64:blue",
                    "env": [{"name": "P", "valueFrom": {"configMapKeyRef": {"name": "late-config", "key": "p"}}}],
                }
            ],
        },
    }
    volume_pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "needs-volume", "namespace": NAMESPACE},
        "spec": {
            "nodeName": NODE,
            "containers": [
                {
                    "name": "kuard",
                    "image": "gcr.io/kuar-demo/kuard-amd64:blue",
                    "volumeMounts": [{"name": "config", "mountPath": "/config"}],
                }
            ],
            "volumes": [{"name": "config", "configMap": {"name": "late-config"}}],
        },
    }
    lab.kubectl(
        "apply", "-f", "-", stdin=json.dumps({"apiVersion": "v1", "kind": "List", "items": [env_pod, volume_pod]})
    )
    assert eventually(lambda: row(lab, "needs-env")[2] == "CreateContainerConfigError")
    waiting = pod(lab, "needs-env")["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting["message"] == 'configmap "late-config" not found'
    assert eventually(lambda: "FailedMount" in reasons(lab, "needs-volume"))
    mount_failure = next(event for event in events(lab, "needs-volume") if event["reason"] == "FailedMount")
    assert (
        mount_failure["message"] == 'MountVolume.SetUp failed for volume "config" : configmap "late-config" not found'
    )
    assert row(lab, "needs-volume")[2] == "ContainerCreating"
    lab.kubectl("create", "configmap", "late-config", "-n", NAMESPACE, "--from-literal=p=1")
    assert eventually(lambda: row(lab, "needs-env")[2] == "Running" and row(lab, "needs-volume")[2] == "Running")

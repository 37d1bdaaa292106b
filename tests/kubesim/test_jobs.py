"""Jobs as the book's chapter on them runs them, through the real kubectl: one-shot, parallel, failing, indexed.

The pods really run: the kubelet plays their containers (kuard's keygen, busybox scripts) and the Job
controller counts what they did.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from tests.kubesim.conftest import Cluster, eventually, start_cluster

NAMESPACE = "jobs-test"
WAIT_SECONDS = 30.0
TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"

ONESHOT = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: oneshot
  namespace: jobs-test
spec:
  template:
    spec:
      containers:
      - name: kuard
        image: gcr.io/kuar-demo/kuard-amd64:blue
        imagePullPolicy: Always
        args:
        - "--keygen-enable"
        - "--keygen-exit-on-complete"
        - "--keygen-num-to-gen=5"
      restartPolicy: OnFailure
"""


def apply(cluster: Cluster, manifest: str) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=manifest)


def job(cluster: Cluster, name: str) -> dict[str, Any]:
    return json.loads(cluster.kubectl("get", "job", name, "-n", NAMESPACE, "-o", "json").stdout)


def pods(cluster: Cluster, job_name: str) -> list[dict[str, Any]]:
    listed = cluster.kubectl("get", "pods", "-n", NAMESPACE, "-l", f"job-name={job_name}", "-o", "json").stdout
    return json.loads(listed)["items"]


def condition(obj: dict[str, Any], kind: str) -> dict[str, Any] | None:
    return next((c for c in obj.get("status", {}).get("conditions", []) if c["type"] == kind), None)


def has_condition(cluster: Cluster, name: str, kind: str) -> bool:
    found = condition(job(cluster, name), kind)
    return found is not None and found["status"] == "True"


def events(cluster: Cluster, name: str) -> list[tuple[str, str, str]]:
    listed = cluster.kubectl(
        "get", "events", "-n", NAMESPACE, "--field-selector", f"involvedObject.kind=Job,involvedObject.name={name}",
        "-o", "json",
    ).stdout  # fmt: skip
    return [(e["type"], e["reason"], e["message"]) for e in json.loads(listed)["items"]]


def job_row(cluster: Cluster, name: str) -> list[str]:
    lines = cluster.kubectl("get", "job", name, "-n", NAMESPACE).stdout.splitlines()
    assert lines[0].split() == ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
    return lines[1].split()


def running(pod: dict[str, Any]) -> bool:
    """Active as the Job controller counts it: not finished and not being deleted."""
    return pod["status"].get("phase") not in ("Succeeded", "Failed") and "deletionTimestamp" not in pod["metadata"]


@pytest.fixture(scope="module", autouse=True)
def namespace(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", NAMESPACE)


def test_a_one_shot_job_runs_its_pod_to_completion(cluster: Cluster) -> None:
    apply(cluster, ONESHOT)
    assert eventually(lambda: has_condition(cluster, "oneshot", "Complete"))
    finished = job(cluster, "oneshot")
    status = finished["status"]
    assert status["succeeded"] == 1 and "failed" not in status and "active" not in status
    assert status["uncountedTerminatedPods"] == {} and status["terminating"] == 0 and status["ready"] == 0
    assert status["startTime"] <= status["completionTime"]
    kinds = [c["type"] for c in status["conditions"]]
    assert kinds == ["SuccessCriteriaMet", "Complete"]
    complete = condition(finished, "Complete")
    assert complete is not None and complete["reason"] == "CompletionsReached"
    assert complete["message"] == "Reached expected number of succeeded pods"

    [pod] = pods(cluster, "oneshot")
    name = pod["metadata"]["name"]
    assert name.startswith("oneshot-") and len(name) == len("oneshot-") + 5
    assert pod["status"]["phase"] == "Succeeded"
    labels = pod["metadata"]["labels"]
    uid = finished["metadata"]["uid"]
    assert labels["batch.kubernetes.io/controller-uid"] == uid == labels["controller-uid"]
    assert labels["batch.kubernetes.io/job-name"] == "oneshot" == labels["job-name"]
    [owner] = pod["metadata"]["ownerReferences"]
    assert (owner["kind"], owner["name"], owner["uid"], owner["controller"]) == ("Job", "oneshot", uid, True)
    assert TRACKING_FINALIZER not in pod["metadata"].get("finalizers", [])  # counted, then let go

    assert job_row(cluster, "oneshot")[1:3] == ["Complete", "1/1"]
    assert ("Normal", "SuccessfulCreate", f"Created pod: {name}") in events(cluster, "oneshot")
    assert ("Normal", "Completed", "Job completed") in events(cluster, "oneshot")


def test_kubectl_create_job_runs_a_command(cluster: Cluster) -> None:
    cluster.kubectl("create", "job", "hello", "-n", NAMESPACE, "--image=busybox", "--", "sh", "-c", "echo hi; sleep 2")
    assert eventually(lambda: has_condition(cluster, "hello", "Complete"))
    assert job_row(cluster, "hello")[1:3] == ["Complete", "1/1"]
    assert cluster.kubectl("wait", "-n", NAMESPACE, "--for=condition=complete", "job/hello", "--timeout=5s")


def test_a_parallel_job_never_runs_more_pods_than_its_parallelism(cluster: Cluster) -> None:
    apply(
        cluster,
        """\
apiVersion: batch/v1
kind: Job
metadata: {name: parallel, namespace: jobs-test, labels: {chapter: jobs}}
spec:
  parallelism: 5
  completions: 10
  template:
    metadata: {labels: {chapter: jobs}}
    spec:
      restartPolicy: OnFailure
      containers: [{name: worker, image: busybox, command: [sh, -c, "sleep 30"]}]
""",
    )
    most_running, most_active, finalizers_seen = 0, 0, False

    def sampled_until_complete() -> bool:
        nonlocal most_running, most_active, finalizers_seen
        current = pods(cluster, "parallel")
        most_running = max(most_running, sum(1 for pod in current if running(pod)))
        finalizers_seen |= any(TRACKING_FINALIZER in pod["metadata"].get("finalizers", []) for pod in current)
        state = job(cluster, "parallel")
        most_active = max(most_active, state["status"].get("active", 0))
        return condition(state, "Complete") is not None

    assert eventually(sampled_until_complete)
    assert most_running <= 5 and most_active <= 5
    assert most_active == 5  # it did run five at once
    assert finalizers_seen  # running pods carry the tracking finalizer
    finished = pods(cluster, "parallel")
    assert len(finished) == 10 and all(pod["status"]["phase"] == "Succeeded" for pod in finished)
    assert job(cluster, "parallel")["status"]["succeeded"] == 10
    assert job_row(cluster, "parallel")[1:3] == ["Complete", "10/10"]


def test_failing_pods_are_replaced_until_the_backoff_limit(cluster: Cluster) -> None:
    apply(
        cluster,
        """\
apiVersion: batch/v1
kind: Job
metadata: {name: failing, namespace: jobs-test}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: worker, image: busybox, command: [sh, -c, "sleep 1; exit 1"]}]
""",
    )
    assert eventually(lambda: has_condition(cluster, "failing", "Failed"))
    failed = job(cluster, "failing")
    assert failed["status"]["failed"] == 3 and "succeeded" not in failed["status"]
    assert [c["type"] for c in failed["status"]["conditions"]] == ["FailureTarget", "Failed"]
    for kind in ("FailureTarget", "Failed"):
        found = condition(failed, kind)
        assert found is not None
        assert (found["reason"], found["message"]) == (
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        )
    assert "completionTime" not in failed["status"]
    assert job_row(cluster, "failing")[1:3] == ["Failed", "0/1"]
    assert ("Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit") in events(
        cluster, "failing"
    )
    # One pod at a time, each replacement made only after the pod before it had failed.
    attempts = sorted(pods(cluster, "failing"), key=lambda pod: pod["metadata"]["creationTimestamp"])
    assert len(attempts) == 3 and all(pod["status"]["phase"] == "Failed" for pod in attempts)
    for before, after in itertools.pairwise(attempts):
        finished_at = before["status"]["containerStatuses"][0]["state"]["terminated"]["finishedAt"]
        assert after["metadata"]["creationTimestamp"] >= finished_at


def test_restart_policy_on_failure_restarts_the_container_in_place(cluster: Cluster) -> None:
    # The book's job-oneshot-failure1: kuard exits 1 after its keys; the kubelet restarts it in the same pod.
    apply(
        cluster,
        ONESHOT.replace("name: oneshot", "name: oneshot-failure1")
        .replace('- "--keygen-num-to-gen=5"', '- "--keygen-num-to-gen=1"\n        - "--keygen-exit-code=1"')
        .replace("spec:\n  template:", "spec:\n  backoffLimit: 2\n  template:"),
    )
    assert eventually(lambda: has_condition(cluster, "oneshot-failure1", "Failed"))
    failed = job(cluster, "oneshot-failure1")
    assert condition(failed, "Failed")["reason"] == "BackoffLimitExceeded"  # type: ignore[index]
    created = [message for _, reason, message in events(cluster, "oneshot-failure1") if reason == "SuccessfulCreate"]
    assert len(created) == 1  # restarted in place, never replaced
    pod = created[0].removeprefix("Created pod: ")
    listed = cluster.kubectl(
        "get", "events", "-n", NAMESPACE, "--field-selector", f"involvedObject.kind=Pod,involvedObject.name={pod}",
        "-o", "json",
    ).stdout  # fmt: skip
    started = sum(e.get("count", 1) for e in json.loads(listed)["items"] if e["reason"] == "Started")
    assert started >= 2  # the kubelet started the container again in the same pod
    assert failed["status"]["failed"] == 1  # the pod the Job stopped when it gave up


def test_an_indexed_job_gives_each_pod_its_completion_index(cluster: Cluster) -> None:
    apply(
        cluster,
        """\
apiVersion: batch/v1
kind: Job
metadata: {name: indexed, namespace: jobs-test}
spec:
  completionMode: Indexed
  completions: 4
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: worker, image: busybox, command: [sh, -c, "sleep 1"]}]
""",
    )
    assert eventually(lambda: has_condition(cluster, "indexed", "Complete"))
    finished = job(cluster, "indexed")
    assert finished["status"]["completedIndexes"] == "0-3" and finished["status"]["succeeded"] == 4
    indexed = sorted(pods(cluster, "indexed"), key=lambda pod: pod["metadata"]["name"])
    assert len(indexed) == 4
    for index, pod in enumerate(indexed):
        assert pod["metadata"]["name"].startswith(f"indexed-{index}-")
        assert pod["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"] == str(index)
        assert pod["metadata"]["labels"]["batch.kubernetes.io/job-completion-index"] == str(index)
        assert pod["spec"]["hostname"] == f"indexed-{index}"
        [variable] = [v for v in pod["spec"]["containers"][0]["env"] if v["name"] == "JOB_COMPLETION_INDEX"]
        field = variable["valueFrom"]["fieldRef"]["fieldPath"]
        assert field == "metadata.labels['batch.kubernetes.io/job-completion-index']"


def test_backoff_limit_per_index_fails_indexes_on_their_own(cluster: Cluster) -> None:
    apply(
        cluster,
        """\
apiVersion: batch/v1
kind: Job
metadata: {name: per-index, namespace: jobs-test}
spec:
  completionMode: Indexed
  completions: 2
  parallelism: 2
  backoffLimitPerIndex: 1
  template:
    spec:
      restartPolicy: Never
      containers: [{name: worker, image: busybox, command: [sh, -c, "exit 1"]}]
""",
    )
    assert eventually(lambda: has_condition(cluster, "per-index", "Failed"))
    failed = job(cluster, "per-index")
    assert failed["status"]["failedIndexes"] == "0,1" and failed["status"]["failed"] == 4
    found = condition(failed, "Failed")
    assert found is not None and (found["reason"], found["message"]) == ("FailedIndexes", "Job has failed indexes")
    counts = sorted(
        (int(pod["metadata"]["labels"]["batch.kubernetes.io/job-completion-index"]),
         pod["metadata"]["annotations"]["batch.kubernetes.io/job-index-failure-count"])
        for pod in pods(cluster, "per-index")
    )  # fmt: skip
    assert counts == [(0, "0"), (0, "1"), (1, "0"), (1, "1")]  # each index tried twice


def test_a_success_policy_ends_an_indexed_job_early(cluster: Cluster) -> None:
    apply(
        cluster,
        """\
apiVersion: batch/v1
kind: Job
metadata: {name: leader, namespace: jobs-test}
spec:
  completionMode: Indexed
  completions: 3
  parallelism: 1
  successPolicy:
    rules: [{succeededIndexes: "0", succeededCount: 1}]
  template:
    spec:
      restartPolicy: Never
      containers: [{name: worker, image: busybox, command: [sh, -c, "sleep 1"]}]
""",
    )
    assert eventually(lambda: has_condition(cluster, "leader", "Complete"))
    finished = job(cluster, "leader")
    met = condition(finished, "SuccessCriteriaMet")
    assert met is not None and (met["reason"], met["message"]) == ("SuccessPolicy", "Matched rules at index 0")
    assert finished["status"]["completedIndexes"] == "0" and finished["status"]["succeeded"] == 1
    assert job_row(cluster, "leader")[1:3] == ["Complete", "1/3"]


def test_active_deadline_seconds_ends_the_job(cluster: Cluster) -> None:
    # The shell ignores SIGTERM, so its pods take their grace period to go: the Job shows FailureTarget
    # meanwhile, and Failed once they are gone.
    apply(
        cluster,
        """\
apiVersion: batch/v1
kind: Job
metadata: {name: deadline, namespace: jobs-test}
spec:
  activeDeadlineSeconds: 20
  parallelism: 2
  completions: 4
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 60
      containers: [{name: worker, image: busybox, command: [sh, -c, "sleep 3600"]}]
""",
    )

    def stopping_its_pods() -> bool:
        state = job(cluster, "deadline")
        target = condition(state, "FailureTarget")
        return (
            target is not None
            and condition(state, "Failed") is None
            and state["status"].get("terminating") == 2
            and job_row(cluster, "deadline")[1] == "FailureTarget"
        )

    assert eventually(stopping_its_pods)
    assert eventually(lambda: has_condition(cluster, "deadline", "Failed"))
    failed = condition(job(cluster, "deadline"), "Failed")
    assert failed is not None
    assert (failed["reason"], failed["message"]) == (
        "DeadlineExceeded",
        "Job was active longer than specified deadline",
    )
    assert ("Warning", "DeadlineExceeded", "Job was active longer than specified deadline") in events(
        cluster, "deadline"
    )
    assert job(cluster, "deadline")["status"]["failed"] == 2  # the two pods it stopped
    assert eventually(lambda: not [pod for pod in pods(cluster, "deadline") if running(pod)])


def test_a_suspended_job_waits_until_it_is_resumed(cluster: Cluster) -> None:
    apply(
        cluster,
        """\
apiVersion: batch/v1
kind: Job
metadata: {name: later, namespace: jobs-test}
spec:
  suspend: true
  template:
    spec:
      restartPolicy: Never
      containers: [{name: worker, image: busybox, command: [sh, -c, "sleep 1"]}]
""",
    )
    assert eventually(lambda: has_condition(cluster, "later", "Suspended"))
    suspended = job(cluster, "later")
    assert "startTime" not in suspended["status"] and not pods(cluster, "later")
    assert condition(suspended, "Suspended")["reason"] == "JobSuspended"  # type: ignore[index]
    assert job_row(cluster, "later")[1] == "Suspended"
    cluster.kubectl("patch", "job", "later", "-n", NAMESPACE, "--type=merge", "-p", '{"spec":{"suspend":false}}')
    assert eventually(lambda: has_condition(cluster, "later", "Complete"))
    resumed = condition(job(cluster, "later"), "Suspended")
    assert resumed is not None and (resumed["status"], resumed["reason"]) == ("False", "JobResumed")
    happened = events(cluster, "later")
    assert ("Normal", "Suspended", "Job suspended") in happened and ("Normal", "Resumed", "Job resumed") in happened


def test_pod_failure_policy_fails_the_job_on_an_exit_code(cluster: Cluster) -> None:
    apply(
        cluster,
        """\
apiVersion: batch/v1
kind: Job
metadata: {name: policy, namespace: jobs-test}
spec:
  backoffLimit: 6
  podFailurePolicy:
    rules:
    - action: Ignore
      onPodConditions: [{type: DisruptionTarget}]
    - action: FailJob
      onExitCodes: {containerName: main, operator: In, values: [42]}
  template:
    spec:
      restartPolicy: Never
      containers: [{name: main, image: busybox, command: [sh, -c, "sleep 1; exit 42"]}]
""",
    )
    assert eventually(lambda: has_condition(cluster, "policy", "Failed"))
    failed = job(cluster, "policy")
    [pod] = pods(cluster, "policy")  # the first failure ends it: no retries
    expected = (
        f"Container main for pod {NAMESPACE}/{pod['metadata']['name']} failed with exit code 42 "
        "matching FailJob rule at index 1"
    )
    found = condition(failed, "Failed")
    assert found is not None and (found["reason"], found["message"]) == ("PodFailurePolicy", expected)
    assert failed["status"]["failed"] == 1
    assert ("Warning", "PodFailurePolicy", expected) in events(cluster, "policy")


def test_ignored_failures_do_not_count_towards_the_backoff_limit(cluster: Cluster) -> None:
    apply(
        cluster,
        """\
apiVersion: batch/v1
kind: Job
metadata: {name: ignoring, namespace: jobs-test}
spec:
  backoffLimit: 0
  podFailurePolicy:
    rules:
    - action: Ignore
      onExitCodes: {operator: In, values: [3]}
  template:
    spec:
      restartPolicy: Never
      containers: [{name: main, image: busybox, command: [sh, -c, "exit 3"]}]
""",
    )
    assert eventually(
        lambda: sum(1 for pod in pods(cluster, "ignoring") if pod["status"].get("phase") == "Failed") >= 2
    )
    still = job(cluster, "ignoring")
    assert condition(still, "Failed") is None and "failed" not in still["status"]
    cluster.kubectl("delete", "job", "ignoring", "-n", NAMESPACE)


def test_counting_survives_the_deletion_of_finished_pods(cluster: Cluster) -> None:
    apply(
        cluster,
        """\
apiVersion: batch/v1
kind: Job
metadata: {name: counted, namespace: jobs-test}
spec:
  completions: 3
  template:
    spec:
      restartPolicy: Never
      containers: [{name: worker, image: busybox, command: [sh, -c, "sleep 20"]}]
""",
    )
    deleted: set[str] = set()

    def delete_each_finished_pod() -> bool:
        for pod in pods(cluster, "counted"):
            name = pod["metadata"]["name"]
            if pod["status"].get("phase") == "Succeeded" and name not in deleted:
                cluster.kubectl("delete", "pod", name, "-n", NAMESPACE, "--wait=false")
                deleted.add(name)
        return has_condition(cluster, "counted", "Complete")

    assert eventually(delete_each_finished_pod)
    assert job(cluster, "counted")["status"]["succeeded"] == 3
    assert len(deleted) >= 2  # pods gone before the Job finished still counted


def test_ttl_seconds_after_finished_deletes_the_job_and_its_pods(cluster: Cluster) -> None:
    apply(
        cluster,
        """\
apiVersion: batch/v1
kind: Job
metadata: {name: shortlived, namespace: jobs-test}
spec:
  ttlSecondsAfterFinished: 30
  template:
    spec:
      restartPolicy: Never
      containers: [{name: worker, image: busybox, command: [sh, -c, "sleep 1"]}]
""",
    )
    assert eventually(lambda: has_condition(cluster, "shortlived", "Complete"))
    assert eventually(lambda: cluster.kubectl("get", "job", "shortlived", "-n", NAMESPACE, check=False).returncode != 0)
    assert eventually(lambda: not pods(cluster, "shortlived"))


def test_a_restart_of_kubesim_neither_loses_nor_double_counts_pods(tmp_path: Path) -> None:
    own = start_cluster(tmp_path / "data")
    try:
        own.kubectl("create", "namespace", NAMESPACE)
        apply(
            own,
            """\
apiVersion: batch/v1
kind: Job
metadata: {name: resumed, namespace: jobs-test}
spec:
  completions: 6
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: worker, image: busybox, command: [sh, -c, "sleep 10"]}]
""",
        )
        assert eventually(lambda: job(own, "resumed").get("status", {}).get("succeeded", 0) >= 2)
        own.stop()
        own = start_cluster(tmp_path / "data")
        assert eventually(lambda: has_condition(own, "resumed", "Complete"))
        status = job(own, "resumed")["status"]
        phases = [pod["status"].get("phase") for pod in pods(own, "resumed")]
        assert status["succeeded"] == 6 == phases.count("Succeeded")
        assert status.get("failed", 0) == phases.count("Failed")
        assert status["uncountedTerminatedPods"] == {}
    finally:
        own.stop()

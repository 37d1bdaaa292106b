"""The book's chapters 5 to 12 and 16, walked as a learner would, with the real kubectl against kubesim.

Each test is one chapter, in the book's order, on one cluster; each checks what kubectl prints. The manifests are
the project's own, in fixtures/book/. What needs part 3 of kubesim (logs, exec, port-forward, Ingress, metrics)
is left to its own tests.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from tests.kubesim.conftest import Cluster, eventually

BOOK = Path(__file__).resolve().parents[2] / "fixtures" / "book"
WAIT_SECONDS = 60.0


def printed(cluster: Cluster, *args: str) -> str:
    return cluster.kubectl(*args).stdout


def shows(cluster: Cluster, pattern: str, *args: str) -> bool:
    """Whether kubectl's output matches pattern (a regular expression, per line)."""
    return re.search(pattern, printed(cluster, *args), re.MULTILINE) is not None


def until_shown(cluster: Cluster, pattern: str, *args: str) -> None:
    assert eventually(lambda: shows(cluster, pattern, *args)), f"never printed {pattern!r}:\n{printed(cluster, *args)}"


def manifest(name: str) -> str:
    return str(next(BOOK.glob(f"*/{name}")))


def items(cluster: Cluster, *args: str) -> list[dict]:
    return json.loads(printed(cluster, "get", *args, "-o", "json"))["items"]


def live(pods: list[dict]) -> list[dict]:
    return [pod for pod in pods if not pod["metadata"].get("deletionTimestamp")]


@pytest.fixture(scope="module")
def learner(cluster: Cluster) -> Cluster:
    return cluster


def test_chapter_5_pods(learner: Cluster) -> None:
    assert printed(learner, "run", "kuard", "--image=gcr.io/kuar-demo/kuard-amd64:blue") == "pod/kuard created\n"
    until_shown(learner, r"^kuard\s+1/1\s+Running\s+0\s", "get", "pods")
    assert re.search(r'pod "kuard" deleted', printed(learner, "delete", "pods/kuard"))
    assert printed(learner, "apply", "-f", manifest("kuard-pod.yaml")) == "pod/kuard created\n"
    until_shown(learner, r"^Status:\s+Running$", "describe", "pods", "kuard")
    described = printed(learner, "describe", "pods", "kuard")
    for reason in ("Scheduled", "Pulled", "Created", "Started"):
        assert re.search(rf"^\s+Normal\s+{reason}\s", described, re.MULTILINE), described
    assert re.search(r"^Node:\s+kuar-worker2?/172\.18\.0\.\d+$", described, re.MULTILINE), described
    learner.kubectl("delete", "-f", manifest("kuard-pod.yaml"))

    learner.kubectl("apply", "-f", manifest("kuard-pod-health.yaml"))
    until_shown(learner, r"^kuard\s+1/1\s+Running", "get", "pods")
    health = printed(learner, "describe", "pods", "kuard")
    thresholds = "successThreshold=1 failureThreshold=3"
    assert f"Liveness:       http-get http://:8080/healthy delay=5s timeout=1s period=10s {thresholds}" in health
    assert f"Readiness:      http-get http://:8080/ready delay=0s timeout=1s period=2s {thresholds}" in health
    learner.kubectl("delete", "pod", "kuard", "--wait=true")

    learner.kubectl("apply", "-f", manifest("kuard-pod-reslim.yaml"))
    until_shown(learner, r"^kuard\s+1/1\s+Running", "get", "pods")
    limits = printed(learner, "describe", "pods", "kuard")
    assert re.search(r"Limits:\s+cpu:\s+1\s+memory:\s+256Mi\s+Requests:\s+cpu:\s+500m\s+memory:\s+128Mi", limits)
    assert re.search(r"^QoS Class:\s+Burstable$", limits, re.MULTILINE)
    learner.kubectl("delete", "pod", "kuard", "--wait=true")

    learner.kubectl("apply", "-f", manifest("kuard-pod-vol.yaml"))
    until_shown(learner, r"^kuard\s+1/1\s+Running", "get", "pods")
    assert re.search(r"kuard-data:\s+Type:\s+HostPath", printed(learner, "describe", "pods", "kuard"))
    learner.kubectl("delete", "-f", manifest("kuard-pod-vol.yaml"), "--wait=true")
    assert "kuard" not in printed(learner, "get", "pods")


def test_chapter_6_labels_and_annotations(learner: Cluster) -> None:
    image = "--image=gcr.io/kuar-demo/kuard-amd64"
    for name, tag, replicas, labels in (
        ("alpaca-prod", "blue", 2, ("ver=1", "app=alpaca", "env=prod")),
        ("alpaca-test", "green", 1, ("ver=2", "app=alpaca", "env=test")),
        ("bandicoot-prod", "green", 2, ("ver=2", "app=bandicoot", "env=prod")),
        ("bandicoot-staging", "green", 1, ("ver=2", "app=bandicoot", "env=staging")),
    ):
        learner.kubectl("create", "deployment", name, f"{image}:{tag}", f"--replicas={replicas}")
        learner.kubectl("label", "deployment", name, *labels, "--overwrite")
    listing = printed(learner, "get", "deployments", "--show-labels")
    assert re.search(r"^alpaca-prod\s+.*\s+app=alpaca,env=prod,ver=1$", listing, re.MULTILINE), listing
    until_shown(learner, r"^bandicoot-prod\s+2/2\s+2\s+2\s", "get", "deployments")

    assert printed(learner, "label", "deployments", "alpaca-test", "canary=true") == (
        "deployment.apps/alpaca-test labeled\n"
    )
    assert re.search(
        r"^alpaca-test\s+1/1\s+1\s+1\s+\S+\s+true$",
        printed(learner, "get", "deployments", "-L", "canary"),
        re.MULTILINE,
    )
    learner.kubectl("label", "deployments", "alpaca-test", "canary-")

    canaries = printed(learner, "get", "deployments", "--selector", "canary")
    assert "alpaca-test" not in canaries
    selected = printed(learner, "get", "deployments", "--selector", "app in (alpaca,bandicoot)", "-o", "name")
    assert len(selected.split()) == 4
    pods = printed(learner, "get", "pods", "--selector", "app=alpaca-prod", "--show-labels")
    assert len([line for line in pods.splitlines()[1:] if "pod-template-hash=" in line]) == 2
    learner.kubectl("delete", "deployments", "--all")
    assert eventually(lambda: not live(items(learner, "pods", "-l", "app in (alpaca-prod,alpaca-test)")))


def test_chapter_7_service_discovery(learner: Cluster) -> None:
    learner.kubectl("create", "deployment", "alpaca-prod", "--image=gcr.io/kuar-demo/kuard-amd64:blue", "--port=8080")
    assert (
        printed(learner, "scale", "deployment", "alpaca-prod", "--replicas", "3")
        == "deployment.apps/alpaca-prod scaled\n"
    )
    assert printed(learner, "expose", "deployment", "alpaca-prod") == "service/alpaca-prod exposed\n"
    services = printed(learner, "get", "services", "-o", "wide")
    assert re.search(
        r"^alpaca-prod\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+8080/TCP\s+\S+\s+app=alpaca-prod$",
        services,
        re.MULTILINE,
    ), services

    def three_endpoints() -> bool:
        line = printed(learner, "get", "endpoints", "alpaca-prod")
        return len(re.findall(r"10\.244\.\d+\.\d+:8080", line)) == 3 or "+ 1 more" in line

    assert eventually(three_endpoints)
    learner.kubectl("patch", "service", "alpaca-prod", "-p", '{"spec": {"type": "NodePort"}}')
    assert re.search(
        r"^NodePort:\s+<unset>\s+3\d{4}/TCP$", printed(learner, "describe", "service", "alpaca-prod"), re.MULTILINE
    )
    learner.kubectl("patch", "service", "alpaca-prod", "-p", '{"spec": {"type": "LoadBalancer"}}')
    until_shown(learner, r"^alpaca-prod\s+LoadBalancer\s+\S+\s+\d+\.\d+\.\d+\.\d+\s+8080:3\d{4}/TCP", "get", "services")
    learner.kubectl("delete", "services,deployments", "-l", "app=alpaca-prod")


def test_chapter_9_replicasets(learner: Cluster) -> None:
    assert printed(learner, "apply", "-f", manifest("kuard-rs.yaml")) == "replicaset.apps/kuard created\n"
    until_shown(learner, r"^Pods Status:\s+1 Running / 0 Waiting / 0 Succeeded / 0 Failed$", "describe", "rs", "kuard")
    assert re.search(r"^Replicas:\s+1 current / 1 desired$", printed(learner, "describe", "rs", "kuard"), re.MULTILINE)
    (pod,) = live(items(learner, "pods", "-l", "app=kuard,version=2"))
    owner = printed(learner, "get", "pods", pod["metadata"]["name"], "-o=jsonpath={.metadata.ownerReferences[0].name}")
    assert owner == "kuard"

    assert printed(learner, "scale", "replicasets", "kuard", "--replicas=4") == "replicaset.apps/kuard scaled\n"
    until_shown(learner, r"^kuard\s+4\s+4\s+4\s", "get", "rs", "kuard")
    learner.kubectl("delete", "pod", pod["metadata"]["name"])
    until_shown(learner, r"^kuard\s+4\s+4\s+4\s", "get", "rs", "kuard")

    assert "autoscaled" in printed(learner, "autoscale", "rs", "kuard", "--min=2", "--max=5", "--cpu-percent=80")
    until_shown(learner, r"^kuard\s+ReplicaSet/kuard\s+cpu: \S+/80%\s+2\s+5\s+\d\s", "get", "hpa")
    learner.kubectl("delete", "hpa", "kuard")

    survivors = {p["metadata"]["name"] for p in live(items(learner, "pods", "-l", "app=kuard"))}
    learner.kubectl("delete", "rs", "kuard", "--cascade=orphan")
    assert eventually(lambda: not items(learner, "rs", "-l", "app=kuard"))
    time.sleep(1)  # the garbage collector had its chance to (wrongly) take them
    orphans = live(items(learner, "pods", "-l", "app=kuard"))
    assert {p["metadata"]["name"] for p in orphans} == survivors
    assert all("ownerReferences" not in p["metadata"] for p in orphans)
    learner.kubectl("delete", "pods", "-l", "app=kuard", "--grace-period=0", "--force")


def test_chapter_10_deployments(learner: Cluster) -> None:
    learner.kubectl("create", "-f", manifest("kuard-deployment.yaml"))
    selector = printed(
        learner, "get", "deployments", "kuard", "-o", "jsonpath", "--template", "{.spec.selector.matchLabels}"
    )
    assert selector == '{"run":"kuard"}'
    until_shown(learner, r'deployment "kuard" successfully rolled out', "rollout", "status", "deployments", "kuard")
    assert len(items(learner, "replicasets", "--selector=run=kuard")) == 1
    assert printed(learner, "scale", "deployments", "kuard", "--replicas=3") == "deployment.apps/kuard scaled\n"
    described = printed(learner, "describe", "deployments", "kuard")
    assert re.search(r"^OldReplicaSets:\s+<none>$", described, re.MULTILINE), described
    assert re.search(r"^NewReplicaSet:\s+kuard-\w+ \(3/3 replicas created\)$", described, re.MULTILINE), described

    learner.kubectl("set", "image", "deployment/kuard", "kuard=gcr.io/kuar-demo/kuard-amd64:green")
    learner.kubectl("annotate", "deployment/kuard", "kubernetes.io/change-cause=Update to green kuard")
    status = printed(learner, "rollout", "status", "deployments", "kuard", "--timeout=60s")
    assert status.rstrip().endswith('deployment "kuard" successfully rolled out'), status
    assert printed(learner, "rollout", "pause", "deployments", "kuard") == "deployment.apps/kuard paused\n"
    learner.kubectl("set", "image", "deployment/kuard", "kuard=gcr.io/kuar-demo/kuard-amd64:purple")
    time.sleep(1)
    images = {p["spec"]["containers"][0]["image"] for p in live(items(learner, "pods", "-l", "run=kuard"))}
    assert images == {"gcr.io/kuar-demo/kuard-amd64:green"}, "a paused Deployment rolled out"
    assert printed(learner, "rollout", "resume", "deployments", "kuard") == "deployment.apps/kuard resumed\n"
    learner.kubectl("rollout", "status", "deployments", "kuard", "--timeout=60s")

    history = printed(learner, "rollout", "history", "deployment", "kuard")
    assert re.search(r"^2\s+Update to green kuard$", history, re.MULTILINE), history
    assert re.search(r"^3\s+", history, re.MULTILINE), history
    revision = printed(learner, "rollout", "history", "deployment", "kuard", "--revision=2")
    assert "Image:\tgcr.io/kuar-demo/kuard-amd64:green" in revision.replace("      ", "\t"), revision

    assert printed(learner, "rollout", "undo", "deployments", "kuard") == "deployment.apps/kuard rolled back\n"
    learner.kubectl("rollout", "status", "deployments", "kuard", "--timeout=60s")
    images = {p["spec"]["containers"][0]["image"] for p in live(items(learner, "pods", "-l", "run=kuard"))}
    assert images == {"gcr.io/kuar-demo/kuard-amd64:green"}
    history = printed(learner, "rollout", "history", "deployment", "kuard")
    assert re.search(r"^4\s+Update to green kuard$", history, re.MULTILINE), history
    assert not re.search(r"^2\s", history, re.MULTILINE), "revision 2 became revision 4"
    learner.kubectl("delete", "deployments", "kuard")


def test_chapter_11_daemonsets(learner: Cluster) -> None:
    learner.kubectl("apply", "-f", manifest("fluentd.yaml"))
    until_shown(learner, r"^Number of Nodes Scheduled with Up-to-date Pods: 2$", "describe", "daemonset", "fluentd")
    nodes = {p["spec"]["nodeName"] for p in live(items(learner, "pods", "-l", "app=fluentd"))}
    assert nodes == {"kuar-worker", "kuar-worker2"}

    learner.kubectl("apply", "-f", manifest("nginx-fast-storage.yaml"))
    assert printed(learner, "label", "nodes", "kuar-worker2", "ssd=true") == "node/kuar-worker2 labeled\n"
    assert re.search(
        r"^kuar-worker2\s+Ready\s", printed(learner, "get", "nodes", "--selector", "ssd=true"), re.MULTILINE
    )
    until_shown(learner, r"^nginx-fast-storage\s+1\s+1\s+1\s+1\s+1\s+ssd=true\s", "get", "daemonsets")
    learner.kubectl("label", "nodes", "kuar-worker", "ssd=true")
    until_shown(learner, r"^nginx-fast-storage\s+2\s+2\s+2\s+2\s+2\s+ssd=true\s", "get", "daemonsets")
    learner.kubectl("label", "nodes", "kuar-worker", "ssd-")
    until_shown(learner, r"^nginx-fast-storage\s+1\s+1\s+1\s+1\s+1\s+ssd=true\s", "get", "daemonsets")

    learner.kubectl("set", "image", "daemonset/fluentd", "fluentd=fluent/fluentd:v1.16-1")
    status = printed(learner, "rollout", "status", "daemonsets", "fluentd", "--timeout=60s")
    assert 'daemon set "fluentd" successfully rolled out' in status
    learner.kubectl("delete", "-f", manifest("fluentd.yaml"), "-f", manifest("nginx-fast-storage.yaml"))
    learner.kubectl("label", "nodes", "kuar-worker2", "ssd-")


def test_chapter_12_jobs(learner: Cluster) -> None:
    learner.kubectl("apply", "-f", manifest("job-oneshot.yaml"))
    until_shown(learner, r"^oneshot\s+Complete\s+1/1\s", "get", "jobs")
    described = printed(learner, "describe", "jobs", "oneshot")
    assert re.search(r"^Pods Statuses:\s+0 Active \(0 Ready\) / 1 Succeeded / 0 Failed$", described, re.MULTILINE), (
        described
    )
    assert re.search(
        r"^oneshot-\w{5}\s+0/1\s+Completed\s+0\s",
        printed(learner, "get", "pods", "-l", "job-name=oneshot"),
        re.MULTILINE,
    )
    learner.kubectl("delete", "jobs", "oneshot")

    learner.kubectl("apply", "-f", manifest("job-oneshot-failure1.yaml"))
    until_shown(learner, r"^oneshot-\w{5}\s+0/1\s+CrashLoopBackOff\s+[1-9]", "get", "pods", "-l", "job-name=oneshot")
    learner.kubectl("delete", "jobs", "oneshot")

    learner.kubectl("apply", "-f", manifest("job-parallel.yaml"))
    most_at_once = 0
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job = items(learner, "jobs", "-l", "chapter=jobs")[0]
        most_at_once = max(most_at_once, (job.get("status") or {}).get("active", 0))
        if (job.get("status") or {}).get("succeeded") == 10:
            break
        time.sleep(0.2)
    assert 0 < most_at_once <= 5
    until_shown(learner, r"^parallel\s+Complete\s+10/10\s", "get", "jobs")
    learner.kubectl("delete", "job", "parallel")

    keygen = ("/kuard", "--keygen-enable", "--keygen-exit-on-complete", "--keygen-num-to-gen=1")
    image = "--image=gcr.io/kuar-demo/kuard-amd64:blue"
    learner.kubectl("create", "cronjob", "keygen", image, "--schedule=*/1 * * * *", "--", *keygen)
    assert printed(learner, "create", "job", "keygen-now", "--from=cronjob/keygen") == "job.batch/keygen-now created\n"
    until_shown(learner, r"^keygen-now\s+Complete\s+1/1\s", "get", "jobs")
    learner.kubectl("delete", "cronjob", "keygen")
    assert eventually(lambda: not items(learner, "jobs")), "a Job made from a CronJob is owned by it and goes with it"


def test_chapter_16_storage(learner: Cluster) -> None:
    learner.kubectl("apply", "-f", manifest("dns-service.yaml"))
    assert re.search(
        r"^external-database\s+ExternalName\s+<none>\s+database\.company\.com\s+<none>\s",
        printed(learner, "get", "service", "external-database"),
        re.MULTILINE,
    )

    learner.kubectl("apply", "-f", manifest("nfs-volume.yaml"), "-f", manifest("nfs-volume-claim.yaml"))
    until_shown(learner, r"^database\s+Bound\s+database\s+1Gi\s+RWX\s", "get", "pvc", "database")
    learner.kubectl("apply", "-f", manifest("mysql-replicaset.yaml"), "-f", manifest("mysql-service.yaml"))
    until_shown(learner, r"^mysql-\w{5}\s+1/1\s+Running\s", "get", "pods", "-l", "app=mysql")

    learner.kubectl("apply", "-f", manifest("mongo-service.yaml"), "-f", manifest("mongo-volumes.yaml"))
    created: list[str] = []

    def note_new_pods() -> None:
        pods = live(items(learner, "pods", "-l", "app=mongo"))
        for pod in sorted(pods, key=lambda p: p["metadata"]["creationTimestamp"]):
            if pod["metadata"]["name"] not in created:
                created.append(pod["metadata"]["name"])

    def all_three_ready() -> bool:
        note_new_pods()
        return shows(learner, r"^mongo\s+3/3\s", "get", "statefulsets")

    assert eventually(all_three_ready)
    note_new_pods()
    assert created == ["mongo-0", "mongo-1", "mongo-2"]
    claims = printed(learner, "get", "pvc")
    for ordinal in range(3):
        assert re.search(
            rf"^database-mongo-{ordinal}\s+Bound\s+pvc-[0-9a-f-]+\s+100Mi\s+RWO\s+standard\s", claims, re.MULTILINE
        ), claims
    learner.kubectl("scale", "statefulset", "mongo", "--replicas=1")
    until_shown(learner, r"^mongo\s+1/1\s", "get", "statefulsets")
    assert "database-mongo-2" in printed(learner, "get", "pvc"), "a StatefulSet keeps the claims of removed replicas"

"""CronJobs on the simulated clock: at --speed 60 a `*/1 * * * *` schedule comes every real second.

Jobs named after their scheduled minute, the concurrency policies, suspension, history limits, and
`kubectl create job --from=cronjob/...`, through the real kubectl.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.kubesim.conftest import KUBECTL, Cluster, eventually, start_cluster

NAMESPACE = "cronjobs-test"
SPEED = "60"
WAIT_SECONDS = 30.0


@pytest.fixture(scope="module")
def fast(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not KUBECTL.exists():
        pytest.skip(f"the project's kubectl is not installed at {KUBECTL}")
    data_dir: Path = tmp_path_factory.mktemp("kubesim-cron") / "data"
    running = start_cluster(data_dir, "--speed", SPEED)
    running.kubectl("create", "namespace", NAMESPACE)
    yield running
    if running.process.poll() is None:
        running.stop()


def cron_job(name: str, command: str, **spec: Any) -> str:
    manifest = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": {
            "schedule": "*/1 * * * *",
            **spec,
            "jobTemplate": {
                "spec": {
                    "backoffLimit": 0,
                    "template": {
                        "spec": {
                            "restartPolicy": "Never",
                            "containers": [{"name": "task", "image": "busybox", "command": ["sh", "-c", command]}],
                        }
                    },
                }
            },
        },
    }
    return json.dumps(manifest)


def get(cluster: Cluster, kind: str, name: str) -> dict[str, Any]:
    return json.loads(cluster.kubectl("get", kind, name, "-n", NAMESPACE, "-o", "json").stdout)


def jobs_of(cluster: Cluster, owner: str) -> list[dict[str, Any]]:
    listed = json.loads(cluster.kubectl("get", "jobs", "-n", NAMESPACE, "-o", "json").stdout)["items"]
    return [
        job
        for job in listed
        if any(ref["kind"] == "CronJob" and ref["name"] == owner for ref in job["metadata"].get("ownerReferences", []))
    ]


def finished_as(job: dict[str, Any]) -> str | None:
    for condition in job.get("status", {}).get("conditions", []):
        if condition["type"] in ("Complete", "Failed") and condition["status"] == "True":
            return str(condition["type"])
    return None


def events(cluster: Cluster, name: str) -> list[tuple[str, str]]:
    listed = cluster.kubectl(
        "get", "events", "-n", NAMESPACE,
        "--field-selector", f"involvedObject.kind=CronJob,involvedObject.name={name}", "-o", "json",
    ).stdout  # fmt: skip
    return [(event["reason"], event["message"]) for event in json.loads(listed)["items"]]


def created(cluster: Cluster, name: str) -> list[str]:
    """The Jobs the CronJob says it created, by their SuccessfulCreate events."""
    return [
        message.removeprefix("Created job ")
        for reason, message in events(cluster, name)
        if reason == "SuccessfulCreate"
    ]


def test_a_cronjob_creates_a_job_each_scheduled_minute(fast: Cluster) -> None:
    fast.kubectl(
        "create", "cronjob", "hello", "-n", NAMESPACE, "--image=busybox", "--schedule=*/1 * * * *",
        "--", "sh", "-c", "echo hello",
    )  # fmt: skip
    assert eventually(lambda: len([job for job in jobs_of(fast, "hello") if finished_as(job) == "Complete"]) >= 2)
    cron = get(fast, "cronjob", "hello")
    jobs = sorted(jobs_of(fast, "hello"), key=lambda job: job["metadata"]["name"])
    for job in jobs:
        name = job["metadata"]["name"]
        assert re.fullmatch(r"hello-\d+", name)
        minute = int(name.removeprefix("hello-"))
        scheduled = job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"]
        assert datetime.datetime.fromisoformat(scheduled.replace("Z", "+00:00")).timestamp() == minute * 60
        [owner] = job["metadata"]["ownerReferences"]
        assert (owner["kind"], owner["name"], owner["uid"]) == ("CronJob", "hello", cron["metadata"]["uid"])
    assert eventually(lambda: "lastSuccessfulTime" in get(fast, "cronjob", "hello")["status"])
    assert get(fast, "cronjob", "hello")["status"]["lastScheduleTime"]

    header, row = fast.kubectl("get", "cronjob", "hello", "-n", NAMESPACE).stdout.splitlines()
    assert header.split() == ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST", "SCHEDULE", "AGE"]
    assert row.split()[:5] == ["hello", "*/1", "*", "*", "*"] and row.split()[6:8] == ["<none>", "False"]
    first = jobs[0]["metadata"]["name"]
    assert ("SuccessfulCreate", f"Created job {first}") in events(fast, "hello")
    saw = ("SawCompletedJob", f"Saw completed job: {first}, status: Complete")
    assert eventually(lambda: saw in events(fast, "hello"))


def test_history_limits_keep_only_the_newest_finished_jobs(fast: Cluster) -> None:
    fast.kubectl(
        "apply", "-f", "-", stdin=cron_job("tidy", "echo done", successfulJobsHistoryLimit=2, failedJobsHistoryLimit=1)
    )
    fast.kubectl("apply", "-f", "-", stdin=cron_job("broken", "exit 1", failedJobsHistoryLimit=1))

    def trimmed(name: str, kind: str, kept: int) -> bool:
        deleted = [message for reason, message in events(fast, name) if reason == "SuccessfulDelete"]
        finished = [job for job in jobs_of(fast, name) if finished_as(job) == kind]
        return bool(deleted) and len(finished) == kept

    assert eventually(lambda: trimmed("tidy", "Complete", 2))
    assert eventually(lambda: trimmed("broken", "Failed", 1))
    deleted = [int(m.removeprefix("Deleted job tidy-")) for r, m in events(fast, "tidy") if r == "SuccessfulDelete"]
    kept = [int(job["metadata"]["name"].removeprefix("tidy-")) for job in jobs_of(fast, "tidy") if finished_as(job)]
    assert max(deleted) < min(kept)  # the oldest went first
    fast.kubectl("delete", "cronjob", "tidy", "broken", "-n", NAMESPACE)


def test_forbid_skips_a_run_while_the_last_one_is_active(fast: Cluster) -> None:
    fast.kubectl("apply", "-f", "-", stdin=cron_job("forbid", "sleep 150", concurrencyPolicy="Forbid"))
    most_active = 0

    def skipped_once() -> bool:
        nonlocal most_active
        most_active = max(most_active, len(get(fast, "cronjob", "forbid").get("status", {}).get("active", [])))
        return any(reason == "JobAlreadyActive" for reason, _ in events(fast, "forbid"))

    assert eventually(skipped_once)
    assert (
        "JobAlreadyActive",
        "Not starting job because prior execution is running and concurrency policy is Forbid",
    ) in events(fast, "forbid")
    assert most_active <= 1
    running = [job for job in jobs_of(fast, "forbid") if not finished_as(job)]
    assert len(running) <= 1
    fast.kubectl("delete", "cronjob", "forbid", "-n", NAMESPACE)


def test_replace_deletes_the_running_job_for_the_new_one(fast: Cluster) -> None:
    fast.kubectl("apply", "-f", "-", stdin=cron_job("replace", "sleep 3600", concurrencyPolicy="Replace"))
    assert eventually(lambda: len(created(fast, "replace")) >= 2)
    first = sorted(created(fast, "replace"))[0]
    assert ("SuccessfulDelete", f"Deleted job {first}") in events(fast, "replace")
    assert eventually(lambda: fast.kubectl("get", "job", first, "-n", NAMESPACE, check=False).returncode != 0)
    active = get(fast, "cronjob", "replace")["status"]["active"]
    assert len(active) == 1 and active[0]["kind"] == "Job" and active[0]["name"] != first
    fast.kubectl("delete", "cronjob", "replace", "-n", NAMESPACE)


def test_allow_runs_jobs_side_by_side(fast: Cluster) -> None:
    fast.kubectl("apply", "-f", "-", stdin=cron_job("allow", "sleep 3600"))
    assert eventually(lambda: len(get(fast, "cronjob", "allow").get("status", {}).get("active", [])) >= 2)
    assert len([job for job in jobs_of(fast, "allow") if not finished_as(job)]) >= 2
    fast.kubectl("delete", "cronjob", "allow", "-n", NAMESPACE)


def test_a_suspended_cronjob_creates_nothing(fast: Cluster) -> None:
    fast.kubectl("apply", "-f", "-", stdin=cron_job("paused", "echo never", suspend=True))
    fast.kubectl("apply", "-f", "-", stdin=cron_job("witness", "echo tick"))
    assert eventually(lambda: len(created(fast, "witness")) >= 2)  # two scheduled minutes went by
    assert not jobs_of(fast, "paused") and not created(fast, "paused")
    row = fast.kubectl("get", "cronjob", "paused", "-n", NAMESPACE, "--no-headers").stdout.split()
    assert row[6:8] == ["<none>", "True"]
    fast.kubectl("delete", "cronjob", "paused", "witness", "-n", NAMESPACE)


def test_a_time_zone_schedules_in_local_time(fast: Cluster) -> None:
    fast.kubectl("apply", "-f", "-", stdin=cron_job("zoned", "echo guten tag", timeZone="Europe/Berlin"))
    assert eventually(lambda: bool(jobs_of(fast, "zoned")))
    [job, *_] = jobs_of(fast, "zoned")
    scheduled = job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+0[12]:00", scheduled)
    assert fast.kubectl("get", "cronjob", "zoned", "-n", NAMESPACE, "--no-headers").stdout.split()[6] == "Europe/Berlin"
    fast.kubectl("delete", "cronjob", "zoned", "-n", NAMESPACE)


def test_kubectl_create_job_from_a_cronjob(fast: Cluster) -> None:
    fast.kubectl("apply", "-f", "-", stdin=cron_job("template", "echo by hand", suspend=True))
    fast.kubectl("create", "job", "by-hand", "-n", NAMESPACE, "--from=cronjob/template")
    job = get(fast, "job", "by-hand")
    assert job["metadata"]["annotations"]["cronjob.kubernetes.io/instantiate"] == "manual"
    assert job["metadata"]["ownerReferences"][0]["name"] == "template"
    assert eventually(lambda: finished_as(get(fast, "job", "by-hand")) == "Complete")

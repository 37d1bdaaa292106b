"""Server-side printing: the columns and cells of the Tables kubectl asks for, kind by kind, as 1.37 prints them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kubesim.api.errors import ApiError
from kubesim.api.tables import human_duration, table

NOW = datetime(2026, 7, 1, 12, 0, 0, tzinfo=UTC)


def ago(**delta: float) -> str:
    return (NOW - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def meta(name: str, *, namespace: str | None = "default", age: timedelta = timedelta(minutes=5), **extra: Any) -> dict:
    metadata: dict[str, Any] = {"name": name, "creationTimestamp": (NOW - age).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if namespace:
        metadata["namespace"] = namespace
    metadata.update(extra)
    return metadata


def build(group: str, kind: str, *objects: dict, **options: Any) -> dict:
    return table((group, kind), list(objects), now=NOW, **options)


def row(group: str, kind: str, obj: dict, **options: Any) -> list[Any]:
    return build(group, kind, obj, **options)["rows"][0]["cells"]


def headers(group: str, kind: str) -> list[str]:
    return [column["name"] for column in build(group, kind)["columnDefinitions"]]


def wide_headers(group: str, kind: str) -> list[str]:
    return [column["name"] for column in build(group, kind)["columnDefinitions"] if column["priority"] == 1]


def container(name: str, image: str) -> dict:
    return {"name": name, "image": image}


# -- the Table itself ----------------------------------------------------------------------------------------------


class TestTableShape:
    def test_a_table_is_a_meta_v1_table_with_metadata_left_to_the_caller(self) -> None:
        result = build("", "ConfigMap", {"metadata": meta("settings"), "data": {"a": "1"}})
        assert result["kind"] == "Table"
        assert result["apiVersion"] == "meta.k8s.io/v1"
        assert result["metadata"] == {}
        assert set(result["rows"][0]) == {"cells", "object"}

    def test_rows_carry_partial_object_metadata_by_default(self) -> None:
        config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("settings", labels={"app": "web"})}
        embedded = build("", "ConfigMap", config_map)["rows"][0]["object"]
        assert embedded == {
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": config_map["metadata"],
        }

    def test_an_empty_include_object_is_metadata(self) -> None:
        embedded = build("", "ConfigMap", {"metadata": meta("settings")}, include_object="")["rows"][0]["object"]
        assert embedded["kind"] == "PartialObjectMetadata"

    def test_include_object_object_embeds_the_whole_object(self) -> None:
        config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("settings"), "data": {"a": "1"}}
        assert build("", "ConfigMap", config_map, include_object="Object")["rows"][0]["object"] is config_map

    def test_include_object_none_leaves_the_object_null(self) -> None:
        assert (
            build("", "ConfigMap", {"metadata": meta("settings")}, include_object="None")["rows"][0]["object"] is None
        )

    def test_an_unknown_include_object_is_a_bad_request(self) -> None:
        with pytest.raises(ApiError) as raised:
            build("", "ConfigMap", {"metadata": meta("settings")}, include_object="Everything")
        assert raised.value.code == 400
        assert raised.value.reason == "BadRequest"
        assert raised.value.message == (
            'Unable to convert to Table as requested: includeObject: Invalid value: "Everything": '
            "must be 'Metadata', 'Object', 'None', or empty"
        )

    def test_a_printed_kind_lists_no_objects_as_no_rows(self) -> None:
        assert build("", "Pod")["rows"] == []

    def test_column_definitions_have_every_field(self) -> None:
        name, *_ = build("", "Pod")["columnDefinitions"]
        assert name == {
            "name": "Name",
            "type": "string",
            "format": "name",
            "description": (
                "Name must be unique within a namespace. Is required when creating resources, although some "
                "resources may allow a client to request the generation of an appropriate name automatically. "
                "Name is primarily intended for creation idempotence and configuration definition. Cannot be "
                "updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
            ),
            "priority": 0,
        }

    def test_age_is_described_by_the_creation_timestamp_documentation(self) -> None:
        age = next(c for c in build("apps", "Deployment")["columnDefinitions"] if c["name"] == "Age")
        assert age["type"] == "string"
        assert age["description"].startswith("CreationTimestamp is a timestamp representing the server time")
        assert "\n\nPopulated by the system. Read-only. Null for lists." in age["description"]


class TestHumanDuration:
    @pytest.mark.parametrize(
        ("delta", "printed"),
        [
            (timedelta(seconds=0), "0s"),
            (timedelta(seconds=59), "59s"),
            (timedelta(seconds=119), "119s"),
            (timedelta(seconds=120), "2m"),
            (timedelta(seconds=150), "2m30s"),
            (timedelta(minutes=9, seconds=59), "9m59s"),
            (timedelta(minutes=10), "10m"),
            (timedelta(minutes=10, seconds=30), "10m"),
            (timedelta(minutes=179), "179m"),
            (timedelta(hours=3), "3h"),
            (timedelta(hours=3, minutes=5), "3h5m"),
            (timedelta(hours=7, minutes=59), "7h59m"),
            (timedelta(hours=8, minutes=30), "8h"),
            (timedelta(hours=47), "47h"),
            (timedelta(hours=48), "2d"),
            (timedelta(days=2, hours=5), "2d5h"),
            (timedelta(days=7, hours=23), "7d23h"),
            (timedelta(days=8, hours=5), "8d"),
            (timedelta(days=729), "729d"),
            (timedelta(days=730), "2y"),
            (timedelta(days=365 * 2 + 40), "2y40d"),
            (timedelta(days=365 * 8 - 1), "7y364d"),
            (timedelta(days=365 * 8 + 100), "8y"),
        ],
    )
    def test_boundaries(self, delta: timedelta, printed: str) -> None:
        assert human_duration(delta) == printed

    def test_a_second_or_so_in_the_future_is_clock_skew(self) -> None:
        assert human_duration(timedelta(seconds=-1.9)) == "0s"

    def test_further_in_the_future_is_invalid(self) -> None:
        assert human_duration(timedelta(seconds=-2)) == "<invalid>"

    def test_ages_without_a_timestamp_are_unknown(self) -> None:
        assert row("", "ConfigMap", {"metadata": {"name": "settings"}})[-1] == "<unknown>"

    def test_ages_in_the_future_are_invalid(self) -> None:
        assert row("", "ConfigMap", {"metadata": meta("settings", age=timedelta(hours=-1))})[-1] == "<invalid>"


# -- pods ----------------------------------------------------------------------------------------------------------


def pod(name: str = "web-7d4b9c-x2x8q", *, status: dict, spec: dict | None = None, **metadata: Any) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta(name, **metadata),
        "spec": spec or {"containers": [container("nginx", "nginx:1.27")], "nodeName": "worker-1"},
        "status": status,
    }


def running(name: str = "nginx", *, restarts: int = 0, ready: bool = True) -> dict:
    return {"name": name, "ready": ready, "restartCount": restarts, "state": {"running": {"startedAt": ago(minutes=4)}}}


class TestPods:
    def test_columns(self) -> None:
        assert headers("", "Pod") == [
            "Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates",
        ]  # fmt: skip
        assert wide_headers("", "Pod") == ["IP", "Node", "Nominated Node", "Readiness Gates"]
        restarts = build("", "Pod")["columnDefinitions"][3]
        assert restarts["type"] == "string"
        assert restarts["description"] == (
            "The number of times the containers in this pod have been restarted and when the last container in "
            "this pod has restarted."
        )

    def test_a_running_pod(self) -> None:
        status = {
            "phase": "Running",
            "podIP": "10.244.1.7",
            "podIPs": [{"ip": "10.244.1.7"}],
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [running()],
        }
        assert row("", "Pod", pod(status=status)) == [
            "web-7d4b9c-x2x8q", "1/1", "Running", "0", "5m", "10.244.1.7", "worker-1", "<none>", "<none>",
        ]  # fmt: skip

    def test_a_pending_pod_not_yet_scheduled(self) -> None:
        cells = row("", "Pod", pod(status={"phase": "Pending"}, spec={"containers": [container("app", "app:1")]}))
        assert cells[1:5] == ["0/1", "Pending", "0", "5m"]
        assert cells[5:7] == ["<none>", "<none>"]

    def test_a_pod_just_created_is_pending(self) -> None:
        assert row("", "Pod", pod(status={}))[1:3] == ["0/1", "Pending"]

    def test_a_pod_waiting_for_its_image(self) -> None:
        waiting = {
            "name": "nginx",
            "ready": False,
            "restartCount": 0,
            "state": {"waiting": {"reason": "ContainerCreating"}},
        }
        assert row("", "Pod", pod(status={"phase": "Pending", "containerStatuses": [waiting]}))[1:4] == [
            "0/1",
            "ContainerCreating",
            "0",
        ]

    @pytest.mark.parametrize("reason", ["ErrImagePull", "ImagePullBackOff"])
    def test_a_pod_that_cannot_pull_its_image(self, reason: str) -> None:
        waiting = {"name": "nginx", "ready": False, "restartCount": 0, "state": {"waiting": {"reason": reason}}}
        assert row("", "Pod", pod(status={"phase": "Pending", "containerStatuses": [waiting]}))[2] == reason

    def test_a_crashing_pod_shows_its_restarts_and_when_it_last_restarted(self) -> None:
        crashing = {
            "name": "nginx",
            "ready": False,
            "restartCount": 4,
            "state": {
                "waiting": {"reason": "CrashLoopBackOff", "message": "back-off 1m20s restarting failed container"}
            },
            "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ago(minutes=2)}},
        }
        status = {"phase": "Running", "podIP": "10.244.1.8", "containerStatuses": [crashing]}
        assert row("", "Pod", pod(status=status))[1:5] == ["0/1", "CrashLoopBackOff", "4 (2m ago)", "5m"]

    def test_restarts_without_a_termination_time_are_a_bare_count(self) -> None:
        status = {"phase": "Running", "containerStatuses": [running(restarts=2)]}
        assert row("", "Pod", pod(status=status))[3] == "2"

    def test_a_container_killed_for_memory(self) -> None:
        killed = {
            "name": "nginx",
            "ready": False,
            "restartCount": 1,
            "state": {"terminated": {"exitCode": 137, "reason": "OOMKilled", "finishedAt": ago(seconds=30)}},
            "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled", "finishedAt": ago(seconds=90)}},
        }
        assert row("", "Pod", pod(status={"phase": "Running", "containerStatuses": [killed]}))[2:4] == [
            "OOMKilled",
            "1 (90s ago)",
        ]

    def test_a_failed_pod_is_marked_completed_in_the_row_conditions(self) -> None:
        failed = {
            "name": "job",
            "ready": False,
            "restartCount": 0,
            "state": {"terminated": {"exitCode": 2, "reason": "Error"}},
        }
        result = build("", "Pod", pod(status={"phase": "Failed", "containerStatuses": [failed]}))
        assert result["rows"][0]["cells"][2] == "Error"
        assert result["rows"][0]["conditions"] == [
            {"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}
        ]

    def test_a_terminated_container_without_a_reason_shows_its_exit_code_or_signal(self) -> None:
        by_code = {"name": "a", "restartCount": 0, "state": {"terminated": {"exitCode": 3}}}
        by_signal = {"name": "a", "restartCount": 0, "state": {"terminated": {"exitCode": 137, "signal": 9}}}
        assert row("", "Pod", pod(status={"phase": "Failed", "containerStatuses": [by_code]}))[2] == "ExitCode:3"
        assert row("", "Pod", pod(status={"phase": "Failed", "containerStatuses": [by_signal]}))[2] == "Signal:9"

    def test_a_completed_pod(self) -> None:
        done = {
            "name": "job",
            "ready": False,
            "restartCount": 0,
            "state": {"terminated": {"exitCode": 0, "reason": "Completed"}},
        }
        result = build("", "Pod", pod("pi-x8k2p", status={"phase": "Succeeded", "containerStatuses": [done]}))
        assert result["rows"][0]["cells"][1:4] == ["0/1", "Completed", "0"]
        assert result["rows"][0]["conditions"][0]["reason"] == "Succeeded"
        assert result["rows"][0]["conditions"][0]["message"] == "The pod has completed successfully."

    def test_a_completed_container_beside_a_running_one_leaves_the_pod_running(self) -> None:
        done = {
            "name": "setup",
            "ready": False,
            "restartCount": 0,
            "state": {"terminated": {"exitCode": 0, "reason": "Completed"}},
        }
        spec = {"containers": [container("nginx", "nginx"), container("setup", "busybox")]}
        ready = {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}
        not_ready = {"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}]}
        statuses = [running(), done]
        assert row("", "Pod", pod(spec=spec, status={**ready, "containerStatuses": statuses}))[1:3] == [
            "1/2",
            "Running",
        ]
        assert row("", "Pod", pod(spec=spec, status={**not_ready, "containerStatuses": statuses}))[2] == "NotReady"

    def test_a_terminating_pod(self) -> None:
        status = {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [running()],
        }
        terminating = pod(status=status, deletionTimestamp=ago(seconds=10), deletionGracePeriodSeconds=30)
        assert row("", "Pod", terminating)[1:3] == ["1/1", "Terminating"]

    def test_a_finished_pod_being_deleted_keeps_its_status(self) -> None:
        done = {"name": "nginx", "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}
        finished = pod(status={"phase": "Succeeded", "containerStatuses": [done]}, deletionTimestamp=ago(seconds=10))
        assert row("", "Pod", finished)[2] == "Completed"

    def test_a_pod_on_a_lost_node_being_deleted_is_unknown(self) -> None:
        lost = pod(status={"phase": "Running", "reason": "NodeLost"}, deletionTimestamp=ago(minutes=1))
        assert row("", "Pod", lost)[2] == "Unknown"

    def test_a_pod_held_by_scheduling_gates(self) -> None:
        status = {
            "phase": "Pending",
            "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}],
        }
        assert row("", "Pod", pod(status=status, spec={"containers": [container("a", "a")]}))[2] == "SchedulingGated"

    def test_an_evicted_pod_shows_the_status_reason(self) -> None:
        assert row("", "Pod", pod(status={"phase": "Failed", "reason": "Evicted"}))[2] == "Evicted"


def init_spec() -> dict[str, Any]:
    return {
        "initContainers": [container("migrate", "migrate:2"), container("warm-cache", "busybox")],
        "containers": [container("api", "api:3")],
    }


class TestInitContainers:
    def test_the_first_init_container_running(self) -> None:
        status = {
            "phase": "Pending",
            "conditions": [{"type": "Initialized", "status": "False"}],
            "initContainerStatuses": [
                {
                    "name": "migrate",
                    "ready": False,
                    "restartCount": 0,
                    "state": {"running": {"startedAt": ago(seconds=20)}},
                },
                {
                    "name": "warm-cache",
                    "ready": False,
                    "restartCount": 0,
                    "state": {"waiting": {"reason": "PodInitializing"}},
                },
            ],
            "containerStatuses": [
                {"name": "api", "ready": False, "restartCount": 0, "state": {"waiting": {"reason": "PodInitializing"}}}
            ],
        }
        assert row("", "Pod", pod("api-0", spec=init_spec(), status=status))[1:4] == ["0/1", "Init:0/2", "0"]

    def test_the_second_init_container_after_the_first_finished(self) -> None:
        status = {
            "phase": "Pending",
            "initContainerStatuses": [
                {"name": "migrate", "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                {"name": "warm-cache", "restartCount": 0, "state": {"running": {"startedAt": ago(seconds=5)}}},
            ],
        }
        assert row("", "Pod", pod("api-0", spec=init_spec(), status=status))[2] == "Init:1/2"

    def test_a_failing_init_container(self) -> None:
        status = {
            "phase": "Pending",
            "initContainerStatuses": [
                {
                    "name": "migrate",
                    "restartCount": 3,
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                    "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ago(seconds=40)}},
                },
            ],
        }
        assert row("", "Pod", pod("api-0", spec=init_spec(), status=status))[2:4] == [
            "Init:CrashLoopBackOff",
            "3 (40s ago)",
        ]

    def test_an_init_container_that_exited_with_an_error(self) -> None:
        status = {
            "phase": "Pending",
            "initContainerStatuses": [
                {"name": "migrate", "restartCount": 0, "state": {"terminated": {"exitCode": 1, "reason": "Error"}}}
            ],
        }
        assert row("", "Pod", pod("api-0", spec=init_spec(), status=status))[2] == "Init:Error"

    def test_a_started_sidecar_counts_as_a_ready_container(self) -> None:
        spec = {
            "initContainers": [{**container("proxy", "envoy:1.31"), "restartPolicy": "Always"}],
            "containers": [container("api", "api:3")],
        }
        status = {
            "phase": "Running",
            "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}],
            "initContainerStatuses": [{**running("proxy", restarts=1), "started": True}],
            "containerStatuses": [running("api")],
        }
        assert row("", "Pod", pod("api-0", spec=spec, status=status))[1:4] == ["2/2", "Running", "1"]


class TestPodWideColumns:
    def test_the_first_pod_ip_a_nominated_node_and_readiness_gates(self) -> None:
        spec = {
            "containers": [container("app", "app")],
            "readinessGates": [{"conditionType": "example.com/load-balancer"}, {"conditionType": "example.com/dns"}],
        }
        status = {
            "phase": "Pending",
            "podIPs": [{"ip": "10.244.2.9"}, {"ip": "fd00::9"}],
            "nominatedNodeName": "worker-2",
            "conditions": [
                {"type": "example.com/load-balancer", "status": "True"},
                {"type": "example.com/dns", "status": "False"},
            ],
        }
        assert row("", "Pod", pod(spec=spec, status=status))[5:] == ["10.244.2.9", "<none>", "worker-2", "1/2"]


# -- workloads -----------------------------------------------------------------------------------------------------


def pod_template(*containers: dict, labels: dict | None = None) -> dict:
    return {"metadata": {"labels": labels or {"app": "web"}}, "spec": {"containers": list(containers)}}


def web_deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta("web", age=timedelta(days=3, hours=2)),
        "spec": {
            "replicas": 3,
            "selector": {
                "matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["frontend", "edge"]}],
            },
            "template": pod_template(container("nginx", "nginx:1.27"), container("log", "fluent-bit:3")),
        },
        "status": {"replicas": 3, "updatedReplicas": 3, "readyReplicas": 2, "availableReplicas": 2},
    }


class TestDeployments:
    def test_columns(self) -> None:
        assert headers("apps", "Deployment") == [
            "Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector",
        ]  # fmt: skip
        assert wide_headers("apps", "Deployment") == ["Containers", "Images", "Selector"]
        types = {c["name"]: c["type"] for c in build("apps", "Deployment")["columnDefinitions"]}
        assert types["Up-to-date"] == "string"

    def test_cells(self) -> None:
        assert row("apps", "Deployment", web_deployment()) == [
            "web", "2/3", 3, 2, "3d2h", "nginx,log", "nginx:1.27,fluent-bit:3", "app=web,tier in (edge,frontend)",
        ]  # fmt: skip

    def test_replicas_default_to_one(self) -> None:
        fresh = {"metadata": meta("fresh"), "spec": {"template": pod_template(container("a", "a"))}}
        assert row("apps", "Deployment", fresh)[1:4] == ["0/1", 0, 0]

    def test_an_unreadable_selector(self) -> None:
        broken = {
            **web_deployment(),
            "spec": {**web_deployment()["spec"], "selector": {"matchExpressions": [{"key": "a", "operator": "Near"}]}},
        }
        assert row("apps", "Deployment", broken)[-1] == "<invalid>"


class TestReplicaSetsDaemonSetsStatefulSets:
    def test_replica_set(self) -> None:
        replica_set = {
            "metadata": meta("web-7d4b9c", age=timedelta(hours=5)),
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "web", "pod-template-hash": "7d4b9c"}},
                "template": pod_template(container("nginx", "nginx:1.27")),
            },
            "status": {"replicas": 3, "readyReplicas": 3},
        }
        assert headers("apps", "ReplicaSet") == [
            "Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector",
        ]  # fmt: skip
        assert row("apps", "ReplicaSet", replica_set) == [
            "web-7d4b9c", 3, 3, 3, "5h", "nginx", "nginx:1.27", "app=web,pod-template-hash=7d4b9c",
        ]  # fmt: skip

    def test_daemon_set(self) -> None:
        daemon_set = {
            "metadata": meta("node-exporter", namespace="monitoring", age=timedelta(days=40)),
            "spec": {
                "selector": {"matchLabels": {"app": "node-exporter"}},
                "template": {
                    "metadata": {"labels": {"app": "node-exporter"}},
                    "spec": {
                        "nodeSelector": {"kubernetes.io/os": "linux"},
                        "containers": [container("exporter", "prom/node-exporter:v1.8")],
                    },
                },
            },
            "status": {
                "desiredNumberScheduled": 3,
                "currentNumberScheduled": 3,
                "numberReady": 2,
                "updatedNumberScheduled": 3,
                "numberAvailable": 2,
            },
        }
        assert headers("apps", "DaemonSet") == [
            "Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age",
            "Containers", "Images", "Selector",
        ]  # fmt: skip
        assert row("apps", "DaemonSet", daemon_set) == [
            "node-exporter", 3, 3, 2, 3, 2, "kubernetes.io/os=linux", "40d",
            "exporter", "prom/node-exporter:v1.8", "app=node-exporter",
        ]  # fmt: skip

    def test_stateful_set(self) -> None:
        stateful_set = {
            "metadata": meta("db", age=timedelta(minutes=45)),
            "spec": {
                "replicas": 3,
                "serviceName": "db",
                "template": pod_template(container("postgres", "postgres:17")),
            },
            "status": {"replicas": 3, "readyReplicas": 1},
        }
        assert headers("apps", "StatefulSet") == ["Name", "Ready", "Age", "Containers", "Images"]
        assert row("apps", "StatefulSet", stateful_set) == ["db", "1/3", "45m", "postgres", "postgres:17"]

    def test_controller_revision(self) -> None:
        revision = {
            "metadata": meta(
                "db-5c7f9d8b6",
                ownerReferences=[
                    {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db", "controller": True, "uid": "u"}
                ],
            ),
            "revision": 2,
        }
        assert headers("apps", "ControllerRevision") == ["Name", "Controller", "Revision", "Age"]
        assert row("apps", "ControllerRevision", revision) == ["db-5c7f9d8b6", "statefulset.apps/db", 2, "5m"]

    def test_replication_controller(self) -> None:
        controller = {
            "metadata": meta("legacy"),
            "spec": {"replicas": 2, "selector": {"app": "legacy"}, "template": pod_template(container("app", "app:1"))},
            "status": {"replicas": 2, "readyReplicas": 2},
        }
        assert headers("", "ReplicationController") == [
            "Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector",
        ]  # fmt: skip
        assert row("", "ReplicationController", controller) == ["legacy", 2, 2, 2, "5m", "app", "app:1", "app=legacy"]


class TestJobs:
    def job(self, status: dict, **spec: Any) -> dict:
        return {
            "metadata": meta("pi", age=timedelta(minutes=8)),
            "spec": {
                **spec,
                "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "3f1c"}},
                "template": pod_template(container("pi", "perl:5.40")),
            },
            "status": status,
        }

    def test_columns(self) -> None:
        assert headers("batch", "Job") == [
            "Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector",
        ]  # fmt: skip

    def test_a_complete_job(self) -> None:
        status = {
            "succeeded": 1,
            "startTime": ago(minutes=8),
            "completionTime": ago(minutes=7, seconds=25),
            "conditions": [{"type": "SuccessCriteriaMet", "status": "True"}, {"type": "Complete", "status": "True"}],
        }
        assert row("batch", "Job", self.job(status, completions=1, parallelism=1)) == [
            "pi", "Complete", "1/1", "35s", "8m", "pi", "perl:5.40", "batch.kubernetes.io/controller-uid=3f1c",
        ]  # fmt: skip

    def test_a_running_job_with_parallel_completions(self) -> None:
        cells = row(
            "batch",
            "Job",
            self.job({"succeeded": 2, "active": 3, "startTime": ago(minutes=4)}, completions=5, parallelism=3),
        )
        assert cells[1:4] == ["Running", "2/5", "4m"]

    def test_a_work_queue_job(self) -> None:
        cells = row("batch", "Job", self.job({"succeeded": 0, "startTime": ago(seconds=30)}, parallelism=4))
        assert cells[1:4] == ["Running", "0/1 of 4", "30s"]

    def test_a_job_not_started_has_no_duration(self) -> None:
        assert row("batch", "Job", self.job({}, completions=1))[1:4] == ["Running", "0/1", ""]

    @pytest.mark.parametrize(
        ("conditions", "status"),
        [
            ([{"type": "Failed", "status": "True"}], "Failed"),
            ([{"type": "Suspended", "status": "True"}], "Suspended"),
            ([{"type": "FailureTarget", "status": "True"}], "FailureTarget"),
            ([{"type": "SuccessCriteriaMet", "status": "True"}], "SuccessCriteriaMet"),
            ([{"type": "Complete", "status": "False"}], "Running"),
        ],
    )
    def test_status_from_conditions(self, conditions: list[dict], status: str) -> None:
        assert row("batch", "Job", self.job({"conditions": conditions}, completions=1))[1] == status

    def test_a_job_being_deleted(self) -> None:
        job = self.job({"conditions": [{"type": "Suspended", "status": "True"}]}, completions=1)
        job["metadata"]["deletionTimestamp"] = ago(seconds=3)
        assert row("batch", "Job", job)[1] == "Terminating"


class TestCronJobs:
    def test_columns_and_cells(self) -> None:
        cron_job = {
            "metadata": meta("nightly-backup", age=timedelta(days=12)),
            "spec": {
                "schedule": "0 2 * * *",
                "timeZone": "Europe/Paris",
                "jobTemplate": {"spec": {"template": pod_template(container("backup", "restic:0.17"))}},
            },
            "status": {"active": [{"name": "nightly-backup-29110920"}], "lastScheduleTime": ago(hours=10)},
        }
        assert headers("batch", "CronJob") == [
            "Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age",
            "Containers", "Images", "Selector",
        ]  # fmt: skip
        suspend = build("batch", "CronJob")["columnDefinitions"][3]
        assert suspend["type"] == "boolean"
        assert row("batch", "CronJob", cron_job) == [
            "nightly-backup", "0 2 * * *", "Europe/Paris", "False", 1, "10h", "12d", "backup", "restic:0.17", "<none>",
        ]  # fmt: skip

    def test_never_scheduled_and_suspended(self) -> None:
        cron_job = {
            "metadata": meta("report"),
            "spec": {"schedule": "@hourly", "suspend": True, "jobTemplate": {"spec": {"template": pod_template()}}},
        }
        assert row("batch", "CronJob", cron_job)[2:6] == ["<none>", "True", 0, "<none>"]


class TestHorizontalPodAutoscalers:
    def test_columns(self) -> None:
        assert headers("autoscaling", "HorizontalPodAutoscaler") == [
            "Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age",
        ]  # fmt: skip

    def test_cpu_and_memory_targets(self) -> None:
        autoscaler = {
            "apiVersion": "autoscaling/v2",
            "metadata": meta("web", age=timedelta(hours=1)),
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "minReplicas": 2,
                "maxReplicas": 10,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                    },
                    {
                        "type": "Resource",
                        "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "512Mi"}},
                    },
                ],
            },
            "status": {
                "currentReplicas": 3,
                "desiredReplicas": 3,
                "currentMetrics": [
                    {
                        "type": "Resource",
                        "resource": {"name": "cpu", "current": {"averageUtilization": 45, "averageValue": "90m"}},
                    },
                    {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "307200Ki"}}},
                ],
            },
        }
        assert row("autoscaling", "HorizontalPodAutoscaler", autoscaler) == [
            "web", "Deployment/web", "cpu: 45%/70%, memory: 300Mi/512Mi", "2", 10, 3, "60m",
        ]  # fmt: skip

    def test_metrics_not_yet_reported_and_more_than_two(self) -> None:
        pods_metric = {
            "type": "Pods",
            "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": "1k"}},
        }
        external = {
            "type": "External",
            "external": {"metric": {"name": "queue"}, "target": {"type": "AverageValue", "averageValue": "30"}},
        }
        cpu = {
            "type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}},
        }
        autoscaler = {
            "metadata": meta("worker"),
            "spec": {
                "scaleTargetRef": {"kind": "Deployment", "name": "worker"},
                "maxReplicas": 5,
                "metrics": [pods_metric, external, cpu],
            },
            "status": {"currentReplicas": 1},
        }
        assert row("autoscaling", "HorizontalPodAutoscaler", autoscaler)[2:5] == [
            "<unknown>/1k, <unknown>/30 (avg) + 1 more...",
            "1",
            5,
        ]

    def test_autoscaling_v1_knows_only_cpu(self) -> None:
        autoscaler = {
            "apiVersion": "autoscaling/v1",
            "metadata": meta("web"),
            "spec": {
                "scaleTargetRef": {"kind": "Deployment", "name": "web"},
                "minReplicas": 1,
                "maxReplicas": 4,
                "targetCPUUtilizationPercentage": 60,
            },
            "status": {"currentReplicas": 2, "currentCPUUtilizationPercentage": 12},
        }
        assert row("autoscaling", "HorizontalPodAutoscaler", autoscaler)[2] == "cpu: 12%/60%"


class TestPodDisruptionBudgets:
    def test_columns_and_cells(self) -> None:
        budget = {
            "metadata": meta("web"),
            "spec": {"minAvailable": "50%", "selector": {"matchLabels": {"app": "web"}}},
            "status": {"disruptionsAllowed": 1, "currentHealthy": 3, "desiredHealthy": 2, "expectedPods": 3},
        }
        assert headers("policy", "PodDisruptionBudget") == [
            "Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age",
        ]  # fmt: skip
        assert row("policy", "PodDisruptionBudget", budget) == ["web", "50%", "N/A", 1, "5m"]
        assert row("policy", "PodDisruptionBudget", {**budget, "spec": {"maxUnavailable": 1}})[1:3] == ["N/A", "1"]


# -- services and networking ---------------------------------------------------------------------------------------


def service(spec: dict, status: dict | None = None, name: str = "web") -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name), "spec": spec, "status": status or {}}


class TestServices:
    def test_columns(self) -> None:
        assert headers("", "Service") == ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"]
        assert wide_headers("", "Service") == ["Selector"]

    def test_cluster_ip(self) -> None:
        spec = {
            "type": "ClusterIP",
            "clusterIP": "10.96.12.4",
            "clusterIPs": ["10.96.12.4"],
            "selector": {"app": "web", "tier": "frontend"},
            "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}],
        }
        assert row("", "Service", service(spec)) == [
            "web", "ClusterIP", "10.96.12.4", "<none>", "80/TCP", "5m", "app=web,tier=frontend",
        ]  # fmt: skip

    def test_node_port(self) -> None:
        spec = {
            "type": "NodePort",
            "clusterIP": "10.96.40.2",
            "clusterIPs": ["10.96.40.2"],
            "selector": {"app": "web"},
            "ports": [
                {"name": "http", "port": 80, "protocol": "TCP", "nodePort": 30080},
                {"name": "metrics", "port": 9090, "protocol": "UDP", "nodePort": 31090},
            ],
        }
        assert row("", "Service", service(spec))[1:5] == [
            "NodePort",
            "10.96.40.2",
            "<none>",
            "80:30080/TCP,9090:31090/UDP",
        ]

    def test_load_balancer_waiting_for_an_address(self) -> None:
        spec = {
            "type": "LoadBalancer",
            "clusterIP": "10.96.8.8",
            "clusterIPs": ["10.96.8.8"],
            "ports": [{"port": 443, "protocol": "TCP", "nodePort": 31443}],
        }
        assert row("", "Service", service(spec, {"loadBalancer": {}}))[1:5] == [
            "LoadBalancer",
            "10.96.8.8",
            "<pending>",
            "443:31443/TCP",
        ]

    def test_load_balancer_with_addresses_and_external_ips(self) -> None:
        spec = {"type": "LoadBalancer", "clusterIPs": ["10.96.8.8"], "externalIPs": ["198.51.100.7"], "ports": []}
        status = {"loadBalancer": {"ingress": [{"hostname": "lb.example.com"}, {"ip": "203.0.113.10"}]}}
        assert row("", "Service", service(spec, status))[3:5] == ["203.0.113.10,lb.example.com,198.51.100.7", "<none>"]

    def test_headless_and_external_name(self) -> None:
        headless = {"clusterIP": "None", "clusterIPs": ["None"], "ports": [{"port": 5432, "protocol": "TCP"}]}
        external = {"type": "ExternalName", "externalName": "db.example.com"}
        assert row("", "Service", service(headless))[1:5] == ["ClusterIP", "None", "<none>", "5432/TCP"]
        assert row("", "Service", service(external))[1:5] == ["ExternalName", "<none>", "db.example.com", "<none>"]


class TestEndpointsAndSlices:
    def test_endpoints(self) -> None:
        endpoints = {
            "metadata": meta("web"),
            "subsets": [
                {
                    "addresses": [{"ip": "10.244.1.7"}, {"ip": "10.244.2.3"}, {"ip": "10.244.3.5"}],
                    "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "admin", "port": 9000}],
                }
            ],
        }
        assert headers("", "Endpoints") == ["Name", "Endpoints", "Age"]
        assert row("", "Endpoints", endpoints) == [
            "web",
            "10.244.1.7:8080,10.244.2.3:8080,10.244.3.5:8080 + 3 more...",
            "5m",
        ]
        assert row("", "Endpoints", {"metadata": meta("idle")})[1] == "<none>"
        headless = {"metadata": meta("db"), "subsets": [{"addresses": [{"ip": "fd00::1"}]}]}
        assert row("", "Endpoints", headless)[1] == "fd00::1"
        ipv6 = {"metadata": meta("db"), "subsets": [{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 5432}]}]}
        assert row("", "Endpoints", ipv6)[1] == "[fd00::1]:5432"

    def test_endpoint_slices(self) -> None:
        endpoint_slice = {
            "metadata": meta("web-x7k2q"),
            "addressType": "IPv4",
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
            "endpoints": [{"addresses": ["10.244.1.7"]}, {"addresses": ["10.244.2.3"]}],
        }
        assert headers("discovery.k8s.io", "EndpointSlice") == ["Name", "AddressType", "Ports", "Endpoints", "Age"]
        assert row("discovery.k8s.io", "EndpointSlice", endpoint_slice) == [
            "web-x7k2q", "IPv4", "8080", "10.244.1.7,10.244.2.3", "5m",
        ]  # fmt: skip
        empty = {"metadata": meta("none"), "addressType": "IPv6"}
        assert row("discovery.k8s.io", "EndpointSlice", empty)[2:4] == ["<unset>", "<unset>"]


class TestIngresses:
    def test_columns_and_cells(self) -> None:
        ingress = {
            "metadata": meta("shop"),
            "spec": {
                "ingressClassName": "nginx",
                "tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}],
                "rules": [{"host": "shop.example.com"}, {"host": "api.example.com"}],
            },
            "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.20"}]}},
        }
        assert headers("networking.k8s.io", "Ingress") == ["Name", "Class", "Hosts", "Address", "Ports", "Age"]
        assert row("networking.k8s.io", "Ingress", ingress) == [
            "shop", "nginx", "shop.example.com,api.example.com", "203.0.113.20", "80, 443", "5m",
        ]  # fmt: skip

    def test_no_class_no_hosts_no_address(self) -> None:
        ingress = {"metadata": meta("catch-all"), "spec": {"defaultBackend": {"service": {"name": "web"}}}}
        assert row("networking.k8s.io", "Ingress", ingress)[1:5] == ["<none>", "*", "", "80"]

    def test_many_hosts(self) -> None:
        rules = [{"host": f"h{n}.example.com"} for n in range(5)]
        ingress = {"metadata": meta("many"), "spec": {"rules": rules}}
        assert (
            row("networking.k8s.io", "Ingress", ingress)[2]
            == "h0.example.com,h1.example.com,h2.example.com + 2 more..."
        )

    def test_ingress_class_marks_the_default(self) -> None:
        ingress_class = {
            "metadata": meta(
                "nginx", namespace=None, annotations={"ingressclass.kubernetes.io/is-default-class": "true"}
            ),
            "spec": {
                "controller": "k8s.io/ingress-nginx",
                "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external"},
            },
        }
        assert headers("networking.k8s.io", "IngressClass") == ["Name", "Controller", "Parameters", "Age"]
        assert row("networking.k8s.io", "IngressClass", ingress_class) == [
            "nginx (default)", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/external", "5m",
        ]  # fmt: skip


class TestNetworkPolicies:
    def test_columns_and_cells(self) -> None:
        policy = {"metadata": meta("deny-all"), "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
        scoped = {
            "metadata": meta("api-only"),
            "spec": {
                "podSelector": {
                    "matchExpressions": [
                        {"key": "role", "operator": "Exists"},
                        {"key": "legacy", "operator": "DoesNotExist"},
                    ]
                }
            },
        }
        assert headers("networking.k8s.io", "NetworkPolicy") == ["Name", "Pod-Selector", "Age"]
        assert row("networking.k8s.io", "NetworkPolicy", policy) == ["deny-all", "<none>", "5m"]
        assert row("networking.k8s.io", "NetworkPolicy", scoped)[1] == "!legacy,role"


# -- nodes, namespaces, configuration ------------------------------------------------------------------------------


def control_plane_node() -> dict[str, Any]:
    return {
        "metadata": meta(
            "control-plane",
            namespace=None,
            age=timedelta(days=9),
            labels={
                "node-role.kubernetes.io/control-plane": "",
                "kubernetes.io/role": "etcd",
                "kubernetes.io/os": "linux",
            },
        ),
        "spec": {"unschedulable": True},
        "status": {
            "conditions": [
                {"type": "MemoryPressure", "status": "False"},
                {"type": "Ready", "status": "True"},
            ],
            "addresses": [
                {"type": "InternalIP", "address": "172.18.0.2"},
                {"type": "Hostname", "address": "control-plane"},
            ],
            "nodeInfo": {
                "kubeletVersion": "v1.37.1",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "kernelVersion": "6.8.0-51-generic",
                "architecture": "amd64",
                "containerRuntimeVersion": "containerd://2.1.3",
            },
        },
    }


class TestNodes:
    def test_columns(self) -> None:
        assert headers("", "Node") == [
            "Name", "Status", "Roles", "Age", "Version",
            "Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime",
        ]  # fmt: skip

    def test_cells(self) -> None:
        assert row("", "Node", control_plane_node()) == [
            "control-plane", "Ready,SchedulingDisabled", "control-plane,etcd", "9d", "v1.37.1",
            "172.18.0.2", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.8.0-51-generic (amd64)", "containerd://2.1.3",
        ]  # fmt: skip

    def test_a_node_that_has_not_reported(self) -> None:
        fresh = {"metadata": meta("worker-3", namespace=None), "status": {}}
        assert row("", "Node", fresh) == [
            "worker-3", "Unknown", "<none>", "5m", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>",
        ]  # fmt: skip

    def test_a_node_not_ready(self) -> None:
        down = {
            "metadata": meta("worker-2", namespace=None),
            "status": {"conditions": [{"type": "Ready", "status": "Unknown"}]},
        }
        assert row("", "Node", down)[1] == "NotReady"


class TestEvents:
    def test_columns(self) -> None:
        assert headers("", "Event") == [
            "Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name",
        ]  # fmt: skip
        assert wide_headers("", "Event") == ["Subobject", "Source", "First Seen", "Count", "Name"]
        name = build("", "Event")["columnDefinitions"][-1]
        assert name["format"] == "name"

    def test_a_core_event(self) -> None:
        event = {
            "metadata": meta("web-7d4b9c-x2x8q.17e3a9b2c1d0"),
            "involvedObject": {"kind": "Pod", "name": "web-7d4b9c-x2x8q", "fieldPath": "spec.containers{nginx}"},
            "reason": "BackOff",
            "message": "Back-off restarting failed container nginx\n",
            "source": {"component": "kubelet", "host": "worker-1"},
            "firstTimestamp": ago(minutes=12),
            "lastTimestamp": ago(seconds=40),
            "count": 7,
            "type": "Warning",
        }
        assert row("", "Event", event) == [
            "40s", "Warning", "BackOff", "pod/web-7d4b9c-x2x8q", "spec.containers{nginx}", "kubelet, worker-1",
            "Back-off restarting failed container nginx", "12m", 7, "web-7d4b9c-x2x8q.17e3a9b2c1d0",
        ]  # fmt: skip

    def test_an_event_of_the_newer_api_stored_as_core(self) -> None:
        event = {
            "metadata": meta("web.17e3"),
            "involvedObject": {"kind": "Deployment", "name": "web"},
            "reason": "ScalingReplicaSet",
            "message": "Scaled up replica set web-7d4b9c from 0 to 3",
            "source": {},
            "eventTime": ago(minutes=3),
            "reportingComponent": "deployment-controller",
            "type": "Normal",
        }
        cells = row("", "Event", event)
        assert cells[0] == "3m"
        assert cells[5] == "deployment-controller"
        assert cells[7:9] == ["3m", 1]

    def test_a_recurring_event_counts_its_series(self) -> None:
        event = {
            "metadata": meta("probe.1"),
            "involvedObject": {"kind": "Pod", "name": "api-0"},
            "eventTime": ago(hours=2),
            "series": {"count": 31, "lastObservedTime": ago(seconds=5)},
            "reportingComponent": "kubelet",
            "reportingInstance": "worker-2",
            "type": "Warning",
            "reason": "Unhealthy",
            "message": "Readiness probe failed",
        }
        cells = row("", "Event", event)
        assert [cells[0], cells[5], cells[7], cells[8]] == ["5s", "kubelet, worker-2", "120m", 31]

    def test_an_events_k8s_io_event(self) -> None:
        event = {
            "apiVersion": "events.k8s.io/v1",
            "kind": "Event",
            "metadata": meta("db-0.17e4"),
            "eventTime": ago(minutes=1),
            "reportingController": "default-scheduler",
            "reportingInstance": "default-scheduler-control-plane",
            "action": "Binding",
            "reason": "Scheduled",
            "regarding": {"kind": "Pod", "namespace": "default", "name": "db-0"},
            "note": "Successfully assigned default/db-0 to worker-1",
            "type": "Normal",
        }
        assert headers("events.k8s.io", "Event") == headers("", "Event")
        assert row("events.k8s.io", "Event", event) == [
            "60s", "Normal", "Scheduled", "pod/db-0", "", "default-scheduler, default-scheduler-control-plane",
            "Successfully assigned default/db-0 to worker-1", "60s", 1, "db-0.17e4",
        ]  # fmt: skip


class TestNamespacesConfigMapsSecretsServiceAccounts:
    def test_namespaces(self) -> None:
        assert headers("", "Namespace") == ["Name", "Status", "Age"]
        active = {"metadata": meta("shop", namespace=None, age=timedelta(days=30)), "status": {"phase": "Active"}}
        leaving = {"metadata": meta("old", namespace=None), "status": {"phase": "Terminating"}}
        assert row("", "Namespace", active) == ["shop", "Active", "30d"]
        assert row("", "Namespace", leaving)[1] == "Terminating"

    def test_config_maps_count_text_and_binary_data(self) -> None:
        config_map = {
            "metadata": meta("nginx-conf"),
            "data": {"nginx.conf": "...", "mime.types": "..."},
            "binaryData": {"logo.png": "iVBO"},
        }
        assert headers("", "ConfigMap") == ["Name", "Data", "Age"]
        assert row("", "ConfigMap", config_map) == ["nginx-conf", 3, "5m"]

    def test_secrets(self) -> None:
        secret = {
            "metadata": meta("shop-tls"),
            "type": "kubernetes.io/tls",
            "data": {"tls.crt": "LS0t", "tls.key": "LS0t"},
        }
        assert headers("", "Secret") == ["Name", "Type", "Data", "Age"]
        assert row("", "Secret", secret) == ["shop-tls", "kubernetes.io/tls", 2, "5m"]
        assert row("", "Secret", {"metadata": meta("plain")})[1:3] == ["Opaque", 0]

    def test_service_accounts(self) -> None:
        account = {"metadata": meta("builder"), "secrets": [{"name": "builder-token"}]}
        assert headers("", "ServiceAccount") == ["Name", "Secrets", "Age"]
        assert row("", "ServiceAccount", account) == ["builder", 1, "5m"]
        assert row("", "ServiceAccount", {"metadata": meta("default")})[1] == 0

    def test_resource_quotas_split_requests_from_limits(self) -> None:
        quota = {
            "metadata": meta("compute"),
            "status": {
                "hard": {
                    "requests.cpu": "4",
                    "requests.memory": "8Gi",
                    "limits.cpu": "8",
                    "limits.memory": "16Gi",
                    "pods": "20",
                },
                "used": {"requests.cpu": "1500m", "requests.memory": "2048Mi", "limits.cpu": "3", "pods": "7"},
            },
        }
        assert headers("", "ResourceQuota") == ["Name", "Request", "Limit", "Age"]
        assert row("", "ResourceQuota", quota) == [
            "compute",
            "pods: 7/20, requests.cpu: 1500m/4, requests.memory: 2Gi/8Gi",
            "limits.cpu: 3/8, limits.memory: 0/16Gi",
            "5m",
        ]

    def test_pod_templates(self) -> None:
        template = {
            "metadata": meta("base"),
            "template": pod_template(container("app", "app:1"), labels={"tier": "b", "app": "a"}),
        }
        assert headers("", "PodTemplate") == ["Name", "Containers", "Images", "Pod Labels"]
        assert row("", "PodTemplate", template) == ["base", "app", "app:1", "app=a,tier=b"]

    def test_component_statuses(self) -> None:
        healthy = {
            "metadata": meta("etcd-0", namespace=None),
            "conditions": [{"type": "Healthy", "status": "True", "message": "ok"}],
        }
        assert headers("", "ComponentStatus") == ["Name", "Status", "Message", "Error"]
        assert row("", "ComponentStatus", healthy) == ["etcd-0", "Healthy", "ok", ""]


# -- storage -------------------------------------------------------------------------------------------------------


class TestStorage:
    def test_persistent_volumes(self) -> None:
        volume = {
            "metadata": meta("pv-data", namespace=None, age=timedelta(days=2)),
            "spec": {
                "capacity": {"storage": "10240Mi"},
                "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
                "persistentVolumeReclaimPolicy": "Delete",
                "claimRef": {"namespace": "default", "name": "data"},
                "storageClassName": "standard",
                "volumeMode": "Filesystem",
            },
            "status": {"phase": "Bound"},
        }
        assert headers("", "PersistentVolume") == [
            "Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass",
            "VolumeAttributesClass", "Reason", "Age", "VolumeMode",
        ]  # fmt: skip
        assert row("", "PersistentVolume", volume) == [
            "pv-data", "10Gi", "RWO,RWX", "Delete", "Bound", "default/data", "standard", "<unset>", "", "2d",
            "Filesystem",
        ]  # fmt: skip

    def test_persistent_volume_claims(self) -> None:
        bound = {
            "metadata": meta("data"),
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "1Gi"}},
                "volumeName": "pv-data",
                "storageClassName": "standard",
            },
            "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}},
        }
        pending = {
            "metadata": meta("cache"),
            "spec": {"resources": {"requests": {"storage": "5Gi"}}, "storageClassName": "fast"},
            "status": {"phase": "Pending"},
        }
        assert headers("", "PersistentVolumeClaim") == [
            "Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass", "VolumeAttributesClass", "Age",
            "VolumeMode",
        ]  # fmt: skip
        assert row("", "PersistentVolumeClaim", bound) == [
            "data", "Bound", "pv-data", "1Gi", "RWO", "standard", "<unset>", "5m", "Filesystem",
        ]  # fmt: skip
        assert row("", "PersistentVolumeClaim", pending)[1:6] == ["Pending", "", "", "", "fast"]
        pending["metadata"]["deletionTimestamp"] = ago(seconds=1)
        assert row("", "PersistentVolumeClaim", pending)[1] == "Terminating"

    def test_storage_classes_mark_the_default_a_list_would_use(self) -> None:
        def storage_class(name: str, age: timedelta, default: bool) -> dict:
            annotations = {"storageclass.kubernetes.io/is-default-class": "true"} if default else {}
            return {
                "metadata": meta(name, namespace=None, age=age, annotations=annotations),
                "provisioner": "rancher.io/local-path",
                "volumeBindingMode": "WaitForFirstConsumer",
            }

        older, newer, plain = (
            storage_class("standard", timedelta(days=9), True),
            storage_class("fast", timedelta(days=1), True),
            storage_class("slow", timedelta(days=1), False),
        )
        assert headers("storage.k8s.io", "StorageClass") == [
            "Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion", "Age",
        ]  # fmt: skip
        rows = build("storage.k8s.io", "StorageClass", older, newer, plain)["rows"]
        assert [r["cells"][0] for r in rows] == ["standard", "fast (default)", "slow"]
        assert rows[0]["cells"][1:] == ["rancher.io/local-path", "Delete", "WaitForFirstConsumer", False, "9d"]
        assert row("storage.k8s.io", "StorageClass", newer, listing=False)[0] == "fast"

    def test_csi_drivers_read_with_their_defaults(self) -> None:
        driver = {"metadata": meta("ebs.csi.aws.com", namespace=None), "spec": {"tokenRequests": [{"audience": "sts"}]}}
        assert headers("storage.k8s.io", "CSIDriver") == [
            "Name", "AttachRequired", "PodInfoOnMount", "StorageCapacity", "TokenRequests", "RequiresRepublish",
            "Modes", "Age",
        ]  # fmt: skip
        assert row("storage.k8s.io", "CSIDriver", driver) == [
            "ebs.csi.aws.com",
            True,
            False,
            False,
            "sts",
            False,
            "Persistent",
            "5m",
        ]

    def test_volume_attachments_and_csi_nodes(self) -> None:
        attachment = {
            "metadata": meta("csi-3a7f", namespace=None),
            "spec": {
                "attacher": "ebs.csi.aws.com",
                "nodeName": "worker-1",
                "source": {"persistentVolumeName": "pv-data"},
            },
            "status": {"attached": True},
        }
        node = {
            "metadata": meta("worker-1", namespace=None),
            "spec": {"drivers": [{"name": "ebs.csi.aws.com", "nodeID": "i-1"}]},
        }
        assert row("storage.k8s.io", "VolumeAttachment", attachment) == [
            "csi-3a7f",
            "ebs.csi.aws.com",
            "pv-data",
            "worker-1",
            True,
            "5m",
        ]
        assert build("storage.k8s.io", "VolumeAttachment")["columnDefinitions"][1]["format"] == "name"
        assert row("storage.k8s.io", "CSINode", node) == ["worker-1", 1, "5m"]


# -- cluster-wide kinds --------------------------------------------------------------------------------------------


class TestRbac:
    def test_roles_have_no_printer_of_their_own(self) -> None:
        role = {"metadata": meta("pod-reader", age=timedelta(days=1))}
        result = build("rbac.authorization.k8s.io", "Role", role)
        assert [(c["name"], c["type"]) for c in result["columnDefinitions"]] == [
            ("Name", "string"),
            ("Created At", "date"),
        ]
        assert result["rows"][0]["cells"] == ["pod-reader", "2026-06-30T12:00:00Z"]

    def test_a_kind_without_a_printer_lists_nothing_as_null_rows(self) -> None:
        assert build("", "LimitRange")["rows"] is None

    def test_role_bindings(self) -> None:
        binding = {
            "metadata": meta("read-pods"),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
            "subjects": [
                {"kind": "User", "name": "jane"},
                {"kind": "User", "name": "joe"},
                {"kind": "Group", "name": "devs"},
                {"kind": "ServiceAccount", "name": "ci", "namespace": "build"},
            ],
        }
        assert headers("rbac.authorization.k8s.io", "RoleBinding") == [
            "Name", "Role", "Age", "Users", "Groups", "ServiceAccounts",
        ]  # fmt: skip
        assert row("rbac.authorization.k8s.io", "RoleBinding", binding) == [
            "read-pods", "Role/pod-reader", "5m", "jane, joe", "devs", "build/ci",
        ]  # fmt: skip
        descriptions = [
            c["description"] for c in build("rbac.authorization.k8s.io", "ClusterRoleBinding")["columnDefinitions"]
        ]
        assert descriptions[3:] == [
            "Users in the clusterRoleBinding",
            "Groups in the clusterRoleBinding",
            "ServiceAccounts in the clusterRoleBinding",
        ]


class TestClusterKinds:
    def test_priority_classes(self) -> None:
        priority = {"metadata": meta("critical", namespace=None), "value": 1000000, "globalDefault": False}
        assert headers("scheduling.k8s.io", "PriorityClass") == [
            "Name",
            "Value",
            "Global-Default",
            "Age",
            "PreemptionPolicy",
        ]
        assert row("scheduling.k8s.io", "PriorityClass", priority) == [
            "critical",
            1000000,
            False,
            "5m",
            "PreemptLowerPriority",
        ]

    def test_leases(self) -> None:
        lease = {"metadata": meta("kube-scheduler", namespace="kube-system"), "spec": {"holderIdentity": "cp_5b1f"}}
        assert headers("coordination.k8s.io", "Lease") == ["Name", "Holder", "Age"]
        assert row("coordination.k8s.io", "Lease", lease) == ["kube-scheduler", "cp_5b1f", "5m"]

    def test_runtime_classes(self) -> None:
        assert headers("node.k8s.io", "RuntimeClass") == ["Name", "Handler", "Age"]
        assert row("node.k8s.io", "RuntimeClass", {"metadata": meta("gvisor", namespace=None), "handler": "runsc"}) == [
            "gvisor",
            "runsc",
            "5m",
        ]

    def test_certificate_signing_requests(self) -> None:
        request = {
            "metadata": meta("csr-7xk2", namespace=None),
            "spec": {
                "signerName": "kubernetes.io/kube-apiserver-client",
                "username": "jane",
                "expirationSeconds": 86400,
            },
            "status": {"conditions": [{"type": "Approved", "status": "True"}], "certificate": "LS0t"},
        }
        assert headers("certificates.k8s.io", "CertificateSigningRequest") == [
            "Name", "Age", "SignerName", "Requestor", "RequestedDuration", "Condition",
        ]  # fmt: skip
        assert row("certificates.k8s.io", "CertificateSigningRequest", request) == [
            "csr-7xk2", "5m", "kubernetes.io/kube-apiserver-client", "jane", "24h", "Approved,Issued",
        ]  # fmt: skip

    def test_webhook_configurations_and_admission_policies(self) -> None:
        webhooks = {
            "metadata": meta("policy", namespace=None),
            "webhooks": [{"name": "a.example.com"}, {"name": "b.example.com"}],
        }
        assert row("admissionregistration.k8s.io", "ValidatingWebhookConfiguration", webhooks) == ["policy", 2, "5m"]
        policy = {
            "metadata": meta("replica-limit", namespace=None),
            "spec": {"paramKind": {"apiVersion": "v1", "kind": "ConfigMap"}, "validations": [{"expression": "true"}]},
        }
        assert row("admissionregistration.k8s.io", "ValidatingAdmissionPolicy", policy) == [
            "replica-limit",
            1,
            "v1/ConfigMap",
            "5m",
        ]
        by_name = {
            "metadata": meta("b", namespace=None),
            "spec": {"policyName": "replica-limit", "paramRef": {"name": "limits"}},
        }
        by_selector = {
            "metadata": meta("c", namespace=None),
            "spec": {"policyName": "replica-limit", "paramRef": {"selector": {"matchLabels": {"env": "prod"}}}},
        }
        assert row("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding", by_name)[1:3] == [
            "replica-limit",
            "*/limits",
        ]
        assert row("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding", by_selector)[2] == (
            "&LabelSelector{MatchLabels:map[string]string{env: prod,},MatchExpressions:[]LabelSelectorRequirement{},}"
        )

    def test_flow_schemas_in_matching_order(self) -> None:
        def schema(name: str, precedence: int) -> dict:
            return {
                "metadata": meta(name, namespace=None),
                "spec": {
                    "priorityLevelConfiguration": {"name": "workload-low"},
                    "matchingPrecedence": precedence,
                    "distinguisherMethod": {"type": "ByUser"},
                },
                "status": {"conditions": [{"type": "Dangling", "status": "False"}]},
            }

        result = build(
            "flowcontrol.apiserver.k8s.io", "FlowSchema", schema("b", 9000), schema("a", 1000), schema("c", 1000)
        )
        assert [r["cells"][0] for r in result["rows"]] == ["a", "c", "b"]
        assert [r["object"]["metadata"]["name"] for r in result["rows"]] == ["a", "c", "b"]
        assert result["rows"][0]["cells"] == ["a", "workload-low", 1000, "ByUser", "5m", "False"]

    def test_priority_level_configurations(self) -> None:
        limited = {
            "metadata": meta("workload-low", namespace=None),
            "spec": {
                "type": "Limited",
                "limited": {
                    "nominalConcurrencyShares": 100,
                    "limitResponse": {"type": "Queue", "queuing": {"queues": 128}},
                },
            },
        }
        exempt = {"metadata": meta("exempt", namespace=None), "spec": {"type": "Exempt", "exempt": {}}}
        assert row("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration", limited) == [
            "workload-low",
            "Limited",
            100,
            128,
            8,
            50,
            "5m",
        ]
        assert row("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration", exempt)[1:6] == [
            "Exempt",
            "<none>",
            "<none>",
            "<none>",
            "<none>",
        ]

    def test_api_services(self) -> None:
        local = {
            "metadata": meta("v1.apps", namespace=None),
            "spec": {"group": "apps", "version": "v1"},
            "status": {"conditions": [{"type": "Available", "status": "True"}]},
        }
        remote = {
            "metadata": meta("v1beta1.metrics.k8s.io", namespace=None),
            "spec": {"service": {"namespace": "kube-system", "name": "metrics-server"}},
            "status": {"conditions": [{"type": "Available", "status": "False", "reason": "MissingEndpoints"}]},
        }
        assert headers("apiregistration.k8s.io", "APIService") == ["Name", "Service", "Available", "Age"]
        assert row("apiregistration.k8s.io", "APIService", local) == ["v1.apps", "Local", "True", "5m"]
        assert row("apiregistration.k8s.io", "APIService", remote)[1:3] == [
            "kube-system/metrics-server",
            "False (MissingEndpoints)",
        ]

    def test_resource_claims(self) -> None:
        pending = {"metadata": meta("gpu")}
        reserved = {
            "metadata": meta("gpu-2"),
            "status": {"allocation": {"devices": {}}, "reservedFor": [{"resource": "pods", "name": "p"}]},
        }
        assert row("resource.k8s.io", "ResourceClaim", pending) == ["gpu", "pending", "5m"]
        assert row("resource.k8s.io", "ResourceClaim", reserved)[1] == "allocated,reserved"


# -- custom resources ----------------------------------------------------------------------------------------------


class TestCustomResourceDefinitions:
    def test_the_definitions_themselves(self) -> None:
        definition = {
            "metadata": meta("crontabs.stable.example.com", namespace=None, age=timedelta(hours=2)),
            "spec": {
                "group": "stable.example.com",
                "scope": "Namespaced",
                "names": {"kind": "CronTab", "plural": "crontabs", "shortNames": ["ct", "cts"]},
                "versions": [
                    {"name": "v1beta1", "served": True, "storage": False},
                    {"name": "v1", "served": True, "storage": True},
                    {"name": "v1alpha1", "served": False, "storage": False},
                ],
            },
            "status": {"conditions": [{"type": "Established", "status": "True"}]},
        }
        assert headers("apiextensions.k8s.io", "CustomResourceDefinition") == [
            "Name", "Scope", "Versions", "Created At", "Group", "Kind", "ShortNames", "Established",
        ]  # fmt: skip
        assert row("apiextensions.k8s.io", "CustomResourceDefinition", definition) == [
            "crontabs.stable.example.com", "Namespaced", "v1(storage),v1beta1", "2026-07-01T10:00:00Z",
            "stable.example.com", "CronTab", "ct,cts", True,
        ]  # fmt: skip


def nightly_crontab() -> dict[str, Any]:
    return {
        "apiVersion": "stable.example.com/v1",
        "kind": "CronTab",
        "metadata": meta("nightly", age=timedelta(hours=4)),
        "spec": {"cronSpec": "0 3 * * *", "replicas": 2, "ratio": 0.75, "tags": {"team": "ops"}, "paused": False},
        "status": {
            "lastRun": ago(minutes=9),
            "conditions": [
                {"type": "Synced", "status": "True"},
                {"type": "Ready", "status": "False", "reason": "Waiting"},
            ],
        },
    }


class TestCustomResources:
    def test_a_definition_without_printer_columns_shows_name_and_age(self) -> None:
        result = build("stable.example.com", "CronTab", nightly_crontab(), printer_columns=[])
        assert [(c["name"], c["type"]) for c in result["columnDefinitions"]] == [("Name", "string"), ("Age", "date")]
        assert result["rows"][0]["cells"] == ["nightly", "4h"]
        assert build("stable.example.com", "CronTab", printer_columns=[])["rows"] == []

    def test_printer_columns(self) -> None:
        columns = [
            {"name": "Spec", "type": "string", "jsonPath": ".spec.cronSpec", "description": "When it runs"},
            {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
            {"name": "Ratio", "type": "number", "jsonPath": ".spec.ratio", "priority": 1},
            {"name": "Paused", "type": "boolean", "jsonPath": ".spec.paused"},
            {"name": "Ready", "type": "string", "jsonPath": '.status.conditions[?(@.type=="Ready")].status'},
            {"name": "Why", "type": "string", "jsonPath": ".status.conditions[?(@.type=='Ready')].reason"},
            {"name": "Last Run", "type": "date", "jsonPath": ".status.lastRun"},
            {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
        ]
        result = build("stable.example.com", "CronTab", nightly_crontab(), printer_columns=columns)
        definitions = result["columnDefinitions"]
        assert definitions[1] == {
            "name": "Spec",
            "type": "string",
            "format": "",
            "description": "When it runs",
            "priority": 0,
        }
        assert definitions[2]["description"] == "Custom resource definition column (in JSONPath format): .spec.replicas"
        assert definitions[3]["priority"] == 1
        assert result["rows"][0]["cells"] == ["nightly", "0 3 * * *", 2, 0.75, False, "False", "Waiting", "9m", "4h"]

    def test_values_a_string_column_writes_as_text(self) -> None:
        columns = [
            {"name": "Replicas", "type": "string", "jsonPath": ".spec.replicas"},
            {"name": "Tags", "type": "string", "jsonPath": ".spec.tags"},
            {"name": "Paused", "type": "string", "jsonPath": ".spec.paused"},
            {"name": "First", "type": "string", "jsonPath": ".status.conditions[0].type"},
            {"name": "Last", "type": "string", "jsonPath": ".status.conditions[-1].type"},
            {"name": "Missing", "type": "string", "jsonPath": ".status.nothing"},
        ]
        cells = build("stable.example.com", "CronTab", nightly_crontab(), printer_columns=columns)["rows"][0]["cells"]
        assert cells == ["nightly", "2", '{"team":"ops"}', "false", "Synced", "Ready", None]

    def test_values_of_the_wrong_type_and_unreadable_paths_are_null(self) -> None:
        columns = [
            {"name": "Count", "type": "integer", "jsonPath": ".spec.cronSpec"},
            {"name": "Out", "type": "string", "jsonPath": ".status.conditions[5].type"},
            {"name": "When", "type": "date", "jsonPath": ".spec.cronSpec"},
        ]
        cells = build("stable.example.com", "CronTab", nightly_crontab(), printer_columns=columns)["rows"][0]["cells"]
        assert cells == ["nightly", None, None, "<invalid>"]

"""Pod Security admission (kubesim/api/pod_security.py): the standards on their own, and through kubectl."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kubesim.api.pod_security import violations
from tests.kubesim.conftest import Cluster, eventually

KUARD = "gcr.io/kuar-demo/kuard-amd64:blue"
KUARD_CONTAINER, PRIVILEGED, ADDED = (
    'container "kuard"',
    "securityContext.privileged=true",
    "securityContext.capabilities.add",
)
SYS_TIME = {"add": ["SYS_TIME"]}
RESTRICTED_CONTEXT = {
    "allowPrivilegeEscalation": False,
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
    "capabilities": {"drop": ["ALL"]},
}


def spec(**container: Any) -> dict[str, Any]:
    return {"containers": [{"name": "kuard", "image": KUARD, **container}]}


def test_a_plain_pod_is_baseline_but_not_restricted() -> None:
    assert violations(spec(), "baseline") == []
    assert [what for what, _ in violations(spec(), "restricted")] == [
        "allowPrivilegeEscalation != false",
        "unrestricted capabilities",
        "runAsNonRoot != true",
        "seccompProfile",
    ]
    assert violations(spec(securityContext=RESTRICTED_CONTEXT), "restricted") == []
    assert violations(spec(securityContext={"privileged": True}), "privileged") == []


@pytest.mark.parametrize(
    ("pod", "expected"),
    [
        ({**spec(), "hostNetwork": True}, ("host namespaces", "hostNetwork=true")),
        (spec(securityContext={"privileged": True}), ("privileged", f"{KUARD_CONTAINER} must not set {PRIVILEGED}")),
        (spec(ports=[{"containerPort": 8080, "hostPort": 80}]), ("hostPort", 'container "kuard" uses hostPort 80')),
        ({**spec(), "volumes": [{"name": "logs", "hostPath": {"path": "/"}}]}, ("hostPath volumes", 'volume "logs"')),
        (
            spec(securityContext={"capabilities": {"add": ["NET_ADMIN"]}}),
            ("non-default capabilities", f'{KUARD_CONTAINER} must not include "NET_ADMIN" in {ADDED}'),
        ),
    ],
)
def test_what_baseline_forbids(pod: dict[str, Any], expected: tuple[str, str]) -> None:
    assert violations(pod, "baseline") == [expected]


def test_restricted_overrides_baseline_checks_and_names_every_container() -> None:
    pod = {
        "containers": [
            {"name": "a", "image": KUARD, "securityContext": {**RESTRICTED_CONTEXT, "runAsUser": 0}},
            {"name": "b", "image": KUARD, "securityContext": {**RESTRICTED_CONTEXT, "capabilities": SYS_TIME}},
        ],
        "volumes": [{"name": "logs", "hostPath": {"path": "/var/log"}}],
    }
    assert violations(pod, "restricted") == [
        (
            "unrestricted capabilities",
            'container "b" must set securityContext.capabilities.drop=["ALL"]; '
            'container "b" must not include "SYS_TIME" in securityContext.capabilities.add',
        ),
        ("restricted volume types", 'volume "logs" uses restricted volume type "hostPath"'),
        ("runAsUser=0", 'container "a" must not set runAsUser=0'),
    ]


def test_enforce_refuses_pods_and_warns_about_those_already_there(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", "secure")
    cluster.kubectl("run", "early", "-n", "secure", f"--image={KUARD}")
    relabel = cluster.kubectl("label", "namespace", "secure", "pod-security.kubernetes.io/enforce=restricted")
    assert 'existing pods in namespace "secure" violate the new PodSecurity enforce level "restricted:latest"' in (
        relabel.stderr
    )
    assert "early: allowPrivilegeEscalation != false, unrestricted capabilities" in relabel.stderr
    refused = cluster.kubectl("run", "late", "-n", "secure", f"--image={KUARD}", check=False)
    assert refused.returncode != 0
    assert 'pods "late" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation' in (
        refused.stderr
    )
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "hardened", "namespace": "secure"},
        "spec": spec(securityContext=RESTRICTED_CONTEXT),
    }
    cluster.kubectl("apply", "-f", "-", stdin=json.dumps(pod))
    cluster.kubectl("wait", "-n", "secure", "--for=condition=Ready", "pod/hardened", "--timeout=60s")


def test_controllers_meet_enforcement_and_workloads_get_the_warn_levels_warning(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", "guarded")
    cluster.kubectl(
        "label", "namespace", "guarded",
        "pod-security.kubernetes.io/enforce=baseline", "pod-security.kubernetes.io/warn=restricted",
    )  # fmt: skip
    created = cluster.kubectl("create", "deployment", "web", "-n", "guarded", f"--image={KUARD}")
    assert 'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false' in (
        created.stderr
    )
    cluster.kubectl("rollout", "status", "deployment/web", "-n", "guarded", "--timeout=60s")  # baseline admits it
    privileged = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "root", "namespace": "guarded"},
        "spec": {
            "selector": {"matchLabels": {"app": "root"}},
            "template": {"metadata": {"labels": {"app": "root"}}, "spec": spec(securityContext={"privileged": True})},
        },
    }
    cluster.kubectl("apply", "-f", "-", stdin=json.dumps(privileged))

    def failed_creates() -> str:
        found = cluster.kubectl(
            "get", "events", "-n", "guarded", "--field-selector", "reason=FailedCreate", "-o", "json"
        )
        return " ".join(event["message"] for event in json.loads(found.stdout)["items"])

    message = eventually(failed_creates)
    assert 'violates PodSecurity "baseline:latest": privileged (container "kuard" must not set' in message

    def replica_failure() -> dict[str, Any] | None:
        found = json.loads(cluster.kubectl("get", "deployment", "root", "-n", "guarded", "-o", "json").stdout)
        conditions = found.get("status", {}).get("conditions", [])
        return next((c for c in conditions if c["type"] == "ReplicaFailure"), None)

    failure = eventually(replica_failure)
    assert (failure["status"], failure["reason"]) == ("True", "FailedCreate")
    assert 'violates PodSecurity "baseline:latest"' in failure["message"]
    hardened = {"securityContext": {"privileged": False}}
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "kuard", **hardened}]}}}}
    cluster.kubectl("patch", "deployment", "root", "-n", "guarded", "-p", json.dumps(patch))
    cluster.kubectl("rollout", "status", "deployment/root", "-n", "guarded", "--timeout=60s")
    assert eventually(lambda: replica_failure() is None)

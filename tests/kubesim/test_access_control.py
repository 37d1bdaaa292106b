"""RBAC as kubectl sees it: can-i, impersonation, service-account tokens, whoami."""

from __future__ import annotations

import json

from tests.kubesim.conftest import Cluster, eventually

READER = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: reader, namespace: default}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: default}
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader-reads-pods, namespace: default}
subjects:
  - {kind: ServiceAccount, name: reader, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
"""
READER_USER = "system:serviceaccount:default:reader"


def test_admin_can_do_everything(cluster: Cluster) -> None:
    assert cluster.kubectl("auth", "can-i", "create", "deployments").stdout.strip() == "yes"
    assert cluster.kubectl("auth", "can-i", "*", "*").stdout.strip() == "yes"


def test_a_service_account_can_only_read_pods(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=READER)
    assert cluster.kubectl("auth", "can-i", "list", "pods", f"--as={READER_USER}").stdout.strip() == "yes"
    denied = cluster.kubectl("auth", "can-i", "list", "secrets", f"--as={READER_USER}", check=False)
    assert denied.stdout.strip() == "no" and denied.returncode == 1
    forbidden = cluster.kubectl("get", "secrets", f"--as={READER_USER}", check=False)
    assert (
        'secrets is forbidden: User "system:serviceaccount:default:reader" cannot list resource "secrets" '
        'in API group "" in the namespace "default"'
    ) in forbidden.stderr


def test_a_token_for_the_service_account_authenticates_as_it(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=READER)
    token = cluster.kubectl("create", "token", "reader").stdout.strip()
    assert cluster.kubectl("get", "pods", f"--token={token}").returncode == 0
    assert cluster.kubectl("get", "configmaps", f"--token={token}", check=False).returncode == 1
    assert READER_USER in cluster.kubectl("auth", "whoami", f"--token={token}").stdout


def test_can_i_list_shows_the_rules(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=READER)
    rules = cluster.kubectl("auth", "can-i", "--list", f"--as={READER_USER}").stdout
    assert "pods" in rules and "[get list watch]" in rules


def test_a_role_labelled_to_aggregate_shows_in_view_edit_and_admin(cluster: Cluster) -> None:
    crontabs = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: crontab-reader
  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules:
- {apiGroups: [stable.example.com], resources: [crontabs], verbs: [get, list, watch]}
"""
    cluster.kubectl("apply", "-f", "-", stdin=crontabs)

    def gathering() -> int:
        """How many of view, edit and admin hold the crontabs rule."""
        roles = [json.loads(cluster.kubectl("get", "clusterrole", name, "-o", "json").stdout) for name in AGGREGATES]
        return sum(any("crontabs" in rule.get("resources", []) for rule in role.get("rules", [])) for role in roles)

    assert eventually(lambda: gathering() == 3)
    cluster.kubectl("delete", "clusterrole", "crontab-reader")
    assert eventually(lambda: gathering() == 0)


AGGREGATES = ("view", "edit", "admin")

"""RBAC as kubectl sees it: can-i, impersonation, service-account tokens, whoami."""

from __future__ import annotations

from tests.kubesim.conftest import Cluster

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

"""What kubectl prints when a manifest is wrong, and the defaults a real server fills in."""

from __future__ import annotations

import json

from tests.kubesim.conftest import Cluster

TYPO = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: typo}
spec:
  replicaz: 2
  selector: {matchLabels: {app: typo}}
  template:
    metadata: {labels: {app: typo}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
"""
MISMATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: mismatch}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
"""


def test_unknown_field_is_refused_by_strict_validation(cluster: Cluster) -> None:
    result = cluster.kubectl("apply", "-f", "-", stdin=TYPO, check=False)
    assert result.returncode == 1
    assert 'strict decoding error: unknown field "spec.replicaz"' in result.stderr


def test_unknown_field_is_a_warning_with_validate_warn(cluster: Cluster) -> None:
    result = cluster.kubectl("apply", "--validate=warn", "-f", "-", stdin=TYPO.replace("typo", "warned"))
    assert 'unknown field "spec.replicaz"' in result.stderr
    obj = json.loads(cluster.kubectl("get", "deployment", "warned", "-o", "json").stdout)
    assert "replicaz" not in obj["spec"]


def test_selector_that_misses_the_template_is_invalid(cluster: Cluster) -> None:
    result = cluster.kubectl("apply", "-f", "-", stdin=MISMATCH, check=False)
    assert result.returncode == 1
    assert 'The Deployment "mismatch" is invalid' in result.stderr
    assert "`selector` does not match template `labels`" in result.stderr


def test_defaults_are_filled_in(cluster: Cluster) -> None:
    cluster.kubectl("create", "deployment", "defaulted", "--image=nginx:1.27")
    obj = json.loads(cluster.kubectl("get", "deployment", "defaulted", "-o", "json").stdout)
    assert obj["spec"]["strategy"]["type"] == "RollingUpdate"
    assert obj["spec"]["revisionHistoryLimit"] == 10
    pod_spec = obj["spec"]["template"]["spec"]
    assert pod_spec["restartPolicy"] == "Always" and pod_spec["dnsPolicy"] == "ClusterFirst"
    assert pod_spec["containers"][0]["imagePullPolicy"] == "IfNotPresent"

"""The HorizontalPodAutoscaler: the replica calculator and rate policies, and the controller seen through kubectl."""

from __future__ import annotations

import json

import pytest

from kubesim.controllers.horizontal_pod_autoscaler import (
    DEFAULT_SCALE_DOWN,
    DEFAULT_SCALE_UP,
    _rate_limit,
    _replica_count,
)
from tests.kubesim.conftest import Cluster, eventually

NAMESPACE = "hpa-test"


def count(
    current: int,
    usage: dict[str, float],
    ready: set[str],
    unready: set[str] = frozenset(),
    missing: set[str] = frozenset(),
) -> int:  # type: ignore[assignment]
    requests = {name: 0.1 for name in ready | unready | missing}  # 100m each
    return _replica_count(current, usage, requests, ready, set(unready), set(missing), 0.5)[0]


def test_utilization_above_target_scales_up_by_the_ratio() -> None:
    # 3 pods at 90m of 100m against a 50 % target: ratio 1.8, ceil(1.8 * 3) = 6
    assert count(3, {"a": 0.09, "b": 0.09, "c": 0.09}, {"a", "b", "c"}) == 6


def test_within_tolerance_nothing_changes() -> None:
    assert count(3, {"a": 0.053, "b": 0.053, "c": 0.053}, {"a", "b", "c"}) == 3


def test_below_target_scales_down() -> None:
    assert count(4, {"a": 0.01, "b": 0.01, "c": 0.01, "d": 0.01}, {"a", "b", "c", "d"}) == 1


def test_unready_pods_count_as_idle_when_scaling_up() -> None:
    # two busy pods alone would ask for 4 of 2; the unready one counts at 0 %: ratio 1.2 over 3 pods, so 4
    assert count(3, {"a": 0.09, "b": 0.09}, {"a", "b"}, unready={"c"}) == 4


def test_missing_metrics_count_as_full_when_scaling_down() -> None:
    # one idle pod and one without metrics: it counts at the target, the ratio rises and no scale down happens
    assert count(2, {"a": 0.01}, {"a"}, missing={"b"}) == 2


def test_scale_up_rate_is_four_pods_or_double_per_period() -> None:
    assert _rate_limit(1, [], DEFAULT_SCALE_UP, now=1000.0, scaling_up=True) == 5
    assert _rate_limit(10, [], DEFAULT_SCALE_UP, now=1000.0, scaling_up=True) == 20
    # a rise of 10 in the last 15 s counts against the period: it started at 10
    assert _rate_limit(20, [(995.0, 10)], DEFAULT_SCALE_UP, now=1000.0, scaling_up=True) == 20


def test_scale_down_rate_allows_everything_at_once() -> None:
    assert _rate_limit(10, [], DEFAULT_SCALE_DOWN, now=1000.0, scaling_up=False) == 0


REPLICASET = f"""\
apiVersion: apps/v1
kind: ReplicaSet
metadata: {{name: kuard, namespace: {NAMESPACE}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: kuard}}}}
  template:
    metadata: {{labels: {{app: kuard}}}}
    spec:
      containers:
      - name: kuard
        image: gcr.io/kuar-demo/kuard-amd64:blue
        resources: {{requests: {{cpu: 100m}}}}
"""


@pytest.fixture(scope="module")
def autoscaled(cluster: Cluster) -> Cluster:
    cluster.kubectl("create", "namespace", NAMESPACE)
    cluster.kubectl("apply", "-f", "-", stdin=REPLICASET)
    result = cluster.kubectl("autoscale", "rs", "kuard", "-n", NAMESPACE, "--min=2", "--max=5", "--cpu-percent=80")
    assert "horizontalpodautoscaler.autoscaling/kuard autoscaled" in result.stdout
    return cluster


def replicas(cluster: Cluster) -> int:
    replicaset = json.loads(cluster.kubectl("get", "rs", "kuard", "-n", NAMESPACE, "-o", "json").stdout)
    return int(replicaset["spec"]["replicas"])


def test_the_autoscaler_raises_the_target_to_its_minimum(autoscaled: Cluster) -> None:
    assert eventually(lambda: replicas(autoscaled) == 2)
    events = autoscaled.kubectl("get", "events", "-n", NAMESPACE, "--field-selector", "reason=SuccessfulRescale").stdout
    assert "New size: 2; reason: Current number of replicas below Spec.MinReplicas" in events


def test_the_autoscaler_reads_the_pods_usage_from_the_metrics_api(autoscaled: Cluster) -> None:
    def measured() -> bool:
        table = autoscaled.kubectl("get", "hpa", "kuard", "-n", NAMESPACE).stdout
        return "cpu: 1%/80%" in table  # an idle kuard uses 1m of its 100m request

    assert eventually(measured)
    hpa = json.loads(autoscaled.kubectl("get", "hpa", "kuard", "-n", NAMESPACE, "-o", "json").stdout)
    active = next(c for c in hpa["status"]["conditions"] if c["type"] == "ScalingActive")
    assert (active["status"], active["reason"]) == ("True", "ValidMetricFound")
    assert hpa["status"]["desiredReplicas"] == 2  # below target, but not below its minimum

"""The HorizontalPodAutoscaler controller: the real algorithm, fed by the resource metrics API.

Every 15 simulated seconds, for each HPA: read the target's scale, ask metrics.k8s.io for its pods' usage
(through the API, as the real controller does; with no metrics there, the HPA says so in its conditions and
events, exactly like a cluster without metrics-server), and compute

    desired = ceil(current utilization / target utilization * pods with metrics)

with a 10 % tolerance, missing and unready pods counted cautiously (as if at 100 % when scaling down, at 0 %
when scaling up), the stabilisation windows of `behavior` (scale down: the highest recommendation of the
last 300 s) and its rate policies (scale up: 4 pods or 100 % per 15 s), between minReplicas and maxReplicas.
Resource metrics (cpu, memory) with Utilization or AverageValue targets are supported; Pods, Object,
External and ContainerResource metrics are reported as unsupported.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from kubesim.api import meta
from kubesim.api.selectors import label_selector_from_object
from kubesim.controllers.client import ApiRequestFailed, object_path
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import amount, api_path, is_pod_ready, is_terminating, with_condition
from kubesim.controllers.runtime import Controller
from kubesim.store.store import Event, Key

AUTOSCALERS = "autoscaling/horizontalpodautoscalers"
PODS = "/pods"
RESYNC_SECONDS = 15.0
TOLERANCE = 0.1
TARGETS = {
    "Deployment": "apps/deployments",
    "ReplicaSet": "apps/replicasets",
    "StatefulSet": "apps/statefulsets",
    "ReplicationController": "/replicationcontrollers",
}
DEFAULT_SCALE_UP = {
    "stabilizationWindowSeconds": 0,
    "selectPolicy": "Max",
    "policies": [
        {"type": "Pods", "value": 4, "periodSeconds": 15},
        {"type": "Percent", "value": 100, "periodSeconds": 15},
    ],
}
DEFAULT_SCALE_DOWN = {
    "stabilizationWindowSeconds": 300,
    "selectPolicy": "Max",
    "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
}


class MetricsUnavailable(Exception):
    """What the real controller puts in FailedGetResourceMetric: why no replica count could be computed."""


@dataclass
class Proposal:
    replicas: int
    description: str  # "cpu resource utilization (percentage of request)"
    current: dict[str, Any]  # the status.currentMetrics entry
    ratio: float


@dataclass
class History:
    recommendations: list[tuple[float, int]] = field(default_factory=list)  # (simulated time, replicas)
    scale_events: list[tuple[float, int]] = field(default_factory=list)  # (simulated time, change in replicas)


class HorizontalPodAutoscalerController(Controller):
    name = "horizontal-pod-autoscaler"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock = context.api, context.clock
        self.client, self.events = context.client(self.name), context.recorder(self.name)
        self.history: defaultdict[Key, History] = defaultdict(History)
        self.autoscalers_of: defaultdict[tuple[str, str, str], set[Key]] = defaultdict(set)  # target -> HPAs

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == AUTOSCALERS:
            key = (AUTOSCALERS, event.namespace, event.name)
            target = _target_key(event.object, event.namespace)
            for autoscalers in self.autoscalers_of.values():
                autoscalers.discard(key)
            if target is not None and event.type != "DELETED":
                self.autoscalers_of[target].add(key)
            if event.type == "DELETED":
                self.history.pop(key, None)
            yield key
        elif event.resource in TARGETS.values():
            yield from self.autoscalers_of.get((event.resource, event.namespace, event.name), ())

    async def reconcile(self, key: Key) -> float | None:
        autoscaler = self.api.store.get(*key)
        if autoscaler is None or is_terminating(autoscaler):
            return None
        spec = _v2_spec(autoscaler)
        namespace = key[1]
        target_ref = spec.get("scaleTargetRef") or {}
        target_resource = TARGETS.get(str(target_ref.get("kind")))
        target = (
            self.api.store.get(target_resource, namespace, str(target_ref.get("name"))) if target_resource else None
        )
        conditions = list((autoscaler.get("status") or {}).get("conditions") or [])
        if target is None:
            message = f"the HPA controller was unable to get the target's current scale: {_not_found(target_ref)}"
            self.events.warning(autoscaler, "FailedGetScale", message)
            conditions = with_condition(conditions, "AbleToScale", "False", "FailedGetScale", message)
            await self._write_status(autoscaler, {"conditions": conditions})
            return RESYNC_SECONDS
        current = int((target.get("spec") or {}).get("replicas", 1))
        low, high = int(spec.get("minReplicas") or 1), int(spec.get("maxReplicas") or 1)
        status: dict[str, Any] = {"currentReplicas": current, "desiredReplicas": current}
        proposal: Proposal | None = None
        if current == 0 and low != 0:
            desired, reason = 0, ""
            conditions = with_condition(
                conditions, "ScalingActive", "False", "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero",
            )  # fmt: skip
        elif current > high:
            desired, reason = high, "Current number of replicas above Spec.MaxReplicas"
        elif current < low:
            desired, reason = low, "Current number of replicas below Spec.MinReplicas"
        else:
            try:
                proposal = await self._propose(autoscaler, spec, target, current, namespace)
            except MetricsUnavailable as error:
                message = f"the HPA was unable to compute the replica count: {error}"
                self.events.warning(autoscaler, "FailedGetResourceMetric", str(error))
                conditions = with_condition(conditions, "ScalingActive", "False", "FailedGetResourceMetric", message)
                conditions = with_condition(
                    conditions, "AbleToScale", "True", "SucceededGetScale",
                    "the HPA controller was able to get the target's current scale",
                )  # fmt: skip
                status["currentMetrics"] = _unknown_metrics(spec)
                await self._write_status(autoscaler, {**status, "conditions": conditions})
                return RESYNC_SECONDS
            conditions = with_condition(
                conditions, "ScalingActive", "True", "ValidMetricFound",
                f"the HPA was able to successfully calculate a replica count from {proposal.description}",
            )  # fmt: skip
            status["currentMetrics"] = [proposal.current]
            desired, conditions = self._behave(key, spec, current, proposal.replicas, low, high, conditions)
            reason = f"{proposal.description} above target" if desired > current else "All metrics below target"
        if desired != current:
            await self._rescale(autoscaler, target, target_resource or "", desired, reason)
            self.history[key].scale_events.append((self._now(), desired - current))
            status["lastScaleTime"] = meta.now()
            conditions = with_condition(
                conditions, "AbleToScale", "True", "SucceededRescale",
                f"the HPA controller was able to update the target scale to {desired}",
            )  # fmt: skip
        elif proposal is not None:
            conditions = with_condition(
                conditions, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size"
            )
        status["desiredReplicas"] = desired
        await self._write_status(autoscaler, {**status, "conditions": conditions})
        return RESYNC_SECONDS

    # -- the recommendation --------------------------------------------------------------------------------

    async def _propose(
        self, autoscaler: dict[str, Any], spec: dict[str, Any], target: dict[str, Any], current: int, namespace: str
    ) -> Proposal:
        """The largest replica count any metric asks for (the real controller takes the maximum)."""
        selector = label_selector_from_object((target.get("spec") or {}).get("selector"))
        pods = [
            pod for pod in self.api.store.list(PODS, namespace) if selector.matches(pod["metadata"].get("labels") or {})
        ]
        proposals = []
        for metric in spec.get("metrics") or []:
            if metric.get("type") != "Resource":
                raise MetricsUnavailable(f"metric type {metric.get('type')} is not supported by kubesim")
            proposals.append(await self._resource_proposal(metric["resource"], pods, current, namespace, target))
        if not proposals:
            raise MetricsUnavailable("no metrics to scale on")
        return max(proposals, key=lambda proposal: proposal.replicas)

    async def _resource_proposal(
        self, metric: dict[str, Any], pods: list[dict[str, Any]], current: int, namespace: str, target: dict[str, Any]
    ) -> Proposal:
        resource = str(metric.get("name"))
        goal = metric.get("target") or {}
        if not pods:
            raise MetricsUnavailable(
                f"failed to get {resource} utilization: no pods returned by selector while calculating replica count"
            )
        usage = await self._usage(resource, namespace, target)
        if not usage:
            raise MetricsUnavailable(
                f"failed to get {resource} utilization: unable to get metrics for resource {resource}: "
                "no metrics returned from resource metrics API"
            )
        ready, unready, missing = _group_pods(pods, usage)
        if goal.get("type") == "AverageValue":
            target_value = amount(str(goal.get("averageValue")))
            requests = {name: target_value for name in ready | missing | unready}
            description = f"{resource} resource"
        else:
            requests = {}
            for pod in pods:
                if pod["metadata"]["name"] in ready | missing | unready:
                    requests[pod["metadata"]["name"]] = _pod_request(pod, resource)
            description = f"{resource} resource utilization (percentage of request)"
        replicas, ratio, average = _replica_count(
            current, {name: usage[name] for name in ready}, requests, ready, unready, missing,
            float(goal.get("averageUtilization") or 100) / 100 if goal.get("type") != "AverageValue" else 1.0,
        )  # fmt: skip
        measured: dict[str, Any] = {"averageValue": _format_quantity(resource, average[0])}
        if goal.get("type") != "AverageValue":
            measured["averageUtilization"] = int(average[1] * 100)
        current_metric = {"type": "Resource", "resource": {"name": resource, "current": measured}}
        return Proposal(replicas, description, current_metric, ratio)

    async def _usage(self, resource: str, namespace: str, target: dict[str, Any]) -> dict[str, float]:
        """Each pod's summed container usage of resource, from metrics.k8s.io (the metrics-server's API)."""
        match = ((target.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        selector = ",".join(f"{name}={value}" for name, value in sorted(match.items()))
        path = api_path("metrics.k8s.io", "v1beta1", "pods", namespace) + f"?labelSelector={quote(selector)}"
        try:
            listed = await self.client.get(path)
        except ApiRequestFailed as error:
            raise MetricsUnavailable(
                f"unable to get metrics for resource {resource}: unable to fetch metrics from resource metrics API: "
                f"{error.body.get('message', '')}"
            ) from None
        usage = {}
        for item in listed.get("items") or []:
            containers = item.get("containers") or []
            usage[item["metadata"]["name"]] = sum(
                amount(str((container.get("usage") or {}).get(resource, "0"))) for container in containers
            )
        return usage

    # -- behaviour: stabilisation windows and rate policies ---------------------------------------------

    def _behave(
        self, key: Key, spec: dict[str, Any], current: int, wanted: int, low: int, high: int, conditions: list[Any]
    ) -> tuple[int, list[Any]]:
        behavior = spec.get("behavior") or {}
        up = {**DEFAULT_SCALE_UP, **(behavior.get("scaleUp") or {})}
        down = {**DEFAULT_SCALE_DOWN, **(behavior.get("scaleDown") or {})}
        history = self.history[key]
        now = self._now()
        longest = max(int(up["stabilizationWindowSeconds"]), int(down["stabilizationWindowSeconds"]), 600)
        history.recommendations = [(at, n) for at, n in history.recommendations if now - at <= longest]
        history.scale_events = [(at, n) for at, n in history.scale_events if now - at <= longest]
        up_recommendation = down_recommendation = wanted
        for at, replicas in history.recommendations:
            if now - at <= int(up["stabilizationWindowSeconds"]):
                up_recommendation = min(up_recommendation, replicas)
            if now - at <= int(down["stabilizationWindowSeconds"]):
                down_recommendation = max(down_recommendation, replicas)
        history.recommendations.append((now, wanted))
        stabilized = min(max(current, up_recommendation), down_recommendation)
        if stabilized != wanted:
            conditions = with_condition(
                conditions, "AbleToScale", "True", "ScaleDownStabilized",
                "recent recommendations were higher than current one, applying the highest recent recommendation",
            )  # fmt: skip
        desired, reason, message = stabilized, "DesiredWithinRange", "the desired count is within the acceptable range"
        if stabilized > current:
            limit = _rate_limit(current, history.scale_events, up, now, scaling_up=True)
            if stabilized > limit:
                desired = limit
                reason = "ScaleUpLimit"
                message = "the desired replica count is increasing faster than the maximum scale rate"
        elif stabilized < current:
            limit = _rate_limit(current, history.scale_events, down, now, scaling_up=False)
            if stabilized < limit:
                desired = limit
                reason = "ScaleDownLimit"
                message = "the desired replica count is decreasing faster than the maximum scale rate"
        if desired > high:
            desired, reason = high, "TooManyReplicas"
            message = "the desired replica count is more than the maximum replica count"
        elif desired < low:
            desired, reason = low, "TooFewReplicas"
            message = "the desired replica count is less than the minimum replica count"
        return desired, with_condition(
            conditions, "ScalingLimited", "True" if reason != "DesiredWithinRange" else "False", reason, message
        )

    # -- writing ---------------------------------------------------------------------------------------------

    async def _rescale(
        self, autoscaler: dict[str, Any], target: dict[str, Any], resource: str, desired: int, reason: str
    ) -> None:
        metadata = target["metadata"]
        path = object_path(self.api, resource, metadata["namespace"], metadata["name"])
        if path is None:
            return
        await self.client.patch_merge(path + "/scale", {"spec": {"replicas": desired}})
        self.events.normal(autoscaler, "SuccessfulRescale", f"New size: {desired}; reason: {reason}")

    async def _write_status(self, autoscaler: dict[str, Any], status: dict[str, Any]) -> None:
        if str(autoscaler.get("apiVersion", "")).endswith("/v1"):
            status = _v1_status(status)
        else:
            status = {**status, "observedGeneration": autoscaler["metadata"].get("generation", 1)}
        await self.client.patch_status(AUTOSCALERS, autoscaler, status)

    def _now(self) -> float:
        return self.clock.simulated_now().timestamp()


# -- the replica calculator ------------------------------------------------------------------------------


def _group_pods(pods: list[dict[str, Any]], usage: dict[str, float]) -> tuple[set[str], set[str], set[str]]:
    """(ready with metrics, unready, without metrics); terminating and failed pods are ignored."""
    ready, unready, missing = set(), set(), set()
    for pod in pods:
        name = pod["metadata"]["name"]
        if is_terminating(pod) or (pod.get("status") or {}).get("phase") == "Failed":
            continue
        if (pod.get("status") or {}).get("phase", "Pending") == "Pending" or not is_pod_ready(pod):
            unready.add(name)
        elif name not in usage:
            missing.add(name)
        else:
            ready.add(name)
    return ready, unready, missing


def _replica_count(
    current: int,
    usage: dict[str, float],
    requests: dict[str, float],
    ready: set[str],
    unready: set[str],
    missing: set[str],
    target: float,
) -> tuple[int, float, tuple[float, float]]:
    """(replicas, usage ratio, (average usage, average utilization)) as the real replica calculator computes."""
    ratio, average = _usage_ratio(usage, requests, target)
    scale_up_with_unready = bool(unready) and ratio > 1.0
    if not scale_up_with_unready and not missing:
        if abs(1.0 - ratio) <= TOLERANCE:
            return current, ratio, average
        return math.ceil(ratio * len(usage)), ratio, average
    counted = dict(usage)
    for name in missing:
        counted[name] = requests.get(name, 0.0) * target if ratio < 1.0 else 0.0
    if scale_up_with_unready:
        for name in unready:
            counted[name] = 0.0
    new_ratio, _ = _usage_ratio(counted, requests, target)
    if abs(1.0 - new_ratio) <= TOLERANCE or (ratio < 1.0 < new_ratio) or (ratio > 1.0 > new_ratio):
        return current, ratio, average
    replicas = math.ceil(new_ratio * len(counted))
    if (new_ratio < 1.0 and replicas > current) or (new_ratio > 1.0 and replicas < current):
        return current, ratio, average
    return replicas, ratio, average


def _usage_ratio(
    usage: dict[str, float], requests: dict[str, float], target: float
) -> tuple[float, tuple[float, float]]:
    total_usage = sum(usage.values())
    total_request = sum(requests.get(name, 0.0) for name in usage)
    if not usage or total_request <= 0:
        return 0.0, (0.0, 0.0)
    utilization = total_usage / total_request
    return utilization / target, (total_usage / len(usage), utilization)


def _pod_request(pod: dict[str, Any], resource: str) -> float:
    total = 0.0
    for container in (pod.get("spec") or {}).get("containers") or []:
        request = ((container.get("resources") or {}).get("requests") or {}).get(resource)
        if request is None:
            raise MetricsUnavailable(
                f"failed to get {resource} utilization: missing request for {resource} in container "
                f"{container.get('name')} of Pod {pod['metadata']['name']}"
            )
        total += amount(str(request))
    return total


def _rate_limit(
    current: int, events: list[tuple[float, int]], rules: dict[str, Any], now: float, scaling_up: bool
) -> int:
    """The furthest the policies let the replica count move from current now."""
    if rules.get("selectPolicy") == "Disabled":
        return current
    limits = []
    for policy in rules.get("policies") or []:
        period = int(policy.get("periodSeconds", 15))
        moved = sum(change for at, change in events if now - at <= period and (change > 0) == scaling_up)
        start = current - moved
        value = int(policy.get("value", 0))
        if policy.get("type") == "Pods":
            limits.append(start + value if scaling_up else start - value)
        elif scaling_up:
            limits.append(math.ceil(start * (1 + value / 100)))
        else:
            limits.append(math.floor(start * (1 - value / 100)))
    if not limits:
        return current
    most = max(limits) if scaling_up else min(limits)
    least = min(limits) if scaling_up else max(limits)
    return most if rules.get("selectPolicy", "Max") == "Max" else least


# -- shapes ----------------------------------------------------------------------------------------------


def _v2_spec(autoscaler: dict[str, Any]) -> dict[str, Any]:
    """The spec as autoscaling/v2 shapes it (one stored from autoscaling/v1 has targetCPUUtilizationPercentage)."""
    spec = dict(autoscaler.get("spec") or {})
    if "targetCPUUtilizationPercentage" in spec or not spec.get("metrics"):
        utilization = int(spec.pop("targetCPUUtilizationPercentage", None) or 80)
        spec["metrics"] = [
            {
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": utilization}},
            }
        ]
    return spec


def _v1_status(status: dict[str, Any]) -> dict[str, Any]:
    kept = ("currentReplicas", "desiredReplicas", "lastScaleTime")
    result: dict[str, Any] = {name: status[name] for name in kept if name in status}
    for metric in status.get("currentMetrics") or []:
        utilization = ((metric.get("resource") or {}).get("current") or {}).get("averageUtilization")
        if utilization is not None:
            result["currentCPUUtilizationPercentage"] = utilization
    return result


def _unknown_metrics(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """What status.currentMetrics holds when nothing could be measured: kubectl prints <unknown>."""
    return [
        {"type": "Resource", "resource": {"name": metric["resource"]["name"], "current": {}}}
        for metric in spec.get("metrics") or []
        if metric.get("type") == "Resource"
    ]


def _target_key(autoscaler: dict[str, Any], namespace: str) -> tuple[str, str, str] | None:
    reference = (autoscaler.get("spec") or {}).get("scaleTargetRef") or {}
    resource = TARGETS.get(str(reference.get("kind")))
    return (resource, namespace, str(reference.get("name"))) if resource else None


def _not_found(reference: dict[str, Any]) -> str:
    resource = TARGETS.get(str(reference.get("kind")), "")
    group, _, plural = resource.partition("/")
    kind = f"{plural}.{group}" if group else plural or str(reference.get("kind", "")).lower()
    return f'{kind} "{reference.get("name")}" not found'


def _format_quantity(resource: str, value: float) -> str:
    if resource == "cpu":
        return f"{round(value * 1000)}m"
    return str(round(value))

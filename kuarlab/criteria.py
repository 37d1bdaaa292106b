"""Judging an exercise's criteria against the live cluster, through the official `kubernetes` client.

The client's dynamic API reads any kind the cluster serves, so the same criteria hold on kubesim and on kind. Each
criterion gives a Verdict: whether it holds, what it asks in words, what was found instead, and where to look
(`kubectl get pod kuard -o yaml: status.conditions`), which is what a learner needs to fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kuarlab.exercise_files import Criterion

# the group/version of built-in kinds, so that exercises need not spell it (and Event is not ambiguous)
BUILT_IN_API_VERSIONS = {
    **dict.fromkeys(["Pod", "Service", "ConfigMap", "Secret", "Namespace", "Node", "Event"], "v1"),
    **dict.fromkeys(["PersistentVolume", "PersistentVolumeClaim", "ServiceAccount", "Endpoints"], "v1"),
    **dict.fromkeys(["ResourceQuota", "LimitRange", "ReplicationController"], "v1"),
    **dict.fromkeys(["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "ControllerRevision"], "apps/v1"),
    **dict.fromkeys(["Job", "CronJob"], "batch/v1"),
    **dict.fromkeys(["Ingress", "IngressClass", "NetworkPolicy"], "networking.k8s.io/v1"),
    **dict.fromkeys(["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"], "rbac.authorization.k8s.io/v1"),
    "HorizontalPodAutoscaler": "autoscaling/v2",
    "StorageClass": "storage.k8s.io/v1",
    "PodDisruptionBudget": "policy/v1",
    "CustomResourceDefinition": "apiextensions.k8s.io/v1",
    "EndpointSlice": "discovery.k8s.io/v1",
    "Lease": "coordination.k8s.io/v1",
}
_PATH_PART = re.compile(r"""\.?([^.\[\]"']+)|\[(\d+)\]|\["([^"]+)"\]|\['([^']+)'\]""")
_MISSING = object()
_SHOWN_OBJECTS = 3


@dataclass
class Verdict:
    criterion: Criterion
    passed: bool
    asks: str  # the criterion in words
    found: str  # what the cluster has instead (empty when it passed)
    look_at: str

    def line(self) -> str:
        if self.passed:
            return f"  ✓ {self.asks}"
        return f"  ✗ {self.asks}\n      found: {self.found}\n      look at: {self.look_at}"


class ClusterReader:
    """Lists and gets objects of any kind through the dynamic client (discovery is cached per reader)."""

    def __init__(self, api_client: Any) -> None:
        from kubernetes.dynamic import DynamicClient

        self._dynamic = DynamicClient(api_client)

    def objects(self, criterion: Criterion, namespace: str) -> list[dict[str, Any]]:
        """The objects the criterion names (empty when there is none); raises LookupError for an unknown kind."""
        from kubernetes.dynamic.exceptions import NotFoundError, ResourceNotFoundError, ResourceNotUniqueError

        api_version = criterion.api_version or BUILT_IN_API_VERSIONS.get(criterion.kind)
        try:
            resource = self._dynamic.resources.get(api_version=api_version, kind=criterion.kind)
        except (ResourceNotFoundError, ResourceNotUniqueError):
            raise LookupError(f"the cluster serves no kind {criterion.kind!r} ({api_version or 'any group'})") from None
        where = {"namespace": namespace} if resource.namespaced else {}
        if criterion.name is not None:
            try:
                return [resource.get(name=criterion.name, **where).to_dict()]
            except NotFoundError:
                return []
        selected = {"label_selector": criterion.selector} if criterion.selector else {}
        return [item.to_dict() for item in resource.get(**where, **selected).items]


def judge(criterion: Criterion, reader: ClusterReader, chapter_namespace: str) -> Verdict:
    namespace = criterion.namespace or chapter_namespace
    look_at = criterion.what_to_look_at or where_to_look(criterion, chapter_namespace)
    asks = describe(criterion)
    try:
        objects = reader.objects(criterion, namespace)
    except LookupError as error:
        return Verdict(criterion, False, asks, str(error), look_at)
    except Exception as error:  # the API's answer, whatever it is, is what the learner should see
        return Verdict(criterion, False, asks, f"could not ask the cluster: {_first_line(error)}", look_at)
    passed, found = _evaluate(criterion, objects, namespace)
    return Verdict(criterion, passed, asks, "" if passed else found, look_at)


def _evaluate(criterion: Criterion, objects: list[dict[str, Any]], namespace: str) -> tuple[bool, str]:
    if criterion.test == "exists":
        return bool(objects) == criterion.expected, _listing(objects) if objects else _nothing(criterion, namespace)
    if criterion.test == "count":
        return len(objects) == criterion.expected, f"{len(objects)}: {_listing(objects)}" if objects else "0"
    if not objects:
        return False, _nothing(criterion, namespace)
    results = [(_name(item), *_one_object(criterion, item)) for item in objects]
    holds = [ok for _, ok, _ in results]
    passed = all(holds) if criterion.every else any(holds)
    failing = [(name, what) for name, ok, what in results if not ok]
    shown = "; ".join(what if len(results) == 1 else f"{name}: {what}" for name, what in failing[:_SHOWN_OBJECTS])
    more = f" (and {len(failing) - _SHOWN_OBJECTS} more)" if len(failing) > _SHOWN_OBJECTS else ""
    return passed, shown + more


def _one_object(criterion: Criterion, item: dict[str, Any]) -> tuple[bool, str]:
    if criterion.test == "condition":
        return _condition(item, str(criterion.path), str(criterion.expected))
    value = field_value(item, str(criterion.path))
    return _field_test(str(criterion.field_test), value, criterion.expected)


def _condition(item: dict[str, Any], kind: str, status: str) -> tuple[bool, str]:
    conditions = (item.get("status") or {}).get("conditions") or []
    for condition in conditions:
        if condition.get("type") == kind:
            found = f"{kind} is {condition.get('status')}"
            details = [text for text in (condition.get("reason"), condition.get("message")) if text]
            return condition.get("status") == status, found + (f" ({': '.join(details)})" if details else "")
    phase = (item.get("status") or {}).get("phase")
    return False, f"no {kind} condition yet" + (f" (phase {phase})" if phase else "")


def _field_test(test: str, value: Any, expected: Any) -> tuple[bool, str]:
    found = "not set" if value is _MISSING else repr(value)
    if test == "exists":
        return (value is not _MISSING and value is not None) == bool(expected), found
    if value is _MISSING:
        return False, found
    if test == "equals":
        same = value == expected or (not isinstance(value, dict | list) and str(value) == str(expected))
        return same, found
    if test == "contains":
        return _contains(value, expected), found
    try:
        return float(value) >= float(expected), found
    except (TypeError, ValueError):
        return False, f"{found}, which is not a number"


def _contains(value: Any, expected: Any) -> bool:
    if isinstance(value, str):
        return str(expected) in value
    if isinstance(value, list):
        return expected in value or any(isinstance(item, str) and str(expected) in item for item in value)
    if isinstance(value, dict):
        if isinstance(expected, dict):
            return all(value.get(key) == wanted for key, wanted in expected.items())
        return expected in value
    return False


def field_value(item: Any, path: str) -> Any:
    """The value at a dotted path such as `spec.containers[0].image` or `metadata.labels["app.kubernetes.io/name"]`."""
    for match in _PATH_PART.finditer(path):
        key, index, quoted, single = match.groups()
        if index is not None:
            if not isinstance(item, list) or int(index) >= len(item):
                return _MISSING
            item = item[int(index)]
            continue
        name = key if key is not None else quoted if quoted is not None else single
        if not isinstance(item, dict) or name not in item:
            return _MISSING
        item = item[name]
    return item


def describe(criterion: Criterion) -> str:
    who = _who(criterion)
    if criterion.test == "exists":
        return f"{who} exists" if criterion.expected else f"no {who.removeprefix('a ')}"
    if criterion.test == "count":
        matching = f" with {criterion.selector}" if criterion.selector else ""
        return f"{criterion.expected} {criterion.kind}{'' if criterion.expected == 1 else 's'}{matching}"
    if criterion.test == "condition":
        state = criterion.path if criterion.expected == "True" else f"{criterion.path}={criterion.expected}"
        return f"{who} is {state}" if criterion.expected == "True" else f"{who} has {state}"
    comparison = {
        "equals": f"= {criterion.expected!r}",
        "contains": f"contains {criterion.expected!r}",
        "exists": "is set" if criterion.expected else "is not set",
        "at_least": f">= {criterion.expected}",
    }[str(criterion.field_test)]
    return f"{who}: {criterion.path} {comparison}"


def _who(criterion: Criterion) -> str:
    if criterion.name is not None:
        return f"{criterion.kind} {criterion.name}"
    matching = f" with {criterion.selector}" if criterion.selector else ""
    return f"{'every' if criterion.every else 'a'} {criterion.kind}{matching}"


def where_to_look(criterion: Criterion, chapter_namespace: str) -> str:
    target = criterion.name if criterion.name is not None else f"-l {criterion.selector}" if criterion.selector else ""
    namespace = f" -n {criterion.namespace}" if criterion.namespace and criterion.namespace != chapter_namespace else ""
    command = f"kubectl get {criterion.kind.lower()} {target}".rstrip() + namespace
    if criterion.test == "condition":
        return f"{command} -o yaml: status.conditions"
    if criterion.test == "field":
        return f"{command} -o yaml: {criterion.path}"
    return command


def _nothing(criterion: Criterion, namespace: str) -> str:
    if criterion.name is not None:
        return f"no {criterion.kind} {criterion.name} in namespace {namespace}"
    matching = f" with {criterion.selector}" if criterion.selector else ""
    return f"no {criterion.kind}{matching} in namespace {namespace}"


def _listing(objects: list[dict[str, Any]]) -> str:
    names = [_name(item) for item in objects[:_SHOWN_OBJECTS]]
    return ", ".join(names) + (f" and {len(objects) - _SHOWN_OBJECTS} more" if len(objects) > _SHOWN_OBJECTS else "")


def _name(item: dict[str, Any]) -> str:
    return str((item.get("metadata") or {}).get("name", "?"))


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "reason", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__

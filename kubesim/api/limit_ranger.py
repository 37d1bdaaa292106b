"""The LimitRanger admission plugin: a namespace's LimitRanges fill in and bound what pods and claims ask for.

On a new pod, every container (and init container) without a request or limit for a resource gets the
`defaultRequest` and `default` of the LimitRanges' `Container` items, and the pod is annotated with what
was set (`kubernetes.io/limit-ranger`). Then each `Container` item's min, max and maxLimitRequestRatio are
checked per container, each `Pod` item's against the pod's totals, and each `PersistentVolumeClaim`
item's min and max against a new claim's storage request. A pod or claim outside them is refused with
the plugin's messages, such as `maximum cpu usage per Container is 1, but limit is 2`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubesim.api.quota import ResourceList, parse, pod_resources
from kubesim.api.validation import Quantity, canonical_quantity

Obj = dict[str, Any]
ANNOTATION = "kubernetes.io/limit-ranger"


def set_pod_defaults(pod: Obj, limit_ranges: Iterable[Obj]) -> None:
    """The plugin's mutation: default requests and limits of every container, recorded in an annotation."""
    for limit_range in limit_ranges:
        requests, limits = _container_defaults(limit_range)
        notes: list[str] = []
        spec = pod.get("spec") or {}
        for list_name, noun in (("containers", "container"), ("initContainers", "init container")):
            for container in spec.get(list_name) or []:
                notes += _merge(container, requests, limits, noun)
        if notes:
            pod.setdefault("metadata", {}).setdefault("annotations", {})[ANNOTATION] = (
                "LimitRanger plugin set: " + "; ".join(notes)
            )


def _container_defaults(limit_range: Obj) -> tuple[Obj, Obj]:
    requests: Obj = {}
    limits: Obj = {}
    for item in _items(limit_range):
        if item.get("type") == "Container":
            requests.update(item.get("defaultRequest") or {})
            limits.update(item.get("default") or {})
    return requests, limits


def _merge(container: Obj, requests: Obj, limits: Obj, noun: str) -> list[str]:
    resources = container.setdefault("resources", {})
    notes = []
    for section, defaults, word in (("requests", requests, "request"), ("limits", limits, "limit")):
        own = resources.get(section) or {}
        added = sorted(name for name in defaults if name not in own)
        if added:
            resources[section] = {**own, **{name: defaults[name] for name in added}}
            notes.append(f"{', '.join(added)} {word} for {noun} {container.get('name', '')}")
    # The request notes come before the limit notes of the same container, as the plugin writes them.
    return notes


def violations(resource_key: str, obj: Obj, limit_ranges: Iterable[Obj]) -> str:
    """Why a new pod or claim breaks the namespace's LimitRanges, as the refusal words it ("" when it does not).

    The first LimitRange broken is reported, with every constraint of it that fails."""
    for limit_range in limit_ranges:
        errors = _pod_errors(obj, limit_range) if resource_key == "/pods" else _claim_errors(obj, limit_range)
        if errors:
            unique = list(dict.fromkeys(errors))
            return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"
    return ""


def _pod_errors(pod: Obj, limit_range: Obj) -> list[str]:
    errors: list[str] = []
    spec = pod.get("spec") or {}
    for item in _items(limit_range):
        if item.get("type") == "Container":
            for list_name in ("containers", "initContainers"):
                for container in spec.get(list_name) or []:
                    resources = container.get("resources") or {}
                    errors += _check(
                        item, "Container", parse(resources.get("requests")), parse(resources.get("limits"))
                    )
        elif item.get("type") == "Pod":
            errors += _check(item, "Pod", pod_resources(pod, "requests"), pod_resources(pod, "limits"))
    return errors


def _check(item: Obj, kind: str, requests: ResourceList, limits: ResourceList) -> list[str]:
    errors = []
    for name, bound in sorted(parse(item.get("min")).items()):
        errors += _below_minimum(kind, name, bound, requests, limits)
    for name, bound in sorted(parse(item.get("max")).items()):
        errors += _above_maximum(kind, name, bound, requests, limits)
    for name, bound in sorted(parse(item.get("maxLimitRequestRatio")).items()):
        errors += _ratio_too_high(kind, name, bound, requests, limits)
    return errors


def _claim_errors(claim: Obj, limit_range: Obj) -> list[str]:
    requests = parse((((claim.get("spec") or {}).get("resources")) or {}).get("requests"))
    errors = []
    for item in _items(limit_range):
        if item.get("type") != "PersistentVolumeClaim":
            continue
        for name, bound in sorted(parse(item.get("min")).items()):
            errors += _below_minimum("PersistentVolumeClaim", name, bound, requests, {})
        for name, bound in sorted(parse(item.get("max")).items()):
            # A claim's limits mean nothing to storage: only its request is held to the maximum.
            if name not in requests:
                errors.append(
                    f"maximum {name} usage per PersistentVolumeClaim is {_text(bound)}.  No request is specified"
                )
            elif requests[name].value > bound.value:
                errors.append(
                    f"maximum {name} usage per PersistentVolumeClaim is {_text(bound)}, "
                    f"but request is {_text(requests[name])}"
                )
    return errors


def _below_minimum(kind: str, name: str, bound: Quantity, requests: ResourceList, limits: ResourceList) -> list[str]:
    prefix = f"minimum {name} usage per {kind} is {_text(bound)}"
    if name not in requests:
        return [f"{prefix}.  No request is specified"]
    if requests[name].value < bound.value:
        return [f"{prefix}, but request is {_text(requests[name])}"]
    if name in limits and limits[name].value < bound.value:
        return [f"{prefix}, but limit is {_text(limits[name])}"]
    return []


def _above_maximum(kind: str, name: str, bound: Quantity, requests: ResourceList, limits: ResourceList) -> list[str]:
    prefix = f"maximum {name} usage per {kind} is {_text(bound)}"
    if name not in limits:
        return [f"{prefix}.  No limit is specified"]
    if limits[name].value > bound.value:
        return [f"{prefix}, but limit is {_text(limits[name])}"]
    if name in requests and requests[name].value > bound.value:
        return [f"{prefix}, but request is {_text(requests[name])}"]
    return []


def _ratio_too_high(kind: str, name: str, bound: Quantity, requests: ResourceList, limits: ResourceList) -> list[str]:
    prefix = f"{name} max limit to request ratio per {kind} is {_text(bound)}"
    request, limit = requests.get(name), limits.get(name)
    if request is None or request.value == 0:
        return [f"{prefix}, but no request is specified or request is 0"]
    if limit is None or limit.value == 0:
        return [f"{prefix}, but no limit is specified or limit is 0"]
    ratio = limit.value / request.value
    if ratio > bound.value:
        return [f"{prefix}, but provided ratio is {float(ratio):f}"]
    return []


def _items(limit_range: Obj) -> list[Obj]:
    limits = (limit_range.get("spec") or {}).get("limits") or []
    return [item for item in limits if isinstance(item, dict)]


def _text(amount: Quantity) -> str:
    return canonical_quantity(amount)

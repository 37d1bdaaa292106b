"""Label selectors, matched the way the Kubernetes API server and controllers match them.

Two shapes exist:

- the set-based ``LabelSelector`` of Deployments, ReplicaSets, DaemonSets, StatefulSets, Jobs and most
  newer objects: ``matchLabels`` (key: value pairs) and ``matchExpressions`` (key, operator, values)
  where the operator is In, NotIn, Exists or DoesNotExist; every requirement must hold;
- the plain map of Services and ReplicationControllers: every key: value pair must be a label.

A selector is parsed into ``Requirement`` objects that remember where they were written, so that a
rule can point at the requirement that fails. Values that a tool fills in later (Helm ``{{ }}``,
``${VAR}``) cannot be judged: such requirements are marked ``templated``.

``PodTemplateIndex`` answers "which pod templates of a run may this selector select?" without
comparing every selector with every template, counting the labels controllers add to their pods
(a StatefulSet pod's ``statefulset.kubernetes.io/pod-name``, a Job pod's ``job-name``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kubelint.findings import Span
from kubelint.manifests.objects import KubeObject, get_path
from kubelint.manifests.yamldoc import Mapping, Sequence

OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
_TEMPLATE_MARKERS = ("{{", "${", "$(")


def label_text(value: Any) -> str:
    """A label value as the API sees it: YAML numbers and booleans become their JSON text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def is_templated(value: Any) -> bool:
    """A value filled in by a tool later (Helm, envsubst, kustomize vars), which no one can match yet."""
    return isinstance(value, str) and any(marker in value for marker in _TEMPLATE_MARKERS)


@dataclass(frozen=True, slots=True)
class Requirement:
    """One condition of a selector; ``valid`` is False for a shape Kubernetes would reject."""

    key: str
    operator: str
    values: tuple[str, ...]
    key_span: Span | None = None  # where the key is written
    value_span: Span | None = None  # where the value(s), or the operator for Exists/DoesNotExist, are written
    valid: bool = True
    templated: bool = False
    expression: bool = False  # written in matchExpressions rather than as a key: value pair

    def __str__(self) -> str:
        if not self.expression:
            return f"{self.key}: {self.values[0]}" if self.values else self.key
        if self.operator in ("In", "NotIn"):
            return f"{self.key} {self.operator} ({', '.join(self.values)})"
        return f"{self.key} {self.operator}"

    def matches(self, labels: dict[str, Any]) -> bool:
        if not self.valid:
            return False
        present = self.key in labels
        if self.operator == "Exists":
            return present
        if self.operator == "DoesNotExist":
            return not present
        inside = present and label_text(labels[self.key]) in self.values
        return inside if self.operator == "In" else not inside

    def span_for(self, labels: dict[str, Any]) -> Span | None:
        """Where to point when this requirement fails on these labels: the key when the label is
        missing (or present against DoesNotExist), else the value(s) it fails."""
        if self.key not in labels or self.operator == "DoesNotExist":
            return self.key_span
        return self.value_span or self.key_span


def _span(mapping: Any, key: str, which: str) -> Span | None:
    if not isinstance(mapping, Mapping):
        return None
    return mapping.key_span(key) if which == "key" else mapping.value_span(key)


def _equality(selector: dict[str, Any]) -> Iterator[Requirement]:
    for key, value in selector.items():
        valid = isinstance(key, str) and (value is None or isinstance(value, str | int | float | bool))
        yield Requirement(
            key=str(key),
            operator="In",
            values=(label_text(value),),
            key_span=_span(selector, key, "key"),
            value_span=_span(selector, key, "value"),
            valid=valid,
            templated=is_templated(key) or is_templated(value),
        )


def _expression(item: Any, span: Span | None) -> Requirement:
    if not isinstance(item, dict):
        return Requirement("", "", (), span, span, valid=False, expression=True)
    key, operator, values = item.get("key"), item.get("operator"), item.get("values")
    value_list = list(values) if isinstance(values, list) else []
    texts = tuple(label_text(value) for value in value_list)
    needs_values = operator in ("In", "NotIn")
    valid = (
        isinstance(key, str)
        and operator in OPERATORS
        and (values is None or isinstance(values, list))
        and bool(texts) == needs_values
    )
    key_span = _span(item, "key", "value") if "key" in item else span
    value_span = _span(item, "values" if needs_values else "operator", "value")
    return Requirement(
        key=str(key),
        operator=str(operator),
        values=texts,
        key_span=key_span,
        value_span=value_span,
        valid=valid,
        templated=is_templated(key) or any(is_templated(value) for value in value_list),
        expression=True,
    )


def requirements(selector: Any, *, plain_map: bool = False) -> list[Requirement]:
    """The requirements of a selector: a LabelSelector, or with plain_map=True a Service-style map."""
    if not isinstance(selector, dict):
        return []
    if plain_map:
        return list(_equality(selector))
    found: list[Requirement] = []
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, dict):
        found.extend(_equality(match_labels))
    elif match_labels is not None:
        found.append(Requirement("matchLabels", "", (), _span(selector, "matchLabels", "key"), valid=False))
    expressions = selector.get("matchExpressions")
    if isinstance(expressions, list):
        for index, item in enumerate(expressions):
            item_span = expressions.item_span(index) if isinstance(expressions, Sequence) else None
            found.append(_expression(item, item_span))
    elif expressions is not None:
        span = _span(selector, "matchExpressions", "key")
        found.append(Requirement("matchExpressions", "", (), span, valid=False, expression=True))
    return found


def selector_matches(selector: Any, labels: dict[str, Any], *, plain_map: bool = False) -> bool:
    """Whether labels satisfy the selector. An empty LabelSelector selects everything (as in the API);
    a selector Kubernetes cannot parse selects nothing."""
    return first_unmatched(selector, labels, plain_map=plain_map) is None


def first_unmatched(selector: Any, labels: dict[str, Any], *, plain_map: bool = False) -> Requirement | None:
    """The first requirement of the selector that the labels do not satisfy, None when all hold."""
    for requirement in requirements(selector, plain_map=plain_map):
        if not requirement.matches(labels):
            return requirement
    return None


def is_empty(selector: Any) -> bool:
    """A selector with no requirement at all (missing, null, `{}` or empty lists)."""
    return not requirements(selector)


def judgeable(found: list[Requirement]) -> bool:
    """Whether these requirements can be checked now: all valid and free of placeholders."""
    return all(requirement.valid and not requirement.templated for requirement in found)


def service_selector(service: KubeObject) -> Mapping | None:
    """The pod selector of a Service, when it has one that can be judged.

    None for ExternalName Services, Services without a selector (their endpoints are managed by
    hand or by another controller) and selectors that are malformed or hold placeholders.
    """
    spec = get_path(service.data, "spec")
    if not isinstance(spec, dict) or spec.get("type") == "ExternalName":
        return None
    selector = spec.get("selector")
    found = requirements(selector, plain_map=True)
    return selector if isinstance(selector, Mapping) and found and judgeable(found) else None


# -- which pod templates a selector selects ---------------------------------------------------------

_BUILTIN_GROUP_SUFFIX = ".k8s.io"
_JOB_LABELS = (
    "job-name",
    "batch.kubernetes.io/job-name",
    "controller-uid",
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-completion-index",
)
# Labels a controller adds to the pods it makes, beyond those of the template.
GENERATED_LABELS: dict[str, frozenset[str]] = {
    "Deployment": frozenset({"pod-template-hash"}),
    "StatefulSet": frozenset(
        {"statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index", "controller-revision-hash"}
    ),
    "DaemonSet": frozenset({"controller-revision-hash", "pod-template-generation"}),
    "Job": frozenset(_JOB_LABELS),
    "CronJob": frozenset(_JOB_LABELS),
}
_ALL_GENERATED = frozenset().union(*GENERATED_LABELS.values())
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class PodSource:
    """An object that makes pods: the labels of its template, and those its controller adds."""

    obj: KubeObject
    labels: dict[str, Any]
    generated: frozenset[str] = frozenset()

    def could_be_selected(self, found: list[Requirement]) -> bool:
        """Whether its pods may satisfy every requirement. A requirement on a generated label, or on
        a label whose value is a placeholder, is assumed to hold: its value is only known later."""
        if any(is_templated(key) for key in self.labels):
            return True
        return all(self._unknowable(requirement.key) or requirement.matches(self.labels) for requirement in found)

    def _unknowable(self, key: str) -> bool:
        return key in self.generated or is_templated(self.labels.get(key))


def pod_sources(objects: Iterable[KubeObject]) -> Iterator[PodSource]:
    """Every object that makes pods, with the labels those pods get.

    Besides Pods and the built-in workloads, a custom resource with a pod template
    (``spec.template.metadata``, as in Argo Rollouts or OpenKruise) counts too: its controller makes
    pods from that template, so a Service may rightly select them.
    """
    for obj in objects:
        if obj.kind == "Pod" or obj.pod_template is not None:
            yield PodSource(obj, obj.pod_labels, GENERATED_LABELS.get(obj.kind or "", frozenset()))
        elif _is_custom(obj) and isinstance(get_path(obj.data, "spec", "template", "metadata"), dict):
            labels = get_path(obj.data, "spec", "template", "metadata", "labels")
            yield PodSource(obj, labels if isinstance(labels, dict) else {})


def _is_custom(obj: KubeObject) -> bool:
    group = obj.group
    return "." in group and not group.endswith(_BUILTIN_GROUP_SUFFIX)


def _operator_names(obj: KubeObject) -> set[str]:
    """Label values an operator is likely to give the pods it makes for this custom resource: its
    name, its kind and its own label values (`Prometheus` "k8s" -> pods labelled prometheus: k8s)."""
    names = {obj.name} if obj.name else set()
    names |= {label_text(value) for value in obj.labels.values()}
    if obj.kind:
        names |= {obj.kind.lower(), _CAMEL_HUMP.sub("-", obj.kind).lower()}
    return names


def namespaces_match(first: str | None, second: str | None) -> bool:
    """Objects without a namespace land wherever they are applied, so they may meet any namespace."""
    return first is None or second is None or first == second


class PodTemplateIndex:
    """The pod sources of a run, indexed by (namespace, label, value) for quick selection.

    Two kinds of sources cannot be matched and are only remembered: those whose labels hold
    placeholders, and custom resources without a pod template, whose operator (the Prometheus
    Operator, say) makes pods with labels of its own choosing.
    """

    def __init__(self, objects: Iterable[KubeObject]) -> None:
        objects = list(objects)
        self.sources: list[PodSource] = list(pod_sources(objects))
        self._namespaces = {source.obj.namespace for source in self.sources}
        self._by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._by_namespace_pair: dict[tuple[str | None, str, str], list[int]] = defaultdict(list)
        self._templated: set[int] = set()
        for number, source in enumerate(self.sources):
            if any(is_templated(key) or is_templated(value) for key, value in source.labels.items()):
                self._templated.add(number)
                continue
            for key, value in source.labels.items():
                pair = (str(key), label_text(value))
                self._by_pair[pair].append(number)
                self._by_namespace_pair[(source.obj.namespace, *pair)].append(number)
        # Custom resources an operator may make pods for, by the label values those pods may get.
        self._operated: list[KubeObject] = []
        self._operated_by_name: dict[str, set[int]] = defaultdict(set)
        made_pods = {id(source.obj) for source in self.sources}
        for obj in objects:
            if _is_custom(obj) and id(obj) not in made_pods:
                for name in _operator_names(obj):
                    self._operated_by_name[name].add(len(self._operated))
                self._operated.append(obj)

    def has_sources_in(self, namespace: str | None) -> bool:
        """Whether the run shows the workloads of this namespace: one of them names it explicitly
        (or, for an object without a namespace, the run has any workload at all)."""
        return bool(self.sources) if namespace is None else namespace in self._namespaces

    def selected(self, selector: Any, namespace: str | None, *, plain_map: bool = False) -> list[PodSource]:
        """The pod sources whose pods the selector may select in the namespace (an empty selector
        selects none here). Sources that cannot be matched are left out: see ``may_select_unknown``."""
        found = requirements(selector, plain_map=plain_map)
        if not found:
            return []
        indexable = [req for req in found if req.operator == "In" and req.key not in _ALL_GENERATED]
        numbers: Iterable[int]
        if indexable:
            numbers = self._fewest_candidates(indexable, namespace)
        else:
            numbers = (number for number in range(len(self.sources)) if number not in self._templated)
        selected = []
        for number in numbers:
            source = self.sources[number]
            if namespaces_match(source.obj.namespace, namespace) and source.could_be_selected(found):
                selected.append(source)
        return selected

    def may_select_unknown(self, selector: Any, namespace: str | None, *, plain_map: bool = False) -> bool:
        """Whether the selector might select pods whose labels cannot be known from the manifests:
        a source with placeholders in its labels, or the pods of an operator's custom resource."""
        found = requirements(selector, plain_map=plain_map)
        for number in self._templated:
            source = self.sources[number]
            if namespaces_match(source.obj.namespace, namespace) and source.could_be_selected(found):
                return True
        return any(
            namespaces_match(self._operated[number].namespace, namespace) for number in self._operators_of(found)
        )

    def _operators_of(self, found: list[Requirement]) -> set[int]:
        """The custom resources whose name, kind and labels account for every value the selector wants."""
        wanted = [requirement for requirement in found if requirement.operator == "In"]
        if not wanted:
            return set()
        numbers: set[int] | None = None
        for requirement in wanted:
            candidates = set().union(*(self._operated_by_name.get(value, set()) for value in requirement.values))
            numbers = candidates if numbers is None else numbers & candidates
        return numbers or set()

    def _fewest_candidates(self, indexable: list[Requirement], namespace: str | None) -> list[int]:
        """The sources that could satisfy the most selective of these In requirements."""
        candidate_lists = [self._candidates(requirement, namespace) for requirement in indexable]
        return min(candidate_lists, key=len)

    def _candidates(self, requirement: Requirement, namespace: str | None) -> list[int]:
        numbers: list[int] = []
        for value in dict.fromkeys(requirement.values):
            pair = (requirement.key, value)
            if namespace is None:
                numbers.extend(self._by_pair.get(pair, ()))
            else:
                numbers.extend(self._by_namespace_pair.get((namespace, *pair), ()))
                numbers.extend(self._by_namespace_pair.get((None, *pair), ()))
        return numbers

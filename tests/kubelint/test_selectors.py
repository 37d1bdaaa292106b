"""Label selectors: matching as the API server does, failing requirements with their positions, and
the index that finds the pod templates a selector selects."""

from textwrap import dedent

import pytest

from kubelint.manifests.objects import KubeObject, objects_of
from kubelint.manifests.yamldoc import read_yaml
from kubelint.selectors import (
    PodTemplateIndex,
    first_unmatched,
    is_empty,
    requirements,
    selector_matches,
    service_selector,
)


def load(text: str) -> list[KubeObject]:
    objects, _ = objects_of(read_yaml(dedent(text), "x.yaml"))
    return objects


def yaml_value(text: str):
    return read_yaml(dedent(text), "x.yaml").documents[0].root


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ({"matchLabels": {"app": "web"}}, {"app": "web", "tier": "front"}, True),
        ({"matchLabels": {"app": "web"}}, {"app": "api"}, False),
        ({"matchLabels": {"app": "web"}}, {}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]}, {"tier": "b"}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["a"]}]}, {}, False),
        ({"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["test"]}]}, {}, True),
        ({"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["test"]}]}, {"env": "test"}, False),
        ({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, {"app": ""}, True),
        ({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, {"other": "x"}, False),
        ({"matchExpressions": [{"key": "old", "operator": "DoesNotExist"}]}, {"app": "x"}, True),
        ({"matchExpressions": [{"key": "old", "operator": "DoesNotExist"}]}, {"old": "x"}, False),
        # Both halves must hold.
        (
            {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "Exists"}]},
            {"app": "web"},
            False,
        ),
        # An empty LabelSelector selects everything, as in the API.
        ({}, {"app": "x"}, True),
        ({"matchLabels": {}, "matchExpressions": []}, {}, True),
        # YAML numbers and booleans compare as the text the API sees.
        ({"matchLabels": {"major": 2, "stable": True}}, {"major": "2", "stable": "true"}, True),
        # A selector the API cannot parse selects nothing.
        ({"matchExpressions": [{"key": "app", "operator": "Matches", "values": ["x"]}]}, {"app": "x"}, False),
        ({"matchExpressions": [{"key": "app", "operator": "In", "values": []}]}, {"app": "x"}, False),
        ({"matchExpressions": [{"key": "app", "operator": "Exists", "values": ["x"]}]}, {"app": "x"}, False),
        ({"matchExpressions": [7]}, {}, False),
        ({"matchLabels": "app=web"}, {"app": "web"}, False),
    ],
)
def test_label_selector_matching(selector, labels, expected) -> None:
    assert selector_matches(selector, labels) is expected


def test_plain_map_selectors_need_every_pair() -> None:
    assert selector_matches({"app": "web"}, {"app": "web", "tier": "x"}, plain_map=True)
    assert not selector_matches({"app": "web", "tier": "y"}, {"app": "web", "tier": "x"}, plain_map=True)
    # In a plain map, "matchLabels" is just a key, and a mapping is no label value.
    assert not selector_matches({"matchLabels": {"app": "web"}}, {"app": "web"}, plain_map=True)


def test_non_mappings_have_no_requirements() -> None:
    for selector in (None, 5, "app=web", ["app"]):
        assert requirements(selector) == []
        assert is_empty(selector)


def test_first_unmatched_points_at_the_key_when_the_label_is_missing() -> None:
    selector = yaml_value(
        """\
        matchLabels:
          app: web
          track: stable
        """
    )
    requirement = first_unmatched(selector, {"app": "web"})
    assert requirement is not None and requirement.key == "track"
    span = requirement.span_for({"app": "web"})
    assert span is not None and (span.line, span.column) == (3, 3)
    assert str(requirement) == "track: stable"


def test_first_unmatched_points_at_the_value_when_it_differs() -> None:
    selector = yaml_value("matchLabels: {app: web}\n")
    labels = {"app": "webb"}
    requirement = first_unmatched(selector, labels)
    assert requirement is not None
    span = requirement.span_for(labels)
    assert span is not None and (span.line, span.column) == (1, 20)


def test_expressions_point_at_their_values_or_key() -> None:
    selector = yaml_value(
        """\
        matchExpressions:
          - key: tier
            operator: In
            values: [web]
          - key: legacy
            operator: DoesNotExist
        """
    )
    present = {"tier": "api"}
    tier = first_unmatched(selector, present)
    assert tier is not None and str(tier) == "tier In (web)"
    assert tier.span_for(present) == selector["matchExpressions"][0].value_span("values")
    assert tier.span_for({}) == selector["matchExpressions"][0].value_span("key")
    legacy = first_unmatched(selector, {"tier": "web", "legacy": "yes"})
    assert legacy is not None and str(legacy) == "legacy DoesNotExist"
    assert legacy.span_for({"legacy": "yes"}) == selector["matchExpressions"][1].value_span("key")


def test_plain_dicts_have_no_spans() -> None:
    requirement = first_unmatched({"matchLabels": {"app": "web"}}, {})
    assert requirement is not None and requirement.span_for({}) is None


def test_placeholders_are_marked_not_guessed() -> None:
    found = requirements({"matchLabels": {"app": "{{ .Values.name }}", "tier": "web"}})
    assert [requirement.templated for requirement in found] == [True, False]
    found = requirements({"app": "${APP}"}, plain_map=True)
    assert found[0].templated


def test_service_selector_skips_what_cannot_be_judged() -> None:
    services = load(
        """\
        kind: Service
        apiVersion: v1
        metadata: {name: a}
        spec: {selector: {app: a}}
        ---
        kind: Service
        apiVersion: v1
        metadata: {name: external}
        spec: {type: ExternalName, selector: {app: a}}
        ---
        kind: Service
        apiVersion: v1
        metadata: {name: manual}
        spec: {ports: [{port: 80}]}
        ---
        kind: Service
        apiVersion: v1
        metadata: {name: templated}
        spec: {selector: {app: "{{ .Values.app }}"}}
        ---
        kind: Service
        apiVersion: v1
        metadata: {name: nested}
        spec: {selector: {matchLabels: {app: a}}}
        ---
        kind: Service
        apiVersion: v1
        metadata: {name: broken}
        spec: 5
        """
    )
    assert [service.name for service in services if service_selector(service) is not None] == ["a"]


WORKLOADS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web, tier: front}}
    spec: {containers: [{name: web, image: web:1}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: db:1}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: seed, namespace: shop}
spec:
  template:
    spec: {containers: [{name: seed, image: seed:1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: ops, labels: {app: debug}}
spec: {containers: [{name: shell, image: shell:1}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: chart, namespace: charts}
spec:
  template:
    metadata: {labels: {app: "{{ .Values.app }}", tier: back}}
    spec: {containers: [{name: app, image: app:1}]}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: main, namespace: ops}
spec: {replicas: 2}
"""


def selected_names(index: PodTemplateIndex, selector, namespace, **kwargs) -> list[str]:
    return sorted(source.obj.name or "" for source in index.selected(selector, namespace, **kwargs))


def test_index_selects_by_labels_and_namespace() -> None:
    index = PodTemplateIndex(load(WORKLOADS))
    assert selected_names(index, {"app": "web"}, "shop", plain_map=True) == ["web"]
    assert selected_names(index, {"app": "web"}, "billing", plain_map=True) == []
    assert selected_names(index, {"app": "web"}, None, plain_map=True) == ["web"]
    # The StatefulSet has no namespace: it may be applied to any.
    assert selected_names(index, {"app": "db"}, "billing", plain_map=True) == ["db"]
    assert selected_names(index, {"app": "debug"}, "ops", plain_map=True) == ["debug"]
    assert selected_names(index, {"app": "web", "tier": "back"}, "shop", plain_map=True) == []
    assert selected_names(index, {}, "shop", plain_map=True) == []


def test_index_takes_label_selectors_too() -> None:
    index = PodTemplateIndex(load(WORKLOADS))
    selector = {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "db"]}]}
    assert selected_names(index, selector, "shop") == ["db", "web"]
    assert selected_names(index, {"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, "shop") == ["web"]


def test_index_counts_the_labels_controllers_add() -> None:
    index = PodTemplateIndex(load(WORKLOADS))
    pod_zero = {"app": "db", "statefulset.kubernetes.io/pod-name": "db-0"}
    assert selected_names(index, pod_zero, None, plain_map=True) == ["db"]
    assert selected_names(index, {"job-name": "seed"}, "shop", plain_map=True) == ["seed"]
    # Deployments add no job-name label.
    assert selected_names(index, {"app": "web", "job-name": "web"}, "shop", plain_map=True) == []


def test_index_knows_what_it_cannot_know() -> None:
    index = PodTemplateIndex(load(WORKLOADS))
    assert index.may_select_unknown({"tier": "back"}, "charts", plain_map=True)
    assert not index.may_select_unknown({"tier": "front"}, "charts", plain_map=True)
    assert not index.may_select_unknown({"tier": "back"}, "shop", plain_map=True)
    # Pods of the Prometheus Operator, named after the custom resource.
    assert index.may_select_unknown({"prometheus": "main"}, "ops", plain_map=True)
    assert not index.may_select_unknown({"prometheus": "main", "app": "other"}, "ops", plain_map=True)
    assert not index.may_select_unknown({"prometheus": "main"}, "shop", plain_map=True)


def test_index_knows_which_namespaces_were_linted() -> None:
    index = PodTemplateIndex(load(WORKLOADS))
    assert index.has_sources_in("shop") and index.has_sources_in(None)
    assert not index.has_sources_in("billing")
    assert not PodTemplateIndex([]).has_sources_in(None)


def test_index_scales_to_ten_thousand_objects() -> None:
    documents = []
    for number in range(5_000):
        documents.append(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app{number}, namespace: ns{number % 50}}}\n"
            f"spec:\n  template:\n    metadata: {{labels: {{app: app{number}, team: t{number % 7}}}}}\n"
            "    spec: {containers: [{name: app, image: app:1}]}\n"
        )
    objects = load("---\n".join(documents))
    # Comparing every selector with every template would take minutes; pytest-timeout stops it.
    index = PodTemplateIndex(objects)
    for number in range(5_000):
        selected = index.selected({"team": f"t{number % 7}", "app": f"app{number}"}, f"ns{number % 50}", plain_map=True)
        assert [source.obj.name for source in selected] == [f"app{number}"]
    assert len(index.selected({"team": "t3"}, "ns3", plain_map=True)) == 15

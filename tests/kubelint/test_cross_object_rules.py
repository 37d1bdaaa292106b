"""Selector and cross-object rules: messages, the object and file each finding lands in, when the
rules stay silent, robustness at scale, which the fixtures cannot show."""

from pathlib import Path
from textwrap import dedent

import pytest

import kubelint
from kubelint import Config
from kubelint.config import RuleSetting
from kubelint.findings import Finding
from kubelint.manifests.objects import objects_of
from kubelint.manifests.yamldoc import read_yaml
from kubelint.registry import all_rules

CROSS_OBJECT_RULES = (
    "service-selects-nothing",
    "service-target-port-missing",
    "hpa-target-missing",
    "hpa-target-no-cpu-requests",
    "statefulset-service-missing",
)
RULES = ("selector-mismatch", *CROSS_OBJECT_RULES)


def only(*rule_ids: str) -> Config:
    """These rules on, and internal-error to catch crashes; every other rule off."""
    on = {*rule_ids, "internal-error"}
    return Config(
        settings={rule.id: RuleSetting(rule.id in on, rule.severity, rule.options) for rule in all_rules().values()}
    )


def lint(text: str, *rule_ids: str) -> list[Finding]:
    return kubelint.lint_text(dedent(text), path="x.yaml", config=only(*rule_ids))


def lint_files(folder: Path, files: dict[str, str], *rule_ids: str) -> list[Finding]:
    for name, text in files.items():
        (folder / name).write_text(dedent(text))
    return kubelint.lint_paths([folder], config=only(*rule_ids))


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0.0
          ports: [{name: http, containerPort: 8080}]
        - name: proxy
          image: registry.example.com/proxy:1.0.0
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: wbe}
  ports: [{port: 80, targetPort: http}]
"""


def test_service_finding_lands_in_the_service_file(tmp_path: Path) -> None:
    files = {"deployment.yaml": DEPLOYMENT, "service.yaml": SERVICE}
    [finding] = lint_files(tmp_path, files, "service-selects-nothing")
    assert Path(finding.path).name == "service.yaml"
    assert finding.object is not None and (finding.object.kind, finding.object.name) == ("Service", "web")
    assert (finding.line, finding.column) == (7, 3)
    assert "among the linted objects" in finding.message
    assert '"app: wbe"' in finding.message and 'namespace "shop"' in finding.message


def test_service_rules_stay_silent_without_any_workload() -> None:
    assert lint(SERVICE, *CROSS_OBJECT_RULES) == []


def test_service_selecting_its_pods_is_fine(tmp_path: Path) -> None:
    service = SERVICE.replace("app: wbe", "app: web")
    assert lint_files(tmp_path, {"d.yaml": DEPLOYMENT, "s.yaml": service}, *CROSS_OBJECT_RULES) == []


def test_target_port_message_names_the_service_and_the_workload() -> None:
    service = SERVICE.replace("app: wbe", "app: web").replace("targetPort: http", "targetPort: https")
    [finding] = lint(DEPLOYMENT + "---\n" + service, "service-target-port-missing")
    assert finding.object is not None and finding.object.kind == "Service"
    assert 'Service "web" targets port "https"' in finding.message
    assert 'Deployment "web"' in finding.message and '(declared: "http")' in finding.message


HPA = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: shop
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
"""


def test_hpa_without_metrics_scales_on_cpu_and_names_the_container() -> None:
    [finding] = lint(DEPLOYMENT + "---\n" + HPA, "hpa-target-no-cpu-requests")
    assert finding.object is not None and finding.object.kind == "HorizontalPodAutoscaler"
    # Nothing is written for the default metric: the report points at `spec`.
    assert (finding.line, finding.column) == (25, 1)
    assert 'container "web" has no CPU request' in finding.message
    assert "default 80% CPU" in finding.message


def test_hpa_with_requests_everywhere_is_fine() -> None:
    requested = DEPLOYMENT.replace(
        "          image: registry.example.com/proxy:1.0.0\n",
        "          image: registry.example.com/proxy:1.0.0\n          resources: {limits: {cpu: 100m}}\n",
    ).replace(
        "          ports: [{name: http, containerPort: 8080}]\n",
        "          ports: [{name: http, containerPort: 8080}]\n          resources: {requests: {cpu: 1}}\n",
    )
    assert lint(requested + "---\n" + HPA, "hpa-target-no-cpu-requests", "hpa-target-missing") == []


def test_hpa_target_missing_says_among_the_linted_objects() -> None:
    hpa = HPA.replace("name: web}", "name: webb}")
    [finding] = lint(DEPLOYMENT + "---\n" + hpa, "hpa-target-missing")
    assert finding.object is not None and finding.object.name == "web"
    assert 'scales Deployment "webb"' in finding.message and "among the linted objects" in finding.message


def test_hpa_target_missing_stays_silent_without_any_workload() -> None:
    assert lint(HPA, "hpa-target-missing", "hpa-target-no-cpu-requests") == []


STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: mongo
spec:
  serviceName: mongo
  selector:
    matchLabels: {app: mongo}
  template:
    metadata:
      labels: {app: mongo}
    spec:
      containers:
        - name: mongo
          image: mongo:7.0.12
"""


def test_statefulset_alone_is_not_reported() -> None:
    assert lint(STATEFULSET, "statefulset-service-missing") == []


def test_statefulset_with_services_but_not_its_own_is_reported(tmp_path: Path) -> None:
    other = "apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {selector: {app: api}}\n"
    [finding] = lint_files(tmp_path, {"sts.yaml": STATEFULSET, "svc.yaml": other}, "statefulset-service-missing")
    assert Path(finding.path).name == "sts.yaml"
    assert finding.object is not None and finding.object.kind == "StatefulSet"
    assert "mongo-0.mongo" in finding.message and "among the linted objects" in finding.message


def test_statefulset_with_an_ordinary_service_says_it_is_not_headless() -> None:
    service = "apiVersion: v1\nkind: Service\nmetadata: {name: mongo}\nspec: {selector: {app: mongo}}\n"
    [finding] = lint(STATEFULSET + "---\n" + service, "statefulset-service-missing")
    assert "not headless" in finding.message and "clusterIP: None" in finding.message


def test_missing_selector_points_at_spec_and_suggests_the_labels() -> None:
    text = DEPLOYMENT.replace("  selector:\n    matchLabels: {app: web}\n", "")
    [finding] = lint(text, "selector-mismatch")
    assert (finding.line, finding.column) == (6, 1)
    assert 'Deployment "web" has no spec.selector' in finding.message and "(app: web)" in finding.message


def test_selector_mismatch_names_both_values() -> None:
    [finding] = lint(DEPLOYMENT.replace("labels: {app: web}", "labels: {app: webapp}"), "selector-mismatch")
    assert '"app: web"' in finding.message and '"app: webapp"' in finding.message
    assert "selector does not match template labels" in finding.message


MALFORMED = [
    "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: 5, ports: 80}\n",
    "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: [1]}, ports: [5, null]}\n",
    "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: a}, ports: [{targetPort: {}}]}\n",
    "apiVersion: v1\nkind: Service\nmetadata: 5\nspec: {clusterIP: [None], clusterIPs: None}\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: [a], template: 5}\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
    "spec: {selector: {matchExpressions: {key: a}}, template: {metadata: {labels: [a]}}}\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
    "spec: {template: {metadata: {labels: {app: a}}, spec: {containers: [{name: c, image: i, ports: [5]}]}}}\n",
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec: {serviceName: [x], template: null}\n",
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec: {serviceName: s}\n",
    "apiVersion: batch/v1\nkind: Job\nmetadata: {name: 5}\nspec: {manualSelector: true, selector: 5}\n",
    "apiVersion: batch/v1\nkind: Job\nmetadata: {}\nspec: {selector: {matchLabels: {a: b}}}\n",
    "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: 5}}\n",
    "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: r}\nspec: {selector: [a]}\n",
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
    "spec: {scaleTargetRef: {kind: Deployment, name: d}, metrics: [{type: Resource, resource: {name: cpu, "
    "target: 5}}, {type: ContainerResource, containerResource: {name: cpu, container: 5}}, null]}\n",
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {metrics: 5}\n",
    "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: 5\n",
    "apiVersion: v1\nkind: LimitRange\nmetadata: {name: l}\nspec: {limits: [5, {type: Container, default: 5}]}\n",
    "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {labels: [a]}\nspec: 5\n",
    "apiVersion: example.com/v1\nkind: Rollout\nmetadata: {name: r}\nspec: {template: {metadata: {labels: 5}}}\n",
]


@pytest.mark.parametrize("rule_id", RULES)
def test_malformed_objects_never_crash(rule_id: str) -> None:
    findings = lint("---\n".join(MALFORMED), rule_id)
    assert not [finding for finding in findings if finding.rule == "internal-error"], findings


@pytest.mark.parametrize("rule_id", RULES)
def test_each_malformed_object_alone_never_crashes(rule_id: str) -> None:
    for text in MALFORMED:
        findings = lint(text, rule_id)
        assert not [finding for finding in findings if finding.rule == "internal-error"], (text, findings)


def test_cross_object_rules_on_ten_thousand_objects() -> None:
    documents = []
    for number in range(2_500):
        namespace = f"ns{number % 40}"
        documents.append(
            f"""\
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: app{number}, namespace: {namespace}}}
spec:
  serviceName: app{number}
  selector: {{matchLabels: {{app: app{number}}}}}
  template:
    metadata: {{labels: {{app: app{number}, team: t{number % 9}}}}}
    spec: {{containers: [{{name: app, image: app:1, ports: [{{name: http, containerPort: 80}}]}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: app{number}, namespace: {namespace}}}
spec: {{clusterIP: None, selector: {{app: app{number}, team: t{number % 9}}}, ports: [{{port: 80, targetPort: http}}]}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: app{number}, namespace: {namespace}}}
spec: {{scaleTargetRef: {{kind: StatefulSet, name: app{number}}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: lost{number}, namespace: {namespace}}}
spec: {{selector: {{app: lost{number}}}}}
"""
        )
    objects, _ = objects_of(read_yaml("---\n".join(documents), "big.yaml"))
    assert len(objects) == 10_000
    checks = {rule_id: all_rules()[rule_id].check for rule_id in CROSS_OBJECT_RULES}
    # A quadratic rule takes minutes here; pytest-timeout stops it.
    found = {rule_id: list(check(objects, {})) for rule_id, check in checks.items() if check is not None}
    assert len(found["service-selects-nothing"]) == 2_500
    assert len(found["hpa-target-no-cpu-requests"]) == 2_500
    assert not found["service-target-port-missing"] and not found["statefulset-service-missing"]
    assert not found["hpa-target-missing"]

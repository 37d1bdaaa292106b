"""Object rules: messages, options and robustness that the fixtures cannot show."""

from textwrap import dedent

import pytest

import kubelint
from kubelint import Config
from kubelint.config import RuleSetting
from kubelint.findings import Finding
from kubelint.registry import all_rules
from kubelint.rules.manifest.deprecated_api_version import RETIRED_APIS, retirement_of

OBJECT_RULES = (
    "bare-pod",
    "bare-replicaset",
    "deprecated-api-version",
    "missing-namespace",
    "missing-recommended-labels",
    "revision-history-disabled",
    "job-restart-policy",
    "job-missing-backoff-limit",
    "pvc-missing-storage-class",
)


def only(rule_id: str, **options: object) -> Config:
    """One rule on (with these options), and internal-error to catch crashes; every other rule off."""
    settings = {
        rule.id: RuleSetting(rule.id == "internal-error", rule.severity, rule.options) for rule in all_rules().values()
    }
    rule = all_rules()[rule_id]
    settings[rule_id] = RuleSetting(True, rule.severity, {**rule.options, **options})
    return Config(settings=settings)


def lint(text: str, rule_id: str, **options: object) -> list[Finding]:
    return kubelint.lint_text(dedent(text), path="x.yaml", config=only(rule_id, **options))


# -- bare-pod -----------------------------------------------------------------------------------


def test_bare_pod_advises_a_job_for_one_off_pods_and_a_deployment_for_servers() -> None:
    server = lint("apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {}\n", "bare-pod")
    task = lint("apiVersion: v1\nkind: Pod\nmetadata: {name: once}\nspec: {restartPolicy: Never}\n", "bare-pod")
    assert "Deployment" in server[0].message and 'pod "web"' in server[0].message
    assert "Job" in task[0].message and 'pod "once"' in task[0].message


def test_bare_pod_needs_controller_true_exactly() -> None:
    text = """\
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          ownerReferences: [{kind: ReplicaSet, name: web-1, controller: "true"}]
        """
    assert [f.rule for f in lint(text, "bare-pod")] == ["bare-pod"]


# -- bare-replicaset ----------------------------------------------------------------------------


def test_bare_replication_controller_is_called_the_older_form() -> None:
    findings = lint("apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\n", "bare-replicaset")
    assert "older form of ReplicaSet" in findings[0].message


# -- deprecated-api-version ---------------------------------------------------------------------


def test_deprecated_api_message_names_release_and_replacement() -> None:
    findings = lint(
        "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: web}\n", "deprecated-api-version"
    )
    assert findings[0].message == (
        "extensions/v1beta1 Deployment was removed in Kubernetes 1.16; "
        "use apps/v1 (and add spec.selector, which apps/v1 requires)"
    )
    assert (findings[0].line, findings[0].column) == (1, 13)


def test_deprecated_api_kind_entries_win_over_the_version_wide_entry() -> None:
    assert retirement_of("extensions/v1beta1", "Ingress") == RETIRED_APIS[("extensions/v1beta1", "Ingress")]
    assert retirement_of("extensions/v1beta1", "Unheard") == RETIRED_APIS[("extensions/v1beta1", "*")]
    assert retirement_of("storage.k8s.io/v1beta1", "VolumeAttributesClass") is None
    assert retirement_of("apps/v1", "Deployment") is None


def test_deprecated_api_alpha_versions_say_they_are_not_served_by_default() -> None:
    findings = lint(
        "apiVersion: scheduling.k8s.io/v1alpha1\nkind: PriorityClass\nmetadata: {name: p}\n", "deprecated-api-version"
    )
    assert "alpha API" in findings[0].message and "scheduling.k8s.io/v1" in findings[0].message


def test_every_retired_api_names_a_replacement_or_advice() -> None:
    for key, retired in RETIRED_APIS.items():
        assert retired.replacement or retired.advice, key


# -- missing-namespace --------------------------------------------------------------------------


def test_missing_namespace_skips_custom_resources_and_cluster_scoped_kinds() -> None:
    text = """\
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        ---
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata: {name: high}
        value: 1000
        """
    assert lint(text, "missing-namespace") == []


# -- missing-recommended-labels -----------------------------------------------------------------


def test_recommended_labels_option_accepts_another_key() -> None:
    text = """\
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          labels: {k8s-app: shop}
        """
    assert len(lint(text, "missing-recommended-labels")) == 1
    assert lint(text, "missing-recommended-labels", labels=["k8s-app"]) == []
    assert lint(text, "missing-recommended-labels", labels="k8s-app") == []


def test_recommended_labels_kinds_option_limits_the_check() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n"
    assert lint(text, "missing-recommended-labels", kinds=["Service"]) == []


def test_recommended_labels_reports_object_and_template_separately() -> None:
    text = """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {tier: web}}
          template:
            metadata: {labels: {tier: web}}
        """
    messages = [f.message for f in lint(text, "missing-recommended-labels")]
    assert len(messages) == 2
    assert messages[1].startswith('the pod template of Deployment "web"')


@pytest.mark.parametrize("rule_id", ["missing-recommended-labels", "missing-namespace"])
def test_kustomize_patches_are_not_judged_as_whole_objects(rule_id: str) -> None:
    patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n"
    whole = patch.replace("{replicas: 3}", "{replicas: 3, selector: {matchLabels: {x: y}}}")
    assert lint(patch, rule_id) == []
    assert lint(whole, rule_id) != []


# -- job rules ----------------------------------------------------------------------------------


def test_job_restart_policy_message_names_the_job() -> None:
    text = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec: {template: {spec: {}}}\n"
    findings = lint(text, "job-restart-policy")
    assert 'Job "migrate"' in findings[0].message and "OnFailure or Never" in findings[0].message


def test_cron_job_backoff_message_names_the_nested_field() -> None:
    text = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: {}}}\n"
    findings = lint(text, "job-missing-backoff-limit")
    assert "spec.jobTemplate.spec.backoffLimit" in findings[0].message


# -- robustness ---------------------------------------------------------------------------------

MALFORMED = [
    "metadata: 5\nspec: 5",
    "metadata: {name: 5, namespace: 7, labels: [a, b], annotations: 3, ownerReferences: {controller: true}}\nspec: []",
    "metadata: null\nspec: null",
    "metadata: {}\nspec: {template: 5, jobTemplate: 5, volumeClaimTemplates: 5, revisionHistoryLimit: [0]}",
    "metadata: {labels: null}\nspec: {template: {metadata: 5, spec: 5}, jobTemplate: {spec: {template: []}}}",
    "metadata: {ownerReferences: [5, null, {controller: null}]}\nspec: {volumeClaimTemplates: [5, {spec: 5}]}",
    "spec: {template: {metadata: {labels: 5}, spec: {restartPolicy: 5}}, storageClassName: 5}",
]
KINDS = [
    "Pod", "ReplicaSet", "ReplicationController", "Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob",
    "PersistentVolumeClaim", "Service", "ConfigMap", "Namespace", "List", "Widget",
]  # fmt: skip


@pytest.mark.parametrize("rule_id", OBJECT_RULES)
@pytest.mark.parametrize("body", MALFORMED)
def test_rules_survive_wrong_types(rule_id: str, body: str) -> None:
    for kind in KINDS:
        for api_version in ("v1", "apps/v1", "batch/v1", "extensions/v1beta1"):
            text = f"apiVersion: {api_version}\nkind: {kind}\n{body}\n"
            findings = lint(text, rule_id)
            assert all(f.rule == rule_id for f in findings), [f.message for f in findings]

"""Security rules: messages, options, positions and robustness that the fixtures cannot show."""

from textwrap import dedent, indent

import pytest

import kubelint
from kubelint import Config
from kubelint.config import RuleSetting, load_config
from kubelint.findings import Finding
from kubelint.registry import all_rules

SECURITY_RULES = (
    "host-path-volume",
    "privileged-container",
    "host-network",
    "run-as-root",
    "writable-root-filesystem",
    "secret-in-env-value",
    "secret-in-configmap",
)


def only(*rule_ids: str, **options: object) -> Config:
    """These rules on (each with these options), internal-error to catch crashes; the rest off."""
    settings = {}
    for rule in all_rules().values():
        chosen = rule.id in rule_ids
        merged = {**rule.options, **{key: value for key, value in options.items() if key in rule.options}}
        settings[rule.id] = RuleSetting(chosen or rule.id == "internal-error", rule.severity, merged)
    return Config(settings=settings)


def lint(text: str, *rule_ids: str, **options: object) -> list[Finding]:
    return kubelint.lint_text(dedent(text), path="x.yaml", config=only(*rule_ids, **options))


def pod(containers: str, pod_spec: str = "") -> str:
    """A Pod around the given `containers:` items (written at the indentation of a list item)."""
    return (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: shop, namespace: shop}\nspec:\n"
        + indent(dedent(pod_spec), "  ")
        + "  containers:\n"
        + indent(dedent(containers).rstrip("\n") + "\n", "    ")
    )


def configmap(data: str) -> str:
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\n" + dedent(data)


def test_the_rules_are_registered_with_their_book_chapter() -> None:
    rules = all_rules()
    for rule_id in SECURITY_RULES[:5]:
        assert rules[rule_id].book == "Chapter 19, Securing Applications in Kubernetes"
    for rule_id in SECURITY_RULES[5:]:
        assert rules[rule_id].book == "Chapter 13, ConfigMaps and Secrets"
    assert rules["secret-in-env-value"].options == {"report-low-confidence": False}
    assert rules["secret-in-configmap"].options == {"report-low-confidence": False}


# -- host-path-volume ---------------------------------------------------------------------------


def test_host_path_names_the_volume_and_the_path() -> None:
    text = pod(
        "- {name: app, image: registry.example.com/app:1.0.0}",
        "volumes:\n  - name: sock\n    hostPath: {path: /run/containerd/containerd.sock}\n",
    )
    [finding] = lint(text, "host-path-volume")
    assert finding.message.startswith(
        'volume "sock" mounts the node\'s container runtime socket "/run/containerd/containerd.sock" (hostPath)'
    )
    assert (finding.line, finding.column) == (7, 7)


# -- privileged-container -----------------------------------------------------------------------


def test_privileged_and_sys_admin_are_reported_for_the_right_container() -> None:
    text = pod(
        """\
        - name: safe
          image: registry.example.com/app:1.0.0
          securityContext: {capabilities: {add: [NET_BIND_SERVICE]}}
        - name: powerful
          image: registry.example.com/app:1.0.0
          securityContext: {privileged: true, capabilities: {add: [sys_admin]}}
        """
    )
    findings = lint(text, "privileged-container")
    assert [(f.container, f.line) for f in findings] == [("powerful", 11), ("powerful", 11)]
    assert "runs privileged" in findings[0].message
    assert 'adds the capability "sys_admin"' in findings[1].message


# -- host-network -------------------------------------------------------------------------------


def test_host_namespaces_are_reported_one_by_one_with_their_name() -> None:
    text = pod(
        "- {name: app, image: registry.example.com/app:1.0.0}", "hostNetwork: true\nhostPID: true\nhostIPC: true\n"
    )
    messages = [f.message for f in lint(text, "host-network")]
    assert [message.split(",")[0] for message in messages] == [
        'Pod "shop" sets hostNetwork: true',
        'Pod "shop" sets hostPID: true',
        'Pod "shop" sets hostIPC: true',
    ]


# -- run-as-root --------------------------------------------------------------------------------


def test_run_as_root_reads_the_pod_level_setting_and_lets_containers_override_it() -> None:
    text = pod(
        """\
        - name: inherits
          image: registry.example.com/app:1.0.0
        - name: overrides
          image: registry.example.com/app:1.0.0
          securityContext: {runAsUser: 1000}
        - name: explicit
          image: registry.example.com/app:1.0.0
          securityContext: {runAsNonRoot: true, runAsUser: 0}
        """,
        "securityContext: {runAsUser: 0}\n",
    )
    findings = lint(text, "run-as-root")
    assert [(f.container, f.line, f.column) for f in findings] == [("inherits", 7, 13), ("explicit", 14, 56)]
    assert "asks to run as root: the pod's securityContext sets runAsUser: 0" in findings[0].message
    assert "asks to run as root: its securityContext sets runAsUser: 0" in findings[1].message


def test_run_as_root_pod_level_opt_out_is_named_in_the_message() -> None:
    text = pod("- {name: app, image: registry.example.com/app:1.0.0}", "securityContext: {runAsNonRoot: false}\n")
    [finding] = lint(text, "run-as-root")
    assert finding.message.startswith(
        'container "app" may run as root: the pod\'s securityContext sets runAsNonRoot: false'
    )


@pytest.mark.parametrize(
    "context",
    ["{runAsNonRoot: true}", "{runAsUser: 1001}", "{runAsUser: '{{ .Values.uid }}'}", "{runAsNonRoot: ${NONROOT}}"],
)
def test_run_as_root_accepts_non_root_and_undecidable_settings(context: str) -> None:
    text = pod(f"- {{name: app, image: registry.example.com/app:1.0.0, securityContext: {context}}}")
    assert lint(text, "run-as-root") == []


# -- writable-root-filesystem -------------------------------------------------------------------


def test_writable_root_filesystem_points_at_an_unnamed_container() -> None:
    text = pod("- image: registry.example.com/app:1.0.0\n  ports: [{containerPort: 80}]")
    [finding] = lint(text, "writable-root-filesystem")
    assert (finding.line, finding.column, finding.container) == (6, 7, "containers[0]")


# -- secret-in-env-value ------------------------------------------------------------------------

ENV_CONTAINER = """\
- name: api
  image: registry.example.com/app:1.0.0
  env:
    - {name: DB_PASSWORD, value: "s3cr3t-Passw0rd"}
    - {name: BUILD_SEED, value: aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5}
"""


def test_secret_in_env_value_message_names_variable_container_and_reason() -> None:
    [finding] = lint(pod(ENV_CONTAINER), "secret-in-env-value")
    assert finding.message == (
        'env var "DB_PASSWORD" of container "api" holds a literal secret (the name says it is a password); '
        "move it into a Secret and use valueFrom.secretKeyRef"
    )
    assert (finding.line, finding.column, finding.container) == (9, 38, "api")


def test_secret_in_env_value_reports_low_confidence_only_when_asked(tmp_path) -> None:
    config_file = tmp_path / ".kubelint.yaml"
    config_file.write_text("rules:\n  secret-in-env-value: {report-low-confidence: true}\n")
    findings = kubelint.lint_text(pod(ENV_CONTAINER), path="x.yaml", config=load_config(config_file))
    secret_findings = [f for f in findings if f.rule == "secret-in-env-value"]
    assert [f.line for f in secret_findings] == [9, 10]
    assert "random-looking" in secret_findings[1].message


def test_secret_in_env_value_looks_at_init_containers_and_sidecars() -> None:
    containers = """\
        - name: web
          image: registry.example.com/app:1.0.0
        """
    init = """\
        initContainers:
          - name: seed
            image: registry.example.com/seed:1.0.0
            env: [{name: ADMIN_PASSWORD, value: "seed-me-42"}]
          - name: proxy
            image: registry.example.com/proxy:1.0.0
            restartPolicy: Always
            env: [{name: UPSTREAM_TOKEN, value: "tok-5f2c9a"}]
        """
    findings = lint(pod(containers, init), "secret-in-env-value")
    assert [f.container for f in findings] == ["seed", "proxy"]


# -- secret-in-configmap ------------------------------------------------------------------------


def test_secret_in_configmap_points_inside_a_literal_block_with_any_indentation() -> None:
    text = configmap(
        """\
        data:
            app.properties: |
                cache.ttl=60

                db.password=Orders-2024!
        """
    )
    [finding] = lint(text, "secret-in-configmap")
    assert finding.line == 8
    assert finding.message.startswith('"db.password" in key "app.properties" of ConfigMap "settings" is set to')


def test_secret_in_configmap_reports_a_private_key_at_its_begin_line_and_not_a_certificate() -> None:
    body = "\n".join(["    MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"] * 3)
    text = configmap(
        "data:\n"
        "  ca.crt: |\n    -----BEGIN CERTIFICATE-----\n" + body + "\n    -----END CERTIFICATE-----\n"
        "  config: |\n    listen: 8443\n    key: |\n      -----BEGIN PRIVATE KEY-----\n"
        + indent(body, "  ")
        + "\n      -----END PRIVATE KEY-----\n"
    )
    [finding] = lint(text, "secret-in-configmap")
    assert finding.line == text.splitlines().index("      -----BEGIN PRIVATE KEY-----") + 1
    assert "PEM private key" in finding.message


def test_secret_in_configmap_option_reports_low_confidence_entries() -> None:
    text = configmap("data:\n  seed: aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5\n  theme: dark\n")
    assert lint(text, "secret-in-configmap") == []
    [finding] = lint(text, "secret-in-configmap", **{"report-low-confidence": True})
    assert finding.line == 5


def test_secret_in_configmap_ignores_binary_data_and_other_kinds() -> None:
    text = configmap("binaryData:\n  logo.png: iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\n")
    assert lint(text, "secret-in-configmap") == []
    secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {DB_PASSWORD: hunter2-hunter2}\n"
    assert lint(secret, "secret-in-configmap") == []


# -- robustness ---------------------------------------------------------------------------------

MALFORMED = [
    pod("- {name: a, image: x, securityContext: 5, env: 5}", "securityContext: [1]\nvolumes: {a: b}\n"),
    pod("- {name: a, image: x, securityContext: {capabilities: 5, runAsUser: true, privileged: yes}}"),
    pod("- {name: a, image: x, securityContext: {capabilities: {add: {SYS_ADMIN: 1}}}, env: [5, null, []]}"),
    pod("- {name: a, image: x, env: [{name: [x], value: {a: b}}, {name: TOKEN, value: 12345}]}"),
    pod("- name: a", "os: windows\nhostNetwork: [true]\nvolumes: [5, {hostPath: [x]}, {hostPath: {path: 5}}]\n"),
    pod("- 5\n- null"),
    "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: 5\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: 5, securityContext: null}\n",
    configmap("data: [a, b]\nbinaryData: 5\n"),
    configmap(
        "data: {5: 5, null: null, k: [x], p: '\\n\\n-----BEGIN PRIVATE KEY-----'}\nbinaryData: {a: 5, b: '%%%'}\n"
    ),
    configmap("binaryData: {c: '//8=', d: '', e: [x]}\n"),
    configmap("data:\n  f: |\n    =\n    :\n    'password: \"\n    -----END\n"),
]


@pytest.mark.parametrize("text", MALFORMED)
def test_security_rules_never_crash_on_malformed_values(text: str) -> None:
    findings = lint(text, *SECURITY_RULES)
    assert [f.message for f in findings if f.rule == "internal-error"] == []

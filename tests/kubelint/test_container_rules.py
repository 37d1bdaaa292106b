"""Container rules: messages, options and robustness that the fixtures cannot show."""

from textwrap import dedent, indent
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kubelint
from kubelint import Config
from kubelint.config import RuleSetting
from kubelint.findings import Finding
from kubelint.registry import all_rules

CONTAINER_RULES = (
    "image-not-pinned-by-digest",
    "missing-requests",
    "missing-memory-limit",
    "requests-exceed-limits",
    "missing-liveness-probe",
    "missing-readiness-probe",
    "identical-liveness-readiness",
    "probe-port-not-exposed",
    "duplicate-env-var",
)


def only(*rule_ids: str, **options: object) -> Config:
    """These rules on (the first one with these options), internal-error to catch crashes; the rest off."""
    settings = {
        rule.id: RuleSetting(rule.id in (*rule_ids, "internal-error"), rule.severity, rule.options)
        for rule in all_rules().values()
    }
    first = all_rules()[rule_ids[0]]
    settings[first.id] = RuleSetting(True, first.severity, {**first.options, **options})
    return Config(settings=settings)


def lint(text: str, *rule_ids: str, **options: object) -> list[Finding]:
    return kubelint.lint_text(dedent(text), path="x.yaml", config=only(*rule_ids, **options))


def deployment(containers: str, kind: str = "Deployment", pod_spec: str = "") -> str:
    """A workload around the given `containers:` items (written at the indentation of a list item)."""
    return (
        dedent(
            f"""\
            apiVersion: apps/v1
            kind: {kind}
            metadata: {{name: shop, namespace: shop}}
            spec:
              selector: {{matchLabels: {{app: shop}}}}
              template:
                metadata: {{labels: {{app: shop}}}}
                spec:
            """
        )
        + indent(dedent(pod_spec), " " * 6)
        + "      containers:\n"
        + indent(dedent(containers).rstrip("\n") + "\n", " " * 8)
    )


def test_the_rules_are_registered_with_their_book_chapter() -> None:
    rules = all_rules()
    chapters = {rule_id: rules[rule_id].book for rule_id in CONTAINER_RULES}
    assert chapters["image-not-pinned-by-digest"] == "Chapter 2, Creating and Running Containers"
    assert chapters["duplicate-env-var"] == "Chapter 13, ConfigMaps and Secrets"
    others = set(CONTAINER_RULES) - {"image-not-pinned-by-digest", "duplicate-env-var"}
    assert {chapters[rule_id] for rule_id in others} == {"Chapter 5, Pods"}
    assert all(rules[rule_id].scope == "container" for rule_id in CONTAINER_RULES)


# -- image-not-pinned-by-digest -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("nginx", ["mutable-image-tag"]),
        ("nginx:latest", ["mutable-image-tag"]),
        ("nginx:1.27.0", ["image-not-pinned-by-digest"]),
        ("registry.example.com:5000/nginx:1.27.0", ["image-not-pinned-by-digest"]),
        ("registry.example.com:5000/nginx", ["mutable-image-tag"]),
        ("nginx:1.27.0@sha256:" + "a" * 64, []),
        ("nginx@sha256:" + "a" * 64, []),
        ("nginx:{{ .Values.tag }}", []),
    ],
)
def test_an_image_gets_at_most_one_of_the_two_image_findings(image: str, expected: list[str]) -> None:
    findings = lint(deployment(f"- {{name: web, image: '{image}'}}"), "image-not-pinned-by-digest", "mutable-image-tag")
    assert [f.rule for f in findings] == expected


def test_image_message_names_the_image_the_tag_and_the_container() -> None:
    (finding,) = lint(deployment("- {name: web, image: nginx:1.27.0}"), "image-not-pinned-by-digest")
    assert finding.container == "web"
    assert '"nginx:1.27.0"' in finding.message and '":1.27.0"' in finding.message
    assert "@sha256:" in finding.message


# -- missing-requests -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resources", "missing"),
    [
        ("{}", "no CPU or memory requests"),
        ("{requests: {cpu: 100m}}", "no memory request"),
        ("{requests: {memory: 64Mi}}", "no CPU request"),
        ("{requests: {memory: 64Mi}, limits: {cpu: 100m}}", None),
        ("{limits: {cpu: 100m, memory: 64Mi}}", None),
        ("{limits: {memory: 64Mi}}", "no CPU request"),
        ("{requests: {cpu: 100m, memory: 64Mi}}", None),
    ],
)
def test_missing_requests_says_which_request_is_missing(resources: str, missing: str | None) -> None:
    findings = lint(deployment(f"- {{name: api, image: x:1, resources: {resources}}}"), "missing-requests")
    if missing is None:
        assert findings == []
    else:
        (finding,) = findings
        assert finding.container == "api"
        assert f'container "api" has {missing}' in finding.message


def test_missing_requests_counts_pod_level_resources() -> None:
    text = deployment("- {name: api, image: x:1}", kind="Deployment", pod_spec="resources: {requests: {cpu: '1'}}\n")
    (finding,) = lint(text, "missing-requests")
    assert "no memory request" in finding.message


def test_missing_requests_skips_ephemeral_containers() -> None:
    text = deployment(
        "- {name: api, image: x:1, resources: {limits: {cpu: 1, memory: 1Gi}}}",
        pod_spec="ephemeralContainers: [{name: debug, image: 'busybox:1.36'}]\n",
    )
    assert lint(text, "missing-requests", "missing-memory-limit") == []


# -- missing-memory-limit ---------------------------------------------------------------------


def test_missing_memory_limit_names_the_container_and_ignores_cpu() -> None:
    text = deployment(
        """\
        - {name: api, image: x:1, resources: {limits: {memory: 1Gi}}}
        - {name: worker, image: x:1, resources: {limits: {cpu: 1}}}
        """
    )
    (finding,) = lint(text, "missing-memory-limit")
    assert finding.container == "worker"
    assert finding.message.startswith('container "worker" has no memory limit; set resources.limits.memory')


# -- requests-exceed-limits -------------------------------------------------------------------


def test_requests_exceed_limits_shows_both_values_at_the_request() -> None:
    text = deployment(
        """\
        - name: api
          image: x:1
          resources:
            requests: {memory: 1Gi, nvidia.com/gpu: 2, cpu: 100m}
            limits: {memory: 1G, nvidia.com/gpu: 1, cpu: 0.1}
        """
    )
    memory, gpu = lint(text, "requests-exceed-limits")
    assert 'container "api" requests more memory than its limit (1Gi > 1G)' in memory.message
    assert 'requests more "nvidia.com/gpu" than its limit (2 > 1)' in gpu.message
    requests_line = text.splitlines()[memory.line - 1]
    assert memory.column == requests_line.index("1Gi") + 1
    assert (gpu.line, gpu.column) == (memory.line, requests_line.index("2,") + 1)


# -- probes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", ["missing-liveness-probe", "missing-readiness-probe"])
@pytest.mark.parametrize(
    ("kind", "restart_policy", "expected"),
    [
        ("Deployment", "", True),
        ("StatefulSet", "", True),
        ("DaemonSet", "", True),
        ("ReplicaSet", "", True),
        ("Job", "restartPolicy: Never\n", False),
        ("Pod", "", True),
        ("Pod", "restartPolicy: Always\n", True),
        ("Pod", "restartPolicy: OnFailure\n", False),
        ("Pod", "restartPolicy: Never\n", False),
    ],
)
def test_probes_are_required_only_where_containers_run_until_stopped(
    rule_id: str, kind: str, restart_policy: str, expected: bool
) -> None:
    if kind == "Pod":
        text = f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  {restart_policy}  containers:\n"
        text += "    - {name: main, image: x:1}\n"
    else:
        text = deployment("- {name: main, image: x:1}", kind=kind, pod_spec=restart_policy)
    findings = lint(text, rule_id)
    assert [f.container for f in findings] == (["main"] if expected else [])


def test_probe_rules_check_native_sidecars_but_not_init_containers() -> None:
    text = deployment(
        "- {name: main, image: x:1, livenessProbe: {exec: {command: [x]}}}",
        pod_spec="""\
        initContainers:
          - {name: setup, image: x:1}
          - {name: proxy, image: x:1, restartPolicy: Always}
        """,
    )
    findings = lint(text, "missing-liveness-probe")
    assert [f.container for f in findings] == ["proxy"]


def test_identical_probes_are_reported_once_at_the_liveness_probe() -> None:
    text = deployment(
        """\
        - name: web
          image: x:1
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /health, port: http}}
          livenessProbe: {httpGet: {path: /health, port: 8080, scheme: HTTP}, timeoutSeconds: 1}
        """
    )
    (finding,) = lint(text, "identical-liveness-readiness")
    liveness_line = next(number for number, line in enumerate(text.splitlines(), 1) if "livenessProbe" in line)
    assert finding.container == "web"
    assert (finding.line, finding.column) == (liveness_line, 11)
    assert "restarted instead of only leaving the Service" in finding.message


def test_identical_probes_differ_by_any_timing() -> None:
    text = deployment(
        """\
        - name: web
          image: x:1
          readinessProbe: {tcpSocket: {port: 80}}
          livenessProbe: {tcpSocket: {port: 80}, periodSeconds: 20}
        """
    )
    assert lint(text, "identical-liveness-readiness") == []


PROBE_PORTS = """\
- name: web
  image: x:1
  ports: [{name: http, containerPort: 8080}]
  livenessProbe: {httpGet: {path: /, port: htp}}
  readinessProbe: {tcpSocket: {port: 9090}}
  startupProbe: {tcpSocket: {port: "8080"}}
- name: proxy
  image: y:1
  ports: [{name: admin, containerPort: 15000}]
  livenessProbe: {httpGet: {path: /, port: 8080}}
"""


def test_probe_port_messages_tell_broken_from_undeclared() -> None:
    findings = lint(deployment(PROBE_PORTS), "probe-port-not-exposed")
    messages = {(f.container, f.message.split(";")[0]) for f in findings}
    assert messages == {
        ("web", 'liveness probe of container "web" uses the port name "htp", but the container declares no '
         "port of that name, so the probe can never succeed"),
        ("web", 'readiness probe of container "web" checks port 9090, which the container does not declare'),
        ("web", 'startup probe of container "web" uses the quoted port "8080", which Kubernetes reads as a port '
         "name and rejects (a name needs a letter)"),
        ("proxy", 'liveness probe of container "proxy" checks port 8080, which container "web" declares, '
         "not this one"),
    }  # fmt: skip


def test_numeric_probe_ports_can_be_left_unreported() -> None:
    findings = lint(deployment(PROBE_PORTS), "probe-port-not-exposed", **{"report-numeric-ports": False})
    assert sorted(f.message.split(" uses ")[1].split(",")[0] for f in findings) == [
        'the port name "htp"',
        'the quoted port "8080"',
    ]


# -- duplicate-env-var ------------------------------------------------------------------------


def test_duplicate_env_var_points_back_at_the_first_definition() -> None:
    text = deployment(
        """\
        - name: web
          image: x:1
          env:
            - {name: MODE, value: a}
            - {name: OTHER, value: b}
            - {name: MODE, value: c}
        - name: sidecar
          image: x:1
          env: [{name: MODE, value: a}]
        """
    )
    (finding,) = lint(text, "duplicate-env-var")
    lines = text.splitlines()
    first, second = (
        number for number, line in enumerate(lines, 1) if "{name: MODE, value: " in line and "[" not in line
    )
    assert finding.container == "web"
    assert finding.line == second
    assert f'environment variable "MODE" of container "web" is already defined on line {first}' in finding.message
    assert "the last definition wins" in finding.message


# -- robustness -------------------------------------------------------------------------------

MALFORMED_CONTAINERS = [
    "containers: 5",
    "containers: [5, ~, [x], 'text']",
    "containers: [{name: [a], image: {x: 1}}]",
    "containers: [{name: a, resources: null, ports: '80', env: 5}]",
    "containers: [{name: a, resources: 5, env: [5, ~, {name: [x]}, {name: {y: 1}}, {name: {y: 1}}]}]",
    "containers: [{name: a, resources: {requests: 5, limits: [cpu]}}]",
    "containers: [{name: a, resources: {requests: {cpu: [1], memory: {a: 1}}, limits: {cpu: {a: 1}, memory: []}}}]",
    "containers: [{name: a, resources: {requests: {cpu: true}, limits: {cpu: 2e400}}}]",
    "containers: [{name: a, ports: [5, ~, {name: [x]}, {containerPort: [1]}], livenessProbe: [x], "
    "readinessProbe: {httpGet: 5, tcpSocket: {port: {a: 1}}, grpc: {port: [1]}}}]",
    "containers: [{name: a, livenessProbe: {httpGet: {port: [1]}}, readinessProbe: {httpGet: {port: [1]}}}]",
    "containers: [{name: a, livenessProbe: {exec: 5}, readinessProbe: {exec: 5}}]",
    "containers: [{name: a, ports: [{name: {x: 1}, containerPort: 1}], livenessProbe: {tcpSocket: {port: x}}}]",
    "initContainers: {a: 1}\n      containers: [{name: a, restartPolicy: [Always]}]",
    "resources: 7\n      containers: [{name: a}]",
    "resources: {requests: 5, limits: {memory: [x]}}\n      containers: [{name: a}]",
]


@pytest.mark.parametrize("rule_id", CONTAINER_RULES)
@pytest.mark.parametrize("pod_spec", MALFORMED_CONTAINERS)
def test_wrong_types_never_crash_a_container_rule(rule_id: str, pod_spec: str) -> None:
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n"
    text += f"      {pod_spec}\n"
    findings = kubelint.lint_text(text, path="x.yaml", config=only(rule_id))
    assert [f.message for f in findings if f.rule == "internal-error"] == []


def _any_yaml_value() -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    keys = st.sampled_from(["name", "port", "cpu", "memory", "requests", "limits", "httpGet", "value", "x"])
    return st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3), max_leaves=8
    )


FIELDS = ["image", "resources", "ports", "env", "livenessProbe", "readinessProbe", "startupProbe", "restartPolicy"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(FIELDS), _any_yaml_value(), max_size=5))
def test_random_container_fields_never_crash_the_container_rules(fields: dict[str, Any]) -> None:
    container = {"name": "fuzz", **fields}
    spec = {"initContainers": [container], "containers": [container, {"name": "other", **fields}]}
    document = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "fuzz"}, "spec": spec}
    findings = kubelint.lint_text(yaml.safe_dump(document), path="x.yaml", config=only(*CONTAINER_RULES))
    assert [f.message for f in findings if f.rule == "internal-error"] == []

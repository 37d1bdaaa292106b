"""Schema validation of built-in objects: positions, messages, and the YAML traps it must survive."""

from textwrap import dedent

from kubelint.findings import Span
from kubelint.manifests.objects import objects_of
from kubelint.manifests.schema import SchemaProblem, is_known_kind, known_kinds, schema_problems
from kubelint.manifests.yamldoc import read_yaml


def problems_of(text: str) -> list[SchemaProblem]:
    objects, not_objects = objects_of(read_yaml(dedent(text).lstrip("\n"), "test.yaml"))
    assert len(objects) == 1 and not not_objects
    return schema_problems(objects[0])


def only_problem(text: str) -> SchemaProblem:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


# Ends inside the container, so that tests can append container fields (indented by 10).
DEPLOYMENT_HEAD = dedent(
    """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
            - name: web
              image: registry.example.com/web:2.4.1
    """
).lstrip("\n")


def test_misspelled_container_field_points_at_the_key_and_suggests_the_right_name() -> None:
    problem = only_problem(DEPLOYMENT_HEAD + "          imagePullPolicyy: IfNotPresent\n")
    assert problem.kind == "unknown-field"
    assert problem.span == Span(15, 11, 15, 27)
    assert "`spec.template.spec.containers[0].imagePullPolicyy`" in problem.message
    assert "did you mean `imagePullPolicy`?" in problem.message


def test_unknown_spec_field_without_a_close_name_says_what_to_do() -> None:
    problem = only_problem(
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector: {app: web}
          colour: blue
          ports:
            - port: 80
        """
    )
    assert problem.kind == "unknown-field"
    assert problem.span == Span(7, 3, 7, 9)
    assert "`spec.colour`" in problem.message
    assert "remove it" in problem.message and "apiVersion" in problem.message


def test_quoted_number_where_an_integer_is_expected() -> None:
    problem = only_problem(DEPLOYMENT_HEAD.replace("  selector:", '  replicas: "3"\n  selector:', 1))
    assert problem.kind == "invalid-type"
    assert problem.span == Span(6, 13, 6, 16)
    assert 'spec.replicas` must be an integer, got string "3"' in problem.message
    assert "remove the quotes" in problem.message


def test_fractional_number_where_an_integer_is_expected() -> None:
    problem = only_problem(DEPLOYMENT_HEAD.replace("  selector:", "  replicas: 1.5\n  selector:", 1))
    assert problem.kind == "invalid-type"
    assert problem.span == Span(6, 13, 6, 16)
    assert "must be an integer, got number `1.5`" in problem.message


def test_numbers_and_booleans_where_strings_are_expected() -> None:
    text = DEPLOYMENT_HEAD.replace("labels: {app: web}", "labels: {app: web, canary: yes}")
    text += "          env:\n            - name: WORKERS\n              value: 1.10\n"
    problems = problems_of(text)
    assert [problem.kind for problem in problems] == ["invalid-type", "invalid-type"]
    label, env = problems
    assert label.span == Span(10, 34, 10, 37)
    assert "`spec.template.metadata.labels.canary` must be a string, got boolean `yes`" in label.message
    assert 'quote it: "yes"' in label.message
    assert env.span == Span(17, 22, 17, 26)
    assert "`spec.template.spec.containers[0].env[0].value` must be a string" in env.message
    assert 'got number `1.10`; quote it: "1.10"' in env.message


def test_int_or_string_ports_accept_both_forms_but_a_plain_port_wants_an_integer() -> None:
    problem = only_problem(
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          annotations:
            prometheus.io/port: "9090"
        spec:
          selector: {app: web}
          ports:
            - name: http
              port: 80
              targetPort: http
            - name: metrics
              port: "9090"
              targetPort: 9090
        """
    )
    assert problem.kind == "invalid-type"
    assert problem.span == Span(14, 13, 14, 19)
    assert "`spec.ports[1].port` must be an integer" in problem.message


def test_quantities_accept_numbers_and_strings() -> None:
    text = DEPLOYMENT_HEAD + (
        "          resources:\n"
        "            requests: {cpu: 500m, memory: 256Mi}\n"
        "            limits: {cpu: 2, memory: 1Gi, ephemeral-storage: 1.5}\n"
    )
    assert problems_of(text) == []


def test_status_and_managed_fields_are_not_checked() -> None:
    text = DEPLOYMENT_HEAD.replace(
        "  name: web\n", "  name: web\n  managedFields:\n    - manager: kubectl\n      bogus: 1\n", 1
    )
    text += "status:\n  replicas: three\n  whatever: {}\n"
    assert problems_of(text) == []


def test_missing_container_name_points_at_the_container() -> None:
    problem = only_problem(DEPLOYMENT_HEAD.replace("- name: web\n          image:", "- image:"))
    assert problem.kind == "missing-required-field"
    assert problem.span == Span(13, 11, 13, 16)
    assert "`spec.template.spec.containers[0]` has no `name`" in problem.message


def test_missing_selector_points_at_the_spec_key() -> None:
    problem = only_problem(DEPLOYMENT_HEAD.replace("  selector:\n    matchLabels: {app: web}\n", "", 1))
    assert problem.kind == "missing-required-field"
    assert problem.span == Span(5, 1, 5, 5)
    assert "`spec` has no `selector`" in problem.message


def test_strategic_merge_patches_are_partial_objects() -> None:
    text = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
                - name: web
                  resources:
                    $patch: delete
    """
    assert problems_of(text) == []


CRD = """
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: backups.example.com
    spec:
      group: example.com
      scope: Namespaced
      names: {kind: Backup, plural: backups, singular: backup, listKind: BackupList, shortNames: [bk]}
      versions:
        - name: v1
          served: true
          storage: true
          subresources:
            status: {}
          additionalPrinterColumns:
            - {name: Schedule, type: string, jsonPath: .spec.schedule}
          schema:
            openAPIV3Schema:
              type: object
              required: [spec]
              properties:
                spec:
                  type: object
                  required: [schedule]
                  x-kubernetes-validations:
                    - rule: "self.keep >= 1"
                      message: keep at least one backup
                  properties:
                    schedule: {type: string, pattern: '^(\\S+ ){4}\\S+$'}
                    keep: {type: integer, minimum: 1, maximum: 100, default: 7}
                    ratio: {type: number, minimum: 0.5, exclusiveMinimum: false}
                    port:
                      x-kubernetes-int-or-string: true
                      anyOf: [{type: integer}, {type: string}]
                    mode: {type: string, enum: [full, incremental], default: full}
                    labels:
                      type: object
                      additionalProperties: {type: string}
                    template:
                      type: object
                      x-kubernetes-preserve-unknown-fields: true
                      x-kubernetes-embedded-resource: true
                    targets:
                      type: array
                      x-kubernetes-list-type: map
                      x-kubernetes-list-map-keys: [name]
                      items:
                        type: object
                        required: [name]
                        properties:
                          name: {type: string, maxLength: 63}
                          paths: {type: array, items: {type: string}}
                status:
                  type: object
                  nullable: true
                  properties:
                    phase: {type: string}
"""


def test_custom_resource_definition_with_a_schema_is_valid() -> None:
    assert problems_of(CRD) == []


def test_custom_resource_definition_schema_is_checked_inside_items() -> None:
    misspelled = CRD.replace("name: {type: string, maxLength: 63}", "name: {type: string, maxLenght: 63}")
    problem = only_problem(misspelled)
    assert problem.kind == "unknown-field"
    assert problem.span == Span(51, 44, 51, 53)
    assert "did you mean `maxLength`?" in problem.message


def test_custom_resources_and_removed_apis_are_left_alone() -> None:
    custom = """
        apiVersion: example.com/v1
        kind: Backup
        metadata:
          name: nightly
        spec:
          schedule: 0 3 * * *
          keep: "seven"
          unknown: {anything: [1, 2]}
    """
    removed = DEPLOYMENT_HEAD.replace("apps/v1", "extensions/v1beta1") + "          bogus: 1\n"
    assert problems_of(custom) == []
    assert problems_of(removed) == []
    assert is_known_kind("apps", "v1", "Deployment") and is_known_kind("", "v1", "Pod")
    assert not is_known_kind("extensions", "v1beta1", "Deployment")
    assert not is_known_kind("example.com", "v1", "Backup")
    assert {("apps", "v1", "Deployment"), ("batch", "v1", "CronJob")} <= known_kinds()


def test_billion_laughs_reports_a_shared_value_once() -> None:
    lines = [
        "apiVersion: apiextensions.k8s.io/v1",
        "kind: CustomResourceDefinition",
        "metadata: {name: laughs.example.com}",
        "spec:",
        "  group: example.com",
        "  scope: Namespaced",
        "  names: {kind: Laugh, plural: laughs}",
        "  versions:",
        "    - name: v1",
        "      served: true",
        "      storage: true",
        "      schema:",
        "        openAPIV3Schema:",
        "          type: object",
        "          definitions:",
        "            l0: &l0 {type: string, colour: red}",
    ]
    for level in range(1, 12):
        shared = ", ".join(f"p{index}: *l{level - 1}" for index in range(9))
        twice = f"*l{level - 1}, *l{level - 1}"
        lines.append(f"            l{level}: &l{level} {{properties: {{{shared}}}, items: [{twice}]}}")
    # Expanding every alias visits some 11**11 nodes; pytest-timeout stops it.
    problems = problems_of("\n".join(lines) + "\n")
    assert [(problem.kind, problem.span.line) for problem in problems] == [("unknown-field", 16)]


def test_flow_list_placeholder_in_secret_data() -> None:
    problem = only_problem(
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: cloud
        data:
          access-key: [YOUR_BASE64_KEY]
        """
    )
    assert problem.kind == "invalid-type"
    assert problem.span == Span(6, 15, 6, 32)
    assert "`data.access-key` must be a string, got a list" in problem.message
    assert "quote the value" in problem.message


def test_results_are_kept_on_the_object() -> None:
    objects, _ = objects_of(read_yaml(DEPLOYMENT_HEAD, "test.yaml"))
    first = schema_problems(objects[0])
    assert schema_problems(objects[0]) is first

"""kubesim.api.validation: decoding checks and semantic validation, with the API server's messages."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from kubesim.api import defaults
from kubesim.api.errors import ApiError, invalid
from kubesim.api.validation import (
    base64_error_offset,
    canonical_quantity,
    check_body,
    check_patched,
    cron_schedule_error,
    custom_schema,
    duplicate_fields,
    field_validation,
    parse_quantity,
    prune_unknown,
    schema_for,
    validate_create,
    validate_update,
    warning_header,
)

SUBDOMAIN_RULE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_RULE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)


def deployment_body(**spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx"}]},
            },
        },
    }
    body["spec"].update(spec)
    return body


def stored(group: str, kind: str, obj: dict[str, Any], uid: str = "u-1") -> dict[str, Any]:
    """The object as the server validates it: defaulted, admitted, prepared."""
    obj = copy.deepcopy(obj)
    obj.setdefault("metadata", {}).setdefault("uid", uid)
    defaults.apply_defaults(group, kind, obj)
    if kind == "Pod":
        defaults.admit_pod(obj, "x7k2q")
    defaults.prepare_for_create(group, kind, obj)
    return obj


def message(kind: str, group: str, obj: dict[str, Any], old: dict[str, Any] | None = None) -> str:
    causes = validate_create(kind, group, obj) if old is None else validate_update(kind, group, old, obj)
    return invalid(kind, obj["metadata"].get("name", ""), group, causes).message


def refused(call: Any, *args: Any, **kwargs: Any) -> ApiError:
    with pytest.raises(ApiError) as raised:
        call(*args, **kwargs)
    return raised.value


# --- the fieldValidation parameter ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"), [(None, "Warn"), ("", "Warn"), ("Strict", "Strict"), ("Ignore", "Ignore")]
)
def test_field_validation_defaults_to_warn(given: str | None, expected: str) -> None:
    assert field_validation(given) == expected


def test_an_unknown_field_validation_value_is_invalid_create_options() -> None:
    error = refused(field_validation, "Loose")
    assert error.code == 422
    assert error.message == (
        'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": '
        'supported values: "", "Ignore", "Strict", "Warn"'
    )
    assert error.details == {
        "group": "meta.k8s.io",
        "kind": "CreateOptions",
        "causes": [
            {
                "reason": "FieldValueNotSupported",
                "message": 'Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"',
                "field": "fieldValidation",
            }
        ],
    }


# --- unknown and duplicate fields -------------------------------------------------------------------------


def test_strict_refuses_an_unknown_field_with_the_decoders_message() -> None:
    body = deployment_body(replicaz=3)
    error = refused(check_body, body, "apps", "v1", "Deployment", "Strict")
    assert (error.code, error.reason) == (400, "BadRequest")
    assert error.message == (
        'Deployment in version "v1" cannot be handled as a Deployment: '
        'strict decoding error: unknown field "spec.replicaz"'
    )


def test_strict_lists_every_unknown_field_in_document_order() -> None:
    body = deployment_body(replicaz=3)
    body["spec"]["template"]["spec"]["containers"][0]["imagePolicy"] = "Always"
    body["metadata"]["lables"] = {"app": "web"}
    error = refused(check_body, body, "apps", "v1", "Deployment", "Strict")
    assert error.message.endswith(
        'strict decoding error: unknown field "metadata.lables", '
        'unknown field "spec.template.spec.containers[0].imagePolicy", unknown field "spec.replicaz"'
    )


def test_warn_accepts_the_object_without_the_unknown_fields_and_returns_one_warning_each() -> None:
    body = deployment_body(replicaz=3)
    body["spec"]["template"]["spec"]["containers"][0]["imagePolicy"] = "Always"
    warnings = check_body(body, "apps", "v1", "Deployment", "Warn")
    assert warnings == ['unknown field "spec.template.spec.containers[0].imagePolicy"', 'unknown field "spec.replicaz"']
    assert "replicaz" not in body["spec"]
    assert body["spec"]["template"]["spec"]["containers"][0] == {"name": "web", "image": "nginx"}
    assert warning_header(warnings[1]) == '299 - "unknown field \\"spec.replicaz\\""'


def test_ignore_drops_unknown_fields_silently() -> None:
    body = deployment_body(replicaz=3)
    assert check_body(body, "apps", "v1", "Deployment", "Ignore") == []
    assert "replicaz" not in body["spec"]


def test_a_valid_body_passes_unchanged() -> None:
    body = deployment_body(replicas=2)
    assert check_body(copy.deepcopy(body), "apps", "v1", "Deployment", "Strict") == []


def test_duplicate_fields_need_the_raw_body() -> None:
    raw = (
        b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"1","a":"2"}},'
        b'"data":{"k":"v"},"data":{"k":"w"}}'
    )
    assert duplicate_fields(raw) == ["metadata.labels.a", "data"]
    obj = json.loads(raw)
    error = refused(check_body, obj, "", "v1", "ConfigMap", "Strict", raw)
    assert error.message == (
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: '
        'duplicate field "metadata.labels.a", duplicate field "data"'
    )
    assert check_body(json.loads(raw), "", "v1", "ConfigMap", "Warn", raw) == [
        'duplicate field "metadata.labels.a"',
        'duplicate field "data"',
    ]


def test_an_unknown_field_met_twice_is_reported_once() -> None:
    raw = b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"dat":{},"dat":{}}'
    error = refused(check_body, json.loads(raw), "", "v1", "ConfigMap", "Strict", raw)
    assert error.message.endswith('strict decoding error: unknown field "dat"')


# --- values of the wrong type -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda body: body["spec"].update(replicas="3"),
            "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
        ),
        (
            lambda body: body["spec"].update(replicas=2.5),
            "json: cannot unmarshal number 2.5 into Go struct field DeploymentSpec.spec.replicas of type int32",
        ),
        (
            lambda body: body["spec"].update(replicas=3_000_000_000),
            "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32",
        ),
        (
            lambda body: body["spec"]["template"]["spec"]["containers"][0].update(ports=[{"containerPort": "80"}]),
            "json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports"
            ".containerPort of type int32",
        ),
        (
            lambda body: body["spec"]["template"]["spec"]["containers"][0].update(
                env=[{"name": "PORT", "value": 8080}]
            ),
            "json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value "
            "of type string",
        ),
        (
            lambda body: body["metadata"].update(labels={"tier": True}),
            "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string",
        ),
        (
            lambda body: body["spec"]["template"]["spec"].update(containers={"name": "web"}),
            "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers "
            "of type []v1.Container",
        ),
        (
            lambda body: body["spec"]["template"]["spec"]["containers"][0].update(command="sleep 10"),
            "json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.command "
            "of type []string",
        ),
        (
            lambda body: body.update(spec="web"),
            "json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec",
        ),
        (
            lambda body: body["spec"]["template"]["spec"].update(restartPolicy=1),
            "json: cannot unmarshal number into Go struct field PodSpec.spec.template.spec.restartPolicy "
            "of type v1.RestartPolicy",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_whatever_the_directive(change: Any, expected: str) -> None:
    for directive in ("Strict", "Warn", "Ignore"):
        body = deployment_body()
        change(body)
        error = refused(check_body, body, "apps", "v1", "Deployment", directive)
        assert error.code == 400
        assert error.message == f'Deployment in version "v1" cannot be handled as a Deployment: {expected}'


def test_the_first_wrong_value_is_the_one_reported_and_it_beats_unknown_fields() -> None:
    body = deployment_body(replicaz=1, replicas="1", minReadySeconds="5")
    error = refused(check_body, body, "apps", "v1", "Deployment", "Strict")
    assert error.message.endswith("Go struct field DeploymentSpec.spec.replicas of type int32")


def test_a_number_keeps_the_text_it_was_written_as() -> None:
    raw = b'{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":1.50}}'
    error = refused(check_body, json.loads(raw), "apps", "v1", "Deployment", "Strict", raw)
    assert error.message.endswith(
        "cannot unmarshal number 1.50 into Go struct field DeploymentSpec.spec.replicas of type int32"
    )


@pytest.mark.parametrize(
    ("memory", "expected"),
    [
        ("512mb", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
        ("1 GB", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
        ("512mi", "unable to parse quantity's suffix"),
        (True, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
    ],
)
def test_a_malformed_quantity_is_refused_with_its_parse_error(memory: Any, expected: str) -> None:
    pod: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "i", "resources": {"limits": {"memory": memory}}}]},
    }
    error = refused(check_body, pod, "", "v1", "Pod", "Strict")
    assert error.message == f'Pod in version "v1" cannot be handled as a Pod: {expected}'


def test_secret_data_must_be_base64() -> None:
    secret: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "data": {"password": "hunter2"},
    }
    error = refused(check_body, secret, "", "v1", "Secret", "Strict")
    assert error.message == 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4'


def test_an_int_or_string_takes_neither_booleans_nor_fractions() -> None:
    service: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"ports": [{"port": 80, "targetPort": True}]},
    }
    error = refused(check_body, service, "", "v1", "Service", "Strict")
    assert error.message.endswith(
        "json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32"
    )
    service["spec"]["ports"][0]["targetPort"] = "http"
    assert check_body(service, "", "v1", "Service", "Strict") == []


@pytest.mark.parametrize(
    ("text", "offset"), [("hello", 4), ("hello world", 5), ("aGVsbG8=", None), ("aGVsbG8", 4), ("a===", 1), ("", None)]
)
def test_base64_errors_point_where_go_points(text: str, offset: int | None) -> None:
    assert base64_error_offset(text) == offset


def test_nulls_and_unknown_fields_are_pruned() -> None:
    body = deployment_body(replicas=None, paused=None, extra={"a": 1})
    prune_unknown(body, schema_for("apps", "v1", "Deployment"))  # type: ignore[arg-type]
    assert set(body["spec"]) == {"selector", "template"}


def test_custom_resources_prune_by_their_schema() -> None:
    schema = custom_schema(
        {
            "type": "object",
            "properties": {
                "spec": {
                    "type": "object",
                    "properties": {
                        "size": {"type": "integer"},
                        "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                    },
                }
            },
        }
    )
    crontab: dict[str, Any] = {
        "apiVersion": "example.com/v1",
        "kind": "CronTab",
        "metadata": {"name": "c"},
        "spec": {"size": 3, "sise": 4, "extra": {"anything": [1]}},
    }
    error = refused(check_body, copy.deepcopy(crontab), "example.com", "v1", "CronTab", "Strict", schema=schema)
    assert (
        error.message
        == 'CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.sise"'
    )
    assert check_body(crontab, "example.com", "v1", "CronTab", "Warn", schema=schema) == ['unknown field "spec.sise"']
    assert crontab["spec"] == {"size": 3, "extra": {"anything": [1]}}


def test_kinds_kubernetes_lacks_are_not_checked() -> None:
    assert check_body({"kind": "Widget", "spec": {"x": 1}}, "example.com", "v1", "Widget", "Strict") == []


# --- patched objects --------------------------------------------------------------------------------------


def test_a_merge_patch_with_an_unknown_field_is_a_422_about_the_patch() -> None:
    patched: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c"},
        "data": {"a": "b"},
        "dta": {"x": "y"},
    }
    error = refused(
        check_patched,
        copy.deepcopy(patched),
        "",
        "v1",
        "ConfigMap",
        "application/merge-patch+json",
        {"dta": {"x": "y"}},
        "Strict",
    )
    assert (error.code, error.reason) == (422, "Invalid")
    shown = json.dumps(json.dumps(patched, sort_keys=True, separators=(",", ":")))
    assert error.message == f' "" is invalid: patch: Invalid value: {shown}: strict decoding error: unknown field "dta"'
    assert check_patched(patched, "", "v1", "ConfigMap", "application/merge-patch+json", {}, "Warn") == [
        'unknown field "dta"'
    ]
    assert "dta" not in patched


def test_a_strategic_merge_patch_quotes_the_patch_and_sorts_the_unknown_fields() -> None:
    patched = deployment_body(zzz=1, replicaz=3)
    patch: dict[str, Any] = {"spec": {"replicaz": 3, "zzz": 1}}
    error = refused(
        check_patched, patched, "apps", "v1", "Deployment", "application/strategic-merge-patch+json", patch, "Strict"
    )
    assert error.message == (
        ' "" is invalid: patch: Invalid value: "map[spec:map[replicaz:3 zzz:1]]": strict decoding error: '
        'unknown field "spec.replicaz", unknown field "spec.zzz"'
    )


def test_a_strategic_merge_patch_of_the_wrong_type_uses_the_converters_words() -> None:
    patched = deployment_body(replicas="3")
    error = refused(
        check_patched,
        patched,
        "apps",
        "v1",
        "Deployment",
        "application/strategic-merge-patch+json",
        {"spec": {"replicas": "3"}},
    )
    assert (
        error.message == ' "" is invalid: patch: Invalid value: "map[spec:map[replicas:3]]": unrecognized type: int32'
    )


# --- quantities -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1", "1"),
        ("0.5", "500m"),
        ("1000m", "1"),
        ("1.5", "1500m"),
        ("1000", "1k"),
        ("1500", "1500"),
        ("1024Mi", "1Gi"),
        ("1536Mi", "1536Mi"),
        ("1.5Gi", "1536Mi"),
        ("512Ki", "512Ki"),
        ("100", "100"),
        ("1e3", "1e3"),
        ("1000M", "1G"),
        ("0.0001", "100u"),
        ("128974848", "128974848"),
        ("-1", "-1"),
        ("0", "0"),
        (".5", "500m"),
    ],
)
def test_quantities_print_in_canonical_form(text: str, canonical: str) -> None:
    assert canonical_quantity(parse_quantity(text)) == canonical


# --- semantic validation: names, labels, metadata ---------------------------------------------------------


def test_an_invalid_name_has_the_servers_message() -> None:
    obj = stored("apps", "Deployment", deployment_body())
    obj["metadata"]["name"] = "Web_1"
    assert message("Deployment", "apps", obj) == (
        f'Deployment.apps "Web_1" is invalid: metadata.name: Invalid value: "Web_1": {SUBDOMAIN_RULE}'
    )
    error = invalid("Deployment", "Web_1", "apps", validate_create("Deployment", "apps", obj))
    assert error.details == {
        "name": "Web_1",
        "group": "apps",
        "kind": "Deployment",
        "causes": [
            {
                "reason": "FieldValueInvalid",
                "message": f'Invalid value: "Web_1": {SUBDOMAIN_RULE}',
                "field": "metadata.name",
            }
        ],
    }


def test_a_missing_name_is_required() -> None:
    obj = stored("", "ConfigMap", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}})
    assert (
        message("ConfigMap", "", obj)
        == 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required'
    )


def test_namespace_names_are_labels_and_service_names_dns_1035_labels() -> None:
    namespace = stored("", "Namespace", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev.team"}})
    assert (
        message("Namespace", "", namespace)
        == 'Namespace "dev.team" is invalid: metadata.name: Invalid value: "dev.team": must not contain dots'
    )
    service = stored(
        "",
        "Service",
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "1web"}, "spec": {"ports": [{"port": 80}]}},
    )
    assert message("Service", "", service) == (
        'Service "1web" is invalid: metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case '
        "alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character "
        "(e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    )


def test_rbac_names_are_path_segments() -> None:
    role: dict[str, Any] = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "a/b%"}}
    causes = validate_create("Role", "rbac.authorization.k8s.io", role)
    assert [cause[2] for cause in causes] == [
        "Invalid value: \"a/b%\": may not contain '/'",
        "Invalid value: \"a/b%\": may not contain '%'",
    ]
    role["metadata"]["name"] = "system:admin"
    assert validate_create("Role", "rbac.authorization.k8s.io", role) == []


def test_label_keys_and_values() -> None:
    obj = stored(
        "",
        "ConfigMap",
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"my app": "web server"}}},
    )
    assert message("ConfigMap", "", obj) == (
        'ConfigMap "c" is invalid: [metadata.labels: Invalid value: "my app": name part must consist of alphanumeric '
        "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
        "'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), "
        'metadata.labels: Invalid value: "web server": a valid label must be an empty string or consist of '
        "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
        "'MyValue',  or 'my_value',  or '12345', "
        "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]"
    )


def test_annotation_keys_are_checked_lowercased() -> None:
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "annotations": {"Example.com/Owner": "x", "a b": "y"}},
    }
    causes = validate_create("ConfigMap", "", obj)
    assert [(path, text.split(":")[1]) for path, _, text in causes] == [("metadata.annotations", ' "a b"')]


def test_finalizers_must_be_qualified() -> None:
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "finalizers": ["cleanup", "example.com/cleanup"]},
    }
    assert message("ConfigMap", "", obj) == (
        'ConfigMap "c" is invalid: metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard '
        "finalizer name nor is it fully qualified"
    )


def test_config_map_keys() -> None:
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a b": "1"}}
    assert message("ConfigMap", "", obj) == (
        'ConfigMap "c" is invalid: data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric '
        "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
        "'[-._a-zA-Z0-9]+')"
    )


# --- pods -------------------------------------------------------------------------------------------------


def pod(*containers: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return stored(
        "",
        "Pod",
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "p", "namespace": "default"},
            "spec": {"containers": list(containers), **spec},
        },
    )


def pod_message(obj: dict[str, Any]) -> str:
    return message("Pod", "", obj).removeprefix('Pod "p" is invalid: ')


def test_a_minimal_pod_is_valid() -> None:
    assert validate_create("Pod", "", pod({"name": "web", "image": "nginx"})) == []


def test_a_pod_needs_containers() -> None:
    assert pod_message(pod()) == "spec.containers: Required value"


def test_containers_need_a_unique_dns_label_name_and_an_image() -> None:
    obj = pod(
        {"name": "web", "image": "nginx"}, {"name": "web"}, {"image": "busybox"}, {"name": "Side_Car", "image": "x"}
    )
    assert pod_message(obj) == (
        '[spec.containers[1].image: Required value, spec.containers[1].name: Duplicate value: "web", '
        "spec.containers[2].name: Required value, "
        f'spec.containers[3].name: Invalid value: "Side_Car": {LABEL_RULE}]'
    )


def test_container_ports() -> None:
    obj = pod(
        {
            "name": "web",
            "image": "nginx",
            "ports": [
                {"containerPort": 70000},
                {"containerPort": 80, "protocol": "HTTP"},
                {"name": "web_port", "containerPort": 81},
            ],
        }
    )
    assert pod_message(obj) == (
        "[spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive, "
        'spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP", '
        'spec.containers[0].ports[2].name: Invalid value: "web_port": must contain only alpha-numeric characters '
        "(a-z, 0-9), and hyphens (-)]"
    )


def test_requests_may_not_exceed_limits() -> None:
    obj = pod({"name": "web", "image": "nginx", "resources": {"limits": {"cpu": "1"}, "requests": {"cpu": "2"}}})
    assert pod_message(obj) == (
        'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'
    )
    obj = pod(
        {"name": "web", "image": "nginx", "resources": {"limits": {"memory": "1Gi"}, "requests": {"memory": "1500Mi"}}}
    )
    assert pod_message(obj) == (
        'spec.containers[0].resources.requests: Invalid value: "1500Mi": '
        "must be less than or equal to memory limit of 1Gi"
    )


def test_resource_names_must_be_standard() -> None:
    obj = pod({"name": "web", "image": "nginx", "resources": {"limits": {"cpus": "1"}}})
    assert pod_message(obj) == (
        '[spec.containers[0].resources.limits[cpus]: Invalid value: "cpus": must be a standard resource type or fully '
        'qualified, spec.containers[0].resources.limits[cpus]: Invalid value: "cpus": must be a standard resource for '
        'containers, spec.containers[0].resources.requests[cpus]: Invalid value: "cpus": must be a standard resource '
        'type or fully qualified, spec.containers[0].resources.requests[cpus]: Invalid value: "cpus": must be a '
        "standard resource for containers]"
    )


def test_extended_resources_must_request_what_they_limit() -> None:
    obj = pod(
        {
            "name": "gpu",
            "image": "cuda",
            "resources": {"limits": {"example.com/gpu": "1"}, "requests": {"example.com/gpu": "2"}},
        }
    )
    assert (
        pod_message(obj)
        == 'spec.containers[0].resources.requests: Invalid value: "2": must be equal to example.com/gpu limit of 1'
    )


def test_restart_policy_and_pull_policy_values() -> None:
    obj = pod({"name": "web", "image": "nginx", "imagePullPolicy": "Sometimes"}, restartPolicy="Sometimes")
    assert pod_message(obj) == (
        '[spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", '
        '"IfNotPresent", "Never", spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", '
        '"OnFailure", "Never"]'
    )


def test_a_probe_has_exactly_one_handler() -> None:
    both: dict[str, Any] = {"exec": {"command": ["true"]}, "httpGet": {"port": 80}}
    obj = pod({"name": "web", "image": "nginx", "livenessProbe": both, "readinessProbe": {"periodSeconds": 5}})
    assert pod_message(obj) == (
        "[spec.containers[0].livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type, "
        "spec.containers[0].readinessProbe: Required value: must specify a handler type]"
    )


def test_a_liveness_probe_succeeds_once() -> None:
    obj = pod(
        {"name": "web", "image": "nginx", "livenessProbe": {"tcpSocket": {"port": "http-web"}, "successThreshold": 2}}
    )
    assert pod_message(obj) == "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"


def test_a_volume_mount_names_a_volume() -> None:
    obj = pod({"name": "web", "image": "nginx", "volumeMounts": [{"name": "data", "mountPath": "/data"}]})
    assert pod_message(obj) == 'spec.containers[0].volumeMounts[0].name: Not found: "data"'


def test_volumes_need_unique_names_and_one_source() -> None:
    obj = pod(
        {"name": "web", "image": "nginx"},
        volumes=[
            {"name": "a", "emptyDir": {}},
            {"name": "a", "emptyDir": {}},
            {"name": "b", "emptyDir": {}, "configMap": {"name": "c"}},
        ],
    )
    assert pod_message(obj) == (
        '[spec.volumes[1].name: Duplicate value: "a", '
        "spec.volumes[2].configMap: Forbidden: may not specify more than 1 "
        "volume type]"
    )


def test_env_names_and_sources() -> None:
    obj = pod(
        {
            "name": "web",
            "image": "nginx",
            "env": [{"name": "A=B", "value": "x"}, {"name": "C", "valueFrom": {"configMapKeyRef": {"name": "cfg"}}}],
        }
    )
    assert pod_message(obj) == (
        '[spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only '
        "of printable ASCII characters other than '=', spec.containers[0].env[1].valueFrom.configMapKeyRef.key: "
        "Required value]"
    )


def test_tolerations() -> None:
    obj = pod({"name": "web", "image": "nginx"}, tolerations=[{"operator": "Equal", "value": "x"}])
    assert pod_message(obj) == (
        'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which '
        'means "match all values and all keys"'
    )


def test_a_pod_update_may_only_change_images_and_a_few_fields() -> None:
    old = pod({"name": "web", "image": "nginx", "ports": [{"containerPort": 80}]})
    new = copy.deepcopy(old)
    new["spec"]["containers"][0]["image"] = "nginx:1.27"
    assert validate_update("Pod", "", old, new) == []
    new["spec"]["containers"][0]["ports"][0]["containerPort"] = 8080
    causes = validate_update("Pod", "", old, new)
    assert [(path, reason) for path, reason, _ in causes] == [("spec", "FieldValueForbidden")]
    assert causes[0][2].startswith(
        "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
        "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
        "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n"
    )
    new["spec"]["containers"].append({"name": "side", "image": "x"})
    defaults.apply_defaults("", "Pod", new)
    assert pod_message_update(old, new) == "spec.containers: Forbidden: pod updates may not add or remove containers"


def pod_message_update(old: dict[str, Any], new: dict[str, Any]) -> str:
    return message("Pod", "", new, old).removeprefix('Pod "p" is invalid: ')


# --- workloads --------------------------------------------------------------------------------------------


def test_a_defaulted_deployment_is_valid() -> None:
    assert validate_create("Deployment", "apps", stored("apps", "Deployment", deployment_body())) == []


def test_a_deployment_without_selector() -> None:
    body = deployment_body()
    del body["spec"]["selector"]
    assert message("Deployment", "apps", stored("apps", "Deployment", body)) == (
        'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid '
        'value: {"app":"web"}: `selector` does not match template `labels`]'
    )


def test_a_selector_that_does_not_select_the_template() -> None:
    body = deployment_body(selector={"matchLabels": {"app": "api"}})
    assert message("Deployment", "apps", stored("apps", "Deployment", body)) == (
        'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: {"app":"web"}: '
        "`selector` does not match template `labels`"
    )


def test_an_empty_selector_and_negative_replicas() -> None:
    body = deployment_body(selector={}, replicas=-1)
    assert message("Deployment", "apps", stored("apps", "Deployment", body)) == (
        'Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, '
        "spec.selector: Invalid value: {}: empty selector is invalid for deployment]"
    )


def test_a_deployment_pod_template_must_restart_always() -> None:
    body = deployment_body()
    body["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert message("Deployment", "apps", stored("apps", "Deployment", body)) == (
        'Deployment.apps "web" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": '
        'supported values: "Always"'
    )


def test_rolling_update_percentages() -> None:
    body = deployment_body(strategy={"rollingUpdate": {"maxUnavailable": "150%", "maxSurge": "a lot"}})
    assert message("Deployment", "apps", stored("apps", "Deployment", body)) == (
        'Deployment.apps "web" is invalid: [spec.strategy.rollingUpdate.maxSurge: Invalid value: "a lot": a valid '
        "percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for "
        "validation is '[0-9]+%'), spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be "
        "greater than 100%]"
    )


def test_a_deployment_selector_is_immutable() -> None:
    old = stored("apps", "Deployment", deployment_body())
    new = stored("apps", "Deployment", deployment_body(selector={"matchLabels": {"app": "web", "tier": "front"}}))
    new["spec"]["template"]["metadata"]["labels"]["tier"] = "front"
    assert message("Deployment", "apps", new, old) == (
        'Deployment.apps "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"front"}}: '
        "field is immutable"
    )
    scaled = copy.deepcopy(old)
    scaled["spec"]["replicas"] = 5
    assert validate_update("Deployment", "apps", old, scaled) == []


def test_changing_labels_of_a_deployment_reports_both_problems() -> None:
    old = stored("apps", "Deployment", deployment_body())
    new = copy.deepcopy(old)
    new["spec"]["selector"]["matchLabels"]["app"] = "web2"
    assert message("Deployment", "apps", new, old) == (
        'Deployment.apps "web" is invalid: [spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` '
        "does not match template `labels`, "
        'spec.selector: Invalid value: {"matchLabels":{"app":"web2"}}: field is immutable]'
    )


def test_stateful_sets_update_only_some_fields() -> None:
    body: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db"},
        "spec": {**deployment_body()["spec"], "serviceName": "db"},
    }
    old = stored("apps", "StatefulSet", body)
    assert validate_create("StatefulSet", "apps", old) == []
    new = copy.deepcopy(old)
    new["spec"]["serviceName"] = "database"
    assert message("StatefulSet", "apps", new, old) == (
        'StatefulSet.apps "db" is invalid: spec: Forbidden: updates to statefulset spec for fields other than '
        "'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
        "'minReadySeconds' are forbidden"
    )


def job_body(**pod_spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "pi"},
        "spec": {"template": {"spec": {"containers": [{"name": "pi", "image": "perl"}], **pod_spec}}},
    }


def test_a_job_must_not_restart_always() -> None:
    assert message("Job", "batch", stored("batch", "Job", job_body())) == (
        'Job.batch "pi" is invalid: spec.template.spec.restartPolicy: '
        'Required value: valid values: "OnFailure", "Never"'
    )
    assert validate_create("Job", "batch", stored("batch", "Job", job_body(restartPolicy="Never"))) == []


def test_a_job_template_is_immutable() -> None:
    old = stored("batch", "Job", job_body(restartPolicy="Never"))
    new = copy.deepcopy(old)
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "perl:5.40"
    causes = validate_update("Job", "batch", old, new)
    assert [(path, text.rsplit(": ", 1)[1]) for path, _, text in causes] == [("spec.template", "field is immutable")]


def test_cron_schedules() -> None:
    body: dict[str, Any] = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "report"},
        "spec": {"schedule": "0 * * * * *", "jobTemplate": {"spec": job_body(restartPolicy="OnFailure")["spec"]}},
    }
    assert message("CronJob", "batch", stored("batch", "CronJob", body)) == (
        'CronJob.batch "report" is invalid: spec.schedule: Invalid value: "0 * * * * *": expected exactly 5 fields, '
        "found 6: [0 * * * * *]"
    )


def test_cron_job_names_leave_room_for_the_job_suffix() -> None:
    name = "a" * 53
    body: dict[str, Any] = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": name},
        "spec": {"schedule": "@hourly", "jobTemplate": {"spec": job_body(restartPolicy="OnFailure")["spec"]}},
    }
    assert message("CronJob", "batch", stored("batch", "CronJob", body)) == (
        f'CronJob.batch "{name}" is invalid: metadata.name: Invalid value: "{name}": must be no more than 52 bytes'
    )


@pytest.mark.parametrize(
    ("schedule", "error"),
    [
        ("*/5 * * * *", None),
        ("0 9 * * mon-fri", None),
        ("@daily", None),
        ("@every 1h30m", None),
        ("@sometimes", "unrecognized descriptor: @sometimes"),
        ("60 * * * *", "end of range (60) above maximum (59): 60"),
        ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
        ("*/0 * * * *", "step of range should be a positive number: */0"),
        ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
        ("* *", "expected exactly 5 fields, found 2: [* *]"),
    ],
)
def test_cron_schedule_errors(schedule: str, error: str | None) -> None:
    assert cron_schedule_error(schedule) == error


# --- services, secrets, config maps -----------------------------------------------------------------------


def service(**spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": spec}
    obj = stored("", "Service", body)
    if obj["spec"]["type"] != "ExternalName":
        obj["spec"]["clusterIP"] = obj["spec"].get("clusterIP") or "10.96.0.10"
        obj["spec"]["clusterIPs"] = [obj["spec"]["clusterIP"]]
    return obj


def test_a_service_needs_ports() -> None:
    assert (
        message("Service", "", service(selector={"app": "web"}))
        == 'Service "web" is invalid: spec.ports: Required value'
    )


def test_service_ports() -> None:
    obj = service(ports=[{"port": 80}, {"name": "b", "port": 0, "targetPort": 70000}, {"name": "c", "port": 80}])
    assert message("Service", "", obj) == (
        'Service "web" is invalid: [spec.ports[0].name: Required value, spec.ports[1].port: Invalid value: 0: must be '
        "between 1 and 65535, inclusive, spec.ports[1].targetPort: Invalid value: 70000: must be between 1 and 65535, "
        'inclusive, spec.ports[2]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,'
        '"TargetPort":0,"NodePort":0}]'
    )


def test_service_type_values() -> None:
    obj = service(ports=[{"port": 80}], type="Public")
    assert message("Service", "", obj) == (
        'Service "web" is invalid: spec.type: Unsupported value: "Public": supported values: "ClusterIP", '
        '"ExternalName", "LoadBalancer", "NodePort"'
    )


def test_a_cluster_ip_may_not_change() -> None:
    old = service(ports=[{"port": 80}])
    new = copy.deepcopy(old)
    new["spec"]["clusterIP"] = "10.96.0.99"
    defaults.normalize_service_update(old, new)
    assert message("Service", "", new, old) == (
        'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.0.99"]: may not change once set'
    )


def test_a_node_port_on_a_cluster_ip_service_is_forbidden() -> None:
    obj = service(ports=[{"port": 80, "nodePort": 30080}])
    assert message("Service", "", obj) == (
        "Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
    )


def test_secret_keys_and_types() -> None:
    secret = stored(
        "",
        "Secret",
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "tls"},
            "type": "kubernetes.io/tls",
            "stringData": {"tls.crt": "x"},
        },
    )
    assert message("Secret", "", secret) == 'Secret "tls" is invalid: data[tls.key]: Required value'
    changed = copy.deepcopy(secret)
    changed["type"] = "Opaque"
    assert (
        message("Secret", "", changed, secret)
        == 'Secret "tls" is invalid: type: Invalid value: "Opaque": field is immutable'
    )


def test_immutable_config_maps_keep_their_data() -> None:
    old: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c"},
        "immutable": True,
        "data": {"a": "1"},
    }
    new: dict[str, Any] = {**copy.deepcopy(old), "data": {"a": "2"}}
    assert (
        message("ConfigMap", "", new, old)
        == 'ConfigMap "c" is invalid: data: Forbidden: field is immutable when `immutable` is set'
    )


def test_a_claim_needs_access_modes_and_storage() -> None:
    claim = stored(
        "",
        "PersistentVolumeClaim",
        {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"}, "spec": {}},
    )
    assert message("PersistentVolumeClaim", "", claim) == (
        'PersistentVolumeClaim "data" is invalid: [spec.accessModes: Required value: at least 1 access mode is '
        "required, spec.resources[storage]: Required value]"
    )


def test_an_ingress_path_needs_its_type() -> None:
    ingress: dict[str, Any] = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web"},
        "spec": {
            "rules": [
                {"http": {"paths": [{"path": "/", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}
            ]
        },
    }
    assert message("Ingress", "networking.k8s.io", ingress) == (
        'Ingress.networking.k8s.io "web" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType '
        "must be specified"
    )


# --- errors.invalid ---------------------------------------------------------------------------------------


def test_invalid_lists_each_distinct_message_once() -> None:
    cause = ("spec.x", "FieldValueRequired", "Required value")
    error = invalid("Thing", "t", "example.com", [cause, cause])
    assert error.message == 'Thing.example.com "t" is invalid: spec.x: Required value'
    assert len(error.details["causes"]) == 2  # type: ignore[index]


def test_invalid_without_causes_and_without_kind() -> None:
    assert invalid("Thing", "t", "", []).message == 'Thing "t" is invalid'
    error = invalid("", "", "", [("patch", "FieldValueInvalid", 'Invalid value: "x": y')])
    assert error.message == ' "" is invalid: patch: Invalid value: "x": y'
    assert error.details == {
        "causes": [{"reason": "FieldValueInvalid", "message": 'Invalid value: "x": y', "field": "patch"}]
    }

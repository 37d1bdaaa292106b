"""Label and field selectors: the apiserver's grammar, matching rules and error messages."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubesim.api.selectors import (
    SUPPORTED_FIELDS,
    FieldSelector,
    LabelSelector,
    SelectorError,
    field_value,
    label_key_errors,
    label_selector_from_object,
    label_value_errors,
    parse_field_selector,
    parse_label_selector,
    supported_fields,
)

VALUE_RULE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
NAME_RULE = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)

UNKNOWN_FIELD = '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"'


def refusal(text: str) -> str:
    with pytest.raises(SelectorError) as raised:
        parse_label_selector(text)
    return raised.value.message


# -- label selector syntax ----------------------------------------------------------------------------------


def test_the_full_grammar_parses() -> None:
    selector = parse_label_selector("app=web,tier!=db,env in (a,b),!legacy,release notin (x),key")
    assert str(selector) == "app=web,env in (a,b),key,!legacy,release notin (x),tier!=db"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("", ""),
        ("   ", ""),
        ("a==b", "a==b"),
        ("a = b", "a=b"),
        ("a=", "a="),
        ("a=,b", "a=,b"),
        ("x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"),
        ("a in (b,)", "a in (,b)"),
        ("a in (,b)", "a in (,b)"),
        ("in in (in,notin)", "in in (in,notin)"),
        ("r>3,s<2", "r>3,s<2"),
        ("example.com/role=db", "example.com/role=db"),
        ("b=2,a=1", "a=1,b=2"),
        ("a in (c,b,a)", "a in (a,b,c)"),
    ],
)
def test_selectors_parse_to_their_canonical_form(text: str, canonical: str) -> None:
    assert str(parse_label_selector(text)) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("a in b", "unable to parse requirement: found 'b' expected: '('"),
        ("a in (b", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'"),
        ("a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
        ("a=(b)", "unable to parse requirement: found '(', expected: identifier"),
        ("a!==b", "unable to parse requirement: found '=', expected: identifier"),
        ("!=a", "found '!=', expected: !, identifier, or 'end of string'"),
        ("a=b,", "found '', expected: identifier after ','"),
        ("a=b c", "found 'c', expected: ',' or 'end of string'"),
        ("!a=b", "found '=', expected: ',' or 'end of string'"),
        (",", "found ',', expected: !, identifier, or 'end of string'"),
        ("(a)", "found '(', expected: !, identifier, or 'end of string'"),
        (
            "a>b",
            'unable to parse requirement: values[0]: Invalid value: "b": '
            "for 'Gt', 'Lt' operators, the value must be an integer",
        ),
        ("app=-x", f'unable to parse requirement: values[0][app]: Invalid value: "-x": {VALUE_RULE}'),
        ("s<-2", f'unable to parse requirement: values[0][s]: Invalid value: "-2": {VALUE_RULE}'),
        ("-bad", f'unable to parse requirement: <nil>: Invalid value: "-bad": {NAME_RULE}'),
        ("/a", 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'),
    ],
)
def test_bad_selectors_are_refused_with_the_servers_message(text: str, message: str) -> None:
    assert refusal(text) == message


def test_a_value_too_long_reports_both_rules() -> None:
    message = refusal("a=" + "v" * 64)
    assert message.startswith('unable to parse requirement: values[0][a]: Invalid value: "vvvv')
    assert message.endswith(": must be no more than 63 bytes")


def test_label_keys() -> None:
    assert label_key_errors("app.kubernetes.io/name") == []
    assert label_key_errors("a" * 63) == []
    assert label_key_errors("a" * 64) == ["name part must be no more than 63 bytes"]
    assert label_key_errors("") == ["name part must be non-empty", NAME_RULE]
    assert label_key_errors("Example.com/a")[0].startswith("prefix part a lowercase RFC 1123 subdomain")
    assert label_key_errors("a/b/c")[0].startswith("a valid label key must consist of")


def test_label_values() -> None:
    assert label_value_errors("") == []
    assert label_value_errors("My_value.1") == []
    assert label_value_errors("-x") == [VALUE_RULE]
    assert label_value_errors("x" * 64) == ["must be no more than 63 bytes"]


# -- label selector matching --------------------------------------------------------------------------------


LABELS = {"app": "web", "tier": "frontend", "env": "a", "key": "", "replicas": "3"}


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("app=web", True),
        ("app==web", True),
        ("app=db", False),
        ("missing=x", False),
        ("tier!=db", True),
        ("missing!=x", True),
        ("env in (a,b)", True),
        ("env in (b)", False),
        ("missing in (a)", False),
        ("env notin (a)", False),
        ("missing notin (a)", True),
        ("key", True),
        ("missing", False),
        ("!missing", True),
        ("!key", False),
        ("key=", True),
        ("replicas>2", True),
        ("replicas>3", False),
        ("replicas<4", True),
        ("missing>0", False),
        ("app>1", False),
        ("app=web,tier=frontend", True),
        ("app=web,tier=backend", False),
        ("", True),
    ],
)
def test_matching(text: str, matches: bool) -> None:
    assert parse_label_selector(text).matches(LABELS) is matches


def test_objects_without_labels_match_only_absence() -> None:
    assert parse_label_selector("!app").matches(None)
    assert not parse_label_selector("app").matches({})
    assert parse_label_selector("").matches(None)


# -- selectors written in objects ---------------------------------------------------------------------------


def test_match_labels_and_expressions_combine() -> None:
    selector = label_selector_from_object(
        {
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["a", "b"]},
                {"key": "legacy", "operator": "DoesNotExist"},
                {"key": "tier", "operator": "Exists"},
                {"key": "release", "operator": "NotIn", "values": ["x"]},
            ],
        }
    )
    assert str(selector) == "app=web,env in (a,b),!legacy,release notin (x),tier"
    assert selector.matches(LABELS)
    assert not selector.matches({**LABELS, "legacy": "yes"})


def test_a_null_selector_selects_nothing_and_an_empty_one_everything() -> None:
    assert not label_selector_from_object(None).matches(LABELS)
    assert not label_selector_from_object(None).empty
    assert label_selector_from_object({}).matches(LABELS)
    assert label_selector_from_object({"matchLabels": {}, "matchExpressions": []}).empty
    assert LabelSelector().empty


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        (
            {"matchExpressions": [{"key": "a", "operator": "In", "values": []}]},
            "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
        ),
        (
            {"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x", "y"]}]},
            'values: Invalid value: []string{"x", "y"}: values set must be empty for exists and does not exist',
        ),
        (
            {"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]},
            '"Gt" is not a valid label selector operator',
        ),
        ({"matchLabels": {"app": "-x"}}, f'values[0][app]: Invalid value: "-x": {VALUE_RULE}'),
        ({"matchLabels": {"-app": "x"}}, f'key: Invalid value: "-app": {NAME_RULE}'),
    ],
)
def test_invalid_object_selectors_are_refused(selector: dict[str, Any], message: str) -> None:
    with pytest.raises(SelectorError) as raised:
        label_selector_from_object(selector)
    assert raised.value.message == message


def test_several_problems_are_reported_together() -> None:
    with pytest.raises(SelectorError) as raised:
        label_selector_from_object({"matchExpressions": [{"key": "-a", "operator": "In", "values": []}]})
    message = raised.value.message
    assert message.startswith('[key: Invalid value: "-a": ')
    assert message.endswith(
        "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty]"
    )


# -- properties ---------------------------------------------------------------------------------------------

_names = st.from_regex(r"[a-z0-9]([a-z0-9._-]{0,8}[a-z0-9])?", fullmatch=True).filter(
    lambda name: name not in ("in", "notin")
)
_requirements = st.one_of(
    st.tuples(_names, st.sampled_from(["=", "==", "!="]), _names).map(lambda r: f"{r[0]}{r[1]}{r[2]}"),
    st.tuples(_names, st.sampled_from(["in", "notin"]), st.lists(_names, min_size=1, max_size=3)).map(
        lambda r: f"{r[0]} {r[1]} ({','.join(r[2])})"
    ),
    _names,
    _names.map(lambda name: f"!{name}"),
)


@given(st.lists(_requirements, min_size=1, max_size=5))
def test_a_canonical_selector_parses_back_to_itself(requirements: list[str]) -> None:
    selector = parse_label_selector(",".join(requirements))
    assert parse_label_selector(str(selector)) == selector


@given(st.dictionaries(_names, _names, max_size=4))
def test_a_selector_made_of_an_objects_labels_matches_it(labels: dict[str, str]) -> None:
    text = ",".join(f"{key}={value}" for key, value in labels.items())
    assert parse_label_selector(text).matches(labels)
    assert label_selector_from_object({"matchLabels": labels}).matches(labels)


# -- field selectors ----------------------------------------------------------------------------------------

POD = {
    "metadata": {"name": "web-1", "namespace": "default"},
    "spec": {"nodeName": "node-a", "restartPolicy": "Always", "serviceAccountName": "default"},
    "status": {"phase": "Running", "podIP": "10.0.0.9", "podIPs": [{"ip": "10.0.0.9"}, {"ip": "fd00::9"}]},
}


def test_field_selectors_parse_and_sort() -> None:
    selector = parse_field_selector("status.phase!=Running,metadata.name=x")
    assert str(selector) == "metadata.name=x,status.phase!=Running"
    assert str(parse_field_selector("a==b")) == "a=b"
    assert parse_field_selector("").empty
    assert parse_field_selector(",,").empty


@pytest.mark.parametrize(
    ("text", "value"),
    [("a=b\\,c", "b,c"), ("a=b\\=c", "b=c"), ("a=b\\\\c", "b\\c"), ("a=", ""), ("a=x!y", "x!y")],
)
def test_values_may_escape_commas_equals_and_backslashes(text: str, value: str) -> None:
    assert parse_field_selector(text).requirements[0].value == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a", "invalid selector: 'a'; can't understand 'a'"),
        ("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
        ("a=b=c", "invalid field selector: unescaped character in value: 61"),
        ("a=b\\x", "invalid field selector: invalid escape sequence: \\x"),
        ("a=b\\", "invalid field selector: invalid escape sequence: \\"),
    ],
)
def test_bad_field_selectors_are_refused(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as raised:
        parse_field_selector(text)
    assert raised.value.message == message


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("metadata.name=web-1", True),
        ("metadata.name!=web-1", False),
        ("metadata.namespace=default", True),
        ("spec.nodeName=node-a", True),
        ("spec.nodeName=", False),
        ("status.phase=Running,spec.restartPolicy=Always", True),
        ("status.phase!=Running", False),
        ("status.podIP=10.0.0.9", True),
        ("spec.hostNetwork=false", True),
        ("spec.schedulerName=", True),
        ("status.nominatedNodeName=", True),
        ("status.podIPs=", True),
    ],
)
def test_pod_fields_match(text: str, matches: bool) -> None:
    selector = parse_field_selector(text).for_resource("", "pods")
    assert selector.matches(POD) is matches


def test_values_are_read_as_the_server_prints_them() -> None:
    assert field_value({"spec": {"hostNetwork": True}}, "spec.hostNetwork") == "true"
    assert field_value({"spec": {"unschedulable": True}}, "spec.unschedulable") == "true"
    assert field_value({}, "spec.unschedulable") == "false"
    assert field_value({"status": {"replicas": 3}}, "status.replicas") == "3"
    assert field_value({}, "status.replicas") == "0"
    assert field_value({"status": {"succeeded": 2}}, "status.successful") == "2"
    assert field_value({}, "status.successful") == "0"
    assert field_value({"status": {"podIP": "10.1.1.1"}}, "status.podIP") == "10.1.1.1"
    assert field_value({"type": "kubernetes.io/tls"}, "type") == "kubernetes.io/tls"
    assert field_value({"metadata": {"name": "n"}}, "metadata.namespace") == ""


def test_event_fields_read_either_event_api() -> None:
    core_event = {
        "involvedObject": {"kind": "Pod", "name": "web-1"},
        "reason": "Started",
        "source": {"component": "kubelet"},
        "type": "Normal",
    }
    new_event = {"regarding": {"kind": "Pod", "name": "web-1"}, "reportingController": "kubesim-scheduler"}
    assert field_value(core_event, "involvedObject.kind") == "Pod"
    assert field_value(core_event, "source") == "kubelet"
    assert field_value(new_event, "involvedObject.name") == "web-1"
    assert field_value(new_event, "source") == "kubesim-scheduler"
    assert field_value(new_event, "reportingComponent") == "kubesim-scheduler"
    assert field_value({"reportingComponent": "kubelet"}, "source") == "kubelet"


def test_events_k8s_io_selects_on_regarding() -> None:
    selector = parse_field_selector("regarding.name=web-1,reportingController=kubelet").for_resource(
        "events.k8s.io", "events"
    )
    assert str(selector) == "involvedObject.name=web-1,reportingComponent=kubelet"
    assert selector.matches({"regarding": {"name": "web-1"}, "reportingController": "kubelet"})
    assert selector.matches({"involvedObject": {"name": "web-1"}, "reportingComponent": "kubelet"})


def test_old_clients_spec_host_means_the_node_name() -> None:
    selector = parse_field_selector("spec.host=node-a").for_resource("", "pods")
    assert str(selector) == "spec.nodeName=node-a"
    assert selector.matches(POD)


# -- what each resource supports ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "plural", "field"),
    [
        ("", "pods", "spec.nodeName"),
        ("", "pods", "status.phase"),
        ("", "nodes", "spec.unschedulable"),
        ("", "namespaces", "status.phase"),
        ("", "secrets", "type"),
        ("", "services", "spec.type"),
        ("", "replicationcontrollers", "status.replicas"),
        ("", "events", "involvedObject.uid"),
        ("", "events", "reportingComponent"),
        ("batch", "jobs", "status.successful"),
        ("certificates.k8s.io", "certificatesigningrequests", "spec.signerName"),
        ("apps", "deployments", "metadata.name"),
        ("stable.example.com", "crontabs", "metadata.namespace"),
    ],
)
def test_supported_fields_pass(group: str, plural: str, field: str) -> None:
    assert field in supported_fields(group, plural)
    parse_field_selector(f"{field}=x").for_resource(group, plural)


@pytest.mark.parametrize(
    ("group", "plural", "message"),
    [
        ("", "pods", "field label not supported: spec.foo"),
        ("", "events", "field label not supported: spec.foo"),
        ("batch", "jobs", 'field label "spec.foo" not supported for Job'),
        ("apps", "deployments", UNKNOWN_FIELD),
        ("networking.k8s.io", "ingresses", UNKNOWN_FIELD),
    ],
)
def test_unsupported_fields_are_refused_with_each_resources_message(group: str, plural: str, message: str) -> None:
    with pytest.raises(SelectorError) as raised:
        parse_field_selector("metadata.name=x,spec.foo=1").for_resource(group, plural)
    assert raised.value.message == message


def test_cluster_scoped_conversions_refuse_the_namespace() -> None:
    with pytest.raises(SelectorError, match=r"field label not supported: metadata\.namespace"):
        parse_field_selector("metadata.namespace=default").for_resource("", "nodes")


def test_replica_sets_accept_only_metadata_fields_like_the_real_server() -> None:
    # The apps/v1 API registers no field label conversion, so status.replicas is refused there.
    assert supported_fields("apps", "replicasets") == {"metadata.name", "metadata.namespace"}
    with pytest.raises(SelectorError, match="is not a known field selector"):
        parse_field_selector("status.replicas=0").for_resource("apps", "replicasets")


def test_every_listed_resource_accepts_its_name() -> None:
    for (group, plural), fields in SUPPORTED_FIELDS.items():
        assert "metadata.name" in fields, (group, plural)


def test_an_empty_field_selector_matches_everything() -> None:
    assert FieldSelector().matches(POD)
    assert parse_field_selector("").for_resource("", "pods").matches({})

"""The PATCH bodies applied as kube-apiserver applies them.

Most cases spell out the expected object; the last group runs the same patches through the project's real
kubectl (``kubectl patch --local`` applies them with the very Go libraries the apiserver uses) and
compares the results.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kubesim.api.patch import (
    ApiserverPanic,
    FieldTags,
    PatchError,
    PatchSchema,
    json_patch,
    merge_patch,
    strategic_merge_patch,
    unsupported_media_type,
)

KUBECTL = Path(sys.executable).parent / "kubectl"
REJECTED = "the server rejected our request due to an error in our request"


def deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "kuard", "namespace": "default", "labels": {"app": "kuard"}, "finalizers": ["a/b"]},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "kuard"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": {
                "metadata": {"labels": {"app": "kuard"}},
                "spec": {
                    "containers": [
                        {
                            "name": "kuard",
                            "image": "gcr.io/kuar-demo/kuard-amd64:blue",
                            "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
                            "env": [{"name": "MODE", "value": "demo"}, {"name": "COLOR", "value": "blue"}],
                            "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                        },
                        {"name": "logger", "image": "busybox:1.36", "args": ["tail", "-f", "/data/log"]},
                    ],
                    "volumes": [{"name": "data", "emptyDir": {}}],
                    "tolerations": [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}],
                },
            },
        },
    }


def config_map() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "settings", "annotations": {"example.com/owner": "team-a"}, "finalizers": ["x", "y"]},
        "data": {"color": "blue", "size": "large"},
    }


def schema_of(obj: dict[str, Any]) -> PatchSchema:
    group, _, version = obj["apiVersion"].rpartition("/")
    schema = PatchSchema.for_kind(group, version, obj["kind"])
    assert schema is not None
    return schema


def smp(obj: dict[str, Any], patch: Any) -> dict[str, Any]:
    return strategic_merge_patch(obj, patch, schema_of(obj))


def pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = obj["spec"]["template"]["spec"]
    return spec


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = pod_spec(obj)["containers"]
    return found


def template_patch(spec: dict[str, Any]) -> dict[str, Any]:
    return {"spec": {"template": {"spec": spec}}}


def container_patch(*items: dict[str, Any], order: list[str] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": list(items)}
    if order is not None:
        spec["$setElementOrder/containers"] = [{"name": name} for name in order]
    return template_patch(spec)


# --- the schema ------------------------------------------------------------------------------------------


def test_built_in_kinds_have_schemas_in_core_and_named_groups() -> None:
    assert PatchSchema.for_kind("", "v1", "Pod") is not None
    assert PatchSchema.for_kind("apps", "v1", "Deployment") is not None
    assert PatchSchema.for_kind("apps", "v1", "Deployment") is PatchSchema.for_kind("apps", "v1", "Deployment")


@pytest.mark.parametrize(
    ("group", "version", "kind"),
    [("stable.example.com", "v1", "CronTab"), ("apps", "v1beta1", "Deployment"), ("", "v1", "Nonsense")],
)
def test_kinds_without_definitions_have_no_schema(group: str, version: str, kind: str) -> None:
    assert PatchSchema.for_kind(group, version, kind) is None


def test_field_tags_come_from_the_openapi_extensions() -> None:
    pod = schema_of({"apiVersion": "v1", "kind": "Pod"})
    spec, _ = pod.field("spec")
    container, containers_tags = spec.list_field("containers")
    assert containers_tags == FieldTags("merge", "name")
    assert container.list_field("ports")[1] == FieldTags("merge", "containerPort")
    assert container.list_field("volumeMounts")[1] == FieldTags("merge", "mountPath")
    assert container.list_field("env")[1] == FieldTags("merge", "name")
    # "merge,retainKeys": retainKeys travels in the patch itself, the server only needs the merge part.
    assert spec.list_field("volumes")[1] == FieldTags("merge", "name")
    assert spec.list_field("tolerations")[1] == FieldTags("", "")
    metadata, _ = pod.field("metadata")
    assert metadata.list_field("finalizers")[1] == FieldTags("merge", "")
    assert metadata.field("labels")[0].go_kind == "map"


def test_retain_keys_and_replace_strategies_on_maps() -> None:
    deployment_spec, _ = schema_of(deployment()).field("spec")
    assert deployment_spec.field("strategy")[1] == FieldTags("", "")
    pdb_spec, _ = schema_of({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget"}).field("spec")
    assert pdb_spec.field("selector")[1] == FieldTags("replace", "")


def test_unknown_fields_and_lookups_into_maps_fail_like_the_go_struct_lookup() -> None:
    pod = schema_of({"apiVersion": "v1", "kind": "Pod"})
    with pytest.raises(PatchError) as unknown:
        pod.field("spec")[0].field("nodeSelectr")
    assert (unknown.value.status, unknown.value.reason) == (500, "")
    assert unknown.value.message == 'unable to find api field in struct PodSpec for the json field "nodeSelectr"'
    labels, _ = pod.field("metadata")[0].field("labels")
    with pytest.raises(PatchError, match="merging an object in json but data type is not struct, instead is: map"):
        labels.field("app")


# --- strategic merge patch: what kubectl sends -----------------------------------------------------------


def test_set_image_merges_the_container_by_name() -> None:
    before = deployment()
    patch = container_patch({"name": "kuard", "image": "gcr.io/kuar-demo/kuard-amd64:green"}, order=["kuard", "logger"])
    after = smp(before, patch)
    assert [c["name"] for c in containers(after)] == ["kuard", "logger"]
    kuard = containers(after)[0]
    assert kuard["image"] == "gcr.io/kuar-demo/kuard-amd64:green"
    assert kuard["env"] == containers(before)[0]["env"]
    assert containers(after)[1] == containers(before)[1]
    assert before == deployment(), "the original is not touched"


def test_rollout_restart_adds_an_annotation_to_the_template() -> None:
    before = deployment()
    before["spec"]["template"]["metadata"]["annotations"] = {"team": "kuar"}
    stamp = "2024-05-01T10:00:00Z"
    patch = {"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": stamp}}}}}
    after = smp(before, patch)
    annotations = after["spec"]["template"]["metadata"]["annotations"]
    assert annotations == {"team": "kuar", "kubectl.kubernetes.io/restartedAt": stamp}
    assert after["spec"]["template"]["spec"] == before["spec"]["template"]["spec"]


def test_a_container_the_patch_adds_without_an_order_goes_first() -> None:
    after = smp(deployment(), container_patch({"name": "sidecar", "image": "envoy:v1"}))
    assert [c["name"] for c in containers(after)] == ["sidecar", "kuard", "logger"]


def test_second_apply_orders_adds_and_deletes_containers() -> None:
    patch = container_patch(
        {"name": "metrics", "image": "prom/statsd-exporter:v0.26"},
        {"$patch": "delete", "name": "logger"},
        order=["kuard", "metrics"],
    )
    after = smp(deployment(), patch)
    assert [c["name"] for c in containers(after)] == ["kuard", "metrics"]
    assert containers(after)[1] == {"name": "metrics", "image": "prom/statsd-exporter:v0.26"}


def test_set_element_order_alone_reorders_a_list() -> None:
    after = smp(deployment(), template_patch({"$setElementOrder/containers": [{"name": "logger"}, {"name": "kuard"}]}))
    assert [c["name"] for c in containers(after)] == ["logger", "kuard"]


def test_items_the_order_leaves_out_go_before_the_first_ordered_item_that_follows_them_live() -> None:
    before = deployment()
    containers(before).append({"name": "proxy", "image": "envoy:v1"})
    patch = container_patch({"name": "proxy", "image": "envoy:v2"}, order=["proxy", "kuard"])
    after = smp(before, patch)
    # Live order kuard, logger, proxy: logger comes before proxy there, so it leads.
    assert [c["name"] for c in containers(after)] == ["logger", "proxy", "kuard"]


def test_retain_keys_switches_the_deployment_strategy() -> None:
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate", "rollingUpdate": None}}}
    after = smp(deployment(), patch)
    assert after["spec"]["strategy"] == {"type": "Recreate"}


def test_retain_keys_drops_a_volume_source_that_apply_no_longer_mentions() -> None:
    volume = {"name": "data", "$retainKeys": ["configMap", "name"], "configMap": {"name": "kuard-config"}}
    after = smp(deployment(), template_patch({"volumes": [volume]}))
    assert pod_spec(after)["volumes"] == [{"name": "data", "configMap": {"name": "kuard-config"}}]


def test_retain_keys_must_list_every_field_the_patch_sets() -> None:
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {"maxSurge": 1}}}}
    with pytest.raises(PatchError) as error:
        smp(deployment(), patch)
    assert (error.value.status, error.value.reason, error.value.message) == (
        400,
        "BadRequest",
        "invalid patch format of retainKeys",
    )


def test_patch_delete_removes_one_container() -> None:
    after = smp(deployment(), container_patch({"name": "logger", "$patch": "delete"}))
    assert [c["name"] for c in containers(after)] == ["kuard"]


def test_patch_replace_replaces_the_whole_list() -> None:
    after = smp(deployment(), container_patch({"name": "solo", "image": "nginx:1.27"}, {"$patch": "replace"}))
    assert containers(after) == [{"name": "solo", "image": "nginx:1.27"}]


def test_env_entries_merge_by_name_and_null_clears_a_field_of_an_entry() -> None:
    patch = container_patch(
        {"name": "kuard", "env": [{"name": "COLOR", "value": None}, {"name": "DEBUG", "value": "1"}]}
    )
    env = containers(smp(deployment(), patch))[0]["env"]
    assert env == [{"name": "MODE", "value": "demo"}, {"name": "COLOR"}, {"name": "DEBUG", "value": "1"}]


def test_env_entry_removal_takes_a_delete_directive_and_null_removes_the_whole_list() -> None:
    removed = smp(deployment(), container_patch({"name": "kuard", "env": [{"name": "MODE", "$patch": "delete"}]}))
    assert containers(removed)[0]["env"] == [{"name": "COLOR", "value": "blue"}]
    cleared = smp(deployment(), container_patch({"name": "kuard", "env": None}))
    assert "env" not in containers(cleared)[0]


def test_ports_merge_by_container_port() -> None:
    ports = [{"containerPort": 8080, "hostPort": 80}, {"containerPort": 9090, "name": "metrics"}]
    after = smp(deployment(), container_patch({"name": "kuard", "ports": ports}))
    assert containers(after)[0]["ports"] == [
        {"containerPort": 8080, "name": "http", "protocol": "TCP", "hostPort": 80},
        {"containerPort": 9090, "name": "metrics"},
    ]


def test_volume_mounts_merge_by_mount_path() -> None:
    mounts = [{"name": "config", "mountPath": "/data"}, {"name": "cache", "mountPath": "/cache"}]
    after = smp(deployment(), container_patch({"name": "kuard", "volumeMounts": mounts}))
    assert containers(after)[0]["volumeMounts"] == mounts


def test_lists_without_a_merge_strategy_are_replaced() -> None:
    patch = template_patch({"tolerations": [{"key": "spot", "operator": "Exists"}]})
    assert pod_spec(smp(deployment(), patch))["tolerations"] == [{"key": "spot", "operator": "Exists"}]
    args = smp(deployment(), container_patch({"name": "logger", "args": ["sleep", "3600"]}))
    assert containers(args)[1]["args"] == ["sleep", "3600"]


def test_finalizers_merge_as_a_set_in_the_patch_order() -> None:
    # Live x, y; the patch z, x: patch items keep the patch's order, and y cannot go before z (not live).
    after = smp(config_map(), {"metadata": {"finalizers": ["z", "x"]}})
    assert after["metadata"]["finalizers"] == ["z", "x", "y"]
    again = smp(config_map(), {"metadata": {"finalizers": ["y", "x", "y"]}})
    assert again["metadata"]["finalizers"] == ["y", "x"]


def test_delete_from_primitive_list_and_set_element_order_on_finalizers() -> None:
    removed = smp(config_map(), {"metadata": {"$deleteFromPrimitiveList/finalizers": ["x"]}})
    assert removed["metadata"]["finalizers"] == ["y"]
    patch = {"metadata": {"$setElementOrder/finalizers": ["z", "y"], "finalizers": ["z"]}}
    assert smp(config_map(), patch)["metadata"]["finalizers"] == ["z", "x", "y"]


def test_replace_strategy_replaces_a_map() -> None:
    pdb = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "kuard"},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "kuard", "tier": "web"}}},
    }
    after = smp(pdb, {"spec": {"selector": {"matchLabels": {"app": "kuard2"}}}})
    assert after["spec"] == {"minAvailable": 1, "selector": {"matchLabels": {"app": "kuard2"}}}


def test_maps_merge_recursively_and_null_deletes_a_key() -> None:
    patch = {"metadata": {"labels": {"app": None, "tier": "web"}, "annotations": {"note": "x"}}}
    after = smp(deployment(), patch)
    assert after["metadata"]["labels"] == {"tier": "web"}
    assert after["metadata"]["annotations"] == {"note": "x"}
    assert after["metadata"]["name"] == "kuard"


def test_map_directives_replace_and_delete() -> None:
    replaced = smp(config_map(), {"metadata": {"annotations": {"$patch": "replace", "only": "this"}}})
    assert replaced["metadata"]["annotations"] == {"only": "this"}
    emptied = smp(config_map(), {"metadata": {"annotations": {"$patch": "delete"}}})
    assert emptied["metadata"]["annotations"] == {}


def test_merge_directives_are_refused() -> None:
    with pytest.raises(PatchError) as on_map:
        smp(config_map(), {"metadata": {"annotations": {"$patch": "merge"}}})
    assert (on_map.value.status, on_map.value.message) == (500, "unknown patch type: merge in map: map[$patch:merge]")
    with pytest.raises(PatchError, match=r"^merging lists cannot yet be specified in the patch$"):
        smp(deployment(), container_patch({"name": "kuard", "$patch": "merge"}))


def test_new_content_loses_its_nulls_and_directive_maps() -> None:
    patch = {"spec": {"template": {"spec": {"securityContext": {"runAsUser": 1000, "fsGroup": None}}}}}
    assert pod_spec(smp(deployment(), patch))["securityContext"] == {"runAsUser": 1000}
    dropped = smp(config_map(), {"metadata": {"labels": {"$patch": "delete"}}})
    assert "labels" not in dropped["metadata"]


def test_an_appended_list_item_is_kept_as_the_patch_wrote_it() -> None:
    # strategicpatch appends the item raw; the apiserver's typed decoding is what drops the null.
    after = smp(deployment(), container_patch({"name": "extra", "image": "x", "resources": None}))
    assert containers(after)[0] == {"name": "extra", "image": "x", "resources": None}


def test_whole_object_directive_and_null_body() -> None:
    assert smp(config_map(), {"$patch": "replace", "data": {"a": "b"}}) == {"data": {"a": "b"}}
    assert smp(config_map(), None) == config_map()


def test_lists_of_lists_get_the_generic_422() -> None:
    with pytest.raises(PatchError) as error:
        smp(config_map() | {"metadata": {"finalizers": []}}, {"metadata": {"finalizers": [["nested"]]}})
    assert (error.value.status, error.value.reason, error.value.message) == (422, "Invalid", REJECTED)


def test_a_body_that_is_not_an_object_is_a_bad_request() -> None:
    with pytest.raises(PatchError) as error:
        smp(config_map(), [{"op": "add"}])
    assert (error.value.status, error.value.reason) == (400, "BadRequest")
    assert error.value.message == "json: cannot unmarshal array into Go value of type map[string]interface {}"


@pytest.mark.parametrize(
    ("patch", "status", "message"),
    [
        (
            container_patch({"image": "nameless"}),
            500,
            "map: map[image:nameless] does not contain declared merge key: name",
        ),
        (
            container_patch({"name": "kuard", "image": "x"}, order=["logger"]),
            500,
            "The order in patch list:\n[map[image:x name:kuard]]\n doesn't match $setElementOrder list:\n"
            "[map[name:logger]]\n",
        ),
        ({"metadata": {"finalizers": [7]}}, 500, "list element types are not identical: [[a/b] [7]]"),
        ({"metadata": {"$deleteFromPrimitiveList": ["a/b"]}}, 400, "invalid patch format of primitive list"),
        ({"metadata": {"$setElementOrder": ["a/b"]}}, 400, "invalid patch format of setElementOrder list"),
        ({"metadata": {"$setElementOrder/finalizers": "a/b"}}, 500, "expected a []interface {}, but received a string"),
        ({"metadata": {"$patch": 5}}, 500, "unknown patch type: %!s(int64=5) in map: map[$patch:5]"),
    ],
)
def test_errors_carry_the_apiserver_status_and_message(patch: dict[str, Any], status: int, message: str) -> None:
    with pytest.raises(PatchError) as error:
        smp(deployment(), patch)
    assert (error.value.status, error.value.message) == (status, message)


def test_what_panics_in_the_apiserver_raises_apiserver_panic() -> None:
    empty = config_map()
    empty["metadata"]["finalizers"] = []
    with pytest.raises(ApiserverPanic) as error:
        smp(empty, {"metadata": {"finalizers": [None]}})
    assert (error.value.status, error.value.reason) == (500, "")
    assert error.value.message == "This request caused apiserver to panic. Look in the logs for details."
    # Tolerations have no merge key, so ordering them compares maps with ==.
    with pytest.raises(ApiserverPanic):
        smp(deployment(), template_patch({"$setElementOrder/tolerations": [{"key": "gpu"}], "tolerations": []}))


def test_unsupported_media_type_wording() -> None:
    error = unsupported_media_type(["application/json-patch+json", "application/merge-patch+json"])
    assert (error.status, error.reason) == (415, "UnsupportedMediaType")
    assert error.message == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json"
    )


# --- JSON patch ------------------------------------------------------------------------------------------


def test_json_patch_add_replace_remove_and_test() -> None:
    before = config_map()
    patch = [
        {"op": "test", "path": "/data/color", "value": "blue"},
        {"op": "replace", "path": "/data/color", "value": "green"},
        {"op": "add", "path": "/data/shape", "value": "round"},
        {"op": "remove", "path": "/data/size"},
        {"op": "add", "path": "/metadata/annotations/example.com~1reviewed", "value": "yes"},
    ]
    after = json_patch(before, patch)
    assert after["data"] == {"color": "green", "shape": "round"}
    assert after["metadata"]["annotations"]["example.com/reviewed"] == "yes"
    assert before == config_map()


def test_json_patch_arrays_take_indices_dash_and_negative_indices() -> None:
    patch = [
        {"op": "add", "path": "/metadata/finalizers/0", "value": "first"},
        {"op": "add", "path": "/metadata/finalizers/-", "value": "last"},
        {"op": "remove", "path": "/metadata/finalizers/-2"},
        {"op": "replace", "path": "/metadata/finalizers/-1", "value": "end"},
    ]
    assert json_patch(config_map(), patch)["metadata"]["finalizers"] == ["first", "x", "end"]


def test_json_patch_move_and_copy() -> None:
    patch = [
        {"op": "move", "from": "/data/size", "path": "/data/dimension"},
        {"op": "copy", "from": "/data/color", "path": "/metadata/annotations/color"},
    ]
    after = json_patch(config_map(), patch)
    assert after["data"] == {"color": "blue", "dimension": "large"}
    assert after["metadata"]["annotations"]["color"] == "blue"


def test_json_patch_quirks_of_the_apiserver_library() -> None:
    # replace of a missing key adds it; copy from a missing key copies null; test of a missing key passes for null.
    patch = [
        {"op": "test", "path": "/data/missing", "value": None},
        {"op": "replace", "path": "/data/weight", "value": "heavy"},
        {"op": "copy", "from": "/data/nothing", "path": "/data/empty"},
    ]
    after = json_patch(config_map(), patch)
    assert after["data"] == {"color": "blue", "size": "large", "weight": "heavy", "empty": None}


@pytest.mark.parametrize(
    "patch",
    [
        [{"op": "test", "path": "/data/color", "value": "red"}],
        [{"op": "test", "path": "/metadata/finalizers/0", "value": 1}],
        [{"op": "remove", "path": "/data/missing"}],
        [{"op": "add", "path": "/spec/missing/field", "value": 1}],
        [{"op": "add", "path": "/metadata/finalizers/5", "value": "x"}],
        [{"op": "replace", "path": "/metadata/finalizers/2", "value": "x"}],
        [{"op": "move", "from": "/data/missing", "path": "/data/other"}],
        [{"op": "invent", "path": "/data"}],
        [{"path": "/data/color"}],
        [None],
    ],
)
def test_json_patch_operations_that_do_not_apply_get_the_generic_422(patch: list[Any]) -> None:
    with pytest.raises(PatchError) as error:
        json_patch(config_map(), patch)
    assert (error.value.status, error.value.reason, error.value.message, error.value.details) == (
        422,
        "Invalid",
        REJECTED,
        {},
    )


@pytest.mark.parametrize(
    ("patch", "validation", "message"),
    [
        (
            {"op": "add"},
            "Strict",
            "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp",
        ),
        (
            ["add"],
            "Warn",
            "error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp",
        ),
        (
            [{"op": "add", "path": 3}],
            "Warn",
            "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.path of type string",
        ),
        ({"op": "add"}, "Ignore", "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
        ([True], "Ignore", "json: cannot unmarshal bool into Go value of type jsonpatch.Operation"),
    ],
)
def test_json_patch_bodies_of_the_wrong_shape_are_bad_requests(patch: Any, validation: str, message: str) -> None:
    with pytest.raises(PatchError) as error:
        json_patch(config_map(), patch, field_validation=validation)
    assert (error.value.status, error.value.reason, error.value.message) == (400, "BadRequest", message)


def test_json_patch_null_body_changes_nothing() -> None:
    assert json_patch(config_map(), None) == config_map()


def test_json_patch_operation_limit() -> None:
    patch = [{"op": "test", "path": "/data/color", "value": "blue"}] * 10_001
    with pytest.raises(PatchError) as error:
        json_patch(config_map(), patch)
    assert (error.value.status, error.value.reason) == (413, "RequestEntityTooLarge")
    assert error.value.message == (
        "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001"
    )


def test_json_patch_result_must_be_an_object() -> None:
    with pytest.raises(PatchError) as error:
        json_patch(config_map(), [{"op": "replace", "path": "", "value": ["a<b"]}])
    assert (error.value.status, error.value.reason) == (422, "Invalid")
    assert error.value.message.startswith(' "" is invalid: patch: Invalid value: "[\\"a\\\\u003cb\\"]": ')
    cause = error.value.message.removeprefix(' "" is invalid: patch: ')
    assert error.value.details == {"causes": [{"reason": "FieldValueInvalid", "message": cause, "field": "patch"}]}


# --- JSON merge patch ------------------------------------------------------------------------------------


def test_merge_patch_merges_maps_replaces_lists_and_null_deletes() -> None:
    patch = {
        "metadata": {"annotations": {"example.com/owner": None, "example.com/tier": "gold"}, "finalizers": ["z"]},
        "data": {"size": None, "shape": "round"},
    }
    after = merge_patch(config_map(), patch)
    assert after["metadata"]["annotations"] == {"example.com/tier": "gold"}
    assert after["metadata"]["finalizers"] == ["z"]
    assert after["data"] == {"color": "blue", "shape": "round"}


def test_merge_patch_prunes_nulls_from_new_content() -> None:
    patch = {"binaryData": {"a": None, "b": "Yg=="}, "data": {"color": {"nested": None, "kept": 1}}}
    after = merge_patch(config_map(), patch)
    assert after["binaryData"] == {"b": "Yg=="}
    assert after["data"]["color"] == {"kept": 1}


@pytest.mark.parametrize(
    ("patch", "validation", "status", "message"),
    [
        (None, "Warn", 400, "Invalid JSON Patch"),
        ("text", "Ignore", 400, "Invalid JSON Patch"),
        (
            ["a"],
            "Strict",
            400,
            "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}",
        ),
    ],
)
def test_merge_patch_bodies_that_are_not_objects(patch: Any, validation: str, status: int, message: str) -> None:
    with pytest.raises(PatchError) as error:
        merge_patch(config_map(), patch, field_validation=validation)
    assert (error.value.status, error.value.message) == (status, message)


def test_merge_patch_array_body_without_validation_fails_to_decode() -> None:
    with pytest.raises(PatchError) as error:
        merge_patch(config_map(), [{"a": None}], field_validation="Ignore")
    assert (error.value.status, error.value.reason) == (422, "Invalid")
    assert "couldn't get version/kind" in error.value.message


# --- the same patches through the real kubectl ----------------------------------------------------------

ORACLE_CASES: list[tuple[str, dict[str, Any], Any]] = [
    ("strategic", deployment(), container_patch({"name": "kuard", "image": "v2"}, order=["kuard", "logger"])),
    ("strategic", deployment(), container_patch({"name": "new", "image": "n"}, order=["logger", "new", "kuard"])),
    ("strategic", deployment(), container_patch({"name": "logger", "$patch": "delete"}, {"name": "b", "image": "b"})),
    ("strategic", deployment(), container_patch({"name": "kuard", "ports": [{"containerPort": 1}]}, {"name": "z"})),
    (
        "strategic",
        deployment(),
        container_patch(
            {"name": "kuard", "env": [{"name": "A", "value": "1"}], "$setElementOrder/env": [{"name": "A"}]}
        ),
    ),
    ("strategic", deployment(), {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
    ("strategic", deployment(), template_patch({"volumes": [{"name": "v2", "hostPath": {"path": "/x"}}]})),
    ("strategic", deployment(), {"metadata": {"finalizers": ["c", "a/b", "d"], "labels": {"app": None, "x": "y"}}}),
    ("strategic", deployment(), {"metadata": {"$setElementOrder/finalizers": ["n", "a/b"], "finalizers": ["n"]}}),
    ("strategic", deployment(), {"spec": {"template": {"spec": {"containers": [{"name": "kuard", "env": None}]}}}}),
    ("strategic", deployment(), {"spec": {"template": {"metadata": {"$patch": "replace", "labels": {"a": "b"}}}}}),
    ("strategic", deployment(), {"spec": {"selector": {"matchLabels": {"tier": "web"}, "matchExpressions": []}}}),
    ("strategic", config_map(), {"metadata": {"$deleteFromPrimitiveList/finalizers": ["y", "q"]}, "data": None}),
    ("strategic", config_map(), {"metadata": {"finalizers": [1.5]}}),
    ("strategic", config_map(), {"metadata": {"$setElementOrder/finalizers": []}}),
    ("strategic", config_map(), {"metadata": {"finalizers": [["x"]]}}),
    ("json", config_map(), [{"op": "add", "path": "/metadata/finalizers/-3", "value": "n"}]),
    ("json", config_map(), [{"op": "replace", "path": "/metadata/labels", "value": {"a": "b"}}]),
    ("json", config_map(), [{"op": "add", "path": "data/unrooted", "value": "q"}]),
    ("json", config_map(), [{"op": "test", "path": "/data", "value": {"size": "large", "color": "blue"}}]),
    ("json", config_map(), [{"op": "test", "path": "/metadata/finalizers", "value": ["y", "x"]}]),
    ("json", config_map(), [{"op": "copy", "from": "/metadata/finalizers/1", "path": "/metadata/finalizers/0"}]),
    ("merge", config_map(), {"metadata": {"finalizers": None, "labels": {"a": None, "b": {"c": None}}}}),
    ("merge", config_map(), {"data": ["x", {"y": None}]}),
]


def kubectl_patch(tmp_path: Path, kind: str, obj: dict[str, Any], patch: Any) -> tuple[bool, Any]:
    manifest = tmp_path / "object.json"
    manifest.write_text(json.dumps(obj))
    command = [str(KUBECTL), "patch", "--local", "-f", str(manifest), "--type", kind, "-p", json.dumps(patch)]
    result = subprocess.run([*command, "-o", "json"], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        return False, result.stderr.strip().removeprefix("error: ")
    return True, json.loads(result.stdout)


def ours(kind: str, obj: dict[str, Any], patch: Any) -> tuple[bool, Any]:
    try:
        if kind == "json":
            return True, json_patch(obj, patch)
        if kind == "merge":
            return True, merge_patch(obj, patch)
        return True, smp(obj, patch)
    except PatchError as error:
        return False, error


@pytest.mark.skipif(not KUBECTL.exists(), reason=f"the project's kubectl is not installed at {KUBECTL}")
@pytest.mark.parametrize(("kind", "obj", "patch"), ORACLE_CASES)
def test_same_result_as_kubectl_patch_local(tmp_path: Path, kind: str, obj: dict[str, Any], patch: Any) -> None:
    expected_ok, expected = kubectl_patch(tmp_path, kind, copy.deepcopy(obj), patch)
    actual_ok, actual = ours(kind, obj, patch)
    assert actual_ok == expected_ok, f"kubectl: {expected}\nours: {actual}"
    if expected_ok:
        assert actual == expected
    elif kind == "strategic" and actual.status != 422:
        # The apiserver passes strategicpatch's own message through; kubectl prints it as it is.
        assert actual.message.rstrip("\n") == expected

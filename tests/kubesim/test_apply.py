"""Server-side apply and managedFields: hand-worked cases of structured-merge-diff's rules, then real kubectl."""

from __future__ import annotations

import copy
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from kubesim.api.apply import (
    APPLY_PATCH,
    ApplyConflict,
    ApplySchema,
    FieldSet,
    apply,
    decode_apply_patch,
    field_manager,
    manager_from_user_agent,
    patch_options_causes,
    track_update,
)
from kubesim.api.patch import PatchError
from tests.kubesim.conftest import Cluster

T0, T1, T2, T3 = "2024-05-01T10:00:00Z", "2024-05-01T10:01:00Z", "2024-05-01T10:02:00Z", "2024-05-01T10:03:00Z"
DEPLOYMENTS = ApplySchema.for_kind("apps", "v1", "Deployment")
assert DEPLOYMENTS is not None


def deployment(**spec: Any) -> dict[str, Any]:
    """An applied configuration: a Deployment named web with one nginx container, spec fields overridable."""
    body: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 80}]}]},
            },
        },
    }
    body["spec"].update(spec)
    return body


def minimal(**fields: Any) -> dict[str, Any]:
    """A configuration that names the Deployment and sets only the given top-level fields."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        **fields,
    }


def stored(obj: dict[str, Any]) -> dict[str, Any]:
    """obj as the store keeps it after a create: with a uid."""
    kept = copy.deepcopy(obj)
    kept["metadata"]["uid"] = "6f1c2a9e-0000-4000-8000-000000000001"
    return kept


def applied(config: dict[str, Any], live: dict[str, Any] | None = None, manager: str = "kubectl", **kw: Any) -> dict:
    assert DEPLOYMENTS is not None
    kw.setdefault("now", T0)
    kw.setdefault("has_status", True)
    result = apply(live, config, manager, kw.pop("force", False), DEPLOYMENTS, **kw)
    return stored(result) if live is None else result


def updated(old: dict[str, Any] | None, new: dict[str, Any], manager: str, **kw: Any) -> dict[str, Any]:
    assert DEPLOYMENTS is not None
    kw.setdefault("now", T1)
    kw.setdefault("has_status", True)
    return track_update(old, new, manager, DEPLOYMENTS, **kw)


def entries(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return list(obj["metadata"].get("managedFields") or [])


def fields_of(obj: dict[str, Any], manager: str, operation: str = "Apply") -> dict[str, Any]:
    found = [e for e in entries(obj) if e.get("manager") == manager and e["operation"] == operation]
    assert len(found) == 1, entries(obj)
    fields: dict[str, Any] = found[0]["fieldsV1"]
    return fields


def owners(obj: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e.get("manager", ""), e["operation"]) for e in entries(obj)]


def owned_paths(obj: dict[str, Any], manager: str, operation: str = "Apply") -> list[str]:
    return FieldSet.from_fields_v1(fields_of(obj, manager, operation)).printed()


def edited(obj: dict[str, Any], change: Any) -> dict[str, Any]:
    """A copy of obj (managedFields and all, as kubectl edit sends it back) with change applied to it."""
    copied = copy.deepcopy(obj)
    change(copied)
    return copied


NGINX_FIELDS: dict[str, Any] = {
    ".": {},
    "f:image": {},
    "f:name": {},
    "f:ports": {'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}},
}


# --- FieldSet and FieldsV1 ---------------------------------------------------------------------------------


def test_fields_v1_marks_a_node_owned_both_whole_and_through_children() -> None:
    fields = FieldSet.of(("metadata", "labels"), ("metadata", "labels", "app"), ("spec", "replicas"))
    encoded = fields.to_fields_v1()
    assert encoded == {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}, "f:spec": {"f:replicas": {}}}
    assert FieldSet.from_fields_v1(encoded) == fields


def test_fields_v1_orders_fields_then_keys_then_set_values() -> None:
    scrambled: dict[str, Any] = {
        "f:list": {
            'v:"b"': {},
            'k:{"name":"z"}': {".": {}, "f:name": {}},
            "f:b": {},
            'v:"a"': {},
            'k:{"name":"a"}': {},
            "f:a": {},
            "v:3": {},
        }
    }
    encoded = FieldSet.from_fields_v1(scrambled).to_fields_v1()
    assert list(encoded["f:list"]) == ["f:a", "f:b", 'k:{"name":"a"}', 'k:{"name":"z"}', "v:3", 'v:"a"', 'v:"b"']


def test_fields_v1_keys_are_compact_json_with_sorted_names_and_escaped_html() -> None:
    fields = FieldSet.from_fields_v1({'k:{"protocol":"TCP","containerPort":80}': {}, 'v:"<a&b>"': {}})
    assert list(fields.to_fields_v1()) == ['k:{"containerPort":80,"protocol":"TCP"}', 'v:"\\u003ca\\u0026b\\u003e"']


def test_fields_v1_skips_unknown_element_kinds_and_rejects_malformed_keys() -> None:
    assert FieldSet.from_fields_v1({"x:whatever": {}, "f:kept": {}}).to_fields_v1() == {"f:kept": {}}
    with pytest.raises(ValueError, match="missing colon"):
        FieldSet.from_fields_v1({"fx": {}})
    with pytest.raises(ValueError, match="2 characters"):
        FieldSet.from_fields_v1({"f": {}})


def test_difference_keeps_what_lies_below_a_removed_member_and_recursive_difference_drops_it() -> None:
    owned = FieldSet.of(("status",), ("status", "replicas"), ("spec", "replicas"))
    assert owned.difference(FieldSet.of(("status",))) == FieldSet.of(("status", "replicas"), ("spec", "replicas"))
    assert owned.recursive_difference(FieldSet.of(("status",))) == FieldSet.of(("spec", "replicas"))


# --- apply: creating, pruning, merging -----------------------------------------------------------------------


def test_first_apply_creates_the_object_with_one_apply_entry() -> None:
    created = applied(deployment())
    assert entries(created) == [
        {
            "manager": "kubectl",
            "operation": "Apply",
            "apiVersion": "apps/v1",
            "time": T0,
            "fieldsType": "FieldsV1",
            "fieldsV1": {
                "f:metadata": {"f:labels": {"f:app": {}}},
                "f:spec": {
                    "f:replicas": {},
                    "f:selector": {},
                    "f:template": {
                        "f:metadata": {"f:labels": {"f:app": {}}},
                        "f:spec": {"f:containers": {'k:{"name":"nginx"}': NGINX_FIELDS}},
                    },
                },
            },
        }
    ]
    without = {key: value for key, value in created.items()}
    without["metadata"] = {k: v for k, v in created["metadata"].items() if k not in ("managedFields", "uid")}
    assert without == deployment()


def test_reapplying_without_a_field_removes_it() -> None:
    first = applied(deployment(replicas=3, minReadySeconds=5))
    config = deployment(minReadySeconds=5)
    del config["spec"]["replicas"]
    config["metadata"]["labels"] = {}
    second = applied(config, first, now=T1)
    assert "replicas" not in second["spec"]
    assert second["metadata"].get("labels") in (None, {})
    assert second["spec"]["minReadySeconds"] == 5
    paths = owned_paths(second, "kubectl")
    assert ".spec.replicas" not in paths and ".metadata.labels.app" not in paths
    assert ".metadata.labels" in paths  # the emptied map is owned as itself
    assert entries(second)[0]["time"] == T1


def test_reapplying_keeps_a_dropped_field_that_another_manager_still_owns() -> None:
    first = applied(deployment())
    config = minimal(metadata={"name": "web", "namespace": "default", "labels": {"tier": "front"}})
    tier_by_alice = applied(config, first, "alice", now=T1)
    shared = applied(config, tier_by_alice, "bob", now=T2)
    assert shared["metadata"]["labels"] == {"app": "web", "tier": "front"}
    # bob's apply changed nothing, so his new entry has no time, and sorts as the oldest
    assert [(e["manager"], e.get("time")) for e in entries(shared)] == [("bob", None), ("kubectl", T0), ("alice", T1)]
    alice_gives_up = applied(minimal(), shared, "alice", now=T3)
    assert alice_gives_up["metadata"]["labels"] == {"app": "web", "tier": "front"}
    assert owners(alice_gives_up) == [("bob", "Apply"), ("kubectl", "Apply")]


def test_a_field_an_updater_took_over_survives_the_appliers_next_apply_without_it() -> None:
    first = applied(deployment())
    edit = updated(first, edited(first, lambda o: o["spec"].update(replicas=5)), "kubectl-edit")
    assert ".spec.replicas" not in owned_paths(edit, "kubectl")
    config = deployment()
    del config["spec"]["replicas"]
    again = applied(config, edit, now=T2)
    assert again["spec"]["replicas"] == 5
    assert owned_paths(again, "kubectl-edit", "Update") == [".spec.replicas"]


def test_containers_merge_by_name_and_keep_the_ones_other_managers_added() -> None:
    first = applied(deployment())
    sidecar = {"name": "sidecar", "image": "busybox"}
    with_sidecar = updated(
        first, edited(first, lambda o: o["spec"]["template"]["spec"]["containers"].append(sidecar)), "kubectl-edit"
    )
    bumped = deployment()
    bumped["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"
    second = applied(bumped, with_sidecar, now=T2)
    assert [(c["name"], c["image"]) for c in second["spec"]["template"]["spec"]["containers"]] == [
        ("nginx", "nginx:1.26"),
        ("sidecar", "busybox"),
    ]
    renamed = deployment()
    renamed["spec"]["template"]["spec"]["containers"] = [{"name": "web", "image": "httpd"}]
    third = applied(renamed, second, now=T3)
    assert [c["name"] for c in third["spec"]["template"]["spec"]["containers"]] == ["sidecar", "web"]


def test_applied_list_order_wins_for_shared_items_and_live_items_stay_near_their_neighbours() -> None:
    first = applied(deployment())
    nginx = first["spec"]["template"]["spec"]["containers"][0]
    containers = [{"name": "a", "image": "img"}, nginx, {"name": "b", "image": "img"}]
    extended = updated(
        first, edited(first, lambda o: o["spec"]["template"]["spec"].update(containers=containers)), "kubectl-edit"
    )
    config = deployment()
    config["spec"]["template"]["spec"]["containers"] = [
        {"name": "c", "image": "img"},
        {"name": "b", "image": "img"},
        {"name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 80}]},
    ]
    merged = applied(config, extended, now=T2)
    assert [c["name"] for c in merged["spec"]["template"]["spec"]["containers"]] == ["a", "c", "b", "nginx"]


def test_labels_are_merged_key_by_key_across_appliers() -> None:
    first = applied(deployment())
    team = applied(
        minimal(metadata={"name": "web", "namespace": "default", "labels": {"team": "blue"}}), first, "bob", now=T1
    )
    assert team["metadata"]["labels"] == {"app": "web", "team": "blue"}
    config = deployment()
    del config["metadata"]["labels"]
    again = applied(config, team, now=T2)
    assert again["metadata"]["labels"] == {"team": "blue"}


def test_atomic_fields_and_sets_are_owned_as_the_schema_says() -> None:
    config = deployment()
    pod = config["spec"]["template"]["spec"]
    pod["tolerations"] = [{"key": "gpu", "operator": "Exists"}]
    pod["nodeSelector"] = {"disk": "ssd"}
    config["metadata"]["finalizers"] = ["example.com/cleanup"]
    created = applied(config)
    fields = fields_of(created, "kubectl")
    assert fields["f:metadata"]["f:finalizers"] == {'v:"example.com/cleanup"': {}}
    assert fields["f:spec"]["f:selector"] == {}
    pod_fields = fields["f:spec"]["f:template"]["f:spec"]
    assert pod_fields["f:tolerations"] == {} and pod_fields["f:nodeSelector"] == {}
    others = applied(minimal(metadata={"name": "web", "finalizers": ["b"]}), created, "bob", now=T1)
    assert others["metadata"]["finalizers"] == ["example.com/cleanup", "b"]
    selector = applied(minimal(spec={"selector": {"matchLabels": {"tier": "x"}}}), created, "kubectl", force=True)
    assert selector["spec"]["selector"] == {"matchLabels": {"tier": "x"}}  # atomic: replaced, not merged


def test_service_ports_are_keyed_by_port_and_the_defaulted_protocol() -> None:
    services = ApplySchema.for_kind("", "v1", "Service")
    assert services is not None
    config = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}
    created = apply(None, config, "kubectl", False, services, has_status=True, now=T0)
    ports = fields_of(created, "kubectl")["f:spec"]["f:ports"]
    assert ports == {'k:{"port":80,"protocol":"TCP"}': {".": {}, "f:port": {}}}
    live = stored(created)
    live["spec"]["ports"][0]["protocol"] = "TCP"  # as defaulting stores it: still the same item
    again = apply(live, config, "kubectl", False, services, has_status=True, now=T1)
    assert again["spec"]["ports"] == [{"port": 80, "protocol": "TCP"}]


def test_a_field_can_make_an_atomic_type_granular() -> None:
    volumes = ApplySchema.for_kind("", "v1", "PersistentVolume")
    assert volumes is not None
    config = {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": "pv"},
        "spec": {"claimRef": {"name": "data", "namespace": "default"}, "capacity": {"storage": "1Gi"}},
    }
    created = apply(None, config, "kubectl", False, volumes, has_status=True, now=T0)
    # ObjectReference is atomic, but PersistentVolumeSpec.claimRef says granular; capacity is a map of quantities
    assert fields_of(created, "kubectl")["f:spec"] == {
        "f:capacity": {"f:storage": {}},
        "f:claimRef": {"f:name": {}, "f:namespace": {}},
    }


def test_status_belongs_to_the_status_subresource() -> None:
    config = deployment()
    config["status"] = {"replicas": 7}
    created = applied(config)
    assert "f:status" not in fields_of(created, "kubectl")
    status = applied(minimal(status={"replicas": 2}), created, "controller", subresource="status", now=T1)
    entry = next(e for e in entries(status) if e["manager"] == "controller")
    assert entry["subresource"] == "status" and entry["fieldsV1"] == {"f:status": {"f:replicas": {}}}


def test_a_null_in_the_configuration_clears_the_field_and_is_owned() -> None:
    first = applied(deployment())
    cleared = applied(deployment(replicas=None), first, now=T1)
    assert "replicas" not in cleared["spec"]
    assert ".spec.replicas" in owned_paths(cleared, "kubectl")


def test_reapplying_the_same_configuration_changes_nothing_not_even_the_time() -> None:
    first = applied(deployment())
    assert applied(deployment(), first, now=T3) == first


def test_first_apply_to_an_untracked_object_hands_its_fields_to_before_first_apply() -> None:
    untracked = stored(deployment(replicas=4))
    result = applied(deployment(replicas=4, minReadySeconds=3), untracked, now=T1)
    assert owners(result) == [("kubectl", "Apply"), ("before-first-apply", "Update")]
    assert ".spec.replicas" in owned_paths(result, "before-first-apply", "Update")
    with pytest.raises(ApplyConflict) as conflict:
        applied(deployment(replicas=1), untracked, now=T1)
    assert conflict.value.message == (
        'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas'
    )


def test_custom_resources_use_their_crd_schema_or_keep_every_field() -> None:
    schema = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "properties": {
                    "items": {
                        "type": "array",
                        "x-kubernetes-list-type": "map",
                        "x-kubernetes-list-map-keys": ["id"],
                        "items": {"type": "object", "properties": {"id": {"type": "string"}, "v": {"type": "integer"}}},
                    },
                    "tags": {
                        "type": "array",
                        "x-kubernetes-patch-strategy": "merge",
                        "items": {"type": "string"},
                    },
                },
            }
        },
    }
    typed = ApplySchema.for_custom_resource("example.com", "v1", "Widget", schema)
    config = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "labels": {"a": "b"}}}
    config["spec"] = {"items": [{"id": "x", "v": 1}], "tags": ["t"]}
    created = apply(None, config, "alice", False, typed, now=T0)
    assert fields_of(created, "alice")["f:spec"] == {
        "f:items": {'k:{"id":"x"}': {".": {}, "f:id": {}, "f:v": {}}},
        "f:tags": {'v:"t"': {}},
    }
    with pytest.raises(PatchError, match=r"\.spec\.other: field not declared in schema"):
        apply(None, {**config, "spec": {"other": 1}}, "alice", False, typed)
    untyped = ApplySchema.for_custom_resource("example.com", "v1", "Widget", None)
    loose = apply(None, {**config, "spec": {"a": {"b": 1}}}, "alice", False, untyped, now=T0)
    assert fields_of(loose, "alice") == {
        "f:metadata": {"f:labels": {"f:a": {}}},
        "f:spec": {".": {}, "f:a": {".": {}, "f:b": {}}},
    }


# --- apply: conflicts --------------------------------------------------------------------------------------


def test_two_appliers_disagreeing_on_a_value_conflict() -> None:
    first = applied(deployment(), manager="alice")
    with pytest.raises(ApplyConflict) as raised:
        applied(minimal(spec={"replicas": 3}), first, "bob", now=T1)
    conflict = raised.value
    assert (conflict.status, conflict.reason) == (409, "Conflict")
    assert conflict.message == 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas'
    assert conflict.details == {
        "causes": [{"reason": "FieldManagerConflict", "message": 'conflict with "alice"', "field": ".spec.replicas"}]
    }
    assert conflict.conflicts == [("alice", ".spec.replicas")]


def test_several_conflicts_are_listed_manager_by_manager() -> None:
    config = deployment()
    config["metadata"]["labels"]["tier"] = "front"
    first = applied(config, manager="alice")
    image = edited(first, lambda o: o["spec"]["template"]["spec"]["containers"][0].update(image="nginx:2"))
    edit = updated(first, image, "kubectl-edit")
    wanted = minimal(spec={"replicas": 5, "template": {"spec": {"containers": [{"name": "nginx", "image": "x"}]}}})
    wanted["metadata"]["labels"] = {"tier": "back"}
    with pytest.raises(ApplyConflict) as raised:
        applied(wanted, edit, "carol", now=T2)
    assert raised.value.message == (
        "Apply failed with 3 conflicts: "
        'conflicts with "alice":\n'
        "- .metadata.labels.tier\n"
        "- .spec.replicas\n"
        'conflicts with "kubectl-edit" using apps/v1:\n'
        '- .spec.template.spec.containers[name="nginx"].image'
    )
    assert [cause["field"] for cause in (raised.value.details or {})["causes"]] == [
        ".metadata.labels.tier",
        ".spec.replicas",
        '.spec.template.spec.containers[name="nginx"].image',
    ]


def test_force_takes_the_field_from_its_owner() -> None:
    first = applied(deployment(), manager="alice")
    forced = applied(minimal(spec={"replicas": 3}), first, "bob", force=True, now=T1)
    assert forced["spec"]["replicas"] == 3
    assert ".spec.replicas" not in owned_paths(forced, "alice")
    assert owned_paths(forced, "bob") == [".spec.replicas"]
    with pytest.raises(ApplyConflict, match=r'conflict with "bob": \.spec\.replicas'):
        applied(deployment(), forced, "alice", now=T2)


def test_apply_after_kubectl_scale_conflicts_on_replicas() -> None:
    first = applied(deployment())
    manager = field_manager(None, "kubectl/v1.37.1 (linux/amd64) kubernetes/f78e722")
    scaled = updated(first, edited(first, lambda o: o["spec"].update(replicas=5)), manager, subresource="scale")
    scale_entry = entries(scaled)[1]
    assert scale_entry["subresource"] == "scale" and scale_entry["fieldsV1"] == {"f:spec": {"f:replicas": {}}}
    with pytest.raises(ApplyConflict) as raised:
        applied(deployment(), scaled, now=T2)
    assert raised.value.message == (
        'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas'
    )


def test_apply_over_a_client_side_apply_conflicts_with_kubectl_client_side_apply() -> None:
    created = stored(updated(None, deployment(), "kubectl-client-side-apply", now=T0))
    with pytest.raises(ApplyConflict) as raised:
        applied(deployment(replicas=3), created, now=T1)
    assert raised.value.message == (
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas'
    )
    agreeing = applied(deployment(), created, now=T1)  # the same values: shared ownership, no conflict
    assert owners(agreeing) == [("kubectl", "Apply"), ("kubectl-client-side-apply", "Update")]


# --- apply: refusals ----------------------------------------------------------------------------------------


def test_a_configuration_of_another_kind_is_a_bad_request() -> None:
    services = ApplySchema.for_kind("", "v1", "Service")
    assert services is not None
    with pytest.raises(PatchError) as raised:
        apply(None, deployment(), "kubectl", False, services)
    assert (raised.value.status, raised.value.reason) == (400, "BadRequest")
    assert raised.value.message == "invalid object type: apps/v1, Kind=Deployment"


def test_managed_fields_in_the_configuration_are_refused() -> None:
    config = deployment()
    config["metadata"]["managedFields"] = []
    with pytest.raises(PatchError) as raised:
        applied(config)
    assert (raised.value.status, raised.value.message) == (400, "metadata.managedFields must be nil")


def test_unreadable_managed_fields_on_the_live_object_fail_the_apply() -> None:
    first = applied(deployment())
    first["metadata"]["managedFields"][0]["operation"] = "Replace"
    with pytest.raises(PatchError) as raised:
        applied(deployment(), first, now=T1)
    assert (raised.value.status, raised.value.message) == (
        500,
        "failed to decode managed fields: operation must be `Apply` or `Update`",
    )


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda c: c["spec"].update(replicass=2), ".spec.replicass: field not declared in schema"),
        (lambda c: c["spec"].update(replicas="two"), ".spec.replicas: expected numeric (int or float), got string"),
        (
            lambda c: c["spec"]["template"]["spec"]["containers"].append({"name": "nginx"}),
            '.spec.template.spec.containers: duplicate entries for key [name="nginx"]',
        ),
        (
            lambda c: c["spec"]["template"]["spec"]["containers"].append({"image": "x"}),
            ".spec.template.spec.containers: element 1: associative list with keys has an element that omits all "
            'key fields ["name"] (and doesn\'t have default values for any key fields)',
        ),
    ],
)
def test_configurations_the_schema_refuses_fail_like_the_apiserver(change: Any, error: str) -> None:
    config = deployment()
    change(config)
    with pytest.raises(PatchError) as raised:
        applied(config)
    assert (raised.value.status, raised.value.reason) == (500, "")
    assert (
        raised.value.message == f"failed to create typed patch object (default/web; apps/v1, Kind=Deployment): {error}"
    )


# --- track_update -------------------------------------------------------------------------------------------


def test_create_records_the_creator_as_a_typed_object_would() -> None:
    created = updated(None, deployment(), "kubectl-create", now=T0)
    assert entries(created) == [
        {
            "manager": "kubectl-create",
            "operation": "Update",
            "apiVersion": "apps/v1",
            "time": T0,
            "fieldsType": "FieldsV1",
            "fieldsV1": {
                "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                "f:spec": {
                    "f:replicas": {},
                    "f:selector": {},
                    "f:template": {
                        "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                        "f:spec": {
                            "f:containers": {
                                'k:{"name":"nginx"}': {
                                    ".": {},
                                    "f:image": {},
                                    "f:name": {},
                                    "f:ports": {
                                        ".": {},
                                        'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}},
                                    },
                                    "f:resources": {},
                                }
                            }
                        },
                    },
                },
            },
        }
    ]


def test_an_update_takes_the_fields_it_changes_from_their_owners() -> None:
    first = applied(deployment())
    edit = updated(first, edited(first, lambda o: o["spec"].update(replicas=5)), "kubectl-edit", now=T1)
    assert owners(edit) == [("kubectl", "Apply"), ("kubectl-edit", "Update")]
    assert entries(edit)[1]["time"] == T1 and entries(edit)[0]["time"] == T0
    assert owned_paths(edit, "kubectl-edit", "Update") == [".spec.replicas"]
    assert ".spec.replicas" not in owned_paths(edit, "kubectl")


def test_an_update_that_removes_a_field_takes_it_from_every_owner() -> None:
    first = applied(deployment(minReadySeconds=5))
    trimmed = updated(first, edited(first, lambda o: o["spec"].pop("minReadySeconds")), "kubectl-edit")
    assert ".spec.minReadySeconds" not in owned_paths(trimmed, "kubectl")
    assert owners(trimmed) == [("kubectl", "Apply")]  # the edit added and changed nothing


def test_an_object_nobody_tracked_stays_untracked_by_updates() -> None:
    untracked = stored(deployment())
    assert (
        "managedFields"
        not in updated(untracked, edited(untracked, lambda o: o["spec"].update(replicas=9)), "x")["metadata"]
    )


def test_an_update_sending_empty_managed_fields_clears_them() -> None:
    first = applied(deployment())
    cleared = updated(first, edited(first, lambda o: o["metadata"].update(managedFields=[])), "kubectl-replace")
    assert "managedFields" not in cleared["metadata"]


def test_managed_fields_the_client_sends_back_are_the_starting_point() -> None:
    first = applied(deployment())
    rewritten = copy.deepcopy(first)
    rewritten["metadata"]["managedFields"][0]["manager"] = "renamed"
    kept = updated(first, rewritten, "kubectl-replace")
    assert owners(kept) == [("renamed", "Apply")]


def test_an_update_without_changes_leaves_managed_fields_alone() -> None:
    first = applied(deployment())
    assert updated(first, copy.deepcopy(first), "kubectl-edit", now=T3) == first


def test_one_managers_updates_accumulate_with_the_latest_time() -> None:
    first = applied(deployment())
    one = updated(first, edited(first, lambda o: o["spec"].update(replicas=5)), "kubectl-edit", now=T1)
    two = updated(one, edited(one, lambda o: o["spec"].update(minReadySeconds=2)), "kubectl-edit", now=T2)
    edit = next(e for e in entries(two) if e["manager"] == "kubectl-edit")
    assert edit["time"] == T2
    assert owned_paths(two, "kubectl-edit", "Update") == [".spec.minReadySeconds", ".spec.replicas"]


def test_beyond_ten_updaters_the_oldest_fold_into_ancient_changes() -> None:
    obj = stored(updated(None, deployment(), "creator", now="2024-05-01T09:00:00Z"))
    for index in range(10):
        change = edited(obj, lambda o, i=index: o["metadata"]["labels"].update({f"l{i}": "x"}))
        obj = updated(obj, change, f"editor-{index}", now=f"2024-05-01T10:{index:02d}:00Z")
    managers = [manager for manager, _ in owners(obj)]
    assert len(managers) == 10 and "creator" not in managers and "editor-0" not in managers
    ancient = next(e for e in entries(obj) if e["manager"] == "ancient-changes")
    assert ancient["time"] == "2024-05-01T10:00:00Z"
    assert ancient["fieldsV1"]["f:metadata"]["f:labels"]["f:l0"] == {}
    assert "f:spec" in ancient["fieldsV1"]


def test_a_status_update_is_recorded_against_the_status_subresource() -> None:
    first = applied(deployment())
    status = updated(
        first, edited(first, lambda o: o.update(status={"replicas": 2})), "controller", subresource="status"
    )
    entry = entries(status)[1]
    # status is a struct a typed Deployment always has, so it is not new: no "." for it
    assert entry["subresource"] == "status" and entry["fieldsV1"] == {"f:status": {"f:replicas": {}}}


def test_an_updater_without_a_name_is_unknown() -> None:
    first = applied(deployment())
    assert owners(updated(first, edited(first, lambda o: o["spec"].update(replicas=1)), "")) == [
        ("kubectl", "Apply"),
        ("unknown", "Update"),
    ]


def test_an_object_the_schema_cannot_type_keeps_its_managed_fields() -> None:
    first = applied(deployment())
    broken = edited(first, lambda o: o["spec"]["template"]["spec"]["containers"].append({"image": "no-name"}))
    assert updated(first, broken, "kubectl-edit")["metadata"]["managedFields"] == first["metadata"]["managedFields"]


# --- request helpers ----------------------------------------------------------------------------------------


def test_the_manager_comes_from_the_query_or_else_the_user_agent() -> None:
    assert manager_from_user_agent("kubectl/v1.37.1 (linux/amd64) kubernetes/f78e722") == "kubectl"
    assert manager_from_user_agent("OpenAPI-Generator/37.0.0/python") == "OpenAPI-Generator"
    assert manager_from_user_agent("ctl\x01ler/1") == "ctller"
    assert manager_from_user_agent("é" * 100) == "é" * 64
    assert field_manager("kubectl-edit", "kubectl/v1.37.1") == "kubectl-edit"
    assert field_manager(None, "kubectl/v1.37.1") == "kubectl"


def test_patch_options_are_validated_like_the_apiserver() -> None:
    assert patch_options_causes(APPLY_PATCH, None, "false") == [
        ("fieldManager", "FieldValueRequired", "Required value: is required for apply patch")
    ]
    assert patch_options_causes("application/merge-patch+json", None, "true") == [
        ("force", "FieldValueForbidden", "Forbidden: may not be specified for non-apply patch")
    ]
    assert patch_options_causes(APPLY_PATCH, "m" * 129, None) == [
        ("fieldManager", "FieldValueTooLong", "Too long: may not be more than 128 bytes")
    ]
    assert patch_options_causes(APPLY_PATCH, "kubectl", "false") == []


def test_apply_bodies_decode_as_yaml_to_json_does() -> None:
    body = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  when: 2024-01-01T00:00:00Z\n  1: one\n"
    assert decode_apply_patch(body) == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c"},
        "data": {"when": "2024-01-01T00:00:00Z", "1": "one"},
    }
    assert decode_apply_patch(b'{"kind": "ConfigMap"}') == {"kind": "ConfigMap"}
    assert decode_apply_patch(b"") == {}
    with pytest.raises(PatchError) as raised:
        decode_apply_patch(b"- a\n- b\n")
    assert raised.value.message == (
        "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}"
    )
    with pytest.raises(PatchError, match=r"^error decoding patch: error converting YAML to JSON: yaml: line 2"):
        decode_apply_patch(b"a: b\n  c: d: e\n")


# --- with real kubectl --------------------------------------------------------------------------------------

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ssa-probe
  labels: {app: probe}
spec:
  replicas: 2
  selector: {matchLabels: {app: probe}}
  template:
    metadata: {labels: {app: probe}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{containerPort: 80}]
"""


def test_what_kubectl_apply_server_side_sends_applies_and_the_python_client_reads_the_result(
    cluster: Cluster,
) -> None:
    """kubectl's own request (body, fieldManager, User-Agent), through the module, into the official client's types."""
    from kubernetes import client

    logged = cluster.kubectl("apply", "--server-side", "-f", "-", "-v=9", stdin=MANIFEST, check=False).stderr
    body = re.search(r'"Request Body" body=<\n\t(.*)\n >\n[^\n]*curlCommand=<\n\tcurl -v -XPATCH ([^\n]*)', logged)
    assert body is not None, logged[-3000:]
    url = re.search(r"'(https://[^']+)'", body.group(2))
    agent = re.search(r'-H "User-Agent: ([^"]+)"', body.group(2))
    assert url and agent
    query = {key: values[0] for key, values in parse_qs(urlsplit(url.group(1)).query).items()}
    assert patch_options_causes(APPLY_PATCH, query.get("fieldManager"), query.get("force")) == []
    manager = field_manager(query.get("fieldManager"), agent.group(1))
    assert manager == "kubectl"
    config = decode_apply_patch(body.group(1).encode())
    assert DEPLOYMENTS is not None
    created = apply(None, config, manager, query.get("force") == "true", DEPLOYMENTS, has_status=True, now=T0)
    assert created["metadata"]["namespace"] == "default"
    typed = client.ApiClient().deserialize(json.dumps(created), "V1Deployment", "application/json")
    entry = typed.metadata.managed_fields[0]
    assert (entry.manager, entry.operation, entry.api_version, entry.fields_type) == (
        "kubectl",
        "Apply",
        "apps/v1",
        "FieldsV1",
    )
    assert entry.time.isoformat() == "2024-05-01T10:00:00+00:00"
    assert entry.fields_v1["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}'] == NGINX_FIELDS

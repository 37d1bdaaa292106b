"""The OpenAPI documents: what kubectl's apply, explain and field validation read from them."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from kubesim.api.errors import ApiError
from kubesim.api.openapi import OpenAPI
from kubesim.api.resources import ResourceRegistry

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")


@dataclass(frozen=True)
class Resource:
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    verbs: tuple[str, ...] = ALL_VERBS
    subresources: tuple[str, ...] = ()


@dataclass
class Registry:
    """A handful of resources, shaped like kubesim.api.resources.ResourceRegistry."""

    resources: list[Resource] = field(
        default_factory=lambda: [
            Resource("", "v1", "Pod", "pods", True, subresources=("status", "eviction", "log")),
            Resource("", "v1", "Namespace", "namespaces", False, subresources=("status", "finalize")),
            Resource("", "v1", "Service", "services", True, subresources=("status",)),
            Resource("apps", "v1", "Deployment", "deployments", True, subresources=("status", "scale")),
            Resource("apps", "v1", "StatefulSet", "statefulsets", True, subresources=("status", "scale")),
            Resource(
                "authorization.k8s.io",
                "v1",
                "SelfSubjectAccessReview",
                "selfsubjectaccessreviews",
                False,
                verbs=("create",),
            ),
            Resource("metrics.k8s.io", "v1beta1", "PodMetrics", "pods", True, verbs=("get", "list")),
        ]
    )

    def group_versions(self) -> list[tuple[str, list[str]]]:
        versions: dict[str, set[str]] = {}
        for resource in self.resources:
            versions.setdefault(resource.group, set()).add(resource.version)
        return [(group, sorted(found)) for group, found in versions.items()]

    def resources_of(self, group: str, version: str) -> list[Resource]:
        return [r for r in self.resources if (r.group, r.version) == (group, version)]


CRONTAB_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A CronTab runs a command on a schedule.",
    "properties": {
        "spec": {
            "type": "object",
            "properties": {
                "cronSpec": {"type": "string", "description": "When to run, in cron syntax."},
                "replicas": {"type": "integer", "minimum": 0},
                "port": {"x-kubernetes-int-or-string": True},
                "nickname": {"type": "string", "nullable": True},
                "template": {
                    "type": "object",
                    "x-kubernetes-embedded-resource": True,
                    "x-kubernetes-preserve-unknown-fields": True,
                },
            },
        },
        "status": {"type": "object", "properties": {"replicas": {"type": "integer"}}},
    },
}
CRONTAB_CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "crontabs.stable.example.com"},
    "spec": {
        "group": "stable.example.com",
        "scope": "Namespaced",
        "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "shortNames": ["ct"]},
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {"openAPIV3Schema": CRONTAB_SCHEMA},
                "subresources": {
                    "status": {},
                    "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"},
                },
            },
            {"name": "v1beta1", "served": False, "storage": False, "schema": {"openAPIV3Schema": CRONTAB_SCHEMA}},
        ],
    },
}
CRONTAB = "com.example.stable.v1.CronTab"
WRITES = ("post", "put", "patch")


@pytest.fixture
def openapi() -> OpenAPI:
    return OpenAPI(Registry())


def document(openapi: OpenAPI, group: str, version: str) -> dict[str, Any]:
    body, _ = openapi.v3_document(group, version)
    parsed: dict[str, Any] = json.loads(body)
    return parsed


def walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in a document, outermost first."""
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from walk(child)


def refs(value: Any) -> set[str]:
    return {node["$ref"] for node in walk(value) if isinstance(node.get("$ref"), str)}


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def parameter_names(operation: dict[str, Any]) -> set[str]:
    return {parameter["name"] for parameter in operation.get("parameters", [])}


# -- the index ------------------------------------------------------------------------------------------------


def test_index_lists_every_group_version_with_a_schema(openapi: OpenAPI) -> None:
    paths = openapi.v3_index()["paths"]

    assert sorted(paths) == ["api/v1", "apis/apps/v1", "apis/authorization.k8s.io/v1"]


def test_index_urls_carry_the_uppercase_sha512_of_each_document(openapi: OpenAPI) -> None:
    for key, entry in openapi.v3_index()["paths"].items():
        group, version = ("", key.split("/")[1]) if key.startswith("api/") else tuple(key.split("/")[1:])
        body, digest = openapi.v3_document(group, version)
        assert digest == hashlib.sha512(body).hexdigest().upper()
        assert entry == {"serverRelativeURL": f"/openapi/v3/{key}?hash={digest}"}


def test_a_group_version_without_schemas_is_not_found(openapi: OpenAPI) -> None:
    for group, version in (("metrics.k8s.io", "v1beta1"), ("apps", "v2"), ("nowhere.example.com", "v1")):
        with pytest.raises(ApiError) as raised:
            openapi.v3_document(group, version)
        assert raised.value.code == 404


# -- a group-version document ---------------------------------------------------------------------------------


def test_apps_document_is_openapi_3(openapi: OpenAPI) -> None:
    doc = document(openapi, "apps", "v1")

    assert doc["openapi"] == "3.0.0"
    assert doc["info"] == {"title": "Kubernetes", "version": "v1.37.1"}
    assert doc["components"]["securitySchemes"]["BearerToken"]["in"] == "header"


def test_deployment_schema_names_its_kind(openapi: OpenAPI) -> None:
    schemas = document(openapi, "apps", "v1")["components"]["schemas"]
    deployment = schemas["io.k8s.api.apps.v1.Deployment"]

    assert deployment["x-kubernetes-group-version-kind"] == [{"group": "apps", "kind": "Deployment", "version": "v1"}]
    assert deployment["type"] == "object"
    assert deployment["properties"]["apiVersion"] == {
        "description": deployment["properties"]["apiVersion"]["description"],
        "type": "string",
    }
    assert deployment["properties"]["spec"]["allOf"] == [
        {"$ref": "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec"}
    ]
    assert (
        schemas["io.k8s.api.apps.v1.DeploymentList"]["x-kubernetes-group-version-kind"][0]["kind"] == "DeploymentList"
    )


def test_strategic_merge_directives_survive(openapi: OpenAPI) -> None:
    schemas = document(openapi, "apps", "v1")["components"]["schemas"]
    strategy = schemas["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["strategy"]
    containers = schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    labels = schemas["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"]

    assert strategy["x-kubernetes-patch-strategy"] == "retainKeys"
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["x-kubernetes-patch-strategy"] == "merge"
    assert containers["x-kubernetes-list-type"] == "map"
    assert containers["x-kubernetes-list-map-keys"] == ["name"]
    assert containers["items"] == {"$ref": "#/components/schemas/io.k8s.api.core.v1.Container"}
    assert labels["x-kubernetes-map-type"] == "atomic"
    assert "x-kubernetes-unions" in schemas["io.k8s.api.core.v1.SeccompProfile"]


def test_schemas_are_plain_openapi(openapi: OpenAPI) -> None:
    schemas = document(openapi, "apps", "v1")["components"]["schemas"]

    for node in walk(schemas):
        assert not isinstance(node.get("type"), list), node
        assert node.get("additionalProperties") is not False, node
        assert not str(node.get("$ref", "")).startswith("#/$defs/"), node
    # The generator's enum pinning apiVersion and kind is not the server's.
    assert "enum" not in schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Status"]["properties"]["kind"]
    assert schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Time"] == {
        "description": schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Time"]["description"],
        "format": "date-time",
        "type": "string",
    }


def test_int_or_string_and_quantity_keep_the_servers_shapes(openapi: OpenAPI) -> None:
    schemas = document(openapi, "apps", "v1")["components"]["schemas"]
    int_or_string = schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]
    quantity = schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"]

    assert int_or_string["format"] == "int-or-string"
    assert int_or_string["oneOf"] == [{"type": "integer"}, {"type": "string"}]
    assert quantity["oneOf"] == [{"type": "string"}, {"type": "number"}]
    limits = schemas["io.k8s.api.core.v1.ResourceRequirements"]["properties"]["limits"]
    assert limits["additionalProperties"] == {
        "$ref": "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity"
    }


def test_every_reference_resolves_inside_its_document(openapi: OpenAPI) -> None:
    for group, version in (("", "v1"), ("apps", "v1"), ("authorization.k8s.io", "v1")):
        doc = document(openapi, group, version)
        schemas = doc["components"]["schemas"]
        for ref in refs(doc):
            assert ref.startswith("#/components/schemas/"), ref
            assert ref.removeprefix("#/components/schemas/") in schemas, ref


def test_components_hold_only_what_the_paths_reach(openapi: OpenAPI) -> None:
    schemas = document(openapi, "apps", "v1")["components"]["schemas"]

    assert "io.k8s.api.apps.v1.Deployment" in schemas
    assert "io.k8s.api.autoscaling.v1.Scale" in schemas
    assert "io.k8s.api.batch.v1.Job" not in schemas
    assert "io.k8s.api.apps.v1.DaemonSet" not in schemas


def test_deployment_paths(openapi: OpenAPI) -> None:
    paths = document(openapi, "apps", "v1")["paths"]
    collection = paths["/apis/apps/v1/namespaces/{namespace}/deployments"]
    item = paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]

    assert sorted(collection) == ["delete", "get", "parameters", "post"]
    assert sorted(item) == ["delete", "get", "parameters", "patch", "put"]
    assert [p["name"] for p in item["parameters"]] == ["name", "namespace", "pretty"]
    assert item["parameters"][0]["description"] == "name of the Deployment"
    assert collection["post"]["operationId"] == "createAppsV1NamespacedDeployment"
    assert item["patch"]["operationId"] == "patchAppsV1NamespacedDeployment"
    assert collection["delete"]["x-kubernetes-action"] == "deletecollection"
    assert "get" in paths["/apis/apps/v1/deployments"]
    assert "get" in paths["/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}"]
    assert paths["/apis/apps/v1/"]["get"]["operationId"] == "getAppsV1APIResources"


def test_patch_accepts_every_patch_type(openapi: OpenAPI) -> None:
    patch = document(openapi, "apps", "v1")["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]

    assert sorted(patch["requestBody"]["content"]) == [
        "application/apply-patch+cbor",
        "application/apply-patch+yaml",
        "application/json-patch+json",
        "application/merge-patch+json",
        "application/strategic-merge-patch+json",
    ]
    assert patch["requestBody"]["required"] is True
    assert parameter_names(patch) == {"dryRun", "fieldManager", "fieldValidation", "force"}
    assert patch["x-kubernetes-group-version-kind"] == {"group": "apps", "kind": "Deployment", "version": "v1"}


def test_every_write_lists_field_validation(openapi: OpenAPI) -> None:
    """kubectl sends fieldValidation=Strict only if the PATCH of the kind lists the parameter; it checks the
    first PATCH carrying that kind it meets, in no fixed order, so every one of them must."""
    for group, version in (("", "v1"), ("apps", "v1"), ("authorization.k8s.io", "v1")):
        writes = [op for _, method, op in operations(document(openapi, group, version)) if method in WRITES]
        assert writes
        for operation in writes:
            assert "fieldValidation" in parameter_names(operation), operation["operationId"]
            assert operation["x-kubernetes-group-version-kind"]


def test_create_lists_field_validation_and_answers_201(openapi: OpenAPI) -> None:
    post = document(openapi, "", "v1")["paths"]["/api/v1/namespaces/{namespace}/pods"]["post"]

    assert parameter_names(post) == {"dryRun", "fieldManager", "fieldValidation"}
    assert sorted(post["responses"]) == ["200", "201", "202", "401"]
    assert post["requestBody"]["content"]["*/*"]["schema"] == {"$ref": "#/components/schemas/io.k8s.api.core.v1.Pod"}


def test_scale_subresource_carries_the_scale_kind(openapi: OpenAPI) -> None:
    scale = document(openapi, "apps", "v1")["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]

    assert sorted(scale) == ["get", "parameters", "patch", "put"]
    assert scale["patch"]["x-kubernetes-group-version-kind"] == {
        "group": "autoscaling",
        "kind": "Scale",
        "version": "v1",
    }
    assert scale["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/io.k8s.api.autoscaling.v1.Scale"
    }
    assert scale["put"]["operationId"] == "replaceAppsV1NamespacedDeploymentScale"


def test_status_subresource_carries_the_resource_kind(openapi: OpenAPI) -> None:
    status = document(openapi, "apps", "v1")["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status"]

    assert status["patch"]["x-kubernetes-group-version-kind"]["kind"] == "Deployment"
    assert status["get"]["description"] == "read status of the specified Deployment"


def test_core_subresources(openapi: OpenAPI) -> None:
    paths = document(openapi, "", "v1")["paths"]
    eviction = paths["/api/v1/namespaces/{namespace}/pods/{name}/eviction"]
    finalize = paths["/api/v1/namespaces/{name}/finalize"]

    assert sorted(eviction) == ["parameters", "post"]
    assert eviction["post"]["x-kubernetes-group-version-kind"] == {
        "group": "policy",
        "kind": "Eviction",
        "version": "v1",
    }
    assert eviction["post"]["operationId"] == "createCoreV1NamespacedPodEviction"
    assert sorted(finalize) == ["parameters", "put"]
    assert "/api/v1/namespaces/{namespace}/pods/{name}/log" not in paths


def test_cluster_scoped_paths_have_no_namespace(openapi: OpenAPI) -> None:
    paths = document(openapi, "", "v1")["paths"]
    item = paths["/api/v1/namespaces/{name}"]

    assert [p["name"] for p in item["parameters"]] == ["name", "pretty"]
    assert item["get"]["operationId"] == "readCoreV1Namespace"
    assert "/api/v1/watch/namespaces/{name}" in paths
    assert paths["/api/v1/namespaces/{namespace}/pods"]["get"]["operationId"] == "listCoreV1NamespacedPod"
    assert paths["/api/v1/pods"]["get"]["operationId"] == "listCoreV1PodForAllNamespaces"


def test_paths_follow_the_verbs(openapi: OpenAPI) -> None:
    paths = document(openapi, "authorization.k8s.io", "v1")["paths"]

    assert sorted(paths) == ["/apis/authorization.k8s.io/v1/", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"]
    assert sorted(paths["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"]) == ["parameters", "post"]


# -- caching --------------------------------------------------------------------------------------------------


def test_documents_are_built_once(openapi: OpenAPI) -> None:
    first, digest = openapi.v3_document("apps", "v1")
    again, same = openapi.v3_document("apps", "v1")

    assert again is first and same == digest


def test_a_registry_change_rebuilds_the_document() -> None:
    registry = Registry()
    openapi = OpenAPI(registry)
    _, before = openapi.v3_document("apps", "v1")
    registry.resources.append(Resource("apps", "v1", "DaemonSet", "daemonsets", True, subresources=("status",)))

    body, after = openapi.v3_document("apps", "v1")

    assert after != before
    assert "/apis/apps/v1/namespaces/{namespace}/daemonsets" in json.loads(body)["paths"]


# -- custom resources -----------------------------------------------------------------------------------------


def test_a_crd_group_appears_in_the_index(openapi: OpenAPI) -> None:
    openapi.add_custom_resource(CRONTAB_CRD)
    paths = openapi.v3_index()["paths"]

    assert "apis/stable.example.com/v1" in paths
    assert "apis/stable.example.com/v1beta1" not in paths  # not served


def test_a_crd_schema_becomes_a_component(openapi: OpenAPI) -> None:
    openapi.add_custom_resource(CRONTAB_CRD)
    doc = document(openapi, "stable.example.com", "v1")
    schemas = doc["components"]["schemas"]
    crontab = schemas[CRONTAB]

    assert doc["info"]["title"] == "Kubernetes CRD Swagger"
    assert crontab["x-kubernetes-group-version-kind"] == [
        {"group": "stable.example.com", "kind": "CronTab", "version": "v1"}
    ]
    assert crontab["description"] == "A CronTab runs a command on a schedule."
    assert crontab["properties"]["metadata"]["allOf"] == [
        {"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}
    ]
    assert crontab["properties"]["kind"]["type"] == "string"
    spec = crontab["properties"]["spec"]["properties"]
    assert spec["cronSpec"] == {"type": "string", "description": "When to run, in cron syntax."}
    assert spec["replicas"]["minimum"] == 0
    assert spec["port"] == {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]}
    assert spec["nickname"]["nullable"] is True
    assert set(spec["template"]["required"]) == {"apiVersion", "kind"}
    listing = schemas["com.example.stable.v1.CronTabList"]
    assert listing["properties"]["items"]["items"] == {"$ref": f"#/components/schemas/{CRONTAB}"}
    assert listing["x-kubernetes-group-version-kind"][0]["kind"] == "CronTabList"
    for ref in refs(doc):
        assert ref.removeprefix("#/components/schemas/") in schemas


def test_crd_paths(openapi: OpenAPI) -> None:
    openapi.add_custom_resource(CRONTAB_CRD)
    paths = document(openapi, "stable.example.com", "v1")["paths"]
    item = paths["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}"]
    scale = paths["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/scale"]

    assert "fieldValidation" in parameter_names(item["patch"])
    assert "application/strategic-merge-patch+json" not in item["patch"]["requestBody"]["content"]
    assert item["patch"]["operationId"] == "patchStableExampleComV1NamespacedCronTab"
    assert item["patch"]["x-kubernetes-group-version-kind"] == {
        "group": "stable.example.com",
        "kind": "CronTab",
        "version": "v1",
    }
    assert scale["patch"]["x-kubernetes-group-version-kind"]["kind"] == "CronTab"
    assert "/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/status" in paths
    assert "/apis/stable.example.com/v1/crontabs" in paths
    assert not any("/watch/" in path for path in paths)


def test_a_crd_registered_in_the_registry_too_is_described_once(openapi: OpenAPI) -> None:
    registry = Registry()
    registry.resources.append(Resource("stable.example.com", "v1", "CronTab", "crontabs", True))
    openapi = OpenAPI(registry)
    assert "apis/stable.example.com/v1" not in openapi.v3_index()["paths"]  # no schema without the CRD

    openapi.add_custom_resource(CRONTAB_CRD)
    paths = document(openapi, "stable.example.com", "v1")["paths"]

    assert paths["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs"]["post"]["requestBody"]["content"][
        "*/*"
    ]["schema"] == {"$ref": f"#/components/schemas/{CRONTAB}"}


def test_updating_a_crd_changes_its_document(openapi: OpenAPI) -> None:
    openapi.add_custom_resource(CRONTAB_CRD)
    _, before = openapi.v3_document("stable.example.com", "v1")
    updated = copy.deepcopy(CRONTAB_CRD)
    updated["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["image"] = {
        "type": "string"
    }
    openapi.add_custom_resource(updated)

    body, after = openapi.v3_document("stable.example.com", "v1")

    assert after != before
    assert "image" in json.loads(body)["components"]["schemas"][CRONTAB]["properties"]["spec"]["properties"]


def test_removing_a_crd_removes_its_group_version(openapi: OpenAPI) -> None:
    openapi.add_custom_resource(CRONTAB_CRD)
    openapi.v3_document("stable.example.com", "v1")
    openapi.remove_custom_resource("crontabs.stable.example.com")

    assert "apis/stable.example.com/v1" not in openapi.v3_index()["paths"]
    with pytest.raises(ApiError):
        openapi.v3_document("stable.example.com", "v1")


def test_the_callers_crd_is_not_shared(openapi: OpenAPI) -> None:
    crd = copy.deepcopy(CRONTAB_CRD)
    openapi.add_custom_resource(crd)
    _, before = openapi.v3_document("stable.example.com", "v1")
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["description"] = "changed behind our back"

    assert openapi.v3_document("stable.example.com", "v1")[1] == before


# -- OpenAPI v2 -----------------------------------------------------------------------------------------------


def test_v2_is_one_swagger_document(openapi: OpenAPI) -> None:
    openapi.add_custom_resource(CRONTAB_CRD)
    doc = json.loads(openapi.v2_document())
    definitions = doc["definitions"]

    assert doc["swagger"] == "2.0"
    assert doc["info"]["version"] == "v1.37.1"
    assert doc["security"] == [{"BearerToken": []}]
    assert "/api/v1/namespaces/{namespace}/pods" in doc["paths"]
    assert "/apis/apps/v1/namespaces/{namespace}/deployments/{name}" in doc["paths"]
    assert "/apis/stable.example.com/v1/namespaces/{namespace}/crontabs" in doc["paths"]
    for ref in refs(doc):
        assert ref.startswith("#/definitions/") and ref.removeprefix("#/definitions/") in definitions, ref


def test_v2_schemas_keep_refs_beside_their_description(openapi: OpenAPI) -> None:
    definitions = json.loads(openapi.v2_document())["definitions"]
    spec = definitions["io.k8s.api.apps.v1.Deployment"]["properties"]["spec"]

    assert spec["$ref"] == "#/definitions/io.k8s.api.apps.v1.DeploymentSpec"
    assert "description" in spec and "allOf" not in spec
    assert definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["type"] == "string"
    assert definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["format"] == "int-or-string"
    assert definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"]["type"] == "string"


def test_v2_custom_schemas_drop_what_v2_cannot_say(openapi: OpenAPI) -> None:
    openapi.add_custom_resource(CRONTAB_CRD)
    crontab = json.loads(openapi.v2_document())["definitions"][CRONTAB]
    spec = crontab["properties"]["spec"]["properties"]

    assert spec["port"] == {"x-kubernetes-int-or-string": True}
    assert "nullable" not in spec["nickname"]
    assert crontab["properties"]["metadata"]["$ref"] == "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


def test_v2_operations(openapi: OpenAPI) -> None:
    patch = json.loads(openapi.v2_document())["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"][
        "patch"
    ]
    body, *query = patch["parameters"]

    assert body == {
        "name": "body",
        "in": "body",
        "schema": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"},
        "required": True,
    }
    assert {p["name"] for p in query} == {"dryRun", "fieldManager", "fieldValidation", "force"}
    assert all(p["in"] == "query" and "type" in p for p in query)
    assert "application/strategic-merge-patch+json" in patch["consumes"]
    assert patch["responses"]["200"]["schema"] == {"$ref": "#/definitions/io.k8s.api.apps.v1.Deployment"}
    assert patch["x-kubernetes-group-version-kind"]["kind"] == "Deployment"


def test_v2_is_cached_until_a_crd_changes(openapi: OpenAPI) -> None:
    first = openapi.v2_document()
    assert openapi.v2_document() is first

    openapi.add_custom_resource(CRONTAB_CRD)

    assert openapi.v2_document() != first


# -- with the real registry -----------------------------------------------------------------------------------


def test_every_group_version_of_the_real_registry_builds() -> None:
    openapi = OpenAPI(ResourceRegistry())
    index = openapi.v3_index()["paths"]

    assert {"api/v1", "apis/apps/v1", "apis/batch/v1", "apis/networking.k8s.io/v1"} <= set(index)
    assert "apis/metrics.k8s.io/v1beta1" not in index  # aggregated, and no schema ships for it
    for key in index:
        group, version = ("", key.split("/")[1]) if key.startswith("api/") else tuple(key.split("/")[1:])
        doc = document(openapi, group, version)
        schemas = doc["components"]["schemas"]
        assert all(ref.removeprefix("#/components/schemas/") in schemas for ref in refs(doc)), key
        for path, method, operation in operations(doc):
            if method in WRITES:
                assert "fieldValidation" in parameter_names(operation), (path, method)


def test_the_real_registry_describes_the_books_kinds() -> None:
    openapi = OpenAPI(ResourceRegistry())
    core = document(openapi, "", "v1")["paths"]
    batch = document(openapi, "batch", "v1")["paths"]

    for path in (
        "/api/v1/namespaces/{namespace}/pods/{name}",
        "/api/v1/namespaces/{namespace}/services/{name}",
        "/api/v1/namespaces/{namespace}/configmaps/{name}",
        "/api/v1/namespaces/{namespace}/secrets/{name}",
        "/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token",
        "/api/v1/nodes/{name}/status",
    ):
        assert path in core, path
    assert "/apis/batch/v1/namespaces/{namespace}/cronjobs/{name}" in batch


# -- OpenAPI v2 as protobuf -----------------------------------------------------------------------------------


def wire_fields(data: bytes) -> dict[int, list[Any]]:
    """A protobuf message's fields by number: varints as ints, length-delimited ones as bytes."""
    found: dict[int, list[Any]] = {}
    position = 0
    while position < len(data):
        key, position = read_varint(data, position)
        number, wire_type = key >> 3, key & 7
        value: int | bytes
        if wire_type == 0:
            value, position = read_varint(data, position)
        elif wire_type == 1:
            value, position = data[position : position + 8], position + 8
        else:
            assert wire_type == 2, f"unexpected wire type {wire_type}"
            length, position = read_varint(data, position)
            value, position = data[position : position + length], position + length
        found.setdefault(number, []).append(value)
    assert position == len(data)
    return found


def read_varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, position


def named_entries(entries: list[bytes]) -> dict[str, bytes]:
    """gnostic's ordered maps: Named<Something> messages with name 1 and value 2."""
    decoded = (wire_fields(entry) for entry in entries)
    return {fields[1][0].decode(): fields.get(2, [b""])[0] for fields in decoded}


def test_v2_protobuf_is_a_gnostic_document(openapi: OpenAPI) -> None:
    document = wire_fields(openapi.v2_protobuf())
    info = wire_fields(document[2][0])
    definitions = named_entries(wire_fields(document[9][0])[1])
    paths = named_entries(wire_fields(document[8][0])[2])

    assert document[1] == [b"2.0"]
    assert info[1] == [b"Kubernetes"] and info[2] == [b"v1.37.1"]
    assert set(definitions) == set(json.loads(openapi.v2_document())["definitions"])
    assert "/apis/apps/v1/namespaces/{namespace}/deployments/{name}" in paths


def test_v2_protobuf_schemas_carry_types_refs_and_extensions(openapi: OpenAPI) -> None:
    definitions = named_entries(wire_fields(wire_fields(openapi.v2_protobuf())[9][0])[1])
    deployment = wire_fields(definitions["io.k8s.api.apps.v1.Deployment"])
    properties = named_entries(wire_fields(deployment[25][0])[1])
    spec = wire_fields(properties["spec"])
    extensions = named_entries(deployment[31])

    assert wire_fields(deployment[22][0])[1] == [b"object"]
    assert spec[1] == [b"#/definitions/io.k8s.api.apps.v1.DeploymentSpec"]
    gvk = json.loads(wire_fields(extensions["x-kubernetes-group-version-kind"])[2][0])
    assert gvk == [{"group": "apps", "kind": "Deployment", "version": "v1"}]
    containers = wire_fields(
        named_entries(wire_fields(wire_fields(definitions["io.k8s.api.core.v1.PodSpec"])[25][0])[1])["containers"]
    )
    assert json.loads(wire_fields(named_entries(containers[31])["x-kubernetes-patch-merge-key"])[2][0]) == "name"


def test_v2_protobuf_patch_lists_field_validation(openapi: OpenAPI) -> None:
    paths = named_entries(wire_fields(wire_fields(openapi.v2_protobuf())[8][0])[2])
    patch = wire_fields(wire_fields(paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"])[8][0])
    query_names = set()
    for item in patch[8]:
        parameter = wire_fields(wire_fields(item)[1][0])
        if 2 in parameter:  # a non-body parameter
            query = wire_fields(wire_fields(parameter[2][0])[3][0])
            query_names.add(query[4][0].decode())
    extensions = named_entries(patch[13])

    assert query_names == {"dryRun", "fieldManager", "fieldValidation", "force"}
    assert json.loads(wire_fields(extensions["x-kubernetes-group-version-kind"])[2][0])["kind"] == "Deployment"


def test_v2_answers_in_what_the_client_accepts(openapi: OpenAPI) -> None:
    protobuf = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"

    assert openapi.v2_response("application/json") == (openapi.v2_document(), "application/json")
    assert openapi.v2_response("") == (openapi.v2_document(), "application/json")
    assert openapi.v2_response("application/com.github.proto-openapi.spec.v2@v1.0+protobuf") == (
        openapi.v2_protobuf(),
        protobuf,
    )
    assert openapi.v2_response(f"{protobuf}, application/json") == (openapi.v2_protobuf(), protobuf)
    assert openapi.v2_response(f"application/json, {protobuf}")[1] == "application/json"


def test_v2_protobuf_is_reencoded_only_when_the_document_changes(openapi: OpenAPI) -> None:
    first = openapi.v2_protobuf()
    assert openapi.v2_protobuf() is first

    openapi.add_custom_resource(CRONTAB_CRD)
    definitions = named_entries(wire_fields(wire_fields(openapi.v2_protobuf())[9][0])[1])

    assert CRONTAB in definitions

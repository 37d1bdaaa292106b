"""Discovery documents: the shapes kubectl and the official client read from /version, /api and /apis.

Every document is also decoded with the official client's own models, which refuse missing required fields.
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from typing import Any

import pytest
from kubernetes.client import ApiClient

from kubesim.api import discovery
from kubesim.api.discovery import NotAcceptableError, negotiate_discovery
from kubesim.api.resources import ALL_VERBS, Resource, ResourceRegistry

KUBECTL_ACCEPT = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
)
V2_CONTENT_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
CRONTAB = Resource(
    "stable.example.com",
    "v1",
    "CronTab",
    "crontabs",
    "crontab",
    True,
    ALL_VERBS,
    ("ct",),
    ("all",),
    ("scale", "status"),
)


@pytest.fixture
def registry() -> ResourceRegistry:
    return ResourceRegistry()


@functools.cache
def official_client() -> ApiClient:
    return ApiClient()


def decoded(document: dict[str, Any], model: str) -> Any:
    """The document as the official Python client reads it from a response."""
    return official_client().deserialize(json.dumps(document), model, "application/json")


def by_name(entries: list[dict[str, Any]], key: str = "name") -> dict[str, dict[str, Any]]:
    return {entry[key]: entry for entry in entries}


def aggregated_resources(document: dict[str, Any], group: str, version: str) -> dict[str, dict[str, Any]]:
    for item in document["items"]:
        if item["metadata"].get("name", "") == group:
            for served in item["versions"]:
                if served["version"] == version:
                    return by_name(served["resources"], "resource")
    raise AssertionError(f"{group}/{version} is not in the document")


# -- /version and the legacy documents ----------------------------------------------------------------------


def test_version_is_1_37() -> None:
    info = discovery.version_info()
    assert (info["major"], info["minor"], info["gitVersion"]) == ("1", "37", "v1.37.0")
    assert (info["emulationMajor"], info["emulationMinor"]) == ("1", "37")
    assert (info["minCompatibilityMajor"], info["minCompatibilityMinor"]) == ("1", "36")
    assert info["platform"].count("/") == 1 and info["goVersion"].startswith("go")
    assert decoded(info, "VersionInfo").git_version == "v1.37.0"


def test_core_versions_name_v1_and_the_server_address() -> None:
    document = discovery.core_versions("127.0.0.1:43210")
    assert document["kind"] == "APIVersions"
    assert document["versions"] == ["v1"]
    assert document["serverAddressByClientCIDRs"] == [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:43210"}]
    assert decoded(document, "V1APIVersions").versions == ["v1"]


def test_group_list_names_preferred_versions(registry: ResourceRegistry) -> None:
    document = discovery.group_list(registry)
    assert (document["kind"], document["apiVersion"]) == ("APIGroupList", "v1")
    groups = by_name(document["groups"])
    assert "" not in groups
    assert groups["apps"]["preferredVersion"] == {"groupVersion": "apps/v1", "version": "v1"}
    assert groups["autoscaling"]["preferredVersion"] == {"groupVersion": "autoscaling/v2", "version": "v2"}
    assert groups["autoscaling"]["versions"] == [
        {"groupVersion": "autoscaling/v2", "version": "v2"},
        {"groupVersion": "autoscaling/v1", "version": "v1"},
    ]
    assert document["groups"][0]["name"] == "apiregistration.k8s.io"
    assert decoded(document, "V1APIGroupList").groups[1].name == "apps"


def test_core_resource_list_lists_subresources_as_their_own_entries(registry: ResourceRegistry) -> None:
    document = discovery.resource_list(registry, "", "v1")
    assert document["kind"] == "APIResourceList" and document["groupVersion"] == "v1"
    assert "apiVersion" not in document
    resources = by_name(document["resources"])
    assert resources["pods/log"] == {
        "name": "pods/log",
        "singularName": "",
        "namespaced": True,
        "kind": "Pod",
        "verbs": ["get"],
    }
    assert resources["pods/eviction"]["group"] == "policy" and resources["pods/eviction"]["version"] == "v1"
    assert resources["pods/exec"]["kind"] == "PodExecOptions"
    assert resources["serviceaccounts/token"]["kind"] == "TokenRequest"
    assert "group" not in resources["pods/status"]
    assert resources["pods"]["shortNames"] == ["po"] and resources["pods"]["categories"] == ["all"]
    assert resources["pods"]["singularName"] == "pod"
    decoded(document, "V1APIResourceList")


def test_entries_follow_their_resource_in_name_order(registry: ResourceRegistry) -> None:
    names = [entry["name"] for entry in discovery.resource_list(registry, "", "v1")["resources"]]
    assert names == sorted(names)
    assert names[names.index("pods") : names.index("podtemplates")] == [
        "pods",
        "pods/attach",
        "pods/binding",
        "pods/ephemeralcontainers",
        "pods/eviction",
        "pods/exec",
        "pods/log",
        "pods/portforward",
        "pods/proxy",
        "pods/resize",
        "pods/status",
    ]


def test_group_resource_lists_carry_an_api_version(registry: ResourceRegistry) -> None:
    document = discovery.resource_list(registry, "apps", "v1")
    assert (document["apiVersion"], document["groupVersion"]) == ("v1", "apps/v1")
    scale = by_name(document["resources"])["deployments/scale"]
    assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")
    decoded(document, "V1APIResourceList")


def test_every_entry_of_every_group_version_has_verbs(registry: ResourceRegistry) -> None:
    for group, versions in registry.group_versions():
        for version in versions:
            for entry in discovery.resource_list(registry, group, version)["resources"]:
                assert entry["verbs"], (group, version, entry["name"])


def test_storage_version_hashes_are_published_only_for_stored_resources(registry: ResourceRegistry) -> None:
    resources = by_name(discovery.resource_list(registry, "", "v1")["resources"])
    assert resources["pods"]["storageVersionHash"] == "xPOwRZ+Yhw8="
    assert resources["configmaps"]["storageVersionHash"] == "qFsyl6wFWjQ="
    for unstored in ("bindings", "componentstatuses", "pods/log"):
        assert "storageVersionHash" not in resources[unstored]
    reviews = discovery.resource_list(registry, "authorization.k8s.io", "v1")["resources"]
    assert all("storageVersionHash" not in entry for entry in reviews)


def test_resources_stored_elsewhere_hash_their_stored_version(registry: ResourceRegistry) -> None:
    def hash_of(group: str, version: str, name: str) -> str:
        return str(by_name(discovery.resource_list(registry, group, version)["resources"])[name]["storageVersionHash"])

    assert hash_of("events.k8s.io", "v1", "events") == hash_of("", "v1", "events")
    assert hash_of("autoscaling", "v1", "horizontalpodautoscalers") == hash_of(
        "autoscaling", "v2", "horizontalpodautoscalers"
    )


def test_a_group_version_that_is_not_served_has_no_list(registry: ResourceRegistry) -> None:
    with pytest.raises(LookupError):
        discovery.resource_list(registry, "apps", "v1beta1")


# -- aggregated discovery -----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v2", "v2beta1"])
def test_aggregated_documents_are_lists_of_groups(registry: ResourceRegistry, version: str) -> None:
    for kind in ("core", "apis"):
        document = discovery.aggregated(registry, kind, version)
        assert document["kind"] == "APIGroupDiscoveryList"
        assert document["apiVersion"] == f"apidiscovery.k8s.io/{version}"
        model = "V2APIGroupDiscoveryList" if version == "v2" else "V2beta1APIGroupDiscoveryList"
        assert decoded(document, model).items


def test_the_core_document_holds_only_the_legacy_group(registry: ResourceRegistry) -> None:
    document = discovery.aggregated(registry, "core")
    assert len(document["items"]) == 1
    core = document["items"][0]
    assert core["metadata"] == {}
    assert [served["version"] for served in core["versions"]] == ["v1"]
    assert core["versions"][0]["freshness"] == "Current"


def test_the_apis_document_lists_named_groups_in_priority_order(registry: ResourceRegistry) -> None:
    document = discovery.aggregated(registry, "apis")
    names = [item["metadata"]["name"] for item in document["items"]]
    assert names == [group for group, _ in registry.group_versions() if group]
    autoscaling = next(item for item in document["items"] if item["metadata"]["name"] == "autoscaling")
    assert [served["version"] for served in autoscaling["versions"]] == ["v2", "v1"]


def test_aggregated_pods_carry_what_kubectl_needs(registry: ResourceRegistry) -> None:
    pods = aggregated_resources(discovery.aggregated(registry, "core"), "", "v1")["pods"]
    assert pods["responseKind"] == {"group": "", "version": "", "kind": "Pod"}
    assert (pods["scope"], pods["singularResource"]) == ("Namespaced", "pod")
    assert (pods["shortNames"], pods["categories"], pods["verbs"]) == (["po"], ["all"], list(ALL_VERBS))
    subresources = by_name(pods["subresources"], "subresource")
    assert subresources["log"] == {
        "subresource": "log",
        "responseKind": {"group": "", "version": "", "kind": "Pod"},
        "verbs": ["get"],
    }
    assert subresources["eviction"]["responseKind"] == {"group": "policy", "version": "v1", "kind": "Eviction"}
    assert list(subresources) == sorted(subresources)


def test_aggregated_scale_answers_with_autoscaling_v1(registry: ResourceRegistry) -> None:
    deployments = aggregated_resources(discovery.aggregated(registry, "apis"), "apps", "v1")["deployments"]
    assert [sub["subresource"] for sub in deployments["subresources"]] == ["scale", "status"]
    scale, status = deployments["subresources"]
    assert scale["responseKind"] == {"group": "autoscaling", "version": "v1", "kind": "Scale"}
    assert status["responseKind"] == {"group": "", "version": "", "kind": "Deployment"}


def test_aggregated_scope_and_optional_fields(registry: ResourceRegistry) -> None:
    document = discovery.aggregated(registry, "apis")
    nodes = aggregated_resources(document, "metrics.k8s.io", "v1beta1")["nodes"]
    assert (nodes["scope"], nodes["verbs"], nodes["singularResource"]) == ("Cluster", ["get", "list"], "node")
    assert "shortNames" not in nodes and "subresources" not in nodes and "categories" not in nodes
    crds = aggregated_resources(document, "apiextensions.k8s.io", "v1")["customresourcedefinitions"]
    assert crds["shortNames"] == ["crd", "crds"] and crds["categories"] == ["api-extensions"]


def test_aggregated_and_legacy_documents_agree(registry: ResourceRegistry) -> None:
    documents = {"core": discovery.aggregated(registry, "core"), "apis": discovery.aggregated(registry, "apis")}
    for group, versions in registry.group_versions():
        for version in versions:
            legacy = by_name(discovery.resource_list(registry, group, version)["resources"])
            aggregated = aggregated_resources(documents["apis" if group else "core"], group, version)
            for name, entry in aggregated.items():
                assert legacy[name]["verbs"] == entry["verbs"]
                assert legacy[name]["namespaced"] == (entry["scope"] == "Namespaced")
                for sub in entry.get("subresources", []):
                    assert legacy[f"{name}/{sub['subresource']}"]["verbs"] == sub["verbs"]
            assert {name for name in legacy if "/" not in name} == set(aggregated)


def test_every_aggregated_resource_has_verbs(registry: ResourceRegistry) -> None:
    for kind in ("core", "apis"):
        for item in discovery.aggregated(registry, kind)["items"]:
            for served in item["versions"]:
                for resource in served["resources"]:
                    assert resource["verbs"], resource["resource"]
                    assert all(sub["verbs"] for sub in resource.get("subresources", []))


def test_custom_resources_appear_and_disappear(registry: ResourceRegistry) -> None:
    registry.add_custom(CRONTAB)
    registry.add_custom(replace(CRONTAB, version="v1beta1"))
    document = discovery.aggregated(registry, "apis")
    item = next(item for item in document["items"] if item["metadata"]["name"] == "stable.example.com")
    assert [served["version"] for served in item["versions"]] == ["v1", "v1beta1"]
    crontabs = aggregated_resources(document, "stable.example.com", "v1")["crontabs"]
    assert crontabs["shortNames"] == ["ct"] and crontabs["categories"] == ["all"]
    assert discovery.resource_list(registry, "stable.example.com", "v1")["groupVersion"] == "stable.example.com/v1"
    assert (
        by_name(discovery.group_list(registry)["groups"])["stable.example.com"]["preferredVersion"]["version"] == "v1"
    )
    registry.remove_custom("stable.example.com", "crontabs")
    names = [item["metadata"]["name"] for item in discovery.aggregated(registry, "apis")["items"]]
    assert "stable.example.com" not in names


def test_unknown_aggregated_version_is_refused(registry: ResourceRegistry) -> None:
    with pytest.raises(ValueError, match="v3"):
        discovery.aggregated(registry, "apis", "v3")


# -- content negotiation ------------------------------------------------------------------------------------


def test_kubectl_gets_aggregated_v2_with_the_exact_content_type() -> None:
    assert negotiate_discovery(KUBECTL_ACCEPT) == ("v2", V2_CONTENT_TYPE)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", "v2beta1"),
        ("application/json; g=apidiscovery.k8s.io; v=v2; as=APIGroupDiscoveryList", "v2"),
        (
            "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
            "v2",
        ),
        ("application/json;g=apidiscovery.k8s.io;v=v1;as=APIGroupDiscoveryList,application/json", None),
        ("application/json;as=Table;v=v1;g=meta.k8s.io,application/json", None),
        ("application/json", None),
        ("*/*", None),
        ("application/*", None),
        ("", None),
    ],
)
def test_negotiation_picks_the_first_media_type_it_can_produce(accept: str, expected: str | None) -> None:
    version, content_type = negotiate_discovery(accept)
    assert version == expected
    if expected is None:
        assert content_type == "application/json"
    else:
        assert content_type == f"application/json;g=apidiscovery.k8s.io;v={expected};as=APIGroupDiscoveryList"


def test_negotiation_honours_quality_values() -> None:
    preferring_legacy = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5,application/json"
    assert negotiate_discovery(preferring_legacy) == (None, "application/json")
    refusing_aggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0,application/json"
    assert negotiate_discovery(refusing_aggregated)[0] is None


def test_negotiation_refuses_what_it_cannot_produce() -> None:
    with pytest.raises(NotAcceptableError, match="only the following media types are accepted"):
        negotiate_discovery("text/html")
    with pytest.raises(NotAcceptableError):
        negotiate_discovery("application/json;q=0")


def test_a_missing_accept_header_gets_the_legacy_document() -> None:
    assert negotiate_discovery(None) == (None, "application/json")

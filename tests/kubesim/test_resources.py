"""The resource catalogue: what a 1.37 API server serves, as kubectl api-resources shows it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from kubesim.api.resources import (
    ALL_VERBS,
    BUILTIN_RESOURCES,
    Resource,
    ResourceRegistry,
    split_api_version,
    version_priority,
)


@pytest.fixture
def registry() -> ResourceRegistry:
    return ResourceRegistry()


CRONTAB = Resource(
    group="stable.example.com",
    version="v1",
    kind="CronTab",
    plural="crontabs",
    singular="crontab",
    namespaced=True,
    verbs=ALL_VERBS,
    short_names=("ct",),
    subresources=("status", "scale"),
)


def crontab(**changes: Any) -> Resource:
    return replace(CRONTAB, **changes)


# -- the built-in catalogue -----------------------------------------------------------------------------------


def test_every_builtin_has_verbs_a_singular_name_and_a_kind() -> None:
    for resource in BUILTIN_RESOURCES:
        assert resource.verbs, resource
        assert resource.singular and resource.kind and resource.plural, resource
        assert set(resource.verbs) <= set(ALL_VERBS), resource


def test_plurals_and_kinds_are_unique_within_each_group_version() -> None:
    plurals = [(r.group, r.version, r.plural) for r in BUILTIN_RESOURCES]
    kinds = [(r.group, r.version, r.kind) for r in BUILTIN_RESOURCES]
    assert len(plurals) == len(set(plurals))
    assert len(kinds) == len(set(kinds))


def test_the_core_group_serves_the_resources_of_a_real_server(registry: ResourceRegistry) -> None:
    assert [r.plural for r in registry.resources_of("", "v1")] == [
        "bindings",
        "componentstatuses",
        "configmaps",
        "endpoints",
        "events",
        "limitranges",
        "namespaces",
        "nodes",
        "persistentvolumeclaims",
        "persistentvolumes",
        "pods",
        "podtemplates",
        "replicationcontrollers",
        "resourcequotas",
        "secrets",
        "serviceaccounts",
        "services",
    ]


@pytest.mark.parametrize(
    ("group", "version", "plurals"),
    [
        ("apps", "v1", ["controllerrevisions", "daemonsets", "deployments", "replicasets", "statefulsets"]),
        ("batch", "v1", ["cronjobs", "jobs"]),
        ("autoscaling", "v1", ["horizontalpodautoscalers"]),
        ("autoscaling", "v2", ["horizontalpodautoscalers"]),
        ("networking.k8s.io", "v1", ["ingressclasses", "ingresses", "ipaddresses", "networkpolicies", "servicecidrs"]),
        ("policy", "v1", ["poddisruptionbudgets"]),
        ("rbac.authorization.k8s.io", "v1", ["clusterrolebindings", "clusterroles", "rolebindings", "roles"]),
        ("authentication.k8s.io", "v1", ["selfsubjectreviews", "tokenreviews"]),
        (
            "authorization.k8s.io",
            "v1",
            [
                "localsubjectaccessreviews",
                "selfsubjectaccessreviews",
                "selfsubjectrulesreviews",
                "subjectaccessreviews",
            ],
        ),
        ("scheduling.k8s.io", "v1", ["priorityclasses"]),
        ("node.k8s.io", "v1", ["runtimeclasses"]),
        ("discovery.k8s.io", "v1", ["endpointslices"]),
        ("coordination.k8s.io", "v1", ["leases"]),
        ("events.k8s.io", "v1", ["events"]),
        ("apiextensions.k8s.io", "v1", ["customresourcedefinitions"]),
        ("apiregistration.k8s.io", "v1", ["apiservices"]),
        ("certificates.k8s.io", "v1", ["certificatesigningrequests", "clustertrustbundles", "podcertificaterequests"]),
        ("flowcontrol.apiserver.k8s.io", "v1", ["flowschemas", "prioritylevelconfigurations"]),
        ("metrics.k8s.io", "v1beta1", ["nodes", "pods"]),
        (
            "storage.k8s.io",
            "v1",
            [
                "csidrivers",
                "csinodes",
                "csistoragecapacities",
                "storageclasses",
                "volumeattachments",
                "volumeattributesclasses",
            ],
        ),
        (
            "admissionregistration.k8s.io",
            "v1",
            [
                "mutatingadmissionpolicies",
                "mutatingadmissionpolicybindings",
                "mutatingwebhookconfigurations",
                "validatingadmissionpolicies",
                "validatingadmissionpolicybindings",
                "validatingwebhookconfigurations",
            ],
        ),
    ],
)
def test_each_group_version_serves_its_resources(
    registry: ResourceRegistry, group: str, version: str, plurals: list[str]
) -> None:
    assert [r.plural for r in registry.resources_of(group, version)] == plurals


@pytest.mark.parametrize(
    ("group", "plural", "short_names"),
    [
        ("", "componentstatuses", ("cs",)),
        ("", "configmaps", ("cm",)),
        ("", "endpoints", ("ep",)),
        ("", "events", ("ev",)),
        ("", "limitranges", ("limits",)),
        ("", "namespaces", ("ns",)),
        ("", "nodes", ("no",)),
        ("", "persistentvolumeclaims", ("pvc",)),
        ("", "persistentvolumes", ("pv",)),
        ("", "pods", ("po",)),
        ("", "replicationcontrollers", ("rc",)),
        ("", "resourcequotas", ("quota",)),
        ("", "serviceaccounts", ("sa",)),
        ("", "services", ("svc",)),
        ("", "secrets", ()),
        ("apps", "daemonsets", ("ds",)),
        ("apps", "deployments", ("deploy",)),
        ("apps", "replicasets", ("rs",)),
        ("apps", "statefulsets", ("sts",)),
        ("apps", "controllerrevisions", ()),
        ("batch", "cronjobs", ("cj",)),
        ("batch", "jobs", ()),
        ("autoscaling", "horizontalpodautoscalers", ("hpa",)),
        ("networking.k8s.io", "ingresses", ("ing",)),
        ("networking.k8s.io", "networkpolicies", ("netpol",)),
        ("networking.k8s.io", "ipaddresses", ("ip",)),
        ("policy", "poddisruptionbudgets", ("pdb",)),
        ("scheduling.k8s.io", "priorityclasses", ("pc",)),
        ("apiextensions.k8s.io", "customresourcedefinitions", ("crd", "crds")),
        ("certificates.k8s.io", "certificatesigningrequests", ("csr",)),
        ("storage.k8s.io", "storageclasses", ("sc",)),
        ("storage.k8s.io", "volumeattributesclasses", ("vac",)),
        ("events.k8s.io", "events", ("ev",)),
    ],
)
def test_short_names_are_those_kubectl_shows(group: str, plural: str, short_names: tuple[str, ...]) -> None:
    for resource in BUILTIN_RESOURCES:
        if (resource.group, resource.plural) == (group, plural):
            assert resource.short_names == short_names


def test_kubectl_get_all_covers_exactly_the_workload_and_service_resources() -> None:
    in_all = {(r.group, r.plural) for r in BUILTIN_RESOURCES if "all" in r.categories}
    assert in_all == {
        ("", "pods"),
        ("", "services"),
        ("", "replicationcontrollers"),
        ("apps", "deployments"),
        ("apps", "replicasets"),
        ("apps", "statefulsets"),
        ("apps", "daemonsets"),
        ("batch", "jobs"),
        ("batch", "cronjobs"),
        ("autoscaling", "horizontalpodautoscalers"),
    }


def test_api_extension_resources_share_their_category() -> None:
    extensions = {r.plural for r in BUILTIN_RESOURCES if "api-extensions" in r.categories}
    assert extensions == {
        "apiservices",
        "customresourcedefinitions",
        "mutatingadmissionpolicies",
        "mutatingadmissionpolicybindings",
        "mutatingwebhookconfigurations",
        "validatingadmissionpolicies",
        "validatingadmissionpolicybindings",
        "validatingwebhookconfigurations",
    }


def test_verbs_follow_what_each_resource_supports(registry: ResourceRegistry) -> None:
    def verbs(group: str, version: str, plural: str) -> tuple[str, ...]:
        resource = registry.by_plural(group, version, plural)
        assert resource is not None
        return resource.verbs

    assert verbs("", "v1", "pods") == ALL_VERBS
    assert "deletecollection" not in verbs("", "v1", "namespaces")
    assert verbs("", "v1", "bindings") == ("create",)
    assert verbs("", "v1", "componentstatuses") == ("get", "list")
    assert verbs("authentication.k8s.io", "v1", "tokenreviews") == ("create",)
    assert verbs("authentication.k8s.io", "v1", "selfsubjectreviews") == ("create",)
    assert verbs("authorization.k8s.io", "v1", "subjectaccessreviews") == ("create",)
    assert verbs("metrics.k8s.io", "v1beta1", "pods") == ("get", "list")


def test_scope_of_resources(registry: ResourceRegistry) -> None:
    namespaced = {r.plural: r.namespaced for r in registry.resources_of("", "v1")}
    assert namespaced["pods"] and namespaced["bindings"] and namespaced["services"]
    assert not namespaced["nodes"] and not namespaced["namespaces"] and not namespaced["persistentvolumes"]
    local_review = registry.by_plural("authorization.k8s.io", "v1", "localsubjectaccessreviews")
    assert local_review is not None and local_review.namespaced


def test_pods_have_every_subresource_kubectl_uses(registry: ResourceRegistry) -> None:
    pods = registry.by_plural("", "v1", "pods")
    assert pods is not None
    assert set(pods.subresources) == {
        "attach",
        "binding",
        "ephemeralcontainers",
        "eviction",
        "exec",
        "log",
        "portforward",
        "proxy",
        "resize",
        "status",
    }


@pytest.mark.parametrize(
    ("group", "version", "plural", "subresource", "shape"),
    [
        ("", "v1", "pods", "log", (("get",), "", "v1", "Pod")),
        ("", "v1", "pods", "exec", (("create", "get"), "", "v1", "PodExecOptions")),
        ("", "v1", "pods", "attach", (("create", "get"), "", "v1", "PodAttachOptions")),
        ("", "v1", "pods", "portforward", (("create", "get"), "", "v1", "PodPortForwardOptions")),
        ("", "v1", "pods", "proxy", (("create", "delete", "get", "patch", "update"), "", "v1", "PodProxyOptions")),
        ("", "v1", "pods", "eviction", (("create",), "policy", "v1", "Eviction")),
        ("", "v1", "pods", "binding", (("create",), "", "v1", "Binding")),
        ("", "v1", "pods", "resize", (("get", "patch", "update"), "", "v1", "Pod")),
        ("", "v1", "nodes", "proxy", (("create", "delete", "get", "patch", "update"), "", "v1", "NodeProxyOptions")),
        (
            "",
            "v1",
            "services",
            "proxy",
            (("create", "delete", "get", "patch", "update"), "", "v1", "ServiceProxyOptions"),
        ),
        ("", "v1", "namespaces", "finalize", (("update",), "", "v1", "Namespace")),
        ("", "v1", "serviceaccounts", "token", (("create",), "authentication.k8s.io", "v1", "TokenRequest")),
        ("", "v1", "replicationcontrollers", "scale", (("get", "patch", "update"), "autoscaling", "v1", "Scale")),
        ("apps", "v1", "deployments", "scale", (("get", "patch", "update"), "autoscaling", "v1", "Scale")),
        ("apps", "v1", "deployments", "status", (("get", "patch", "update"), "apps", "v1", "Deployment")),
        (
            "certificates.k8s.io",
            "v1",
            "certificatesigningrequests",
            "approval",
            (("get", "patch", "update"), "certificates.k8s.io", "v1", "CertificateSigningRequest"),
        ),
    ],
)
def test_subresources_answer_with_their_own_kind(
    registry: ResourceRegistry, group: str, version: str, plural: str, subresource: str, shape: tuple[object, ...]
) -> None:
    resource = registry.by_plural(group, version, plural)
    assert resource is not None
    assert subresource in resource.subresources
    sub = resource.subresource(subresource)
    assert (sub.verbs, sub.group, sub.version, sub.kind) == shape


def test_custom_resources_take_scale_from_autoscaling() -> None:
    scale = crontab().subresource("scale")
    assert (scale.group, scale.version, scale.kind) == ("autoscaling", "v1", "Scale")
    status = crontab(version="v2").subresource("status")
    assert (status.group, status.version, status.kind) == ("stable.example.com", "v2", "CronTab")


def test_names_derived_from_group_and_version(registry: ResourceRegistry) -> None:
    deployments = registry.by_plural("apps", "v1", "deployments")
    pods = registry.by_plural("", "v1", "pods")
    assert deployments is not None and pods is not None
    assert (deployments.api_version, deployments.group_version, deployments.list_kind_name) == (
        "apps/v1",
        "apps/v1",
        "DeploymentList",
    )
    assert (pods.api_version, pods.group_version, pods.list_kind_name) == ("v1", "v1", "PodList")
    assert crontab(list_kind="CronTabCollection").list_kind_name == "CronTabCollection"


def test_singular_names(registry: ResourceRegistry) -> None:
    singular = {(r.group, r.plural): r.singular for r in BUILTIN_RESOURCES}
    assert singular["", "endpoints"] == "endpoints"
    assert singular["networking.k8s.io", "ingressclasses"] == "ingressclass"
    assert singular["apiregistration.k8s.io", "apiservices"] == "apiservice"
    assert singular["metrics.k8s.io", "nodes"] == "node"


# -- lookups ------------------------------------------------------------------------------------------------


def test_lookups_by_plural_kind_and_api_version(registry: ResourceRegistry) -> None:
    deployments = registry.by_plural("apps", "v1", "deployments")
    assert deployments is not None and deployments.kind == "Deployment"
    assert registry.by_kind("apps", "v1", "Deployment") == deployments
    assert registry.for_api_version_kind("apps/v1", "Deployment") == deployments
    pods = registry.for_api_version_kind("v1", "Pod")
    assert pods is not None and pods.plural == "pods" and pods.group == ""
    hpa = registry.for_api_version_kind("autoscaling/v1", "HorizontalPodAutoscaler")
    assert hpa is not None and hpa.version == "v1"


def test_lookups_miss_what_is_not_served(registry: ResourceRegistry) -> None:
    assert registry.by_plural("apps", "v1beta1", "deployments") is None
    assert registry.by_plural("extensions", "v1beta1", "ingresses") is None
    assert registry.by_kind("", "v1", "Deployment") is None
    assert registry.for_api_version_kind("apps/v1", "Pod") is None


def test_split_api_version() -> None:
    assert split_api_version("apps/v1") == ("apps", "v1")
    assert split_api_version("v1") == ("", "v1")
    assert split_api_version("rbac.authorization.k8s.io/v1") == ("rbac.authorization.k8s.io", "v1")


# -- groups and versions ------------------------------------------------------------------------------------


def test_groups_come_in_the_aggregators_priority_order(registry: ResourceRegistry) -> None:
    assert [group for group, _ in registry.group_versions()] == [
        "",
        "apiregistration.k8s.io",
        "apps",
        "events.k8s.io",
        "authentication.k8s.io",
        "authorization.k8s.io",
        "autoscaling",
        "batch",
        "certificates.k8s.io",
        "networking.k8s.io",
        "policy",
        "rbac.authorization.k8s.io",
        "storage.k8s.io",
        "admissionregistration.k8s.io",
        "apiextensions.k8s.io",
        "scheduling.k8s.io",
        "coordination.k8s.io",
        "node.k8s.io",
        "discovery.k8s.io",
        "flowcontrol.apiserver.k8s.io",
        "metrics.k8s.io",
    ]


def test_preferred_versions_come_first(registry: ResourceRegistry) -> None:
    versions = dict(registry.group_versions())
    assert versions[""] == ["v1"]
    assert versions["apps"] == ["v1"]
    assert versions["autoscaling"] == ["v2", "v1"]
    assert versions["metrics.k8s.io"] == ["v1beta1"]


def test_versions_sort_the_kubernetes_way() -> None:
    shuffled = ["v1alpha1", "foo", "v2beta1", "v1", "v1beta2", "v11alpha2", "v2", "v1beta1", "bar", "v10"]
    assert sorted(shuffled, key=version_priority) == [
        "v10",
        "v2",
        "v1",
        "v2beta1",
        "v1beta2",
        "v1beta1",
        "v11alpha2",
        "v1alpha1",
        "bar",
        "foo",
    ]


# -- custom resources ---------------------------------------------------------------------------------------


def test_a_crd_version_becomes_a_served_resource(registry: ResourceRegistry) -> None:
    registry.add_custom(crontab())
    assert registry.by_plural("stable.example.com", "v1", "crontabs") == crontab()
    assert registry.for_api_version_kind("stable.example.com/v1", "CronTab") == crontab()
    assert ("stable.example.com", ["v1"]) in registry.group_versions()


def test_custom_groups_sort_after_built_ins_and_before_metrics(registry: ResourceRegistry) -> None:
    registry.add_custom(crontab())
    registry.add_custom(crontab(group="a.example.com"))
    groups = [group for group, _ in registry.group_versions()]
    assert groups[-3:] == ["a.example.com", "stable.example.com", "metrics.k8s.io"]


def test_custom_versions_prefer_the_most_stable_newest(registry: ResourceRegistry) -> None:
    for version in ("v1beta1", "v2alpha1", "v1"):
        registry.add_custom(crontab(version=version))
    assert dict(registry.group_versions())["stable.example.com"] == ["v1", "v1beta1", "v2alpha1"]


def test_adding_the_same_version_again_replaces_it(registry: ResourceRegistry) -> None:
    registry.add_custom(crontab())
    registry.add_custom(crontab(short_names=("cront",)))
    served = registry.resources_of("stable.example.com", "v1")
    assert [r.short_names for r in served] == [("cront",)]


def test_removing_a_crd_drops_every_version(registry: ResourceRegistry) -> None:
    registry.add_custom(crontab())
    registry.add_custom(crontab(version="v2"))
    registry.remove_custom("stable.example.com", "crontabs")
    assert registry.by_plural("stable.example.com", "v1", "crontabs") is None
    assert registry.resources_of("stable.example.com", "v2") == []
    assert "stable.example.com" not in dict(registry.group_versions())


def test_built_ins_cannot_be_redefined_or_removed(registry: ResourceRegistry) -> None:
    with pytest.raises(ValueError, match="built-in"):
        registry.add_custom(crontab(group="apps", plural="deployments"))
    registry.remove_custom("apps", "deployments")
    assert registry.by_plural("apps", "v1", "deployments") is not None


def test_registries_do_not_share_custom_resources() -> None:
    first, second = ResourceRegistry(), ResourceRegistry()
    first.add_custom(crontab())
    assert second.by_plural("stable.example.com", "v1", "crontabs") is None

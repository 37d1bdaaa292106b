"""RBAC as the real authorizer decides it: request attributes, rule matching, bindings, default roles,
aggregation, the review APIs and the refusal messages."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from kubesim.api.errors import ApiError
from kubesim.api.rbac import (
    CLUSTER_ROLE_BINDINGS,
    CLUSTER_ROLES,
    ROLE_BINDINGS,
    ROLES,
    Attributes,
    Authorizer,
    ReviewedUser,
    bootstrap_rbac_objects,
    forbidden_error,
    request_attributes,
    rule_allows,
)
from kubesim.store.store import Store

RBAC = "rbac.authorization.k8s.io"


@pytest.fixture
def store() -> Iterator[Store]:
    opened = Store(None)
    yield opened
    opened.close()


@pytest.fixture
def defaults(store: Store) -> Store:
    """A store holding the default roles and bindings of a new cluster."""
    for obj in bootstrap_rbac_objects():
        key = CLUSTER_ROLES if obj["kind"] == "ClusterRole" else CLUSTER_ROLE_BINDINGS
        store.create(key, "", obj["metadata"]["name"], obj)
    return store


def user(name: str, *groups: str) -> ReviewedUser:
    return ReviewedUser(name, (*groups, "system:authenticated"))


def sa_user(namespace: str, name: str) -> ReviewedUser:
    groups = ("system:serviceaccounts", f"system:serviceaccounts:{namespace}", "system:authenticated")
    return ReviewedUser(f"system:serviceaccount:{namespace}:{name}", groups)


def rule(verbs: list[str], groups: list[str], resources: list[str], names: list[str] | None = None) -> dict[str, Any]:
    created: dict[str, Any] = {"verbs": verbs, "apiGroups": groups, "resources": resources}
    if names:
        created["resourceNames"] = names
    return created


def add_role(store: Store, namespace: str, name: str, rules: list[dict[str, Any]]) -> None:
    metadata = {"name": name, "namespace": namespace, "uid": str(uuid.uuid4())}
    store.create(
        ROLES, namespace, name, {"apiVersion": f"{RBAC}/v1", "kind": "Role", "metadata": metadata, "rules": rules}
    )


def add_cluster_role(
    store: Store, name: str, rules: list[dict[str, Any]], labels: dict[str, str] | None = None
) -> None:
    metadata: dict[str, Any] = {"name": name, "uid": str(uuid.uuid4())}
    if labels:
        metadata["labels"] = labels
    obj = {"apiVersion": f"{RBAC}/v1", "kind": "ClusterRole", "metadata": metadata, "rules": rules}
    store.create(CLUSTER_ROLES, "", name, obj)


def add_binding(
    store: Store, namespace: str, name: str, role_kind: str, role: str, subjects: list[dict[str, str]]
) -> None:
    kind = "RoleBinding" if namespace else "ClusterRoleBinding"
    metadata: dict[str, Any] = {"name": name, "uid": str(uuid.uuid4())}
    if namespace:
        metadata["namespace"] = namespace
    obj = {
        "apiVersion": f"{RBAC}/v1",
        "kind": kind,
        "metadata": metadata,
        "roleRef": {"apiGroup": RBAC, "kind": role_kind, "name": role},
        "subjects": subjects,
    }
    store.create(ROLE_BINDINGS if namespace else CLUSTER_ROLE_BINDINGS, namespace, name, obj)


def user_subject(name: str) -> dict[str, str]:
    return {"apiGroup": RBAC, "kind": "User", "name": name}


def can(
    store: Store,
    who: ReviewedUser,
    verb: str,
    resource: str,
    namespace: str = "",
    group: str = "",
    subresource: str = "",
    name: str = "",
) -> bool:
    return Authorizer(store).authorize(who, Attributes(verb, group, resource, subresource, namespace, name))[0]


# -- request attributes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "target", "expected"),
    [
        ("GET", "/api/v1/namespaces/default/pods", Attributes("list", "", "pods", namespace="default")),
        ("GET", "/api/v1/pods", Attributes("list", "", "pods")),
        ("GET", "/api/v1/namespaces/default/pods?watch=true", Attributes("watch", "", "pods", namespace="default")),
        ("GET", "/api/v1/namespaces/default/pods?watch=1", Attributes("watch", "", "pods", namespace="default")),
        ("GET", "/api/v1/namespaces/default/pods?watch=false", Attributes("list", "", "pods", namespace="default")),
        ("GET", "/api/v1/watch/namespaces/default/pods", Attributes("watch", "", "pods", namespace="default")),
        ("GET", "/api/v1/namespaces/default/pods/web", Attributes("get", "", "pods", namespace="default", name="web")),
        ("HEAD", "/api/v1/namespaces/default/pods/web", Attributes("get", "", "pods", namespace="default", name="web")),
        ("POST", "/api/v1/namespaces/default/pods", Attributes("create", "", "pods", namespace="default")),
        (
            "PUT",
            "/api/v1/namespaces/default/pods/web",
            Attributes("update", "", "pods", namespace="default", name="web"),
        ),
        (
            "PATCH",
            "/api/v1/namespaces/default/pods/web",
            Attributes("patch", "", "pods", namespace="default", name="web"),
        ),
        (
            "DELETE",
            "/api/v1/namespaces/default/pods/web",
            Attributes("delete", "", "pods", namespace="default", name="web"),
        ),
        ("DELETE", "/api/v1/namespaces/default/pods", Attributes("deletecollection", "", "pods", namespace="default")),
        (
            "GET",
            "/api/v1/namespaces/default/pods/web/log",
            Attributes("get", "", "pods", "log", namespace="default", name="web"),
        ),
        (
            "PUT",
            "/apis/apps/v1/namespaces/shop/deployments/web/scale",
            Attributes("update", "apps", "deployments", "scale", namespace="shop", name="web"),
        ),
        ("GET", "/apis/apps/v1/deployments", Attributes("list", "apps", "deployments")),
        ("GET", "/api/v1/nodes/kuar-worker", Attributes("get", "", "nodes", name="kuar-worker")),
        ("GET", "/api/v1/namespaces", Attributes("list", "", "namespaces")),
        # A namespace is its own namespace; status and finalize are its subresources.
        ("GET", "/api/v1/namespaces/shop", Attributes("get", "", "namespaces", namespace="shop", name="shop")),
        (
            "PUT",
            "/api/v1/namespaces/shop/finalize",
            Attributes("update", "", "namespaces", "finalize", namespace="shop", name="shop"),
        ),
        (
            "POST",
            "/api/v1/namespaces/default/serviceaccounts/robot/token",
            Attributes("create", "", "serviceaccounts", "token", namespace="default", name="robot"),
        ),
        # A list that selects one name is authorized as a request for that object.
        (
            "GET",
            "/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dsettings",
            Attributes("list", "", "configmaps", namespace="default", name="settings"),
        ),
        (
            "GET",
            "/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name!%3Dsettings",
            Attributes("list", "", "configmaps", namespace="default"),
        ),
        (
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            Attributes("create", "authorization.k8s.io", "selfsubjectaccessreviews"),
        ),
    ],
)
def test_requests_map_to_the_verbs_the_server_uses(method: str, target: str, expected: Attributes) -> None:
    parts = urlsplit(target)
    got = request_attributes(method, parts.path, parse_qs(parts.query, keep_blank_values=True))
    assert (got.verb, got.api_group, got.resource, got.subresource, got.namespace, got.name) == (
        expected.verb,
        expected.api_group,
        expected.resource,
        expected.subresource,
        expected.namespace,
        expected.name,
    )
    assert got.resource_request


@pytest.mark.parametrize(
    ("method", "path", "verb"),
    [
        ("GET", "/healthz", "get"),
        ("GET", "/version", "get"),
        ("GET", "/api", "get"),
        ("GET", "/api/v1", "get"),
        ("GET", "/apis/apps/v1", "get"),
        ("GET", "/openapi/v3", "get"),
        ("POST", "/logs", "post"),
    ],
)
def test_paths_outside_the_resource_api_are_non_resource_requests(method: str, path: str, verb: str) -> None:
    got = request_attributes(method, path, {})
    assert not got.resource_request and got.verb == verb and got.path == path


# -- rule matching -------------------------------------------------------------------------------------


def resource_request(verb: str, resource: str, subresource: str = "", name: str = "", group: str = "") -> Attributes:
    return Attributes(verb, group, resource, subresource, "default", name)


def test_wildcards_match_any_verb_group_and_resource() -> None:
    everything = rule(["*"], ["*"], ["*"])
    assert rule_allows(resource_request("deletecollection", "deployments", group="apps"), everything)
    assert rule_allows(resource_request("get", "pods", "log"), everything)


def test_a_rule_for_a_resource_does_not_cover_its_subresources() -> None:
    pods = rule(["get"], [""], ["pods"])
    assert rule_allows(resource_request("get", "pods", name="web"), pods)
    assert not rule_allows(resource_request("get", "pods", "log", name="web"), pods)
    logs = rule(["get"], [""], ["pods/log"])
    assert rule_allows(resource_request("get", "pods", "log", name="web"), logs)
    assert not rule_allows(resource_request("get", "pods", name="web"), logs)


def test_star_slash_subresource_matches_that_subresource_of_any_resource() -> None:
    scale = rule(["update"], ["*"], ["*/scale"])
    assert rule_allows(resource_request("update", "deployments", "scale", "web", "apps"), scale)
    assert rule_allows(resource_request("update", "statefulsets", "scale", "db", "apps"), scale)
    assert not rule_allows(resource_request("update", "deployments", name="web", group="apps"), scale)
    assert not rule_allows(resource_request("update", "deployments", "status", "web", "apps"), scale)


def test_groups_and_verbs_must_match() -> None:
    apps = rule(["get", "list"], ["apps"], ["deployments"])
    assert rule_allows(resource_request("list", "deployments", group="apps"), apps)
    assert not rule_allows(resource_request("list", "deployments", group="extensions"), apps)
    assert not rule_allows(resource_request("delete", "deployments", name="web", group="apps"), apps)


def test_resource_names_limit_requests_that_name_an_object() -> None:
    one = rule(["get", "list", "watch", "create", "update"], [""], ["configmaps"], ["settings"])
    assert rule_allows(resource_request("get", "configmaps", name="settings"), one)
    assert rule_allows(resource_request("update", "configmaps", name="settings"), one)
    assert not rule_allows(resource_request("get", "configmaps", name="other"), one)
    # list, watch and create carry no name, so a rule with resourceNames never allows them.
    assert not rule_allows(resource_request("list", "configmaps"), one)
    assert not rule_allows(resource_request("watch", "configmaps"), one)
    assert not rule_allows(resource_request("create", "configmaps"), one)


def test_non_resource_urls_match_exactly_or_by_trailing_star() -> None:
    urls = {"verbs": ["get"], "nonResourceURLs": ["/healthz", "/apis/*"]}
    assert rule_allows(Attributes.non_resource("get", "/healthz"), urls)
    assert not rule_allows(Attributes.non_resource("get", "/healthz/etcd"), urls)
    assert rule_allows(Attributes.non_resource("get", "/apis/apps/v1"), urls)
    assert not rule_allows(Attributes.non_resource("get", "/apis"), urls)
    assert not rule_allows(Attributes.non_resource("post", "/healthz"), urls)
    assert not rule_allows(Attributes.non_resource("get", "/healthz"), rule(["get"], ["*"], ["*"]))
    assert not rule_allows(resource_request("get", "pods"), urls)


# -- bindings ------------------------------------------------------------------------------------------


def test_a_role_binding_grants_only_in_its_namespace(store: Store) -> None:
    add_role(store, "shop", "reader", [rule(["get", "list"], [""], ["pods"])])
    add_binding(store, "shop", "read-pods", "Role", "reader", [user_subject("alice")])
    alice = user("alice")
    assert can(store, alice, "list", "pods", "shop")
    assert not can(store, alice, "list", "pods", "default")
    assert not can(store, alice, "list", "pods")
    assert not can(store, alice, "delete", "pods", "shop", name="web")
    assert not can(store, user("bob"), "list", "pods", "shop")


def test_a_role_binding_to_a_cluster_role_grants_in_the_binding_namespace(store: Store) -> None:
    add_cluster_role(store, "pod-reader", [rule(["get", "list"], [""], ["pods"])])
    add_binding(store, "shop", "read-pods", "ClusterRole", "pod-reader", [user_subject("alice")])
    assert can(store, user("alice"), "list", "pods", "shop")
    assert not can(store, user("alice"), "list", "pods", "default")


def test_a_cluster_role_binding_grants_everywhere(store: Store) -> None:
    add_cluster_role(store, "pod-reader", [rule(["get", "list"], [""], ["pods"])])
    add_binding(
        store, "", "read-pods", "ClusterRole", "pod-reader", [{"apiGroup": RBAC, "kind": "Group", "name": "qa"}]
    )
    tester = user("carol", "qa")
    assert can(store, tester, "list", "pods", "shop")
    assert can(store, tester, "list", "pods")
    assert not can(store, user("dave"), "list", "pods")


def test_service_account_subjects_default_to_the_binding_namespace(store: Store) -> None:
    add_role(store, "shop", "reader", [rule(["list"], [""], ["pods"])])
    add_binding(store, "shop", "unqualified", "Role", "reader", [{"kind": "ServiceAccount", "name": "robot"}])
    assert can(store, sa_user("shop", "robot"), "list", "pods", "shop")
    assert not can(store, sa_user("default", "robot"), "list", "pods", "shop")
    add_binding(
        store, "shop", "qualified", "Role", "reader", [{"kind": "ServiceAccount", "name": "ci", "namespace": "tools"}]
    )
    assert can(store, sa_user("tools", "ci"), "list", "pods", "shop")


def test_system_masters_may_do_anything_without_bindings(store: Store) -> None:
    root = user("root", "system:masters")
    assert Authorizer(store).authorize(root, Attributes("delete", "", "nodes", name="kuar-worker")) == (True, "")
    assert Authorizer(store).authorize(root, Attributes.non_resource("get", "/metrics")) == (True, "")


def test_the_allow_reason_names_the_binding_role_and_subject(store: Store) -> None:
    add_role(store, "shop", "reader", [rule(["list"], [""], ["pods"])])
    add_binding(store, "shop", "read-pods", "Role", "reader", [{"kind": "ServiceAccount", "name": "robot"}])
    allowed, reason = Authorizer(store).authorize(
        sa_user("shop", "robot"), Attributes("list", "", "pods", namespace="shop")
    )
    assert allowed
    assert reason == 'RBAC: allowed by RoleBinding "read-pods/shop" of Role "reader" to ServiceAccount "robot/shop"'
    add_cluster_role(store, "viewer", [rule(["get"], [""], ["nodes"])])
    add_binding(store, "", "see-nodes", "ClusterRole", "viewer", [user_subject("alice")])
    allowed, reason = Authorizer(store).authorize(user("alice"), Attributes("get", "", "nodes", name="n1"))
    assert reason == 'RBAC: allowed by ClusterRoleBinding "see-nodes" of ClusterRole "viewer" to User "alice"'


def test_a_missing_role_is_the_denial_reason(store: Store) -> None:
    add_binding(store, "shop", "dangling", "Role", "ghost", [user_subject("alice")])
    add_binding(store, "", "dangling-cluster", "ClusterRole", "phantom", [user_subject("alice")])
    allowed, reason = Authorizer(store).authorize(user("alice"), Attributes("list", "", "pods", namespace="shop"))
    assert not allowed
    assert reason == (
        'RBAC: [clusterrole.rbac.authorization.k8s.io "phantom" not found, '
        'role.rbac.authorization.k8s.io "ghost" not found]'
    )
    allowed, reason = Authorizer(store).authorize(user("bob"), Attributes("list", "", "pods", namespace="shop"))
    assert (allowed, reason) == (False, "")


# -- the default roles ---------------------------------------------------------------------------------


def bind_in(store: Store, namespace: str, role: str, who: str) -> None:
    add_binding(store, namespace, f"{who}-{role}", "ClusterRole", role, [user_subject(who)])


def test_view_reads_workloads_but_not_secrets(defaults: Store) -> None:
    bind_in(defaults, "shop", "view", "viola")
    viola = user("viola")
    assert can(defaults, viola, "list", "pods", "shop")
    assert can(defaults, viola, "get", "pods", "shop", subresource="log", name="web")
    assert can(defaults, viola, "watch", "deployments", "shop", group="apps")
    assert can(defaults, viola, "list", "endpointslices", "shop", group="discovery.k8s.io")
    assert not can(defaults, viola, "get", "secrets", "shop", name="db-password")
    assert not can(defaults, viola, "list", "secrets", "shop")
    assert not can(defaults, viola, "create", "pods", "shop", subresource="exec", name="web")
    assert not can(defaults, viola, "create", "configmaps", "shop")


def test_edit_creates_deployments_but_not_roles(defaults: Store) -> None:
    bind_in(defaults, "shop", "edit", "eddie")
    eddie = user("eddie")
    assert can(defaults, eddie, "create", "deployments", "shop", group="apps")
    assert can(defaults, eddie, "patch", "deployments", "shop", group="apps", subresource="scale", name="web")
    assert can(defaults, eddie, "get", "secrets", "shop", name="db-password")
    assert can(defaults, eddie, "create", "pods", "shop", subresource="exec", name="web")
    assert can(defaults, eddie, "list", "pods", "shop")  # view's rules, aggregated into edit
    assert not can(defaults, eddie, "create", "roles", "shop", group=RBAC)
    assert not can(defaults, eddie, "create", "rolebindings", "shop", group=RBAC)
    assert not can(defaults, eddie, "create", "deployments", "default", group="apps")


def test_admin_manages_roles_in_its_namespace_only(defaults: Store) -> None:
    bind_in(defaults, "shop", "admin", "ada")
    ada = user("ada")
    assert can(defaults, ada, "create", "roles", "shop", group=RBAC)
    assert can(defaults, ada, "delete", "rolebindings", "shop", group=RBAC, name="old")
    assert can(defaults, ada, "create", "deployments", "shop", group="apps")
    assert can(defaults, ada, "list", "configmaps", "shop")
    assert not can(defaults, ada, "create", "roles", "default", group=RBAC)
    assert not can(defaults, ada, "create", "clusterroles", group=RBAC)
    assert not can(defaults, ada, "create", "resourcequotas", "shop")


def test_every_user_may_discover_and_ask_about_itself(defaults: Store) -> None:
    anyone = user("someone")
    authorizer = Authorizer(defaults)
    for path in ("/api", "/apis/apps/v1", "/version", "/openapi/v3", "/healthz"):
        assert authorizer.authorize(anyone, Attributes.non_resource("get", path))[0], path
    assert not authorizer.authorize(anyone, Attributes.non_resource("get", "/metrics"))[0]
    for plural in ("selfsubjectaccessreviews", "selfsubjectrulesreviews"):
        assert authorizer.authorize(anyone, Attributes("create", "authorization.k8s.io", plural))[0]
    assert authorizer.authorize(anyone, Attributes("create", "authentication.k8s.io", "selfsubjectreviews"))[0]
    assert not authorizer.authorize(anyone, Attributes("list", "", "pods", namespace="default"))[0]


def test_anonymous_sees_only_public_information(defaults: Store) -> None:
    anonymous = ReviewedUser("system:anonymous", ("system:unauthenticated",))
    authorizer = Authorizer(defaults)
    assert authorizer.authorize(anonymous, Attributes.non_resource("get", "/version"))[0]
    assert authorizer.authorize(anonymous, Attributes.non_resource("get", "/readyz"))[0]
    assert not authorizer.authorize(anonymous, Attributes.non_resource("get", "/api"))[0]


def test_the_kind_admin_group_is_cluster_admin(defaults: Store) -> None:
    admin = ReviewedUser("kubernetes-admin", ("kubeadm:cluster-admins", "system:authenticated"))
    allowed, reason = Authorizer(defaults).authorize(admin, Attributes("delete", "", "nodes", name="kuar-worker"))
    assert allowed
    assert reason == (
        'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" '
        'to Group "kubeadm:cluster-admins"'
    )


def test_bootstrap_roles_carry_the_default_labels_and_gathered_rules() -> None:
    objects = {obj["metadata"]["name"] + "/" + obj["kind"]: obj for obj in bootstrap_rbac_objects()}
    view = objects["view/ClusterRole"]
    assert view["metadata"]["labels"] == {
        "kubernetes.io/bootstrapping": "rbac-defaults",
        "rbac.authorization.k8s.io/aggregate-to-edit": "true",
    }
    assert view["metadata"]["annotations"] == {"rbac.authorization.kubernetes.io/autoupdate": "true"}
    assert view["aggregationRule"] == {
        "clusterRoleSelectors": [{"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}}]
    }
    assert view["rules"] == objects["system:aggregate-to-view/ClusterRole"]["rules"]
    admin_rules = objects["admin/ClusterRole"]["rules"]
    assert all(each in admin_rules for each in objects["edit/ClusterRole"]["rules"])
    assert objects["cluster-admin/ClusterRoleBinding"]["subjects"] == [
        {"apiGroup": RBAC, "kind": "Group", "name": "system:masters"}
    ]
    public = objects["system:public-info-viewer/ClusterRoleBinding"]["subjects"]
    assert [subject["name"] for subject in public] == ["system:authenticated", "system:unauthenticated"]


# -- aggregation ---------------------------------------------------------------------------------------


def test_a_labelled_cluster_role_extends_view_edit_and_admin(defaults: Store) -> None:
    crontabs = rule(["get", "list", "watch"], ["stable.example.com"], ["crontabs"])
    add_cluster_role(defaults, "crontab-reader", [crontabs], {"rbac.authorization.k8s.io/aggregate-to-view": "true"})
    for role, who in (("view", "viola"), ("edit", "eddie"), ("admin", "ada")):
        bind_in(defaults, "shop", role, who)
        assert can(defaults, user(who), "list", "crontabs", "shop", group="stable.example.com"), role
    assert not can(defaults, user("viola"), "create", "crontabs", "shop", group="stable.example.com")


def test_aggregation_selects_by_expression_and_ignores_its_own_labels(store: Store) -> None:
    selector = {"matchExpressions": [{"key": "team", "operator": "In", "values": ["web", "api"]}]}
    aggregated = {
        "apiVersion": f"{RBAC}/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "team-roles", "labels": {"team": "web"}},
        "aggregationRule": {"clusterRoleSelectors": [selector]},
        "rules": [rule(["delete"], [""], ["nodes"])],  # stale rules are replaced by the aggregation
    }
    store.create(CLUSTER_ROLES, "", "team-roles", aggregated)
    add_cluster_role(store, "web", [rule(["get"], [""], ["services"])], {"team": "web"})
    add_cluster_role(store, "db", [rule(["get"], [""], ["secrets"])], {"team": "db"})
    add_binding(store, "", "teams", "ClusterRole", "team-roles", [user_subject("tess")])
    assert can(store, user("tess"), "get", "services", "x", name="s")
    assert not can(store, user("tess"), "get", "secrets", "x", name="s")
    assert not can(store, user("tess"), "delete", "nodes", name="n")


def test_aggregation_cycles_end(store: Store) -> None:
    for name, other in (("left", "right"), ("right", "left")):
        obj = {
            "apiVersion": f"{RBAC}/v1",
            "kind": "ClusterRole",
            "metadata": {"name": name, "labels": {"side": name}},
            "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"side": other}}]},
            "rules": [rule(["get"], [""], [f"{name}-things"])],
        }
        store.create(CLUSTER_ROLES, "", name, obj)
    add_binding(store, "", "both", "ClusterRole", "left", [user_subject("cy")])
    # The real controller settles on one side's rules, depending on which role it syncs first.
    assert can(store, user("cy"), "get", "left-things", "x", name="a") or can(
        store, user("cy"), "get", "right-things", "x", name="a"
    )


# -- reviews -------------------------------------------------------------------------------------------


def ssar(verb: str, resource: str, namespace: str = "", group: str = "", name: str = "") -> dict[str, Any]:
    attributes = {"verb": verb, "resource": resource, "group": group, "namespace": namespace, "name": name}
    return {
        "kind": "SelfSubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {},
        "spec": {"resourceAttributes": {key: value for key, value in attributes.items() if value}},
    }


def test_self_subject_access_review_answers_can_i(defaults: Store) -> None:
    bind_in(defaults, "shop", "edit", "eddie")
    authorizer = Authorizer(defaults)
    yes = authorizer.review(
        "selfsubjectaccessreviews", user("eddie"), ssar("create", "deployments", "shop", "apps"), None
    )
    assert yes["kind"] == "SelfSubjectAccessReview" and yes["apiVersion"] == "authorization.k8s.io/v1"
    assert yes["metadata"] == {}
    assert yes["spec"]["resourceAttributes"]["verb"] == "create"
    assert yes["status"] == {
        "allowed": True,
        "reason": 'RBAC: allowed by RoleBinding "eddie-edit/shop" of ClusterRole "edit" to User "eddie"',
    }
    no = authorizer.review("selfsubjectaccessreviews", user("eddie"), ssar("create", "roles", "shop", RBAC), None)
    assert no["status"] == {"allowed": False}
    path = {"spec": {"nonResourceAttributes": {"verb": "get", "path": "/version"}}}
    assert authorizer.review("selfsubjectaccessreviews", user("eddie"), path, None)["status"]["allowed"]


def test_subject_access_review_asks_about_the_user_in_its_spec(defaults: Store) -> None:
    bind_in(defaults, "shop", "view", "viola")
    body = {"spec": {"user": "viola", "resourceAttributes": {"verb": "list", "resource": "pods", "namespace": "shop"}}}
    review = Authorizer(defaults).review("subjectaccessreviews", user("kubernetes-admin"), body, None)
    assert review["status"]["allowed"]
    # The spec's groups are taken as given: without system:authenticated, discovery is not allowed.
    body = {"spec": {"user": "viola", "nonResourceAttributes": {"verb": "get", "path": "/api"}}}
    assert not Authorizer(defaults).review("subjectaccessreviews", user("x"), body, None)["status"]["allowed"]
    body["spec"]["groups"] = ["system:authenticated"]
    assert Authorizer(defaults).review("subjectaccessreviews", user("x"), body, None)["status"]["allowed"]


def test_invalid_access_reviews_are_refused_as_the_server_does(defaults: Store) -> None:
    authorizer = Authorizer(defaults)
    with pytest.raises(ApiError) as neither:
        authorizer.review("selfsubjectaccessreviews", user("a"), {"spec": {}}, None)
    assert neither.value.code == 422
    assert neither.value.message == (
        'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: '
        'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified'
    )
    with pytest.raises(ApiError) as nobody:
        authorizer.review("subjectaccessreviews", user("a"), ssar("get", "pods", "x"), None)
    assert 'spec.user: Invalid value: "": at least one of user or group must be specified' in nobody.value.message


def test_local_subject_access_review_stays_in_its_namespace(defaults: Store) -> None:
    bind_in(defaults, "shop", "view", "viola")
    body = {"spec": {"user": "viola", "resourceAttributes": {"verb": "get", "resource": "pods", "namespace": "shop"}}}
    review = Authorizer(defaults).review("localsubjectaccessreviews", user("ada"), body, "shop")
    assert review["kind"] == "LocalSubjectAccessReview"
    assert review["metadata"] == {"namespace": "shop"}
    assert review["status"]["allowed"]
    with pytest.raises(ApiError) as elsewhere:
        Authorizer(defaults).review("localsubjectaccessreviews", user("ada"), body, "default")
    assert elsewhere.value.code == 422
    assert 'spec.resourceAttributes.namespace: Invalid value: "shop": must match metadata.namespace' in (
        elsewhere.value.message
    )


def test_self_subject_rules_review_lists_the_rules_as_rbac_resolves_them(defaults: Store) -> None:
    add_role(defaults, "shop", "cm-editor", [rule(["get", "update"], [""], ["configmaps"], ["settings"])])
    add_binding(defaults, "shop", "edit-settings", "Role", "cm-editor", [user_subject("sam")])
    body = {"spec": {"namespace": "shop"}}
    review = Authorizer(defaults).review("selfsubjectrulesreviews", user("sam"), body, None)
    assert review["kind"] == "SelfSubjectRulesReview" and review["spec"] == {}
    status = review["status"]
    assert status["incomplete"] is False and "evaluationError" not in status
    assert {
        "verbs": ["get", "update"],
        "apiGroups": [""],
        "resources": ["configmaps"],
        "resourceNames": ["settings"],
    } in status["resourceRules"]
    assert {
        "verbs": ["create"],
        "apiGroups": ["authorization.k8s.io"],
        "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
    } in status["resourceRules"]
    discovery = [each for each in status["nonResourceRules"] if "/api/*" in each["nonResourceURLs"]]
    assert discovery and discovery[0]["verbs"] == ["get"]
    elsewhere = Authorizer(defaults).rules_review(user("sam"), "default")
    assert all("configmaps" not in each["resources"] for each in elsewhere["resourceRules"])


def test_rules_review_reports_lookup_failures_without_being_incomplete(store: Store) -> None:
    add_binding(store, "shop", "dangling", "Role", "ghost", [user_subject("sam")])
    status = Authorizer(store).rules_review(user("sam"), "shop")
    assert status == {
        "resourceRules": [],
        "nonResourceRules": [],
        "incomplete": False,
        "evaluationError": 'role.rbac.authorization.k8s.io "ghost" not found',
    }


def test_rules_review_needs_a_namespace(store: Store) -> None:
    with pytest.raises(ApiError) as refused:
        Authorizer(store).review("selfsubjectrulesreviews", user("sam"), {"spec": {}}, None)
    assert (refused.value.code, refused.value.message) == (400, "no namespace on request")


# -- refusals ------------------------------------------------------------------------------------------


def test_forbidden_messages_read_as_the_real_server_writes_them() -> None:
    reader = "system:serviceaccount:default:reader"
    listing = forbidden_error(reader, Attributes("list", "", "pods", namespace="default"))
    assert listing.code == 403 and listing.reason == "Forbidden"
    assert listing.message == (
        'pods is forbidden: User "system:serviceaccount:default:reader" cannot list resource "pods" '
        'in API group "" in the namespace "default"'
    )
    assert listing.status()["details"] == {"kind": "pods"}
    named = forbidden_error(reader, Attributes("get", "", "pods", namespace="default", name="web"))
    assert named.message.startswith('pods "web" is forbidden: User ')
    assert named.status()["details"] == {"name": "web", "kind": "pods"}
    logs = forbidden_error(reader, Attributes("get", "", "pods", "log", namespace="default", name="web"))
    assert 'cannot get resource "pods/log" in API group ""' in logs.message
    deployments = forbidden_error("alice", Attributes("create", "apps", "deployments", namespace="shop"))
    assert deployments.message == (
        'deployments.apps is forbidden: User "alice" cannot create resource "deployments" '
        'in API group "apps" in the namespace "shop"'
    )
    assert deployments.status()["details"] == {"group": "apps", "kind": "deployments"}
    nodes = forbidden_error("alice", Attributes("list", "", "nodes"))
    assert (
        nodes.message
        == 'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope'
    )


def test_forbidden_paths_and_reasons() -> None:
    path = forbidden_error("system:anonymous", Attributes.non_resource("get", "/api"))
    assert path.message == 'forbidden: User "system:anonymous" cannot get path "/api"'
    assert path.status()["details"] == {}
    reason = 'RBAC: role.rbac.authorization.k8s.io "ghost" not found'
    failed = forbidden_error("alice", Attributes("list", "", "pods", namespace="shop"), reason)
    assert failed.message.endswith('in the namespace "shop": RBAC: role.rbac.authorization.k8s.io "ghost" not found')
    odd = forbidden_error("alice", Attributes.non_resource("get", "/<script>"))
    assert odd.message == 'forbidden: User "alice" cannot get path "/&lt;script&gt;"'

"""Authentication and impersonation: the admin token, service-account tokens (issued, bound, legacy,
expired, revoked), anonymous requests, and acting as another user."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubesim.api.errors import ApiError
from kubesim.api.rbac import CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES, ROLE_BINDINGS, Authorizer, bootstrap_rbac_objects
from kubesim.server.auth import (
    ADMIN,
    ANONYMOUS,
    Authenticator,
    UserInfo,
    impersonate,
    self_subject_review,
    signing_key_at,
    split_service_account_username,
)
from kubesim.store.store import Store

ADMIN_TOKEN = "admin-token-for-tests"
KEY = b"k" * 32
START = 1_800_000_000.0
RBAC = "rbac.authorization.k8s.io"


class Clock:
    """The time the authenticator sees; tests move it forward."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store() -> Iterator[Store]:
    opened = Store(None)
    for obj in bootstrap_rbac_objects():
        key = CLUSTER_ROLES if obj["kind"] == "ClusterRole" else CLUSTER_ROLE_BINDINGS
        opened.create(key, "", obj["metadata"]["name"], obj)
    yield opened
    opened.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def authenticator(store: Store, clock: Clock) -> Authenticator:
    return Authenticator(ADMIN_TOKEN, KEY, store, clock)


def add(store: Store, resource: str, namespace: str, name: str, **fields: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "uid": str(uuid.uuid4())}
    if namespace:
        metadata["namespace"] = namespace
    return store.create(resource, namespace, name, {"metadata": metadata, **fields})


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def create_token(authenticator: Authenticator, namespace: str, name: str, **spec: Any) -> dict[str, Any]:
    body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "metadata": {}, "spec": spec}
    return authenticator.token_request(namespace, name, body)


# -- bearer tokens -------------------------------------------------------------------------------------


def test_the_admin_token_is_kinds_admin(authenticator: Authenticator) -> None:
    assert authenticator.authenticate(bearer(ADMIN_TOKEN)) == ADMIN
    assert ADMIN.name == "kubernetes-admin"
    assert ADMIN.groups == ("kubeadm:cluster-admins", "system:authenticated")


def test_requests_without_a_bearer_token_are_anonymous(authenticator: Authenticator) -> None:
    assert authenticator.authenticate({}) == ANONYMOUS
    assert authenticator.authenticate({"authorization": "Basic YWRtaW46c2VjcmV0"}) == ANONYMOUS
    assert authenticator.authenticate({"authorization": "Bearer "}) == ANONYMOUS
    assert (ANONYMOUS.name, ANONYMOUS.groups) == ("system:anonymous", ("system:unauthenticated",))


def test_a_bad_bearer_token_is_refused(authenticator: Authenticator) -> None:
    assert authenticator.authenticate(bearer("not-the-token")) is None
    assert authenticator.authenticate(bearer("a.b.c")) is None
    assert authenticator.authenticate(bearer("eyJhbGciOiJub25lIn0.e30.")) is None


# -- service-account tokens ----------------------------------------------------------------------------


def test_a_requested_token_authenticates_as_its_service_account(store: Store, authenticator: Authenticator) -> None:
    account = add(store, "/serviceaccounts", "shop", "robot")
    answer = create_token(authenticator, "shop", "robot")
    assert answer["kind"] == "TokenRequest" and answer["apiVersion"] == "authentication.k8s.io/v1"
    assert answer["metadata"] == {"name": "robot", "namespace": "shop", "creationTimestamp": "2027-01-15T08:00:00Z"}
    assert answer["spec"] == {"audiences": ["https://kubernetes.default.svc.cluster.local"], "expirationSeconds": 3600}
    assert answer["status"]["expirationTimestamp"] == "2027-01-15T09:00:00Z"
    robot = authenticator.authenticate(bearer(answer["status"]["token"]))
    assert robot is not None
    assert robot.name == "system:serviceaccount:shop:robot"
    assert robot.groups == ("system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated")
    assert robot.uid == account["metadata"]["uid"]
    jti = claims_of(answer["status"]["token"])["jti"]
    assert robot.extra == {"authentication.kubernetes.io/credential-id": [f"JTI={jti}"]}


def test_tokens_carry_the_claims_of_real_service_account_tokens(store: Store, authenticator: Authenticator) -> None:
    account = add(store, "/serviceaccounts", "shop", "robot")
    token, expires = authenticator.issue_token("shop", "robot", account["metadata"]["uid"], None, 7200)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "HS256" and header["kid"]
    claims = claims_of(token)
    assert claims["iss"] == "https://kubernetes.default.svc.cluster.local"
    assert claims["sub"] == "system:serviceaccount:shop:robot"
    assert claims["aud"] == ["https://kubernetes.default.svc.cluster.local"]
    assert claims["iat"] == claims["nbf"] == int(START)
    assert claims["exp"] == int(START) + 7200
    assert claims["kubernetes.io"] == {
        "namespace": "shop",
        "serviceaccount": {"name": "robot", "uid": account["metadata"]["uid"]},
    }
    assert expires == "2027-01-15T10:00:00Z"


def test_tokens_expire_after_the_clock_skew_allowance(store: Store, authenticator: Authenticator, clock: Clock) -> None:
    add(store, "/serviceaccounts", "shop", "robot")
    token = create_token(authenticator, "shop", "robot", expirationSeconds=600)["status"]["token"]
    clock.now = START + 600 + 59
    assert authenticator.authenticate(bearer(token)) is not None
    clock.now = START + 600 + 61
    assert authenticator.authenticate(bearer(token)) is None


def test_tokens_die_with_their_service_account(store: Store, authenticator: Authenticator) -> None:
    add(store, "/serviceaccounts", "shop", "robot")
    token = create_token(authenticator, "shop", "robot")["status"]["token"]
    store.delete("/serviceaccounts", "shop", "robot")
    assert authenticator.authenticate(bearer(token)) is None
    add(store, "/serviceaccounts", "shop", "robot")  # same name, new uid
    assert authenticator.authenticate(bearer(token)) is None


def test_tampered_or_foreign_tokens_are_refused(store: Store, authenticator: Authenticator, clock: Clock) -> None:
    add(store, "/serviceaccounts", "shop", "robot")
    token = create_token(authenticator, "shop", "robot")["status"]["token"]
    header, _, signature = token.split(".")
    claims = claims_of(token)
    claims["sub"] = "system:serviceaccount:kube-system:admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert authenticator.authenticate(bearer(f"{header}.{forged}.{signature}")) is None
    other_cluster = Authenticator(ADMIN_TOKEN, b"another key", authenticator.store, clock)
    assert other_cluster.authenticate(bearer(token)) is None


def test_tokens_for_other_audiences_do_not_open_the_api(store: Store, authenticator: Authenticator) -> None:
    add(store, "/serviceaccounts", "shop", "robot")
    answer = create_token(authenticator, "shop", "robot", audiences=["vault"])
    assert answer["spec"]["audiences"] == ["vault"]
    assert claims_of(answer["status"]["token"])["aud"] == ["vault"]
    assert authenticator.authenticate(bearer(answer["status"]["token"])) is None


def test_token_requests_are_validated_as_the_server_does(store: Store, authenticator: Authenticator) -> None:
    add(store, "/serviceaccounts", "shop", "robot")
    with pytest.raises(ApiError) as short:
        create_token(authenticator, "shop", "robot", expirationSeconds=60)
    assert short.value.code == 422
    assert short.value.message == (
        'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: '
        "Invalid value: 60: may not specify a duration less than 10 minutes"
    )
    with pytest.raises(ApiError) as missing:
        create_token(authenticator, "shop", "ghost")
    assert (missing.value.code, missing.value.message) == (404, 'serviceaccounts "ghost" not found')
    with pytest.raises(ApiError) as renamed:
        authenticator.token_request("shop", "robot", {"metadata": {"name": "other"}, "spec": {}})
    assert renamed.value.message == (
        'TokenRequest.authentication.k8s.io "robot" is invalid: metadata.name: '
        'Invalid value: "other": must match the service account name if specified'
    )
    with pytest.raises(ApiError) as stale:
        authenticator.token_request("shop", "robot", {"metadata": {"uid": "old"}, "spec": {}})
    assert stale.value.code == 409
    assert stale.value.message.startswith(
        'Operation cannot be fulfilled on TokenRequest.authentication.k8s.io "robot": '
        "the UID in the token request (old) does not match"
    )


def test_a_pod_bound_token_lives_as_long_as_the_pod(store: Store, authenticator: Authenticator) -> None:
    add(store, "/serviceaccounts", "shop", "robot")
    node = add(store, "/nodes", "", "kuar-worker")
    pod = add(store, "/pods", "shop", "web", spec={"serviceAccountName": "robot", "nodeName": "kuar-worker"})
    answer = create_token(
        authenticator, "shop", "robot", boundObjectRef={"kind": "Pod", "apiVersion": "v1", "name": "web"}
    )
    private = claims_of(answer["status"]["token"])["kubernetes.io"]
    assert private["pod"] == {"name": "web", "uid": pod["metadata"]["uid"]}
    assert private["node"] == {"name": "kuar-worker", "uid": node["metadata"]["uid"]}
    robot = authenticator.authenticate(bearer(answer["status"]["token"]))
    assert robot is not None
    assert robot.extra["authentication.kubernetes.io/pod-name"] == ["web"]
    assert robot.extra["authentication.kubernetes.io/pod-uid"] == [pod["metadata"]["uid"]]
    assert robot.extra["authentication.kubernetes.io/node-name"] == ["kuar-worker"]
    store.delete("/pods", "shop", "web")
    assert authenticator.authenticate(bearer(answer["status"]["token"])) is None


def test_bound_objects_must_exist_and_fit(store: Store, authenticator: Authenticator) -> None:
    add(store, "/serviceaccounts", "shop", "robot")
    add(store, "/pods", "shop", "other", spec={"serviceAccountName": "default"})
    with pytest.raises(ApiError) as missing:
        create_token(authenticator, "shop", "robot", boundObjectRef={"kind": "Pod", "apiVersion": "v1", "name": "web"})
    assert (missing.value.code, missing.value.message) == (404, 'pods "web" not found')
    with pytest.raises(ApiError) as foreign:
        create_token(
            authenticator, "shop", "robot", boundObjectRef={"kind": "Pod", "apiVersion": "v1", "name": "other"}
        )
    assert foreign.value.code == 400
    assert foreign.value.message == (
        'cannot bind token for serviceaccount "robot" to pod running with different serviceaccount name.'
    )
    with pytest.raises(ApiError) as unsupported:
        create_token(
            authenticator, "shop", "robot", boundObjectRef={"kind": "ConfigMap", "apiVersion": "v1", "name": "x"}
        )
    assert unsupported.value.message == "cannot bind token to object of type /v1, Kind=ConfigMap"


def test_a_secret_bound_token_dies_with_the_secret(store: Store, authenticator: Authenticator) -> None:
    add(store, "/serviceaccounts", "shop", "robot")
    add(store, "/secrets", "shop", "anchor")
    reference = {"kind": "Secret", "apiVersion": "v1", "name": "anchor"}
    token = create_token(authenticator, "shop", "robot", boundObjectRef=reference)["status"]["token"]
    assert authenticator.authenticate(bearer(token)) is not None
    store.delete("/secrets", "shop", "anchor")
    assert authenticator.authenticate(bearer(token)) is None


def test_legacy_token_secrets_authenticate_while_they_exist(store: Store, authenticator: Authenticator) -> None:
    account = add(store, "/serviceaccounts", "shop", "robot")
    secret = {
        "metadata": {
            "name": "robot-token",
            "namespace": "shop",
            "annotations": {"kubernetes.io/service-account.name": "robot"},
        },
        "type": "kubernetes.io/service-account-token",
    }
    filled = authenticator.populate_token_secret(secret, b"-----BEGIN CERTIFICATE-----\n")
    assert filled is not None
    assert filled["metadata"]["annotations"]["kubernetes.io/service-account.uid"] == account["metadata"]["uid"]
    assert base64.b64decode(filled["data"]["namespace"]) == b"shop"
    assert set(filled["data"]) == {"ca.crt", "namespace", "token"}
    store.create("/secrets", "shop", "robot-token", filled)
    token = base64.b64decode(filled["data"]["token"]).decode()
    assert claims_of(token)["iss"] == "kubernetes/serviceaccount"
    robot = authenticator.authenticate(bearer(token))
    assert robot is not None and robot.name == "system:serviceaccount:shop:robot"
    assert authenticator.populate_token_secret(filled, b"") is None  # already has its token
    store.delete("/secrets", "shop", "robot-token")
    assert authenticator.authenticate(bearer(token)) is None


def test_a_legacy_token_must_match_the_secrets_copy(store: Store, authenticator: Authenticator) -> None:
    account = add(store, "/serviceaccounts", "shop", "robot")
    token = authenticator.legacy_token("shop", "robot-token", "robot", account["metadata"]["uid"])
    other = base64.b64encode(b"something else").decode()
    store.create(
        "/secrets",
        "shop",
        "robot-token",
        {
            "metadata": {"name": "robot-token", "namespace": "shop"},
            "type": "kubernetes.io/service-account-token",
            "data": {"token": other},
        },
    )
    assert authenticator.authenticate(bearer(token)) is None


def test_the_signing_key_is_kept_across_restarts(tmp_path: Path) -> None:
    first = signing_key_at(tmp_path / "sa.key")
    assert len(first) == 32 and signing_key_at(tmp_path / "sa.key") == first


def test_service_account_usernames_split_only_when_well_formed() -> None:
    assert split_service_account_username("system:serviceaccount:shop:robot") == ("shop", "robot")
    assert split_service_account_username("system:serviceaccount:shop") is None
    assert split_service_account_username("system:serviceaccount:Shop:robot") is None
    assert split_service_account_username("alice") is None


# -- impersonation -------------------------------------------------------------------------------------


def acting(authenticator: Authenticator, who: UserInfo, **headers: str) -> UserInfo:
    named = {key.replace("_", "-"): value for key, value in headers.items()}
    return impersonate(who, named, Authorizer(authenticator.store).authorize)


def test_without_impersonation_headers_the_user_stays(authenticator: Authenticator) -> None:
    assert acting(authenticator, ADMIN) is ADMIN


def test_the_admin_may_act_as_a_user(authenticator: Authenticator) -> None:
    bob = acting(authenticator, ADMIN, impersonate_user="bob")
    assert bob == UserInfo("bob", ("system:authenticated",))


def test_impersonated_groups_replace_the_defaults(authenticator: Authenticator) -> None:
    bob = acting(authenticator, ADMIN, impersonate_user="bob", impersonate_group="devs,ops")
    assert bob.groups == ("devs", "ops", "system:authenticated")
    unauthenticated = acting(authenticator, ADMIN, impersonate_user="bob", impersonate_group="system:unauthenticated")
    assert unauthenticated.groups == ("system:unauthenticated",)
    anonymous = acting(authenticator, ADMIN, impersonate_user="system:anonymous")
    assert anonymous.groups == ("system:unauthenticated",)


def test_an_impersonated_service_account_gets_its_groups(authenticator: Authenticator) -> None:
    robot = acting(authenticator, ADMIN, impersonate_user="system:serviceaccount:shop:robot")
    assert robot.groups == ("system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated")


def test_extras_and_uid_are_impersonated_too(authenticator: Authenticator) -> None:
    bob = acting(
        authenticator,
        ADMIN,
        impersonate_user="bob",
        impersonate_uid="1234",
        impersonate_extra_scopes="view,development",
        **{"impersonate-extra-example.com%2fteam": "web"},
    )
    assert bob.uid == "1234"
    assert bob.extra == {"scopes": ["view", "development"], "example.com/team": ["web"]}


def test_impersonation_needs_the_impersonate_verb(store: Store, authenticator: Authenticator) -> None:
    eve = UserInfo("eve", ("system:authenticated",))
    with pytest.raises(ApiError) as refused:
        acting(authenticator, eve, impersonate_user="bob")
    assert refused.value.code == 403
    assert refused.value.message == (
        'users "bob" is forbidden: User "eve" cannot impersonate resource "users" in API group "" at the cluster scope'
    )
    with pytest.raises(ApiError) as account:
        acting(authenticator, eve, impersonate_user="system:serviceaccount:shop:robot")
    assert account.value.message == (
        'serviceaccounts "robot" is forbidden: User "eve" cannot impersonate resource "serviceaccounts" '
        'in API group "" in the namespace "shop"'
    )


def test_each_impersonated_part_is_authorized(store: Store, authenticator: Authenticator) -> None:
    users_only = {
        "apiVersion": f"{RBAC}/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "impersonate-users"},
        "rules": [{"verbs": ["impersonate"], "apiGroups": [""], "resources": ["users"]}],
    }
    store.create(CLUSTER_ROLES, "", "impersonate-users", users_only)
    binding = {
        "apiVersion": f"{RBAC}/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": "eve-impersonates"},
        "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": "impersonate-users"},
        "subjects": [{"apiGroup": RBAC, "kind": "User", "name": "eve"}],
    }
    store.create(CLUSTER_ROLE_BINDINGS, "", "eve-impersonates", binding)
    eve = UserInfo("eve", ("system:authenticated",))
    assert acting(authenticator, eve, impersonate_user="bob").name == "bob"
    with pytest.raises(ApiError) as groups:
        acting(authenticator, eve, impersonate_user="bob", impersonate_group="admins")
    assert groups.value.message.startswith(
        'groups "admins" is forbidden: User "eve" cannot impersonate resource "groups"'
    )
    with pytest.raises(ApiError) as uid:
        acting(authenticator, eve, impersonate_user="bob", impersonate_uid="1")
    assert uid.value.message == (
        'uids.authentication.k8s.io "1" is forbidden: User "eve" cannot impersonate resource "uids" '
        'in API group "authentication.k8s.io" at the cluster scope'
    )


def test_edit_may_impersonate_service_accounts_of_its_namespace(store: Store, authenticator: Authenticator) -> None:
    binding = {
        "apiVersion": f"{RBAC}/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "eddie-edit", "namespace": "shop"},
        "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": "edit"},
        "subjects": [{"apiGroup": RBAC, "kind": "User", "name": "eddie"}],
    }
    store.create(ROLE_BINDINGS, "shop", "eddie-edit", binding)
    eddie = UserInfo("eddie", ("system:authenticated",))
    assert acting(authenticator, eddie, impersonate_user="system:serviceaccount:shop:robot").name.endswith("robot")
    with pytest.raises(ApiError):
        acting(authenticator, eddie, impersonate_user="system:serviceaccount:default:robot")


def test_system_masters_may_impersonate_without_bindings() -> None:
    empty = Store(None)
    root = UserInfo("root", ("system:masters", "system:authenticated"))
    assert impersonate(root, {"impersonate-user": "bob"}, Authorizer(empty).authorize).name == "bob"
    empty.close()


def test_groups_without_a_user_are_an_error(authenticator: Authenticator) -> None:
    with pytest.raises(ApiError) as error:
        acting(authenticator, ADMIN, impersonate_group="devs")
    assert error.value.code == 500
    assert "without impersonating a user" in error.value.message


# -- whoami --------------------------------------------------------------------------------------------


def test_self_subject_review_reports_the_user() -> None:
    review = self_subject_review(UserInfo("system:serviceaccount:shop:robot", ("system:authenticated",), "u-1"))
    assert review["kind"] == "SelfSubjectReview" and review["apiVersion"] == "authentication.k8s.io/v1"
    assert review["metadata"]["creationTimestamp"].endswith("Z")
    assert review["status"] == {
        "userInfo": {"username": "system:serviceaccount:shop:robot", "uid": "u-1", "groups": ["system:authenticated"]}
    }
    assert self_subject_review(ADMIN)["status"]["userInfo"] == {
        "username": "kubernetes-admin",
        "groups": ["kubeadm:cluster-admins", "system:authenticated"],
    }

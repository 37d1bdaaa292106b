"""Who is asking: the admin token, service-account tokens, anonymous requests, and impersonation.

Service-account tokens are JWTs shaped like the real ones (same claims, issuer and audience) but signed with
HS256 and the cluster's own key instead of RS256. A token stays valid only while its service account (and
the pod, secret or node it is bound to) still exists with the same uid, as on a real server. A request
without credentials is the anonymous user; a bearer token that does not check out is refused (401).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import json
import re
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from kubesim.api.errors import ApiError, bad_request, invalid, not_found
from kubesim.api.rbac import (
    AUTHENTICATED,
    KUBEADM_CLUSTER_ADMINS,
    SERVICE_ACCOUNT_PREFIX,
    UNAUTHENTICATED,
    Attributes,
    forbidden_error,
)
from kubesim.store.store import Store

ISSUER = "https://kubernetes.default.svc.cluster.local"
API_AUDIENCES = (ISSUER,)  # kubeadm's --service-account-issuer, which the API audiences default to
LEGACY_ISSUER = "kubernetes/serviceaccount"
LEGACY_TOKEN_TYPE = "kubernetes.io/service-account-token"
ANONYMOUS_NAME = "system:anonymous"
DEFAULT_EXPIRATION_SECONDS = 3600
MIN_EXPIRATION_SECONDS = 600
MAX_EXPIRATION_SECONDS = 1 << 32
LEEWAY_SECONDS = 60  # the JWT library's allowance for clock skew on exp and nbf

CREDENTIAL_ID = "authentication.kubernetes.io/credential-id"
POD_NAME, POD_UID = "authentication.kubernetes.io/pod-name", "authentication.kubernetes.io/pod-uid"
NODE_NAME, NODE_UID = "authentication.kubernetes.io/node-name", "authentication.kubernetes.io/node-uid"

_SERVICE_ACCOUNT_NAME_ANNOTATION = "kubernetes.io/service-account.name"
_SERVICE_ACCOUNT_UID_ANNOTATION = "kubernetes.io/service-account.uid"
_LEGACY_CLAIM = "kubernetes.io/serviceaccount/"
_INVALID_SINCE_LABEL = "kubernetes.io/legacy-token-invalid-since"
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_BOUND_KINDS = {"Pod": "/pods", "Secret": "/secrets", "Node": "/nodes"}


@dataclass(frozen=True)
class UserInfo:
    name: str
    groups: tuple[str, ...] = ()
    uid: str = ""
    extra: dict[str, list[str]] = field(default_factory=dict)

    def to_api(self) -> dict[str, Any]:
        """authentication.k8s.io/v1 UserInfo: empty fields are left out, as the server encodes them."""
        info: dict[str, Any] = {"username": self.name}
        if self.uid:
            info["uid"] = self.uid
        if self.groups:
            info["groups"] = list(self.groups)
        if self.extra:
            info["extra"] = {key: list(values) for key, values in self.extra.items()}
        return info


# The user in kind's admin kubeconfig: kubeadm's admin.conf since v1.29 (system:masters is super-admin.conf's).
ADMIN = UserInfo("kubernetes-admin", (KUBEADM_CLUSTER_ADMINS, AUTHENTICATED))
ANONYMOUS = UserInfo(ANONYMOUS_NAME, (UNAUTHENTICATED,))


def service_account_username(namespace: str, name: str) -> str:
    return f"{SERVICE_ACCOUNT_PREFIX}{namespace}:{name}"


def service_account_groups(namespace: str) -> tuple[str, ...]:
    return ("system:serviceaccounts", f"system:serviceaccounts:{namespace}")


def split_service_account_username(username: str) -> tuple[str, str] | None:
    """(namespace, name) when the username is a service account's, None otherwise."""
    if not username.startswith(SERVICE_ACCOUNT_PREFIX):
        return None
    parts = username[len(SERVICE_ACCOUNT_PREFIX) :].split(":")
    if len(parts) != 2:
        return None
    namespace, name = parts
    if len(namespace) > 63 or not _DNS_LABEL.match(namespace):
        return None
    if len(name) > 253 or not _DNS_SUBDOMAIN.match(name):
        return None
    return namespace, name


def signing_key_at(path: Path) -> bytes:
    """The cluster's token signing key, created on first use and kept so tokens survive a restart."""
    if path.exists():
        return path.read_bytes()
    key = secrets.token_bytes(32)
    path.touch(mode=0o600)
    path.write_bytes(key)
    return key


class InvalidToken(Exception):
    """A bearer token that is not (or no longer) valid; the request is answered 401."""


class Authenticator:
    def __init__(
        self, admin_token: str, signing_key: bytes, store: Store, clock: Callable[[], float] = time.time
    ) -> None:
        self.admin_token, self.signing_key, self.store, self.clock = admin_token, signing_key, store, clock

    # -- authentication --------------------------------------------------------------------------------

    def authenticate(self, headers: Mapping[str, str]) -> UserInfo | None:
        """The requesting user; ANONYMOUS when the request carries no bearer token; None (401) when the token
        is not valid. Header names are lower-case."""
        header = headers.get("authorization", "").strip()
        parts = header.split(" ", 2)
        if len(parts) < 2 or parts[0].lower() != "bearer" or not parts[1]:
            return ANONYMOUS
        token = parts[1]
        if hmac.compare_digest(token.encode(), self.admin_token.encode()):
            return ADMIN
        try:
            return self.verify_token(token)
        except InvalidToken:
            return None

    def verify_token(self, token: str) -> UserInfo:
        """The service account a token we issued stands for; raises InvalidToken."""
        claims = self._verified_claims(token)
        if claims.get("iss") == ISSUER:
            return self._bound_token_user(claims)
        if claims.get("iss") == LEGACY_ISSUER:
            return self._legacy_token_user(claims, token)
        raise InvalidToken("unknown issuer")

    def _verified_claims(self, token: str) -> dict[str, Any]:
        pieces = token.split(".")
        if len(pieces) != 3:
            raise InvalidToken("not a JWT")
        try:
            header = json.loads(_b64decode(pieces[0]))
            claims = json.loads(_b64decode(pieces[1]))
            signature = _b64decode(pieces[2])
        except (binascii.Error, ValueError) as error:
            raise InvalidToken("malformed JWT") from error
        if not isinstance(header, dict) or header.get("alg") != "HS256" or not isinstance(claims, dict):
            raise InvalidToken("unexpected JWT")
        if not hmac.compare_digest(signature, self._signature(f"{pieces[0]}.{pieces[1]}")):
            raise InvalidToken("bad signature")
        return claims

    def _bound_token_user(self, claims: Mapping[str, Any]) -> UserInfo:
        moment = self.clock()
        if not isinstance(claims.get("exp"), int) or moment > claims["exp"] + LEEWAY_SECONDS:
            raise InvalidToken("service account token has expired")
        if isinstance(claims.get("nbf"), int) and moment < claims["nbf"] - LEEWAY_SECONDS:
            raise InvalidToken("service account token is not valid yet")
        if not set(claims.get("aud") or []) & set(API_AUDIENCES):
            raise InvalidToken("token audiences is invalid for the target audiences")
        private = claims.get("kubernetes.io") or {}
        namespace = private.get("namespace", "")
        account = private.get("serviceaccount") or {}
        uid = self._existing_uid("/serviceaccounts", namespace, account.get("name", ""))
        if uid != account.get("uid"):
            raise InvalidToken("service account has been deleted or recreated")
        extra: dict[str, list[str]] = {}
        pod, secret, node = private.get("pod"), private.get("secret"), private.get("node")
        if pod:
            self._require_bound("/pods", namespace, pod)
            extra[POD_NAME], extra[POD_UID] = [pod["name"]], [pod["uid"]]
        if secret:
            self._require_bound("/secrets", namespace, secret)
        if node:
            if not pod:  # a pod-bound token only records the pod's node; a node-bound one needs the node
                self._require_bound("/nodes", "", node)
            extra[NODE_NAME] = [node["name"]]
            if node.get("uid"):
                extra[NODE_UID] = [node["uid"]]
        if claims.get("jti"):
            extra[CREDENTIAL_ID] = [f"JTI={claims['jti']}"]
        return _service_account_user(namespace, account["name"], uid, extra)

    def _legacy_token_user(self, claims: Mapping[str, Any], token: str) -> UserInfo:
        namespace = claims.get(_LEGACY_CLAIM + "namespace", "")
        secret = self.store.get("/secrets", namespace, claims.get(_LEGACY_CLAIM + "secret.name", ""))
        if secret is None or (secret.get("metadata") or {}).get("deletionTimestamp"):
            raise InvalidToken("Token has been invalidated")
        if _INVALID_SINCE_LABEL in ((secret.get("metadata") or {}).get("labels") or {}):
            raise InvalidToken("Token has been invalidated")
        stored = (secret.get("data") or {}).get("token", "")
        if not hmac.compare_digest(_decoded_data(stored), token.encode()):
            raise InvalidToken("Token does not match server's copy")
        name = claims.get(_LEGACY_CLAIM + "service-account.name", "")
        uid = self._existing_uid("/serviceaccounts", namespace, name)
        if uid != claims.get(_LEGACY_CLAIM + "service-account.uid"):
            raise InvalidToken("service account has been deleted or recreated")
        return _service_account_user(namespace, name, uid, {})

    def _existing_uid(self, resource: str, namespace: str, name: str) -> str:
        obj = self.store.get(resource, namespace, name)
        if obj is None or (obj.get("metadata") or {}).get("deletionTimestamp"):
            raise InvalidToken(f"{resource[1:]} {namespace}/{name} has been deleted")
        return str((obj.get("metadata") or {}).get("uid", ""))

    def _require_bound(self, resource: str, namespace: str, reference: Mapping[str, Any]) -> None:
        if self._existing_uid(resource, namespace, reference.get("name", "")) != reference.get("uid"):
            raise InvalidToken(f"the {resource[1:]} a token was bound to has been recreated")

    # -- issuing ---------------------------------------------------------------------------------------

    def issue_token(
        self,
        namespace: str,
        service_account: str,
        uid: str,
        audiences: list[str] | None = None,
        expiration_seconds: int = DEFAULT_EXPIRATION_SECONDS,
        bound: Mapping[str, Mapping[str, str]] | None = None,
    ) -> tuple[str, str]:
        """(token, expirationTimestamp) for a service account; `bound` maps "pod"/"secret"/"node" to
        {"name", "uid"} of the objects the token is bound to."""
        issued = int(self.clock())
        expires = issued + expiration_seconds
        private: dict[str, Any] = {"namespace": namespace, "serviceaccount": {"name": service_account, "uid": uid}}
        for kind, reference in (bound or {}).items():
            private[kind] = {key: value for key, value in reference.items() if value}
        claims = {
            "aud": list(audiences or API_AUDIENCES),
            "exp": expires,
            "iat": issued,
            "iss": ISSUER,
            "jti": str(uuid.uuid4()),
            "kubernetes.io": private,
            "nbf": issued,
            "sub": service_account_username(namespace, service_account),
        }
        return self._sign(claims), _timestamp(expires)

    def legacy_token(self, namespace: str, secret_name: str, service_account: str, uid: str) -> str:
        """The never-expiring token the token controller writes into a service-account-token Secret."""
        claims = {
            "iss": LEGACY_ISSUER,
            _LEGACY_CLAIM + "namespace": namespace,
            _LEGACY_CLAIM + "secret.name": secret_name,
            _LEGACY_CLAIM + "service-account.name": service_account,
            _LEGACY_CLAIM + "service-account.uid": uid,
            "sub": service_account_username(namespace, service_account),
        }
        return self._sign(claims)

    def populate_token_secret(self, secret: Mapping[str, Any], ca_pem: bytes) -> dict[str, Any] | None:
        """What the token controller makes of a new kubernetes.io/service-account-token Secret: the secret
        with its service account's uid annotation and data token, ca.crt and namespace; None when there is
        nothing to do (another type, a token already there, or no such service account)."""
        metadata = secret.get("metadata") or {}
        annotations = metadata.get("annotations") or {}
        if secret.get("type") != LEGACY_TOKEN_TYPE or (secret.get("data") or {}).get("token"):
            return None
        namespace, name = metadata.get("namespace", ""), annotations.get(_SERVICE_ACCOUNT_NAME_ANNOTATION, "")
        account = self.store.get("/serviceaccounts", namespace, name)
        if account is None:
            return None
        uid = str(account["metadata"].get("uid", ""))
        token = self.legacy_token(namespace, metadata.get("name", ""), name, uid)
        data = {
            **(secret.get("data") or {}),
            "ca.crt": _b64encode(ca_pem),
            "namespace": _b64encode(namespace.encode()),
            "token": _b64encode(token.encode()),
        }
        new_annotations = {**annotations, _SERVICE_ACCOUNT_UID_ANNOTATION: uid}
        return {**secret, "metadata": {**metadata, "annotations": new_annotations}, "data": data}

    def token_request(self, namespace: str, name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """The answer to POST .../serviceaccounts/NAME/token (`kubectl create token`): the TokenRequest with
        its spec defaulted and its status holding the token; raises ApiError as the server does."""
        metadata = dict(body.get("metadata") or {})
        _require_matching("name", metadata.get("name"), name, name)
        _require_matching("namespace", metadata.get("namespace"), namespace, name)
        account = self.store.get("/serviceaccounts", namespace, name)
        if account is None:
            raise not_found("serviceaccounts", name)
        account_uid = str(account["metadata"].get("uid", ""))
        if metadata.get("uid") and metadata["uid"] != account_uid:
            detail = (
                f"the UID in the token request ({metadata['uid']}) "
                f"does not match the UID of the service account ({account_uid})"
            )
            raise _conflict("TokenRequest", "authentication.k8s.io", name, detail)
        spec = dict(body.get("spec") or {})
        spec["audiences"] = list(spec.get("audiences") or API_AUDIENCES)
        spec["expirationSeconds"] = _expiration(spec.get("expirationSeconds"))
        bound = self._bound_objects(namespace, name, spec.get("boundObjectRef"))
        issued = self.clock()
        token, expires = self.issue_token(
            namespace, name, account_uid, spec["audiences"], spec["expirationSeconds"], bound
        )
        metadata.update(name=name, namespace=namespace, creationTimestamp=_timestamp(int(issued)))
        return {
            "kind": "TokenRequest",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": metadata,
            "spec": spec,
            "status": {"token": token, "expirationTimestamp": expires},
        }

    def _bound_objects(
        self, namespace: str, account: str, reference: Mapping[str, Any] | None
    ) -> dict[str, dict[str, str]]:
        if not reference:
            return {}
        kind, name = reference.get("kind", ""), reference.get("name", "")
        api_version = reference.get("apiVersion", "")
        group = api_version.split("/")[0] if "/" in api_version else ""
        if group or kind not in _BOUND_KINDS:
            version = api_version.split("/")[-1] if api_version else ""
            raise bad_request(f"cannot bind token to object of type {group}/{version}, Kind={kind}")
        resource = _BOUND_KINDS[kind]
        obj = self.store.get(resource, "" if kind == "Node" else namespace, name)
        if obj is None:
            raise not_found(resource[1:], name)
        uid = str(obj["metadata"].get("uid", ""))
        if reference.get("uid") and reference["uid"] != uid:
            detail = (
                f"the UID in the bound object reference ({reference['uid']}) does not match the UID in record. "
                "The object might have been deleted and then recreated"
            )
            raise _conflict(kind, "", name, detail)
        bound = {kind.lower(): {"name": name, "uid": uid}}
        if kind == "Pod":
            if (obj.get("spec") or {}).get("serviceAccountName", "default") != account:
                raise bad_request(
                    f'cannot bind token for serviceaccount "{account}" '
                    "to pod running with different serviceaccount name."
                )
            node_name = (obj.get("spec") or {}).get("nodeName")
            if node_name:
                node = self.store.get("/nodes", "", node_name)
                bound["node"] = {"name": node_name, "uid": str(node["metadata"].get("uid", "")) if node else ""}
        return bound

    # -- JWT plumbing ----------------------------------------------------------------------------------

    def _sign(self, claims: Mapping[str, Any]) -> str:
        header = {"alg": "HS256", "kid": hashlib.sha256(self.signing_key).hexdigest()[:43]}
        signing_input = f"{_b64url(_compact(header))}.{_b64url(_compact(claims))}"
        return f"{signing_input}.{_b64url(self._signature(signing_input))}"

    def _signature(self, signing_input: str) -> bytes:
        return hmac.new(self.signing_key, signing_input.encode(), hashlib.sha256).digest()


def _service_account_user(namespace: str, name: str, uid: str, extra: dict[str, list[str]]) -> UserInfo:
    groups = (*service_account_groups(namespace), AUTHENTICATED)
    return UserInfo(service_account_username(namespace, name), groups, uid, extra)


def _require_matching(field_name: str, given: str | None, expected: str, account: str) -> None:
    if given and given != expected:
        raise invalid(
            "TokenRequest",
            account,
            "authentication.k8s.io",
            [
                (
                    f"metadata.{field_name}",
                    "FieldValueInvalid",
                    f'Invalid value: "{given}": must match the service account {field_name} if specified',
                )
            ],
        )


def _expiration(requested: Any) -> int:
    seconds = DEFAULT_EXPIRATION_SECONDS if requested is None else requested
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        raise bad_request("spec.expirationSeconds must be an integer")
    message = None
    if seconds < MIN_EXPIRATION_SECONDS:
        message = "may not specify a duration less than 10 minutes"
    elif seconds > MAX_EXPIRATION_SECONDS:
        message = "may not specify a duration larger than 2^32 seconds"
    if message:
        cause = ("spec.expirationSeconds", "FieldValueInvalid", f"Invalid value: {seconds}: {message}")
        raise invalid("TokenRequest", "", "authentication.k8s.io", [cause])
    return seconds


def _conflict(resource: str, group: str, name: str, detail: str) -> ApiError:
    what = f"{resource}.{group}" if group else resource
    details: dict[str, Any] = {"name": name, "kind": resource}
    if group:
        details["group"] = group
    return ApiError(409, "Conflict", f'Operation cannot be fulfilled on {what} "{name}": {detail}', details)


# -- impersonation -----------------------------------------------------------------------------------

Authorize = Callable[[UserInfo, Attributes], tuple[bool, str]]


@dataclass(frozen=True)
class _Impersonation:
    """One thing a request asks to act as, with the permission that takes."""

    attributes: Attributes
    kind: str
    value: str
    extra_key: str = ""


def impersonate(user: UserInfo, headers: Mapping[str, str], authorize: Authorize) -> UserInfo:
    """The user a request acts as: `user` itself, or the one its Impersonate-* headers name once `user` may
    impersonate each part (ApiError 403 otherwise). Header names are lower-case; repeated headers arrive
    comma-joined."""
    requested = _impersonations(headers)
    if not requested:
        return user
    for item in requested:
        allowed, reason = authorize(user, item.attributes)
        if not allowed:
            raise forbidden_error(user.name, item.attributes, reason)
    return _impersonated_user(requested, "impersonate-group" in headers)


def _impersonations(headers: Mapping[str, str]) -> list[_Impersonation]:
    requested: list[_Impersonation] = []
    username = headers.get("impersonate-user", "")
    if username:
        account = split_service_account_username(username)
        if account is not None:
            attributes = Attributes("impersonate", "", "serviceaccounts", namespace=account[0], name=account[1])
            requested.append(_Impersonation(attributes, "ServiceAccount", username))
        else:
            requested.append(_Impersonation(Attributes("impersonate", "", "users", name=username), "User", username))
    if "impersonate-group" in headers:
        for group in headers["impersonate-group"].split(","):
            attributes = Attributes("impersonate", "", "groups", name=group.strip())
            requested.append(_Impersonation(attributes, "Group", group.strip()))
    for header, values in sorted(headers.items()):
        if header.startswith("impersonate-extra-"):
            key = _unescape_extra_key(header[len("impersonate-extra-") :])
            for value in values.split(","):
                attributes = Attributes("impersonate", "authentication.k8s.io", "userextras", key, name=value.strip())
                requested.append(_Impersonation(attributes, "UserExtra", value.strip(), key))
    uid = headers.get("impersonate-uid", "")
    if uid:
        requested.append(
            _Impersonation(Attributes("impersonate", "authentication.k8s.io", "uids", name=uid), "UID", uid)
        )
    if requested and not username:
        listed = " ".join(f"{{{item.kind}  {item.value}    }}" for item in requested)
        raise ApiError(
            500, "InternalError", f"Internal error occurred: requested [{listed}] without impersonating a user"
        )
    return requested


def _impersonated_user(requested: list[_Impersonation], groups_given: bool) -> UserInfo:
    username, uid = "", ""
    groups: list[str] = []
    extra: dict[str, list[str]] = {}
    for item in requested:
        if item.kind == "ServiceAccount":
            username = item.value
            if not groups_given:
                groups = list(service_account_groups(item.attributes.namespace))
        elif item.kind == "User":
            username = item.value
        elif item.kind == "Group":
            groups.append(item.value)
        elif item.kind == "UserExtra":
            extra.setdefault(item.extra_key, []).append(item.value)
        else:
            uid = item.value
    if username != ANONYMOUS_NAME:
        if AUTHENTICATED not in groups and UNAUTHENTICATED not in groups:
            groups.append(AUTHENTICATED)
    elif UNAUTHENTICATED not in groups:
        groups.append(UNAUTHENTICATED)
    return UserInfo(username, tuple(groups), uid, extra)


def _unescape_extra_key(key: str) -> str:
    """Extra keys travel percent-encoded in header names (which cannot carry every character)."""
    try:
        return unquote(key, errors="strict")
    except UnicodeDecodeError:
        return key


# -- reviews -----------------------------------------------------------------------------------------


def self_subject_review(user: UserInfo) -> dict[str, Any]:
    """The answer to POST /apis/authentication.k8s.io/v1/selfsubjectreviews (`kubectl auth whoami`)."""
    return {
        "kind": "SelfSubjectReview",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": {"creationTimestamp": _timestamp(int(time.time()))},
        "status": {"userInfo": user.to_api()},
    }


# -- encoding ----------------------------------------------------------------------------------------


def _compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _decoded_data(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return b""


def _timestamp(seconds: int) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

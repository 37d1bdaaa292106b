"""RBAC authorization as the real API server decides it, the reviews that expose it, and the default roles.

A request is first turned into attributes (verb, API group, resource, subresource, namespace, name, or a
non-resource path) the way the server's request-info parser does; the authorizer then allows it when the
user is in ``system:masters`` or when any rule reached through a ClusterRoleBinding (anywhere) or a
RoleBinding (in its namespace) matches. RBAC never denies explicitly: a request no rule allows gets "no
opinion", which the server answers with 403. Aggregated ClusterRoles are resolved on the fly from their
selectors, so the result is the one the aggregation controller converges to.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from kubesim.api.errors import ApiError, bad_request, forbidden, forbidden_path, invalid
from kubesim.api.goformat import go_quote
from kubesim.api.meta import now
from kubesim.api.selectors import SelectorError, label_selector_from_object
from kubesim.store.store import Store

RBAC_GROUP = "rbac.authorization.k8s.io"
AUTHORIZATION_GROUP = "authorization.k8s.io"
SYSTEM_MASTERS = "system:masters"
AUTHENTICATED = "system:authenticated"
UNAUTHENTICATED = "system:unauthenticated"
# kind's admin kubeconfig (kubeadm admin.conf) belongs to this group, bound to cluster-admin by kubeadm.
KUBEADM_CLUSTER_ADMINS = "kubeadm:cluster-admins"

ROLES = f"{RBAC_GROUP}/roles"
ROLE_BINDINGS = f"{RBAC_GROUP}/rolebindings"
CLUSTER_ROLES = f"{RBAC_GROUP}/clusterroles"
CLUSTER_ROLE_BINDINGS = f"{RBAC_GROUP}/clusterrolebindings"

SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"
# The review kinds this module answers, by plural (all in authorization.k8s.io/v1).
REVIEW_KINDS = {
    "selfsubjectaccessreviews": "SelfSubjectAccessReview",
    "subjectaccessreviews": "SubjectAccessReview",
    "localsubjectaccessreviews": "LocalSubjectAccessReview",
    "selfsubjectrulesreviews": "SelfSubjectRulesReview",
}

_API_PREFIXES = ("api", "apis")
_SPECIAL_VERBS = ("proxy", "watch")
_NAMESPACE_SUBRESOURCES = ("status", "finalize")
_STREAMING_SUBRESOURCES = frozenset(("exec", "attach", "portforward"))
_VERBS_BY_METHOD = {
    "POST": "create",
    "GET": "get",
    "HEAD": "get",
    "PUT": "update",
    "PATCH": "patch",
    "DELETE": "delete",
}


class Subject(Protocol):
    """Who is asking: the authenticator's UserInfo, or the user a SubjectAccessReview describes."""

    @property
    def name(self) -> str: ...

    @property
    def groups(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class ReviewedUser:
    """The user a SubjectAccessReview asks about, exactly as its spec states it (no groups added)."""

    name: str
    groups: tuple[str, ...] = ()
    uid: str = ""
    extra: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Attributes:
    """What a request asks to do; a non-resource request carries only a verb and a path."""

    verb: str
    api_group: str = ""
    resource: str = ""
    subresource: str = ""
    namespace: str = ""
    name: str = ""
    path: str = ""
    resource_request: bool = True
    api_version: str = ""

    @classmethod
    def non_resource(cls, verb: str, path: str) -> Attributes:
        return cls(verb=verb, path=path, resource_request=False)

    @property
    def combined_resource(self) -> str:
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource


# -- attributes of an HTTP request ---------------------------------------------------------------------


def request_attributes(method: str, path: str, query: Mapping[str, Sequence[str]]) -> Attributes:
    """The attributes the server's request-info parser derives from a method, a URL path and its query."""
    non_resource = Attributes.non_resource(method.lower(), path)
    trimmed = path.strip("/")
    parts = trimmed.split("/") if trimmed else []
    if len(parts) < 3 or parts[0] not in _API_PREFIXES:
        return non_resource
    prefix, parts = parts[0], parts[1:]
    group = ""
    if prefix == "apis":
        if len(parts) < 3:
            return non_resource
        group, parts = parts[0], parts[1:]
    version, parts = parts[0], parts[1:]
    if parts[0] in _SPECIAL_VERBS:
        if len(parts) < 2:
            return Attributes(verb=parts[0], api_group=group, api_version=version, path=path)
        verb, parts = parts[0], parts[1:]
    else:
        verb = _VERBS_BY_METHOD.get(method.upper(), "")
    namespace = ""
    if parts[0] == "namespaces" and len(parts) > 1:
        namespace = parts[1]
        if len(parts) > 2 and parts[2] not in _NAMESPACE_SUBRESOURCES:
            parts = parts[2:]
    resource = parts[0]
    name = parts[1] if len(parts) >= 2 else ""
    subresource = parts[2] if len(parts) >= 3 and verb != "proxy" else ""
    if not name and verb == "get":
        verb = "watch" if _watch_requested(query) else "list"
        name = _name_from_field_selector(query)
    if not name and verb == "delete":
        verb = "deletecollection"
    if verb == "get" and resource == "pods" and subresource in _STREAMING_SUBRESOURCES:
        verb = "create"  # a WebSocket upgrade is a GET, but it acts in the pod: the API server asks for create
    return Attributes(verb, group, resource, subresource, namespace, name, path, True, version)


def _watch_requested(query: Mapping[str, Sequence[str]]) -> bool:
    values = query.get("watch") or []
    return bool(values) and values[0] != "0" and values[0].lower() != "false"


def _name_from_field_selector(query: Mapping[str, Sequence[str]]) -> str:
    """A list or watch that selects `metadata.name=X` is authorized as a request for the object X."""
    values = query.get("fieldSelector") or []
    if not values:
        return ""
    for term in _split_unescaped(values[0], ","):
        parsed = _split_field_term(term)
        if parsed is None:
            return ""
        field_name, operator, value = parsed
        if field_name == "metadata.name" and operator in ("=", "=="):
            return value if _valid_path_segment(value) else ""
    return ""


def _split_unescaped(text: str, separator: str) -> list[str]:
    pieces, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return [piece for piece in pieces if piece]


def _split_field_term(term: str) -> tuple[str, str, str] | None:
    for index in range(len(term)):
        for operator in ("!=", "==", "="):
            if term.startswith(operator, index):
                value = term[index + len(operator) :]
                return term[:index].strip(), operator, _unescape_field_value(value)
    return None


def _unescape_field_value(value: str) -> str:
    out, escaped = [], False
    for char in value:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append(char)
    return "".join(out)


def _valid_path_segment(name: str) -> bool:
    return name not in (".", "..") and "/" not in name and "%" not in name


# -- rule matching -----------------------------------------------------------------------------------


def rule_allows(attributes: Attributes, rule: Mapping[str, Any]) -> bool:
    """Whether one PolicyRule covers the attributes (RBAC's RuleAllows)."""
    if not _verb_matches(rule, attributes.verb):
        return False
    if not attributes.resource_request:
        return _non_resource_url_matches(rule, attributes.path)
    return (
        _group_matches(rule, attributes.api_group)
        and _resource_matches(rule, attributes.combined_resource, attributes.subresource)
        and _resource_name_matches(rule, attributes.name)
    )


def _verb_matches(rule: Mapping[str, Any], verb: str) -> bool:
    return any(candidate in ("*", verb) for candidate in rule.get("verbs") or [])


def _group_matches(rule: Mapping[str, Any], group: str) -> bool:
    return any(candidate in ("*", group) for candidate in rule.get("apiGroups") or [])


def _resource_matches(rule: Mapping[str, Any], combined: str, subresource: str) -> bool:
    for candidate in rule.get("resources") or []:
        if candidate in ("*", combined):
            return True
        if subresource and candidate == f"*/{subresource}":
            return True
    return False


def _resource_name_matches(rule: Mapping[str, Any], name: str) -> bool:
    names = rule.get("resourceNames") or []
    return not names or name in names


def _non_resource_url_matches(rule: Mapping[str, Any], path: str) -> bool:
    for candidate in rule.get("nonResourceURLs") or []:
        if candidate in ("*", path):
            return True
        if candidate.endswith("*") and path.startswith(candidate.rstrip("*")):
            return True
    return False


# -- the authorizer ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Grant:
    """A rule reached through a binding, and the binding subject that matched (for the allow reason)."""

    rule: Mapping[str, Any]
    binding: Mapping[str, Any]
    subject: Mapping[str, Any]
    namespace: str  # the RoleBinding's; "" for a ClusterRoleBinding

    def describe(self) -> str:
        name = str((self.binding.get("metadata") or {}).get("name", ""))
        role_ref = self.binding.get("roleRef") or {}
        kind, shown = ("RoleBinding", f"{name}/{self.namespace}") if self.namespace else ("ClusterRoleBinding", name)
        return (
            f"{kind} {go_quote(shown)} of {role_ref.get('kind', '')} {go_quote(role_ref.get('name', ''))}"
            f" to {_describe_subject(self.subject, self.namespace)}"
        )


def _describe_subject(subject: Mapping[str, Any], binding_namespace: str) -> str:
    kind, name = subject.get("kind", ""), subject.get("name", "")
    if kind == "ServiceAccount":
        return f"{kind} {go_quote(name + '/' + (subject.get('namespace') or binding_namespace))}"
    return f"{kind} {go_quote(name)}"


class Authorizer:
    """The union the real server runs for kind: system:masters first, then RBAC over the store's objects."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def authorize(self, user: Subject, attributes: Attributes) -> tuple[bool, str]:
        """(allowed, reason): the reason names the binding that allowed, or the role lookups that failed."""
        if SYSTEM_MASTERS in user.groups:
            return True, ""
        errors: list[str] = []
        for grant in self._grants(user, attributes.namespace):
            if isinstance(grant, str):
                errors.append(grant)
            elif rule_allows(attributes, grant.rule):
                return True, f"RBAC: allowed by {grant.describe()}"
        return False, f"RBAC: {aggregate_errors(errors)}" if errors else ""

    def rules_for(self, user: Subject, namespace: str) -> tuple[list[Mapping[str, Any]], list[str]]:
        """Every rule that applies to the user in the namespace, and the role lookups that failed."""
        rules: list[Mapping[str, Any]] = []
        errors: list[str] = []
        for grant in self._grants(user, namespace):
            if isinstance(grant, str):
                errors.append(grant)
            else:
                rules.append(grant.rule)
        return rules, errors

    def _grants(self, user: Subject, namespace: str) -> Iterator[_Grant | str]:
        for binding in self.store.list(CLUSTER_ROLE_BINDINGS):
            yield from self._binding_grants(user, binding, "")
        if namespace:
            for binding in self.store.list(ROLE_BINDINGS, namespace):
                yield from self._binding_grants(user, binding, namespace)

    def _binding_grants(self, user: Subject, binding: Mapping[str, Any], namespace: str) -> Iterator[_Grant | str]:
        subject = _matching_subject(user, binding.get("subjects") or [], namespace)
        if subject is None:
            return
        try:
            rules = self._role_ref_rules(binding.get("roleRef") or {}, namespace)
        except LookupError as error:
            yield str(error.args[0])
            return
        for rule in rules:
            yield _Grant(rule, binding, subject, namespace)

    def _role_ref_rules(self, role_ref: Mapping[str, Any], namespace: str) -> list[Mapping[str, Any]]:
        kind, name = role_ref.get("kind", ""), role_ref.get("name", "")
        if kind == "Role":
            role = self.store.get(ROLES, namespace, name)
            if role is None:
                raise LookupError(f"role.{RBAC_GROUP} {go_quote(name)} not found")
            return list(role.get("rules") or [])
        if kind == "ClusterRole":
            cluster_role = self.store.get(CLUSTER_ROLES, "", name)
            if cluster_role is None:
                raise LookupError(f"clusterrole.{RBAC_GROUP} {go_quote(name)} not found")
            return effective_cluster_role_rules(cluster_role, self.store.list(CLUSTER_ROLES))
        raise LookupError(f"unsupported role reference kind: {go_quote(kind)}")

    # -- reviews ---------------------------------------------------------------------------------------

    def access_review(self, user: Subject, spec: Mapping[str, Any]) -> dict[str, Any]:
        """The status of a (Self/Local)SubjectAccessReview whose spec has been validated."""
        allowed, reason = self.authorize(user, review_attributes(spec))
        status: dict[str, Any] = {"allowed": allowed}
        if reason:
            status["reason"] = reason
        return status

    def rules_review(self, user: Subject, namespace: str) -> dict[str, Any]:
        """The status of a SelfSubjectRulesReview: the user's rules in the namespace, as RBAC lists them."""
        rules, errors = self.rules_for(user, namespace)
        status: dict[str, Any] = {
            "resourceRules": [_resource_rule(rule) for rule in rules if rule.get("resources")],
            "nonResourceRules": [_non_resource_rule(rule) for rule in rules if rule.get("nonResourceURLs")],
            "incomplete": False,
        }
        if errors:
            status["evaluationError"] = aggregate_errors(errors)
        return status

    def review(self, plural: str, user: Subject, body: Mapping[str, Any], namespace: str | None) -> dict[str, Any]:
        """The created review object for a POST of an authorization.k8s.io review (plural in REVIEW_KINDS);
        raises ApiError for an invalid one, as the server does."""
        kind = REVIEW_KINDS[plural]
        spec = dict(body.get("spec") or {})
        metadata = dict(body.get("metadata") or {})
        if kind == "SelfSubjectRulesReview":
            if not spec.get("namespace"):
                raise bad_request("no namespace on request")
            return _review_object(kind, metadata, {}, self.rules_review(user, spec["namespace"]))
        if kind == "LocalSubjectAccessReview":
            metadata = _local_review_metadata(metadata, namespace or "", spec)
        _validate_access_review(kind, spec)
        subject = user if kind == "SelfSubjectAccessReview" else _reviewed_user(spec)
        return _review_object(kind, metadata, spec, self.access_review(subject, spec))


def _matching_subject(user: Subject, subjects: Sequence[Mapping[str, Any]], namespace: str) -> Mapping[str, Any] | None:
    for subject in subjects:
        if _applies_to(user, subject, namespace):
            return subject
    return None


def _applies_to(user: Subject, subject: Mapping[str, Any], namespace: str) -> bool:
    kind, name = subject.get("kind"), subject.get("name", "")
    if kind == "User":
        return user.name == name
    if kind == "Group":
        return name in user.groups
    if kind == "ServiceAccount":
        # An unqualified service account in a RoleBinding means one of the binding's own namespace.
        account_namespace = subject.get("namespace") or namespace
        return bool(account_namespace) and user.name == f"{SERVICE_ACCOUNT_PREFIX}{account_namespace}:{name}"
    return False


def aggregate_errors(messages: Sequence[str]) -> str:
    """apimachinery's error aggregate: one message as is, several (deduplicated) in brackets."""
    unique = list(dict.fromkeys(messages))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


# -- aggregated ClusterRoles -------------------------------------------------------------------------


def effective_cluster_role_rules(
    cluster_role: Mapping[str, Any], all_cluster_roles: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """A ClusterRole's rules; for an aggregated one, the union its selectors gather (as the controller does)."""
    return _rules_of(cluster_role, {_name(role): role for role in all_cluster_roles}, frozenset())


def _rules_of(
    role: Mapping[str, Any], by_name: Mapping[str, Mapping[str, Any]], visiting: frozenset[str]
) -> list[Mapping[str, Any]]:
    aggregation = role.get("aggregationRule")
    name = _name(role)
    if not aggregation or name in visiting:
        return list(role.get("rules") or [])
    rules: list[Mapping[str, Any]] = []
    for selector_object in aggregation.get("clusterRoleSelectors") or []:
        try:
            selector = label_selector_from_object(selector_object)
        except SelectorError:
            continue
        for other_name in sorted(by_name):
            other = by_name[other_name]
            if other_name == name or not selector.matches((other.get("metadata") or {}).get("labels") or {}):
                continue
            for rule in _rules_of(other, by_name, visiting | {name}):
                if rule not in rules:
                    rules.append(rule)
    return rules


def _name(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name", ""))


# -- reviews -----------------------------------------------------------------------------------------


def review_attributes(spec: Mapping[str, Any]) -> Attributes:
    """The attributes a SubjectAccessReview spec asks about."""
    resource = spec.get("resourceAttributes")
    if resource is not None:
        return Attributes(
            verb=resource.get("verb", ""),
            api_group=resource.get("group", ""),
            resource=resource.get("resource", ""),
            subresource=resource.get("subresource", ""),
            namespace=resource.get("namespace", ""),
            name=resource.get("name", ""),
            api_version=resource.get("version", "") or "*",
        )
    non_resource = spec.get("nonResourceAttributes") or {}
    return Attributes.non_resource(non_resource.get("verb", ""), non_resource.get("path", ""))


def _validate_access_review(kind: str, spec: Mapping[str, Any]) -> None:
    causes: list[tuple[str, str, str]] = []
    has_resource = spec.get("resourceAttributes") is not None
    has_non_resource = spec.get("nonResourceAttributes") is not None
    if has_resource and has_non_resource:
        causes.append(
            (
                "spec.nonResourceAttributes",
                "FieldValueInvalid",
                f"Invalid value: {_go_value(spec['nonResourceAttributes'])}: "
                "cannot be specified in combination with resourceAttributes",
            )
        )
    if not has_resource and not has_non_resource:
        causes.append(
            (
                "spec.resourceAttributes",
                "FieldValueInvalid",
                'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
            )
        )
    if kind in ("SubjectAccessReview", "LocalSubjectAccessReview") and not spec.get("user") and not spec.get("groups"):
        causes.append(
            ("spec.user", "FieldValueInvalid", 'Invalid value: "": at least one of user or group must be specified')
        )
    if kind == "LocalSubjectAccessReview" and has_non_resource:
        causes.append(
            (
                "spec.nonResourceAttributes",
                "FieldValueInvalid",
                f"Invalid value: {_go_value(spec['nonResourceAttributes'])}: disallowed on this kind of request",
            )
        )
    if causes:
        raise invalid(kind, "", AUTHORIZATION_GROUP, causes)


def _local_review_metadata(metadata: dict[str, Any], namespace: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """A LocalSubjectAccessReview lives in the URL's namespace and may only ask about that namespace."""
    if metadata.get("namespace") and metadata["namespace"] != namespace:
        raise bad_request("the namespace of the provided object does not match the namespace sent on the request")
    metadata["namespace"] = namespace
    asked = (spec.get("resourceAttributes") or {}).get("namespace", "")
    if spec.get("resourceAttributes") is not None and asked != namespace:
        raise invalid(
            "LocalSubjectAccessReview",
            "",
            AUTHORIZATION_GROUP,
            [
                (
                    "spec.resourceAttributes.namespace",
                    "FieldValueInvalid",
                    f"Invalid value: {go_quote(asked)}: must match metadata.namespace",
                )
            ],
        )
    return metadata


def _go_value(value: Any) -> str:
    return json.dumps(value, separators=(",", ":")) if isinstance(value, (dict, list)) else go_quote(str(value))


def _reviewed_user(spec: Mapping[str, Any]) -> ReviewedUser:
    extra = {key: list(values or []) for key, values in (spec.get("extra") or {}).items()}
    return ReviewedUser(spec.get("user", ""), tuple(spec.get("groups") or ()), spec.get("uid", ""), extra)


def _review_object(
    kind: str, metadata: dict[str, Any], spec: Mapping[str, Any], status: dict[str, Any]
) -> dict[str, Any]:
    metadata.pop("creationTimestamp", None)
    return {
        "kind": kind,
        "apiVersion": f"{AUTHORIZATION_GROUP}/v1",
        "metadata": metadata,
        "spec": dict(spec),
        "status": status,
    }


def _resource_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    listed: dict[str, Any] = {"verbs": list(rule.get("verbs") or [])}
    for key in ("apiGroups", "resources", "resourceNames"):
        if rule.get(key):
            listed[key] = list(rule[key])
    return listed


def _non_resource_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    return {"verbs": list(rule.get("verbs") or []), "nonResourceURLs": list(rule.get("nonResourceURLs") or [])}


# -- refusals ----------------------------------------------------------------------------------------


def forbidden_error(user_name: str, attributes: Attributes, reason: str = "") -> ApiError:
    """The 403 the server answers when no authorizer allowed the request."""
    if not attributes.resource_request:
        return forbidden_path(user_name, attributes.verb, attributes.path, reason)
    return forbidden(
        user_name,
        attributes.verb,
        attributes.resource,
        attributes.api_group,
        attributes.namespace or None,
        attributes.name or None,
        subresource=attributes.subresource,
        reason=reason,
    )


# -- the default roles -------------------------------------------------------------------------------

_READ = ("get", "list", "watch")
_WRITE = ("create", "update", "patch", "delete", "deletecollection")
_READ_WRITE = (*_READ, *_WRITE)
_BOOTSTRAP_LABELS = {"kubernetes.io/bootstrapping": "rbac-defaults"}
_AUTOUPDATE = {"rbac.authorization.kubernetes.io/autoupdate": "true"}
_AGGREGATE_TO = "rbac.authorization.k8s.io/aggregate-to-"
_PUBLIC_INFO_URLS = ("/livez", "/readyz", "/healthz", "/version", "/version/")
_DISCOVERY_URLS = (*_PUBLIC_INFO_URLS, "/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*")


def _rule(verbs: Sequence[str], groups: Sequence[str], resources: Sequence[str]) -> dict[str, Any]:
    return {"verbs": sorted(verbs), "apiGroups": list(groups), "resources": sorted(resources)}


def _url_rule(verbs: Sequence[str], urls: Sequence[str]) -> dict[str, Any]:
    return {"verbs": sorted(verbs), "nonResourceURLs": sorted(urls)}


def _aggregate_to_view_rules() -> list[dict[str, Any]]:
    return [
        _rule(_READ, [""], ["pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
                            "services", "services/status", "endpoints", "persistentvolumeclaims",
                            "persistentvolumeclaims/status", "configmaps"]),
        _rule(_READ, [""], ["limitranges", "resourcequotas", "bindings", "events", "pods/status",
                            "resourcequotas/status", "namespaces/status", "replicationcontrollers/status", "pods/log"]),
        _rule(_READ, [""], ["namespaces"]),
        _rule(_READ, ["discovery.k8s.io"], ["endpointslices"]),
        _rule(_READ, ["apps"], ["controllerrevisions", "statefulsets", "statefulsets/status", "statefulsets/scale",
                                "daemonsets", "daemonsets/status", "deployments", "deployments/status",
                                "deployments/scale", "replicasets", "replicasets/status", "replicasets/scale"]),
        _rule(_READ, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
        _rule(_READ, ["batch"], ["jobs", "jobs/status", "cronjobs", "cronjobs/status"]),
        _rule(_READ, ["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                                      "deployments/status", "ingresses", "ingresses/status", "replicasets",
                                      "replicasets/scale", "replicasets/status", "replicationcontrollers/scale",
                                      "networkpolicies"]),
        _rule(_READ, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
        _rule(_READ, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
    ]  # fmt: skip


def _aggregate_to_edit_rules() -> list[dict[str, Any]]:
    return [
        # Reading these escalates (secrets, exec into pods), so view does not have them.
        _rule(_READ, [""], ["pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets",
                            "services/proxy"]),
        _rule(["impersonate"], [""], ["serviceaccounts"]),
        _rule(_WRITE, [""], ["pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"]),
        _rule(["create"], [""], ["pods/eviction"]),
        _rule(_WRITE, [""], ["replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
                             "services", "services/proxy", "persistentvolumeclaims", "configmaps", "secrets",
                             "events"]),
        _rule(["create"], [""], ["serviceaccounts/token"]),
        _rule(_WRITE, ["apps"], ["statefulsets", "statefulsets/scale", "daemonsets", "deployments",
                                 "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale"]),
        _rule(_WRITE, ["autoscaling"], ["horizontalpodautoscalers"]),
        _rule(_WRITE, ["batch"], ["jobs", "cronjobs"]),
        _rule(_WRITE, ["extensions"], ["daemonsets", "deployments", "deployments/scale", "deployments/rollback",
                                       "ingresses", "replicasets", "replicasets/scale",
                                       "replicationcontrollers/scale", "networkpolicies"]),
        _rule(_WRITE, ["policy"], ["poddisruptionbudgets"]),
        _rule(_WRITE, ["networking.k8s.io"], ["networkpolicies", "ingresses"]),
        _rule(_READ_WRITE, ["coordination.k8s.io"], ["leases"]),
    ]  # fmt: skip


def _aggregate_to_admin_rules() -> list[dict[str, Any]]:
    return [
        _rule(["create"], [AUTHORIZATION_GROUP], ["localsubjectaccessreviews"]),
        _rule(_READ_WRITE, [RBAC_GROUP], ["roles", "rolebindings"]),
    ]


def _cluster_role(
    name: str,
    rules: list[dict[str, Any]] | None = None,
    labels: Mapping[str, str] | None = None,
    aggregate_from: str | None = None,
) -> dict[str, Any]:
    role: dict[str, Any] = {
        "apiVersion": f"{RBAC_GROUP}/v1",
        "kind": "ClusterRole",
        "metadata": _bootstrap_metadata(name, {**_BOOTSTRAP_LABELS, **(labels or {})}, _AUTOUPDATE),
    }
    if aggregate_from is not None:
        role["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": {_AGGREGATE_TO + aggregate_from: "true"}}]}
    role["rules"] = rules or []
    return role


def _cluster_role_binding(name: str, role: str, groups: Sequence[str], bootstrap: bool = True) -> dict[str, Any]:
    labels, annotations = (_BOOTSTRAP_LABELS, _AUTOUPDATE) if bootstrap else ({}, {})
    return {
        "apiVersion": f"{RBAC_GROUP}/v1",
        "kind": "ClusterRoleBinding",
        "metadata": _bootstrap_metadata(name, labels, annotations),
        "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": role},
        "subjects": [{"apiGroup": RBAC_GROUP, "kind": "Group", "name": group} for group in groups],
    }


def _bootstrap_metadata(name: str, labels: Mapping[str, str], annotations: Mapping[str, str]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "uid": str(uuid.uuid4()), "creationTimestamp": now()}
    if labels:
        metadata["labels"] = dict(labels)
    if annotations:
        metadata["annotations"] = dict(annotations)
    return metadata


def bootstrap_rbac_objects() -> list[dict[str, Any]]:
    """The ClusterRoles and ClusterRoleBindings a new kind cluster holds (the ones this simulator needs):
    cluster-admin, admin/edit/view with their aggregation, the discovery and self-review roles, and kubeadm's
    binding of the admin kubeconfig's group. Aggregated roles come with their rules already gathered."""
    roles = [
        _cluster_role("cluster-admin", [_rule(["*"], ["*"], ["*"]), _url_rule(["*"], ["*"])]),
        _cluster_role("admin", aggregate_from="admin"),
        _cluster_role("edit", labels={_AGGREGATE_TO + "admin": "true"}, aggregate_from="edit"),
        _cluster_role("view", labels={_AGGREGATE_TO + "edit": "true"}, aggregate_from="view"),
        _cluster_role("system:aggregate-to-admin", _aggregate_to_admin_rules(), {_AGGREGATE_TO + "admin": "true"}),
        _cluster_role("system:aggregate-to-edit", _aggregate_to_edit_rules(), {_AGGREGATE_TO + "edit": "true"}),
        _cluster_role("system:aggregate-to-view", _aggregate_to_view_rules(), {_AGGREGATE_TO + "view": "true"}),
        _cluster_role(
            "system:basic-user",
            [
                _rule(["create"], [AUTHORIZATION_GROUP], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
                _rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
            ],
        ),
        _cluster_role("system:discovery", [_url_rule(["get"], _DISCOVERY_URLS)]),
        _cluster_role("system:public-info-viewer", [_url_rule(["get"], _PUBLIC_INFO_URLS)]),
    ]
    for role in roles:
        if role.get("aggregationRule"):
            role["rules"] = effective_cluster_role_rules(role, roles)
    bindings = [
        _cluster_role_binding("cluster-admin", "cluster-admin", [SYSTEM_MASTERS]),
        _cluster_role_binding("system:basic-user", "system:basic-user", [AUTHENTICATED]),
        _cluster_role_binding("system:discovery", "system:discovery", [AUTHENTICATED]),
        _cluster_role_binding(
            "system:public-info-viewer", "system:public-info-viewer", [AUTHENTICATED, UNAUTHENTICATED]
        ),
        _cluster_role_binding(KUBEADM_CLUSTER_ADMINS, "cluster-admin", [KUBEADM_CLUSTER_ADMINS], bootstrap=False),
    ]
    return [*roles, *bindings]

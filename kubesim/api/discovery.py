"""The discovery documents a Kubernetes 1.37 API server publishes, built from a ResourceRegistry.

- ``/version``: ``version_info()``;
- ``/api`` and ``/apis`` (legacy): ``core_versions()`` and ``group_list()``;
- ``/api/v1`` and ``/apis/<group>/<version>``: ``resource_list()``;
- ``/api`` and ``/apis`` asked for aggregated discovery (what kubectl and client-go ask for first):
  ``aggregated()``, chosen from the Accept header by ``negotiate_discovery()``.
"""

from __future__ import annotations

import base64
import hashlib
import platform
import sys
from typing import Any, Literal

from kubesim.api.resources import Resource, ResourceRegistry, Subresource

KUBERNETES_VERSION = "v1.37.0"
AGGREGATED_GROUP = "apidiscovery.k8s.io"
AGGREGATED_KIND = "APIGroupDiscoveryList"
AGGREGATED_VERSIONS = ("v2", "v2beta1")
LEGACY_CONTENT_TYPE = "application/json"
DEFAULT_SERVER_ADDRESS = "127.0.0.1:6443"

# A few resources are kept in storage at another group-version than the one serving them, and the storage
# version hash names the stored one (events.k8s.io events are core events; both HPA versions store v2).
_STORED_AS = {
    ("events.k8s.io", "events"): ("", "v1", "Event"),
    ("autoscaling", "horizontalpodautoscalers"): ("autoscaling", "v2", "HorizontalPodAutoscaler"),
}
_MACHINES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


class NotAcceptableError(ValueError):
    """No media type in the Accept header is one the discovery endpoints can produce (HTTP 406)."""


def version_info() -> dict[str, str]:
    """The body of ``/version``: a 1.37.0 server built the way the release builds are."""
    major, minor, _ = KUBERNETES_VERSION.removeprefix("v").split(".")
    return {
        "major": major,
        "minor": minor,
        "emulationMajor": major,
        "emulationMinor": minor,
        "minCompatibilityMajor": major,
        "minCompatibilityMinor": str(int(minor) - 1),
        "gitVersion": KUBERNETES_VERSION,
        "gitCommit": hashlib.sha1(KUBERNETES_VERSION.encode()).hexdigest(),
        "gitTreeState": "clean",
        "buildDate": "2026-08-26T16:00:00Z",
        "goVersion": "go1.26.0",
        "compiler": "gc",
        "platform": f"{sys.platform}/{_MACHINES.get(platform.machine().lower(), platform.machine().lower())}",
    }


def core_versions(server_address: str = DEFAULT_SERVER_ADDRESS) -> dict[str, Any]:
    """The body of ``/api`` (APIVersions): the core group has one version, reachable at one address."""
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    }


def group_list(registry: ResourceRegistry) -> dict[str, Any]:
    """The body of ``/apis`` (APIGroupList): every named group in priority order, versions preferred first."""
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [_api_group(g, v) for g, v in _named_groups(registry)],
    }


def resource_list(registry: ResourceRegistry, group: str, version: str) -> dict[str, Any]:
    """The body of ``/api/v1`` or ``/apis/<group>/<version>`` (APIResourceList). Each subresource follows its
    resource as an entry of its own, named ``pods/log``. Raises LookupError when nothing is served there."""
    resources = registry.resources_of(group, version)
    if not resources:
        raise LookupError(f"no resources are served at {group or 'core'}/{version}")
    entries: list[dict[str, Any]] = []
    for resource in resources:
        entries.append(_legacy_entry(resource))
        entries.extend(_legacy_subresource_entry(resource, name) for name in sorted(resource.subresources))
    document: dict[str, Any] = {"kind": "APIResourceList"}
    if group:  # the core list has never carried an apiVersion
        document["apiVersion"] = "v1"
    document["groupVersion"] = resources[0].group_version
    document["resources"] = entries
    return document


def aggregated(registry: ResourceRegistry, kind: Literal["core", "apis"], version: str = "v2") -> dict[str, Any]:
    """The aggregated discovery document (APIGroupDiscoveryList) of ``/api`` (kind "core") or ``/apis``."""
    if version not in AGGREGATED_VERSIONS:
        raise ValueError(f"aggregated discovery has no version {version!r}")
    groups = [(g, v) for g, v in registry.group_versions() if g == ""] if kind == "core" else _named_groups(registry)
    return {
        "kind": AGGREGATED_KIND,
        "apiVersion": f"{AGGREGATED_GROUP}/{version}",
        "metadata": {},
        "items": [_group_discovery(registry, group, versions) for group, versions in groups],
    }


def negotiate_discovery(accept_header: str | None) -> tuple[str | None, str]:
    """Choose what ``/api`` and ``/apis`` answer with: (aggregated version, Content-Type) for the first
    acceptable aggregated media type, or (None, "application/json") for the legacy documents.

    Media types are tried from the highest quality down, in the order written among equals; those this
    server cannot produce (protobuf, YAML, other ``as=`` kinds) are passed over. Raises NotAcceptableError
    when none is acceptable."""
    clauses = _accept_clauses(accept_header or "*/*")
    for media_type, params in clauses:
        if "as" in params or "g" in params or "v" in params:
            version = _aggregated_version(media_type, params)
            if version is not None:
                return version, _aggregated_content_type(version)
        elif media_type in ("application/json", "application/*", "*/*"):
            return None, LEGACY_CONTENT_TYPE
    raise NotAcceptableError(
        "only the following media types are accepted: application/json, application/yaml, "
        "application/vnd.kubernetes.protobuf"
    )


def storage_version_hash(resource: Resource) -> str:
    """The opaque token discovery publishes so storage migrators notice when a resource's stored version
    changes: the first 8 bytes of SHA-256 over "group/version/kind" of the stored version, in base64."""
    group, version, kind = _STORED_AS.get(
        (resource.group, resource.plural), (resource.group, resource.version, resource.kind)
    )
    digest = hashlib.sha256(f"{group}/{version}/{kind}".encode()).digest()
    return base64.b64encode(digest[:8]).decode()


# -- legacy documents ------------------------------------------------------------------------------------


def _named_groups(registry: ResourceRegistry) -> list[tuple[str, list[str]]]:
    return [(group, versions) for group, versions in registry.group_versions() if group]


def _api_group(group: str, versions: list[str]) -> dict[str, Any]:
    listed = [{"groupVersion": f"{group}/{version}", "version": version} for version in versions]
    return {"name": group, "versions": listed, "preferredVersion": listed[0]}


def _legacy_entry(resource: Resource) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": resource.plural,
        "singularName": resource.singular,
        "namespaced": resource.namespaced,
        "kind": resource.kind,
        "verbs": list(resource.verbs),
    }
    if resource.short_names:
        entry["shortNames"] = list(resource.short_names)
    if resource.categories:
        entry["categories"] = list(resource.categories)
    if _is_stored(resource):
        entry["storageVersionHash"] = storage_version_hash(resource)
    return entry


def _legacy_subresource_entry(resource: Resource, name: str) -> dict[str, Any]:
    sub = resource.subresource(name)
    entry: dict[str, Any] = {"name": f"{resource.plural}/{name}", "singularName": "", "namespaced": resource.namespaced}
    if (sub.group, sub.version) != (resource.group, resource.version):
        entry["group"], entry["version"] = sub.group, sub.version
    entry["kind"] = sub.kind
    entry["verbs"] = list(sub.verbs)
    return entry


def _is_stored(resource: Resource) -> bool:
    # Everything kept in storage can be watched; reviews, bindings, component statuses and metrics cannot.
    return "watch" in resource.verbs


# -- aggregated documents --------------------------------------------------------------------------------


def _group_discovery(registry: ResourceRegistry, group: str, versions: list[str]) -> dict[str, Any]:
    return {
        "metadata": {"name": group} if group else {},
        "versions": [
            {
                "version": version,
                "resources": [_aggregated_entry(resource) for resource in registry.resources_of(group, version)],
                "freshness": "Current",
            }
            for version in versions
        ],
    }


def _aggregated_entry(resource: Resource) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "resource": resource.plural,
        "responseKind": {"group": "", "version": "", "kind": resource.kind},
        "scope": "Namespaced" if resource.namespaced else "Cluster",
        "singularResource": resource.singular,
        "verbs": list(resource.verbs),
    }
    if resource.short_names:
        entry["shortNames"] = list(resource.short_names)
    if resource.categories:
        entry["categories"] = list(resource.categories)
    if resource.subresources:
        entry["subresources"] = [
            _aggregated_subresource(resource, resource.subresource(name)) for name in sorted(resource.subresources)
        ]
    return entry


def _aggregated_subresource(resource: Resource, sub: Subresource) -> dict[str, Any]:
    # Group and version are left empty when the subresource answers in its resource's own group-version.
    same_api = (sub.group, sub.version) == (resource.group, resource.version)
    response_kind = {
        "group": "" if same_api else sub.group,
        "version": "" if same_api else sub.version,
        "kind": sub.kind,
    }
    return {"subresource": sub.name, "responseKind": response_kind, "verbs": list(sub.verbs)}


# -- content negotiation ---------------------------------------------------------------------------------


def _accept_clauses(header: str) -> list[tuple[str, dict[str, str]]]:
    """Media types with their parameters, best quality first; q=0 means "never"."""
    weighted: list[tuple[float, str, dict[str, str]]] = []
    for clause in header.split(","):
        media_type, *raw_params = (part.strip() for part in clause.split(";"))
        if not media_type:
            continue
        params = {}
        for raw in raw_params:
            key, _, value = raw.partition("=")
            params[key.strip().lower()] = value.strip().strip('"')
        quality = _quality(params.pop("q", "1"))
        if quality > 0:
            weighted.append((quality, media_type.lower(), params))
    weighted.sort(key=lambda item: -item[0])  # a stable sort keeps the written order among equals
    return [(media_type, params) for _, media_type, params in weighted]


def _quality(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def _aggregated_version(media_type: str, params: dict[str, str]) -> str | None:
    if media_type != "application/json":
        return None
    if params.get("g") != AGGREGATED_GROUP or params.get("as") != AGGREGATED_KIND:
        return None
    version = params.get("v")
    return version if version in AGGREGATED_VERSIONS else None


def _aggregated_content_type(version: str) -> str:
    return f"application/json;g={AGGREGATED_GROUP};v={version};as={AGGREGATED_KIND}"

"""The REST API: routes each request to discovery, OpenAPI, or a verb on a resource, over the shared store."""

from __future__ import annotations

import asyncio
import base64
import datetime
import json
import time
import traceback
from collections.abc import AsyncIterator
from typing import Any

import yaml

from kubesim.api import (
    admission,
    crds,
    custom_validation,
    defaults,
    deprecations,
    discovery,
    health,
    meta,
    pod_deletion,
    pod_security,
    tables,
    template_generation,
    validation,
    virtual,
)
from kubesim.api.allocators import AllocationError, allocate, allocate_update
from kubesim.api.apply import (
    APPLY_PATCH,
    ApplySchema,
    apply,
    decode_apply_patch,
    field_manager,
    patch_options_causes,
    track_update,
)
from kubesim.api.binding import bind, is_binding
from kubesim.api.clone import clone
from kubesim.api.errors import UNAUTHORIZED, ApiError, already_exists, bad_request, conflict, invalid, not_found
from kubesim.api.eviction import evict
from kubesim.api.metrics import ResourceMetrics
from kubesim.api.patch import (
    ApiserverPanic,
    PatchError,
    PatchSchema,
    json_patch,
    merge_patch,
    strategic_merge_patch,
    unsupported_media_type,
)
from kubesim.api.pod_exec import PodExec
from kubesim.api.pod_logs import pod_log
from kubesim.api.port_forward import PodPortForward
from kubesim.api.proxy import Proxy, is_proxy
from kubesim.api.rbac import REVIEW_KINDS, Authorizer, forbidden_error, request_attributes
from kubesim.api.resources import Resource, ResourceRegistry
from kubesim.api.selectors import SelectorError, label_selector_from_object, parse_field_selector, parse_label_selector
from kubesim.clock import Clock
from kubesim.nodes.network import Network
from kubesim.server.auth import Authenticator, UserInfo, impersonate, self_subject_review
from kubesim.server.http import Answer, Request, Response, StreamingResponse
from kubesim.store.store import ADDED, BOOKMARK, AlreadyExists, Conflict, Event, Expired, NotFound, Store, watch_line

JSON = "application/json"
_PROTOBUF = "application/vnd.kubernetes.protobuf"
_BOOKMARK_SECONDS = 60.0
GENERATE_NAME_ATTEMPTS = 8  # the API server draws a taken generated name again (RetryGenerateName, GA in 1.32)
_INITIAL_EVENTS_END = "k8s.io/initial-events-end"


def _with_warnings(response: Response, warnings: list[str]) -> Response:
    response.headers.extend(("Warning", validation.warning_header(text)) for text in warnings)
    return response


def _json(
    body: Any, status: int = 200, content_type: str = JSON, headers: list[tuple[str, str]] | None = None
) -> Response:
    return Response(status, b"", content_type, headers or [], payload=body)


class Target:
    """What a resource URL names: the resource, and maybe a namespace, a name and a subresource."""

    def __init__(self, resource: Resource, namespace: str | None, name: str | None, subresource: str | None):
        self.resource, self.namespace, self.name, self.subresource = resource, namespace, name, subresource

    @property
    def key(self) -> str:
        return f"{self.resource.group}/{self.resource.plural}"

    @property
    def store_namespace(self) -> str:
        return self.namespace or "" if self.resource.namespaced else ""


class Api:
    def __init__(
        self,
        store: Store,
        registry: ResourceRegistry,
        openapi: Any,
        admin_token: str,
        signing_key: bytes,
        clock: Clock,
        network: Network,
    ):
        """clock: the cluster's simulated clock, for what the API computes over time (logs, metrics); network:
        what runs in the pods, as the API reaches it (proxy) and measures it (metrics)."""
        self.store, self.registry, self.openapi = store, registry, openapi
        self.authenticator = Authenticator(admin_token, signing_key, store)
        self.authorizer = Authorizer(store)
        self.clock = clock
        self.network = network
        self.proxy = Proxy(store, network)
        self.pod_exec = PodExec(store, network)
        self.port_forward = PodPortForward(store, network)
        self.metrics = ResourceMetrics(store, clock, network.kuards)
        for crd in store.list(crds.CRD_KEY):
            self._serve_crd(crd)

    async def handle(self, request: Request) -> Answer:
        try:
            if health.is_health(request.path):
                return health.answer(request)
            user = self.authenticator.authenticate(request.headers)
            if user is None:
                raise UNAUTHORIZED
            user = impersonate(user, request.headers, self.authorizer.authorize)
            attributes = request_attributes(request.method, request.path, request.query)
            allowed, reason = self.authorizer.authorize(user, attributes)
            if not allowed:
                raise forbidden_error(user.name, attributes, reason)
            response = await self._route(request, user)
            response.headers.extend(deprecations.warnings(request.path))
            return response
        except ApiError as error:
            return _json(error.status(), error.code)
        except Exception as error:  # a bug of ours answers 500 and the server keeps serving
            traceback.print_exc()
            failure = ApiError(500, "InternalError", f"Internal error occurred: {type(error).__name__}: {error}")
            return _json(failure.status(), 500)

    async def _route(self, request: Request, user: UserInfo) -> Answer:
        path = request.path.rstrip("/") or "/"
        parts = [part for part in path.split("/") if part]
        if path == "/version":
            return _json(discovery.version_info())
        if parts[:1] == ["openapi"]:
            return self._openapi(request, parts[1:])
        if parts == ["api"] or parts == ["apis"]:
            return self._discovery_root(request, parts[0])
        if parts[:1] == ["api"] and is_proxy(parts[1:]):
            return self.proxy.handle(request)
        if parts[:1] == ["api"] and len(parts) >= 2:
            return await self._group_version(request, user, "", parts[1], parts[2:])
        if parts[:1] == ["apis"] and len(parts) >= 3:
            return await self._group_version(request, user, parts[1], parts[2], parts[3:])
        if parts[:1] == ["apis"] and len(parts) == 2:
            return self._group(parts[1])
        raise ApiError(404, "NotFound", "the server could not find the requested resource")

    # -- discovery and OpenAPI -----------------------------------------------------------------------

    def _discovery_root(self, request: Request, root: str) -> Response:
        try:
            version, content_type = discovery.negotiate_discovery(request.headers.get("accept", ""))
        except discovery.NotAcceptableError as error:
            raise ApiError(406, "NotAcceptable", str(error)) from None
        if version is not None:
            return _json(
                discovery.aggregated(self.registry, "core" if root == "api" else "apis", version), 200, content_type
            )
        if root == "api":
            return _json(discovery.core_versions())
        return _json(discovery.group_list(self.registry))

    def _group(self, group: str) -> Response:
        for item in discovery.group_list(self.registry)["groups"]:
            if item["name"] == group:
                return _json({"kind": "APIGroup", "apiVersion": "v1", **{k: v for k, v in item.items() if k != "kind"}})
        raise ApiError(404, "NotFound", "the server could not find the requested resource")

    def _openapi(self, request: Request, parts: list[str]) -> Response:
        if parts == ["v2"]:
            body, content_type = self.openapi.v2_response(request.headers.get("accept", ""))
            return Response(200, body, content_type)
        if parts == ["v3"]:
            return _json(self.openapi.v3_index())
        if parts[:1] == ["v3"] and len(parts) >= 3:
            group, version = ("", parts[2]) if parts[1] == "api" else (parts[2], parts[3] if len(parts) > 3 else "")
            body, digest = self.openapi.v3_document(group, version)
            cache = "public, immutable, max-age=31536000" if request.arg("hash") == digest else "no-cache, private"
            return Response(200, body, JSON, [("Cache-Control", cache), ("Etag", f'"{digest}"')])
        raise ApiError(404, "NotFound", "the server could not find the requested resource")

    # -- resources -----------------------------------------------------------------------------------

    async def _group_version(
        self, request: Request, user: UserInfo, group: str, version: str, rest: list[str]
    ) -> Answer:
        if not rest:
            try:
                return _json(discovery.resource_list(self.registry, group, version))
            except LookupError:
                raise ApiError(404, "NotFound", "the server could not find the requested resource") from None
        watch_prefix = rest[0] == "watch"
        target = self._target(group, version, rest[1:] if watch_prefix else rest)
        watching = watch_prefix or request.arg("watch") in ("true", "1")
        method = request.method
        if method == "POST":
            answered = self._identity_request(request, user, target)
            if answered is not None:
                return answered
            if is_binding(target.resource.group, target.resource.plural, target.subresource):
                dry_run = request.arg("dryRun") == "All"
                bound = bind(self.store, self._body(request), target.namespace or "", target.name, dry_run)
                return _json(bound, 201)
            if target.key == "/pods" and target.subresource == "eviction":
                pod = Target(target.resource, target.namespace, target.name, None)
                return evict(self.store, request, self._body(request), pod, self._delete)
        if target.resource.group == "metrics.k8s.io":
            return self._resource_metrics(request, target, watching)
        if target.key == "/pods" and target.subresource in ("exec", "attach") and method in ("GET", "POST"):
            return self.pod_exec.handle(request, target.namespace or "", target.name or "", target.subresource)
        if target.key == "/pods" and target.subresource == "portforward" and method in ("GET", "POST"):
            return self.port_forward.handle(request, target.namespace or "", target.name or "")
        if target.key == "/pods" and target.subresource == "log" and method == "GET":
            namespace = target.namespace or ""
            tools = self.network.tools_for(namespace)
            return await pod_log(self.store, self.clock, request, namespace, target.name or "", tools)
        if target.key == "/componentstatuses" and method == "GET" and not watching:
            return self._component_statuses(request, target)
        if target.subresource == "scale":
            return self._scale(request, target)
        if target.subresource == "finalize" and method == "PUT":
            return self._finalize_namespace(request, target)
        if method == "GET":
            if target.name is None:
                return self._watch(request, target) if watching else self._list(request, target)
            return self._get(request, target)
        if method == "POST":
            return self._create(request, target)
        if method == "PUT":
            return self._update(request, target)
        if method == "PATCH":
            return self._patch(request, target)
        if method == "DELETE":
            return self._delete(request, target) if target.name else self._delete_collection(request, target)
        raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")

    def _target(self, group: str, version: str, rest: list[str]) -> Target:
        namespace = None
        # namespaces/NAME/status and /finalize are a namespace's own subresources, not a resource inside it.
        own_subresource = len(rest) == 3 and rest[0] == "namespaces" and rest[2] in ("status", "finalize")
        if len(rest) >= 3 and rest[0] == "namespaces" and not own_subresource:
            namespace, rest = rest[1], rest[2:]
        resource = self.registry.by_plural(group, version, rest[0]) if rest else None
        if resource is None:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        name = rest[1] if len(rest) > 1 else None
        subresource = rest[2] if len(rest) > 2 else None
        if subresource is not None and subresource not in resource.subresources:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        if not resource.namespaced:
            namespace = None
        return Target(resource, namespace, name, subresource)

    def _get(self, request: Request, target: Target) -> Response:
        obj = self._existing(target)
        if _wants_table(request):
            return self._table(request, target, [obj], listing=False)
        return Response(200, self.store.json_of(target.key, obj), JSON)

    def _existing(self, target: Target) -> dict[str, Any]:
        assert target.name is not None
        obj = self.store.get(target.key, target.store_namespace, target.name)
        if obj is None:
            raise not_found(target.resource.plural, target.name, target.resource.group)
        return obj

    def _selected(self, request: Request, target: Target) -> list[dict[str, Any]]:
        items = self.store.list(target.key, target.namespace if target.resource.namespaced else None)
        try:
            labels = parse_label_selector(request.arg("labelSelector") or "")
            fields = parse_field_selector(request.arg("fieldSelector") or "").for_resource(
                target.resource.group, target.resource.plural
            )
        except SelectorError as error:
            raise bad_request(str(error)) from None
        return [
            item
            for item in items
            if labels.matches(item.get("metadata", {}).get("labels") or {}) and fields.matches(item)
        ]

    def _list(self, request: Request, target: Target) -> Response:
        items = self._selected(request, target)
        items, next_token = _page(items, request.arg("limit"), request.arg("continue"))
        list_meta: dict[str, Any] = {"resourceVersion": str(self.store.rv)}
        if next_token:
            list_meta["continue"] = next_token
            list_meta["remainingItemCount"] = 0
        if _wants_table(request):
            response = self._table(request, target, items)
            return response
        resource = target.resource
        head = {"kind": resource.list_kind_name, "apiVersion": resource.api_version, "metadata": list_meta}
        # The items are joined from their stored JSON: a list of a thousand pods is not encoded again.
        opening = json.dumps(head, separators=(",", ":"))[:-1].encode() + b',"items":['
        encoded = b",".join(self.store.json_of(target.key, item) for item in items)
        return Response(200, opening + encoded + b"]}", JSON)

    def _table(self, request: Request, target: Target, items: list[dict[str, Any]], listing: bool = True) -> Response:
        resource = target.resource
        columns = None
        if self.registry.is_custom(resource):
            crd = self.store.get(crds.CRD_KEY, "", f"{resource.plural}.{resource.group}")
            columns = crds.printer_columns(crd, resource.version)
        body = tables.table(
            (resource.group, resource.kind),
            items,
            include_object=request.arg("includeObject") or "Metadata",
            now=datetime.datetime.now(datetime.UTC),
            printer_columns=columns,
            listing=listing,
        )
        body.setdefault("metadata", {})["resourceVersion"] = str(self.store.rv)
        return _json(body, 200, "application/json;as=Table;v=v1;g=meta.k8s.io")

    # -- writes --------------------------------------------------------------------------------------

    def _body(self, request: Request) -> dict[str, Any]:
        if isinstance(request.payload, dict):
            return request.payload
        content_type = request.headers.get("content-type", JSON).split(";")[0].strip()
        try:
            if content_type == _PROTOBUF:
                from kubesim.api.protobuf import ProtobufError, decode_object

                try:
                    return decode_object(request.body)
                except ProtobufError as error:
                    raise bad_request(_protobuf_message(error, request.body, self._expected_kind(request))) from None
            if content_type in ("application/yaml", "application/apply-patch+yaml"):
                data = yaml.safe_load(request.body)
            else:
                data = json.loads(request.body)
        except (json.JSONDecodeError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise bad_request(f"error decoding request body: {error}") from None
        if not isinstance(data, dict):
            raise bad_request("the request body is not a JSON object")
        return data

    def _expected_kind(self, request: Request) -> str:
        parts = [part for part in request.path.split("/") if part]
        group, version, rest = ("", parts[1], parts[2:]) if parts[:1] == ["api"] else (parts[1], parts[2], parts[3:])
        if len(rest) >= 3 and rest[0] == "namespaces":
            rest = rest[2:]
        resource = self.registry.by_plural(group, version, rest[0]) if rest else None
        return resource.kind if resource else "Object"

    def _create(self, request: Request, target: Target) -> Response:
        if target.name is not None:
            raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        obj = self._body(request)
        self._check_kind(obj, target.resource)
        warnings = self._decode_checks(request, target, obj, "CreateOptions")
        response = self._insert(request, target, obj, tracked=False)
        response.headers.extend(warnings)
        return response

    def _insert(self, request: Request, target: Target, obj: dict[str, Any], tracked: bool) -> Response:
        """Store a new object; tracked when server-side apply has already written its managedFields."""
        resource = target.resource
        body_namespace = (obj.get("metadata") or {}).get("namespace")
        if resource.namespaced and body_namespace and target.namespace and body_namespace != target.namespace:
            raise bad_request("the namespace of the provided object does not match the namespace sent on the request")
        namespace = target.namespace or body_namespace or "default" if resource.namespaced else None
        if namespace is not None:
            home = self.store.get(NAMESPACES, "", namespace)
            if home is None:
                raise not_found("namespaces", namespace)
            if home["metadata"].get("deletionTimestamp"):
                message = (
                    f'{resource.plural} "{(obj.get("metadata") or {}).get("name", "")}" is forbidden: unable to create '
                    f"new content in namespace {namespace} because it is being terminated"
                )
                raise ApiError(403, "Forbidden", message, {"kind": resource.plural})
        has_status = "status" in resource.subresources
        meta.prepare_create(obj, resource.kind, has_status, namespace, custom=self.registry.is_custom(resource))
        name = obj["metadata"].get("name")
        if not name:
            raise _name_required(resource)
        if not tracked:
            has_status = "status" in resource.subresources
            obj = track_update(None, obj, self._manager(request), self._apply_schema(resource), has_status=has_status)
        defaults.apply_defaults(resource.group, resource.kind, obj)
        if target.key == "/pods":
            self._admit_pod(obj, namespace or "")
        admission.mutate(self.store, target.key, obj)
        defaults.prepare_for_create(resource.group, resource.kind, obj)
        if target.key == DAEMON_SETS:
            template_generation.track(None, obj)
        if target.key == "/services":
            try:
                allocate(obj, self.store.list("/services"))
            except AllocationError as error:
                raise invalid("Service", name, "", [(error.field, "FieldValueInvalid", error.message)]) from None
        causes = validation.validate_create(resource.kind, resource.group, obj) + self._custom_causes(resource, obj)
        if causes:
            raise invalid(resource.kind, name, resource.group, causes)
        warnings = self._pod_security(target.key, namespace, obj)
        admission.validate(self.store, target.key, obj, dry_run=request.arg("dryRun") == "All")
        if request.arg("dryRun") == "All":
            return _with_warnings(_json(obj, 201), warnings)
        stored = self._store_new(target, namespace or "", obj)
        if target.key == crds.CRD_KEY:
            stored = self.store.update(target.key, "", stored["metadata"]["name"], crds.established(stored))
            self._serve_crd(stored)
        return _with_warnings(_json(stored, 201), warnings)

    def _pod_security(self, resource_key: str, namespace: str | None, obj: dict[str, Any]) -> list[str]:
        """Pod Security admission for a new pod (refused at the enforce level) or workload (warned)."""
        home = self.store.get(NAMESPACES, "", namespace) if namespace else None
        if resource_key == "/pods":
            return pod_security.admit_pod(home, obj)
        return pod_security.workload_warnings(home, resource_key, obj)

    def _store_new(self, target: Target, namespace: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Store a new object; a name drawn from generateName that is taken is drawn again, as the API server does."""
        metadata = obj["metadata"]
        for _ in range(GENERATE_NAME_ATTEMPTS):
            try:
                return self.store.create(target.key, namespace, metadata["name"], obj)
            except AlreadyExists:
                if not metadata.get("generateName"):
                    break
                metadata["name"] = meta.generated_name(metadata["generateName"])
        raise already_exists(target.resource.plural, metadata["name"], target.resource.group)

    def _update(self, request: Request, target: Target) -> Response:
        old = self._existing(target)
        new = self._body(request)
        self._check_kind(new, target.resource)
        warnings = self._decode_checks(request, target, new, "UpdateOptions")
        expected = (new.get("metadata") or {}).get("resourceVersion")
        response = self._store_update(request, target, old, new, expected)
        response.headers.extend(warnings)
        return response

    def _store_update(
        self,
        request: Request,
        target: Target,
        old: dict[str, Any],
        new: dict[str, Any],
        expected: str | None,
        tracked: bool = False,
    ) -> Response:
        resource = target.resource
        assert target.name is not None
        has_status = "status" in resource.subresources
        if target.subresource == "status":
            managed = new.get("metadata", {}).get("managedFields")
            new = meta.prepare_status_update(old, new)
            if tracked and managed is not None:
                new["metadata"]["managedFields"] = managed
        else:
            defaults.apply_defaults(resource.group, resource.kind, new)
            meta.prepare_update(old, new, resource.kind, has_status)
            if target.key == DAEMON_SETS:
                template_generation.track(old, new)
            if target.key == "/services":
                defaults.normalize_service_update(old, new)
                try:
                    allocate_update(old, new, self.store.list("/services"))
                except AllocationError as error:
                    cause = (error.field, "FieldValueInvalid", error.message)
                    raise invalid("Service", target.name, "", [cause]) from None
            new.setdefault("metadata", {})["name"] = target.name
            causes = validation.validate_update(resource.kind, resource.group, old, new)
            causes += self._custom_causes(resource, new)
            if causes:
                raise invalid(resource.kind, target.name, resource.group, causes)
        new.setdefault("apiVersion", resource.api_version)
        new.setdefault("kind", resource.kind)
        new["metadata"]["name"] = target.name
        if not tracked:
            subresource = target.subresource or ""
            schema = self._apply_schema(resource)
            new = track_update(old, new, self._manager(request), schema, subresource=subresource, has_status=has_status)
        if request.arg("dryRun") == "All":
            return _json(new)
        if new == old:
            return _json(old)
        try:
            stored = self.store.update(target.key, target.store_namespace, target.name, new, expected)
        except Conflict:
            raise conflict(resource.plural, target.name, resource.group) from None
        metadata = stored["metadata"]
        if (
            metadata.get("deletionTimestamp")
            and not metadata.get("finalizers")
            and not old["metadata"].get("deletionGracePeriodSeconds")
        ):
            # The last finalizer is gone from an object being deleted: the deletion completes now (a pod still in
            # its grace period waits for its kubelet).
            return _json(self.store.delete(target.key, target.store_namespace, target.name))
        if target.key == crds.CRD_KEY:
            self._serve_crd(stored)
        warnings = []
        if target.key == NAMESPACES:
            warnings = pod_security.relabel_warnings(old, stored, self.store.list("/pods", target.name))
        return _with_warnings(_json(stored), warnings)

    def _patch(self, request: Request, target: Target) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        causes = patch_options_causes(content_type, request.arg("fieldManager"), request.arg("force"))
        if causes:
            raise invalid("PatchOptions", "", "meta.k8s.io", causes)
        if content_type == APPLY_PATCH:
            return self._apply(request, target)
        old = self._existing(target)
        patch = _decoded_patch(request)
        try:
            new = self._patched(request, old, target, patch)
        except ApiserverPanic as panic:
            return Response(500, panic.message.encode(), "text/plain")
        resource = target.resource
        directive = validation.field_validation(request.arg("fieldValidation"), "PatchOptions")
        warnings: list[str] = []
        schema = self._decoding_schema(resource)
        if target.subresource != "status" and schema is not None:
            warnings = validation.check_patched(
                new, resource.group, resource.version, resource.kind, content_type, patch, directive, schema
            )
        expected = (patch.get("metadata") or {}).get("resourceVersion") if isinstance(patch, dict) else None
        response = self._store_update(request, target, old, new, expected)
        response.headers.extend(("Warning", validation.warning_header(text)) for text in warnings)
        return response

    def _patched(
        self, request: Request, old: dict[str, Any], target: Target, patch: Any, scale: bool = False
    ) -> dict[str, Any]:
        """old with the patch applied, by the patch type the request's Content-Type names."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        resource = target.resource
        try:
            if content_type == "application/json-patch+json":
                return clone(json_patch(old, patch))
            if content_type == "application/merge-patch+json":
                return clone(merge_patch(old, patch))
            if content_type == "application/strategic-merge-patch+json":
                kind = ("autoscaling", "v1", "Scale") if scale else (resource.group, resource.version, resource.kind)
                schema = PatchSchema.for_kind(*kind)
                if schema is None:
                    raise unsupported_media_type(_CUSTOM_PATCH_TYPES)
                return clone(strategic_merge_patch(old, patch, schema))
            raise unsupported_media_type(_PATCH_TYPES)
        except ApiserverPanic:
            raise
        except PatchError as error:
            raise ApiError(error.status, error.reason, error.message, error.details) from None

    def _identity_request(self, request: Request, user: UserInfo, target: Target) -> Response | None:
        """Reviews, whoami and service-account tokens: answered, never stored."""
        resource = target.resource
        if resource.group == "authorization.k8s.io" and resource.plural in REVIEW_KINDS:
            return _json(self.authorizer.review(resource.plural, user, self._body(request), target.namespace), 201)
        if target.key == "authentication.k8s.io/selfsubjectreviews":
            return _json(self_subject_review(user), 201)
        if target.key == "/serviceaccounts" and target.subresource == "token":
            answer = self.authenticator.token_request(target.namespace or "", target.name or "", self._body(request))
            return _json(answer, 201)
        return None

    def _component_statuses(self, request: Request, target: Target) -> Response:
        """Deprecated, and never stored: the real server asks the components when it is asked."""
        warning = [("Warning", virtual.COMPONENT_STATUS_WARNING)]
        if target.name is not None:
            found = virtual.component_status(target.name)
            if found is None:
                raise not_found("componentstatuses", target.name)
            response = self._table(request, target, [found], listing=False) if _wants_table(request) else _json(found)
        else:
            items = virtual.component_statuses()
            body = {"kind": "ComponentStatusList", "apiVersion": "v1", "metadata": {}, "items": items}
            response = self._table(request, target, items) if _wants_table(request) else _json(body)
        response.headers.extend(warning)
        return response

    def _resource_metrics(self, request: Request, target: Target, watching: bool) -> Response:
        """metrics-server's API: computed on request (kubesim/api/metrics.py), get and list only."""
        if request.method != "GET" or watching:
            raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        kind = "podmetrics" if target.resource.namespaced else "nodemetrics"
        if target.name is not None:
            found = (
                self.metrics.pod(target.namespace or "", target.name)
                if target.resource.namespaced
                else self.metrics.node(target.name)
            )
            if found is None:
                shown = f"{target.namespace}/{target.name}" if target.resource.namespaced else target.name
                raise not_found(kind, shown, "metrics.k8s.io")
            return self._table(request, target, [found], listing=False) if _wants_table(request) else _json(found)
        try:
            labels = parse_label_selector(request.arg("labelSelector") or "")
        except SelectorError as error:
            raise bad_request(str(error)) from None
        namespaced = target.resource.namespaced
        listed = self.metrics.pods(target.namespace, labels) if namespaced else self.metrics.nodes(labels)
        return self._table(request, target, listed["items"]) if _wants_table(request) else _json(listed)

    def _decode_checks(
        self, request: Request, target: Target, obj: dict[str, Any], options_kind: str
    ) -> list[tuple[str, str]]:
        """Unknown, duplicate and mistyped fields, as decoding the body on a real server finds them."""
        if request.payload is not None:
            return []  # an in-process caller's object was never text: there is nothing to decode
        resource = target.resource
        directive = validation.field_validation(request.arg("fieldValidation"), options_kind)
        is_json = request.headers.get("content-type", JSON).split(";")[0].strip() == JSON
        schema = self._decoding_schema(resource)
        if schema is None:
            return []
        warnings = validation.check_body(
            obj, resource.group, resource.version, resource.kind, directive, request.body if is_json else None, schema
        )
        return [("Warning", validation.warning_header(text)) for text in warnings]

    def _decoding_schema(self, resource: Resource) -> Any:
        """The schema bodies of this resource are decoded with: a built-in kind's, or a custom resource's from its
        CRD; None when there is none (nothing is pruned)."""
        built_in = validation.schema_for(resource.group, resource.version, resource.kind)
        if built_in is not None:
            return built_in
        custom = self._custom_schema(resource)
        return validation.custom_schema(custom) if custom is not None else None

    def _custom_causes(self, resource: Resource, obj: dict[str, Any]) -> list[tuple[str, str, str]]:
        schema = self._custom_schema(resource)
        return custom_validation.validate(obj, schema) if schema is not None else []

    def _custom_schema(self, resource: Resource) -> dict[str, Any] | None:
        crd = self.store.get(crds.CRD_KEY, "", f"{resource.plural}.{resource.group}") or {}
        versions = (crd.get("spec") or {}).get("versions") or []
        served = next((v for v in versions if isinstance(v, dict) and v.get("name") == resource.version), {})
        schema = (served.get("schema") or {}).get("openAPIV3Schema")
        return schema if isinstance(schema, dict) else None

    def _admit_pod(self, pod: dict[str, Any], namespace: str) -> None:
        """What the ServiceAccount, Priority and DefaultTolerationSeconds admission plugins do to a new pod."""
        spec = pod.get("spec") or {}
        account_name = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        account = self.store.get("/serviceaccounts", namespace, account_name)
        if account is None and account_name != "default":
            name = (pod.get("metadata") or {}).get("name", "")
            message = (
                f'pods "{name}" is forbidden: error looking up service account {namespace}/{account_name}: '
                f'serviceaccount "{account_name}" not found'
            )
            raise ApiError(403, "Forbidden", message, {"name": name, "kind": "pods"})
        class_name = spec.get("priorityClassName")
        priority_class = self.store.get("scheduling.k8s.io/priorityclasses", "", class_name) if class_name else None
        defaults.admit_pod(pod, meta.generated_name(""), account, priority_class)

    # -- server-side apply ----------------------------------------------------------------------------

    def _apply(self, request: Request, target: Target) -> Response:
        resource = target.resource
        assert target.name is not None
        live = self.store.get(target.key, target.store_namespace, target.name)
        if live is None and target.subresource:
            raise not_found(resource.plural, target.name, resource.group)
        force = request.arg("force") in ("1", "t", "T", "true", "TRUE", "True")
        try:
            config = decode_apply_patch(request.body)
            result = apply(
                live,
                config,
                request.arg("fieldManager") or "",
                force,
                self._apply_schema(resource),
                subresource=target.subresource or "",
                has_status="status" in resource.subresources,
            )
        except PatchError as error:
            raise ApiError(error.status, error.reason, error.message, error.details) from None
        name = (result.get("metadata") or {}).get("name") or ""
        if name != target.name:
            raise bad_request(f"the name of the object ({name}) does not match the name on the URL ({target.name})")
        if live is None:
            collection = Target(resource, target.namespace, None, None)
            return self._insert(request, collection, result, tracked=True)
        expected = (config.get("metadata") or {}).get("resourceVersion")
        return self._store_update(request, target, live, result, expected, tracked=True)

    def _apply_schema(self, resource: Resource) -> ApplySchema:
        builtin = ApplySchema.for_kind(resource.group, resource.version, resource.kind)
        if builtin is not None:
            return builtin
        return ApplySchema.for_custom_resource(
            resource.group, resource.version, resource.kind, self._custom_schema(resource)
        )

    @staticmethod
    def _manager(request: Request) -> str:
        return field_manager(request.arg("fieldManager"), request.headers.get("user-agent", ""))

    # -- the scale subresource ------------------------------------------------------------------------

    def _scale(self, request: Request, target: Target) -> Response:
        """`kubectl scale` reads and writes an autoscaling/v1 Scale that mirrors spec.replicas."""
        obj = self._existing(target)
        if request.method in ("PUT", "PATCH"):
            current = _scale_of(obj)
            if request.method == "PUT":
                wanted = self._body(request)
            else:
                scale_target = Target(target.resource, target.namespace, target.name, None)
                wanted = self._patched(request, current, scale_target, _decoded_patch(request), scale=True)
            replicas = (wanted.get("spec") or {}).get("replicas")
            if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
                raise invalid("Scale", target.name or "", "autoscaling", [_replicas_cause(replicas)])
            updated = clone(obj)
            updated.setdefault("spec", {})["replicas"] = replicas
            expected = (wanted.get("metadata") or {}).get("resourceVersion")
            parent = Target(target.resource, target.namespace, target.name, "scale")
            obj = self._store_update(request, parent, obj, updated, expected).payload
        return _json(_scale_of(obj))

    def _delete(self, request: Request, target: Target) -> Response:
        """Gone at once, or marked for deletion while finalizers (or the garbage collector's) have work to do."""
        resource = target.resource
        assert target.name is not None
        current = self._existing(target)
        options = self._delete_options(request)
        preconditions = options.get("preconditions") or {}
        for field in ("uid", "resourceVersion"):
            wanted = preconditions.get(field)
            if wanted and wanted != current["metadata"].get(field):
                raise conflict(resource.plural, target.name, resource.group)
        if request.arg("dryRun") == "All" or "All" in (options.get("dryRun") or []):
            return _json(current)
        if target.key == PODS and (pending := self._graceful_pod_deletion(request, current, options)):
            return _json(pending)
        if target.key == NAMESPACES and (current.get("spec") or {}).get("finalizers"):
            return _json(self._terminate_namespace(target, current))
        policy = request.arg("propagationPolicy") or options.get("propagationPolicy")
        finalizers = list(current["metadata"].get("finalizers") or [])
        dependents_finalizer = _PROPAGATION_FINALIZERS.get(policy or "")
        if dependents_finalizer and dependents_finalizer not in finalizers:
            finalizers.append(dependents_finalizer)
        if finalizers:
            marked = clone(current)
            marked["metadata"]["finalizers"] = finalizers
            marked["metadata"].setdefault("deletionTimestamp", meta.now())
            marked["metadata"]["deletionGracePeriodSeconds"] = 0  # a pod's grace period, if any, is over
            if marked == current:  # deleted again while its finalizers work: nothing changes, nothing is written
                return _json(current)
            return _json(self.store.update(target.key, target.store_namespace, target.name, marked))
        try:
            deleted = self.store.delete(target.key, target.store_namespace, target.name)
        except NotFound:
            raise not_found(resource.plural, target.name, resource.group) from None
        if target.key == crds.CRD_KEY:
            self._unserve_crd(deleted)
        return _json(deleted)

    # -- namespaces ----------------------------------------------------------------------------------

    def _terminate_namespace(self, target: Target, namespace: dict[str, Any]) -> dict[str, Any]:
        """Terminating until the namespace controller has emptied it and removed the `kubernetes` finalizer."""
        if namespace["metadata"].get("deletionTimestamp"):
            return namespace
        marked = clone(namespace)
        marked["metadata"]["deletionTimestamp"] = meta.now()
        marked["metadata"]["deletionGracePeriodSeconds"] = 0
        marked.setdefault("status", {})["phase"] = "Terminating"
        return self.store.update(NAMESPACES, "", target.name or "", marked)

    def _finalize_namespace(self, request: Request, target: Target) -> Response:
        """PUT namespaces/NAME/finalize: the spec finalizers change; with none left a terminating namespace goes."""
        current = self._existing(target)
        body = self._body(request)
        updated = clone(current)
        updated.setdefault("spec", {})["finalizers"] = list((body.get("spec") or {}).get("finalizers") or [])
        if not updated["spec"]["finalizers"]:
            del updated["spec"]["finalizers"]
        stored = self.store.update(NAMESPACES, "", target.name or "", updated)
        metadata = stored["metadata"]
        if (
            metadata.get("deletionTimestamp")
            and not stored["spec"].get("finalizers")
            and not metadata.get("finalizers")
        ):
            stored = self.store.delete(NAMESPACES, "", target.name or "")
        return _json(stored)

    # -- custom resources ----------------------------------------------------------------------------

    def _serve_crd(self, crd: dict[str, Any]) -> None:
        spec = crd.get("spec") or {}
        names = spec.get("names") or {}
        self.registry.remove_custom(str(spec.get("group")), str(names.get("plural")))
        for resource in crds.resources_of(crd):
            self.registry.add_custom(resource)
        self.openapi.add_custom_resource(crd)

    def _unserve_crd(self, crd: dict[str, Any]) -> None:
        """The custom resources go with their definition, as the API server's cleanup finalizer does."""
        spec = crd.get("spec") or {}
        group, plural = str(spec.get("group")), str((spec.get("names") or {}).get("plural"))
        key = f"{group}/{plural}"
        for obj in self.store.list(key):
            metadata = obj["metadata"]
            self.store.delete(key, metadata.get("namespace", ""), metadata["name"])
        self.registry.remove_custom(group, plural)
        self.openapi.remove_custom_resource(crd["metadata"]["name"])

    def _delete_options(self, request: Request) -> dict[str, Any]:
        if request.payload is None and not request.body.strip():
            return {}
        options = self._body(request)
        policy = options.get("propagationPolicy")
        if policy is not None and policy not in ("Foreground", "Background", "Orphan"):
            supported = '"Foreground", "Background", "Orphan"'
            raise bad_request(f'propagationPolicy: Unsupported value: "{policy}": supported values: {supported}')
        return options

    def _graceful_pod_deletion(
        self, request: Request, pod: dict[str, Any], options: dict[str, Any]
    ) -> dict[str, Any] | None:
        """A pod on a node stays Terminating until its kubelet has stopped it (pod_deletion.py); None: delete now."""
        marked = pod_deletion.marked_for_deletion(pod, options, request.arg("gracePeriodSeconds"))
        if marked is None or marked is pod:
            return marked
        return self.store.update(PODS, pod["metadata"]["namespace"], pod["metadata"]["name"], marked)

    def _delete_collection(self, request: Request, target: Target) -> Response:
        items = self._selected(request, target)
        options = self._delete_options(request) if target.key == PODS else {}
        for item in items:
            if target.key == PODS and self._graceful_pod_deletion(request, item, options):
                continue
            self.store.delete(target.key, target.store_namespace, item["metadata"]["name"])
        resource = target.resource
        return _json(
            {
                "kind": resource.list_kind_name,
                "apiVersion": resource.api_version,
                "metadata": {"resourceVersion": str(self.store.rv)},
                "items": items,
            }
        )

    @staticmethod
    def _check_kind(obj: dict[str, Any], resource: Resource) -> None:
        kind, api_version = obj.get("kind"), obj.get("apiVersion")
        if (kind and kind != resource.kind) or (api_version and api_version != resource.api_version):
            if api_version and api_version != resource.api_version:
                expected = resource.api_version
                raise bad_request(
                    f"the API version in the data ({api_version}) does not match the expected API version ({expected})"
                )
            raise bad_request(f"the kind in the data ({kind}) does not match the expected kind ({resource.kind})")
        obj["kind"], obj["apiVersion"] = resource.kind, resource.api_version

    # -- watch ---------------------------------------------------------------------------------------

    def _watch(self, request: Request, target: Target) -> StreamingResponse:
        try:
            labels = parse_label_selector(request.arg("labelSelector") or "")
            fields = parse_field_selector(request.arg("fieldSelector") or "").for_resource(
                target.resource.group, target.resource.plural
            )
        except SelectorError as error:
            raise bad_request(str(error)) from None
        rv_text = request.arg("resourceVersion") or ""
        initial = request.arg("sendInitialEvents") == "true" or rv_text in ("", "0")
        since = None if initial else int(rv_text) if rv_text.isdigit() else None
        namespace = target.namespace if target.resource.namespaced else None
        try:
            watcher = self.store.watch(target.key, namespace, since)
        except Expired:
            raise ApiError(410, "Expired", f"too old resource version: {rv_text} ({self.store.oldest_rv})") from None
        existing = self.store.list(target.key, namespace) if initial else []
        timeout = float(request.arg("timeoutSeconds") or 1800)
        as_table = _wants_table(request)
        bookmarks = request.arg("allowWatchBookmarks") == "true"

        def matches(obj: dict[str, Any]) -> bool:
            return labels.matches(obj.get("metadata", {}).get("labels") or {}) and fields.matches(obj)

        def encode(kind: str, obj: dict[str, Any]) -> bytes:
            if as_table and kind != BOOKMARK:
                obj = self._table(request, target, [obj]).payload
            return json.dumps({"type": kind, "object": obj}, separators=(",", ":")).encode() + b"\n"

        async def events() -> AsyncIterator[bytes]:
            deadline = time.monotonic() + timeout
            try:
                for obj in existing:
                    if matches(obj):
                        yield (
                            encode(ADDED, obj) if as_table else watch_line(ADDED, self.store.json_of(target.key, obj))
                        )
                if request.arg("sendInitialEvents") == "true" and bookmarks:
                    yield encode(BOOKMARK, self._bookmark(target, initial_end=True))
                while (left := deadline - time.monotonic()) > 0:
                    try:
                        event: Event = await asyncio.wait_for(watcher.queue.get(), min(left, _BOOKMARK_SECONDS))
                    except TimeoutError:
                        if bookmarks:
                            yield encode(BOOKMARK, self._bookmark(target))
                        continue
                    if matches(event.object):
                        yield encode(event.type, event.object) if as_table else event.line()
            finally:
                self.store.unwatch(watcher)

        return StreamingResponse(200, events(), JSON)

    def _bookmark(self, target: Target, initial_end: bool = False) -> dict[str, Any]:
        metadata: dict[str, Any] = {"resourceVersion": str(self.store.rv)}
        if initial_end:
            metadata["annotations"] = {_INITIAL_EVENTS_END: "true"}
        return {"kind": target.resource.kind, "apiVersion": target.resource.api_version, "metadata": metadata}


# Deleting with these policies leaves the object until the garbage collector has dealt with its dependents.
NAMESPACES = "/namespaces"
PODS = "/pods"
DAEMON_SETS = "apps/daemonsets"
_PROPAGATION_FINALIZERS = {"Foreground": "foregroundDeletion", "Orphan": "orphan"}
_CUSTOM_PATCH_TYPES = ("application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml")
_PATCH_TYPES = (*_CUSTOM_PATCH_TYPES, "application/strategic-merge-patch+json")


def _protobuf_message(error: Any, body: bytes, expected_kind: str) -> str:
    """Worded as the API server's decoder words it, with or without a readable envelope."""
    if error.kind:
        version = (error.api_version or "").rpartition("/")[2]
        return f'{error.kind} in version "{version}" cannot be handled as a {error.kind}: {error}'
    preview = body[:30].hex()
    return f"the object provided is unrecognized (must be of type {expected_kind}): {error} ({preview} ...)"


def _decoded_patch(request: Request) -> Any:
    if request.payload is not None:
        return request.payload
    try:
        return json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise bad_request(f"error decoding patch: {error}") from None


def _scale_of(obj: dict[str, Any]) -> dict[str, Any]:
    metadata = obj.get("metadata", {})
    selector = ((obj.get("spec") or {}).get("selector")) or {}
    if isinstance(selector, dict) and "matchLabels" not in selector and "matchExpressions" not in selector:
        selector_text = ",".join(
            f"{key}={value}" for key, value in sorted(selector.items())
        )  # a ReplicationController's map
    else:
        selector_text = str(label_selector_from_object(selector))
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            key: metadata[key]
            for key in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if key in metadata
        },
        "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 1)},
        "status": {"replicas": (obj.get("status") or {}).get("replicas", 0), "selector": selector_text},
    }


def _replicas_cause(replicas: Any) -> tuple[str, str, str]:
    if replicas is None:
        return ("spec.replicas", "FieldValueRequired", "Required value")
    return (
        "spec.replicas",
        "FieldValueInvalid",
        f"Invalid value: {json.dumps(replicas)}: must be greater than or equal to 0",
    )


def _wants_table(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "as=Table" in accept


def _name_required(resource: Resource) -> ApiError:
    return invalid(
        resource.kind,
        "",
        resource.group,
        [("metadata.name", "FieldValueRequired", "Required value: name or generateName is required")],
    )


def _page(
    items: list[dict[str, Any]], limit_text: str | None, token: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    start = 0
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode())
        except (ValueError, UnicodeDecodeError):
            raise ApiError(
                410, "Expired", "The provided continue parameter is too old to display a consistent list result."
            ) from None
    limit = int(limit_text) if limit_text and limit_text.isdigit() and int(limit_text) > 0 else None
    if limit is None:
        return items[start:], None
    end = start + limit
    next_token = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else None
    return items[start:end], next_token

"""The controllers' loopback client: API requests handled in-process, with the admin's identity.

Requests go through the API's whole handling (authorization, admission, validation, managed fields) but
never become text: the body is handed over as an object (a copy, since the API fills it in) and the answer
comes back as the object the API produced. Answers are the stored objects themselves: read them, never
change them, as with `Store.get`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from kubesim.api.clone import clone
from kubesim.api.handlers import Api
from kubesim.server.http import Request, Response


class ApiRequestFailed(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status}: {body.get('message', '')}")
        self.status, self.body = status, body


class LoopbackClient:
    def __init__(self, api: Api, token: str, manager: str) -> None:
        self.api, self.token, self.manager = api, token, manager

    async def get(self, path: str) -> dict[str, Any]:
        return await self._send("GET", path, None, "application/json")

    async def create(self, path: str, obj: dict[str, Any]) -> dict[str, Any]:
        return await self._send("POST", path, obj, "application/json")

    async def put(self, path: str, obj: dict[str, Any]) -> dict[str, Any]:
        return await self._send("PUT", path, obj, "application/json")

    async def patch_merge(self, path: str, patch: dict[str, Any]) -> dict[str, Any]:
        return await self._send("PATCH", path, patch, "application/merge-patch+json")

    async def patch_status(self, resource_key: str, obj: dict[str, Any], status: dict[str, Any]) -> None:
        """Merge status into obj's status subresource, unless every field already has that value; an object
        deleted meanwhile is no error (its controller will hear of the deletion)."""
        current = obj.get("status") or {}
        if all(current.get(name) == value for name, value in status.items()):
            return
        metadata = obj["metadata"]
        path = object_path(self.api, resource_key, metadata.get("namespace", ""), metadata["name"])
        if path is None:
            return
        try:
            await self.patch_merge(path + "/status", {"status": status})
        except ApiRequestFailed as error:
            if error.status != 404:
                raise

    async def delete(
        self, path: str, propagation: str = "Background", grace_period_seconds: int | None = None
    ) -> dict[str, Any]:
        """grace_period_seconds=0 force-deletes a pod (PodGC); None leaves the pod's own grace period."""
        options: dict[str, Any] = {"propagationPolicy": propagation}
        if grace_period_seconds is not None:
            options["gracePeriodSeconds"] = grace_period_seconds
        return await self._send("DELETE", path, options, "application/json")

    async def _send(self, method: str, path: str, body: Any, content_type: str) -> dict[str, Any]:
        query = urlencode({"fieldManager": self.manager}) if method in ("PATCH", "POST") else ""
        headers = {
            "authorization": f"Bearer {self.token}",
            "content-type": content_type,
            "user-agent": f"{self.manager}/v1.37.0 (linux/amd64) kubernetes",
            "accept": "application/json",
        }
        target = f"{path}?{query}" if query else path
        request = Request(method, target, headers, payload=clone(body) if body is not None else None)
        response = await self.api.handle(request)
        assert isinstance(response, Response)
        answer = response.payload if response.payload is not None else _decoded(response.body)
        if response.status >= 400:
            raise ApiRequestFailed(response.status, answer)
        return answer


def _decoded(body: bytes) -> dict[str, Any]:
    """An answer the API wrote as text (a plain-text 500, say)."""
    try:
        decoded = json.loads(body) if body else {}
    except ValueError:
        return {"message": body.decode("utf-8", "replace")}
    return decoded if isinstance(decoded, dict) else {}


def object_path(api: Api, resource_key: str, namespace: str, name: str) -> str | None:
    """The URL of a stored object, from its store key ("apps/deployments") and place."""
    group, _, plural = resource_key.partition("/")
    resource = api.registry.preferred(group, plural)
    if resource is None:
        return None
    prefix = f"/apis/{group}/{resource.version}" if group else f"/api/{resource.version}"
    if resource.namespaced:
        return f"{prefix}/namespaces/{namespace}/{plural}/{name}"
    return f"{prefix}/{plural}/{name}"

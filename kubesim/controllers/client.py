"""The controllers' loopback client: API requests handled in-process, with the admin's identity."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from kubesim.api.handlers import Api
from kubesim.server.http import Request, Response

USER_AGENT = "kube-controller-manager/v1.37.0 (linux/amd64) kubernetes"


class ApiRequestFailed(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status}: {body.get('message', '')}")
        self.status, self.body = status, body


class LoopbackClient:
    def __init__(self, api: Api, token: str, manager: str) -> None:
        self.api, self.token, self.manager = api, token, manager

    async def create(self, path: str, obj: dict[str, Any]) -> dict[str, Any]:
        return await self._send("POST", path, obj, "application/json")

    async def put(self, path: str, obj: dict[str, Any]) -> dict[str, Any]:
        return await self._send("PUT", path, obj, "application/json")

    async def patch_merge(self, path: str, patch: dict[str, Any]) -> dict[str, Any]:
        return await self._send("PATCH", path, patch, "application/merge-patch+json")

    async def delete(self, path: str, propagation: str = "Background") -> dict[str, Any]:
        return await self._send("DELETE", path, {"propagationPolicy": propagation}, "application/json")

    async def _send(self, method: str, path: str, body: Any, content_type: str) -> dict[str, Any]:
        query = urlencode({"fieldManager": self.manager}) if method in ("PATCH", "POST") else ""
        headers = {
            "authorization": f"Bearer {self.token}",
            "content-type": content_type,
            "user-agent": USER_AGENT,
            "accept": "application/json",
        }
        target = f"{path}?{query}" if query else path
        response = await self.api.handle(Request(method, target, headers, json.dumps(body).encode()))
        assert isinstance(response, Response)
        answer = json.loads(response.body) if response.body else {}
        if response.status >= 400:
            raise ApiRequestFailed(response.status, answer)
        return answer


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

"""The namespace controller: a terminating namespace is emptied, then its `kubernetes` finalizer removed.

Deleting a namespace only marks it Terminating; this controller deletes everything in it through the
API and, once nothing is left, finalizes it so that the API server removes the namespace itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubesim.controllers.client import ApiRequestFailed, object_path
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.runtime import Controller
from kubesim.store.store import Event, Key

NAMESPACES = "/namespaces"


class NamespaceController(Controller):
    name = "namespace-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.client = context.api, context.client(self.name)

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == NAMESPACES:
            yield (NAMESPACES, "", event.name)
        elif event.namespace and self._terminating(event.namespace):
            yield (NAMESPACES, "", event.namespace)

    def _terminating(self, name: str) -> bool:
        namespace = self.api.store.get(NAMESPACES, "", name)
        return bool(namespace and namespace["metadata"].get("deletionTimestamp"))

    async def reconcile(self, key: Key) -> None:
        namespace = self.api.store.get(*key)
        if namespace is None or not namespace["metadata"].get("deletionTimestamp"):
            return
        name = key[2]
        remaining = self._contents(name)
        for resource, obj in remaining:
            if not obj["metadata"].get("deletionTimestamp"):
                await self._delete(resource, name, obj["metadata"]["name"])
        if not remaining:
            body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "spec": {"finalizers": []}}
            await self.client.put(f"/api/v1/namespaces/{name}/finalize", body)

    def _contents(self, namespace: str) -> list[tuple[str, dict[str, Any]]]:
        return [
            (resource, obj)
            for resource in list(self.api.store.objects)
            if resource != NAMESPACES
            for obj in self.api.store.list(resource, namespace)
        ]

    async def _delete(self, resource: str, namespace: str, name: str) -> None:
        path = object_path(self.api, resource, namespace, name)
        if path is None:
            return
        try:
            await self.client.delete(path)
        except ApiRequestFailed as error:
            if error.status != 404:
                raise

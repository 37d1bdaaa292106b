"""Two controllers of every namespace: its `default` ServiceAccount and its `kube-root-ca.crt` ConfigMap.

- The serviceaccounts-controller gives every active namespace the ServiceAccount `default`, at once for a
  new namespace and again whenever it is deleted; pods that name no service account run as it.
- The root-ca-cert-publisher puts the cluster's CA bundle in a ConfigMap `kube-root-ca.crt` in every active
  namespace (pods mount it with their service account token), and puts it back when it is deleted or edited.

A terminating namespace is left alone: the namespace controller is emptying it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubesim.controllers.client import ApiRequestFailed, LoopbackClient
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import api_path
from kubesim.controllers.runtime import Controller
from kubesim.store.bootstrap.core import _ROOT_CA_DESCRIPTION, ROOT_CA_CONFIGMAP
from kubesim.store.store import Event, Key

NAMESPACES, SERVICE_ACCOUNTS, CONFIG_MAPS = "/namespaces", "/serviceaccounts", "/configmaps"
DEFAULT_ACCOUNT = "default"
DESCRIPTION_ANNOTATION = "kubernetes.io/description"
# Where the API server publishes the cluster CA; the controller manager is started with the same one.
CA_SOURCE = ("kube-system", "extension-apiserver-authentication", "client-ca-file")


class ServiceAccountsController(Controller):
    name = "service-account-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.client = context.api, context.client(self.name)

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == NAMESPACES:
            yield (NAMESPACES, "", event.name)
        elif event.resource == SERVICE_ACCOUNTS and event.name == DEFAULT_ACCOUNT:
            yield (NAMESPACES, "", event.namespace)

    async def reconcile(self, key: Key) -> None:
        namespace = key[2]
        if not _active(self.api.store.get(*key)):
            return
        if self.api.store.get(SERVICE_ACCOUNTS, namespace, DEFAULT_ACCOUNT) is not None:
            return
        account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": DEFAULT_ACCOUNT}}
        await _create(self.client, api_path("", "v1", "serviceaccounts", namespace), account)


class RootCACertPublisher(Controller):
    name = "root-ca-cert-publisher"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.client = context.api, context.client(self.name)

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == NAMESPACES:
            yield (NAMESPACES, "", event.name)
        elif event.resource == CONFIG_MAPS and event.name == ROOT_CA_CONFIGMAP:
            yield (NAMESPACES, "", event.namespace)

    async def reconcile(self, key: Key) -> None:
        namespace = key[2]
        ca_pem = self._root_ca()
        if ca_pem is None or not _active(self.api.store.get(*key)):
            return
        data = {"ca.crt": ca_pem}
        current = self.api.store.get(CONFIG_MAPS, namespace, ROOT_CA_CONFIGMAP)
        if current is None:
            metadata = {"name": ROOT_CA_CONFIGMAP, "annotations": {DESCRIPTION_ANNOTATION: _ROOT_CA_DESCRIPTION}}
            config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data}
            await _create(self.client, api_path("", "v1", "configmaps", namespace), config_map)
            return
        annotations = current["metadata"].get("annotations") or {}
        if current.get("data") == data and annotations.get(DESCRIPTION_ANNOTATION):
            return
        # Someone edited it: the bundle and its description are put back, the rest of their edit stays.
        restored = {**current, "data": data}
        restored["metadata"] = {
            **current["metadata"],
            "annotations": {**annotations, DESCRIPTION_ANNOTATION: _ROOT_CA_DESCRIPTION},
        }
        try:
            await self.client.put(api_path("", "v1", "configmaps", namespace, ROOT_CA_CONFIGMAP), restored)
        except ApiRequestFailed as error:
            if error.status != 404:
                raise

    def _root_ca(self) -> str | None:
        namespace, name, member = CA_SOURCE
        source = self.api.store.get(CONFIG_MAPS, namespace, name)
        ca_pem = (source or {}).get("data", {}).get(member)
        return ca_pem if isinstance(ca_pem, str) and ca_pem else None


def _active(namespace: dict[str, Any] | None) -> bool:
    return namespace is not None and not namespace["metadata"].get("deletionTimestamp")


async def _create(client: LoopbackClient, path: str, obj: dict[str, Any]) -> None:
    """Create, accepting that it may exist already or that its namespace has just started terminating."""
    try:
        await client.create(path, obj)
    except ApiRequestFailed as error:
        if error.status not in (403, 404, 409):
            raise

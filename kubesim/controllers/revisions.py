"""ControllerRevisions: the pod-template history of DaemonSets and StatefulSets, kept as their controllers keep it.

A revision (apps/v1 ControllerRevision) named `<owner>-<hash>` holds in `data` a strategic merge patch that
puts the owner's whole pod template back, `{"spec": {"template": {"$patch": "replace", ...}}}`, written as Go
writes a map (keys sorted), byte for byte what kubectl computes from the owner to see whether a revision is the
current one; a `revision` number; the owner's annotations; the template's labels plus `controller-revision-hash`;
and a controller reference to its owner. Numbers only grow: going back to an earlier template renumbers the
revision that recorded it instead of copying it. A name already taken by other data is a hash collision: the
owner's `status.collisionCount` grows and the hash is drawn again. `kubectl rollout history` lists an owner's
revisions and `kubectl rollout undo` patches the owner with one of them.
"""

from __future__ import annotations

import json
from typing import Any

from kubesim.api.selectors import LabelSelector
from kubesim.controllers.client import ApiRequestFailed, LoopbackClient
from kubesim.controllers.objects import api_path, controller_of, controller_reference, template_hash
from kubesim.store.store import Store

Obj = dict[str, Any]
REVISIONS = "apps/controllerrevisions"
HASH_LABEL = "controller-revision-hash"
NAME_PREFIX_LIMIT = 223  # ControllerRevisionName keeps a name plus "-<hash>" within 253 characters


def template_patch(owner: Obj) -> Obj:
    """The revision data that restores the owner's current pod template."""
    template = _comparable((owner.get("spec") or {}).get("template") or {})
    return _sorted({"spec": {"template": {**template, "$patch": "replace"}}})


def recorded_template(revision: Obj) -> Obj:
    """The pod template a revision restores."""
    template = dict(((revision.get("data") or {}).get("spec") or {}).get("template") or {})
    template.pop("$patch", None)
    return _comparable(template)


def records(revision: Obj, template: Obj) -> bool:
    """Whether the revision restores exactly this template (the real controllers compare the patches)."""
    return recorded_template(revision) == _comparable(template)


def number(revision: Obj) -> int:
    return int(revision.get("revision") or 0)


def hash_of(revision: Obj) -> str:
    return str(((revision.get("metadata") or {}).get("labels") or {}).get(HASH_LABEL, ""))


class History:
    """The revisions of owners of one kind, read from the store and written through a controller's client."""

    def __init__(self, store: Store, client: LoopbackClient) -> None:
        self.store, self.client = store, client

    async def claim(self, owner: Obj, selector: LabelSelector) -> list[Obj]:
        """The owner's revisions, oldest number first, after adopting orphans its selector matches and releasing
        its own that the selector no longer matches (ControllerRevisionControllerRefManager)."""
        metadata = owner["metadata"]
        owned = []
        for revision in self.store.list(REVISIONS, metadata["namespace"]):
            controller = controller_of(revision)
            matches = selector.matches((revision.get("metadata") or {}).get("labels") or {})
            if controller is not None and controller.get("uid") == metadata["uid"]:
                if matches:
                    owned.append(revision)
                else:
                    kept = [ref for ref in _references(revision) if ref.get("uid") != metadata["uid"]]
                    await self._set_owners(revision, kept)
            elif controller is None and matches and not metadata.get("deletionTimestamp"):
                adopted = await self._set_owners(revision, [*_references(revision), controller_reference(owner)])
                if adopted is not None:
                    owned.append(adopted)
        return sorted(owned, key=lambda revision: (number(revision), revision["metadata"]["name"]))

    async def create(self, owner: Obj, data: Obj, revision_number: int, collision_count: int) -> tuple[Obj, int]:
        """A new revision of `data`, and the collision count its name needed; an equal revision already stored
        under that name is the one returned."""
        metadata = owner["metadata"]
        template_labels = (((owner.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("labels")
        while True:
            digest = template_hash(data, collision_count)
            revision: Obj = {
                "apiVersion": "apps/v1",
                "kind": "ControllerRevision",
                "metadata": {
                    "name": f"{metadata['name'][:NAME_PREFIX_LIMIT]}-{digest}",
                    "namespace": metadata["namespace"],
                    "labels": {**(template_labels or {}), HASH_LABEL: digest},
                    "ownerReferences": [controller_reference(owner)],
                },
                "data": data,
                "revision": revision_number,
            }
            if metadata.get("annotations"):
                revision["metadata"]["annotations"] = dict(metadata["annotations"])
            try:
                return await self.client.create(_collection(metadata["namespace"]), revision), collision_count
            except ApiRequestFailed as error:
                if error.status != 409:
                    raise
            existing = self.store.get(REVISIONS, metadata["namespace"], revision["metadata"]["name"])
            if existing is not None and recorded_template(existing) == recorded_template(revision):
                return existing, collision_count
            collision_count += 1

    async def renumber(self, revision: Obj, revision_number: int) -> Obj:
        """The revision made the newest: how a rollback to an earlier template is recorded."""
        return await self.client.patch_merge(_path(revision), {"revision": revision_number})

    async def delete(self, revision: Obj) -> None:
        try:
            await self.client.delete(_path(revision))
        except ApiRequestFailed as error:
            if error.status != 404:
                raise

    async def _set_owners(self, revision: Obj, references: list[Obj]) -> Obj | None:
        try:
            return await self.client.patch_merge(_path(revision), {"metadata": {"ownerReferences": references or None}})
        except ApiRequestFailed as error:
            if error.status == 404:
                return None
            raise


def _comparable(template: Obj) -> Obj:
    """A template without a null creationTimestamp, which Go leaves out (omitzero) when it encodes one."""
    metadata = {
        name: value
        for name, value in (template.get("metadata") or {}).items()
        if not (name == "creationTimestamp" and value is None)
    }
    return {**template, "metadata": metadata}


def _sorted(value: Any) -> Any:
    """The value with every map's keys in sorted order, as Go's encoding/json writes maps."""
    return json.loads(json.dumps(value, sort_keys=True))


def _references(revision: Obj) -> list[Obj]:
    return [ref for ref in (revision.get("metadata") or {}).get("ownerReferences") or [] if isinstance(ref, dict)]


def _collection(namespace: str) -> str:
    return api_path("apps", "v1", "controllerrevisions", namespace)


def _path(revision: Obj) -> str:
    metadata = revision["metadata"]
    return api_path("apps", "v1", "controllerrevisions", metadata["namespace"], metadata["name"])

"""The garbage collector: dependents follow their owners, as ownerReferences and deletion policies say.

- An object whose owners are all gone is deleted (background cascading); references to owners that are
  gone are dropped when others remain.
- An owner deleted with `propagationPolicy: Orphan` carries the `orphan` finalizer: its dependents lose
  their reference to it, then the finalizer is removed and the deletion completes.
- An owner deleted with `Foreground` carries `foregroundDeletion`: its dependents are deleted first, and
  the finalizer is removed once none is left.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kubesim.controllers.client import ApiRequestFailed, object_path
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.runtime import Controller
from kubesim.store.store import DELETED, Event, Key

ORPHAN, FOREGROUND = "orphan", "foregroundDeletion"


class GarbageCollector(Controller):
    name = "garbage-collector"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.client = context.api, context.client(self.name)
        self.where: dict[str, Key] = {}  # uid -> the object's key
        self.dependents: defaultdict[str, set[Key]] = defaultdict(set)  # owner uid -> dependents' keys
        self.owners_of: dict[Key, set[str]] = {}

    def observe(self, event: Event) -> Iterable[Key]:
        key: Key = (event.resource, event.namespace, event.name)
        uid = event.object.get("metadata", {}).get("uid")
        previous_owners = self.owners_of.get(key, set())
        self._forget(key)
        if event.type == DELETED:
            if uid:
                self.where.pop(uid, None)
                yield from list(self.dependents.get(uid, ()))
            # An owner waiting in foreground deletion may now have no dependent left.
            yield from (self.where[owner] for owner in previous_owners if owner in self.where)
            return
        first_sight = bool(uid) and uid not in self.where
        if uid:
            self.where[uid] = key
        owners = {str(ref["uid"]) for ref in _owner_references(event.object) if ref.get("uid")}
        self.owners_of[key] = owners
        for owner in owners:
            self.dependents[owner].add(key)
        deleting = bool(event.object.get("metadata", {}).get("deletionTimestamp"))
        if owners or deleting:
            yield key
        # Dependents only have something to learn when their owner appears or starts going, not on every update.
        if uid and uid in self.dependents and (first_sight or deleting):
            yield from list(self.dependents[uid])

    def _forget(self, key: Key) -> None:
        for owner in self.owners_of.pop(key, ()):
            self.dependents[owner].discard(key)
            if not self.dependents[owner]:
                del self.dependents[owner]

    async def reconcile(self, key: Key) -> None:
        obj = self.api.store.get(*key)
        if obj is None:
            return
        metadata = obj["metadata"]
        finalizers = metadata.get("finalizers") or []
        if metadata.get("deletionTimestamp") and ORPHAN in finalizers:
            await self._orphan_dependents(metadata["uid"])
            await self._drop_finalizer(key, finalizers, ORPHAN)
        elif (
            metadata.get("deletionTimestamp")
            and FOREGROUND in finalizers
            and await self._delete_dependents(metadata["uid"]) == 0
        ):
            await self._drop_finalizer(key, finalizers, FOREGROUND)
        references = _owner_references(obj)
        if references:
            await self._collect_if_abandoned(key, obj, references)

    async def _orphan_dependents(self, owner_uid: str) -> None:
        for dependent in list(self.dependents.get(owner_uid, ())):
            obj = self.api.store.get(*dependent)
            if obj is not None:
                kept = [ref for ref in _owner_references(obj) if ref.get("uid") != owner_uid]
                await self._patch(dependent, {"metadata": {"ownerReferences": kept or None}})

    async def _delete_dependents(self, owner_uid: str) -> int:
        """Delete what is left of the owner's dependents; how many were still there."""
        remaining = [key for key in self.dependents.get(owner_uid, ()) if self.api.store.get(*key) is not None]
        for dependent in remaining:
            obj = self.api.store.get(*dependent)
            if obj is not None and not obj["metadata"].get("deletionTimestamp"):
                await self._delete(dependent, "Foreground")
        return len(remaining)

    async def _collect_if_abandoned(self, key: Key, obj: dict[str, Any], references: list[dict[str, Any]]) -> None:
        present = [ref for ref in references if ref.get("uid") in self.where]
        if not present:
            if not obj["metadata"].get("deletionTimestamp"):  # already going: deleting again changes nothing
                await self._delete(key, "Background")
        elif len(present) < len(references):
            await self._patch(key, {"metadata": {"ownerReferences": present}})

    async def _drop_finalizer(self, key: Key, finalizers: list[str], finalizer: str) -> None:
        remaining = [name for name in finalizers if name != finalizer]
        await self._patch(key, {"metadata": {"finalizers": remaining or None}})

    async def _patch(self, key: Key, patch: dict[str, Any]) -> None:
        path = object_path(self.api, *key)
        if path is not None:
            try:
                await self.client.patch_merge(path, patch)
            except ApiRequestFailed as error:
                if error.status != 404:
                    raise

    async def _delete(self, key: Key, propagation: str) -> None:
        path = object_path(self.api, *key)
        if path is not None:
            try:
                await self.client.delete(path, propagation)
            except ApiRequestFailed as error:
                if error.status != 404:
                    raise


def _owner_references(obj: dict[str, Any]) -> list[dict[str, Any]]:
    references = obj.get("metadata", {}).get("ownerReferences")
    return [ref for ref in references if isinstance(ref, dict)] if isinstance(references, list) else []

"""The resourcequota controller: each ResourceQuota's status says what its namespace is allowed and uses.

`status.hard` copies `spec.hard`; `status.used` adds up, for every resource in it, what the objects of the
namespace that fall in the quota's scopes use (kubesim/api/quota.py measures them), `0` where nothing
does. Usage goes up on admission (the API server charges a new object before storing it) and comes back
down here, when objects are deleted, pods finish, or a pod stuck terminating is past its grace period.
`kubectl describe quota` reads this status.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from kubesim.api import quota
from kubesim.api.quota import ResourceList
from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import api_path, is_terminating
from kubesim.controllers.runtime import Controller
from kubesim.store.store import DELETED, Event, Key

QUOTAS, PODS = "/resourcequotas", "/pods"
YIELD_EVERY = 500  # objects summed between two turns given to the rest of the event loop


class ResourceQuotaController(Controller):
    name = "resourcequota-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock, self.client = context.api, context.clock, context.client(self.name)
        # namespace -> quota name -> the store keys of what the quota counts
        self.counted: dict[str, dict[str, set[str]]] = {}
        # pod uid -> (generation, compute usage): a pod's resources are read once, not at every recount
        self.compute: dict[str, tuple[int, ResourceList]] = {}

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == QUOTAS:
            self._index(event)
            yield (QUOTAS, event.namespace, event.name)
            return
        if event.resource == PODS and event.type == DELETED:
            self.compute.pop(str(event.object["metadata"].get("uid")), None)
        for name, keys in self.counted.get(event.namespace, {}).items():
            if event.resource in keys:
                yield (QUOTAS, event.namespace, name)

    def _index(self, event: Event) -> None:
        quotas = self.counted.setdefault(event.namespace, {})
        if event.type == DELETED:
            quotas.pop(event.name, None)
        else:
            hard = (event.object.get("spec") or {}).get("hard") or {}
            quotas[event.name] = quota.measured_resource_keys(hard)
        if not quotas:
            del self.counted[event.namespace]

    async def reconcile(self, key: Key) -> float | None:
        resource_quota = self.api.store.get(*key)
        if resource_quota is None or is_terminating(resource_quota):
            return None
        hard = dict((resource_quota.get("spec") or {}).get("hard") or {})
        used, recount_in = await self._usage(key[1], quota.parse(hard), quota.quota_scopes(resource_quota))
        status = {member: value for member, value in (("hard", hard), ("used", quota.as_json(used))) if value}
        if (resource_quota.get("status") or {}) != status:
            path = api_path("", "v1", "resourcequotas", key[1], key[2]) + "/status"
            try:
                # The resourceVersion read first: a pod admitted meanwhile makes this a conflict, and a recount.
                await self.client.put(path, {**resource_quota, "status": status})
            except ApiRequestFailed as error:
                if error.status != 404:
                    raise
        return recount_in

    async def _usage(self, namespace: str, hard: ResourceList, scopes: list[Any]) -> tuple[ResourceList, float | None]:
        """What the namespace uses of each hard resource, and when a terminating pod stops counting."""
        used: ResourceList = {}
        soonest: float | None = None
        for resource_key in sorted(quota.measured_resource_keys(hard)):
            names = quota.matching_resources(resource_key, hard)
            total: ResourceList = dict.fromkeys(names, quota.ZERO)
            for position, obj in enumerate(self.api.store.list(resource_key, namespace), 1):
                if quota.in_scope(resource_key, obj, scopes):
                    total = quota.add(total, quota.usage(resource_key, obj, self._past_grace, self._compute_usage))
                    left = self._grace_left(obj) if resource_key == PODS else None
                    if left is not None and left > 0 and (soonest is None or left < soonest):
                        soonest = left
                if position % YIELD_EVERY == 0:
                    await asyncio.sleep(0)
            used.update(quota.mask(total, names))
        return used, soonest

    def _compute_usage(self, pod: dict[str, Any]) -> ResourceList:
        uid, generation = str(pod["metadata"].get("uid")), int(pod["metadata"].get("generation") or 0)
        cached = self.compute.get(uid)
        if cached is None or cached[0] != generation:
            cached = self.compute[uid] = (generation, quota.pod_compute_usage(pod))
        return cached[1]

    def _past_grace(self, pod: dict[str, Any]) -> bool:
        """A pod stuck terminating (its node lost, say) stops counting once its grace period is over."""
        left = self._grace_left(pod)
        return left is not None and left <= 0

    def _grace_left(self, pod: dict[str, Any]) -> float | None:
        metadata = pod["metadata"]
        grace = metadata.get("deletionGracePeriodSeconds")
        if not metadata.get("deletionTimestamp") or not isinstance(grace, int):
            return None
        return grace - self.clock.since(metadata["deletionTimestamp"])

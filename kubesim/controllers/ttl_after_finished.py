"""The TTL-after-finished controller: a finished Job with `ttlSecondsAfterFinished` is deleted that long after.

As kube-controller-manager's ttl-after-finished controller: the clock starts at the Job's Complete or Failed
condition (its lastTransitionTime) and runs in simulated seconds; the Job is deleted with foreground
propagation, so its pods go before it does. It records no events.
"""

from __future__ import annotations

from collections.abc import Iterable

from kubesim.controllers.client import ApiRequestFailed, object_path
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.job import Sightings, finished_condition
from kubesim.controllers.objects import is_terminating
from kubesim.controllers.runtime import Controller
from kubesim.store.store import DELETED, Event, Key

JOBS = "batch/jobs"


class TTLAfterFinishedController(Controller):
    name = "ttl-after-finished-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock, self.client = context.api, context.clock, context.client(self.name)
        self.finished = Sightings()

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource != JOBS:
            return
        uid = event.object["metadata"]["uid"]
        if event.type == DELETED:
            self.finished.forget(uid)
            return
        self.finished.note(uid, finished_condition(event.object) is not None)
        if _expires(event.object):
            yield (JOBS, event.namespace, event.name)

    async def reconcile(self, key: Key) -> float | None:
        job = self.api.store.get(*key)
        if job is None or is_terminating(job) or not _expires(job):
            return None
        finished = finished_condition(job)
        if finished is None:
            return None
        finished_at = self.finished.moment(job["metadata"]["uid"]) or finished.get("lastTransitionTime")
        left = float(job["spec"]["ttlSecondsAfterFinished"]) - self.clock.since(finished_at)
        if left > 0:
            return left
        path = object_path(self.api, *key)
        assert path is not None
        try:
            await self.client.delete(path, "Foreground")
        except ApiRequestFailed as error:
            if error.status != 404:
                raise
        return None


def _expires(job: dict) -> bool:
    """A finished Job that names a time to live."""
    return (job.get("spec") or {}).get("ttlSecondsAfterFinished") is not None and finished_condition(job) is not None

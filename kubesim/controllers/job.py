"""The Job controller: run pods until enough of them succeed, or give up, and say so in the Job's status.

It follows kube-controller-manager's job controller (Kubernetes 1.37):

- Pods are named `<job>-<random>` (Indexed: `<job>-<index>-<random>`, with the completion index as an
  annotation and a label, the hostname `<job>-<index>` and JOB_COMPLETION_INDEX in every container), owned
  by the Job, and carry the `batch.kubernetes.io/job-tracking` finalizer: a finished pod is first listed
  in `status.uncountedTerminatedPods`, then its finalizer is removed, then it moves to the `succeeded` or
  `failed` count. Counting so survives the pod's deletion and a restart of kubesim.
- At most `parallelism` pods run, and never more than the completions still missing. A failed pod is
  replaced after an exponential back-off (10 s doubling, at most 10 minutes, simulated) counted from the
  failures since the last success; the Job fails once more than `backoffLimit` pods failed (with
  `restartPolicy: OnFailure`, once the containers restarted that often), after `activeDeadlineSeconds`,
  or when a pod matches a FailJob rule of the `podFailurePolicy` (Ignore rules do not count a failure).
  Indexed Jobs may limit failures per index (`backoffLimitPerIndex`, `maxFailedIndexes`) and succeed
  early by a `successPolicy`.
- Finishing takes two steps, as since Kubernetes 1.31: the interim FailureTarget or SuccessCriteriaMet
  condition first (the running pods are then deleted), the final Failed or Complete condition (and the
  completionTime) once no pod is left terminating.
- A suspended Job deletes its running pods without counting them; resuming it restarts the clock of its
  active deadline.
"""

from __future__ import annotations

import asyncio
import copy
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kubesim.api import meta
from kubesim.clock import micro_time, parse_time
from kubesim.controllers.client import ApiRequestFailed, object_path
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import (
    OwnerIndex,
    api_path,
    condition,
    controller_of,
    controller_reference,
    is_pod_active,
    is_pod_ready,
    is_terminating,
    pod_path,
)
from kubesim.controllers.runtime import Controller
from kubesim.store.store import DELETED, Event, Key

JOBS, PODS = "batch/jobs", "/pods"
TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index"
INDEX_FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count"
INDEX_IGNORED_FAILURE_COUNT = "batch.kubernetes.io/job-index-ignored-failure-count"
COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX"
MANAGER = "kubernetes.io/job-controller"
POD_FAILURE_BACKOFF, MAX_POD_FAILURE_BACKOFF = 10.0, 600.0  # simulated seconds
BURST = 500  # pods created or deleted in one pass (MaxPodCreateDeletePerSync)
MAX_UNCOUNTED = 500  # finished pods counted in one pass, to keep the status small (MaxUncountedPods)
MAX_GENERATED_NAME = 58  # 63 characters less the 5 the API server appends
TERMINAL = ("Succeeded", "Failed")
FINAL_CONDITION = {"FailureTarget": "Failed", "SuccessCriteriaMet": "Complete"}  # the interim one, then the final

Obj = dict[str, Any]
Indexes = list[tuple[int, int]]  # ordered, disjoint, non-adjacent intervals of completion indexes


def finished_condition(job: Obj) -> Obj | None:
    """The Complete or Failed condition of a finished Job."""
    for kind in ("Complete", "Failed"):
        found = condition(job, kind)
        if found is not None and found.get("status") == "True":
            return found
    return None


class Sightings:
    """The moment, to the microsecond, this process saw objects reach a state (finished) they were seen out of.

    Stored timestamps have whole seconds, which at high speeds are many simulated seconds: back-offs and
    deadlines measured from them would come early. An object already in the state when first seen (after a
    restart) has no moment here, and its stored timestamp is used."""

    def __init__(self) -> None:
        self._before: set[str] = set()
        self._moments: dict[str, str] = {}

    def note(self, uid: str, reached: bool) -> None:
        if not reached:
            self._before.add(uid)
        elif uid in self._before:
            self._before.discard(uid)
            self._moments[uid] = micro_time()

    def forget(self, uid: str) -> None:
        self._before.discard(uid)
        self._moments.pop(uid, None)

    def moment(self, uid: str) -> str | None:
        return self._moments.get(uid)


@dataclass
class Finish:
    """How a Job ends: the interim condition first (FailureTarget, SuccessCriteriaMet), then the final one."""

    kind: str
    reason: str
    message: str

    @property
    def failing(self) -> bool:
        return self.kind in ("FailureTarget", "Failed")


@dataclass
class Uncounted:
    """status.uncountedTerminatedPods: finished pods listed before their finalizer goes, counted after it went."""

    succeeded: list[str]
    failed: list[str]

    @classmethod
    def of(cls, job: Obj) -> Uncounted:
        listed = (job.get("status") or {}).get("uncountedTerminatedPods") or {}
        return cls(list(listed.get("succeeded") or []), list(listed.get("failed") or []))

    def settle(self, holding: set[str], counts: dict[str, int]) -> None:
        """Count the pods that no longer hold the finalizer (holding: the uids of those that still do)."""
        counts["succeeded"] += sum(1 for uid in self.succeeded if uid not in holding)
        counts["failed"] += sum(1 for uid in self.failed if uid not in holding)
        self.succeeded = [uid for uid in self.succeeded if uid in holding]
        self.failed = [uid for uid in self.failed if uid in holding]

    def document(self) -> Obj:
        return {name: list(uids) for name, uids in (("succeeded", self.succeeded), ("failed", self.failed)) if uids}


@dataclass
class Sync:
    """What one pass over a Job found and decided (the real controller's syncJobCtx).

    `pods` is one snapshot, read at the start: a pod that finishes while the pass creates or deletes others
    is seen whole by the next pass, never half by this one."""

    job: Obj
    pods: list[Obj]
    active: int
    ready: int
    terminating: int
    succeeded: int
    failed: int
    conditions: list[Obj]
    start_time: str | None
    completion_time: str | None = None
    finish: Finish | None = None
    succeeded_indexes: Indexes = field(default_factory=list)
    failed_indexes: Indexes | None = None
    events: list[tuple[str, str, str]] = field(default_factory=list)  # (type, reason, message) once written
    again: list[float] = field(default_factory=list)  # simulated seconds after which time alone changes things


class JobController(Controller):
    name = "job-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock = context.api, context.clock
        self.client, self.events = context.client(self.name), context.recorder(self.name)
        self.pods = OwnerIndex()  # owner uid -> its pods
        self.finished = Sightings()  # pods, for back-offs
        self.started: dict[str, tuple[str, str]] = {}  # job uid -> (startTime as stored, the exact moment)

    # -- following the cluster ---------------------------------------------------------------------------

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == JOBS:
            yield (JOBS, event.namespace, event.name)
            if event.type == DELETED:  # its pods still holding the finalizer must be let go
                self.started.pop(event.object["metadata"]["uid"], None)
                yield from ((PODS, *place) for place in self.pods.owned_by(event.object["metadata"]["uid"]))
        elif event.resource == PODS:
            yield from self._observe_pod(event)

    def _observe_pod(self, event: Event) -> Iterable[Key]:
        place = (event.namespace, event.name)
        self.pods.forget(place)
        owner = controller_of(event.object)
        if owner is None or owner.get("kind") != "Job":
            if event.type != DELETED and _has_tracking_finalizer(event.object):
                yield (PODS, *place)
            return
        if event.type == DELETED:
            self.finished.forget(_uid(event.object))
        else:
            self.pods.add(place, str(owner.get("uid")))
            pod = event.object
            self.finished.note(_uid(pod), _phase(pod) in TERMINAL or is_terminating(pod))
        job = self.api.store.get(JOBS, event.namespace, str(owner.get("name")))
        if job is not None and job["metadata"]["uid"] == owner.get("uid") and finished_condition(job) is None:
            yield (JOBS, event.namespace, str(owner.get("name")))
        elif event.type != DELETED and _has_tracking_finalizer(event.object):
            yield (PODS, *place)

    async def reconcile(self, key: Key) -> float | None:
        if key[0] == PODS:
            await self._release_if_abandoned(key)
            return None
        job = self.api.store.get(*key)
        if job is None or finished_condition(job) is not None or _managed_elsewhere(job):
            return None
        if is_terminating(job):  # going away: its pods need no counting, only to be let go
            for pod in self._pods_of(job):
                await self._release(pod)
            return None
        return await self._sync(job)

    async def _release_if_abandoned(self, key: Key) -> None:
        """An orphan, or a pod of a Job that is gone or finished, loses the tracking finalizer."""
        pod = self.api.store.get(*key)
        if pod is None or not _has_tracking_finalizer(pod):
            return
        owner = controller_of(pod)
        if owner is not None and owner.get("kind") == "Job":
            job = self.api.store.get(JOBS, key[1], str(owner.get("name")))
            alive = job is not None and job["metadata"]["uid"] == owner.get("uid") and not is_terminating(job)
            if alive and job is not None and finished_condition(job) is None:
                return
        await self._release(pod)

    def _pods_of(self, job: Obj) -> list[Obj]:
        pods = (self.api.store.get(PODS, *place) for place in self.pods.owned_by(job["metadata"]["uid"]))
        return [pod for pod in pods if pod is not None]

    # -- one pass over a Job -----------------------------------------------------------------------------

    async def _sync(self, job: Obj) -> float | None:
        spec, status = job.get("spec") or {}, job.get("status") or {}
        uncounted = Uncounted.of(job)
        pods = self._pods_of(job)
        active_pods = [pod for pod in pods if is_pod_active(pod)]
        tracked = [pod for pod in pods if _has_tracking_finalizer(pod) and _valid_index(job, pod)]
        new_succeeded = [p for p in tracked if _uid(p) not in uncounted.succeeded and _phase(p) == "Succeeded"]
        new_failed = [p for p in tracked if _uid(p) not in uncounted.failed and _is_pod_failed(p, job)]
        state = Sync(
            job=job,
            pods=pods,
            active=len(active_pods),
            ready=sum(1 for pod in active_pods if is_pod_ready(pod)),
            terminating=sum(1 for pod in pods if _is_terminating_pod(pod)),
            succeeded=int(status.get("succeeded") or 0) + len(new_succeeded) + len(uncounted.succeeded),
            failed=int(status.get("failed") or 0)
            + sum(1 for pod in new_failed if _counts_as_failure(job, pod))
            + len(uncounted.failed),
            conditions=copy.deepcopy(status.get("conditions") or []),
            start_time=status.get("startTime") or (None if _suspended(job) else self._start(job)),
            completion_time=status.get("completionTime"),
        )
        state.finish = self._finish_by_failure(state)
        if spec.get("completionMode") == "Indexed":
            self._count_indexes(state)
        if state.finish is not None:
            await self._stop_pods(state, active_pods, counted=True)
        else:
            await self._manage(state, active_pods)
            if _complete(job, state):
                state.finish = Finish(
                    "SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"
                )
            else:
                self._note_suspension(state)
        await self._track(state, uncounted)
        return min(state.again, default=None)

    def _finish_by_failure(self, state: Sync) -> Finish | None:
        """A reason for the Job to end that is already decided, or a failure it has reached now."""
        job, spec = state.job, state.job.get("spec") or {}
        met = condition(job, "SuccessCriteriaMet")
        if met is not None and met.get("status") == "True":
            return Finish("SuccessCriteriaMet", met.get("reason", ""), met.get("message", ""))
        target = condition(job, "FailureTarget")
        if target is not None and target.get("status") == "True":
            return Finish("Failed", target.get("reason", ""), target.get("message", ""))
        message = _fail_job_message(job, state.pods)
        if message is not None:
            return Finish("FailureTarget", "PodFailurePolicy", message)
        if state.failed > int(spec.get("backoffLimit", 6)) or _past_backoff_limit_on_failure(job, state.pods):
            return Finish("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit")
        deadline = spec.get("activeDeadlineSeconds")
        if deadline is not None and state.start_time and not _suspended(job):
            left = float(deadline) - self.clock.since(self._exact_start(job, state.start_time))
            if left <= 0:
                return Finish("FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline")
            state.again.append(left)
        return None

    def _count_indexes(self, state: Sync) -> None:
        """Indexed Jobs count completed indexes, not pods; failed indexes end the Job as the limits say."""
        job, spec = state.job, state.job.get("spec") or {}
        completions = int(spec.get("completions") or 0)
        done = {_index(p) for p in state.pods if _phase(p) == "Succeeded" and _has_tracking_finalizer(p)}
        state.succeeded_indexes = _with_indexes(
            _parse_indexes(_job_status(job).get("completedIndexes"), completions), done
        )
        state.succeeded = _total(state.succeeded_indexes)
        if spec.get("backoffLimitPerIndex") is not None:
            failed = {_index(p) for p in state.pods if _has_tracking_finalizer(p) and _index_failed(job, p)}
            previous = _parse_indexes(_job_status(job).get("failedIndexes"), completions)
            state.failed_indexes = _with_indexes(previous, {ix for ix in failed if 0 <= ix < completions})
            limit = spec.get("maxFailedIndexes")
            total_failed = _total(state.failed_indexes)
            if state.finish is None and limit is not None and total_failed > int(limit):
                state.finish = Finish(
                    "FailureTarget",
                    "MaxFailedIndexesExceeded",
                    "Job has exceeded the specified maximal number of failed indexes",
                )
            elif state.finish is None and total_failed and total_failed + state.succeeded >= completions:
                state.finish = Finish("FailureTarget", "FailedIndexes", "Job has failed indexes")
        if state.finish is None:
            matched = _matched_success_rule(spec.get("successPolicy"), completions, state.succeeded_indexes)
            if matched is not None:
                state.finish = Finish("SuccessCriteriaMet", "SuccessPolicy", f"Matched rules at index {matched}")

    def _start(self, job: Obj) -> str:
        """A start time for the status, its exact moment remembered for the active deadline."""
        exact = micro_time()
        stored = exact[:19] + "Z"
        self.started[job["metadata"]["uid"]] = (stored, exact)
        return stored

    def _exact_start(self, job: Obj, stored: str) -> str:
        remembered = self.started.get(job["metadata"]["uid"])
        return remembered[1] if remembered is not None and remembered[0] == stored else stored

    def _finish_time(self, pod: Obj) -> str | None:
        return self.finished.moment(_uid(pod)) or _finish_time(pod)

    def _note_suspension(self, state: Sync) -> None:
        """The Suspended condition follows spec.suspend; resuming restarts the active deadline's clock."""
        if _suspended(state.job):
            state.conditions, changed = _ensure_condition(
                state.conditions, "Suspended", "True", "JobSuspended", "Job suspended"
            )
            if changed:
                state.events.append(("Normal", "Suspended", "Job suspended"))
            return
        state.conditions, changed = _ensure_condition(
            state.conditions, "Suspended", "False", "JobResumed", "Job resumed"
        )
        if changed:
            state.events.append(("Normal", "Resumed", "Job resumed"))
            state.start_time = self._start(state.job)

    # -- pods ------------------------------------------------------------------------------------------

    async def _manage(self, state: Sync, active_pods: list[Obj]) -> None:
        """Create or delete pods until as many run as the Job wants now."""
        job, spec = state.job, state.job.get("spec") or {}
        if _suspended(job):
            await self._stop_pods(state, _removal_order(active_pods), counted=False)
            return
        parallelism = int(spec.get("parallelism", 1))
        completions = spec.get("completions")
        if completions is None:  # a work queue: once one pod succeeded, the rest finish on their own
            wanted = state.active if state.succeeded > 0 else parallelism
        else:
            wanted = max(0, min(int(completions) - state.succeeded, parallelism))
        surplus = _pods_for_removal(job, active_pods, max(0, state.active - wanted))[:BURST]
        if surplus:
            await self._stop_pods(state, surplus, counted=False)
            return
        replacing = state.terminating if _only_replace_failed(job) else 0
        missing = min(wanted - replacing - state.active, BURST)
        if missing <= 0:
            return
        per_index = spec.get("backoffLimitPerIndex") is not None
        if not per_index:
            wait = self._backoff_left(self._backoff_history(job, state.pods))
            if wait > 0:
                state.again.append(wait)
                return
        indexes: list[int | None] = [None] * missing
        if spec.get("completionMode") == "Indexed":
            pending = _pending_indexes(state, active_pods, missing, int(completions or 0))
            if per_index:
                pending = self._indexes_past_backoff(state, pending)
            indexes = list(pending)
        for index in indexes:
            if await self._create_pod(job, index, state.pods):
                state.active += 1
            await asyncio.sleep(0)  # let the API answer others between creates of a big burst

    def _indexes_past_backoff(self, state: Sync, indexes: list[int]) -> list[int]:
        """The indexes whose own back-off is over; the wait for the soonest of the others is noted."""
        ready, waits = [], []
        for index in indexes:
            last = _last_failed_pod(state.job, state.pods, index)
            wait = 0.0 if last is None else self._backoff_left((_absolute_failures(last) + 1, self._finish_time(last)))
            if wait > 0:
                waits.append(wait)
            else:
                ready.append(index)
        if waits:
            state.again.append(min(waits))
        return ready

    def _backoff_history(self, job: Obj, pods: list[Obj]) -> tuple[int, str | None]:
        """Failures since the last success, and when the last of them happened."""
        finished = [
            (pod, self._finish_time(pod)) for pod in pods if _phase(pod) == "Succeeded" or _is_pod_failed(pod, job)
        ]
        finished.sort(key=lambda item: parse_time(item[1]) or 0.0)
        failures, last = 0, None
        for pod, finished_at in finished:
            if _phase(pod) == "Succeeded":
                failures, last = 0, None
            else:
                failures, last = failures + 1, finished_at
        return failures, last

    def _backoff_left(self, history: tuple[int, str | None]) -> float:
        """Simulated seconds until a pod may replace one that failed, after `failures` in a row."""
        failures, last_failure = history
        if failures == 0 or last_failure is None:
            return 0.0
        delay = min(POD_FAILURE_BACKOFF * 2 ** (failures - 1), MAX_POD_FAILURE_BACKOFF)
        return max(0.0, delay - self.clock.since(last_failure))

    async def _create_pod(self, job: Obj, index: int | None, pods: list[Obj]) -> bool:
        metadata = job["metadata"]
        pod = _pod_from_template(job, index, pods)
        try:
            made = await self.client.create(api_path("", "v1", "pods", metadata["namespace"]), pod)
        except ApiRequestFailed as error:
            self.events.warning(job, "FailedCreate", f"Error creating: {error.body.get('message', '')}")
            if _namespace_terminating(error):
                return False
            raise
        self.events.normal(job, "SuccessfulCreate", f"Created pod: {made['metadata']['name']}")
        return True

    async def _stop_pods(self, state: Sync, pods: list[Obj], counted: bool) -> None:
        """Delete running pods. Those the Job no longer wants (suspended, or too many) are let go first, so
        they are not counted; those of a Job that ends keep the finalizer, and count as failed if it fails."""
        for pod in pods:
            if not counted:
                await self._release(pod)
            await self._delete_pod(state.job, pod)
            state.active -= 1
            state.terminating += 1
            state.ready -= 1 if is_pod_ready(pod) else 0

    async def _delete_pod(self, job: Obj, pod: Obj) -> None:
        try:
            await self.client.delete(pod_path(pod))
        except ApiRequestFailed as error:
            if error.status == 404:
                return
            self.events.warning(job, "FailedDelete", f"Error deleting: {error.body.get('message', '')}")
            raise
        self.events.normal(job, "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}")

    async def _release(self, pod: Obj) -> None:
        """Remove the tracking finalizer (the list is read and written in one step of the event loop)."""
        fresh = self.api.store.get(PODS, pod["metadata"]["namespace"], pod["metadata"]["name"])
        if fresh is None or not _has_tracking_finalizer(fresh):
            return
        kept = [name for name in fresh["metadata"].get("finalizers") or [] if name != TRACKING_FINALIZER]
        try:
            await self.client.patch_merge(pod_path(fresh), {"metadata": {"finalizers": kept or None}})
        except ApiRequestFailed as error:
            if error.status != 404:
                raise

    # -- counting and status -----------------------------------------------------------------------------

    async def _track(self, state: Sync, uncounted: Uncounted) -> None:
        """List newly finished pods as uncounted, let them go, count them, and finish the Job when it may."""
        job = state.job
        to_release, full = self._list_finished(state, uncounted)
        final = self._interim_condition(state)
        counts = {
            "succeeded": int(_job_status(job).get("succeeded") or 0),
            "failed": int(_job_status(job).get("failed") or 0),
        }
        job = await self._write_status(job, self._status(state, counts, uncounted))
        for pod in to_release:
            await self._release(pod)
        released = {_uid(pod) for pod in to_release}
        uncounted.settle({_uid(p) for p in state.pods if _has_tracking_finalizer(p)} - released, counts)
        settled = not full and not uncounted.succeeded and not uncounted.failed and state.terminating == 0
        if final is not None and settled:
            state.conditions, _ = _ensure_condition(state.conditions, final.kind, "True", final.reason, final.message)
            if final.kind == "Complete":
                state.completion_time = meta.now()
            state.events.append(
                ("Normal", "Completed", "Job completed")
                if final.kind == "Complete"
                else ("Warning", final.reason, final.message)
            )
        await self._write_status(job, self._status(state, counts, uncounted))
        for kind, reason, message in state.events:
            self.events.record(job, kind, reason, message)

    @staticmethod
    def _list_finished(state: Sync, uncounted: Uncounted) -> tuple[list[Obj], bool]:
        """The pods whose finalizer may go (finished, or all of them when the Job ends), newly finished ones
        added to the uncounted lists (Indexed Jobs note succeeded indexes instead); whether the lists are full."""
        job = state.job
        indexed = (job.get("spec") or {}).get("completionMode") == "Indexed"
        completions = int((job.get("spec") or {}).get("completions") or 0)
        to_release, new_indexes = [], set()
        for pod in state.pods:
            failed = _is_pod_failed(pod, job)
            if not _has_tracking_finalizer(pod) or (state.finish is None and _phase(pod) != "Succeeded" and not failed):
                continue
            to_release.append(pod)
            uid = _uid(pod)
            if _phase(pod) == "Succeeded" and uid not in uncounted.failed:
                if indexed and 0 <= _index(pod) < completions:
                    new_indexes.add(_index(pod))
                elif not indexed and uid not in uncounted.succeeded:
                    uncounted.succeeded.append(uid)
            elif (failed or (state.finish is not None and state.finish.failing)) and _newly_failed(job, pod, uncounted):
                uncounted.failed.append(uid)  # a Job that fails counts every pod it stops as failed
            if len(new_indexes) + len(uncounted.succeeded) + len(uncounted.failed) >= MAX_UNCOUNTED:
                state.succeeded_indexes = _with_indexes(state.succeeded_indexes, new_indexes)
                return to_release, True
        state.succeeded_indexes = _with_indexes(state.succeeded_indexes, new_indexes)
        return to_release, False

    @staticmethod
    def _interim_condition(state: Sync) -> Finish | None:
        """Record FailureTarget or SuccessCriteriaMet now; return the final condition that follows it."""
        finish = state.finish
        if finish is None or finish.kind not in FINAL_CONDITION:
            return finish
        state.conditions, _ = _ensure_condition(state.conditions, finish.kind, "True", finish.reason, finish.message)
        return Finish(FINAL_CONDITION[finish.kind], finish.reason, finish.message)

    def _status(
        self,
        state: Sync,
        counts: dict[str, int],
        uncounted: Uncounted,
    ) -> Obj:
        """The status as the API shows a Job's: zero counters left out, ready and terminating always there."""
        job = state.job
        spec = job.get("spec") or {}
        indexed = spec.get("completionMode") == "Indexed"
        status: Obj = {}
        if state.conditions:
            status["conditions"] = state.conditions
        if state.start_time:
            status["startTime"] = state.start_time
        if state.completion_time:
            status["completionTime"] = state.completion_time
        if state.active > 0:
            status["active"] = state.active
        succeeded = _total(state.succeeded_indexes) if indexed else counts["succeeded"]
        if succeeded:
            status["succeeded"] = succeeded
        if counts["failed"]:
            status["failed"] = counts["failed"]
        status["terminating"] = max(0, state.terminating)
        if indexed and state.succeeded_indexes:
            status["completedIndexes"] = _format_indexes(state.succeeded_indexes)
        if state.failed_indexes is not None:
            status["failedIndexes"] = _format_indexes(state.failed_indexes)
        status["uncountedTerminatedPods"] = uncounted.document()
        status["ready"] = max(0, state.ready)
        return status

    async def _write_status(self, job: Obj, status: Obj) -> Obj:
        """PUT the status (as UpdateStatus does: a conflict fails the pass, which is then retried)."""
        if status == job.get("status"):
            return job
        metadata = job["metadata"]
        path = object_path(self.api, JOBS, metadata["namespace"], metadata["name"])
        assert path is not None
        return await self.client.put(path + "/status", {**job, "status": status})


def _job_status(job: Obj) -> Obj:
    return job.get("status") or {}


# --- pods of a Job ----------------------------------------------------------------------------------------


def _pod_from_template(job: Obj, index: int | None, pods: list[Obj]) -> Obj:
    """The pod the Job runs next: its template, owned and tracked, and for Indexed Jobs marked with its index."""
    spec = job.get("spec") or {}
    template = copy.deepcopy(spec.get("template") or {})
    metadata = template.get("metadata") or {}
    pod_spec = template.get("spec") or {}
    name = job["metadata"]["name"]
    finalizers = list(metadata.get("finalizers") or [])
    if TRACKING_FINALIZER not in finalizers:
        finalizers.append(TRACKING_FINALIZER)
    metadata["finalizers"] = finalizers
    metadata["ownerReferences"] = [controller_reference(job)]
    metadata["generateName"] = f"{name}-"
    if index is not None:
        metadata.setdefault("annotations", {})[COMPLETION_INDEX] = str(index)
        metadata.setdefault("labels", {})[COMPLETION_INDEX] = str(index)
        pod_spec["hostname"] = f"{name}-{index}"
        suffix = f"-{index}-"
        prefix = name + suffix
        metadata["generateName"] = (
            prefix if len(prefix) <= MAX_GENERATED_NAME else name[: MAX_GENERATED_NAME - len(suffix)] + suffix
        )
        for container in [*(pod_spec.get("initContainers") or []), *(pod_spec.get("containers") or [])]:
            _add_completion_index_env(container)
        if spec.get("backoffLimitPerIndex") is not None:
            counted, ignored = _new_index_failure_counts(job, _last_failed_pod(job, pods, index))
            metadata["annotations"][INDEX_FAILURE_COUNT] = str(counted)
            if ignored:
                metadata["annotations"][INDEX_IGNORED_FAILURE_COUNT] = str(ignored)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": pod_spec}


def _add_completion_index_env(container: Obj) -> None:
    env = container.setdefault("env", [])
    if any(variable.get("name") == COMPLETION_INDEX_ENV for variable in env):
        return
    selector = {"fieldPath": f"metadata.labels['{COMPLETION_INDEX}']"}
    env.append({"name": COMPLETION_INDEX_ENV, "valueFrom": {"fieldRef": selector}})


def _managed_elsewhere(job: Obj) -> bool:
    """spec.managedBy names another controller (MultiKueue, for one): this one leaves the Job alone."""
    manager = (job.get("spec") or {}).get("managedBy")
    return manager is not None and manager != MANAGER


def _has_tracking_finalizer(pod: Obj) -> bool:
    return TRACKING_FINALIZER in (pod.get("metadata", {}).get("finalizers") or [])


def _uid(pod: Obj) -> str:
    return str(pod["metadata"].get("uid", ""))


def _phase(pod: Obj) -> str:
    return str((pod.get("status") or {}).get("phase") or "")


def _suspended(job: Obj) -> bool:
    return bool((job.get("spec") or {}).get("suspend"))


def _is_terminating_pod(pod: Obj) -> bool:
    return is_terminating(pod) and _phase(pod) not in TERMINAL


def _only_replace_failed(job: Obj) -> bool:
    """podReplacementPolicy Failed (the default with a podFailurePolicy): a pod being deleted is not yet failed."""
    spec = job.get("spec") or {}
    return spec.get("podReplacementPolicy") == "Failed" or spec.get("podFailurePolicy") is not None


def _is_pod_failed(pod: Obj, job: Obj) -> bool:
    if _phase(pod) == "Failed":
        return True
    if _only_replace_failed(job):
        return False
    return is_terminating(pod) and _phase(pod) != "Succeeded"


def _complete(job: Obj, state: Sync) -> bool:
    completions = (job.get("spec") or {}).get("completions")
    if completions is None:
        return state.succeeded > 0 and state.active == 0
    return state.succeeded >= int(completions) and state.active == 0


def _past_backoff_limit_on_failure(job: Obj, pods: list[Obj]) -> bool:
    """restartPolicy OnFailure: the kubelet restarts containers in place; their restarts count as failures."""
    spec = job.get("spec") or {}
    if ((spec.get("template") or {}).get("spec") or {}).get("restartPolicy") != "OnFailure":
        return False
    restarts = 0
    for pod in pods:
        if _phase(pod) in ("Running", "Pending"):
            status = pod.get("status") or {}
            for container in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]:
                restarts += int(container.get("restartCount") or 0)
    limit = int(spec.get("backoffLimit", 6))
    return restarts > 0 if limit == 0 else restarts >= limit


def _removal_order(pods: list[Obj]) -> list[Obj]:
    """The pods least along first (controller.ActivePods): unscheduled, pending, not ready, most restarted, newest."""
    phase_rank = {"Pending": 0, "Unknown": 1, "Running": 2}
    newest_first = sorted(pods, key=lambda pod: pod["metadata"].get("creationTimestamp", ""), reverse=True)
    return sorted(
        newest_first,
        key=lambda pod: (
            bool((pod.get("spec") or {}).get("nodeName")),
            phase_rank.get(_phase(pod), 0),
            is_pod_ready(pod),
            -sum(int(c.get("restartCount") or 0) for c in (pod.get("status") or {}).get("containerStatuses") or []),
        ),
    )


def _pods_for_removal(job: Obj, pods: list[Obj], at_least: int) -> list[Obj]:
    """Indexed Jobs first drop pods without a valid index and duplicates of an index; then the least along."""
    remove: list[Obj] = []
    left = pods
    if (job.get("spec") or {}).get("completionMode") == "Indexed":
        completions = int((job.get("spec") or {}).get("completions") or 0)
        left = []
        by_index: defaultdict[int, list[Obj]] = defaultdict(list)
        for pod in pods:
            index = _index(pod)
            if 0 <= index < completions:
                by_index[index].append(pod)
            else:
                remove.append(pod)
        for same in by_index.values():
            ordered = _removal_order(same)
            remove.extend(ordered[:-1])
            left.append(ordered[-1])
    if len(remove) < at_least:
        remove.extend(_removal_order(left)[: at_least - len(remove)])
    return remove


def _finish_time(pod: Obj) -> str | None:
    """When a pod finished: its last container's end, else its Ready=False time, else its deletion less the grace."""
    status = pod.get("status") or {}
    ends = [
        ((c.get("state") or {}).get("terminated") or {}).get("finishedAt")
        for c in status.get("containerStatuses") or []
    ]
    if ends and all(ends):
        return max(str(end) for end in ends)
    ready = condition(pod, "Ready")
    if ready is not None and ready.get("status") == "False" and ready.get("lastTransitionTime"):
        return str(ready["lastTransitionTime"])
    deleted = parse_time(pod["metadata"].get("deletionTimestamp"))
    if deleted is not None:
        grace = int(pod["metadata"].get("deletionGracePeriodSeconds") or 0)
        return _timestamp(deleted - grace)
    return pod["metadata"].get("creationTimestamp")


def _timestamp(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _namespace_terminating(error: ApiRequestFailed) -> bool:
    causes = (error.body.get("details") or {}).get("causes") or []
    return any(cause.get("reason") == "NamespaceTerminating" for cause in causes) or (
        error.status == 403 and "being terminated" in str(error.body.get("message", ""))
    )


# --- the pod failure policy -------------------------------------------------------------------------------


def _match_pod_failure_policy(job: Obj, pod: Obj) -> tuple[str | None, bool, str | None]:
    """(the FailJob message, whether the failure counts, the action) of the first rule the failed pod matches."""
    policy = (job.get("spec") or {}).get("podFailurePolicy")
    if not policy:
        return None, True, None
    status = pod.get("status") or {}
    for number, rule in enumerate(policy.get("rules") or []):
        action = rule.get("action")
        if rule.get("onExitCodes") is not None:
            container = _matching_exit(status, rule["onExitCodes"])
            if container is None:
                continue
            exit_code = container["state"]["terminated"]["exitCode"]
            message = (
                f"Container {container.get('name')} for pod {pod['metadata']['namespace']}/{pod['metadata']['name']} "
                f"failed with exit code {exit_code} matching {action} rule at index {number}"
            )
        elif rule.get("onPodConditions") is not None:
            matched = _matching_condition(status, rule["onPodConditions"])
            if matched is None:
                continue
            message = (
                f"Pod {pod['metadata']['namespace']}/{pod['metadata']['name']} has condition {matched.get('type')} "
                f"matching {action} rule at index {number}"
            )
        else:
            continue
        if action == "Ignore":
            return None, False, action
        if action == "FailJob":
            return message, True, action
        return None, True, action  # Count, FailIndex
    return None, True, None


def _matching_exit(status: Obj, requirement: Obj) -> Obj | None:
    wanted = requirement.get("containerName")
    values = set(requirement.get("values") or [])
    for container in [*(status.get("containerStatuses") or []), *(status.get("initContainerStatuses") or [])]:
        terminated = (container.get("state") or {}).get("terminated")
        if not terminated or (wanted and container.get("name") != wanted):
            continue
        code = int(terminated.get("exitCode") or 0)
        if code != 0 and (code in values) == (requirement.get("operator") == "In"):
            return container
    return None


def _matching_condition(status: Obj, patterns: list[Obj]) -> Obj | None:
    for pod_condition in status.get("conditions") or []:
        for pattern in patterns:
            if pod_condition.get("type") == pattern.get("type") and pod_condition.get("status") == pattern.get(
                "status", "True"
            ):
                return pod_condition
    return None


def _fail_job_message(job: Obj, pods: list[Obj]) -> str | None:
    if not (job.get("spec") or {}).get("podFailurePolicy"):
        return None
    for pod in pods:
        if _is_pod_failed(pod, job):
            message, _, _ = _match_pod_failure_policy(job, pod)
            if message is not None:
                return message
    return None


def _newly_failed(job: Obj, pod: Obj, uncounted: Uncounted) -> bool:
    """A failed pod not yet listed, with a valid index, whose failure the pod failure policy counts."""
    return _uid(pod) not in uncounted.failed and _valid_index(job, pod) and _counts_as_failure(job, pod)


def _counts_as_failure(job: Obj, pod: Obj) -> bool:
    return _match_pod_failure_policy(job, pod)[1]


# --- indexes ----------------------------------------------------------------------------------------------


def _index(pod: Obj) -> int:
    """The pod's completion index, or -1 when it has none that reads as one."""
    value = (pod["metadata"].get("annotations") or {}).get(COMPLETION_INDEX)
    try:
        index = int(str(value))
    except ValueError:
        return -1
    return index if index >= 0 else -1


def _valid_index(job: Obj, pod: Obj) -> bool:
    spec = job.get("spec") or {}
    if spec.get("completionMode") != "Indexed":
        return True
    return 0 <= _index(pod) < int(spec.get("completions") or 0)


def _parse_indexes(text: str | None, completions: int) -> Indexes:
    """Intervals from "1,3-5,7", ignoring what is unreadable and what lies past the completions."""
    intervals: Indexes = []
    for part in (text or "").split(","):
        limits = part.split("-")
        try:
            first = int(limits[0])
            last = int(limits[1]) if len(limits) > 1 else first
        except ValueError:
            continue
        if first >= completions:
            break
        last = min(last, completions - 1)
        if intervals and intervals[-1][1] == first - 1:
            intervals[-1] = (intervals[-1][0], last)
        else:
            intervals.append((first, last))
    return intervals


def _with_indexes(intervals: Indexes, indexes: Iterable[int]) -> Indexes:
    merged: Indexes = []
    for first, last in sorted([*intervals, *((index, index) for index in indexes)]):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _format_indexes(intervals: Indexes) -> str:
    """As the controller writes completedIndexes: "0-2,4", two neighbours as "5,6"."""
    parts = []
    for first, last in intervals:
        if last == first:
            parts.append(str(first))
        else:
            parts.append(f"{first}{',' if last == first + 1 else '-'}{last}")
    return ",".join(parts)


def _total(intervals: Indexes) -> int:
    return sum(last - first + 1 for first, last in intervals)


def _has_index(intervals: Indexes, index: int) -> bool:
    return any(first <= index <= last for first, last in intervals)


def _pending_indexes(state: Sync, active_pods: list[Obj], count: int, completions: int) -> list[int]:
    """The lowest indexes that no pod runs and that neither succeeded nor failed for good."""
    taken = {_index(pod) for pod in active_pods}
    if _only_replace_failed(state.job):
        taken |= {_index(pod) for pod in state.pods if _is_terminating_pod(pod)}
    busy = _with_indexes(state.succeeded_indexes + (state.failed_indexes or []), (i for i in taken if i >= 0))
    pending: list[int] = []
    for index in range(completions):
        if len(pending) >= count:
            break
        if not _has_index(busy, index):
            pending.append(index)
    return pending


def _matched_success_rule(policy: Obj | None, completions: int, succeeded: Indexes) -> int | None:
    """The number of the first successPolicy rule the succeeded indexes satisfy."""
    if not policy or not succeeded:
        return None
    for number, rule in enumerate(policy.get("rules") or []):
        wanted_count = rule.get("succeededCount")
        if rule.get("succeededIndexes") is not None:
            required = _parse_indexes(rule["succeededIndexes"], completions)
            if not required:
                continue
            hits = sum(
                1 for first, last in required for index in range(first, last + 1) if _has_index(succeeded, index)
            )
            if (wanted_count is None and hits == _total(required)) or (
                wanted_count is not None and hits >= int(wanted_count)
            ):
                return number
        elif wanted_count is not None and _total(succeeded) >= int(wanted_count):
            return number
    return None


# --- failures per index -----------------------------------------------------------------------------------


def _annotation_count(pod: Obj, name: str) -> int:
    try:
        value = int((pod["metadata"].get("annotations") or {}).get(name, 0))
    except ValueError:
        return 0
    return value if 0 <= value < 2**31 else 0


def _absolute_failures(pod: Obj) -> int:
    return _annotation_count(pod, INDEX_FAILURE_COUNT) + _annotation_count(pod, INDEX_IGNORED_FAILURE_COUNT)


def _last_failed_pod(job: Obj, pods: list[Obj], index: int) -> Obj | None:
    """The failed pod of an index that carries the index's failure history furthest."""
    failed = [pod for pod in pods if _index(pod) == index and _is_pod_failed(pod, job)]
    return max(failed, key=lambda pod: (_absolute_failures(pod), parse_time(_finish_time(pod)) or 0.0), default=None)


def _new_index_failure_counts(job: Obj, replaced: Obj | None) -> tuple[int, int]:
    """The failure counts a new pod of an index carries: the replaced pod's, plus its own failure."""
    if replaced is None:
        return 0, 0
    counted = _annotation_count(replaced, INDEX_FAILURE_COUNT)
    ignored = _annotation_count(replaced, INDEX_IGNORED_FAILURE_COUNT)
    if _counts_as_failure(job, replaced):
        return counted + 1, ignored
    return counted, ignored + 1


def _index_failed(job: Obj, pod: Obj) -> bool:
    """An index fails for good when its pod's failures reach backoffLimitPerIndex, or on a FailIndex rule."""
    if not _is_pod_failed(pod, job):
        return False
    _, counts, action = _match_pod_failure_policy(job, pod)
    if action == "FailIndex":
        return True
    limit = int((job.get("spec") or {}).get("backoffLimitPerIndex") or 0)
    return counts and _annotation_count(pod, INDEX_FAILURE_COUNT) >= limit


# --- conditions -------------------------------------------------------------------------------------------


def _ensure_condition(
    conditions: list[Obj], kind: str, status: str, reason: str, message: str
) -> tuple[list[Obj], bool]:
    """ensureJobConditionStatus: set a condition (both times now when anything in it changes); a False one is
    only ever an update, never added. Returns the conditions and whether they changed."""
    now = meta.now()
    entry = {"type": kind, "status": status, "lastProbeTime": now, "lastTransitionTime": now}
    entry |= {"reason": reason} if reason else {}
    entry |= {"message": message} if message else {}
    for number, existing in enumerate(conditions):
        if existing.get("type") == kind:
            same = (existing.get("status"), existing.get("reason", ""), existing.get("message", ""))
            if same == (status, reason, message):
                return conditions, False
            return [*conditions[:number], entry, *conditions[number + 1 :]], True
    if status == "False":
        return conditions, False
    return [*conditions, entry], True

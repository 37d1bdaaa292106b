"""The CronJob controller: create a Job at each time the schedule names, and keep a short history of them.

It follows kube-controller-manager's cronjob controller (v2, Kubernetes 1.37):

- Schedules (robfig/cron: five fields, @hourly..., @every; `spec.timeZone`) are read on the SIMULATED
  clock: at `--speed 60` a `*/1 * * * *` CronJob runs every real second. Only the most recent missed
  time is run; one older than `startingDeadlineSeconds` is missed (MissSchedule).
- The Job for a scheduled time is named `<cronjob>-<scheduled time in minutes since the epoch>` (the name
  is the lock against running a time twice), owned by the CronJob, with the scheduled time in the
  `batch.kubernetes.io/cronjob-scheduled-timestamp` annotation.
- concurrencyPolicy Allow runs Jobs side by side, Forbid skips a time while one runs (JobAlreadyActive),
  Replace deletes the running ones first. A suspended CronJob creates nothing.
- Finished Jobs beyond successfulJobsHistoryLimit / failedJobsHistoryLimit are deleted, oldest first.
- status.active lists the running Jobs, lastScheduleTime the latest scheduled time, lastSuccessfulTime
  the latest completion.

Timestamps stay real: a scheduled time S (simulated) is stored as the real moment the simulated clock read
S, so `kubectl get cronjobs` shows LAST SCHEDULE as a few seconds ago. Stored times have whole seconds, so
at high speeds a simulated time read back from one is approximate; the scheduled-timestamp annotations of
the CronJob's Jobs give the exact latest time whenever one of them is left.
"""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kubesim.controllers.client import ApiRequestFailed, object_path
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.cron_schedule import Schedule, ScheduleError, most_recent, parse_schedule, until_next
from kubesim.controllers.job import finished_condition
from kubesim.controllers.objects import api_path, controller_of, controller_reference, is_terminating
from kubesim.controllers.runtime import Controller
from kubesim.store.store import DELETED, Event, Key

CRONJOBS, JOBS = "batch/cronjobs", "batch/jobs"
SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp"
TOO_MANY_MISSED = 100
UTC = datetime.UTC

Obj = dict[str, Any]


class CronJobController(Controller):
    name = "cronjob-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock = context.api, context.clock
        self.client, self.events = context.client(self.name), context.recorder(self.name)
        self.jobs_of: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)  # cronjob uid -> its Jobs
        self.owner_of: dict[tuple[str, str], str] = {}

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == CRONJOBS:
            yield (CRONJOBS, event.namespace, event.name)
        elif event.resource == JOBS:
            place = (event.namespace, event.name)
            previous = self.owner_of.pop(place, None)
            if previous is not None:
                self.jobs_of[previous].discard(place)
                if not self.jobs_of[previous]:
                    del self.jobs_of[previous]
            owner = controller_of(event.object)
            if owner is not None and owner.get("kind") == "CronJob":
                if event.type != DELETED:
                    self.owner_of[place] = str(owner.get("uid"))
                    self.jobs_of[str(owner.get("uid"))].add(place)
                yield (CRONJOBS, event.namespace, str(owner.get("name")))

    async def reconcile(self, key: Key) -> float | None:
        cron_job = self.api.store.get(*key)
        if cron_job is None:
            return None
        jobs = self._jobs_of(cron_job)
        status = copy.deepcopy(cron_job.get("status") or {})
        changed = await self._clean_up_finished(cron_job, jobs, status)
        changed = self._note_jobs(cron_job, jobs, status) or changed
        again = None
        if not is_terminating(cron_job):
            again, scheduled = await self._run_schedule(cron_job, jobs, status)
            changed = scheduled or changed
        if changed:
            await self._write_status(cron_job, status)
        return again

    def _jobs_of(self, cron_job: Obj) -> list[Obj]:
        uid = cron_job["metadata"]["uid"]
        jobs = (self.api.store.get(JOBS, *place) for place in list(self.jobs_of.get(uid, ())))
        return [job for job in jobs if job is not None and (controller_of(job) or {}).get("uid") == uid]

    # -- the Jobs already there --------------------------------------------------------------------------

    async def _clean_up_finished(self, cron_job: Obj, jobs: list[Obj], status: Obj) -> bool:
        """Delete the oldest finished Jobs past the history limits; whether the active list changed."""
        spec = cron_job.get("spec") or {}
        changed = False
        for kind, limit_field in (("Complete", "successfulJobsHistoryLimit"), ("Failed", "failedJobsHistoryLimit")):
            limit = spec.get(limit_field)
            if limit is None:
                continue
            finished = [job for job in jobs if (finished_condition(job) or {}).get("type") == kind]
            for job in sorted(finished, key=_start_order)[: max(0, len(finished) - int(limit))]:
                changed = await self._delete_job(cron_job, job, status) or changed
        return changed

    def _note_jobs(self, cron_job: Obj, jobs: list[Obj], status: Obj) -> bool:
        """Finished Jobs leave the active list, vanished ones too; the latest completion is remembered."""
        changed = False
        active_uids = {ref.get("uid") for ref in status.get("active") or []}
        for job in jobs:
            uid, done = job["metadata"]["uid"], finished_condition(job)
            if uid not in active_uids and done is None:
                self.events.warning(
                    cron_job,
                    "UnexpectedJob",
                    f"Saw a job that the controller did not create or forgot: {job['metadata']['name']}",
                )
            elif uid in active_uids and done is not None:
                _drop_active(status, uid)
                self.events.normal(
                    cron_job, "SawCompletedJob", f"Saw completed job: {job['metadata']['name']}, status: {done['type']}"
                )
                changed = True
            completed = (job.get("status") or {}).get("completionTime")
            if done is not None and done["type"] == "Complete" and completed:
                latest = status.get("lastSuccessfulTime")
                if latest is None or _parse(completed) > _parse(latest):
                    status["lastSuccessfulTime"] = completed
                    changed = True
        present = {job["metadata"]["uid"] for job in jobs}
        for ref in list(status.get("active") or []):
            if (
                ref.get("uid") not in present
                and self.api.store.get(JOBS, ref.get("namespace", ""), ref.get("name", "")) is None
            ):
                self.events.normal(cron_job, "MissingJob", f"Active job went missing: {ref.get('name')}")
                _drop_active(status, ref.get("uid"))
                changed = True
        return changed

    # -- the schedule ------------------------------------------------------------------------------------

    async def _run_schedule(self, cron_job: Obj, jobs: list[Obj], status: Obj) -> tuple[float | None, bool]:
        """Start the Job of the latest unmet scheduled time, if it is due; (simulated seconds to the next, changed)."""
        spec = cron_job.get("spec") or {}
        if spec.get("suspend"):
            return None, False
        text = str(spec.get("schedule") or "")
        if "TZ" in text:
            self.events.warning(
                cron_job,
                "UnsupportedSchedule",
                f'CRON_TZ or TZ used in schedule "{text}" is not officially supported, see '
                "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details",
            )
        elif spec.get("timeZone") is not None:
            text = f"TZ={spec['timeZone']} {text}"
        try:
            schedule = parse_schedule(text)
        except ScheduleError as error:
            if spec.get("timeZone") is not None and str(error).startswith("provided bad location"):
                zone = spec["timeZone"]
                self.events.warning(
                    cron_job, "UnknownTimeZone", f'invalid timeZone: "{zone}": unknown time zone {zone}'
                )
            else:
                self.events.warning(cron_job, "UnparseableSchedule", f'unparseable schedule: "{text}" : {error}')
            return None, False
        now = self.clock.simulated_now()
        earliest, exact = self._earliest(cron_job, jobs, status, now)
        deadline = spec.get("startingDeadlineSeconds")
        try:
            scheduled, missed = most_recent(schedule, _bounded(earliest, now, deadline), now)
        except ScheduleError as error:
            self.events.warning(cron_job, "InvalidSchedule", f"invalid schedule: {spec.get('schedule')} : {error}")
            return None, False
        if missed > TOO_MANY_MISSED:
            self.events.warning(
                cron_job,
                "TooManyMissedTimes",
                "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
            )
        again = until_next(schedule, earliest, now)
        if scheduled is None:
            return again, False
        if deadline is not None and scheduled + datetime.timedelta(seconds=int(deadline)) < now:
            when = scheduled.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
            self.events.warning(cron_job, "MissSchedule", f"Missed scheduled time to start a job: {when}")
            return again, False
        if self._seen_to(scheduled, _job_name(cron_job, scheduled), exact, status):
            return again, False
        if spec.get("concurrencyPolicy") == "Forbid" and status.get("active"):
            self.events.normal(
                cron_job,
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid",
            )
            return again, False
        if spec.get("concurrencyPolicy") == "Replace":
            await self._replace_active(cron_job, status)
        job = await self._create_job(cron_job, schedule, scheduled)
        if job is None:
            return again, True
        status.setdefault("active", []).append(_reference(job))
        status["lastScheduleTime"] = self._real_timestamp(scheduled)
        return again, True

    def _earliest(
        self, cron_job: Obj, jobs: list[Obj], status: Obj, now: datetime.datetime
    ) -> tuple[datetime.datetime, bool]:
        """The simulated time from which unmet schedule times are looked for (the last one run, else the
        creation), and whether it is exact: read from a Job's annotation rather than a whole-second timestamp.

        A run later than now comes from before a restart of kubesim, whose simulated clock starts again
        from the real time: then the stored lastScheduleTime places the last run, in the past."""
        last = status.get("lastScheduleTime")
        earliest = self._simulated(last or cron_job["metadata"].get("creationTimestamp"))
        if last is None:
            return earliest, False
        runs = [_parse(annotation) for annotation in (_scheduled_annotation(job) for job in jobs) if annotation]
        latest_run = max(runs, default=None)
        if latest_run is not None and earliest <= latest_run <= now:
            return latest_run, True
        return earliest, False

    def _seen_to(self, scheduled: datetime.datetime, name: str, exact: bool, status: Obj) -> bool:
        """Whether the scheduled time was already run: its Job is active, or (when the last run's time is only
        known to the second) it is the one lastScheduleTime records."""
        if name in {ref.get("name") for ref in status.get("active") or []}:
            return True
        return not exact and status.get("lastScheduleTime") == self._real_timestamp(scheduled)

    async def _replace_active(self, cron_job: Obj, status: Obj) -> None:
        for ref in list(status.get("active") or []):
            job = self.api.store.get(JOBS, ref.get("namespace", ""), ref.get("name", ""))
            if job is not None:
                await self._delete_job(cron_job, job, status)

    async def _create_job(self, cron_job: Obj, schedule: Schedule, scheduled: datetime.datetime) -> Obj | None:
        """Create the Job of a scheduled time; None when it exists already and is no longer running."""
        template = (cron_job.get("spec") or {}).get("jobTemplate") or {}
        template_meta = template.get("metadata") or {}
        zone = getattr(schedule, "zone", UTC)
        job: Obj = {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {
                "name": _job_name(cron_job, scheduled),
                "namespace": cron_job["metadata"]["namespace"],
                "labels": dict(template_meta.get("labels") or {}),
                "annotations": {
                    **(template_meta.get("annotations") or {}),
                    SCHEDULED_TIMESTAMP: _rfc3339(scheduled, zone),
                },
                "ownerReferences": [controller_reference(cron_job)],
            },
            "spec": copy.deepcopy(template.get("spec") or {}),
        }
        namespace = cron_job["metadata"]["namespace"]
        try:
            made = await self.client.create(api_path("batch", "v1", "jobs", namespace), job)
        except ApiRequestFailed as error:
            if error.status != 409:
                self.events.warning(cron_job, "FailedCreate", f"Error creating job: {error.body.get('message', '')}")
                raise
            existing = self.api.store.get(JOBS, namespace, job["metadata"]["name"])
            mine = existing is not None and (controller_of(existing) or {}).get("uid") == cron_job["metadata"]["uid"]
            # Created before, but the status did not say so (a failed status write): it is ours to list.
            return existing if mine and existing is not None and finished_condition(existing) is None else None
        self.events.normal(cron_job, "SuccessfulCreate", f"Created job {made['metadata']['name']}")
        return made

    async def _delete_job(self, cron_job: Obj, job: Obj, status: Obj) -> bool:
        path = object_path(self.api, JOBS, job["metadata"]["namespace"], job["metadata"]["name"])
        assert path is not None
        try:
            await self.client.delete(path, "Background")
        except ApiRequestFailed as error:
            if error.status != 404:
                self.events.warning(cron_job, "FailedDelete", f"Deleted job: {error.body.get('message', '')}")
                return False
        _drop_active(status, job["metadata"]["uid"])
        self.events.normal(cron_job, "SuccessfulDelete", f"Deleted job {job['metadata']['name']}")
        return True

    async def _write_status(self, cron_job: Obj, status: Obj) -> None:
        if not status.get("active"):
            status.pop("active", None)
        metadata = cron_job["metadata"]
        path = object_path(self.api, CRONJOBS, metadata["namespace"], metadata["name"])
        assert path is not None
        fresh = self.api.store.get(CRONJOBS, metadata["namespace"], metadata["name"])
        if fresh is not None:
            await self.client.put(path + "/status", {**fresh, "status": status})

    # -- simulated and real time -------------------------------------------------------------------------

    def _simulated(self, timestamp: str | None) -> datetime.datetime:
        """Where a real timestamp lies on the simulated timeline."""
        return self.clock.simulated_now() - datetime.timedelta(seconds=self.clock.since(timestamp))

    def _real_timestamp(self, simulated: datetime.datetime) -> str:
        """The real moment (whole seconds, as stored) at which the simulated clock read `simulated`."""
        ahead = (self.clock.simulated_now() - simulated).total_seconds() / self.clock.speed
        moment = datetime.datetime.now(UTC) - datetime.timedelta(seconds=ahead)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _bounded(earliest: datetime.datetime, now: datetime.datetime, deadline: Any) -> datetime.datetime:
    """Nothing older than startingDeadlineSeconds is started."""
    if deadline is None:
        return earliest
    return max(earliest, now - datetime.timedelta(seconds=int(deadline)))


def _job_name(cron_job: Obj, scheduled: datetime.datetime) -> str:
    return f"{cron_job['metadata']['name']}-{int(scheduled.timestamp()) // 60}"


def _reference(job: Obj) -> Obj:
    metadata = job["metadata"]
    return {
        "kind": "Job",
        "namespace": metadata["namespace"],
        "name": metadata["name"],
        "uid": metadata["uid"],
        "apiVersion": "batch/v1",
        "resourceVersion": metadata.get("resourceVersion", ""),
    }


def _drop_active(status: Obj, uid: Any) -> None:
    status["active"] = [ref for ref in status.get("active") or [] if ref.get("uid") != uid]


def _start_order(job: Obj) -> tuple[bool, str, str]:
    """Oldest first by status.startTime (Jobs not started last), then by name."""
    started = (job.get("status") or {}).get("startTime")
    return (started is None, str(started or ""), job["metadata"]["name"])


def _scheduled_annotation(job: Obj) -> str | None:
    return (job["metadata"].get("annotations") or {}).get(SCHEDULED_TIMESTAMP)


def _parse(timestamp: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def _rfc3339(moment: datetime.datetime, zone: datetime.tzinfo) -> str:
    """Go's time.RFC3339 in the schedule's zone: "Z" for a zero offset, else "+02:00"."""
    local = moment.astimezone(zone)
    offset = local.utcoffset() or datetime.timedelta(0)
    if not offset:
        return local.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = local.strftime("%Y-%m-%dT%H:%M:%S%z")
    return f"{text[:-2]}:{text[-2:]}"

"""Graceful deletion of pods, as the API server's pod strategy and generic registry do it.

Deleting a pod that runs on a node does not remove it: the API server sets deletionTimestamp (now plus the
grace period) and deletionGracePeriodSeconds, and the pod shows as Terminating until its kubelet has stopped
its containers and deletes it again with a grace period of 0. The grace period is DeleteOptions'
gracePeriodSeconds, else the pod's spec.terminationGracePeriodSeconds (30 by default). A pod that is not
bound to a node, or already Succeeded or Failed, or deleted with gracePeriodSeconds 0 (`kubectl delete
--grace-period=0 --force`) goes at once. Deleting a pod that is already terminating can only shorten its
grace period, and keeps the moment the deletion was first asked for.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

Obj = dict[str, Any]
DEFAULT_GRACE_SECONDS = 30


def grace_period(pod: Obj, options: Obj, query: str | None = None) -> int:
    """The grace period a deletion asks for (podStrategy.CheckGracefulDelete); `query` is ?gracePeriodSeconds=."""
    spec = pod.get("spec") or {}
    asked = options.get("gracePeriodSeconds")
    if query is not None and query.lstrip("-").isdigit():
        asked = int(query)
    if isinstance(asked, int) and not isinstance(asked, bool):
        period = asked
    else:
        default = spec.get("terminationGracePeriodSeconds")
        period = default if isinstance(default, int) and not isinstance(default, bool) else DEFAULT_GRACE_SECONDS
    if not spec.get("nodeName") or (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return 0
    return period if period >= 0 else 1  # the delete path takes a negative grace period as 1 s


def marked_for_deletion(pod: Obj, options: Obj, query: str | None = None) -> Obj | None:
    """The pod as it stays while its kubelet stops it (the same object when nothing changes), or None when it is
    to be deleted now."""
    period = grace_period(pod, options, query)
    metadata = pod["metadata"]
    current = metadata.get("deletionGracePeriodSeconds")
    if metadata.get("deletionTimestamp"):
        if not current or period == 0:
            return None
        if period >= current:
            return pod
        asked_at = _parse(metadata["deletionTimestamp"]) - datetime.timedelta(seconds=current)
        return _marked(pod, asked_at, period)
    if period == 0:
        return None
    marked = _marked(pod, datetime.datetime.now(datetime.UTC), period)
    if marked["metadata"].get("generation"):
        marked["metadata"]["generation"] += 1  # as the API server's BeforeDelete does for a graceful deletion
    return marked


def _marked(pod: Obj, asked_at: datetime.datetime, period: int) -> Obj:
    marked = copy.deepcopy(pod)
    deadline = asked_at + datetime.timedelta(seconds=period)
    marked["metadata"]["deletionTimestamp"] = deadline.strftime("%Y-%m-%dT%H:%M:%SZ")
    marked["metadata"]["deletionGracePeriodSeconds"] = period
    return marked


def _parse(timestamp: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))

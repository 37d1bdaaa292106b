"""The arithmetic of Deployment rollouts, as the Deployment controller's utilities compute it.

Pure functions over Deployment and ReplicaSet objects: the maxSurge / maxUnavailable fenceposts (surge
rounds up, unavailable rounds down, and both resolving to 0 means 1 unavailable), how far the new
ReplicaSet may grow and the old ones shrink, proportional scaling of every active ReplicaSet when
`spec.replicas` changes mid-rollout, the status summed over the ReplicaSets, and the conditions with
their reasons and messages. The controller (deployment.py) does the writing.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from kubesim.clock import Clock
from kubesim.controllers.objects import REPLICA_FAILURE, with_condition

Obj = dict[str, Any]

HASH_LABEL = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
# Never copied from a Deployment to its ReplicaSets: each side keeps its own.
NOT_COPIED = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION,
        REVISION_HISTORY,
        DESIRED_REPLICAS,
        MAX_REPLICAS,
        "deprecated.deployment.rollback.to",
    }
)
REVISION_HISTORY_CHARS = 2000
NO_DEADLINE = 2**31 - 1  # progressDeadlineSeconds at MaxInt32 means "never time out"

AVAILABLE, PROGRESSING = "Available", "Progressing"
NEW_RS_CREATED, FOUND_NEW_RS, RS_UPDATED = "NewReplicaSetCreated", "FoundNewReplicaSet", "ReplicaSetUpdated"
NEW_RS_AVAILABLE, TIMED_OUT = "NewReplicaSetAvailable", "ProgressDeadlineExceeded"
PAUSED, RESUMED = "DeploymentPaused", "DeploymentResumed"


# -- sizes -----------------------------------------------------------------------------------------


def replicas(obj: Obj) -> int:
    """spec.replicas of a Deployment or ReplicaSet."""
    value = (obj.get("spec") or {}).get("replicas")
    return 1 if value is None else int(value)


def status_count(obj: Obj, field: str) -> int:
    return int((obj.get("status") or {}).get(field) or 0)


def is_rolling(deployment: Obj) -> bool:
    return _strategy(deployment).get("type", "RollingUpdate") == "RollingUpdate"


def is_recreate(deployment: Obj) -> bool:
    return _strategy(deployment).get("type") == "Recreate"


def _strategy(deployment: Obj) -> Obj:
    return (deployment.get("spec") or {}).get("strategy") or {}


def scaled_value(value: Any, total: int, round_up: bool) -> int:
    """An int-or-percent against a total: intstr.GetScaledValueFromIntOrPercent."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        share = int(value[:-1]) * total
        return -(-share // 100) if round_up else share // 100
    return 0  # validation rejects anything else


def fenceposts(deployment: Obj) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) resolved against spec.replicas."""
    rolling = _strategy(deployment).get("rollingUpdate") or {}
    desired = replicas(deployment)
    surge = scaled_value(rolling.get("maxSurge", 0), desired, round_up=True)
    unavailable = scaled_value(rolling.get("maxUnavailable", 0), desired, round_up=False)
    if surge == 0 and unavailable == 0:
        unavailable = 1  # percentages may both round to 0; a rollout must still move (surge may hit quota)
    return surge, unavailable


def max_surge(deployment: Obj) -> int:
    return fenceposts(deployment)[0] if is_rolling(deployment) else 0


def max_unavailable(deployment: Obj) -> int:
    desired = replicas(deployment)
    if not is_rolling(deployment) or desired == 0:
        return 0
    return min(fenceposts(deployment)[1], desired)


def total_replicas(replicasets: list[Obj]) -> int:
    """The pods the ReplicaSets are asked for (spec)."""
    return sum(replicas(rs) for rs in replicasets)


def active(replicasets: list[Obj]) -> list[Obj]:
    return [rs for rs in replicasets if replicas(rs) > 0]


def new_replicaset_size(deployment: Obj, replicasets: list[Obj], new: Obj) -> int:
    """How big the new ReplicaSet may be now: up to replicas + maxSurge pods in all (Recreate: all at once)."""
    if not is_rolling(deployment):
        return replicas(deployment)
    ceiling = replicas(deployment) + max_surge(deployment)
    current = total_replicas(replicasets)
    if current >= ceiling:
        return replicas(new)
    return replicas(new) + min(ceiling - current, replicas(deployment) - replicas(new))


def old_scale_down_room(deployment: Obj, replicasets: list[Obj], new: Obj) -> int:
    """How many old pods may go without availability falling below replicas - maxUnavailable.

    The new ReplicaSet's pods that are not available yet count as unavailable already."""
    minimum_available = replicas(deployment) - max_unavailable(deployment)
    new_unavailable = replicas(new) - status_count(new, "availableReplicas")
    return total_replicas(replicasets) - minimum_available - new_unavailable


# -- ordering ----------------------------------------------------------------------------------------


def by_creation(replicaset: Obj) -> tuple[str, str]:
    return (replicaset["metadata"].get("creationTimestamp", ""), replicaset["metadata"]["name"])


def revision(obj: Obj) -> int:
    """The revision annotation as a number (0 when missing or unreadable)."""
    value = ((obj.get("metadata") or {}).get("annotations") or {}).get(REVISION, "")
    return int(value) if value.isdigit() else 0


def max_revision(replicasets: list[Obj]) -> int:
    return max((revision(rs) for rs in replicasets), default=0)


# -- templates and annotations ----------------------------------------------------------------------------


def without_hash(template: Obj) -> Obj:
    """A pod template with the pod-template-hash label removed, to compare a ReplicaSet's with its Deployment's."""
    stripped = copy.deepcopy(template or {})
    labels = (stripped.get("metadata") or {}).get("labels")
    if labels:
        labels.pop(HASH_LABEL, None)
        if not labels:
            del stripped["metadata"]["labels"]
    return stripped


def find_new(deployment: Obj, replicasets: list[Obj]) -> Obj | None:
    """The (oldest) ReplicaSet whose template is the Deployment's."""
    wanted = without_hash((deployment.get("spec") or {}).get("template") or {})
    for replicaset in sorted(replicasets, key=by_creation):
        if without_hash((replicaset.get("spec") or {}).get("template") or {}) == wanted:
            return replicaset
    return None


def replica_annotations(deployment: Obj) -> dict[str, str]:
    return {
        DESIRED_REPLICAS: str(replicas(deployment)),
        MAX_REPLICAS: str(replicas(deployment) + max_surge(deployment)),
    }


def new_replicaset_annotations(deployment: Obj, current: dict[str, str], new_revision: int) -> dict[str, str]:
    """The new ReplicaSet's annotations: the Deployment's copied, its revision raised to new_revision.

    A ReplicaSet that served an older revision (a rollback to it) keeps that revision in revision-history."""
    annotations = dict(current)
    for name, value in ((deployment.get("metadata") or {}).get("annotations") or {}).items():
        if name not in NOT_COPIED:
            annotations[name] = value
    previous = current.get(REVISION, "")
    if previous and not previous.isdigit():
        return annotations
    if int(previous or 0) < new_revision:
        annotations[REVISION] = str(new_revision)
        if previous:
            annotations[REVISION_HISTORY] = _history_with(current.get(REVISION_HISTORY, ""), previous)
    return annotations


def _history_with(history: str, previous: str) -> str:
    """The revision-history list with `previous` appended, oldest entries dropped past the length limit."""
    if not history:
        return previous
    revisions = history.split(",")
    length = len(history) + len(previous) + 1
    while length > REVISION_HISTORY_CHARS and revisions:
        length -= len(revisions.pop(0)) + 1
    return ",".join([*revisions, previous])


def desired_annotation(replicaset: Obj) -> int | None:
    value = ((replicaset.get("metadata") or {}).get("annotations") or {}).get(DESIRED_REPLICAS, "")
    return int(value) if value.isdigit() else None


def is_saturated(deployment: Obj, replicaset: Obj | None) -> bool:
    """The new ReplicaSet has all the Deployment's replicas, all available."""
    if replicaset is None:
        return False
    wanted = replicas(deployment)
    return (
        replicas(replicaset) == wanted
        and desired_annotation(replicaset) == wanted
        and status_count(replicaset, "availableReplicas") == wanted
    )


# -- proportional scaling -------------------------------------------------------------------------------


def proportional_sizes(deployment: Obj, replicasets: list[Obj]) -> tuple[list[tuple[Obj, int]], str]:
    """New sizes for the active ReplicaSets when the Deployment is resized mid-rollout, and "up" or "down".

    What the Deployment gains or loses (against replicas + maxSurge) is shared in proportion to each
    ReplicaSet's size before the change (its max-replicas annotation); leftovers go to the largest one."""
    allowed = replicas(deployment) + max_surge(deployment) if replicas(deployment) > 0 else 0
    to_add = allowed - total_replicas(replicasets)
    if to_add > 0:  # largest first; among equals the newest grows first
        ordered = sorted(sorted(replicasets, key=by_creation, reverse=True), key=replicas, reverse=True)
        direction = "up"
    elif to_add < 0:  # largest first; among equals the oldest shrinks first
        ordered = sorted(sorted(replicasets, key=by_creation), key=replicas, reverse=True)
        direction = "down"
    else:
        return [(rs, replicas(rs)) for rs in replicasets], ""
    added = 0
    sizes = []
    for replicaset in ordered:
        share = _proportion(replicaset, deployment, to_add, added)
        sizes.append(replicas(replicaset) + share)
        added += share
    sizes[0] = max(0, sizes[0] + to_add - added)
    return list(zip(ordered, sizes, strict=True)), direction


def _proportion(replicaset: Obj, deployment: Obj, to_add: int, added: int) -> int:
    if replicas(replicaset) == 0 or to_add == added:
        return 0
    fraction = _fraction(replicaset, deployment)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def _fraction(replicaset: Obj, deployment: Obj) -> int:
    if replicas(deployment) == 0:
        return -replicas(replicaset)
    maximum = replicas(deployment) + max_surge(deployment)
    value = ((replicaset.get("metadata") or {}).get("annotations") or {}).get(MAX_REPLICAS, "")
    before = int(value) if value.isdigit() else 0
    if before == 0:
        before = status_count(deployment, "replicas")  # ReplicaSets made before the annotations existed
        if before == 0:
            return 0
    return _round_half_away(replicas(replicaset) * maximum / before) - replicas(replicaset)


def _round_half_away(value: float) -> int:
    return math.floor(value + 0.5) if value >= 0 else -math.floor(-value + 0.5)


# -- status -------------------------------------------------------------------------------------------


def calculate_status(deployment: Obj, replicasets: list[Obj], new: Obj | None) -> Obj:
    """The Deployment's status summed over its ReplicaSets, conditions carried over, Available decided."""
    previous = deployment.get("status") or {}
    available = sum(status_count(rs, "availableReplicas") for rs in replicasets)
    counts = {
        "observedGeneration": deployment["metadata"].get("generation", 1),
        "replicas": sum(status_count(rs, "replicas") for rs in replicasets),
        "updatedReplicas": status_count(new, "replicas") if new is not None else 0,
        "readyReplicas": sum(status_count(rs, "readyReplicas") for rs in replicasets),
        "availableReplicas": available,
        "unavailableReplicas": max(0, total_replicas(replicasets) - available),
    }
    status: Obj = {name: value for name, value in counts.items() if value}  # Go's omitempty
    terminating = _terminating(replicasets)
    if terminating is not None:
        status["terminatingReplicas"] = terminating
    conditions = [dict(c) for c in previous.get("conditions") or []]
    if available >= replicas(deployment) - max_unavailable(deployment):
        conditions = set_condition(conditions, AVAILABLE, "True", "MinimumReplicasAvailable", _HAS_MINIMUM)
    else:
        conditions = set_condition(conditions, AVAILABLE, "False", "MinimumReplicasUnavailable", _LACKS_MINIMUM)
    failure = _replica_failure(([new] if new is not None else []) + replicasets)
    if failure is not None:
        reason, message = str(failure.get("reason") or ""), str(failure.get("message") or "")
        conditions = set_condition(conditions, REPLICA_FAILURE, "True", reason, message)
    else:
        conditions = without_condition(conditions, REPLICA_FAILURE)
    status["conditions"] = conditions
    if previous.get("collisionCount") is not None:
        status["collisionCount"] = previous["collisionCount"]
    return status


def _replica_failure(replicasets: list[Obj]) -> Obj | None:
    """The first ReplicaFailure a ReplicaSet reports (the new one first), which the Deployment reports too."""
    for replicaset in replicasets:
        for entry in (replicaset.get("status") or {}).get("conditions") or []:
            if entry.get("type") == REPLICA_FAILURE and entry.get("status") == "True":
                return dict(entry)
    return None


_HAS_MINIMUM = "Deployment has minimum availability."
_LACKS_MINIMUM = "Deployment does not have minimum availability."


def _terminating(replicasets: list[Obj]) -> int | None:
    """Terminating pods over all ReplicaSets; unknown while one that has been seen does not say."""
    total = 0
    for replicaset in replicasets:
        status = replicaset.get("status") or {}
        if "terminatingReplicas" not in status:
            if not status.get("observedGeneration"):
                continue  # not yet seen by the ReplicaSet controller
            return None
        total += int(status["terminatingReplicas"] or 0)
    return total


def is_complete(deployment: Obj, status: Obj) -> bool:
    """Every replica updated and available, and the latest spec observed."""
    wanted = replicas(deployment)
    return (
        int(status.get("updatedReplicas") or 0) == wanted
        and int(status.get("replicas") or 0) == wanted
        and int(status.get("availableReplicas") or 0) == wanted
        and int(status.get("observedGeneration") or 0) >= deployment["metadata"].get("generation", 1)
    )


def made_progress(old: Obj, new: Obj) -> bool:
    """More pods updated, ready or available, or fewer old ones, than the status said before."""

    def count(status: Obj, field: str) -> int:
        return int(status.get(field) or 0)

    old_pods_before = count(old, "replicas") - count(old, "updatedReplicas")
    old_pods_now = count(new, "replicas") - count(new, "updatedReplicas")
    return (
        count(new, "updatedReplicas") > count(old, "updatedReplicas")
        or old_pods_now < old_pods_before
        or count(new, "readyReplicas") > count(old, "readyReplicas")
        or count(new, "availableReplicas") > count(old, "availableReplicas")
    )


def has_deadline(deployment: Obj) -> bool:
    deadline = (deployment.get("spec") or {}).get("progressDeadlineSeconds")
    return deadline is not None and deadline != NO_DEADLINE


def deadline_seconds(deployment: Obj) -> int:
    return int((deployment.get("spec") or {}).get("progressDeadlineSeconds") or 0)


def timed_out(deployment: Obj, status: Obj, clock: Clock) -> bool:
    """No progress reported for progressDeadlineSeconds (simulated) since the Progressing condition's update."""
    if not has_deadline(deployment):
        return False
    progressing = condition_of(status, PROGRESSING)
    if progressing is None or progressing.get("reason") == NEW_RS_AVAILABLE:
        return False
    if progressing.get("reason") == TIMED_OUT:
        return True
    return clock.since(progressing.get("lastUpdateTime")) > deadline_seconds(deployment)


def condition_of(status: Obj, kind: str) -> Obj | None:
    return next((c for c in status.get("conditions") or [] if c.get("type") == kind), None)


def set_condition(conditions: list[Obj], kind: str, status: str, reason: str, message: str) -> list[Obj]:
    """conditions with `kind` set, untouched when it already has this status and reason."""
    current = next((c for c in conditions if c.get("type") == kind), None)
    if current is not None and current.get("status") == status and current.get("reason") == reason:
        return conditions
    return with_condition(conditions, kind, status, reason, message, lastUpdateTime="")


def replace_condition(conditions: list[Obj], kind: str, status: str, reason: str, message: str) -> list[Obj]:
    """conditions with `kind` set anew (lastUpdateTime now) even when its reason is the same: progress was made."""
    return with_condition(conditions, kind, status, reason, message, lastUpdateTime="")


def without_condition(conditions: list[Obj], kind: str) -> list[Obj]:
    return [c for c in conditions if c.get("type") != kind]

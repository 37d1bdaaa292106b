"""The Deployment controller: roll a Deployment's pod template out through ReplicaSets, as kube-controller-manager does.

- Each pod template gets a ReplicaSet `<deployment>-<pod-template-hash>`, the hash label added to its
  selector and template, owned by the Deployment, annotated with its revision, the Deployment's
  desired and maximum replicas, and the Deployment's own annotations (kubernetes.io/change-cause).
  Going back to an older template (`kubectl rollout undo`) reuses its ReplicaSet under a new revision,
  the old one kept in deployment.kubernetes.io/revision-history.
- RollingUpdate grows the new ReplicaSet and shrinks the old ones within maxSurge and maxUnavailable;
  Recreate scales the old ones to 0, waits until their pods are gone, then scales the new one up.
  A resize mid-rollout (or of a paused Deployment) scales every active ReplicaSet proportionally.
- Old ReplicaSets at 0 replicas beyond revisionHistoryLimit are deleted, lowest revision first.
- status sums the ReplicaSets' counts; the conditions Available and Progressing carry the real reasons
  and messages, ProgressDeadlineExceeded after progressDeadlineSeconds (simulated) without progress.
- Orphan ReplicaSets that match the selector are adopted; owned ones that stop matching are released.

The arithmetic lives in rollout.py. ReplicaSets are indexed by owner and pods by ReplicaSet as events
arrive, so a pass reads only the Deployment's own objects.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable

from kubesim.api.selectors import label_selector_from_object
from kubesim.controllers import rollout
from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.objects import api_path, controller_of, controller_reference, is_terminating, template_hash
from kubesim.controllers.rollout import (
    FOUND_NEW_RS,
    HASH_LABEL,
    NEW_RS_AVAILABLE,
    NEW_RS_CREATED,
    PAUSED,
    PROGRESSING,
    RESUMED,
    REVISION,
    RS_UPDATED,
    TIMED_OUT,
    Obj,
    by_creation,
    condition_of,
    has_deadline,
    replicas,
    set_condition,
    status_count,
)
from kubesim.controllers.runtime import Controller
from kubesim.store.store import DELETED, Event, Key

DEPLOYMENTS, REPLICASETS, PODS = "apps/deployments", "apps/replicasets", "/pods"
FINISHED = ("Succeeded", "Failed")
Place = tuple[str, str]  # (namespace, name)


class DeploymentController(Controller):
    name = "deployment-controller"

    def __init__(self, context: ControllerContext) -> None:
        self.api, self.clock = context.api, context.clock
        self.client, self.events = context.client(self.name), context.recorder(self.name)
        self.replicasets_of: defaultdict[str, set[Place]] = defaultdict(set)  # Deployment uid -> its ReplicaSets
        self.owner_of: dict[Place, tuple[str, str]] = {}  # ReplicaSet -> its Deployment's (uid, name)
        self.deployment_of: dict[str, Key] = {}  # ReplicaSet uid -> its Deployment's key
        self.orphans: defaultdict[str, set[str]] = defaultdict(set)  # namespace -> ReplicaSets nobody controls
        self.live_pods: defaultdict[str, set[Place]] = defaultdict(set)  # ReplicaSet uid -> its unfinished pods
        self.pod_owner: dict[Place, str] = {}

    # -- following the cluster -----------------------------------------------------------------------

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == DEPLOYMENTS:
            yield (DEPLOYMENTS, event.namespace, event.name)
        elif event.resource == REPLICASETS:
            yield from self._observe_replicaset(event)
        elif event.resource == PODS:
            yield from self._observe_pod(event)

    def _observe_replicaset(self, event: Event) -> Iterable[Key]:
        place = (event.namespace, event.name)
        uid = str(event.object["metadata"].get("uid", ""))
        previous = self.owner_of.pop(place, None)
        if previous is not None:
            self.replicasets_of[previous[0]].discard(place)
            if not self.replicasets_of[previous[0]]:
                del self.replicasets_of[previous[0]]
            yield (DEPLOYMENTS, event.namespace, previous[1])
        self.orphans[event.namespace].discard(event.name)
        self.deployment_of.pop(uid, None)
        if event.type == DELETED:
            return
        owner = controller_of(event.object)
        if owner is None:
            self.orphans[event.namespace].add(event.name)
            yield from self._deployments_selecting(event.object)
        elif owner.get("kind") == "Deployment":
            owner_uid, owner_name = str(owner.get("uid")), str(owner.get("name"))
            self.owner_of[place] = (owner_uid, owner_name)
            self.replicasets_of[owner_uid].add(place)
            self.deployment_of[uid] = (DEPLOYMENTS, event.namespace, owner_name)
            yield (DEPLOYMENTS, event.namespace, owner_name)

    def _deployments_selecting(self, replicaset: Obj) -> Iterable[Key]:
        """The Deployments that may adopt an orphan ReplicaSet."""
        namespace = replicaset["metadata"].get("namespace", "")
        labels = replicaset["metadata"].get("labels") or {}
        for deployment in self.api.store.list(DEPLOYMENTS, namespace):
            if label_selector_from_object((deployment.get("spec") or {}).get("selector")).matches(labels):
                yield (DEPLOYMENTS, namespace, deployment["metadata"]["name"])

    def _observe_pod(self, event: Event) -> Iterable[Key]:
        """Track the unfinished pods of each ReplicaSet: Recreate waits until an old one has none left."""
        place = (event.namespace, event.name)
        previous = self.pod_owner.pop(place, None)
        if previous is not None:
            self.live_pods[previous].discard(place)
        owner = controller_of(event.object)
        phase = (event.object.get("status") or {}).get("phase")
        if event.type != DELETED and owner is not None and owner.get("kind") == "ReplicaSet" and phase not in FINISHED:
            self.live_pods[str(owner.get("uid"))].add(place)
            self.pod_owner[place] = str(owner.get("uid"))
        if previous is not None and not self.live_pods[previous]:
            del self.live_pods[previous]
            if previous in self.deployment_of:
                yield self.deployment_of[previous]

    # -- one pass --------------------------------------------------------------------------------------

    async def reconcile(self, key: Key) -> float | None:
        stored = self.api.store.get(*key)
        if stored is None:
            return None
        # A working copy: conditions set along the way are written with the status at the end of the pass.
        deployment = copy.deepcopy(stored)
        deployment["status"] = deployment.get("status") or {}
        before = copy.deepcopy(deployment["status"])
        replicasets = await self._claim(deployment)
        if is_terminating(deployment):
            new, old = await self._new_and_old(deployment, replicasets)
            await self._write_status(deployment, before, rollout.calculate_status(deployment, _all(new, old), new))
            return None
        self._note_pause(deployment)
        new, old = await self._new_and_old(deployment, replicasets)
        if (deployment.get("spec") or {}).get("paused") or _is_scaling_event(deployment, new, old):
            await self._sync(deployment, before, new, old)
            return None
        if rollout.is_recreate(deployment):
            return await self._recreate(deployment, before, new, old)
        return await self._roll(deployment, before, new, old)

    async def _sync(self, deployment: Obj, before: Obj, new: Obj | None, old: list[Obj]) -> None:
        """A paused Deployment, or one being resized: scale what exists, roll nothing out."""
        new, old = await self._scale(deployment, new, old)
        if (deployment.get("spec") or {}).get("paused"):
            await self._clean_up(deployment, old)
        await self._write_status(deployment, before, rollout.calculate_status(deployment, _all(new, old), new))

    async def _roll(self, deployment: Obj, before: Obj, new: Obj | None, old: list[Obj]) -> float | None:
        """RollingUpdate: grow the new ReplicaSet within maxSurge, else shrink old ones within maxUnavailable."""
        if new is None:
            new = await self._create_new(deployment, old)
        scaled, new = await self._grow_new(deployment, new, old)
        if not scaled:
            scaled, old = await self._shrink_old(deployment, new, old)
        if not scaled and rollout.is_complete(deployment, before):
            await self._clean_up(deployment, old)
        return await self._rollout_status(deployment, before, new, old)

    async def _recreate(self, deployment: Obj, before: Obj, new: Obj | None, old: list[Obj]) -> float | None:
        """Recreate: every old pod gone before the new ReplicaSet gets any."""
        scaled_down = False
        for index, replicaset in enumerate(old):
            if replicas(replicaset) > 0:
                _, old[index] = await self._scale_and_record(deployment, replicaset, 0)
                scaled_down = True
        if scaled_down or self._old_pods_running(new, old):
            return await self._rollout_status(deployment, before, new, old)
        if new is None:
            new = await self._create_new(deployment, old)
        _, new = await self._scale_and_record(deployment, new, replicas(deployment))
        if rollout.is_complete(deployment, before):
            await self._clean_up(deployment, old)
        return await self._rollout_status(deployment, before, new, old)

    def _old_pods_running(self, new: Obj | None, old: list[Obj]) -> bool:
        if sum(status_count(rs, "replicas") for rs in old) > 0:
            return True
        new_uid = new["metadata"]["uid"] if new is not None else None
        return any(rs["metadata"]["uid"] != new_uid and rs["metadata"]["uid"] in self.live_pods for rs in old)

    # -- ownership -------------------------------------------------------------------------------------

    async def _claim(self, deployment: Obj) -> list[Obj]:
        """The Deployment's ReplicaSets: its own that match its selector, and matching orphans it adopts."""
        metadata = deployment["metadata"]
        selector = label_selector_from_object((deployment.get("spec") or {}).get("selector"))
        store = self.api.store
        claimed = []
        for place in sorted(self.replicasets_of.get(metadata["uid"], ())):
            replicaset = store.get(REPLICASETS, *place)
            if replicaset is None:
                continue
            if selector.matches(replicaset["metadata"].get("labels")):
                claimed.append(replicaset)
            elif not is_terminating(deployment):
                await self._set_owners(replicaset, _other_owners(replicaset, metadata["uid"]))
        if is_terminating(deployment):
            return claimed
        for name in sorted(self.orphans.get(metadata["namespace"], ())):
            replicaset = store.get(REPLICASETS, metadata["namespace"], name)
            if (
                replicaset is not None
                and controller_of(replicaset) is None
                and not is_terminating(replicaset)
                and selector.matches(replicaset["metadata"].get("labels"))
            ):
                owners = [*_other_owners(replicaset, metadata["uid"]), controller_reference(deployment)]
                adopted = await self._set_owners(replicaset, owners)
                if adopted is not None:
                    claimed.append(adopted)
        return claimed

    async def _set_owners(self, replicaset: Obj, owners: list[Obj]) -> Obj | None:
        patch = {"metadata": {"ownerReferences": owners or None}}
        try:
            return await self.client.patch_merge(_replicaset_path(replicaset), patch)
        except ApiRequestFailed as error:
            if error.status == 404:
                return None
            raise

    # -- the new ReplicaSet and revisions -------------------------------------------------------------

    async def _new_and_old(self, deployment: Obj, replicasets: list[Obj]) -> tuple[Obj | None, list[Obj]]:
        """The ReplicaSet with the Deployment's template (if any) with its annotations and revision synced,
        and the others; the Deployment takes the new one's revision."""
        new = rollout.find_new(deployment, replicasets)
        old = [rs for rs in replicasets if rs is not new]
        if new is None:
            return None, old
        new = await self._sync_new(deployment, new, rollout.max_revision(old) + 1)
        await self._set_revision(deployment, new["metadata"]["annotations"][REVISION])
        if has_deadline(deployment) and condition_of(deployment["status"], PROGRESSING) is None:
            message = f'Found new replica set "{new["metadata"]["name"]}"'
            _set_progressing(deployment, "True", FOUND_NEW_RS, message)
        return new, old

    async def _sync_new(self, deployment: Obj, new: Obj, new_revision: int) -> Obj:
        current = new["metadata"].get("annotations") or {}
        annotations = rollout.new_replicaset_annotations(deployment, current, new_revision)
        min_ready = (deployment.get("spec") or {}).get("minReadySeconds") or 0
        if annotations == current and ((new.get("spec") or {}).get("minReadySeconds") or 0) == min_ready:
            return new
        patch = {"metadata": {"annotations": annotations}, "spec": {"minReadySeconds": min_ready or None}}
        return await self.client.patch_merge(_replicaset_path(new), patch)

    async def _set_revision(self, deployment: Obj, revision: str) -> None:
        if (deployment["metadata"].get("annotations") or {}).get(REVISION) == revision:
            return
        patch = {"metadata": {"annotations": {REVISION: revision}}}
        updated = await self.client.patch_merge(_deployment_path(deployment), patch)
        deployment["metadata"] = updated["metadata"]

    async def _create_new(self, deployment: Obj, old: list[Obj]) -> Obj:
        """Create the ReplicaSet of the Deployment's template, as large as the strategy allows now."""
        spec = deployment.get("spec") or {}
        metadata = deployment["metadata"]
        collisions = int(deployment["status"].get("collisionCount") or 0)
        template = copy.deepcopy(spec.get("template") or {})
        pod_hash = template_hash(template, collisions)
        template.setdefault("metadata", {})["labels"] = {
            **(template["metadata"].get("labels") or {}),
            HASH_LABEL: pod_hash,
        }
        selector = copy.deepcopy(spec.get("selector") or {})
        selector["matchLabels"] = {**(selector.get("matchLabels") or {}), HASH_LABEL: pod_hash}
        name = f"{metadata['name']}-{pod_hash}"
        new_revision = rollout.max_revision(old) + 1
        replicaset: Obj = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "namespace": metadata["namespace"],
                "labels": dict(template["metadata"]["labels"]),
                "annotations": {
                    **rollout.new_replicaset_annotations(deployment, {}, new_revision),
                    **rollout.replica_annotations(deployment),
                },
                "ownerReferences": [controller_reference(deployment)],
            },
            "spec": {"replicas": 0, "selector": selector, "template": template},
        }
        if spec.get("minReadySeconds"):
            replicaset["spec"]["minReadySeconds"] = spec["minReadySeconds"]
        size = rollout.new_replicaset_size(deployment, [*old, replicaset], replicaset)
        replicaset["spec"]["replicas"] = size
        try:
            created = await self.client.create(api_path("apps", "v1", "replicasets", metadata["namespace"]), replicaset)
        except ApiRequestFailed as error:
            created = await self._creation_failed(deployment, replicaset, error)
        else:
            if size > 0:
                self._scaled(deployment, "up", name, 0, size)
            if has_deadline(deployment):
                _set_progressing(deployment, "True", NEW_RS_CREATED, f'Created new replica set "{name}"')
        await self._set_revision(deployment, str(new_revision))
        return created

    async def _creation_failed(self, deployment: Obj, replicaset: Obj, error: ApiRequestFailed) -> Obj:
        """The ReplicaSet exists already: ours (a previous pass made it), or a hash collision to count."""
        name = replicaset["metadata"]["name"]
        if error.status == 409:
            existing = self.api.store.get(REPLICASETS, replicaset["metadata"]["namespace"], name)
            if existing is not None and _is_ours(existing, deployment):
                return existing
            collisions = int(deployment["status"].get("collisionCount") or 0) + 1
            await self._patch_status(deployment, {"collisionCount": collisions})
            raise error
        if error.status != 403:  # 403: the namespace is terminating, every create will fail
            message = f'Failed to create new replica set "{name}": {error.body.get("message", "")}'
            if has_deadline(deployment):
                _set_progressing(deployment, "False", "ReplicaSetCreateError", message)
                await self._patch_status(deployment, {"conditions": deployment["status"]["conditions"]})
            self.events.warning(deployment, "ReplicaSetCreateError", message)
        raise error

    # -- scaling -----------------------------------------------------------------------------------------

    async def _grow_new(self, deployment: Obj, new: Obj, old: list[Obj]) -> tuple[bool, Obj]:
        wanted = replicas(deployment)
        if replicas(new) == wanted:
            return False, new
        if replicas(new) > wanted:
            return await self._scale_and_record(deployment, new, wanted)
        size = rollout.new_replicaset_size(deployment, [*old, new], new)
        return await self._scale_and_record(deployment, new, size)

    async def _shrink_old(self, deployment: Obj, new: Obj, old: list[Obj]) -> tuple[bool, list[Obj]]:
        """Scale old ReplicaSets down as far as availability allows: their unavailable pods first."""
        if rollout.total_replicas(old) == 0:
            return False, old
        room = rollout.old_scale_down_room(deployment, [*old, new], new)
        if room <= 0:
            return False, old
        old = sorted(old, key=by_creation)
        removed = 0
        for index, replicaset in enumerate(old):
            unavailable = replicas(replicaset) - status_count(replicaset, "availableReplicas")
            if removed >= room or unavailable <= 0:
                continue
            count = min(room - removed, unavailable)
            _, old[index] = await self._scale_and_record(deployment, old[index], replicas(replicaset) - count)
            removed += count
        minimum = replicas(deployment) - rollout.max_unavailable(deployment)
        spare = sum(status_count(rs, "availableReplicas") for rs in [*old, new]) - minimum
        for index, replicaset in enumerate(old):
            if spare <= 0:
                break
            count = min(replicas(replicaset), spare)
            if count > 0:
                _, old[index] = await self._scale_and_record(deployment, replicaset, replicas(replicaset) - count)
                removed += count
                spare -= count
        return removed > 0, old

    async def _scale(self, deployment: Obj, new: Obj | None, old: list[Obj]) -> tuple[Obj | None, list[Obj]]:
        """Resize to spec.replicas: the one active ReplicaSet (or the newest), else all in proportion."""
        newest_first = sorted(old, key=by_creation, reverse=True)
        candidates = newest_first + ([new] if new is not None else [])
        running = rollout.active(candidates)
        if len(running) <= 1:
            target = running[0] if running else new if new is not None else newest_first[0] if old else None
            if target is not None and replicas(target) != replicas(deployment):
                _, scaled = await self._scale_and_record(deployment, target, replicas(deployment))
                return _replaced(new, old, scaled)
            return new, old
        if rollout.is_saturated(deployment, new):
            for replicaset in rollout.active(old):
                _, scaled = await self._scale_and_record(deployment, replicaset, 0)
                new, old = _replaced(new, old, scaled)
            return new, old
        if rollout.is_rolling(deployment):
            sizes, direction = rollout.proportional_sizes(deployment, running)
            for replicaset, size in sizes:
                _, scaled = await self._scale_to(deployment, replicaset, size, direction)
                new, old = _replaced(new, old, scaled)
        return new, old

    async def _scale_and_record(self, deployment: Obj, replicaset: Obj, size: int) -> tuple[bool, Obj]:
        if replicas(replicaset) == size:
            return False, replicaset
        return await self._scale_to(deployment, replicaset, size, "up" if size > replicas(replicaset) else "down")

    async def _scale_to(self, deployment: Obj, replicaset: Obj, size: int, direction: str) -> tuple[bool, Obj]:
        """Set a ReplicaSet's size and its desired/max-replicas annotations; an event when the size changes."""
        wanted = rollout.replica_annotations(deployment)
        current = replicaset["metadata"].get("annotations") or {}
        resized = replicas(replicaset) != size
        if not resized and all(current.get(name) == value for name, value in wanted.items()):
            return False, replicaset
        patch = {"metadata": {"annotations": wanted}, "spec": {"replicas": size}}
        updated = await self.client.patch_merge(_replicaset_path(replicaset), patch)
        if resized:
            self._scaled(deployment, direction, replicaset["metadata"]["name"], replicas(replicaset), size)
        return resized, updated

    def _scaled(self, deployment: Obj, direction: str, name: str, before: int, after: int) -> None:
        self.events.normal(
            deployment, "ScalingReplicaSet", f"Scaled {direction} replica set {name} from {before} to {after}"
        )

    async def _clean_up(self, deployment: Obj, old: list[Obj]) -> None:
        """Delete the oldest revisions beyond revisionHistoryLimit, once they run nothing."""
        limit = (deployment.get("spec") or {}).get("revisionHistoryLimit")
        if limit is None:
            return
        alive = [rs for rs in old if not is_terminating(rs)]
        for replicaset in sorted(alive, key=lambda rs: (rollout.revision(rs), *by_creation(rs)))[: len(alive) - limit]:
            if (
                status_count(replicaset, "replicas") != 0
                or replicas(replicaset) != 0
                or replicaset["metadata"].get("generation", 1) > status_count(replicaset, "observedGeneration")
            ):
                continue
            try:
                await self.client.delete(_replicaset_path(replicaset))
            except ApiRequestFailed as error:
                if error.status != 404:
                    raise

    # -- status -----------------------------------------------------------------------------------------

    def _note_pause(self, deployment: Obj) -> None:
        """Progressing turns Unknown while paused, so that time spent paused never counts toward the deadline."""
        if not has_deadline(deployment):
            return
        progressing = condition_of(deployment["status"], PROGRESSING)
        if progressing is not None and progressing.get("reason") == TIMED_OUT:
            return
        marked = progressing is not None and progressing.get("reason") == PAUSED
        paused = bool((deployment.get("spec") or {}).get("paused"))
        if paused and not marked:
            _set_progressing(deployment, "Unknown", PAUSED, "Deployment is paused")
        elif not paused and marked:
            _set_progressing(deployment, "Unknown", RESUMED, "Deployment is resumed")

    async def _rollout_status(self, deployment: Obj, before: Obj, new: Obj | None, old: list[Obj]) -> float | None:
        """The status with Progressing judged; when to look again for the progress deadline."""
        status = rollout.calculate_status(deployment, _all(new, old), new)
        current = condition_of(deployment["status"], PROGRESSING)
        finished = (
            status.get("replicas", 0) == status.get("updatedReplicas", 0)
            and current is not None
            and current.get("reason") == NEW_RS_AVAILABLE
        )
        name = f'ReplicaSet "{new["metadata"]["name"]}"' if new is not None else f'Deployment "{_name(deployment)}"'
        conditions = status["conditions"]
        if not has_deadline(deployment):
            conditions = rollout.without_condition(conditions, PROGRESSING)
        elif finished:
            pass
        elif rollout.is_complete(deployment, status):
            conditions = set_condition(
                conditions, PROGRESSING, "True", NEW_RS_AVAILABLE, f"{name} has successfully progressed."
            )
        elif rollout.made_progress(before, status):
            conditions = rollout.replace_condition(
                conditions, PROGRESSING, "True", RS_UPDATED, f"{name} is progressing."
            )
        elif rollout.timed_out(deployment, status, self.clock):
            conditions = set_condition(
                conditions, PROGRESSING, "False", TIMED_OUT, f"{name} has timed out progressing."
            )
        status["conditions"] = conditions
        await self._write_status(deployment, before, status)
        return self._deadline_check(deployment, status)

    def _deadline_check(self, deployment: Obj, status: Obj) -> float | None:
        """Simulated seconds until the rollout may have run out of its progress deadline, if it can."""
        progressing = condition_of(status, PROGRESSING)
        if not has_deadline(deployment) or progressing is None:
            return None
        if rollout.is_complete(deployment, status) or progressing.get("reason") == TIMED_OUT:
            return None
        left = rollout.deadline_seconds(deployment) - self.clock.since(progressing.get("lastUpdateTime"))
        return left + 1 if left >= 1 else 1.0

    async def _write_status(self, deployment: Obj, before: Obj, status: Obj) -> None:
        if status == before:
            return
        gone = {name: None for name in before if name not in status}
        await self._patch_status(deployment, {**status, **gone})

    async def _patch_status(self, deployment: Obj, fields: Obj) -> None:
        try:
            await self.client.patch_merge(_deployment_path(deployment) + "/status", {"status": fields})
        except ApiRequestFailed as error:
            if error.status != 404:
                raise


def _is_scaling_event(deployment: Obj, new: Obj | None, old: list[Obj]) -> bool:
    """An active ReplicaSet was sized for another spec.replicas than the Deployment's now."""
    wanted = replicas(deployment)
    return any(rollout.desired_annotation(rs) not in (None, wanted) for rs in rollout.active(_all(new, old)))


def _set_progressing(deployment: Obj, status: str, reason: str, message: str) -> None:
    current = deployment["status"].get("conditions") or []
    deployment["status"]["conditions"] = set_condition(current, PROGRESSING, status, reason, message)


def _is_ours(replicaset: Obj, deployment: Obj) -> bool:
    owner = controller_of(replicaset)
    same_template = rollout.without_hash((replicaset.get("spec") or {}).get("template") or {}) == (
        rollout.without_hash((deployment.get("spec") or {}).get("template") or {})
    )
    return owner is not None and owner.get("uid") == deployment["metadata"]["uid"] and same_template


def _other_owners(replicaset: Obj, uid: str) -> list[Obj]:
    return [ref for ref in replicaset["metadata"].get("ownerReferences") or [] if ref.get("uid") != uid]


def _all(new: Obj | None, old: list[Obj]) -> list[Obj]:
    return [*old, new] if new is not None else list(old)


def _replaced(new: Obj | None, old: list[Obj], updated: Obj) -> tuple[Obj | None, list[Obj]]:
    """new and old with the ReplicaSet of the same name replaced by its updated version."""
    name = updated["metadata"]["name"]
    if new is not None and new["metadata"]["name"] == name:
        return updated, old
    return new, [updated if rs["metadata"]["name"] == name else rs for rs in old]


def _name(obj: Obj) -> str:
    return str(obj["metadata"]["name"])


def _deployment_path(deployment: Obj) -> str:
    return api_path("apps", "v1", "deployments", deployment["metadata"]["namespace"], _name(deployment))


def _replicaset_path(replicaset: Obj) -> str:
    return api_path("apps", "v1", "replicasets", replicaset["metadata"]["namespace"], _name(replicaset))

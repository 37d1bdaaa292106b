"""The kubelets of every node: they run the pods bound to their node and report them, and keep the node alive.

One controller (events from component "kubelet", host = the node) stands in for each node's kubelet and its
container runtime. For a pod bound to a powered-on node it does what the real kubelet's pod worker does:

- the first sync creates the sandbox: phase Pending, hostIP, a podIP from the node's podCIDR (the lowest free
  one; hostNetwork pods take the node's), startTime, the kubelet's conditions, containers waiting in
  ContainerCreating (PodInitializing while init containers run);
- each container's image is pulled unless present on the node (imagePullPolicy Always pulls each start, Never
  never pulls), with the Pulling/Pulled events; an image that does not pull gives ErrImagePull, then
  ImagePullBackOff, retried after 10 s doubling to 300 s; init containers run one by one to completion first;
- containers start (Created, Started) and run what processes.py says they run: they exit (Completed/Error),
  are OOMKilled above their memory limit, or are killed by a failing liveness or startup probe; readiness
  probes decide Ready; a container that restarts (restartPolicy Always, or OnFailure after a failure) does so
  at once the first time, then after a CrashLoopBackOff of 10 s doubling to 300 s (reset after 10 minutes of
  running); when no container will run again the pod is Succeeded or Failed;
- a pod being deleted gracefully has its containers stopped (Killing "Stopping container X"): those that honour
  SIGTERM at once, the others at the end of the grace period; then the kubelet deletes it with grace 0.

Everything follows from the pod's stored status, its timestamps and the simulated clock: the runtime's state
(ContainerRun) is rebuilt from the status when kubesim restarts. Times are kept exactly in memory while
kubesim runs, since status timestamps have whole seconds only.

The images a node pulled are listed in its node.status.images (at most 50, biggest first). A node annotated
`kubesim.io/power: "off"` is a dead machine: its kubelet does nothing. When the power returns, its containers
have been lost (terminated, reason Unknown, exit code 255) and start again. The nodes' heartbeats (Lease,
conditions, boot) are heartbeat.py's.
"""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
import itertools
import secrets
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kubesim.api.defaults import pod_qos_class
from kubesim.clock import parse_time
from kubesim.controllers.client import ApiRequestFailed
from kubesim.controllers.context import ControllerContext
from kubesim.controllers.events import EventRecorder
from kubesim.controllers.objects import amount, api_path, pod_path
from kubesim.controllers.runtime import Controller
from kubesim.nodes.container_fs import missing_configuration
from kubesim.nodes.images import ALREADY_RUNNING, ImageCache, ImagePullError, InvalidImageName, ResolvedImage, resolve
from kubesim.nodes.kuard import failing_from
from kubesim.nodes.power import powered_off
from kubesim.nodes.probes import LIVENESS, READINESS, STARTUP, Schedule, verdict_at
from kubesim.nodes.processes import FOREVER, OOM_AFTER, SIGKILL_EXIT, Process
from kubesim.store.store import DELETED, Event, Key

NODES, PODS = "/nodes", "/pods"
COMPONENT = "kubelet"

# Simulated seconds, as the kubelet's defaults have them.
BACKOFF_INITIAL, BACKOFF_MAX = 10.0, 300.0  # image pulls and crashing containers alike
BACKOFF_RESET_SECONDS = 600.0  # a container that ran this long restarts without back-off
FAILED_PULL_SECONDS = 1.0  # the registry's answer to a pull that cannot succeed
RESYNC_SECONDS = 1.0  # between a failure and the pod worker's next sync, which reports the back-off
CONFIG_RETRY_SECONDS = 10.0  # a container waiting for a ConfigMap or Secret is looked at again after this
MAX_STEPS = 200  # transitions applied in one reconcile (a long outage can leave many to catch up)
FLEETING_REAL_SECONDS = 0.02  # a pod state that lasts less than this (real time) is not written on its own
MAX_UNREPORTED_REAL_SECONDS = 0.5  # nor is a pod's status held back longer than this
MAX_PROBE_EVENTS = 3  # Unhealthy events recorded in one reconcile (the rest would only raise a count)

WAITING, RUNNING, TERMINATED = "waiting", "running", "terminated"
CONTAINER_CREATING, POD_INITIALIZING = "ContainerCreating", "PodInitializing"
KUBELET_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")

Obj = dict[str, Any]


# -- the container runtime's view of a pod -------------------------------------------------------------------------


@dataclass
class ContainerRun:
    """One container of a pod as the runtime knows it; times are real epoch seconds."""

    name: str
    init: bool
    spec: Obj
    image: ResolvedImage | None = None
    image_error: str = ""  # why the image cannot be pulled
    invalid_name: bool = False
    state: str = WAITING
    reason: str = CONTAINER_CREATING
    message: str = ""
    started_at: float = 0.0
    finished_at: float = 0.0
    exit_code: int = 0
    restarts: int = 0
    last: Obj | None = None  # lastState.terminated
    container_id: str = ""
    image_id: str = ""
    backoff_base: int = 0  # restarts counted before the crash back-off last reset
    restart_at: float | None = None  # after a termination: when it starts again
    backoff_shown: bool = False
    pull_started: float = 0.0
    pull_done_at: float | None = None  # a pull under way ends then
    pull_failures: int = 0
    pull_failed_at: float = 0.0
    pull_retry_at: float | None = None
    pull_backoff_shown: bool = True
    process: Process | None = None
    fate: tuple[float, str] = (FOREVER, "")  # seconds after start, and how the process ends then
    stopping: bool = False  # the kubelet has sent SIGTERM
    schedules: dict[str, Schedule] = field(default_factory=dict)
    natural_schedules: dict[str, Schedule] = field(default_factory=dict)  # as planned, before kuard was told to fail
    started_after: float = 0.0  # a startup probe's success, in seconds after start (FOREVER: never)
    ready_flips: list[tuple[float, bool]] = field(default_factory=list)
    reported: dict[str, float] = field(default_factory=dict)  # probe -> failing ticks reported up to then

    @property
    def field_path(self) -> str:
        return f"spec.{'initContainers' if self.init else 'containers'}{{{self.name}}}"

    @property
    def succeeded(self) -> bool:
        return self.state == TERMINATED and self.exit_code == 0

    @property
    def pulling(self) -> bool:
        return self.pull_done_at is not None


@dataclass
class PodRun:
    uid: str
    node: str
    ip: str
    containers: list[ContainerRun]
    started: float  # startTime
    wake: float = FOREVER
    deadline_exceeded: bool = False
    reported_at: float = field(default_factory=time.time)  # when its status was last written (or the run began)

    @property
    def init_containers(self) -> list[ContainerRun]:
        return [container for container in self.containers if container.init]

    @property
    def app_containers(self) -> list[ContainerRun]:
        return [container for container in self.containers if not container.init]

    @property
    def initialized(self) -> bool:
        return all(container.succeeded for container in self.init_containers) or any(
            container.state != WAITING or container.restarts for container in self.app_containers
        )


# -- the controller ----------------------------------------------------------------------------------------------


class Kubelet(Controller):
    name = "kubelet"

    def __init__(self, context: ControllerContext) -> None:
        self.context = context
        self.api, self.clock, self.network = context.api, context.clock, context.network
        self.client = context.client(self.name)
        self.images = ImageCache()
        self.runs: dict[str, PodRun] = {}  # pod uid -> what the runtime runs for it
        self.pods_on: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)  # node -> its pods
        self.node_of: dict[tuple[str, str], str] = {}
        self.addresses: defaultdict[str, dict[str, str]] = defaultdict(dict)  # node -> pod IP -> pod uid
        self.released: defaultdict[str, set[str]] = defaultdict(set)  # node -> IPs of finished pods, reused last
        self.last_address: dict[str, str] = {}  # node -> the pod address it gave last
        self.powered: dict[str, bool] = {}
        self.booted: dict[str, float] = {}  # node -> when its power last came back
        self.unlisted: set[str] = set()  # nodes that pulled an image their status does not list yet
        self.deletions: dict[str, tuple[str, float]] = {}  # pod uid -> (deletionTimestamp, when seen)
        self.recorders: dict[str, EventRecorder] = {}
        self.network.kuards.probe_listeners.append(self._kuard_probe_changed)
        self.network.kuards.memory_listeners.append(self._kuard_allocated)
        self.network.work_queues.listeners.append(self._kuard_worker_finishes)
        self.network.exit_listeners.append(self._main_process_exited)

    # -- following the cluster ---------------------------------------------------------------------------------

    def observe(self, event: Event) -> Iterable[Key]:
        if event.resource == PODS:
            yield from self._observe_pod(event)
        elif event.resource == NODES:
            yield from self._observe_node(event)

    def _observe_node(self, event: Event) -> Iterable[Key]:
        name = event.name
        if event.type == DELETED:
            self.powered.pop(name, None)
            self.images.forget(name)
            return
        on = not powered_off(event.object)
        before = self.powered.get(name)
        self.powered[name] = on
        if before is None:
            self.images.load(name, (event.object.get("status") or {}).get("images") or [])
        elif on != before:
            if on:
                self.booted[name] = time.time()
            for namespace, pod in list(self.pods_on.get(name, ())):
                yield (PODS, namespace, pod)

    def _observe_pod(self, event: Event) -> Iterable[Key]:
        place = (event.namespace, event.name)
        pod = event.object
        uid = pod["metadata"].get("uid", "")
        node = (pod.get("spec") or {}).get("nodeName") or ""
        status = pod.get("status") or {}
        previous = self.node_of.pop(place, None)
        if previous is not None:
            self.pods_on[previous].discard(place)
        ip = status.get("podIP")
        if ip and node and not (pod.get("spec") or {}).get("hostNetwork"):
            self._note_address(node, ip, uid, event.type == DELETED, status.get("phase") in ("Succeeded", "Failed"))
        if event.type == DELETED:
            self.runs.pop(uid, None)
            self.deletions.pop(uid, None)
            return
        deletion = pod["metadata"].get("deletionTimestamp")
        if deletion and self.deletions.get(uid, ("",))[0] != deletion:
            self.deletions[uid] = (deletion, self.deletions.get(uid, ("", time.time()))[1])
        if node:
            self.node_of[place] = node
            self.pods_on[node].add(place)
            yield (PODS, event.namespace, event.name)

    def _note_address(self, node: str, ip: str, uid: str, gone: bool, finished: bool) -> None:
        """A pod holds its IP while it exists; a finished pod's IP is reused only when no other is free."""
        holder = self.addresses[node].get(ip)
        if gone:
            if holder == uid:
                del self.addresses[node][ip]
                self.released[node].discard(ip)
        elif holder is None or holder == uid or (ip in self.released[node] and not finished):
            self.addresses[node][ip] = uid
            if finished:
                self.released[node].add(ip)
            else:
                self.released[node].discard(ip)

    async def reconcile(self, key: Key) -> float | None:
        wake = await self._sync_pod(key)
        await self._list_images()
        return wake

    # -- pods ----------------------------------------------------------------------------------------------------

    async def _sync_pod(self, key: Key) -> float | None:
        pod = self.api.store.get(*key)
        if pod is None:
            return None
        node = self.api.store.get(NODES, "", (pod.get("spec") or {}).get("nodeName") or "")
        if node is None or powered_off(node):
            return None
        now = time.time()
        if pod["metadata"].get("deletionTimestamp"):
            return await self._terminate(pod, node, now)
        if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            self.runs.pop(pod["metadata"]["uid"], None)
            return None
        run = self._run_of(pod, node, now)
        self._lose_containers_of_a_rebooted_node(pod, run)
        self._advance(pod, run, now)
        if self._fleeting(run, now):
            return self._simulated_until(run.wake, now)
        await self._report(pod, run, now)
        run.reported_at = now
        if self._phase(pod, run) in ("Succeeded", "Failed"):
            self.runs.pop(run.uid, None)
            return None
        return self._simulated_until(run.wake, now)

    @staticmethod
    def _fleeting(run: PodRun, now: float) -> bool:
        """Whether the state just reached ends so soon that only the next one is worth writing, as the real
        kubelet's status manager coalesces updates: at a high --speed, a container that starts a few
        milliseconds after its pod was set up goes straight to Running. A pod is never kept unreported long."""
        soon = run.wake != FOREVER and 0 < run.wake - now < FLEETING_REAL_SECONDS
        return soon and now - run.reported_at < MAX_UNREPORTED_REAL_SECONDS

    def _simulated_until(self, moment: float, now: float) -> float | None:
        if moment == FOREVER:
            return None
        return max(0.0, (moment - now) * self.clock.speed)

    def _run_of(self, pod: Obj, node: Obj, now: float) -> PodRun:
        uid = pod["metadata"]["uid"]
        run = self.runs.get(uid)
        if run is None:
            run = self._rebuilt(pod, node, now) if (pod.get("status") or {}).get("startTime") else None
            if run is None:
                run = self._new_sandbox(pod, node, now)
            self.runs[uid] = run
        return run

    def _new_sandbox(self, pod: Obj, node: Obj, now: float) -> PodRun:
        spec = pod.get("spec") or {}
        name = node["metadata"]["name"]
        ip = _node_ip(node) if spec.get("hostNetwork") else self._allocate_ip(node, pod["metadata"]["uid"])
        return PodRun(pod["metadata"]["uid"], name, ip, self._containers(pod), now)

    def _containers(self, pod: Obj) -> list[ContainerRun]:
        spec = pod.get("spec") or {}
        has_init = bool(spec.get("initContainers"))
        containers = []
        for init, specs in ((True, spec.get("initContainers") or []), (False, spec.get("containers") or [])):
            for container_spec in specs:
                container = ContainerRun(container_spec["name"], init, container_spec)
                container.reason = POD_INITIALIZING if has_init else CONTAINER_CREATING
                try:
                    container.image = resolve(str(container_spec.get("image") or ""))
                except InvalidImageName as error:
                    container.invalid_name, container.image_error = True, str(error)
                except ImagePullError as error:
                    container.image_error = str(error)
                containers.append(container)
        return containers

    def _allocate_ip(self, node: Obj, uid: str) -> str:
        """The next free address of the node's podCIDR after the last one given, as the host-local IPAM plugin
        does (so a replacement pod does not get the address of the pod it replaces); .1 is the node's end of
        the pod network. After a restart the search goes on from the highest address in use."""
        name = node["metadata"]["name"]
        taken, released = self.addresses[name], self.released[name]
        cidr = (node.get("spec") or {}).get("podCIDR") or "10.244.0.0/24"
        hosts = [str(host) for host in itertools.islice(ipaddress.ip_network(cidr, strict=False).hosts(), 1, None)]
        last = self.last_address.get(name) or max(taken, key=ipaddress.ip_address, default=None)
        start = hosts.index(last) + 1 if last in hosts else 0
        ring = hosts[start:] + hosts[:start]
        address = next((host for host in ring if host not in taken), None) or min(released, default=None)
        if address is None:
            raise RuntimeError(f"node {name} has no free pod address in {cidr}")
        released.discard(address)
        taken[address] = uid
        self.last_address[name] = address
        return address

    def _rebuilt(self, pod: Obj, node: Obj, now: float) -> PodRun:
        """The runtime's state as the stored status describes it (kubesim restarted since it was written)."""
        status = pod.get("status") or {}
        run = PodRun(
            pod["metadata"]["uid"],
            node["metadata"]["name"],
            status.get("podIP") or _node_ip(node),
            self._containers(pod),
            parse_time(status.get("startTime")) or now,
        )
        stored = {entry.get("name"): entry for entry in status.get("containerStatuses") or []}
        stored_init = {entry.get("name"): entry for entry in status.get("initContainerStatuses") or []}
        for container in run.containers:
            entry = (stored_init if container.init else stored).get(container.name)
            if entry:
                self._restore(pod, run, container, entry, now)
        return run

    def _restore(self, pod: Obj, run: PodRun, container: ContainerRun, entry: Obj, now: float) -> None:
        state = entry.get("state") or {}
        container.restarts = int(entry.get("restartCount") or 0)
        container.container_id = entry.get("containerID") or ""
        container.image_id = entry.get("imageID") or ""
        container.last = (entry.get("lastState") or {}).get("terminated")
        if "running" in state:
            container.state = RUNNING
            container.started_at = parse_time(state["running"].get("startedAt")) or now
            self._begin_process(pod, run, container, resumed=entry)
        elif "terminated" in state:
            finished = state["terminated"]
            container.state = TERMINATED
            container.exit_code = int(finished.get("exitCode") or 0)
            container.reason = finished.get("reason") or ""
            container.started_at = parse_time(finished.get("startedAt")) or now
            container.finished_at = parse_time(finished.get("finishedAt")) or now
        else:
            waiting = state.get("waiting") or {}
            container.reason = waiting.get("reason") or container.reason
            container.message = waiting.get("message") or ""
            if container.last is not None:
                finished_at = parse_time(container.last.get("finishedAt")) or now
                container.restart_at = self._later(finished_at, self._crash_backoff(container))
                container.backoff_shown = True

    def _lose_containers_of_a_rebooted_node(self, pod: Obj, run: PodRun) -> None:
        """What ran before the node lost power is gone: terminated Unknown (255), to be started again."""
        booted = self.booted.get(run.node)
        if booted is None:
            return
        for container in run.containers:
            if container.pulling and container.pull_started < booted:
                container.pull_done_at = None
            if container.state == RUNNING and container.started_at < booted:
                self._terminated(container, booted, 255, "Unknown")
                container.restart_at = booted
                container.backoff_shown = True

    # -- the pod worker: time moves the containers on ------------------------------------------------------------

    def _advance(self, pod: Obj, run: PodRun, now: float) -> None:
        """Apply every transition due by now, each at its own moment; leave run.wake at the next one."""
        for _ in range(MAX_STEPS):
            run.wake = FOREVER
            if self._deadline_passed(pod, run, now):
                return
            changed = False
            for container in run.containers:
                changed = self._step(pod, run, container, now) or changed
            if not changed:
                return
        run.wake = now

    def _deadline_passed(self, pod: Obj, run: PodRun, now: float) -> bool:
        """activeDeadlineSeconds: the kubelet stops the pod and fails it (reason DeadlineExceeded)."""
        seconds = (pod.get("spec") or {}).get("activeDeadlineSeconds")
        if not isinstance(seconds, int) or isinstance(seconds, bool):
            return False
        moment = self._later(run.started, seconds)
        if now < moment:
            run.wake = min(run.wake, moment)
            return False
        if not run.deadline_exceeded:
            run.deadline_exceeded = True
            self._recorder(run.node).normal(
                pod, "DeadlineExceeded", "Pod was active on the node longer than the specified deadline"
            )
            for container in run.containers:
                if container.state == RUNNING:
                    self._stop(pod, run, container, moment, grace_seconds=_grace(pod))
        for container in run.containers:
            if container.state == RUNNING:
                self._step_running(pod, run, container, now)
        return True

    def _step(self, pod: Obj, run: PodRun, container: ContainerRun, now: float) -> bool:
        if container.state == RUNNING:
            return self._step_running(pod, run, container, now)
        if container.state == TERMINATED:
            return self._step_terminated(pod, run, container, now)
        return self._step_waiting(pod, run, container, now)

    def _due(self, run: PodRun, moment: float, now: float) -> bool:
        if moment <= now:
            return True
        run.wake = min(run.wake, moment)
        return False

    # running

    def _step_running(self, pod: Obj, run: PodRun, container: ContainerRun, now: float) -> bool:
        self._report_probe_failures(pod, run, container, now)
        after, how = container.fate
        moment = self._later(container.started_at, after)
        for flip, _ in container.ready_flips:
            flip_moment = self._later(container.started_at, flip)
            if flip_moment > now and flip < after:
                run.wake = min(run.wake, flip_moment)
                break
        if container.started_after not in (0.0, FOREVER) and container.started_after < after:
            started_moment = self._later(container.started_at, container.started_after)
            if started_moment > now:
                run.wake = min(run.wake, started_moment)
        if not self._due(run, moment, now):
            return False
        process = container.process
        assert process is not None
        if how == "exit":
            code = process.exit_code
            self._terminated(container, moment, code, "Completed" if code == 0 else "Error")
        elif how == "oom":
            self._terminated(container, moment, SIGKILL_EXIT, "OOMKilled")
        elif how == "sigkill":
            self._terminated(container, moment, SIGKILL_EXIT, "Error")
        elif how == "sigterm":
            code = process.sigterm_exit_code
            self._terminated(container, moment, code, "Completed" if code == 0 else "Error")
        else:  # a failed liveness or startup probe: the kubelet kills the container, to be restarted
            self._recorder(run.node).normal(
                pod,
                "Killing",
                f"Container {container.name} failed {how} probe, will be restarted",
                container.field_path,
            )
            probe = container.spec.get(f"{how}Probe") or {}
            grace = probe.get("terminationGracePeriodSeconds")
            self._stop(pod, run, container, moment, grace if isinstance(grace, int) else _grace(pod))
        return True

    def _stop(self, pod: Obj, run: PodRun, container: ContainerRun, moment: float, grace_seconds: float) -> None:
        """SIGTERM now; a process that ignores it ends with the SIGKILL at the end of the grace period."""
        process = container.process
        assert process is not None
        container.stopping = True
        since_start = self._elapsed(container.started_at, moment)
        if process.honours_sigterm:
            container.fate = (since_start, "sigterm")
        elif process.exits_after < since_start + grace_seconds:
            container.fate = (max(process.exits_after, since_start), "exit")
        else:
            container.fate = (since_start + grace_seconds, "sigkill")
        container.ready_flips = [(since_start, False)]

    def _terminated(self, container: ContainerRun, moment: float, code: int, reason: str) -> None:
        container.state, container.finished_at = TERMINATED, moment
        container.exit_code, container.reason, container.message = code, reason, ""
        container.restart_at, container.backoff_shown = None, False
        self.network.work_queues.stop(container.container_id, moment)

    def _report_probe_failures(self, pod: Obj, run: PodRun, container: ContainerRun, now: float) -> None:
        """Unhealthy events for the failed probes since the last report (and a wake-up for the next one)."""
        if container.stopping:
            return
        until = min(self._elapsed(container.started_at, now), container.fate[0])
        for kind, schedule in container.schedules.items():
            reported = container.reported.get(kind, -1.0)
            failures = list(itertools.islice(schedule.failures_between(reported, until), 50))
            for _, message in failures[-MAX_PROBE_EVENTS:]:
                self._recorder(run.node).warning(
                    pod, "Unhealthy", f"{kind} probe failed: {message}", container.field_path
                )
            container.reported[kind] = until
            upcoming = schedule.next_failure_after(until)
            if upcoming is not None and upcoming < container.fate[0]:
                run.wake = min(run.wake, self._later(container.started_at, upcoming))

    # terminated

    def _step_terminated(self, pod: Obj, run: PodRun, container: ContainerRun, now: float) -> bool:
        if not self._restarts(pod, container):
            return False
        if container.restart_at is None:
            if self._elapsed(container.started_at, container.finished_at) >= BACKOFF_RESET_SECONDS:
                container.backoff_base = container.restarts  # a long run: the back-off starts over
            delay = self._crash_backoff(container)
            resync = self._later(container.finished_at, RESYNC_SECONDS)
            container.restart_at = max(self._later(container.finished_at, delay), resync)
            container.backoff_shown = delay == 0
        if not container.backoff_shown:
            resync = self._later(container.finished_at, RESYNC_SECONDS)
            if not self._due(run, min(resync, container.restart_at), now):
                return False
            container.backoff_shown = True
            self._back_off(pod, run, container)
            return True
        if not self._due(run, container.restart_at, now):
            return False
        self._to_restart(container)
        return True

    def _back_off(self, pod: Obj, run: PodRun, container: ContainerRun) -> None:
        delay = self._crash_backoff(container)
        metadata = pod["metadata"]
        self._to_restart(container)
        container.reason = "CrashLoopBackOff"
        container.message = (
            f"back-off {_go_duration(delay)} restarting failed container={container.name} "
            f"pod={metadata['name']}_{metadata['namespace']}({metadata['uid']})"
        )
        self._recorder(run.node).warning(
            pod,
            "BackOff",
            f"Back-off restarting failed container {container.name} in pod "
            f"{metadata['name']}_{metadata['namespace']}({metadata['uid']})",
            container.field_path,
        )

    def _to_restart(self, container: ContainerRun) -> None:
        """The terminated run becomes lastState; the container waits to start again."""
        if container.state == TERMINATED:
            container.last = {
                "exitCode": container.exit_code,
                "reason": container.reason,
                "startedAt": _stamp(container.started_at),
                "finishedAt": _stamp(container.finished_at),
                "containerID": container.container_id,
            }
        container.state, container.reason, container.message = WAITING, CONTAINER_CREATING, ""

    def _restarts(self, pod: Obj, container: ContainerRun) -> bool:
        policy = (pod.get("spec") or {}).get("restartPolicy") or "Always"
        if container.init or policy == "OnFailure":
            return container.exit_code != 0 and policy != "Never"
        return policy == "Always"

    def _crash_backoff(self, container: ContainerRun) -> float:
        """No back-off before the first restart (since the last reset), then 10 s doubling to 300 s."""
        crashes = container.restarts + 1 - container.backoff_base  # every run so far has ended
        if crashes <= 1:
            return 0.0
        return min(BACKOFF_INITIAL * 2 ** (crashes - 2), BACKOFF_MAX)

    # waiting

    def _step_waiting(self, pod: Obj, run: PodRun, container: ContainerRun, now: float) -> bool:
        if run.deadline_exceeded or not self._may_start(run, container):
            return False
        if container.restart_at is not None and not self._due(run, container.restart_at, now):
            return False
        if container.invalid_name:
            return self._invalid_image(pod, run, container)
        image = container.image
        policy = container.spec.get("imagePullPolicy") or "IfNotPresent"
        present = image is not None and self.images.present(run.node, image)
        if present and policy != "Always":
            self._recorder(run.node).normal(
                pod,
                "Pulled",
                f'Container image "{container.spec.get("image")}" already present on machine '
                "and can be accessed by the pod",
                container.field_path,
            )
            self._start(pod, run, container, now)
            return True
        if policy == "Never":
            return self._never_pull(pod, run, container)
        return self._pull(pod, run, container, now)

    def _may_start(self, run: PodRun, container: ContainerRun) -> bool:
        """Init containers one by one; app containers after them, each after the image pull before it."""
        if container.init:
            before = run.init_containers[: run.init_containers.index(container)]
            return all(other.succeeded for other in before)
        if not run.initialized:
            return False
        before = run.app_containers[: run.app_containers.index(container)]
        return not any(other.pulling for other in before)

    def _pull(self, pod: Obj, run: PodRun, container: ContainerRun, now: float) -> bool:
        image_text = str(container.spec.get("image") or "")
        recorder = self._recorder(run.node)
        if container.pull_done_at is None:
            if container.pull_retry_at is not None:
                if not container.pull_backoff_shown:
                    resync = min(self._later(container.pull_failed_at, RESYNC_SECONDS), container.pull_retry_at)
                    if self._due(run, resync, now):
                        container.pull_backoff_shown = True
                        container.reason = "ImagePullBackOff"
                        container.message = (
                            f'Back-off pulling image "{image_text}": ErrImagePull: {container.image_error}'
                        )
                        recorder.normal(pod, "BackOff", f'Back-off pulling image "{image_text}"', container.field_path)
                        recorder.warning(pod, "Failed", "Error: ImagePullBackOff", container.field_path)
                        return True
                if not self._due(run, container.pull_retry_at, now):
                    return False
            recorder.normal(pod, "Pulling", f'Pulling image "{image_text}"', container.field_path)
            seconds = container.image.image.pull_seconds if container.image is not None else FAILED_PULL_SECONDS
            container.pull_started = now
            container.pull_done_at = self._later(now, seconds)
            run.wake = min(run.wake, container.pull_done_at)
            return True
        if not self._due(run, container.pull_done_at, now):
            return False
        done = container.pull_done_at
        container.pull_done_at = None
        seconds = self._elapsed(container.pull_started, done)
        if container.image is None:
            container.pull_failures += 1
            backoff = min(BACKOFF_INITIAL * 2 ** (container.pull_failures - 1), BACKOFF_MAX)
            container.pull_failed_at, container.pull_retry_at = done, self._later(done, backoff)
            container.pull_backoff_shown = False
            container.reason, container.message = "ErrImagePull", container.image_error
            recorder.warning(
                pod, "Failed", f'Failed to pull image "{image_text}": {container.image_error}', container.field_path
            )
            recorder.warning(pod, "Failed", "Error: ErrImagePull", container.field_path)
            return True
        took = _go_duration(seconds)
        recorder.normal(
            pod,
            "Pulled",
            f'Successfully pulled image "{image_text}" in {took} ({took} including waiting). '
            f"Image size: {container.image.image.size} bytes.",
            container.field_path,
        )
        if not self.images.present(run.node, container.image):
            self.images.add(run.node, container.image)
            self.unlisted.add(run.node)
        self._start(pod, run, container, done)
        return True

    def _invalid_image(self, pod: Obj, run: PodRun, container: ContainerRun) -> bool:
        if container.reason == "InvalidImageName":
            return False
        image_text = str(container.spec.get("image") or "")
        container.reason = "InvalidImageName"
        container.message = f'Failed to apply default image tag "{image_text}": {container.image_error}'
        recorder = self._recorder(run.node)
        recorder.warning(pod, "InspectFailed", container.message, container.field_path)
        recorder.warning(pod, "Failed", "Error: InvalidImageName", container.field_path)
        return True

    def _never_pull(self, pod: Obj, run: PodRun, container: ContainerRun) -> bool:
        if container.reason == "ErrImageNeverPull":
            return False
        image_text = str(container.spec.get("image") or "")
        container.reason = "ErrImageNeverPull"
        container.message = f'Container image "{image_text}" is not present with pull policy of Never'
        recorder = self._recorder(run.node)
        recorder.warning(pod, "ErrImageNeverPull", container.message, container.field_path)
        recorder.warning(pod, "Failed", "Error: ErrImageNeverPull", container.field_path)
        return True

    def _start(self, pod: Obj, run: PodRun, container: ContainerRun, moment: float) -> None:
        """Create and start the container: a new container ID, a fresh process; unless a ConfigMap or Secret it
        needs is missing, when it waits (looking again every CONFIG_RETRY_SECONDS)."""
        assert container.image is not None
        recorder = self._recorder(run.node)
        missing = missing_configuration(self.api.store, pod, container.spec)
        if missing is not None:
            where, message = missing
            if where == "volume":
                container.reason, container.message = CONTAINER_CREATING, ""
                recorder.warning(pod, "FailedMount", message)
            else:
                container.reason, container.message = "CreateContainerConfigError", message
                recorder.warning(pod, "Failed", f"Error: {message}", container.field_path)
            container.restart_at = self._later(moment, CONFIG_RETRY_SECONDS)
            run.wake = min(run.wake, container.restart_at)
            return
        recorder.normal(pod, "Created", "Container created", container.field_path)
        recorder.normal(pod, "Started", "Container started", container.field_path)
        if container.last is not None or container.container_id:
            container.restarts += 1
        container.state, container.reason, container.message = RUNNING, "", ""
        container.started_at = moment
        container.container_id = f"containerd://{secrets.token_hex(32)}"
        container.image_id = container.image.image_id
        container.restart_at, container.pull_retry_at, container.pull_failures = None, None, 0
        container.stopping = False
        self._begin_process(pod, run, container)

    def _begin_process(self, pod: Obj, run: PodRun, container: ContainerRun, resumed: Obj | None = None) -> None:
        """The process and what the probes will make of it, in seconds since the container started.

        resumed: the stored status of a container that ran before kubesim (re)started. As the real kubelet's
        prober does after a restart, a container that had started keeps started, and one that was ready stays
        ready until a probe says otherwise."""
        was = resumed or {}
        image = container.image.image if container.image is not None else ALREADY_RUNNING
        tools = self.network.tools_for(pod["metadata"].get("namespace") or "")
        process = Process.of(container.spec, image, tools)
        container.process = process
        named_ports = {
            str(port.get("name")): int(port.get("containerPort") or 0)
            for port in container.spec.get("ports") or []
            if isinstance(port, dict) and port.get("name")
        }
        schedules: dict[str, Schedule] = {}
        started_after = 0.0
        fate: tuple[float, str] = (process.exits_after, "exit")
        startup = container.spec.get("startupProbe")
        if startup and not container.init and not was.get("started"):
            schedules[STARTUP] = Schedule.of(startup, process.probe(startup, run.ip, named_ports))
            success = schedules[STARTUP].first_success()
            started_after = FOREVER if success is None else success
            gives_up = schedules[STARTUP].gives_up_at()
            if gives_up is not None and gives_up < fate[0]:
                fate = (gives_up, "startup")
        if started_after != FOREVER and not container.init:
            liveness = container.spec.get("livenessProbe")
            if liveness:
                schedule = Schedule.of(liveness, process.probe(liveness, run.ip, named_ports), started_after)
                schedules[LIVENESS] = schedule
                lost = next((moment for moment, passing in schedule.flips(True) if not passing), None)
                if lost is not None and lost < fate[0]:
                    fate = (lost, "liveness")
            readiness = container.spec.get("readinessProbe")
            if readiness:
                schedule = Schedule.of(readiness, process.probe(readiness, run.ip, named_ports), started_after)
                schedules[READINESS] = schedule
                ready = bool(was.get("ready"))
                container.ready_flips = [(0.0, True), *schedule.flips(True)] if ready else schedule.flips(False)
            else:
                container.ready_flips = [(started_after, True)]
        else:
            container.ready_flips = []
        limit = amount(((container.spec.get("resources") or {}).get("limits") or {}).get("memory"))
        if limit and process.memory > limit and fate[0] > OOM_AFTER:
            fate = (OOM_AFTER, "oom")
        container.schedules, container.started_after, container.fate = schedules, started_after, fate
        container.natural_schedules = dict(schedules)
        self.network.start_worker(pod, container.container_id, process, container.started_at)
        container.reported = {}

    def _running_container(self, key: Key, container_id: str) -> ContainerRun | None:
        uid = (self.api.store.get(*key) or {"metadata": {}})["metadata"].get("uid")
        run = self.runs.get(uid or "")
        found = [c for c in run.containers if c.container_id == container_id] if run is not None else []
        return found[0] if found and found[0].state == RUNNING and not found[0].stopping else None

    def _kuard_allocated(self, key: Key, container_id: str, allocated: int) -> None:
        """kuard allocated memory through /mem: over the container's limit, the kernel's OOM killer ends it."""
        container = self._running_container(key, container_id)
        if container is None or container.process is None:
            return
        limit = amount(((container.spec.get("resources") or {}).get("limits") or {}).get("memory"))
        elapsed = self._elapsed(container.started_at, time.time())
        if limit and container.process.memory + allocated > limit and elapsed < container.fate[0]:
            container.fate = (elapsed, "oom")
            self.requeue(key)

    def _kuard_worker_finishes(self, key: Key, container_id: str, moment: float) -> None:
        """A kuard MemQ keygen worker will find its queue empty at `moment` (real time): it exits then."""
        container = self._running_container(key, container_id)
        if container is None:
            return
        elapsed = self._elapsed(container.started_at, moment)
        if container.fate[1] == "exit" or elapsed < container.fate[0]:
            container.fate = (elapsed, "exit")
            self.requeue(key)

    def _main_process_exited(self, key: Key, container_id: str, code: int) -> None:
        """The main process ended now with this code (an attached shell left): the container terminates."""
        container = self._running_container(key, container_id)
        if container is None or container.process is None:
            return
        container.process = dataclasses.replace(container.process, exit_code=code)
        container.fate = (self._elapsed(container.started_at, time.time()), "exit")
        self.requeue(key)

    def _kuard_probe_changed(self, key: Key, container_id: str, path: str, fail_next: int) -> None:
        """kuard was told to fail its next requests on a probe path: replan the probes that ask it there."""
        container = self._running_container(key, container_id)
        if container is None:
            return
        elapsed = self._elapsed(container.started_at, time.time())
        for kind, schedule in list(container.schedules.items()):
            action = (container.spec.get(f"{kind.lower()}Probe") or {}).get("httpGet") or {}
            if kind == STARTUP or str(action.get("path") or "/") != path:
                continue
            natural = container.natural_schedules.get(kind, schedule)
            container.schedules[kind] = schedule = failing_from(schedule, natural, elapsed, fail_next)
            if kind == READINESS:
                container.ready_flips = schedule.flips(False)
                continue
            lost = next((moment for moment, passing in schedule.flips(True) if not passing), None)
            if lost is not None and lost < container.fate[0]:
                container.fate = (lost, "liveness")
        self.requeue(key)

    # -- reporting ------------------------------------------------------------------------------------------------

    async def _report(self, pod: Obj, run: PodRun, now: float, terminal: bool = False) -> None:
        status = self._status(pod, run, now, terminal)
        if status == pod.get("status"):
            return
        patch = {"metadata": {"resourceVersion": pod["metadata"]["resourceVersion"]}, "status": status}
        try:
            await self.client.patch_merge(pod_path(pod) + "/status", patch)
        except ApiRequestFailed as error:
            if error.status != 404:
                raise

    def _status(self, pod: Obj, run: PodRun, now: float, terminal: bool = False) -> Obj:
        stored = pod.get("status") or {}
        generation = pod["metadata"].get("generation")
        statuses = [self._container_status(pod, run, container, now) for container in run.app_containers]
        init_statuses = [self._container_status(pod, run, container, now) for container in run.init_containers]
        phase = self._phase(pod, run, terminal)
        status: Obj = {}
        if generation is not None:
            status["observedGeneration"] = generation
        status["phase"] = phase
        status["conditions"] = self._conditions(pod, run, statuses, phase)
        if run.deadline_exceeded:
            status["reason"] = "DeadlineExceeded"
            status["message"] = "Pod was active on the node longer than the specified deadline"
        node = self.api.store.get(NODES, "", run.node)
        host_ip = _node_ip(node) if node is not None else stored.get("hostIP", "")
        status["hostIP"], status["hostIPs"] = host_ip, [{"ip": host_ip}]
        status["podIP"], status["podIPs"] = run.ip, [{"ip": run.ip}]
        status["startTime"] = stored.get("startTime") or _stamp(run.started)
        if init_statuses:
            status["initContainerStatuses"] = init_statuses
        status["containerStatuses"] = statuses
        status["qosClass"] = stored.get("qosClass") or pod_qos_class(pod)
        for kept in ("nominatedNodeName", "resize", "resourceClaimStatuses"):
            if kept in stored:
                status[kept] = stored[kept]
        return status

    def _container_status(self, pod: Obj, run: PodRun, container: ContainerRun, now: float) -> Obj:
        image_text = str(container.spec.get("image") or "")
        entry: Obj = {"name": container.name}
        if container.state == RUNNING:
            entry["state"] = {"running": {"startedAt": _stamp(container.started_at)}}
        elif container.state == TERMINATED:
            entry["state"] = {
                "terminated": {
                    "exitCode": container.exit_code,
                    "reason": container.reason,
                    "startedAt": _stamp(container.started_at),
                    "finishedAt": _stamp(container.finished_at),
                    "containerID": container.container_id,
                }
            }
        else:
            waiting: Obj = {"reason": container.reason}
            if container.message:
                waiting["message"] = container.message
            entry["state"] = {"waiting": waiting}
        entry["lastState"] = {"terminated": dict(container.last)} if container.last else {}
        entry["ready"] = self._ready(container, now)
        entry["restartCount"] = container.restarts
        ran = container.container_id != ""
        entry["image"] = container.image.status_name if ran and container.image is not None else image_text
        entry["imageID"] = container.image_id if ran else ""
        if ran:
            entry["containerID"] = container.container_id
        entry["started"] = container.state == RUNNING and self._started(container, now)
        return entry

    def _started(self, container: ContainerRun, now: float) -> bool:
        return (
            container.started_after != FOREVER and self._elapsed(container.started_at, now) >= container.started_after
        )

    def _ready(self, container: ContainerRun, now: float) -> bool:
        if container.state != RUNNING or container.init:
            return False
        return verdict_at(container.ready_flips, self._elapsed(container.started_at, now), False)

    def _phase(self, pod: Obj, run: PodRun, terminal: bool = False) -> str:
        """The kubelet's getPhase: from the containers' states and the restart policy."""
        spec = pod.get("spec") or {}
        policy = spec.get("restartPolicy") or "Always"
        if run.deadline_exceeded and not any(container.state == RUNNING for container in run.containers):
            return "Failed"
        pending_init = failed_init = 0
        for container in run.init_containers:
            if container.state == RUNNING:
                pending_init += 1
            elif container.state == TERMINATED:
                failed_init += container.exit_code != 0
            elif container.last is not None:
                failed_init += int(container.last.get("exitCode") or 0) != 0
            else:
                pending_init += 1
        running = waiting = stopped = succeeded = 0
        for container in run.app_containers:
            if container.state == RUNNING:
                running += 1
            elif container.state == TERMINATED:
                stopped += 1
                succeeded += container.exit_code == 0
            elif container.last is not None:
                stopped += 1
            else:
                waiting += 1
        if failed_init and policy == "Never":
            return "Failed"
        any_started = any(container.state != WAITING or container.last for container in run.app_containers)
        if (pending_init and not any_started) or waiting:
            return "Pending"
        if running:
            return "Running"
        if stopped:
            if terminal:
                return "Succeeded" if stopped == succeeded else "Failed"
            if policy == "Always":
                return "Running"
            if stopped == succeeded:
                return "Succeeded"
            return "Failed" if policy == "Never" else "Running"
        return "Pending"

    def _conditions(self, pod: Obj, run: PodRun, statuses: list[Obj], phase: str) -> list[Obj]:
        stored = {entry.get("type"): entry for entry in (pod.get("status") or {}).get("conditions") or []}
        generation = pod["metadata"].get("generation")
        wanted: dict[str, tuple[str, str, str]] = {
            "PodReadyToStartContainers": ("True", "", ""),
            "Initialized": _initialized(run, phase),
        }
        containers_ready = _containers_ready(statuses, phase)
        wanted["Ready"] = _pod_ready(pod, containers_ready, stored)
        wanted["ContainersReady"] = containers_ready
        wanted["PodScheduled"] = ("True", "", "")
        conditions = []
        for kind in KUBELET_CONDITIONS:
            status, reason, message = wanted[kind]
            previous = stored.get(kind) or {}
            entry: Obj = {"type": kind}
            if generation is not None:
                entry["observedGeneration"] = generation
            entry["status"] = status
            entry["lastProbeTime"] = None
            moved = previous.get("status") != status or not previous.get("lastTransitionTime")
            entry["lastTransitionTime"] = _stamp(time.time()) if moved else previous["lastTransitionTime"]
            if reason:
                entry["reason"] = reason
            if message:
                entry["message"] = message
            conditions.append(entry)
        conditions.extend(entry for kind, entry in stored.items() if kind not in KUBELET_CONDITIONS)
        return conditions

    # -- graceful termination -------------------------------------------------------------------------------------

    async def _terminate(self, pod: Obj, node: Obj, now: float) -> float | None:
        """Stop the containers (SIGTERM, SIGKILL at the end of the grace period), then delete the pod for good."""
        uid = pod["metadata"]["uid"]
        status = pod.get("status") or {}
        run = self.runs.get(uid)
        if run is None and status.get("startTime") and status.get("phase") not in ("Succeeded", "Failed"):
            run = self._rebuilt(pod, node, now)
            self.runs[uid] = run
        if run is not None:
            self._lose_containers_of_a_rebooted_node(pod, run)
            deadline = self._kill_deadline(pod, now)
            run.wake = FOREVER
            for container in run.containers:
                if container.state != RUNNING:
                    continue
                if not container.stopping:
                    self._recorder(run.node).normal(
                        pod, "Killing", f"Stopping container {container.name}", container.field_path
                    )
                    self._stop(pod, run, container, now, max(0.0, self._elapsed(now, deadline)))
                self._step_running(pod, run, container, now)
            if any(container.state == RUNNING for container in run.containers):
                return self._simulated_until(run.wake, now)
            if any(container.container_id for container in run.containers):
                await self._report(pod, run, now, terminal=True)
        if pod["metadata"].get("deletionGracePeriodSeconds") == 0:
            return None  # already deleted for good: what remains waits for its finalizers
        try:
            await self.client.delete(pod_path(pod), grace_period_seconds=0)
        except ApiRequestFailed as error:
            if error.status != 404:
                raise
        return None

    def _kill_deadline(self, pod: Obj, now: float) -> float:
        """When the grace period ends: counted in simulated seconds from when the deletion was asked for."""
        metadata = pod["metadata"]
        grace = float(metadata.get("deletionGracePeriodSeconds") or 0)
        stamp, seen = self.deletions.get(metadata["uid"], ("", 0.0))
        if stamp != metadata.get("deletionTimestamp") or not seen:
            seen = (parse_time(metadata.get("deletionTimestamp")) or now) - grace
        return self._later(seen, grace)

    async def _list_images(self) -> None:
        """node.status.images once a node has pulled an image it does not list."""
        while self.unlisted:
            name = self.unlisted.pop()
            path = api_path("", "v1", "nodes", "", name) + "/status"
            try:
                await self.client.patch_merge(path, {"status": {"images": self.images.node_status_images(name)}})
            except ApiRequestFailed as error:
                if error.status != 404:
                    raise

    # -- helpers --------------------------------------------------------------------------------------------------

    def _recorder(self, node: str) -> EventRecorder:
        recorder = self.recorders.get(node)
        if recorder is None:
            recorder = self.recorders[node] = self.context.recorder(COMPONENT, node)
        return recorder

    def _later(self, moment: float, simulated_seconds: float) -> float:
        if simulated_seconds == FOREVER:
            return FOREVER
        return moment + simulated_seconds / self.clock.speed

    def _elapsed(self, start: float, moment: float) -> float:
        return (moment - start) * self.clock.speed


def _initialized(run: PodRun, phase: str) -> tuple[str, str, str]:
    if phase == "Succeeded":
        return ("True", "PodCompleted", "")
    incomplete = [container.name for container in run.init_containers if not container.succeeded]
    if not incomplete or any(container.state != WAITING or container.last for container in run.app_containers):
        return ("True", "", "")
    return ("False", "ContainersNotInitialized", f"containers with incomplete status: [{' '.join(incomplete)}]")


def _containers_ready(statuses: list[Obj], phase: str) -> tuple[str, str, str]:
    if phase == "Succeeded":
        return ("False", "PodCompleted", "")
    if phase == "Failed":
        return ("False", "PodFailed", "")
    unready = [entry["name"] for entry in statuses if not entry.get("ready")]
    if unready:
        return ("False", "ContainersNotReady", f"containers with unready status: [{' '.join(unready)}]")
    return ("True", "", "")


def _pod_ready(pod: Obj, containers_ready: tuple[str, str, str], conditions: dict[Any, Obj]) -> tuple[str, str, str]:
    """Ready: the containers are, and so is every readiness gate's condition."""
    if containers_ready[0] != "True":
        return containers_ready
    unready = []
    for gate in (pod.get("spec") or {}).get("readinessGates") or []:
        kind = gate.get("conditionType")
        found = conditions.get(kind)
        if found is None:
            unready.append(f'corresponding condition of pod readiness gate "{kind}" does not exist.')
        elif found.get("status") != "True":
            unready.append(f'the status of pod readiness gate "{kind}" is not "True", but {found.get("status")}')
    if unready:
        return ("False", "ReadinessGatesNotReady", ", ".join(unready))
    return ("True", "", "")


def _node_ip(node: Obj) -> str:
    addresses = (node.get("status") or {}).get("addresses") or []
    return next((entry["address"] for entry in addresses if entry.get("type") == "InternalIP"), "")


def _grace(pod: Obj) -> float:
    grace = (pod.get("spec") or {}).get("terminationGracePeriodSeconds")
    return float(grace) if isinstance(grace, int) else 30.0


def _stamp(moment: float) -> str:
    return datetime.datetime.fromtimestamp(moment, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _go_duration(seconds: float) -> str:
    """A duration as Go prints a time.Duration rounded to milliseconds: 500ms, 1.5s, 2m3.25s."""
    millis = round(seconds * 1000)
    if millis < 1000:
        return f"{millis}ms"
    minutes, millis = divmod(millis, 60_000)
    text = f"{millis / 1000:.3f}".rstrip("0").rstrip(".") + "s"
    return f"{minutes}m{text}" if minutes else text

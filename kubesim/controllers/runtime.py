"""Running controllers: each follows the store's events, queues the keys they touch, and reconciles them.

Level-triggered: a controller is told *which* object changed, never *how*; it reads the current state
and makes it right. A reconcile may ask to look again after a (simulated) delay, for what time alone
changes (minReadySeconds, back-off, a deadline); a failed one is queued again with a growing delay,
without holding up the other keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from kubesim.clock import Clock
from kubesim.store.store import Event, Key, Store

log = logging.getLogger("kubesim.controllers")
RETRY_DELAYS = (0.05, 0.2, 1.0, 5.0)  # real seconds: a failure is ours or a conflict, not simulated time
MIN_INTERVAL = 0.05  # real seconds between two reconciles of one key that events asked for
PACING = 5.0  # a key waits this many times its last reconcile's cost: no key takes more than a fifth of the loop
MAX_INTERVAL = 2.0  # real seconds: the longest a costly key waits for its next reconcile
FORGET_AFTER = 10_000  # remembered reconcile starts before the old ones are dropped


class Controller(ABC):
    name = "controller"
    # Set by the ControllerManager: queue a key for what no event says, such as a process told something
    # through its own API (kuard's "fail the next N" changes what the kubelet's probes will see).
    requeue: Callable[[Key], None] = staticmethod(lambda key: None)

    @abstractmethod
    def observe(self, event: Event) -> Iterable[Key]:
        """Note what the event says about the cluster; return the keys that now need reconciling."""

    @abstractmethod
    async def reconcile(self, key: Key) -> float | None:
        """Make the object at key (or what hangs on it) what it should be; raise to be retried.

        Return a number of simulated seconds to be asked again about this key after that long, or None."""


class WorkQueue:
    """Keys waiting for a reconcile, each at most once; delayed keys join when their time comes.

    A key reconciled less than MIN_INTERVAL ago (or PACING times its last reconcile's cost, when that is more)
    waits out the rest of it: a ReplicaSet whose thousands of pods become ready one after another is reconciled
    a few times a second, each time seeing many changes, instead of once per pod (each pass costs in proportion
    to its pods, so once per pod would cost their square).
    """

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Key] = asyncio.Queue()
        self._pending: set[Key] = set()
        self._timers: dict[Key, asyncio.TimerHandle] = {}
        self._started: dict[Key, float] = {}  # when each key's last reconcile began (loop time)
        self._cost: dict[Key, float] = {}  # how long each key's last reconcile took, for the costly ones

    def add(self, key: Key) -> None:
        if key in self._pending:
            return
        started = self._started.get(key)
        if started is not None:
            interval = min(max(MIN_INTERVAL, PACING * self._cost.get(key, 0.0)), MAX_INTERVAL)
            wait = started + interval - asyncio.get_event_loop().time()
            if wait > 0:
                self.add_after(key, wait)
                return
            del self._started[key]
        self._pending.add(key)
        self._queue.put_nowait(key)

    def add_after(self, key: Key, seconds: float) -> None:
        """Queue key in `seconds` real seconds; an earlier wish for the same key wins."""
        loop = asyncio.get_event_loop()
        timer = self._timers.get(key)
        due = loop.time() + seconds
        if timer is not None and timer.when() <= due:
            return
        if timer is not None:
            timer.cancel()
        self._timers[key] = loop.call_at(due, self._due, key)

    def _due(self, key: Key) -> None:
        self._timers.pop(key, None)
        self._started.pop(key, None)  # its time has come: no interval to wait out again
        self.add(key)

    async def get(self) -> Key:
        key = await self._queue.get()
        self._pending.discard(key)
        now = asyncio.get_event_loop().time()
        if len(self._started) > FORGET_AFTER:  # keys of objects long gone: only recent starts matter
            self._started = {known: at for known, at in self._started.items() if now - at < MIN_INTERVAL}
        self._started[key] = now
        return key

    def done(self, key: Key, seconds: float) -> None:
        """A reconcile of key took seconds: a costly key waits longer between reconciles (see PACING)."""
        if seconds * PACING > MIN_INTERVAL:
            self._cost[key] = seconds
        else:
            self._cost.pop(key, None)

    def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()


class ControllerManager:
    """Runs each controller's reconcile loop; feeds every controller's observe() as the store publishes.

    observe() runs synchronously inside each write, like an informer whose cache is never behind the store:
    a reconcile always sees an index that agrees with what it reads.
    """

    def __init__(self, store: Store, clock: Clock, controllers: list[Controller]) -> None:
        self.store, self.clock, self.controllers = store, clock, controllers
        self.queues = {controller.name: WorkQueue() for controller in controllers}
        for controller in controllers:
            controller.requeue = self.queues[controller.name].add
        self.tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        for event in self._current_state():
            self._dispatch(event)
        self.store.listeners.append(self._dispatch)
        for controller in self.controllers:
            self.tasks.append(asyncio.ensure_future(self._run(controller, self.queues[controller.name])))

    async def stop(self) -> None:
        if self._dispatch in self.store.listeners:
            self.store.listeners.remove(self._dispatch)
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for queue in self.queues.values():
            queue.close()

    def _dispatch(self, event: Event) -> None:
        for controller in self.controllers:
            try:
                keys = list(controller.observe(event))
            except Exception:
                log.exception("%s could not observe %s %s/%s", controller.name, event.type, event.resource, event.name)
                continue
            queue = self.queues[controller.name]
            for key in keys:
                queue.add(key)

    async def _run(self, controller: Controller, queue: WorkQueue) -> None:
        failures: dict[Key, int] = {}
        while True:
            key = await queue.get()
            began = time.perf_counter()
            try:
                again = await controller.reconcile(key)
            except asyncio.CancelledError:
                raise
            except Exception:
                attempt = failures.get(key, 0)
                if attempt >= len(RETRY_DELAYS):
                    log.exception("%s gave up on %s", controller.name, key)
                    failures.pop(key, None)
                    continue
                failures[key] = attempt + 1
                queue.add_after(key, RETRY_DELAYS[attempt])
                continue
            failures.pop(key, None)
            queue.done(key, time.perf_counter() - began)
            if again is not None:
                queue.add_after(key, self.clock.real(again))

    def _current_state(self) -> list[Event]:
        """The cluster as it is, as synthetic ADDED events: a controller starts from the level, not the edges."""
        return [
            Event("ADDED", resource, obj["metadata"].get("namespace", ""), obj["metadata"]["name"], obj, 0, b"")
            for resource in list(self.store.objects)
            for obj in self.store.list(resource)
        ]

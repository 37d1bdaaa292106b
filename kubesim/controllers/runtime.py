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
from abc import ABC, abstractmethod
from collections.abc import Iterable

from kubesim.clock import Clock
from kubesim.store.store import EVERY_RESOURCE, Event, Key, Store

log = logging.getLogger("kubesim.controllers")
RETRY_DELAYS = (0.05, 0.2, 1.0, 5.0)  # real seconds: a failure is ours or a conflict, not simulated time


class Controller(ABC):
    name = "controller"

    @abstractmethod
    def observe(self, event: Event) -> Iterable[Key]:
        """Note what the event says about the cluster; return the keys that now need reconciling."""

    @abstractmethod
    async def reconcile(self, key: Key) -> float | None:
        """Make the object at key (or what hangs on it) what it should be; raise to be retried.

        Return a number of simulated seconds to be asked again about this key after that long, or None."""


class WorkQueue:
    """Keys waiting for a reconcile, each at most once; delayed keys join when their time comes."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Key] = asyncio.Queue()
        self._pending: set[Key] = set()
        self._timers: dict[Key, asyncio.TimerHandle] = {}

    def add(self, key: Key) -> None:
        if key not in self._pending:
            self._pending.add(key)
            self._queue.put_nowait(key)

    def add_after(self, key: Key, seconds: float) -> None:
        """Queue key in `seconds` real seconds; an earlier wish for the same key wins."""
        loop = asyncio.get_running_loop()
        timer = self._timers.get(key)
        due = loop.time() + seconds
        if timer is not None and timer.when() <= due:
            return
        if timer is not None:
            timer.cancel()
        self._timers[key] = loop.call_at(due, self._due, key)

    def _due(self, key: Key) -> None:
        self._timers.pop(key, None)
        self.add(key)

    async def get(self) -> Key:
        key = await self._queue.get()
        self._pending.discard(key)
        return key

    def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()


class ControllerManager:
    def __init__(self, store: Store, clock: Clock, controllers: list[Controller]) -> None:
        self.store, self.clock, self.controllers = store, clock, controllers
        self.tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        for controller in self.controllers:
            self.tasks.append(asyncio.ensure_future(self._run(controller)))

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, controller: Controller) -> None:
        queue = WorkQueue()
        failures: dict[Key, int] = {}
        watcher = self.store.watch(EVERY_RESOURCE, None, None)
        try:
            for event in self._current_state():
                for key in controller.observe(event):
                    queue.add(key)
            follower = asyncio.ensure_future(self._follow(controller, watcher.queue, queue))
            try:
                while True:
                    key = await queue.get()
                    self._catch_up(controller, watcher.queue, queue)
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
                    if again is not None:
                        queue.add_after(key, self.clock.real(again))
            finally:
                follower.cancel()
                queue.close()
        finally:
            self.store.unwatch(watcher)

    def _current_state(self) -> list[Event]:
        """The cluster as it is, as synthetic ADDED events: a controller starts from the level, not the edges."""
        return [
            Event("ADDED", resource, obj["metadata"].get("namespace", ""), obj["metadata"]["name"], obj, 0, b"")
            for resource in list(self.store.objects)
            for obj in self.store.list(resource)
        ]

    @staticmethod
    def _catch_up(controller: Controller, events: asyncio.Queue[Event], queue: WorkQueue) -> None:
        """Observe every event already published, so that a reconcile never sees an index older than the store."""
        while not events.empty():
            for key in controller.observe(events.get_nowait()):
                queue.add(key)

    @staticmethod
    async def _follow(controller: Controller, events: asyncio.Queue[Event], queue: WorkQueue) -> None:
        while True:
            event = await events.get()
            for key in controller.observe(event):
                queue.add(key)

"""Running controllers: each follows the store's events, queues the keys they touch, and reconciles them.

Level-triggered: a controller is told *which* object changed, never *how*; it reads the current state
and makes it right. A failed reconcile is retried with a growing delay.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from kubesim.store.store import EVERY_RESOURCE, Event, Key, Store

log = logging.getLogger("kubesim.controllers")
RETRY_DELAYS = (0.05, 0.2, 1.0, 5.0)


class Controller(ABC):
    name = "controller"

    @abstractmethod
    def observe(self, event: Event) -> Iterable[Key]:
        """Note what the event says about the cluster; return the keys that now need reconciling."""

    @abstractmethod
    async def reconcile(self, key: Key) -> None:
        """Make the object at key (or what hangs on it) what it should be; raise to be retried."""


class ControllerManager:
    def __init__(self, store: Store, controllers: list[Controller]) -> None:
        self.store, self.controllers = store, controllers
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
        queue: asyncio.Queue[Key] = asyncio.Queue()
        pending: set[Key] = set()

        def enqueue(keys: Iterable[Key]) -> None:
            for key in keys:
                if key not in pending:
                    pending.add(key)
                    queue.put_nowait(key)

        watcher = self.store.watch(EVERY_RESOURCE, None, None)
        try:
            for event in self._current_state():
                enqueue(controller.observe(event))
            follower = asyncio.ensure_future(self._follow(controller, watcher.queue, enqueue))
            try:
                while True:
                    key = await queue.get()
                    pending.discard(key)
                    await self._reconcile(controller, key)
            finally:
                follower.cancel()
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
    async def _follow(
        controller: Controller, events: asyncio.Queue[Event], enqueue: Callable[[Iterable[Key]], None]
    ) -> None:
        while True:
            enqueue(controller.observe(await events.get()))

    @staticmethod
    async def _reconcile(controller: Controller, key: Key) -> None:
        for delay in (*RETRY_DELAYS, None):
            try:
                await controller.reconcile(key)
                return
            except Exception:
                if delay is None:
                    log.exception("%s gave up on %s", controller.name, key)
                    return
                await asyncio.sleep(delay)

"""kube-scheduler's scheduling queue: where a pod waits for its turn, its back-off, or a change that may help it.

A pod waits in one of three places. Active: ready, taken highest priority first, then oldest (the PrioritySort
plugin). Backing off: it failed and waits 1 s, doubling with every failed attempt up to 10 s (simulated;
podInitialBackoffSeconds, podMaxBackoffSeconds). Unschedulable: it failed and waits for a cluster change that
may help, judged by which plugins turned it down (a node changed, a pod left a node, a claim was bound...);
after 5 minutes there it is tried anyway (podMaxInUnschedulablePodsDuration). All times are simulated seconds.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass

PodKey = tuple[str, str]

INITIAL_BACKOFF, MAX_BACKOFF = 1.0, 10.0
MAX_UNSCHEDULABLE = 300.0
ACTIVE, IN_FLIGHT, BACKING_OFF, UNSCHEDULABLE = "active", "in flight", "backing off", "unschedulable"


@dataclass(slots=True)
class _Waiting:
    priority: int
    created: str
    place: str = ACTIVE
    attempts: int = 0
    backoff_until: float = 0.0
    rejectors: frozenset[str] = frozenset()
    token: int = 0  # the heap entry that stands for the pod now; older entries are stale


class SchedulingQueue:
    def __init__(self) -> None:
        self._pods: dict[PodKey, _Waiting] = {}
        self._unschedulable: set[PodKey] = set()
        self._active: list[tuple[int, str, int, PodKey]] = []
        self._backing_off: list[tuple[float, int, PodKey]] = []
        self._leftovers: list[tuple[float, int, PodKey]] = []  # when each unschedulable pod is tried anyway
        self._tokens = itertools.count()

    def __contains__(self, key: PodKey) -> bool:
        return key in self._pods

    def add(self, key: PodKey, priority: int, created: str) -> None:
        """A pod that newly needs a node: straight to the active queue."""
        if key not in self._pods:
            entry = self._pods[key] = _Waiting(priority, created)
            self._activate(key, entry)

    def forget(self, key: PodKey) -> None:
        """The pod is bound, gone, or no longer ours."""
        self._pods.pop(key, None)
        self._unschedulable.discard(key)

    def pop(self, now: float) -> PodKey | None:
        """The next pod to schedule, which is then in flight until it is forgotten or has failed."""
        self._flush(now)
        while self._active:
            _, _, token, key = heapq.heappop(self._active)
            entry = self._pods.get(key)
            if entry is not None and entry.place == ACTIVE and entry.token == token:
                entry.place = IN_FLIGHT
                return key
        return None

    def failed(self, key: PodKey, rejectors: frozenset[str] | None, now: float) -> None:
        """An attempt failed: unschedulable until a change the `rejectors` care about, or (None: an error, such as
        a refused binding) simply backing off."""
        entry = self._pods.get(key)
        if entry is None:
            return
        entry.attempts += 1
        entry.backoff_until = now + min(INITIAL_BACKOFF * 2 ** (entry.attempts - 1), MAX_BACKOFF)
        if rejectors is None:
            self._back_off(key, entry)
            return
        entry.place, entry.rejectors, entry.token = UNSCHEDULABLE, rejectors, next(self._tokens)
        self._unschedulable.add(key)
        heapq.heappush(self._leftovers, (now + MAX_UNSCHEDULABLE, entry.token, key))

    def retry(self, helps: Callable[[frozenset[str]], bool], now: float) -> bool:
        """Move the unschedulable pods a cluster change may help (by who turned them down); whether any moved."""
        moving = [key for key in self._unschedulable if helps(self._pods[key].rejectors)]
        for key in moving:
            self._requeue(key, self._pods[key], now)
        return bool(moving)

    def retry_pod(self, key: PodKey, now: float) -> bool:
        """The pod itself changed: if it waits as unschedulable, it may fit now."""
        entry = self._pods.get(key)
        if entry is None or entry.place != UNSCHEDULABLE:
            return False
        self._requeue(key, entry, now)
        return True

    def next_due(self, now: float) -> float | None:
        """Simulated seconds until a pod's back-off or unschedulable wait ends, if any pod waits for that."""
        for heap, place in ((self._backing_off, BACKING_OFF), (self._leftovers, UNSCHEDULABLE)):
            while heap and not self._current(heap[0][2], heap[0][1], place):
                heapq.heappop(heap)
        moments = [heap[0][0] for heap in (self._backing_off, self._leftovers) if heap]
        return max(0.0, min(moments) - now) if moments else None

    def _current(self, key: PodKey, token: int, place: str) -> bool:
        entry = self._pods.get(key)
        return entry is not None and entry.place == place and entry.token == token

    def _requeue(self, key: PodKey, entry: _Waiting, now: float) -> None:
        self._unschedulable.discard(key)
        if entry.backoff_until > now:
            self._back_off(key, entry)
        else:
            self._activate(key, entry)

    def _back_off(self, key: PodKey, entry: _Waiting) -> None:
        self._unschedulable.discard(key)
        entry.place, entry.token = BACKING_OFF, next(self._tokens)
        heapq.heappush(self._backing_off, (entry.backoff_until, entry.token, key))

    def _activate(self, key: PodKey, entry: _Waiting) -> None:
        entry.place, entry.token = ACTIVE, next(self._tokens)
        heapq.heappush(self._active, (-entry.priority, entry.created, entry.token, key))

    def _flush(self, now: float) -> None:
        while self._backing_off and self._backing_off[0][0] <= now:
            _, token, key = heapq.heappop(self._backing_off)
            if self._current(key, token, BACKING_OFF):
                self._activate(key, self._pods[key])
        while self._leftovers and self._leftovers[0][0] <= now:
            _, token, key = heapq.heappop(self._leftovers)
            if self._current(key, token, UNSCHEDULABLE):
                self._requeue(key, self._pods[key], now)

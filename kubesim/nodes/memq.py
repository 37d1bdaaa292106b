"""kuard's MemQ work queue (book chapter 12): the in-memory broker a kuard serves on /memq/server, and the keygen
workers that consume it.

The broker follows kuard's pkg/memq/server: `GET /memq/server/stats` gives {"kind": "stats", "queues": [{name,
depth, enqueued, dequeued, drained}]}; `PUT`/`DELETE /memq/server/queues/NAME` create and delete a queue
("already exists", "does not exist": 400); `POST .../NAME/enqueue` takes the request body as a message and answers
it ({"kind": "message", "id", "body", "creationTimestamp"}); `POST .../NAME/dequeue` answers the oldest message, or
204 when the queue is empty; `POST .../NAME/drain` empties it. Each kuard process has its own broker, lost when it
restarts, as the real one lives in memory.

A kuard started with `--keygen-enable --keygen-memq-server=URL --keygen-memq-queue=NAME` is a worker: it takes a
message, makes one key (KEY_SECONDS simulated seconds), takes the next, and when a dequeue finds the queue empty
(or the queue gone) it ends, with exit code 0. The workers of a queue share it, so when each ends depends on all of
them: the broker replays their dequeues in simulated time whenever someone looks at the queue (`catch_up`), and
after each change it projects when every worker will find the queue empty if nothing more is enqueued, telling the
kubelet through `listeners` so that the container ends then (a later enqueue moves that moment on).
"""

from __future__ import annotations

import datetime
import heapq
import json
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubesim.clock import Clock
from kubesim.nodes.kuard import HttpAnswer
from kubesim.nodes.processes import KEY_SECONDS
from kubesim.store.store import Key

Obj = dict[str, Any]
BASE = "/memq/server"


@dataclass
class Queue:
    messages: deque[Obj] = field(default_factory=deque)
    enqueued: int = 0
    dequeued: int = 0
    drained: int = 0


@dataclass
class Worker:
    """A keygen worker of one queue: when (real time) it next dequeues, and when it found the queue empty."""

    pod: Key
    container_id: str
    queue: str
    next_at: float
    finished_at: float | None = None


@dataclass
class Broker:
    queues: dict[str, Queue] = field(default_factory=dict)
    workers: list[Worker] = field(default_factory=list)


def _error(message: str) -> HttpAnswer:
    return HttpAnswer(400, f"{message}\n".encode())


def _json(value: Any) -> HttpAnswer:
    return HttpAnswer(200, json.dumps(value).encode() + b"\n", "application/json")


class WorkQueues:
    """The MemQ brokers of the cluster's kuard processes, by the server's container ID, and their workers."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.brokers: dict[str, Broker] = {}
        # told (worker pod, container ID, real time it finds the queue empty) when that moment is projected anew
        self.listeners: list[Callable[[Key, str, float], None]] = []

    @property
    def _key_seconds(self) -> float:
        return self.clock.real(KEY_SECONDS)

    # -- the broker's HTTP API ----------------------------------------------------------------------------------

    def handle(self, server: str, method: str, path: str, body: bytes) -> HttpAnswer | None:
        """kuard's /memq/server routes for the broker of the kuard with that container ID; None: no such route."""
        broker = self.brokers.setdefault(server, Broker())
        self._catch_up(broker, time.time())
        parts = path[len(BASE) :].strip("/").split("/")
        if (method, parts) == ("GET", ["stats"]):
            return _json({"kind": "stats", "queues": [_stat(name, queue) for name, queue in broker.queues.items()]})
        if len(parts) < 2 or parts[0] != "queues":
            return None
        name, action = parts[1], "/".join(parts[2:])
        answer = self._queue_request(broker, method, name, action, body)
        if answer is not None:
            self._project(broker, time.time())
        return answer

    def _queue_request(self, broker: Broker, method: str, name: str, action: str, body: bytes) -> HttpAnswer | None:
        if not name:
            return _error("empty name")
        queue = broker.queues.get(name)
        if (method, action) == ("PUT", ""):
            if queue is not None:
                return _error("already exists")
            broker.queues[name] = Queue()
            return HttpAnswer(200, b"")
        if (method, action) not in (("DELETE", ""), ("POST", "drain"), ("POST", "enqueue"), ("POST", "dequeue")):
            return None
        if queue is None:
            return _error("does not exist")
        if method == "DELETE":
            del broker.queues[name]
            return HttpAnswer(200, b"")
        if action == "drain":
            queue.drained += len(queue.messages)
            queue.messages.clear()
            return HttpAnswer(200, b"")
        if action == "enqueue":
            message = _message(body.decode(errors="replace"))
            queue.messages.append(message)
            queue.enqueued += 1
            return _json(message)
        if not queue.messages:
            return HttpAnswer(204, b"")
        queue.dequeued += 1
        return _json(queue.messages.popleft())

    # -- workers ------------------------------------------------------------------------------------------------

    def work(self, server: str, queue: str, pod: Key, container_id: str, started_at: float) -> None:
        """A keygen worker started (real time `started_at`) on the queue of the kuard with that container ID."""
        broker = self.brokers.setdefault(server, Broker())
        if any(worker.container_id == container_id for worker in broker.workers):
            return
        broker.workers.append(Worker(pod, container_id, queue, started_at))
        self._project(broker, time.time())

    def stop(self, container_id: str, moment: float) -> None:
        """A worker's container stopped at `moment` (real time): what it took until then stays taken, it takes
        nothing more, and the others share what is left."""
        for broker in self.brokers.values():
            if any(worker.container_id == container_id for worker in broker.workers):
                self._catch_up(broker, moment)
                broker.workers = [worker for worker in broker.workers if worker.container_id != container_id]
                self._project(broker, time.time())

    def _catch_up(self, broker: Broker, now: float) -> None:
        """Replay, in order, the dequeues the workers made up to now."""
        while True:
            active = [worker for worker in broker.workers if worker.finished_at is None and worker.next_at <= now]
            if not active:
                return
            worker = min(active, key=lambda candidate: candidate.next_at)
            queue = broker.queues.get(worker.queue)
            if queue is None or not queue.messages:
                worker.finished_at = worker.next_at
                continue
            queue.messages.popleft()
            queue.dequeued += 1
            worker.next_at += self._key_seconds

    def _project(self, broker: Broker, now: float) -> None:
        """When each working worker will find its queue empty if nothing more comes in; tell the listeners."""
        self._catch_up(broker, now)
        broker.workers = [worker for worker in broker.workers if worker.finished_at is None]
        depths = {name: len(queue.messages) for name, queue in broker.queues.items()}
        turns = [(worker.next_at, index) for index, worker in enumerate(broker.workers)]
        heapq.heapify(turns)
        finishes: dict[int, float] = {}
        while turns:
            moment, index = heapq.heappop(turns)
            queue = broker.workers[index].queue
            if depths.get(queue, 0) > 0:
                depths[queue] -= 1
                heapq.heappush(turns, (moment + self._key_seconds, index))
            else:
                finishes[index] = moment
        for index, worker in enumerate(broker.workers):
            for listener in self.listeners:
                listener(worker.pod, worker.container_id, finishes[index])


def _stat(name: str, queue: Queue) -> Obj:
    depth = len(queue.messages)
    return {
        "name": name,
        "depth": depth,
        "enqueued": queue.enqueued,
        "dequeued": queue.dequeued,
        "drained": queue.drained,
    }


def _message(body: str) -> Obj:
    created = datetime.datetime.now(datetime.UTC).isoformat().replace("+00:00", "Z")
    return {"kind": "message", "id": secrets.token_hex(16), "body": body, "creationTimestamp": created}

"""Objects in memory for speed, in SQLite for durability, with a watch history for resumable watches.

Every write takes the next cluster-wide resourceVersion and is offered to the watchers; reads are served
from memory. Writes are committed to SQLite in groups: those of one turn of the event loop share a
transaction, committed at the end of the turn, and always before the server answers a request (WAL mode:
an acknowledged write survives `kill -9`). Watchers learn of a write only after its commit was scheduled,
so its commit runs before they can pass it on.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ADDED, MODIFIED, DELETED, BOOKMARK = "ADDED", "MODIFIED", "DELETED", "BOOKMARK"
HISTORY = 20_000  # watch events kept for resuming; older resourceVersions get 410 Gone
PRUNE_EVERY = 1_000  # writes between removals of events older than the history, from SQLite

Key = tuple[str, str, str]  # (resource key such as "apps/deployments", namespace or "", name)


class Conflict(Exception):
    """The object changed since the resourceVersion the writer read."""


class AlreadyExists(Exception):
    pass


class NotFound(Exception):
    pass


class Expired(Exception):
    """A watch asked to resume from a resourceVersion older than the history."""


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    resource: str
    namespace: str
    name: str
    object: dict[str, Any]
    rv: int
    body: bytes  # the object's JSON, encoded once for every watcher

    def line(self) -> bytes:
        return watch_line(self.type, self.body)


@dataclass(eq=False)
class Watcher:
    resource: str
    namespace: str | None
    queue: asyncio.Queue[Event] = field(default_factory=asyncio.Queue)

    def wants(self, event: Event) -> bool:
        return self.resource == event.resource and (self.namespace is None or self.namespace == event.namespace)


class Store:
    def __init__(self, path: Path | None) -> None:
        self.db = sqlite3.connect(str(path) if path else ":memory:", isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self.objects: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
        # Each object's JSON as written to SQLite: reads answer with it instead of encoding again.
        self.encoded: dict[str, dict[tuple[str, str], bytes]] = {}
        self.history: deque[Event] = deque(maxlen=HISTORY)
        self.watchers: set[Watcher] = set()
        # Called with every event as it is published, before the write returns: the controllers' informers.
        self.listeners: list[Callable[[Event], None]] = []
        self.rv = 0
        self.oldest_rv = 0
        self._load()

    # -- reading -----------------------------------------------------------------------------------

    def get(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        return self.objects.get(resource, {}).get((namespace, name))

    def json_of(self, resource: str, obj: dict[str, Any]) -> bytes:
        """The stored JSON of an object that list() or get() returned."""
        metadata = obj["metadata"]
        return self.encoded[resource][(metadata.get("namespace", ""), metadata["name"])]

    def list(self, resource: str, namespace: str | None = None) -> list[dict[str, Any]]:
        items = self.objects.get(resource, {})
        if namespace is None:
            return [items[key] for key in sorted(items)]
        return [items[key] for key in sorted(items) if key[0] == namespace]

    def resources(self) -> Iterator[str]:
        return iter(list(self.objects))

    # -- writing -----------------------------------------------------------------------------------

    def create(self, resource: str, namespace: str, name: str, obj: dict[str, Any]) -> dict[str, Any]:
        if self.get(resource, namespace, name) is not None:
            raise AlreadyExists(name)
        return self._write(ADDED, resource, namespace, name, obj)

    def update(
        self, resource: str, namespace: str, name: str, obj: dict[str, Any], expected_rv: str | None = None
    ) -> dict[str, Any]:
        current = self.get(resource, namespace, name)
        if current is None:
            raise NotFound(name)
        if expected_rv and expected_rv != current["metadata"]["resourceVersion"]:
            raise Conflict(name)
        return self._write(MODIFIED, resource, namespace, name, obj)

    def delete(self, resource: str, namespace: str, name: str, expected_rv: str | None = None) -> dict[str, Any]:
        current = self.get(resource, namespace, name)
        if current is None:
            raise NotFound(name)
        if expected_rv and expected_rv != current["metadata"]["resourceVersion"]:
            raise Conflict(name)
        return self._write(DELETED, resource, namespace, name, current)

    def _write(self, kind: str, resource: str, namespace: str, name: str, obj: dict[str, Any]) -> dict[str, Any]:
        rv = self.rv + 1
        stored = {**obj, "metadata": {**obj.get("metadata", {}), "resourceVersion": str(rv)}}
        body = json.dumps(stored, separators=(",", ":"))
        deferred = self._begin()
        if kind == DELETED:
            self.db.execute(
                "DELETE FROM objects WHERE resource=? AND namespace=? AND name=?", (resource, namespace, name)
            )
        else:
            self.db.execute(
                "INSERT OR REPLACE INTO objects (resource, namespace, name, rv, body) VALUES (?, ?, ?, ?, ?)",
                (resource, namespace, name, rv, body),
            )
        self.db.execute(
            "INSERT INTO events (rv, type, resource, namespace, name, body) VALUES (?, ?, ?, ?, ?, ?)",
            (rv, kind, resource, namespace, name, body),
        )
        if rv % PRUNE_EVERY == 0:
            self.db.execute("DELETE FROM events WHERE rv <= ?", (rv - HISTORY,))
        self.rv = rv
        bucket = self.objects.setdefault(resource, {})
        encoded = self.encoded.setdefault(resource, {})
        if kind == DELETED:
            bucket.pop((namespace, name), None)
            encoded.pop((namespace, name), None)
        else:
            bucket[(namespace, name)] = stored
            encoded[(namespace, name)] = body.encode()
        self._publish(Event(kind, resource, namespace, name, stored, rv, body.encode()))
        if not deferred:
            self.commit()
        return stored

    def _begin(self) -> bool:
        """Join the transaction that the writes of this turn of the event loop share (group commit); False
        when no event loop runs to commit it at the end of the turn, so that the caller commits at once."""
        if self.db.in_transaction:
            return True
        self.db.execute("BEGIN")
        try:
            asyncio.get_running_loop().call_soon(self.commit)
        except RuntimeError:
            return False
        return True

    def commit(self) -> None:
        """Make the writes so far durable. The server calls it before it answers a request, so that what it
        acknowledged survives kill -9; the writes of controllers share a commit per turn of the event loop."""
        if self.db.in_transaction:
            self.db.execute("COMMIT")

    # -- watching ----------------------------------------------------------------------------------

    def watch(self, resource: str, namespace: str | None, since_rv: int | None) -> Watcher:
        """A watcher that first receives the events after since_rv (None: only new ones)."""
        watcher = Watcher(resource, namespace)
        if since_rv is not None:
            if since_rv < self.oldest_rv - 1 and since_rv < self.rv:
                raise Expired(str(since_rv))
            for event in self.history:
                if event.rv > since_rv and watcher.wants(event):
                    watcher.queue.put_nowait(event)
        self.watchers.add(watcher)
        return watcher

    def unwatch(self, watcher: Watcher) -> None:
        self.watchers.discard(watcher)

    def _publish(self, event: Event) -> None:
        if len(self.history) == self.history.maxlen:
            self.oldest_rv = self.history[0].rv + 1
        self.history.append(event)
        if not self.oldest_rv:
            self.oldest_rv = event.rv
        for watcher in self.watchers:
            if watcher.wants(event):
                watcher.queue.put_nowait(event)
        for listener in self.listeners:
            listener(event)

    # -- start-up ----------------------------------------------------------------------------------

    def _load(self) -> None:
        for resource, namespace, name, body in self.db.execute("SELECT resource, namespace, name, body FROM objects"):
            self.objects.setdefault(resource, {})[(namespace, name)] = json.loads(body)
            self.encoded.setdefault(resource, {})[(namespace, name)] = body.encode()
        rows = self.db.execute("SELECT rv, type, resource, namespace, name, body FROM events ORDER BY rv").fetchall()
        for rv, kind, resource, namespace, name, body in rows[-HISTORY:]:
            self.history.append(Event(kind, resource, namespace, name, json.loads(body), rv, body.encode()))
        (counter,) = self.db.execute("SELECT COALESCE(MAX(rv), 0) FROM events").fetchone()
        self.rv = counter
        self.oldest_rv = self.history[0].rv if self.history else counter + 1

    def close(self) -> None:
        self.commit()
        self.db.close()


def watch_line(kind: str, body: bytes) -> bytes:
    """One event of a watch stream, a line of JSON, from the object's already encoded JSON."""
    return b'{"type":"' + kind.encode() + b'","object":' + body + b"}\n"


_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, rv INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (resource, namespace, name)
);
CREATE TABLE IF NOT EXISTS events (
    rv INTEGER PRIMARY KEY, type TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
    body TEXT NOT NULL
);
"""

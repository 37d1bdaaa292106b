"""Following a list of Kubernetes objects live, as client-go's informers do, through the public API only.

A view needs the current set of some objects (the pods of a namespace, the ReplicaSets of a Deployment) and a nudge
whenever that set changes. `WatchedList` keeps the set in memory from a background thread: it lists once, then
watches from the list's resourceVersion, ten seconds per request (`timeout_seconds`, so that a dropped connection
is noticed), resuming each time from the last resourceVersion it saw. When the server has forgotten that version
(410 Gone: a real API server keeps only a few minutes of history) it lists again. A failing list or watch (the
cluster stopped, a missing permission) is kept in `error` for the view to show, and retried later, less often
while it keeps failing.

Every change calls `on_change`; `Throttle` turns those calls into at most one render every 0.3 s, the last change
always rendered, so a rollout of a hundred pods repaints a widget a few times a second rather than hundreds.

The objects are the server's JSON as dicts (the client's watch with `deserialize=False`), which keeps the renderers
independent of the client's model classes and lets tests build their input by hand. Nothing here is specific to
kubesim: the same calls follow a kind cluster or any other.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from kubernetes import watch
from kubernetes.client.exceptions import ApiException

WATCH_SECONDS = 10  # how long one watch request lasts before it is renewed from the last resourceVersion
REQUEST_TIMEOUT = (5, WATCH_SECONDS + 30)  # (connect, read) seconds: a silent, half-dead connection is given up
RETRY_SECONDS = 2.0  # after a failure; doubled after each further one in a row, up to RETRY_SECONDS_MAX
RETRY_SECONDS_MAX = 30.0
HTTP_GONE = 410

Object = dict[str, Any]


def object_key(item: Object) -> str:
    metadata = item.get("metadata") or {}
    return f"{metadata.get('namespace') or ''}/{metadata.get('name') or ''}"


class WatchedList:
    """The objects one list call returns, kept current by a watch in a daemon thread until `stop()`."""

    def __init__(self, name: str, list_objects: Callable[..., Any], on_change: Callable[[], None], **arguments: Any):
        self.name = name
        self.error: str | None = None
        self.synced = False  # the first list has arrived: until then, an empty list means "not known yet"
        self.answered = threading.Event()  # the first list has arrived, or failed
        self._list_objects = list_objects
        self._arguments = arguments
        self._on_change = on_change
        self._objects: dict[str, Object] = {}
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._watch: watch.Watch | None = None
        self._failures = 0
        self._thread = threading.Thread(target=self._run, name=f"kuarlab-watch-{name}", daemon=True)
        self._thread.start()

    def objects(self) -> list[Object]:
        with self._lock:
            return [self._objects[key] for key in sorted(self._objects)]

    def stop(self) -> None:
        self._stopped.set()
        self._interrupt()

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self._thread.is_alive() and time.monotonic() < deadline:
            self._interrupt()  # a watch request still on its way when stop() ran has a socket to shut only now
            self._thread.join(0.1)

    def _interrupt(self) -> None:
        current = self._watch
        if current is not None:
            current.stop()  # shuts the socket down, so a watch waiting for its next event returns at once

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                version = self._relist()
                while not self._stopped.is_set():
                    version = self._follow(version)
            except ApiException as error:
                if error.status != HTTP_GONE:
                    self._failed(f"{error.status} {error.reason}")
            except Exception as error:  # connection errors of every kind end in a retry, never a crash
                if not self._stopped.is_set():
                    self._failed(f"{type(error).__name__}: {error}")

    def _relist(self) -> str:
        response = self._list_objects(**self._arguments, _preload_content=False, _request_timeout=REQUEST_TIMEOUT)
        body = json.loads(response.data)
        objects = {object_key(item): item for item in body.get("items") or []}
        with self._lock:
            self._objects = objects
        self.error = None
        self._failures = 0
        self.synced = True
        self.answered.set()
        self._on_change()
        return str((body.get("metadata") or {}).get("resourceVersion") or "")

    def _follow(self, version: str) -> str:
        """Applies the events of one watch request and returns the resourceVersion to resume from."""
        self._watch = watch.Watch()
        if self._stopped.is_set():  # stop() ran before this watch existed to be stopped
            return version
        events = self._watch.stream(
            self._list_objects,
            resource_version=version,
            timeout_seconds=WATCH_SECONDS,
            allow_watch_bookmarks=True,
            deserialize=False,
            _request_timeout=REQUEST_TIMEOUT,
            **self._arguments,
        )
        for event in events:
            item = event.get("object") or {}
            version = (item.get("metadata") or {}).get("resourceVersion") or version
            if event.get("type") in ("ADDED", "MODIFIED", "DELETED"):
                self._apply(event["type"], item)
            if self._stopped.is_set():
                break
        return version

    def _apply(self, kind: str, item: Object) -> None:
        with self._lock:
            if kind == "DELETED":
                self._objects.pop(object_key(item), None)
            else:
                self._objects[object_key(item)] = item
        self._on_change()

    def _failed(self, message: str) -> None:
        self.error = message
        self.answered.set()
        self._on_change()
        self._stopped.wait(min(RETRY_SECONDS * 2**self._failures, RETRY_SECONDS_MAX))
        self._failures += 1


class Throttle:
    """Calls `action` at most once per `interval` seconds; a call inside the interval is done at its end."""

    def __init__(self, action: Callable[[], None], interval: float = 0.3):
        self._action = action
        self._interval = interval
        self._lock = threading.Lock()
        self._running = threading.Lock()  # two watch threads never render at the same time
        self._last = -interval
        self._timer: threading.Timer | None = None
        self._closed = False

    def __call__(self) -> None:
        with self._lock:
            if self._closed or self._timer is not None:
                return  # already due: that call will see this change too
            delay = self._last + self._interval - time.monotonic()
            if delay > 0:
                self._timer = threading.Timer(delay, self._fire)
                self._timer.daemon = True
                self._timer.start()
                return
            self._last = time.monotonic()
        self._run()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def _fire(self) -> None:
        with self._lock:
            self._timer = None
            if self._closed:
                return
            self._last = time.monotonic()
        self._run()

    def _run(self) -> None:
        with self._running:
            self._action()

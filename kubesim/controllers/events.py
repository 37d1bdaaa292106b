"""Events as controllers and kubelets record them: one core/v1 Event per distinct happening, counted when it recurs.

`kubectl describe` and `kubectl get events` read these. Like client-go's recorder, a repeat of the same
reason and message about the same object raises `count` and `lastTimestamp` instead of adding an Event.
Events are written to the store directly: they are the components' notes, not requests to act on.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from kubesim.api import meta
from kubesim.store.store import NotFound, Store

EVENTS = "/events"
NORMAL, WARNING = "Normal", "Warning"
REMEMBERED = 10_000  # happenings remembered for counting repeats


class EventRecorder:
    def __init__(self, store: Store, component: str, host: str = "") -> None:
        self.store, self.component, self.host = store, component, host
        self._seen: dict[tuple[str, ...], tuple[str, str]] = {}  # what happened -> (namespace, event name)

    def normal(self, obj: dict[str, Any], reason: str, message: str, field_path: str = "") -> None:
        self.record(obj, NORMAL, reason, message, field_path)

    def warning(self, obj: dict[str, Any], reason: str, message: str, field_path: str = "") -> None:
        self.record(obj, WARNING, reason, message, field_path)

    def record(self, obj: dict[str, Any], kind: str, reason: str, message: str, field_path: str = "") -> None:
        metadata = obj.get("metadata") or {}
        namespace = metadata.get("namespace") or "default"
        identity = (str(metadata.get("uid", "")), field_path, kind, reason, message, self.component, self.host)
        now = meta.now()
        known = self._seen.get(identity)
        if known is not None:
            existing = self.store.get(EVENTS, *known)
            if existing is not None:
                bumped = {**existing, "count": int(existing.get("count", 1)) + 1, "lastTimestamp": now}
                try:
                    self.store.update(EVENTS, known[0], known[1], bumped)
                    return
                except NotFound:
                    pass
        name = f"{metadata.get('name', '')}.{time.time_ns():x}"
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "uid": str(uuid.uuid4()),
                "creationTimestamp": now,
            },
            "involvedObject": _reference(obj, field_path),
            "reason": reason,
            "message": message,
            "type": kind,
            "source": {"component": self.component, **({"host": self.host} if self.host else {})},
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "eventTime": None,
            "reportingComponent": self.component,
            "reportingInstance": self.host or self.component,
        }
        self.store.create(EVENTS, namespace, name, event)
        if len(self._seen) >= REMEMBERED:
            self._seen.clear()
        self._seen[identity] = (namespace, name)


def _reference(obj: dict[str, Any], field_path: str) -> dict[str, Any]:
    metadata = obj.get("metadata") or {}
    reference = {
        "kind": obj.get("kind", ""),
        "apiVersion": obj.get("apiVersion", ""),
        "name": metadata.get("name", ""),
        "uid": metadata.get("uid", ""),
        "resourceVersion": metadata.get("resourceVersion", ""),
    }
    if metadata.get("namespace"):
        reference["namespace"] = metadata["namespace"]
    if field_path:
        reference["fieldPath"] = field_path
    return reference

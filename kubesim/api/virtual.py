"""Objects the API server computes for each request instead of storing: the deprecated ComponentStatuses.

A real API server probes the scheduler, the controller manager and each etcd member when asked; kubesim's control
plane is always healthy, so every probe answers "ok". Every response about them carries COMPONENT_STATUS_WARNING in
a `Warning` header, which kubectl prints as `Warning: v1 ComponentStatus is deprecated in v1.19+`.
"""

from __future__ import annotations

from typing import Any

COMPONENT_STATUS_WARNING = '299 - "v1 ComponentStatus is deprecated in v1.19+"'
# The real server probes them concurrently and lists them as they answer; this is the order seen most often.
COMPONENTS = ("scheduler", "controller-manager", "etcd-0")


def component_statuses() -> list[dict[str, Any]]:
    """The items of GET /api/v1/componentstatuses."""
    return [_healthy(name) for name in COMPONENTS]


def component_status(name: str) -> dict[str, Any] | None:
    """GET /api/v1/componentstatuses/{name}; None for a component the server does not know."""
    return _healthy(name) if name in COMPONENTS else None


def _healthy(name: str) -> dict[str, Any]:
    return {
        "kind": "ComponentStatus",
        "apiVersion": "v1",
        "metadata": {"name": name},
        "conditions": [{"type": "Healthy", "status": "True", "message": "ok"}],
    }

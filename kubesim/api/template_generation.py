"""DaemonSet template generations, as the API server's DaemonSet strategy keeps them.

apps/v1 serves a DaemonSet's internal spec.templateGeneration as the annotation
`deprecated.daemonset.template.generation`: 1 when it is created (or a larger number the client sent), and on
every update the previous number, plus one when the pod template changed. Clients cannot set it otherwise. The
DaemonSet controller labels its pods with it (`pod-template-generation`).
"""

from __future__ import annotations

from typing import Any

TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"


def track(old: dict[str, Any] | None, new: dict[str, Any]) -> None:
    """Set the annotation on a DaemonSet being created (old is None) or updated."""
    metadata = new.setdefault("metadata", {})
    if old is None:
        generation = max(1, generation_of(new) or 0)
    else:
        generation = generation_of(old) or 0
        if _template(old) != _template(new):
            generation += 1
    metadata["annotations"] = {**(metadata.get("annotations") or {}), TEMPLATE_GENERATION: str(generation)}


def generation_of(daemon_set: dict[str, Any]) -> int | None:
    text = ((daemon_set.get("metadata") or {}).get("annotations") or {}).get(TEMPLATE_GENERATION)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _template(daemon_set: dict[str, Any]) -> Any:
    return (daemon_set.get("spec") or {}).get("template")

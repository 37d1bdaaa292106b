"""How a view shows one pod: its status as kubectl would print it, a health class for its colour, and a tag.

kubectl's STATUS column is not the pod's phase: a pod whose container waits in CrashLoopBackOff is still in phase
Running, and a pod being deleted is "Terminating" whatever its phase. `look_at` derives the same words from the
pod's JSON, and a coarser `health` that the widgets turn into colours:

| health        | when                                                          | colour              |
|---------------|---------------------------------------------------------------|---------------------|
| `ready`       | Running and its Ready condition is True                       | green               |
| `not-ready`   | Running, not Ready (a failing readiness probe, still starting) | amber               |
| `pending`     | Pending: not scheduled, pulling its image, creating containers | grey                |
| `failed`      | Failed, or a container stuck in CrashLoopBackOff or an image error | red             |
| `done`        | Succeeded (a finished Job's pod)                               | slate               |
| `terminating` | deleted, within its grace period                               | striped and faded   |

The tag is the value of the label the learner chose (`color` by default), or else, for the book's kuard images
(`gcr.io/kuar-demo/kuard-amd64:blue`), the image's tag, which the book uses as a colour: a rollout from blue to green
then shows in the boxes.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

Object = dict[str, Any]

BROKEN_REASONS = frozenset(
    {
        "CrashLoopBackOff",
        "ErrImagePull",
        "ImagePullBackOff",
        "InvalidImageName",
        "CreateContainerConfigError",
        "CreateContainerError",
        "RunContainerError",
    }
)

COLOURS = {
    "ready": "#2e9e44",
    "not-ready": "#e0a100",
    "pending": "#9e9e9e",
    "failed": "#d32f2f",
    "done": "#607d8b",
    "terminating": "#9e9e9e",
}


@dataclass(frozen=True)
class PodLook:
    name: str
    node: str
    status: str
    ready: str  # "1/1", as kubectl's READY column
    health: str
    tag: str


def look_at(pod: Object, label: str) -> PodLook:
    metadata = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    containers = status.get("containerStatuses") or []
    ready_count = sum(1 for container in containers if container.get("ready"))
    return PodLook(
        name=str(metadata.get("name") or "?"),
        node=str(spec.get("nodeName") or ""),
        status=status_text(pod),
        ready=f"{ready_count}/{len(spec.get('containers') or containers)}",
        health=health(pod),
        tag=tag(pod, label),
    )


def status_text(pod: Object) -> str:
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return "Terminating"
    status = pod.get("status") or {}
    for container in status.get("containerStatuses") or []:
        state = container.get("state") or {}
        reason = (state.get("waiting") or {}).get("reason") or (state.get("terminated") or {}).get("reason")
        if reason:
            return str(reason)
    if status.get("reason"):  # Evicted, NodeLost
        return str(status["reason"])
    return str(status.get("phase") or "Pending")


def health(pod: Object) -> str:
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return "terminating"
    status = pod.get("status") or {}
    phase = status.get("phase") or "Pending"
    if phase == "Failed" or status_text(pod) in BROKEN_REASONS:
        return "failed"
    if phase == "Succeeded":
        return "done"
    if phase == "Running":
        return "ready" if is_ready(pod) else "not-ready"
    return "pending"


def is_ready(pod: Object) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(condition.get("type") == "Ready" and condition.get("status") == "True" for condition in conditions)


def tag(pod: Object, label: str) -> str:
    labels = (pod.get("metadata") or {}).get("labels") or {}
    if label in labels:
        return str(labels[label])
    for container in (pod.get("spec") or {}).get("containers") or []:
        image = str(container.get("image") or "")
        name, _, image_tag = image.rpartition(":")
        if "kuard" in name and "/" not in image_tag:
            return image_tag
    return ""


def box_html(look: PodLook) -> str:
    """A small coloured box with the tag and the end of the pod's name inside, the details in its tooltip."""
    colour = COLOURS[look.health]
    background = colour
    if look.health == "terminating":
        background = f"repeating-linear-gradient(45deg, {colour} 0 4px, #e0e0e0 4px 8px)"
    style = (
        f"display:inline-block;min-width:3.2em;margin:2px;padding:3px 4px;border-radius:4px;background:{background};"
        f"color:white;font:11px monospace;text-align:center;opacity:{0.55 if look.health == 'terminating' else 1}"
    )
    title = f"{look.name}\n{look.status} {look.ready}" + (f"\n{look.tag}" if look.tag else "")
    label = html.escape(look.tag or look.ready)
    short = html.escape(short_name(look.name))
    return f'<div style="{style}" title="{html.escape(title)}"><b>{label}</b><br>{short}</div>'


def short_name(name: str) -> str:
    """The part of a pod's name that tells it from its siblings: `kuard-7d9f8-x2vbq` -> `x2vbq`."""
    return name.rpartition("-")[2] or name


def legend_html() -> str:
    entries = " ".join(
        f'<span style="color:{colour}">■</span> {name}' for name, colour in COLOURS.items() if name != "terminating"
    )
    return (
        f'<div style="font:11px sans-serif;color:#666">{entries} <span style="opacity:.55">▨</span> terminating</div>'
    )

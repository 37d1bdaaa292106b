"""The cluster view: every node as a column, with the namespace's pods on it as coloured boxes.

This is the picture the book draws in words: the scheduler places pods on nodes, a Deployment keeps their number,
a drained or stopped node empties and its pods reappear elsewhere. The view follows the cluster's nodes and the
namespace's pods and shows:

- one column per node, the control plane first (kind's `kuar-control-plane` is tainted, so it is usually empty,
  which is itself worth seeing), then the workers by name, each with its state (Ready, NotReady, SchedulingDisabled
  when cordoned);
- a last column, "unscheduled", for pods no node has accepted yet (`kubectl describe pod` says why);
- each pod as a box coloured by its health (see `kuarlab.views.pods`) with the chosen label's value inside.

`render_text` and `render_html` are pure functions of a `ClusterState`, so they are tested on hand-built objects;
`ClusterView` feeds them from two watches.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kubernetes import client

from kuarlab.views.base import View
from kuarlab.views.pods import PodLook, box_html, legend_html, look_at
from kuarlab.views.watching import Object

CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"
UNSCHEDULED = "unscheduled"


@dataclass(frozen=True)
class ClusterState:
    namespace: str
    label: str
    nodes: list[Object]
    pods: list[Object]
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    pods: list[PodLook]


def columns(state: ClusterState) -> list[Column]:
    """The nodes in display order, each with its pods; pods on unknown nodes get a column of their own."""
    looks = sorted((look_at(pod, state.label) for pod in state.pods), key=lambda look: look.name)
    nodes = sorted(state.nodes, key=lambda node: (not _is_control_plane(node), _name(node)))
    result = [
        Column(_name(node), _describe(node), [look for look in looks if look.node == _name(node)]) for node in nodes
    ]
    known = {_name(node) for node in nodes}
    for missing in sorted({look.node for look in looks if look.node and look.node not in known}):
        result.append(Column(missing, "not in the node list", [look for look in looks if look.node == missing]))
    unscheduled = [look for look in looks if not look.node]
    if unscheduled:
        result.append(Column(UNSCHEDULED, "waiting for the scheduler", unscheduled))
    return result


def render_text(state: ClusterState) -> str:
    layout = columns(state)
    looks = [look for column in layout for look in column.pods]
    width = max((len(look.name) for look in looks), default=0)
    lines = [f"pods of namespace {state.namespace} by node: {_summary(looks)} (tag: {state.label})"]
    for column in layout:
        lines.append(f"{column.name} · {column.description}")
        lines.extend(f"  {_pod_line(look, width)}" for look in column.pods)
        if not column.pods:
            lines.append("  (no pods)")
    lines.extend(state.errors)
    return "\n".join(lines)


def render_html(state: ClusterState) -> str:
    layout = columns(state)
    looks = [look for column in layout for look in column.pods]
    heading = html.escape(f"namespace {state.namespace}: {_summary(looks)} · tag: {state.label}")
    cells = "".join(_column_html(column) for column in layout)
    errors = "".join(f'<div style="color:#d32f2f">{html.escape(error)}</div>' for error in state.errors)
    return (
        f'<div style="font:12px sans-serif"><div style="margin-bottom:4px">{heading}</div>'
        f'<div style="display:flex;gap:8px;align-items:flex-start">{cells}</div>{legend_html()}{errors}</div>'
    )


class ClusterView(View):
    """Nodes as columns and the namespace's pods as boxes, live; `label` picks the value shown in each box."""

    def __init__(self, api_client: Any, namespace: str, label: str = "color"):
        super().__init__(api_client, namespace)
        self.label = label
        core = client.CoreV1Api(api_client)
        self._follow("nodes", core.list_node)
        self._follow("pods", core.list_namespaced_pod, namespace=namespace)
        self._started()

    def state(self) -> ClusterState:
        return ClusterState(
            self.namespace, self.label, self._objects("nodes"), self._objects("pods"), errors=self._errors()
        )

    def text(self) -> str:
        return render_text(self.state())

    def html(self) -> str:
        return render_html(self.state())


def _name(item: Object) -> str:
    return str((item.get("metadata") or {}).get("name") or "?")


def _is_control_plane(node: Object) -> bool:
    return CONTROL_PLANE_LABEL in ((node.get("metadata") or {}).get("labels") or {})


def _describe(node: Object) -> str:
    conditions = (node.get("status") or {}).get("conditions") or []
    ready = any(each.get("type") == "Ready" and each.get("status") == "True" for each in conditions)
    words = ["control plane"] if _is_control_plane(node) else []
    words.append("Ready" if ready else "NotReady")
    if (node.get("spec") or {}).get("unschedulable"):
        words.append("SchedulingDisabled")
    return " · ".join(words)


def _summary(looks: list[PodLook]) -> str:
    if not looks:
        return "no pods"
    counts = Counter(look.health for look in looks)
    details = ", ".join(f"{count} {health}" for health, count in sorted(counts.items()))
    return f"{len(looks)} pod{'s' if len(looks) != 1 else ''} ({details})"


def _pod_line(look: PodLook, width: int) -> str:
    return f"{look.name:<{width}}  {look.ready:>4}  {look.status:<17} {look.tag}".rstrip()


def _column_html(column: Column) -> str:
    faded = "color:#999" if "NotReady" in column.description or column.name == UNSCHEDULED else ""
    boxes = "".join(box_html(look) for look in column.pods) or '<span style="color:#bbb">no pods</span>'
    return (
        '<div style="min-width:9em;border:1px solid #ddd;border-radius:6px;padding:4px">'
        f'<div style="font-weight:bold;{faded}">{html.escape(column.name)}</div>'
        f'<div style="font-size:10px;color:#777;margin-bottom:3px">{html.escape(column.description)}</div>'
        f"<div>{boxes}</div></div>"
    )

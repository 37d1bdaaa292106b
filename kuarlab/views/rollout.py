"""The rollout view: a Deployment's ReplicaSets, old and new, and how their ready replicas moved over time.

A Deployment never changes pods itself: on a new pod template it creates a ReplicaSet (revision N+1) and then
scales the new one up and the old ones down, within maxSurge and maxUnavailable (chapter 10). `kubectl rollout
status` prints only the end of that dance; this view shows it as it happens:

- the Deployment's desired, updated and ready replicas and its strategy;
- per ReplicaSet, newest revision first: desired and ready replicas and the image (older revisions scaled to zero
  are summed up in one line, as `revisionHistoryLimit` keeps up to ten of them);
- a history of (seconds since the view opened, ready in old ReplicaSets, ready in the new one) samples, one per
  change, so a rolling update reads as `3/0 → 3/1 → 2/1 → 2/2 ... → 0/3` and a Recreate as `3/0 → 0/0 → 0/3`.

The ReplicaSets are the namespace's whose ownerReference is the Deployment; the newest is the one with the highest
`deployment.kubernetes.io/revision`.
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from kubernetes import client

from kuarlab.views.base import View
from kuarlab.views.watching import Object

REVISION = "deployment.kubernetes.io/revision"
HISTORY_LENGTH = 30


@dataclass(frozen=True)
class Sample:
    seconds: float
    old: int
    new: int
    newest: str = ""  # the newest ReplicaSet's name: a new revision at the same counts is a step too


@dataclass(frozen=True)
class RolloutState:
    namespace: str
    name: str
    deployment: Object | None
    replicasets: list[Object]
    history: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def owned_by(replicasets: list[Object], deployment_name: str) -> list[Object]:
    """The ReplicaSets the Deployment owns, newest revision first."""
    owned = [
        replicaset
        for replicaset in replicasets
        if any(
            owner.get("kind") == "Deployment" and owner.get("name") == deployment_name
            for owner in (replicaset.get("metadata") or {}).get("ownerReferences") or []
        )
    ]
    return sorted(owned, key=revision, reverse=True)


def revision(replicaset: Object) -> int:
    annotations = (replicaset.get("metadata") or {}).get("annotations") or {}
    value = str(annotations.get(REVISION) or "0")
    return int(value) if value.isdigit() else 0


def ready_old_and_new(replicasets: list[Object]) -> tuple[int, int]:
    """Ready replicas in the older ReplicaSets and in the newest (`replicasets` newest first)."""
    if not replicasets:
        return 0, 0
    ready = [_status(replicaset, "readyReplicas") for replicaset in replicasets]
    return sum(ready[1:]), ready[0]


def next_history(history: list[Sample], seconds: float, replicasets: list[Object]) -> list[Sample]:
    """`history` with a sample for now when the ready counts changed, keeping the last HISTORY_LENGTH."""
    old, new = ready_old_and_new(replicasets)
    newest = _name(replicasets[0]) if replicasets else ""
    if history and (history[-1].old, history[-1].new, history[-1].newest) == (old, new, newest):
        return history
    return [*history, Sample(seconds, old, new, newest)][-HISTORY_LENGTH:]


def render_text(state: RolloutState) -> str:
    lines = [_deployment_line(state)]
    if state.replicasets:
        lines.append(f"  {'ReplicaSet':<28} {'revision':<11} {'desired':>7} {'ready':>5}  image")
        shown, idle = _shown_and_idle(state.replicasets)
        for index, replicaset in enumerate(shown):
            label = f"{revision(replicaset)}{' (new)' if index == 0 else ''}"
            lines.append(
                f"  {_name(replicaset):<28} {label:<11} {_spec(replicaset):>7} "
                f"{_status(replicaset, 'readyReplicas'):>5}  {_images(replicaset)}"
            )
        if idle:
            lines.append(f"  ({len(idle)} older revision{'s' if len(idle) != 1 else ''} scaled to 0)")
    if state.history:
        steps = " → ".join(f"{sample.old}/{sample.new} ({sample.seconds:.1f}s)" for sample in state.history)
        lines.append(f"ready old/new: {steps}")
    lines.extend(state.errors)
    return "\n".join(lines)


def render_html(state: RolloutState) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(_name(replicaset))}</td><td>{revision(replicaset)}{' new' if index == 0 else ''}</td>"
        f"<td>{_replica_boxes(_spec(replicaset), _status(replicaset, 'readyReplicas'), index == 0)}</td>"
        f'<td style="color:#777">{html.escape(_images(replicaset))}</td></tr>'
        for index, replicaset in enumerate(_shown_and_idle(state.replicasets)[0])
    )
    errors = "".join(f'<div style="color:#d32f2f">{html.escape(error)}</div>' for error in state.errors)
    return (
        f'<div style="font:12px sans-serif"><div>{html.escape(_deployment_line(state))}</div>'
        f'<table style="font:12px monospace">{rows}</table>{_history_html(state.history)}{errors}</div>'
    )


class RolloutView(View):
    """A Deployment's old and new ReplicaSets and their ready replicas over time, live."""

    def __init__(self, api_client: Any, namespace: str, deployment: str):
        super().__init__(api_client, namespace)
        self.deployment = deployment.rpartition("/")[2]  # "deploy/kuard" as kubectl spells it, or just "kuard"
        self._opened = time.monotonic()
        self._history: list[Sample] = []
        self._sampling = threading.Lock()
        apps = client.AppsV1Api(api_client)
        self._follow(
            "deployment",
            apps.list_namespaced_deployment,
            namespace=namespace,
            field_selector=f"metadata.name={self.deployment}",
        )
        self._follow("replicasets", apps.list_namespaced_replica_set, namespace=namespace)
        self._started()

    def state(self) -> RolloutState:
        deployments = self._objects("deployment")
        return RolloutState(
            self.namespace,
            self.deployment,
            deployments[0] if deployments else None,
            owned_by(self._objects("replicasets"), self.deployment),
            history=list(self._history),
            errors=self._errors(),
        )

    def text(self) -> str:
        return render_text(self.state())

    def html(self) -> str:
        return render_html(self.state())

    def _changed(self) -> None:
        if not self._lists["replicasets"].synced:
            return  # no ReplicaSets listed yet is not "zero replicas ready"
        with self._sampling:  # both watch threads (Deployment, ReplicaSets) may bring a change at once
            replicasets = owned_by(self._objects("replicasets"), self.deployment)
            self._history = next_history(self._history, time.monotonic() - self._opened, replicasets)


def _deployment_line(state: RolloutState) -> str:
    if state.deployment is None:
        return f"deployment {state.name}: not found in namespace {state.namespace}"
    spec = state.deployment.get("spec") or {}
    strategy = spec.get("strategy") or {}
    kind = strategy.get("type") or "RollingUpdate"
    if kind == "RollingUpdate":
        rolling = strategy.get("rollingUpdate") or {}
        kind += f" (maxSurge {rolling.get('maxSurge', '25%')}, maxUnavailable {rolling.get('maxUnavailable', '25%')})"
    counts = ", ".join(
        f"{_status(state.deployment, key)} {word}"
        for key, word in (
            ("updatedReplicas", "updated"),
            ("readyReplicas", "ready"),
            ("availableReplicas", "available"),
        )
    )
    return f"deployment {state.name}: {_spec(state.deployment)} desired, {counts} · {kind}"


def _shown_and_idle(replicasets: list[Object]) -> tuple[list[Object], list[Object]]:
    """The newest ReplicaSet and every one with pods, then the older ones scaled to zero."""
    shown = [rs for index, rs in enumerate(replicasets) if index == 0 or _spec(rs) or _status(rs, "replicas")]
    return shown, [rs for rs in replicasets if rs not in shown]


def _name(item: Object) -> str:
    return str((item.get("metadata") or {}).get("name") or "?")


def _spec(item: Object) -> int:
    return int((item.get("spec") or {}).get("replicas") or 0)


def _status(item: Object, key: str) -> int:
    return int((item.get("status") or {}).get(key) or 0)


def _images(replicaset: Object) -> str:
    containers = (((replicaset.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers") or []
    return ", ".join(str(container.get("image") or "?") for container in containers)


def _replica_boxes(desired: int, ready: int, new: bool) -> str:
    colour = "#2e9e44" if new else "#607d8b"
    filled = f'<span style="display:inline-block;width:10px;height:10px;margin:1px;background:{colour}"></span>'
    empty = f'<span style="display:inline-block;width:8px;height:8px;margin:1px;border:1px solid {colour}"></span>'
    return filled * ready + empty * max(desired - ready, 0) + f" {ready}/{desired}"


def _history_html(history: list[Sample]) -> str:
    """Each sample a small stacked bar: old ready (slate) under new ready (green)."""
    if not history:
        return ""
    tallest = max(max(sample.old + sample.new for sample in history), 1)
    bars = "".join(
        f'<div title="{sample.seconds:.1f}s: {sample.old} old, {sample.new} new" '
        'style="display:inline-flex;flex-direction:column;justify-content:flex-end;width:8px;height:40px;margin:1px">'
        f'<div style="height:{40 * sample.new // tallest}px;background:#2e9e44"></div>'
        f'<div style="height:{40 * sample.old // tallest}px;background:#607d8b"></div></div>'
        for sample in history
    )
    return f'<div style="margin-top:4px">ready old/new over time: <span>{bars}</span></div>'

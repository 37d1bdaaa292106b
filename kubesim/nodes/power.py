"""Whether a simulated machine has power: a node annotated `kubesim.io/power: "off"` (by `kubesim node stop`) is a
dead machine, whose kubelet does nothing at all until `kubesim node start` clears the annotation."""

from __future__ import annotations

from typing import Any

POWER_ANNOTATION = "kubesim.io/power"


def powered_off(node: dict[str, Any]) -> bool:
    return ((node.get("metadata") or {}).get("annotations") or {}).get(POWER_ANNOTATION) == "off"

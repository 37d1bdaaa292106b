"""Object metadata the server owns: names from generateName, uid, timestamps, generation, status rules."""

from __future__ import annotations

import datetime
import secrets
import uuid
from typing import Any

from kubesim.api.clone import clone

# The alphabet Kubernetes uses for generated name suffixes: no vowels, no look-alike characters.
_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
# Kinds whose spec changes bump metadata.generation (every kind with a spec the controllers act on).
_GENERATION_KINDS = frozenset(
    {
        "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob", "ReplicationController",
        "HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress", "NetworkPolicy", "CustomResourceDefinition",
        "Pod",
    }
)  # fmt: skip


# A kubelet registers its Node with the status it measured; every other kind starts without one.
_STATUS_KEPT_ON_CREATE = frozenset({"Node"})


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def generated_name(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(5))


def prepare_create(
    obj: dict[str, Any], kind: str, has_status: bool, namespace: str | None, custom: bool = False
) -> dict[str, Any]:
    """Server-owned metadata for a new object; custom resources always track their generation."""
    metadata = obj.setdefault("metadata", {})
    if not metadata.get("name") and metadata.get("generateName"):
        metadata["name"] = generated_name(metadata["generateName"])
    if namespace is not None:
        metadata["namespace"] = namespace
    else:
        metadata.pop("namespace", None)
    metadata["uid"] = str(uuid.uuid4())
    metadata["creationTimestamp"] = now()
    for server_field in ("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
        metadata.pop(server_field, None)
    if kind in _GENERATION_KINDS or custom:
        metadata["generation"] = 1
    if has_status and kind not in _STATUS_KEPT_ON_CREATE:
        obj.pop("status", None)  # status is the controllers' to write, through the status subresource
    return obj


def prepare_update(old: dict[str, Any], new: dict[str, Any], kind: str, has_status: bool) -> dict[str, Any]:
    """A whole-object update: what the server owns stays; status stays too where a subresource owns it."""
    metadata = new.setdefault("metadata", {})
    old_metadata = old.get("metadata", {})
    for owned in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace"):
        if owned in old_metadata:
            metadata[owned] = old_metadata[owned]
        else:
            metadata.pop(owned, None)
    if has_status:
        if "status" in old:
            new["status"] = clone(old["status"])
        else:
            new.pop("status", None)
    if "generation" in old_metadata:
        changed = _spec_of(old) != _spec_of(new)
        metadata["generation"] = old_metadata["generation"] + (1 if changed else 0)
    return new


def prepare_status_update(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Through the status subresource only status changes; everything else is the old object's."""
    updated = clone(old)
    if "status" in new:
        updated["status"] = new["status"]
    else:
        updated.pop("status", None)
    return updated


def _spec_of(obj: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in obj.items() if key not in ("metadata", "status")}

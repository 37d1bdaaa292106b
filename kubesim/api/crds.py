"""CustomResourceDefinitions: a CRD's served versions become resources the moment it is stored.

This is the API server's own work (the apiextensions part of it), not a controller's: a CRD is
established, and its resources are in discovery and OpenAPI, before the create call returns.
"""

from __future__ import annotations

import copy
from typing import Any

from kubesim.api import meta
from kubesim.api.resources import ALL_VERBS, Resource

CRD_KEY = "apiextensions.k8s.io/customresourcedefinitions"


def resources_of(crd: dict[str, Any]) -> list[Resource]:
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    group, plural, kind = spec.get("group"), names.get("plural"), names.get("kind")
    if not (isinstance(group, str) and isinstance(plural, str) and isinstance(kind, str)):
        return []
    resources = []
    for version in spec.get("versions") or []:
        if not isinstance(version, dict) or not version.get("served", True) or not version.get("name"):
            continue
        declared = version.get("subresources") or {}
        resources.append(
            Resource(
                group=group,
                version=version["name"],
                kind=kind,
                plural=plural,
                singular=names.get("singular") or kind.lower(),
                namespaced=spec.get("scope", "Namespaced") == "Namespaced",
                verbs=ALL_VERBS,
                short_names=tuple(names.get("shortNames") or ()),
                categories=tuple(names.get("categories") or ()),
                subresources=tuple(name for name in ("status", "scale") if name in declared),
                list_kind=names.get("listKind") or f"{kind}List",
            )
        )
    return resources


def printer_columns(crd: dict[str, Any] | None, version: str) -> list[dict[str, Any]]:
    """The additionalPrinterColumns of one version of a CRD (none: kubectl shows NAME and AGE)."""
    for served in ((crd or {}).get("spec") or {}).get("versions") or []:
        if served.get("name") == version:
            return list(served.get("additionalPrinterColumns") or [])
    return []


def established(crd: dict[str, Any]) -> dict[str, Any]:
    """The CRD with the status the API server gives an accepted definition."""
    result = copy.deepcopy(crd)
    spec = result.get("spec") or {}
    timestamp = meta.now()
    names = dict(spec.get("names") or {})
    names.setdefault("singular", str(names.get("kind", "")).lower())
    names.setdefault("listKind", f"{names.get('kind', '')}List")
    stored = [v["name"] for v in spec.get("versions") or [] if isinstance(v, dict) and v.get("storage")]
    result["status"] = {
        "acceptedNames": names,
        "conditions": [
            _condition("NamesAccepted", "NoConflicts", "no conflicts found", timestamp),
            _condition("Established", "InitialNamesAccepted", "the initial names have been accepted", timestamp),
        ],
        "storedVersions": stored,
    }
    return result


def _condition(kind: str, reason: str, message: str, timestamp: str) -> dict[str, str]:
    return {"type": kind, "status": "True", "lastTransitionTime": timestamp, "reason": reason, "message": message}

"""Which files a kustomization declares as patches: parts of objects, completed by kustomize before apply."""

from __future__ import annotations

import os
from functools import cache

import yaml

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def is_declared_patch(path: str) -> bool:
    folder, name = os.path.split(os.path.abspath(path))
    return name in _patches_in(folder)


@cache
def _patches_in(folder: str) -> frozenset[str]:
    """File names (in this folder) that the folder's kustomization lists under patches."""
    for name in KUSTOMIZATION_NAMES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return frozenset(_patch_names(candidate, folder))
    return frozenset()


def _patch_names(kustomization: str, folder: str) -> list[str]:
    try:
        with open(kustomization, encoding="utf-8") as file:
            data = yaml.load(file, Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []  # a broken kustomization is linted as YAML on its own
    if not isinstance(data, dict):
        return []
    entries: list[object] = []
    for key in ("patchesStrategicMerge", "patches", "patchesJson6902"):
        value = data.get(key)
        if isinstance(value, list):
            entries.extend(value)
    paths = [entry.get("path") if isinstance(entry, dict) else entry for entry in entries]
    names = []
    for path in paths:
        if isinstance(path, str) and "\n" not in path:  # inline patches are text, not file names
            resolved = os.path.normpath(os.path.join(folder, path))
            if os.path.dirname(resolved) == folder:
                names.append(os.path.basename(resolved))
    return names

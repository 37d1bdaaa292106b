"""Which files to lint: walk folders, recognise manifests and Dockerfiles by name."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")
DOCKERFILE_PATTERNS = (
    "*Dockerfile",
    "*Containerfile",
    "Dockerfile.*",
    "Dockerfile-*",
    "*.dockerfile",
    "Containerfile.*",
)
# Folders that hold tools' state or dependencies, never a project's manifests.
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".nox"})
STDIN = "-"


@dataclass(frozen=True, slots=True)
class Source:
    path: str  # what to read ("-" for standard input)
    name: str  # what reports call it
    explicit: bool  # named on the command line (so a file that is no manifest is reported)
    kind: str  # "manifest" or "dockerfile"


def is_dockerfile_name(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in DOCKERFILE_PATTERNS)


def kind_of(path: str) -> str | None:
    name = os.path.basename(path)
    if is_dockerfile_name(name):
        return "dockerfile"
    if name.lower().endswith(YAML_SUFFIXES):
        return "manifest"
    return None


def sniff_kind(path: str) -> str:
    """For a file named on the command line whose name says nothing: a Dockerfile starts with FROM or ARG."""
    try:
        with open(path, "rb") as file:
            head = file.read(8192).decode("utf-8-sig", errors="replace")
    except OSError:
        return "manifest"
    for line in head.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword = stripped.split(None, 1)[0].upper()
            return "dockerfile" if keyword in ("FROM", "ARG") else "manifest"
    return "manifest"


def find_sources(paths: list[str], stdin_name: str | None = None) -> Iterator[Source | OSError]:
    """Files to lint, in a stable order; an OSError for each path that cannot be read."""
    for path in paths:
        if path == STDIN:
            name = stdin_name or "<stdin>"
            yield Source(STDIN, name, True, kind_of(name) or "manifest")
        elif os.path.isdir(path):
            yield from _walk(path)
        elif os.path.isfile(path):
            yield Source(path, path, True, kind_of(path) or sniff_kind(path))
        else:
            yield FileNotFoundError(2, "no such file or folder", path)


def _walk(folder: str) -> Iterator[Source]:
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if name not in SKIPPED_FOLDERS)
        for name in sorted(files):
            kind = kind_of(name)
            if kind is not None:
                path = str(Path(root, name))
                yield Source(path, path, False, kind)

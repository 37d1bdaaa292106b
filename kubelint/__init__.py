"""kubelint: the rules of *Kubernetes: Up and Running* for manifests and Dockerfiles.

The Python API, for notebooks and scripts:

    >>> import kubelint
    >>> findings = kubelint.lint_text(open("deployment.yaml").read(), path="deployment.yaml")
    >>> findings = kubelint.lint_paths(["k8s/"])
"""

from __future__ import annotations

from pathlib import Path

from kubelint.config import Config, ConfigError, find_config, load_config
from kubelint.engine import Linter, LintResult
from kubelint.findings import Finding, ObjectRef, Severity, Span

__all__ = [
    "Config",
    "ConfigError",
    "Finding",
    "LintResult",
    "Linter",
    "ObjectRef",
    "Severity",
    "Span",
    "lint_paths",
    "lint_text",
]


def _config_for(config: Config | str | Path | None) -> Config:
    if isinstance(config, Config):
        return config
    if config is None:
        return load_config(find_config(Path.cwd()))
    return load_config(Path(config))


def lint_paths(paths: list[str | Path] | str | Path, config: Config | str | Path | None = None) -> list[Finding]:
    """Lint files and folders (recursively); the nearest .kubelint.yaml applies unless config is given."""
    if isinstance(paths, str | Path):
        paths = [paths]
    return Linter(_config_for(config)).lint_paths([str(path) for path in paths]).findings


def lint_text(
    text: str, path: str = "<text>", config: Config | str | Path | None = None, kind: str | None = None
) -> list[Finding]:
    """Lint one manifest (or, with kind="dockerfile" or a Dockerfile path, a Dockerfile) given as text."""
    from kubelint.discovery import kind_of

    return Linter(_config_for(config)).lint_text(text, path, kind or kind_of(path) or "manifest").findings

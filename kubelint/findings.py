"""What a check reports: a finding with its rule, severity, position and object."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}: use error, warning or info") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a file: 1-based lines and columns, the end column just past the last character."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int = 1) -> Span:
        return cls(line, column, line, column + 1)


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """The Kubernetes object (or Dockerfile stage) a finding is about."""

    api_version: str | None
    kind: str | None
    namespace: str | None
    name: str | None

    def __str__(self) -> str:
        kind = self.kind or "object"
        name = self.name or "<unnamed>"
        return f"{kind}/{self.namespace}/{name}" if self.namespace else f"{kind}/{name}"

    def as_dict(self) -> dict[str, str | None]:
        return {
            "apiVersion": self.api_version,
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
        }


@dataclass(frozen=True, slots=True)
class Problem:
    """What a rule's check() yields; the engine turns it into a Finding."""

    message: str
    span: Span
    container: str | None = None
    about: object | None = None  # cross-object rules: the KubeObject the problem is in


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    path: str
    span: Span
    object: ObjectRef | None = None
    container: str | None = None

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.rule)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "object": self.object.as_dict() if self.object else None,
            "container": self.container,
        }

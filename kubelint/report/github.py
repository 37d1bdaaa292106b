"""`--format github`: workflow commands that GitHub Actions shows as annotations on the diff."""

from __future__ import annotations

from typing import TextIO

from kubelint.engine import LintResult
from kubelint.findings import Severity

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(result: LintResult, out: TextIO, color: bool) -> None:
    for finding in result.findings:
        span = finding.span
        properties = ",".join(
            [
                f"file={_escape_property(finding.path)}",
                f"line={span.line}",
                f"col={span.column}",
                f"endLine={span.end_line}",
                f"endColumn={span.end_column}",
                f"title={_escape_property(finding.rule)}",
            ]
        )
        out.write(f"::{_COMMANDS[finding.severity]} {properties}::{_escape_data(finding.message)}\n")

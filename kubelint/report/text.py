"""`--format text`: `path:line:col: severity rule message`, a short code frame, colour on a terminal."""

from __future__ import annotations

from functools import cache
from typing import TextIO

from kubelint.engine import LintResult
from kubelint.findings import Finding, Severity
from kubelint.report.summary import counts

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"
_FRAME_WIDTH = 160


@cache
def _lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as file:
            return file.read().splitlines()
    except OSError:
        return []


def _frame(finding: Finding, color: bool) -> list[str]:
    lines = _lines(finding.path)
    if not 0 < finding.line <= len(lines):
        return []
    line = lines[finding.line - 1].expandtabs(1)[:_FRAME_WIDTH]
    start = finding.column - 1
    end = finding.span.end_column - 1 if finding.span.end_line == finding.line else len(line)
    width = max(1, min(end, len(line)) - start)
    gutter = f"{finding.line:>5} | "
    marker = " " * (len(gutter) - 2) + "| " + " " * start + "^" * width
    if color:
        marker = marker[: len(gutter)] + _COLORS[finding.severity] + marker[len(gutter) :] + _RESET
        gutter = _DIM + gutter + _RESET
    return [gutter + line, marker]


def format_finding(finding: Finding, color: bool = False) -> str:
    where = f"{finding.path}:{finding.line}:{finding.column}"
    severity = str(finding.severity)
    if color:
        where = _BOLD + where + _RESET
        severity = _COLORS[finding.severity] + severity + _RESET
    return f"{where}: {severity} {finding.rule} {finding.message}"


def write(result: LintResult, out: TextIO, color: bool) -> None:
    for finding in result.findings:
        out.write(format_finding(finding, color) + "\n")
        for line in _frame(finding, color):
            out.write(line + "\n")
    totals = counts(result)
    found = ", ".join(_plural(totals[str(severity)], _NOUNS[severity]) for severity in reversed(Severity))
    scope = f"{_plural(totals['files'], 'file')} ({_plural(totals['objects'], 'object')})"
    out.write(f"{found} in {scope}\n")


_NOUNS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"

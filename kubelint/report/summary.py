"""Counts shared by the reports."""

from __future__ import annotations

from kubelint.engine import LintResult
from kubelint.findings import Severity


def counts(result: LintResult) -> dict[str, int]:
    by_severity = {str(severity): 0 for severity in Severity}
    for finding in result.findings:
        by_severity[str(finding.severity)] += 1
    return {"files": result.files, "objects": result.objects, **by_severity}

"""`--format json`: one JSON document, version 1."""

from __future__ import annotations

import json
from typing import TextIO

from kubelint.engine import LintResult
from kubelint.report.summary import counts


def write(result: LintResult, out: TextIO, color: bool) -> None:
    document = {
        "version": 1,
        "findings": [finding.as_dict() for finding in result.findings],
        "summary": counts(result),
    }
    json.dump(document, out, indent=2)
    out.write("\n")

"""Reports of a lint run: text for people, JSON for scripts, SARIF for code scanning, GitHub annotations."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from kubelint.engine import LintResult
from kubelint.report import github, json_report, sarif, text

FORMATS: dict[str, Callable[[LintResult, TextIO, bool], None]] = {
    "text": text.write,
    "json": json_report.write,
    "sarif": sarif.write,
    "github": github.write,
}

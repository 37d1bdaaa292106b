"""Reports of a lint run: text for people, JSON for scripts, SARIF for code scanning, GitHub annotations.

Each format is a module with `write(result, out, color)`; only the one asked for is imported.
"""

from __future__ import annotations

import importlib
from typing import TextIO

from kubelint.engine import LintResult

FORMATS = {"text": "text", "json": "json_report", "sarif": "sarif", "github": "github"}


def write_report(format_name: str, result: LintResult, out: TextIO, color: bool) -> None:
    module = importlib.import_module(f"kubelint.report.{FORMATS[format_name]}")
    module.write(result, out, color)

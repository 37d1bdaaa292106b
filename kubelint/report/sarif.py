"""`--format sarif`: SARIF 2.1.0 for code-scanning services, with regions and rule help."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from kubelint.engine import LintResult
from kubelint.findings import Finding, Severity
from kubelint.registry import Rule, all_rules
from kubelint.rulesdoc import sections

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kuar-lab")
    except PackageNotFoundError:
        return "0"


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.title() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": sections(rule).get("What it does", rule.summary)},
        "help": {"text": rule.doc.strip(), "markdown": rule.doc.strip()},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"book": rule.book, "tags": [rule.target]},
    }


def _uri(path: str) -> str:
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return candidate.as_uri()
    return candidate.as_posix().removeprefix("./")


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    span = finding.span
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": "%SRCROOT%"},
                    "region": {
                        "startLine": span.line,
                        "startColumn": span.column,
                        "endLine": span.end_line,
                        "endColumn": span.end_column,
                    },
                }
            }
        ],
    }
    if finding.object is not None:
        name = f"{finding.object}" + (f"/{finding.container}" if finding.container else "")
        result["locations"][0]["logicalLocations"] = [{"name": name, "kind": "object"}]
    return result


def write(result: LintResult, out: TextIO, color: bool) -> None:
    rules = list(all_rules().values())
    index = {rule.id: position for position, rule in enumerate(rules)}
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kubelint",
                        "version": _tool_version(),
                        "rules": [_rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "results": [_result(finding, index) for finding in result.findings],
            }
        ],
    }
    json.dump(document, out, indent=2)
    out.write("\n")

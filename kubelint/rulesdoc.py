"""Rule documentation, from the rules' own docstrings: `kubelint explain`, `kubelint rules`, docs/rules.md."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable

from kubelint.registry import Rule, all_rules

SECTION_TITLES = ("What it does", "Why is this bad?", "Example", "How to fix")
_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)


def sections(rule: Rule) -> dict[str, str]:
    """The docstring's `## Title` sections, by title."""
    parts = _HEADING.split(rule.doc.strip())
    return {title.strip(): body.strip() for title, body in zip(parts[1::2], parts[2::2], strict=False)}


def explain(rule: Rule) -> str:
    state = "on" if rule.enabled else "off"
    header = [
        f"{rule.id} ({rule.severity} by default, {state} by default; {rule.target} rule)",
        rule.summary,
        f"Book: {rule.book}",
    ]
    if rule.options:
        header.append("Options: " + ", ".join(f"{key} (default {value!r})" for key, value in rule.options.items()))
    body = "\n\n".join(f"## {title}\n{text}" for title, text in sections(rule).items())
    return "\n".join(header) + "\n\n" + body + "\n"


def rules_table(rules: Iterable[Rule]) -> str:
    rows = [f"{rule.id:<36} {rule.severity!s:<8} {'on' if rule.enabled else 'off':<4} {rule.summary}" for rule in rules]
    return "\n".join([f"{'RULE':<36} {'SEVERITY':<8} {'DEF':<4} SUMMARY", *rows]) + "\n"


def markdown() -> str:
    """docs/rules.md: every rule, generated from the docstrings (`python -m kubelint.rulesdoc`)."""
    rules = list(all_rules().values())
    lines = [
        "# kubelint rules",
        "",
        "Generated from the rules' docstrings by `python -m kubelint.rulesdoc > docs/rules.md`;",
        "`kubelint explain RULE` prints the same text.",
        "",
        "| rule | default severity | applies to | summary |",
        "|---|---|---|---|",
    ]
    lines += [f"| [{r.id}](#{r.id}) | {r.severity} | {r.target}s | {r.summary} |" for r in rules]
    for rule in rules:
        default = "" if rule.enabled else " Off by default."
        lines += ["", f"## {rule.id}", "", f"*{rule.severity} by default.{default} {rule.book}.*", ""]
        for title, text in sections(rule).items():
            lines += [f"### {title}", "", text, ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())

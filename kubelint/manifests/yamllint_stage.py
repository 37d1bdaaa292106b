"""The YAML stage: yamllint, as a library, with a configuration tuned for Kubernetes.

yamllint's tokenizer is pure Python and reads the corpus about 20 times slower than libyaml
(134 s against 5.8 s on ../shared/corpus). With the default configuration (syntax errors and
duplicate keys) yamllint can only report something where libyaml's fast pass already found a
problem, so it runs on those files alone; configuring extra `yamllint-rules` runs it on every file.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import yaml

from kubelint.findings import Span
from kubelint.manifests.yamldoc import YamlProblem

# Kubernetes reads YAML 1.1 (sigs.k8s.io/yaml): these are the checks whose findings change what
# the API server receives; pure layout rules are for the user to add.
KUBERNETES_RULES: dict[str, Any] = {"key-duplicates": "enable"}


@cache
def _config(extra_rules_json: str) -> Any:
    from yamllint.config import YamlLintConfig

    rules = {**KUBERNETES_RULES, **json.loads(extra_rules_json)}
    return YamlLintConfig(content=json.dumps({"rules": rules}))  # JSON is YAML


def yamllint_needed(fast_problems: list[YamlProblem], every_file: bool) -> bool:
    """Whether yamllint can add to what libyaml found.

    Never past libyaml's nesting limit: yamllint's time grows with the square of the depth (12 s at 5,000).
    """
    if any("nesting depth" in problem.message for problem in fast_problems):
        return False
    return every_file or bool(fast_problems)


def yamllint_problems(text: str, path: str, extra_rules: dict[str, Any]) -> list[YamlProblem]:
    from yamllint import linter

    config = _config(json.dumps(extra_rules, sort_keys=True))
    problems: list[YamlProblem] = []
    try:
        linted = list(linter.run(text, config, path))
    except yaml.YAMLError:
        return problems  # characters YAML forbids: libyaml's own report of them stands
    for problem in linted:
        span = Span.point(problem.line, problem.column)
        if problem.rule is None:
            message = problem.desc.removeprefix("syntax error: ")
            problems.append(YamlProblem("yaml-syntax", f"invalid YAML: {message}", span))
        elif problem.rule == "key-duplicates":
            problems.append(YamlProblem("yaml-duplicate-key", _duplicate_message(problem.desc), span))
        else:
            problems.append(YamlProblem("yaml-style", f"{problem.desc} (yamllint {problem.rule})", span))
    return problems


def _duplicate_message(desc: str) -> str:
    return f"{desc.replace('duplication of key', 'duplicate key')}; Kubernetes rejects the object, keep one of them"


def merge_problems(fast: list[YamlProblem], linted: list[YamlProblem]) -> list[YamlProblem]:
    """yamllint's word wins; libyaml's recovery still reports documents after yamllint's first syntax error."""
    seen = {(problem.rule, problem.span.line) for problem in linted}
    return linted + [problem for problem in fast if (problem.rule, problem.span.line) not in seen]

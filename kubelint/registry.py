"""The rule registry: every module under kubelint/rules/ is one rule.

Rules live in three families (sub-packages): ``general`` (suppressions, kubelint's own errors),
``manifest`` and ``dockerfile``. A family is imported the first time it is needed, so a run
over manifests alone never loads the Dockerfile machinery.

A rule module holds, yamllint-style:

- its docstring: the user documentation (first line: summary; then "## What it does",
  "## Why is this bad?", "## Example", "## How to fix"), printed by `kubelint explain`;
- ``ID`` (the public name), ``SEVERITY`` (the default), ``BOOK`` (the chapter it comes from);
- ``SCOPE``: what ``check()`` receives: ``"container"`` (a Container), ``"object"`` (a KubeObject),
  ``"objects"`` (every KubeObject of the run, for cross-object rules), ``"dockerfile"``, or
  ``"engine"`` for findings the engine itself reports (there is no check());
- ``check(target, options)``: a generator of Problem; ``options`` are ``OPTIONS`` merged with the
  user's configuration;
- optionally ``OPTIONS`` (defaults) and ``ENABLED = False`` for rules that are off by default;
- ``CHECKS_FRAGMENTS = True`` for object and container rules that judge only what is written (an
  image tag, a secret value), so they also run on kustomize patches and bases; the others, which
  report what is missing, skip such fragments (see ``KubeObject.is_fragment``).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

from kubelint.findings import Problem, Severity

SCOPES = ("container", "object", "objects", "dockerfile", "engine")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    scope: str
    doc: str
    book: str
    check: Callable[[Any, dict[str, Any]], Iterator[Problem]] | None
    options: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True
    checks_fragments: bool = False

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip()

    @property
    def target(self) -> str:
        return "dockerfile" if self.scope == "dockerfile" or self.id.startswith("dockerfile-") else "manifest"


def _rule_from_module(module: ModuleType) -> Rule:
    rule_id = module.ID
    scope = module.SCOPE
    if scope not in SCOPES:
        raise ValueError(f"{module.__name__}: SCOPE must be one of {SCOPES}")
    if not module.__doc__:
        raise ValueError(f"{module.__name__}: a rule documents itself in its docstring")
    check = getattr(module, "check", None)
    if (check is None) != (scope == "engine"):
        raise ValueError(f"{module.__name__}: only engine rules go without check()")
    return Rule(
        id=rule_id,
        severity=module.SEVERITY,
        scope=scope,
        doc=module.__doc__,
        book=module.BOOK,
        check=check,
        options=dict(getattr(module, "OPTIONS", {})),
        enabled=getattr(module, "ENABLED", True),
        checks_fragments=getattr(module, "CHECKS_FRAGMENTS", False),
    )


FAMILIES = ("general", "manifest", "dockerfile")


@cache
def family_rules(family: str) -> dict[str, Rule]:
    """The rules of one family, by id."""
    package = importlib.import_module(f"kubelint.rules.{family}")
    rules = {}
    for info in pkgutil.iter_modules(package.__path__):
        rule = _rule_from_module(importlib.import_module(f"{package.__name__}.{info.name}"))
        rules[rule.id] = rule
    return rules


@cache
def all_rules() -> dict[str, Rule]:
    """Every rule, by id, in alphabetical order."""
    rules: dict[str, Rule] = {}
    for family in FAMILIES:
        for rule_id, rule in family_rules(family).items():
            if rule_id in rules:
                raise ValueError(f"two rules are named {rule_id}")
            rules[rule_id] = rule
    return dict(sorted(rules.items()))


def get_rule(rule_id: str) -> Rule | None:
    """A rule by id, loading only the family its name belongs to."""
    families = ("dockerfile",) if rule_id.startswith("dockerfile-") else ("general", "manifest")
    for family in families:
        rule = family_rules(family).get(rule_id)
        if rule is not None:
            return rule
    return None

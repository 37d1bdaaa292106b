"""Suppressions: annotations, inline comments and configuration ignores, each with a reason.

- annotation `ignore.kubelint.io/<rule>: "<reason>"` on an object or its pod template, or
  `ignore.kubelint.io/<rule>.<container>` for one container;
- comment `# kubelint: ignore=<rule>[,<rule>] <reason>` at the end of the line, or alone on the
  line above;
- an `ignore:` entry of the configuration, scoped by path glob, kind and name.

A suppression without a reason is reported (suppression-without-reason), and so is one that
silenced nothing (unused-suppression).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kubelint.config import Config, ConfigIgnore
from kubelint.findings import Finding, Span
from kubelint.manifests.objects import KubeObject, as_mapping, get_path
from kubelint.manifests.yamldoc import Mapping
from kubelint.registry import get_rule

if TYPE_CHECKING:
    from kubelint.dockerfile.parser import Dockerfile

ANNOTATION_PREFIX = "ignore.kubelint.io/"
_COMMENT = re.compile(r"#\s*kubelint:\s*ignore=([\w.,-]+)[ \t]*(.*)$")
_META_RULES = frozenset({"suppression-without-reason", "unused-suppression"})


@dataclass(eq=False)
class Suppression(ABC):
    rules: tuple[str, ...]
    reason: str
    path: str
    span: Span
    how: str
    used: set[str] = field(default_factory=set)

    @abstractmethod
    def matches(self, finding: Finding, obj: KubeObject | None) -> bool:
        """Whether this suppression silences the finding (about obj, when it concerns an object)."""


@dataclass(eq=False)
class AnnotationSuppression(Suppression):
    obj: KubeObject | None = None
    container: str | None = None

    def matches(self, finding: Finding, obj: KubeObject | None) -> bool:
        return (
            obj is self.obj
            and finding.rule in self.rules
            and (self.container is None or finding.container == self.container)
        )


@dataclass(eq=False)
class CommentSuppression(Suppression):
    lines: range = range(0)

    def matches(self, finding: Finding, obj: KubeObject | None) -> bool:
        return finding.path == self.path and finding.span.line in self.lines and finding.rule in self.rules


@dataclass(eq=False)
class ConfigSuppression(Suppression):
    ignore: ConfigIgnore | None = None
    config: Config | None = None

    def matches(self, finding: Finding, obj: KubeObject | None) -> bool:
        assert self.ignore is not None and self.config is not None
        ref = finding.object
        return self.ignore.matches(
            finding.rule,
            self.config.relative_path(finding.path),
            ref.kind if ref else None,
            ref.name if ref else None,
        )


def annotation_suppressions(obj: KubeObject) -> Iterator[Suppression]:
    template_metadata = as_mapping(get_path(obj.pod_template, "metadata"))
    for metadata in (obj.metadata, template_metadata):
        annotations = as_mapping(metadata.get("annotations")) if metadata is not None else None
        if annotations is None:
            continue
        for key, value in annotations.items():
            if isinstance(key, str) and key.startswith(ANNOTATION_PREFIX):
                yield _annotation(obj, annotations, key, value)


def _annotation(obj: KubeObject, annotations: Mapping, key: str, value: object) -> Suppression:
    rule, _, container = key.removeprefix(ANNOTATION_PREFIX).partition(".")
    reason = value.strip() if isinstance(value, str) else ""
    span = annotations.key_span(key)
    return AnnotationSuppression((rule,), reason, obj.path, span, "annotation", obj=obj, container=container or None)


def comment_suppressions(path: str, text: str, target_lines: Callable[[int], range]) -> Iterator[Suppression]:
    """`# kubelint: ignore=...` comments; target_lines(n) is what a comment alone on line n covers."""
    if "kubelint:" not in text:
        return
    for number, line in enumerate(text.splitlines(), 1):
        if "kubelint:" not in line:
            continue
        match = _COMMENT.search(line)
        if match is None:
            continue
        rules = tuple(rule for rule in match.group(1).split(",") if rule)
        alone = line[: match.start()].strip() == ""
        lines = target_lines(number) if alone else range(number, number + 1)
        span = Span(number, match.start() + 1, number, len(line) + 1)
        yield CommentSuppression(rules, match.group(2).strip(), path, span, "comment", lines=lines)


def next_code_line(text_lines: list[str]) -> Callable[[int], range]:
    """For YAML: a comment alone on its line covers the next line that is not blank or a comment."""

    def target(number: int) -> range:
        for index in range(number, len(text_lines)):
            stripped = text_lines[index].strip()
            if stripped and not stripped.startswith("#"):
                return range(index + 1, index + 2)
        return range(0)

    return target


def next_instruction(dockerfile: Dockerfile) -> Callable[[int], range]:
    """For Dockerfiles: a comment alone on its line covers every line of the next instruction."""
    starts = [instruction.span.line for instruction in dockerfile.instructions]

    def target(number: int) -> range:
        index = bisect_right(starts, number)
        return dockerfile.instructions[index].line_range() if index < len(starts) else range(0)

    return target


def config_suppressions(config: Config) -> Iterator[Suppression]:
    for ignore in config.ignores:
        yield ConfigSuppression(
            ignore.rules,
            ignore.reason,
            ignore.origin,
            ignore.span,
            "config entry",
            ignore=ignore,
            config=config,
        )


def apply_suppressions(
    findings: Iterable[tuple[Finding, KubeObject | None]], suppressions: list[Suppression], config: Config
) -> list[Finding]:
    """Drop suppressed findings; add the findings about the suppressions themselves."""
    kept = []
    for finding, obj in findings:
        silenced = False
        for suppression in suppressions:
            if finding.rule not in _META_RULES and suppression.matches(finding, obj):
                suppression.used.add(finding.rule)
                silenced = True
        if not silenced:
            kept.append(finding)
    return kept + list(_about_suppressions(suppressions, config))


def _about_suppressions(suppressions: list[Suppression], config: Config) -> Iterator[Finding]:
    for suppression in suppressions:
        if not suppression.reason:
            yield _meta_finding(
                config,
                "suppression-without-reason",
                f"this {suppression.how} silences {', '.join(suppression.rules)} without saying why; "
                "add the reason after it so the next reader knows it is deliberate",
                suppression,
            )
        for rule_id in suppression.rules:
            if rule_id in suppression.used or rule_id == "all":
                continue
            if get_rule(rule_id) is None:
                message = f'no rule is named "{rule_id}"; `kubelint rules` lists them'
            elif not config.setting(rule_id).enabled:
                continue
            else:
                message = f"{rule_id} reports nothing here, so this {suppression.how} can go"
            yield _meta_finding(config, "unused-suppression", message, suppression)


def _meta_finding(config: Config, rule_id: str, message: str, suppression: Suppression) -> Finding:
    setting = config.setting(rule_id)
    return Finding(rule_id, setting.severity, message, suppression.path, suppression.span)

"""The engine: read each file, run the enabled rules, apply suppressions, collect findings."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from kubelint.config import Config
from kubelint.discovery import STDIN, Source, find_sources
from kubelint.findings import Finding, ObjectRef, Problem, Span
from kubelint.manifests.kustomize import is_declared_patch
from kubelint.manifests.objects import KubeObject, holds_objects, objects_of
from kubelint.manifests.yamldoc import read_yaml
from kubelint.manifests.yamllint_stage import merge_problems, yamllint_needed, yamllint_problems
from kubelint.registry import Rule, family_rules
from kubelint.suppressions import (
    Suppression,
    annotation_suppressions,
    apply_suppressions,
    comment_suppressions,
    config_suppressions,
    next_code_line,
    next_instruction,
)

Located = tuple[Finding, KubeObject | None]


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    objects: int = 0
    unreadable: list[str] = field(default_factory=list)  # "path: why", for stderr and exit code 2

    def worst(self) -> Finding | None:
        return max(self.findings, key=lambda finding: finding.severity, default=None)


class Linter:
    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()

    @cached_property
    def rules_by_scope(self) -> dict[str, list[Rule]]:
        """The enabled rules by scope; Dockerfile rules are loaded only when a Dockerfile is linted."""
        return self._enabled_by_scope(("general", "manifest"))

    @cached_property
    def dockerfile_rules(self) -> list[Rule]:
        return self._enabled_by_scope(("dockerfile",)).get("dockerfile", [])

    def _enabled_by_scope(self, families: tuple[str, ...]) -> dict[str, list[Rule]]:
        by_scope: dict[str, list[Rule]] = {}
        for family in families:
            for rule in family_rules(family).values():
                if self.config.setting(rule.id).enabled:
                    by_scope.setdefault(rule.scope, []).append(rule)
        return by_scope

    # -- running -------------------------------------------------------------------------------

    def lint_paths(self, paths: list[str], stdin_name: str | None = None) -> LintResult:
        run = _Run(self.config)
        for source in find_sources(paths, stdin_name):
            if isinstance(source, OSError):
                run.result.unreadable.append(f"{source.filename}: {source.strerror}")
                continue
            text = self._read(source, run.result)
            if text is not None:
                self._lint_file(source, text, run)
        return self._finish(run)

    def lint_text(self, text: str, name: str = "<text>", kind: str = "manifest") -> LintResult:
        run = _Run(self.config)
        self._lint_file(Source(name, name, True, kind), text, run)
        return self._finish(run)

    def _finish(self, run: _Run) -> LintResult:
        run.located.extend(self._cross_object(run.objects))
        findings = apply_suppressions(run.located, run.suppressions, self.config)
        run.result.objects = len(run.objects)
        run.result.findings = sorted(
            (finding for finding in findings if self.config.setting(finding.rule).enabled),
            key=Finding.sort_key,
        )
        return run.result

    @staticmethod
    def _read(source: Source, result: LintResult) -> str | None:
        try:
            data = sys.stdin.buffer.read() if source.path == STDIN else open(source.path, "rb").read()  # noqa: SIM115
        except OSError as error:
            result.unreadable.append(f"{source.name}: {error.strerror or error}")
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            if source.explicit:
                result.unreadable.append(f"{source.name}: not UTF-8 text (byte {error.start}); save it as UTF-8")
            return None

    def _lint_file(self, source: Source, text: str, run: _Run) -> None:
        run.result.files += 1
        try:
            if source.kind == "dockerfile":
                run.located.extend(self._lint_dockerfile(source, text, run.suppressions))
            else:
                run.located.extend(self._lint_manifest(source, text, run.objects, run.suppressions))
        except Exception as error:  # a bug of ours must not hide the other files
            run.located.append((self._internal_error(source.name, Span.point(1), "reading this file", error), None))

    # -- manifests -----------------------------------------------------------------------------

    def _lint_manifest(
        self, source: Source, text: str, objects: list[KubeObject], suppressions: list[Suppression]
    ) -> Iterator[Located]:
        yaml_file = read_yaml(text, source.name)
        problems = yaml_file.problems
        if yamllint_needed(problems, self.config.yamllint_always or bool(self.config.yamllint_rules)):
            problems = merge_problems(problems, yamllint_problems(text, source.name, self.config.yamllint_rules))
        manifest = holds_objects(yaml_file)
        if not manifest and not problems:
            if source.explicit:
                yield self._finding("not-a-manifest", _NOT_A_MANIFEST, source.name, Span.point(1)), None
            return
        if not manifest and not source.explicit:
            return  # broken YAML that is no manifest either (a Helm template, say): not ours to judge
        for problem in problems:
            yield self._finding(problem.rule, problem.message, source.name, problem.span), None
        file_objects, not_objects = objects_of(yaml_file)
        for span, why in not_objects:
            yield self._finding("invalid-object", why, source.name, span), None
        suppressions.extend(comment_suppressions(source.name, text, next_code_line(text.splitlines())))
        declared_patch = is_declared_patch(source.path) if source.path != STDIN else False
        for obj in file_objects:
            obj.declared_patch = declared_patch
            suppressions.extend(annotation_suppressions(obj))
            yield from self._check_object(obj)
        objects.extend(file_objects)

    def _check_object(self, obj: KubeObject) -> Iterator[Located]:
        fragment = obj.is_fragment
        for rule in self.rules_by_scope.get("object", ()):
            if rule.checks_fragments or not fragment:
                yield from self._run(rule, obj, obj, None)
        container_rules = [
            rule for rule in self.rules_by_scope.get("container", ()) if rule.checks_fragments or not fragment
        ]
        if container_rules:
            for container in obj.containers():
                for rule in container_rules:
                    yield from self._run(rule, container, obj, container.name)

    # -- Dockerfiles ---------------------------------------------------------------------------

    def _lint_dockerfile(self, source: Source, text: str, suppressions: list[Suppression]) -> Iterator[Located]:
        from kubelint.dockerfile.parser import parse_dockerfile  # manifest-only runs never pay for it

        dockerfile = parse_dockerfile(text, source.name)
        for syntax in dockerfile.problems:
            yield self._finding("dockerfile-syntax", syntax.message, source.name, syntax.span), None
        suppressions.extend(comment_suppressions(source.name, text, next_instruction(dockerfile)))
        for rule in self.dockerfile_rules:
            assert rule.check is not None
            try:
                for problem in rule.check(dockerfile, self._options(rule)):
                    yield self._dockerfile_finding(rule, problem, source.name), None
            except Exception as error:
                yield self._internal_error(source.name, Span.point(1), f"rule {rule.id}", error), None

    def _dockerfile_finding(self, rule: Rule, problem: Problem, path: str) -> Finding:
        stage: Any = problem.about  # a dockerfile.parser.Stage, or None
        ref = ObjectRef(None, "Stage", None, stage.name or str(stage.index)) if stage is not None else None
        return Finding(rule.id, self.config.setting(rule.id).severity, problem.message, path, problem.span, ref)

    def _cross_object(self, objects: list[KubeObject]) -> Iterator[Located]:
        for rule in self.rules_by_scope.get("objects", ()):
            assert rule.check is not None
            try:
                for problem in rule.check(objects, self._options(rule)):
                    yield self._from_problem(rule, problem, None, None)
            except Exception as error:
                yield self._internal_error("<all files>", Span.point(1), f"rule {rule.id}", error), None

    def _run(self, rule: Rule, target: Any, obj: KubeObject, container: str | None) -> Iterator[Located]:
        assert rule.check is not None
        try:
            for problem in rule.check(target, self._options(rule)):
                yield self._from_problem(rule, problem, obj, container)
        except Exception as error:
            yield self._internal_error(obj.path, obj.span, f"rule {rule.id} on {obj.ref}", error), obj

    def _from_problem(self, rule: Rule, problem: Problem, obj: KubeObject | None, container: str | None) -> Located:
        if isinstance(problem.about, KubeObject):
            obj = problem.about
        finding = Finding(
            rule=rule.id,
            severity=self.config.setting(rule.id).severity,
            message=problem.message,
            path=obj.path if obj else "<all files>",
            span=problem.span,
            object=obj.ref if obj else None,
            container=problem.container or container,
        )
        return finding, obj

    def _options(self, rule: Rule) -> dict[str, Any]:
        return self.config.setting(rule.id).options

    def _finding(self, rule_id: str, message: str, path: str, span: Span) -> Finding:
        return Finding(rule_id, self.config.setting(rule_id).severity, message, path, span)

    def _internal_error(self, path: str, span: Span, doing: str, error: Exception) -> Finding:
        message = (
            f"kubelint failed while {doing} ({type(error).__name__}: {error}); "
            "the other checks still ran. Please report this with the file"
        )
        return self._finding("internal-error", message, path, span)


class _Run:
    """What one run accumulates before cross-object rules and suppressions see it all."""

    def __init__(self, config: Config) -> None:
        self.result = LintResult()
        self.located: list[Located] = []
        self.objects: list[KubeObject] = []
        self.suppressions: list[Suppression] = list(config_suppressions(config))


_NOT_A_MANIFEST = (
    "this YAML file holds no Kubernetes object (no document has both apiVersion and kind); "
    "kubelint has nothing to check in it"
)

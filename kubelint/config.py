"""User configuration: `.kubelint.yaml` (or `[tool.kubelint]` in pyproject.toml).

```yaml
fail-on: warning            # error | warning | info | never
rules:
  bare-pod: off             # off/false disables, on/true enables
  missing-namespace: warning
  secret-in-env-value: {severity: error, report-low-confidence: true}
yamllint: always            # run yamllint on every file, not only where libyaml found a problem
yamllint-rules:             # extra yamllint rules, reported as yaml-style
  indentation: {spaces: 2}
ignore:
  - rules: [mutable-image-tag]
    paths: ["legacy/**"]
    kinds: [Deployment]
    names: [old-web]
    reason: the legacy stack is frozen until its migration
```
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubelint.findings import Severity, Span
from kubelint.manifests.yamldoc import Mapping, Sequence, read_yaml
from kubelint.registry import all_rules, get_rule

CONFIG_NAMES = (".kubelint.yaml", ".kubelint.yml")
_TOP_LEVEL_KEYS = ("fail-on", "rules", "ignore", "yamllint", "yamllint-rules")
_IGNORE_KEYS = ("rules", "rule", "paths", "path", "kinds", "kind", "names", "name", "reason")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file, the line and the fix."""


@dataclass(frozen=True)
class RuleSetting:
    enabled: bool
    severity: Severity
    options: dict[str, Any]


@dataclass
class ConfigIgnore:
    rules: tuple[str, ...]
    paths: tuple[str, ...]
    kinds: tuple[str, ...]
    names: tuple[str, ...]
    reason: str
    origin: str
    span: Span

    def matches(self, rule: str, path: str, kind: str | None, name: str | None) -> bool:
        return (
            (rule in self.rules or "all" in self.rules)
            and (not self.paths or any(_path_matches(path, pattern) for pattern in self.paths))
            and (not self.kinds or kind in self.kinds)
            and (not self.names or any(fnmatch.fnmatchcase(name or "", pattern) for pattern in self.names))
        )


def _path_matches(path: str, pattern: str) -> bool:
    """Glob on the path relative to the configuration; `*` may cross folders, a folder matches its files."""
    path = path.replace("\\", "/").removeprefix("./")
    pattern = pattern.replace("\\", "/").removeprefix("./").rstrip("/")
    return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, pattern + "/*")


@dataclass
class Config:
    source: str | None = None
    base_dir: Path = field(default_factory=Path.cwd)
    fail_on: Severity | None = Severity.WARNING
    settings: dict[str, RuleSetting] = field(default_factory=dict)
    ignores: list[ConfigIgnore] = field(default_factory=list)
    yamllint_always: bool = False
    yamllint_rules: dict[str, Any] = field(default_factory=dict)

    def setting(self, rule_id: str) -> RuleSetting:
        setting = self.settings.get(rule_id)
        if setting is not None:
            return setting
        rule = get_rule(rule_id)
        if rule is None:
            raise KeyError(rule_id)
        return RuleSetting(rule.enabled, rule.severity, rule.options)

    def relative_path(self, path: str) -> str:
        try:
            return Path(path).resolve().relative_to(self.base_dir.resolve()).as_posix()
        except (ValueError, OSError):
            return path


def find_config(start: Path) -> Path | None:
    """The nearest .kubelint.yaml, or pyproject.toml with [tool.kubelint], from start up to the root."""
    for folder in [start, *start.parents]:
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.kubelint" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the configuration: {error}") from None
    if path.name == "pyproject.toml":
        return _load_pyproject(path, text)
    yaml_file = read_yaml(text, str(path))
    if yaml_file.problems:
        problem = yaml_file.problems[0]
        raise ConfigError(f"{path}:{problem.span.line}:{problem.span.column}: {problem.message}")
    root = yaml_file.documents[0].root if yaml_file.documents else Mapping.__new__(Mapping)
    if root is None:
        return Config(source=str(path), base_dir=path.parent)
    return _ConfigReader(str(path), path.parent, _line_finder_yaml).read(root)


def _load_pyproject(path: Path, text: str) -> Config:
    import tomllib  # only projects configured in pyproject.toml pay for it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    section = data.get("tool", {}).get("kubelint", {})
    header_line = next(
        (number for number, line in enumerate(text.splitlines(), 1) if line.strip().startswith("[tool.kubelint")),
        1,
    )
    return _ConfigReader(str(path), path.parent, lambda _value, _key: Span.point(header_line)).read(section)


def _line_finder_yaml(container: Any, key: Any) -> Span:
    if isinstance(container, Mapping):
        return container.key_span(key)
    if isinstance(container, Sequence) and isinstance(key, int):
        return container.item_span(key)
    return Span.point(1)


class _ConfigReader:
    def __init__(self, source: str, base_dir: Path, locate: Any) -> None:
        self.source = source
        self.base_dir = base_dir
        self.locate = locate

    def fail(self, container: Any, key: Any, message: str) -> ConfigError:
        span = self.locate(container, key)
        return ConfigError(f"{self.source}:{span.line}:{span.column}: {message}")

    def read(self, root: Any) -> Config:
        if not isinstance(root, dict):
            return self._raise_root()
        config = Config(source=self.source, base_dir=self.base_dir)
        for key in root:
            if key not in _TOP_LEVEL_KEYS:
                raise self.fail(root, key, f'unknown setting "{key}"; known settings: {", ".join(_TOP_LEVEL_KEYS)}')
        if "fail-on" in root:
            config.fail_on = self._fail_on(root)
        config.settings = self._rules(root.get("rules") or {})
        config.ignores = [self._ignore(root["ignore"], i) for i in range(len(root.get("ignore") or []))]
        if "yamllint" in root:
            if root["yamllint"] not in ("always", "auto"):
                raise self.fail(root, "yamllint", 'yamllint takes "always" or "auto"')
            config.yamllint_always = root["yamllint"] == "always"
        rules = root.get("yamllint-rules") or {}
        if not isinstance(rules, dict):
            raise self.fail(root, "yamllint-rules", "yamllint-rules is a mapping of yamllint rule names to settings")
        config.yamllint_rules = self._yamllint_rules(root, rules)
        return config

    def _yamllint_rules(self, root: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any]:
        if not rules:
            return {}
        import json

        from yamllint.config import YamlLintConfig, YamlLintConfigError

        try:
            YamlLintConfig(content=json.dumps({"rules": rules}))
        except (YamlLintConfigError, TypeError, ValueError) as error:
            raise self.fail(root, "yamllint-rules", f"yamllint does not accept these rules: {error}") from None
        return dict(rules)

    def _raise_root(self) -> Config:
        raise ConfigError(f"{self.source}:1:1: the configuration must be a mapping (see `kubelint --help`)")

    def _fail_on(self, root: dict[str, Any]) -> Severity | None:
        value = str(root["fail-on"])
        if value == "never":
            return None
        try:
            return Severity.parse(value)
        except ValueError:
            raise self.fail(root, "fail-on", "fail-on takes error, warning, info or never") from None

    def _rules(self, rules: Any) -> dict[str, RuleSetting]:
        if not isinstance(rules, dict):
            raise ConfigError(f"{self.source}: `rules` is a mapping of rule names to on, off or a severity")
        known = all_rules()
        settings = {}
        for rule_id, value in rules.items():
            rule = known.get(rule_id)
            if rule is None:
                raise self.fail(rules, rule_id, f'no rule is named "{rule_id}"; `kubelint rules` lists them')
            settings[rule_id] = self._rule_setting(
                rules, rule_id, value, RuleSetting(True, rule.severity, rule.options)
            )
        return settings

    def _rule_setting(self, rules: Any, rule_id: str, value: Any, default: RuleSetting) -> RuleSetting:
        if value in (False, "off", "disable", "disabled"):
            return RuleSetting(False, default.severity, default.options)
        if value in (True, "on", "enable", "enabled"):
            return default
        if isinstance(value, str):
            try:
                return RuleSetting(True, Severity.parse(value), default.options)
            except ValueError as error:
                raise self.fail(rules, rule_id, str(error)) from None
        if isinstance(value, dict):
            options = dict(default.options)
            severity = default.severity
            enabled = value.get("enabled", True) not in (False, "off")
            for key, option in value.items():
                if key == "severity":
                    try:
                        severity = Severity.parse(str(option))
                    except ValueError as error:
                        raise self.fail(value, key, str(error)) from None
                elif key == "enabled":
                    continue
                elif key in options:
                    options[key] = option
                else:
                    names = ", ".join(["severity", "enabled", *options]) or "severity, enabled"
                    raise self.fail(value, key, f'rule {rule_id} has no option "{key}"; it takes {names}')
            return RuleSetting(enabled, severity, options)
        raise self.fail(rules, rule_id, f"rule {rule_id} takes on, off, a severity or a mapping")

    def _ignore(self, entries: Any, index: int) -> ConfigIgnore:
        if not isinstance(entries, list):
            raise ConfigError(f"{self.source}: `ignore` is a list of mappings")
        entry = entries[index]
        if not isinstance(entry, dict):
            raise self.fail(entries, index, "each ignore entry is a mapping with rules, paths, kinds, names, reason")
        for key in entry:
            if key not in _IGNORE_KEYS:
                raise self.fail(entry, key, f'unknown ignore key "{key}"; use {", ".join(_IGNORE_KEYS)}')
        rules = self._strings(entry, "rules", "rule")
        if not rules:
            raise self.fail(entries, index, "an ignore entry names the rules it silences (rules: [...] or all)")
        known = all_rules()
        for rule_id in rules:
            if rule_id != "all" and rule_id not in known:
                raise self.fail(entry, "rules" if "rules" in entry else "rule", f'no rule is named "{rule_id}"')
        return ConfigIgnore(
            rules=rules,
            paths=self._strings(entry, "paths", "path"),
            kinds=self._strings(entry, "kinds", "kind"),
            names=self._strings(entry, "names", "name"),
            reason=str(entry.get("reason") or "").strip(),
            origin=self.source,
            span=self.locate(entries, index),
        )

    def _strings(self, entry: dict[str, Any], plural: str, singular: str) -> tuple[str, ...]:
        value = entry.get(plural, entry.get(singular))
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        raise self.fail(entry, plural if plural in entry else singular, f"{plural} is a string or a list of strings")

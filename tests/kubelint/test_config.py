"""Configuration files: where they are found, what they change, and clear errors when they are wrong."""

from pathlib import Path

import pytest

from kubelint import Severity, lint_text
from kubelint.config import ConfigError, find_config, load_config

POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: b}\nspec:\n  containers: [{name: a, image: nginx}]\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_nearest_config_wins_and_pyproject_counts(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.kubelint]\nfail-on = 'error'\n")
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    assert find_config(inner) == tmp_path / "pyproject.toml"
    write(tmp_path / "a", ".kubelint.yaml", "fail-on: info\n")
    assert find_config(inner) == tmp_path / "a" / ".kubelint.yaml"
    assert load_config(tmp_path / "pyproject.toml").fail_on is Severity.ERROR
    assert load_config(tmp_path / "a" / ".kubelint.yaml").fail_on is Severity.INFO


def test_pyproject_without_the_section_is_not_a_config(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config(tmp_path) is None


def test_rules_off_and_severity_override(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ".kubelint.yaml", "rules:\n  mutable-image-tag: info\n"))
    findings = lint_text(POD, "pod.yaml", config=config)
    assert [f.severity for f in findings if f.rule == "mutable-image-tag"] == [Severity.INFO]
    config = load_config(write(tmp_path, ".kubelint.yaml", "rules:\n  mutable-image-tag: off\n"))
    assert not [f for f in lint_text(POD, "pod.yaml", config=config) if f.rule == "mutable-image-tag"]


def test_pyproject_rules_table(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", '[tool.kubelint.rules]\nmutable-image-tag = "warning"\n')
    findings = lint_text(POD, "pod.yaml", config=load_config(path))
    assert [f.severity for f in findings if f.rule == "mutable-image-tag"] == [Severity.WARNING]


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("rulez: {}\n", ":1:1:", 'unknown setting "rulez"'),
        ("rules:\n  mutable-image-tag: loud\n", ":2:3:", "unknown severity"),
        ("rules:\n  mutable-image-tag: {severity: info, colour: red}\n", ":2:39:", 'no option "colour"'),
        ("fail-on: sometimes\n", ":1:1:", "fail-on takes"),
        ("ignore:\n  - paths: [a]\n", ":2:5:", "names the rules"),
        (
            "ignore:\n  - rules: [mutable-image-tag]\n    kindz: [Pod]\n",
            ":3:5:",
            'unknown ignore key "kindz"',
        ),
        ("rules: [\n", ":2:1:", "invalid YAML"),
        ("- a\n", ":1:1:", "must be a mapping"),
    ],
)
def test_config_errors_name_file_line_and_fix(tmp_path: Path, text: str, where: str, says: str) -> None:
    path = write(tmp_path, ".kubelint.yaml", text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert f"{path}{where}" in str(error.value)
    assert says in str(error.value)


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(write(tmp_path, "pyproject.toml", "[tool.kubelint\n"))


def test_yamllint_rules_run_yamllint_and_report_yaml_style(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ".kubelint.yaml", "yamllint-rules:\n  truthy: {allowed-values: ['true']}\n"))
    text = POD.replace("namespace: b}", "namespace: b, labels: {debug: yes}}")
    findings = lint_text(text, config=config)
    assert [(f.line, f.column) for f in findings if f.rule == "yaml-style" and "truthy" in f.message] == [(3, 51)]


def test_bad_yamllint_rules_are_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="yamllint does not accept"):
        load_config(write(tmp_path, ".kubelint.yaml", "yamllint-rules:\n  no-such-yamllint-rule: enable\n"))

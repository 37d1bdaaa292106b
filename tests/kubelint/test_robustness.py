"""No input makes kubelint raise: random and mutated YAML, and every file of the real-world corpus."""

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint import Config, Linter
from kubelint.config import RuleSetting
from kubelint.registry import all_rules
from tests.conftest import FIXTURES

FIXTURE_TEXTS = [path.read_text() for path in sorted((FIXTURES / "kubelint").rglob("*.yaml"))]
YAML_PIECES = [
    "apiVersion: v1\n",
    "apiVersion: apps/v1\n",
    "kind: Pod\n",
    "kind: Deployment\n",
    "kind: Service\n",
    "kind: List\nitems:\n",
    "metadata:\n",
    "  name: x\n",
    "  namespace: y\n",
    "spec:\n",
    "  containers:\n",
    "  - name: a\n",
    "    image: nginx\n",
    "    ports: [{containerPort: 80, name: http}]\n",
    "  template:\n",
    "    spec:\n",
    "      containers: 5\n",
    "  selector: {matchLabels: {app: a}}\n",
    "resources: null\n",
    "---\n",
    "- ",
    "  ",
    "&a ",
    "*a ",
    "<<: *a\n",
    "!!binary ",
    "? ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    '"',
    "'",
    "|\n",
    ">-\n",
    "#",
    "\t",
    "\n",
    "key: value\n",
    "null\n",
    "~\n",
    "123\n",
    "yes\n",
    "0o17\n",
    "1e3\n",
    "é",
    "\x85",
]
ALL_RULES_ON = Config(
    settings={rule.id: RuleSetting(True, rule.severity, rule.options) for rule in all_rules().values()}
)


def lint(text: str) -> None:
    result = Linter(ALL_RULES_ON).lint_text(text, "fuzz.yaml")
    internal = [f for f in result.findings if f.rule == "internal-error"]
    assert not internal, internal[0].message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join))
def test_random_yaml_from_manifest_pieces(text: str) -> None:
    lint(text)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_fixtures(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(FIXTURE_TEXTS))
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    chars = list(text)
    for _ in range(data.draw(st.integers(1, 12))):
        position = rng.randrange(len(chars) + 1)
        action = rng.choice(("delete", "insert", "duplicate-line", "swap-indent"))
        if action == "delete" and chars:
            del chars[min(position, len(chars) - 1)]
        elif action == "insert":
            chars.insert(position, rng.choice(YAML_PIECES))
        elif action == "duplicate-line":
            lines = "".join(chars).splitlines(keepends=True)
            if lines:
                line = rng.randrange(len(lines))
                lines.insert(line, lines[line])
                chars = list("".join(lines))
        else:
            chars.insert(position, " " * rng.randint(1, 4))
    lint("".join(chars))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    lint(text)


def test_alias_bomb_finishes() -> None:
    lines = [
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata: {name: bomb}",
        "a0: &a0 [x, x, x, x, x, x, x, x, x]",
    ]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    lint("\n".join(lines) + "\ndata: *a11\n")


def test_deep_nesting_is_a_syntax_finding_not_a_crash() -> None:
    findings = Linter().lint_text(
        "apiVersion: v1\nkind: Pod\nmetadata: " + "[" * 5000 + "]" * 5000, "deep.yaml"
    )
    assert [f.rule for f in findings.findings][:1] == ["yaml-syntax"]


def corpus_files(kind: str) -> list[Path]:
    from tests.conftest import CORPUS

    folder = CORPUS / kind
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else []


@pytest.mark.parametrize("chunk", range(4))
def test_every_corpus_manifest_is_linted_without_internal_error(corpus: Path, chunk: int) -> None:
    """The whole corpus, in four runs of the real command with every rule on."""
    files = [str(path) for path in corpus_files("manifests")][chunk::4]
    enable = [f"--enable={rule}" for rule in all_rules()]
    result = subprocess.run(
        [sys.executable, "-m", "kubelint", "--format", "json", *enable, *files],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["summary"]["files"] == len(files)
    internal = [
        f"{f['path']}:{f['line']}: {f['message']}"
        for f in report["findings"]
        if f["rule"] == "internal-error"
    ]
    assert not internal, "\n".join(internal[:20])

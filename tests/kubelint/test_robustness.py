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
DOCKERFILE_TEXTS = [path.read_text() for path in sorted((FIXTURES / "kubelint").rglob("*Dockerfile"))]
DOCKERFILE_PIECES = [
    "FROM alpine:3.20\n",
    "FROM build AS final\n",
    "ARG V=1\n",
    "FROM img:${V}\n",
    "RUN ",
    "apt-get update",
    " && ",
    "apt-get install -y curl",
    "rm -rf /var/lib/apt/lists/*",
    "curl -fsSL https://x | sh",
    "COPY . .\n",
    "ADD a.tgz /\n",
    "COPY --from=build /a /b\n",
    "USER root\n",
    'CMD ["a"]\n',
    "ENV K=v\n",
    "ENV DB_PASSWORD hunter2\n",
    "<<EOF\n",
    "EOF\n",
    "<<-'X'\n",
    "\\\n",
    "`\n",
    "# escape=`\n",
    "# syntax=docker/dockerfile:1\n",
    "#",
    "\n",
    "--mount=type=cache,target=/root/.cache ",
    "[",
    "]",
    '"',
    "'",
    "$",
    "${",
    "}",
    "\t",
    " ",
    "é",
]
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


def lint(text: str, kind: str = "manifest") -> None:
    result = Linter(ALL_RULES_ON).lint_text(text, "fuzz", kind)
    internal = [f for f in result.findings if f.rule == "internal-error"]
    assert not internal, internal[0].message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join))
def test_random_yaml_from_manifest_pieces(text: str) -> None:
    lint(text)


def mutate(text: str, data: st.DataObject, pieces: list[str]) -> str:
    """Deletions, insertions of syntax pieces, duplicated lines and stray indentation, at random places."""
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    chars = list(text)
    for _ in range(data.draw(st.integers(1, 12))):
        position = rng.randrange(len(chars) + 1)
        action = rng.choice(("delete", "insert", "duplicate-line", "swap-indent"))
        if action == "delete" and chars:
            del chars[min(position, len(chars) - 1)]
        elif action == "insert":
            chars.insert(position, rng.choice(pieces))
        elif action == "duplicate-line":
            lines = "".join(chars).splitlines(keepends=True)
            if lines:
                line = rng.randrange(len(lines))
                lines.insert(line, lines[line])
                chars = list("".join(lines))
        else:
            chars.insert(position, " " * rng.randint(1, 4))
    return "".join(chars)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_fixtures(data: st.DataObject) -> None:
    lint(mutate(data.draw(st.sampled_from(FIXTURE_TEXTS)), data, YAML_PIECES))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    lint(text)
    lint(text, "dockerfile")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(DOCKERFILE_PIECES), max_size=40).map("".join))
def test_random_dockerfiles_from_instruction_pieces(text: str) -> None:
    lint(text, "dockerfile")


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_dockerfile_fixtures(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(DOCKERFILE_TEXTS))
    lint(mutate(text, data, DOCKERFILE_PIECES), "dockerfile")


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
    findings = Linter().lint_text("apiVersion: v1\nkind: Pod\nmetadata: " + "[" * 5000 + "]" * 5000, "deep.yaml")
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
    internal = [f"{f['path']}:{f['line']}: {f['message']}" for f in report["findings"] if f["rule"] == "internal-error"]
    assert not internal, "\n".join(internal[:20])


def test_every_corpus_dockerfile_is_linted_without_internal_error(corpus: Path) -> None:
    """Named on the command line, the corpus's flattened names are recognised by their first instruction."""
    files = [str(path) for path in corpus_files("dockerfiles")]
    enable = [f"--enable={rule}" for rule in all_rules()]
    command = [sys.executable, "-m", "kubelint", "--format", "json", *enable, *files]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["summary"]["files"] == len(files)
    rules_by_path: dict[str, set[str]] = {}
    for finding in report["findings"]:
        rules_by_path.setdefault(finding["path"], set()).add(finding["rule"])
    assert not [path for path, rules in rules_by_path.items() if "internal-error" in rules]
    assert any("dockerfile-" in rule for rules in rules_by_path.values() for rule in rules)
    special = [path for path in files if _has_heredoc_or_escape(Path(path).read_text(errors="replace"))]
    assert special, "the corpus has heredoc and Windows Dockerfiles"
    assert not [path for path in special if "dockerfile-syntax" in rules_by_path.get(path, set())]


def _has_heredoc_or_escape(text: str) -> bool:
    return "<<" in text or "escape=" in text.split("\nFROM", 1)[0] or "C:\\" in text

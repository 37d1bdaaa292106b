"""Every rule against its hand-written fixture, and every clean fixture against every rule.

A fixture in fixtures/kubelint/rules/ is named after its rule and marks each expected finding
with a comment line below the offending line, a caret under the expected column:

    image: nginx:latest
#          ^ mutable-image-tag

A finding at column 1, where no caret fits after the `#`, is marked `#< rule-id`.

Every rule named by a marker must report exactly the marked positions in that file; rules that
no marker names may report what they like there (a bad fixture often breaks other rules too).
"""

import re
from pathlib import Path

import pytest

from kubelint import Config, Linter
from kubelint.config import RuleSetting
from kubelint.registry import all_rules
from tests.conftest import FIXTURES

RULE_FIXTURES = FIXTURES / "kubelint" / "rules"
GOOD_FIXTURES = FIXTURES / "kubelint" / "good"
MARKER = re.compile(r"^#(?:(\s*)\^|<)\s+([a-z0-9-]+)\s*$")
# internal-error has no input that should cause it; yaml-style needs yamllint rules from a configuration
# (tests/kubelint/test_config.py shows it).
RULES_WITHOUT_FIXTURE = {"internal-error", "yaml-style"}


def expected_findings(text: str) -> set[tuple[str, int, int]]:
    expected = set()
    code_line = 0
    for number, line in enumerate(text.splitlines(), 1):
        match = MARKER.match(line)
        if match is None:
            code_line = number
            continue
        column = 1 if match.group(1) is None else len(match.group(1)) + 2  # the caret's 1-based column
        expected.add((match.group(2), code_line, column))
    return expected


def every_rule_on() -> Config:
    settings = {rule.id: RuleSetting(True, rule.severity, rule.options) for rule in all_rules().values()}
    return Config(settings=settings)


def rule_fixture_paths() -> list[Path]:
    return sorted(path for path in RULE_FIXTURES.iterdir() if path.is_file())


@pytest.mark.parametrize("path", rule_fixture_paths(), ids=lambda path: path.name)
def test_rule_reports_exactly_the_marked_positions(path: Path) -> None:
    expected = expected_findings(path.read_text())
    assert expected, f"{path.name} marks no expected finding"
    marked_rules = {rule for rule, _, _ in expected}
    findings = Linter(every_rule_on()).lint_paths([str(path)]).findings
    found = {(f.rule, f.line, f.column) for f in findings if f.rule in marked_rules}
    assert found == expected, "\n".join(f"{f.line}:{f.column} {f.rule} {f.message}" for f in findings)


def test_every_rule_has_a_fixture() -> None:
    covered = {path.name.split(".")[0] for path in rule_fixture_paths()}
    missing = set(all_rules()) - covered - RULES_WITHOUT_FIXTURE
    assert not missing, f"rules without a fixture in {RULE_FIXTURES}: {sorted(missing)}"


@pytest.mark.parametrize("path", sorted(GOOD_FIXTURES.iterdir()), ids=lambda path: path.name)
def test_clean_fixture_gets_no_finding_at_all(path: Path) -> None:
    findings = Linter(every_rule_on()).lint_paths([str(path)]).findings
    assert findings == [], "\n".join(f"{f.line}:{f.column} {f.rule} {f.message}" for f in findings)

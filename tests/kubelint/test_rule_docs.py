"""Every rule documents itself in ruff's shape, and docs/rules.md is generated from that text."""

import pytest

from kubelint.registry import all_rules
from kubelint.rulesdoc import SECTION_TITLES, markdown, sections
from tests.conftest import ROOT


@pytest.mark.parametrize("rule", list(all_rules().values()), ids=lambda rule: rule.id)
def test_rule_documents_what_why_example_and_fix(rule) -> None:
    found = sections(rule)
    assert tuple(found) == SECTION_TITLES, f"{rule.id}: sections are {list(found)}"
    assert all(text for text in found.values()), f"{rule.id} has an empty section"
    assert rule.summary.endswith("."), f"{rule.id}: the summary is one sentence"
    assert rule.book, f"{rule.id} names no chapter"
    if rule.scope != "engine":
        example = found["Example"]
        assert example.count("```") >= 4 and "Use instead:" in example, f"{rule.id}: a bad and a good example"


def test_docs_rules_md_is_generated_from_the_docstrings() -> None:
    generated = (ROOT / "docs" / "rules.md").read_text()
    assert generated == markdown(), "docs/rules.md is stale: run `python -m kubelint.rulesdoc > docs/rules.md`"

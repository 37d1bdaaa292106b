"""The book's fixtures say what kubelint finds in them, and kubelint finds exactly that.

The notebooks lint fixtures/book/ to teach what the book's examples leave out: a bare Pod, a missing probe, a
secret baked into an image. A fixture that is deliberately bad says so on a comment line of its own at the top:

    # Deliberately bad for kubelint: bare-pod, missing-requests (the book's first Pod, before chapter 5 adds them)

and the rule ids there must be exactly the errors and warnings kubelint reports for that file; a file without the
line must be clean of both. Infos are advice and are not counted. Each chapter folder is linted once, as a whole,
the way a notebook's `lab.lint("fixtures/book/chNN-.../")` does, so rules that relate objects across files see
the same neighbours here as there.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

import kubelint
from kubelint.config import Config
from kubelint.discovery import kind_of
from kubelint.findings import Severity
from tests.conftest import FIXTURES

BOOK = FIXTURES / "book"
HEADER = re.compile(r"^#\s*Deliberately bad for kubelint:\s*(?P<rules>[^(]*)")


def lintable_files() -> list[Path]:
    return sorted(path for path in BOOK.rglob("*") if path.is_file() and kind_of(path.name) is not None)


def declared_rules(path: Path) -> set[str]:
    """The rule ids of the header, looked for among the comment lines that open the file."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        header = HEADER.match(line)
        if header:
            return {rule.strip() for rule in header["rules"].split(",") if rule.strip()}
    return set()


@functools.cache
def reported_rules_by_file(folder: Path) -> dict[Path, set[str]]:
    """Errors and warnings per file of one chapter folder, with kubelint's defaults (no project configuration)."""
    reported: dict[Path, set[str]] = {}
    for finding in kubelint.lint_paths([folder], config=Config(base_dir=folder)):
        if finding.severity >= Severity.WARNING:
            reported.setdefault(Path(finding.path).resolve(), set()).add(finding.rule)
    return reported


@pytest.mark.parametrize("path", lintable_files(), ids=lambda path: str(path.relative_to(BOOK)))
def test_fixture_declares_exactly_what_kubelint_reports(path: Path) -> None:
    chapter = path.relative_to(BOOK).parts[0]
    reported = reported_rules_by_file((BOOK / chapter).resolve()).get(path.resolve(), set())
    declared = declared_rules(path)
    problems: list[str] = []
    if unexpected := sorted(reported - declared):
        problems.append(f"unexpected {', '.join(unexpected)} (kubelint reports them, the header does not declare them)")
    if missing := sorted(declared - reported):
        problems.append(f"missing {', '.join(missing)} (the header declares them, kubelint does not report them)")
    header = f"# Deliberately bad for kubelint: {', '.join(sorted(reported))} (why)" if reported else "no header"
    assert not problems, f"{path.relative_to(FIXTURES.parent)}: {'; '.join(problems)}. It should have: {header}"


def test_the_fixtures_are_found() -> None:
    """The parametrised test above would silently test nothing if the folder moved."""
    assert len(lintable_files()) >= 20, f"found only {lintable_files()} under {BOOK}"

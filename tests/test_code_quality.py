"""The code stays lint-clean, formatted and type-checked: ruff and mypy run as part of the tests."""

import subprocess
import sys

from tests.conftest import ROOT

PACKAGES_AND_TESTS = ["kubelint", "kubesim", "kuarlab", "tests", "bench"]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_lint() -> None:
    result = run("ruff", "check", *PACKAGES_AND_TESTS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = run("ruff", "format", "--check", *PACKAGES_AND_TESTS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr

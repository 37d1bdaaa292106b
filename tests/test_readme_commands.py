"""The README's two commands are the product's front door: the second is exactly what CI runs, and the first sets
up the lab, starts kubesim and opens the first notebook."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quickstart_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", quickstart, flags=re.DOTALL)]


def test_ci_runs_exactly_the_readmes_second_command() -> None:
    second = quickstart_commands()[1]
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == second
    assert "pip install -e '.[dev]'" in second and second.endswith("python -m pytest")


def test_the_first_command_starts_kubesim_and_opens_the_first_notebook() -> None:
    first = quickstart_commands()[0]
    steps = [step.strip() for step in first.split("&&")]
    assert steps[0] == "python3 -m venv .venv"
    assert steps[1] == ".venv/bin/pip install -e '.[lab]'"
    assert steps[2] == ".venv/bin/kubesim up"
    notebook = steps[3].removeprefix(".venv/bin/jupyter lab ")
    assert (ROOT / notebook).is_file() and notebook.endswith("00-start-here.ipynb")

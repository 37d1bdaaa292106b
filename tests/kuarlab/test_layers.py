"""Chapter 2's layer cache (kuarlab/layers.py): the first layer whose inputs change rebuilds, and all after it;
`COPY --from` follows its stage; `.dockerignore`d files change nothing; sizes come from the build context."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuarlab.facade import Lab
from kuarlab.layers import plan_layers

DOCKERFILE = """\
FROM node:20 AS build
WORKDIR /src
COPY package.json ./
RUN apt-get update && apt-get install -y --no-install-recommends curl jq
COPY src/ ./src/
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
COPY --from=build /src/dist ./dist
COPY *.md ./
CMD ["node", "dist/server.js"]
"""


@pytest.fixture
def context(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "server.js").write_text("x" * 1500)
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "README.md").write_text("hello")
    (tmp_path / "notes.log").write_text("log")
    (tmp_path / ".dockerignore").write_text("*.log\n")
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    return tmp_path


def verdicts(context: Path, *changed: str) -> list[tuple[int, bool, str]]:
    return [(layer.line, layer.rebuilt, layer.why) for layer in plan_layers(context / "Dockerfile", list(changed))]


def test_a_source_change_rebuilds_from_its_copy_on(context: Path) -> None:
    assert verdicts(context, "src/server.js") == [
        (3, False, ""),
        (4, False, ""),
        (5, True, "src/server.js changed"),
        (6, True, "after a rebuilt layer"),
        (10, True, "stage build was rebuilt"),
        (11, True, "after a rebuilt layer"),
    ]


def test_the_dependency_list_rebuilds_everything_after_it(context: Path) -> None:
    assert [rebuilt for _, rebuilt, _ in verdicts(context, "./package.json")] == [True] * 6


def test_a_change_only_the_last_stage_copies_rebuilds_only_there(context: Path) -> None:
    assert [rebuilt for _, rebuilt, _ in verdicts(context, "README.md")] == [False] * 5 + [True]


def test_ignored_and_unrelated_files_change_nothing(context: Path) -> None:
    assert not any(rebuilt for _, rebuilt, _ in verdicts(context, "notes.log"))
    assert not any(rebuilt for _, rebuilt, _ in verdicts(context))


def test_sizes(context: Path) -> None:
    sizes = [layer.size for layer in plan_layers(context / "Dockerfile", [])]
    assert sizes == [
        "2 B",
        "unknown: installs curl, jq",
        "1.5 kB",
        "unknown (what the command writes)",
        "size of what it copies from that stage",
        "5 B",
    ]


def test_lab_layers_prints_the_plan(context: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Lab().layers(str(context / "Dockerfile"), changed=["src/server.js"])
    report = capsys.readouterr().out.splitlines()
    assert report[0].endswith("Dockerfile, when src/server.js changes:")
    assert report[1] == "  stage build (FROM node:20):"
    assert report[-1] == "  4 of 6 layers rebuilt"

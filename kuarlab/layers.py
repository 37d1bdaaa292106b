"""Chapter 2's lesson without Docker: which layers of an image a change rebuilds, and what they weigh.

An image build caches each layer by its instruction and its inputs. Within a stage, the first layer whose inputs
changed is rebuilt, and so is every layer after it, whatever it does: this is why a Dockerfile copies the dependency
list and installs from it before it copies the sources. The inputs that change here are files of the build context:
a `COPY`/`ADD` whose sources cover a changed file (and that `.dockerignore` keeps) is rebuilt; a `COPY --from=stage`
is rebuilt when that stage rebuilt anything, as is every layer of a stage built `FROM` one that did.

`RUN`, `COPY` and `ADD` make layers; the other instructions only set the image's configuration. A layer's size is
estimated: for a local `COPY`/`ADD`, the size of the context files it copies; for a `RUN`, unknown, with the
packages it installs named when it runs a package manager. The Dockerfile is read by kubelint's parser.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

from kubelint.dockerfile.dockerignore import DockerIgnore, context_files, find_ignore_file
from kubelint.dockerfile.layers import copy_sources_and_destination, operands, package_action
from kubelint.dockerfile.parser import Dockerfile, Instruction, Stage, parse_dockerfile, stage_by_name
from kubelint.dockerfile.shell import run_commands

LAYER_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})


@dataclass(frozen=True)
class Layer:
    stage: str
    base: str  # the stage's FROM
    line: int
    instruction: str  # as written, on one line
    rebuilt: bool
    why: str  # why it is rebuilt (empty when cached)
    size: str


def plan_layers(dockerfile_path: Path, changed: list[str], context: Path | None = None) -> list[Layer]:
    """The layers of every stage, in order, with whether changing the `changed` context paths rebuilds each."""
    context = context or dockerfile_path.parent
    dockerfile = parse_dockerfile(dockerfile_path.read_text(encoding="utf-8"), str(dockerfile_path))
    ignore = _dockerignore(dockerfile_path)
    changed = [_clean(path) for path in changed if not ignore.excludes(_clean(path))]
    files = sorted(context_files(str(context), ignore))
    rebuilt_stages: set[int] = set()
    layers: list[Layer] = []
    for stage in dockerfile.stages:
        carried = _stage_inherits_rebuild(dockerfile, stage, rebuilt_stages)
        for instruction in stage.instructions:
            if instruction.keyword not in LAYER_INSTRUCTIONS:
                continue
            why = carried or _changed_input(dockerfile, instruction, changed, rebuilt_stages)
            size = _size(instruction, files, context)
            line = instruction.span.line
            layers.append(Layer(_stage_name(stage), stage.base, line, _one_line(instruction), bool(why), why, size))
            carried = carried or ("after a rebuilt layer" if why else "")
        if carried:
            rebuilt_stages.add(stage.index)
    return layers


def layers_report(dockerfile_path: Path, changed: list[str], shown_path: str | None = None) -> str:
    layers = plan_layers(dockerfile_path, changed)
    changes = ", ".join(changed) if changed else "nothing"
    lines = [f"{shown_path or dockerfile_path}, when {changes} changes:"]
    stage = None
    for layer in layers:
        if layer.stage != stage:
            stage = layer.stage
            lines.append(f"  stage {stage} (FROM {layer.base}):")
        verdict = f"rebuilt ({layer.why})" if layer.rebuilt else "cached"
        lines.append(f"    line {layer.line:<3} {_shorten(layer.instruction):<50} {verdict:<36} {layer.size}")
    rebuilt = sum(layer.rebuilt for layer in layers)
    lines.append(f"  {rebuilt} of {len(layers)} layers rebuilt")
    return "\n".join(lines)


def _shorten(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _stage_name(stage: Stage) -> str:
    return stage.name or str(stage.index)


def _stage_inherits_rebuild(dockerfile: Dockerfile, stage: Stage, rebuilt_stages: set[int]) -> str:
    parent = stage_by_name(dockerfile, stage.base_expanded) if stage.index else None
    if parent is not None and parent.index < stage.index and parent.index in rebuilt_stages:
        return f"its base, stage {_stage_name(parent)}, was rebuilt"
    return ""


def _changed_input(dockerfile: Dockerfile, instruction: Instruction, changed: list[str], rebuilt: set[int]) -> str:
    if instruction.keyword == "RUN":
        return ""
    source_stage = instruction.flag("from")
    if source_stage is not None and source_stage.value is not None:
        origin = stage_by_name(dockerfile, source_stage.value)
        if origin is not None and origin.index in rebuilt:
            return f"stage {_stage_name(origin)} was rebuilt"
        return ""
    sources = _sources(instruction)
    hits = [path for path in changed if any(_covers(source, path) for source in sources)]
    return f"{', '.join(hits)} changed" if hits else ""


def _sources(instruction: Instruction) -> list[str]:
    parts = copy_sources_and_destination(instruction)
    return [_clean(source) for source in parts[0]] if parts else []


def _covers(source: str, path: str) -> bool:
    """Whether copying `source` (a context path, a folder or a glob) copies the context file `path`."""
    if source == ".":
        return True
    if fnmatch.fnmatchcase(path, source) or path == source or path.startswith(source.rstrip("/") + "/"):
        return True
    return any(fnmatch.fnmatchcase(parent, source) for parent in _parents(path))


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:end]) for end in range(1, len(parts))]


def _size(instruction: Instruction, files: list[str], context: Path) -> str:
    if instruction.keyword == "RUN":
        return _run_estimate(instruction)
    if instruction.flag("from") is not None:
        return "size of what it copies from that stage"
    sources = _sources(instruction)
    if any("://" in source for source in sources):
        return "size of the download"
    total = 0
    for path in files:
        if any(_covers(source, path) for source in sources):
            try:
                total += (context / path).stat().st_size
            except OSError:
                continue
    return _human(total)


def _run_estimate(instruction: Instruction) -> str:
    installed: list[str] = []
    for command in run_commands(instruction):
        action = package_action(command)
        if action is not None and action[1] in action[0].install:
            installed.extend(
                word for word in operands(command.words, action[0].options_with_value)[1:] if not word.startswith("-")
            )
    if installed:
        return f"unknown: installs {', '.join(installed[:5])}{' and more' if len(installed) > 5 else ''}"
    return "unknown (what the command writes)"


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


def _one_line(instruction: Instruction) -> str:
    flags = " ".join(f"--{flag.name}={flag.value}" if flag.value is not None else f"--{flag.name}" for flag in
                     instruction.flags)  # fmt: skip
    text = " ".join(instruction.arguments.split())
    return " ".join(part for part in (instruction.keyword, flags, text) if part)


def _clean(path: str) -> str:
    cleaned = posixpath.normpath(path.replace(os.sep, "/")).lstrip("/")
    return cleaned or "."


def _dockerignore(dockerfile_path: Path) -> DockerIgnore:
    found = find_ignore_file(str(dockerfile_path))
    if found is None:
        return DockerIgnore()
    try:
        return DockerIgnore.from_text(Path(found).read_text(encoding="utf-8"))
    except OSError:
        return DockerIgnore()

"""What the layer rules share: stages that reach the final image, package manager commands, paths in the image."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from kubelint.dockerfile.parser import Dockerfile, Instruction, Stage, stage_by_name
from kubelint.dockerfile.shell import ShellCommand
from kubelint.dockerfile.stages import earlier_stage

__all__ = [
    "PACKAGE_MANAGERS",
    "PackageManager",
    "cache_mount_targets",
    "copy_sources_and_destination",
    "operands",
    "package_action",
    "resolve_path",
    "shipped_stages",
    "unquote_word",
]


@dataclass(frozen=True, slots=True)
class PackageManager:
    family: str
    tools: frozenset[str]
    options_with_value: frozenset[str]
    refresh: frozenset[str]  # subcommands that download package lists
    install: frozenset[str]  # subcommands that install or upgrade packages


PACKAGE_MANAGERS = (
    PackageManager(
        "apt",
        frozenset({"apt-get", "apt", "aptitude"}),
        frozenset({"-o", "-c", "-t", "--option", "--config-file", "--target-release"}),
        frozenset({"update"}),
        frozenset({"install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "reinstall", "safe-upgrade"}),
    ),
    PackageManager(
        "apk",
        frozenset({"apk"}),
        frozenset({"-X", "--repository", "-p", "--root", "--arch", "-t", "--virtual", "--repositories-file"}),
        frozenset({"update"}),
        frozenset({"add", "upgrade", "fix"}),
    ),
    PackageManager(
        "yum",
        frozenset({"yum", "dnf", "microdnf", "tdnf"}),
        frozenset({"-c", "--config", "-x", "--exclude", "--installroot", "--releasever", "-d", "-e"}),
        frozenset({"makecache"}),
        frozenset({"install", "upgrade", "update", "groupinstall", "reinstall", "localinstall", "distro-sync"}),
    ),
    PackageManager(
        "zypper",
        frozenset({"zypper"}),
        frozenset({"--root", "-R", "--repo", "-r"}),
        frozenset({"refresh", "ref"}),
        frozenset({"install", "in", "update", "up", "dist-upgrade", "dup", "patch"}),
    ),
)
_MANAGER_BY_TOOL = {tool: manager for manager in PACKAGE_MANAGERS for tool in manager.tools}


def package_action(command: ShellCommand) -> tuple[PackageManager, str] | None:
    """The package manager a command runs and its subcommand, such as (apt, "install")."""
    manager = _MANAGER_BY_TOOL.get(command.name)
    if manager is None:
        return None
    arguments = operands(command.words, manager.options_with_value)
    return (manager, arguments[0]) if arguments else None


def operands(words: list[str], options_with_value: frozenset[str] = frozenset()) -> list[str]:
    """The arguments of a command that are not options (nor option values), after its name."""
    found = []
    index = 1
    while index < len(words):
        word = words[index]
        if word == "--":
            found.extend(words[index + 1 :])
            break
        if word.startswith("-") and word != "-":
            index += 2 if word in options_with_value else 1
            continue
        found.append(word)
        index += 1
    return found


def shipped_stages(dockerfile: Dockerfile) -> set[int]:
    """The indexes of the stages whose layers end up in an image that runs.

    Those are the stages a build can target (the last one, and any other that no stage copies from
    or is built FROM) and the stages they are built FROM. A stage used only as a `COPY --from=`
    source is a build stage: its layers stay behind.
    """
    bases = {stage.index: _base_stage(dockerfile, stage) for stage in dockerfile.stages}
    built_upon = {base for base in bases.values() if base is not None}
    copied_from = _copied_from(dockerfile)
    shipped: set[int] = set()
    for stage in dockerfile.stages:
        is_target = stage.index == len(dockerfile.stages) - 1 or stage.index not in copied_from
        current: int | None = stage.index if is_target and stage.index not in built_upon else None
        while current is not None and current not in shipped:
            shipped.add(current)
            current = bases[current]
    return shipped


def _base_stage(dockerfile: Dockerfile, stage: Stage) -> int | None:
    base = earlier_stage(dockerfile, stage)
    return base.index if base is not None else None


def _copied_from(dockerfile: Dockerfile) -> set[int]:
    """The stages that a COPY --from= or a RUN --mount=...,from= reads files from."""
    found = set()
    for instruction in dockerfile.instructions:
        for flag in instruction.flags:
            if flag.name == "from" and flag.value:
                source = stage_by_name(dockerfile, flag.value)
            elif flag.name == "mount" and flag.value and "from=" in flag.value:
                fields = dict(part.partition("=")[::2] for part in flag.value.split(","))
                source = stage_by_name(dockerfile, fields.get("from", ""))
            else:
                continue
            if source is not None:
                found.add(source.index)
    return found


def cache_mount_targets(instruction: Instruction) -> list[str]:
    """Where a RUN mounts a cache or tmpfs: what it writes there stays out of the layer."""
    targets = []
    for flag in instruction.flags:
        if flag.name != "mount" or not flag.value:
            continue
        fields = dict(part.partition("=")[::2] for part in flag.value.split(","))
        target = fields.get("target") or fields.get("dst") or fields.get("destination")
        if fields.get("type") in ("cache", "tmpfs") and target:
            targets.append(target)
    return targets


def unquote_word(word: str) -> str:
    """A COPY or WORKDIR word without surrounding quotes (shell-form words keep them)."""
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "\"'":
        return word[1:-1]
    return word


def copy_sources_and_destination(instruction: Instruction) -> tuple[list[str], str] | None:
    """The sources and the destination of a COPY or ADD, without quotes; None if it names fewer than two."""
    values = [word.value if instruction.json_form else unquote_word(word.value) for word in instruction.words]
    if len(values) < 2:
        return None
    return values[:-1], values[-1]


def resolve_path(path: str, directory: str) -> str:
    """An absolute, normalised path for a path written relative to directory; variables are left as written."""
    if not path.startswith(("/", "$", "~")):
        path = posixpath.join(directory, path)
    normalised = posixpath.normpath(path)
    return normalised[1:] if normalised.startswith("//") else normalised

"""Refresh the package lists in the same RUN as the install that uses them.

## What it does
Flags `apt-get update` (or `apt update`) that runs in a different `RUN` from the `apt-get install`
that follows it in the stage, and a `RUN` whose only work is `apt-get update`. The same goes for
`apk update`, `yum`/`dnf makecache` and `zypper refresh`. An update followed by an install or
upgrade in the same `RUN` is fine, and so is one followed by other work (a script that may
install) when no later `RUN` of the stage installs packages itself.

`apk update` is treated like `apt-get update` even though `apk add --no-cache` fetches a fresh
index anyway: the separate layer is then simply wasted.

## Why is this bad?
Chapter 2 of *Kubernetes: Up and Running* explains that an image is a stack of layers and that a
rebuild reuses every layer whose instruction has not changed. A `RUN apt-get update` never
changes, so its layer, with package lists from the day it was first built, is reused for months.
When you later add a package to the `RUN apt-get install` below it, that install works from the
stale lists: it can fail because the old versions are gone from the mirror, or quietly install
outdated packages. A layer holding only package lists also makes the image bigger for nothing.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update
RUN apt-get install -y --no-install-recommends ca-certificates curl
```

Use instead:
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
```

## How to fix
Join the update and the install with `&&` in one `RUN` (and delete the lists at the end of it),
or use `apk add --no-cache`, which needs no separate update.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.dockerfile.layers import PackageManager, package_action
from kubelint.dockerfile.parser import Dockerfile, Stage
from kubelint.dockerfile.shell import ShellCommand, run_commands
from kubelint.findings import Problem, Severity

ID = "dockerfile-apt-update-alone"
SEVERITY = Severity.WARNING
SCOPE = "dockerfile"
BOOK = "Chapter 2, Creating and Running Containers"

# Commands that do no work of their own: a RUN of these and an update only updates.
_BYSTANDERS = frozenset({"set", "echo", "printf", "true", ":", "exit"})


def check(dockerfile: Dockerfile, options: dict[str, Any]) -> Iterator[Problem]:
    for stage in dockerfile.stages:
        yield from _check_stage(stage)


def _check_stage(stage: Stage) -> Iterator[Problem]:
    runs = [run_commands(instruction) for instruction in stage.instructions if instruction.keyword == "RUN"]
    for position, commands in enumerate(runs):
        for index, command in enumerate(commands):
            action = package_action(command)
            if action is None or action[1] not in action[0].refresh:
                continue
            manager = action[0]
            if _installs(manager, commands[index + 1 :]):
                continue
            later = _later_install(manager, runs[position + 1 :])
            if later is not None:
                yield Problem(_apart_message(command, later), command.span, about=stage)
            elif all(other is command or other.name in _BYSTANDERS for other in commands):
                yield Problem(_alone_message(command), command.span, about=stage)


def _installs(manager: PackageManager, commands: list[ShellCommand]) -> bool:
    return any(_is_install(manager, command) for command in commands)


def _is_install(manager: PackageManager, command: ShellCommand) -> bool:
    action = package_action(command)
    return action is not None and action[0] is manager and action[1] in manager.install


def _later_install(manager: PackageManager, runs: list[list[ShellCommand]]) -> ShellCommand | None:
    """The first later install of this package manager, unless its own RUN refreshes the lists first."""
    for commands in runs:
        for command in commands:
            action = package_action(command)
            if action is None or action[0] is not manager:
                continue
            if action[1] in manager.refresh:
                return None
            if action[1] in manager.install:
                return command
    return None


def _shown(command: ShellCommand) -> str:
    action = package_action(command)
    return f"{command.name} {action[1]}" if action else command.name


def _apart_message(update: ShellCommand, install: ShellCommand) -> str:
    return (
        f"`{_shown(update)}` runs in another layer than `{_shown(install)}` on line {install.span.line}, "
        "so a rebuild reuses stale package lists; run both in one RUN joined with &&"
    )


def _alone_message(update: ShellCommand) -> str:
    return (
        f"this RUN only runs `{_shown(update)}`, a layer of package lists that the build cache keeps stale; "
        "run it in the same RUN as the install that needs it"
    )

"""Delete the package manager's lists and caches in the RUN that installs packages.

## What it does
Flags a package install that leaves the package manager's downloaded index in its layer:

- `apt-get install` (or `apt install`) in a `RUN` that also ran `apt-get update` but does not
  remove `/var/lib/apt/lists/*` after it (an install that relies on an earlier `RUN`'s update is
  left to `dockerfile-apt-update-alone`: deleting the lists here could not shrink that layer);
- `apk add` or `apk upgrade` without `--no-cache` (or `--no-network`) and without removing
  `/var/cache/apk/*` (or, when every `apk add` has `--no-cache`, an `apk update` before them);
- `yum`, `dnf`, `microdnf` or `tdnf install` without `<tool> clean all` or removing its cache
  directory under `/var/cache`;
- `zypper install` without `zypper clean` or removing `/var/cache/zypp`.

The clean-up must come after the install in the same `RUN`. A `RUN` that mounts a cache or tmpfs
over the package manager's directories (`--mount=type=cache,target=/var/lib/apt`,
`/var/cache/apt`, `/var/cache/apk`, ...) is fine: those files never reach the layer. A build
stage that other stages only `COPY --from=` is skipped, since its layers are never shipped; the
last stage, any other stage a build could target, and the stages they are built `FROM` are checked.

## Why is this bad?
Chapter 2 of *Kubernetes: Up and Running* shows that every instruction adds a layer and that a
file written in a layer stays in the image even if a later layer deletes it. Package lists and
caches are tens of megabytes that nothing in the running container needs. Bigger images take
longer to push and to pull, and in Kubernetes every node pulls the image before a pod can start
there, so they slow down scaling out and recovering from a node failure.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

Use instead:
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## How to fix
End the `RUN` with `rm -rf /var/lib/apt/lists/*` (apt), `yum clean all` / `dnf clean all`, or use
`apk add --no-cache`. With BuildKit you can instead mount a cache over these directories with
`RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt ...`.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.dockerfile.layers import cache_mount_targets, operands, package_action, shipped_stages
from kubelint.dockerfile.parser import Dockerfile, Instruction
from kubelint.dockerfile.shell import ShellCommand, run_commands
from kubelint.findings import Problem, Severity

ID = "dockerfile-apt-no-cleanup"
SEVERITY = Severity.INFO
SCOPE = "dockerfile"
BOOK = "Chapter 2, Creating and Running Containers"

# Where each package manager keeps what it downloads: a cache mount there, or deleting it, is the fix.
_CACHE_DIRECTORIES = {
    "apt": ("/var/lib/apt", "/var/cache/apt"),
    "apk": ("/var/cache/apk", "/etc/apk/cache"),
    "yum": ("/var/cache/yum", "/var/cache/dnf", "/var/cache/tdnf", "/var/cache/microdnf"),
    "zypper": ("/var/cache/zypp",),
}
_APT_LISTS = "/var/lib/apt/lists"
_FIXES = {
    "apt": "end the same RUN with `rm -rf /var/lib/apt/lists/*`",
    "apk": "use `apk add --no-cache`",
    "yum": "end the same RUN with `{tool} clean all`",
    "zypper": "end the same RUN with `zypper clean --all`",
}


def check(dockerfile: Dockerfile, options: dict[str, Any]) -> Iterator[Problem]:
    shipped = shipped_stages(dockerfile)
    for stage in dockerfile.stages:
        if stage.index not in shipped:
            continue
        for instruction in stage.instructions:
            commands = run_commands(instruction)
            culprit = _leaves_index(instruction, commands) if commands else None
            if culprit is not None:
                yield Problem(_message(*culprit), culprit[0].span, about=stage)


def _leaves_index(instruction: Instruction, commands: list[ShellCommand]) -> tuple[ShellCommand, str] | None:
    """The install that leaves package lists or caches in this RUN's layer, and its package manager."""
    mounted = cache_mount_targets(instruction)
    for family, find in _FINDERS.items():
        if any(target.startswith(_CACHE_DIRECTORIES[family]) for target in mounted):
            continue
        culprit = find(commands)
        if culprit is not None:
            return culprit, family
    return None


def _action(command: ShellCommand, family: str) -> str | None:
    action = package_action(command)
    return action[1] if action is not None and action[0].family == family else None


def _is_install(command: ShellCommand, family: str) -> bool:
    action = package_action(command)
    return action is not None and action[0].family == family and action[1] in action[0].install


def _apt_culprit(commands: list[ShellCommand]) -> ShellCommand | None:
    update = next((i for i, command in enumerate(commands) if _action(command, "apt") == "update"), None)
    if update is None:
        return None
    install = next((command for command in commands[update:] if _is_install(command, "apt")), None)
    if install is None or _cleans(commands[update:], "apt"):
        return None
    return install


def _apk_culprit(commands: list[ShellCommand]) -> ShellCommand | None:
    installs = [i for i, command in enumerate(commands) if _is_install(command, "apk")]
    if not installs:
        return None  # a lone `apk update` is dockerfile-apt-update-alone's business
    culprit = next((commands[i] for i in installs if _keeps_index(commands[i])), None)
    if culprit is None:
        before_install = commands[: installs[-1]]
        updates = (c for c in before_install if _action(c, "apk") == "update" and _keeps_index(c))
        culprit = next(updates, None)
    if culprit is None or _cleans(commands[commands.index(culprit) :], "apk"):
        return None
    return culprit


def _keeps_index(command: ShellCommand) -> bool:
    # --no-network installs from what is already there, so it downloads nothing to leave behind.
    return not {"--no-cache", "--no-network"}.intersection(command.words)


def _yum_culprit(commands: list[ShellCommand]) -> ShellCommand | None:
    return _culprit_without_clean(commands, "yum")


def _zypper_culprit(commands: list[ShellCommand]) -> ShellCommand | None:
    return _culprit_without_clean(commands, "zypper")


def _culprit_without_clean(commands: list[ShellCommand], family: str) -> ShellCommand | None:
    installs = [i for i, command in enumerate(commands) if _is_install(command, family)]
    if not installs or _cleans(commands[installs[-1] :], family):
        return None
    return commands[installs[0]]


def _cleans(commands: list[ShellCommand], family: str) -> bool:
    """Whether the commands empty the package manager's lists and caches, by its own command or by `rm`."""
    directories = (_APT_LISTS,) if family == "apt" else _CACHE_DIRECTORIES[family]
    return any(_is_cache_clean(command, family) or _deletes_under(command, directories) for command in commands)


def _is_cache_clean(command: ShellCommand, family: str) -> bool:
    action = _action(command, family)
    if family == "apt":
        return action in ("distclean", "dist-clean")  # `apt-get clean` keeps the lists
    if family == "apk":
        return action == "cache" and "clean" in command.words
    return action in ("clean", "cc")


def _deletes_under(command: ShellCommand, directories: tuple[str, ...]) -> bool:
    """Whether an `rm` (or `find ... -delete`) removes the files under one of the directories."""
    if command.name == "rm":
        paths = operands(command.words)
    elif command.name == "find" and ("-delete" in command.words or "-exec" in command.words):
        paths = command.words[1:2]
    else:
        return False
    return any(_covers(path, directory) for path in paths for directory in directories)


def _covers(path: str, directory: str) -> bool:
    removed = path.rstrip("/*")
    return removed == directory or removed.startswith(directory + "/") or directory.startswith(removed + "/")


def _message(command: ShellCommand, family: str) -> str:
    action = package_action(command)
    shown = f"{command.name} {action[1]}" if action else command.name
    fix = _FIXES[family].format(tool=command.name)
    if family == "apk" and action is not None and action[1] == "update":
        fix = "drop it, as `apk add --no-cache` fetches a fresh index without keeping it"
    what = "the package lists downloaded by `apt-get update`" if family == "apt" else "the package index and cache"
    return f"`{shown}` leaves {what} in this layer, making the image bigger for nothing; {fix} (or use a cache mount)"


_FINDERS = {"apt": _apt_culprit, "apk": _apk_culprit, "yum": _yum_culprit, "zypper": _zypper_culprit}

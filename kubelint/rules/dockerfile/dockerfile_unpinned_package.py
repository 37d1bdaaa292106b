"""Packages installed during the build should name their version (off by default).

## What it does
Flags each package that a `RUN` installs without a version:

- `apt-get install` / `apt install` without `=<version>` (`curl=7.88.1-10+deb12u5`);
- `apk add` without `=`, `~` or a comparison (`curl=8.5.0-r0`, `curl~8.5`);
- `pip install` without `==`, `~=`, `>=`, `<=`, `<`, `>`, `!=` or a direct reference (`@ https://...`),
  unless the command takes a constraints file (`-c`), which then pins the versions;
- `npm install -g` / `--global` without `@<version>` (`serve@14.2.3`).

Local files, URLs, `-r` requirements files, paths such as `.` and words holding variables are
skipped. The rule is off by default because pinning every operating system package is a real
maintenance cost (the distribution's versions disappear from its mirrors), and many teams prefer
to pin the base image by digest and rebuild often; enable it where reproducibility matters most.

## Why is this bad?
Chapter 2 of *Kubernetes: Up and Running* treats a container image as an immutable artifact: the
same build should give the same image. An install without a version takes whatever the package
index offers on the day of the build, so a rebuild of the same commit can bring a different
library, with a new bug or a changed behaviour, and nothing in the Dockerfile shows it.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask gunicorn
```

Use instead:
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.3 gunicorn==22.0.0
```

## How to fix
Add the version to each package, or install from a lock or requirements file with exact versions
(`pip install -r requirements.txt`, `npm ci`), which also keeps the versions reviewable in one place.
"""

import re
from collections.abc import Callable, Iterator
from typing import Any

from kubelint.dockerfile.layers import operands, package_action
from kubelint.dockerfile.parser import Dockerfile
from kubelint.dockerfile.shell import ShellCommand, run_commands
from kubelint.findings import Problem, Severity, Span

ID = "dockerfile-unpinned-package"
SEVERITY = Severity.INFO
SCOPE = "dockerfile"
BOOK = "Chapter 2, Creating and Running Containers"
ENABLED = False

_PIP_OPTIONS_WITH_VALUE = frozenset(
    {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url"}
    | {"-f", "--find-links", "-t", "--target", "--prefix", "--root", "--trusted-host", "--platform", "--cache-dir"}
    | {"--python-version", "--implementation", "--abi", "--src", "--upgrade-strategy", "--progress-bar"}
)
_NPM_OPTIONS_WITH_VALUE = frozenset({"--prefix", "--registry", "--cache", "-w", "--workspace", "--loglevel"})
_PIP_VERSIONED = re.compile(r"==|~=|>=|<=|!=|<|>|@")
_APK_VERSIONED = re.compile(r"[=~<>]")
# Local files, URLs and paths are not packages from an index; variables may hold anything.
_NOT_A_PACKAGE = re.compile(r"^[./~]|[$`]|://|/$|\.(?:deb|apk|rpm|whl|tar\.gz|zip)$")


def check(dockerfile: Dockerfile, options: dict[str, Any]) -> Iterator[Problem]:
    for stage in dockerfile.stages:
        for instruction in stage.instructions:
            for command in run_commands(instruction):
                for package, span, example in _unpinned(command):
                    message = (
                        f"`{package}` is installed without a version, so each build may get a different one; "
                        f"pin it, e.g. {example}"
                    )
                    yield Problem(message, span, about=stage)


def _unpinned(command: ShellCommand) -> list[tuple[str, Span, str]]:
    """(package, span, example of a pinned spelling) of each unversioned package the command installs."""
    for reader in _READERS:
        found = reader(command)
        if found is not None:
            packages, versioned, example = found
            return [
                (word, command.word_spans[index], example.format(word))
                for index, word in enumerate(command.words)
                if index in packages and not versioned(word) and not _NOT_A_PACKAGE.search(word)
            ]
    return []


# Each reader gives the indexes of the package words, a test for a versioned one, and an example.
_Found = tuple[set[int], Callable[[str], bool], str]


def _system_packages(command: ShellCommand) -> _Found | None:
    action = package_action(command)
    if action is None or action[0].family not in ("apt", "apk") or action[1] not in ("install", "add"):
        return None
    manager, subcommand = action
    names = operands(command.words, manager.options_with_value)[1:]
    versioned = _apt_versioned if manager.family == "apt" else _apk_versioned
    return _indexes(command, names, subcommand), versioned, "`{}=<version>`"


def _pip(command: ShellCommand) -> _Found | None:
    words = command.words
    if command.name.rstrip("0123456789.") == "python" and words[1:3] == ["-m", "pip"]:
        words = words[2:]
    elif command.name.rstrip("0123456789.") != "pip":
        return None
    arguments = operands(words, _PIP_OPTIONS_WITH_VALUE)
    if arguments[:1] != ["install"] or {"-c", "--constraint"}.intersection(words):
        return None
    return _indexes(command, arguments[1:], "install"), _pip_versioned, "`{}==<version>`"


def _npm_global(command: ShellCommand) -> _Found | None:
    if command.name != "npm" or not {"-g", "--global"}.intersection(command.words):
        return None
    arguments = operands(command.words, _NPM_OPTIONS_WITH_VALUE)
    if arguments[:1] not in (["install"], ["i"], ["add"]):
        return None
    return _indexes(command, arguments[1:], arguments[0]), _npm_versioned, "`{}@<version>`"


def _apt_versioned(word: str) -> bool:
    return "=" in word


def _apk_versioned(word: str) -> bool:
    return bool(_APK_VERSIONED.search(word))


def _pip_versioned(word: str) -> bool:
    return bool(_PIP_VERSIONED.search(word))


def _npm_versioned(word: str) -> bool:
    # A scoped package (@scope/name) has its version after a second "@".
    return "@" in word[1:]


def _indexes(command: ShellCommand, names: list[str], subcommand: str) -> set[int]:
    """Where the package names are among the command's words (after the subcommand)."""
    start = command.words.index(subcommand) + 1 if subcommand in command.words else 1
    wanted = set(names)
    return {index for index in range(start, len(command.words)) if command.words[index] in wanted}


_READERS = (_system_packages, _pip, _npm_global)

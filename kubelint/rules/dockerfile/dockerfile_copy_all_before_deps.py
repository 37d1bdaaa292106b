"""Copy the dependency manifests and install dependencies before copying the rest of the sources.

## What it does
Flags a `COPY` (or `ADD`) of the whole build context (`COPY . .`, `COPY ./ /app/`, `ADD . /src`)
that comes, in the same stage, before a `RUN` installing dependencies with a known tool, when no
earlier `COPY` brought in that tool's manifest files on their own. The installs it knows:

- Node.js: `npm ci`, `npm install` (without package names), `yarn`, `yarn install`,
  `pnpm install`, `pnpm fetch`, `bun install`;
- Python: `pip install -r <file>`, `poetry install`, `uv sync`, `uv pip install -r`,
  `pipenv install`, `pipenv sync`, `pdm install`;
- Go: `go mod download`, and `go build` unless the build uses vendored modules (`-mod=vendor`
  in the `RUN` or in an earlier `ENV`, such as `GOFLAGS`) or names `.go` files (`go build main.go`
  may build outside any module);
- Ruby: `bundle install`; PHP: `composer install`; Rust: `cargo build`, `cargo fetch`;
- Java: `mvn` or `./mvnw` with any goal, `gradle` or `./gradlew` with any task;
- .NET: `dotnet restore`, `dotnet build`, `dotnet publish`.

`pip install .` and `pip install -e .` are not counted: they install the project itself, which
needs its code. Nor is an install after the whole copy when the stage already installed that
ecosystem's dependencies before it (`cargo chef cook` from a recipe, `npm ci` from manifests
copied out of another stage): the later one is then a build step. The report is at the `COPY`
and names the install.

## Why is this bad?
Chapter 2 of *Kubernetes: Up and Running* advises ordering layers from the ones that change least
to the ones that change most, because a change in one layer rebuilds every layer after it. Your
dependencies change rarely; your code changes with every commit. Copy all the code first, and
every one-line change invalidates the cache of the install that follows, so each build downloads
and installs every dependency again: slower builds and CI, and new image layers to push and pull
even when no dependency changed.

## Example
```dockerfile
FROM node:20.11-bookworm-slim
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
CMD ["node", "server.js"]
```

Use instead:
```dockerfile
FROM node:20.11-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
CMD ["node", "server.js"]
```

## How to fix
Copy only the manifest and lock files first (`package.json` and its lock file, `requirements.txt`,
`pyproject.toml` and its lock file, `go.mod` and `go.sum`, `Gemfile` and `Gemfile.lock`, ...), run
the install, and copy the rest of the sources after it.
"""

from collections.abc import Iterator
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from itertools import pairwise
from posixpath import basename, dirname
from typing import Any

from kubelint.dockerfile.layers import copy_sources_and_destination, operands
from kubelint.dockerfile.parser import Dockerfile, Instruction, Stage
from kubelint.dockerfile.shell import ShellCommand, run_commands
from kubelint.findings import Problem, Severity

ID = "dockerfile-copy-all-before-deps"
SEVERITY = Severity.WARNING
SCOPE = "dockerfile"
BOOK = "Chapter 2, Creating and Running Containers"

_WHOLE_CONTEXT = frozenset({".", "./", "*", "./*"})
_GO_VENDOR = "-mod=vendor"
_MANIFESTS = {
    "node": (
        "package.json",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "pnpm-workspace.yaml",
        "bun.lockb",
        "bun.lock",
        ".npmrc",
        ".yarnrc*",
    ),
    "python": (
        "requirements*",
        "*requirements*.txt",
        "constraints*.txt",
        "pyproject.toml",
        "poetry.lock",
        "uv.lock",
        "pdm.lock",
        "Pipfile",
        "Pipfile.lock",
        "setup.py",
        "setup.cfg",
    ),
    "go": ("go.mod", "go.sum", "go.work", "go.work.sum"),
    "ruby": ("Gemfile", "Gemfile.lock", "*.gemspec", "gems.rb", "gems.locked"),
    "php": ("composer.json", "composer.lock"),
    "rust": ("Cargo.toml", "Cargo.lock"),
    "java": ("pom.xml", "build.gradle*", "settings.gradle*", "gradle.properties", "*.versions.toml", "gradle"),
    "dotnet": ("*.csproj", "*.fsproj", "*.vbproj", "*.sln", "nuget.config", "NuGet.Config", "Directory.*.props"),
}
_MAVEN_OPTIONS_WITH_VALUE = frozenset({"-f", "--file", "-s", "--settings", "-gs", "-P", "-pl", "-T", "-rf"})
_NODE_OPTIONS_WITH_VALUE = frozenset({"--prefix", "--registry", "--cache", "-w", "--workspace", "--cwd", "-C", "--dir"})
_GRADLE_OPTIONS_WITH_VALUE = frozenset({"-p", "--project-dir", "-b", "--build-file", "-x", "--exclude-task", "-c"})


@dataclass(frozen=True, slots=True)
class _Install:
    ecosystem: str
    shown: str  # the install as the message shows it
    manifests: str  # the files to copy first, as the message names them
    first_step: str = ""  # what to run once the manifests are in, when it is not the install itself
    named_files: tuple[str, ...] = ()  # the files the install names, such as pip's -r requirements files


def check(dockerfile: Dockerfile, options: dict[str, Any]) -> Iterator[Problem]:
    for stage in dockerfile.stages:
        problem = _check_stage(stage)
        if problem is not None:
            yield problem


def _check_stage(stage: Stage) -> Problem | None:
    whole_copy: Instruction | None = None
    copied_alone: list[str] = []  # sources of the COPYs before the whole context's
    installed_before: set[str] = set()  # ecosystems whose dependencies were installed before it
    go_vendored = False
    for instruction in stage.instructions:
        if instruction.keyword in ("COPY", "ADD") and instruction.flag("from") is None:
            sources = _sources(instruction)
            if whole_copy is None and _WHOLE_CONTEXT.intersection(sources):
                whole_copy = instruction
            elif whole_copy is None:
                copied_alone.extend(sources)
            continue
        go_vendored = go_vendored or (instruction.keyword == "ENV" and _GO_VENDOR in instruction.arguments)
        if instruction.keyword != "RUN":
            continue
        for command in run_commands(instruction):
            install = _dependency_install(command)
            if install is None or install.ecosystem in installed_before:
                continue
            if whole_copy is None:
                installed_before.add(install.ecosystem)
                continue
            if _manifest_copied(install, copied_alone):
                continue
            # Vendored modules come with the sources: the build downloads nothing.
            if install.ecosystem == "go" and (go_vendored or _GO_VENDOR in instruction.arguments):
                continue
            return Problem(_message(install, command), whole_copy.keyword_span, about=stage)
    return None


def _sources(instruction: Instruction) -> list[str]:
    parts = copy_sources_and_destination(instruction)
    return parts[0] if parts else []


def _manifest_copied(install: _Install, sources: list[str]) -> bool:
    patterns = _MANIFESTS[install.ecosystem] + install.named_files
    names = [basename(source.rstrip("/")) for source in sources]
    return any(fnmatchcase(name, pattern) or fnmatchcase(pattern, name) for name in names for pattern in patterns)


def _message(install: _Install, command: ShellCommand) -> str:
    return (
        f"the whole build context is copied before `{install.shown}` on line {command.span.line}, so any source "
        f"change re-runs it; copy {install.manifests} first, run `{install.first_step or install.shown}`, "
        "then copy the rest"
    )


def _dependency_install(command: ShellCommand) -> _Install | None:
    words = command.words
    if command.name.rstrip("0123456789.") == "python" and words[1:3] == ["-m", "pip"]:
        words = ["pip", *words[3:]]
    name = basename(words[0])
    reader = _READERS.get(name) or _READERS.get(name.rstrip("0123456789.") or name)
    return reader(words) if reader else None


def _node(words: list[str]) -> _Install | None:
    tool = basename(words[0])
    arguments = operands(words, _NODE_OPTIONS_WITH_VALUE)
    subcommand = arguments[0] if arguments else ""
    lock = {"npm": "package-lock.json", "yarn": "yarn.lock", "pnpm": "pnpm-lock.yaml", "bun": "bun.lockb"}[tool]
    manifests = f"package.json and {lock}"
    if subcommand in ("ci", "clean-install") or (tool == "pnpm" and subcommand == "fetch"):
        return _Install("node", f"{tool} {subcommand}", manifests)
    # With package names, install adds those packages rather than the project's dependencies.
    if subcommand in ("install", "i") and len(arguments) == 1:
        return _Install("node", f"{tool} {subcommand}", manifests)
    if tool == "yarn" and not arguments:
        return _Install("node", "yarn", manifests)
    return None


def _pip(words: list[str]) -> _Install | None:
    if "install" not in words:
        return None
    requirements = [following for option, following in pairwise(words) if option in ("-r", "--requirement")]
    requirements += [word.split("=", 1)[1] for word in words if word.startswith("--requirement=")]
    if not requirements:
        return None
    # A requirements file may come in with its folder (COPY requirements/ ...), so both count as its manifest.
    named = tuple(name for path in requirements for name in (basename(path), basename(dirname(path))) if name)
    return _Install("python", f"pip install -r {requirements[0]}", " and ".join(requirements), named_files=named)


def _python_tool(words: list[str]) -> _Install | None:
    tool = basename(words[0])
    arguments = operands(words)
    subcommand = arguments[0] if arguments else ""
    if tool == "uv" and subcommand == "pip":
        install = _pip(words[1:])
        return replace(install, shown=f"uv {install.shown}") if install else None
    locks = {
        "poetry": ("install", "pyproject.toml and poetry.lock"),
        "uv": ("sync", "pyproject.toml and uv.lock"),
        "pipenv": ("install", "Pipfile and Pipfile.lock"),
        "pdm": ("install", "pyproject.toml and pdm.lock"),
    }
    expected, manifests = locks[tool]
    if subcommand == expected or (tool == "pipenv" and subcommand == "sync"):
        return _Install("python", f"{tool} {subcommand}", manifests)
    return None


def _go(words: list[str]) -> _Install | None:
    arguments = operands(words, frozenset({"-o", "-C", "-tags", "-ldflags", "-gcflags", "-mod", "-modfile"}))
    if arguments[:2] == ["mod", "download"]:
        return _Install("go", "go mod download", "go.mod and go.sum")
    # `go build main.go` builds files, often outside any module: nothing says it has dependencies.
    if arguments[:1] == ["build"] and not any(argument.endswith(".go") for argument in arguments):
        return _Install("go", "go build", "go.mod and go.sum", "go mod download")
    return None


def _bundle(words: list[str]) -> _Install | None:
    arguments = operands(words)
    if arguments[:1] == ["install"] or not arguments:
        return _Install("ruby", "bundle install", "Gemfile and Gemfile.lock")
    return None


def _composer(words: list[str]) -> _Install | None:
    if operands(words)[:1] == ["install"]:
        return _Install("php", "composer install", "composer.json and composer.lock")
    return None


def _cargo(words: list[str]) -> _Install | None:
    subcommand = operands(words)[:2]
    if subcommand == ["chef", "cook"]:
        return _Install("rust", "cargo chef cook", "the cargo chef recipe")
    if subcommand[:1] in (["build"], ["fetch"]):
        return _Install("rust", f"cargo {subcommand[0]}", "Cargo.toml, Cargo.lock and a stub main.rs", "cargo fetch")
    return None


def _maven(words: list[str]) -> _Install | None:
    goals = operands(words, _MAVEN_OPTIONS_WITH_VALUE)
    if goals:
        return _Install("java", f"{basename(words[0])} {goals[0]}", "pom.xml", "mvn dependency:go-offline")
    return None


def _gradle(words: list[str]) -> _Install | None:
    tasks = operands(words, _GRADLE_OPTIONS_WITH_VALUE)
    if tasks:
        manifests = "build.gradle and settings.gradle"
        return _Install("java", f"{basename(words[0])} {tasks[0]}", manifests, f"{basename(words[0])} dependencies")
    return None


def _dotnet(words: list[str]) -> _Install | None:
    subcommand = operands(words)[:1]
    if subcommand and subcommand[0] in ("restore", "build", "publish"):
        return _Install("dotnet", f"dotnet {subcommand[0]}", "the *.csproj files", "dotnet restore")
    return None


_READERS = {
    "npm": _node,
    "yarn": _node,
    "pnpm": _node,
    "bun": _node,
    "pip": _pip,
    "poetry": _python_tool,
    "uv": _python_tool,
    "pipenv": _python_tool,
    "pdm": _python_tool,
    "go": _go,
    "bundle": _bundle,
    "composer": _composer,
    "cargo": _cargo,
    "mvn": _maven,
    "mvnw": _maven,
    "gradle": _gradle,
    "gradlew": _gradle,
    "dotnet": _dotnet,
}

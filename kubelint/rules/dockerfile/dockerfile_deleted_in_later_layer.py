"""Delete a file in the same layer that adds it, or it still takes space in the image.

## What it does
Flags an `rm` that deletes a file an earlier instruction added: a named file or folder brought in
by `COPY` or `ADD` (also `COPY --from=<stage>`), or a download made by `curl -o`, `curl -O`,
`wget`, `wget -O` or a `curl ... > file` redirection in an earlier `RUN`. Paths are compared after
resolving them against `WORKDIR` and any `cd` earlier in the `RUN`; globs in the `rm` (such as
`rm /tmp/*.tar.gz`) and removing a whole folder (`rm -rf /tmp`) count. Stages built `FROM` an
earlier stage inherit what it added.

Downloading and deleting in one `RUN` is fine: that is the fix. `ADD` of a local tar archive is
not counted (`ADD` unpacks it, the archive itself never lands in the image), nor is a copy of the
whole build context (`COPY . .`). A build stage that other stages only `COPY --from=` is skipped,
since its layers are never shipped.

## Why is this bad?
Chapter 2 of *Kubernetes: Up and Running* explains that an image is a stack of layers, each
recording the changes of one instruction. Deleting a file in a later layer only hides it: the
bytes stay in the layer that added them, are pushed to the registry and are pulled by every node
that runs the image. The classic case is a large archive downloaded in one `RUN`, unpacked, and
deleted in the next: the image carries the archive anyway.

## Example
```dockerfile
FROM debian:bookworm-slim
WORKDIR /opt
RUN curl -fsSLo tool.tar.gz https://downloads.example.com/tool/3.1.0/tool-linux-amd64.tar.gz
RUN tar -xzf tool.tar.gz && rm tool.tar.gz
```

Use instead:
```dockerfile
FROM debian:bookworm-slim
WORKDIR /opt
RUN curl -fsSLo tool.tar.gz https://downloads.example.com/tool/3.1.0/tool-linux-amd64.tar.gz \
    && tar -xzf tool.tar.gz \
    && rm tool.tar.gz
```

## How to fix
Download, use and delete a file in one `RUN`. For a file from the build context, use it without
copying it, with `RUN --mount=type=bind,source=<file>,target=<path>`, or prepare what you need in
a build stage and `COPY --from=` only the result into the final stage.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from posixpath import basename, join
from typing import Any

from kubelint.dockerfile.layers import (
    copy_sources_and_destination,
    operands,
    resolve_path,
    shipped_stages,
    unquote_word,
)
from kubelint.dockerfile.parser import Dockerfile, Instruction, Stage
from kubelint.dockerfile.shell import ShellCommand, run_commands
from kubelint.dockerfile.stages import earlier_stage
from kubelint.findings import Problem, Severity

ID = "dockerfile-deleted-in-later-layer"
SEVERITY = Severity.WARNING
SCOPE = "dockerfile"
BOOK = "Chapter 2, Creating and Running Containers"

_WHOLE_CONTEXT = frozenset({".", "./", "*", "./*"})
_TAR_ARCHIVE = re.compile(r"\.(?:tar|tgz|tbz2?|txz|tzst|tar\.(?:gz|bz2|xz|zst|lz|lzma|Z))$", re.IGNORECASE)
_GLOB = re.compile(r"[*?\[]")
_REDIRECTS_TO_FILE = frozenset({">", ">>", ">|", "&>", "&>>"})
# Options whose value is the next word, so that the value is not read as a URL or an option cluster.
_CURL_OPTIONS_WITH_VALUE = frozenset(f"-{letter}" for letter in "HduAexXmwTFbcKCrEYyzU") | frozenset(
    {"--header", "--data", "--data-binary", "--user", "--user-agent", "--proxy", "--request", "--retry"}
)
_WGET_OPTIONS_WITH_VALUE = frozenset(f"-{letter}" for letter in "oaitTwUeQlB") | frozenset(
    {"--header", "--user", "--password", "--post-data", "--tries", "--timeout", "--user-agent", "--output-file"}
)


@dataclass(slots=True)
class _Added:
    path: str
    line: int
    keyword: str


@dataclass(slots=True)
class _Image:
    """What the layers so far have added and not deleted, and the working directory."""

    added: dict[str, _Added] = field(default_factory=dict)
    workdir: str = "/"


def check(dockerfile: Dockerfile, options: dict[str, Any]) -> Iterator[Problem]:
    shipped = shipped_stages(dockerfile)
    images: dict[int, _Image] = {}
    for stage in dockerfile.stages:
        image = _inherited(dockerfile, stage, images)
        images[stage.index] = image
        for instruction in stage.instructions:
            problems = _apply(image, instruction, stage)
            if stage.index in shipped:
                yield from problems


def _inherited(dockerfile: Dockerfile, stage: Stage, images: dict[int, _Image]) -> _Image:
    base = earlier_stage(dockerfile, stage)
    if base is None or base.index not in images:
        return _Image()
    parent = images[base.index]
    return _Image(dict(parent.added), parent.workdir)


def _apply(image: _Image, instruction: Instruction, stage: Stage) -> list[Problem]:
    """Record what one instruction adds, and report what it deletes of earlier layers."""
    if instruction.keyword == "WORKDIR" and instruction.words:
        image.workdir = resolve_path(unquote_word(instruction.words[0].value), image.workdir)
    elif instruction.keyword in ("COPY", "ADD"):
        for path in _copied(instruction, image.workdir):
            image.added[path] = _Added(path, instruction.span.line, instruction.keyword)
    elif instruction.keyword == "RUN":
        return _run(image, instruction, stage)
    return []


def _copied(instruction: Instruction, workdir: str) -> list[str]:
    parts = copy_sources_and_destination(instruction)
    if parts is None:
        return []
    sources, destination = parts
    into_folder = destination.endswith("/") or destination in (".", "..") or len(sources) > 1
    target = resolve_path(destination, workdir)
    paths = []
    for source in sources:
        if source in _WHOLE_CONTEXT or (instruction.keyword == "ADD" and _is_local_archive(source)):
            continue
        if not into_folder:
            paths.append(target)
        elif not source.startswith("<<") and not source.endswith("/"):
            # A folder written with a trailing slash pours its contents, whose names are unknown, into the target.
            paths.append(join(target, _file_name(source)))
    return paths


def _is_local_archive(source: str) -> bool:
    return "://" not in source and bool(_TAR_ARCHIVE.search(source))


def _file_name(source: str) -> str:
    """The name a source gets in its destination folder: a URL's last path segment, or the file's name."""
    return basename(source.split("?")[0].split("#")[0].rstrip("/"))


def _run(image: _Image, instruction: Instruction, stage: Stage) -> list[Problem]:
    problems = []
    directory = image.workdir
    this_layer: dict[str, _Added] = {}
    for command in run_commands(instruction):
        if command.name == "cd":
            arguments = operands(command.words)
            directory = resolve_path(arguments[0], directory) if arguments else directory
        elif command.name == "rm":
            targets = [resolve_path(target, directory) for target in operands(command.words)]
            for path in [path for path in this_layer if _deletes(targets, path)]:
                del this_layer[path]
            earlier = [added for path, added in image.added.items() if _deletes(targets, path)]
            for added in earlier:
                del image.added[added.path]
            if earlier:
                problems.append(Problem(_message(earlier), command.span, about=stage))
        else:
            for path in _downloaded(command, directory):
                this_layer[path] = _Added(path, instruction.span.line, "RUN")
    image.added.update(this_layer)
    return problems


def _deletes(targets: list[str], path: str) -> bool:
    return any(_covers(target, path) for target in targets)


def _covers(target: str, path: str) -> bool:
    """Whether `rm target` removes path: the same path, a glob matching it (either way), or a folder holding it."""
    if target == path or path.startswith(target.rstrip("/") + "/"):
        return True
    return bool(
        (_GLOB.search(target) and fnmatchcase(path, target)) or (_GLOB.search(path) and fnmatchcase(target, path))
    )


def _downloaded(command: ShellCommand, directory: str) -> list[str]:
    if command.name == "curl":
        names = _curl_outputs(command.words)
    elif command.name == "wget":
        names = _wget_outputs(command.words)
    else:
        return []
    names += [target for operator, target in command.redirects if operator in _REDIRECTS_TO_FILE]
    return [resolve_path(name, directory) for name in names if name not in ("", "-", "/dev/null")]


def _curl_outputs(words: list[str]) -> list[str]:
    outputs: list[str] = []
    urls: list[str] = []
    folder = ""
    remote_names = False
    index = 1
    while index < len(words):
        word = words[index]
        value = words[index + 1] if index + 1 < len(words) else ""
        index += 1
        if word in ("-o", "--output"):
            outputs.append(value)
            index += 1
        elif word.startswith("--output="):
            outputs.append(word.partition("=")[2])
        elif word == "--output-dir":
            folder = value
            index += 1
        elif word in ("--remote-name", "--remote-name-all"):
            remote_names = True
        elif word in _CURL_OPTIONS_WITH_VALUE:
            index += 1
        elif word.startswith("-") and not word.startswith("--") and word[:2] not in _CURL_OPTIONS_WITH_VALUE:
            # A cluster such as -fsSLo takes the value after "o", attached or in the next word.
            flags, o, attached = word[1:].partition("o")
            remote_names = remote_names or "O" in flags
            if o:
                outputs.append(attached or value)
                index += 0 if attached else 1
        elif "://" in word:
            urls.append(word)
    if remote_names:
        outputs += [_file_name(url) for url in urls]
    return [join(folder, output) for output in outputs] if folder else outputs


def _wget_outputs(words: list[str]) -> list[str]:
    outputs: list[str] = []
    urls: list[str] = []
    folder = ""
    index = 1
    while index < len(words):
        word = words[index]
        value = words[index + 1] if index + 1 < len(words) else ""
        index += 1
        if word in ("-O", "--output-document"):
            outputs.append(value)
            index += 1
        elif word.startswith("--output-document="):
            outputs.append(word.partition("=")[2])
        elif word in ("-P", "--directory-prefix"):
            folder = value
            index += 1
        elif word.startswith("--directory-prefix="):
            folder = word.partition("=")[2]
        elif word in _WGET_OPTIONS_WITH_VALUE:
            index += 1
        elif word.startswith("-") and not word.startswith("--") and word[:2] not in _WGET_OPTIONS_WITH_VALUE:
            flags, big_o, attached = word[1:].partition("O")
            if big_o:
                outputs.append(attached or value)
                index += 0 if attached else 1
            elif flags.startswith("P") and len(flags) > 1:
                folder = flags[1:]
        elif "://" in word:
            urls.append(word)
    if not outputs:
        outputs = [join(folder, _file_name(url)) if folder else _file_name(url) for url in urls]
    return outputs


def _message(deleted: list[_Added]) -> str:
    first = deleted[0]
    more = f" (and {len(deleted) - 1} more)" if len(deleted) > 1 else ""
    if first.keyword == "RUN":
        fix = "download, use and delete it in one RUN"
    else:
        fix = "use it through RUN --mount=type=bind, or COPY --from= only what you need from a build stage"
    return (
        f"this deletes {first.path}{more}, which the {first.keyword} on line {first.line} added in an earlier "
        f"layer, so it still takes space in the image; {fix}"
    )

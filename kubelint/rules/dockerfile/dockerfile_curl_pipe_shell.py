"""Do not pipe a script downloaded during the build straight into a shell.

## What it does
Flags a `RUN` that runs what `curl` or `wget` fetch without keeping it: `curl ... | sh`,
`wget -qO- ... | sudo bash`, `curl ... | python3 -`, `bash <(curl ...)`, `sh -c "$(curl ...)"`,
`eval "$(curl ...)"`, and PowerShell's `irm ... | iex`. Piping a download into a program that
only reads data (`curl ... | tar -xz`, `curl ... | python3 -c "import json ..."`) is fine, and so is
a shell given its own script (`curl ... | sh -c 'cat > file'`).

## Why is this bad?
*Kubernetes: Up and Running* (chapter 2) builds on images being immutable, reproducible
artifacts: the same Dockerfile and sources should give the same image. An install script fetched
at build time changes whenever its server does, so two builds of one commit can differ, and a
rebuild months later may break or install something else. Nothing checks what was downloaded
either: whoever controls that server, or the network on the way, runs code as root inside your
build and ships it in your image.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN curl -fsSL https://get.example.com/install.sh | sh
```

Use instead:
```dockerfile
FROM debian:bookworm-slim
ARG INSTALLER_SHA256=4f7c1b0e9d2a6c3f8e5b7a1d0c9e2f4a6b8d0e1f3a5c7e9b2d4f6a8c0e1b3d5f
RUN curl -fsSLo /tmp/install.sh https://get.example.com/v1.8.2/install.sh \
    && echo "${INSTALLER_SHA256}  /tmp/install.sh" | sha256sum -c - \
    && sh /tmp/install.sh \
    && rm /tmp/install.sh
```

## How to fix
Download a pinned version of the script (or better, the release archive or a distribution
package) to a file, verify its checksum, then run it; or `COPY` a reviewed copy of the script
into the build.
"""

import re
from collections.abc import Iterator
from typing import Any

from kubelint.dockerfile.parser import Dockerfile, Stage
from kubelint.dockerfile.shell import SHELLS, ShellCommand, pipelines, reads_script_from_stdin
from kubelint.findings import Problem, Severity, Span

ID = "dockerfile-curl-pipe-shell"
SEVERITY = Severity.WARNING
SCOPE = "dockerfile"
BOOK = "Chapter 2, Creating and Running Containers"

_DOWNLOADERS = frozenset({"curl", "wget", "iwr", "irm", "invoke-webrequest", "invoke-restmethod"})
_POWERSHELL_EVALUATORS = frozenset({"iex", "invoke-expression"})
# Commands that run a script named by an argument, such as `bash <(curl ...)` or `eval "$(curl ...)"`.
_SCRIPT_RUNNERS = SHELLS | {"source", ".", "eval", "python", "python3", "perl", "ruby", "node"}
_SUBSTITUTED_DOWNLOAD = re.compile(r"(?:\$\(|<\(|`)\s*(?:[^\s()`]*/)?(curl|wget)\b")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def check(dockerfile: Dockerfile, options: dict[str, Any]) -> Iterator[Problem]:
    lines = dockerfile.text.removeprefix("\ufeff").split("\n")
    for stage in dockerfile.stages:
        for instruction in stage.instructions:
            for pipeline in pipelines(instruction):
                yield from _piped_downloads(pipeline, stage)
                for command in pipeline:
                    yield from _substituted_downloads(command, stage, lines)


def _piped_downloads(pipeline: list[ShellCommand], stage: Stage) -> Iterator[Problem]:
    download = next((i for i, command in enumerate(pipeline) if command.name.lower() in _DOWNLOADERS), None)
    if download is None:
        return
    runner = next((command for command in pipeline[download + 1 :] if _runs_stdin(command)), None)
    if runner is not None:
        downloader = pipeline[download]
        message = _message(downloader.name, _url(downloader.words), f"pipes it into `{runner.name}`")
        yield Problem(message, downloader.span, about=stage)


def _runs_stdin(command: ShellCommand) -> bool:
    return command.name.lower() in _POWERSHELL_EVALUATORS or reads_script_from_stdin(command.words)


def _substituted_downloads(command: ShellCommand, stage: Stage, lines: list[str]) -> Iterator[Problem]:
    """`$(curl ...)` run as the command itself, or handed as the script to a shell, eval or source."""
    candidates = [0] if command.name not in _SCRIPT_RUNNERS else range(1, len(command.words))
    for index in candidates:
        word = command.words[index]
        match = _SUBSTITUTED_DOWNLOAD.search(word)
        if match is None:
            continue
        runner = "runs it as a command" if index == 0 else f"hands it to `{command.name}`"
        message = _message(match.group(1), _url([word]), runner)
        yield Problem(message, _tool_span(command.word_spans[index], match.group(1), lines), about=stage)
        return


def _tool_span(word: Span, tool: str, lines: list[str]) -> Span:
    """Where the tool's name is written inside a word: quotes and escapes make the word's text no guide."""
    line = lines[word.line - 1] if word.line <= len(lines) else ""
    end = word.end_column - 1 if word.end_line == word.line else len(line)
    found = line.find(tool, word.column - 1, end)
    if found < 0:
        return word
    return Span(word.line, found + 1, word.line, found + 1 + len(tool))


def _url(words: list[str]) -> str:
    for word in words:
        match = _URL.search(word)
        if match:
            return match.group().rstrip(")\"'`")
    return "the network"


def _message(tool: str, url: str, runner: str) -> str:
    return (
        f"`{tool}` downloads a script from {url} and {runner} unchecked, so every build may run different code; "
        "download a pinned version to a file, verify its checksum, then run it"
    )

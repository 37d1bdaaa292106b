"""Use COPY rather than ADD to copy local files.

## What it does
Flags an `ADD` whose sources are all local files or folders that `ADD` would not extract: no URL,
no git repository, no tar archive (`.tar`, `.tar.gz`/`.tgz`, `.tar.bz2`/`.tbz2`, `.tar.xz`/`.txz`,
`.tar.zst`). For those, `ADD` behaves exactly like `COPY`. An `ADD` that uses an option only `ADD` has
(`--checksum`, `--keep-git-dir`, `--unpack`) is left alone, and so is one whose source is a build
argument without a default. Build arguments with defaults are filled in first.

## Why is this bad?
`ADD` does more than copy: it downloads URLs, clones git repositories and unpacks local tar archives.
Chapter 2 of *Kubernetes: Up and Running* wants image builds that are predictable and repeatable;
with `ADD`, a reader must check each source to know which of these happens, and a file that is
renamed to `.tar.gz` later is silently unpacked instead of copied. `COPY` says that it only copies.

## Example
```dockerfile
FROM eclipse-temurin:21.0.5_11-jre
ADD target/app.jar /app/app.jar
ADD config/ /app/config/
```

Use instead:
```dockerfile
FROM eclipse-temurin:21.0.5_11-jre
COPY target/app.jar /app/app.jar
COPY config/ /app/config/
```

## How to fix
Replace `ADD` by `COPY`; the flags they share (`--chown`, `--chmod`, `--link`, `--exclude`) stay as
they are. Keep `ADD` for archives you want unpacked, and for remote files fetched with `--checksum`.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.dockerfile.parser import Dockerfile, Instruction, expand_variables
from kubelint.dockerfile.stages import uses_unset_variable, variables_before
from kubelint.findings import Problem, Severity

ID = "dockerfile-add-instead-of-copy"
SEVERITY = Severity.INFO
SCOPE = "dockerfile"
BOOK = "Chapter 2, Creating and Running Containers"

_ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst")
_ADD_ONLY_FLAGS = frozenset({"checksum", "keep-git-dir", "unpack"})
_REMOTE_PREFIXES = ("git@", "github.com/", "gitlab.com/", "bitbucket.org/")
_MESSAGE = "this ADD only copies local files (no URL, no archive to unpack): use COPY, which does nothing else"


def check(dockerfile: Dockerfile, options: dict[str, Any]) -> Iterator[Problem]:
    for stage in dockerfile.stages:
        for instruction in stage.instructions:
            if instruction.keyword != "ADD" or len(instruction.words) < 2:
                continue
            if any(flag.name in _ADD_ONLY_FLAGS for flag in instruction.flags):
                continue
            sources = _sources(dockerfile, instruction)
            if sources is None or any(_needs_add(source) for source in sources):
                continue
            yield Problem(_MESSAGE, instruction.keyword_span, about=stage)


def _sources(dockerfile: Dockerfile, instruction: Instruction) -> list[str] | None:
    """The sources with build arguments filled in, or None when one depends on an argument without a default."""
    sources = []
    for word in instruction.words[:-1]:
        source = word.value
        if "$" in source:
            variables = variables_before(dockerfile, instruction)
            if uses_unset_variable(source, variables):
                return None
            source = expand_variables(source, variables, escape=instruction.escape)
        sources.append(source.strip("\"'"))
    return sources


def _needs_add(source: str) -> bool:
    lowered = source.lower()
    if "://" in lowered or lowered.startswith(_REMOTE_PREFIXES) or lowered.endswith(".git"):
        return True
    return lowered.endswith(_ARCHIVE_SUFFIXES)

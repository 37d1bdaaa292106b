"""The image should run as a non-root user: end the final stage with a non-root USER.

## What it does
Looks at the final stage, the one `docker build` produces, and flags it when its last `USER` is root
(`root`, `0`, `root:root`, `0:0`...), or when it sets no `USER` at all. A final stage built on an
earlier stage (`FROM build`) inherits that stage's `USER`. A stage built on a registry image without
a `USER` of its own is reported too: the image's user is unknown here, and it is root for most
images; images that say otherwise in their tag (`distroless/static:nonroot`, `*-rootless`,
`*-unprivileged`) are trusted. A `USER` given by a build argument without a default is not judged.

Windows images (a base such as `mcr.microsoft.com/windows/servercore` or `nanoserver`, a `USER
ContainerUser`, or the ``# escape=` `` directive common in Windows Dockerfiles) have no root user: for
them only a last `USER ContainerAdministrator` (or `Administrator`) is reported.

## Why is this bad?
A container runs as the image's user unless the pod says otherwise, and root inside a container is
root on the node's kernel: a kernel bug, a mounted host path or one added capability away from the
whole node. Chapter 19 of *Kubernetes: Up and Running* asks pods to set `runAsNonRoot: true`, which
makes the kubelet refuse to start a container whose user is root: under the `restricted` Pod
Security Standard, an image built to run as root only starts if every pod that uses it picks another
user. Choosing the user in the Dockerfile makes the safe setting the default everywhere the image
runs.

## Example
```dockerfile
FROM python:3.12.7-slim
COPY app /app
CMD ["python", "/app/main.py"]
```

Use instead:
```dockerfile
FROM python:3.12.7-slim
COPY app /app
USER 10001
CMD ["python", "/app/main.py"]
```

## How to fix
Add `USER 10001` (or another UID above the range the base image uses) after the steps that need
root, such as package installation. Use a numeric UID: the kubelet can only check `runAsNonRoot`
against a number. Give the files the process must write to that user (`COPY --chown=10001:10001`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kubelint.dockerfile.parser import Dockerfile, Instruction, Stage, expand_variables
from kubelint.dockerfile.stages import ancestry, uses_unset_variable, variables_before
from kubelint.findings import Problem, Severity

ID = "dockerfile-runs-as-root"
SEVERITY = Severity.WARNING
SCOPE = "dockerfile"
BOOK = "Chapter 19, Securing Applications in Kubernetes"

_NON_ROOT_IMAGE_WORDS = ("nonroot", "non-root", "rootless", "unprivileged")
_WINDOWS_IMAGE_WORDS = ("mcr.microsoft.com/windows", "servercore", "nanoserver", "dotnet/framework")
_WINDOWS_USERS = frozenset({"containeruser", "containeradministrator"})
_WINDOWS_ADMINISTRATORS = frozenset({"containeradministrator", "administrator"})


def check(dockerfile: Dockerfile, options: dict[str, Any]) -> Iterator[Problem]:
    if not dockerfile.stages:
        return
    final = dockerfile.stages[-1]
    chain = ancestry(dockerfile, final)
    user = _last_user(chain)
    windows = _is_windows(dockerfile, chain)
    if user is None:
        if not windows:
            yield from _no_user(dockerfile, final, chain[-1])
        return
    value = _user_value(dockerfile, user)
    if value is None:
        return
    name = value.partition(":")[0].strip().lower()
    if (name in _WINDOWS_ADMINISTRATORS) if windows else _is_root(name):
        yield _root_user(final, user, value, windows)


def _last_user(chain: list[Stage]) -> Instruction | None:
    for stage in chain:
        users = [instruction for instruction in stage.instructions if instruction.keyword == "USER"]
        if users:
            return users[-1]
    return None


def _user_value(dockerfile: Dockerfile, user: Instruction) -> str | None:
    """The USER's value with build arguments filled in; None when an argument without default decides it."""
    if not user.words:
        return None
    value = user.words[0].value
    if "$" in value:
        variables = variables_before(dockerfile, user)
        if uses_unset_variable(value, variables):
            return None
        value = expand_variables(value, variables, escape=user.escape)
    return value.strip("\"'")


def _is_root(name: str) -> bool:
    return name == "root" or (name.isascii() and name.isdigit() and int(name) == 0)


def _is_windows(dockerfile: Dockerfile, chain: list[Stage]) -> bool:
    if dockerfile.escape == "`":
        return True
    base = chain[-1].base_expanded.lower()
    if any(word in base for word in _WINDOWS_IMAGE_WORDS):
        return True
    users = (instruction for stage in chain for instruction in stage.instructions if instruction.keyword == "USER")
    return any(user.words and user.words[0].value.strip("\"'").lower() in _WINDOWS_USERS for user in users)


def _no_user(dockerfile: Dockerfile, final: Stage, root_stage: Stage) -> Iterator[Problem]:
    base = root_stage.base_expanded.strip()
    if uses_unset_variable(root_stage.base, dockerfile.global_args) or not base:
        base = root_stage.base  # chosen by the build command: name it as written
    if any(word in base.lower() for word in _NON_ROOT_IMAGE_WORDS):
        return
    through = "" if root_stage is final else f' (through stage "{root_stage.name}")'
    if base.lower() == "scratch":
        why = f"it starts from scratch{through}, so its process runs as root (UID 0)"
    else:
        why = (
            f'it runs as the user of base image "{base}"{through}, which kubelint cannot see and which is root '
            "for most images"
        )
    message = f'the final stage sets no USER: {why}; add a non-root "USER 10001" after the steps that need root'
    yield Problem(message, final.base_span, about=final)


def _root_user(final: Stage, user: Instruction, value: str, windows: bool) -> Problem:
    who = "the Windows administrator account" if windows else "root"
    instead = '"USER ContainerUser"' if windows else 'a non-root user such as "USER 10001"'
    if user.stage == final.index:
        message = f'the final stage runs as {who} ("USER {value}" is its last USER); end it with {instead}'
        return Problem(message, user.words[0].span, about=final)
    message = (
        f'the final stage runs as {who}: it inherits "USER {value}" from line {user.span.line} and sets no USER '
        f"of its own; end it with {instead}"
    )
    return Problem(message, final.base_span, about=final)

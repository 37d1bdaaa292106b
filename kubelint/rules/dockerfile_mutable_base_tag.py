"""A build stage must start from a pinned image version, never `:latest` or no tag.

## What it does
Flags a `FROM` whose image has no tag, or the tag `latest`, and no digest. `FROM scratch` and
`FROM <an earlier stage>` are not images and are left alone. When the image is written with build
arguments (`FROM ${BASE_IMAGE}`), the rule judges what the arguments' defaults make of it; an argument
without a default is set by whoever runs the build, so such a `FROM` is not judged.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 2) treats a container image as an immutable artifact that you
build once, test, and deploy unchanged. A base image without a tag is `:latest`, and `:latest` is
moved every time its maintainers publish. Two builds of the same commit then start from different
operating system packages, a rebuild months later pulls in a new major version, and nobody can tell
from the Dockerfile which base a given image was built on.

## Example
```dockerfile
FROM node:latest
WORKDIR /app
COPY . .
CMD ["node", "server.js"]
```

Use instead:
```dockerfile
FROM node:22.11-alpine3.20
WORKDIR /app
COPY . .
CMD ["node", "server.js"]
```

## How to fix
Name the version you tested with, as specific as the image's publisher allows (`python:3.12.7-slim`
rather than `python:3`), or better pin the digest as well (`@sha256:...`); let a bot such as Renovate
or Dependabot propose the updates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kubelint.dockerfile.parser import Dockerfile, Stage
from kubelint.findings import Problem, Severity
from kubelint.images import ImageRef, parse_image

ID = "dockerfile-mutable-base-tag"
SEVERITY = Severity.ERROR
SCOPE = "dockerfile"
BOOK = "Chapter 2, Creating and Running Containers"

# BuildKit sets these for every build, so a FROM that uses them does not wait for a --build-arg.
PLATFORM_ARGUMENTS = frozenset(
    {
        "BUILDPLATFORM",
        "BUILDOS",
        "BUILDARCH",
        "BUILDVARIANT",
        "TARGETPLATFORM",
        "TARGETOS",
        "TARGETARCH",
        "TARGETVARIANT",
    }
)
_REFERENCE = re.compile(r"[a-z0-9][A-Za-z0-9._/:@-]*")
_VARIABLE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z0-9_]+)(?P<modifier>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")
_DEFAULTING_OPERATORS = (":-", "-", ":=", "=")


@dataclass(frozen=True, slots=True)
class BaseImage:
    """The registry image a stage starts from, after the build arguments' defaults are filled in."""

    reference: str
    ref: ImageRef
    expanded: bool  # the FROM line uses build arguments


def check(dockerfile: Dockerfile, options: dict[str, Any]) -> Iterator[Problem]:
    for stage in dockerfile.stages:
        base = external_base(dockerfile, stage)
        if base is not None and base.ref.is_mutable:
            yield Problem(_message(stage, base), stage.base_span, about=stage)


def external_base(dockerfile: Dockerfile, stage: Stage) -> BaseImage | None:
    """The image a stage starts from, or None for scratch, an earlier stage or a base we cannot know."""
    if not stage.base or uses_unset_variable(stage.base, dockerfile.global_args):
        return None
    reference = stage.base_expanded.strip()
    if reference.lower() == "scratch" or earlier_stage(dockerfile, stage) is not None:
        return None
    if not _REFERENCE.fullmatch(reference) or reference.endswith((":", "@")):
        return None
    ref = parse_image(reference)
    if ref.is_templated:
        return None
    return BaseImage(reference, ref, reference != stage.base)


def earlier_stage(dockerfile: Dockerfile, stage: Stage) -> Stage | None:
    """The stage that `FROM <name>` builds on: BuildKit only looks at stages defined above it."""
    wanted = stage.base_expanded.strip().lower()
    return next((other for other in dockerfile.stages[: stage.index] if other.name == wanted), None)


def uses_unset_variable(text: str, variables: dict[str, str | None]) -> bool:
    """Whether text uses a variable without a value, such as a build argument without a default.

    Only the build command knows such a value, so what the text becomes cannot be judged.
    """
    for match in _VARIABLE.finditer(text):
        name = match.group("braced") or match.group("plain")
        if name in PLATFORM_ARGUMENTS or variables.get(name) is not None:
            continue
        if (match.group("modifier") or "").startswith(_DEFAULTING_OPERATORS):
            continue
        return True
    return False


def describe_base(stage: Stage, base: BaseImage) -> str:
    """How a message names the base: as written, plus what the ARG defaults make of it."""
    if base.expanded:
        return f'base image "{stage.base}" (which is "{base.reference}" with the ARG defaults)'
    return f'base image "{base.reference}"'


def _message(stage: Stage, base: BaseImage) -> str:
    described = describe_base(stage, base)
    if base.ref.tag is None:
        return (
            f'{described} has no tag, so it means ":latest", which moves with every release; '
            f'pin the version you tested, such as "{base.ref.repository}:<version>"'
        )
    return f'{described} uses the moving tag ":latest"; pin the version you tested, or its digest (@sha256:...)'

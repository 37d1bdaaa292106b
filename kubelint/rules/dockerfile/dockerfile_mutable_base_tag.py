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

from collections.abc import Iterator
from typing import Any

from kubelint.dockerfile.parser import Dockerfile, Stage
from kubelint.dockerfile.stages import BaseImage, describe_base, external_base
from kubelint.findings import Problem, Severity

ID = "dockerfile-mutable-base-tag"
SEVERITY = Severity.ERROR
SCOPE = "dockerfile"
BOOK = "Chapter 2, Creating and Running Containers"


def check(dockerfile: Dockerfile, options: dict[str, Any]) -> Iterator[Problem]:
    for stage in dockerfile.stages:
        base = external_base(dockerfile, stage)
        if base is not None and base.ref.is_mutable:
            yield Problem(_message(stage, base), stage.base_span, about=stage)


def _message(stage: Stage, base: BaseImage) -> str:
    described = describe_base(stage, base)
    if base.ref.tag is None:
        return (
            f'{described} has no tag, so it means ":latest", which moves with every release; '
            f'pin the version you tested, such as "{base.ref.repository}:<version>"'
        )
    return f'{described} uses the moving tag ":latest"; pin the version you tested, or its digest (@sha256:...)'

"""A build stage should start from an image pinned by digest, not only by a version tag.

## What it does
Flags a `FROM` whose image names a version tag (such as `python:3.12-slim`) but no digest
(`@sha256:...`). Images without a tag or with `:latest` are left to `dockerfile-mutable-base-tag`;
`FROM scratch`, `FROM <an earlier stage>` and images set by a build argument without a default are
skipped. Build arguments with defaults are filled in first.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 2) builds on images being immutable: the image you tested is the
image you run. A tag, even a precise one, is a pointer that the publisher (or whoever takes over
their account) can move; official images are rebuilt under the same tag for every security update.
The same Dockerfile and the same commit can then produce different images on two days, and a
tampered base image enters your build silently. A digest is the hash of the image's content: it
names exactly one image, and the build fails rather than start from anything else.

## Example
```dockerfile
FROM python:3.12.7-slim
COPY app.py /app/app.py
CMD ["python", "/app/app.py"]
```

Use instead:
```dockerfile
FROM python:3.12.7-slim@sha256:4f6e3d2c...
COPY app.py /app/app.py
CMD ["python", "/app/app.py"]
```

## How to fix
Look up the digest (`docker buildx imagetools inspect python:3.12.7-slim`, or `crane digest`) and
append it after the tag; keep the tag, which tells readers the version. Renovate and Dependabot
update pinned digests for you when the publisher rebuilds the tag.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.dockerfile.parser import Dockerfile
from kubelint.dockerfile.stages import describe_base, external_base
from kubelint.findings import Problem, Severity

ID = "dockerfile-base-not-pinned-by-digest"
SEVERITY = Severity.INFO
SCOPE = "dockerfile"
BOOK = "Chapter 2, Creating and Running Containers"


def check(dockerfile: Dockerfile, options: dict[str, Any]) -> Iterator[Problem]:
    for stage in dockerfile.stages:
        base = external_base(dockerfile, stage)
        # A moving tag is dockerfile-mutable-base-tag's finding: one report per FROM is enough.
        if base is None or base.ref.digest is not None or base.ref.is_mutable:
            continue
        message = (
            f'{describe_base(stage, base)} is pinned by its tag ":{base.ref.tag}" only, which can be pushed again; '
            "append its digest (@sha256:...) so that every build starts from the same image"
        )
        yield Problem(message, stage.base_span, about=stage)

"""Container images should be pinned by digest, not only by a version tag.

## What it does
Flags a container whose `image` names a version tag (such as `:2.4.1`) but no digest
(`@sha256:...`). Images without a tag or with `:latest` are left to `mutable-image-tag`, and
templated images (`{{ .Values.image }}`, `${IMAGE}`) and placeholders (`{registry}/web:1.0`) are
skipped.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 2) treats a container image as an immutable artifact: the
bits you tested are the bits you run. A tag is only a name that points at an image, and whoever
can push to the repository can point it somewhere else, by mistake (a rebuilt "2.4.1") or on
purpose (a compromised registry account). Nodes that pull the image later, after a reschedule or
a scale-up, then run different code than the nodes that pulled it first, under the same
manifest. A digest is the hash of the image content: it cannot be moved, and the runtime checks
it on every pull.

## Example
```yaml
containers:
  - name: web
    image: registry.example.com/shop/web:2.4.1
```

Use instead:
```yaml
containers:
  - name: web
    image: registry.example.com/shop/web:2.4.1@sha256:5e0c8d1f...
```

## How to fix
Look the digest up (`docker buildx imagetools inspect <image>`, `crane digest <image>`, or the
output of your CI build) and append it as `@sha256:<digest>`. Keeping the tag in front of the
digest costs nothing and tells readers which version it is; Kubernetes pulls by the digest.
"""

import re
from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.images import parse_image
from kubelint.manifests.objects import Container

ID = "image-not-pinned-by-digest"
SEVERITY = Severity.INFO
SCOPE = "container"
CHECKS_FRAGMENTS = True
BOOK = "Chapter 2, Creating and Running Containers"

# The characters of a real image reference; anything else is a placeholder such as "<your registry>".
_REFERENCE = re.compile(r"[A-Za-z0-9._/:@-]+")


def check(container: Container, options: dict[str, Any]) -> Iterator[Problem]:
    image = container.data.get("image")
    if not isinstance(image, str) or not _REFERENCE.fullmatch(image.strip()):
        return
    ref = parse_image(image)
    # No tag or ":latest" is mutable-image-tag's finding; one report per image is enough.
    if ref.is_templated or ref.digest is not None or ref.is_mutable:
        return
    yield Problem(
        f'image "{image.strip()}" of container "{container.name}" is pinned by its tag ":{ref.tag}" only, '
        "which can be pushed again; append the digest (@sha256:...) so every node runs the same image",
        container.data.value_span("image"),
    )

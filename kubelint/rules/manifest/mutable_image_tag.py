"""Container images must name an immutable version, never `:latest` or no tag.

## What it does
Flags a container whose `image` has no tag, or the tag `latest`, and no digest.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 2) insists that images are immutable artifacts: once
built, an image never changes, and what you deploy is exactly what you tested. A missing tag
means `latest`, and `latest` moves every time someone pushes. Two nodes can then run different
code under one Deployment, a rollback "back" to `latest` changes nothing, and you cannot tell
from the manifest what is running. With `:latest` Kubernetes also defaults `imagePullPolicy`
to `Always`, so every pod start depends on the registry.

## Example
```yaml
containers:
  - name: web
    image: registry.example.com/shop/web:latest
```

Use instead:
```yaml
containers:
  - name: web
    image: registry.example.com/shop/web:2.4.1
```

## How to fix
Tag every image you build with a version that never moves (a release number or the git commit)
and reference that tag, or better the image digest (`@sha256:...`).
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.images import parse_image
from kubelint.manifests.objects import Container

ID = "mutable-image-tag"
SEVERITY = Severity.ERROR
SCOPE = "container"
CHECKS_FRAGMENTS = True
BOOK = "Chapter 2, Creating and Running Containers"


def check(container: Container, options: dict[str, Any]) -> Iterator[Problem]:
    image = container.data.get("image")
    if not isinstance(image, str) or not image.strip():
        return
    ref = parse_image(image)
    if ref.is_templated or not ref.is_mutable:
        return
    if ref.tag is None:
        message = f'image "{image}" has no tag, so it means ":latest"; pin a version such as "{image}:1.2.3"'
    else:
        message = f'image "{image}" uses the moving tag ":latest"; pin a version or a digest'
    yield Problem(message, container.data.value_span("image"))

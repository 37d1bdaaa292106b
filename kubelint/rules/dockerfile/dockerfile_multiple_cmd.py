"""A build stage should have one CMD and one ENTRYPOINT at most.

## What it does
Flags every `CMD` of a stage that a later `CMD` of the same stage overrides, and likewise every
overridden `ENTRYPOINT`. `ONBUILD CMD` is a trigger for images built on this one and does not count.

## Why is this bad?
Only the last `CMD` and the last `ENTRYPOINT` of a stage end up in the image configuration; the
earlier ones do nothing. They usually mean that someone expected both commands to run (a migration,
then the server), or that a refactoring left the old command behind. Chapter 2 of *Kubernetes: Up
and Running* builds images that run one process, which the container starts; when two processes are
needed, they go into two containers of a pod, or into an init container.

## Example
```dockerfile
FROM python:3.12.7-slim
COPY . /app
CMD ["python", "/app/migrate.py"]
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:wsgi"]
```

Use instead:
```dockerfile
FROM python:3.12.7-slim
COPY . /app
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:wsgi"]
```

## How to fix
Delete the overridden instruction. If both commands must run, run the one-off step in a Kubernetes
init container or Job, or start both from a small entrypoint script.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.dockerfile.parser import Dockerfile
from kubelint.findings import Problem, Severity

ID = "dockerfile-multiple-cmd"
SEVERITY = Severity.WARNING
SCOPE = "dockerfile"
BOOK = "Chapter 2, Creating and Running Containers"


def check(dockerfile: Dockerfile, options: dict[str, Any]) -> Iterator[Problem]:
    for stage in dockerfile.stages:
        for keyword in ("CMD", "ENTRYPOINT"):
            found = [instruction for instruction in stage.instructions if instruction.keyword == keyword]
            if len(found) < 2:
                continue
            last = found[-1].span.line
            for overridden in found[:-1]:
                message = (
                    f"this {keyword} is overridden by the {keyword} on line {last}: only the last {keyword} of a stage "
                    "takes effect; delete this one"
                )
                yield Problem(message, overridden.keyword_span, about=stage)

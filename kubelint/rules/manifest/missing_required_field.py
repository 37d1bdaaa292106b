"""Built-in objects must set every field their Kubernetes API requires.

## What it does
Checks objects of the built-in kinds (Kubernetes 1.37 API) against the API's own schema and
reports each required field that is absent: a container without `name`, a Deployment without
`spec.selector` or `spec.template`, a Service port without `port`. The server-written `status`
is not checked, and neither are kustomize strategic-merge patches marked with `$patch`, which
hold only the fields they change.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 5) builds a Pod manifest from the fields the API needs to
know what to run. Without one of them the API server refuses the object
(`spec.containers[0].name: Required value`) and nothing is created; with a Deployment, a
missing selector means the controller could not tell which Pods it owns.

## Example
```yaml
spec:
  containers:
    - image: registry.example.com/shop/web:2.4.1
      ports:
        - containerPort: 8080
```

Use instead:
```yaml
spec:
  containers:
    - name: web
      image: registry.example.com/shop/web:2.4.1
      ports:
        - containerPort: 8080
```

## How to fix
Add the field the message names; `kubectl explain <kind>.<path>` marks required fields. If the
file is a kustomize patch that deliberately holds only part of an object, exclude it with an
`ignore:` entry for its path in the kubelint configuration.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject
from kubelint.manifests.schema import schema_problems

ID = "missing-required-field"
SEVERITY = Severity.ERROR
SCOPE = "object"
BOOK = "Chapter 5, Pods"


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    for problem in schema_problems(obj):
        if problem.kind == ID:
            yield Problem(problem.message, problem.span)

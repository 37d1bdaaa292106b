"""Every value of a built-in object must have the type its API field declares.

## What it does
Checks objects of the built-in kinds (Kubernetes 1.37 API) against the API's own schema and
reports each value of the wrong type: a quoted `"3"` where an integer is expected, a number or
boolean where a string is expected, a list where a mapping is expected, an empty value where
one is required. Fields that take either form (ports as `8080` or `http`, quantities as `2` or
`500m`) accept both.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 4) has you write objects in YAML, and YAML decides the
type of an unquoted value by its look: `1.10` is the number 1.1, `yes` and `on` are booleans,
`"3"` is text. The API server decodes objects into typed fields and rejects the whole object
when a type does not match (`cannot unmarshal number into Go struct field EnvVar.value of type
string`), so the apply fails, often only at deploy time in CI.

## Example
```yaml
spec:
  replicas: "3"
  template:
    spec:
      containers:
        - name: web
          image: registry.example.com/shop/web:2.4.1
          env:
            - name: FEATURE_CHECKOUT
              value: yes
```

Use instead:
```yaml
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: web
          image: registry.example.com/shop/web:2.4.1
          env:
            - name: FEATURE_CHECKOUT
              value: "yes"
```

## How to fix
Quote values that must stay text (environment values, labels, annotations: `"true"`, `"8080"`,
`"1.10"`), and remove the quotes from numbers and booleans the API expects as such. When a
list or a mapping appears where the other is expected, check the indentation and the `-`
markers. `kubectl explain <kind>.<path>` shows each field's type.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject
from kubelint.manifests.schema import schema_problems

ID = "invalid-type"
SEVERITY = Severity.ERROR
SCOPE = "object"
CHECKS_FRAGMENTS = True
BOOK = "Chapter 4, Common kubectl Commands"


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    for problem in schema_problems(obj):
        if problem.kind == ID:
            yield Problem(problem.message, problem.span)

"""Every field of a built-in object must exist in its Kubernetes API version.

## What it does
Checks objects of the built-in kinds (Kubernetes 1.37 API) against the API's own schema and
reports each field that the schema does not define at that place, with its full path and, when
a defined field is spelled much the same, the name it probably meant. Custom resources and
kinds the schema does not know are left alone.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 4) describes objects as declarative records that the API
server stores exactly as written. A field the API does not know is either rejected, since
`kubectl apply` validates fields strictly by default (`strict decoding error: unknown field`),
or, with validation turned off, silently dropped. In the second case the object deploys, but
the setting you wrote (a misspelled `imagePullPolicy`, a `resources` block one level too high)
never takes effect and nothing tells you.

## Example
```yaml
spec:
  containers:
    - name: web
      image: registry.example.com/shop/web:2.4.1
      imagePullPolicyy: IfNotPresent
```

Use instead:
```yaml
spec:
  containers:
    - name: web
      image: registry.example.com/shop/web:2.4.1
      imagePullPolicy: IfNotPresent
```

## How to fix
Fix the spelling the message suggests, or move the field to the level it belongs to (wrong
indentation is the usual cause). `kubectl explain <kind>.<path>` lists the fields each level
accepts. If the field is new, check that `apiVersion` names a version that has it.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject
from kubelint.manifests.schema import schema_problems

ID = "unknown-field"
SEVERITY = Severity.ERROR
SCOPE = "object"
CHECKS_FRAGMENTS = True
BOOK = "Chapter 4, Common kubectl Commands"


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    for problem in schema_problems(obj):
        if problem.kind == ID:
            yield Problem(problem.message, problem.span)

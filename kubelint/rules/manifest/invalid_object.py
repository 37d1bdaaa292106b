"""A document of a manifest is not a Kubernetes object.

## What it does
In a file that holds Kubernetes objects, reports each document (or `kind: List` item) that is not
a mapping with both `apiVersion` and `kind`.

## Why is this bad?
`kubectl apply -f` fails on the file with `apiVersion not set` or `kind not set`, and every
object in the file is left unapplied. A document that lost these fields is usually the result
of a bad merge or wrong indentation.

## Example
```yaml
apiVersion: v1
kind: Service
metadata: {name: web}
---
metadata: {name: web-config}
data: {mode: production}
```

Use instead:
```yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
data: {mode: production}
```

## How to fix
Add the missing `apiVersion` and `kind`, or delete the document. An empty document between two
`---` lines is fine and not reported.
"""

from kubelint.findings import Severity

ID = "invalid-object"
SEVERITY = Severity.ERROR
SCOPE = "engine"
BOOK = "Chapter 4, Common kubectl Commands"

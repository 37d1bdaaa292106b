"""The file is not valid YAML.

## What it does
Reports YAML that cannot be read, at the line and column where the parser gave up. Each
document of a multi-document file is read on its own, so one broken document does not hide
the findings of the others.

## Why is this bad?
`kubectl apply` refuses the whole file, and the objects in it are never created. Declarative
configuration (chapter 1 of *Kubernetes: Up and Running*) only works when the files in version
control can be read by the tools that apply them.

## Example
```yaml
metadata:
  name: web
  labels: {app: web
```

Use instead:
```yaml
metadata:
  name: web
  labels: {app: web}
```

## How to fix
Look at the reported position and a line or two above it: an unclosed bracket or quote, a tab
used for indentation, or a key indented differently from its siblings are the usual causes.
"""

from kubelint.findings import Severity

ID = "yaml-syntax"
SEVERITY = Severity.ERROR
SCOPE = "engine"
BOOK = "Chapter 4, Common kubectl Commands"

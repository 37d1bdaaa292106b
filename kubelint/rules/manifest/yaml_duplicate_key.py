"""A mapping has the same key twice.

## What it does
Reports the second occurrence of a key in one YAML mapping.

## Why is this bad?
YAML parsers disagree about duplicate keys: some keep the last value, some the first, and
Kubernetes (through sigs.k8s.io/yaml) rejects the object outright with `mapping key "..." already
defined`. Even where a tool accepts the file, one of the two values is silently lost, usually
the one you just added.

## Example
```yaml
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  replicas: 3
```

Use instead:
```yaml
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
```

## How to fix
Keep one of the two entries, the one with the value you want.
"""

from kubelint.findings import Severity

ID = "yaml-duplicate-key"
SEVERITY = Severity.ERROR
SCOPE = "engine"
BOOK = "Chapter 4, Common kubectl Commands"

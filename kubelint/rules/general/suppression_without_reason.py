"""A suppression does not say why the finding is acceptable.

## What it does
Reports an `ignore.kubelint.io/<rule>` annotation with an empty value, a
`# kubelint: ignore=<rule>` comment with nothing after the rule names, and a configuration
`ignore:` entry without `reason`. The suppression still takes effect.

## Why is this bad?
A suppression is a decision, and the reason is what lets the next reader (or you, next year)
check that it still holds. Without one, suppressions pile up and the linter stops meaning
anything.

## Example
```yaml
metadata:
  annotations:
    ignore.kubelint.io/bare-pod: ""
```

Use instead:
```yaml
metadata:
  annotations:
    ignore.kubelint.io/bare-pod: "debug pod, deleted after the workshop"
```

## How to fix
Write the reason: in the annotation's value, after the rule names in the comment, or as
`reason:` in the configuration entry.
"""

from kubelint.findings import Severity

ID = "suppression-without-reason"
SEVERITY = Severity.WARNING
SCOPE = "engine"
BOOK = "Chapter 22, Organizing Your Application"

"""A suppression silences nothing.

## What it does
Reports an annotation, comment or configuration entry that names a rule which reported nothing
where the suppression applies, or a rule that does not exist.

## Why is this bad?
A stale suppression hides the next real problem of that rule in the same place, and a
misspelled rule name means the finding you wanted to silence is still there. Removing them keeps
the remaining suppressions meaningful.

## Example
```yaml
spec:
  containers:
    # kubelint: ignore=mutable-image-tag we track the nightly build here
    - name: web
      image: nginx:1.27.2
```

Use instead:
```yaml
spec:
  containers:
    - name: web
      image: nginx:1.27.2
```

## How to fix
Delete the suppression, or fix the rule name (`kubelint rules` lists them).
"""

from kubelint.findings import Severity

ID = "unused-suppression"
SEVERITY = Severity.INFO
SCOPE = "engine"
BOOK = "Chapter 22, Organizing Your Application"

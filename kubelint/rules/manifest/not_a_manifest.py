"""A YAML file named on the command line holds no Kubernetes object.

## What it does
Reports, once per file, a YAML file that you named explicitly but in which no document has both
`apiVersion` and `kind`. YAML files met while walking a folder are skipped silently instead.

## Why is this bad?
It is usually harmless (a CI workflow, a Helm values file, a kustomization handed to kubelint by
a pre-commit hook), which is why the default severity is info. It can also mean a manifest lost
its `apiVersion` or `kind`, and then nothing in it is checked.

## Example
```yaml
replicaCount: 3
image:
  tag: 1.2.3
```

Use instead:
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
```

## How to fix
If the file is a manifest, add the missing `apiVersion` and `kind`. If it is not, leave it out of
the files you pass to kubelint, or disable this rule.
"""

from kubelint.findings import Severity

ID = "not-a-manifest"
SEVERITY = Severity.INFO
SCOPE = "engine"
BOOK = "Chapter 4, Common kubectl Commands"

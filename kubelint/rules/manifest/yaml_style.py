"""A yamllint rule you enabled in the configuration found a problem.

## What it does
Runs yamllint, as a library, with the extra rules of `yamllint-rules` in `.kubelint.yaml`, and
reports their problems under this one rule, with yamllint's rule name in the message.

## Why is this bad?
Consistent YAML is easier to review. Some yamllint rules also catch YAML 1.1 surprises that
Kubernetes shares: `truthy` finds `yes`, `no`, `on` and `off`, which become booleans, and
`octal-values` finds numbers such as `0644` that YAML reads as octal.

## Example
With `yamllint-rules: {truthy: {allowed-values: ["true", "false"]}}`:
```yaml
data:
  feature-enabled: yes
```

Use instead:
```yaml
data:
  feature-enabled: "true"
```

## How to fix
Follow the yamllint rule named in the message (see yamllint's documentation of that rule), or
remove the rule from `yamllint-rules`.
"""

from kubelint.findings import Severity

ID = "yaml-style"
SEVERITY = Severity.WARNING
SCOPE = "engine"
BOOK = "Chapter 1, Introduction (declarative configuration)"

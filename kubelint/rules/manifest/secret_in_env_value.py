"""Secrets must not be written as literal environment variable values.

## What it does
Flags an `env` entry of a container (init containers and sidecars included) whose literal
`value` is a secret. The judgement uses the variable's name and its value together: a value
with the shape of a known credential (a cloud or SaaS token, a JWT, a private key, a URL with a
password in it) is reported whatever its name; a name that says password, token, API key...
is reported when its value is a real literal. Template placeholders and references
(`$(OTHER_VAR)`, `${VAR}`, `{{ .Values.x }}`), masks, paths and variables that only point at a
secret (`DB_PASSWORD_FILE`) are left alone, and so is `valueFrom`.

A long random-looking value under a neutral name is only a guess; it is reported when the
option `report-low-confidence` is true.

## Why is this bad?
Chapter 13 of *Kubernetes: Up and Running* separates configuration from secrets: passwords,
tokens and keys go into a Secret, which is kept apart from the pod definition, can be
encrypted at rest, is guarded by its own RBAC permissions, and can be rotated without touching
the Deployment. A literal in `env` ends up everywhere the manifest goes: in the git history,
the CI logs, the Deployment object that anyone allowed to read workloads can read, and
`kubectl describe` output.

## Example
```yaml
containers:
  - name: api
    image: registry.example.com/shop/api:5.0.2
    env:
      - name: DB_PASSWORD
        value: "s3cr3t-Passw0rd"
```

Use instead:
```yaml
containers:
  - name: api
    image: registry.example.com/shop/api:5.0.2
    env:
      - name: DB_PASSWORD
        valueFrom:
          secretKeyRef:
            name: api-database
            key: password
```

## How to fix
Create a Secret holding the value (`kubectl create secret generic api-database
--from-literal=password=...`, or through your secret manager), reference it with
`valueFrom.secretKeyRef`, and rotate the exposed credential: it is in your history already.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import Container, as_sequence
from kubelint.manifests.yamldoc import Mapping
from kubelint.secrets import HIGH, MEDIUM, SecretVerdict, judge_secret

ID = "secret-in-env-value"
SEVERITY = Severity.ERROR
SCOPE = "container"
CHECKS_FRAGMENTS = True
BOOK = "Chapter 13, ConfigMaps and Secrets"
OPTIONS = {"report-low-confidence": False}


def check(container: Container, options: dict[str, Any]) -> Iterator[Problem]:
    report_low = options.get("report-low-confidence") is True
    for index, variable in enumerate(as_sequence(container.data.get("env"))):
        if not isinstance(variable, Mapping) or "valueFrom" in variable:
            continue
        name = variable.get("name")
        name = name if isinstance(name, str) else None
        verdict = judge_secret(name, variable.get("value"))
        if verdict is not None and (verdict.confidence in (HIGH, MEDIUM) or report_low):
            yield Problem(_message(name, index, container.name, verdict), variable.value_span("value"))


def _message(name: str | None, index: int, container: str, verdict: SecretVerdict) -> str:
    label = f'env var "{name}"' if name else f"env var #{index + 1}"
    return (
        f'{label} of container "{container}" holds a literal secret ({_reason(name, verdict)}); '
        "move it into a Secret and use valueFrom.secretKeyRef"
    )


def _reason(name: str | None, verdict: SecretVerdict) -> str:
    """The message names the variable already; do not repeat it in the reason."""
    if name:
        return verdict.reason.replace(f'the name "{name}" says', "the name says")
    return verdict.reason

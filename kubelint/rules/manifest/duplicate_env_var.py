"""A container should not define the same environment variable twice.

## What it does
Flags an entry of a container's `env` whose `name` an earlier entry of the same list already
uses, and names the line of the first definition. Like the API server's own warning, it accepts
a redefinition that builds on the earlier value (`value: "$(PATH):/opt/tools/bin"`), since that
one needs the earlier entry.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 13, "ConfigMaps and Secrets") shows `env` as the place
where a container gets its configuration, one variable per entry, often filled from a ConfigMap
or a Secret. When a name appears twice the last entry silently wins: someone reading the first
entry, or changing it, has no effect and no error. It is also fragile with `kubectl apply`:
`env` is merged by name, so a patch can keep or drop either of the two entries, and the API
server warns that the earlier definition "may be dropped when using apply".

## Example
```yaml
env:
  - name: LOG_LEVEL
    value: info
  - name: DATABASE_URL
    valueFrom:
      secretKeyRef: {name: db, key: url}
  - name: LOG_LEVEL
    value: debug
```

Use instead:
```yaml
env:
  - name: LOG_LEVEL
    value: debug
  - name: DATABASE_URL
    valueFrom:
      secretKeyRef: {name: db, key: url}
```

## How to fix
Keep one entry per variable, with the value you want (today, the last one).
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import Container, as_sequence
from kubelint.manifests.yamldoc import Mapping

ID = "duplicate-env-var"
SEVERITY = Severity.WARNING
SCOPE = "container"
CHECKS_FRAGMENTS = True
BOOK = "Chapter 13, ConfigMaps and Secrets"


def check(container: Container, options: dict[str, Any]) -> Iterator[Problem]:
    first_lines: dict[str, int] = {}
    for entry in as_sequence(container.data.get("env")):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            continue
        name = entry["name"]
        span = entry.value_span("name")
        if name not in first_lines:
            first_lines[name] = span.line
        elif not _extends_earlier_value(entry, name):
            yield Problem(
                f'environment variable "{name}" of container "{container.name}" is already defined on '
                f"line {first_lines[name]}; the last definition wins and kubectl apply may drop one, "
                "so keep only one",
                span,
            )


def _extends_earlier_value(entry: Mapping, name: str) -> bool:
    """`X=$(X)...`: Kubernetes expands the earlier X into the new value, so both entries are needed."""
    value = entry.get("value")
    reference = f"$({name})"
    return entry.get("valueFrom") is None and isinstance(value, str) and reference in value and value != reference

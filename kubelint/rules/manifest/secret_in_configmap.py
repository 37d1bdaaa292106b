"""Secrets must not be stored in a ConfigMap.

## What it does
Flags secret-looking entries of a ConfigMap's `data`: an entry whose key and value together
look like a secret (`DB_PASSWORD: s3cr3t`, or any value shaped like a token, a private key or
a URL with a password), and, inside an entry that holds a whole file
(`application.properties`, `config.yaml`, `.env`...), each `key=value` or `key: value` line
that sets a secret (`spring.datasource.password=admin`). For a file written as a literal block
(`|`) the finding points at the line inside the block. Entries of `binaryData` are decoded and
judged as a whole when they hold text. Template placeholders and references (`${DB_PASSWORD}`,
`{{ .Values.x }}`) are left alone.

A long random-looking value under a neutral key is only a guess; it is reported when the
option `report-low-confidence` is true.

## Why is this bad?
Chapter 13 of *Kubernetes: Up and Running* draws the line clearly: ConfigMaps hold
configuration that is not sensitive, Secrets hold passwords, tokens and keys. Kubernetes
treats the two differently: Secrets can be encrypted at rest, are usually readable by fewer
people (RBAC rules grant `get` on ConfigMaps generously), are kept out of `kubectl describe`
output and are mounted on tmpfs. A password in a ConfigMap gets none of that, and lives in
plain text in every copy of the manifest.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: orders
data:
  LOG_LEVEL: info
  application.properties: |
    spring.datasource.url=jdbc:postgresql://db:5432/orders
    spring.datasource.password=Orders2024!
```

Use instead:
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: orders
data:
  LOG_LEVEL: info
  application.properties: |
    spring.datasource.url=jdbc:postgresql://db:5432/orders
    spring.datasource.password=${DB_PASSWORD}
---
apiVersion: v1
kind: Secret
metadata:
  name: orders-database
stringData:
  DB_PASSWORD: "(set by your secret manager, not in git)"
```

## How to fix
Move the secret into a Secret and give it to the container through `valueFrom.secretKeyRef`
or a Secret volume; keep only a placeholder in the configuration file, for the application
(or an init step) to fill in. Then rotate the credential: it is in your history already.
"""

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from typing import Any

from kubelint.findings import Problem, Severity, Span
from kubelint.manifests.objects import KubeObject, as_mapping
from kubelint.manifests.yamldoc import Mapping
from kubelint.secrets import HIGH, MEDIUM, SecretVerdict, judge_secret

ID = "secret-in-configmap"
SEVERITY = Severity.WARNING
SCOPE = "object"
CHECKS_FRAGMENTS = True
BOOK = "Chapter 13, ConfigMaps and Secrets"
OPTIONS = {"report-low-confidence": False}

_Accept = Callable[[SecretVerdict], bool]
# `name = value`, `name: value`, `export NAME=value`, `"name": "value",` on a stripped line of a file.
_ASSIGNMENT = re.compile(r"(?:export\s+|-\s+)?[\"']?(?P<name>[A-Za-z_][A-Za-z0-9_.\-\[\]]*)[\"']?\s*[:=](?P<value>.*)")
_COMMENT_STARTS = ("#", ";", "//", "!", "<!--")
_INLINE_COMMENT = re.compile(r"\s+#.*$")
_PEM_BEGIN, _PEM_END = "-----BEGIN", "-----END"
# A literal block's lines are indented under their key; two spaces is by far the usual step and
# the source text (which would give the exact column) is not kept with the object.
_BLOCK_INDENT = 2


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    if obj.kind != "ConfigMap":
        return
    accept = _confidence_filter(options)
    data = as_mapping(obj.data.get("data"))
    if data is not None:
        for key, value in data.items():
            if isinstance(value, str):
                yield from _check_entry(obj, data, key, value, accept)
    binary = as_mapping(obj.data.get("binaryData"))
    if binary is not None:
        for key, value in binary.items():
            text = _decoded_text(value)
            verdict = judge_secret(str(key), text) if text is not None else None
            if verdict is not None and accept(verdict):
                yield Problem(_entry_message(obj, key, verdict, "binaryData"), binary.value_span(key))


def _confidence_filter(options: dict[str, Any]) -> _Accept:
    report_low = options.get("report-low-confidence") is True
    return lambda verdict: verdict.confidence in (HIGH, MEDIUM) or report_low


def _check_entry(obj: KubeObject, data: Mapping, key: Any, value: str, accept: _Accept) -> Iterator[Problem]:
    if "\n" not in value.strip():
        verdict = judge_secret(str(key), value)
        if verdict is not None and accept(verdict):
            yield Problem(_entry_message(obj, key, verdict, "data"), data.value_span(key))
        return
    lines = value.split("\n")
    found = False
    for offset, name, verdict in _file_secrets(lines):
        if accept(verdict):
            found = True
            yield Problem(_line_message(obj, key, name, verdict), _line_span(data, key, offset, lines[offset]))
    if not found:
        # What no line shows on its own: a JSON document spread over lines, a flag in a script...
        verdict = judge_secret(str(key), value)
        if verdict is not None and accept(verdict):
            yield Problem(_entry_message(obj, key, verdict, "data"), data.value_span(key))


def _file_secrets(lines: list[str]) -> Iterator[tuple[int, str | None, SecretVerdict]]:
    """(line index, setting name or None, verdict) for each line of a file that writes a secret."""
    index = 0
    while index < len(lines):
        text = lines[index].strip()
        if _PEM_BEGIN in text:
            # A PEM block is judged whole (a private key is a secret, a certificate is not).
            end = next((i for i in range(index, len(lines)) if _PEM_END in lines[i]), len(lines) - 1)
            verdict = judge_secret(None, "\n".join(line.strip() for line in lines[index : end + 1]))
            if verdict is not None:
                yield index, None, verdict
            index = end + 1
            continue
        judged = _judge_line(text)
        if judged is not None:
            yield index, *judged
        index += 1


def _judge_line(text: str) -> tuple[str | None, SecretVerdict] | None:
    """The setting a line of a file makes and the verdict on it, None for a harmless line."""
    if not text or text.startswith(_COMMENT_STARTS):
        return None
    match = _ASSIGNMENT.match(text)
    if match is not None:
        name = match.group("name")
        verdict = judge_secret(name, _clean_value(match.group("value")))
        if verdict is not None:
            return name, verdict
    # Otherwise the line counts only when it holds a known credential format (a URL with a
    # password in a `proxy_pass` line): a lone random-looking line is base64 of anything.
    verdict = judge_secret(None, text)
    return (None, verdict) if verdict is not None and verdict.confidence == HIGH else None


def _clean_value(raw: str) -> str:
    value = raw.strip().rstrip(",;").strip()
    if value[:1] in ("'", '"'):
        closing = value.find(value[0], 1)
        return value[1:closing] if closing > 0 else value[1:]
    return _INLINE_COMMENT.sub("", value)


def _line_span(data: Mapping, key: Any, offset: int, line: str) -> Span:
    """The line inside a literal block; other styles fold or escape lines, so point at the value."""
    node = data.value_nodes.get(key)
    if node is None or getattr(node, "style", None) != "|":
        return data.value_span(key)
    column = data.key_span(key).column + _BLOCK_INDENT + len(line) - len(line.lstrip())
    return Span.point(data.value_span(key).line + 1 + offset, column)


def _decoded_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode("".join(value.split()), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def _subject(obj: KubeObject) -> str:
    return f'ConfigMap "{obj.name}"' if obj.name else "the ConfigMap"


def _entry_message(obj: KubeObject, key: Any, verdict: SecretVerdict, field: str) -> str:
    label = f'key "{key}"' if field == "data" else f'{field} key "{key}"'
    return (
        f"{label} of {_subject(obj)} holds a literal secret ({_reason(verdict, key, 'the key')}); "
        "move it into a Secret, which is kept apart and can be encrypted at rest"
    )


def _line_message(obj: KubeObject, key: Any, name: str | None, verdict: SecretVerdict) -> str:
    if name is None:
        return _entry_message(obj, key, verdict, "data")
    return (
        f'"{name}" in key "{key}" of {_subject(obj)} is set to a literal secret '
        f"({_reason(verdict, name, 'the name')}); move it into a Secret and leave a placeholder in the file"
    )


def _reason(verdict: SecretVerdict, name: Any, short: str) -> str:
    """The message names the key already; do not repeat it in the reason."""
    return verdict.reason.replace(f'the name "{name}" says', f"{short} says")

"""Secrets must not be set with ENV or passed in with ARG.

## What it does
Flags an `ENV` or `ARG` that holds or receives a secret:

- an `ENV` or an `ARG` default whose value is a secret, judged by name and value together (a value
  with the shape of a known credential, or a password/token/key name with a literal value);
- an `ENV` that copies a build argument into the image (`ENV NPM_TOKEN=$NPM_TOKEN`) when either name
  says it is a secret;
- an `ARG` without a default, inside a stage, whose name says it is a secret: its value comes from
  `--build-arg`.

References (`${OTHER}`), placeholders, paths and names that only point at a secret (`DB_PASSWORD_FILE`)
are left alone. An `ARG` whose secret the same stage already receives through a BuildKit secret mount
(`RUN --mount=type=secret,id=<the ARG's name>` or `env=<the ARG's name>`) is not reported: the build
is using the safe mechanism and the declaration is a leftover. A long random-looking value under a
neutral name is only a guess; it is reported when the option `report-low-confidence` is true.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 2) warns against baking passwords into an image, in the final
layer or any other: deleting a file in a later layer does not remove it from the earlier ones, and
everyone who can pull the image can read all of them. `ENV` values are stored in the image
configuration and shown by `docker inspect`. Build arguments are recorded too: every `RUN` after an
`ARG` lists the argument and its value in the image history (`docker history`), and in the build
cache and provenance. Secrets belong in the runtime environment (a Kubernetes Secret, chapter 13) and,
when the build itself needs one, in a BuildKit secret mount that is never written to a layer.

## Example
```dockerfile
FROM node:22.11-alpine3.20
ARG NPM_TOKEN
ENV NPM_TOKEN=$NPM_TOKEN
RUN npm ci
```

Use instead:
```dockerfile
FROM node:22.11-alpine3.20
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
```

## How to fix
Build with `docker build --secret id=npm_token,env=NPM_TOKEN .` and read the secret in the `RUN`
that needs it with `--mount=type=secret,id=npm_token` (as a file under `/run/secrets/`, or with
`env=NAME` as an environment variable of that one command). Give the running container its
secrets at run time. Then rotate the exposed credential: old images and their history still hold it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from kubelint.dockerfile.parser import Dockerfile, Instruction, Stage, key_values
from kubelint.findings import Problem, Severity
from kubelint.secrets import HIGH, MEDIUM, SecretVerdict, judge_secret, looks_like_secret_name

ID = "dockerfile-secret-in-env-or-arg"
SEVERITY = Severity.ERROR
SCOPE = "dockerfile"
BOOK = "Chapter 2, Creating and Running Containers"
OPTIONS = {"report-low-confidence": False}

_REFERENCE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))")
_SECRET_MOUNT_NAMES = ("id", "env", "target", "dst", "destination")


def check(dockerfile: Dockerfile, options: dict[str, Any]) -> Iterator[Problem]:
    report_low = options.get("report-low-confidence") is True
    for instruction in dockerfile.instructions:
        if instruction.stage < 0 and instruction.keyword == "ARG":
            yield from _global_arg_problems(instruction, report_low)
    for stage in dockerfile.stages:
        yield from _stage_problems(stage, report_low)


def _global_arg_problems(instruction: Instruction, report_low: bool) -> Iterator[Problem]:
    # Without a default, a global ARG only feeds FROM lines: no RUN records its value.
    for name, value, span in key_values(instruction):
        verdict = _verdict(name, value, report_low)
        if verdict is not None:
            yield Problem(_arg_default_message(name, verdict), span)


def _stage_problems(stage: Stage, report_low: bool) -> Iterator[Problem]:
    mounted = _secret_mount_names(stage)
    arguments: set[str] = set()
    for instruction in map(_unwrap_onbuild, stage.instructions):
        if instruction.keyword == "ARG":
            for name, value, span in key_values(instruction):
                arguments.add(name)
                message = _arg_message(name, value, mounted, report_low)
                if message is not None:
                    yield Problem(message, span, about=stage)
        elif instruction.keyword == "ENV":
            for name, value, span in key_values(instruction):
                message = _env_message(name, value, arguments, report_low)
                if message is not None:
                    yield Problem(message, span, about=stage)


def _unwrap_onbuild(instruction: Instruction) -> Instruction:
    """`ONBUILD ENV ...` as the ENV it triggers: the image configuration stores it, value and all."""
    words = instruction.words
    if instruction.keyword != "ONBUILD" or len(words) < 2 or words[0].value.upper() not in ("ENV", "ARG"):
        return instruction
    trigger = words[0].value.upper()
    arguments = instruction.arguments[len(words[0].value) :].strip()
    return replace(instruction, keyword=trigger, words=words[1:], arguments=arguments)


def _arg_message(name: str, value: str | None, mounted: set[str], report_low: bool) -> str | None:
    if value is None or not value.strip():
        if looks_like_secret_name(name) and name.lower() not in mounted:
            return _build_arg_message(name)
        return None
    verdict = _verdict(name, value, report_low)
    return _arg_default_message(name, verdict) if verdict is not None else None


def _env_message(name: str, value: str | None, arguments: set[str], report_low: bool) -> str | None:
    verdict = _verdict(name, value, report_low)
    if verdict is not None:
        return (
            f'ENV "{name}" writes a secret into the image ({_reason(name, verdict)}), where `docker inspect` shows it '
            "to anyone who can pull the image; give it to the container at run time instead"
        )
    copied = _copied_argument(name, value or "", arguments)
    if copied is None:
        return None
    return (
        f'ENV "{name}" copies the build argument "{copied}" into the image\'s environment, where `docker inspect` '
        "shows it; use a BuildKit secret (RUN --mount=type=secret,id=...,env=...) in the RUN that needs it"
    )


def _copied_argument(name: str, value: str, arguments: set[str]) -> str | None:
    """The build argument an ENV value takes, when the ENV's name or the argument's says it is a secret."""
    for match in _REFERENCE.finditer(value):
        argument = match.group(1) or match.group(2)
        if argument in arguments and (looks_like_secret_name(name) or looks_like_secret_name(argument)):
            return argument
    return None


def _verdict(name: str, value: str | None, report_low: bool) -> SecretVerdict | None:
    verdict = judge_secret(name, value)
    if verdict is None or (verdict.confidence not in (HIGH, MEDIUM) and not report_low):
        return None
    return verdict


def _secret_mount_names(stage: Stage) -> set[str]:
    """Lower-cased ids, env names and file names of the stage's `RUN --mount=type=secret` mounts."""
    names = set()
    for instruction in stage.instructions:
        if instruction.keyword != "RUN":
            continue
        for flag in instruction.flags:
            if flag.name != "mount" or not flag.value:
                continue
            fields = dict(part.partition("=")[::2] for part in flag.value.split(","))
            if fields.get("type") != "secret":
                continue
            for key in _SECRET_MOUNT_NAMES:
                if fields.get(key):
                    names.add(fields[key].rsplit("/", 1)[-1].lower())
    return names


def _reason(name: str, verdict: SecretVerdict) -> str:
    """The message names the variable already; do not repeat it in the reason."""
    return verdict.reason.replace(f'the name "{name}" says', "the name says")


def _arg_default_message(name: str, verdict: SecretVerdict) -> str:
    return (
        f'ARG "{name}" has a secret as its default ({_reason(name, verdict)}), which is kept in the Dockerfile, '
        "its git history and the history of images that use it; drop the default and pass the secret with "
        "RUN --mount=type=secret,id=..."
    )


def _build_arg_message(name: str) -> str:
    return (
        f'ARG "{name}" receives a secret with --build-arg, and every later RUN records build arguments '
        f"in the image history; use a BuildKit secret instead: RUN --mount=type=secret,id={name.lower()} ..."
    )

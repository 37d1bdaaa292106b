"""Private keys and credential files must not be copied into an image.

## What it does
Flags a `COPY` or `ADD` from the build context whose source names a key or credential file: SSH
private keys (`id_rsa`, `id_ed25519`, `ssh_host_*_key`, anything under `.ssh/`), private key and key
store files (`*.pem`, `*.key`, `*.p12`, `*.pfx`, `*.ppk`), dotenv files (`.env`, `.env.production`;
not `.env.example`), and the credential files of common tools (`.npmrc`, `.pypirc`, `.netrc`,
`.git-credentials`, `.pgpass`, `.dockercfg`, `.docker/config.json`, `.aws/credentials`,
`credentials.json`, `client_secret*.json`, `application_default_credentials.json`, kubeconfigs).
Globs such as `certs/*.key` count. A `.pem` named as a certificate (`ca.pem`, `fullchain.pem`,
`server-cert.pem`, but not `ca-key.pem`), a `.key` named as a public or package signing key
(`release.key`, `repo.gpg.key`), and any key file copied to a trust store or package keyring
(`/etc/ssl/certs/`, `/usr/local/share/ca-certificates/`, `/etc/apt/`, `/usr/share/keyrings/`,
`/etc/apk/keys/`) hold public material and are left alone; so are `COPY --from=...` (a stage, not
the context), URLs, heredocs and sources written with variables.

When the Dockerfile is a file on disk, `COPY .` (and `./`, `/`, `*`), which sends the whole build
context, is checked against what is really there: the folder holding the Dockerfile is taken as the
context, its `.dockerignore` is applied (or `<Dockerfile name>.dockerignore`, which BuildKit prefers),
and the rule names the first few credential files the ignore file lets through. The walk stops after
20,000 entries or 12 levels and skips `.git`.

Terraform variable files (`*.tfvars`) are not matched: most hold plain settings, and a secret in one
is a problem of its own that a content scanner finds better than a file name.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 2) warns that a password or key baked into any layer of an
image is readable by everyone who can pull it, and that removing the file in a later layer does not
help: the earlier layer still holds it. A context copied whole takes along whatever happens to lie in
the folder, including the developer's `.env` and the deploy key, unless `.dockerignore` leaves them
out.

## Example
```dockerfile
FROM node:22.11-alpine3.20
WORKDIR /app
COPY .npmrc package.json package-lock.json ./
RUN npm ci && rm .npmrc
```

Use instead:
```dockerfile
FROM node:22.11-alpine3.20
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci
```

## How to fix
Mount what the build needs with `RUN --mount=type=secret,id=...` (or `--mount=type=ssh` for SSH
keys; build with `--secret id=npmrc,src=$HOME/.npmrc` or `--ssh default`) and give the running
container its credentials at run time, from a Kubernetes Secret. List credential files in
`.dockerignore` (`**/.env`, `**/*.pem`, `**/id_rsa`), or copy only the folders the image needs.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from typing import Any

from kubelint.dockerfile.dockerignore import DockerIgnore, context_files, find_ignore_file
from kubelint.dockerfile.parser import Dockerfile, Instruction, Stage
from kubelint.findings import Problem, Severity

ID = "dockerfile-secret-file-copied"
SEVERITY = Severity.ERROR
SCOPE = "dockerfile"
BOOK = "Chapter 2, Creating and Running Containers"

_SHOWN_FILES = 3
_SSH_HOST_KEY = re.compile(r"ssh_host_[a-z0-9_*]*key\*?")
_SSH_PRIVATE_KEYS = frozenset({"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"})
_CREDENTIAL_FILES = {
    ".npmrc": "an npm configuration, which holds registry tokens",
    ".pypirc": "a PyPI configuration, which holds upload credentials",
    ".netrc": "a .netrc file, which holds login credentials",
    "_netrc": "a .netrc file, which holds login credentials",
    ".git-credentials": "a git credential store",
    ".pgpass": "a PostgreSQL password file",
    ".dockercfg": "Docker registry credentials",
    "credentials.json": "a credentials file",
    "application_default_credentials.json": "Google Cloud credentials",
    "kubeconfig": "a kubeconfig, which holds cluster credentials",
}
_CREDENTIAL_PATHS = {
    ".docker/config.json": "Docker registry credentials",
    ".aws/credentials": "AWS credentials",
    ".kube/config": "a kubeconfig, which holds cluster credentials",
}
_CREDENTIAL_FOLDERS = {
    ".ssh": "an SSH folder, with its private keys",
    ".gnupg": "a GnuPG folder, with its private keys",
}
_KEY_SUFFIXES = {
    ".pem": "a PEM file, which usually holds a private key",
    ".key": "a private key file",
    ".p12": "a PKCS#12 key store",
    ".pfx": "a PKCS#12 key store",
    ".ppk": "a PuTTY private key",
}
# Words in a .pem or .key file's name that say which half of a key pair it holds.
_PRIVATE_NAME_WORDS = frozenset({"key", "private", "priv", "privkey", "secret"})
_PUBLIC_PEM_WORDS = frozenset(
    {"ca", "cacert", "cert", "certs", "certificate", "chain", "fullchain", "bundle", "trust", "pub", "public"}
)
_PUBLIC_KEY_WORDS = frozenset({"pub", "public", "gpg", "pgp", "keyring", "release", "archive", "repo"})
_PUBLIC_DESTINATIONS = (
    "/etc/ssl/certs",
    "/usr/local/share/ca-certificates",
    "/usr/share/ca-certificates",
    "/etc/pki/ca-trust",
    "/etc/ca-certificates",
    "/etc/pki/rpm-gpg",
    "/etc/apt",
    "/usr/share/keyrings",
    "/etc/apk/keys",
)
_EXAMPLE_ENV_SUFFIXES = frozenset({"example", "sample", "template", "dist", "default", "defaults", "tpl", "schema"})
_WHOLE_CONTEXT = frozenset({".", "/", "*"})


def check(dockerfile: Dockerfile, options: dict[str, Any]) -> Iterator[Problem]:
    leaks = _ContextLeaks(dockerfile.path)
    for stage in dockerfile.stages:
        for instruction in stage.instructions:
            if instruction.keyword in ("COPY", "ADD") and instruction.flag("from") is None:
                yield from _copy_problems(instruction, stage, leaks)


def secret_file_kind(path: str) -> str | None:
    """What kind of credential a context path (or a glob of them) names, or None."""
    path = path.replace("\\", "/").strip("/").lower()
    name = posixpath.basename(path)
    if name in _SSH_PRIVATE_KEYS or _is_ssh_host_key(name):
        return "an SSH private key"
    folders = path.split("/")
    for folder, kind in _CREDENTIAL_FOLDERS.items():
        if folder in folders:
            return kind
    for suffix, kind in _CREDENTIAL_PATHS.items():
        if path == suffix or path.endswith("/" + suffix):
            return kind
    if name in _CREDENTIAL_FILES:
        return _CREDENTIAL_FILES[name]
    if name.endswith(".kubeconfig"):
        return _CREDENTIAL_FILES["kubeconfig"]
    if name.startswith("client_secret") and name.endswith(".json"):
        return "a Google OAuth client secret"
    if _is_dotenv(name):
        return "a dotenv file, which usually holds secrets"
    return _key_file_kind(name)


def _is_ssh_host_key(name: str) -> bool:
    """ssh_host_ed25519_key, or a glob such as ssh_host_*_key* that takes the private halves along."""
    return _SSH_HOST_KEY.fullmatch(name) is not None


def _is_dotenv(name: str) -> bool:
    if name == ".env":
        return True
    if not name.startswith(".env."):
        return False
    return not _EXAMPLE_ENV_SUFFIXES.intersection(name.split(".")[2:])


def _key_file_kind(name: str) -> str | None:
    stem, suffix = posixpath.splitext(name)
    kind = _KEY_SUFFIXES.get(suffix)
    words = set(stem.replace("-", "_").replace(".", "_").split("_"))
    if suffix == ".pem" and not words & _PRIVATE_NAME_WORDS and words & _PUBLIC_PEM_WORDS:
        return None
    if suffix == ".key" and words & _PUBLIC_KEY_WORDS:
        return None
    return kind


def _copy_problems(instruction: Instruction, stage: Stage, leaks: _ContextLeaks) -> Iterator[Problem]:
    if len(instruction.words) < 2:
        return
    public_destination = _is_public_destination(_unquote(instruction.words[-1].value))
    for word in instruction.words[:-1]:
        source = _unquote(word.value)
        if _is_not_from_context(source, instruction):
            continue
        if posixpath.normpath(source) in _WHOLE_CONTEXT:
            message = leaks.message(instruction.keyword, source)
            if message is not None:
                yield Problem(message, word.span, about=stage)
            continue
        kind = secret_file_kind(source)
        if kind is None or (public_destination and _is_key_suffix(source)):
            continue
        yield Problem(_source_message(instruction.keyword, source, kind), word.span, about=stage)


def _is_not_from_context(source: str, instruction: Instruction) -> bool:
    if "$" in source or "://" in source or source.startswith("git@"):
        return True
    return bool(instruction.heredocs) and source.lstrip("0123456789").startswith("<<")


def _is_key_suffix(source: str) -> bool:
    return posixpath.splitext(source.lower())[1] in _KEY_SUFFIXES


def _is_public_destination(destination: str) -> bool:
    return any(destination == folder or destination.startswith(folder + "/") for folder in _PUBLIC_DESTINATIONS)


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _source_message(keyword: str, source: str, kind: str) -> str:
    return (
        f'{keyword} puts "{source}" ({kind}) into the image, where everyone who can pull the image can read it; '
        "mount it only for the RUN that needs it (RUN --mount=type=secret,id=...) or provide it at run time"
    )


class _ContextLeaks:
    """The credential files that copying the whole build context would take along, found once per Dockerfile."""

    def __init__(self, dockerfile_path: str) -> None:
        self.dockerfile_path = dockerfile_path
        self._files: list[tuple[str, str]] | None = None
        self._ignore_file: str | None = None

    def message(self, keyword: str, source: str) -> str | None:
        files = self._leaking_files()
        if not files:
            return None
        shown = ", ".join(f"{path} ({kind})" for path, kind in files[:_SHOWN_FILES])
        more = f" and {len(files) - _SHOWN_FILES} more" if len(files) > _SHOWN_FILES else ""
        if self._ignore_file is None:
            why = "there is no .dockerignore to leave out"
        else:
            why = f"{os.path.basename(self._ignore_file)} does not exclude"
        return (
            f'{keyword} "{source}" copies the whole build context, and {why} {shown}{more}; '
            "add them to .dockerignore, or copy only what the image needs"
        )

    def _leaking_files(self) -> list[tuple[str, str]]:
        if self._files is None:
            self._files = self._find_leaking_files()
        return self._files

    def _find_leaking_files(self) -> list[tuple[str, str]]:
        # Only a Dockerfile read from disk has a context to look at; text given directly has none.
        if not os.path.isfile(self.dockerfile_path):
            return []
        folder = os.path.dirname(self.dockerfile_path) or "."
        self._ignore_file = find_ignore_file(self.dockerfile_path)
        ignore = DockerIgnore()
        if self._ignore_file is not None:
            try:
                with open(self._ignore_file, encoding="utf-8", errors="replace") as stream:
                    ignore = DockerIgnore.from_text(stream.read())
            except OSError:
                return []
        found = []
        for path in context_files(folder, ignore):
            kind = secret_file_kind(path)
            if kind is not None:
                found.append((path, kind))
        return found

"""Which cluster a notebook talks to, and the chapter's own kubeconfig for it.

A learner either runs a kind cluster named `kuar` (the book's setup: its kubeconfig context is `kind-kuar`) or has
nothing at all, in which case kubesim, the project's embedded API server, is started in the background and shared by
every notebook. The choice, in order:

1. `KUARLAB_BACKEND=kubesim` or `KUARLAB_BACKEND=kubeconfig` forces it (`kubeconfig` takes `$KUBECONFIG`, or
   `~/.kube/config`, and its current context as it is);
2. a context `kind-kuar` in the kubeconfig that answers `/version` within 2 s;
3. kubesim, through `kubesim up --speed $KUBESIM_SPEED` (data in `$KUBESIM_HOME`), reused when already running.

Each chapter then gets a kubeconfig of its own: a copy of the chosen context whose namespace is the chapter's
(`ch05`), written under the state dir (`$KUARLAB_HOME`, default `~/.local/share/kuar-lab`), so that every plain
`kubectl` in a cell lands in the chapter's namespace without `-n`.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

KIND_CONTEXT = "kind-kuar"
PROBE_SECONDS = 2.0
KUBESIM_START_SECONDS = 90.0
# kubeconfig keys that may hold a path, relative to the kubeconfig that names them
_PATH_KEYS = {"cluster": ("certificate-authority",), "user": ("client-certificate", "client-key", "tokenFile")}
# set by connect() once it points KUBECONFIG at a chapter's file, so a later connect still finds the learner's own
USER_KUBECONFIG_VARIABLE = "KUARLAB_USER_KUBECONFIG"


class BackendError(Exception):
    """No usable cluster: the message says why and what to do."""


@dataclass
class Backend:
    """The chosen cluster: `kind` is "kubesim" or "kubeconfig"; `config` is a one-context kubeconfig for it."""

    kind: str
    config: dict[str, Any]
    description: str


def state_dir() -> Path:
    return Path(os.environ.get("KUARLAB_HOME") or Path.home() / ".local" / "share" / "kuar-lab")


def kubesim_home() -> Path:
    return Path(os.environ.get("KUBESIM_HOME") or Path.home() / ".local" / "share" / "kubesim")


def choose_backend() -> Backend:
    forced = os.environ.get("KUARLAB_BACKEND", "").strip().lower()
    if forced == "kubesim":
        return start_kubesim()
    if forced == "kubeconfig":
        return _from_user_kubeconfig(context=None)
    if forced:
        raise BackendError(f"KUARLAB_BACKEND={forced!r}: use kubesim or kubeconfig, or unset it to choose on its own")
    try:
        kind = _from_user_kubeconfig(context=KIND_CONTEXT)
    except BackendError:
        return start_kubesim()
    return kind if answers_version(kind.config) else start_kubesim()


def answers_version(config: dict[str, Any]) -> bool:
    from kubernetes import client
    from kubernetes import config as kube_config

    try:
        api = kube_config.new_client_from_config_dict(config)
        with api:
            client.VersionApi(api).get_code(_request_timeout=PROBE_SECONDS)
    except Exception:  # any failure at all means "not this cluster": unreachable, refused, bad credentials
        return False
    return True


def start_kubesim() -> Backend:
    home = kubesim_home()
    running = _kubesim("status", home).returncode == 0
    if not running:
        speed = os.environ.get("KUBESIM_SPEED", "1")
        started = _kubesim("up", home, "--speed", speed, timeout=KUBESIM_START_SECONDS)
        if started.returncode != 0:
            raise BackendError(f"kubesim did not start: {started.stderr.strip()} (log: {home / 'kubesim.log'})")
    config = load_context(home / "kubeconfig", context=None)
    how = "already running" if running else "started in the background"
    return Backend("kubesim", config, f"kubesim ({how}, {{nodes}} nodes)")


def _kubesim(command: str, home: Path, *options: str, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "kubesim", command, "--data-dir", str(home), *options]
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise BackendError(f"`kubesim {command}` did not finish within {timeout:.0f} s") from None


def user_kubeconfig_files() -> list[Path]:
    if USER_KUBECONFIG_VARIABLE in os.environ:  # set, even empty, once connect() replaced KUBECONFIG
        listed = os.environ[USER_KUBECONFIG_VARIABLE]
    else:
        listed = os.environ.get("KUBECONFIG", "")
    files = [Path(part).expanduser() for part in listed.split(os.pathsep) if part]
    return files or [Path.home() / ".kube" / "config"]


def _from_user_kubeconfig(context: str | None) -> Backend:
    for path in user_kubeconfig_files():
        try:
            config = load_context(path, context)
        except BackendError:
            continue
        name = config["current-context"]
        return Backend("kubeconfig", config, f"{name} via {_home_relative(path)}")
    wanted = f"a context {context!r}" if context else "a current context"
    files = ", ".join(_home_relative(path) for path in user_kubeconfig_files())
    raise BackendError(f"no kubeconfig with {wanted} in {files}")


def load_context(path: Path, context: str | None) -> dict[str, Any]:
    """A self-contained kubeconfig holding one context of the file at path (its current one when context is None)."""
    try:
        document = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as error:
        raise BackendError(f"cannot read {path}: {error}") from None
    if not isinstance(document, dict):
        raise BackendError(f"{path} is not a kubeconfig")
    name = context or document.get("current-context")
    entry = _named(document, "contexts", name)
    if not name or entry is None or not isinstance(entry.get("context"), dict):
        raise BackendError(f"{path} has no context {name!r}")
    cluster = _named(document, "clusters", entry["context"].get("cluster"))
    user = _named(document, "users", entry["context"].get("user")) or {"name": "", "user": {}}
    if cluster is None:
        raise BackendError(f"{path}: context {name!r} names no known cluster")
    for key, item in (("cluster", cluster), ("user", user)):
        _absolute_paths(item.get(key) or {}, key, path.parent)
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": name,
        "contexts": [entry],
        "clusters": [cluster],
        "users": [user],
        "preferences": {},
    }


def _named(document: dict[str, Any], section: str, name: Any) -> dict[str, Any] | None:
    for item in document.get(section) or []:
        if isinstance(item, dict) and item.get("name") == name:
            return copy.deepcopy(item)
    return None


def _absolute_paths(item: dict[str, Any], key: str, base: Path) -> None:
    for path_key in _PATH_KEYS[key]:
        if isinstance(item.get(path_key), str):
            item[path_key] = str((base / Path(item[path_key]).expanduser()).resolve())


def chapter_config(config: dict[str, Any], namespace: str) -> dict[str, Any]:
    chapter = copy.deepcopy(config)
    chapter["contexts"][0]["context"]["namespace"] = namespace
    return chapter


def write_private(path: Path, text: str) -> None:
    """Write atomically, readable by its owner only: a kubeconfig holds credentials."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_chapter_kubeconfig(config: dict[str, Any], namespace: str) -> Path:
    path = state_dir() / "kubeconfigs" / f"{namespace}.yaml"
    write_private(path, yaml.safe_dump(chapter_config(config, namespace), sort_keys=False))
    return path


def kubectl_version(kubectl: Path) -> str | None:
    try:
        answer = subprocess.run(
            [str(kubectl), "version", "--client", "-o", "json"], capture_output=True, text=True, timeout=10
        )
        version: str = json.loads(answer.stdout)["clientVersion"]["gitVersion"]
    except (OSError, subprocess.TimeoutExpired, ValueError, KeyError, TypeError):
        return None
    return version.removeprefix("v")


def _home_relative(path: Path) -> str:
    try:
        return "~/" + str(path.resolve().relative_to(Path.home().resolve()))
    except ValueError:
        return str(path)

"""A real JupyterLab, with a kubesim of its own, driven by a real headless Chromium.

The browser is Debian's `chromium` (`/usr/bin/chromium`, or the binary named by `$CHROMIUM`), driven through
Playwright's Python package; Playwright's own browser downloads are never used. Where either is missing the tests
here are skipped, saying which.

`jupyterlab` starts, for the module: a kubesim at `KUBESIM_SPEED=20` in a throwaway home, then `jupyter lab` on a
free port of 127.0.0.1, rooted at the repository, whose kernels inherit an environment that points kuarlab at that
kubesim (`KUARLAB_BACKEND=kubesim`, throwaway `KUARLAB_HOME`). `KUARLAB_PLAIN` is left unset, so the live views
render as widgets, which is the point of these tests; `KUARLAB_AUTOSOLVE=1` lets a chapter's exercise checks run
their solutions, as the notebook suite does, so that "Run All Cells" goes through the whole chapter.

JupyterLab gets settings of its own: no autosave and checkpoints kept in the throwaway home (the notebooks in the
repository must stay as they are, without outputs), no news or update checks (no network, no pop-ups over the
page), every cell kept in the page (no windowing) so that the outputs can be read. At the end JupyterLab is shut
down through its API (which stops its kernels; any kernel left is killed), then kubesim.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
SERVER_START_SECONDS = 90
SERVER_STOP_SECONDS = 30
KUBESIM_SECONDS = 120
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
# what the test process may carry that must not reach the kernels: they choose their cluster from our variables only
INHERITED_VARIABLES_TO_DROP = ("KUBECONFIG", "KUARLAB_", "KUBESIM_", "JPY_", "JUPYTER", "PYTEST_")


@dataclass(frozen=True)
class JupyterLab:
    url: str
    token: str

    def page_url(self, path: str) -> str:
        return f"{self.url}/lab/tree/{path}?token={self.token}"

    def api(self, path: str, method: str = "GET") -> Any:
        request = urllib.request.Request(
            f"{self.url}/api/{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None


def chromium_executable() -> Path:
    named = os.environ.get("CHROMIUM")
    candidate = Path(named) if named else DEFAULT_CHROMIUM
    if not (candidate.is_file() and os.access(candidate, os.X_OK)):
        where = f"$CHROMIUM={named}" if named else f"{DEFAULT_CHROMIUM} (or set $CHROMIUM)"
        pytest.skip(f"no browser for the real-browser test: nothing executable at {where}; apt-get install chromium")
    return candidate


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_executable()
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright's Python package is not installed (pip install -e '.[dev]')"
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=["--disable-dev-shm-usage"], timeout=60_000
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    home = tmp_path_factory.mktemp("browser")
    kubesim_home = home / "kubesim"
    _kubesim("up", kubesim_home, "--speed", "20")
    try:
        yield from _serve(home, kubesim_home)
    finally:
        _kubesim("down", kubesim_home)


def _serve(home: Path, kubesim_home: Path) -> Iterator[JupyterLab]:
    token = os.urandom(16).hex()
    port = _free_port()
    lab = JupyterLab(f"http://127.0.0.1:{port}", token)
    command = [
        str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--ServerApp.token={token}",
        f"--port={port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={ROOT}",
        "--ServerApp.allow_root=True", f"--FileCheckpoints.root_dir={home / 'checkpoints'}",
    ]  # fmt: skip
    log = (home / "jupyterlab.log").open("wb")
    server = subprocess.Popen(
        command, env=_server_environment(home, kubesim_home), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True, cwd=ROOT,
    )  # fmt: skip
    try:
        _wait_until_serving(lab, server, home / "jupyterlab.log")
        yield lab
    finally:
        _shut_down(lab, server, home / "jupyter-runtime")
        log.close()
        if ARTIFACTS.is_dir():
            shutil.copy(home / "jupyterlab.log", ARTIFACTS / "jupyterlab.log")


def _server_environment(home: Path, kubesim_home: Path) -> dict[str, str]:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith(INHERITED_VARIABLES_TO_DROP)
    }
    settings = home / "lab-settings"
    for relative, values in LAB_SETTINGS.items():
        (settings / relative).parent.mkdir(parents=True, exist_ok=True)
        (settings / relative).write_text(json.dumps(values))
    environment.update(
        KUBESIM_HOME=str(kubesim_home),
        KUBESIM_SPEED="20",
        KUARLAB_HOME=str(home / "kuarlab"),
        KUARLAB_BACKEND="kubesim",
        KUARLAB_AUTOSOLVE="1",
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "lab-workspaces"),
        JUPYTER_CONFIG_DIR=str(home / "jupyter-config"),
        JUPYTER_RUNTIME_DIR=str(home / "jupyter-runtime"),
    )
    return environment


def _wait_until_serving(lab: JupyterLab, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"jupyter lab exited with {server.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            lab.api("status")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    pytest.fail(
        f"jupyter lab did not answer within {SERVER_START_SECONDS} s:\n{log.read_text(errors='replace')[-3000:]}"
    )


def _shut_down(lab: JupyterLab, server: subprocess.Popen[bytes], runtime: Path) -> None:
    """Asks JupyterLab to stop (it shuts its kernels down first); kills it and its kernels if it does not."""
    try:
        lab.api("shutdown", method="POST")
        server.wait(SERVER_STOP_SECONDS)
    except (urllib.error.URLError, ConnectionError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(SERVER_STOP_SECONDS)
    for pid in _processes_naming(runtime):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _processes_naming(runtime: Path) -> list[int]:
    """Processes whose command line names this server's runtime dir: its kernels (each in a session of its own, so
    killing the server's process group misses them), found by a path no other process can name."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command_line = (entry / "cmdline").read_bytes()
        except OSError:  # not a process, or it ended meanwhile
            continue
        if entry.name.isdigit() and str(runtime).encode() in command_line:
            found.append(int(entry.name))
    return found


def _kubesim(command: str, home: Path, *options: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kubesim", command, "--data-dir", str(home), *options],
        capture_output=True, text=True, timeout=KUBESIM_SECONDS,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.fail(f"`kubesim {command}` failed: {done.stderr.strip()} (log: {home / 'kubesim.log'})")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])

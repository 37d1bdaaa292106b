"""A real kubesim process per test module, and the project's real kubectl pointed at it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

KUBECTL = Path(sys.executable).parent / "kubectl"
START_TIMEOUT = 60.0
WAIT_SECONDS = 60.0  # the longest a test waits for the cluster to get somewhere, on a loaded CI machine
SPEED = 20  # simulated delays (image pulls, probes, back-offs) pass 20 times faster in tests


def eventually(condition: Callable[[], Any], seconds: float = WAIT_SECONDS) -> Any:
    """condition's first truthy answer within seconds (polling), else its last answer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = condition()
        if answer:
            return answer
        time.sleep(0.1)
    return condition()


@dataclass
class Cluster:
    data_dir: Path
    process: subprocess.Popen[bytes]

    @property
    def kubeconfig(self) -> Path:
        return self.data_dir / "kubeconfig"

    def kubectl(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "KUBECONFIG": str(self.kubeconfig)}
        result = subprocess.run(
            [str(KUBECTL), *args], input=stdin, capture_output=True, text=True, timeout=120, env=env
        )
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result

    def stop(self, sig: int = signal.SIGTERM) -> None:
        self.process.send_signal(sig)
        self.process.wait(timeout=30)


def start_cluster(data_dir: Path, *options: str) -> Cluster:
    """kubesim serving from data_dir, with `options` added to `kubesim serve` (such as "--nodes", "5")."""
    (data_dir / "kubeconfig").unlink(missing_ok=True)
    log = open(data_dir.parent / f"{data_dir.name}.log", "ab")  # noqa: SIM115 - the child writes to it
    process = subprocess.Popen(
        [sys.executable, "-m", "kubesim", "serve", "--data-dir", str(data_dir), "--speed", str(SPEED), *options],
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while not (data_dir / "kubeconfig").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(
                f"kubesim did not start: {(data_dir.parent / f'{data_dir.name}.log').read_text()[-3000:]}"
            )
        time.sleep(0.05)
    return Cluster(data_dir, process)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not KUBECTL.exists():
        pytest.skip(f"the project's kubectl is not installed at {KUBECTL}")
    running = start_cluster(tmp_path_factory.mktemp("kubesim") / "data")
    yield running
    if running.process.poll() is None:
        running.stop()

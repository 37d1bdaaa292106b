"""A kubesim for kuarlab's tests, and a fresh `Lab` connected to it as a notebook would be.

`lab_env` gives each test its own KUARLAB_HOME and KUBESIM_HOME and clears every variable kuarlab reads, then
restores the environment afterwards (connect() changes KUBECONFIG and PATH for the process, as it must in a kernel).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kuarlab.facade import Lab
from tests.kubesim.conftest import KUBECTL, Cluster, start_cluster

KUARLAB_VARIABLES = (
    "KUARLAB_BACKEND", "KUARLAB_AUTOSOLVE", "KUARLAB_PLAIN", "KUARLAB_EXERCISES_DIR", "KUARLAB_USER_KUBECONFIG",
    "KUBESIM_SPEED", "JPY_SESSION_NAME",
)  # fmt: skip


@pytest.fixture(scope="module")
def kubesim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not KUBECTL.exists():
        pytest.skip(f"the project's kubectl is not installed at {KUBECTL}")
    running = start_cluster(tmp_path_factory.mktemp("kubesim") / "data")
    yield running
    if running.process.poll() is None:
        running.stop()


@pytest.fixture
def lab_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in KUARLAB_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KUARLAB_HOME", str(tmp_path / "kuarlab"))
    monkeypatch.setenv("KUBESIM_HOME", str(tmp_path / "kubesim"))
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.kube/config of the machine's
    monkeypatch.setenv("KUBECONFIG", os.environ.get("KUBECONFIG", ""))
    monkeypatch.setenv("PATH", os.environ.get("PATH", ""))
    return tmp_path


@pytest.fixture
def lab(kubesim: Cluster, lab_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lab]:
    """A Lab on the module's kubesim (through KUARLAB_BACKEND=kubeconfig), connected to chapter 05."""
    monkeypatch.setenv("KUARLAB_BACKEND", "kubeconfig")
    monkeypatch.setenv("KUBECONFIG", str(kubesim.kubeconfig))
    connected = Lab().connect("05")
    yield connected
    connected.stop_all()

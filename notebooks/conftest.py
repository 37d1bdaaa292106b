"""Running the chapter notebooks as tests (nbval, `--nbval-lax`): every cell must run without an error.

nbval starts a notebook's kernel while it sets up the notebook's first cell, and the kernel inherits the environment
of that moment. So, around that setup only (the other tests of the same process see their usual environment), each
pytest process (each xdist worker) gives its kernels a throwaway home for kubesim and for kuarlab's state, so that a
worker's notebooks share one kubesim and never touch the learner's own cluster or progress:
KUARLAB_BACKEND=kubesim (unless it is set already: tests/kuarlab/test_notebooks_on_a_kubeconfig.py runs them all
with kubeconfig, against a cluster they did not start), KUBESIM_SPEED=20 (simulated delays pass 20 times faster),
KUARLAB_AUTOSOLVE=1 (a failing check runs its solution and must then pass: this proves every solution) and
KUARLAB_PLAIN=1 (views print text).
JPY_SESSION_NAME is the notebook's path, as Jupyter sets it, so that `%load_ext kuarlab` finds the chapter. That
kubesim is stopped when the session ends.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@functools.cache
def _home() -> Path:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return Path(tempfile.mkdtemp(prefix=f"kuarlab-notebooks-{worker}-"))


def _kernel_environment(notebook: Path) -> dict[str, str]:
    return {
        "KUBESIM_HOME": str(_home() / "kubesim"),
        "KUARLAB_HOME": str(_home() / "kuarlab"),
        "KUARLAB_BACKEND": os.environ.get("KUARLAB_BACKEND") or "kubesim",  # the real-cluster lane sets kubeconfig
        "KUBESIM_SPEED": "20",
        "KUARLAB_AUTOSOLVE": "1",
        "KUARLAB_PLAIN": "1",
        "JPY_SESSION_NAME": str(notebook),
    }


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    if item.path.suffix != ".ipynb":
        yield
        return
    environment = _kernel_environment(item.path)
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _home.cache_info().currsize == 0:
        return  # no notebook ran in this process
    subprocess.run(
        [sys.executable, "-m", "kubesim", "down", "--data-dir", str(_home() / "kubesim")],
        capture_output=True,
        timeout=60,
    )
    shutil.rmtree(_home(), ignore_errors=True)

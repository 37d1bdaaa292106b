"""The real-cluster path: every chapter notebook passes when kuarlab is pointed through KUBECONFIG at a cluster it
did not start (here a kubesim this test starts, as a learner's kind cluster would be), so that nothing in the
notebooks depends on kuarlab having started kubesim itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.kubesim.conftest import KUBECTL, start_cluster

ROOT = Path(__file__).resolve().parents[2]
# pytest's own variables, and what kuarlab's in-process tests in this worker left behind (a chapter kubeconfig of a
# cluster that has stopped, saved as the learner's): the notebooks must see only the cluster named here
INHERITED_NOT = ("PYTEST_", "KUARLAB_", "KUBESIM_")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


@pytest.mark.timeout(3600)
def test_every_notebook_passes_on_a_cluster_named_by_kubeconfig(tmp_path: Path) -> None:
    if not KUBECTL.exists():
        pytest.skip(f"the project's kubectl is not installed at {KUBECTL}")
    cluster = start_cluster(tmp_path / "cluster")
    try:
        environment = {
            **{name: value for name, value in os.environ.items() if not name.startswith(INHERITED_NOT)},
            "KUARLAB_BACKEND": "kubeconfig",
            "KUBECONFIG": str(cluster.kubeconfig),
        }
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", *map(str, NOTEBOOKS)],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=3500,
        )
    finally:
        cluster.stop()
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]

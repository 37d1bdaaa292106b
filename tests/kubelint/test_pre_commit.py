"""The pre-commit hook, installed by pre-commit itself from this repository."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BAD = (
    "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\n"
    "spec:\n  containers: [{name: web, image: nginx}]\n"
)


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_hook_runs_from_the_repository_root(tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    (sample / "k8s").mkdir(parents=True)
    (sample / "k8s" / "pod.yaml").write_text(BAD)
    (sample / ".github").mkdir()
    (sample / ".github" / "ci.yaml").write_text("on: push\njobs: {}\n")
    git("init", "-q", cwd=sample)
    git("add", ".", cwd=sample)
    env = {"PRE_COMMIT_HOME": str(tmp_path / "cache"), "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "kubelint", "--all-files", "--verbose"],
        cwd=sample,
        capture_output=True,
        text=True,
        timeout=900,
        env={**env, "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    column = BAD.splitlines()[4].index("nginx") + 1
    assert f"k8s/pod.yaml:5:{column}: error mutable-image-tag" in output
    assert "info not-a-manifest" in output  # the workflow file was passed in too, and is only a note

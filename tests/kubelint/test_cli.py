"""The kubelint command as users run it: arguments, stdin, exit codes, stdout carrying only the report."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

CLEAN = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
  labels: {app.kubernetes.io/name: shop}
data:
  mode: production
"""
BAD_IMAGE = """\
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop}
spec:
  containers:
    - name: api
      image: nginx
"""


def kubelint(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kubelint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "settings.yaml").write_text(CLEAN)
    (tmp_path / "k8s" / "pod.yaml").write_text(BAD_IMAGE)
    (tmp_path / "k8s" / "values.yaml").write_text("replicaCount: 2\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "broken.yaml").write_text("kind: [\n")
    return tmp_path


def test_walks_folders_and_exits_1_on_errors(project: Path) -> None:
    result = kubelint("k8s", cwd=project)
    assert result.returncode == 1, result.stderr
    assert "k8s/pod.yaml:7:14: error mutable-image-tag" in result.stdout
    assert "values.yaml" not in result.stdout  # other YAML met while walking is skipped silently
    assert result.stderr == ""


def test_no_path_lints_the_current_folder_but_not_tool_folders(project: Path) -> None:
    result = kubelint(cwd=project)
    assert "pod.yaml" in result.stdout
    assert ".git" not in result.stdout


def test_exit_0_when_nothing_reaches_fail_on(project: Path) -> None:
    assert kubelint("k8s/settings.yaml", cwd=project).returncode == 0
    assert kubelint("--fail-on", "never", "k8s", cwd=project).returncode == 0
    assert kubelint("--disable", "mutable-image-tag", "--fail-on", "error", "k8s", cwd=project).returncode == 0


def test_explicit_non_manifest_is_reported_as_info(project: Path) -> None:
    result = kubelint("k8s/values.yaml", cwd=project)
    assert result.returncode == 0
    assert "k8s/values.yaml:1:1: info not-a-manifest" in result.stdout


def test_unreadable_path_is_exit_2_and_the_rest_still_linted(project: Path) -> None:
    result = kubelint("missing.yaml", "k8s/pod.yaml", cwd=project)
    assert result.returncode == 2
    assert "cannot read missing.yaml" in result.stderr
    assert "mutable-image-tag" in result.stdout


def test_stdin_with_a_name(project: Path) -> None:
    result = kubelint("-", "--stdin-filename", "pod.yaml", "--format", "json", cwd=project, stdin=BAD_IMAGE)
    report = json.loads(result.stdout)
    assert any(f["path"] == "pod.yaml" and f["rule"] == "mutable-image-tag" for f in report["findings"])


def test_usage_errors_are_exit_2_without_traceback(project: Path) -> None:
    for args in (["--format", "xml"], ["--enable", "no-such-rule"], ["explain", "no-such-rule"]):
        result = kubelint(*args, cwd=project)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr


def test_bad_config_names_file_and_line(project: Path) -> None:
    (project / ".kubelint.yaml").write_text("rules:\n  mutable-image-tag: off\n  no-such-rule: on\n")
    result = kubelint("k8s", cwd=project)
    assert result.returncode == 2
    assert ".kubelint.yaml:3:3:" in result.stderr and "no-such-rule" in result.stderr


def test_rules_and_explain(project: Path) -> None:
    listing = kubelint("rules", cwd=project).stdout
    assert "mutable-image-tag" in listing and "error" in listing
    explained = kubelint("explain", "mutable-image-tag", cwd=project)
    assert explained.returncode == 0
    for section in (
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## How to fix",
        "Book: Chapter 2",
    ):
        assert section in explained.stdout


def test_broken_pipe_is_quiet(project: Path) -> None:
    command = f"{sys.executable} -m kubelint rules | head -n 1"
    result = subprocess.run(command, shell=True, cwd=project, capture_output=True, text=True, timeout=60)
    assert result.stderr == ""


def test_manifests_and_dockerfiles_in_one_run(project: Path) -> None:
    (project / "app").mkdir()
    (project / "app" / "Dockerfile").write_text("FROM python:latest\nCOPY . /app\n")
    (project / "app" / "worker.Dockerfile").write_text("FROM python:3.12.7-slim\nUSER 10001\n")
    result = kubelint("--format", "json", ".", cwd=project)
    report = json.loads(result.stdout)
    paths_and_rules = {(Path(f["path"]).as_posix(), f["rule"]) for f in report["findings"]}
    assert ("k8s/pod.yaml", "mutable-image-tag") in paths_and_rules
    assert ("app/Dockerfile", "dockerfile-mutable-base-tag") in paths_and_rules
    assert report["summary"]["files"] == 5  # 3 YAML files (values.yaml is read, then skipped silently) + 2 Dockerfiles
    assert result.returncode == 1

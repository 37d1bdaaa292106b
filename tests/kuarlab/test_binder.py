"""Binder's configuration (binder/, read by repo2docker) and the Binder note of `lab.connect()`.

repo2docker cannot run here (it builds a Docker image), so these tests hold the files to what it reads: a runtime
it supports, requirements that pin every package of the `lab` extra with everything they pull in (consistent with
each other) and install the project itself, and a `start` script that really brings kubesim up before it becomes
the command it was given. Then, on Binder, connect says once how to keep one's work.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from kuarlab import binder
from kuarlab.facade import Lab
from kubesim.store.bootstrap.objects import KUBERNETES_VERSION
from tests.kubesim.conftest import Cluster

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"
START = BINDER / "start"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# the Python versions repo2docker can give (runtime.txt `python-X.Y`): its conda build pack's list
REPO2DOCKER_PYTHONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
FIRST_NOTEBOOK = "notebooks/00-start-here.ipynb"
# files that make repo2docker choose another build pack (conda, pipenv, a Dockerfile, nix, Julia, R)
OTHER_BUILD_PACKS = {
    "environment.yml",
    "Pipfile",
    "Pipfile.lock",
    "Dockerfile",
    "default.nix",
    "Project.toml",
    "install.R",
}


def pinned_requirements() -> dict[str, str]:
    """binder/requirements.txt's `name==version` lines, by normalised name."""
    pins = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#") and line != "-e .":
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def project_requirements(extra: str) -> list[Requirement]:
    """The project's requirements with that extra, following `kuar-lab[other]` to the other extra."""
    found = []
    for text in [*PROJECT["dependencies"], *PROJECT["optional-dependencies"][extra]]:
        requirement = Requirement(text)
        if canonicalize_name(requirement.name) == canonicalize_name(PROJECT["name"]):
            found.extend(req for other in requirement.extras for req in project_requirements(other))
        else:
            found.append(requirement)
    return found


def test_the_files_repo2docker_reads_are_there_and_nothing_that_would_override_them() -> None:
    present = {path.name for path in BINDER.iterdir()}
    assert {"requirements.txt", "runtime.txt", "start"} <= present
    assert not present & OTHER_BUILD_PACKS, "repo2docker would build from that instead of requirements.txt"


def test_the_runtime_is_a_python_repo2docker_has_and_the_project_accepts() -> None:
    runtime = (BINDER / "runtime.txt").read_text().strip()
    found = re.fullmatch(r"python-(3\.\d+)", runtime)
    assert found, runtime
    assert found.group(1) in REPO2DOCKER_PYTHONS
    assert f"{found.group(1)}.0" in SpecifierSet(PROJECT["requires-python"])


def test_every_requirement_line_is_an_exact_pin_and_the_project_comes_last() -> None:
    lines = [line for line in (BINDER / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    assert lines[-1] == "-e .", "the project, editable: kuarlab finds fixtures/ in the checkout"
    for line in lines[:-1]:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][A-Za-z0-9.+!-]*", line), line
    names = [canonicalize_name(line.split("==")[0]) for line in lines[:-1]]
    assert len(names) == len(set(names)), "each package once"


def test_the_pins_satisfy_the_lab_extra() -> None:
    pins = pinned_requirements()
    for requirement in project_requirements("lab"):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not pinned"
        assert requirement.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} vs {requirement}"


def test_every_dependency_of_a_pinned_package_is_pinned_too() -> None:
    """Checked through the installed metadata of each pinned package whose installed version is the pinned one, so
    that Binder resolves to exactly this set (a pin refreshed without its dependencies shows up here)."""
    pins, checked = pinned_requirements(), 0
    for name, version in pins.items():
        try:
            installed = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if installed.version != version:
            continue
        checked += 1
        for text in installed.requires or []:
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            dependency = canonicalize_name(requirement.name)
            assert dependency in pins, f"{name} needs {requirement}, which is not pinned"
            assert requirement.specifier.contains(pins[dependency], prereleases=True), f"{name} needs {requirement}"
    assert checked > len(pins) / 2, "the pins are far from what this environment has installed"


def test_the_start_script_is_an_executable_bash_script_that_ends_by_exec() -> None:
    text = START.read_text()
    assert text.startswith("#!/bin/bash\n")
    assert os.access(START, os.X_OK)
    assert text.rstrip().splitlines()[-1] == 'exec "$@"'
    assert subprocess.run(["bash", "-n", str(START)], capture_output=True).returncode == 0


@pytest.fixture
def binder_home(tmp_path: Path) -> Iterator[Path]:
    """A HOME for a Binder session, whose kubesim is stopped afterwards."""
    yield tmp_path
    kubesim_home = tmp_path / ".local" / "share" / "kubesim"
    subprocess.run([sys.executable, "-m", "kubesim", "down", "--data-dir", str(kubesim_home)], timeout=60)


def start(home: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """binder/start COMMAND as repo2docker runs it, with this environment's programs (kubesim) on PATH."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("KUBESIM_")}
    environment |= {"HOME": str(home), "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    return subprocess.run([str(START), *command], capture_output=True, text=True, timeout=120, env=environment)


def test_start_brings_kubesim_up_then_becomes_its_arguments(binder_home: Path) -> None:
    kubesim_home = binder_home / ".local" / "share" / "kubesim"
    report = "import os; print(os.getppid(), os.environ['KUBESIM_HOME'])"
    run = start(binder_home, sys.executable, "-c", report)
    assert run.returncode == 0, run.stderr
    # the command's parent is this test: start did not run it as a child, it became it
    assert run.stdout == f"{os.getpid()} {kubesim_home}\n"
    status = subprocess.run([sys.executable, "-m", "kubesim", "status", "--data-dir", str(kubesim_home)],
                            capture_output=True, text=True, timeout=30)  # fmt: skip
    assert status.returncode == 0 and "kubesim is running" in status.stdout
    from kubernetes import client, config

    with config.new_client_from_config(config_file=str(kubesim_home / "kubeconfig")) as api:
        assert client.VersionApi(api).get_code(_request_timeout=10).git_version == KUBERNETES_VERSION


def test_start_passes_the_commands_exit_code_and_reuses_a_running_kubesim(binder_home: Path) -> None:
    assert start(binder_home, sys.executable, "-c", "pass").returncode == 0
    pid = (binder_home / ".local" / "share" / "kubesim" / "kubesim.pid").read_text()
    assert start(binder_home, sys.executable, "-c", "raise SystemExit(7)").returncode == 7
    assert (binder_home / ".local" / "share" / "kubesim" / "kubesim.pid").read_text() == pid


def test_the_readme_badge_launches_jupyterlab_on_the_first_notebook() -> None:
    readme = (ROOT / "README.md").read_text()
    badge = re.search(
        r"\[!\[[^]]*\]\(https://mybinder\.org/badge_logo\.svg\)\]\((https://mybinder\.org/[^)]+)\)", readme
    )
    assert badge, "no Binder badge in the README"
    assert re.fullmatch(r"https://mybinder\.org/v2/gh/[\w.-]+/[\w.-]+/[\w.-]+\?urlpath=lab/tree/(\S+)", badge.group(1))
    assert badge.group(1).endswith(f"urlpath=lab/tree/{FIRST_NOTEBOOK}")
    assert (ROOT / FIRST_NOTEBOOK).exists()


@pytest.mark.parametrize("variable", binder.BINDERHUB_VARIABLES)
def test_a_binderhub_session_is_recognised_by_its_variables(variable: str) -> None:
    assert binder.on_binder({variable: "https://mybinder.org/"})


def test_a_jupyterhub_is_not_binder() -> None:
    assert not binder.on_binder({"JUPYTERHUB_SERVICE_PREFIX": "/user/alice/", "JUPYTERHUB_USER": "alice"})


def test_connect_on_binder_says_once_how_to_keep_ones_work(
    kubesim: Cluster, lab_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KUARLAB_BACKEND", "kubeconfig")
    monkeypatch.setenv("KUBECONFIG", str(kubesim.kubeconfig))
    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://mybinder.org/")
    lab = Lab()
    lab.connect("05")
    first = capsys.readouterr().out.splitlines()
    lab.connect("06")
    second = capsys.readouterr().out.splitlines()
    assert len(first) == 2 and first[0].startswith("kuarlab: ") and "namespace ch05" in first[0]
    assert first[1] == binder.SAVE_YOUR_WORK
    assert "File › Download" in first[1]
    assert len(second) == 1 and "namespace ch06" in second[0]


def test_connect_elsewhere_prints_its_one_line(
    kubesim: Cluster, lab_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable in binder.BINDERHUB_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("KUARLAB_BACKEND", "kubeconfig")
    monkeypatch.setenv("KUBECONFIG", str(kubesim.kubeconfig))
    Lab().connect("05")
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_the_notes_export_command_writes_the_progress_where_it_can_be_downloaded(
    lab_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The note's `!kuarlab progress --export FILE` runs in the notebook's folder, where the file browser shows it."""
    found = re.search(r"`!(kuarlab [^`]+)`", binder.SAVE_YOUR_WORK)
    assert found, binder.SAVE_YOUR_WORK
    program, *arguments = found.group(1).split()
    assert program in PROJECT["scripts"], "the note names a command the project installs"
    (lab_env / "notebooks").mkdir()
    run = subprocess.run([sys.executable, "-m", "kuarlab.cli", *arguments], cwd=lab_env / "notebooks",
                         capture_output=True, text=True, timeout=60, env=os.environ)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert (lab_env / "notebooks" / arguments[-1]).read_text().strip(), "a CSV with its header at least"

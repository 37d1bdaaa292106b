"""Exercises against a live cluster: checks that fail naming the criterion and what to look at, the hint ladder,
solutions, KUARLAB_AUTOSOLVE, progress, and reset. The exercises are this test's own (KUARLAB_EXERCISES_DIR)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kuarlab.facade import Lab
from tests.kubesim.conftest import Cluster, eventually

BLUE = "gcr.io/kuar-demo/kuard-amd64:blue"
GREEN = "gcr.io/kuar-demo/kuard-amd64:green"
EXERCISES = f"""
chapter: "05"
title: Pods
exercises:
  "5.1":
    task: Run the Pod kuard from the chapter's manifest.
    criteria:
      - {{kind: Pod, name: kuard, condition: Ready}}
      - {{kind: Pod, name: kuard, field: "spec.containers[0].image", equals: "{BLUE}"}}
      - {{kind: Pod, selector: "app=nothing", exists: false}}
    hints:
      - Look at `kubectl apply -f FILE`.
      - The file is fixtures/book/ch05-pods/kuard-pod.yaml.
    solution:
      explain: Apply the manifest and wait for the pod.
      commands:
        - kubectl apply -f fixtures/book/ch05-pods/kuard-pod.yaml
        - kubectl wait --for=condition=Ready pod/kuard --timeout=60s
  "5.2":
    task: Label every pod with tier=web.
    criteria:
      - {{kind: Pod, selector: "run", field: metadata.labels.tier, equals: web, all: true}}
      - {{kind: ConfigMap, name: settings, what_to_look_at: "the ConfigMap you were asked to make"}}
    hints: []
    solution:
      explain: A solution that forgets the ConfigMap.
      commands:
        - kubectl label pods --all tier=web --overwrite
"""


@pytest.fixture
def exercises(lab_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = lab_env / "exercises"
    folder.mkdir()
    (folder / "ch05.yaml").write_text(EXERCISES)
    monkeypatch.setenv("KUARLAB_EXERCISES_DIR", str(folder))
    return folder


@pytest.fixture
def chapter(lab: Lab, exercises: Path) -> Lab:
    """The connected lab, with chapter 05's namespace emptied first (the module's tests share one cluster)."""
    lab.reset()
    return lab


def lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines()]


def test_a_check_fails_naming_each_criterion_and_where_to_look(
    chapter: Lab, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert chapter.check("5.1") is False
    said = lines(capsys.readouterr().out)
    assert said[said.index("✗ Pod kuard is Ready") + 1 :][:2] == [
        "found: no Pod kuard in namespace ch05",
        "look at: kubectl get pod kuard -o yaml: status.conditions",
    ]
    assert f"✗ Pod kuard: spec.containers[0].image = '{BLUE}'" in said
    assert "✓ no Pod with app=nothing" in said
    assert "Exercise 5.1 done ✓" not in said


def test_a_check_reports_what_it_found(chapter: Lab, kubesim: Cluster, capsys: pytest.CaptureFixture[str]) -> None:
    kubesim.kubectl("run", "kuard", "-n", "ch05", f"--image={GREEN}")
    kubesim.kubectl("wait", "-n", "ch05", "--for=condition=Ready", "pod/kuard", "--timeout=60s")
    capsys.readouterr()
    assert chapter.check("5.1") is False
    said = lines(capsys.readouterr().out)
    assert "✓ Pod kuard is Ready" in said
    image = said.index(f"✗ Pod kuard: spec.containers[0].image = '{BLUE}'")
    assert said[image + 1 : image + 3] == [
        f"found: '{GREEN}'",
        "look at: kubectl get pod kuard -o yaml: spec.containers[0].image",
    ]


def test_every_object_must_pass_with_all(chapter: Lab, kubesim: Cluster, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("one", "two"):
        kubesim.kubectl("run", name, "-n", "ch05", f"--image={BLUE}")
    kubesim.kubectl("label", "-n", "ch05", "pod/one", "tier=web")
    capsys.readouterr()
    assert chapter.check("5.2") is False
    said = lines(capsys.readouterr().out)
    found = said.index("✗ every Pod with run: metadata.labels.tier = 'web'") + 1
    assert said[found] == "found: two: not set"
    assert said[said.index("✗ ConfigMap settings exists") + 2] == "look at: the ConfigMap you were asked to make"


def test_hints_come_in_order_then_there_are_no_more(
    lab_env: Path, exercises: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lab = Lab()  # hints need no cluster
    for _ in range(3):
        lab.hint("5.1")
    assert lines(capsys.readouterr().out) == [
        "Hint 1/2 for 5.1: Look at `kubectl apply -f FILE`.",
        "Hint 2/2 for 5.1: The file is fixtures/book/ch05-pods/kuard-pod.yaml.",
        '(that was the last hint; lab.solution("5.1") shows the solution)',
        'No more hints for 5.1: lab.solution("5.1") shows the solution.',
    ]
    progress = json.loads((lab_env / "kuarlab" / "progress.json").read_text())
    assert progress["hints"] == {"5.1": 2}


def test_the_solution_passes_and_progress_is_recorded(chapter: Lab, capsys: pytest.CaptureFixture[str]) -> None:
    chapter.solution("5.1")
    shown = lines(capsys.readouterr().out)
    assert shown[0] == "Solution to 5.1: Apply the manifest and wait for the pod."
    assert shown[1] == "$ kubectl apply -f fixtures/book/ch05-pods/kuard-pod.yaml"
    chapter.solution("5.1", apply=True)
    assert "pod/kuard created" in capsys.readouterr().out
    assert chapter.check("5.1", wait=60) is True
    assert capsys.readouterr().out.endswith("Exercise 5.1 done ✓\n")
    chapter.progress()
    table = capsys.readouterr().out
    assert "05  Pods" in table and "5.1 ✓  5.2 ·   (1/2)" in table


def test_autosolve_runs_the_solution_and_raises_when_it_is_not_enough(
    chapter: Lab, kubesim: Cluster, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    kubesim.kubectl("run", "one", "-n", "ch05", f"--image={BLUE}")
    monkeypatch.setenv("KUARLAB_AUTOSOLVE", "1")
    monkeypatch.setattr("kuarlab.facade.AUTOSOLVE_WAIT_SECONDS", 2.0)
    assert chapter.check("5.1") is True
    assert "(kuarlab: KUARLAB_AUTOSOLVE=1: running the solution to 5.1)" in capsys.readouterr().out
    with pytest.raises(
        AssertionError, match=r"exercise 5\.2 fails even after its solution: ConfigMap settings exists$"
    ):
        chapter.check("5.2")


def test_reset_empties_the_namespace(chapter: Lab, kubesim: Cluster) -> None:
    kubesim.kubectl("create", "configmap", "settings", "-n", "ch05", "--from-literal=a=b")
    kubesim.kubectl("run", "kuard", "-n", "ch05", f"--image={BLUE}")
    chapter.reset()
    assert kubesim.kubectl("get", "pods,configmaps", "-n", "ch05", "-o", "name").stdout.split() == [
        "configmap/kube-root-ca.crt"
    ]
    # the namespace is usable at once: the new one was created after the old one was gone
    assert eventually(
        lambda: kubesim.kubectl("create", "configmap", "again", "-n", "ch05", check=False).returncode == 0
    )


def test_cleanup_deletes_the_namespace(chapter: Lab, kubesim: Cluster) -> None:
    chapter.cleanup()
    assert eventually(lambda: kubesim.kubectl("get", "namespace", "ch05", check=False).returncode == 1)
    assert os.environ["KUBECONFIG"].endswith("ch05.yaml")


def test_an_unknown_exercise_names_the_known_ones(chapter: Lab) -> None:
    with pytest.raises(KeyError, match=r"no exercise '5\.9' \(known: 5\.1, 5\.2\)"):
        chapter.check("5.9")

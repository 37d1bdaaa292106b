"""The instructor tools: `kuarlab student-version` leaves no solution in the students' copies while every exercise
keeps its check and its hints, and a student notebook still runs up to its first exercise (where `lab.check` says
not yet and `lab.solution` is refused); `kuarlab progress --export` turns progress files into one CSV.

The commands run as an instructor runs them, as processes; the student notebook runs in a real kernel against a
kubesim that kuarlab starts, without KUARLAB_AUTOSOLVE (nobody solves the exercise for the student).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
import yaml

from kuarlab import exercise_files, progress
from kuarlab.exercise_files import ExerciseFileError, parse_chapter
from tests.conftest import ROOT
from tests.kubesim.conftest import KUBECTL

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
EXERCISES = ROOT / "kuarlab" / "exercises"
CONSOLE_SCRIPT = Path(sys.executable).parent / "kuarlab"
CALLS = re.compile(r"""lab\.(check|hint)\(\s*["']([\d.]+)["']""")
SOLUTION_CALL = re.compile(r"lab\.solution\(")


def kuarlab(*arguments: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("KUARLAB_")}
    return subprocess.run(
        [sys.executable, "-m", "kuarlab.cli", *map(str, arguments)],
        env={**environment, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def cell_text(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def code_of(path: Path) -> list[str]:
    return [cell_text(cell) for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def flat(text: str) -> str:
    """Text with its whitespace collapsed: YAML folds long commands and explanations over lines."""
    return " ".join(text.split())


def packaged_chapters() -> list[exercise_files.Chapter]:
    return [parse_chapter(path.read_text(), path.name) for path in sorted(EXERCISES.glob("ch[0-9][0-9].yaml"))]


@pytest.fixture(scope="module")
def student(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("course") / "student"
    run = kuarlab("student-version", "--out", out)
    assert run.returncode == 0, run.stderr
    return out


# no solution left


def test_the_student_exercise_files_carry_no_solution(student: Path) -> None:
    written = sorted((student / "exercises").glob("*.yaml"))
    assert [path.name for path in written] == [path.name for path in sorted(EXERCISES.glob("ch[0-9][0-9].yaml"))]
    for path in written:
        document = yaml.safe_load(path.read_text())
        assert document["edition"] == "student"
        assert all("solution" not in exercise for exercise in document["exercises"].values()), path.name
        assert not re.search(r"^\s*solution:", path.read_text(), re.MULTILINE), path.name


def test_no_student_notebook_calls_lab_solution(student: Path) -> None:
    for path in sorted((student / "notebooks").glob("*.ipynb")):
        calls = [source for source in code_of(path) if SOLUTION_CALL.search(source)]
        assert not calls, f"{path.name} still calls lab.solution: {calls}"


def test_no_solution_text_is_in_the_student_edition(student: Path) -> None:
    notebooks = {path: nbformat.read(path, as_version=4) for path in student.glob("notebooks/*.ipynb")}
    written = {path: flat(" ".join(map(cell_text, notebook.cells))) for path, notebook in notebooks.items()}
    written |= {
        path: flat(" ".join(strings_in(yaml.safe_load(path.read_text())))) for path in student.glob("exercises/*")
    }
    checked = 0
    for chapter in packaged_chapters():
        kept = kept_on_purpose(chapter)
        for exercise in chapter.exercises.values():
            assert exercise.solution is not None
            for secret in map(flat, [*sentences(exercise.solution.explain), *exercise.solution.commands]):
                if secret in kept:
                    continue
                checked += 1
                leaks = [path.name for path, text in written.items() if secret in text]
                assert not leaks, f"the solution to {exercise.id} ({secret[:60]}...) is in {leaks}"
    assert checked > 100  # the exemptions below leave most of the solutions to look for


def strings_in(document: object) -> list[str]:
    """Every text in a YAML document, as read (quoting and folding undone)."""
    if isinstance(document, dict):
        return [text for key, value in document.items() for text in [str(key), *strings_in(value)]]
    if isinstance(document, list):
        return [text for value in document for text in strings_in(value)]
    return [str(document)]


def sentences(text: str) -> list[str]:
    """The explanation's sentences, so that one copied alone is found as well as the whole."""
    return [sentence for sentence in re.split(r"(?<=[.:;])\s+", flat(text)) if len(sentence) >= 20]


def kept_on_purpose(chapter: exercise_files.Chapter) -> str:
    """What the student edition keeps of a chapter, which a solution may repeat: the notebook's code (its "run it"
    cells) and each exercise's task, hints (the last one is nearly the answer) and the advice of its checks."""
    notebook = next((ROOT / "notebooks").glob(f"{chapter.id}-*.ipynb"))
    texts = [*code_of(notebook)]
    for exercise in chapter.exercises.values():
        texts += [exercise.task, *exercise.hints, *(c.what_to_look_at or "" for c in exercise.criteria)]
    return flat("\n".join(texts))


# every exercise keeps its check and its hints


def test_every_exercise_keeps_its_task_criteria_and_hints(student: Path) -> None:
    for chapter in packaged_chapters():
        name = f"ch{chapter.id}.yaml"
        copy = parse_chapter((student / "exercises" / name).read_text(), name)
        assert list(copy.exercises) == list(chapter.exercises)
        for exercise_id, exercise in chapter.exercises.items():
            kept = copy.exercises[exercise_id]
            assert (kept.task, kept.criteria, kept.hints) == (exercise.task, exercise.criteria, exercise.hints)
            assert kept.hints, f"{exercise_id} has no hints to keep"
            assert kept.solution is None and kept.student_edition


def test_every_notebook_keeps_its_checks_hints_and_run_it_cells(student: Path) -> None:
    for path in NOTEBOOKS:
        original, copy = code_of(path), code_of(student / "notebooks" / path.name)
        assert sorted(CALLS.findall("\n".join(copy))) == sorted(CALLS.findall("\n".join(original))), path.name
        connect = next(index for index, source in enumerate(original) if "lab.connect(" in source)
        assert 'exercises="../exercises"' in copy[connect], path.name
        assert copy[:connect] + copy[connect + 1 :] == original[:connect] + original[connect + 1 :], path.name


def test_every_exercise_of_a_notebook_is_checked_in_it(student: Path) -> None:
    for chapter in packaged_chapters():
        notebook = next(student.glob(f"notebooks/{chapter.id}-*.ipynb"))
        checked = {exercise for call, exercise in CALLS.findall("\n".join(code_of(notebook))) if call == "check"}
        assert set(chapter.exercises) <= checked, notebook.name


def test_the_student_notebooks_are_stored_clean_and_marked(student: Path) -> None:
    for path in sorted((student / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        assert notebook.metadata["kuarlab"] == {"edition": "student"}
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert all(cell.outputs == [] and cell.execution_count is None for cell in code), path.name
    assert (student / "fixtures" / "book" / "ch05-pods" / "kuard-pod.yaml").is_file()


def test_a_cell_that_calls_lab_solution_becomes_a_note(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell('from kuarlab import lab\n\nlab.connect("05")'),
        nbformat.v4.new_code_cell('lab.check("5.1")'),
        nbformat.v4.new_code_cell('lab.solution("5.1")'),
        nbformat.v4.new_code_cell('# lab.solution("5.2", apply=True)\nlab.solution(\n    "5.3",\n)\n'),
        nbformat.v4.new_code_cell('lab.solution("5.1", apply=True)\n%kubectl get pods'),
    ]
    given = tmp_path / "05-course.ipynb"
    nbformat.write(notebook, given)
    run = kuarlab("student-version", "--out", tmp_path / "student", given)
    assert run.returncode == 0, run.stderr
    assert "3 cell(s) that called lab.solution" in run.stdout
    cells = nbformat.read(tmp_path / "student" / "notebooks" / given.name, as_version=4).cells
    kinds = [cell.cell_type for cell in cells]
    assert kinds == ["code", "markdown", "code", "markdown", "markdown", "code"]
    assert "ask your instructor" in cells[3].source and "5.1" in cells[3].source
    assert "5.2" in cells[4].source and "5.3" in cells[4].source
    assert cells[5].source.strip() == "%kubectl get pods"


# bad input


def test_a_missing_notebook_is_named_without_a_traceback(tmp_path: Path) -> None:
    run = kuarlab("student-version", "--out", tmp_path / "out", tmp_path / "99-nothing.ipynb")
    assert run.returncode == 1
    assert "99-nothing.ipynb" in run.stderr and "Traceback" not in run.stderr


def test_a_file_that_is_not_a_notebook_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "05-broken.ipynb"
    broken.write_text("not json")
    run = kuarlab("student-version", "--out", tmp_path / "out", broken)
    assert run.returncode == 1
    assert "05-broken.ipynb" in run.stderr and "Traceback" not in run.stderr


def test_a_notebook_with_exercises_and_no_connect_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("from kuarlab import lab"),
        nbformat.v4.new_code_cell('lab.check("5.1")'),
    ]
    given = tmp_path / "05-unconnected.ipynb"
    nbformat.write(notebook, given)
    run = kuarlab("student-version", "--out", tmp_path / "out", NOTEBOOKS[0], given)
    assert run.returncode == 1
    assert "05-unconnected.ipynb" in run.stderr and "lab.connect" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()


def test_a_folder_that_cannot_be_written_is_named(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, where the folder would go")
    run = kuarlab("student-version", "--out", tmp_path / "taken" / "student", NOTEBOOKS[0])
    assert run.returncode == 1
    assert "taken" in run.stderr and "--out" in run.stderr and "Traceback" not in run.stderr


def test_the_console_script_is_installed_and_runs(tmp_path: Path) -> None:
    if not CONSOLE_SCRIPT.exists():
        pytest.skip(f"no {CONSOLE_SCRIPT}: reinstall the project (pip install -e .) to get the console script")
    run = subprocess.run(
        [str(CONSOLE_SCRIPT), "student-version", "--out", str(tmp_path / "out"), str(NOTEBOOKS[0])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "notebooks" / NOTEBOOKS[0].name).is_file()


# the student notebook runs up to its first exercise


@pytest.fixture
def kernel_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The kernel's environment: its own kubesim (started by kuarlab) and state, and no autosolve."""
    if not KUBECTL.exists():
        pytest.skip(f"the project's kubectl is not installed at {KUBECTL}")
    for name in [name for name in os.environ if name.startswith("KUARLAB_") or name == "JPY_SESSION_NAME"]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("KUBESIM_HOME", str(tmp_path / "kubesim"))
    monkeypatch.setenv("KUARLAB_HOME", str(tmp_path / "kuarlab"))
    monkeypatch.setenv("KUARLAB_BACKEND", "kubesim")
    monkeypatch.setenv("KUARLAB_PLAIN", "1")
    monkeypatch.setenv("KUBESIM_SPEED", "20")
    yield tmp_path
    subprocess.run(
        [sys.executable, "-m", "kubesim", "down", "--data-dir", str(tmp_path / "kubesim")],
        capture_output=True,
        timeout=60,
    )


@pytest.mark.timeout(600)
def test_a_student_notebook_runs_up_to_its_first_exercise(student: Path, kernel_environment: Path) -> None:
    from nbclient import NotebookClient

    course = kernel_environment / "course"
    shutil.copytree(student, course)
    path = course / "notebooks" / "00-start-here.ipynb"
    notebook = nbformat.read(path, as_version=4)
    first_check = next(
        index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code" and "lab.check(" in cell.source
    )
    called = CALLS.search(notebook.cells[first_check].source)
    assert called is not None
    exercise_id = called.group(2)
    asked = [f'lab.solution("{exercise_id}", apply=True)', f'lab.hint("{exercise_id}")']
    notebook.cells = [*notebook.cells[: first_check + 1], *map(nbformat.v4.new_code_cell, asked)]

    NotebookClient(notebook, timeout=300, resources={"metadata": {"path": str(path.parent)}}).execute()

    shown = [
        "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")
        for cell in notebook.cells[first_check:]
    ]
    checked, refused, hinted = shown
    assert "✗" in checked and "done ✓" not in checked
    assert "student edition" in refused and "Ask your instructor" in refused
    assert str(course / "exercises") in refused  # the notebook reads the students' exercise files
    assert "Hint 1/" in hinted
    assert not progress_done(kernel_environment / "kuarlab")


def progress_done(home: Path) -> dict:
    path = home / "progress.json"
    return json.loads(path.read_text())["done"] if path.exists() else {}


# progress --export


@pytest.fixture
def learner_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A progress file written by kuarlab's own progress API: 5.1 done after two hints, 0.1 done, 5.2 hinted."""
    home = tmp_path / "alice-home"
    monkeypatch.setenv("KUARLAB_HOME", str(home))
    progress.advance_hint("5.1", 3)
    progress.advance_hint("5.1", 3)
    progress.record_done("5.1")
    progress.record_done("0.1")
    progress.advance_hint("5.2", 3)
    return home


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as file:
        return list(csv.DictReader(file))


def test_progress_export_writes_the_exercises_done(learner_home: Path, tmp_path: Path) -> None:
    target = tmp_path / "report" / "progress.csv"
    run = kuarlab("progress", "--export", target, "--student", "alice", env={"KUARLAB_HOME": str(learner_home)})
    assert run.returncode == 0, run.stderr
    assert "wrote 2 exercise(s)" in run.stdout
    rows = read_csv(target)
    assert [(row["student"], row["chapter"], row["exercise"], row["hints_seen"]) for row in rows] == [
        ("alice", "00", "0.1", "0"),
        ("alice", "05", "5.1", "2"),
    ]
    done = json.loads((learner_home / "progress.json").read_text())["done"]
    assert rows[1]["done_at"] == done["5.1"]


def test_progress_export_joins_collected_files(learner_home: Path, tmp_path: Path) -> None:
    collected = tmp_path / "collected"
    (collected / "bob").mkdir(parents=True)
    own = learner_home / "progress.json"
    shutil.copy(own, collected / "carol.json")
    shutil.copy(own, collected / "bob" / "progress.json")
    target = tmp_path / "class.csv"
    arguments = [f"dave={own}", collected / "carol.json", collected / "bob" / "progress.json"]
    run = kuarlab("progress", "--export", target, *arguments)
    assert run.returncode == 0, run.stderr
    students = [row["student"] for row in read_csv(target)]
    assert students == ["bob", "bob", "carol", "carol", "dave", "dave"]


def test_progress_export_names_a_broken_file_and_leaves_it_alone(tmp_path: Path) -> None:
    broken = tmp_path / "erin.json"
    broken.write_text("{not json")
    run = kuarlab("progress", "--export", tmp_path / "out.csv", broken)
    assert run.returncode == 1
    assert "erin.json" in run.stderr and "Traceback" not in run.stderr
    assert broken.read_text() == "{not json" and not (tmp_path / "out.csv").exists()
    missing = kuarlab("progress", "--export", tmp_path / "out.csv", tmp_path / "frank.json")
    assert missing.returncode == 1 and "frank.json" in missing.stderr


# the student edition's exercise files


def test_a_student_edition_file_refuses_a_solution() -> None:
    student_file = """
chapter: "05"
edition: student
exercises:
  "5.1":
    task: Run kuard.
    criteria: [{kind: Pod, name: kuard}]
"""
    assert parse_chapter(student_file, "ch05.yaml").exercises["5.1"].student_edition
    with_solution = student_file + "    solution: {explain: Apply it., commands: [kubectl apply -f kuard.yaml]}\n"
    with pytest.raises(ExerciseFileError, match=r"ch05\.yaml: exercise 5\.1: a student edition carries no solution"):
        parse_chapter(with_solution, "ch05.yaml")
    with pytest.raises(ExerciseFileError, match=r"ch05\.yaml: the file: edition takes 'student'"):
        parse_chapter(student_file.replace("edition: student", "edition: teacher"), "ch05.yaml")

"""Students' copies of the chapter notebooks: the same notebooks with the solutions left out.

The notebooks never hold a solution themselves: the solutions live in the exercise files (`kuarlab/exercises/
chNN.yaml`), and `lab.solution("5.1")` reads them. So a student edition is a folder that carries its own exercise
files, written without their `solution:` entries and marked `edition: student`, and notebooks that connect to it:

    DIR/notebooks/05-pods.ipynb      outputs cleared; `lab.connect("05", exercises="../exercises")`
    DIR/exercises/ch05.yaml          every task, check criterion and hint; no solution
    DIR/fixtures/book/...            the files the notebooks apply (they name them as ../fixtures/book/...)

In those notebooks `lab.check` and `lab.hint` work as usual and `lab.solution` says to ask the instructor. A code
cell that calls `lab.solution` (a course's own notebooks may have them) loses that call; a cell left with nothing
else becomes a note saying so. The chapters' "run it" cells are copied unchanged.

The notebooks alone do not keep a determined student from the answers while the full kuar-lab package (whose
exercise files have them) is installed on the same machine: on a class hub, also point `KUARLAB_EXERCISES_DIR` at
the student `exercises/` folder for every user, or install kuar-lab there without its solutions.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kuarlab.exercise_files import (
    STUDENT_EDITION,
    ExerciseFileError,
    exercise_file_names,
    exercise_folder,
    parse_chapter,
)

NOTEBOOK_NAME = re.compile(r"(\d\d)-.*\.ipynb")
CONNECT = re.compile(r"""lab\.connect\(\s*(["'])(\d\d)\1\s*\)""")
SOLUTION_CALL = re.compile(r"^\s*(?:#\s*)?lab\.solution\(")
EXERCISE_ID = re.compile(r"""["'](\d+\.\d+)["']""")
EXERCISES_FROM_NOTEBOOKS = "../exercises"
EDITION_NOTE = (
    "> **Student edition.** `lab.check` and `lab.hint` work as usual; the solutions are not in this copy: "
    "ask your instructor for them."
)
EXERCISE_FILE_HEADER = (
    "# Student edition, written by `kuarlab student-version`: the tasks, checks and hints of the chapter's exercises,\n"
    "# without their solutions.\n"
)


class StudentVersionError(Exception):
    """A notebook or a folder cannot be used: the message names it and says what to do."""


@dataclass
class StudentVersion:
    """What `write_student_version` wrote, for its report."""

    folder: Path
    notebooks: list[Path] = field(default_factory=list)
    exercise_files: list[Path] = field(default_factory=list)
    solution_cells_removed: int = 0


def write_student_version(notebooks: list[Path], out: Path, fixtures: Path | None) -> StudentVersion:
    """Write the student edition of `notebooks` into `out` (see the module's docstring for its layout)."""
    # every notebook is converted before anything is written, so that a bad one leaves no half-written folder
    converted = [(path, *student_notebook(_read_notebook(path), path.name)) for path in notebooks]
    written = StudentVersion(out)
    written.exercise_files = _write_exercise_files(out / "exercises")
    for path, student, removed in converted:
        target = out / "notebooks" / path.name
        _write(target, _notebook_text(student))
        written.notebooks.append(target)
        written.solution_cells_removed += removed
    if fixtures is not None and fixtures.is_dir():
        _copy_tree(fixtures, out / "fixtures" / fixtures.name)
    return written


def student_notebook(notebook: dict[str, Any], name: str) -> tuple[dict[str, Any], int]:
    """The student copy of one notebook (a notebook's JSON), and how many cells called `lab.solution`."""
    cells: list[dict[str, Any]] = []
    removed = 0
    connected = False
    for cell in notebook.get("cells", []):
        source = _source(cell)
        if cell.get("cell_type") != "code":
            cells.append(cell)
            continue
        kept, exercises = _without_solution_calls(source)
        if exercises:
            removed += 1
        if exercises and not _has_code(kept):
            cells.append(_markdown(cell, _solution_note(exercises)))
            continue
        if not connected and CONNECT.search(kept):
            kept = CONNECT.sub(rf'lab.connect("\2", exercises="{EXERCISES_FROM_NOTEBOOKS}")', kept, count=1)
            connected = True
            cells.append(_cleared(cell, kept))
            cells.append(_markdown(cell, EDITION_NOTE, suffix="-edition"))
            continue
        cells.append(_cleared(cell, kept))
    if not connected and any(cell.get("cell_type") == "code" and "lab.check(" in _source(cell) for cell in cells):
        raise StudentVersionError(
            f'{name}: its exercises need a setup cell with lab.connect("NN"), which this notebook does not have: '
            "add it as the first code cell"
        )
    metadata = {key: value for key, value in notebook.get("metadata", {}).items() if key != "widgets"}
    metadata["kuarlab"] = {"edition": STUDENT_EDITION}
    return {**notebook, "metadata": metadata, "cells": cells}, removed


def student_exercise_file(text: str, source: str) -> str:
    """The student edition of one chNN.yaml: the file checked as kuarlab reads it, then without its solutions."""
    parse_chapter(text, source)
    document = yaml.safe_load(text)
    for exercise in document["exercises"].values():
        exercise.pop("solution", None)
    ordered = {"chapter": document["chapter"], "title": document.get("title", ""), "edition": STUDENT_EDITION}
    ordered["exercises"] = document["exercises"]
    body = yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=116)
    parse_chapter(body, source)  # what students get must load as well as what it came from
    return EXERCISE_FILE_HEADER + body


def _write_exercise_files(folder: Path) -> list[Path]:
    source = exercise_folder()
    names = exercise_file_names()
    if not names:
        raise StudentVersionError(f"no chNN.yaml exercise files in {source}: check KUARLAB_EXERCISES_DIR")
    written = []
    for name in names:
        try:
            text = student_exercise_file((source / name).read_text(encoding="utf-8"), name)
        except ExerciseFileError as error:
            raise StudentVersionError(f"{error} (in {source})") from None
        _write(folder / name, text)
        written.append(folder / name)
    return written


def _without_solution_calls(source: str) -> tuple[str, list[str]]:
    """The cell's source without its `lab.solution(...)` statements (a call may span lines), and their exercises."""
    kept: list[str] = []
    calls: list[str] = []
    open_parentheses = 0
    for line in source.splitlines(keepends=True):
        if open_parentheses > 0:
            calls[-1] += line
        elif SOLUTION_CALL.match(line):
            calls.append(line)
        else:
            kept.append(line)
            continue
        open_parentheses = calls[-1].count("(") - calls[-1].count(")")
    exercises = [found.group(1) if (found := EXERCISE_ID.search(call)) else "this exercise" for call in calls]
    return "".join(kept), exercises


def _has_code(source: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") for line in source.splitlines())


def _solution_note(exercises: list[str]) -> str:
    which = ", ".join(dict.fromkeys(exercises))
    return f"*The solution to {which} is not in this student edition: ask your instructor for it.*"


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _cleared(cell: dict[str, Any], source: str) -> dict[str, Any]:
    metadata = {key: value for key, value in cell.get("metadata", {}).items() if key not in ("execution", "scrolled")}
    return {**cell, "metadata": metadata, "source": source, "outputs": [], "execution_count": None}


def _markdown(cell: dict[str, Any], text: str, suffix: str = "") -> dict[str, Any]:
    markdown: dict[str, Any] = {"cell_type": "markdown", "metadata": {}, "source": text}
    if "id" in cell:  # nbformat 4.5 cell ids must stay unique
        markdown["id"] = f"{cell['id']}{suffix}"[:64]
    return markdown


def _read_notebook(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise StudentVersionError(f"no notebook at {path}: give the path of a chapter's .ipynb file")
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise StudentVersionError(f"{path} cannot be read as a notebook ({error}): is it a .ipynb file?") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise StudentVersionError(f"{path} is not a Jupyter notebook (it has no cells): give a .ipynb file")
    return notebook


def _notebook_text(notebook: dict[str, Any]) -> str:
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"  # the layout Jupyter writes


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise StudentVersionError(
            f"cannot write {path}: {error.strerror or error}; choose a folder you can write to with --out"
        ) from None


def _copy_tree(source: Path, target: Path) -> None:
    try:
        shutil.copytree(source, target, dirs_exist_ok=True)
    except (OSError, shutil.Error) as error:
        raise StudentVersionError(
            f"cannot copy {source} to {target}: {error}; choose a folder you can write to with --out"
        ) from None

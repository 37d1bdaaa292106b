"""The chapters' exercises, declared in one YAML file per chapter: `kuarlab/exercises/chNN.yaml`.

```yaml
chapter: "05"
title: Pods
exercises:
  "5.1":
    task: Create the Pod `kuard` from fixtures/book/ch05-pods/kuard-pod.yaml and wait until it is Ready.
    criteria:
      - {kind: Pod, name: kuard, condition: Ready}
    hints:
      - Look at `kubectl apply -f FILE`.
    solution:
      explain: Apply the manifest and wait for the pod.
      commands:
        - kubectl apply -f fixtures/book/ch05-pods/kuard-pod.yaml
```

A criterion names objects by `kind` (and `apiVersion` for a kind that is not built in) with `name` or `selector`
(a label selector), in `namespace` (default: the chapter's), and asks one thing of them: `exists: true|false`,
`count: N`, `condition: TYPE` (with `status: "False"` to ask for another status than True), or `field: PATH` with
`equals`, `contains`, `exists` or `at_least`; a criterion that asks nothing asks that the object exists. `all: true`
asks it of every object that matches rather than of one. `what_to_look_at:` replaces the generated advice shown
when it fails. `KUARLAB_EXERCISES_DIR` points kuarlab at another folder of chNN.yaml files (an instructor's own
exercises). The files are read strictly: a key kuarlab does not know is an error that names the file and the
exercise, so a typo never makes a check pass by asking less.

`edition: student` at the top of a file marks the students' copy that `kuarlab student-version` writes: the same
tasks, criteria and hints, and no solutions (a `solution:` in such a file is an error), so that `lab.solution`
tells the learner to ask the instructor instead of saying that none was written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

CHAPTER = re.compile(r"\d\d")
TESTS = ("exists", "count", "condition", "field")
FIELD_TESTS = ("equals", "contains", "exists", "at_least")
CRITERION_KEYS = frozenset(
    {"kind", "apiVersion", "name", "selector", "namespace", "all", "status", "what_to_look_at", *TESTS, *FIELD_TESTS}
)
EXERCISE_KEYS = frozenset({"task", "criteria", "hints", "solution"})
SOLUTION_KEYS = frozenset({"explain", "commands"})
FILE_KEYS = frozenset({"chapter", "title", "edition", "exercises"})
STUDENT_EDITION = "student"


class ExerciseFileError(Exception):
    """A chapter's exercise file does not follow the schema; the message names the file and the exercise."""


@dataclass(frozen=True)
class Criterion:
    kind: str
    api_version: str | None = None
    name: str | None = None
    selector: str | None = None
    namespace: str | None = None
    test: str = "exists"  # one of TESTS
    expected: Any = True  # exists: bool; count: int; condition: the status asked; field: the value compared to
    path: str | None = None  # field tests only
    field_test: str | None = None  # field tests only: one of FIELD_TESTS
    every: bool = False
    what_to_look_at: str | None = None


@dataclass(frozen=True)
class Solution:
    explain: str
    commands: tuple[str, ...]


@dataclass(frozen=True)
class Exercise:
    id: str
    chapter: str
    task: str
    criteria: tuple[Criterion, ...]
    hints: tuple[str, ...] = ()
    solution: Solution | None = None
    student_edition: bool = False  # from a file whose solutions were left out for students


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    exercises: dict[str, Exercise] = field(default_factory=dict)


def chapter_id(chapter: str | int) -> str:
    text = f"{int(chapter):02d}" if isinstance(chapter, int) or str(chapter).isdigit() else str(chapter)
    text = text.removeprefix("ch")
    if not CHAPTER.fullmatch(text):
        raise ValueError(f'{chapter!r} is not a chapter: use its number, such as "05"')
    return text


def chapter_of_exercise(exercise_id: str) -> str:
    """ "5.1" -> "05"."""
    number = exercise_id.split(".", 1)[0]
    if not number.isdigit():
        raise ValueError(f'{exercise_id!r} is not an exercise id such as "5.1"')
    return f"{int(number):02d}"


def exercise_folder() -> Traversable:
    """The packaged exercise files, or the folder in $KUARLAB_EXERCISES_DIR (an instructor's own exercises)."""
    override = os.environ.get("KUARLAB_EXERCISES_DIR")
    return Path(override) if override else resources.files("kuarlab") / "exercises"


def exercise_file_names() -> list[str]:
    folder = exercise_folder()
    if not folder.is_dir():
        return []
    return sorted(entry.name for entry in folder.iterdir() if re.fullmatch(r"ch\d\d\.yaml", entry.name))


def load_chapter(chapter: str) -> Chapter | None:
    """The chapter's exercises, or None when it has none."""
    name = f"ch{chapter_id(chapter)}.yaml"
    entry = exercise_folder() / name
    if not entry.is_file():
        return None
    return parse_chapter(entry.read_text(encoding="utf-8"), name)


def find_exercise(exercise_id: str) -> Exercise:
    chapter = load_chapter(chapter_of_exercise(exercise_id))
    if chapter is None or exercise_id not in chapter.exercises:
        known = ", ".join(chapter.exercises) if chapter else "none in that chapter"
        raise KeyError(f"no exercise {exercise_id!r} (known: {known})")
    return chapter.exercises[exercise_id]


def parse_chapter(text: str, source: str) -> Chapter:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ExerciseFileError(f"{source}: not valid YAML: {error}") from None
    where = _Where(source)
    mapping = where.mapping(document, "the file", FILE_KEYS)
    chapter = chapter_id(str(where.required(mapping, "chapter", str | int, "the file")))
    edition = mapping.get("edition")
    if edition not in (None, STUDENT_EDITION):
        raise ExerciseFileError(f"{source}: the file: edition takes {STUDENT_EDITION!r} or nothing, not {edition!r}")
    exercises = where.mapping(where.required(mapping, "exercises", dict, "the file"), "exercises", None)
    for key in exercises:
        if not isinstance(key, str):  # YAML reads 5.10 as the number 5.1
            raise ExerciseFileError(f'{source}: exercise {key}: quote exercise ids, such as "5.1"')
    student = edition == STUDENT_EDITION
    parsed = {key: _exercise(where, chapter, key, value, student) for key, value in exercises.items()}
    return Chapter(chapter, str(mapping.get("title", "")), parsed)


def _exercise(where: _Where, chapter: str, exercise_id: str, value: Any, student: bool) -> Exercise:
    context = f"exercise {exercise_id}"
    if chapter_of_exercise(exercise_id) != chapter:
        raise ExerciseFileError(f"{where.source}: {context}: its number does not belong to chapter {chapter}")
    mapping = where.mapping(value, context, EXERCISE_KEYS)
    if student and "solution" in mapping:
        raise ExerciseFileError(f"{where.source}: {context}: a student edition carries no solution")
    criteria = where.required(mapping, "criteria", list, context)
    if not criteria:
        raise ExerciseFileError(f"{where.source}: {context}: criteria is empty: a check must ask something")
    hints = mapping.get("hints") or []
    if not isinstance(hints, list) or not all(isinstance(hint, str) for hint in hints):
        raise ExerciseFileError(f"{where.source}: {context}: hints must be a list of strings")
    return Exercise(
        id=exercise_id,
        chapter=chapter,
        task=str(where.required(mapping, "task", str, context)),
        criteria=tuple(_criterion(where, f"{context}, criterion {n}", item) for n, item in enumerate(criteria, 1)),
        hints=tuple(hints),
        solution=_solution(where, context, mapping.get("solution")),
        student_edition=student,
    )


def _solution(where: _Where, context: str, value: Any) -> Solution | None:
    if value is None:
        return None
    mapping = where.mapping(value, f"{context}, solution", SOLUTION_KEYS)
    commands = mapping.get("commands") or []
    if not isinstance(commands, list) or not all(isinstance(command, str) for command in commands):
        raise ExerciseFileError(f"{where.source}: {context}: solution.commands must be a list of strings")
    return Solution(str(mapping.get("explain", "")), tuple(commands))


def _criterion(where: _Where, context: str, value: Any) -> Criterion:
    mapping = where.mapping(value, context, CRITERION_KEYS)
    kind = where.required(mapping, "kind", str, context)
    if "name" in mapping and "selector" in mapping:
        raise ExerciseFileError(f"{where.source}: {context}: give name or selector, not both")
    # with a field, `exists` is the field's test, not the object's
    tests = [test for test in TESTS if test in mapping and not (test == "exists" and "field" in mapping)]
    if len(tests) > 1:
        raise ExerciseFileError(f"{where.source}: {context}: ask one of {', '.join(tests)}, not several")
    test = tests[0] if tests else "exists"
    common = {
        "kind": kind,
        "api_version": mapping.get("apiVersion"),
        "name": _optional_text(where, mapping, "name", context),
        "selector": _optional_text(where, mapping, "selector", context),
        "namespace": _optional_text(where, mapping, "namespace", context),
        "every": bool(mapping.get("all", False)),
        "what_to_look_at": mapping.get("what_to_look_at"),
    }
    _refuse_misplaced(where, context, mapping, test)
    if test == "field":
        field_tests = [key for key in FIELD_TESTS if key in mapping]
        if len(field_tests) != 1:
            raise ExerciseFileError(f"{where.source}: {context}: field takes one of {', '.join(FIELD_TESTS)}")
        expected = mapping[field_tests[0]]
        if field_tests[0] == "at_least" and not isinstance(expected, int | float):
            raise ExerciseFileError(f"{where.source}: {context}: at_least takes a number")
        path = where.required(mapping, "field", str, context)
        return Criterion(**common, test=test, expected=expected, path=path, field_test=field_tests[0])
    if test == "count":
        if not isinstance(mapping["count"], int) or isinstance(mapping["count"], bool) or mapping["count"] < 0:
            raise ExerciseFileError(f"{where.source}: {context}: count takes a whole number")
        return Criterion(**common, test=test, expected=mapping["count"])
    if test == "condition":
        where.required(mapping, "condition", str, context)
        return Criterion(**common, test=test, expected=str(mapping.get("status", "True")), path=mapping["condition"])
    if not isinstance(mapping.get("exists", True), bool):
        raise ExerciseFileError(f"{where.source}: {context}: exists takes true or false")
    return Criterion(**common, test=test, expected=mapping.get("exists", True))


def _refuse_misplaced(where: _Where, context: str, mapping: dict[str, Any], test: str) -> None:
    misplaced: list[str] = [key for key in ("equals", "contains", "at_least") if key in mapping and test != "field"]
    if "status" in mapping and test != "condition":
        misplaced.append("status")
    if misplaced:
        raise ExerciseFileError(f"{where.source}: {context}: {', '.join(misplaced)} only goes with a matching test")


def _optional_text(where: _Where, mapping: dict[str, Any], key: str, context: str) -> str | None:
    value = mapping.get(key)
    if value is not None and not isinstance(value, str):
        raise ExerciseFileError(f"{where.source}: {context}: {key} must be text")
    return value


@dataclass
class _Where:
    source: str

    def mapping(self, value: Any, context: str, allowed: frozenset[str] | None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ExerciseFileError(f"{self.source}: {context}: expected a mapping, found {type(value).__name__}")
        unknown = sorted(str(key) for key in value if allowed is not None and key not in allowed)
        if unknown:
            known = ", ".join(sorted(allowed or ()))
            raise ExerciseFileError(f"{self.source}: {context}: unknown key {', '.join(unknown)} (known: {known})")
        return value

    def required(self, mapping: dict[str, Any], key: str, kind: Any, context: str) -> Any:
        if not isinstance(mapping.get(key), kind):
            shape = {dict: "a mapping", list: "a list"}.get(kind, "text")
            raise ExerciseFileError(f"{self.source}: {context}: {key} is required, as {shape}")
        return mapping[key]

"""Every chapter's exercise file (kuarlab/exercises/chNN.yaml) follows the schema, and its solutions name fixtures
that exist; a file that breaks the schema is refused with the file and the exercise in the message."""

from __future__ import annotations

import re
import shlex

import pytest

from kuarlab import exercise_files
from kuarlab.exercise_files import ExerciseFileError, parse_chapter
from tests.conftest import ROOT

PACKAGED = exercise_files.exercise_file_names()
GOOD_CRITERION = "{kind: Pod, name: kuard, condition: Ready}"


def chapter_text(criterion: str = GOOD_CRITERION, exercise_id: str = '"5.1"', extra: str = "") -> str:
    return f"""
chapter: "05"
title: Pods
exercises:
  {exercise_id}:
    task: Run kuard.
    criteria:
      - {criterion}
{extra}"""


@pytest.mark.parametrize("name", PACKAGED)
def test_every_exercise_file_loads(name: str) -> None:
    chapter = exercise_files.load_chapter(name[2:4])
    assert chapter is not None and chapter.id == name[2:4]
    assert chapter.exercises, f"{name} declares no exercise"
    for exercise in chapter.exercises.values():
        assert exercise.solution is not None and exercise.solution.commands, f"{name}: {exercise.id} has no solution"


@pytest.mark.parametrize("name", PACKAGED)
def test_solutions_name_fixtures_that_exist(name: str) -> None:
    chapter = exercise_files.load_chapter(name[2:4])
    assert chapter is not None
    for exercise in chapter.exercises.values():
        assert exercise.solution is not None
        for command in exercise.solution.commands:
            for word in shlex.split(command):
                for path in re.findall(r"(?:^|=)(fixtures/[^\s,;]+)", word):
                    assert (ROOT / path).exists(), f"{name}: exercise {exercise.id}: {path} does not exist"


def test_the_schema_accepts_every_test() -> None:
    criteria = [
        "{kind: Deployment, selector: app=alpaca, count: 1}",
        "{kind: Pod, selector: app=alpaca, field: status.phase, equals: Running, all: true}",
        '{kind: Pod, name: kuard, field: "spec.containers[0].resources.limits.memory", exists: true}',
        "{kind: Pod, name: kuard, condition: Ready, status: 'False', namespace: other}",
        "{kind: Widget, apiVersion: example.com/v1, name: w, exists: false, what_to_look_at: the widget}",
        "{kind: Deployment, name: kuard, field: status.readyReplicas, at_least: 2}",
        "{kind: ConfigMap, name: settings}",
    ]
    text = chapter_text(criterion="\n      - ".join(criteria))
    [exercise] = parse_chapter(text, "ch05.yaml").exercises.values()
    tests = [(criterion.test, criterion.field_test, criterion.every) for criterion in exercise.criteria]
    assert tests == [
        ("count", None, False),
        ("field", "equals", True),
        ("field", "exists", False),
        ("condition", None, False),
        ("exists", None, False),
        ("field", "at_least", False),
        ("exists", None, False),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            chapter_text(criterion="{kind: Pod, name: kuard, conditon: Ready}"),
            "exercise 5.1, criterion 1: unknown key conditon",
        ),
        (chapter_text(criterion="{kind: Pod, name: kuard, count: 1, condition: Ready}"), "ask one of count, condition"),
        (chapter_text(criterion="{name: kuard, condition: Ready}"), "exercise 5.1, criterion 1: kind is required"),
        (chapter_text(criterion="{kind: Pod, name: a, selector: b=c}"), "give name or selector, not both"),
        (chapter_text(criterion="{kind: Pod, name: a, equals: x}"), "equals only goes with a matching test"),
        (chapter_text(criterion="{kind: Pod, name: a, field: x, at_least: many}"), "at_least takes a number"),
        (chapter_text(criterion="{kind: Pod, count: -1}"), "count takes a whole number"),
        (chapter_text(exercise_id="5.10"), "exercise 5.1: quote exercise ids"),
        (chapter_text(exercise_id='"6.1"'), "exercise 6.1: its number does not belong to chapter 05"),
        (chapter_text(extra="    hint: [a]\n"), "exercise 5.1: unknown key hint"),
        (
            chapter_text(extra="    solution: {explain: x, commands: kubectl apply}\n"),
            "solution.commands must be a list",
        ),
        ("chapter: '05'\nexercises: []\n", "the file: exercises is required, as a mapping"),
        ("chapter: '05'\nexercises: {\n", "not valid YAML"),
    ],
)
def test_schema_errors_name_the_file_and_the_exercise(text: str, message: str) -> None:
    with pytest.raises(ExerciseFileError, match=re.escape(message)) as error:
        parse_chapter(text, "ch05.yaml")
    assert str(error.value).startswith("ch05.yaml: ")

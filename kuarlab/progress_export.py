"""Who got where: the exercises done, from one or many learners' progress files, as one CSV for a spreadsheet.

Each learner's kuarlab keeps `progress.json` (see kuarlab.progress): `{"done": {"5.1": "2026-11-29T10:02:11Z"},
"hints": {"5.1": 2}}`. An instructor collects those files, one per student, and exports them together:

    student,chapter,exercise,done_at,hints_seen
    alice,05,5.1,2026-11-29T10:02:11Z,2

A row is an exercise done; `hints_seen` is how many of its hints the student asked for. A file is named after its
student as `NAME=PATH`; a bare PATH is named after the file (`alice.json` is alice) or, for a file called
`progress.json`, after its folder (`alice/progress.json` is alice). The files are only read: a broken one is an
error that names it, never set aside as the learner's own kuarlab does.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kuarlab.exercise_files import chapter_of_exercise

COLUMNS = ("student", "chapter", "exercise", "done_at", "hints_seen")


class ProgressExportError(Exception):
    """A progress file or the CSV's place cannot be used: the message names it and says what to do."""


@dataclass(frozen=True)
class ProgressSource:
    student: str
    path: Path


@dataclass(frozen=True)
class DoneExercise:
    student: str
    chapter: str
    exercise: str
    done_at: str
    hints_seen: int

    def sort_key(self) -> tuple[str, int, int]:
        chapter, _, number = self.exercise.partition(".")
        return self.student, int(chapter), int(number) if number.isdigit() else 0


def source_from_argument(argument: str) -> ProgressSource:
    """`NAME=PATH`, or a PATH named after its file or, for progress.json, its folder."""
    name, equals, path = argument.partition("=")
    if equals and name and "/" not in name:
        return ProgressSource(name, Path(path))
    given = Path(argument)
    student = given.parent.resolve().name if given.stem == "progress" else given.stem
    return ProgressSource(student, given)


def done_exercises(source: ProgressSource) -> list[DoneExercise]:
    document = _read(source.path)
    hints = document.get("hints", {})
    rows = []
    for exercise, done_at in document["done"].items():
        try:
            chapter = chapter_of_exercise(str(exercise))
        except ValueError:
            raise ProgressExportError(
                f"{source.path}: {exercise!r} is not an exercise id such as 5.1: is this a kuarlab progress file?"
            ) from None
        seen = hints.get(exercise, 0) if isinstance(hints, dict) else 0
        rows.append(DoneExercise(source.student, chapter, str(exercise), str(done_at), _whole(seen)))
    return rows


def collect(sources: list[ProgressSource]) -> list[DoneExercise]:
    """Every source's done exercises, by student and then in the book's order."""
    return sorted((row for source in sources for row in done_exercises(source)), key=DoneExercise.sort_key)


def csv_text(rows: list[DoneExercise]) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows((row.student, row.chapter, row.exercise, row.done_at, row.hints_seen) for row in rows)
    return text.getvalue()


def write_export(text: str, target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ProgressExportError(
            f"cannot write {target}: {error.strerror or error}; give --export a path you can write to"
        ) from None


def _read(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProgressExportError(f"no progress file at {path}: check the path") from None
    except (OSError, ValueError) as error:
        raise ProgressExportError(f"{path} cannot be read as JSON ({error}): is it a kuarlab progress.json?") from None
    if not isinstance(document, dict) or not isinstance(document.get("done", {}), dict):
        raise ProgressExportError(f'{path} is not a kuarlab progress file (it needs a "done" mapping)')
    document.setdefault("done", {})
    return document


def _whole(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0

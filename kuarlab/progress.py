"""What a learner has done, kept in `$KUARLAB_HOME/progress.json` across kernels and notebooks.

The file records the exercises done (with when) and how far down each exercise's hint ladder the learner went, so
that `hint` goes on where it stopped after a kernel restart. It is rewritten whole and atomically (a temporary file
renamed over it), so a kernel killed mid-write never leaves it half written; a file that cannot be read is set
aside as `progress.json.unreadable` rather than lost.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from kuarlab.backend import state_dir, write_private
from kuarlab.exercise_files import chapter_id, exercise_file_names, load_chapter


def progress_file() -> Path:
    return state_dir() / "progress.json"


def read_progress() -> dict[str, Any]:
    path = progress_file()
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError:
        return {"done": {}, "hints": {}}
    except (OSError, ValueError):
        os.replace(path, path.with_name(path.name + ".unreadable"))
        return {"done": {}, "hints": {}}
    if not isinstance(document, dict):
        return {"done": {}, "hints": {}}
    document.setdefault("done", {})
    document.setdefault("hints", {})
    return document


def _save(document: dict[str, Any]) -> None:
    write_private(progress_file(), json.dumps(document, indent=2, sort_keys=True) + "\n")


def record_done(exercise_id: str) -> None:
    document = read_progress()
    document["done"].setdefault(exercise_id, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    _save(document)


def is_done(exercise_id: str) -> bool:
    return exercise_id in read_progress()["done"]


def advance_hint(exercise_id: str, total: int) -> int | None:
    """The index of the exercise's next hint, remembered as shown; None once all `total` hints were shown."""
    document = read_progress()
    shown = int(document["hints"].get(exercise_id, 0))
    if shown >= total:
        return None
    document["hints"][exercise_id] = shown + 1
    _save(document)
    return shown


def progress_table() -> str:
    """One line per chapter that has exercises: each exercise with ✓ when done, and the count."""
    done = read_progress()["done"]
    lines = []
    for name in exercise_file_names():
        chapter = load_chapter(chapter_id(name.removeprefix("ch").removesuffix(".yaml")))
        if chapter is None or not chapter.exercises:
            continue
        marks = "  ".join(f"{exercise} {'✓' if exercise in done else '·'}" for exercise in chapter.exercises)
        finished = sum(exercise in done for exercise in chapter.exercises)
        lines.append(f"{chapter.id}  {chapter.title:<28.28} {marks}   ({finished}/{len(chapter.exercises)})")
    if not lines:
        return "kuarlab: no exercises are declared yet"
    return "\n".join([f"ch  {'title':<28} exercises (✓ done)", *lines])

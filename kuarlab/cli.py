"""The `kuarlab` command: an instructor's tools for running the notebooks with a class.

    kuarlab student-version [--out DIR] [NOTEBOOK ...]   students' copies, without the solutions (default: every
                                                         chapter notebook, into student/)
    kuarlab progress                                     this learner's progress, as lab.progress() shows it
    kuarlab progress --export FILE.csv [PROGRESS ...]    the exercises done, as CSV (- for standard output): this
                                                         learner's, or those of the collected progress files

See kuarlab.student_version and kuarlab.progress_export. Exit codes: 0 done, 1 a file or folder cannot be used (the
message names it and says what to do), 2 usage error.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from kuarlab.exercise_files import ExerciseFileError

EXIT_OK, EXIT_FAILED = 0, 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "student-version":
            return _student_version(args.out, args.notebooks)
        return _progress(args.export, args.student, args.files)
    except CommandError as error:
        print(f"kuarlab: {error}", file=sys.stderr)
        return EXIT_FAILED


class CommandError(Exception):
    """What went wrong, for the one line `kuarlab` prints instead of a traceback."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kuarlab", description="Instructor tools for the kuar-lab notebooks.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    student = commands.add_parser(
        "student-version",
        help="write students' copies of the notebooks, without the solutions",
        description="Write the notebooks with their outputs cleared and their solutions left out (checks and hints "
        "stay), with the exercise files they read and the fixtures they apply, as a folder to hand out.",
    )
    student.add_argument("notebooks", nargs="*", type=Path, metavar="NOTEBOOK",
                         help="chapter notebooks (default: every notebooks/NN-*.ipynb)")  # fmt: skip
    student.add_argument("--out", type=Path, default=Path("student"), metavar="DIR",
                         help="the folder to write (default: student/)")  # fmt: skip
    progress = commands.add_parser(
        "progress",
        help="show or export the exercises done",
        description="Without --export, show this learner's progress. With it, write the exercises done as CSV: "
        "this learner's, or those of the progress files given (NAME=PATH, or PATH named after the file, or after "
        "its folder for progress.json).",
    )
    progress.add_argument("files", nargs="*", metavar="PROGRESS", help="collected progress.json files")
    progress.add_argument("--export", metavar="FILE.csv", help="write a CSV there (- for standard output)")
    progress.add_argument("--student", metavar="NAME", help="the name for this learner's own rows (default: $USER)")
    return parser


def _student_version(out: Path, notebooks: list[Path]) -> int:
    from kuarlab.facade import repo_root
    from kuarlab.student_version import StudentVersionError, write_student_version

    chosen = notebooks or _chapter_notebooks(repo_root() / "notebooks")
    try:
        written = write_student_version(chosen, out, fixtures=repo_root() / "fixtures" / "book")
    except (StudentVersionError, ExerciseFileError) as error:
        raise CommandError(str(error)) from None
    print(
        f"kuarlab: wrote {len(written.notebooks)} student notebook(s) to {out / 'notebooks'} and "
        f"{len(written.exercise_files)} exercise file(s) without solutions to {out / 'exercises'}"
    )
    if written.solution_cells_removed:
        print(f"kuarlab: {written.solution_cells_removed} cell(s) that called lab.solution became a note")
    return EXIT_OK


def _chapter_notebooks(folder: Path) -> list[Path]:
    found = sorted(folder.glob("[0-9][0-9]-*.ipynb"))
    if not found:
        raise CommandError(f"no chapter notebooks (NN-*.ipynb) in {folder}: name the notebooks to convert")
    return found


def _progress(export: str | None, student: str | None, files: list[str]) -> int:
    from kuarlab import progress
    from kuarlab.progress_export import (
        ProgressExportError,
        ProgressSource,
        collect,
        csv_text,
        source_from_argument,
        write_export,
    )

    if export is None:
        if files:
            raise CommandError("progress files are for --export: add --export FILE.csv")
        print(progress.progress_table())
        return EXIT_OK
    own = progress.progress_file()
    if not files and not own.exists():
        sources: list[ProgressSource] = []  # nothing done yet: the CSV has its header only
    elif files:
        sources = [source_from_argument(argument) for argument in files]
    else:
        sources = [ProgressSource(student or _user(), own)]
    try:
        rows = collect(sources)
        if export == "-":
            sys.stdout.write(csv_text(rows))
            return EXIT_OK
        write_export(csv_text(rows), Path(export))
    except ProgressExportError as error:
        raise CommandError(str(error)) from None
    print(f"kuarlab: wrote {len(rows)} exercise(s) done, from {len(sources)} progress file(s), to {export}")
    return EXIT_OK


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no USER variable and no passwd entry, as in some containers
        return "learner"


if __name__ == "__main__":
    sys.exit(main())

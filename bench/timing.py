"""Timing helpers for the benchmarks: run a command, report wall and CPU seconds of the process tree."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.wall:8.3f} s wall {self.cpu:8.3f} s cpu"


def run_timed(command: Sequence[str], cwd: str | None = None) -> Timing:
    """One run of command; CPU counts user and system time of all its processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def median_timing(command: Sequence[str], repeat: int, cwd: str | None = None) -> Timing:
    runs = [run_timed(command, cwd) for _ in range(repeat)]
    return Timing(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))


def ratio_line(name: str, ours: Timing, theirs: Timing, goal: str) -> str:
    return f"{name:<44} {ours.cpu / theirs.cpu:7.2f}x cpu {ours.wall / theirs.wall:7.2f}x wall   (goal: {goal})"


def which(name: str, folder: str | None) -> str | None:
    from shutil import which as find

    if folder:
        candidate = os.path.join(folder, name)
        return candidate if os.access(candidate, os.X_OK) else None
    return find(name)

"""Probes over a container's life: when the kubelet's prober would run them, and what it would conclude.

The kubelet probes a container every periodSeconds, the first time initialDelaySeconds after it started
(liveness and readiness only once a startup probe has succeeded). A probe changes its verdict after
successThreshold successes in a row (to passing) or failureThreshold failures in a row (to failing).
Readiness starts failing, liveness starts passing; a startup probe is done at its first success and kills
the container after failureThreshold failures before that.

The process model (processes.py) says how a probe fares over time as a few intervals of constant outcome,
so the ticks are counted interval by interval instead of one by one: a container that has run for a month
costs no more than one that just started.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kubesim.nodes.processes import FOREVER, Answer

LIVENESS, READINESS, STARTUP = "Liveness", "Readiness", "Startup"


@dataclass(frozen=True)
class Run:
    """Probe ticks in a row with the same outcome: `count` of them from `first`, one period apart."""

    first: float
    count: float  # math.inf for the last run
    ok: bool
    message: str


@dataclass(frozen=True)
class Schedule:
    """One probe of one container: its ticks (seconds since the container started) and their outcomes."""

    answers: tuple[Answer, ...]
    start: float  # the first tick
    period: float
    success_threshold: int
    failure_threshold: int

    @staticmethod
    def of(probe: dict[str, Any], answers: list[Answer], not_before: float = 0.0) -> Schedule:
        start = max(float(probe.get("initialDelaySeconds") or 0), not_before)
        return Schedule(
            tuple(answers),
            start,
            float(probe.get("periodSeconds") or 10),
            int(probe.get("successThreshold") or 1),
            int(probe.get("failureThreshold") or 3),
        )

    def runs(self) -> Iterator[Run]:
        """Maximal runs of ticks with one outcome (the message is the run's first failure's)."""
        pending: Run | None = None
        bounds = [*(answer.since for answer in self.answers[1:]), FOREVER]
        for answer, until in zip(self.answers, bounds, strict=True):
            first = self._first_tick_at_or_after(answer.since)
            if first >= until:
                continue
            count = math.inf if until == FOREVER else math.ceil((until - first) / self.period)
            if pending is not None and pending.ok == answer.ok:
                pending = Run(pending.first, pending.count + count, pending.ok, pending.message)
                continue
            if pending is not None:
                yield pending
            pending = Run(first, count, answer.ok, answer.message)
        if pending is not None:
            yield pending

    def _first_tick_at_or_after(self, moment: float) -> float:
        if moment <= self.start:
            return self.start
        return self.start + math.ceil((moment - self.start) / self.period - 1e-9) * self.period

    def flips(self, passing: bool) -> list[tuple[float, bool]]:
        """The moments the verdict changes, starting from `passing`, with the verdict from each on."""
        flips: list[tuple[float, bool]] = []
        for run in self.runs():
            if run.ok == passing:
                continue
            needed = self.success_threshold if run.ok else self.failure_threshold
            if run.count >= needed:
                passing = run.ok
                flips.append((run.first + (needed - 1) * self.period, passing))
        return flips

    def first_success(self) -> float | None:
        """When a startup probe is done (None: never)."""
        for run in self.runs():
            if run.ok:
                return run.first
        return None

    def gives_up_at(self) -> float | None:
        """When failures in a row reach failureThreshold before any success (a startup probe's kill)."""
        for run in self.runs():
            if run.ok:
                return None
            if run.count >= self.failure_threshold:
                return run.first + (self.failure_threshold - 1) * self.period
        return None

    def failures_between(self, after: float, until: float) -> Iterator[tuple[float, str]]:
        """The failing ticks in (after, until], with their messages."""
        for run in self.runs():
            if run.first > until:
                return
            if run.ok:
                continue
            last = run.first + (run.count - 1) * self.period
            tick = self._first_tick_at_or_after(max(run.first, after))
            if tick <= after:
                tick += self.period
            while tick <= min(until, last):
                yield tick, run.message
                tick += self.period

    def next_failure_after(self, moment: float) -> float | None:
        for tick, _ in self.failures_between(moment, FOREVER):
            return tick
        return None


def verdict_at(flips: list[tuple[float, bool]], moment: float, initial: bool) -> bool:
    verdict = initial
    for when, passing in flips:
        if when > moment:
            break
        verdict = passing
    return verdict

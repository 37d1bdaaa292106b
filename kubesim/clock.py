"""The simulated clock: every delay of the cluster's behaviour passes `speed` times faster; timestamps stay real.

Image pulls, container starts, probe periods, back-offs, grace periods, minReadySeconds, HPA windows: each
is written in simulated seconds, the durations Kubernetes uses, and this clock turns them into real ones.
Objects still carry real timestamps, so `kubectl get` ages read as they would on a real cluster; what
has *elapsed* since such a timestamp is measured in simulated seconds.
"""

from __future__ import annotations

import asyncio
import datetime
import time
from pathlib import Path


class Clock:
    def __init__(self, speed: float = 1.0, anchor: float | None = None) -> None:
        """anchor: the real moment from which simulated time runs faster (by default, now)."""
        if speed <= 0:
            raise ValueError("the speed must be above 0")
        self.speed = speed
        self._anchor = time.time() if anchor is None else anchor

    def real(self, simulated_seconds: float) -> float:
        """How long a simulated delay lasts in real seconds."""
        return max(0.0, simulated_seconds) / self.speed

    async def sleep(self, simulated_seconds: float) -> None:
        await asyncio.sleep(self.real(simulated_seconds))

    def since(self, timestamp: str | None) -> float:
        """Simulated seconds elapsed since an RFC 3339 timestamp (0 for a missing or unreadable one)."""
        moment = parse_time(timestamp)
        if moment is None:
            return 0.0
        return max(0.0, (time.time() - moment) * self.speed)

    def simulated_now(self) -> datetime.datetime:
        """The simulated wall clock, for schedules (CronJob): it runs `speed` times faster from the anchor."""
        now = time.time()
        return datetime.datetime.fromtimestamp(self._anchor + (now - self._anchor) * self.speed, datetime.UTC)


def anchor_in(data_dir: Path) -> float:
    """The cluster's clock anchor, kept in its data dir: simulated time goes on from where it was after a
    restart, instead of starting again from the real time."""
    path = data_dir / "clock-anchor"
    try:
        return float(path.read_text())
    except (OSError, ValueError):
        anchor = time.time()
        path.write_text(repr(anchor))
        return anchor


def parse_time(timestamp: str | None) -> float | None:
    """Seconds since the epoch of an RFC 3339 timestamp such as 2026-11-29T07:19:15Z or ...15.123456Z."""
    if not timestamp:
        return None
    try:
        return datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def micro_time() -> str:
    """The current time as a MicroTime (events, leases)."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

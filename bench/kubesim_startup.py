"""kubesim's start-up work in-process: bootstrapping a three-node cluster, and building its OpenAPI documents.

.venv/bin/python bench/kubesim_startup.py [--repeat N]

Each figure is the median of --repeat runs, printed beside its goal as a ratio (at most 1.00x meets the goal).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kubesim.api.openapi import OpenAPI
from kubesim.api.resources import ResourceRegistry
from kubesim.store.bootstrap import bootstrap
from kubesim.store.store import Store

CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBkubesimbench\n-----END CERTIFICATE-----\n"


def median_seconds(run: Callable[[int], float], repeat: int) -> float:
    """The median of repeat runs; run(attempt) does its own set-up and returns the seconds of the measured part."""
    return statistics.median(run(attempt) for attempt in range(repeat))


def goal_line(name: str, seconds: float, goal: float) -> str:
    return f"{name:<44} {seconds * 1000:9.2f} ms   {seconds / goal:6.2f}x of goal (goal: <= {goal * 1000:g} ms)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"median of {args.repeat} runs")

    with tempfile.TemporaryDirectory() as folder:

        def bootstrap_on_disk(attempt: int) -> float:
            store = Store(Path(folder) / f"kubesim-{attempt}.db")
            started = time.perf_counter()
            bootstrap(store, workers=2, ca_pem=CA_PEM)
            elapsed = time.perf_counter() - started
            store.close()
            return elapsed

        print(goal_line("bootstrap, three nodes, SQLite file", median_seconds(bootstrap_on_disk, args.repeat), 0.050))

    def bootstrap_in_memory(_: int) -> float:
        store = Store(None)
        started = time.perf_counter()
        bootstrap(store, workers=2, ca_pem=CA_PEM)
        elapsed = time.perf_counter() - started
        store.close()
        return elapsed

    print(goal_line("bootstrap, three nodes, in memory", median_seconds(bootstrap_in_memory, args.repeat), 0.050))

    def every_v3_document(_: int) -> float:
        openapi = OpenAPI(ResourceRegistry())
        started = time.perf_counter()
        openapi.v3_index()  # builds and hashes every group-version's document
        return time.perf_counter() - started

    print(goal_line("OpenAPI v3, every group version, cold", median_seconds(every_v3_document, args.repeat), 5.0))

    openapi = OpenAPI(ResourceRegistry())
    openapi.v3_document("apps", "v1")

    def cached_v3_document(_: int) -> float:
        started = time.perf_counter()
        openapi.v3_document("apps", "v1")
        return time.perf_counter() - started

    print(goal_line("OpenAPI v3 apps/v1, cached", median_seconds(cached_v3_document, args.repeat), 0.050))
    return 0


if __name__ == "__main__":
    sys.exit(main())

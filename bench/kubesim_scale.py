"""kubesim at scale: a Deployment of 5,000 replicas on 100 simulated nodes, until every replica is Available.

.venv/bin/python bench/kubesim_scale.py [--replicas N] [--nodes N] [--speed X]

Starts `kubesim serve --nodes N --speed X` with the project's Python in a temporary data dir, creates the
Deployment through the official Python client, and follows it until status.availableReplicas reaches the replica
count. It prints the time to fully Available, the pod creation rate (from the ReplicaSet's status.replicas over
time), and the kubesim process's CPU seconds and peak memory (VmHWM), each beside its goal as a ratio, and beside
KWOK's default pod rate (20 pods/s, its documented `--kube-api-qps` default) for scale.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kubernetes import client, config

KWOK_DEFAULT_PODS_PER_SECOND = 20.0
GOAL_SECONDS, GOAL_PODS_PER_SECOND, GOAL_MEMORY_GIB = 60.0, 200.0, 1.5
TIMEOUT = 600.0


def start(data_dir: Path, nodes: int, speed: float) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "kubesim", "serve", "--data-dir", str(data_dir), "--nodes", str(nodes),
         "--speed", str(speed)],
        stdout=subprocess.DEVNULL, stderr=open(data_dir.parent / "kubesim.log", "wb"),  # noqa: SIM115
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not (data_dir / "kubeconfig").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"kubesim did not start: {(data_dir.parent / 'kubesim.log').read_text()[-2000:]}")
        time.sleep(0.05)
    return process


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_memory_gib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / (1024 * 1024)
    return 0.0


def deployment(replicas: int) -> dict[str, object]:
    labels = {"app": "scale"}
    container = {
        "name": "kuard",
        "image": "gcr.io/kuar-demo/kuard-amd64:blue",
        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}},
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "scale"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
        },
    }


def goal_line(name: str, value: float, unit: str, goal: float, at_most: bool) -> str:
    ratio = value / goal if at_most else goal / value if value else float("inf")
    sign = "<=" if at_most else ">="
    return f"{name:<34} {value:10.1f} {unit:<6} {ratio:6.2f}x of goal (goal: {sign} {goal:g} {unit}; <= 1.00x meets it)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replicas", type=int, default=5000)
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--speed", type=float, default=100.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        process = start(data_dir, args.nodes, args.speed)
        try:
            api_client = config.new_client_from_config(str(data_dir / "kubeconfig"))
            apps = client.AppsV1Api(api_client)
            cpu_before = cpu_seconds(process.pid)
            started = time.monotonic()
            apps.create_namespaced_deployment("default", deployment(args.replicas))
            created: list[tuple[float, int]] = []
            available = 0
            while available < args.replicas:
                if time.monotonic() - started > TIMEOUT:
                    raise SystemExit(f"not Available after {TIMEOUT:g} s: {available}/{args.replicas}")
                time.sleep(0.5)
                status = apps.read_namespaced_deployment_status("scale", "default").status
                available = status.available_replicas or 0
                created.append((time.monotonic() - started, status.replicas or 0))
            elapsed = time.monotonic() - started
            cpu = cpu_seconds(process.pid) - cpu_before
            memory = peak_memory_gib(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)
    first = next(moment for moment, count in created if count > 0)
    last = next(moment for moment, count in created if count >= args.replicas)
    rate = args.replicas / max(last - first, 0.5)
    print(f"Deployment of {args.replicas} replicas on {args.nodes} nodes at --speed {args.speed:g}")
    print(goal_line("all replicas Available", elapsed, "s", GOAL_SECONDS, at_most=True))
    print(goal_line("pods created per second", rate, "pods/s", GOAL_PODS_PER_SECOND, at_most=False))
    print(f"{'':<34} {rate / KWOK_DEFAULT_PODS_PER_SECOND:10.1f}x KWOK's default rate of 20 pods/s")
    print(goal_line("peak memory (VmHWM)", memory, "GiB", GOAL_MEMORY_GIB, at_most=True))
    print(f"{'CPU seconds of kubesim':<34} {cpu:10.1f} s      ({cpu / args.replicas * 1000:.1f} ms per replica)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`kubesim load SERVICE [--rate RPS] [--duration D]` and `kubesim load stop SERVICE`: drive requests to a Service.

The load is recorded on the Service, through the running cluster's API as kubectl would write it, in the
annotations kubesim.io/load (requests a second), kubesim.io/load-started (when) and, for a load that ends by
itself, kubesim.io/load-duration (simulated seconds). The usage model (kubesim/nodes/usage.py) spreads that rate
over the Service's ready pods as CPU, so metrics, `kubectl top` and the HPA see the pods busy. `stop` removes them.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Mapping
from pathlib import Path

from kubesim.cluster_client import ApiFailure, ClusterClient, Unreachable
from kubesim.nodes.usage import LOAD_ANNOTATION, LOAD_DURATION_ANNOTATION, LOAD_STARTED_ANNOTATION

_UNITS = {"s": 1, "m": 60, "h": 3600}


def start(data_dir: Path, name: str, namespace: str, rate: float, duration: str | None) -> int:
    """Put rate requests a second on the Service, for duration (such as 90, 90s, 5m, 1h) or until stopped."""
    seconds = _seconds(duration) if duration is not None else None
    if not rate > 0 or (duration is not None and seconds is None):
        print("kubesim: --rate takes requests a second above 0, --duration a time such as 90s or 5m", file=sys.stderr)
        return 2
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    annotations = {
        LOAD_ANNOTATION: _number_text(rate),
        LOAD_STARTED_ANNOTATION: started,
        LOAD_DURATION_ANNOTATION: _number_text(seconds) if seconds is not None else None,
    }
    if _annotate(data_dir, name, namespace, annotations) != 0:
        return 1
    until = f"for {_number_text(seconds)}s" if seconds is not None else "until `kubesim load stop`"
    print(f"service/{name} receives {_number_text(rate)} requests/s {until}")
    return 0


def stop(data_dir: Path, name: str, namespace: str) -> int:
    annotations = {LOAD_ANNOTATION: None, LOAD_STARTED_ANNOTATION: None, LOAD_DURATION_ANNOTATION: None}
    if _annotate(data_dir, name, namespace, annotations) != 0:
        return 1
    print(f"service/{name} load stopped")
    return 0


def _annotate(data_dir: Path, name: str, namespace: str, annotations: Mapping[str, str | None]) -> int:
    try:
        client = ClusterClient(data_dir / "kubeconfig")
        client.patch(f"/api/v1/namespaces/{namespace}/services/{name}", {"metadata": {"annotations": annotations}})
    except Unreachable:
        print(f"kubesim: no cluster is running from {data_dir} (start one with `kubesim up`)", file=sys.stderr)
        return 1
    except ApiFailure as failure:
        if failure.status == 404:
            print(f'kubesim: there is no service "{name}" in namespace "{namespace}"', file=sys.stderr)
        else:
            print(f"kubesim: {failure}", file=sys.stderr)
        return 1
    return 0


def _seconds(text: str) -> float | None:
    text = text.strip()
    factor = _UNITS.get(text[-1:], 0)
    try:
        value = float(text[:-1]) * factor if factor else float(text)
    except ValueError:
        return None
    return value if value > 0 else None


def _number_text(value: float) -> str:
    return f"{value:g}"

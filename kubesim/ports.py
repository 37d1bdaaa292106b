"""`kubesim ports`: what of a running cluster can be reached from the host, and where.

The ingress add-on publishes its HTTP and HTTPS listeners on its IngressClass, and every NodePort or LoadBalancer
Service publishes its host ports, both in the annotation `kubesim.io/host-ports` (controllers/host_ports.py gives
its format). This command reads them through the API, as kubectl would, and prints one line per port:

    NAMESPACE   NAME                   PORT      ADDRESS
                ingressclass/kubesim   80/TCP    http://127.0.0.1:38081
                ingressclass/kubesim   443/TCP   https://127.0.0.1:38443
    default     service/alpaca         8080/TCP  http://127.0.0.1:30080
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from kubesim.cluster_client import ApiFailure, ClusterClient, Unreachable
from kubesim.controllers.host_ports import ANNOTATION, parse_host_ports

INGRESS_CLASSES = "/apis/networking.k8s.io/v1/ingressclasses"
SERVICES = "/api/v1/services"


def list_ports(data_dir: Path) -> int:
    try:
        client = ClusterClient(data_dir / "kubeconfig")
        classes, services = client.get(INGRESS_CLASSES), client.get(SERVICES)
    except Unreachable:
        print(f"kubesim: no cluster is running from {data_dir} (start one with `kubesim up`)", file=sys.stderr)
        return 1
    except ApiFailure as failure:
        print(f"kubesim: {failure}", file=sys.stderr)
        return 1
    rows = [("NAMESPACE", "NAME", "PORT", "ADDRESS")]
    rows += _rows("ingressclass", classes.get("items") or [], https_port="443/TCP")
    rows += _rows("service", services.get("items") or [])
    widths = [max(len(row[column]) for row in rows) + 3 for column in range(3)]
    for row in rows:
        print("".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + row[3])
    return 0


def _rows(kind: str, items: list[dict[str, Any]], https_port: str = "") -> list[tuple[str, str, str, str]]:
    rows = []
    for item in items:
        metadata = item.get("metadata") or {}
        for port, address in parse_host_ports((metadata.get("annotations") or {}).get(ANNOTATION) or ""):
            scheme = "https" if port == https_port else "http"
            rows.append(
                (metadata.get("namespace") or "", f"{kind}/{metadata.get('name')}", port, f"{scheme}://{address}")
            )
    return rows

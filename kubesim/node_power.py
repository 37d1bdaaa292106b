"""`kubesim node stop|start|list`: power a running cluster's nodes off and on, through its API.

A node is a dead machine while it carries the annotation kubesim.io/power: "off": its kubelet does nothing at
all, so its lease expires and the node lifecycle controller marks it NotReady and has its pods evicted, as
when a real machine dies. Starting it clears the annotation; the kubelet comes back with its containers lost.

These commands read the cluster's kubeconfig in its data dir and talk HTTPS to the API server with its CA
and token, as kubectl would.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kubesim.cluster_client import ApiFailure, ClusterClient, Unreachable
from kubesim.nodes.power import POWER_ANNOTATION, powered_off

NODES = "/api/v1/nodes"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"  # what kubectl asks for: the server prints the STATUS


def power(data_dir: Path, name: str, on: bool) -> int:
    """Power the node on or off; 0 when it is (or already was) in that state."""
    try:
        client = ClusterClient(data_dir / "kubeconfig")
        node = client.get(f"{NODES}/{name}")
        if powered_off(node) != on:
            print(f"node/{name} is already {'on' if on else 'off'}")
            return 0
        client.patch(f"{NODES}/{name}", {"metadata": {"annotations": {POWER_ANNOTATION: None if on else "off"}}})
    except Unreachable:
        return _not_running(data_dir)
    except ApiFailure as failure:
        if failure.status == 404:
            return _no_such_node(client, name)
        print(f"kubesim: {failure}", file=sys.stderr)
        return 1
    print(f"node/{name} powered {'on' if on else 'off'}")
    return 0


def list_nodes(data_dir: Path) -> int:
    """The nodes, whether each is powered on, and their STATUS as `kubectl get nodes` shows it."""
    try:
        table = ClusterClient(data_dir / "kubeconfig").get(NODES, accept=TABLE)
    except Unreachable:
        return _not_running(data_dir)
    except ApiFailure as failure:
        print(f"kubesim: {failure}", file=sys.stderr)
        return 1
    rows = [("NAME", "POWER", "STATUS")]
    rows += [(row["cells"][0], "off" if powered_off(row["object"]) else "on", row["cells"][1]) for row in table["rows"]]
    width = max(len(row[0]) for row in rows) + 3
    for row in rows:
        print(f"{row[0]:<{width}}{row[1]:<8}{row[2]}")
    return 0


def _not_running(data_dir: Path) -> int:
    print(f"kubesim: no cluster is running from {data_dir} (start one with `kubesim up`)", file=sys.stderr)
    return 1


def _no_such_node(client: ClusterClient, name: str) -> int:
    names = [node["metadata"]["name"] for node in client.get(NODES).get("items") or []]
    print(f'kubesim: there is no node "{name}" (the nodes are {", ".join(names)})', file=sys.stderr)
    return 1

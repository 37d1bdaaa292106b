"""`kubesim node stop|start|list`: power a running cluster's nodes off and on, through its API.

A node is a dead machine while it carries the annotation kubesim.io/power: "off": its kubelet does nothing at
all, so its lease expires and the node lifecycle controller marks it NotReady and has its pods evicted, as
when a real machine dies. Starting it clears the annotation; the kubelet comes back with its containers lost.

These commands read the cluster's kubeconfig in its data dir and talk HTTPS to the API server with its CA
and token, as kubectl would.
"""

from __future__ import annotations

import base64
import json
import ssl
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from kubesim.nodes.power import POWER_ANNOTATION, powered_off

NODES = "/api/v1/nodes"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"  # what kubectl asks for: the server prints the STATUS
TIMEOUT_SECONDS = 10.0


class Unreachable(Exception):
    """No cluster answers from that data dir."""


class ApiFailure(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("message", f"HTTP {status}"))
        self.status = status


class ClusterClient:
    """Just enough of a Kubernetes client: JSON over HTTPS with the kubeconfig's server, CA and token."""

    def __init__(self, kubeconfig: Path) -> None:
        try:
            config = yaml.safe_load(kubeconfig.read_text())
            cluster = config["clusters"][0]["cluster"]
            self.server, self.token = cluster["server"], config["users"][0]["user"]["token"]
            certificate = base64.b64decode(cluster["certificate-authority-data"]).decode()
        except (OSError, KeyError, IndexError, TypeError, yaml.YAMLError) as error:
            raise Unreachable(str(error)) from None
        self.tls = ssl.create_default_context(cadata=certificate)

    def get(self, path: str, accept: str = "application/json") -> dict[str, Any]:
        return self._send("GET", path, None, accept)

    def patch(self, path: str, merge_patch: dict[str, Any]) -> dict[str, Any]:
        return self._send("PATCH", path, merge_patch)

    def _send(self, method: str, path: str, body: Any, accept: str = "application/json") -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": accept}
        if body is not None:
            headers["Content-Type"] = "application/merge-patch+json"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.server + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS, context=self.tls) as response:
                answer: dict[str, Any] = json.loads(response.read())
                return answer
        except urllib.error.HTTPError as error:
            raise ApiFailure(error.code, _json_or_empty(error.read())) from None
        except (urllib.error.URLError, OSError) as error:
            raise Unreachable(str(error)) from None


def power(data_dir: Path, name: str, on: bool) -> int:
    """Power the node on or off; 0 when it is (or already was) in that state."""
    try:
        client = ClusterClient(data_dir / "kubeconfig")
        node = client.get(f"{NODES}/{name}")
        if is_on(node) == on:
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
    rows += [(row["cells"][0], "on" if is_on(row["object"]) else "off", row["cells"][1]) for row in table["rows"]]
    width = max(len(row[0]) for row in rows) + 3
    for row in rows:
        print(f"{row[0]:<{width}}{row[1]:<8}{row[2]}")
    return 0


def is_on(node: dict[str, Any]) -> bool:
    return not powered_off(node)


def _not_running(data_dir: Path) -> int:
    print(f"kubesim: no cluster is running from {data_dir} (start one with `kubesim up`)", file=sys.stderr)
    return 1


def _no_such_node(client: ClusterClient, name: str) -> int:
    names = [node["metadata"]["name"] for node in client.get(NODES).get("items") or []]
    print(f'kubesim: there is no node "{name}" (the nodes are {", ".join(names)})', file=sys.stderr)
    return 1


def _json_or_empty(body: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(body)
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}

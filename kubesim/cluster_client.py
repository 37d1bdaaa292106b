"""Just enough of a Kubernetes client for kubesim's own commands (`kubesim node`, `kubesim load`): JSON over
HTTPS to a running cluster, with the server, CA and token of the kubeconfig in its data dir, as kubectl would."""

from __future__ import annotations

import base64
import json
import ssl
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

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


def _json_or_empty(body: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(body)
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}

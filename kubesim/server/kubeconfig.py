"""The kubeconfig that points kubectl and the Python client at kubesim (context `kubesim`)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import yaml

CONTEXT = "kubesim"


def write_kubeconfig(path: Path, server: str, ca_cert: Path, token: str) -> None:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": CONTEXT,
                "cluster": {
                    "server": server,
                    "certificate-authority-data": base64.b64encode(ca_cert.read_bytes()).decode(),
                },
            }
        ],
        "users": [{"name": "kubesim-admin", "user": {"token": token}}],
        "contexts": [
            {"name": CONTEXT, "context": {"cluster": CONTEXT, "user": "kubesim-admin", "namespace": "default"}}
        ],
        "current-context": CONTEXT,
        "preferences": {},
    }
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        yaml.safe_dump(config, file, sort_keys=False)
    os.replace(temporary, path)  # readers never see half a file

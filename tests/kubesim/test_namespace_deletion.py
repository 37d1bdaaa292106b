"""Deleting a namespace deletes what is in it, then the namespace; nothing new gets in meanwhile."""

from __future__ import annotations

import json
import time

from tests.kubesim.conftest import Cluster


def test_deleting_a_namespace_empties_it(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", "doomed")
    cluster.kubectl("create", "configmap", "settings", "-n", "doomed")
    cluster.kubectl("create", "deployment", "web", "--image=nginx:1.27", "-n", "doomed")
    assert "deleted" in cluster.kubectl("delete", "namespace", "doomed", "--timeout=30s").stdout
    assert cluster.kubectl("get", "namespace", "doomed", check=False).returncode == 1
    cluster.kubectl("create", "namespace", "doomed")
    assert cluster.kubectl("get", "configmap", "settings", "-n", "doomed", check=False).returncode == 1
    assert cluster.kubectl("get", "deployment", "web", "-n", "doomed", check=False).returncode == 1


def test_a_terminating_namespace_refuses_new_content(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", "closing")
    cluster.kubectl("create", "configmap", "held", "-n", "closing")
    cluster.kubectl(
        "patch",
        "configmap",
        "held",
        "-n",
        "closing",
        "--type=merge",
        "-p",
        '{"metadata":{"finalizers":["example.com/hold"]}}',
    )
    cluster.kubectl("delete", "namespace", "closing", "--wait=false")
    namespace = json.loads(cluster.kubectl("get", "namespace", "closing", "-o", "json").stdout)
    assert namespace["status"]["phase"] == "Terminating"
    refused = cluster.kubectl("create", "configmap", "late", "-n", "closing", check=False)
    assert "because it is being terminated" in refused.stderr
    cluster.kubectl(
        "patch",
        "configmap",
        "held",
        "-n",
        "closing",
        "--type=json",
        "-p",
        '[{"op":"remove","path":"/metadata/finalizers"}]',
    )
    deadline = time.monotonic() + 20
    while cluster.kubectl("get", "namespace", "closing", check=False).returncode == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cluster.kubectl("get", "namespace", "closing", check=False).returncode == 1

"""A test helper: every watch event of some pods, as the official Python client receives them, in order."""

from __future__ import annotations

import json
import threading
from typing import Any

from kubernetes import client, config, watch
from urllib3.exceptions import ProtocolError

from tests.kubesim.conftest import Cluster

Pod = dict[str, Any]


class PodEvents:
    """Use as a context manager: the pods matching a label selector, then every change to them, recorded."""

    def __init__(self, cluster: Cluster, namespace: str, selector: str) -> None:
        self.core = client.CoreV1Api(config.new_client_from_config(config_file=str(cluster.kubeconfig)))
        self.namespace, self.selector = namespace, selector
        listed = json.loads(
            self.core.list_namespaced_pod(namespace, label_selector=selector, _preload_content=False).data
        )
        self.initial: list[Pod] = listed["items"]
        self.events: list[tuple[str, Pod]] = []
        self.stream = watch.Watch()
        self.thread = threading.Thread(target=self._follow, args=(listed["metadata"]["resourceVersion"],), daemon=True)

    def __enter__(self) -> PodEvents:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stream.stop()

    def _follow(self, since: str) -> None:
        try:
            for event in self.stream.stream(
                self.core.list_namespaced_pod,
                self.namespace,
                label_selector=self.selector,
                resource_version=since,
                timeout_seconds=120,
            ):
                self.events.append((event["type"], event["raw_object"]))
        except ProtocolError:
            pass  # the cluster stopped while the watch was open: the events seen so far are the record

    def states(self) -> list[dict[str, Pod]]:
        """The pods by name after each event, starting with the ones listed before the watch."""
        pods = {pod["metadata"]["name"]: pod for pod in self.initial}
        states = [dict(pods)]
        for kind, pod in list(self.events):
            if kind == "DELETED":
                pods.pop(pod["metadata"]["name"], None)
            else:
                pods[pod["metadata"]["name"]] = pod
            states.append(dict(pods))
        return states

    def names(self, kind: str) -> list[str]:
        """The pods named by events of this kind (ADDED, DELETED), in the order they came."""
        return [pod["metadata"]["name"] for event, pod in list(self.events) if event == kind]


def is_ready(pod: Pod) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def is_running_and_ready(pod: Pod) -> bool:
    return (pod.get("status") or {}).get("phase") == "Running" and is_ready(pod)


def is_terminating(pod: Pod) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))

"""Pods should not mount directories or files of the node (`hostPath` volumes).

## What it does
Flags every `hostPath` volume of a pod template, naming the node path it mounts.

## Why is this bad?
*Kubernetes: Up and Running* presents `hostPath` as the exception for the few pods that
really need the node itself, such as a log collector DaemonSet reading `/var/log`
(chapters 5 and 11); the storage chapter (16) keeps application data in volumes that outlive
the node. A `hostPath` volume ties the pod to whatever happens to be on the node it lands on,
and it pierces the container boundary: a pod that can write to the node's files, or reach the
container runtime's socket, can take over the node and every pod on it. That is why the Pod
Security Standards of chapter 19 forbid `hostPath` already at the `baseline` level.

## Example
```yaml
spec:
  containers:
    - name: reports
      image: registry.example.com/shop/reports:1.8.0
      volumeMounts:
        - name: scratch
          mountPath: /var/cache/reports
  volumes:
    - name: scratch
      hostPath:
        path: /srv/reports-cache
```

Use instead:
```yaml
spec:
  containers:
    - name: reports
      image: registry.example.com/shop/reports:1.8.0
      volumeMounts:
        - name: scratch
          mountPath: /var/cache/reports
  volumes:
    - name: scratch
      emptyDir: {}
```

## How to fix
Use an `emptyDir` for scratch space, a PersistentVolumeClaim for data that must survive the
pod, and a ConfigMap or Secret for configuration. For a genuine node agent that must read the
node's files, mount only the narrowest path, with `readOnly: true`, and silence this finding
with a reason.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject, as_sequence
from kubelint.manifests.yamldoc import Mapping

ID = "host-path-volume"
SEVERITY = Severity.WARNING
SCOPE = "object"
CHECKS_FRAGMENTS = True
BOOK = "Chapter 19, Securing Applications in Kubernetes"

# Whoever can talk to the container runtime can start any container on the node.
_RUNTIME_SOCKETS = ("docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock")


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    spec = obj.pod_spec
    if spec is None:
        return
    for index, volume in enumerate(as_sequence(spec.get("volumes"))):
        if isinstance(volume, Mapping) and isinstance(volume.get("hostPath"), Mapping):
            yield Problem(_message(volume, index), volume.key_span("hostPath"))


def _message(volume: Mapping, index: int) -> str:
    name = volume.get("name")
    label = f'volume "{name}"' if isinstance(name, str) else f"volume #{index + 1}"
    path = volume["hostPath"].get("path")
    path = path.strip() if isinstance(path, str) else ""
    if not path:
        what, risk = "a path of the node", "exposes the node's files to the pod"
    elif path.rstrip("/") == "":
        what, risk = 'the node\'s whole filesystem "/"', "hands the node over to the pod"
    elif path.endswith(_RUNTIME_SOCKETS):
        what, risk = (
            f'the node\'s container runtime socket "{path}"',
            "lets the pod control every container on the node",
        )
    else:
        what, risk = f'the node\'s path "{path}"', "exposes the node's files to the pod"
    return (
        f"{label} mounts {what} (hostPath), which {risk} and ties the pod to one node; "
        "use an emptyDir, a PersistentVolumeClaim or a ConfigMap instead"
    )

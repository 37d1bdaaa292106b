"""Pods should not share the node's network, process or IPC namespace.

## What it does
Flags `hostNetwork: true`, `hostPID: true` and `hostIPC: true` in a pod spec or pod template;
the message says which of the three is set.

## Why is this bad?
Containers are isolated from the node, and from each other, by Linux namespaces; chapter 19
of *Kubernetes: Up and Running* is about keeping that isolation and giving a pod no more of the
node than it needs. Each of these fields removes one namespace:

- `hostNetwork` puts the pod on the node's network stack: it can bind any port of the node,
  sees every interface and the traffic of the node, and slips past NetworkPolicies;
- `hostPID` shows the pod every process of the node, with their command lines and environment,
  and lets a root process signal or trace them;
- `hostIPC` shares the node's shared memory and message queues with the pod.

The Pod Security Standards of the same chapter forbid all three at the `baseline` level.

## Example
```yaml
spec:
  hostNetwork: true
  containers:
    - name: web
      image: registry.example.com/shop/web:2.4.1
      ports:
        - containerPort: 8080
```

Use instead:
```yaml
spec:
  containers:
    - name: web
      image: registry.example.com/shop/web:2.4.1
      ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
```

## How to fix
Delete the field. Reach a pod through a Service (or an Ingress) rather than a port of the node;
read another container's processes by sharing the pod's own process namespace
(`shareProcessNamespace: true`) instead of the node's. Node agents that truly need the host
(a CNI plugin, a node exporter) should be reviewed and the finding silenced with a reason.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject

ID = "host-network"
SEVERITY = Severity.WARNING
SCOPE = "object"
CHECKS_FRAGMENTS = True
BOOK = "Chapter 19, Securing Applications in Kubernetes"

# What each field hands over to the pod, and how to do without it.
_HOST_NAMESPACES = {
    "hostNetwork": (
        "the node's network, with every port and all the traffic of the node and no NetworkPolicy in the way",
        "remove it and publish the ports through a Service",
    ),
    "hostPID": (
        "the node's process namespace, seeing every process of the node (and, as root, able to trace them)",
        "remove it, or use shareProcessNamespace to share processes within the pod only",
    ),
    "hostIPC": (
        "the node's IPC namespace, with the shared memory of every process on the node",
        "remove it",
    ),
}


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    spec = obj.pod_spec
    if spec is None:
        return
    subject = f'{obj.kind} "{obj.name}"' if obj.name else str(obj.kind)
    pods = "the pod shares" if obj.kind == "Pod" else "its pods share"
    for field, (exposed, fix) in _HOST_NAMESPACES.items():
        if spec.get(field) is True:
            yield Problem(f"{subject} sets {field}: true, so {pods} {exposed}; {fix}", spec.value_span(field))

"""A StatefulSet's serviceName should name a headless Service among the linted objects.

## What it does
Flags a StatefulSet whose `spec.serviceName` names no Service of its namespace among the objects
linted in the same run, or names a Service that is not headless (`clusterIP: None`). Namespaces
match when they are equal or when either object has none. A StatefulSet without `serviceName` is
not checked (the field is optional since Kubernetes 1.37), nor is a name holding placeholders.

A missing Service is only reported when the run contains at least one Service: a StatefulSet
linted with no Service at all beside it (a pre-commit run on one changed file, a folder of
workloads) says nothing about the Services, so the rule stays silent rather than guess. As soon as
Services are linted with it, kubelint assumes you linted the whole application, and a forgotten
governing Service is reported.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 16) explains what makes StatefulSet pods special: each has a
stable name (`mongo-0`, `mongo-1`, ...) and a DNS name of its own, `mongo-0.mongo`, so that replicas
can find each other (a database primary, its secondaries). Those per-pod DNS records are created by
the Service named in `serviceName`, and only when it is headless. Without it, or with an ordinary
Service that load-balances across the pods, `mongo-0.mongo` does not resolve and the replicas never
form their cluster, although every pod is running.

## Example
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: mongo
spec:
  serviceName: mongo
  # ...
---
apiVersion: v1
kind: Service
metadata:
  name: mongo
spec:
  selector: {app: mongo}
  ports:
    - port: 27017
```

Use instead:
```yaml
apiVersion: v1
kind: Service
metadata:
  name: mongo
spec:
  clusterIP: None
  selector: {app: mongo}
  ports:
    - port: 27017
```

## How to fix
Add a Service with `clusterIP: None`, the name given in `serviceName` and a selector matching the
StatefulSet's pods. A Service's `clusterIP` cannot be changed in place: to make an existing Service
headless, delete and recreate it. Clients that want one address for all replicas can use a second,
ordinary Service.
"""

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject, as_mapping, get_path
from kubelint.selectors import is_templated, namespaces_match

ID = "statefulset-service-missing"
SEVERITY = Severity.WARNING
SCOPE = "objects"
BOOK = "Chapter 16, Integrating Storage Solutions and Kubernetes"


def check(objects: list[KubeObject], options: dict[str, Any]) -> Iterator[Problem]:
    services: dict[str, list[KubeObject]] = defaultdict(list)
    for obj in objects:
        if obj.kind == "Service" and obj.name is not None:
            services[obj.name].append(obj)
    for statefulset in objects:
        if statefulset.kind == "StatefulSet":
            problem = _check_statefulset(statefulset, services)
            if problem is not None:
                yield problem


def _check_statefulset(statefulset: KubeObject, services: dict[str, list[KubeObject]]) -> Problem | None:
    spec = as_mapping(statefulset.data.get("spec"))
    name = spec.get("serviceName") if spec is not None else None
    if spec is None or not isinstance(name, str) or not name or is_templated(name):
        return None
    namespace = statefulset.namespace
    candidates = [obj for obj in services.get(name, ()) if namespaces_match(obj.namespace, namespace)]
    if any(_is_headless(service) for service in candidates):
        return None
    if candidates:
        message = (
            f'StatefulSet "{statefulset.name}" is governed by Service "{name}", which is not headless, so '
            f"its pods get no DNS names of their own (such as {statefulset.name}-0.{name}); "
            "set clusterIP: None on that Service (recreate it) or point serviceName at a headless one"
        )
    elif services:
        where = f'namespace "{namespace}"' if namespace else "any namespace"
        message = (
            f'StatefulSet "{statefulset.name}" names serviceName "{name}", but there is no Service of that '
            f"name in {where} among the linted objects, so its pods get no DNS names of their own (such as "
            f"{statefulset.name}-0.{name}); add a headless Service (clusterIP: None) called {name}"
        )
    else:
        return None  # no Service linted at all: this StatefulSet was linted on its own
    return Problem(message, spec.value_span("serviceName"), about=statefulset)


def _is_headless(service: KubeObject) -> bool:
    cluster_ip = get_path(service.data, "spec", "clusterIP")
    cluster_ips = get_path(service.data, "spec", "clusterIPs")
    first_ip = cluster_ips[0] if isinstance(cluster_ips, list) and cluster_ips else None
    # A placeholder may well become "None": give it the benefit of the doubt.
    return any(value == "None" or is_templated(value) for value in (cluster_ip, first_ip))

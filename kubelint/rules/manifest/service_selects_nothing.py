"""A Service's selector should match the pods of some workload among the linted objects.

## What it does
Flags a Service whose `spec.selector` matches the pod labels of no workload (Deployment, StatefulSet,
DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, bare Pod, or a custom resource with a
pod template such as an Argo Rollout) among the objects linted in the same run. Namespaces match
when they are equal or when either object has none (it then lands wherever it is applied).

Labels that controllers add to their pods count as present (a StatefulSet pod's
`statefulset.kubernetes.io/pod-name`, a Job pod's `job-name`, a Deployment pod's `pod-template-hash`).
Not checked: Services without a selector (their endpoints are managed by hand or by another
controller), `type: ExternalName` Services, selectors holding placeholders (`{{ }}`, `${}`), and
selectors that a workload with placeholder labels, or an operator's custom resource, may satisfy:
a Service selecting `prometheus: main` next to a `Prometheus` resource named `main` is taken to
select the pods the Prometheus Operator makes for it.

How kubelint decides that the pods were linted at all: a Service with a namespace is only judged
when the run contains a workload that names the same namespace; a Service without one, when the run
contains any workload. Linting a folder of Services alone (a chart's `services/` directory, a
pre-commit run on one changed file) tells nothing about the pods, so the rule stays silent. Once a
namespace's workloads are in the run, kubelint assumes you linted the whole application; if some
pods come from elsewhere (an operator, another repository, a chart), disable the rule for that
Service.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 7) shows that a Service is nothing more than a label selector
given a stable name and virtual IP: its endpoints are exactly the ready pods the selector matches.
A selector that matches nothing (a typo, `app: frontend` against `app: front-end`, a label added
to the selector but not to the template) gives a Service that resolves in DNS and accepts
connections, yet has no endpoints, so every client times out or gets "connection refused" while
every object looks healthy.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: frontend
spec:
  selector:
    app: front-end
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
spec:
  selector:
    matchLabels: {app: frontend}
  template:
    metadata:
      labels: {app: frontend}
    spec:
      containers:
        - name: web
          image: registry.example.com/frontend:3.2.0
```

Use instead:
```yaml
spec:
  selector:
    app: frontend
```

## How to fix
Copy the selector from the labels of the pod template you mean to expose (every key: value of the
selector must be on the pods), and check the namespaces. `kubectl get endpointslices -l
kubernetes.io/service-name=<service>` on a cluster shows whether a Service found its pods.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject
from kubelint.manifests.yamldoc import Mapping
from kubelint.selectors import PodTemplateIndex, service_selector

ID = "service-selects-nothing"
SEVERITY = Severity.WARNING
SCOPE = "objects"
BOOK = "Chapter 7, Service Discovery"


def check(objects: list[KubeObject], options: dict[str, Any]) -> Iterator[Problem]:
    index = PodTemplateIndex(objects)
    for service in objects:
        if service.kind != "Service":
            continue
        selector = service_selector(service)
        if selector is None or not index.has_sources_in(service.namespace):
            continue  # the workloads of this namespace were simply not linted with the Service
        if index.may_select_unknown(selector, service.namespace, plain_map=True):
            continue
        if not index.selected(selector, service.namespace, plain_map=True):
            yield _problem(service, selector)


def _problem(service: KubeObject, selector: Mapping) -> Problem:
    wanted = ", ".join(f"{key}: {value}" for key, value in selector.items())
    where = f'namespace "{service.namespace}"' if service.namespace else "any namespace"
    message = (
        f'Service "{service.name}" selects pods labelled "{wanted}", but no pod template in {where} has '
        "those labels among the linted objects, so it would have no endpoints; "
        "fix the selector or the workload's template labels"
    )
    spec = service.data["spec"]
    return Problem(message, spec.key_span("selector"), about=service)

"""The pods of a Job or CronJob must set `restartPolicy` to `OnFailure` or `Never`.

## What it does
Flags the pod template of a Job, or of a CronJob's `jobTemplate`, whose `restartPolicy` is
`Always`, is missing (pods default to `Always`), or is any other value than `OnFailure` and
`Never`. It also flags `OnFailure` in a Job that has a `podFailurePolicy`, which only allows
`Never`.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 12) explains that a Job runs pods until they complete:
`restartPolicy` decides who retries a failed one. With `OnFailure` the kubelet restarts the
failed container in the same pod; with `Never` the Job controller replaces the pod with a new
one (and `podFailurePolicy` needs those separate pods to judge each failure). `Always` would
restart a container even after it succeeded, so the work would never finish: the API server
rejects such a Job, and it rejects a template without `restartPolicy` the same way, because
the pod default is `Always`. The manifest fails at `kubectl apply`, and for a CronJob only
when someone notices that nothing ran.

## Example
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: db-migrate
spec:
  template:
    spec:
      containers:
        - name: migrate
          image: registry.example.com/shop/migrate:2.4.1
```

Use instead:
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: db-migrate
spec:
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: migrate
          image: registry.example.com/shop/migrate:2.4.1
```

## How to fix
Set `restartPolicy: OnFailure` to retry in place (the pod keeps its node and volumes), or
`Never` to get a fresh pod for each attempt and keep the failed pods around for their logs.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject, as_mapping, get_path
from kubelint.manifests.yamldoc import Mapping

ID = "job-restart-policy"
SEVERITY = Severity.ERROR
SCOPE = "object"
BOOK = "Chapter 12, Jobs"

_ALLOWED = ("OnFailure", "Never")


def _job_spec(obj: KubeObject) -> Mapping | None:
    path = ("spec", "jobTemplate", "spec") if obj.kind == "CronJob" else ("spec",)
    return as_mapping(get_path(obj.data, *path))


def _is_templated(text: str) -> bool:
    return "{{" in text or "${" in text


def _problem_with(policy: Any, job_spec: Mapping | None) -> tuple[str, str] | None:
    """What is wrong with this restartPolicy in a Job's pod template, and the fix; None when fine."""
    if policy is None:
        return (
            "sets no restartPolicy, and the pod default, Always, is not allowed in a Job",
            "set OnFailure or Never",
        )
    if not isinstance(policy, str) or _is_templated(policy):
        return None
    if policy == "Always":
        return (
            "sets restartPolicy: Always, which would restart even a finished task",
            "set OnFailure or Never",
        )
    if policy not in _ALLOWED:
        return f'sets restartPolicy: "{policy}", which is not a valid value', "set OnFailure or Never"
    if policy == "OnFailure" and job_spec is not None and job_spec.get("podFailurePolicy") is not None:
        return (
            "sets restartPolicy: OnFailure, but the Job has a podFailurePolicy",
            "set Never, the only value it allows",
        )
    return None


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    if obj.kind not in ("Job", "CronJob"):
        return
    template, pod_spec = obj.pod_template, obj.pod_spec
    if template is None or pod_spec is None:
        return
    problem = _problem_with(pod_spec.get("restartPolicy"), _job_spec(obj))
    if problem is None:
        return
    what, fix = problem
    name = f'{obj.kind} "{obj.name}"' if obj.name else f"this {obj.kind}"
    message = f"the pod template of {name} {what}; the API server rejects it: {fix}"
    span = pod_spec.value_span("restartPolicy") if "restartPolicy" in pod_spec else template.key_span("spec")
    yield Problem(message, span)

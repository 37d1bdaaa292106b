"""A Job (or a CronJob's job template) should say how many times a failed pod is retried.

## What it does
Flags a Job, or the `jobTemplate` of a CronJob, without `spec.backoffLimit`. A Job that sets
`backoffLimitPerIndex` (an Indexed Job with a limit per index) has chosen its retries and is not
reported.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 12) shows how a Job keeps creating pods (or restarting
their containers) until the task succeeds. Without `backoffLimit` the Job allows 6 retries,
each one after a longer pause (10 s, 20 s, 40 s... up to 6 minutes), before it gives up and
marks itself failed. Whether that fits depends on the task: a database migration that fails
the same way every time is retried for about ten minutes before anyone is told, while a task
that depends on a flaky service may need more attempts. With a CronJob the retries can still be
running when the next schedule starts. Writing the limit down makes that choice visible.

## Example
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: db-migrate
spec:
  template:
    spec:
      restartPolicy: Never
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
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/shop/migrate:2.4.1
```

## How to fix
Set `spec.backoffLimit` (in a CronJob: `spec.jobTemplate.spec.backoffLimit`) to the number of
retries the task deserves; `0` for a task that must not run twice. Pair it with
`activeDeadlineSeconds` to bound the total run time as well.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity
from kubelint.manifests.objects import KubeObject, as_mapping, get_path
from kubelint.manifests.yamldoc import Mapping

ID = "job-missing-backoff-limit"
SEVERITY = Severity.INFO
SCOPE = "object"
BOOK = "Chapter 12, Jobs"


def _job_spec_holder(obj: KubeObject) -> Mapping | None:
    """The mapping whose `spec` is the Job spec: the Job itself, or a CronJob's jobTemplate."""
    if obj.kind == "Job":
        return obj.data
    if obj.kind == "CronJob":
        return as_mapping(get_path(obj.data, "spec", "jobTemplate"))
    return None


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    holder = _job_spec_holder(obj)
    job_spec = as_mapping(holder.get("spec")) if holder is not None else None
    if holder is None or job_spec is None:
        return
    if job_spec.get("backoffLimit") is not None or job_spec.get("backoffLimitPerIndex") is not None:
        return
    name = f'{obj.kind} "{obj.name}"' if obj.name else f"this {obj.kind}"
    where = "spec.jobTemplate.spec.backoffLimit" if obj.kind == "CronJob" else "spec.backoffLimit"
    message = (
        f"{name} sets no backoffLimit, so a failing task is retried 6 times with growing pauses "
        f"(about 10 minutes) before the Job fails; set {where} to the retries it deserves"
    )
    yield Problem(message, holder.key_span("spec"))

"""PersistentVolumeClaims should name their StorageClass instead of taking the cluster's default.

## What it does
Flags a PersistentVolumeClaim, or an entry of a StatefulSet's `volumeClaimTemplates`, whose
spec has no `storageClassName` (nor the old `volume.beta.kubernetes.io/storage-class`
annotation). An explicit empty name, `storageClassName: ""`, asks for a pre-provisioned volume
without a class and is not reported.

## Why is this bad?
*Kubernetes: Up and Running* (chapter 16) explains that a claim asks a StorageClass to
provision a volume, and that a claim without a class gets the cluster's default one. That
default is whatever the cluster administrator, or the cloud provider, chose: a network disk
on one cloud, a local-path folder on a laptop cluster, a slow standard disk where you tested
with SSDs, or no default at all, in which case the claim stays `Pending` forever. A claim meant
for a volume created by hand (with `selector` or `volumeName`) gets the default class filled in
as well, and then cannot bind a volume that has no class. The same
manifest then gives a database a different kind of disk, with different speed, replication
and reclaim policy, in each cluster, and nothing in the file says so.

## Example
```yaml
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: db-data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 20Gi
```

Use instead:
```yaml
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: db-data
spec:
  storageClassName: fast-ssd
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 20Gi
```

## How to fix
Set `spec.storageClassName` to the StorageClass the data needs (list them with
`kubectl get storageclass`), or to `""` to bind a PersistentVolume you created yourself.
"""

from collections.abc import Iterator
from typing import Any

from kubelint.findings import Problem, Severity, Span
from kubelint.manifests.objects import KubeObject, as_mapping, as_sequence, get_path
from kubelint.manifests.yamldoc import Mapping

ID = "pvc-missing-storage-class"
SEVERITY = Severity.INFO
SCOPE = "object"
BOOK = "Chapter 16, Integrating Storage Solutions and Kubernetes"

_BETA_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
_WHY = "so it gets the cluster's default StorageClass, which differs from cluster to cluster (or is missing)"


def _names_a_class(claim: Mapping) -> bool:
    if get_path(claim, "spec", "storageClassName") is not None:
        return True
    annotations = get_path(claim, "metadata", "annotations")
    return isinstance(annotations, dict) and annotations.get(_BETA_ANNOTATION) is not None


def _claim_span(claim: Mapping, fallback: Span) -> Span:
    """The claim's spec key, where storageClassName belongs, or the claim itself."""
    return claim.key_span("spec") if "spec" in claim else fallback


def _targets_existing_volume(spec: Mapping) -> bool:
    return spec.get("selector") is not None or spec.get("volumeName") is not None


def _check_claim(obj: KubeObject) -> Iterator[Problem]:
    spec = as_mapping(obj.data.get("spec"))
    if spec is None or _names_a_class(obj.data):
        return
    name = f'PersistentVolumeClaim "{obj.name}"' if obj.name else "this PersistentVolumeClaim"
    if _targets_existing_volume(spec):
        message = (
            f"{name} picks an existing volume (selector or volumeName) but sets no spec.storageClassName, "
            "so the cluster's default class is filled in and only a volume of that class can bind; "
            'set storageClassName: "" or the class of the volume'
        )
    else:
        message = f"{name} sets no spec.storageClassName, {_WHY}; name the class it needs"
    yield Problem(message, _claim_span(obj.data, obj.span))


def _claim_template_name(claim: Mapping, index: int) -> str:
    name = get_path(claim, "metadata", "name")
    return f'"{name}"' if isinstance(name, str) else f"#{index + 1}"


def _check_claim_templates(obj: KubeObject) -> Iterator[Problem]:
    templates = as_sequence(get_path(obj.data, "spec", "volumeClaimTemplates"))
    for index, claim in enumerate(templates):
        if not isinstance(claim, Mapping) or as_mapping(claim.get("spec")) is None or _names_a_class(claim):
            continue
        owner = f'StatefulSet "{obj.name}"' if obj.name else "this StatefulSet"
        message = (
            f"volume claim template {_claim_template_name(claim, index)} of {owner} sets no "
            f"storageClassName, {_WHY}; name the class it needs"
        )
        metadata = as_mapping(claim.get("metadata"))
        if metadata is not None and isinstance(metadata.get("name"), str):
            span = metadata.value_span("name")
        else:
            span = _claim_span(claim, templates.item_span(index))
        yield Problem(message, span)


def check(obj: KubeObject, options: dict[str, Any]) -> Iterator[Problem]:
    if obj.kind == "PersistentVolumeClaim":
        yield from _check_claim(obj)
    elif obj.kind == "StatefulSet":
        yield from _check_claim_templates(obj)

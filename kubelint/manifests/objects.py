"""Kubernetes objects read from YAML documents, and the containers inside their pod templates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kubelint.findings import ObjectRef, Span
from kubelint.manifests.yamldoc import Mapping, Sequence, YamlDocument, YamlFile

# Where each workload kind keeps its pod template (metadata + spec).
_POD_TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "PodTemplate": ("template",),
}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
_SELECTOR_REQUIRED = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})
# Workloads whose pods run until they are stopped (probes make sense for them).
LONG_RUNNING_KINDS = frozenset({"Pod", "Deployment", "ReplicaSet", "ReplicationController", "DaemonSet", "StatefulSet"})
CLUSTER_SCOPED_KINDS = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "ClusterRole",
        "ClusterRoleBinding",
        "StorageClass",
        "CustomResourceDefinition",
        "PriorityClass",
        "IngressClass",
        "RuntimeClass",
        "CSIDriver",
        "CSINode",
        "VolumeAttachment",
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding",
        "APIService",
        "ComponentStatus",
        "CertificateSigningRequest",
        "FlowSchema",
        "PriorityLevelConfiguration",
        "ClusterTrustBundle",
        "DeviceClass",
        "IPAddress",
        "ServiceCIDR",
        "StorageVersionMigration",
        "VolumeAttributesClass",
    }
)


def get_path(data: Any, *keys: str) -> Any:
    """data[k1][k2]... or None when any step is missing or not a mapping."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def as_mapping(value: Any) -> Mapping | None:
    return value if isinstance(value, Mapping) else None


def as_sequence(value: Any) -> Sequence:
    return value if isinstance(value, Sequence) else Sequence.__new__(Sequence)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(eq=False)
class KubeObject:
    """One object of a manifest (a document, or an item of a `kind: List`)."""

    path: str
    data: Mapping
    document: YamlDocument
    api_version: str | None
    kind: str | None
    name: str | None
    namespace: str | None
    declared_patch: bool = False  # listed as a patch by the kustomization next to it
    _schema_problems: list[Any] | None = field(default=None, repr=False)

    @classmethod
    def from_mapping(cls, path: str, data: Mapping, document: YamlDocument) -> KubeObject:
        metadata = data.get("metadata")
        name = namespace = None
        if isinstance(metadata, dict):
            name = _text(metadata.get("name")) or _text(metadata.get("generateName"))
            namespace = _text(metadata.get("namespace"))
        return cls(path, data, document, _text(data.get("apiVersion")), _text(data.get("kind")), name, namespace)

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.api_version, self.kind, self.namespace, self.name)

    @property
    def group(self) -> str:
        version = self.api_version or ""
        return version.rpartition("/")[0]

    @property
    def span(self) -> Span:
        """Where to point for the object as a whole: its `kind:` line."""
        return self.data.value_span("kind") if "kind" in self.data else self.data.span

    @property
    def metadata(self) -> Mapping | None:
        return as_mapping(self.data.get("metadata"))

    @property
    def labels(self) -> dict[str, Any]:
        return _string_map(get_path(self.data, "metadata", "labels"))

    @property
    def annotations(self) -> dict[str, Any]:
        return _string_map(get_path(self.data, "metadata", "annotations"))

    @property
    def is_controlled(self) -> bool:
        """Another object (a ReplicaSet, a Job, ...) is marked as the one that manages this one."""
        references = as_sequence(get_path(self.data, "metadata", "ownerReferences"))
        return any(isinstance(ref, dict) and ref.get("controller") is True for ref in references)

    @property
    def is_fragment(self) -> bool:
        """Part of an object that a tool completes before it is applied: a kustomize patch or base.

        Declared patches are certain. Otherwise: an apps/v1 workload with neither the selector the API
        requires nor template labels (kustomize's `labels` adds both), or a pod template whose
        containers name no image, can only be a fragment.
        """
        if self.declared_patch:
            return True
        if (
            self.group == "apps"
            and self.kind in _SELECTOR_REQUIRED
            and get_path(self.data, "spec", "selector") is None
            and not self.pod_labels
        ):
            return True
        containers = list(self.containers(("containers",)))
        return bool(containers) and not any(isinstance(c.data.get("image"), str) for c in containers)

    @property
    def is_namespaced(self) -> bool:
        return self.kind not in CLUSTER_SCOPED_KINDS

    @property
    def pod_template(self) -> Mapping | None:
        """The pod template (with metadata and spec) of a workload, None for other kinds."""
        path = _POD_TEMPLATE_PATHS.get(self.kind or "")
        return as_mapping(get_path(self.data, *path)) if path else None

    @property
    def pod_spec(self) -> Mapping | None:
        if self.kind == "Pod":
            return as_mapping(self.data.get("spec"))
        template = self.pod_template
        return as_mapping(template.get("spec")) if template is not None else None

    @property
    def pod_labels(self) -> dict[str, Any]:
        """The labels its pods get: the template's, or a Pod's own."""
        if self.kind == "Pod":
            return self.labels
        return _string_map(get_path(self.pod_template, "metadata", "labels"))

    @property
    def is_workload(self) -> bool:
        return self.pod_spec is not None

    @property
    def is_long_running(self) -> bool:
        if self.kind != "Pod":
            return self.kind in LONG_RUNNING_KINDS
        # A Pod that restarts never is a one-shot task, like a Job's pod.
        return get_path(self.data, "spec", "restartPolicy") in (None, "Always")

    def containers(self, lists: tuple[str, ...] = CONTAINER_LISTS) -> Iterator[Container]:
        spec = self.pod_spec
        if spec is None:
            return
        for list_name in lists:
            items = spec.get(list_name)
            if not isinstance(items, Sequence):
                continue
            for index, item in enumerate(items):
                if isinstance(item, Mapping):
                    yield Container(self, item, list_name, index, items)


@dataclass(eq=False)
class Container:
    owner: KubeObject
    data: Mapping
    list_name: str
    index: int
    siblings: Sequence

    @property
    def name(self) -> str:
        name = self.data.get("name")
        return name if isinstance(name, str) else f"{self.list_name}[{self.index}]"

    @property
    def is_init(self) -> bool:
        return self.list_name == "initContainers"

    @property
    def is_sidecar(self) -> bool:
        """A native sidecar: an init container that keeps running (restartPolicy: Always)."""
        return self.is_init and self.data.get("restartPolicy") == "Always"

    @property
    def runs_until_stopped(self) -> bool:
        """Regular containers of long-running workloads and native sidecars: those that should never exit."""
        return self.owner.is_long_running and (self.list_name == "containers" or self.is_sidecar)

    @property
    def span(self) -> Span:
        """Where to point for the container as a whole: its name."""
        return self.data.value_span("name") if "name" in self.data else self.siblings.item_span(self.index)

    @property
    def resources(self) -> Mapping | None:
        return as_mapping(self.data.get("resources"))

    def declared_ports(self) -> Iterator[Mapping]:
        for port in as_sequence(self.data.get("ports")):
            if isinstance(port, Mapping):
                yield port


def _string_map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _looks_like_object(root: Any) -> bool:
    return isinstance(root, Mapping) and isinstance(root.get("kind"), str) and isinstance(root.get("apiVersion"), str)


def holds_objects(yaml_file: YamlFile) -> bool:
    """A manifest is a YAML file with at least one document that has both apiVersion and kind."""
    return any(_looks_like_object(document.root) for document in yaml_file.documents)


def objects_of(yaml_file: YamlFile) -> tuple[list[KubeObject], list[tuple[Span, str]]]:
    """The objects of a manifest, with `kind: List` items unpacked; plus documents that are not objects."""
    objects: list[KubeObject] = []
    not_objects: list[tuple[Span, str]] = []
    for document in yaml_file.documents:
        root = document.root
        if root is None:
            continue  # an empty document (only `---` or comments): harmless
        if not _looks_like_object(root):
            not_objects.append((document.span, _why_not_object(root)))
            continue
        if root["kind"] == "List" and isinstance(root.get("items"), Sequence):
            items = root["items"]
            for index, item in enumerate(items):
                if _looks_like_object(item):
                    objects.append(KubeObject.from_mapping(yaml_file.path, item, document))
                else:
                    not_objects.append((items.item_span(index), _why_not_object(item)))
            continue
        objects.append(KubeObject.from_mapping(yaml_file.path, root, document))
    return objects, not_objects


def _why_not_object(root: Any) -> str:
    if not isinstance(root, Mapping):
        return "this document is not a mapping, so it is not a Kubernetes object; remove it or fix its indentation"
    missing = [key for key in ("apiVersion", "kind") if not isinstance(root.get(key), str)]
    return (
        f"this document has no {' and no '.join(missing)}, so Kubernetes cannot tell what it is; "
        "add the missing field (for example `apiVersion: apps/v1` and `kind: Deployment`)"
    )

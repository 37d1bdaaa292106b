"""The resources kubesim serves: every built-in resource of a Kubernetes 1.37 API server in the groups the book
uses, the metrics API that metrics-server adds, and the custom resources that CRDs register at run time.

Facts (verbs, short names, categories, subresources and what each subresource answers with) follow what the
real server publishes in its discovery documents; ``discovery`` turns this catalogue into those documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
# Namespaces are deleted one by one (the namespace controller finalizes each), so there is no deletecollection.
NAMESPACE_VERBS = ("create", "delete", "get", "list", "patch", "update", "watch")
CREATE_ONLY = ("create",)
READ_ONLY = ("get", "list")

# How strongly the aggregator prefers each group when two serve the same resource name; groups are listed in
# this order (highest first, then by name). CRD groups get 1000, metrics-server registers metrics.k8s.io at 100,
# and the core group, served apart at /api, always comes first.
GROUP_PRIORITY = {
    "": 18100,
    "apiregistration.k8s.io": 18000,
    "apps": 17800,
    "events.k8s.io": 17750,
    "authentication.k8s.io": 17700,
    "authorization.k8s.io": 17600,
    "autoscaling": 17500,
    "batch": 17400,
    "certificates.k8s.io": 17300,
    "networking.k8s.io": 17200,
    "policy": 17100,
    "rbac.authorization.k8s.io": 17000,
    "storage.k8s.io": 16800,
    "admissionregistration.k8s.io": 16700,
    "apiextensions.k8s.io": 16700,
    "scheduling.k8s.io": 16600,
    "coordination.k8s.io": 16500,
    "node.k8s.io": 16300,
    "discovery.k8s.io": 16200,
    "flowcontrol.apiserver.k8s.io": 16100,
    "metrics.k8s.io": 100,
}
CUSTOM_GROUP_PRIORITY = 1000


@dataclass(frozen=True, slots=True)
class Subresource:
    """One subresource as discovery describes it: the verbs it serves and the kind it answers with."""

    name: str
    verbs: tuple[str, ...]
    group: str
    version: str
    kind: str


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource at one group-version, with what discovery says about it."""

    group: str  # "" for the core group
    version: str
    kind: str
    plural: str
    singular: str
    namespaced: bool
    verbs: tuple[str, ...]
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()
    list_kind: str = ""

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def api_version(self) -> str:
        return self.group_version

    @property
    def list_kind_name(self) -> str:
        return self.list_kind or f"{self.kind}List"

    def subresource(self, name: str) -> Subresource:
        """What the named subresource of this resource serves; its group and version are this resource's own
        unless it answers with an object of another API (``scale``, ``eviction``, ``token``)."""
        verbs, group, version, kind = _SUBRESOURCE_SHAPES[name]
        if kind is None:
            kind = f"{self.kind}ProxyOptions" if name == "proxy" else self.kind
        if group is None or version is None:
            group, version = self.group, self.version
        return Subresource(name, verbs, group, version, kind)


_READ_WRITE = ("get", "patch", "update")
_CONNECT = ("create", "get")
_PROXY = ("create", "delete", "get", "patch", "update")
# name -> (verbs, group, version, kind); None means "the parent's own" (proxy kinds are <Kind>ProxyOptions).
_SUBRESOURCE_SHAPES: dict[str, tuple[tuple[str, ...], str | None, str | None, str | None]] = {
    "status": (_READ_WRITE, None, None, None),
    "scale": (_READ_WRITE, "autoscaling", "v1", "Scale"),
    "ephemeralcontainers": (_READ_WRITE, None, None, None),
    "resize": (_READ_WRITE, None, None, None),
    "approval": (_READ_WRITE, None, None, None),
    "finalize": (("update",), None, None, None),
    "log": (("get",), None, None, None),
    "exec": (_CONNECT, None, None, "PodExecOptions"),
    "attach": (_CONNECT, None, None, "PodAttachOptions"),
    "portforward": (_CONNECT, None, None, "PodPortForwardOptions"),
    "proxy": (_PROXY, None, None, None),
    "binding": (CREATE_ONLY, None, None, "Binding"),
    "eviction": (CREATE_ONLY, "policy", "v1", "Eviction"),
    "token": (CREATE_ONLY, "authentication.k8s.io", "v1", "TokenRequest"),
}


def _builtin(
    group: str,
    kind: str,
    plural: str,
    *,
    namespaced: bool = True,
    short: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    sub: tuple[str, ...] = (),
    version: str = "v1",
    verbs: tuple[str, ...] = ALL_VERBS,
) -> Resource:
    """A built-in resource: every built-in's singular name is its kind in lower case."""
    return Resource(group, version, kind, plural, kind.lower(), namespaced, verbs, short, categories, sub)


def _review(group: str, kind: str, plural: str, *, namespaced: bool = False) -> Resource:
    """A create-only request whose answer is computed and never stored (reviews, bindings)."""
    return Resource(group, "v1", kind, plural, kind.lower(), namespaced, CREATE_ONLY)


_ALL = ("all",)
_API_EXTENSIONS = ("api-extensions",)
_STATUS = ("status",)
_SCALE_AND_STATUS = ("scale", "status")

_CORE = (
    _review("", "Binding", "bindings", namespaced=True),
    _builtin("", "ComponentStatus", "componentstatuses", namespaced=False, short=("cs",), verbs=READ_ONLY),
    _builtin("", "ConfigMap", "configmaps", short=("cm",)),
    _builtin("", "Endpoints", "endpoints", short=("ep",)),
    _builtin("", "Event", "events", short=("ev",)),
    _builtin("", "LimitRange", "limitranges", short=("limits",)),
    _builtin(
        "",
        "Namespace",
        "namespaces",
        namespaced=False,
        short=("ns",),
        sub=("finalize", "status"),
        verbs=NAMESPACE_VERBS,
    ),
    _builtin("", "Node", "nodes", namespaced=False, short=("no",), sub=("proxy", "status")),
    _builtin("", "PersistentVolumeClaim", "persistentvolumeclaims", short=("pvc",), sub=_STATUS),
    _builtin("", "PersistentVolume", "persistentvolumes", namespaced=False, short=("pv",), sub=_STATUS),
    _builtin(
        "",
        "Pod",
        "pods",
        short=("po",),
        categories=_ALL,
        sub=(
            "attach",
            "binding",
            "ephemeralcontainers",
            "eviction",
            "exec",
            "log",
            "portforward",
            "proxy",
            "resize",
            "status",
        ),
    ),
    _builtin("", "PodTemplate", "podtemplates"),
    _builtin(
        "", "ReplicationController", "replicationcontrollers", short=("rc",), categories=_ALL, sub=_SCALE_AND_STATUS
    ),
    _builtin("", "ResourceQuota", "resourcequotas", short=("quota",), sub=_STATUS),
    _builtin("", "Secret", "secrets"),
    _builtin("", "ServiceAccount", "serviceaccounts", short=("sa",), sub=("token",)),
    _builtin("", "Service", "services", short=("svc",), categories=_ALL, sub=("proxy", "status")),
)

_APPS = (
    _builtin("apps", "ControllerRevision", "controllerrevisions"),
    _builtin("apps", "DaemonSet", "daemonsets", short=("ds",), categories=_ALL, sub=_STATUS),
    _builtin("apps", "Deployment", "deployments", short=("deploy",), categories=_ALL, sub=_SCALE_AND_STATUS),
    _builtin("apps", "ReplicaSet", "replicasets", short=("rs",), categories=_ALL, sub=_SCALE_AND_STATUS),
    _builtin("apps", "StatefulSet", "statefulsets", short=("sts",), categories=_ALL, sub=_SCALE_AND_STATUS),
)

_GROUPS = (
    _builtin(
        "apiregistration.k8s.io", "APIService", "apiservices", namespaced=False, categories=_API_EXTENSIONS, sub=_STATUS
    ),
    *_APPS,
    _builtin("events.k8s.io", "Event", "events", short=("ev",)),
    _review("authentication.k8s.io", "SelfSubjectReview", "selfsubjectreviews"),
    _review("authentication.k8s.io", "TokenReview", "tokenreviews"),
    _review("authorization.k8s.io", "LocalSubjectAccessReview", "localsubjectaccessreviews", namespaced=True),
    _review("authorization.k8s.io", "SelfSubjectAccessReview", "selfsubjectaccessreviews"),
    _review("authorization.k8s.io", "SelfSubjectRulesReview", "selfsubjectrulesreviews"),
    _review("authorization.k8s.io", "SubjectAccessReview", "subjectaccessreviews"),
    *(
        _builtin(
            "autoscaling",
            "HorizontalPodAutoscaler",
            "horizontalpodautoscalers",
            short=("hpa",),
            categories=_ALL,
            sub=_STATUS,
            version=version,
        )
        for version in ("v2", "v1")
    ),
    _builtin("batch", "CronJob", "cronjobs", short=("cj",), categories=_ALL, sub=_STATUS),
    _builtin("batch", "Job", "jobs", categories=_ALL, sub=_STATUS),
    _builtin(
        "certificates.k8s.io",
        "CertificateSigningRequest",
        "certificatesigningrequests",
        namespaced=False,
        short=("csr",),
        sub=("approval", "status"),
    ),
    _builtin("certificates.k8s.io", "ClusterTrustBundle", "clustertrustbundles", namespaced=False),
    _builtin("certificates.k8s.io", "PodCertificateRequest", "podcertificaterequests", sub=_STATUS),
    _builtin("networking.k8s.io", "IngressClass", "ingressclasses", namespaced=False),
    _builtin("networking.k8s.io", "Ingress", "ingresses", short=("ing",), sub=_STATUS),
    _builtin("networking.k8s.io", "IPAddress", "ipaddresses", namespaced=False, short=("ip",)),
    _builtin("networking.k8s.io", "NetworkPolicy", "networkpolicies", short=("netpol",)),
    _builtin("networking.k8s.io", "ServiceCIDR", "servicecidrs", namespaced=False, sub=_STATUS),
    _builtin("policy", "PodDisruptionBudget", "poddisruptionbudgets", short=("pdb",), sub=_STATUS),
    _builtin("rbac.authorization.k8s.io", "ClusterRoleBinding", "clusterrolebindings", namespaced=False),
    _builtin("rbac.authorization.k8s.io", "ClusterRole", "clusterroles", namespaced=False),
    _builtin("rbac.authorization.k8s.io", "RoleBinding", "rolebindings"),
    _builtin("rbac.authorization.k8s.io", "Role", "roles"),
    _builtin("storage.k8s.io", "CSIDriver", "csidrivers", namespaced=False),
    _builtin("storage.k8s.io", "CSINode", "csinodes", namespaced=False),
    _builtin("storage.k8s.io", "CSIStorageCapacity", "csistoragecapacities"),
    _builtin("storage.k8s.io", "StorageClass", "storageclasses", namespaced=False, short=("sc",)),
    _builtin("storage.k8s.io", "VolumeAttachment", "volumeattachments", namespaced=False, sub=_STATUS),
    _builtin("storage.k8s.io", "VolumeAttributesClass", "volumeattributesclasses", namespaced=False, short=("vac",)),
    *(
        _builtin("admissionregistration.k8s.io", kind, plural, namespaced=False, categories=_API_EXTENSIONS, sub=sub)
        for kind, plural, sub in (
            ("MutatingAdmissionPolicy", "mutatingadmissionpolicies", ()),
            ("MutatingAdmissionPolicyBinding", "mutatingadmissionpolicybindings", ()),
            ("MutatingWebhookConfiguration", "mutatingwebhookconfigurations", ()),
            ("ValidatingAdmissionPolicy", "validatingadmissionpolicies", _STATUS),
            ("ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", ()),
            ("ValidatingWebhookConfiguration", "validatingwebhookconfigurations", ()),
        )
    ),
    _builtin(
        "apiextensions.k8s.io",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        namespaced=False,
        short=("crd", "crds"),
        categories=_API_EXTENSIONS,
        sub=_STATUS,
    ),
    _builtin("scheduling.k8s.io", "PriorityClass", "priorityclasses", namespaced=False, short=("pc",)),
    _builtin("coordination.k8s.io", "Lease", "leases"),
    _builtin("node.k8s.io", "RuntimeClass", "runtimeclasses", namespaced=False),
    _builtin("discovery.k8s.io", "EndpointSlice", "endpointslices"),
    _builtin("flowcontrol.apiserver.k8s.io", "FlowSchema", "flowschemas", namespaced=False, sub=_STATUS),
    _builtin(
        "flowcontrol.apiserver.k8s.io",
        "PriorityLevelConfiguration",
        "prioritylevelconfigurations",
        namespaced=False,
        sub=_STATUS,
    ),
    # metrics-server names its resources after what they measure: singular "node" and "pod".
    Resource("metrics.k8s.io", "v1beta1", "NodeMetrics", "nodes", "node", False, READ_ONLY),
    Resource("metrics.k8s.io", "v1beta1", "PodMetrics", "pods", "pod", True, READ_ONLY),
)

BUILTIN_RESOURCES: tuple[Resource, ...] = _CORE + _GROUPS

_KUBE_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")
_STABILITY_RANK = {None: 3, "beta": 2, "alpha": 1}


def version_priority(version: str) -> tuple[int, int, int, str]:
    """Sort key putting versions in the order Kubernetes prefers them: v2 > v1 > v1beta2 > v1beta1 > v1alpha1 >
    anything that does not look like a Kubernetes version (those alphabetically). Smaller keys come first."""
    match = _KUBE_VERSION.match(version)
    if match is None:
        return (0, 0, 0, version)
    major, stability, minor = match.groups()
    return (-_STABILITY_RANK[stability], -int(major), -int(minor or 0), "")


def split_api_version(api_version: str) -> tuple[str, str]:
    """``apps/v1`` -> ("apps", "v1"); ``v1`` -> ("", "v1")."""
    group, _, version = api_version.rpartition("/")
    return group, version


class ResourceRegistry:
    """Every resource the server currently serves: the built-ins, plus the versions CRDs add and remove."""

    def __init__(self) -> None:
        self._resources: list[Resource] = list(BUILTIN_RESOURCES)
        self._builtin_plurals = {(resource.group, resource.plural) for resource in BUILTIN_RESOURCES}

    def by_plural(self, group: str, version: str, plural: str) -> Resource | None:
        return next(self._matching(group, version, lambda resource: resource.plural == plural), None)

    def by_kind(self, group: str, version: str, kind: str) -> Resource | None:
        return next(self._matching(group, version, lambda resource: resource.kind == kind), None)

    def for_api_version_kind(self, api_version: str, kind: str) -> Resource | None:
        return self.by_kind(*split_api_version(api_version), kind)

    def is_custom(self, resource: Resource) -> bool:
        """Served because a CRD defines it."""
        return (resource.group, resource.plural) not in self._builtin_plurals

    def preferred(self, group: str, plural: str) -> Resource | None:
        """The resource at its group's preferred version: how the store's key ("apps/deployments") is served."""
        served = [r for r in self._resources if r.group == group and r.plural == plural]
        return min(served, key=lambda resource: version_priority(resource.version), default=None)

    def group_versions(self) -> list[tuple[str, list[str]]]:
        """Each served group (core first, then by aggregator priority and name) with its versions, preferred first."""
        versions: dict[str, set[str]] = {}
        for resource in self._resources:
            versions.setdefault(resource.group, set()).add(resource.version)
        groups = sorted(versions, key=lambda group: (-GROUP_PRIORITY.get(group, CUSTOM_GROUP_PRIORITY), group))
        return [(group, sorted(versions[group], key=version_priority)) for group in groups]

    def resources_of(self, group: str, version: str) -> list[Resource]:
        """The resources of one group-version, sorted by plural name as discovery lists them."""
        served = (r for r in self._resources if r.group == group and r.version == version)
        return sorted(served, key=lambda resource: resource.plural)

    def add_custom(self, resource: Resource) -> None:
        """Serve a CRD version; a later call for the same group, version and plural replaces the earlier one."""
        if (resource.group, resource.plural) in self._builtin_plurals:
            raise ValueError(f"{resource.plural}.{resource.group} is a built-in resource and cannot be redefined")
        self._resources = [
            existing
            for existing in self._resources
            if (existing.group, existing.version, existing.plural)
            != (resource.group, resource.version, resource.plural)
        ]
        self._resources.append(resource)

    def remove_custom(self, group: str, plural: str) -> None:
        """Stop serving every version of a CRD's resource (built-ins are never removed)."""
        if (group, plural) in self._builtin_plurals:
            return
        self._resources = [r for r in self._resources if (r.group, r.plural) != (group, plural)]

    def _matching(self, group: str, version: str, wanted: Callable[[Resource], bool]) -> Iterator[Resource]:
        return (r for r in self._resources if r.group == group and r.version == version and wanted(r))

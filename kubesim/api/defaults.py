"""What the API server fills in on a built-in object before it stores it, as Kubernetes 1.37 does.

Four steps, in the order the server takes them on a create:

* ``apply_defaults``: the defaulting functions that run whenever a body is decoded (SetDefaults_* in
  pkg/apis/*/v1/defaults.go and the ``+default`` markers of k8s.io/api), plus what the round trip through
  Go types visibly does: a Secret's ``stringData`` merged into ``data``, a pod spec's ``serviceAccount``
  mirroring ``serviceAccountName``, quantities in canonical form (``0.5`` becomes ``500m``), and the
  empty structs Go always prints (``resources: {}``, a template's ``metadata: {}``).
* ``admit_pod``: the mutating admission plugins a Pod meets (ServiceAccount with its token volume,
  Priority, DefaultTolerationSeconds).
* ``prepare_for_create``: the registry strategies' PrepareForCreate: fresh status (a Pod is Pending with
  its QoS class, a Namespace Active), a Job's generated selector, a Namespace's finalizer, a Service's
  ``clusterIPs`` from ``clusterIP``.
* Allocation (cluster IPs, node ports) is the caller's; ``normalize_service_update`` does the
  registry's reconciling of those fields on updates.

Then ``validation.validate_create`` checks the result. All functions change the object in place.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from kubesim.api import openapi
from kubesim.api.validation import (
    MAP,
    QUANTITY,
    STRUCT,
    FieldType,
    QuantityError,
    canonical_quantity,
    quantity_from_json,
    round_up_to_milli,
    schema_for,
)

Object = dict[str, Any]

_TERMINATION_MESSAGE_PATH = "/dev/termination-log"
_DEFAULT_FILE_MODE = 0o644
_TOKEN_EXPIRATION_SECONDS = 3600
_ADMISSION_TOKEN_EXPIRATION_SECONDS = 3607
_TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
_TOKEN_VOLUME_PREFIX = "kube-api-access-"
_NOT_READY, _UNREACHABLE = "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"
_DEFAULT_TOLERATION_SECONDS = 300
_CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
_RBAC = "rbac.authorization.k8s.io"


def _child(obj: Object, name: str) -> Object:
    """obj[name] as a dict, created when missing (or null)."""
    value = obj.get(name)
    if not isinstance(value, dict):
        value = obj[name] = {}
    return value


def _items(value: Any) -> Iterator[Object]:
    """The objects of a list (or nothing when there is no list)."""
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, dict))


def _missing(obj: Mapping[str, Any], name: str) -> bool:
    """Unset as Go sees it: absent, null, or the zero value a pointer-less field holds."""
    return obj.get(name) in (None, "")


def _set_default(obj: Object, name: str, value: Any) -> None:
    if _missing(obj, name):
        obj[name] = value


# =========================================================================================================
# apply_defaults
# =========================================================================================================


def apply_defaults(group: str, kind: str, obj: Object) -> None:
    """Default a built-in object the way decoding it on the server does (on every create and update)."""
    defaulter = _DEFAULTERS.get((group, kind))
    if defaulter is not None:
        defaulter(obj)
    version = str(obj.get("apiVersion") or "").rpartition("/")[2]
    schema = schema_for(group, version, kind) if version else None
    if schema is not None:
        _normalize_quantities(obj, schema)


def _normalize_quantities(value: Any, schema: FieldType) -> None:
    """Every quantity printed in canonical form; resource lists rounded up to a thousandth first."""
    if schema.shape == STRUCT and isinstance(value, dict):
        for name, member in schema.fields.items():
            if name in value:
                _normalize_member(value, name, member)
    elif schema.shape == MAP and isinstance(value, dict) and schema.element is not None:
        for name in list(value):
            _normalize_member(value, name, schema.element, round_to_milli=schema.go == "v1.ResourceList")
    elif isinstance(value, list) and schema.element is not None:
        for item in value:
            _normalize_quantities(item, schema.element)


def _normalize_member(container: Object, name: str, schema: FieldType, round_to_milli: bool = False) -> None:
    value = container[name]
    if schema.shape != QUANTITY:
        _normalize_quantities(value, schema)
        return
    if value is None:
        return
    try:
        quantity = quantity_from_json(value)
    except QuantityError:
        return
    container[name] = canonical_quantity(round_up_to_milli(quantity) if round_to_milli else quantity)


# --- pods and pod templates -------------------------------------------------------------------------------


def default_pod_spec(spec: Object, is_pod: bool) -> None:
    """SetDefaults_PodSpec and the defaults of what a pod spec holds; with ``is_pod``, SetDefaults_Pod too."""
    if is_pod:
        _default_pod_only(spec)
    _set_default(spec, "dnsPolicy", "ClusterFirst")
    _set_default(spec, "restartPolicy", "Always")
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    _set_default(spec, "terminationGracePeriodSeconds", 30)
    _set_default(spec, "schedulerName", "default-scheduler")
    for volume in _items(spec.get("volumes")):
        _default_volume(volume)
    for list_name in _CONTAINER_LISTS:
        for container in _items(spec.get(list_name)):
            _default_container(container)
    for secret in _items(spec.get("imagePullSecrets")):
        secret.setdefault("name", "")
    # The conversion to v1 always writes the deprecated field from the current one.
    account = spec.get("serviceAccountName") or spec.get("serviceAccount")
    if account:
        spec["serviceAccountName"] = spec["serviceAccount"] = account


def _default_pod_only(spec: Object) -> None:
    """SetDefaults_Pod: requests from limits, service links, host ports under host networking."""
    for list_name in ("containers", "initContainers"):
        for container in _items(spec.get(list_name)):
            resources = container.get("resources")
            limits = resources.get("limits") if isinstance(resources, dict) else None
            if isinstance(limits, dict) and isinstance(resources, dict):
                requests = _child(resources, "requests")
                for name, value in limits.items():
                    requests.setdefault(name, value)
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork") is True:
        for list_name in ("containers", "initContainers"):
            for container in _items(spec.get(list_name)):
                for port in _items(container.get("ports")):
                    if not port.get("hostPort"):
                        port["hostPort"] = port.get("containerPort")


def _default_container(container: Object) -> None:
    if _missing(container, "imagePullPolicy"):
        container["imagePullPolicy"] = (
            "Always" if image_tag(str(container.get("image") or "")) == "latest" else ("IfNotPresent")
        )
    _set_default(container, "terminationMessagePath", _TERMINATION_MESSAGE_PATH)
    _set_default(container, "terminationMessagePolicy", "File")
    for port in _items(container.get("ports")):
        _set_default(port, "protocol", "TCP")
    for variable in _items(container.get("env")):
        _default_env_source(variable)
    for source in _items(container.get("envFrom")):
        for reference in ("configMapRef", "secretRef"):
            if isinstance(source.get(reference), dict):
                source[reference].setdefault("name", "")
    if not isinstance(container.get("resources"), dict):
        container["resources"] = {}
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if isinstance(container.get(probe), dict):
            _default_probe(container[probe])
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            if isinstance(lifecycle.get(hook), dict):
                _default_http_get(lifecycle[hook].get("httpGet"))


def _default_env_source(variable: Object) -> None:
    source = variable.get("valueFrom")
    if not isinstance(source, dict):
        return
    if isinstance(source.get("fieldRef"), dict):
        _set_default(source["fieldRef"], "apiVersion", "v1")
    for reference in ("configMapKeyRef", "secretKeyRef"):
        if isinstance(source.get(reference), dict):
            source[reference].setdefault("name", "")
    if isinstance(source.get("fileKeyRef"), dict):
        source["fileKeyRef"].setdefault("optional", False)


def _default_probe(probe: Object) -> None:
    for name, value in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1), ("failureThreshold", 3)):
        if not probe.get(name):
            probe[name] = value
    _default_http_get(probe.get("httpGet"))
    if isinstance(probe.get("grpc"), dict) and probe["grpc"].get("service") is None:
        probe["grpc"]["service"] = ""


def _default_http_get(action: Any) -> None:
    if isinstance(action, dict):
        _set_default(action, "path", "/")
        _set_default(action, "scheme", "HTTP")


# Every volume source a volume may name: one without any becomes an emptyDir.
_VOLUME_SOURCES = frozenset({
    "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
    "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc",
    "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
    "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
})  # fmt: skip


def _default_volume(volume: Object) -> None:
    if not any(volume.get(source) is not None for source in _VOLUME_SOURCES):
        volume["emptyDir"] = {}
    if isinstance(volume.get("hostPath"), dict) and volume["hostPath"].get("type") is None:
        volume["hostPath"]["type"] = ""
    for source in ("secret", "configMap", "downwardAPI", "projected"):
        if isinstance(volume.get(source), dict) and volume[source].get("defaultMode") is None:
            volume[source]["defaultMode"] = _DEFAULT_FILE_MODE
    if isinstance(volume.get("configMap"), dict):
        volume["configMap"].setdefault("name", "")
    for item in _items(_child_or_none(volume, "downwardAPI", "items")):
        _default_field_ref(item)
    for projection in _items(_child_or_none(volume, "projected", "sources")):
        _default_projection(projection)
    if isinstance(volume.get("image"), dict) and _missing(volume["image"], "pullPolicy"):
        reference = str(volume["image"].get("reference") or "")
        volume["image"]["pullPolicy"] = "Always" if image_tag(reference) == "latest" else "IfNotPresent"
    claim = volume.get("ephemeral")
    if isinstance(claim, dict) and isinstance(claim.get("volumeClaimTemplate"), dict):
        _set_default(_child(claim["volumeClaimTemplate"], "spec"), "volumeMode", "Filesystem")


def _child_or_none(obj: Mapping[str, Any], name: str, member: str) -> Any:
    value = obj.get(name)
    return value.get(member) if isinstance(value, dict) else None


def _default_field_ref(item: Object) -> None:
    if isinstance(item.get("fieldRef"), dict):
        _set_default(item["fieldRef"], "apiVersion", "v1")


def _default_projection(source: Object) -> None:
    for item in _items(_child_or_none(source, "downwardAPI", "items")):
        _default_field_ref(item)
    token = source.get("serviceAccountToken")
    if isinstance(token, dict) and token.get("expirationSeconds") is None:
        token["expirationSeconds"] = _TOKEN_EXPIRATION_SECONDS
    for reference in ("configMap", "secret"):
        if isinstance(source.get(reference), dict):
            source[reference].setdefault("name", "")


_DIGEST = re.compile(r"@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN = (
    r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])"
)
_REFERENCE = re.compile(
    rf"^(?:{_DOMAIN}(?::[0-9]+)?/)?{_COMPONENT}(?:/{_COMPONENT})*(?::(?P<tag>[\w][\w.-]{{0,127}}))?$"
)


def image_tag(image: str) -> str:
    """The tag parsers.ParseImageName finds: "latest" when neither tag nor digest is written, "" when the
    reference does not parse (the server then assumes IfNotPresent)."""
    digest = _DIGEST.search(image)
    name = image[: digest.start()] if digest else image
    match = _REFERENCE.match(name)
    if match is None:
        return ""
    tag = match.group("tag") or ""
    return tag or ("" if digest else "latest")


def _default_template(template: Any) -> None:
    """A PodTemplateSpec: its metadata always printed, its pod spec defaulted as in a template."""
    if isinstance(template, dict):
        _child(template, "metadata")
        default_pod_spec(_child(template, "spec"), is_pod=False)


def _default_pod(pod: Object) -> None:
    default_pod_spec(_child(pod, "spec"), is_pod=True)


def _default_pod_template(template: Object) -> None:
    _default_template(template.get("template"))


def _default_replication_controller(controller: Object) -> None:
    spec = _child(controller, "spec")
    template = spec.get("template")
    labels = template.get("metadata", {}).get("labels") if isinstance(template, dict) else None
    if isinstance(labels, dict):
        if not spec.get("selector"):
            spec["selector"] = dict(labels)
        if not controller.get("metadata", {}).get("labels"):
            _child(controller, "metadata")["labels"] = dict(labels)
    _set_default(spec, "replicas", 1)
    _default_template(template)


# --- apps and batch ---------------------------------------------------------------------------------------


def _default_deployment(deployment: Object) -> None:
    spec = _child(deployment, "spec")
    _set_default(spec, "replicas", 1)
    strategy = _child(spec, "strategy")
    _set_default(strategy, "type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = _child(strategy, "rollingUpdate")
        _set_default(rolling, "maxUnavailable", "25%")
        _set_default(rolling, "maxSurge", "25%")
    _set_default(spec, "revisionHistoryLimit", 10)
    _set_default(spec, "progressDeadlineSeconds", 600)
    _default_template(spec.get("template"))


def _default_replica_set(replica_set: Object) -> None:
    spec = _child(replica_set, "spec")
    _set_default(spec, "replicas", 1)
    _default_template(spec.get("template"))


def _default_daemon_set(daemon_set: Object) -> None:
    spec = _child(daemon_set, "spec")
    strategy = _child(spec, "updateStrategy")
    _set_default(strategy, "type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = _child(strategy, "rollingUpdate")
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = 1
        if rolling.get("maxSurge") is None:
            rolling["maxSurge"] = 0
    _set_default(spec, "revisionHistoryLimit", 10)
    _default_template(spec.get("template"))


def _default_stateful_set(stateful_set: Object) -> None:
    spec = _child(stateful_set, "spec")
    _set_default(spec, "podManagementPolicy", "OrderedReady")
    strategy = _child(spec, "updateStrategy")
    if _missing(strategy, "type"):
        strategy["type"] = "RollingUpdate"
        _child(strategy, "rollingUpdate")
    rolling = strategy.get("rollingUpdate")
    if strategy["type"] == "RollingUpdate" and isinstance(rolling, dict) and rolling.get("partition") is None:
        rolling["partition"] = 0
    retention = _child(spec, "persistentVolumeClaimRetentionPolicy")
    _set_default(retention, "whenDeleted", "Retain")
    _set_default(retention, "whenScaled", "Retain")
    _set_default(spec, "replicas", 1)
    _set_default(spec, "revisionHistoryLimit", 10)
    _default_template(spec.get("template"))
    for claim in _items(spec.get("volumeClaimTemplates")):
        _default_persistent_volume_claim(claim)


def _default_job(job: Object) -> None:
    spec = _child(job, "spec")
    _default_template(spec.get("template"))
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = 2**31 - 1 if spec.get("backoffLimitPerIndex") is not None else 6
    labels = _child_or_none(spec.get("template") or {}, "metadata", "labels")
    if labels and not _child_or_none(job, "metadata", "labels"):
        _child(job, "metadata")["labels"] = dict(labels)
    _set_default(spec, "completionMode", "NonIndexed")
    if spec.get("suspend") is None:
        spec["suspend"] = False
    for rule in _items(_child_or_none(spec, "podFailurePolicy", "rules")):
        for pattern in _items(rule.get("onPodConditions")):
            _set_default(pattern, "status", "True")
    if spec.get("podReplacementPolicy") is None:
        spec["podReplacementPolicy"] = "Failed" if spec.get("podFailurePolicy") is not None else "TerminatingOrFailed"


def _default_cron_job(cron_job: Object) -> None:
    spec = _child(cron_job, "spec")
    _set_default(spec, "concurrencyPolicy", "Allow")
    if spec.get("suspend") is None:
        spec["suspend"] = False
    _set_default(spec, "successfulJobsHistoryLimit", 3)
    _set_default(spec, "failedJobsHistoryLimit", 1)
    job_template = _child(spec, "jobTemplate")
    _child(job_template, "metadata")
    _default_template(_child(job_template, "spec").get("template"))


# --- core kinds -------------------------------------------------------------------------------------------


def _default_service(service: Object) -> None:
    spec = _child(service, "spec")
    _set_default(spec, "sessionAffinity", "None")
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        client_ip = _child_or_none(spec, "sessionAffinityConfig", "clientIP")
        if not isinstance(client_ip, dict) or client_ip.get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}
    _set_default(spec, "type", "ClusterIP")
    for port in _items(spec.get("ports")):
        _set_default(port, "protocol", "TCP")
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port")
    kind = spec["type"]
    externally_accessible = kind in ("LoadBalancer", "NodePort") or (kind == "ClusterIP" and spec.get("externalIPs"))
    if externally_accessible:
        _set_default(spec, "externalTrafficPolicy", "Cluster")
    if spec.get("internalTrafficPolicy") is None and kind in ("NodePort", "LoadBalancer", "ClusterIP"):
        spec["internalTrafficPolicy"] = "Cluster"
    if kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        spec["allocateLoadBalancerNodePorts"] = True
    _default_ip_families(spec)


def _default_ip_families(spec: Object) -> None:
    """The IP family fields IP allocation settles on in a single-stack IPv4 cluster."""
    if spec.get("type") == "ExternalName":
        return
    headless_without_selector = spec.get("clusterIP") == "None" and not spec.get("selector")
    if spec.get("ipFamilyPolicy") is None:
        spec["ipFamilyPolicy"] = "RequireDualStack" if headless_without_selector else "SingleStack"
    if not spec.get("ipFamilies"):
        spec["ipFamilies"] = ["IPv4"]
    families = spec["ipFamilies"]
    if headless_without_selector and len(families) < 2 and spec["ipFamilyPolicy"] != "SingleStack":
        families.append("IPv6" if families[0] == "IPv4" else "IPv4")


def _default_namespace(namespace: Object) -> None:
    name = _child(namespace, "metadata").get("name")
    if name:
        _child(namespace["metadata"], "labels")["kubernetes.io/metadata.name"] = name
    _set_default(_child(namespace, "status"), "phase", "Active")


def _default_secret(secret: Object) -> None:
    _set_default(secret, "type", "Opaque")
    # Decoding v1 merges stringData into data (encoded, and winning over data); v1 never prints it back.
    written = secret.pop("stringData", None)
    if isinstance(written, dict):
        data = _child(secret, "data")
        for name, value in written.items():
            data[name] = base64.b64encode(str(value).encode()).decode()


def _default_endpoints(endpoints: Object) -> None:
    for subset in _items(endpoints.get("subsets")):
        for port in _items(subset.get("ports")):
            _set_default(port, "protocol", "TCP")


def _default_persistent_volume(volume: Object) -> None:
    _set_default(_child(volume, "status"), "phase", "Pending")
    spec = _child(volume, "spec")
    _set_default(spec, "persistentVolumeReclaimPolicy", "Retain")
    _set_default(spec, "volumeMode", "Filesystem")
    if isinstance(spec.get("hostPath"), dict) and spec["hostPath"].get("type") is None:
        spec["hostPath"]["type"] = ""


def _default_persistent_volume_claim(claim: Object) -> None:
    _set_default(_child(claim, "status"), "phase", "Pending")
    _set_default(_child(claim, "spec"), "volumeMode", "Filesystem")


def _default_limit_range(limit_range: Object) -> None:
    for item in _items(_child(limit_range, "spec").get("limits")):
        if item.get("type") != "Container":
            continue
        defaults, default_requests = _child(item, "default"), _child(item, "defaultRequest")
        for name, value in (item.get("max") or {}).items():
            defaults.setdefault(name, value)
        for name, value in defaults.items():
            default_requests.setdefault(name, value)
        for name, value in (item.get("min") or {}).items():
            default_requests.setdefault(name, value)


def _default_node(node: Object) -> None:
    status = node.get("status")
    if isinstance(status, dict) and status.get("allocatable") is None and isinstance(status.get("capacity"), dict):
        status["allocatable"] = dict(status["capacity"])


# --- other groups -----------------------------------------------------------------------------------------


def _default_network_policy(policy: Object) -> None:
    spec = _child(policy, "spec")
    if not spec.get("policyTypes"):
        spec["policyTypes"] = ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]
    for direction in ("ingress", "egress"):
        for rule in _items(spec.get(direction)):
            for port in _items(rule.get("ports")):
                _set_default(port, "protocol", "TCP")


def _default_ingress_class(ingress_class: Object) -> None:
    parameters = _child_or_none(ingress_class, "spec", "parameters")
    if isinstance(parameters, dict) and parameters.get("scope") is None:
        parameters["scope"] = "Cluster"


def _default_binding(binding: Object) -> None:
    _set_default(_child(binding, "roleRef"), "apiGroup", _RBAC)
    for subject in _items(binding.get("subjects")):
        if _missing(subject, "apiGroup"):
            if subject.get("kind") in ("User", "Group"):
                subject["apiGroup"] = _RBAC
            elif subject.get("kind") == "ServiceAccount":
                subject["apiGroup"] = ""


def _default_autoscaler_v2(autoscaler: Object) -> None:
    spec = _child(autoscaler, "spec")
    _set_default(spec, "minReplicas", 1)
    if not spec.get("metrics"):
        target = {"type": "Utilization", "averageUtilization": 80}
        spec["metrics"] = [{"type": "Resource", "resource": {"name": "cpu", "target": target}}]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        behavior["scaleUp"] = _scaling_rules(behavior.get("scaleUp"), _SCALE_UP)
        behavior["scaleDown"] = _scaling_rules(behavior.get("scaleDown"), _SCALE_DOWN)


_SCALE_UP: Object = {
    "stabilizationWindowSeconds": 0,
    "selectPolicy": "Max",
    "policies": [
        {"type": "Pods", "value": 4, "periodSeconds": 15},
        {"type": "Percent", "value": 100, "periodSeconds": 15},
    ],
}
_SCALE_DOWN: Object = {"selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}


def _scaling_rules(given: Any, defaults: Object) -> Object:
    """GenerateHPAScale{Up,Down}Rules: the defaults, with what the object sets taking their place."""
    rules: Object = {name: (list(value) if isinstance(value, list) else value) for name, value in defaults.items()}
    if isinstance(given, dict):
        rules.update({name: value for name, value in given.items() if value is not None})
    return rules


def _default_autoscaler_v1(autoscaler: Object) -> None:
    _set_default(_child(autoscaler, "spec"), "minReplicas", 1)


def _default_storage_class(storage_class: Object) -> None:
    _set_default(storage_class, "reclaimPolicy", "Delete")
    _set_default(storage_class, "volumeBindingMode", "Immediate")


def _default_priority_class(priority_class: Object) -> None:
    _set_default(priority_class, "preemptionPolicy", "PreemptLowerPriority")


def _default_endpoint_slice(slice_: Object) -> None:
    for port in _items(slice_.get("ports")):
        if port.get("name") is None:
            port["name"] = ""
        _set_default(port, "protocol", "TCP")


_DEFAULTERS: dict[tuple[str, str], Callable[[Object], None]] = {
    ("", "Pod"): _default_pod,
    ("", "PodTemplate"): _default_pod_template,
    ("", "ReplicationController"): _default_replication_controller,
    ("", "Service"): _default_service,
    ("", "Namespace"): _default_namespace,
    ("", "Secret"): _default_secret,
    ("", "Endpoints"): _default_endpoints,
    ("", "PersistentVolume"): _default_persistent_volume,
    ("", "PersistentVolumeClaim"): _default_persistent_volume_claim,
    ("", "LimitRange"): _default_limit_range,
    ("", "Node"): _default_node,
    ("apps", "Deployment"): _default_deployment,
    ("apps", "ReplicaSet"): _default_replica_set,
    ("apps", "DaemonSet"): _default_daemon_set,
    ("apps", "StatefulSet"): _default_stateful_set,
    ("batch", "Job"): _default_job,
    ("batch", "CronJob"): _default_cron_job,
    ("networking.k8s.io", "NetworkPolicy"): _default_network_policy,
    ("networking.k8s.io", "IngressClass"): _default_ingress_class,
    (_RBAC, "RoleBinding"): _default_binding,
    (_RBAC, "ClusterRoleBinding"): _default_binding,
    ("autoscaling", "HorizontalPodAutoscaler"): _default_autoscaler_v2,
    ("storage.k8s.io", "StorageClass"): _default_storage_class,
    ("scheduling.k8s.io", "PriorityClass"): _default_priority_class,
    ("discovery.k8s.io", "EndpointSlice"): _default_endpoint_slice,
}


def _default_autoscaler(autoscaler: Object) -> None:
    if str(autoscaler.get("apiVersion") or "").endswith("/v1"):
        _default_autoscaler_v1(autoscaler)
    else:
        _default_autoscaler_v2(autoscaler)


_DEFAULTERS[("autoscaling", "HorizontalPodAutoscaler")] = _default_autoscaler


# =========================================================================================================
# Admission
# =========================================================================================================


def admit_pod(
    pod: Object,
    token_volume_suffix: str,
    service_account: Mapping[str, Any] | None = None,
    priority_class: Mapping[str, Any] | None = None,
) -> None:
    """The mutating admission plugins a new Pod meets: ServiceAccount, Priority, DefaultTolerationSeconds.

    ``service_account`` is the ServiceAccount the pod runs as (its automount setting and image pull secrets
    count), ``priority_class`` the PriorityClass named by the pod, or the cluster's default one when the pod
    names none (None: no default class, so priority 0). ``token_volume_suffix`` is the five random
    characters the token volume's name ends with. Looking the objects up and refusing a pod whose service
    account is missing is the caller's.
    """
    spec = _child(pod, "spec")
    _admit_service_account(pod, spec, service_account or {}, token_volume_suffix)
    if spec.get("priority") is None:
        spec["priority"] = int((priority_class or {}).get("value", 0))
    if spec.get("preemptionPolicy") is None:
        spec["preemptionPolicy"] = (priority_class or {}).get("preemptionPolicy") or "PreemptLowerPriority"
    _add_default_tolerations(spec)


def _admit_service_account(pod: Object, spec: Object, account: Mapping[str, Any], suffix: str) -> None:
    if "kubernetes.io/config.mirror" in (_child_or_none(pod, "metadata", "annotations") or {}):
        return
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = "default"
    spec["serviceAccount"] = spec["serviceAccountName"]
    automount = spec.get("automountServiceAccountToken")
    if automount is None:
        automount = account.get("automountServiceAccountToken")
    if automount is not False:
        _mount_token(spec, suffix)
    if not spec.get("imagePullSecrets") and account.get("imagePullSecrets"):
        spec["imagePullSecrets"] = [{"name": secret.get("name", "")} for secret in _items(account["imagePullSecrets"])]


def _mount_token(spec: Object, suffix: str) -> None:
    volumes: list[Any] = spec["volumes"] if isinstance(spec.get("volumes"), list) else []
    existing = next(
        (volume["name"] for volume in _items(volumes) if str(volume.get("name", "")).startswith(_TOKEN_VOLUME_PREFIX)),
        None,
    )
    name = existing or _TOKEN_VOLUME_PREFIX + suffix
    mount = {"name": name, "readOnly": True, "mountPath": _TOKEN_MOUNT_PATH}
    mounted = False
    for list_name in ("initContainers", "containers"):
        for container in _items(spec.get(list_name)):
            mounts = container.get("volumeMounts")
            if any(item.get("mountPath") == _TOKEN_MOUNT_PATH for item in _items(mounts)):
                continue
            container["volumeMounts"] = [*(mounts if isinstance(mounts, list) else []), dict(mount)]
            mounted = True
    if mounted and existing is None:
        spec["volumes"] = [*volumes, _token_volume(name)]


def _token_volume(name: str) -> Object:
    namespace_file = {"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}
    sources = [
        {"serviceAccountToken": {"expirationSeconds": _ADMISSION_TOKEN_EXPIRATION_SECONDS, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [namespace_file]}},
    ]
    return {"name": name, "projected": {"defaultMode": _DEFAULT_FILE_MODE, "sources": sources}}


def _add_default_tolerations(spec: Object) -> None:
    tolerations: list[Any] = spec["tolerations"] if isinstance(spec.get("tolerations"), list) else []
    added = [
        {"key": taint, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": _DEFAULT_TOLERATION_SECONDS}
        for taint in (_NOT_READY, _UNREACHABLE)
        if not any(_tolerates(toleration, taint) for toleration in _items(tolerations))
    ]
    if added:
        spec["tolerations"] = [*tolerations, *added]


def _tolerates(toleration: Mapping[str, Any], taint: str) -> bool:
    matches_key = toleration.get("key") == taint or (
        not toleration.get("key") and toleration.get("operator") == "Exists"
    )
    return matches_key and toleration.get("effect") in (None, "", "NoExecute")


# =========================================================================================================
# The registry strategies
# =========================================================================================================


# Kinds whose strategy resets the status on create (the others keep what the body says).
_FRESH_STATUS = frozenset({
    ("", "Pod"), ("", "Service"), ("", "Namespace"), ("", "PersistentVolume"), ("", "PersistentVolumeClaim"),
    ("", "ReplicationController"), ("", "ResourceQuota"), ("apps", "Deployment"), ("apps", "ReplicaSet"),
    ("apps", "DaemonSet"), ("apps", "StatefulSet"), ("batch", "Job"), ("batch", "CronJob"),
    ("autoscaling", "HorizontalPodAutoscaler"), ("policy", "PodDisruptionBudget"), ("networking.k8s.io", "Ingress"),
    ("certificates.k8s.io", "CertificateSigningRequest"),
})  # fmt: skip
# Status members that are structs without a pointer: Go prints them even when empty.
_STRUCT_STATUS_MEMBERS: dict[tuple[str, str], Object] = {
    ("", "Service"): {"loadBalancer": {}},
    ("networking.k8s.io", "Ingress"): {"loadBalancer": {}},
}
_ZERO_VALUES = {"integer": 0, "string": "", "boolean": False, "number": 0}


def zero_status(group: str, version: str, kind: str) -> Object | None:
    """How an empty status prints: its required scalars at their zero value (None: the kind has no status)."""
    definitions = openapi.source_definitions()
    name = openapi.schema_names_by_gvk().get((group, version, kind))
    reference = definitions.get(name or "", {}).get("properties", {}).get("status", {}).get("$ref")
    if not isinstance(reference, str):
        return None
    status_schema = definitions.get(reference.removeprefix("#/$defs/"), {})
    status: Object = dict(_STRUCT_STATUS_MEMBERS.get((group, kind), {}))
    for member in status_schema.get("required", []):
        declared = status_schema.get("properties", {}).get(member, {}).get("type")
        kind_name = declared if isinstance(declared, str) else next(iter(declared or []), None)
        if kind_name in _ZERO_VALUES:
            status[member] = _ZERO_VALUES[kind_name]
    return status


def prepare_for_create(group: str, kind: str, obj: Object) -> None:
    """PrepareForCreate of the registry strategies: fresh status and what a kind derives on creation.

    Call it after ``apply_defaults`` (and ``admit_pod``), once the object has its name and uid, and
    before allocating a Service's IPs and ports.
    """
    if (group, kind) in _FRESH_STATUS:
        version = str(obj.get("apiVersion") or "").rpartition("/")[2]
        obj["status"] = zero_status(group, version, kind) or {}
    preparer = _PREPARERS.get((group, kind))
    if preparer is not None:
        preparer(obj)
    # The server answers with the object read back from storage, which decoding defaults again: a Job
    # takes its generated template labels as its own, a claim's reset status is Pending again.
    defaulter = _DEFAULTERS.get((group, kind))
    if defaulter is not None:
        defaulter(obj)


def _prepare_pod(pod: Object) -> None:
    pod["status"] = {"phase": "Pending", "qosClass": pod_qos_class(pod)}


def pod_qos_class(pod: Mapping[str, Any]) -> str:
    """qos.ComputePodQOS from the containers' (and init containers') cpu and memory."""
    spec: Mapping[str, Any] = pod["spec"] if isinstance(pod.get("spec"), dict) else {}
    requests: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    guaranteed = True
    for container in (*_items(spec.get("containers")), *_items(spec.get("initContainers"))):
        resources: Mapping[str, Any] = container["resources"] if isinstance(container.get("resources"), dict) else {}
        _add_positive(requests, resources.get("requests"))
        found = _add_positive(limits, resources.get("limits"))
        guaranteed = guaranteed and {"cpu", "memory"} <= found
    if not requests and not limits:
        return "BestEffort"
    same = all(name in limits and limits[name] == amount for name, amount in requests.items())
    return "Guaranteed" if guaranteed and same and len(requests) == len(limits) else "Burstable"


def _add_positive(totals: dict[str, Any], resources: Any) -> set[str]:
    """Add the positive cpu and memory amounts of a resource list to ``totals``; return their names."""
    found: set[str] = set()
    for name, value in (resources or {}).items() if isinstance(resources, dict) else ():
        if name not in ("cpu", "memory"):
            continue
        try:
            amount = quantity_from_json(value).value
        except QuantityError:
            continue
        if amount > 0:
            found.add(name)
            totals[name] = totals.get(name, 0) + amount
    return found


def _prepare_job(job: Object) -> None:
    """generateSelector: unless the selector is manual, pods carry the job's name and uid and are selected by it."""
    spec = _child(job, "spec")
    if spec.get("manualSelector") is True:
        return
    meta = _child(job, "metadata")
    labels = _child(_child(_child(spec, "template"), "metadata"), "labels")
    for label in ("job-name", "batch.kubernetes.io/job-name"):
        labels.setdefault(label, meta.get("name", ""))
    for label in ("controller-uid", "batch.kubernetes.io/controller-uid"):
        labels.setdefault(label, meta.get("uid", ""))
    match_labels = _child(_child(spec, "selector"), "matchLabels")
    match_labels.setdefault("batch.kubernetes.io/controller-uid", meta.get("uid", ""))


def _prepare_namespace(namespace: Object) -> None:
    namespace["status"] = {"phase": "Active"}
    finalizers = _child(namespace, "spec").get("finalizers")
    finalizers = finalizers if isinstance(finalizers, list) else []
    if "kubernetes" not in finalizers:
        namespace["spec"]["finalizers"] = [*finalizers, "kubernetes"]


def _prepare_service(service: Object) -> None:
    spec = _child(service, "spec")
    if spec.get("clusterIP") and not spec.get("clusterIPs"):
        spec["clusterIPs"] = [spec["clusterIP"]]


_PREPARERS: dict[tuple[str, str], Callable[[Object], None]] = {
    ("", "Pod"): _prepare_pod,
    ("", "Namespace"): _prepare_namespace,
    ("", "Service"): _prepare_service,
    ("batch", "Job"): _prepare_job,
}


def normalize_service_update(old: Object, new: Object) -> None:
    """What the service registry does to an update before validating it.

    A client that sends only ``clusterIP`` (or changes it alone) gets ``clusterIPs`` to match, and values the
    server allocated (cluster IPs, node ports, the health check node port) that the new object leaves out
    are carried over, as kubectl apply and replace leave them out.
    """
    spec, old_spec = _child(new, "spec"), _child(old, "spec")
    _normalize_cluster_ips(spec, old_spec)
    if "ExternalName" not in (spec.get("type"), old_spec.get("type")):
        if not spec.get("clusterIP") and old_spec.get("clusterIP"):
            spec["clusterIP"] = old_spec["clusterIP"]
        if not spec.get("clusterIPs") and old_spec.get("clusterIPs"):
            spec["clusterIPs"] = list(old_spec["clusterIPs"])
    if _needs_node_port(spec) and _needs_node_port(old_spec):
        _keep_node_ports(spec, old_spec)
    if _needs_health_check(spec) and _needs_health_check(old_spec) and not spec.get("healthCheckNodePort"):
        spec["healthCheckNodePort"] = old_spec.get("healthCheckNodePort")


def _normalize_cluster_ips(spec: Object, old: Object) -> None:
    if old.get("clusterIPs") and not spec.get("clusterIPs") and old.get("clusterIP") == spec.get("clusterIP"):
        spec["clusterIPs"] = list(old["clusterIPs"])
    if old.get("clusterIP") == spec.get("clusterIP"):
        return
    same_ips = old.get("clusterIPs") == spec.get("clusterIPs")
    if old.get("clusterIP") and not spec.get("clusterIP") and same_ips:
        spec.pop("clusterIPs", None)
    if spec.get("clusterIP") and same_ips:
        spec["clusterIPs"] = [spec["clusterIP"]]


def _needs_node_port(spec: Mapping[str, Any]) -> bool:
    return spec.get("type") in ("NodePort", "LoadBalancer")


def _needs_health_check(spec: Mapping[str, Any]) -> bool:
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def _keep_node_ports(spec: Object, old: Object) -> None:
    """patchAllocatedValues: a port without a node port keeps the one its name had, if no port took it."""
    used = {port.get("nodePort") for port in _items(old.get("ports"))} & {
        port.get("nodePort") for port in _items(spec.get("ports"))
    }
    by_name = {port.get("name", ""): port.get("nodePort") for port in _items(old.get("ports"))}
    for port in _items(spec.get("ports")):
        previous = by_name.get(port.get("name", ""))
        if not port.get("nodePort") and previous and previous not in used:
            port["nodePort"] = previous

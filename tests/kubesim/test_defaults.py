"""kubesim.api.defaults: objects filled in as a Kubernetes 1.37 API server fills them in.

The expected objects are written by hand from the defaulting functions, admission plugins and registry
strategies of the server (what ``kubectl create ... -o yaml`` shows, without the server-owned metadata).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubesim.api.defaults import (
    admit_pod,
    apply_defaults,
    image_tag,
    normalize_service_update,
    pod_qos_class,
    prepare_for_create,
    zero_status,
)
from kubesim.api.validation import validate_create

CONTAINER_DEFAULTS = {
    "resources": {},
    "terminationMessagePath": "/dev/termination-log",
    "terminationMessagePolicy": "File",
}
TEMPLATE_SPEC_DEFAULTS = {
    "dnsPolicy": "ClusterFirst",
    "restartPolicy": "Always",
    "schedulerName": "default-scheduler",
    "securityContext": {},
    "terminationGracePeriodSeconds": 30,
}


def created(group: str, kind: str, obj: dict[str, Any], token_suffix: str = "x7k2q") -> dict[str, Any]:
    """What a create stores: defaults, admission (pods), the strategy; then it must validate."""
    obj = copy.deepcopy(obj)
    apply_defaults(group, kind, obj)
    if kind == "Pod":
        admit_pod(obj, token_suffix)
    prepare_for_create(group, kind, obj)
    assert validate_create(kind, group, obj) == []
    return obj


def test_a_minimal_pod() -> None:
    pod: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "nginx", "namespace": "default"},
        "spec": {"containers": [{"name": "nginx", "image": "nginx"}]},
    }
    assert created("", "Pod", pod) == {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "nginx", "namespace": "default"},
        "spec": {
            "containers": [
                {
                    "name": "nginx",
                    "image": "nginx",
                    "imagePullPolicy": "Always",
                    **CONTAINER_DEFAULTS,
                    "volumeMounts": [
                        {
                            "name": "kube-api-access-x7k2q",
                            "readOnly": True,
                            "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                        }
                    ],
                }
            ],
            **TEMPLATE_SPEC_DEFAULTS,
            "enableServiceLinks": True,
            "preemptionPolicy": "PreemptLowerPriority",
            "priority": 0,
            "serviceAccount": "default",
            "serviceAccountName": "default",
            "tolerations": [
                {
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
                {
                    "key": "node.kubernetes.io/unreachable",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
            ],
            "volumes": [
                {
                    "name": "kube-api-access-x7k2q",
                    "projected": {
                        "defaultMode": 420,
                        "sources": [
                            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                            {
                                "downwardAPI": {
                                    "items": [
                                        {
                                            "path": "namespace",
                                            "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                        }
                                    ]
                                }
                            },
                        ],
                    },
                }
            ],
        },
        "status": {"phase": "Pending", "qosClass": "BestEffort"},
    }


def test_a_minimal_deployment() -> None:
    deployment: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx"}]},
            },
        },
    }
    assert created("apps", "Deployment", deployment) == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "progressDeadlineSeconds": 600,
            "replicas": 1,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {"name": "nginx", "image": "nginx", "imagePullPolicy": "Always", **CONTAINER_DEFAULTS}
                    ],
                    **TEMPLATE_SPEC_DEFAULTS,
                },
            },
        },
        "status": {},
    }


def test_a_minimal_service() -> None:
    service: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"name": "80-8080", "port": 80, "targetPort": 8080}]},
    }
    assert created("", "Service", service) == {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {
            "internalTrafficPolicy": "Cluster",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [{"name": "80-8080", "port": 80, "protocol": "TCP", "targetPort": 8080}],
            "selector": {"app": "web"},
            "sessionAffinity": "None",
            "type": "ClusterIP",
        },
        "status": {"loadBalancer": {}},
    }


def test_service_types_get_their_traffic_policies() -> None:
    node_port: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"type": "NodePort", "ports": [{"port": 80}]},
    }
    apply_defaults("", "Service", node_port)
    assert node_port["spec"]["externalTrafficPolicy"] == "Cluster"
    assert node_port["spec"]["ports"][0]["targetPort"] == 80
    balancer: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"type": "LoadBalancer"},
    }
    apply_defaults("", "Service", balancer)
    assert (balancer["spec"]["externalTrafficPolicy"], balancer["spec"]["allocateLoadBalancerNodePorts"]) == (
        "Cluster",
        True,
    )
    external: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"type": "ExternalName", "externalName": "db.example.com"},
    }
    apply_defaults("", "Service", external)
    assert external["spec"] == {"type": "ExternalName", "externalName": "db.example.com", "sessionAffinity": "None"}


def test_headless_services_without_selector_require_dual_stack() -> None:
    headless: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"clusterIP": "None"},
    }
    apply_defaults("", "Service", headless)
    assert (headless["spec"]["ipFamilyPolicy"], headless["spec"]["ipFamilies"]) == (
        "RequireDualStack",
        ["IPv4", "IPv6"],
    )
    prepare_for_create("", "Service", headless)
    assert headless["spec"]["clusterIPs"] == ["None"]


def test_client_ip_affinity_gets_its_timeout() -> None:
    service: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"sessionAffinity": "ClientIP"},
    }
    apply_defaults("", "Service", service)
    assert service["spec"]["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def test_a_minimal_job() -> None:
    job: dict[str, Any] = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "pi", "uid": "7c0f5a3e"},
        "spec": {
            "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "pi", "image": "perl:5.34"}]}}
        },
    }
    generated: dict[str, Any] = {
        "batch.kubernetes.io/controller-uid": "7c0f5a3e",
        "batch.kubernetes.io/job-name": "pi",
        "controller-uid": "7c0f5a3e",
        "job-name": "pi",
    }
    assert created("batch", "Job", job) == {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "pi", "uid": "7c0f5a3e", "labels": generated},
        "spec": {
            "backoffLimit": 6,
            "completionMode": "NonIndexed",
            "completions": 1,
            "parallelism": 1,
            "podReplacementPolicy": "TerminatingOrFailed",
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "7c0f5a3e"}},
            "suspend": False,
            "template": {
                "metadata": {"labels": generated},
                "spec": {
                    "containers": [
                        {"name": "pi", "image": "perl:5.34", "imagePullPolicy": "IfNotPresent", **CONTAINER_DEFAULTS}
                    ],
                    **TEMPLATE_SPEC_DEFAULTS,
                    "restartPolicy": "Never",
                },
            },
        },
        "status": {},
    }


def test_job_completions_and_backoff_follow_the_other_fields() -> None:
    job: dict[str, Any] = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j"},
        "spec": {
            "parallelism": 3,
            "backoffLimitPerIndex": 1,
            "podFailurePolicy": {"rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]},
        },
    }
    apply_defaults("batch", "Job", job)
    spec = job["spec"]
    assert "completions" not in spec
    assert (spec["parallelism"], spec["backoffLimit"], spec["podReplacementPolicy"]) == (3, 2**31 - 1, "Failed")
    assert spec["podFailurePolicy"]["rules"][0]["onPodConditions"] == [{"type": "DisruptionTarget", "status": "True"}]


def test_a_minimal_cron_job() -> None:
    cron_job: dict[str, Any] = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "hello"},
        "spec": {
            "schedule": "*/1 * * * *",
            "jobTemplate": {
                "spec": {
                    "template": {
                        "spec": {
                            "restartPolicy": "OnFailure",
                            "containers": [{"name": "hello", "image": "busybox:1.28"}],
                        }
                    }
                }
            },
        },
    }
    assert created("batch", "CronJob", cron_job) == {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "hello"},
        "spec": {
            "concurrencyPolicy": "Allow",
            "failedJobsHistoryLimit": 1,
            "jobTemplate": {
                "metadata": {},
                "spec": {
                    "template": {
                        "metadata": {},
                        "spec": {
                            "containers": [
                                {
                                    "name": "hello",
                                    "image": "busybox:1.28",
                                    "imagePullPolicy": "IfNotPresent",
                                    **CONTAINER_DEFAULTS,
                                }
                            ],
                            **TEMPLATE_SPEC_DEFAULTS,
                            "restartPolicy": "OnFailure",
                        },
                    }
                },
            },
            "schedule": "*/1 * * * *",
            "successfulJobsHistoryLimit": 3,
            "suspend": False,
        },
        "status": {},
    }


def test_a_minimal_namespace() -> None:
    assert created("", "Namespace", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}}) == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "dev", "labels": {"kubernetes.io/metadata.name": "dev"}},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


def test_replica_sets_daemon_sets_and_stateful_sets() -> None:
    template: dict[str, Any] = {
        "metadata": {"labels": {"app": "x"}},
        "spec": {"containers": [{"name": "x", "image": "x:1"}]},
    }
    base: dict[str, Any] = {"selector": {"matchLabels": {"app": "x"}}, "template": template}
    replica_set = created(
        "apps", "ReplicaSet", {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "x"}, "spec": base}
    )
    assert (replica_set["spec"]["replicas"], replica_set["status"]) == (1, {"replicas": 0})
    daemon_set = created(
        "apps", "DaemonSet", {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "x"}, "spec": base}
    )
    assert daemon_set["spec"]["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
    }
    assert daemon_set["spec"]["revisionHistoryLimit"] == 10
    assert daemon_set["status"] == {
        "currentNumberScheduled": 0,
        "numberMisscheduled": 0,
        "desiredNumberScheduled": 0,
        "numberReady": 0,
    }
    claim: dict[str, Any] = {
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
    }
    stateful_set = created(
        "apps",
        "StatefulSet",
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "x"},
            "spec": {**base, "serviceName": "x", "volumeClaimTemplates": [claim]},
        },
    )
    spec = stateful_set["spec"]
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert (spec["replicas"], spec["revisionHistoryLimit"]) == (1, 10)
    assert spec["volumeClaimTemplates"][0]["spec"]["volumeMode"] == "Filesystem"
    assert spec["volumeClaimTemplates"][0]["status"] == {"phase": "Pending"}


def test_a_stateful_set_that_names_its_strategy_gets_no_partition() -> None:
    spec: dict[str, Any] = {"updateStrategy": {"type": "RollingUpdate"}}
    apply_defaults("apps", "StatefulSet", {"apiVersion": "apps/v1", "kind": "StatefulSet", "spec": spec})
    assert spec["updateStrategy"] == {"type": "RollingUpdate"}


@pytest.mark.parametrize(
    ("image", "tag"),
    [
        ("nginx", "latest"),
        ("nginx:latest", "latest"),
        ("nginx:1.27", "1.27"),
        ("registry.example.com:5000/team/app", "latest"),
        ("registry.example.com:5000/team/app:v2", "v2"),
        ("nginx@sha256:" + "a" * 64, ""),
        ("nginx:1.27@sha256:" + "a" * 64, "1.27"),
        ("Nginx", ""),
        ("", ""),
    ],
)
def test_image_tags_as_the_server_parses_them(image: str, tag: str) -> None:
    assert image_tag(image) == tag


def test_pull_policy_follows_the_tag() -> None:
    spec: dict[str, Any] = {
        "containers": [
            {"name": "a", "image": "nginx"},
            {"name": "b", "image": "nginx:1.27"},
            {"name": "c", "image": "x", "imagePullPolicy": "Never"},
        ]
    }
    apply_defaults("", "Pod", {"apiVersion": "v1", "kind": "Pod", "spec": spec})
    assert [container["imagePullPolicy"] for container in spec["containers"]] == ["Always", "IfNotPresent", "Never"]


def test_probes_lifecycle_ports_env_and_volumes() -> None:
    container: dict[str, Any] = {
        "name": "web",
        "image": "nginx:1.27",
        "ports": [{"containerPort": 80}],
        "env": [{"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
        "livenessProbe": {"httpGet": {"port": 80}},
        "readinessProbe": {"grpc": {"port": 9000}, "periodSeconds": 5},
        "lifecycle": {"preStop": {"httpGet": {"port": 80}}},
    }
    volumes = [
        {"name": "scratch"},
        {"name": "cfg", "configMap": {"name": "cfg"}},
        {"name": "secret", "secret": {"secretName": "s"}},
        {"name": "host", "hostPath": {"path": "/data"}},
        {"name": "token", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}},
    ]
    spec: dict[str, Any] = {"containers": [container], "volumes": volumes}
    apply_defaults("", "Pod", {"apiVersion": "v1", "kind": "Pod", "spec": spec})
    assert container["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert container["env"][0]["valueFrom"]["fieldRef"] == {"fieldPath": "metadata.name", "apiVersion": "v1"}
    probe_defaults: dict[str, Any] = {"timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3}
    assert container["livenessProbe"] == {
        "httpGet": {"port": 80, "path": "/", "scheme": "HTTP"},
        "periodSeconds": 10,
        **probe_defaults,
    }
    assert container["readinessProbe"] == {"grpc": {"port": 9000, "service": ""}, "periodSeconds": 5, **probe_defaults}
    assert container["lifecycle"]["preStop"]["httpGet"] == {"port": 80, "path": "/", "scheme": "HTTP"}
    assert volumes == [
        {"name": "scratch", "emptyDir": {}},
        {"name": "cfg", "configMap": {"name": "cfg", "defaultMode": 420}},
        {"name": "secret", "secret": {"secretName": "s", "defaultMode": 420}},
        {"name": "host", "hostPath": {"path": "/data", "type": ""}},
        {
            "name": "token",
            "projected": {
                "sources": [{"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}}],
                "defaultMode": 420,
            },
        },
    ]


def test_pod_requests_default_to_limits_and_quantities_print_canonically() -> None:
    resources: dict[str, Any] = {"limits": {"cpu": 0.5, "memory": "1024Mi"}, "requests": {"cpu": "0.0001"}}
    spec: dict[str, Any] = {"containers": [{"name": "web", "image": "nginx", "resources": resources}]}
    apply_defaults("", "Pod", {"apiVersion": "v1", "kind": "Pod", "spec": spec})
    assert resources == {"limits": {"cpu": "500m", "memory": "1Gi"}, "requests": {"cpu": "1m", "memory": "1Gi"}}


def test_templates_keep_requests_as_written() -> None:
    resources: dict[str, Any] = {"limits": {"cpu": "1"}}
    template: dict[str, Any] = {"spec": {"containers": [{"name": "web", "image": "nginx", "resources": resources}]}}
    apply_defaults(
        "apps", "Deployment", {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"template": template}}
    )
    assert resources == {"limits": {"cpu": "1"}}
    assert template["metadata"] == {}


def test_host_networking_pods_publish_their_ports() -> None:
    spec: dict[str, Any] = {
        "hostNetwork": True,
        "containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 8080}]}],
    }
    apply_defaults("", "Pod", {"apiVersion": "v1", "kind": "Pod", "spec": spec})
    assert spec["containers"][0]["ports"] == [{"containerPort": 8080, "hostPort": 8080, "protocol": "TCP"}]


def test_the_deprecated_service_account_field_mirrors_the_current_one() -> None:
    spec: dict[str, Any] = {"serviceAccount": "builder", "containers": []}
    apply_defaults("", "Pod", {"apiVersion": "v1", "kind": "Pod", "spec": spec})
    assert (spec["serviceAccountName"], spec["serviceAccount"]) == ("builder", "builder")


def test_secret_string_data_is_merged_into_data() -> None:
    secret: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "data": {"a": "eA==", "b": "eA=="},
        "stringData": {"b": "hello"},
    }
    apply_defaults("", "Secret", secret)
    assert secret == {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "data": {"a": "eA==", "b": "aGVsbG8="},
        "type": "Opaque",
    }


def test_storage_defaults() -> None:
    claim = created(
        "",
        "PersistentVolumeClaim",
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1024Mi"}}},
        },
    )
    assert claim["spec"] == {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}},
        "volumeMode": "Filesystem",
    }
    assert claim["status"] == {"phase": "Pending"}
    volume: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": "pv"},
        "spec": {"capacity": {"storage": "1Gi"}, "hostPath": {"path": "/d"}},
    }
    apply_defaults("", "PersistentVolume", volume)
    assert volume["spec"] == {
        "capacity": {"storage": "1Gi"},
        "hostPath": {"path": "/d", "type": ""},
        "persistentVolumeReclaimPolicy": "Retain",
        "volumeMode": "Filesystem",
    }
    assert volume["status"] == {"phase": "Pending"}
    storage_class: dict[str, Any] = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "provisioner": "x"}
    apply_defaults("storage.k8s.io", "StorageClass", storage_class)
    assert (storage_class["reclaimPolicy"], storage_class["volumeBindingMode"]) == ("Delete", "Immediate")


def test_network_policies_and_role_bindings() -> None:
    policy: dict[str, Any] = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "spec": {"podSelector": {}, "egress": [{"ports": [{"port": 53}]}]},
    }
    apply_defaults("networking.k8s.io", "NetworkPolicy", policy)
    assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert policy["spec"]["egress"][0]["ports"] == [{"port": 53, "protocol": "TCP"}]
    only_ingress: dict[str, Any] = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "spec": {"podSelector": {}},
    }
    apply_defaults("networking.k8s.io", "NetworkPolicy", only_ingress)
    assert only_ingress["spec"]["policyTypes"] == ["Ingress"]
    binding: dict[str, Any] = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "roleRef": {"kind": "Role", "name": "r"},
        "subjects": [
            {"kind": "User", "name": "jane"},
            {"kind": "ServiceAccount", "name": "default", "namespace": "dev"},
        ],
    }
    apply_defaults("rbac.authorization.k8s.io", "RoleBinding", binding)
    assert binding["roleRef"]["apiGroup"] == "rbac.authorization.k8s.io"
    assert [subject["apiGroup"] for subject in binding["subjects"]] == ["rbac.authorization.k8s.io", ""]


def test_horizontal_pod_autoscalers() -> None:
    autoscaler: dict[str, Any] = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "spec": {"maxReplicas": 5, "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}},
    }
    apply_defaults("autoscaling", "HorizontalPodAutoscaler", autoscaler)
    spec = autoscaler["spec"]
    assert spec["minReplicas"] == 1
    assert spec["metrics"] == [
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}
    ]
    assert spec["behavior"]["scaleDown"] == {
        "stabilizationWindowSeconds": 60,
        "selectPolicy": "Max",
        "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
    }
    assert spec["behavior"]["scaleUp"]["policies"] == [
        {"type": "Pods", "value": 4, "periodSeconds": 15},
        {"type": "Percent", "value": 100, "periodSeconds": 15},
    ]
    assert zero_status("autoscaling", "v2", "HorizontalPodAutoscaler") == {"desiredReplicas": 0}


@pytest.mark.parametrize(
    ("resources", "qos"),
    [
        ([{}], "BestEffort"),
        ([{"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}], "Guaranteed"),
        ([{"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m", "memory": "1Gi"}}], "Burstable"),
        ([{"requests": {"cpu": "100m"}}], "Burstable"),
        ([{"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}, {}], "Burstable"),
    ],
)
def test_qos_classes(resources: list[dict[str, Any]], qos: str) -> None:
    pod: dict[str, Any] = {
        "spec": {"containers": [{"name": f"c{position}", "resources": item} for position, item in enumerate(resources)]}
    }
    assert pod_qos_class(pod) == qos


def test_admission_respects_what_the_pod_and_its_account_say() -> None:
    pod: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "spec": {
            "automountServiceAccountToken": False,
            "containers": [{"name": "c", "image": "i"}],
            "tolerations": [{"operator": "Exists"}],
            "priorityClassName": "high",
        },
    }
    admit_pod(
        pod,
        "abcde",
        service_account={"imagePullSecrets": [{"name": "registry"}]},
        priority_class={"value": 1000, "preemptionPolicy": "Never"},
    )
    spec = pod["spec"]
    assert "volumes" not in spec
    assert "volumeMounts" not in spec["containers"][0]
    assert spec["tolerations"] == [{"operator": "Exists"}]
    assert (spec["priority"], spec["preemptionPolicy"]) == (1000, "Never")
    assert spec["imagePullSecrets"] == [{"name": "registry"}]
    assert spec["serviceAccountName"] == "default"


def test_a_service_update_keeps_what_was_allocated() -> None:
    old: dict[str, Any] = {
        "spec": {
            "type": "NodePort",
            "clusterIP": "10.96.0.7",
            "clusterIPs": ["10.96.0.7"],
            "ports": [{"name": "web", "port": 80, "nodePort": 30080}],
        }
    }
    new: dict[str, Any] = {"spec": {"type": "NodePort", "ports": [{"name": "web", "port": 80}]}}
    normalize_service_update(old, new)
    assert new["spec"] == {
        "type": "NodePort",
        "clusterIP": "10.96.0.7",
        "clusterIPs": ["10.96.0.7"],
        "ports": [{"name": "web", "port": 80, "nodePort": 30080}],
    }


def test_changing_only_the_cluster_ip_changes_the_list_too() -> None:
    old: dict[str, Any] = {"spec": {"clusterIP": "10.96.0.7", "clusterIPs": ["10.96.0.7"]}}
    new: dict[str, Any] = {"spec": {"clusterIP": "10.96.0.8", "clusterIPs": ["10.96.0.7"]}}
    normalize_service_update(old, new)
    assert new["spec"]["clusterIPs"] == ["10.96.0.8"]


def test_defaulting_twice_changes_nothing() -> None:
    deployment: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "w", "image": "w", "resources": {"limits": {"cpu": 2}}}]},
            },
        },
    }
    once = created("apps", "Deployment", deployment)
    twice = copy.deepcopy(once)
    apply_defaults("apps", "Deployment", twice)
    assert twice == once

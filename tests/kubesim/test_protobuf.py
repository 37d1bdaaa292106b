"""Protobuf bodies: real kubectl's decode to the JSON it would have sent; round trips; malformed bodies rejected."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubesim.api.protobuf import KINDS, MAGIC, MESSAGES, Field, ProtobufError, decode_object, encode_object

KUBECTL = Path(sys.executable).parent / "kubectl"


# A hand-made wire, to build bodies the encoder would never write.


def varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def tag(number: int, wire_type: int) -> bytes:
    return varint(number << 3 | wire_type)


def number_field(number: int, value: int) -> bytes:
    return tag(number, 0) + varint(value)


def bytes_field(number: int, payload: bytes | str) -> bytes:
    data = payload.encode() if isinstance(payload, str) else payload
    return tag(number, 2) + varint(len(data)) + data


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    type_meta = bytes_field(1, api_version) + bytes_field(2, kind)
    return MAGIC + bytes_field(1, type_meta) + bytes_field(2, raw) + bytes_field(3, "") + bytes_field(4, "")


def configmap_body(raw: bytes) -> bytes:
    return envelope("v1", "ConfigMap", raw)


def b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


# `kubectl create configmap settings --from-literal=mode=fast --from-literal=empty=` as kubectl 1.37.1 sent it.
KUBECTL_CONFIGMAP = bytes.fromhex(
    "6b3873000a0f0a0276311209436f6e6669674d617012330a180a0873657474696e677312001a0022002a0032003800420012"
    "090a05656d7074791200120c0a046d6f64651204666173741a002200"
)


def test_a_body_kubectl_sent_decodes_to_the_json_it_would_have_sent() -> None:
    assert decode_object(KUBECTL_CONFIGMAP) == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "settings"},
        "data": {"empty": "", "mode": "fast"},
    }


# Round trips of realistic objects.

TIME = "2026-03-01T12:30:45Z"
LATER = "2026-03-01T12:31:02Z"
POD_TEMPLATE: dict[str, Any] = {
    "metadata": {"labels": {"app": "web"}, "annotations": {"kubectl.kubernetes.io/restartedAt": TIME}},
    "spec": {
        "serviceAccountName": "web",
        "securityContext": {"runAsNonRoot": True, "runAsUser": 1000, "fsGroup": 2000, "supplementalGroups": [3, 4]},
        "containers": [
            {
                "name": "web",
                "image": "nginx:1.27",
                "imagePullPolicy": "IfNotPresent",
                "args": ["--port", "8080"],
                "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                "env": [
                    {"name": "MODE", "value": "fast"},
                    {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}},
                    {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}},
                ],
                "envFrom": [{"configMapRef": {"name": "settings", "optional": True}}],
                "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "1", "memory": "128Mi"}},
                "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 5},
                "livenessProbe": {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 10, "failureThreshold": 3},
                "volumeMounts": [{"name": "config", "mountPath": "/etc/web", "readOnly": True}],
                "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
            }
        ],
        "volumes": [
            {"name": "config", "configMap": {"name": "settings", "items": [{"key": "a", "path": "a.conf"}]}},
            {"name": "scratch", "emptyDir": {"sizeLimit": "1Gi"}},
            {"name": "creds", "secret": {"secretName": "creds", "defaultMode": 0o400}},
        ],
        "affinity": {
            "podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "weight": 100,
                        "podAffinityTerm": {
                            "labelSelector": {"matchLabels": {"app": "web"}},
                            "topologyKey": "kubernetes.io/hostname",
                        },
                    }
                ]
            }
        },
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}],
    },
}

REALISTIC: dict[str, dict[str, Any]] = {
    "configmap": {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "settings",
            "namespace": "default",
            "uid": "0b7c3c1e-5b7a-4d38-9f0e-3f1f9a0e2a11",
            "resourceVersion": "42",
            "creationTimestamp": TIME,
            "labels": {"app": "web"},
            "annotations": {"owner": "team-a"},
            "managedFields": [
                {
                    "manager": "kubectl-create",
                    "operation": "Update",
                    "apiVersion": "v1",
                    "time": TIME,
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:data": {".": {}, "f:a.conf": {}}},
                }
            ],
        },
        "data": {"a.conf": "mode=fast\n", "empty": ""},
        "binaryData": {"blob": b64(bytes(range(256)))},
        "immutable": False,
    },
    "secret": {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "creds", "namespace": "default"},
        "type": "Opaque",
        "data": {"password": b64("s3cr3t"), "empty": ""},
        "stringData": {"user": "admin"},
    },
    "namespace": {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "team-a", "labels": {"kubernetes.io/metadata.name": "team-a"}},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    },
    "deployment": {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "generation": 3},
        "spec": {
            "replicas": 3,
            "selector": {
                "matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}],
            },
            "template": POD_TEMPLATE,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
        "status": {
            "observedGeneration": 3,
            "replicas": 3,
            "readyReplicas": 3,
            "conditions": [
                {
                    "type": "Available",
                    "status": "True",
                    "lastUpdateTime": TIME,
                    "lastTransitionTime": LATER,
                    "reason": "MinimumReplicasAvailable",
                    "message": "Deployment has minimum availability.",
                }
            ],
        },
    },
    "job": {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": "report-28000000",
            "namespace": "default",
            "ownerReferences": [
                {
                    "apiVersion": "batch/v1",
                    "kind": "CronJob",
                    "name": "report",
                    "uid": "9d1c",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "completions": 1,
            "parallelism": 1,
            "backoffLimit": 4,
            "ttlSecondsAfterFinished": 100,
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{"name": "report", "image": "busybox", "command": ["sh", "-c", "date"]}],
                }
            },
        },
        "status": {"startTime": TIME, "completionTime": LATER, "succeeded": 1},
    },
    "cronjob": {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "report", "namespace": "default"},
        "spec": {
            "schedule": "*/5 * * * *",
            "timeZone": "Etc/UTC",
            "concurrencyPolicy": "Forbid",
            "suspend": False,
            "jobTemplate": {
                "metadata": {"labels": {"app": "report"}},
                "spec": {"template": {"spec": {"containers": [{"name": "report", "image": "busybox"}]}}},
            },
        },
        "status": {"lastScheduleTime": TIME, "active": [{"kind": "Job", "name": "report-1", "namespace": "default"}]},
    },
    "service": {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "type": "NodePort",
            "selector": {"app": "web"},
            "ports": [
                {"name": "http", "protocol": "TCP", "port": 80, "targetPort": "http", "nodePort": 30080},
                {"name": "metrics", "protocol": "TCP", "port": 9090, "targetPort": 9090},
            ],
            "clusterIP": "10.96.0.10",
            "clusterIPs": ["10.96.0.10"],
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "sessionAffinity": "None",
            "externalTrafficPolicy": "Cluster",
        },
        "status": {"loadBalancer": {}},
    },
    "hpa-v2": {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 2,
            "maxReplicas": 10,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}},
                }
            ],
            "behavior": {
                "scaleDown": {
                    "stabilizationWindowSeconds": 300,
                    "policies": [{"type": "Pods", "value": 4, "periodSeconds": 60}],
                }
            },
        },
        "status": {
            "currentReplicas": 2,
            "desiredReplicas": 2,
            "currentMetrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "current": {"averageValue": "120m", "averageUtilization": 12}},
                }
            ],
        },
    },
    "hpa-v1": {
        "apiVersion": "autoscaling/v1",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "maxReplicas": 5,
            "targetCPUUtilizationPercentage": 80,
        },
        "status": {"currentReplicas": 1, "desiredReplicas": 1},
    },
    "role": {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": "reader", "namespace": "default"},
        "rules": [
            {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"]},
            {"apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["web"], "verbs": ["get"]},
        ],
    },
    "rolebinding": {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "reader", "namespace": "default"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
        "subjects": [
            {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "alice"},
            {"kind": "ServiceAccount", "name": "web", "namespace": "default"},
        ],
    },
    "pdb": {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"minAvailable": "50%", "selector": {"matchLabels": {"app": "web"}}},
        "status": {
            "currentHealthy": 3,
            "desiredHealthy": 2,
            "disruptionsAllowed": 1,
            "expectedPods": 3,
            "disruptedPods": {"web-1": TIME},
        },
    },
    "priorityclass": {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": "high"},
        "value": 1000000,
        "description": "for the web tier",
        "preemptionPolicy": "Never",
    },
    "pod": {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web-7d4b9c-x2x8q", "namespace": "default", "labels": {"run": "web"}},
        "spec": {**POD_TEMPLATE["spec"], "nodeName": "node-1", "restartPolicy": "Always", "dnsPolicy": "ClusterFirst"},
        "status": {
            "phase": "Running",
            "podIP": "10.244.0.5",
            "podIPs": [{"ip": "10.244.0.5"}],
            "startTime": TIME,
            "qosClass": "Burstable",
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": LATER}],
            "containerStatuses": [
                {
                    "name": "web",
                    "ready": True,
                    "restartCount": 0,
                    "image": "nginx:1.27",
                    "imageID": "docker.io/library/nginx@sha256:abc",
                    "started": True,
                    "state": {"running": {"startedAt": LATER}},
                }
            ],
        },
    },
    "ingress": {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": ["web.example"], "secretName": "web-tls"}],
            "rules": [
                {
                    "host": "web.example",
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "web", "port": {"name": "http"}}},
                            }
                        ]
                    },
                }
            ],
        },
        "status": {"loadBalancer": {}},
    },
    "token-request": {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenRequest",
        "metadata": {"name": "web"},
        "spec": {"audiences": ["https://kubernetes.default.svc"], "expirationSeconds": 3600},
        "status": {"token": "eyJhbGciOi", "expirationTimestamp": LATER},
    },
    "whoami": {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "SelfSubjectReview",
        "metadata": {"creationTimestamp": TIME},
        "status": {
            "userInfo": {
                "username": "alice",
                "uid": "u-1",
                "groups": ["devs", "system:authenticated"],
                "extra": {"scopes": ["read", "write"]},
            }
        },
    },
    "can-i": {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "metadata": {},
        "spec": {"resourceAttributes": {"namespace": "default", "verb": "get", "resource": "pods"}},
        "status": {"allowed": True, "reason": "RBAC: allowed by RoleBinding"},
    },
    "status": {
        "apiVersion": "v1",
        "kind": "Status",
        "metadata": {},
        "status": "Failure",
        "message": 'configmaps "missing" not found',
        "reason": "NotFound",
        "details": {"name": "missing", "kind": "configmaps"},
        "code": 404,
    },
    "list": {
        "apiVersion": "v1",
        "kind": "ConfigMapList",
        "metadata": {"resourceVersion": "77", "continue": "token"},
        "items": [{"metadata": {"name": "a"}, "data": {"k": "v"}}, {"metadata": {"name": "b"}}],
    },
}


@pytest.mark.parametrize("name", REALISTIC)
def test_realistic_objects_survive_a_round_trip(name: str) -> None:
    obj = REALISTIC[name]
    body = encode_object(obj)
    assert body.startswith(MAGIC)
    assert decode_object(body) == obj


def test_secret_data_travels_as_raw_bytes_and_reads_back_as_base64() -> None:
    body = encode_object({"apiVersion": "v1", "kind": "Secret", "data": {"key": b64(b"\x00\xffraw")}})
    assert b"\x00\xffraw" in body
    assert decode_object(body)["data"] == {"key": b64(b"\x00\xffraw")}


# What Go's JSON would have written: Go puts every non-pointer field on the wire, zero or not.


def test_zero_values_appear_only_where_go_json_writes_them() -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": ""},
        "spec": {
            "containers": [
                {
                    "name": "",
                    "image": "",
                    "workingDir": "",
                    "stdin": False,
                    "ports": [{"containerPort": 0, "hostPort": 0}],
                    "resources": {},
                }
            ],
            "restartPolicy": "",
            "hostNetwork": False,
            "priority": 0,
            "automountServiceAccountToken": False,
        },
        "status": {},
    }
    assert decode_object(encode_object(pod)) == {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {},
        "spec": {
            # name and containerPort have no omitempty; priority and automount are pointers; structs always appear.
            "containers": [{"name": "", "ports": [{"containerPort": 0}], "resources": {}}],
            "priority": 0,
            "automountServiceAccountToken": False,
        },
        "status": {},
    }


def test_a_list_without_omitempty_reads_as_null_when_absent() -> None:
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "agg"}}
    assert decode_object(encode_object(role))["rules"] is None


def test_a_zero_time_is_null_except_creation_timestamp_which_is_left_out() -> None:
    meta = bytes_field(1, "web") + bytes_field(8, b"")
    condition = bytes_field(1, "Available") + bytes_field(2, "True") + bytes_field(7, b"")
    raw = bytes_field(1, meta) + bytes_field(3, bytes_field(6, condition))
    decoded = decode_object(envelope("apps/v1", "Deployment", raw))
    assert decoded["metadata"] == {"name": "web"}
    assert decoded["status"]["conditions"] == [{"type": "Available", "status": "True", "lastTransitionTime": None}]


def test_times_are_whole_seconds_in_utc() -> None:
    timestamp = number_field(1, 1_700_000_000) + number_field(2, 999_999_999)
    decoded = decode_object(configmap_body(bytes_field(1, bytes_field(8, timestamp))))
    assert decoded["metadata"]["creationTimestamp"] == "2023-11-14T22:13:20Z"
    encoded = encode_object(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"creationTimestamp": "2023-11-15T00:13:20.5+02:00"}}
    )
    assert decode_object(encoded)["metadata"]["creationTimestamp"] == "2023-11-14T22:13:20Z"


def test_int_or_string_reads_as_int_or_str() -> None:
    port = number_field(1, 0) + number_field(2, 0) + bytes_field(3, "")
    named = number_field(1, 1) + number_field(2, 0) + bytes_field(3, "http")
    raw = bytes_field(2, bytes_field(1, number_field(3, 80) + bytes_field(4, port)))
    raw_named = bytes_field(2, bytes_field(1, number_field(3, 80) + bytes_field(4, named)))
    # Without omitempty effect on structs, Go's JSON writes an unset targetPort as 0.
    assert decode_object(envelope("v1", "Service", raw))["spec"]["ports"] == [{"port": 80, "targetPort": 0}]
    assert decode_object(envelope("v1", "Service", raw_named))["spec"]["ports"] == [{"port": 80, "targetPort": "http"}]


def test_negative_numbers_and_packed_lists_read_back() -> None:
    security = bytes_field(4, varint(1) + varint(2) + varint(3)) + number_field(2, -1)
    raw = bytes_field(2, bytes_field(14, security))
    spec = decode_object(envelope("v1", "Pod", raw))["spec"]
    assert spec["securityContext"] == {"supplementalGroups": [1, 2, 3], "runAsUser": -1}


def test_map_entries_without_a_value_hold_the_zero_value() -> None:
    raw = bytes_field(2, bytes_field(1, "only-key")) + bytes_field(2, bytes_field(2, "no-key"))
    assert decode_object(configmap_body(raw))["data"] == {"only-key": "", "": "no-key"}


def test_inlined_go_structs_are_flattened() -> None:
    volume = {"name": "config", "configMap": {"name": "settings"}}
    pod = {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [], "volumes": [volume]}}
    assert decode_object(encode_object(pod))["spec"]["volumes"] == [volume]


def test_kubectl_create_token_sends_a_token_request() -> None:
    spec = bytes_field(1, "x") + number_field(4, 3600)
    spec += bytes_field(3, bytes_field(1, "Pod") + bytes_field(2, "v1") + bytes_field(3, "p1") + bytes_field(4, "123"))
    status = bytes_field(1, "") + bytes_field(2, b"")
    raw = bytes_field(1, b"") + bytes_field(2, spec) + bytes_field(3, status)
    assert decode_object(envelope("authentication.k8s.io/v1", "TokenRequest", raw)) == {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenRequest",
        "metadata": {},
        "spec": {
            "audiences": ["x"],
            "expirationSeconds": 3600,
            "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p1", "uid": "123"},
        },
        "status": {"token": "", "expirationTimestamp": None},
    }


def test_meta_kinds_are_read_in_any_group_version() -> None:
    options = {"apiVersion": "apps/v1", "kind": "DeleteOptions", "propagationPolicy": "Foreground", "dryRun": ["All"]}
    assert decode_object(encode_object(options)) == options


# Unknown fields are skipped, as the apiserver's generated code skips them.


def test_unknown_fields_of_every_wire_type_are_skipped() -> None:
    unknown = (
        number_field(90, 1 << 40)
        + tag(91, 1)
        + bytes(8)
        + bytes_field(92, b"\x08\x01opaque")
        + tag(93, 3)
        + number_field(1, 5)
        + tag(94, 3)
        + bytes_field(2, "nested")
        + tag(94, 4)
        + tag(93, 4)
        + tag(95, 5)
        + bytes(4)
    )
    raw = bytes_field(1, unknown + bytes_field(1, "x") + unknown) + unknown + bytes_field(2, bytes_field(1, "a"))
    body = MAGIC + unknown + bytes_field(1, bytes_field(1, "v1") + unknown + bytes_field(2, "ConfigMap"))
    body += bytes_field(2, raw)
    assert decode_object(body) == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "x"},
        "data": {"a": ""},
    }


# Malformed bodies, worded as the apiserver's decoder words them.

MALFORMED = {
    "empty": (b"", "empty data"),
    "wrong magic": (
        b'{"kind":"ConfigMap"}',
        "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
    ),
    "magic only": (MAGIC, "empty body"),
    "truncated varint": (MAGIC + b"\x0a\x80", "unexpected EOF"),
    "varint overflow": (MAGIC + tag(9, 0) + b"\xff" * 10 + b"\x01", "proto: integer overflow"),
    "length past the end": (MAGIC + b"\x0a\x20\x0a\x02v1", "unexpected EOF"),
    "negative length": (MAGIC + b"\x12" + varint(1 << 63), "proto: negative length found during unmarshaling"),
    "illegal tag": (MAGIC + b"\x02\x00", "proto: Unknown: illegal tag 0 (wire type 2)"),
    "end group": (MAGIC + b"\x0c", "proto: Unknown: wiretype end group for non-group"),
    "illegal wire type": (MAGIC + tag(9, 7), "proto: illegal wireType 7"),
    "unbalanced group": (MAGIC + tag(9, 3) + number_field(1, 1), "unexpected EOF"),
    "wrong wire type": (MAGIC + number_field(2, 1), "proto: wrong wireType = 0 for field Raw"),
    "no kind": (
        MAGIC + bytes_field(1, bytes_field(1, "v1")),
        """Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:"v1", Kind:""}'""",
    ),
    "no apiVersion": (
        MAGIC + bytes_field(1, bytes_field(2, "Pod")),
        """Object 'apiVersion' is missing in 'runtime.TypeMeta{APIVersion:"", Kind:"Pod"}'""",
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_envelopes_are_rejected(case: str) -> None:
    body, message = MALFORMED[case]
    with pytest.raises(ProtobufError) as raised:
        decode_object(body)
    assert str(raised.value) == message
    assert (raised.value.api_version, raised.value.kind) == (None, None)


OBJECT_ERRORS = {
    "truncated": (bytes_field(1, bytes_field(1, "x"))[:-1], "unexpected EOF"),
    "wrong wire type": (number_field(2, 1), "proto: wrong wireType = 0 for field Data"),
    "bool as bytes": (bytes_field(4, b"\x01"), "proto: wrong wireType = 2 for field Immutable"),
    "nested illegal tag": (bytes_field(1, b"\x00\x00"), "proto: ObjectMeta: illegal tag 0 (wire type 0)"),
    "map entry past the end": (bytes_field(2, b"\x0a\x05ab"), "unexpected EOF"),
}


@pytest.mark.parametrize("case", OBJECT_ERRORS)
def test_malformed_objects_name_the_envelope_kind(case: str) -> None:
    raw, message = OBJECT_ERRORS[case]
    with pytest.raises(ProtobufError) as raised:
        decode_object(configmap_body(raw))
    assert str(raised.value) == message
    assert (raised.value.api_version, raised.value.kind) == ("v1", "ConfigMap")


def test_an_unknown_kind_is_not_registered() -> None:
    with pytest.raises(ProtobufError, match=r'^no kind "Widget" is registered for version "example.com/v1" in scheme'):
        decode_object(envelope("example.com/v1", "Widget", b""))


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ({"kind": "ConfigMap"}, "cannot encode an object without a string apiVersion and kind"),
        ({"apiVersion": "v1", "kind": "ConfigMap", "data": ["a"]}, "expected an object, got list"),
        ({"apiVersion": "v1", "kind": "ConfigMap", "immutable": "yes"}, "expected a bool, got str"),
        ({"apiVersion": "v1", "kind": "Secret", "data": {"k": "not base64!"}}, "illegal base64 data"),
        ({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "value": 1 << 31}, "does not fit in int32"),
        ({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"creationTimestamp": "yesterday"}}, "RFC 3339"),
    ],
)
def test_objects_that_cannot_be_encoded_are_refused(obj: dict[str, Any], message: str) -> None:
    with pytest.raises(ProtobufError, match=message):
        encode_object(obj)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(sorted(KINDS)), raw=st.binary(max_size=200))
def test_arbitrary_object_bytes_decode_or_raise_protobuf_error(kind: tuple[str, str], raw: bytes) -> None:
    with contextlib.suppress(ProtobufError):
        decode_object(envelope(*kind, raw))


def test_every_truncation_of_a_real_object_decodes_or_raises_protobuf_error() -> None:
    body = encode_object(REALISTIC["deployment"])
    for end in range(len(body)):
        with contextlib.suppress(ProtobufError):
            decode_object(body[:end])


# The table against Kubernetes 1.37's OpenAPI definitions: the same fields, with the same types.

SCHEMA = files("kubernetes_validate") / "kubernetes-json-schema" / "v1.37.0-local" / "_definitions.json"
SCHEMA_PACKAGES = {
    "io.k8s.apimachinery.pkg.apis.meta.v1.": "meta.v1.",
    "io.k8s.apimachinery.pkg.api.resource.": "resource.",
    "io.k8s.apimachinery.pkg.util.intstr.": "intstr.",
    "io.k8s.api.": "",
}
STRING_LISTS = ("authentication.v1.ExtraValue", "authentication.v1.AttestationValue")


def message_name(definition: str) -> str:
    for prefix, short in SCHEMA_PACKAGES.items():
        if definition.startswith(prefix):
            return short + definition[len(prefix) :]
    raise AssertionError(definition)


def schema_type(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return message_name(prop["$ref"].removeprefix("#/$defs/"))
    types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    if "array" in types:
        return "[]" + schema_type(prop["items"])
    if "object" in types:
        return "map " + schema_type(prop["additionalProperties"])
    if "boolean" in types:
        return "bool"
    if "integer" in types:
        return prop["format"]
    return "bytes" if prop.get("format") == "byte" else "string"


def table_type(field: Field) -> str:
    item = "[]string" if field.type in STRING_LISTS else field.type
    return ("map " if field.map else "[]" if field.repeated else "") + item


def json_fields(message: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for field in MESSAGES[message].values():
        fields.update(json_fields(field.type) if field.inline else {field.name: table_type(field)})
    return fields


@pytest.fixture(scope="module")
def definitions() -> dict[str, Any]:
    everything = json.loads(SCHEMA.read_text())["$defs"]
    return {
        message_name(name): schema for name, schema in everything.items() if name.startswith(tuple(SCHEMA_PACKAGES))
    }


def test_every_message_has_the_fields_and_types_of_its_openapi_definition(definitions: dict[str, Any]) -> None:
    inlined = {field.type for fields in MESSAGES.values() for field in fields.values() if field.inline}
    for message in MESSAGES.keys() - inlined:
        definition = definitions[message]
        expected = {name: schema_type(prop) for name, prop in definition.get("properties", {}).items()}
        if "x-kubernetes-group-version-kind" in definition:
            del expected["apiVersion"], expected["kind"]
        assert json_fields(message) == expected, message


def test_the_table_is_closed_and_in_field_order() -> None:
    known = set(MESSAGES) | {
        "meta.v1.Time",
        "resource.Quantity",
        "intstr.IntOrString",
        "meta.v1.FieldsV1",
        *STRING_LISTS,
    }
    scalars = {"string", "bytes", "bool", "int32", "int64"}
    for message, fields in MESSAGES.items():
        assert list(fields) == sorted(fields), message
        for field in fields.values():
            assert field.type in scalars | known, f"{message}.{field.name}: {field.type}"
    assert set(KINDS.values()) <= set(MESSAGES)


def test_no_message_contains_itself_so_nesting_is_bounded() -> None:
    def check(message: str, path: tuple[str, ...]) -> None:
        assert message not in path, " -> ".join((*path, message))
        for field in MESSAGES.get(message, {}).values():
            check(field.type, (*path, message))

    for message in KINDS.values():
        check(message, ())


# Real kubectl against a listener that records what it sends: every body decodes to the JSON
# `--dry-run=client -o json` prints for the same command, which is Go's JSON of the same object.

DISCOVERY = {
    "v1": [
        ("configmaps", "ConfigMap"),
        ("secrets", "Secret"),
        ("namespaces", "Namespace"),
        ("services", "Service"),
        ("serviceaccounts", "ServiceAccount"),
        ("resourcequotas", "ResourceQuota"),
        ("pods", "Pod"),
    ],
    "apps/v1": [("deployments", "Deployment")],
    "batch/v1": [("jobs", "Job"), ("cronjobs", "CronJob")],
    "autoscaling/v2": [("horizontalpodautoscalers", "HorizontalPodAutoscaler")],
    "networking.k8s.io/v1": [("ingresses", "Ingress")],
    "rbac.authorization.k8s.io/v1": [
        ("roles", "Role"),
        ("rolebindings", "RoleBinding"),
        ("clusterroles", "ClusterRole"),
        ("clusterrolebindings", "ClusterRoleBinding"),
    ],
    "policy/v1": [("poddisruptionbudgets", "PodDisruptionBudget")],
    "scheduling.k8s.io/v1": [("priorityclasses", "PriorityClass")],
}
CLUSTER_SCOPED = {"namespaces", "clusterroles", "clusterrolebindings", "priorityclasses"}
SCALE = {"name": "deployments/scale", "namespaced": True, "group": "autoscaling", "version": "v1", "kind": "Scale"}
STORED = {
    "/apis/apps/v1/namespaces/default/deployments/web": {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "uid": "1f0c"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx"}]},
            },
        },
    },
    "/apis/batch/v1/namespaces/default/cronjobs/nightly": {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "nightly", "namespace": "default", "uid": "7e21"},
        "spec": {
            "schedule": "0 3 * * *",
            "jobTemplate": {
                "spec": {
                    "template": {
                        "spec": {"restartPolicy": "OnFailure", "containers": [{"name": "job", "image": "busybox"}]}
                    }
                }
            },
        },
    },
}


def resource_list(group_version: str) -> dict[str, Any]:
    resources: list[dict[str, Any]] = [
        {
            "name": plural,
            "singularName": "",
            "namespaced": plural not in CLUSTER_SCOPED,
            "kind": kind,
            "verbs": ["create", "get"],
        }
        for plural, kind in DISCOVERY[group_version]
    ]
    if group_version == "apps/v1":
        resources.append({**SCALE, "singularName": "", "verbs": ["get", "update"]})
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}


def discovery(path: str) -> dict[str, Any] | None:
    if path == "/api":
        return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
    if path == "/apis":
        groups = [gv.split("/") for gv in DISCOVERY if "/" in gv]
        return {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [
                {
                    "name": g,
                    "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
                    "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v},
                }
                for g, v in groups
            ],
        }
    group_version = path.removeprefix("/api/").removeprefix("/apis/")
    return resource_list(group_version) if group_version in DISCOVERY else STORED.get(path)


class Recorder(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), RecordingHandler)
        self.bodies: list[tuple[str, bytes]] = []


class RecordingHandler(BaseHTTPRequestHandler):
    server: Recorder

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reports what matters."""

    def do_GET(self) -> None:
        found = discovery(self.path.split("?")[0])
        self.reply(200 if found else 404, found or {"kind": "Status", "apiVersion": "v1", "code": 404})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.bodies.append((self.headers["Content-Type"], body))
        self.reply(201, {"kind": "Status", "apiVersion": "v1", "status": "Success"})

    def reply(self, code: int, obj: dict[str, Any]) -> None:
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Kubectl:
    def __init__(self, recorder: Recorder, cache: Path) -> None:
        self.recorder = recorder
        server = f"--server=http://127.0.0.1:{recorder.server_address[1]}"
        self.prefix = [str(KUBECTL), server, f"--cache-dir={cache}"]

    def run(self, command: list[str], *flags: str) -> str:
        # Flags go before `--`: what follows it is the container's command.
        split = command.index("--") if "--" in command else len(command)
        args = [*self.prefix, *command[:split], *flags, *command[split:]]
        env = {**os.environ, "KUBECONFIG": os.devnull}
        result = subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def sent(self, command: list[str]) -> tuple[str, bytes]:
        before = len(self.recorder.bodies)
        self.run(command)
        assert len(self.recorder.bodies) == before + 1
        return self.recorder.bodies[-1]


@pytest.fixture(scope="module")
def kubectl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kubectl]:
    if not KUBECTL.exists():
        pytest.skip(f"the project's kubectl is not installed at {KUBECTL}")
    recorder = Recorder()
    thread = threading.Thread(target=recorder.serve_forever, daemon=True)
    thread.start()
    yield Kubectl(recorder, tmp_path_factory.mktemp("kubectl-cache"))
    recorder.shutdown()
    recorder.server_close()


GENERATORS = [
    "create configmap settings --from-literal=mode=fast --from-literal=empty= --from-file=blob={binary}",
    "create secret generic creds --from-literal=user=admin --from-file=key={binary}",
    "create secret docker-registry pull --docker-server=registry.example --docker-username=u --docker-password=p",
    "create namespace team-a",
    "create deployment web --image=nginx:1.27 --image=redis --replicas=3 --port=80",
    "create deployment idle --image=nginx --replicas=0",
    "create job once --image=busybox -- echo hello",
    "create job manual --from=cronjob/nightly",
    "create cronjob report --image=busybox '--schedule=*/5 * * * *' --restart=Never -- date",
    "create service clusterip web --tcp=80:8080,443:https",
    "create service nodeport web --tcp=80:8080 --node-port=30080",
    "create service loadbalancer web --tcp=80",
    "create service externalname search --external-name=search.example",
    "create serviceaccount builder",
    "create quota small --hard=cpu=1,memory=1Gi,pods=10 --scopes=BestEffort",
    "create priorityclass high --value=1000 --description=web --preemption-policy=Never",
    "create role reader --verb=get,list --resource=pods,deployments.apps --resource-name=web",
    "create rolebinding reader --role=reader --user=alice --group=devs --serviceaccount=default:builder",
    "create clusterrole health --verb=get --non-resource-url=/healthz",
    "create clusterrole aggregate --aggregation-rule=example.com/aggregate=true",
    "create clusterrolebinding health --clusterrole=health --user=bob",
    "create poddisruptionbudget web --selector=app=web --min-available=50%",
    "create poddisruptionbudget api --selector=app=api --max-unavailable=1",
    "create ingress web --rule=web.example/api*=web:8080,tls=web-tls --class=nginx --default-backend=web:http",
    "autoscale deployment web --min=2 --max=5 --cpu=80%",
]


@pytest.mark.parametrize("line", GENERATORS)
def test_kubectl_generators_send_protobuf_that_decodes_to_their_json(
    kubectl: Kubectl, line: str, tmp_path: Path
) -> None:
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)))
    command = shlex.split(line.format(binary=binary))
    content_type, body = kubectl.sent(command)
    assert content_type == "application/vnd.kubernetes.protobuf"
    assert decode_object(body) == json.loads(kubectl.run(command, "--dry-run=client", "-o", "json"))

"""The scheduler as the book shows it: pods spread over the workers, node selectors and affinity, anti-affinity,
taints, cordons, requests that do not fit, pods scheduled once room appears, and the binding subresource.

Everything is observed as a user sees it: spec.nodeName, the PodScheduled condition, the Scheduled and
FailedScheduling events (their messages are kube-scheduler's), `kubectl describe pod`. The cluster has a
tainted control plane and two workers (4 CPUs each); every test undoes what it does to nodes.
"""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest
from kubernetes import client, config
from kubernetes.client.rest import ApiException

from tests.kubesim.conftest import Cluster, eventually

NAMESPACE = "scheduling"
WAIT_SECONDS = 30.0
WORKERS = ("kuar-worker", "kuar-worker2")
CONTROL_PLANE = "kuar-control-plane"
KUARD = "gcr.io/kuar-demo/kuard-amd64:blue"
TAINTED_CONTROL_PLANE = "1 node(s) had untolerated taint(s)"
NOT_HELPFUL = "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."


@pytest.fixture(scope="module", autouse=True)
def namespace(cluster: Cluster) -> None:
    cluster.kubectl("create", "namespace", NAMESPACE)


def apply(cluster: Cluster, manifest: str) -> None:
    cluster.kubectl("apply", "-n", NAMESPACE, "-f", "-", stdin=manifest)


def pod_manifest(name: str, spec: str = "", cpu: str = "", host_port: int = 0) -> str:
    resources = f"resources: {{requests: {{cpu: '{cpu}'}}}}" if cpu else "resources: {}"
    ports = f", ports: [{{containerPort: 8080, hostPort: {host_port}}}]" if host_port else ""
    return f"""\
apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  terminationGracePeriodSeconds: 2
  containers: [{{name: kuard, image: "{KUARD}", {resources}{ports}}}]
{spec}"""


def get_pod(cluster: Cluster, name: str) -> dict:
    return json.loads(cluster.kubectl("get", "pod", name, "-n", NAMESPACE, "-o", "json").stdout)


def pods(cluster: Cluster, selector: str) -> list[dict]:
    listed = cluster.kubectl("get", "pods", "-n", NAMESPACE, "-l", selector, "-o", "json").stdout
    return [pod for pod in json.loads(listed)["items"] if not pod["metadata"].get("deletionTimestamp")]


def node_of_pod(pod: dict) -> str:
    return str(pod["spec"].get("nodeName") or "")


def node_of(cluster: Cluster, name: str) -> str:
    return str(get_pod(cluster, name)["spec"].get("nodeName") or "")


def placed(cluster: Cluster) -> dict[str, str]:
    """Every pod of the namespace, with its node ("" while it has none)."""
    listed = json.loads(cluster.kubectl("get", "pods", "-n", NAMESPACE, "-o", "json").stdout)["items"]
    return {pod["metadata"]["name"]: node_of_pod(pod) for pod in listed}


def scheduled(pod: dict) -> dict:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return next((c for c in conditions if c["type"] == "PodScheduled"), {})


def events(cluster: Cluster, name: str, reason: str) -> list[dict]:
    selector = f"involvedObject.name={name},reason={reason}"
    listed = cluster.kubectl("get", "events", "-n", NAMESPACE, "--field-selector", selector, "-o", "json").stdout
    return json.loads(listed)["items"]


def unschedulable_message(cluster: Cluster, name: str) -> str:
    """The PodScheduled=False message once the scheduler has given up on the pod ("" until then)."""
    condition = scheduled(get_pod(cluster, name))
    if condition.get("status") == "False" and condition.get("reason") == "Unschedulable":
        return str(condition.get("message", ""))
    return ""


def delete_pods(cluster: Cluster, *names: str) -> None:
    cluster.kubectl("delete", "pod", *names, "-n", NAMESPACE, "--ignore-not-found", "--wait=true")


def test_replicas_spread_over_the_workers_and_never_the_control_plane(cluster: Cluster) -> None:
    apply(
        cluster,
        f"""\
apiVersion: apps/v1
kind: ReplicaSet
metadata: {{name: spread}}
spec:
  replicas: 4
  selector: {{matchLabels: {{app: spread}}}}
  template:
    metadata: {{labels: {{app: spread}}}}
    spec:
      containers: [{{name: kuard, image: "{KUARD}"}}]
""",
    )
    assert eventually(
        lambda: len(pods(cluster, "app=spread")) == 4 and all(node_of_pod(p) for p in pods(cluster, "app=spread"))
    )
    replicas = pods(cluster, "app=spread")
    assert Counter(node_of_pod(pod) for pod in replicas) == {WORKERS[0]: 2, WORKERS[1]: 2}
    for pod in replicas:
        name = pod["metadata"]["name"]
        assert scheduled(pod)["status"] == "True"
        [event] = events(cluster, name, "Scheduled")
        assert event["type"] == "Normal"
        assert event["source"]["component"] == "default-scheduler"
        assert event["message"] == f"Successfully assigned {NAMESPACE}/{name} to {node_of_pod(pod)}"
    cluster.kubectl("delete", "replicaset", "spread", "-n", NAMESPACE)


def test_a_pod_that_tolerates_the_control_plane_taint_may_go_there(cluster: Cluster) -> None:
    spec = """\
  nodeSelector: {node-role.kubernetes.io/control-plane: ""}
  tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}]
"""
    apply(cluster, pod_manifest("on-control-plane", spec))
    assert eventually(lambda: node_of(cluster, "on-control-plane") == CONTROL_PLANE)
    delete_pods(cluster, "on-control-plane")


def test_a_node_selector_waits_for_a_labelled_node(cluster: Cluster) -> None:
    apply(cluster, pod_manifest("wants-ssd", "  nodeSelector: {disktype: ssd}\n"))
    expected = (
        f"0/3 nodes are available: {TAINTED_CONTROL_PLANE}, 2 node(s) didn't match Pod's node affinity/selector. "
        + NOT_HELPFUL
    )
    assert eventually(lambda: unschedulable_message(cluster, "wants-ssd") == expected)
    [event] = events(cluster, "wants-ssd", "FailedScheduling")
    assert (event["type"], event["message"], event["source"]["component"]) == ("Warning", expected, "default-scheduler")
    assert get_pod(cluster, "wants-ssd")["status"]["phase"] == "Pending"
    try:
        cluster.kubectl("label", "node", WORKERS[1], "disktype=ssd")
        assert eventually(lambda: node_of(cluster, "wants-ssd") == WORKERS[1])
        assert scheduled(get_pod(cluster, "wants-ssd"))["status"] == "True"
    finally:
        cluster.kubectl("label", "node", WORKERS[1], "disktype-")
    delete_pods(cluster, "wants-ssd")


def test_required_node_affinity_with_every_operator(cluster: Cluster) -> None:
    def affinity(expression: str, field: str = "matchExpressions") -> str:
        return f"""\
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms: [{{{field}: [{expression}]}}]
"""

    cases = {
        "in": (affinity("{key: kubernetes.io/hostname, operator: In, values: [kuar-worker2]}"), WORKERS[1]),
        "not-in": (affinity("{key: kubernetes.io/hostname, operator: NotIn, values: [kuar-worker2]}"), WORKERS[0]),
        "exists": (affinity("{key: sched-fast, operator: Exists}"), WORKERS[0]),
        "does-not-exist": (affinity("{key: sched-fast, operator: DoesNotExist}"), WORKERS[1]),
        "gt": (affinity("{key: sched-cores, operator: Gt, values: ['6']}"), WORKERS[1]),
        "lt": (affinity("{key: sched-cores, operator: Lt, values: ['6']}"), WORKERS[0]),
        "field": (affinity("{key: metadata.name, operator: In, values: [kuar-worker]}", "matchFields"), WORKERS[0]),
    }
    try:
        cluster.kubectl("label", "node", WORKERS[0], "sched-fast=yes", "sched-cores=4")
        cluster.kubectl("label", "node", WORKERS[1], "sched-cores=8")
        apply(cluster, "---\n".join(pod_manifest(f"affinity-{name}", spec) for name, (spec, _) in cases.items()))
        wanted = {f"affinity-{name}": node for name, (_, node) in cases.items()}
        assert eventually(lambda: all(placed(cluster).get(name) for name in wanted))
        assert {name: node for name, node in placed(cluster).items() if name in wanted} == wanted
    finally:
        cluster.kubectl("label", "node", WORKERS[0], "sched-fast-", "sched-cores-")
        cluster.kubectl("label", "node", WORKERS[1], "sched-cores-")
    delete_pods(cluster, *(f"affinity-{name}" for name in cases))


def test_anti_affinity_on_the_hostname_leaves_the_third_replica_pending(cluster: Cluster) -> None:
    apply(
        cluster,
        f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: lonely}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: lonely}}}}
  template:
    metadata: {{labels: {{app: lonely}}}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {{matchLabels: {{app: lonely}}}}
            topologyKey: kubernetes.io/hostname
      containers: [{{name: kuard, image: "{KUARD}"}}]
""",
    )

    def placed() -> bool:
        replicas = pods(cluster, "app=lonely")
        return len(replicas) == 3 and sum(1 for pod in replicas if node_of_pod(pod)) == 2

    assert eventually(placed)
    replicas = pods(cluster, "app=lonely")
    assert sorted(node_of_pod(pod) for pod in replicas if node_of_pod(pod)) == list(WORKERS)
    [pending] = [pod["metadata"]["name"] for pod in replicas if not node_of_pod(pod)]
    expected = (
        f"0/3 nodes are available: {TAINTED_CONTROL_PLANE}, 2 node(s) didn't match pod anti-affinity rules. "
        "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
        "2 No preemption victims found for incoming pod."
    )
    assert eventually(lambda: unschedulable_message(cluster, pending) == expected)
    described = cluster.kubectl("describe", "pod", pending, "-n", NAMESPACE).stdout
    assert "PodScheduled   False" in described
    assert "FailedScheduling" in described and "default-scheduler" in described
    assert "2 node(s) didn't match pod anti-affinity rules" in described

    # A pod that must run beside a `lonely` replica goes to a node that has one.
    affinity = """\
  affinity:
    podAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector: {matchLabels: {app: lonely}}
        topologyKey: kubernetes.io/hostname
"""
    apply(cluster, pod_manifest("companion", affinity))
    assert eventually(lambda: node_of(cluster, "companion") in WORKERS)
    cluster.kubectl("delete", "deployment", "lonely", "-n", NAMESPACE)
    delete_pods(cluster, "companion")


def test_a_pod_too_big_for_any_node_stays_pending(cluster: Cluster) -> None:
    apply(cluster, pod_manifest("too-big", cpu="5"))
    expected = f"0/3 nodes are available: {TAINTED_CONTROL_PLANE}, 2 Insufficient cpu. {NOT_HELPFUL}"
    assert eventually(lambda: unschedulable_message(cluster, "too-big") == expected)
    pod = get_pod(cluster, "too-big")
    assert pod["status"]["phase"] == "Pending" and not pod["spec"].get("nodeName")
    described = cluster.kubectl("describe", "pod", "too-big", "-n", NAMESPACE).stdout
    assert "PodScheduled   False" in described
    assert "Warning  FailedScheduling" in described
    assert "2 Insufficient cpu" in described
    delete_pods(cluster, "too-big")


def test_a_pending_pod_is_scheduled_once_resources_are_freed(cluster: Cluster) -> None:
    for index, node in enumerate(WORKERS):
        apply(cluster, pod_manifest(f"hog-{index}", f"  nodeName: {node}\n", cpu="3"))
    apply(cluster, pod_manifest("waiter", cpu="3"))
    expected = (
        f"0/3 nodes are available: {TAINTED_CONTROL_PLANE}, 2 Insufficient cpu. preemption: 0/3 nodes are "
        "available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
    )
    try:
        assert eventually(lambda: unschedulable_message(cluster, "waiter") == expected)
        delete_pods(cluster, "hog-1")
        assert eventually(lambda: node_of(cluster, "waiter") == WORKERS[1])
        assert scheduled(get_pod(cluster, "waiter"))["status"] == "True"
    finally:
        delete_pods(cluster, "hog-0", "hog-1", "waiter")


def test_repeated_failures_count_up_one_event(cluster: Cluster) -> None:
    apply(cluster, pod_manifest("never", "  nodeSelector: {sched-nowhere: 'true'}\n"))
    assert eventually(lambda: unschedulable_message(cluster, "never") != "")
    try:
        for attempt in range(3):  # every node change is a reason to try again
            cluster.kubectl("label", "node", WORKERS[0], f"sched-attempt={attempt}", "--overwrite")
            time.sleep(0.3)
        assert eventually(lambda: int(events(cluster, "never", "FailedScheduling")[0].get("count", 1)) >= 2)
        assert len(events(cluster, "never", "FailedScheduling")) == 1
    finally:
        cluster.kubectl("label", "node", WORKERS[0], "sched-attempt-")
    delete_pods(cluster, "never")


def test_a_cordoned_node_gets_no_new_pods(cluster: Cluster) -> None:
    try:
        cluster.kubectl("cordon", WORKERS[0])
        apply(
            cluster,
            f"""\
apiVersion: apps/v1
kind: ReplicaSet
metadata: {{name: cordoned}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: cordoned}}}}
  template:
    metadata: {{labels: {{app: cordoned}}}}
    spec:
      containers: [{{name: kuard, image: "{KUARD}"}}]
""",
        )
        assert eventually(lambda: len([p for p in pods(cluster, "app=cordoned") if node_of_pod(p)]) == 3)
        assert {node_of_pod(pod) for pod in pods(cluster, "app=cordoned")} == {WORKERS[1]}

        cluster.kubectl("cordon", WORKERS[1])
        apply(cluster, pod_manifest("no-room"))
        expected = f"0/3 nodes are available: {TAINTED_CONTROL_PLANE}, 2 node(s) were unschedulable. {NOT_HELPFUL}"
        assert eventually(lambda: unschedulable_message(cluster, "no-room") == expected)
        cluster.kubectl("uncordon", WORKERS[0])
        assert eventually(lambda: node_of(cluster, "no-room") == WORKERS[0])
    finally:
        cluster.kubectl("uncordon", *WORKERS)
    cluster.kubectl("delete", "replicaset", "cordoned", "-n", NAMESPACE)
    delete_pods(cluster, "no-room")


def test_taints_keep_pods_off_unless_tolerated_and_host_ports_are_not_shared(cluster: Cluster) -> None:
    try:
        cluster.kubectl("taint", "node", WORKERS[0], "dedicated=batch:NoSchedule")
        apply(cluster, pod_manifest("intolerant"))
        tolerant = f"""\
  nodeSelector: {{kubernetes.io/hostname: {WORKERS[0]}}}
  tolerations: [{{key: dedicated, operator: Equal, value: batch, effect: NoSchedule}}]
"""
        apply(cluster, pod_manifest("tolerant", tolerant))
        assert eventually(lambda: node_of(cluster, "intolerant") == WORKERS[1])
        assert eventually(lambda: node_of(cluster, "tolerant") == WORKERS[0])
    finally:
        cluster.kubectl("taint", "node", WORKERS[0], "dedicated-")
    delete_pods(cluster, "intolerant", "tolerant")

    for index in range(3):
        apply(cluster, pod_manifest(f"port-{index}", host_port=18080))
    assert eventually(lambda: sum(1 for index in range(3) if node_of(cluster, f"port-{index}")) == 2)
    [pending] = [f"port-{index}" for index in range(3) if not node_of(cluster, f"port-{index}")]
    expected = (
        f"0/3 nodes are available: {TAINTED_CONTROL_PLANE}, 2 node(s) didn't have free ports for the requested pod "
        "ports. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption "
        "victims found for incoming pod."
    )
    assert eventually(lambda: unschedulable_message(cluster, pending) == expected)
    delete_pods(cluster, "port-0", "port-1", "port-2")


def test_claims_decide_where_the_pod_may_go(cluster: Cluster) -> None:
    volume = """\
  volumes: [{name: data, persistentVolumeClaim: {claimName: CLAIM}}]
"""
    apply(cluster, pod_manifest("claimless", volume.replace("CLAIM", "missing")))
    expected = f'0/3 nodes are available: persistentvolumeclaim "missing" not found. {NOT_HELPFUL}'
    assert eventually(lambda: unschedulable_message(cluster, "claimless") == expected)

    apply(
        cluster,
        """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: waits}
spec:
  storageClassName: standard
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
""",
    )
    apply(cluster, pod_manifest("consumer", volume.replace("CLAIM", "waits")))
    assert eventually(lambda: node_of(cluster, "consumer") in WORKERS)
    node = node_of(cluster, "consumer")
    claim = json.loads(cluster.kubectl("get", "pvc", "waits", "-n", NAMESPACE, "-o", "json").stdout)
    assert claim["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] == node

    # The volume provisioned there can only be used there, whatever the next pod would prefer.
    assert eventually(lambda: claim_phase(cluster, "waits") == "Bound")
    elsewhere = WORKERS[1 - WORKERS.index(node)]
    prefers_elsewhere = f"""\
  affinity:
    nodeAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        preference: {{matchExpressions: [{{key: kubernetes.io/hostname, operator: In, values: [{elsewhere}]}}]}}
"""
    apply(cluster, pod_manifest("second-consumer", volume.replace("CLAIM", "waits") + prefers_elsewhere))
    assert eventually(lambda: node_of(cluster, "second-consumer") != "")
    assert node_of(cluster, "second-consumer") == node
    delete_pods(cluster, "claimless", "consumer", "second-consumer")


def claim_phase(cluster: Cluster, name: str) -> str:
    claim = json.loads(cluster.kubectl("get", "pvc", name, "-n", NAMESPACE, "-o", "json").stdout)
    return str((claim.get("status") or {}).get("phase", ""))


def test_binding_sets_the_node_once(cluster: Cluster) -> None:
    api = client.CoreV1Api(config.new_client_from_config(str(cluster.kubeconfig)))
    pod = client.V1Pod(
        metadata=client.V1ObjectMeta(name="hand-placed"),
        spec=client.V1PodSpec(
            scheduler_name="my-scheduler",  # not ours: default-scheduler leaves it alone
            containers=[client.V1Container(name="kuard", image=KUARD)],
        ),
    )
    api.create_namespaced_pod(NAMESPACE, pod)
    time.sleep(0.5)
    assert not api.read_namespaced_pod("hand-placed", NAMESPACE).spec.node_name
    assert events(cluster, "hand-placed", "FailedScheduling") == []

    def binding(node: str, pod: str = "hand-placed") -> client.V1Binding:
        return client.V1Binding(
            metadata=client.V1ObjectMeta(name=pod), target=client.V1ObjectReference(kind="Node", name=node)
        )

    response = api.create_namespaced_pod_binding("hand-placed", NAMESPACE, binding(WORKERS[0]), _preload_content=False)
    assert response.status == 201
    assert json.loads(response.data) == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "code": 201,
    }
    bound = api.read_namespaced_pod("hand-placed", NAMESPACE)
    assert bound.spec.node_name == WORKERS[0]
    assert [(c.type, c.status) for c in bound.status.conditions if c.type == "PodScheduled"] == [
        ("PodScheduled", "True")
    ]

    with pytest.raises(ApiException) as refused:
        api.create_namespaced_pod_binding("hand-placed", NAMESPACE, binding(WORKERS[1]), _preload_content=False)
    assert refused.value.status == 409
    body = json.loads(refused.value.body)
    assert body["reason"] == "Conflict"
    assert body["message"] == (
        'Operation cannot be fulfilled on pods/binding "hand-placed": pod hand-placed is already assigned to node '
        f'"{WORKERS[0]}"'
    )
    assert api.read_namespaced_pod("hand-placed", NAMESPACE).spec.node_name == WORKERS[0]

    # The older form: POST bindings, the pod named by the Binding itself.
    api.create_namespaced_pod(
        NAMESPACE, client.V1Pod(metadata=client.V1ObjectMeta(name="hand-placed-too"), spec=pod.spec)
    )
    api.create_namespaced_binding(NAMESPACE, binding(WORKERS[1], "hand-placed-too"), _preload_content=False)
    assert api.read_namespaced_pod("hand-placed-too", NAMESPACE).spec.node_name == WORKERS[1]

    with pytest.raises(ApiException) as missing:
        api.create_namespaced_pod_binding("nobody", NAMESPACE, binding(WORKERS[1], "nobody"), _preload_content=False)
    assert missing.value.status == 404
    assert json.loads(missing.value.body)["message"] == 'pods "nobody" not found'
    delete_pods(cluster, "hand-placed", "hand-placed-too")


def test_a_higher_priority_pod_preempts_a_lower_one(cluster: Cluster) -> None:
    apply(
        cluster,
        """\
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: sched-important}
value: 1000
""",
    )
    for index, node in enumerate(WORKERS):
        apply(cluster, pod_manifest(f"filler-{index}", f"  nodeName: {node}\n", cpu="3"))
    apply(cluster, pod_manifest("important", "  priorityClassName: sched-important\n", cpu="3"))
    try:
        assert eventually(lambda: node_of(cluster, "important") in WORKERS)
        node = node_of(cluster, "important")
        victim = f"filler-{WORKERS.index(node)}"
        [event] = events(cluster, victim, "Preempted")
        uid = get_pod(cluster, "important")["metadata"]["uid"]
        assert event["message"] == f"Preempted by pod {uid} on node {node}"
        assert event["source"]["component"] == "default-scheduler"
        survivor = f"filler-{1 - WORKERS.index(node)}"
        assert node_of(cluster, survivor) != ""
    finally:
        delete_pods(cluster, "filler-0", "filler-1", "important")
        cluster.kubectl("delete", "priorityclass", "sched-important")
